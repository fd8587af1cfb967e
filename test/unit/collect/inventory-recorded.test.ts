import { readFileSync } from 'node:fs';
import type { DescribeInstanceTypesResult } from '@aws-sdk/client-ec2';
import { describe, expect, it } from 'vitest';
import { demoResources } from '#local/demo/billing.js';
import { DEMO_ACCOUNTS } from '#local/demo/dimensions.js';
import { demoRoleArn, instanceTypeInfo, RECORDED_DENIALS, RecordedDemoAccounts } from '#local/demo/inventory.js';
import { collectionWindow, planMetrics, summarize } from '#shared/inventory/metrics.js';
import { normalizeBuckets, normalizeEc2, normalizeServices, type NormalizedResource } from '#shared/inventory/normalize.js';
import type { InventoryResource } from '#shared/inventory/model.js';

/**
 * The recorded demo accounts, through the same normalizer and metric plan the workflow uses: the
 * demo's resource ids, and the findings the demo was built with (idle, unattached, old).
 */
const END = '2026-10-31';
const provider = new RecordedDemoAccounts(END);
const catalog = demoResources({ endDate: END }).filter((r) => r.deletedAt === null);
const now = new Date('2026-11-01T06:00:00Z');
const regions = ['ap-southeast-2', 'eu-west-1', 'us-east-1', 'us-west-2'];

async function collect(accountId: string): Promise<InventoryResource[]> {
  const target = { accountId, roleArn: demoRoleArn(accountId), externalId: 'cloudoptima-test', tenantId: 't1' };
  const out: InventoryResource[] = [];
  const window = collectionWindow(now);
  const withMetrics = async (region: string, base: NormalizedResource[]) => {
    const { queries, planned } = planMetrics(base);
    const results = new Map((await provider.metrics(target, region, queries, window.start, window.end)).map((r) => [r.Id, r]));
    const resources = base.map((r) => ({ ...r, metrics: {}, collectedAt: now.toISOString(), runId: 'r' })) as InventoryResource[];
    for (const p of planned) resources[p.resourceIndex]!.metrics[p.key] = summarize(p, results.get(p.id), window.days);
    out.push(...resources);
  };
  for (const region of (await provider.connect(target)).regions) {
    await withMetrics(region, [...normalizeEc2(accountId, await provider.ec2(target, region)), ...normalizeServices(accountId, await provider.services(target, region))]);
  }
  const buckets = normalizeBuckets(accountId, await provider.buckets(target));
  for (const region of new Set(buckets.map((b) => b.region))) await withMetrics(region, buckets.filter((b) => b.region === region));
  return out;
}

const all = (await Promise.all(Object.values(DEMO_ACCOUNTS).map((a) => collect(a.id)))).flat();
const byId = new Map(all.map((r) => [r.resourceId, r]));
const COLLECTED_KINDS = ['ec2-instance', 'ebs-volume', 'ebs-snapshot', 'elastic-ip', 'load-balancer', 'nat-gateway', 'rds-instance', 'lambda-function', 's3-bucket', 'log-group'];

