/** EC2 instances: idle, oversized, previous generation, Graviton, stopped but still paying for EBS. */
import type { InventoryResource } from '../../inventory/model.js';
import { monthlyFromHourly } from '../calc.js';
import { makeFinding, priceItems, subjectOf } from '../finding.js';
import type { RecommendationSettings, Rule, RuleContext } from '../model.js';
import { ageDays, dailySum, fmt, isBurstable, list, metric, mib, num, price, SIZES, splitType, str, vcpusOf } from './common.js';
import { ebsMonthlyList, snapshotMonthlyList, volumeSummary } from './storage-prices.js';

const EC2 = 'AmazonEC2';
/** Rightsizing keeps the observed peak at or below this share of the smaller type's CPU (30% headroom). */
export const RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT = 70;
/** A stopped instance is reported once it has been stopped this long. */
export const STOPPED_MIN_DAYS = 14;

const isLinux = (r: InventoryResource) => (str(r, 'platform') ?? 'Linux/UNIX') === 'Linux/UNIX';
const onDemandRunning = (r: InventoryResource) => r.state === 'running' && str(r, 'lifecycle') !== 'spot';

/** Monthly on-demand list price of an instance type for this (Linux) instance; null for other platforms, priced only from billing. */
function ec2MonthlyList(r: InventoryResource, type: string, context: RuleContext): bigint | null {
  if (!isLinux(r)) return null;
  const hourly = price(context.prices.ec2Hourly(type, r.region));
  return hourly === null ? null : monthlyFromHourly(hourly);
}

/** Idle: max of daily average CPU below the idle threshold and every day's network (in + out) below the idle bytes. */
export function ec2IdleEvidence(r: InventoryResource, settings: RecommendationSettings): string | null {
  if (!onDemandRunning(r)) return null;
  const cpu = metric(r, 'cpu');
  const network = dailySum(metric(r, 'networkIn'), metric(r, 'networkOut'));
  if (!cpu || network.length === 0 || cpu.maximum! >= settings.ec2IdleCpuPercent) return null;
  const maxNetwork = Math.max(...network);
  if (maxNetwork >= settings.idleNetworkBytesPerDay) return null;
  return `CPU max of daily averages ${fmt(cpu.maximum!)}% over ${cpu.days} days (idle below ${settings.ec2IdleCpuPercent}%) and at most ${fmt(mib(maxNetwork), 2)} MiB of network a day (idle below ${fmt(mib(settings.idleNetworkBytesPerDay), 2)} MiB).`;
}

