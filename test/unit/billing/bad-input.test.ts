/**
 * Bad input, one fixture per case (test/fixtures/billing/bad). File errors stop reading and are
 * thrown (by openBillingFile, or by the iterator for what shows mid-file); row rejections are
 * yielded in file order and reading goes on.
 */
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { bytesSource, fileSource, openBillingFile } from '#functions/billing/parse/index.js';
import { bytesOf, chunked, expectFileError, fixture, readAll, readFixture, totalsTable } from './helpers.js';

const bad = (name: string) => fixture('bad', name);
const open = async (name: string, options = {}) => openBillingFile(await fileSource(bad(name)), { fileName: name, ...options });
const drain = async (name: string, options = {}) => readAll(await open(name, options));

describe('file errors at open', () => {
  it('EMPTY_FILE: zero bytes, as a file and as a stream', async () => {
    const err = await expectFileError(open('empty.csv'), 'EMPTY_FILE');
    expect(err.message).toBe('empty.csv is empty');
    await expectFileError(openBillingFile(chunked(new Uint8Array(0), 1)), 'EMPTY_FILE');
    await expectFileError(openBillingFile(bytesSource(new Uint8Array(0))), 'EMPTY_FILE');
  });

  it('EMPTY_FILE: only a byte-order mark and blank lines; a gzip of nothing', async () => {
    await expectFileError(open('blank.csv'), 'EMPTY_FILE');
    await expectFileError(openBillingFile(bytesSource(gzipSync(Buffer.alloc(0)))), 'EMPTY_FILE');
  });

  it('UNKNOWN_FORMAT names what was expected and what the header starts with', async () => {
    const err = await expectFileError(open('unknown-format.csv'), 'UNKNOWN_FORMAT');
    expect(err.message).toBe(
      'unknown billing export format in unknown-format.csv: expected a FOCUS 1.x header (BilledCost, EffectiveCost, BillingPeriodStart, ' +
        'ChargePeriodStart, ChargeCategory), AWS CUR 2.0 (line_item_unblended_cost, line_item_usage_start_date, ' +
        'bill_billing_period_start_date, line_item_line_item_type) or legacy CUR (lineItem/UnblendedCost, lineItem/UsageStartDate, ' +
        'bill/BillingPeriodStartDate, lineItem/LineItemType); the header starts "name", "amount", "date"',
    );
    expect(err.details.expected).toHaveProperty('FOCUS 1.x');
    expect(err.details.columns).toEqual(['name', 'amount', 'date']);
  });

  it('UNKNOWN_FORMAT for a real Azure EA export (it shares a few FOCUS column names)', async () => {
    const err = await expectFileError(
      openBillingFile(await fileSource(fixture('focus-converters', 'azure-ea-sample.csv')), { fileName: 'azure-ea-sample.csv' }),
      'UNKNOWN_FORMAT',
    );
    expect(err.message).toContain('the header starts "InvoiceSectionName", "AccountName"');
  });

  it('MISSING_COLUMN names the column', async () => {
    const err = await expectFileError(open('missing-column.csv'), 'MISSING_COLUMN');
    expect(err.message).toBe('focus-1.2 export in missing-column.csv lacks the mandatory column BilledCost');
    expect(err.details.columns).toEqual(['BilledCost']);
  });

  it('MISSING_COLUMN lists every missing column of a CUR export', async () => {
    const err = await expectFileError(openBillingFile(bytesSource(Buffer.from('lineItem/UnblendedCost,lineItem/LineItemType\n1,Usage\n'))), 'MISSING_COLUMN');
    expect(err.details.columns).toEqual(['lineItem/UsageStartDate', 'lineItem/UsageEndDate', 'bill/BillingPeriodStartDate']);
  });

  it('DUPLICATE_COLUMN', async () => {
    const err = await expectFileError(open('duplicate-column.csv'), 'DUPLICATE_COLUMN');
    expect(err.details.columns).toEqual(['BilledCost']);
  });

  it('MISSING_CURRENCY without a currency column or defaultCurrency; defaultCurrency fills it', async () => {
    const err = await expectFileError(open('no-currency.csv'), 'MISSING_CURRENCY');
    expect(err.message).toBe('no currency column (BillingCurrency) in no-currency.csv and no defaultCurrency given: the amounts have no currency');
    const { rows, file } = await drain('no-currency.csv', { defaultCurrency: 'eur' });
    expect(rows.map((r) => r.currency)).toEqual(['EUR', 'EUR']);
    expect(file.notes).toContain('BillingCurrency: absent; every row is EUR (defaultCurrency)');
    await expect(open('no-currency.csv', { defaultCurrency: 'euro' })).rejects.toThrow(RangeError);
  });

  it('UNSUPPORTED_CONTAINER: zip', async () => {
    const zip = Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0]);
    const err = await expectFileError(openBillingFile(bytesSource(zip), { fileName: 'cur.zip' }), 'UNSUPPORTED_CONTAINER');
    expect(err.message).toBe('cur.zip: zip archives are not read; unzip the export (CUR delivers gzip or Parquet too)');
  });

  it('a refused stream is closed (its file handle or S3 body released)', async () => {
    for (const bytes of [Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), Buffer.from('name,amount\nx,1\n'), gzipSync(Buffer.alloc(0))]) {
      let closed = false;
      async function* source() {
        try {
          yield* chunked(bytes, 2);
        } finally {
          closed = true;
        }
      }
      await expect(openBillingFile(source())).rejects.toBeInstanceOf(Error);
      expect(closed).toBe(true);
    }
  });
});

