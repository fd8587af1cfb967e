import type { Expression, GetCostAndUsageRequest, GetCostAndUsageResponse, Group, ResultByTime } from '@aws-sdk/client-cost-explorer';
import { formatDecimal, parseDecimal } from '#shared/money.js';

/**
 * A small stand-in for Cost Explorer's GetCostAndUsage over a list of charges: it filters (Dimensions,
 * And, Not), buckets by day or month, groups by up to two dimensions, sums amounts exactly, marks
 * estimated days, and pages its answer `pageSize` groups at a time with NextPageToken. It is used
 * with aws-sdk-client-mock's `callsFake`, so every request still goes through the mocked client.
 */
export interface Charge {
  day: string;
  account: string;
  service: string;
  /** '' is a charge without usage type (Cost Explorer groups it under NoUsageType). */
  usageType: string;
  recordType: string;
  unblended: string;
  amortized: string;
  quantity?: string;
  unit?: string;
  currency?: string;
}

export interface FakeOptions {
  pageSize?: number;
  names?: Record<string, string>;
  /** Days from this one on are `Estimated`. */
  estimatedFrom?: string;
}

const FIELD: Record<string, (c: Charge) => string> = {
  LINKED_ACCOUNT: (c) => c.account,
  SERVICE: (c) => c.service,
  USAGE_TYPE: (c) => c.usageType || 'NoUsageType',
  RECORD_TYPE: (c) => c.recordType,
};

function matches(expression: Expression | undefined, charge: Charge): boolean {
  if (!expression) return true;
  if (expression.And) return expression.And.every((e) => matches(e, charge));
  if (expression.Or) return expression.Or.some((e) => matches(e, charge));
  if (expression.Not) return !matches(expression.Not, charge);
  if (expression.Dimensions) {
    const field = FIELD[expression.Dimensions.Key!];
    if (!field) throw new Error(`fake: no dimension ${expression.Dimensions.Key}`);
    return expression.Dimensions.Values!.includes(field(charge));
  }
  throw new Error('fake: unsupported expression');
}

function days(start: string, end: string): string[] {
  const out: string[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); d.toISOString().slice(0, 10) < end; d.setUTCDate(d.getUTCDate() + 1)) out.push(d.toISOString().slice(0, 10));
  return out;
}

const METRIC: Record<string, (c: Charge) => string> = {
  UnblendedCost: (c) => c.unblended,
  AmortizedCost: (c) => c.amortized,
};