const ec2Idle: Rule = {
  scope: 'resource',
  definition: {
    id: 'ec2-idle',
    title: 'Stop idle EC2 instances',
    category: 'compute',
    pillar: 'cost-optimization',
    resourceType: 'ec2-instance',
    actionType: 'Stop',
    risk: 'low',
    effort: 'Low',
    restartNeeded: true,
    rollbackPossible: true,
    description: 'A running on-demand instance whose daily average CPU stayed below the idle threshold and whose network traffic stayed below the idle bytes every day of the window does no useful work.',
    savingsMethod: "The instance's monthly compute cost (its billed cost, else on-demand price x 730 h): a stopped instance pays no instance hours. Its EBS volumes keep billing and are not counted.",
  },
  evaluate(r, context) {
    const evidence = ec2IdleEvidence(r, context.settings);
    const type = r.size;
    if (!evidence || !type) return null;
    const volumes = list(r, 'volumeIds');
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Idle: ${evidence}`,
      current: { summary: `${type} running`, config: { instanceType: type, state: 'running' } },
      recommended: { summary: `${type} stopped`, config: { instanceType: type, state: 'stopped' } },
      pricing: priceItems([{ resourceId: r.resourceId, service: EC2, currentList: ec2MonthlyList(r, type, context), recommendedList: 0n }], r.region, context),
      actions: [
        `Confirm with the owner that ${r.name ?? r.resourceId} is not needed`,
        ...(volumes.length ? [`Snapshot its EBS volumes (${volumes.join(', ')}) as a rollback point`] : []),
        `Stop the instance (StopInstances ${r.resourceId}); start it again to roll back`,
      ],
    });
  },
};

const ec2Rightsize: Rule = {
  scope: 'resource',
  definition: {
    id: 'ec2-rightsize',
    title: 'Rightsize underutilized EC2 instances',
    category: 'compute',
    pillar: 'cost-optimization',
    resourceType: 'ec2-instance',
    actionType: 'Rightsize',
    risk: 'medium',
    effort: 'Medium',
    restartNeeded: true,
    rollbackPossible: true,
    description: `A running on-demand instance (not burstable, not idle) whose max of daily average CPU stays below the low-utilization threshold moves to the smallest size of its family that keeps its observed CPU peak at or below ${RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT}% of the smaller vCPU count. Memory is not measured, hence medium risk.`,
    savingsMethod: 'On-demand price of the current type minus the named smaller type, x 730 h (or the billed cost scaled by that price ratio).',
  },
  evaluate(r, context) {
    const type = r.size;
    const parts = type ? splitType(type) : null;
    if (!type || !parts || !onDemandRunning(r) || isBurstable(parts.family) || ec2IdleEvidence(r, context.settings)) return null;
    const cpu = metric(r, 'cpu');
    if (!cpu || cpu.maximum! >= context.settings.ec2LowCpuPercent) return null;
    const peak = Math.max(metric(r, 'cpuMax')?.maximum ?? 0, cpu.maximum!);
    const vcpus = num(r, 'vcpus') ?? vcpusOf(parts.family, parts.size);
    if (!vcpus) return null;
    const currentIndex = SIZES.indexOf(parts.size as (typeof SIZES)[number]);
    let target: { type: string; vcpus: number; projected: number } | null = null;
    for (let i = currentIndex - 1; i >= 0; i--) {
      const candidate = `${parts.family}.${SIZES[i]}`;
      const candidateVcpus = vcpusOf(parts.family, SIZES[i]!);
      if (!candidateVcpus || candidateVcpus >= vcpus || context.prices.ec2Hourly(candidate, r.region) === null) continue;
      const projected = (peak * vcpus) / candidateVcpus;
      if (projected <= RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT) target = { type: candidate, vcpus: candidateVcpus, projected };
    }
    if (!target) return null;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Underutilized: CPU max of daily averages ${fmt(cpu.maximum!)}% over ${cpu.days} days (threshold ${context.settings.ec2LowCpuPercent}%); its peak of ${fmt(peak)}% on ${vcpus} vCPUs would be ${fmt(target.projected)}% on ${target.type}'s ${target.vcpus} (at most ${RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT}%).`,
      current: { summary: `${type} (${vcpus} vCPU)`, config: { instanceType: type, vcpus } },
      recommended: { summary: `${target.type} (${target.vcpus} vCPU)`, config: { instanceType: target.type, vcpus: target.vcpus } },
      pricing: priceItems([{ resourceId: r.resourceId, service: EC2, currentList: ec2MonthlyList(r, type, context), recommendedList: ec2MonthlyList(r, target.type, context) }], r.region, context),
      actions: [
        `Check the instance's memory use (not collected) fits ${target.type}`,
        `Stop ${r.resourceId}`,
        `Change its instance type to ${target.type} (ModifyInstanceAttribute)`,
        `Start it and watch CPU for a week; change back to ${type} to roll back`,
      ],
    });
  },
};

/**
 * Previous-generation families and their successors, newest first. DescribeInstanceTypes still
 * reports m4, c4, r4 and t2 as current generation, so the list is our own.
 */
export const PREVIOUS_GENERATION: Readonly<Record<string, readonly string[]>> = {
  m1: ['m6i', 'm5'],
  m3: ['m6i', 'm5'],
  m4: ['m6i', 'm5'],
  m2: ['r6i', 'r5'],
  c1: ['c6i', 'c5'],
  c3: ['c6i', 'c5'],
  c4: ['c6i', 'c5'],
  r3: ['r6i', 'r5'],
  r4: ['r6i', 'r5'],
  t1: ['t3'],
  t2: ['t3'],
  i2: ['i3'],
  d2: ['d3'],
  g2: ['g4dn'],
  g3: ['g4dn'],
  p2: ['p3'],
};

