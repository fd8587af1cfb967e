import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { describe, expect, it } from 'vitest';
import { csvCuts, planFile, type FilePlan, type UnitRange } from '#functions/billing/ingest/plan.js';
import { bytesSource, openBillingFile } from '#functions/billing/parse/index.js';
import { LocalObjectStore } from '#shared/storage/local-object-store.js';
import { S3ObjectStore } from '#shared/storage/s3-object-store.js';

const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId,ResourceId,Tags';
const cellsOf = (i: number, name = 'prod') => [
  '2026-01-01T00:00:00Z',
  '2026-02-01T00:00:00Z',
  `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T00:00:00Z`,
  `2026-01-${String(1 + (i % 28)).padStart(2, '0')}T23:00:00Z`,
  'USD',
  `${i}.25`,
  `${i}.25`,
  `${i}.5`,
  'Usage',
  'Amazon EC2',
  '111122223333',
  name,
  'us-east-1',
  `i-${i}`,
  '{"team":"web"}',
];
const quote = (c: string) => (/[",\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c);
const csv = (rows: string[][]) => Buffer.from([HEADER, ...rows.map((r) => r.map(quote).join(','))].join('\n') + '\n');
const reader = (bytes: Uint8Array) => async (start: number, end: number) => bytes.subarray(start, Math.min(end, bytes.byteLength));
const limits = (unitBytes: number, unitRows = 1_000_000) => ({ unitBytes, unitRows });

/** The byte ranges of a plan, checked to cover the file once, in order. */
function byteRanges(plan: FilePlan, size: number): Array<[number, number]> {
  const ranges = plan.ranges.map((r: UnitRange) => {
    if (!r || !('bytes' in r)) throw new Error(`not a byte range: ${JSON.stringify(r)}`);
    return r.bytes;
  });
  expect(ranges[0]![0]).toBe(0);
  expect(ranges.at(-1)![1]).toBe(size);
  for (let i = 1; i < ranges.length; i++) expect(ranges[i]![0]).toBe(ranges[i - 1]![1]);
  return ranges;
}

/** Every record of a CSV file read through its units (the header in front of each but the first), as the workflow's tasks do. */
async function recordsByUnits(bytes: Buffer, ranges: Array<[number, number]>, headerEnd: number) {
  const lines: number[] = [];
  let records = 0;
  for (const [start, end] of ranges) {
    const unit = start === 0 ? bytes.subarray(start, end) : Buffer.concat([bytes.subarray(0, headerEnd), bytes.subarray(start, end)]);
    const file = await openBillingFile(bytesSource(unit), { fileName: 'x.csv' });
    for await (const batch of file.batches) for (const r of batch) lines.push(r.line);
    records += file.totals().recordsRead;
  }
  return { records, lines };
}

describe('planFile: CSV', () => {
  const rows = Array.from({ length: 500 }, (_, i) => cellsOf(i));
  const bytes = csv(rows);

  it('keeps a file of at most one unit whole', async () => {
    expect(await planFile(reader(bytes), bytes.byteLength, limits(bytes.byteLength))).toEqual({ container: 'csv', note: null, ranges: [null] });
  });

  it('cuts a larger file into about unit-sized byte ranges that cover it exactly once, each starting at a line start', async () => {
    const unit = 8 * 1024;
    const plan = await planFile(reader(bytes), bytes.byteLength, limits(unit));
    const ranges = byteRanges(plan, bytes.byteLength);
    expect(ranges.length).toBe(Math.ceil(bytes.byteLength / unit));
    for (const [start, end] of ranges) {
      if (start > 0) expect(bytes[start - 1]).toBe(10);
      // About a unit: a share of the data plus at most the rest of a line (the first range holds the header too).
      expect(end - start).toBeLessThan(unit + HEADER.length + 200);
    }
    const header = Buffer.from(plan.header!, 'base64');
    expect(header.toString()).toBe(`${HEADER}\n`);
    // Every record once: as many as the file holds, none read twice.
    const { records } = await recordsByUnits(bytes, ranges, header.byteLength);
    expect(records).toBe(500);
  });

  it('cuts at line starts only, so a quoted line break can fall at a cut: the unit before it then ends inside the quote (TRUNCATED)', async () => {
    const multiline = Array.from({ length: 30 }, (_, k) => `part ${k}`).join('\n');
    const quoted = csv(Array.from({ length: 60 }, (_, i) => cellsOf(i, `prod\n${multiline}`)));
    const plan = await planFile(reader(quoted), quoted.byteLength, limits(4096));
    const ranges = byteRanges(plan, quoted.byteLength);
    expect(ranges.length).toBeGreaterThan(3);
    // At least one cut is inside a quoted field; the unit before it cannot end cleanly.
    const endings = await Promise.all(
      ranges.slice(0, -1).map(async ([start, end]) => {
        const unit = start === 0 ? quoted.subarray(0, end) : Buffer.concat([Buffer.from(plan.header!, 'base64'), quoted.subarray(start, end)]);
        try {
          const file = await openBillingFile(bytesSource(unit), { fileName: 'q.csv' });
          for await (const _ of file.batches);
          return 'clean';
        } catch (e) {
          return (e as { code?: string }).code;
        }
      }),
    );
    expect(endings).toContain('TRUNCATED');
  });

  it('does not split a quoted header, a file without a currency column, or an unknown format, and says why', async () => {
    const quotedHeader = Buffer.from(`"BillingPeriodStart",${HEADER.split(',').slice(1).join(',')}\n${rows.map((r) => r.map(quote).join(',')).join('\n')}\n`);
    const noCurrency = Buffer.from(
      [HEADER.replace('BillingCurrency,', ''), ...rows.map((r) => r.filter((_, k) => k !== 4).map(quote).join(','))].join('\n') + '\n',
    );
    const unknown = Buffer.from(`name,amount\n${'lunch,12\n'.repeat(3000)}`);
    for (const [file, reason] of [
      [quotedHeader, /the header holds a quote/],
      [noCurrency, /no currency column/],
      [unknown, /not that of a known format/],
    ] as const) {
      const plan = await planFile(reader(file), file.byteLength, limits(4096));
      expect(plan.ranges).toEqual([null]);
      expect(plan.note).toMatch(reason);
    }
  });

  it('csvCuts gives the same cuts for the local reader (parallel.ts) as for the workflow', async () => {
    const cuts = await csvCuts(reader(bytes), bytes.byteLength, 4);
    expect(cuts.ok).toBe(true);
    if (!cuts.ok) return;
    expect(cuts.cuts).toHaveLength(5);
    const plan = await planFile(reader(bytes), bytes.byteLength, limits(Math.ceil(bytes.byteLength / 4)));
    expect(plan.ranges.map((r) => (r && 'bytes' in r ? r.bytes[0] : -1))).toEqual(cuts.cuts.slice(0, -1));
  });
});

describe('planFile: gzip and Parquet', () => {
  const rows = Array.from({ length: 500 }, (_, i) => cellsOf(i));

  it('keeps gzip whole (no random access) and notes it when larger than a unit', async () => {
    const gz = gzipSync(csv(rows));
    const small = await planFile(reader(gz), gz.byteLength, limits(10 * 1024 * 1024));
    expect(small).toEqual({ container: 'csv-gzip', note: null, ranges: [null] });
    const large = await planFile(reader(gz), gz.byteLength, limits(16 * 1024));
    expect(large.ranges).toEqual([null]);
    // The size field of the gzip trailer gives the uncompressed size without reading the stream.
    expect(large.note).toMatch(/^gzip cannot be split .* gzip's size field says 0\.1 MiB uncompressed/);
  });

  const parquet = (n: number, rowGroupSize: number) =>
    new Uint8Array(
      parquetWriteBuffer({
        columnData: HEADER.split(',').map((name, c) => ({ name, data: rows.slice(0, n).map((r) => r[c]!), type: 'STRING' as const })),
        rowGroupSize,
      }),
    );

  it('splits Parquet into runs of whole row groups of at most a unit of rows, and reads each with the file’s row numbers', async () => {
    const file = parquet(95, 10);
    const plan = await planFile(reader(file), file.byteLength, limits(1024, 25));
    expect(plan).toMatchObject({ container: 'parquet', rowGroupCount: 10, columns: HEADER.split(','), note: null });
    expect(plan.ranges).toEqual([{ rowGroups: [0, 2] }, { rowGroups: [2, 4] }, { rowGroups: [4, 6] }, { rowGroups: [6, 8] }, { rowGroups: [8, 10] }]);
    const lines: number[] = [];
    for (const r of plan.ranges) {
      const [start, end] = (r as { rowGroups: [number, number] }).rowGroups;
      const opened = await openBillingFile(bytesSource(file), { fileName: 'p.parquet', rowGroups: { start, end } });
      for await (const batch of opened.batches) for (const rec of batch) lines.push(rec.line);
    }
    expect(lines).toEqual(Array.from({ length: 95 }, (_, i) => i + 1));
  });

  it('keeps Parquet of at most a unit of rows whole, and a single large row group whole with a note', async () => {
    const file = parquet(95, 10);
    expect((await planFile(reader(file), file.byteLength, limits(1024, 95))).ranges).toEqual([null]);
    const oneGroup = parquet(95, 100);
    const plan = await planFile(reader(oneGroup), oneGroup.byteLength, limits(1024, 25));
    expect(plan.ranges).toEqual([null]);
    expect(plan.note).toMatch(/one row group of 95 rows/);
  });
});

describe('object stores read byte ranges', () => {
  it('locally: bytes [start, end) of the file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'objects-'));
    const store = new LocalObjectStore(dir, 'http://local', 'secret');
    await store.write('tenants/t1/a.csv', '0123456789');
    const read = async (range?: { start: number; end: number }) => Buffer.concat(await (await store.read('tenants/t1/a.csv', range)).toArray()).toString();
    expect(await read({ start: 2, end: 5 })).toBe('234');
    expect(await read({ start: 7, end: 10 })).toBe('789');
    expect(await read({ start: 4, end: 4 })).toBe('');
    expect(await read()).toBe('0123456789');
    await writeFile(join(dir, 'unused'), '');
  });

  it('in AWS: a GetObject with the HTTP Range of the same bytes', async () => {
    const s3 = mockClient(S3Client);
    // The SDK's Body is a Node Readable in Lambda; the store hands it on as it is.
    s3.on(GetObjectCommand).callsFake(() => ({ Body: Readable.from([Buffer.from('234')]) }));
    const store = new S3ObjectStore(new S3Client({ region: 'us-east-1' }), 'bucket');
    const body = await store.read('tenants/t1/a.csv', { start: 2, end: 5 });
    expect(Buffer.concat(await body.toArray()).toString()).toBe('234');
    expect(s3.commandCalls(GetObjectCommand)[0]!.args[0].input).toEqual({ Bucket: 'bucket', Key: 'tenants/t1/a.csv', Range: 'bytes=2-4' });
    await store.read('tenants/t1/a.csv');
    expect(s3.commandCalls(GetObjectCommand)[1]!.args[0].input).toEqual({ Bucket: 'bucket', Key: 'tenants/t1/a.csv', Range: undefined });
    s3.restore();
  });
});
