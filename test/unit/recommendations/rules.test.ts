import { describe, expect, it } from 'vitest';
import type { InventoryResource, MetricSummary } from '#shared/inventory/model.js';
import { analyze, RULES } from '#shared/recommendations/engine.js';
import { DEFAULT_RECOMMENDATION_SETTINGS, type Finding, type ResourceCost, type RuleContext } from '#shared/recommendations/model.js';
import { BundledPriceBook } from '#shared/recommendations/prices/bundled.js';

/** Each rule: a resource just past its threshold finds, one just short of it does not. Savings checked by hand. */
const TODAY = '2026-11-01';
const prices = new BundledPriceBook();

const series = (values: number[]): MetricSummary => ({
  metric: 'test',
  unit: 'x',
  average: values.reduce((a, b) => a + b, 0) / values.length,
  maximum: Math.max(...values),
  days: values.length,
  daily: values,
});
const flat = (v: number, days = 30) => series(Array.from({ length: days }, () => v));

let n = 0;
function res(type: InventoryResource['type'], fields: Partial<InventoryResource> = {}): InventoryResource {
  n++;
  return { resourceId: `${type}-${n}`, type, accountId: '111111111111', region: 'us-east-1', name: `r${n}`, state: null, size: null, createdAt: '2025-01-01T00:00:00.000Z', tags: {}, config: {}, metrics: {}, collectedAt: `${TODAY}T06:00:00Z`, runId: 'r', ...fields };
}
const ec2 = (type: string, cpu: number, peak: number, extra: Partial<InventoryResource> = {}) =>
  res('ec2-instance', { state: 'running', size: type, config: { instanceType: type, platform: 'Linux/UNIX', architecture: 'x86_64', lifecycle: 'on-demand', volumeIds: [] }, metrics: { cpu: flat(cpu), cpuMax: flat(peak), networkIn: flat(2e6), networkOut: flat(1e6) }, ...extra });

function context(resources: InventoryResource[], over: Partial<RuleContext> = {}): RuleContext {
  return { today: TODAY, settings: DEFAULT_RECOMMENDATION_SETTINGS, prices, costs: new Map(), resources: new Map(resources.map((r) => [r.resourceId, r])), effectiveRates: new Map(), ...over };
}
function run(ruleId: string, resources: InventoryResource[], over: Partial<RuleContext> = {}): Finding[] {
  return analyze(resources, context(resources, over), RULES.filter((r) => r.definition.id === ruleId));
}
const one = (ruleId: string, r: InventoryResource, extra: InventoryResource[] = [], over: Partial<RuleContext> = {}) => run(ruleId, [r, ...extra], over).filter((f) => f.resourceId === r.resourceId || f.resourceType === 'account');