export function fakeCostExplorer(charges: Charge[], options: FakeOptions = {}) {
  const pageSize = options.pageSize ?? 1000;
  /** Tokens the fake handed out, in order. */
  const issuedTokens: string[] = [];

  function answer(request: GetCostAndUsageRequest): GetCostAndUsageResponse {
    const { Start, End } = request.TimePeriod!;
    const selected = charges.filter((c) => c.day >= Start! && c.day < End! && matches(request.Filter, c));
    const buckets: Array<{ start: string; end: string; days: string[] }> = [];
    const all = days(Start!, End!);
    if (request.Granularity === 'MONTHLY') {
      for (const day of all) {
        const last = buckets.at(-1);
        if (last && last.start.slice(0, 7) === day.slice(0, 7)) last.days.push(day);
        else buckets.push({ start: day, end: day, days: [day] });
      }
      for (let i = 0; i < buckets.length; i++) buckets[i]!.end = buckets[i + 1]?.start ?? End!;
    } else {
      for (let i = 0; i < all.length; i++) buckets.push({ start: all[i]!, end: all[i + 1] ?? End!, days: [all[i]!] });
    }
    const keysOf = (c: Charge) => (request.GroupBy ?? []).map((g) => FIELD[g.Key!]!(c));
    // Every (bucket, group) in order, summed exactly.
    const cells: Array<{ bucket: number; group: Group }> = [];
    buckets.forEach((bucket, index) => {
      const groups = new Map<string, Charge[]>();
      for (const c of selected) {
        if (!bucket.days.includes(c.day)) continue;
        const key = JSON.stringify(keysOf(c));
        groups.set(key, [...(groups.get(key) ?? []), c]);
      }
      for (const [key, members] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        const metrics: Group['Metrics'] = {};
        for (const metric of request.Metrics!) {
          if (metric === 'UsageQuantity') {
            const units = new Set(members.map((m) => m.unit ?? 'N/A'));
            const sum = members.reduce((s, m) => s + parseDecimal(m.quantity ?? '0'), 0n);
            metrics[metric] = { Amount: formatDecimal(sum, { minFractionDigits: 0 }), Unit: units.size === 1 ? [...units][0]! : 'N/A' };
          } else {
            const sum = members.reduce((s, m) => s + parseDecimal(METRIC[metric]!(m)), 0n);
            metrics[metric] = { Amount: formatDecimal(sum, { minFractionDigits: 0 }), Unit: members[0]!.currency ?? 'USD' };
          }
        }
        cells.push({ bucket: index, group: { Keys: JSON.parse(key) as string[], Metrics: metrics } });
      }
    });
    const offset = request.NextPageToken ? Number(request.NextPageToken.split(':')[1]) : 0;
    const slice = cells.slice(offset, offset + pageSize);
    const results: ResultByTime[] = [];
    // Each page holds its groups' buckets; the first page also holds the leading empty days, and
    // every page the empty days between its groups, as Cost Explorer does.
    const firstBucket = offset === 0 ? 0 : (slice[0]?.bucket ?? buckets.length);
    const lastBucket = offset + pageSize >= cells.length ? buckets.length - 1 : (slice.at(-1)?.bucket ?? -1);
    for (let b = firstBucket; b <= lastBucket; b++) {
      const bucket = buckets[b]!;
      results.push({
        TimePeriod: { Start: bucket.start, End: bucket.end },
        Total: {},
        Groups: slice.filter((c) => c.bucket === b).map((c) => c.group),
        Estimated: options.estimatedFrom !== undefined && bucket.days.some((d) => d >= options.estimatedFrom!),
      });
    }
    const response: GetCostAndUsageResponse = {
      GroupDefinitions: request.GroupBy,
      ResultsByTime: results,
      DimensionValueAttributes: [],
    };
    const accountAt = (request.GroupBy ?? []).findIndex((g) => g.Key === 'LINKED_ACCOUNT');
    if (accountAt >= 0) {
      const ids = [...new Set(slice.map((c) => c.group.Keys![accountAt]!))].sort();
      response.DimensionValueAttributes = ids.map((id) => ({ Value: id, Attributes: options.names?.[id] ? { description: options.names[id] } : ({} as Record<string, string>) }));
    }
    if (offset + pageSize < cells.length) {
      response.NextPageToken = `page:${offset + pageSize}`;
      issuedTokens.push(response.NextPageToken);
    }
    return response;
  }

  return { answer, issuedTokens };
}

/** A few accounts over some days: usage in several regions, taxes, a credit, with awkward decimals. */
export function sampleCharges(accounts: string[], dayList: string[]): Charge[] {
  const out: Charge[] = [];
  const usage = [
    { service: 'Amazon Elastic Compute Cloud - Compute', usageType: 'USW2-BoxUsage:m5.large', unit: 'Hrs' },
    { service: 'Amazon Elastic Compute Cloud - Compute', usageType: 'BoxUsage:t3.micro', unit: 'Hrs' },
    { service: 'Amazon Simple Storage Service', usageType: 'EU-TimedStorage-ByteHrs', unit: 'GB-Mo' },
    { service: 'Amazon Simple Storage Service', usageType: 'APS3-Requests-Tier1', unit: 'Requests' },
    { service: 'AWS Key Management Service', usageType: 'ca-central-1-KMS-Requests', unit: 'Requests' },
  ];
  accounts.forEach((account, a) => {
    dayList.forEach((day, d) => {
      usage.forEach((u, i) => {
        if ((a + d + i) % 4 === 3) return; // not every usage every day
        const micros = BigInt((a + 1) * 1_000_003 + d * 7919 + i * 104_729);
        const text = (v: bigint) => `${v / 1_000_000n}.${String(v % 1_000_000n).padStart(6, '0')}123457`;
        // Reserved m5 hours cost less amortized than billed.
        const amortized = i === 0 ? text(micros - 250_000n) : text(micros);
        out.push({ day, account, service: u.service, usageType: u.usageType, recordType: 'Usage', unblended: text(micros), amortized, quantity: `${d + i + 1}.5`, unit: u.unit });
      });
      if (d === 0) out.push({ day, account, service: 'Tax', usageType: '', recordType: 'Tax', unblended: '3.0000000001', amortized: '3.0000000001' });
    });
    if (a === 0) out.push({ day: dayList[1]!, account, service: 'Amazon Elastic Compute Cloud - Compute', usageType: '', recordType: 'Credit', unblended: '-7.123456789012', amortized: '-7.123456789012' });
  });
  return out;
}

export function dayRange(start: string, end: string): string[] {
  return days(start, end);
}
