/**
 * Containers and sources: CSV, gzip CSV, Parquet; streams, functions, random-access sources.
 */
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { parquetMetadata } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { bytesSource, type CostRow, fileSource, openBillingFile, type RandomAccessSource } from '#functions/billing/parse/index.js';
import { bytesOf, chunked, expectFileError, fixture, readAll, readFixture, totalsTable, withoutLine } from './helpers.js';

const FOCUS12 = fixture('synthetic', 'focus-1.2.csv');

describe('gzip', () => {
  it('gzip CSV and plain CSV give identical rows and totals', async () => {
    const csv = await readFixture(FOCUS12);
    const gz = await readFixture(fixture('synthetic', 'focus-1.2.csv.gz'));
    expect(csv.file.container).toBe('csv');
    expect(gz.file.container).toBe('csv-gzip');
    expect(gz.file.format).toBe('focus-1.2');
    expect(gz.rows).toEqual(csv.rows);
    expect(gz.totals).toEqual(csv.totals);
  });

  it('is recognised by its magic bytes, not its name', async () => {
    const gz = await readFixture(fixture('synthetic', 'focus-1.2-gzip-without-extension.csv'));
    expect(gz.file.container).toBe('csv-gzip');
    expect(gz.rows).toHaveLength(8);
    // and a plain CSV called .gz is read as CSV
    const plain = await readAll(await openBillingFile(bytesSource(bytesOf(FOCUS12)), { fileName: 'misnamed.csv.gz' }));
    expect(plain.file.container).toBe('csv');
    expect(plain.rows).toHaveLength(8);
  });

  it('reads multi-member gzip (concatenated gzip streams)', async () => {
    const text = bytesOf(FOCUS12);
    const cut = text.indexOf(0x0a, 2000) + 1; // split on a line break
    const twoMembers = Buffer.concat([gzipSync(text.subarray(0, cut)), gzipSync(text.subarray(cut))]);
    const { rows } = await readAll(await openBillingFile(bytesSource(twoMembers)));
    expect(withoutLine(rows)).toEqual(withoutLine((await readFixture(FOCUS12)).rows));
  });
});

describe('Parquet', () => {
  it('FOCUS 1.2 Parquet (DOUBLE, exact DECIMAL(38,12) and text costs; 3 row groups) gives the CSV rows', async () => {
    const pq = await readFixture(fixture('synthetic', 'focus-1.2.parquet'));
    const csv = await readFixture(FOCUS12);
    expect(pq.file.container).toBe('parquet');
    expect(pq.file.format).toBe('focus-1.2');
    expect(pq.rejections).toEqual([]);
    expect(pq.rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]); // Parquet: row numbers
    expect(withoutLine(pq.rows)).toEqual(withoutLine(csv.rows));
    expect(pq.totals).toEqual(csv.totals);
  });

  it('CUR 2.0 Parquet (MAP<string,string> product and resource_tags, TIMESTAMP dates) gives the CSV rows', async () => {
    const pq = await readFixture(fixture('synthetic', 'cur-2.0.parquet'));
    const csv = await readFixture(fixture('synthetic', 'cur-2.0.csv'));
    expect(pq.file.format).toBe('aws-cur-2.0');
    expect(pq.rejections).toEqual([]);
    expect(withoutLine(pq.rows)).toEqual(withoutLine(csv.rows));
    expect(totalsTable(pq.totals)).toEqual(totalsTable(csv.totals));
  });

  it('reads row group by row group: batches never span groups', async () => {
    const file = await openBillingFile(await fileSource(fixture('synthetic', 'focus-1.2.parquet')), { batchSize: 2 });
    const sizes: number[] = [];
    for await (const batch of file.batches) sizes.push(batch.length);
    expect(sizes).toEqual([2, 1, 2, 1, 2]); // groups of 3, 3, 2
  });

  it('fetches the footer, then one byte range per row group (never the whole file again)', async () => {
    const bytes = bytesOf(fixture('synthetic', 'cur-2.0.parquet'));
    const metadata = parquetMetadata(bytes.slice().buffer);
    const groups = metadata.row_groups.map((g) => {
      const starts = g.columns.map((c) => Number(c.meta_data!.dictionary_page_offset ?? c.meta_data!.data_page_offset));
      const ends = g.columns.map((c, i) => starts[i]! + Number(c.meta_data!.total_compressed_size));
      return [Math.min(...starts), Math.max(...ends)] as const;
    });
    expect(groups).toHaveLength(3);
    const reads: [number, number][] = [];
    const source: RandomAccessSource = {
      byteLength: bytes.byteLength,
      read: async (start, end) => {
        reads.push([start, end]);
        return bytes.subarray(start, end);
      },
    };
    const { rows } = await readAll(await openBillingFile(source));
    expect(rows).toHaveLength(14);
    const [magic, footer, ...data] = reads;
    expect(magic).toEqual([0, 4]);
    expect(footer![1]).toBe(bytes.byteLength);
    expect(data).toHaveLength(3);
    data.forEach(([start, end], i) => {
      expect(start).toBeGreaterThanOrEqual(groups[i]![0]);
      expect(end).toBeLessThanOrEqual(groups[i]![1]);
    });
    expect(data[0]![0]).toBeGreaterThan(groups[0]![0]); // identity_* columns, first in the file, are not fetched
  });

  it('needs random access: a Parquet stream is refused with the reason', async () => {
    const err = await expectFileError(
      openBillingFile(chunked(bytesOf(fixture('synthetic', 'focus-1.2.parquet')), 4096), { fileName: 'x.parquet' }),
      'UNSUPPORTED_CONTAINER',
    );
    expect(err.message).toBe('x.parquet: a Parquet file needs random access (its footer is at the end): pass a { byteLength, read(start, end) } source');
  });
});

