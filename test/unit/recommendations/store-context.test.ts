import { describe, expect, it } from 'vitest';
import { codec } from '#shared/costs/rollups.js';
import type { PeriodVersion } from '#shared/costs/store.js';
import { formatDecimal, parseDecimal } from '#shared/money.js';
import { BillingCosts, buildRuleContext, effectiveRatesOf, type CostRollupReader } from '#shared/recommendations/context.js';
import { DEFAULT_RECOMMENDATION_SETTINGS, type PriceBook } from '#shared/recommendations/model.js';
import type { InventoryResource } from '#shared/inventory/model.js';

/** The rule context from billing rollups, and the figures realized savings are measured from. */
const money = (billed: string, effective = billed, list = billed) => ({ billed: parseDecimal(billed), effective: parseDecimal(effective), list: parseDecimal(list) });

/** Two sources, so a month's costs are the sum of every source's current version. */
function reader(months: Record<string, { resources: Array<[string, string, string?, string?]>; services: Array<[string, string, string, string]> }>): CostRollupReader {
  return {
    async currentVersions(_t, from, to) {
      return Object.keys(months)
        .filter((p) => p >= from && p <= to)
        .flatMap((period): PeriodVersion[] => ['src-a', 'src-b'].map((sourceId) => ({ sourceId, period, version: 'v1', updatedAt: '2026-11-01T00:00:00Z', status: 'final' })));
    },
    async readRows(_t, sourceId, period, _v, kind) {
      const m = months[period]!;
      const half = (s: string) => formatDecimal(parseDecimal(s) / 2n, { minFractionDigits: 0 });
      if (kind === 'resource')
        return m.resources.map(([id, b, e, l]) => {
          // Each source holds half of the amount.
          const [hb, he, hl] = [b, e ?? b, l ?? b].map(half);
          return codec.resource.encode({ resourceId: id, account: '123456789012', service: 'Amazon Elastic Compute Cloud', region: 'us-east-1', currency: 'USD', ...money(hb!, he, hl) });
        });
      if (kind === 'service') return sourceId === 'src-a' ? m.services.map(([value, b, e, l]) => codec.dimension.encode({ date: `${period}-01`, value, currency: 'USD', ...money(b, e, l) })) : [];
      return [];
    },
  };
}

const MONTHS = {
  '2026-09': { resources: [['i-1', '62'] as [string, string]], services: [['Amazon Elastic Compute Cloud', '1000', '800', '1000'] as [string, string, string, string]] },
  '2026-10': {
    resources: [['i-1', '93', '80', '100'] as [string, string, string, string], ['i-2', '31'] as [string, string]],
    services: [
      ['Amazon Elastic Compute Cloud', '1000', '820', '1000'],
      ['Amazon Relational Database Service', '500', '500', '500'],
      ['AWS Lambda', '10', '12', '10'],
    ] as Array<[string, string, string, string]>,
  },
};

describe('the rule context from billing', () => {
  it("takes each resource's cost from the last full month, summed over sources, and effective rates by service code where discounted", async () => {
    const billing = new BillingCosts(reader(MONTHS), 't1');
    const resources = [{ resourceId: 'i-1' }, { resourceId: 'i-2' }, { resourceId: 'i-3' }] as InventoryResource[];
    const context = await buildRuleContext({ today: '2026-11-23', settings: DEFAULT_RECOMMENDATION_SETTINGS, prices: {} as PriceBook, billing, resources });
    expect(context.costs.get('i-1')).toEqual({ resourceId: 'i-1', billed: '93', effective: '80', list: '100', days: 31, currency: 'USD' });
    expect(context.costs.get('i-2')).toMatchObject({ billed: '31', days: 31 });
    expect(context.costs.has('i-3')).toBe(false);
    // EC2 0.82 x list; RDS pays list (no entry); Lambda's effective above list is no discount.
    expect([...context.effectiveRates]).toEqual([['AmazonEC2', '0.8200']]);
    expect(context.today).toBe('2026-11-23');
    expect([...context.resources.keys()]).toEqual(['i-1', 'i-2', 'i-3']);
  });

  it('falls back to the month before when the last month has no billing yet, and has no costs without billing', async () => {
    const billing = new BillingCosts(reader({ '2026-09': MONTHS['2026-09'] }), 't1');
    expect((await billing.lastFullMonth('2026-11-02'))?.period).toBe('2026-09');
    expect(effectiveRatesOf(await billing.lastFullMonth('2026-11-02'))).toEqual(new Map([['AmazonEC2', '0.8000']]));
    expect(await new BillingCosts(reader({}), 't1').lastFullMonth('2026-11-02')).toBeNull();
  });

  it('measures the baseline per day before applying and the billed cost of the full months after', async () => {
    const billing = new BillingCosts(reader(MONTHS), 't1');
    expect(await billing.dailyBefore('i-1', '2026-11-05')).toEqual({ dailyCost: '3', days: 31 });
    expect(await billing.dailyBefore('i-9', '2026-11-05')).toEqual({ dailyCost: '0', days: 0 });
    // Applied in September: October is the first full month after.
    expect(await billing.after('i-1', '2026-09-14T10:00:00Z', '2026-11-23')).toEqual({ billed: '93', days: 31 });
    // Applied in October: no full month after it yet.
    expect(await billing.after('i-1', '2026-10-02T10:00:00Z', '2026-11-23')).toBeNull();
  });
});
