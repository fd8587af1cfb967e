import {
  CostExplorerClient,
  GetCostAndUsageCommand,
  GetDimensionValuesCommand,
  type GetCostAndUsageRequest,
  type GetCostAndUsageResponse,
} from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  chargeCategoryOfRecordType,
  collectCostExplorer,
  CostExplorerError,
  type CollectedCostRow,
  type CostExplorerCollection,
  type CostExplorerOptions,
} from '#functions/billing/collect/index.js';
import { CostAggregator } from '#functions/billing/ingest/aggregate.js';
import { codec } from '#shared/costs/rollups.js';
import { Invalid } from '#shared/errors.js';
import { parseDecimal } from '#shared/money.js';
import { dayRange, fakeCostExplorer, sampleCharges, type Charge } from './fake-cost-explorer.js';

const client = new CostExplorerClient({ region: 'us-east-1' });
const ce = mockClient(client);
beforeEach(() => ce.reset());

const noSleep = async () => {};

async function readAll(run: CostExplorerCollection): Promise<CollectedCostRow[]> {
  const rows: CollectedCostRow[] = [];
  for await (const row of run) rows.push(row);
  return rows;
}

const requests = () => ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input as GetCostAndUsageRequest);
const kindOf = (r: GetCostAndUsageRequest) => (r.Granularity === 'MONTHLY' ? 'plan' : r.GroupBy![0]!.Key === 'SERVICE' ? 'usage' : 'charges');

const A = '111111111111';
const B = '222222222222';
const usd = (Amount: string) => ({ Amount, Unit: 'USD' });

