/** EBS volumes and snapshots, S3 buckets. */
import type { InventoryResource } from '../../inventory/model.js';
import { quantity, times } from '../calc.js';
import { makeFinding, priceItems, subjectOf } from '../finding.js';
import type { Rule, RuleContext } from '../model.js';
import { ageDays, dailySum, fmt, gib, metric, num, price, str } from './common.js';
import { ebsConfigMonthly, ebsMonthlyList, GP3_INCLUDED_IOPS, GP3_INCLUDED_MIBPS, gp2Baseline, snapshotMonthlyList, volumeSummary } from './storage-prices.js';

const EC2 = 'AmazonEC2';
/** A volume is reported unattached once it is this old (moments between detach and attach are normal). */
export const UNATTACHED_MIN_AGE_DAYS = 7;
/** io1/io2: recommend this multiple of the highest daily average IOPS (daily averages hide bursts). */
export const PIOPS_HEADROOM = 3;
/** ...and only when that is below this share of what is provisioned. */
export const PIOPS_MAX_USED_SHARE_PERCENT = 75;
/** A snapshot of a deleted volume younger than this may be the deliberate final backup. */
export const ORPHANED_SNAPSHOT_MIN_AGE_DAYS = 30;
/** S3 lifecycle savings assume this share of Standard bytes is cold and moves to Standard-IA (a stated assumption). */
export const S3_COLD_SHARE_PERCENT = 50;

const ebsUnattached: Rule = {
  scope: 'resource',
  definition: {
    id: 'ebs-unattached',
    title: 'Delete unattached EBS volumes',
    category: 'storage',
    pillar: 'cost-optimization',
    resourceType: 'ebs-volume',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: true,
    description: `A volume in the available state (attached to nothing) for ${UNATTACHED_MIN_AGE_DAYS} days or more. Snapshot it first, then delete it; restore from the snapshot to roll back.`,
    savingsMethod: "The volume's monthly cost (billed, else GiB x volume price + provisioned IOPS/throughput) minus a full snapshot of it (GiB x snapshot price, an upper bound).",
  },
  evaluate(v, context) {
    const age = ageDays(v.createdAt, context.today);
    if (v.state !== 'available' || str(v, 'attachedTo') !== null || (age !== null && age < UNATTACHED_MIN_AGE_DAYS)) return null;
    const size = num(v, 'sizeGb');
    return makeFinding(this.definition, subjectOf(v), {
      reason: `Unattached (available) ${age !== null ? `and ${age} days old` : ''}; no instance reads it.`.replace('  ', ' '),
      current: { summary: volumeSummary(v), config: { volumeType: str(v, 'volumeType'), sizeGb: size, state: 'available' } },
      recommended: { summary: `deleted; snapshot of ${size} GiB kept`, config: { volumeType: null, sizeGb: 0, snapshotGiB: size } },
      pricing: priceItems([{ resourceId: v.resourceId, service: EC2, currentList: ebsMonthlyList(v, context), recommendedList: snapshotMonthlyList(size, v.region, context) }], v.region, context),
      actions: [`Snapshot the volume (CreateSnapshot ${v.resourceId}) with its tags`, `Delete the volume (DeleteVolume ${v.resourceId})`, 'Restore from the snapshot to roll back'],
    });
  },
};

