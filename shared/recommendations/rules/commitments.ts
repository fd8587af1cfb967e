/** Commitment coverage: a Compute Savings Plan purchase simulation over the steady on-demand baseline. */
import type { InventoryResource } from '../../inventory/model.js';
import { money, monthlyFromHourly, over, plain, times, usd } from '../calc.js';
import { makeFinding, priceItems } from '../finding.js';
import type { Rule } from '../model.js';
import { roundHalfEven } from '../../money.js';
import { price, str } from './common.js';

/**
 * Discount of a 1-year No Upfront Compute Savings Plan on Linux on-demand usage, applied to every
 * family: AWS's Savings Plans pricing page lists m5.large in us-east-1 at $0.069/h against $0.096
 * on demand (28.1% off); rates differ by family and region (roughly 20-35% for 1-year No Upfront),
 * so this is an approximation, stated in each finding.
 */
export const COMPUTE_SP_1Y_NO_UPFRONT_DISCOUNT = '0.28';
export const COMPUTE_SP_DISCOUNT_SOURCE = 'AWS Savings Plans pricing page, 1-year No Upfront Compute Savings Plan, m5.large Linux us-east-1 ($0.069 vs $0.096 on demand), applied as 28% to every family';
/** Billing showing effective cost below this share of list means a commitment already covers the instance. */
export const COVERED_EFFECTIVE_SHARE = '0.95';
/** Do not propose commitments below this many dollars an hour of baseline. */
export const MIN_BASELINE_PER_HOUR = '0.05';

interface Instance {
  r: InventoryResource;
  hourly: bigint;
  /** Days (indexes into the 30-day window) it ran; null: no utilization collected, assumed every day. */
  runningDays: Array<boolean> | null;
}

const savingsPlans: Rule = {
  scope: 'account',
  definition: {
    id: 'savings-plans-coverage',
    title: 'Cover steady on-demand compute with a Savings Plan',
    category: 'commitments',
    pillar: 'cost-optimization',
    resourceType: 'account',
    actionType: 'PurchaseSavingsPlans',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: false,
    description:
      "The account's steady on-demand EC2 baseline, the lowest day's hourly on-demand spend of its running on-demand Linux instances over the window (instances that billing shows already covered by a commitment are left out), is covered by a 1-year No Upfront Compute Savings Plan whose hourly commitment buys exactly that baseline.",
    savingsMethod: `Baseline $/h x ${plain(money(COMPUTE_SP_1Y_NO_UPFRONT_DISCOUNT) * 100n)}% (1-year No Upfront Compute SP discount, approximated from AWS's published m5.large rate) x 730 h; commitment = baseline x (1 - discount).`,
  },
  evaluateAccount(accountId, resources, context) {
    const instances: Instance[] = [];
    let covered = 0;
    let windowDays = 0;
    for (const r of resources) {
      if (r.type !== 'ec2-instance' || r.state !== 'running' || str(r, 'lifecycle') === 'spot' || (str(r, 'platform') ?? 'Linux/UNIX') !== 'Linux/UNIX' || !r.size) continue;
      const cost = context.costs.get(r.resourceId);
      if (cost && money(cost.list) > 0n && over(money(cost.effective), money(cost.list)) < money(COVERED_EFFECTIVE_SHARE)) {
        covered++;
        continue;
      }
      const hourly = price(context.prices.ec2Hourly(r.size, r.region));
      if (hourly === null) continue;
      const cpu = r.metrics.cpu;
      const runningDays = cpu && cpu.days > 0 ? cpu.daily.map((v) => v !== null) : null;
      if (runningDays) windowDays = Math.max(windowDays, runningDays.length);
      instances.push({ r, hourly, runningDays });
    }
    if (instances.length === 0) return [];
    // The lowest day's on-demand spend per hour: what runs every day of the window.
    let baseline: bigint | null = null;
    for (let d = 0; d < Math.max(windowDays, 1); d++) {
      let spend = 0n;
      for (const i of instances) if (i.runningDays === null || i.runningDays[d]) spend += i.hourly;
      if (baseline === null || spend < baseline) baseline = spend;
    }
    if (baseline === null || baseline < money(MIN_BASELINE_PER_HOUR)) return [];
    const discount = money(COMPUTE_SP_1Y_NO_UPFRONT_DISCOUNT);
    // Savings Plan commitments are bought in steps of $0.001 an hour.
    const commitment = roundHalfEven(baseline - times(baseline, discount), 3);
    const steady = instances.filter((i) => i.runningDays === null || i.runningDays.every(Boolean)).length;
    const region = instances[0]!.r.region;
    const pricing = priceItems([{ resourceId: accountId, service: 'AmazonEC2', currentList: monthlyFromHourly(baseline), recommendedList: monthlyFromHourly(commitment) }], region, context);
    if (pricing) {
      // The baseline spans regions: name each region's price source.
      const regions = [...new Set(instances.map((i) => i.r.region))].sort();
      pricing.source = `${pricing.source.replace(context.prices.source(region), regions.map((r) => context.prices.source(r)).join(' | '))}; Savings Plan rate: ${COMPUTE_SP_DISCOUNT_SOURCE}`;
    }
    const finding = makeFinding(
      this.definition,
      { resourceId: accountId, resourceType: 'account', accountId, region: 'global', name: null },
      {
        reason: `Steady on-demand baseline: the lowest day of ${Math.max(windowDays, 1)} spent $${usd(baseline)}/h at on-demand list prices across ${instances.length} on-demand Linux instances (${steady} running every day${covered ? `; ${covered} already covered by a commitment left out` : ''}). A 1-year No Upfront Compute Savings Plan of $${usd(commitment)}/h covers it at about ${plain(discount * 100n)}% off (${COMPUTE_SP_DISCOUNT_SOURCE}).`,
        current: { summary: `$${usd(baseline)}/h on demand`, config: { onDemandPerHour: usd(baseline), commitmentPerHour: null } },
        recommended: { summary: `Compute Savings Plan, 1 year, No Upfront, $${usd(commitment)}/h`, config: { savingsPlanType: 'Compute', termYears: 1, paymentOption: 'No Upfront', commitmentPerHour: usd(commitment), discountRate: COMPUTE_SP_1Y_NO_UPFRONT_DISCOUNT } },
        pricing,
        actions: [
          'Check Cost Explorer\'s Savings Plans recommendations for the same account and term',
          `Purchase a 1-year No Upfront Compute Savings Plan of $${usd(commitment)}/h (CreateSavingsPlan) in the payer or this account`,
          'Track its utilization and coverage monthly; a commitment cannot be cancelled',
        ],
      },
    );
    return finding ? [finding] : [];
  },
};

export const COMMITMENT_RULES: readonly Rule[] = [savingsPlans];