describe('the recorded demo accounts', () => {
  it('list the demo billing data’s resources with the same ids, accounts and regions (except where the role is refused)', () => {
    const expected = catalog.filter((r) => COLLECTED_KINDS.includes(r.kind) && !(r.kind === 'log-group' && RECORDED_DENIALS[r.accountId]?.includes('logs:DescribeLogGroups')));
    expect(all.map((r) => r.resourceId).sort()).toEqual(expected.map((r) => r.id).sort());
    for (const r of expected) expect(byId.get(r.id), r.name).toMatchObject({ accountId: r.accountId, region: r.regionId, type: r.kind });
  });

  it('reports the instance types as DescribeInstanceTypes does (checked against recorded answers)', () => {
    const recorded = JSON.parse(readFileSync(new URL('./fixtures/DescribeInstanceTypes_recorded.json', import.meta.url), 'utf8')) as DescribeInstanceTypesResult;
    for (const real of recorded.InstanceTypes!) {
      const ours = instanceTypeInfo(real.InstanceType!);
      expect([ours.VCpuInfo?.DefaultVCpus, ours.MemoryInfo?.SizeInMiB, ours.CurrentGeneration, ours.ProcessorInfo?.SupportedArchitectures], real.InstanceType).toEqual([
        real.VCpuInfo?.DefaultVCpus,
        real.MemoryInfo?.SizeInMiB,
        real.CurrentGeneration,
        real.ProcessorInfo?.SupportedArchitectures,
      ]);
    }
  });

  it('gives idle instances a low CPU all month and busy ones a high one, with 30 daily points', () => {
    const idle = catalog.filter((r) => r.kind === 'ec2-instance' && r.waste.includes('idle-instance') && !r.stoppedAt);
    expect(idle.length).toBeGreaterThan(0);
    for (const r of idle) {
      const cpu = byId.get(r.id)!.metrics.cpu!;
      expect(cpu.days, r.name).toBe(30);
      expect(cpu.maximum!, r.name).toBeLessThan(5);
    }
    const web = byId.get(catalog.find((r) => r.name === 'prod-web-1')!.id)!.metrics.cpu!;
    expect(web.average!).toBeGreaterThan(35);
    // A stopped instance reports no CPU at all.
    const stopped = catalog.find((r) => r.kind === 'ec2-instance' && r.stoppedAt)!;
    expect(byId.get(stopped.id)).toMatchObject({ state: 'stopped' });
    expect(byId.get(stopped.id)!.metrics.cpu!.days).toBe(0);
  });

  it('shows unattached volumes, old snapshots of deleted volumes, unassociated IPs, idle NAT and RDS', () => {
    const unattached = all.filter((r) => r.type === 'ebs-volume' && r.state === 'available');
    expect(unattached.map((r) => r.resourceId).sort()).toEqual(catalog.filter((r) => r.waste.includes('unattached-volume')).map((r) => r.id).sort());
    for (const v of unattached) expect(v.metrics.readOps!.days).toBe(0);
    const orphans = all.filter((r) => r.type === 'ebs-snapshot' && r.config.sourceVolumeExists === false).map((r) => r.resourceId);
    expect(orphans.sort()).toEqual(catalog.filter((r) => r.waste.includes('snapshot-of-deleted-volume')).map((r) => r.id).sort());
    const old = all.filter((r) => r.type === 'ebs-snapshot' && Date.parse(r.createdAt!) < now.getTime() - 90 * 86_400_000).map((r) => r.resourceId);
    expect(old.sort()).toEqual(catalog.filter((r) => r.waste.includes('old-snapshot')).map((r) => r.id).sort());
    expect(all.filter((r) => r.type === 'elastic-ip' && r.state === 'unassociated')).toHaveLength(catalog.filter((r) => r.waste.includes('unassociated-eip')).length);
    const idleNat = catalog.find((r) => r.waste.includes('idle-nat-gateway'))!;
    expect(byId.get(idleNat.id)!.metrics.connections!.maximum).toBe(0);
    const idleRds = catalog.find((r) => r.waste.includes('idle-rds'))!;
    expect(byId.get(idleRds.id)!.metrics.connections!.average!).toBeLessThan(2);
    const noRetention = all.filter((r) => r.type === 'log-group' && r.config.retentionInDays === null);
    expect(noRetention.length).toBeGreaterThan(0);
  });

  it('is deterministic: the same window gives the same numbers', async () => {
    const again = await collect(DEMO_ACCOUNTS.prod.id);
    for (const r of again) expect(r.metrics).toEqual(byId.get(r.resourceId)!.metrics);
  });

  it('refuses roles it has no recording of, and reports the recorded role’s missing permission', async () => {
    await expect(provider.connect({ accountId: '123456789012', roleArn: 'arn:aws:iam::123456789012:role/cloudoptima/CloudOptimaReadOnly', externalId: 'x1', tenantId: 't' })).rejects.toMatchObject({
      name: 'AccountAccessError',
    });
    const check = await provider.checkAccess({ accountId: DEMO_ACCOUNTS.management.id, roleArn: demoRoleArn(DEMO_ACCOUNTS.management.id), externalId: 'x1', tenantId: 't' });
    expect(check.permissions.filter((p) => p.status === 'missing').map((p) => p.action)).toEqual(['logs:DescribeLogGroups']);
  });
});

describe('metric summaries', () => {
  it('places daily points on their day whatever the order, and averages only days with data', () => {
    const { days } = collectionWindow(new Date('2026-03-31T12:00:00Z'));
    expect(days[0]).toBe('2026-03-01');
    expect(days.at(-1)).toBe('2026-03-30');
    const s = summarize({ id: 'm0', resourceIndex: 0, key: 'cpu', label: 'AWS/EC2 CPUUtilization Average', unit: 'Percent' }, { Id: 'm0', Timestamps: [new Date('2026-03-02T00:00:00Z'), new Date('2026-03-01T00:00:00Z')], Values: [4, 2] }, days);
    expect(s).toMatchObject({ average: 3, maximum: 4, days: 2 });
    expect(s.daily.slice(0, 3)).toEqual([2, 4, null]);
    expect(regions).toHaveLength(4);
  });
});