/** The cheapest same-size type among the candidate families that the price book knows. */
function cheapestSameSize(r: InventoryResource, size: string, families: readonly string[], context: RuleContext): { type: string; monthly: bigint } | null {
  let best: { type: string; monthly: bigint } | null = null;
  for (const family of families) {
    const type = `${family}.${size}`;
    const monthly = ec2MonthlyList(r, type, context);
    if (monthly !== null && (best === null || monthly < best.monthly)) best = { type, monthly };
  }
  return best;
}

const ec2PreviousGeneration: Rule = {
  scope: 'resource',
  definition: {
    id: 'ec2-previous-generation',
    title: 'Upgrade previous-generation EC2 instances',
    category: 'compute',
    pillar: 'performance-efficiency',
    resourceType: 'ec2-instance',
    actionType: 'Upgrade',
    risk: 'low',
    effort: 'Low',
    restartNeeded: true,
    rollbackPossible: true,
    description: `A running on-demand Linux instance of a previous-generation family (${Object.keys(PREVIOUS_GENERATION).join(', ')}) moves to the same size of its current-generation successor, which is faster and costs the same or less.`,
    savingsMethod: 'On-demand price of the current type minus the cheapest same-size successor type (e.g. m4 -> m6i/m5, t2 -> t3), x 730 h.',
  },
  evaluate(r, context) {
    const type = r.size;
    const parts = type ? splitType(type) : null;
    const successors = parts ? PREVIOUS_GENERATION[parts.family] : undefined;
    if (!type || !parts || !successors || !onDemandRunning(r)) return null;
    const target = cheapestSameSize(r, parts.size, successors, context);
    if (!target) return null;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `${type} is a previous-generation type; ${target.type} is its current-generation successor at the same size.`,
      current: { summary: type, config: { instanceType: type } },
      recommended: { summary: target.type, config: { instanceType: target.type } },
      pricing: priceItems([{ resourceId: r.resourceId, service: EC2, currentList: ec2MonthlyList(r, type, context), recommendedList: target.monthly }], r.region, context),
      actions: [
        `Check the AMI has the ENA and NVMe drivers Nitro types need`,
        `Stop ${r.resourceId}, change its type to ${target.type}, start it`,
        `Change back to ${type} to roll back`,
      ],
    });
  },
};

/** x86 families with a Graviton equivalent at the same sizes, cheapest chosen. */
export const GRAVITON_EQUIVALENTS: Readonly<Record<string, readonly string[]>> = {
  m5: ['m6g', 'm7g'],
  m5a: ['m6g', 'm7g'],
  m6i: ['m6g', 'm7g'],
  m6a: ['m6g', 'm7g'],
  m7i: ['m7g'],
  c5: ['c6g', 'c7g'],
  c5a: ['c6g', 'c7g'],
  c6i: ['c6g', 'c7g'],
  c6a: ['c6g', 'c7g'],
  c7i: ['c7g'],
  r5: ['r6g', 'r7g'],
  r5a: ['r6g', 'r7g'],
  r6i: ['r6g', 'r7g'],
  r6a: ['r6g', 'r7g'],
  r7i: ['r7g'],
  t3: ['t4g'],
  t3a: ['t4g'],
};

