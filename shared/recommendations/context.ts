import { addMonths, daysBetween, periodOf } from '../costs/dates.js';
import { codec, type RollupKind } from '../costs/rollups.js';
import type { PeriodVersion } from '../costs/store.js';
import type { InventoryResource } from '../inventory/model.js';
import { formatDecimal, ONE } from '../money.js';
import type { PriceBook, RecommendationSettings, ResourceCost, RuleContext } from './model.js';

/**
 * What the rules read from billing: each resource's own cost and the tenant's effective/list ratio
 * by service, from the ingested rollups. Resource rollups are stored per billing period (month), so
 * "the resource's cost" is its cost over the last full month with billing data.
 */
export interface CostRollupReader {
  currentVersions(tenantId: string, fromPeriod: string, toPeriod: string): Promise<PeriodVersion[]>;
  readRows(tenantId: string, sourceId: string, period: string, version: string, kind: RollupKind): Promise<unknown[][]>;
}

/** ServiceName (FOCUS) -> service code, the key rules read effective rates by. */
const SERVICE_CODES: Readonly<Record<string, string>> = {
  'Amazon Elastic Compute Cloud': 'AmazonEC2',
  'Amazon Relational Database Service': 'AmazonRDS',
  'AWS Lambda': 'AWSLambda',
  'Amazon Simple Storage Service': 'AmazonS3',
  'Elastic Load Balancing': 'AWSELB',
  'Amazon Virtual Private Cloud': 'AmazonVPC',
  'Amazon CloudWatch': 'AmazonCloudWatch',
  'Amazon Elastic Block Store': 'AmazonEC2',
};
export const serviceCodeOf = (service: string): string => SERVICE_CODES[service] ?? service;

const daysIn = (period: string): number => daysBetween(`${period}-01`, `${addMonths(period, 1)}-01`);
const fmt = (v: bigint) => formatDecimal(v, { minFractionDigits: 0 });

export interface MonthCosts {
  period: string;
  days: number;
  /** Resource id -> its amounts in the month (USD rows; other currencies are not comparable to USD prices). */
  resources: Map<string, { billed: bigint; effective: bigint; list: bigint }>;
  /** Service code -> amounts. */
  services: Map<string, { billed: bigint; effective: bigint; list: bigint }>;
}

export class BillingCosts {
  private readonly months = new Map<string, Promise<MonthCosts | null>>();

  constructor(
    private readonly reader: CostRollupReader,
    private readonly tenantId: string,
  ) {}

  /** One month's resource and service costs (every source's current version), or null without billing data. */
  month(period: string): Promise<MonthCosts | null> {
    let loaded = this.months.get(period);
    if (!loaded) this.months.set(period, (loaded = this.load(period)));
    return loaded;
  }

  private async load(period: string): Promise<MonthCosts | null> {
    const versions = (await this.reader.currentVersions(this.tenantId, period, period)).filter((v) => v.period === period);
    if (!versions.length) return null;
    const out: MonthCosts = { period, days: daysIn(period), resources: new Map(), services: new Map() };
    const add = (map: Map<string, { billed: bigint; effective: bigint; list: bigint }>, key: string, row: { billed: bigint; effective: bigint; list: bigint }) => {
      const a = map.get(key) ?? { billed: 0n, effective: 0n, list: 0n };
      a.billed += row.billed;
      a.effective += row.effective;
      a.list += row.list;
      map.set(key, a);
    };
    await Promise.all(
      versions.map(async (v) => {
        const [resources, services] = await Promise.all([
          this.reader.readRows(this.tenantId, v.sourceId, v.period, v.version, 'resource'),
          this.reader.readRows(this.tenantId, v.sourceId, v.period, v.version, 'service'),
        ]);
        for (const cells of resources) {
          const row = codec.resource.decode(cells);
          if (row.currency === 'USD' && row.resourceId) add(out.resources, row.resourceId, row);
        }
        for (const cells of services) {
          const row = codec.dimension.decode(cells);
          if (row.currency === 'USD') add(out.services, serviceCodeOf(row.value), row);
        }
      }),
    );
    return out;
  }

  /** The last full month before `today` with billing data, looking back at most `lookback` months. */
  async lastFullMonth(today: string, lookback = 2): Promise<MonthCosts | null> {
    for (let i = 1; i <= lookback; i++) {
      const month = await this.month(addMonths(periodOf(today), -i));
      if (month && month.resources.size + month.services.size > 0) return month;
    }
    return null;
  }

  /** A resource's billed cost per day over the last full month before `day` (the baseline of an applied recommendation). */
  async dailyBefore(resourceId: string, day: string): Promise<{ dailyCost: string; days: number }> {
    const month = await this.lastFullMonth(day);
    const cost = month?.resources.get(resourceId);
    if (!month || !cost) return { dailyCost: '0', days: 0 };
    return { dailyCost: formatDecimal(cost.billed / BigInt(month.days), { minFractionDigits: 0, maxFractionDigits: 6 }), days: month.days };
  }

  /**
   * A resource's billed cost over the full months after the one it was applied in, up to the last
   * full month before `today`; null until such a month has billing data.
   */
  async after(resourceId: string, appliedAt: string, today: string): Promise<{ billed: string; days: number } | null> {
    let billed = 0n;
    let days = 0;
    for (let p = addMonths(periodOf(appliedAt), 1); p < periodOf(today); p = addMonths(p, 1)) {
      const month = await this.month(p);
      if (!month || month.services.size === 0) continue;
      billed += month.resources.get(resourceId)?.billed ?? 0n;
      days += month.days;
    }
    return days ? { billed: fmt(billed), days } : null;
  }
}

/** Effective/list by service code where billing shows a discount (ratio below 1), 4 decimals. */
export function effectiveRatesOf(month: MonthCosts | null): Map<string, string> {
  const rates = new Map<string, string>();
  for (const [code, a] of month?.services ?? []) {
    if (a.list <= 0n || a.effective <= 0n || a.effective >= a.list) continue;
    rates.set(code, formatDecimal((a.effective * ONE) / a.list, { minFractionDigits: 4, maxFractionDigits: 4 }));
  }
  return rates;
}

/** One analysis run's RuleContext: settings, prices, each resource's cost and the tenant's effective rates. */
export async function buildRuleContext(input: {
  today: string;
  settings: RecommendationSettings;
  prices: PriceBook;
  billing: BillingCosts;
  resources: readonly InventoryResource[];
}): Promise<RuleContext> {
  const month = await input.billing.lastFullMonth(input.today);
  const costs = new Map<string, ResourceCost>();
  if (month) {
    for (const r of input.resources) {
      const cost = month.resources.get(r.resourceId);
      if (cost) costs.set(r.resourceId, { resourceId: r.resourceId, billed: fmt(cost.billed), effective: fmt(cost.effective), list: fmt(cost.list), days: month.days, currency: 'USD' });
    }
  }
  return {
    today: input.today,
    settings: input.settings,
    prices: input.prices,
    costs,
    resources: new Map(input.resources.map((r) => [r.resourceId, r])),
    effectiveRates: effectiveRatesOf(month),
  };
}
