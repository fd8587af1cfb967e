/**
 * Synthetic exports for each format (test/fixtures/billing/synthetic, written by
 * tools/generate.mjs). Expected totals were added up by hand from the row data in generate.mjs
 * (the addends are beside each figure) and cross-checked with Python's decimal module.
 */
import { describe, expect, it } from 'vitest';
import { detectFormat } from '#functions/billing/parse/detect.js';
import { BillingFileError } from '#functions/billing/parse/index.js';
import { parseDecimal } from '#shared/money.js';
import { fixture, readFixture, storedTotals, totalsTable } from './helpers.js';

const d = parseDecimal;

describe('format detection', () => {
  const focus = ['BilledCost', 'EffectiveCost', 'BillingPeriodStart', 'ChargePeriodStart', 'ChargePeriodEnd', 'ChargeCategory', 'BillingCurrency'];
  it('tells FOCUS versions apart by the newest column present', () => {
    expect(detectFormat([...focus, 'Provider', 'Region', 'UsageQuantity']).format).toBe('focus-1.0-preview');
    expect(detectFormat([...focus, 'ProviderName', 'ChargeClass', 'x_UsageType']).format).toBe('focus-1.0');
    expect(detectFormat([...focus, 'ProviderName', 'SkuMeter']).format).toBe('focus-1.1');
    expect(detectFormat([...focus, 'ProviderName', 'CapacityReservationId', 'InvoiceId']).format).toBe('focus-1.2');
    expect(detectFormat([...focus, 'ServiceProviderName', 'HostProviderName']).format).toBe('focus-1.3');
  });

  it('accepts FOCUS headers lower-cased by a query tool', () => {
    const det = detectFormat(focus.map((c) => c.toLowerCase()));
    expect(det.format).toBe('focus-1.0-preview');
    expect(det.index.find('BilledCost')).toBe(0);
  });

  it('tells CUR 2.0 from legacy CUR, including legacy CUR delivered as Parquet (snake case, no map columns)', () => {
    const snake = ['line_item_unblended_cost', 'line_item_usage_start_date', 'line_item_usage_end_date', 'bill_billing_period_start_date', 'line_item_line_item_type'];
    expect(detectFormat([...snake, 'resource_tags', 'product']).format).toBe('aws-cur-2.0');
    expect(detectFormat([...snake, 'line_item_usage_account_name']).format).toBe('aws-cur-2.0');
    expect(detectFormat([...snake, 'resource_tags_user_team', 'product_product_name']).format).toBe('aws-cur-legacy');
    expect(detectFormat(['lineItem/UnblendedCost', 'lineItem/UsageStartDate', 'lineItem/UsageEndDate', 'bill/BillingPeriodStartDate', 'lineItem/LineItemType']).format).toBe('aws-cur-legacy');
  });

  it('does not take a few FOCUS-like names (ResourceId, Tags, PublisherName, ChargeType) for FOCUS', () => {
    expect(() => detectFormat(['SubscriptionId', 'ResourceId', 'Tags', 'PublisherName', 'ChargeType', 'AvailabilityZone', 'CostInBillingCurrency'])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_FORMAT' }),
    );
    expect(() => detectFormat(['lineItem/UnblendedCost'])).toThrow(BillingFileError);
  });
});

