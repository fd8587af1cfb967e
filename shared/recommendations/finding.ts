/**
 * Turning a rule's judgement into a priced Finding: the price basis (the resource's own billed cost,
 * else list price x the tenant's effective rate, else list price), exact monthly and annual savings,
 * and the catalog row's risk, effort, restart and rollback.
 */
import type { InventoryResource } from '../inventory/model.js';
import { cents, HOURS, money, over, percentOf, plain, quantity, times, usd } from './calc.js';
import type { Finding, PriceBasis, ResourceSummary, RuleContext, RuleDefinition } from './model.js';

/** One priced part of a recommendation: a resource's cost now and after the change. */
export interface PricedItem {
  /** The resource whose billed cost (context.costs) prices this part when billing has it. */
  resourceId: string;
  /** AWS service code, the key of context.effectiveRates ('AmazonEC2', 'AmazonRDS', ...). */
  service: string;
  /** Monthly list cost now and after the change, exact; null when the price book has no price. */
  currentList: bigint | null;
  recommendedList: bigint | null;
  /**
   * false when the resource's bill mixes in charges the change does not touch (log ingestion,
   * S3 and Lambda requests), so scaling it would overstate the savings: list prices only.
   */
  useBilledCost?: boolean;
}

export interface Pricing {
  current: bigint;
  recommended: bigint;
  basis: PriceBasis;
  source: string;
  /** A sentence for the reason when the estimate is not at list price. */
  note: string | null;
}

const STRENGTH: Record<PriceBasis, number> = { 'list-price': 0, 'effective-rate': 1, 'billed-resource-cost': 2 };

/** Prices the parts of a recommendation on the best basis each part has; null when a part has no price at all. */
export function priceItems(items: readonly PricedItem[], region: string, context: RuleContext): Pricing | null {
  let current = 0n;
  let recommended = 0n;
  let basis: PriceBasis = 'billed-resource-cost';
  const sources = new Set<string>();
  const notes = new Set<string>();
  for (const item of items) {
    const cost = context.costs.get(item.resourceId);
    let done = false;
    if (cost && item.useBilledCost !== false && cost.days > 0 && cost.currency === 'USD') {
      // The resource's own bill over `days`, scaled to a 730-hour month.
      const billedMonthly = over(money(cost.billed) * BigInt(HOURS.month), quantity(HOURS.day * cost.days));
      let after: bigint | null = null;
      if (item.recommendedList === 0n) after = 0n;
      else if (item.recommendedList !== null && item.currentList !== null && item.currentList > 0n) after = over(times(billedMonthly, item.recommendedList), item.currentList);
      if (after !== null) {
        current += billedMonthly;
        recommended += after;
        sources.add(`billing data: the resource's billed cost over the last ${cost.days} days`);
        notes.add(`Current cost is the resource's own billed cost over the last ${cost.days} days, scaled to a month${item.recommendedList === 0n ? '' : ', and the new cost scales it by the list-price ratio'}.`);
        done = true;
      }
    }
    if (done) continue;
    if (item.currentList === null || item.recommendedList === null) return null;
    const rate = context.effectiveRates.get(item.service);
    if (rate !== undefined) {
      const r = money(rate);
      current += times(item.currentList, r);
      recommended += times(item.recommendedList, r);
      if (STRENGTH[basis] > STRENGTH['effective-rate']) basis = 'effective-rate';
      sources.add(`${context.prices.source(region)}; the tenant's effective rate for ${item.service} (${plain(r)} x list, from billing) applied`);
      notes.add(`Estimated at the tenant's negotiated effective rate for ${item.service} (${plain(r)} x list price), as billing shows.`);
    } else {
      current += item.currentList;
      recommended += item.recommendedList;
      basis = 'list-price';
      sources.add(context.prices.source(region));
    }
  }
  return { current, recommended, basis, source: [...sources].join(' | '), note: notes.size ? [...notes].join(' ') : null };
}

export interface FindingInput {
  reason: string;
  current: { summary: string; config: ResourceSummary['config'] };
  recommended: { summary: string; config: ResourceSummary['config'] };
  pricing: Pricing | null;
  actions: string[];
}

interface Subject {
  resourceId: string;
  resourceType: InventoryResource['type'] | 'account';
  accountId: string;
  region: string;
  name: string | null;
}

/** The Finding, or null when it has no price or saves nothing once rounded to cents. */
export function makeFinding(definition: RuleDefinition, subject: Subject, input: FindingInput): Finding | null {
  const { pricing } = input;
  if (!pricing) return null;
  const current = cents(pricing.current);
  const recommended = cents(pricing.recommended);
  const savings = current - recommended;
  if (savings <= 0n || current <= 0n) return null;
  return {
    ruleId: definition.id,
    resourceId: subject.resourceId,
    resourceType: subject.resourceType,
    accountId: subject.accountId,
    region: subject.region,
    resourceName: subject.name,
    actionType: definition.actionType,
    reason: pricing.note ? `${input.reason} ${pricing.note}` : input.reason,
    current: { summary: input.current.summary, monthlyCost: usd(current), config: input.current.config },
    recommended: { summary: input.recommended.summary, monthlyCost: usd(recommended), config: input.recommended.config },
    estimatedMonthlySavings: usd(savings),
    estimatedAnnualSavings: usd(savings * 12n),
    estimatedSavingsPercentage: percentOf(savings, current),
    currency: 'USD',
    priceBasis: pricing.basis,
    priceSource: pricing.source,
    actions: input.actions,
    risk: definition.risk,
    effort: definition.effort,
    restartNeeded: definition.restartNeeded,
    rollbackPossible: definition.rollbackPossible,
    source: 'cloudoptima',
    inferredOwner: null,
  };
}

export const subjectOf = (r: InventoryResource): Subject => ({ resourceId: r.resourceId, resourceType: r.type, accountId: r.accountId, region: r.region, name: r.name });
