import { describe, expect, it } from 'vitest';
import type { DemoResource } from '#local/demo/billing.js';
import type { InventoryResource } from '#shared/inventory/model.js';
import { analyze } from '#shared/recommendations/engine.js';
import { DEFAULT_RECOMMENDATION_SETTINGS, type Finding, type RuleContext } from '#shared/recommendations/model.js';
import { BundledPriceBook } from '#shared/recommendations/prices/bundled.js';
import { demoInventory, DEMO_TODAY } from './demo-inventory.js';

/**
 * The engine over the recorded demo account, collected the way the workflow collects it (demo
 * provider + normalizer + metric plan + GetMetricData): the findings are the ones the demo was
 * built with. Expectations come from the demo definitions (catalog.ts `waste` hints and configs),
 * never from the engine's output.
 */
const { resources, catalog } = await demoInventory();
const settings = DEFAULT_RECOMMENDATION_SETTINGS;
const prices = new BundledPriceBook();
const context: RuleContext = { today: DEMO_TODAY, settings, prices, costs: new Map(), resources: new Map(resources.map((r) => [r.resourceId, r])), effectiveRates: new Map() };
const findings = analyze(resources, context);

const collected = new Map(resources.map((r) => [r.resourceId, r]));
const demo = catalog.filter((r) => collected.has(r.id));
const named = (id: string) => catalog.find((r) => r.id === id)?.name ?? id;
const idsOf = (list: readonly { id: string }[]) => list.map((r) => r.id).sort();
const findingsOf = (ruleId: string) => findings.filter((f) => f.ruleId === ruleId);
const targets = (ruleId: string) => findingsOf(ruleId).map((f) => f.resourceId).sort();
const has = (hint: string) => (r: DemoResource) => r.waste.includes(hint);

/** Each waste hint of the demo catalog and the rule that must find it. */
const RULE_OF_HINT: Readonly<Record<string, string>> = {
  'idle-instance': 'ec2-idle',
  'oversized-instance': 'ec2-rightsize',
  'previous-generation': 'ec2-previous-generation',
  'graviton-candidate': 'ec2-graviton',
  'stopped-instance-with-ebs': 'ec2-stopped-with-ebs',
  'unattached-volume': 'ebs-unattached',
  'gp2-volume': 'ebs-gp2-to-gp3',
  'io1-overprovisioned-iops': 'ebs-iops-overprovisioned',
  'old-snapshot': 'ebs-snapshot-old',
  'snapshot-of-deleted-volume': 'ebs-snapshot-orphaned',
  's3-no-lifecycle': 's3-no-lifecycle',
  'unassociated-eip': 'eip-unassociated',
  'idle-load-balancer': 'elb-idle',
  'idle-nat-gateway': 'nat-gateway-idle',
  'idle-rds': 'rds-idle',
  'rds-underutilized': 'rds-rightsize',
  'lambda-overprovisioned-memory': 'lambda-memory-overprovisioned',
  'lambda-x86': 'lambda-arm64',
  'log-group-no-retention': 'log-group-no-retention',
};
/** Hints on kinds the inventory does not collect (ElastiCache): no rule can see them. */
const UNCOLLECTED_HINTS = new Set(['idle-cache']);
/**
 * Rules about what a resource runs on, not how much it is used: they may target resources the demo
 * leaves unhinted. Each is checked against the demo configs below instead.
 */
const PLATFORM_RULES = new Set(['ec2-graviton', 'rds-graviton', 'savings-plans-coverage']);

/** Monthly list price (USD, as a number: comparisons only) of a volume configuration in the bundled price book. */
function ebsMonthly(type: string, gib: number, extraMiBps: number, region: string): number {
  const p = prices.ebsMonthly(type, region)!;
  return gib * Number(p.perGiB) + extraMiBps * Number(p.perMiBps ?? 0);
}

/**
 * The rule that must find each hinted resource, after the precedences the rules document: an idle
 * instance is stopped, not rightsized; a snapshot of a deleted volume is orphaned, not merely old; a
 * stopped instance is terminated, not upgraded; a gp2 hint on an instance names its root volume. And the changes that save nothing at list prices
 * (a finding must save money), each shown from the price book.
 */