describe('FOCUS 1.0 (AWS layout with x_ columns, two providers and billing accounts)', async () => {
  const { file, rows, rejections, totals } = await readFixture(fixture('synthetic', 'focus-1.0.csv'));

  it('parses every row', () => {
    expect(file.format).toBe('focus-1.0');
    expect(rejections).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([2, 3, 4, 5, 6, 7, 8]);
  });

  it('totals: billed 12.3456789012 + 1.234E-7 - 5.00 + 1.2345678901 - 0.50 + 100.123456789012 + 730.00', () => {
    expect(totalsTable(totals)).toEqual([
      // effective: the same with 90.100000000001 for the Microsoft row and 0.00 for the purchase;
      // list: 15.1234567890 + 1.234E-7 - 5.00 + 1.2345678901 - 0.60 + 120 + 730.00
      { period: '2024-03-01', currency: 'USD', rows: 7, billed: '838.203703703712', effective: '98.180246914701', list: '860.7580248025' },
    ]);
    expect(storedTotals(rows)).toEqual(totalsTable(totals));
  });

  it('maps usage with x_UsageType, tags from the JSON Tags column', () => {
    expect(rows[0]).toEqual({
      kind: 'cost',
      line: 2,
      billingPeriodStart: '2024-03-01',
      chargePeriodStart: '2024-03-01T00:00:00.000Z',
      chargePeriodEnd: '2024-03-02T00:00:00.000Z',
      chargeDate: '2024-03-01',
      provider: 'AWS',
      billingAccountId: '111111111111',
      billingAccountName: 'Acme Payer',
      subAccountId: '222222222222',
      subAccountName: 'acme-prod',
      serviceName: 'Amazon Elastic Compute Cloud',
      serviceCategory: 'Compute',
      regionId: 'us-east-1',
      chargeCategory: 'Usage',
      chargeClass: null,
      usageType: 'USE1-BoxUsage:m5.large',
      resourceId: 'arn:aws:ec2:us-east-1:222222222222:instance/i-0abc',
      tags: { team: 'web', env: 'prod' },
      currency: 'USD',
      billedCost: d('12.3456789012'),
      effectiveCost: d('12.3456789012'),
      listCost: d('15.1234567890'),
      consumedQuantity: d('24'),
      consumedUnit: 'Hours',
    });
  });

  it('reads NULL literals as null, exponent costs exactly, rounds a 16-decimal quantity half-even', () => {
    expect(rows[1]).toMatchObject({ regionId: null, resourceId: null, tags: {}, billedCost: 123_400n, consumedQuantity: 5_123_457n });
  });

  it('keeps credits, taxes and corrections with their signs; a correction files under its own charge date', () => {
    expect(rows[2]).toMatchObject({ chargeCategory: 'Credit', billedCost: d('-5'), consumedQuantity: null, consumedUnit: null, usageType: null });
    expect(rows[3]).toMatchObject({ chargeCategory: 'Tax', billedCost: d('1.2345678901') });
    expect(rows[4]).toMatchObject({ chargeCategory: 'Usage', chargeClass: 'Correction', billedCost: d('-0.5'), billingPeriodStart: '2024-03-01', chargeDate: '2024-02-10', consumedQuantity: d('-2') });
  });

  it('second provider and billing account: SkuId stands in for a missing x_UsageType; valueless tags become "true", null tags are dropped', () => {
    expect(rows[5]).toMatchObject({
      provider: 'Microsoft',
      billingAccountId: 'ea-2001',
      subAccountId: 'sub-1111',
      usageType: 'DZH318Z0BQ4L',
      tags: { 'cost-center': 'cc-42', valueless: 'true' },
      billedCost: 100_123_456_789_012n,
    });
    expect(rows[6]).toMatchObject({ chargeCategory: 'Purchase', billedCost: d('730'), effectiveCost: 0n, chargePeriodEnd: '2025-03-01T00:00:00.000Z' });
  });
});

describe('FOCUS 1.1 (CRLF, blank line, multi-line quoted field, lower-case category)', async () => {
  const { file, rows, rejections, totals } = await readFixture(fixture('synthetic', 'focus-1.1.csv'));

  it('parses, with line numbers of where each record starts', () => {
    expect(file.format).toBe('focus-1.1');
    expect(rejections).toEqual([]);
    expect(rows.map((r) => r.line)).toEqual([2, 5, 6]); // record 1 spans lines 2-3, line 4 is blank
  });

  it('totals in EUR: 0.4567891234 + 2.00 - 0.0000000001', () => {
    expect(totalsTable(totals)).toEqual([
      { period: '2024-04-01', currency: 'EUR', rows: 3, billed: '2.4567891233', effective: '2.3999999999', list: '2.4999999999' },
    ]);
  });

  it('maps values', () => {
    expect(rows[0]).toMatchObject({ provider: 'Microsoft', regionId: 'westeurope', usageType: 'DZH318Z0BPS6', tags: { env: 'test' }, currency: 'EUR' });
    expect(rows[1]).toMatchObject({ regionId: null, tags: {}, consumedQuantity: d('100') });
    expect(rows[2]).toMatchObject({ chargeCategory: 'Adjustment', billedCost: -100n });
  });
});