const ebsGp2ToGp3: Rule = {
  scope: 'resource',
  definition: {
    id: 'ebs-gp2-to-gp3',
    title: 'Change gp2 volumes to gp3',
    category: 'storage',
    pillar: 'cost-optimization',
    resourceType: 'ebs-volume',
    actionType: 'Upgrade',
    risk: 'low',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: true,
    description: `gp3 costs less per GiB than gp2 and includes ${GP3_INCLUDED_IOPS} IOPS and ${GP3_INCLUDED_MIBPS} MiB/s. The change happens online (ModifyVolume). IOPS and throughput above the included baseline are provisioned to match what the gp2 volume delivered.`,
    savingsMethod: `gp2 GiB x gp2 price minus gp3 GiB x gp3 price + IOPS above ${GP3_INCLUDED_IOPS} x gp3 IOPS price + MiB/s above ${GP3_INCLUDED_MIBPS} x gp3 throughput price, to match the gp2 baseline (3 IOPS/GiB; 250 MiB/s above 170 GiB).`,
  },
  evaluate(v, context) {
    if ((str(v, 'volumeType') ?? v.size) !== 'gp2') return null;
    const size = num(v, 'sizeGb');
    if (size === null) return null;
    const base = gp2Baseline(size);
    const iops = Math.max(GP3_INCLUDED_IOPS, num(v, 'iops') ?? base.iops);
    const mibps = Math.max(GP3_INCLUDED_MIBPS, base.mibps);
    const extra = [iops > GP3_INCLUDED_IOPS ? `${iops} IOPS` : null, mibps > GP3_INCLUDED_MIBPS ? `${mibps} MiB/s` : null].filter(Boolean).join(' and ');
    return makeFinding(this.definition, subjectOf(v), {
      reason: `gp2 ${size} GiB delivers ${base.iops} IOPS and ${base.mibps} MiB/s; gp3 matches it${extra ? ` with ${extra} provisioned` : ' within its included baseline'} for less.`,
      current: { summary: `gp2 ${size} GiB (${base.iops} IOPS, ${base.mibps} MiB/s)`, config: { volumeType: 'gp2', sizeGb: size, iops: base.iops, throughput: base.mibps } },
      recommended: { summary: `gp3 ${size} GiB (${iops} IOPS, ${mibps} MiB/s)`, config: { volumeType: 'gp3', sizeGb: size, iops, throughput: mibps } },
      pricing: priceItems(
        [{ resourceId: v.resourceId, service: EC2, currentList: ebsConfigMonthly('gp2', size, null, null, v.region, context), recommendedList: ebsConfigMonthly('gp3', size, iops, mibps, v.region, context) }],
        v.region,
        context,
      ),
      actions: [`Modify the volume to gp3 with ${iops} IOPS and ${mibps} MiB/s (ModifyVolume ${v.resourceId}); it stays attached and online`, 'Modify back to gp2 to roll back (after the 6-hour modification cooldown)'],
    });
  },
};

const ebsPiopsOverprovisioned: Rule = {
  scope: 'resource',
  definition: {
    id: 'ebs-iops-overprovisioned',
    title: 'Reduce overprovisioned io1/io2 IOPS',
    category: 'storage',
    pillar: 'cost-optimization',
    resourceType: 'ebs-volume',
    actionType: 'Rightsize',
    risk: 'medium',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: `An io1/io2 volume whose highest daily average IOPS (VolumeReadOps + VolumeWriteOps per day / 86,400) times ${PIOPS_HEADROOM} is below ${PIOPS_MAX_USED_SHARE_PERCENT}% of its provisioned IOPS. Daily averages hide bursts, hence the headroom and medium risk.`,
    savingsMethod: `(provisioned IOPS - ${PIOPS_HEADROOM} x highest daily average IOPS, rounded up to 100) x IOPS-month price.`,
  },
  evaluate(v, context) {
    const type = str(v, 'volumeType') ?? v.size;
    const provisioned = num(v, 'iops');
    const size = num(v, 'sizeGb');
    if ((type !== 'io1' && type !== 'io2') || provisioned === null || size === null) return null;
    const ops = dailySum(metric(v, 'readOps'), metric(v, 'writeOps'));
    if (ops.length < 14) return null;
    const peakIops = Math.max(...ops) / 86_400;
    const target = Math.max(100, Math.ceil((peakIops * PIOPS_HEADROOM) / 100) * 100);
    if (target * 100 >= provisioned * PIOPS_MAX_USED_SHARE_PERCENT) return null;
    return makeFinding(this.definition, subjectOf(v), {
      reason: `Highest daily average ${fmt(peakIops)} IOPS over ${ops.length} days against ${provisioned} provisioned (${fmt((peakIops / provisioned) * 100)}%); ${target} keeps ${PIOPS_HEADROOM}x headroom.`,
      current: { summary: `${type} ${size} GiB ${provisioned} IOPS`, config: { volumeType: type, iops: provisioned } },
      recommended: { summary: `${type} ${size} GiB ${target} IOPS`, config: { volumeType: type, iops: target } },
      pricing: priceItems(
        [{ resourceId: v.resourceId, service: EC2, currentList: ebsConfigMonthly(type, size, provisioned, null, v.region, context), recommendedList: ebsConfigMonthly(type, size, target, null, v.region, context) }],
        v.region,
        context,
      ),
      actions: [`Modify the volume to ${target} IOPS (ModifyVolume ${v.resourceId}); it stays online`, `Watch VolumeQueueLength; modify back to ${provisioned} IOPS to roll back`],
    });
  },
};

