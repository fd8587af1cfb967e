/**
 * The FinOps Foundation's anonymized real AWS Cost and Usage Report (legacy column names), copied
 * with attribution into test/fixtures/billing/focus-converters (MIT).
 */
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatDecimal, parseDecimal, toCents } from '#shared/money.js';
import { fixture, type ReadResult, readFixture, totalsTable } from './helpers.js';

const CUR = fixture('focus-converters', 'aws-cur-sample.csv');

describe('real AWS CUR sample (legacy CUR)', () => {
  let result: ReadResult;
  let raw: Record<string, string>[];
  beforeAll(async () => {
    result = await readFixture(CUR);
    raw = parse(readFileSync(CUR), { columns: true });
  });

  it('is detected as legacy CUR, and every one of its 1,281 rows is mapped (none rejected)', () => {
    expect(result.file.format).toBe('aws-cur-legacy');
    expect(result.file.container).toBe('csv');
    expect(result.file.columns).toHaveLength(94);
    expect(raw).toHaveLength(1281);
    expect(result.rows).toHaveLength(1281);
    expect(result.rejections).toEqual([]);
    expect(result.totals).toMatchObject({ recordsRead: 1281, rowsEmitted: 1281, rowsRejected: 0, unsummableRecords: 0 });
    expect(result.file.notes).toEqual([]);
  });

  it('BilledCost per billing period equals the sum of lineItem/UnblendedCost, to the cent and exactly', () => {
    // Independent path: csv-parse records, the raw column, summed here.
    let unblended = 0n;
    for (const r of raw) unblended += parseDecimal(r['lineItem/UnblendedCost']!);
    // 1.68230869740, also by Python's decimal.Decimal over the same column.
    expect(formatDecimal(unblended)).toBe('1.6823086974');
    const billed = result.rows.reduce((s, r) => s + r.billedCost, 0n);
    expect(billed).toBe(unblended);
    expect(toCents(billed)).toBe(168n);
    expect(totalsTable(result.totals)).toEqual([
      // list: the sum of pricing/publicOnDemandCost, 3.35617269490 (Python decimal)
      { period: '2023-11-01', currency: 'USD', rows: 1281, billed: '1.6823086974', effective: '1.6823086974', list: '3.3561726949' },
    ]);
  });

  it('reads exponent notation exactly (1.3E-9 and friends: 681 of its 1,281 UnblendedCost cells)', () => {
    const exp = raw.filter((r) => /e/i.test(r['lineItem/UnblendedCost']!));
    expect(exp).toHaveLength(681);
    const row = result.rows.find((r) => r.line === 2 + raw.findIndex((x) => x['lineItem/UnblendedCost'] === '1.3E-9'))!;
    expect(row.billedCost).toBe(1300n); // 1.3e-9 in units of 1e-12
  });

  it('maps Tax line items to ChargeCategory Tax, with the taxed product as service', () => {
    const tax = result.rows.filter((r) => r.chargeCategory === 'Tax');
    expect(tax).toHaveLength(12);
    expect(raw.filter((r) => r['lineItem/LineItemType'] === 'Tax')).toHaveLength(12);
    expect(formatDecimal(tax.reduce((s, r) => s + r.billedCost, 0n))).toBe('0.08'); // 0.01 (KMS) + 0.07 (S3)
    const s3 = tax.find((r) => r.serviceName === 'Amazon Simple Storage Service')!;
    expect(s3).toMatchObject({
      chargeCategory: 'Tax',
      billedCost: parseDecimal('0.07'),
      effectiveCost: parseDecimal('0.07'),
      listCost: 0n, // pricing/publicOnDemandCost 0.0
      consumedQuantity: null, // FOCUS: only Usage rows carry a consumed quantity
      chargePeriodStart: '2023-11-01T00:00:00.000Z',
      chargePeriodEnd: '2023-12-01T00:00:00.000Z',
      usageType: null,
      regionId: null,
    });
    expect(result.rows.filter((r) => r.chargeCategory === 'Usage')).toHaveLength(1269);
  });

  it('maps the usage rows field by field', () => {
    const first = raw.findIndex((r) => r['lineItem/LineItemType'] === 'Usage' && r['product/region'] === 'ca-central-1' && r['lineItem/UnblendedCost'] !== '0.0');
    const r = raw[first]!;
    const row = result.rows.find((x) => x.line === first + 2)!;
    expect(row).toMatchObject({
      kind: 'cost',
      billingPeriodStart: '2023-11-01',
      chargeDate: r['lineItem/UsageStartDate']!.slice(0, 10),
      chargePeriodStart: r['lineItem/UsageStartDate'],
      chargePeriodEnd: r['lineItem/UsageEndDate'],
      provider: 'AWS',
      billingAccountId: '123412340534',
      billingAccountName: null,
      subAccountId: '123412340534',
      subAccountName: null,
      serviceName: r['product/ProductName'],
      regionId: 'ca-central-1',
      chargeCategory: 'Usage',
      chargeClass: null,
      usageType: r['lineItem/UsageType'],
      resourceId: null, // the sample was exported without resource ids
      tags: {}, // and without cost allocation tags
      currency: 'USD',
      billedCost: parseDecimal(r['lineItem/UnblendedCost']!),
      effectiveCost: parseDecimal(r['lineItem/UnblendedCost']!),
      listCost: parseDecimal(r['pricing/publicOnDemandCost']!),
      consumedQuantity: parseDecimal(r['lineItem/UsageAmount']!),
      consumedUnit: r['pricing/unit'],
    });
  });

  it('takes RegionId from product/region, falling back to product/regionCode ("global" is kept)', () => {
    const regions = new Set(result.rows.map((r) => r.regionId));
    expect(regions.has('global')).toBe(true);
    expect([...regions].filter((x) => x !== null && x !== 'global').every((x) => /^[a-z]{2}-[a-z]+-\d$/.test(x!))).toBe(true);
    expect(result.rows.filter((r) => r.regionId === null)).toHaveLength(12); // the tax rows
  });

  it('lists 14 services, one account, one currency', () => {
    expect(new Set(result.rows.map((r) => r.serviceName)).size).toBe(14);
    expect(new Set(result.rows.map((r) => r.currency))).toEqual(new Set(['USD']));
    expect(new Set(result.rows.map((r) => r.subAccountId))).toEqual(new Set(['123412340534']));
  });
});
