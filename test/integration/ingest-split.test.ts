import { gzipSync } from 'node:zlib';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { beforeAll, describe, expect, inject, it } from 'vitest';
import { formatDecimal, parseDecimal } from '../../shared/money.js';
import { api, newTenant, type Session } from './helpers.js';

/**
 * Files larger than one work unit, through the real local platform: the ingestion workflow splits
 * them (CSV into byte ranges at line starts, Parquet into runs of row groups), one task per unit
 * in the Map, and Commit merges the units' partials. global-setup.ts makes the units small
 * (INGEST_UNIT_BYTES, INGEST_UNIT_ROWS) so files of a few dozen KiB split as large exports do.
 */
const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId,ResourceId,Tags';
const SERVICES = ['Amazon EC2', 'Amazon S3', 'Amazon RDS', 'AWS Lambda', 'Amazon CloudFront'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2'];

interface Row {
  cells: string[];
  billed: string;
  effective: string;
  list: string;
}

/** Row i: ten decimal places, credits below zero, several services, accounts, regions, resources and tags. */
function row(i: number, accountName = 'prod'): Row {
  const credit = i % 13 === 0;
  const billed = `${credit ? '-' : ''}${(i * 37) % 1000}.${String((i * 7919) % 10_000_000_000).padStart(10, '0')}`;
  const effective = `${credit ? '-' : ''}${(i * 31) % 900}.${String((i * 104_729) % 1_000_000_000_000).padStart(12, '0')}`;
  const list = `${(i * 41) % 1200}.5`;
  const day = String(1 + (i % 28)).padStart(2, '0');
  const cells = [
    '2026-01-01T00:00:00Z',
    '2026-02-01T00:00:00Z',
    `2026-01-${day}T00:00:00Z`,
    `2026-01-${day}T23:59:59Z`,
    'USD',
    billed,
    effective,
    list,
    credit ? 'Credit' : 'Usage',
    SERVICES[i % SERVICES.length]!,
    String(111122223333 + (i % 3)),
    accountName,
    REGIONS[i % REGIONS.length]!,
    `i-0abc${i % 17}`,
    JSON.stringify({ team: ['web', 'data', 'ml'][i % 3], env: i % 2 ? 'prod' : 'dev' }),
  ];
  return { cells, billed, effective, list };
}

const quote = (cell: string) => (/[",\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);
const csvOf = (rows: Row[]) => [HEADER, ...rows.map((r) => r.cells.map(quote).join(','))].join('\n') + '\n';
const sum = (rows: Row[], f: 'billed' | 'effective' | 'list') => formatDecimal(rows.reduce((a, r) => a + parseDecimal(r[f]), 0n), { minFractionDigits: 0 });

async function upload(session: Session, sourceId: string, fileName: string, body: string | Uint8Array, contentType = 'text/csv') {
  const created = await api('/v1/billing/uploads', { token: session.idToken, body: { sourceId, fileName, contentType } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const put = await fetch(created.body.target.url, { method: 'PUT', headers: created.body.target.headers, body });
  expect(put.status).toBe(200);
  return created.body.upload.id as string;
}

async function ingest(session: Session, sourceId: string, uploadIds: string[]) {
  const started = await api('/v1/billing/ingestions', { token: session.idToken, body: { sourceId, uploadIds } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (let i = 0; i < 600; i++) {
    const res = await api(`/v1/billing/ingestions/${started.body.id}`, { token: session.idToken });
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('ingestion did not finish');
}

const source = async (session: Session, name: string) => (await api('/v1/billing/sources', { token: session.idToken, body: { name } })).body as { id: string };

const expectedTotals = (rows: Row[]) => [
  { billingPeriod: '2026-01', currency: 'USD', rows: rows.length, billedCost: sum(rows, 'billed'), effectiveCost: sum(rows, 'effective'), listCost: sum(rows, 'list') },
];

/** What the cost APIs answer for January: the same for the same data however it was read. */
async function januaryViews(session: Session) {
  const q = 'start=2026-01-01&end=2026-01-31';
  const views: unknown[] = [];
  for (const path of [
    `/v1/costs/breakdown?${q}&groupBy=service&granularity=daily`,
    `/v1/costs/breakdown?${q}&groupBy=account`,
    `/v1/costs/breakdown?${q}&groupBy=region&metric=effective`,
    `/v1/costs/breakdown?${q}&groupBy=tag:team&metric=list`,
    `/v1/costs/breakdown?${q}&groupBy=chargeCategory`,
    `/v1/costs/resources/top?${q}&limit=50`,
  ]) {
    const res = await api(path, { token: session.idToken });
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).toBe(200);
    // When the data was written differs between tenants; every figure must not.
    const { dataUpdatedAt: _at, ...view } = res.body as Record<string, unknown>;
    views.push(view);
  }
  return views;
}

describe('a file larger than one work unit', () => {
  let admin: Session;
  let whole: Session;
  const unitBytes = () => inject('ingestUnitBytes');
  const rows = Array.from({ length: 400 }, (_, i) => row(i));
  const file = csvOf(rows);

  beforeAll(async () => {
    [admin, whole] = await Promise.all([newTenant('split'), newTenant('whole')]);
  });

  it('is split into byte ranges, one task each, and reconciles to the cent with the file read whole', async () => {
    expect(Buffer.byteLength(file)).toBeGreaterThan(4 * unitBytes());
    const { id } = await source(admin, 'split csv');
    const split = await ingest(admin, id, [await upload(admin, id, 'large.csv', file)]);
    expect(split.error).toBeNull();
    expect(split).toMatchObject({ status: 'succeeded', rowsRead: 400, rowsRejected: 0, periods: ['2026-01'] });
    expect(split.files).toEqual([{ fileName: 'large.csv', format: expect.any(String), container: 'csv', records: 400, units: Math.ceil(Buffer.byteLength(file) / unitBytes()), note: null }]);
    expect(split.sourceTotals).toEqual(expectedTotals(rows));
    expect(split.storedTotals).toEqual(split.sourceTotals);

    // The same bytes gzipped cannot be split: one unit, in another tenant; every view is the same.
    const other = await source(whole, 'whole gzip');
    const one = await ingest(whole, other.id, [await upload(whole, other.id, 'large.csv.gz', gzipSync(file), 'application/gzip')]);
    expect(one).toMatchObject({ status: 'succeeded', rowsRead: 400, files: [expect.objectContaining({ container: 'csv-gzip', units: 1 })] });
    expect(one.sourceTotals).toEqual(split.sourceTotals);
    expect(await januaryViews(admin)).toEqual(await januaryViews(whole));
  });

  it('replaces its period when ingested again: never doubled', async () => {
    const { id } = await source(admin, 'split again');
    const first = await ingest(admin, id, [await upload(admin, id, 'large.csv', file)]);
    const before = await januaryViews(admin);
    const again = await ingest(admin, id, [await upload(admin, id, 'large-again.csv', file)]);
    expect(again).toMatchObject({ status: 'succeeded', rowsRead: 400 });
    expect(again.storedTotals).toEqual(first.storedTotals);
    expect(await januaryViews(admin)).toEqual(before);
    const periods = (await api(`/v1/billing/sources/${id}`, { token: admin.idToken })).body.periods;
    expect(periods).toEqual([expect.objectContaining({ period: '2026-01', ingestionId: again.id })]);
  });

  it('reports rejected rows of later units at the file’s own line numbers', async () => {
    const bad = rows.map((r, i) => (i === 150 || i === 371 ? { ...r, cells: r.cells.map((c, k) => (k === 5 ? 'twelve' : c)) } : r));
    const text = csvOf(bad);
    const { id } = await source(admin, 'bad rows');
    const failed = await ingest(admin, id, [await upload(admin, id, 'bad.csv', text)]);
    expect(failed).toMatchObject({ status: 'failed', rowsRead: 400, rowsRejected: 2, error: { code: 'ROWS_REJECTED' } });
    expect(failed.files[0].units).toBeGreaterThan(3);
    // Header = line 1, data row i = line i + 2: the lines an editor shows.
    const lines = text.split('\n');
    expect(failed.rejections.map((r: { line: number }) => r.line)).toEqual([152, 373]);
    expect(lines[151]!.split(',')[5]).toBe('twelve');
    expect(lines[372]!.split(',')[5]).toBe('twelve');
    expect(failed.rejections).toEqual([
      expect.objectContaining({ file: 'bad.csv', line: 152, column: 'BilledCost', code: 'NON_NUMERIC', message: expect.stringMatching(/^line 152: /) }),
      expect.objectContaining({ file: 'bad.csv', line: 373, column: 'BilledCost', code: 'NON_NUMERIC', message: expect.stringMatching(/^line 373: /) }),
    ]);
  });

  it('with quoted line breaks at the cuts is read whole instead, exactly, and says so', async () => {
    // Each row's account name spans 40 lines: almost every line start is inside a quoted field.
    const multiline = Array.from({ length: 40 }, (_, k) => `line ${k}`).join('\n');
    const quoted = Array.from({ length: 200 }, (_, i) => row(i, `prod\n${multiline}`));
    const text = csvOf(quoted);
    expect(Buffer.byteLength(text)).toBeGreaterThan(4 * unitBytes());
    const { id } = await source(admin, 'quoted');
    const done = await ingest(admin, id, [await upload(admin, id, 'quoted.csv', text)]);
    expect(done.error).toBeNull();
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: 200, rowsRejected: 0 });
    expect(done.files).toEqual([expect.objectContaining({ records: 200, units: 1, note: expect.stringMatching(/^split into \d+ units, but a unit did not end at a record boundary/) })]);
    expect(done.sourceTotals).toEqual(expectedTotals(quoted));
    expect(done.storedTotals).toEqual(done.sourceTotals);
  });

  it('gzip is read whole, and the ingestion says why', async () => {
    const { id } = await source(admin, 'gzip');
    const done = await ingest(admin, id, [await upload(admin, id, 'large.csv.gz', gzipSync(file), 'application/gzip')]);
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: 400 });
    expect(done.files).toEqual([expect.objectContaining({ container: 'csv-gzip', units: 1, note: expect.stringMatching(/^gzip cannot be split/) })]);
  });
});

describe('a Parquet file of more rows than one work unit', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await newTenant('parquet-split');
  });

  /** Text columns (as some exporters write them), 10 rows a row group. */
  const parquetOf = (rows: Row[]) =>
    new Uint8Array(
      parquetWriteBuffer({
        columnData: HEADER.split(',').map((name, c) => ({ name, data: rows.map((r) => r.cells[c]!), type: 'STRING' as const })),
        rowGroupSize: 10,
      }),
    );

  it('is split into runs of row groups and reconciles to the cent; rejected rows keep their row numbers', async () => {
    const unitRows = inject('ingestUnitRows');
    const rows = Array.from({ length: 95 }, (_, i) => row(i));
    const { id } = await source(admin, 'parquet');
    const done = await ingest(admin, id, [await upload(admin, id, 'large.parquet', parquetOf(rows), 'application/octet-stream')]);
    expect(done.error).toBeNull();
    // Whole row groups of 10 up to `unitRows` (25): 20 rows a unit.
    const perUnit = Math.floor(unitRows / 10) * 10;
    expect(done).toMatchObject({ status: 'succeeded', rowsRead: 95, files: [expect.objectContaining({ container: 'parquet', records: 95, units: Math.ceil(95 / perUnit) })] });
    expect(done.sourceTotals).toEqual(expectedTotals(rows));
    expect(done.storedTotals).toEqual(done.sourceTotals);

    const bad = rows.map((r, i) => (i === 72 ? { ...r, cells: r.cells.map((c, k) => (k === 6 ? 'n/a' : c)) } : r));
    const failed = await ingest(admin, id, [await upload(admin, id, 'bad.parquet', parquetOf(bad), 'application/octet-stream')]);
    expect(failed).toMatchObject({ status: 'failed', rowsRejected: 1, error: { code: 'ROWS_REJECTED' } });
    expect(failed.rejections).toEqual([expect.objectContaining({ line: 73, column: 'EffectiveCost', code: 'NON_NUMERIC' })]);
  });
});
