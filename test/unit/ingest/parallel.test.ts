/**
 * The aggregation is exactly today's: the production aggregator and the multi-worker path give,
 * byte for byte, the partial of the row-by-row reference aggregator (reference-aggregator.ts) on
 * a generated FOCUS export -- rollups, account names, per-period totals, the file's own
 * (reconciliation) totals, rejections and their lines -- including files whose line breaks inside
 * quoted fields sit where the ranges are cut.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aggregateLocalFile, aggregateSource } from '#functions/billing/ingest/parallel.js';
import { fileSource, openBillingFile } from '#functions/billing/parse/index.js';
import { DEFAULT_END_DATE, writeDemoBillingCsv } from '#local/demo/billing.js';
import { ReferenceAggregator } from './reference-aggregator.js';

let dir: string;
let demo: string;

async function reference(path: string, fileName: string): Promise<string> {
  const aggregator = new ReferenceAggregator();
  const file = await openBillingFile(await fileSource(path), { fileName });
  for await (const record of file.rows) {
    if (record.kind === 'cost') aggregator.add(record);
    else aggregator.reject(fileName, record);
  }
  aggregator.finishFile({ fileName, format: file.format, container: file.container }, file.totals());
  return JSON.stringify(aggregator.toPartial());
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'ingest-parallel-'));
  demo = join(dir, 'demo.csv');
  await writeDemoBillingCsv(demo, { endDate: DEFAULT_END_DATE, months: 3, rowsTarget: 30_000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('aggregation equals the row-by-row reference', () => {
  it('one thread', { timeout: 60_000 }, async () => {
    const expected = await reference(demo, 'demo.csv');
    expect(JSON.stringify(await aggregateSource(await fileSource(demo), { fileName: 'demo.csv' }))).toBe(expected);
  });

  it('worker threads over byte ranges, 2 to 5 of them', { timeout: 120_000 }, async () => {
    const expected = await reference(demo, 'demo.csv');
    for (const workers of [2, 3, 5]) {
      const how: Array<{ threads: number }> = [];
      const partial = await aggregateLocalFile(demo, { fileName: 'demo.csv', workers, minBytesPerWorker: 1, onRead: (h) => how.push(h) });
      expect(how, 'read in parallel').toEqual([{ threads: workers }]);
      expect(JSON.stringify(partial), `${workers} workers`).toBe(expected);
    }
  });

  it('line breaks inside quoted fields at the cuts, and rejected rows: still the same partial, lines included', { timeout: 120_000 }, async () => {
    // Every third row's description spans 6 lines, so many cuts land inside a quoted field; some
    // rows are rejected (their lines must be the file's, whichever range they were in).
    const lines = readFileSync(demo, 'utf8').split('\n');
    const header = lines[0]!.split(',');
    const description = header.indexOf('ChargeDescription');
    const billed = header.indexOf('BilledCost');
    const out = [lines[0]];
    for (let i = 1; i < Math.min(lines.length, 6000); i++) {
      if (!lines[i]) continue;
      const cells = lines[i]!.split(/,(?=(?:[^"]*"[^"]*")*[^"]*$)/); // test data: splits outside quotes
      if (i % 3 === 0) cells[description] = `"row ${i}\n\nwith, commas\nand ""quotes""\n${'x'.repeat(i % 50)}\nend"`;
      if (i % 997 === 0) cells[billed] = 'twelve';
      out.push(cells.join(','));
    }
    const tricky = join(dir, 'tricky.csv');
    writeFileSync(tricky, `${out.join('\n')}\n`);
    const expected = await reference(tricky, 'tricky.csv');
    expect(JSON.parse(expected).rowsRejected).toBeGreaterThan(3);
    expect(JSON.parse(expected).rejections[0].message).toMatch(/^line \d+: BilledCost is not a number/);
    const threads: number[] = [];
    for (const workers of [2, 3, 5, 7]) {
      const partial = await aggregateLocalFile(tricky, { fileName: 'tricky.csv', workers, minBytesPerWorker: 1, onRead: (h) => threads.push(h.threads) });
      expect(JSON.stringify(partial), `${workers} workers`).toBe(expected);
    }
    // Both happened: splits proven at record starts, and cuts inside quotes (read again on one thread).
    expect(threads.filter((t) => t > 1).length).toBeGreaterThan(0);
    expect(threads.filter((t) => t === 1).length).toBeGreaterThan(0);
  });
});
