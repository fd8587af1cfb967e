import { CostExplorerClient, GetCostAndUsageCommand, type GetCostAndUsageRequest } from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  collectCostExplorer,
  CostExplorerCache,
  regionFromUsageType,
  requestKey,
  USAGE_TYPE_REGION_CODES,
  type CollectedCostRow,
  type CostExplorerOptions,
} from '#functions/billing/collect/index.js';
import { dayRange, fakeCostExplorer, sampleCharges } from './fake-cost-explorer.js';

const client = new CostExplorerClient({ region: 'us-east-1' });
const other = new CostExplorerClient({ region: 'us-east-1' });
const ce = mockClient(client);
const otherCe = mockClient(other);
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const answers = fakeCostExplorer(sampleCharges(ACCOUNTS, dayRange('2026-10-01', '2026-10-08')), { pageSize: 20 });

beforeEach(() => {
  ce.reset();
  otherCe.reset();
  ce.on(GetCostAndUsageCommand).callsFake(answers.answer);
  otherCe.on(GetCostAndUsageCommand).callsFake(answers.answer);
});

async function collect(on: CostExplorerClient, options: Partial<CostExplorerOptions>) {
  const run = collectCostExplorer(on, { start: '2026-10-01', end: '2026-10-08', sleep: async () => {}, ...options });
  const rows: CollectedCostRow[] = [];
  for await (const row of run) rows.push(row);
  return { rows, summary: run.summary() };
}

describe('CostExplorerCache', () => {
  it('answers the same query again from the cache, through the same client only', async () => {
    let now = 0;
    const cache = new CostExplorerCache({ ttlMs: 60_000, now: () => now });
    const first = await collect(client, { cache });
    const sent = ce.commandCalls(GetCostAndUsageCommand).length;
    expect(sent).toBeGreaterThan(5);

    now = 59_999;
    const second = await collect(client, { cache });
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(sent);
    expect(second.rows).toEqual(first.rows);
    expect(second.summary.totals).toEqual(first.summary.totals);
    expect(second.summary.calls).toEqual({ requests: 0, pages: 0, retries: 0, cachedPages: sent });
    expect(second.summary.queries.every((q) => q.cached)).toBe(true);

    // Another client (another tenant's or account's credentials) never sees those answers.
    await collect(other, { cache });
    expect(otherCe.commandCalls(GetCostAndUsageCommand)).toHaveLength(sent);

    // A different range is a different query.
    await collect(client, { cache, end: '2026-10-07' });
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(2 * sent);

    // After the TTL, asked again.
    now = 60_000;
    await collect(client, { cache });
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(3 * sent);
  });

  it('keeps only complete queries: a run that failed halfway is completed by a rerun without asking twice', async () => {
    const cache = new CostExplorerCache();
    const failing = (input: GetCostAndUsageRequest) => {
      if (input.GroupBy?.[0]?.Key === 'SERVICE' && JSON.stringify(input.Filter).includes(ACCOUNTS[2]!) && !input.NextPageToken) throw Object.assign(new Error('boom'), { name: 'ValidationException' });
      return answers.answer(input);
    };
    ce.on(GetCostAndUsageCommand).callsFake(failing);
    await expect(collect(client, { cache })).rejects.toThrow('boom');
    const failedRun = ce.commandCalls(GetCostAndUsageCommand).map((c) => requestKey(c.args[0].input));

    ce.resetHistory();
    ce.on(GetCostAndUsageCommand).callsFake(answers.answer);
    await collect(client, { cache });
    const rerun = ce.commandCalls(GetCostAndUsageCommand).map((c) => requestKey(c.args[0].input));
    // Only the failed account's query and the ones after it were asked again.
    const failedKey = failedRun.at(-1)!;
    expect(rerun[0]).toBe(failedKey);
    const completedBefore = new Set(failedRun.slice(0, -1));
    expect(rerun.some((key) => completedBefore.has(key))).toBe(false);
  });

  it('keys a request by its content, not its page token or key order', () => {
    const a: GetCostAndUsageRequest = { TimePeriod: { Start: '2026-10-01', End: '2026-10-08' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] };
    const b: GetCostAndUsageRequest = { Metrics: ['UnblendedCost'], Granularity: 'DAILY', TimePeriod: { End: '2026-10-08', Start: '2026-10-01' }, NextPageToken: 'x' };
    expect(requestKey(a)).toBe(requestKey(b));
    expect(requestKey(a)).not.toBe(requestKey({ ...a, Metrics: ['AmortizedCost'] }));
  });

  it('holds at most maxEntries queries per client, oldest out first', () => {
    const cache = new CostExplorerCache({ maxEntries: 2 });
    const request = (day: string): GetCostAndUsageRequest => ({ TimePeriod: { Start: day, End: '2026-12-01' }, Granularity: 'DAILY', Metrics: ['UnblendedCost'] });
    cache.set(client, request('2026-10-01'), [{}]);
    cache.set(client, request('2026-10-02'), [{}]);
    cache.set(client, request('2026-10-03'), [{}]);
    expect(cache.get(client, request('2026-10-01'))).toBeUndefined();
    expect(cache.get(client, request('2026-10-02'))).toHaveLength(1);
    expect(cache.get(client, request('2026-10-03'))).toHaveLength(1);
    expect(cache.get(other, request('2026-10-03'))).toBeUndefined();
    cache.clear();
    expect(cache.get(client, request('2026-10-03'))).toBeUndefined();
  });
});

