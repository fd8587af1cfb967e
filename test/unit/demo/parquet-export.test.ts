/**
 * The demo export as Parquet: read back by the product's own billing parser, it holds the same rows
 * and the same totals, per period and currency, as the CSV export of the same options, to the digit.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetMetadata } from 'hyparquet';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeDemoBillingCsv } from '#local/demo/billing.js';
import { writeDemoBillingParquet, type WrittenDemoParquet } from '#local/demo/parquet.js';
import { readFixture, totalsTable, type ReadResult } from '../billing/helpers.js';

const OPTIONS = { endDate: '2026-03-31', months: 3, seed: 7 };
const dir = mkdtempSync(join(tmpdir(), 'demo-parquet-'));
let parquet: WrittenDemoParquet;
let fromParquet: ReadResult;
let fromCsv: ReadResult;

beforeAll(async () => {
  parquet = await writeDemoBillingParquet(join(dir, 'demo.parquet'), OPTIONS);
  await writeDemoBillingCsv(join(dir, 'demo.csv'), OPTIONS);
  [fromParquet, fromCsv] = await Promise.all([readFixture(join(dir, 'demo.parquet')), readFixture(join(dir, 'demo.csv'))]);
}, 60_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the demo export as Parquet', () => {
  it('is Parquet with typed columns: timestamps, exact decimals, text', () => {
    expect(fromParquet.file.container).toBe('parquet');
    const schema = parquetMetadata(readFileSync(parquet.path).buffer).schema;
    const byName = new Map(schema.map((s) => [s.name, s]));
    expect(byName.get('ChargePeriodStart')?.converted_type).toBe('TIMESTAMP_MILLIS');
    expect(byName.get('BilledCost')).toMatchObject({ converted_type: 'DECIMAL', precision: 38 });
    expect(byName.get('ServiceName')?.converted_type).toBe('UTF8');
  });

  it('is read as the same format as the CSV export, with no row rejected', () => {
    expect(fromParquet.file.format).toEqual(fromCsv.file.format);
    expect(fromParquet.rejections).toEqual([]);
    expect(fromParquet.rows.length).toBe(parquet.rows);
    expect(parquet.rows).toBe(parquet.summary.rowCount);
  });

  it('reconciles to the CSV export per period and currency, to the digit', () => {
    expect(totalsTable(fromParquet.totals)).toEqual(totalsTable(fromCsv.totals));
    expect(totalsTable(fromParquet.totals).length).toBeGreaterThanOrEqual(3);
  });

  it('carries the same rows: service, account, region, resource and cost of each', () => {
    const key = (r: ReadResult['rows'][number]) =>
      JSON.stringify([r.chargePeriodStart, r.serviceName, r.subAccountId, r.regionId, r.resourceId, r.billedCost.toString(), r.tags]);
    expect(fromParquet.rows.map(key).sort()).toEqual(fromCsv.rows.map(key).sort());
  });
});