describe('FOCUS 1.2 (two periods, two currencies, a 1.0-preview Region column beside RegionId)', async () => {
  const { file, rows, rejections, totals } = await readFixture(fixture('synthetic', 'focus-1.2.csv'));

  it('parses, totals per period and currency', () => {
    expect(file.format).toBe('focus-1.2');
    expect(rejections).toEqual([]);
    expect(totalsTable(totals)).toEqual([
      // 33.333333333333 (effective 30, list 40)
      { period: '2024-01-01', currency: 'EUR', rows: 1, billed: '33.333333333333', effective: '30.00', list: '40.00' },
      // 10.5000000001 + 0.0000166667 + 2.5E-3; effective 8.25 + 0.0000166667 + 0.0025; list 12.0 + 0.0000166667 + 3e-3
      { period: '2024-01-01', currency: 'USD', rows: 3, billed: '10.5025166668', effective: '8.2525166667', list: '12.0030166667' },
      // 1000.00 - 12.345678901234; effective 0 - 12.345678901234
      { period: '2024-02-01', currency: 'EUR', rows: 2, billed: '987.654321098766', effective: '-12.345678901234', list: '987.654321098766' },
      // -3.3 + 0.99
      { period: '2024-02-01', currency: 'USD', rows: 2, billed: '-2.31', effective: '-2.31', list: '-2.31' },
    ]);
    expect(storedTotals(rows)).toEqual(totalsTable(totals));
  });

  it('coalesces RegionId with the older Region name', () => {
    expect(rows.map((r) => r.regionId)).toEqual(['us-east-1', 'us-west-2', 'westeurope', null, null, null, 'westeurope', 'eu-central-1']);
  });
});

describe('FOCUS 1.3 provider names', async () => {
  const { file, rows } = await readFixture(fixture('synthetic', 'focus-1.3-provider-names.csv'));
  it('takes ServiceProviderName as the provider; date-only timestamps are midnight UTC', () => {
    expect(file.format).toBe('focus-1.3');
    expect(rows[0]).toMatchObject({ provider: 'Snowflake', billingPeriodStart: '2025-06-01', chargePeriodStart: '2025-06-03T00:00:00.000Z', listCost: d('42') });
  });
});

