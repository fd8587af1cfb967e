/** What the rules share: typed reads of the normalized resource, metric windows, instance families. */
import type { InventoryResource, MetricSummary } from '../../inventory/model.js';
import { money } from '../calc.js';

/** A utilization judgement needs at least this many daily points of the 30-day window. */
export const MIN_METRIC_DAYS = 14;
export const DAY_MS = 86_400_000;

export const str = (r: InventoryResource, key: string): string | null => {
  const v = r.config[key];
  return typeof v === 'string' && v !== '' ? v : null;
};
export const num = (r: InventoryResource, key: string): number | null => {
  const v = r.config[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
};
export const list = (r: InventoryResource, key: string): string[] => {
  const v = r.config[key];
  return Array.isArray(v) ? v : [];
};

/** The metric when it has enough days to judge by, else undefined. */
export function metric(r: InventoryResource, key: string, minDays = MIN_METRIC_DAYS): MetricSummary | undefined {
  const m = r.metrics[key];
  return m && m.days >= minDays && m.maximum !== null && m.average !== null ? m : undefined;
}

/** Sum of two daily series (days where either reported), e.g. network in + out, read + write ops. */
export function dailySum(a: MetricSummary | undefined, b: MetricSummary | undefined): number[] {
  const length = Math.max(a?.daily.length ?? 0, b?.daily.length ?? 0);
  const out: number[] = [];
  for (let i = 0; i < length; i++) {
    const x = a?.daily[i] ?? null;
    const y = b?.daily[i] ?? null;
    if (x !== null || y !== null) out.push((x ?? 0) + (y ?? 0));
  }
  return out;
}

/** Whole days from an ISO timestamp or date to the analysis day. */
export function ageDays(iso: string | null, today: string): number | null {
  if (!iso) return null;
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.floor((Date.parse(`${today}T00:00:00Z`) - t) / DAY_MS);
}

export const fmt = (n: number, digits = 1): string => (Math.round(n * 10 ** digits) / 10 ** digits).toString();
export const gib = (bytes: number): number => bytes / 1024 ** 3;
export const mib = (bytes: number): number => bytes / 1024 ** 2;

/** A price string from the price book as money, or null. */
export const price = (p: string | null | undefined): bigint | null => (p === null || p === undefined ? null : money(p));

// --- instance types ---------------------------------------------------------------------------

/** Sizes in ascending order, as EC2 and RDS name them. */
export const SIZES = ['nano', 'micro', 'small', 'medium', 'large', 'xlarge', '2xlarge', '3xlarge', '4xlarge', '6xlarge', '8xlarge', '9xlarge', '10xlarge', '12xlarge', '16xlarge', '18xlarge', '24xlarge', '32xlarge', '48xlarge'] as const;

export function splitType(type: string): { prefix: string; family: string; size: string } | null {
  // 'm5.2xlarge' -> ('', 'm5', '2xlarge'); 'db.r5.large' -> ('db.', 'r5', 'large')
  const m = /^(db\.)?([a-z][a-z0-9-]*)\.([a-z0-9]+)$/.exec(type);
  return m ? { prefix: m[1] ?? '', family: m[2]!, size: m[3]! } : null;
}

/** vCPUs of a size (the general rule; burstable families have 2 vCPUs up to large). */
export function vcpusOf(family: string, size: string): number | null {
  if (/^t\d/.test(family)) return ({ nano: 2, micro: 2, small: 2, medium: 2, large: 2, xlarge: 4, '2xlarge': 8 } as Record<string, number>)[size] ?? null;
  if (size === 'medium') return 1;
  if (size === 'large') return 2;
  if (size === 'xlarge') return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? Number(m[1]) * 4 : null;
}

export const isBurstable = (family: string): boolean => /^t\d/.test(family);