describe('rows', () => {
  it('are built exactly from the groups: amounts with many decimals, negative credits, names, regions', async () => {
    const plan: GetCostAndUsageResponse = {
      ResultsByTime: [
        {
          TimePeriod: { Start: '2026-10-01', End: '2026-10-03' },
          Total: {},
          Groups: [
            { Keys: [A, 'Usage'], Metrics: { UnblendedCost: usd('12.3456789'), AmortizedCost: usd('11.0') } },
            { Keys: [A, 'Credit'], Metrics: { UnblendedCost: usd('-5.123456789012'), AmortizedCost: usd('-5.123456789012') } },
          ],
          Estimated: false,
        },
      ],
      DimensionValueAttributes: [{ Value: A, Attributes: { description: 'Production' } }],
    };
    const usage: GetCostAndUsageResponse = {
      ResultsByTime: [
        {
          TimePeriod: { Start: '2026-10-01', End: '2026-10-02' },
          Total: {},
          Groups: [
            {
              Keys: ['Amazon Elastic Compute Cloud - Compute', 'USW2-BoxUsage:m5.large'],
              Metrics: { UnblendedCost: usd('12.345678901234'), AmortizedCost: usd('11.000000000001'), UsageQuantity: { Amount: '744', Unit: 'Hrs' } },
            },
            {
              Keys: ['Amazon Simple Storage Service', 'Requests-Tier1'],
              Metrics: { UnblendedCost: usd('0.0000004585'), AmortizedCost: usd('4.585E-7'), UsageQuantity: { Amount: '91.7', Unit: 'Requests' } },
            },
          ],
          Estimated: false,
        },
        {
          TimePeriod: { Start: '2026-10-02', End: '2026-10-03' },
          Total: {},
          Groups: [{ Keys: ['AWS Support (Business)', 'NoUsageType'], Metrics: { UnblendedCost: usd('0'), AmortizedCost: usd('0'), UsageQuantity: { Amount: '0', Unit: 'N/A' } } }],
          Estimated: true,
        },
      ],
      DimensionValueAttributes: [],
    };
    const credits: GetCostAndUsageResponse = {
      ResultsByTime: [
        { TimePeriod: { Start: '2026-10-01', End: '2026-10-02' }, Total: {}, Groups: [], Estimated: false },
        {
          TimePeriod: { Start: '2026-10-02', End: '2026-10-03' },
          Total: {},
          Groups: [{ Keys: [A, 'Amazon Elastic Compute Cloud - Compute'], Metrics: { UnblendedCost: usd('-5.123456789012'), AmortizedCost: usd('-5.123456789012') } }],
          Estimated: false,
        },
      ],
      DimensionValueAttributes: [{ Value: A, Attributes: { description: 'Production' } }],
    };
    ce.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageRequest) => ({ plan, usage, charges: credits })[kindOf(input)]);

    const run = collectCostExplorer(client, { start: '2026-10-01', end: '2026-10-03', billingAccountId: '999999999999', billingAccountName: 'Payer', sleep: noSleep });
    const rows = await readAll(run);

    const base = {
      kind: 'cost',
      provider: 'AWS',
      billingAccountId: '999999999999',
      billingAccountName: 'Payer',
      subAccountId: A,
      subAccountName: 'Production',
      serviceCategory: null,
      resourceId: null,
      tags: {},
      currency: 'USD',
      listCost: null,
      billingPeriodStart: '2026-10-01',
    };
    const day1 = { chargePeriodStart: '2026-10-01T00:00:00.000Z', chargePeriodEnd: '2026-10-02T00:00:00.000Z', chargeDate: '2026-10-01' };
    const day2 = { chargePeriodStart: '2026-10-02T00:00:00.000Z', chargePeriodEnd: '2026-10-03T00:00:00.000Z', chargeDate: '2026-10-02' };
    expect(rows).toEqual([
      {
        ...base,
        ...day1,
        line: 1,
        serviceName: 'Amazon Elastic Compute Cloud - Compute',
        regionId: 'us-west-2',
        chargeCategory: 'Usage',
        chargeClass: null,
        usageType: 'USW2-BoxUsage:m5.large',
        billedCost: 12_345_678_901_234n,
        effectiveCost: 11_000_000_000_001n,
        consumedQuantity: 744_000_000_000_000n,
        consumedUnit: 'Hrs',
        estimated: false,
      },
      {
        ...base,
        ...day1,
        line: 2,
        serviceName: 'Amazon Simple Storage Service',
        // No prefix: not guessed to be us-east-1.
        regionId: null,
        chargeCategory: 'Usage',
        chargeClass: null,
        usageType: 'Requests-Tier1',
        billedCost: 458_500n,
        effectiveCost: 458_500n,
        consumedQuantity: 91_700_000_000_000n,
        consumedUnit: 'Requests',
        estimated: false,
      },
      {
        ...base,
        ...day2,
        line: 3,
        serviceName: 'AWS Support (Business)',
        regionId: null,
        chargeCategory: 'Usage',
        chargeClass: null,
        usageType: null,
        billedCost: 0n,
        effectiveCost: 0n,
        consumedQuantity: 0n,
        consumedUnit: null,
        estimated: true,
      },
      {
        ...base,
        ...day2,
        line: 4,
        serviceName: 'Amazon Elastic Compute Cloud - Compute',
        regionId: null,
        chargeCategory: 'Credit',
        chargeClass: null,
        usageType: null,
        billedCost: -5_123_456_789_012n,
        effectiveCost: -5_123_456_789_012n,
        consumedQuantity: null,
        consumedUnit: null,
        estimated: false,
      },
    ]);
    // The rows share one frozen empty tag object.
    expect(Object.isFrozen(rows[0]!.tags)).toBe(true);

    const summary = run.summary();
    expect(summary.accounts).toEqual([{ id: A, name: 'Production' }]);
    expect(summary.totals.periods).toEqual([
      { billingPeriodStart: '2026-10-01', currency: 'USD', rows: 4, billedCost: 12_345_678_901_234n + 458_500n - 5_123_456_789_012n, effectiveCost: 11_000_000_000_001n + 458_500n - 5_123_456_789_012n, listCost: 0n },
    ]);
    expect(summary.totals).toMatchObject({ recordsRead: 4, rowsEmitted: 4, rowsRejected: 0, unsummableRecords: 0 });
    expect(summary.estimatedDays).toEqual(['2026-10-02']);
    expect(summary.estimatedPeriods).toEqual(['2026-10']);
  });

  it('asks for the usage of an account that also has credits without them, and the credits in their own query', async () => {
    ce.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageRequest) => {
      if (kindOf(input) === 'plan') {
        return {
          ResultsByTime: [
            {
              TimePeriod: { Start: '2026-10-01', End: '2026-10-03' },
              Total: {},
              Groups: [
                { Keys: [A, 'Usage'], Metrics: { UnblendedCost: usd('1'), AmortizedCost: usd('1') } },
                { Keys: [A, 'Credit'], Metrics: { UnblendedCost: usd('-1'), AmortizedCost: usd('-1') } },
                { Keys: [B, 'Usage'], Metrics: { UnblendedCost: usd('1'), AmortizedCost: usd('1') } },
              ],
            },
          ],
        };
      }
      return { ResultsByTime: [] };
    });
    await readAll(collectCostExplorer(client, { start: '2026-10-01', end: '2026-10-03', sleep: noSleep }));
    const sent = requests();
    expect(sent.map(kindOf)).toEqual(['plan', 'usage', 'usage', 'charges']);
    expect(sent[0]).toEqual({
      TimePeriod: { Start: '2026-10-01', End: '2026-10-03' },
      Granularity: 'MONTHLY',
      Metrics: ['UnblendedCost', 'AmortizedCost'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'RECORD_TYPE' },
      ],
    });
    expect(sent[1]).toEqual({
      TimePeriod: { Start: '2026-10-01', End: '2026-10-03' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost', 'AmortizedCost', 'UsageQuantity'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'SERVICE' },
        { Type: 'DIMENSION', Key: 'USAGE_TYPE' },
      ],
      Filter: { And: [{ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [A] } }, { Dimensions: { Key: 'RECORD_TYPE', Values: ['Usage'] } }] },
    });
    // B has usage only: the plain account filter.
    expect(sent[2]!.Filter).toEqual({ Dimensions: { Key: 'LINKED_ACCOUNT', Values: [B] } });
    expect(sent[3]).toEqual({
      TimePeriod: { Start: '2026-10-01', End: '2026-10-03' },
      Granularity: 'DAILY',
      Metrics: ['UnblendedCost', 'AmortizedCost'],
      GroupBy: [
        { Type: 'DIMENSION', Key: 'LINKED_ACCOUNT' },
        { Type: 'DIMENSION', Key: 'SERVICE' },
      ],
      Filter: { Dimensions: { Key: 'RECORD_TYPE', Values: ['Credit'] } },
    });
  });

  it('maps record types to charge categories: one query per category present, refunds as corrections', async () => {
    const days = dayRange('2026-10-01', '2026-10-04');
    const charges: Charge[] = [
      ...sampleCharges([A], days),
      { day: days[0]!, account: A, service: 'Amazon Elastic Compute Cloud - Compute', usageType: 'HeavyUsage:m5.large', recordType: 'Recurring reservation fee', unblended: '30.5', amortized: '0' },
      { day: days[0]!, account: A, service: 'Amazon Elastic Compute Cloud - Compute', usageType: 'USW2-BoxUsage:m5.large', recordType: 'DiscountedUsage', unblended: '0', amortized: '30.5' },
      { day: days[1]!, account: A, service: 'Amazon Elastic Compute Cloud - Compute', usageType: '', recordType: 'Enterprise Discount Program Discount', unblended: '-0.75', amortized: '-0.75' },
      { day: days[1]!, account: A, service: 'Savings Plans for AWS Compute usage', usageType: '', recordType: 'SavingsPlanRecurringFee', unblended: '12', amortized: '0' },
      { day: days[2]!, account: A, service: 'Amazon Simple Storage Service', usageType: '', recordType: 'Refund', unblended: '-2.000000000001', amortized: '-2.000000000001' },
      { day: days[2]!, account: A, service: 'AWS Marketplace', usageType: '', recordType: 'Some record type AWS adds later', unblended: '1.25', amortized: '1.25' },
    ];
    const fake = fakeCostExplorer(charges);
    ce.on(GetCostAndUsageCommand).callsFake(fake.answer);
    const run = collectCostExplorer(client, { start: days[0]!, end: '2026-10-04', sleep: noSleep });
    const rows = await readAll(run);

    const sent = requests();
    expect(sent.map((r) => (kindOf(r) === 'charges' ? `charges:${r.Filter!.Dimensions!.Values!.join('|')}` : kindOf(r)))).toEqual([
      'plan',
      'usage',
      // Purchase, Tax, Credit, Adjustment: each category one query, all its record types in it.
      'charges:Recurring reservation fee|SavingsPlanRecurringFee',
      'charges:Tax',
      'charges:Credit',
      'charges:Refund',
    ]);
    // Discounts, covered usage and unknown record types stay with the usage (service, usage type, region kept).
    expect(sent[1]!.Filter!.And![1]).toEqual({
      Dimensions: { Key: 'RECORD_TYPE', Values: ['DiscountedUsage', 'Enterprise Discount Program Discount', 'Some record type AWS adds later', 'Usage'] },
    });
    const refund = rows.find((r) => r.chargeCategory === 'Adjustment')!;
    expect(refund).toMatchObject({ chargeClass: 'Correction', serviceName: 'Amazon Simple Storage Service', billedCost: -2_000_000_000_001n, consumedQuantity: null });
    const fees = rows.filter((r) => r.chargeCategory === 'Purchase');
    expect(fees.map((r) => [r.serviceName, r.billedCost, r.effectiveCost])).toEqual([
      ['Amazon Elastic Compute Cloud - Compute', 30_500_000_000_000n, 0n],
      ['Savings Plans for AWS Compute usage', 12_000_000_000_000n, 0n],
    ]);
    expect(rows.find((r) => r.serviceName === 'AWS Marketplace')).toMatchObject({ chargeCategory: 'Usage', usageType: null });
    // Every charge is in exactly one row: nothing fetched twice, nothing left out.
    expect(rows.reduce((s, r) => s + r.billedCost, 0n)).toBe(charges.reduce((s, c) => s + parseDecimal(c.unblended), 0n));
    expect(rows.reduce((s, r) => s + r.effectiveCost, 0n)).toBe(charges.reduce((s, c) => s + parseDecimal(c.amortized), 0n));
  });

  it('classifies Cost Explorer record types in either spelling', () => {
    const cases: Array<[string, string]> = [
      ['Usage', 'Usage'],
      ['DiscountedUsage', 'Usage'],
      ['SavingsPlanCoveredUsage', 'Usage'],
      ['SavingsPlanNegation', 'Usage'],
      ['Bundled Discount', 'Usage'],
      ['Enterprise Discount Program Discount', 'Usage'],
      ['Tax', 'Tax'],
      ['Credit', 'Credit'],
      ['Refund', 'Adjustment'],
      ['Recurring reservation fee', 'Purchase'],
      ['Upfront reservation fee', 'Purchase'],
      ['SavingsPlanUpfrontFee', 'Purchase'],
      ['Savings Plan Recurring Fee', 'Purchase'],
      ['Support fee', 'Purchase'],
      ['Something new', 'Usage'],
      ['constructor', 'Usage'],
    ];
    for (const [recordType, category] of cases) expect(chargeCategoryOfRecordType(recordType), recordType).toBe(category);
  });
});

