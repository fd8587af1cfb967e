/** RDS instances: idle, oversized, Graviton. */
import type { InventoryResource } from '../../inventory/model.js';
import { monthlyFromHourly } from '../calc.js';
import { makeFinding, priceItems, subjectOf } from '../finding.js';
import type { Rule, RuleContext } from '../model.js';
import { fmt, isBurstable, metric, price, SIZES, splitType, str, vcpusOf } from './common.js';
import { RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT } from './compute.js';

const RDS = 'AmazonRDS';

function rdsMonthlyList(r: InventoryResource, instanceClass: string, context: RuleContext): bigint | null {
  const engine = str(r, 'engine');
  if (!engine) return null;
  const hourly = price(context.prices.rdsHourly(instanceClass, engine, r.config.multiAz === true, r.region));
  return hourly === null ? null : monthlyFromHourly(hourly);
}

const deploy = (r: InventoryResource) => (r.config.multiAz === true ? 'Multi-AZ' : 'Single-AZ');

/** Idle: max of daily average connections below the tenant's threshold. */
function rdsIdleEvidence(r: InventoryResource, context: RuleContext): string | null {
  const connections = metric(r, 'connections');
  if (r.state !== 'available' || !connections || connections.maximum! >= context.settings.rdsIdleMaxConnections) return null;
  return `at most ${fmt(connections.maximum!, 2)} average connections a day over ${connections.days} days (idle below ${context.settings.rdsIdleMaxConnections})`;
}

const rdsIdle: Rule = {
  scope: 'resource',
  definition: {
    id: 'rds-idle',
    title: 'Delete idle RDS instances (final snapshot kept)',
    category: 'database',
    pillar: 'cost-optimization',
    resourceType: 'rds-instance',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: "An available DB instance whose daily average connections stayed below the tenant's threshold (default 2) all window. Stopping only lasts 7 days before RDS restarts it, so take a final snapshot and delete it.",
    savingsMethod: 'Its billed cost (instance and storage), else the instance-hour price (x2 for Multi-AZ) x 730 h; the final snapshot\'s storage is not deducted.',
  },
  evaluate(r, context) {
    const evidence = rdsIdleEvidence(r, context);
    const cls = r.size;
    if (!evidence || !cls) return null;
    const id = str(r, 'dbInstanceIdentifier') ?? r.name ?? r.resourceId;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Idle: ${evidence}.`,
      current: { summary: `${cls} ${str(r, 'engine') ?? ''} ${deploy(r)}`, config: { dbInstanceClass: cls, status: 'available' } },
      recommended: { summary: 'deleted; final snapshot kept', config: { dbInstanceClass: null, status: 'deleted' } },
      pricing: priceItems([{ resourceId: r.resourceId, service: RDS, currentList: rdsMonthlyList(r, cls, context), recommendedList: 0n }], r.region, context),
      actions: [`Confirm with the owner that ${id} is unused`, `Delete it with a final snapshot (DeleteDBInstance ${id}, FinalDBSnapshotIdentifier ${id}-final)`, 'Restore from the final snapshot to roll back'],
    });
  },
};

const rdsRightsize: Rule = {
  scope: 'resource',
  definition: {
    id: 'rds-rightsize',
    title: 'Rightsize underutilized RDS instances',
    category: 'database',
    pillar: 'cost-optimization',
    resourceType: 'rds-instance',
    actionType: 'Rightsize',
    risk: 'medium',
    effort: 'Medium',
    restartNeeded: true,
    rollbackPossible: true,
    description: `An available, not idle, not burstable DB instance whose max of daily average CPU stays below the tenant's threshold (default 20%) moves to the smallest class of its family that keeps its CPU peak at or below ${RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT}% of the smaller vCPU count.`,
    savingsMethod: 'Instance-hour price of the current class minus the named smaller class (x2 for Multi-AZ), x 730 h.',
  },
  evaluate(r, context) {
    const cls = r.size;
    const parts = cls ? splitType(cls) : null;
    if (!cls || !parts || parts.prefix !== 'db.' || isBurstable(parts.family) || r.state !== 'available' || rdsIdleEvidence(r, context)) return null;
    const cpu = metric(r, 'cpu');
    if (!cpu || cpu.maximum! >= context.settings.rdsLowCpuPercent) return null;
    const peak = Math.max(metric(r, 'cpuMax')?.maximum ?? 0, cpu.maximum!);
    const vcpus = vcpusOf(parts.family, parts.size);
    if (!vcpus) return null;
    let target: { cls: string; vcpus: number; projected: number } | null = null;
    for (let i = SIZES.indexOf(parts.size as (typeof SIZES)[number]) - 1; i >= 0; i--) {
      const candidate = `db.${parts.family}.${SIZES[i]}`;
      const candidateVcpus = vcpusOf(parts.family, SIZES[i]!);
      if (!candidateVcpus || candidateVcpus >= vcpus || rdsMonthlyList(r, candidate, context) === null) continue;
      const projected = (peak * vcpus) / candidateVcpus;
      if (projected <= RIGHTSIZE_MAX_PROJECTED_PEAK_PERCENT) target = { cls: candidate, vcpus: candidateVcpus, projected };
    }
    if (!target) return null;
    const id = str(r, 'dbInstanceIdentifier') ?? r.name ?? r.resourceId;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `Underutilized: CPU max of daily averages ${fmt(cpu.maximum!)}% over ${cpu.days} days (threshold ${context.settings.rdsLowCpuPercent}%); its peak of ${fmt(peak)}% on ${vcpus} vCPUs would be ${fmt(target.projected)}% on ${target.cls}'s ${target.vcpus}.`,
      current: { summary: `${cls} ${deploy(r)}`, config: { dbInstanceClass: cls, vcpus } },
      recommended: { summary: `${target.cls} ${deploy(r)}`, config: { dbInstanceClass: target.cls, vcpus: target.vcpus } },
      pricing: priceItems([{ resourceId: r.resourceId, service: RDS, currentList: rdsMonthlyList(r, cls, context), recommendedList: rdsMonthlyList(r, target.cls, context) }], r.region, context),
      actions: [`Check FreeableMemory and connection peaks fit ${target.cls}`, `Modify ${id} to ${target.cls} in the next maintenance window (ModifyDBInstance)`, `Modify back to ${cls} to roll back`],
    });
  },
};