describe('file errors mid-file (thrown by the iterator)', () => {
  it('MIXED_CURRENCIES: no currency column, and PricingCurrency shows USD then EUR at line 4', async () => {
    const file = await open('mixed-currency-no-column.csv', { defaultCurrency: 'USD' });
    const err = await expectFileError(readAll(file), 'MIXED_CURRENCIES');
    expect(err.message).toBe(
      'mixed-currency-no-column.csv has no currency column (BillingCurrency) but its PricingCurrency column shows USD and EUR (from line 4): one currency cannot be assumed for every row',
    );
    expect(err.details).toMatchObject({ line: 4, currencies: ['USD', 'EUR'], columns: ['PricingCurrency'] });
  });

  it('TRUNCATED: gzip that ends early', async () => {
    const err = await expectFileError(drain('truncated.csv.gz'), 'TRUNCATED');
    expect(err.message).toBe('gzip stream truncated.csv.gz ends early: the file is truncated');
  });

  it('CORRUPT: damaged gzip data', async () => {
    const err = await expectFileError(drain('corrupt.csv.gz'), 'CORRUPT');
    expect(err.message).toMatch(/^gzip data corrupt\.csv\.gz is damaged: /);
  });

  it('TRUNCATED: a CSV that ends inside a quoted field names the line the quote opened', async () => {
    const file = await open('unterminated-quote.csv');
    const seen: number[] = [];
    let caught: unknown;
    try {
      for await (const r of file.rows) seen.push(r.line);
    } catch (e) {
      caught = e;
    }
    expect(seen).toEqual([2]); // the good row before it was yielded; the caller discards it
    expect(caught).toMatchObject({ code: 'TRUNCATED', details: { line: 3 } });
    expect((caught as Error).message).toBe(
      'CSV unterminated-quote.csv ends inside a quoted field opened at line 3: the file is truncated (or a quote is unbalanced)',
    );
  });

  it('TRUNCATED: a CSV whose last record is cut (fewer fields, no line ending)', async () => {
    const err = await expectFileError(drain('truncated-mid-record.csv'), 'TRUNCATED');
    expect(err.message).toBe('CSV truncated-mid-record.csv ends mid-record at line 4 (4 of 13 fields, no line ending): the file is truncated');
    expect(err.details.line).toBe(4);
  });

  it('TRUNCATED: Parquet without its footer (cut at the end)', async () => {
    const err = await expectFileError(open('bad-footer.parquet'), 'TRUNCATED');
    expect(err.message).toBe('Parquet file bad-footer.parquet has no valid footer (parquet file invalid (footer != PAR1)): the file is truncated');
    await expectFileError(openBillingFile(bytesSource(Buffer.from('PAR1'))), 'TRUNCATED');
  });

  it('CORRUPT: Parquet whose metadata is garbage', async () => {
    const good = bytesOf(fixture('synthetic', 'focus-1.2.parquet'));
    const broken = Buffer.from(good);
    const metaLength = broken.readUInt32LE(broken.length - 8);
    for (let i = broken.length - 8 - metaLength; i < broken.length - 8; i += 3) broken[i] = 0xff;
    const err = await expectFileError(openBillingFile(bytesSource(broken), { fileName: 'x.parquet' }), 'CORRUPT');
    expect(err.message).toMatch(/^Parquet (metadata|schema) x\.parquet cannot be read/);
  });
});