describe('pagination', () => {
  it('reads every page of every query, passing each NextPageToken back', async () => {
    const accounts = [A, B];
    const days = dayRange('2026-10-01', '2026-10-11');
    const charges = sampleCharges(accounts, days);
    const fake = fakeCostExplorer(charges, { pageSize: 7, names: { [A]: 'prod', [B]: 'data' } });
    ce.on(GetCostAndUsageCommand).callsFake(fake.answer);
    const run = collectCostExplorer(client, { start: '2026-10-01', end: '2026-10-11', sleep: noSleep });
    const rows = await readAll(run);

    const sent = requests();
    // Every token handed out came back exactly once, on the request that followed it, with the
    // rest of the request unchanged.
    const sentTokens = sent.map((r) => r.NextPageToken).filter(Boolean);
    expect(sentTokens).toEqual(fake.issuedTokens);
    expect(fake.issuedTokens.length).toBeGreaterThan(5);
    for (let i = 1; i < sent.length; i++) {
      if (!sent[i]!.NextPageToken) continue;
      const previous = ce.commandCalls(GetCostAndUsageCommand)[i - 1]!;
      expect(sent[i]!.NextPageToken).toBe((await previous.returnValue)!.NextPageToken);
      const { NextPageToken: _t, ...rest } = sent[i]!;
      const { NextPageToken: _p, ...previousRest } = sent[i - 1]!;
      expect(rest).toEqual(previousRest);
    }
    // Every page consumed: one row per (day, account, service, usage type) of usage and per
    // (day, account, service) of the other charges, and every amount.
    const usageCells = new Set(charges.filter((c) => c.recordType === 'Usage').map((c) => `${c.day}|${c.account}|${c.service}|${c.usageType}`));
    const otherCells = new Set(charges.filter((c) => c.recordType !== 'Usage').map((c) => `${c.day}|${c.account}|${c.service}|${c.recordType}`));
    expect(rows).toHaveLength(usageCells.size + otherCells.size);
    expect(rows.reduce((s, r) => s + r.billedCost, 0n)).toBe(charges.reduce((s, c) => s + parseDecimal(c.unblended), 0n));
    const summary = run.summary();
    expect(summary.calls).toEqual({ requests: sent.length, pages: sent.length, retries: 0, cachedPages: 0 });
    expect(summary.queries.reduce((s, q) => s + q.pages, 0)).toBe(sent.length);
    expect(new Set(rows.map((r) => r.line)).size).toBe(rows.length);
    expect(rows.filter((r) => r.subAccountId === B).every((r) => r.subAccountName === 'data')).toBe(true);
  });

  it('refuses a page token that comes back twice instead of looping', async () => {
    ce.on(GetCostAndUsageCommand).callsFake(() => ({ ResultsByTime: [], NextPageToken: 'same' }));
    await expect(readAll(collectCostExplorer(client, { start: '2026-10-01', end: '2026-10-02', sleep: noSleep }))).rejects.toMatchObject({
      code: 'MALFORMED_RESPONSE',
    });
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(2);
  });
});