/** RDS classes with a Graviton class at the same size, for the engines RDS runs on Graviton. */
export const RDS_GRAVITON: Readonly<Record<string, string>> = { m5: 'm6g', m6i: 'm6g', r5: 'r6g', r6i: 'r6g', t3: 't4g' };
const GRAVITON_ENGINES = new Set(['mysql', 'mariadb', 'postgres']);

const rdsGraviton: Rule = {
  scope: 'resource',
  definition: {
    id: 'rds-graviton',
    title: 'Move RDS instances to Graviton classes',
    category: 'database',
    pillar: 'sustainability',
    resourceType: 'rds-instance',
    actionType: 'MigrateToGraviton',
    risk: 'low',
    effort: 'Low',
    restartNeeded: true,
    rollbackPossible: true,
    description: 'A MySQL, MariaDB or PostgreSQL instance on an x86 class with a Graviton equivalent (db.m5 -> db.m6g, db.r5 -> db.r6g, db.t3 -> db.t4g) moves to it at the same size; the engine is managed, so no code changes.',
    savingsMethod: 'Instance-hour price of the current class minus the Graviton class (x2 for Multi-AZ), x 730 h.',
  },
  evaluate(r, context) {
    const cls = r.size;
    const parts = cls ? splitType(cls) : null;
    const graviton = parts ? RDS_GRAVITON[parts.family] : undefined;
    if (!cls || !parts || !graviton || r.state !== 'available' || !GRAVITON_ENGINES.has(str(r, 'engine') ?? '') || rdsIdleEvidence(r, context)) return null;
    const target = `db.${graviton}.${parts.size}`;
    const id = str(r, 'dbInstanceIdentifier') ?? r.name ?? r.resourceId;
    return makeFinding(this.definition, subjectOf(r), {
      reason: `${cls} (x86) has a Graviton equivalent, ${target}, at the same size for ${str(r, 'engine')}.`,
      current: { summary: `${cls} ${deploy(r)}`, config: { dbInstanceClass: cls } },
      recommended: { summary: `${target} ${deploy(r)}`, config: { dbInstanceClass: target } },
      pricing: priceItems([{ resourceId: r.resourceId, service: RDS, currentList: rdsMonthlyList(r, cls, context), recommendedList: rdsMonthlyList(r, target, context) }], r.region, context),
      actions: [`Check the engine version ${str(r, 'engineVersion') ?? ''} supports ${target}`.replace('  ', ' '), `Modify ${id} to ${target} in the next maintenance window (ModifyDBInstance)`, `Modify back to ${cls} to roll back`],
    });
  },
};

export const DATABASE_RULES: readonly Rule[] = [rdsIdle, rdsRightsize, rdsGraviton];