const snapshotPricing = (s: InventoryResource, context: RuleContext) =>
  priceItems([{ resourceId: s.resourceId, service: EC2, currentList: snapshotMonthlyList(num(s, 'volumeSizeGb'), s.region, context), recommendedList: 0n }], s.region, context);

const standardTier = (s: InventoryResource) => (str(s, 'storageTier') ?? 'standard') === 'standard';

const snapshotOld: Rule = {
  scope: 'resource',
  definition: {
    id: 'ebs-snapshot-old',
    title: 'Delete old EBS snapshots',
    category: 'storage',
    pillar: 'cost-optimization',
    resourceType: 'ebs-snapshot',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: false,
    description: 'A standard-tier snapshot older than the tenant\'s snapshot age limit (default 90 days) whose volume still exists (snapshots of deleted volumes have their own rule). Keep it if a retention policy needs it, or archive it.',
    savingsMethod: "The snapshot's billed cost, else its volume size x snapshot price (an upper bound: snapshots are incremental).",
  },
  evaluate(s, context) {
    const age = ageDays(s.createdAt, context.today);
    if (age === null || age <= context.settings.snapshotMaxAgeDays || s.config.sourceVolumeExists === false || !standardTier(s)) return null;
    const size = num(s, 'volumeSizeGb');
    return makeFinding(this.definition, subjectOf(s), {
      reason: `Created ${age} days ago (limit ${context.settings.snapshotMaxAgeDays} days), of ${str(s, 'volumeId') ?? 'an unknown volume'} (${size ?? '?'} GiB).`,
      current: { summary: `snapshot ${size ?? '?'} GiB, ${age} days old`, config: { sizeGb: size, ageDays: age } },
      recommended: { summary: 'deleted', config: { sizeGb: 0 } },
      pricing: snapshotPricing(s, context),
      actions: [`Check no AMI or retention policy needs ${s.resourceId}`, `Delete the snapshot (DeleteSnapshot ${s.resourceId}), or archive it (ModifySnapshotTier) if it must be kept`],
    });
  },
};

const snapshotOrphaned: Rule = {
  scope: 'resource',
  definition: {
    id: 'ebs-snapshot-orphaned',
    title: 'Delete snapshots of deleted volumes',
    category: 'storage',
    pillar: 'cost-optimization',
    resourceType: 'ebs-snapshot',
    actionType: 'Delete',
    risk: 'medium',
    effort: 'VeryLow',
    restartNeeded: false,
    rollbackPossible: false,
    description: `A standard-tier snapshot, at least ${ORPHANED_SNAPSHOT_MIN_AGE_DAYS} days old, whose source volume no longer exists (snapshots copied or made from AMIs, volume vol-ffffffff, are skipped).`,
    savingsMethod: "The snapshot's billed cost, else its volume size x snapshot price (an upper bound).",
  },
  evaluate(s, context) {
    const age = ageDays(s.createdAt, context.today);
    if (s.config.sourceVolumeExists !== false || age === null || age < ORPHANED_SNAPSHOT_MIN_AGE_DAYS || !standardTier(s)) return null;
    const size = num(s, 'volumeSizeGb');
    return makeFinding(this.definition, subjectOf(s), {
      reason: `Its volume ${str(s, 'volumeId') ?? '?'} no longer exists; the snapshot is ${age} days old (${size ?? '?'} GiB).`,
      current: { summary: `snapshot ${size ?? '?'} GiB of deleted ${str(s, 'volumeId') ?? 'volume'}`, config: { sizeGb: size, sourceVolumeExists: false } },
      recommended: { summary: 'deleted', config: { sizeGb: 0 } },
      pricing: snapshotPricing(s, context),
      actions: [`Check no AMI is registered from ${s.resourceId}`, `Delete the snapshot (DeleteSnapshot ${s.resourceId}), or archive it (ModifySnapshotTier) if it must be kept`],
    });
  },
};