describe('the call plan (each call is charged)', () => {
  const run = async (accountCount: number, start: string, end: string, options: Partial<CostExplorerOptions> = {}) => {
    ce.reset();
    const accounts = Array.from({ length: accountCount }, (_, i) => String(100000000000 + i));
    const fake = fakeCostExplorer(sampleCharges(accounts, dayRange(start, end)));
    ce.on(GetCostAndUsageCommand).callsFake(fake.answer);
    const collection = collectCostExplorer(client, { start, end, sleep: noSleep, ...options });
    await readAll(collection);
    return { collection, calls: ce.commandCalls(GetCostAndUsageCommand).length, dimensionCalls: ce.commandCalls(GetDimensionValuesCommand).length };
  };

  it('is 1 + N + k requests: a plan, one per account, one per non-usage charge category present', async () => {
    // Sample data: usage in every account, tax in every account, one credit: k = 2.
    const five = await run(5, '2026-10-01', '2026-11-01');
    expect(five.calls).toBe(1 + 5 + 2);
    expect(five.dimensionCalls).toBe(0);
    expect(five.collection.summary().queries.map((q) => `${q.kind}:${q.account ?? q.chargeCategory}`)).toEqual([
      'plan:null',
      ...Array.from({ length: 5 }, (_, i) => `usage:${100000000000 + i}`),
      'charges:Tax',
      'charges:Credit',
    ]);
    const twenty = await run(20, '2026-10-01', '2026-11-01');
    expect(twenty.calls).toBe(1 + 20 + 2);
  });

  it('does not grow with the number of days while answers fit a page', async () => {
    const month = await run(5, '2026-10-01', '2026-11-01');
    const quarter = await run(5, '2026-08-01', '2026-11-01');
    expect(quarter.calls).toBe(month.calls);
    expect(quarter.collection.summary().totals.periods.map((p) => p.billingPeriodStart)).toEqual(['2026-08-01', '2026-09-01', '2026-10-01']);
  });

  it('asks only for the accounts given, and skips accounts without charges', async () => {
    const accounts = ['100000000000', '100000000002', '100000000009'];
    const result = await run(3, '2026-10-01', '2026-11-01', { accountIds: accounts });
    // 100000000009 has no charges: the plan does not list it, so it costs nothing more.
    expect(result.calls).toBe(1 + 2 + 2);
    const sent = requests();
    expect(sent[0]!.Filter).toEqual({ Dimensions: { Key: 'LINKED_ACCOUNT', Values: accounts } });
    expect(sent.filter((r) => kindOf(r) === 'charges').map((r) => r.Filter!.And![0])).toEqual([
      { Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['100000000000', '100000000002'] } },
      { Dimensions: { Key: 'LINKED_ACCOUNT', Values: ['100000000000'] } },
    ]);
    expect(result.collection.summary().accounts.map((a) => a.id)).toEqual(['100000000000', '100000000002']);
  });

  it('stops at the request budget instead of sending more', async () => {
    await expect(run(5, '2026-10-01', '2026-11-01', { maxRequests: 3 })).rejects.toMatchObject({ code: 'REQUEST_BUDGET_EXCEEDED' });
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(3);
  });
});