describe('compute rules', () => {
  it('ec2-idle: CPU below 5% and network below 5 MiB a day; not at 5% CPU or with 6 MiB a day', () => {
    const [f] = one('ec2-idle', ec2('m5.2xlarge', 4.9, 9));
    // m5.2xlarge 0.384 x 730 = 280.32, all saved while stopped
    expect(f).toMatchObject({ actionType: 'Stop', estimatedMonthlySavings: '280.32', estimatedAnnualSavings: '3363.84', estimatedSavingsPercentage: '100.00', priceBasis: 'list-price' });
    expect(one('ec2-idle', ec2('m5.2xlarge', 5, 9))).toEqual([]);
    expect(one('ec2-idle', ec2('m5.2xlarge', 1, 9, { metrics: { cpu: flat(1), networkIn: flat(6 * 1024 * 1024), networkOut: flat(0) } }))).toEqual([]);
  });

  it('ec2-rightsize: names the smallest same-family type that keeps the peak at or below 70%', () => {
    // peak 17.5% of 8 vCPUs = 70% of 2 (m5.large): 0.384 x 730 = 280.32 -> 0.096 x 730 = 70.08
    const [f] = one('ec2-rightsize', ec2('m5.2xlarge', 15, 17.5));
    expect(f).toMatchObject({ recommended: { config: { instanceType: 'm5.large' } }, current: { monthlyCost: '280.32' }, estimatedMonthlySavings: '210.24' });
    // peak 30%: m5.large would run at 120%, m5.xlarge at 60% -> 280.32 - 0.192 x 730 (140.16) = 140.16
    const [g] = one('ec2-rightsize', ec2('m5.2xlarge', 15, 30));
    expect(g).toMatchObject({ recommended: { summary: 'm5.xlarge (4 vCPU)' }, estimatedMonthlySavings: '140.16', estimatedSavingsPercentage: '50.00' });
    expect(one('ec2-rightsize', ec2('m5.2xlarge', 20, 30))).toEqual([]);
    expect(one('ec2-rightsize', ec2('m5.2xlarge', 15, 80))).toEqual([]); // no smaller size keeps 80% x 8/4 under 70%
    expect(one('ec2-rightsize', ec2('t3.large', 3, 10))).toEqual([]); // burstable: CPU credits, not rightsized on CPU
  });

  it('ec2-previous-generation: m4 -> cheapest same-size successor; m5 is not previous generation', () => {
    // m4.2xlarge 0.40 x 730 = 292.00; m5.2xlarge and m6i.2xlarge 0.384 x 730 = 280.32 -> 11.68
    const [f] = one('ec2-previous-generation', ec2('m4.2xlarge', 40, 80));
    expect(f).toMatchObject({ actionType: 'Upgrade', current: { monthlyCost: '292.00' }, recommended: { monthlyCost: '280.32' }, estimatedMonthlySavings: '11.68' });
    // t2.medium 0.0464 x 730 = 33.872 -> 33.87; t3.medium 0.0416 x 730 = 30.368 -> 30.37
    expect(one('ec2-previous-generation', ec2('t2.medium', 40, 80))[0]).toMatchObject({ recommended: { config: { instanceType: 't3.medium' } }, estimatedMonthlySavings: '3.50' });
    expect(one('ec2-previous-generation', ec2('m5.2xlarge', 40, 80))).toEqual([]);
    expect(one('ec2-previous-generation', ec2('m4.2xlarge', 40, 80, { state: 'stopped' }))).toEqual([]);
  });

  it('ec2-graviton: Linux x86 m5 -> m6g at the same size; not Windows, not arm64', () => {
    // m5.2xlarge 280.32 -> m6g.2xlarge 0.308 x 730 = 224.84: 55.48
    expect(one('ec2-graviton', ec2('m5.2xlarge', 40, 80))[0]).toMatchObject({ actionType: 'MigrateToGraviton', recommended: { config: { instanceType: 'm6g.2xlarge' } }, estimatedMonthlySavings: '55.48' });
    const windows = ec2('m5.2xlarge', 40, 80);
    windows.config.platform = 'Windows';
    expect(one('ec2-graviton', windows)).toEqual([]);
    const arm = ec2('m6g.2xlarge', 40, 80);
    arm.config.architecture = 'arm64';
    expect(one('ec2-graviton', arm)).toEqual([]);
  });

  it('ec2-stopped-with-ebs: stopped 14 days or more, its volumes minus snapshots; not at 13 days', () => {
    const vol = res('ebs-volume', { state: 'in-use', size: 'gp2', config: { volumeType: 'gp2', sizeGb: 500, iops: 1500, attachedTo: 'x' } });
    const stopped = (day: string) => ec2('m4.xlarge', 0, 0, { state: 'stopped', config: { instanceType: 'm4.xlarge', volumeIds: [vol.resourceId], stateTransitionReason: `User initiated (${day} 18:02:11 GMT)` } });
    // gp2 500 x 0.10 = 50.00; snapshot 500 x 0.05 = 25.00 -> 25.00
    expect(one('ec2-stopped-with-ebs', stopped('2026-10-18'), [vol])[0]).toMatchObject({ estimatedMonthlySavings: '25.00', current: { monthlyCost: '50.00' } });
    expect(one('ec2-stopped-with-ebs', stopped('2026-10-19'), [vol])).toEqual([]);
  });
});