describe('row rejections (reading goes on)', () => {
  it('NON_NUMERIC names line, column and value; costs that cannot be read are kept out of the totals', async () => {
    const { rows, rejections, totals } = await drain('non-numeric.csv');
    expect(rejections.map((r) => ({ line: r.line, code: r.code, column: r.column, value: r.value }))).toEqual([
      { line: 3, code: 'NON_NUMERIC', column: 'BilledCost', value: '12.3.4' },
      { line: 4, code: 'NON_NUMERIC', column: 'EffectiveCost', value: 'abc' },
      { line: 5, code: 'NON_NUMERIC', column: 'ListCost', value: '1,000.00' },
      { line: 6, code: 'NON_NUMERIC', column: 'ConsumedQuantity', value: 'n/a' },
    ]);
    expect(rejections[0]!.message).toBe('line 3: BilledCost is not a number: "12.3.4"');
    expect(rows.map((r) => r.line)).toEqual([2, 7]);
    // Lines 2, 6, 7 are summable (line 6's bad cell is a quantity): 1.00 + 1.00 + 2.50
    expect(totalsTable(totals)).toEqual([{ period: '2024-06-01', currency: 'USD', rows: 3, billed: '4.50', effective: '4.00', list: '5.00' }]);
    expect(totals).toMatchObject({ recordsRead: 6, rowsEmitted: 2, rowsRejected: 4, unsummableRecords: 3 });
  });

  it('dates, categories, classes, currencies, tags, empty mandatory cells, field counts', async () => {
    const { rows, rejections, totals } = await drain('bad-values.csv');
    expect(rows.map((r) => r.line)).toEqual([2]);
    expect(rejections.map((r) => [r.line, r.code, r.column, r.value, r.message])).toEqual([
      [3, 'INVALID_DATE', 'ChargePeriodStart', 'yesterday', 'line 3: ChargePeriodStart is not a valid ISO 8601 date/time: "yesterday"'],
      [4, 'INVALID_DATE', 'ChargePeriodEnd', '2024-06-31T00:00:00Z', 'line 4: ChargePeriodEnd is not a valid ISO 8601 date/time: "2024-06-31T00:00:00Z"'],
      [5, 'MISSING_VALUE', 'BillingPeriodStart', null, 'line 5: BillingPeriodStart is empty'],
      [6, 'INVALID_VALUE', 'ChargeCategory', 'Discount', 'line 6: ChargeCategory "Discount" is not one of Usage, Purchase, Tax, Credit, Adjustment'],
      [7, 'INVALID_VALUE', 'ChargeClass', 'Refund', 'line 7: ChargeClass "Refund" is not "Correction" or empty'],
      [8, 'INVALID_VALUE', 'BillingCurrency', 'US Dollar', 'line 8: BillingCurrency "US Dollar" is not an ISO 4217 currency code'],
      [9, 'MISSING_VALUE', 'BillingCurrency', null, 'line 9: BillingCurrency is empty (and no defaultCurrency)'],
      [10, 'INVALID_TAGS', 'Tags', '{not json', 'line 10: Tags is not a JSON object: "{not json"'],
      [11, 'INVALID_TAGS', 'Tags', '["a","b"]', 'line 11: Tags is not a JSON object: "[\\"a\\",\\"b\\"]"'],
      [12, 'MISSING_VALUE', 'BilledCost', null, 'line 12: BilledCost is empty'],
      [13, 'MISSING_VALUE', 'ChargeCategory', null, 'line 13: ChargeCategory is empty'],
      [14, 'FIELD_COUNT', null, null, 'line 14: record has 14 fields, the header has 13'],
    ]);
    // Source totals count every record whose costs read, under the period/currency as written.
    expect(totalsTable(totals)).toEqual([
      { period: '2024-06-01', currency: 'USD', rows: 8, billed: '8.00', effective: '8.00', list: '8.00' },
      { period: '2024-06-01', currency: null, rows: 2, billed: '2.00', effective: '2.00', list: '2.00' }, // lines 8, 9
      { period: null, currency: 'USD', rows: 1, billed: '1.00', effective: '1.00', list: '1.00' }, // line 5
    ]);
    expect(totals.unsummableRecords).toBe(2); // line 12 (empty BilledCost), line 14 (field count)
  });

  it('an empty currency cell takes defaultCurrency when given', async () => {
    const { rejections } = await drain('bad-values.csv', { defaultCurrency: 'USD' });
    expect(rejections.map((r) => r.line)).not.toContain(9);
  });
});