describe('estimated days', () => {
  it('marks rows and names the days and months still estimated', async () => {
    const fake = fakeCostExplorer(sampleCharges([A], dayRange('2026-10-28', '2026-11-03')), { estimatedFrom: '2026-10-31' });
    ce.on(GetCostAndUsageCommand).callsFake(fake.answer);
    const run = collectCostExplorer(client, { start: '2026-10-28', end: '2026-11-03', sleep: noSleep });
    const rows = await readAll(run);
    expect(rows.filter((r) => r.estimated).every((r) => r.chargeDate >= '2026-10-31')).toBe(true);
    expect(rows.filter((r) => !r.estimated).every((r) => r.chargeDate < '2026-10-31')).toBe(true);
    expect(run.summary().estimatedDays).toEqual(['2026-10-31', '2026-11-01', '2026-11-02']);
    expect(run.summary().estimatedPeriods).toEqual(['2026-10', '2026-11']);
  });
});

describe('totals', () => {
  const charges = [
    ...sampleCharges([A], dayRange('2026-09-27', '2026-10-04')),
    // An account billed in euros: totals are per currency.
    ...sampleCharges([B], dayRange('2026-09-29', '2026-10-02')).map((c) => ({ ...c, currency: 'EUR' })),
  ];

  it('equal the sum of the rows per billing period and currency, and the charges themselves', async () => {
    ce.on(GetCostAndUsageCommand).callsFake(fakeCostExplorer(charges, { pageSize: 11 }).answer);
    const run = collectCostExplorer(client, { start: '2026-09-27', end: '2026-10-04', sleep: noSleep });
    expect(() => run.totals()).toThrow(CostExplorerError);
    const rows = await readAll(run);

    const fromRows = new Map<string, { rows: number; billed: bigint; effective: bigint }>();
    for (const r of rows) {
      const key = `${r.billingPeriodStart}|${r.currency}`;
      const t = fromRows.get(key) ?? { rows: 0, billed: 0n, effective: 0n };
      fromRows.set(key, { rows: t.rows + 1, billed: t.billed + r.billedCost, effective: t.effective + r.effectiveCost });
    }
    const totals = run.totals();
    expect(totals.periods.map((p) => `${p.billingPeriodStart}|${p.currency}`)).toEqual(['2026-09-01|EUR', '2026-09-01|USD', '2026-10-01|EUR', '2026-10-01|USD']);
    for (const p of totals.periods) {
      const key = `${p.billingPeriodStart}|${p.currency}`;
      expect({ rows: p.rows, billed: p.billedCost, effective: p.effectiveCost }, key).toEqual(fromRows.get(key));
      expect(p.listCost).toBe(0n);
      const source = charges.filter((c) => `${c.day.slice(0, 7)}-01|${c.currency ?? 'USD'}` === key);
      expect(p.billedCost, key).toBe(source.reduce((s, c) => s + parseDecimal(c.unblended), 0n));
      expect(p.effectiveCost, key).toBe(source.reduce((s, c) => s + parseDecimal(c.amortized), 0n));
    }
    expect(totals.recordsRead).toBe(rows.length);
    expect(totals.rowsEmitted).toBe(rows.length);
    // The planning query (grouped differently) agrees with the row queries here.
    const overview = run.summary().overview;
    expect(overview.map((p) => [p.billingPeriodStart, p.currency, p.billedCost, p.effectiveCost])).toEqual(
      totals.periods.map((p) => [p.billingPeriodStart, p.currency, p.billedCost, p.effectiveCost]),
    );
  });

  it('flow through CostAggregator into a partial whose stored totals reconcile with the collector’s own', async () => {
    ce.on(GetCostAndUsageCommand).callsFake(fakeCostExplorer(charges, { pageSize: 11, names: { [A]: 'prod', [B]: 'eu' } }).answer);
    const run = collectCostExplorer(client, { start: '2026-09-27', end: '2026-10-04', sleep: noSleep });
    const aggregator = new CostAggregator();
    for await (const row of run) aggregator.add(row);
    aggregator.finishFile(run.file, run.totals());
    const partial = aggregator.toPartial();

    expect(partial.files).toEqual([{ fileName: 'aws-cost-explorer:2026-09-27..2026-10-04', format: 'aws-cost-explorer', container: 'api', records: run.totals().recordsRead }]);
    expect(partial.rowsRejected).toBe(0);
    expect(Object.keys(partial.periods)).toEqual(['2026-09', '2026-10']);
    expect(partial.sourceTotals).toHaveLength(4);
    // The commit step's check: what the rollups hold equals the source's own totals, to the 1e-12.
    for (const source of partial.sourceTotals) {
      const period = partial.periods[source.period!]!;
      const stored = period.totals.find((t) => t.currency === source.currency)!;
      expect({ rows: stored.rows, billed: stored.billed, effective: stored.effective, list: stored.list }).toEqual({
        rows: source.rows,
        billed: source.billed,
        effective: source.effective,
        list: source.list,
      });
      const cube = period.rollups.cube.map(codec.cube.decode).filter((c) => c.currency === source.currency);
      expect(cube.reduce((s, c) => s + c.billed, 0n)).toBe(parseDecimal(source.billed));
      expect(cube.reduce((s, c) => s + c.effective, 0n)).toBe(parseDecimal(source.effective));
    }
    expect(partial.periods['2026-10']!.accountNames).toEqual({ [A]: 'prod', [B]: 'eu' });
    const regions = new Set(partial.periods['2026-10']!.rollups.region.map(codec.dimension.decode).map((r) => r.value));
    expect(regions).toEqual(new Set(['us-west-2', 'eu-west-1', 'ap-south-1', 'ca-central-1', '']));
  });
});