describe('storage rules', () => {
  const volume = (type: string, gb: number, extra: Record<string, unknown> = {}, fields: Partial<InventoryResource> = {}) =>
    res('ebs-volume', { state: 'in-use', size: type, config: { volumeType: type, sizeGb: gb, iops: null, attachedTo: 'i-1', ...extra } as InventoryResource['config'], ...fields });

  it('ebs-unattached: available for 7 days or more, snapshot first; not in use, not 6 days old', () => {
    // gp2 1000 x 0.10 = 100.00; snapshot 1000 x 0.05 = 50.00
    const [f] = one('ebs-unattached', volume('gp2', 1000, { attachedTo: null }, { state: 'available' }));
    expect(f).toMatchObject({ estimatedMonthlySavings: '50.00', recommended: { monthlyCost: '50.00' } });
    expect(f!.actions[0]).toMatch(/CreateSnapshot/);
    expect(one('ebs-unattached', volume('gp2', 1000))).toEqual([]);
    expect(one('ebs-unattached', volume('gp2', 1000, { attachedTo: null }, { state: 'available', createdAt: '2026-10-26T00:00:00Z' }))).toEqual([]);
  });

  it('ebs-gp2-to-gp3: matches the gp2 baseline, pricing IOPS and throughput above the gp3 baseline', () => {
    // 1000 GiB: gp2 100.00; gp3 1000 x 0.08 = 80 + (250 - 125) MiB/s x 0.04 = 5 -> 85.00: 15.00
    expect(one('ebs-gp2-to-gp3', volume('gp2', 1000))[0]).toMatchObject({ estimatedMonthlySavings: '15.00', recommended: { monthlyCost: '85.00', config: { iops: 3000, throughput: 250 } } });
    // 2000 GiB: 6000 IOPS -> gp3 160 + 3000 x 0.005 (15) + 5 = 180.00 vs 200.00
    expect(one('ebs-gp2-to-gp3', volume('gp2', 2000))[0]).toMatchObject({ estimatedMonthlySavings: '20.00', recommended: { config: { iops: 6000 } } });
    expect(one('ebs-gp2-to-gp3', volume('gp3', 1000))).toEqual([]);
  });

  it('ebs-iops-overprovisioned: 3x the busiest day under 75% of provisioned; not when it uses more', () => {
    const io = (iopsUsed: number) => volume('io1', 500, { iops: 10000 }, { metrics: { readOps: flat(iopsUsed * 86_400 * 0.6), writeOps: flat(iopsUsed * 86_400 * 0.4) } });
    // 400 IOPS x 3 = 1200: (10000 - 1200) x 0.065 = 572.00
    expect(one('ebs-iops-overprovisioned', io(400))[0]).toMatchObject({ recommended: { config: { iops: 1200 } }, estimatedMonthlySavings: '572.00' });
    expect(one('ebs-iops-overprovisioned', io(2500))).toEqual([]); // 7500 = 75% of 10000
  });

  const snap = (ageDays: number, exists: boolean) =>
    res('ebs-snapshot', { state: 'completed', createdAt: new Date(Date.parse(`${TODAY}T00:00:00Z`) - ageDays * 86_400_000).toISOString(), config: { volumeId: 'vol-1', volumeSizeGb: 200, storageTier: 'standard', sourceVolumeExists: exists } });

  it('ebs-snapshot-old: older than 90 days (volume still there); not at 90 days', () => {
    // 200 x 0.05 = 10.00
    expect(one('ebs-snapshot-old', snap(91, true))[0]).toMatchObject({ estimatedMonthlySavings: '10.00' });
    expect(one('ebs-snapshot-old', snap(90, true))).toEqual([]);
    expect(one('ebs-snapshot-old', snap(400, false))).toEqual([]); // the orphaned-snapshot rule's
  });

  it('ebs-snapshot-orphaned: source volume gone, 30 days old or more; not a fresh final backup', () => {
    expect(one('ebs-snapshot-orphaned', snap(30, false))[0]).toMatchObject({ estimatedMonthlySavings: '10.00' });
    expect(one('ebs-snapshot-orphaned', snap(29, false))).toEqual([]);
    expect(one('ebs-snapshot-orphaned', snap(400, true))).toEqual([]);
  });

  it('s3-no-lifecycle: Standard at or above 500 GiB and no rules; not below, not with rules', () => {
    const bucket = (gib: number, rules: number) => res('s3-bucket', { config: { lifecycleRules: rules }, metrics: { standardBytes: flat(gib * 1024 ** 3) } });
    // 1000 GiB: half moves, 500 x (0.023 - 0.0125) = 5.25
    expect(one('s3-no-lifecycle', bucket(1000, 0))[0]).toMatchObject({ estimatedMonthlySavings: '5.25', current: { monthlyCost: '23.00' } });
    expect(one('s3-no-lifecycle', bucket(499, 0))).toEqual([]);
    expect(one('s3-no-lifecycle', bucket(1000, 1))).toEqual([]);
  });
});