describe('regionFromUsageType', () => {
  it('reads the billing code prefix', () => {
    const cases: Array<[string, string | null]> = [
      ['USE1-BoxUsage:m5.large', 'us-east-1'],
      ['USW2-BoxUsage:m5.large', 'us-west-2'],
      ['EU-BoxUsage:m5.large', 'eu-west-1'],
      ['EUW1-TimedStorage-ByteHrs', 'eu-west-1'],
      ['EUW2-Requests-Tier1', 'eu-west-2'],
      ['APS2-DataTransfer-Out-Bytes', 'ap-southeast-2'],
      ['APS3-Requests-Tier1', 'ap-south-1'],
      ['APS4-BoxUsage:t3.micro', 'ap-southeast-3'],
      ['CAN1-TimedStorage-ByteHrs', 'ca-central-1'],
      ['SAE1-Catalog-Request', 'sa-east-1'],
      ['UGW1-BoxUsage:m5.large', 'us-gov-west-1'],
      // Inter-region transfer: charged where it leaves.
      ['USE1-USW2-AWS-Out-Bytes', 'us-east-1'],
      // KMS writes the region name.
      ['ca-central-1-KMS-Requests', 'ca-central-1'],
      ['ap-northeast-2-KMS-Keys', 'ap-northeast-2'],
      ['us-gov-west-1-KMS-Keys', 'us-gov-west-1'],
    ];
    for (const [usageType, region] of cases) expect(regionFromUsageType(usageType, 'Amazon Elastic Compute Cloud - Compute'), usageType).toBe(region);
  });

  it('answers null where the usage type does not say', () => {
    const cases: Array<string | null> = [
      null,
      '',
      // us-east-1 usage often has no prefix, and so do global charges: not guessed.
      'BoxUsage:m5.large',
      'Requests-Tier1',
      'DataTransfer-Out-Bytes',
      'DashboardsUsageHour-Basic',
      'Global-SoftwareUsage-Contracts',
      // CloudFront-style edge zones are not regions.
      'US-DataTransfer-Out-Bytes',
      'JP-Requests-Tier1',
      'CA-DataTransfer-Out-Bytes',
      // Unknown code, and a code that is an object key everywhere.
      'ZZZ9-BoxUsage:m5.large',
      'constructor-Something',
      '-leading-dash',
    ];
    for (const usageType of cases) expect(regionFromUsageType(usageType, 'Amazon Simple Storage Service'), String(usageType)).toBeNull();
  });

  it('reads EU as an edge zone for CloudFront, and as Ireland for everything else', () => {
    expect(regionFromUsageType('EU-DataTransfer-Out-Bytes', 'Amazon CloudFront')).toBeNull();
    expect(regionFromUsageType('EU-DataTransfer-Out-Bytes', 'Amazon Simple Storage Service')).toBe('eu-west-1');
    expect(regionFromUsageType('EU-DataTransfer-Out-Bytes')).toBe('eu-west-1');
  });

  it('maps every code to a region id', () => {
    for (const [code, region] of Object.entries(USAGE_TYPE_REGION_CODES)) {
      expect(code, code).toMatch(/^[A-Z]{2,3}\d?$/);
      expect(region, code).toMatch(/^[a-z]{2}(-gov)?-[a-z]+-\d$/);
    }
  });
});
