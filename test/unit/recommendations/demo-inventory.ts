/**
 * The recorded demo accounts' resources, collected the way the workflow does (normalizer + metric
 * plan + 30 days of GetMetricData from the recorded provider), for the engine tests and the bench.
 */
import { demoResources, type DemoResource } from '#local/demo/billing.js';
import { DEMO_ACCOUNTS } from '#local/demo/dimensions.js';
import { demoRoleArn, RecordedDemoAccounts } from '#local/demo/inventory.js';
import { collectionWindow, planMetrics, summarize } from '#shared/inventory/metrics.js';
import type { InventoryResource } from '#shared/inventory/model.js';
import { normalizeBuckets, normalizeEc2, normalizeServices, type NormalizedResource } from '#shared/inventory/normalize.js';

export const DEMO_END = '2026-10-31';
/** The analysis day: the day after the last billed day, when the collection ran. */
export const DEMO_TODAY = '2026-11-01';

export async function demoInventory(end = DEMO_END): Promise<{ resources: InventoryResource[]; catalog: DemoResource[] }> {
  const provider = new RecordedDemoAccounts(end);
  const now = new Date(`${DEMO_TODAY}T06:00:00Z`);
  const window = collectionWindow(now);
  const out: InventoryResource[] = [];
  for (const account of Object.values(DEMO_ACCOUNTS)) {
    const target = { accountId: account.id, roleArn: demoRoleArn(account.id), externalId: 'cloudoptima-test', tenantId: 't1' };
    const withMetrics = async (region: string, base: NormalizedResource[]) => {
      const { queries, planned } = planMetrics(base);
      const results = new Map((await provider.metrics(target, region, queries, window.start, window.end)).map((r) => [r.Id, r]));
      const resources = base.map((r) => ({ ...r, metrics: {}, collectedAt: now.toISOString(), runId: 'r' })) as InventoryResource[];
      for (const p of planned) resources[p.resourceIndex]!.metrics[p.key] = summarize(p, results.get(p.id), window.days);
      out.push(...resources);
    };
    for (const region of (await provider.connect(target)).regions) {
      await withMetrics(region, [...normalizeEc2(account.id, await provider.ec2(target, region)), ...normalizeServices(account.id, await provider.services(target, region))]);
    }
    const buckets = normalizeBuckets(account.id, await provider.buckets(target));
    for (const region of new Set(buckets.map((b) => b.region))) await withMetrics(region, buckets.filter((b) => b.region === region));
  }
  return { resources: out, catalog: demoResources({ endDate: end }).filter((r) => r.deletedAt === null) };
}