describe('network rules', () => {
  it('eip-unassociated: 0.005 x 730 = 3.65; not when associated', () => {
    expect(one('eip-unassociated', res('elastic-ip', { state: 'unassociated', config: { publicIp: '203.0.113.9' } }))[0]).toMatchObject({ estimatedMonthlySavings: '3.65', estimatedAnnualSavings: '43.80' });
    expect(one('eip-unassociated', res('elastic-ip', { state: 'associated', config: { publicIp: '203.0.113.9' } }))).toEqual([]);
  });

  it('eip-on-stopped-instance: associated with a stopped instance; not a running one', () => {
    const stopped = ec2('m5.large', 0, 0, { state: 'stopped' });
    const running = ec2('m5.large', 30, 60);
    const eip = (i: InventoryResource) => res('elastic-ip', { state: 'associated', config: { publicIp: '203.0.113.9', instanceId: i.resourceId } });
    const a = eip(stopped);
    expect(one('eip-on-stopped-instance', a, [stopped])[0]).toMatchObject({ estimatedMonthlySavings: '3.65' });
    const b = eip(running);
    expect(one('eip-on-stopped-instance', b, [running])).toEqual([]);
  });

  it('elb-idle: fewer than 100 requests on its busiest day, or no healthy targets; not at 100', () => {
    const alb = (requests: number, healthy: number) => res('load-balancer', { state: 'active', size: 'application', config: { type: 'application', healthyTargets: healthy, registeredTargets: healthy, targetGroups: 1 }, metrics: { requests: flat(requests) } });
    // 0.0225 x 730 = 16.425 -> 16.42 (half to even)
    expect(one('elb-idle', alb(99, 2))[0]).toMatchObject({ estimatedMonthlySavings: '16.42' });
    expect(one('elb-idle', alb(5000, 0))[0]!.reason).toMatch(/no healthy targets/);
    expect(one('elb-idle', alb(100, 2))).toEqual([]);
  });

  it('nat-gateway-idle: under 1 GiB out on its busiest day; not at 1 GiB', () => {
    const nat = (bytes: number) => res('nat-gateway', { state: 'available', config: {}, metrics: { bytesOut: flat(bytes) } });
    // 0.045 x 730 = 32.85
    expect(one('nat-gateway-idle', nat(1024 ** 3 - 1))[0]).toMatchObject({ estimatedMonthlySavings: '32.85' });
    expect(one('nat-gateway-idle', nat(1024 ** 3))).toEqual([]);
  });
});