describe('AWS CUR 2.0 (snake case, product and resource_tags JSON maps)', async () => {
  const { file, rows, rejections, totals } = await readFixture(fixture('synthetic', 'cur-2.0.csv'));
  const byId = (n: number) => rows[n - 1]!; // rows are li-01 .. li-14 on lines 2 .. 15

  it('parses every line item type; the unknown one is named in the notes', () => {
    expect(file.format).toBe('aws-cur-2.0');
    expect(rejections).toEqual([]);
    expect(rows).toHaveLength(14);
    expect(file.notes).toEqual(['line_item_line_item_type "BrandNewLineItemType" is not in the rule table: mapped to Adjustment (first at line 13)']);
  });

  it('totals: BilledCost is line_item_unblended_cost (never the net column)', () => {
    // billed 0.096 + 0.192 - 0.192 + 10 + 0 + 45 + 500 + 3.1415926535 - 20 - 1.5 - 0.0096 + 0.01 + 0.000012 + 0.2415
    // effective 0.096 + 0.1337 + 0 + 2.75 + 0.0621 + 3.75 + 0 + 3.1415926535 - 20 - 1.5 - 0.0096 + 0.01 + 0.000012 + 0.2415
    // list = billed - (-0.192) + 0.096 (negation row lists 0; the RI-covered row lists 0.096)
    expect(totalsTable(totals)).toEqual([
      { period: '2024-05-01', currency: 'USD', rows: 14, billed: '536.9795046535', effective: '-11.3246953465', list: '537.2675046535' },
    ]);
    expect(byId(1).billedCost).toBe(d('0.096')); // net unblended was 0.0912
  });

  it('EffectiveCost follows the converter rule for each line item type', () => {
    const effective = rows.map((r) => [r.chargeCategory, r.chargeClass, r.effectiveCost]);
    expect(effective).toEqual([
      ['Usage', null, d('0.096')], // Usage: unblended
      ['Usage', null, d('0.1337')], // SavingsPlanCoveredUsage: savings_plan_savings_plan_effective_cost
      ['Usage', null, 0n], // SavingsPlanNegation: 0
      ['Purchase', null, d('2.75')], // SavingsPlanRecurringFee: total commitment to date 10 - used 7.25
      ['Usage', null, d('0.0621')], // DiscountedUsage: reservation_effective_cost
      ['Purchase', null, d('3.75')], // RIFee: unused amortized upfront 1.5 + unused recurring 2.25
      ['Purchase', null, 0n], // Fee with a reservation ARN: 0
      ['Tax', null, d('3.1415926535')],
      ['Credit', null, d('-20')], // FOCUS 1.x has Credit (the converter, older, said Adjustment)
      ['Adjustment', 'Correction', d('-1.5')], // Refund
      ['Usage', null, d('-0.0096')], // EdpDiscount
      ['Adjustment', null, d('0.01')], // unknown type
      ['Usage', null, d('0.000012')],
      ['Usage', null, d('0.2415')],
    ]);
  });

  it('ListCost: public on-demand cost, else rate x amount, else BilledCost', () => {
    expect(byId(5).listCost).toBe(d('0.096'));
    expect(byId(4).listCost).toBe(d('10')); // no public price: the billed amount
    expect(byId(14).listCost).toBe(d('0.2415')); // 0.023 x 10.5
  });

  it('maps names, accounts, regions and tags from the maps', () => {
    expect(byId(1)).toMatchObject({
      provider: 'AWS',
      billingAccountId: '999999999999',
      billingAccountName: 'Org Payer',
      subAccountId: '222222222222',
      subAccountName: 'prod',
      serviceName: 'Amazon Elastic Compute Cloud',
      regionId: 'us-east-1',
      usageType: 'USE1-BoxUsage:t3.large',
      resourceId: 'i-0aaa',
      tags: { team: 'web', env: 'prod', 'aws:createdBy': 'IAMUser:AIDAEXAMPLE:alice' },
      consumedQuantity: d('1'),
      consumedUnit: 'Hrs',
    });
    expect(byId(2)).toMatchObject({ subAccountId: '333333333333', subAccountName: 'dev', tags: { team: 'data' } });
    expect(byId(8)).toMatchObject({ serviceName: 'Amazon Elastic Compute Cloud', regionId: null, consumedQuantity: null });
    expect(byId(13)).toMatchObject({ serviceName: 'AWS Lambda', consumedQuantity: d('300'), billedCost: d('0.000012') });
    expect(byId(14)).toMatchObject({ serviceName: 'AmazonS3', regionId: null, tags: {} }); // product NULL: the product code
  });
});

describe('legacy CUR with resourceTags/* columns', async () => {
  const { file, rows, rejections, totals } = await readFixture(fixture('synthetic', 'cur-legacy-tags.csv'));

  it('parses; totals 0.2400000000 + 0.0345 - 0.10 + 0.0334 (list 0.24 + 0.0345 - 0.10 + 0.0)', () => {
    expect(file.format).toBe('aws-cur-legacy');
    expect(rejections).toEqual([]);
    expect(totalsTable(totals)).toEqual([{ period: '2023-12-01', currency: 'USD', rows: 4, billed: '0.2079', effective: '0.2079', list: '0.1745' }]);
  });

  it('turns tag columns into tags: user: prefix dropped, aws: kept, empty cells skipped', () => {
    expect(rows.map((r) => r.tags)).toEqual([
      { team: 'web', 'aws:createdBy': 'IAMUser:AIDA:alice' },
      { team: 'data', 'cost-center': 'cc-7' },
      {},
      {},
    ]);
  });

  it('maps categories and region fallback', () => {
    expect(rows.map((r) => [r.chargeCategory, r.regionId, r.resourceId])).toEqual([
      ['Usage', 'us-east-1', 'i-0123'],
      ['Usage', 'eu-west-1', 'arn:aws:s3:::logs'], // product/region empty: product/regionCode
      ['Credit', null, null],
      ['Tax', null, null],
    ]);
    expect(rows[2]!.listCost).toBe(d('-0.10')); // a credit lists at its billed amount
  });
});