describe('bad answers and options', () => {
  it('refuses options before sending anything', () => {
    const bad: Array<Partial<CostExplorerOptions>> = [
      { start: '2026-10-1' },
      { start: '2026-02-30' },
      { end: '2026-10-01' },
      { start: '2026-10-05', end: '2026-10-01' },
      { accountIds: ['12345'] },
      { accountIds: [] },
      { maxRequests: 0 },
    ];
    for (const over of bad) {
      expect(() => collectCostExplorer(client, { start: '2026-10-01', end: '2026-10-08', ...over }), JSON.stringify(over)).toThrow(Invalid);
    }
    expect(ce.calls()).toHaveLength(0);
  });

  it('fails loudly on a group without a metric, a non-numeric amount, or amounts without groups', async () => {
    const answers: GetCostAndUsageResponse[] = [
      { ResultsByTime: [{ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Groups: [{ Keys: [A, 'Usage'], Metrics: { UnblendedCost: usd('1') } }] }] },
      { ResultsByTime: [{ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Groups: [{ Keys: [A, 'Usage'], Metrics: { UnblendedCost: usd('1,5'), AmortizedCost: usd('1') } }] }] },
      { ResultsByTime: [{ TimePeriod: { Start: '2026-10-01', End: '2026-11-01' }, Total: { UnblendedCost: usd('3.5') }, Groups: [] }] },
    ];
    for (const answer of answers) {
      ce.reset();
      ce.on(GetCostAndUsageCommand).resolves(answer);
      await expect(readAll(collectCostExplorer(client, { start: '2026-10-01', end: '2026-11-01', sleep: noSleep }))).rejects.toMatchObject({
        name: 'CostExplorerError',
        code: 'MALFORMED_RESPONSE',
      });
    }
  });
});