describe('database rules', () => {
  const db = (cls: string, cpu: number, peak: number, connections: number, multiAz = false) =>
    res('rds-instance', { state: 'available', size: cls, config: { dbInstanceIdentifier: 'db1', dbInstanceClass: cls, engine: 'postgres', multiAz }, metrics: { cpu: flat(cpu), cpuMax: flat(peak), connections: flat(connections) } });

  it('rds-idle: under 2 connections; not at 2', () => {
    // db.t3.medium postgres 0.072 x 730 = 52.56
    expect(one('rds-idle', db('db.t3.medium', 1, 3, 1.99))[0]).toMatchObject({ estimatedMonthlySavings: '52.56' });
    expect(one('rds-idle', db('db.t3.medium', 1, 3, 2))).toEqual([]);
  });

  it('rds-rightsize: CPU under 20% -> the smallest class keeping the peak at 70%; Multi-AZ doubles', () => {
    // db.r5.2xlarge 1.00 x 730 = 730.00 -> db.r5.xlarge 0.50 x 730 = 365.00 (peak 18.4% x 8/4 = 36.8%; x 8/2 = 73.6% too much)
    expect(one('rds-rightsize', db('db.r5.2xlarge', 6.9, 18.4, 12))[0]).toMatchObject({ recommended: { config: { dbInstanceClass: 'db.r5.xlarge' } }, estimatedMonthlySavings: '365.00' });
    expect(one('rds-rightsize', db('db.r5.2xlarge', 6.9, 18.4, 12, true))[0]).toMatchObject({ estimatedMonthlySavings: '730.00' });
    expect(one('rds-rightsize', db('db.r5.2xlarge', 20, 30, 12))).toEqual([]);
  });

  it('rds-graviton: db.m5 -> db.m6g; not an already-Graviton class', () => {
    // postgres db.m5.large 0.178 -> db.m6g.large 0.159: 0.019 x 730 = 13.87
    expect(one('rds-graviton', db('db.m5.large', 30, 60, 100))[0]).toMatchObject({ estimatedMonthlySavings: '13.87' });
    expect(one('rds-graviton', db('db.m6g.large', 30, 60, 100))).toEqual([]);
  });
});

describe('serverless and logging rules', () => {
  const fn = (memory: number, memoryUsedPct: number | null, arch = 'x86_64') =>
    res('lambda-function', {
      config: { functionName: 'f', memorySizeMb: memory, architecture: arch, runtime: 'nodejs20.x' },
      metrics: { invocations: flat(100_000), duration: flat(1024), ...(memoryUsedPct === null ? {} : { memoryUtilization: flat(memoryUsedPct) }) },
    });

  it('lambda-memory-overprovisioned: peak under 50% -> peak x 1.5 rounded up to 64 MB; not at 50%', () => {
    // 2048 MB, peak 25% = 512 MB -> 768 MB. GB-s a day: 100000 x 1.024 s x 2 GB = 204800; month x 730/24 = 6229333.333
    // 6229333.333 x 0.0000166667 = 103.82 ; at 768 MB: 2336000 x 0.0000166667 = 38.93 -> 64.89
    const [f] = one('lambda-memory-overprovisioned', fn(2048, 25));
    expect(f).toMatchObject({ recommended: { config: { memorySizeMb: 768 } }, current: { monthlyCost: '103.82' } });
    expect(f!.estimatedMonthlySavings).toBe('64.89');
    expect(one('lambda-memory-overprovisioned', fn(2048, 50))).toEqual([]);
    expect(one('lambda-memory-overprovisioned', fn(2048, null))).toEqual([]);
  });

  it('lambda-arm64: x86_64 pays 0.0000166667 vs 0.0000133334 per GB-s; not arm64', () => {
    // 1024 MB: 102400 GB-s a day x 730/24 = 3114666.667 GB-s: 51.91 vs 41.53 -> 10.38
    expect(one('lambda-arm64', fn(1024, null))[0]).toMatchObject({ current: { monthlyCost: '51.91' }, recommended: { monthlyCost: '41.53' }, estimatedMonthlySavings: '10.38' });
    expect(one('lambda-arm64', fn(1024, null, 'arm64'))).toEqual([]);
  });

  it('log-group-no-retention: never expires and older than 90 days; not with a retention', () => {
    const group = (retention: number | null) => res('log-group', { createdAt: '2025-08-03T00:00:00Z', config: { retentionInDays: retention, storedBytes: 900 * 1024 ** 3 } });
    // 455 days old, 900 GiB: keeps 900 x 90/455 = 178.021978 GiB; (900 - 178.021978) x 0.03 = 21.66
    expect(one('log-group-no-retention', group(null))[0]).toMatchObject({ current: { monthlyCost: '27.00' }, estimatedMonthlySavings: '21.66' });
    expect(one('log-group-no-retention', group(30))).toEqual([]);
  });
});