describe('sources', () => {
  const expected = async () => (await readFixture(FOCUS12)).rows;

  it('any chunking of a stream gives the same rows and line numbers (1, 7 and 64 byte chunks)', async () => {
    const rows = await expected();
    for (const size of [1, 7, 64]) {
      const got = await readAll(await openBillingFile(chunked(bytesOf(FOCUS12), size)));
      expect(got.rows, `chunks of ${size}`).toEqual(rows);
    }
    // multi-line records and CRLF split anywhere
    const f11 = (await readFixture(fixture('synthetic', 'focus-1.1.csv'))).rows;
    for (const size of [1, 3, 5]) {
      const got = await readAll(await openBillingFile(chunked(bytesOf(fixture('synthetic', 'focus-1.1.csv')), size)));
      expect(got.rows).toEqual(f11);
    }
  });

  it('gzip split into 1-byte chunks', async () => {
    const got = await readAll(await openBillingFile(chunked(bytesOf(fixture('synthetic', 'focus-1.2.csv.gz')), 1)));
    expect(got.rows).toEqual(await expected());
  });

  it('accepts a Node Readable, a web ReadableStream, a function returning a stream, a random-access source', async () => {
    const rows = await expected();
    const bytes = bytesOf(FOCUS12);
    const node = await readAll(await openBillingFile(Readable.from([Buffer.from(bytes)])));
    const web = await readAll(await openBillingFile(Readable.toWeb(Readable.from([Buffer.from(bytes)])) as unknown as AsyncIterable<Uint8Array>));
    let opened = 0;
    const lazy = await readAll(
      await openBillingFile(() => {
        opened++;
        return chunked(bytes, 100);
      }),
    );
    const ranged: RandomAccessSource = { byteLength: bytes.byteLength, read: async (s, e) => bytes.subarray(s, e) };
    const random = await readAll(await openBillingFile(ranged));
    expect(opened).toBe(1);
    for (const got of [node, web, lazy, random]) expect(got.rows).toEqual(rows);
  });

  it('a file is read once; totals exist only at the end; breaking early closes the source', async () => {
    let closed = false;
    async function* source() {
      try {
        yield* chunked(bytesOf(FOCUS12), 256);
      } finally {
        closed = true;
      }
    }
    const file = await openBillingFile(source());
    expect(() => file.totals()).toThrow('source totals are known once the rows have been read to the end');
    for await (const r of file.rows) {
      expect(r.kind).toBe('cost');
      break;
    }
    expect(closed).toBe(true);
    expect(() => file.totals()).toThrow();
    await expect(async () => {
      for await (const _ of file.batches) {
        // unreachable
      }
    }).rejects.toThrow('a billing file can be read once: use rows or batches, not both');
  });

  it('batches carry the same records as rows', async () => {
    const file = await openBillingFile(chunked(bytesOf(FOCUS12), 500));
    const flat: CostRow[] = [];
    let batches = 0;
    for await (const batch of file.batches) {
      batches++;
      for (const r of batch) if (r.kind === 'cost') flat.push(r);
    }
    expect(batches).toBeGreaterThan(1);
    expect(flat).toEqual(await expected());
    expect(file.totals().rowsEmitted).toBe(8);
  });
});