const s3NoLifecycle: Rule = {
  scope: 'resource',
  definition: {
    id: 's3-no-lifecycle',
    title: 'Add a lifecycle policy to large S3 buckets',
    category: 'storage',
    pillar: 'cost-optimization',
    resourceType: 's3-bucket',
    actionType: 'AddLifecyclePolicy',
    risk: 'low',
    effort: 'Low',
    restartNeeded: false,
    rollbackPossible: true,
    description: 'A bucket with no lifecycle rules holding more Standard storage than the tenant\'s threshold (default 500 GiB). A rule moving objects to Standard-IA after 30 days (or Intelligent-Tiering) and expiring noncurrent versions cuts the storage bill.',
    savingsMethod: `Standard GiB x ${S3_COLD_SHARE_PERCENT}% (assumed cold: not read for 30 days) x (Standard price - Standard-IA price). An assumption until access is measured (S3 Storage Lens).`,
  },
  evaluate(b, context) {
    const rules = b.config.lifecycleRules;
    const standard = metric(b, 'standardBytes', 1);
    if (rules !== 0 || !standard) return null;
    const standardGiB = gib(standard.average!);
    if (standardGiB < context.settings.s3LifecycleMinGiB) return null;
    const std = price(context.prices.s3MonthlyPerGiB('STANDARD', b.region));
    const ia = price(context.prices.s3MonthlyPerGiB('STANDARD_IA', b.region));
    const total = quantity(Math.round(standardGiB));
    const cold = quantity(Math.round((standardGiB * S3_COLD_SHARE_PERCENT) / 100));
    const currentList = std === null ? null : times(std, total);
    const recommendedList = std === null || ia === null ? null : times(std, total - cold) + times(ia, cold);
    return makeFinding(this.definition, subjectOf(b), {
      reason: `${fmt(standardGiB, 0)} GiB in S3 Standard (threshold ${context.settings.s3LifecycleMinGiB} GiB) and no lifecycle rules; the estimate assumes ${S3_COLD_SHARE_PERCENT}% of it is cold.`,
      current: { summary: `${fmt(standardGiB, 0)} GiB Standard, no lifecycle rules`, config: { lifecycleRules: 0, standardGiB: Math.round(standardGiB) } },
      recommended: { summary: `lifecycle: Standard-IA after 30 days (~${S3_COLD_SHARE_PERCENT}% moved)`, config: { lifecycleRules: 1, transitionDays: 30, storageClass: 'STANDARD_IA' } },
      pricing: priceItems([{ resourceId: b.resourceId, service: 'AmazonS3', currentList, recommendedList, useBilledCost: false }], b.region, context),
      actions: [
        `Add a lifecycle configuration to ${b.resourceId} (PutBucketLifecycleConfiguration): transition to STANDARD_IA after 30 days, expire noncurrent versions after 90 days, abort incomplete multipart uploads after 7 days`,
        'Remove the configuration to roll back (objects already moved stay in Standard-IA)',
      ],
    });
  },
};

export const STORAGE_RULES: readonly Rule[] = [ebsUnattached, ebsGp2ToGp3, ebsPiopsOverprovisioned, snapshotOld, snapshotOrphaned, s3NoLifecycle];