const ec2Graviton: Rule = {
  scope: 'resource',
  definition: {
    id: 'ec2-graviton',
    title: 'Migrate EC2 instances to Graviton',
    category: 'compute',
    pillar: 'sustainability',
    resourceType: 'ec2-instance',
    actionType: 'MigrateToGraviton',
    risk: 'medium',
    effort: 'Medium',
    restartNeeded: true,
    rollbackPossible: true,
    description: 'A running on-demand Linux x86_64 instance of a family with an arm64 Graviton equivalent (m5 -> m6g/m7g, c5 -> c6g/c7g, r5 -> r6g/r7g, t3 -> t4g, ...) moves to the same size on Graviton; its software must run on arm64.',
    savingsMethod: 'On-demand price of the current type minus the cheapest same-size Graviton type, x 730 h.',
  },
  evaluate(r, context) {
    const type = r.size;
    const parts = type ? splitType(type) : null;
    const equivalents = parts ? GRAVITON_EQUIVALENTS[parts.family] : undefined;
    if (!type || !parts || !equivalents || !onDemandRunning(r) || !isLinux(r) || (str(r, 'architecture') ?? 'x86_64') !== 'x86_64') return null;
    const target = cheapestSameSize(r, parts.size, equivalents, context);
    if (!target) return null;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `${type} runs Linux on x86_64; ${target.type} is the same size on Graviton (arm64) for less.`,
      current: { summary: `${type} x86_64`, config: { instanceType: type, architecture: 'x86_64' } },
      recommended: { summary: `${target.type} arm64`, config: { instanceType: target.type, architecture: 'arm64' } },
      pricing: priceItems([{ resourceId: r.resourceId, service: EC2, currentList: ec2MonthlyList(r, type, context), recommendedList: target.monthly }], r.region, context),
      actions: [
        'Build and test an arm64 AMI of the workload',
        `Launch ${target.type} from it beside ${r.resourceId} and shift traffic`,
        `Terminate ${r.resourceId} after the soak period; shift back to roll back`,
      ],
    });
  },
};

/** The day a user stopped the instance, from its StateTransitionReason ("User initiated (2026-04-14 18:02:11 GMT)"). */
export function stoppedOn(r: InventoryResource): string | null {
  const m = /\((\d{4}-\d{2}-\d{2})[ T]\d{2}:\d{2}:\d{2}/.exec(str(r, 'stateTransitionReason') ?? '');
  return m ? m[1]! : null;
}

const ec2StoppedWithEbs: Rule = {
  scope: 'resource',
  definition: {
    id: 'ec2-stopped-with-ebs',
    title: 'Terminate long-stopped instances still paying for EBS',
    category: 'compute',
    pillar: 'cost-optimization',
    resourceType: 'ec2-instance',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: `An instance stopped for ${STOPPED_MIN_DAYS} days or more pays no instance hours but keeps paying for its EBS volumes. Keep an AMI (snapshots) and terminate it with its volumes.`,
    savingsMethod: "The attached volumes' monthly cost (their billed cost, else GiB x volume price + provisioned IOPS/throughput) minus the snapshots kept (GiB x snapshot price, an upper bound since snapshots are incremental).",
  },
  evaluate(r, context) {
    if (r.state !== 'stopped') return null;
    const day = stoppedOn(r);
    const stoppedDays = ageDays(day, context.today);
    if (stoppedDays === null || stoppedDays < STOPPED_MIN_DAYS) return null;
    const volumes = list(r, 'volumeIds')
      .map((id) => context.resources.get(id))
      .filter((v): v is InventoryResource => v !== undefined && v.type === 'ebs-volume');
    if (volumes.length === 0) return null;
    const gib = volumes.reduce((s, v) => s + (num(v, 'sizeGb') ?? 0), 0);
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Stopped since ${day} (${stoppedDays} days) with ${volumes.length} EBS volume${volumes.length > 1 ? 's' : ''} (${gib} GiB) still billing.`,
      current: { summary: `stopped ${r.size ?? ''}, ${volumes.map(volumeSummary).join(' + ')}`.replace('  ', ' '), config: { state: 'stopped', volumes: volumes.length, volumeGiB: gib } },
      recommended: { summary: `terminated; AMI with ${gib} GiB of snapshots kept`, config: { state: 'terminated', volumes: 0, snapshotGiB: gib } },
      pricing: priceItems(
        volumes.map((v) => ({ resourceId: v.resourceId, service: EC2, currentList: ebsMonthlyList(v, context), recommendedList: snapshotMonthlyList(num(v, 'sizeGb'), v.region, context) })),
        r.region,
        context,
      ),
      actions: [
        `Create an AMI of ${r.resourceId} (CreateImage), which snapshots ${volumes.map((v) => v.resourceId).join(', ')}`,
        `Terminate the instance with its volumes (TerminateInstances)`,
        'Launch from the AMI to roll back',
      ],
    });
  },
};

export const COMPUTE_RULES: readonly Rule[] = [ec2Idle, ec2Rightsize, ec2PreviousGeneration, ec2Graviton, ec2StoppedWithEbs];