function expectedRule(r: DemoResource, hint: string): string | null {
  if (hint === 'oversized-instance' && r.waste.includes('idle-instance')) return null;
  if (hint === 'old-snapshot' && r.waste.includes('snapshot-of-deleted-volume')) return null;
  if (hint === 'previous-generation' && r.stoppedAt !== null) return null;
  // An instance with a gp2 root volume carries the hint too; the volume itself is found.
  if (hint === 'gp2-volume' && r.kind !== 'ebs-volume') return null;
  const region = r.regionId!;
  const gib = Number(r.config.sizeGb);
  // gp2 above 170 GiB bursts to 250 MiB/s; gp3 includes 125 and bills the rest.
  if (hint === 'gp2-volume' && gib > 170 && ebsMonthly('gp3', gib, 250 - 125, region) >= ebsMonthly('gp2', gib, 0, region)) return null;
  // Deleting keeps a full snapshot: cheap HDD (st1) costs less per GiB than the snapshot kept.
  if (hint === 'unattached-volume' && ebsMonthly(String(r.size), gib, 0, region) <= gib * Number(prices.snapshotMonthlyPerGiB(region))) return null;
  return RULE_OF_HINT[hint] ?? null;
}

describe('the engine over the recorded demo account', () => {
  it('collects every kind of resource the rules read, with their metrics', () => {
    expect(demo.length).toBe(resources.length);
    expect(new Set(resources.map((r) => r.type)).size).toBe(10);
    for (const hint of new Set(catalog.flatMap((r) => r.waste))) expect(RULE_OF_HINT[hint] !== undefined || UNCOLLECTED_HINTS.has(hint), `unmapped demo hint ${hint}`).toBe(true);
  });

  it('finds every deliberately wasteful resource with the rule its hint names, and nothing else for those rules', () => {
    const rules = new Set(Object.values(RULE_OF_HINT));
    let checked = 0;
    for (const ruleId of rules) {
      const expected = demo.filter((r) => r.waste.some((hint) => expectedRule(r, hint) === ruleId));
      if (ruleId === 'ec2-graviton') {
        // The demo hints only its Savings Plan fleet; the rest of the x86 fleet is checked below.
        expect(idsOf(expected).filter((id) => !targets(ruleId).includes(id)).map(named), ruleId).toEqual([]);
        continue;
      }
      expect(targets(ruleId).map(named), ruleId).toEqual(idsOf(expected).map(named));
      checked += expected.length;
    }
    // Not a vacuous match: the demo's waste is found (idle instances, unattached volumes, gp2, ...).
    expect(checked).toBeGreaterThanOrEqual(40);
  });

  it('finds each named kind of waste the demo was built with', () => {
    const expectTargets = (ruleId: string, list: DemoResource[]) => {
      expect(list.length, ruleId).toBeGreaterThan(0);
      expect(targets(ruleId), ruleId).toEqual(expect.arrayContaining(idsOf(list)));
    };
    // Every running instance marked idle gets the idle finding (CPU < 5% and < 5 MiB of network a day).
    expectTargets('ec2-idle', demo.filter((r) => has('idle-instance')(r) && r.stoppedAt === null));
    // Every unattached gp2/gp3/io1 volume (st1 is cheaper than the snapshot kept: see expectedRule).
    expectTargets('ebs-unattached', demo.filter((r) => has('unattached-volume')(r) && r.size !== 'st1'));
    // Every gp2 volume of 170 GiB or less, and every larger one gp3 still undercuts.
    expectTargets('ebs-gp2-to-gp3', demo.filter((r) => r.kind === 'ebs-volume' && r.size === 'gp2' && expectedRule(r, 'gp2-volume') !== null));
    expectTargets('lambda-memory-overprovisioned', demo.filter(has('lambda-overprovisioned-memory')));
    expectTargets('ebs-snapshot-orphaned', demo.filter(has('snapshot-of-deleted-volume')));
    expectTargets('eip-unassociated', demo.filter(has('unassociated-eip')));
  });

  it('keeps the platform rules to resources whose demo config fits them', () => {
    for (const f of findingsOf('ec2-graviton')) {
      const r = catalog.find((c) => c.id === f.resourceId)!;
      expect([r.config.architecture, r.config.lifecycle, r.config.platform, r.stoppedAt], r.name).toEqual(['x86_64', 'on-demand', 'Linux/UNIX', null]);
    }
    for (const f of findingsOf('rds-graviton')) expect(catalog.find((c) => c.id === f.resourceId)!.size, f.resourceId).not.toMatch(/^db\.[a-z]+\d+g/);
    // Savings Plans: per account, only where on-demand instances run.
    const onDemandAccounts = new Set(demo.filter((r) => r.kind === 'ec2-instance' && r.config.lifecycle === 'on-demand' && r.stoppedAt === null).map((r) => r.accountId));
    expect(findingsOf('savings-plans-coverage').length).toBeGreaterThan(0);
    for (const f of findingsOf('savings-plans-coverage')) expect(onDemandAccounts.has(f.resourceId), f.resourceId).toBe(true);
  });

  it('leaves the well-used resources alone: no finding on a resource the demo gives no waste hint, except the platform rules', () => {
    const wellUsed = new Set(demo.filter((r) => r.waste.length === 0).map((r) => r.id));
    expect(wellUsed.size).toBeGreaterThanOrEqual(40);
    const offending = findings.filter((f) => wellUsed.has(f.resourceId) && !PLATFORM_RULES.has(f.ruleId));
    expect(offending.map((f) => `${f.ruleId} ${named(f.resourceId)}`)).toEqual([]);
    // And no waste rule fires on a resource the demo did not give that rule's hint.
    const unhinted = findings.filter((f) => !PLATFORM_RULES.has(f.ruleId) && !catalog.find((c) => c.id === f.resourceId)!.waste.some((h) => RULE_OF_HINT[h] === f.ruleId));
    expect(unhinted.map((f) => `${f.ruleId} ${named(f.resourceId)}`)).toEqual([]);
  });
});