describe('savings plans coverage', () => {
  it('commits to the lowest day of on-demand spend at 28% off; leaves out what billing shows covered', () => {
    const always = ec2('m5.2xlarge', 40, 80);
    const weekdays = ec2('m5.xlarge', 40, 80, { metrics: { cpu: series(Array.from({ length: 30 }, (_, i) => (i % 7 < 5 ? 40 : null)) as number[]) } });
    // baseline: m5.2xlarge 0.384/h (m5.xlarge is off at weekends); 0.384 x 730 = 280.32 on demand
    // commitment 0.384 x 0.72 = 0.27648 -> 0.276/h (steps of 0.001); 0.276 x 730 = 201.48: 78.84
    const [f] = one('savings-plans-coverage', always, [weekdays]);
    expect(f).toMatchObject({ resourceType: 'account', actionType: 'PurchaseSavingsPlans', current: { monthlyCost: '280.32' }, recommended: { monthlyCost: '201.48', config: { commitmentPerHour: '0.276' } }, estimatedMonthlySavings: '78.84' });
    expect(f!.priceSource).toMatch(/Savings Plans pricing page/);
    const covered = new Map<string, ResourceCost>([[always.resourceId, { resourceId: always.resourceId, billed: '201.60', effective: '201.60', list: '276.48', days: 30, currency: 'USD' }]]);
    expect(one('savings-plans-coverage', always, [weekdays], { costs: covered })).toEqual([]);
  });
});

describe('price basis', () => {
  it("prefers the resource's billed cost, then the tenant's effective rate, then list", () => {
    const r = ec2('m5.2xlarge', 15, 30);
    // billed 201.60 over 30 days -> x 730 / 720 = 204.40 a month; m5.xlarge is half the list price -> 102.20
    const billed = one('ec2-rightsize', r, [], { costs: new Map([[r.resourceId, { resourceId: r.resourceId, billed: '201.60', effective: '201.60', list: '276.48', days: 30, currency: 'USD' }]]) });
    expect(billed[0]).toMatchObject({ priceBasis: 'billed-resource-cost', current: { monthlyCost: '204.40' }, estimatedMonthlySavings: '102.20' });
    // effective rate 0.82: 280.32 x 0.82 = 229.8624 -> 229.86; 140.16 x 0.82 = 114.9312 -> 114.93
    const effective = one('ec2-rightsize', r, [], { effectiveRates: new Map([['AmazonEC2', '0.82']]) });
    expect(effective[0]).toMatchObject({ priceBasis: 'effective-rate', current: { monthlyCost: '229.86' }, estimatedMonthlySavings: '114.93' });
    expect(effective[0]!.reason).toMatch(/effective rate/);
    expect(effective[0]!.priceSource).toMatch(/effective rate for AmazonEC2/);
  });
});
