/** EBS volume and snapshot list prices for a normalized volume (GiB, provisioned IOPS and throughput). */
import type { InventoryResource } from '../../inventory/model.js';
import { quantity, times } from '../calc.js';
import type { RuleContext } from '../model.js';
import { num, price, str } from './common.js';

/** gp3 includes 3,000 IOPS and 125 MiB/s; more is billed per IOPS-month and MiB/s-month. */
export const GP3_INCLUDED_IOPS = 3000;
export const GP3_INCLUDED_MIBPS = 125;

/** What a gp2 volume of this size delivers: 3 IOPS per GiB (100..16,000), 128 MiB/s up to 170 GiB, 250 above. */
export function gp2Baseline(gib: number): { iops: number; mibps: number } {
  return { iops: Math.min(16_000, Math.max(100, 3 * gib)), mibps: gib <= 170 ? 128 : 250 };
}

/** Monthly list price of a volume configuration; null when the price book lacks the type or region. */
export function ebsConfigMonthly(volumeType: string, gib: number, iops: number | null, mibps: number | null, region: string, context: RuleContext): bigint | null {
  const p = context.prices.ebsMonthly(volumeType, region);
  if (!p) return null;
  let total = times(price(p.perGiB)!, quantity(gib));
  if (volumeType === 'gp3') {
    if (iops !== null && iops > GP3_INCLUDED_IOPS) {
      if (p.perIops === null) return null;
      total += times(price(p.perIops)!, quantity(iops - GP3_INCLUDED_IOPS));
    }
    if (mibps !== null && mibps > GP3_INCLUDED_MIBPS) {
      if (p.perMiBps === null) return null;
      total += times(price(p.perMiBps)!, quantity(mibps - GP3_INCLUDED_MIBPS));
    }
  } else if ((volumeType === 'io1' || volumeType === 'io2') && iops !== null) {
    if (p.perIops === null) return null;
    total += times(price(p.perIops)!, quantity(iops));
  }
  return total;
}

export function ebsMonthlyList(v: InventoryResource, context: RuleContext): bigint | null {
  const type = str(v, 'volumeType') ?? v.size;
  const gib = num(v, 'sizeGb');
  if (!type || gib === null) return null;
  return ebsConfigMonthly(type, gib, num(v, 'iops'), num(v, 'throughput'), v.region, context);
}

/** A full snapshot of `gib` (an upper bound: EBS snapshots are incremental). */
export function snapshotMonthlyList(gib: number | null, region: string, context: RuleContext): bigint | null {
  const p = price(context.prices.snapshotMonthlyPerGiB(region));
  return p === null || gib === null ? null : times(p, quantity(gib));
}

export function volumeSummary(v: InventoryResource): string {
  const type = str(v, 'volumeType') ?? v.size ?? 'volume';
  const iops = num(v, 'iops');
  return `${type} ${num(v, 'sizeGb') ?? '?'} GiB${(type === 'io1' || type === 'io2') && iops ? ` ${iops} IOPS` : ''}`;
}