describe('the recorded demo data the findings rest on', () => {
  const metricsOf = (r: DemoResource): InventoryResource['metrics'] => collected.get(r.id)!.metrics;
  const networkDays = (r: DemoResource) => {
    const m = metricsOf(r);
    return m.networkIn!.daily.map((v, i) => (v === null ? null : v + (m.networkOut!.daily[i] ?? 0))).filter((v): v is number => v !== null);
  };

  it('idle instances send and receive a few hundred KB a day, busy ones their CPU-scaled traffic', () => {
    const running = demo.filter((r) => r.kind === 'ec2-instance' && r.stoppedAt === null);
    const idle = running.filter(has('idle-instance'));
    expect(idle.length).toBeGreaterThanOrEqual(2);
    for (const r of idle) {
      const days = networkDays(r);
      expect(days, r.name).toHaveLength(30);
      expect(Math.max(...days), r.name).toBeLessThan(settings.idleNetworkBytesPerDay);
      expect(Math.min(...days), r.name).toBeGreaterThan(100_000);
    }
    // Every other running instance moves at least 100 MB on each day it runs.
    for (const r of running.filter((r) => !has('idle-instance')(r))) expect(Math.min(...networkDays(r)), r.name).toBeGreaterThan(100e6);
  });

  it('answers Lambda Insights memory_utilization for the functions that have it, nothing for the others (no data, no finding)', () => {
    const functions = demo.filter((r) => r.kind === 'lambda-function');
    const withInsights = functions.filter((r) => r.config.lambdaInsights === true);
    const without = functions.filter((r) => r.config.lambdaInsights !== true);
    expect(withInsights.length).toBeGreaterThan(1);
    expect(without.length).toBeGreaterThan(0);
    for (const r of withInsights) {
      const used = metricsOf(r).memoryUtilization!;
      const recordedPeak = (r.utilization!.maxMemoryUsedMb! / Number(r.config.memorySizeMb)) * 100;
      expect(used, r.name).toMatchObject({ metric: 'LambdaInsights memory_utilization Maximum', unit: 'Percent', days: 30 });
      // The daily peaks stay within 8% below the recorded peak.
      expect(used.maximum!, r.name).toBeLessThanOrEqual(Math.round(recordedPeak * 100) / 100);
      expect(used.maximum!, r.name).toBeGreaterThan(recordedPeak * 0.92);
    }
    // Some overprovisioned, some not: exactly those under the threshold are found.
    const under = withInsights.filter((r) => metricsOf(r).memoryUtilization!.maximum! < settings.lambdaMemoryUsedPercent);
    expect(under.length).toBeGreaterThan(0);
    expect(under.length).toBeLessThan(withInsights.length);
    expect(targets('lambda-memory-overprovisioned')).toEqual(idsOf(under));
    for (const r of without) {
      expect(metricsOf(r).memoryUtilization, r.name).toMatchObject({ days: 0, maximum: null });
      expect(metricsOf(r).invocations!.days, r.name).toBe(30);
    }
    // Among them one whose recorded use would be under the threshold: unmeasured, so not reported.
    expect(without.some((r) => (r.utilization!.maxMemoryUsedMb! / Number(r.config.memorySizeMb)) * 100 < settings.lambdaMemoryUsedPercent)).toBe(true);
    expect(findingsOf('lambda-memory-overprovisioned').filter((f: Finding) => without.some((r) => r.id === f.resourceId))).toEqual([]);
  });
});
