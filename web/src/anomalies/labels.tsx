import type { z } from 'zod';
import type { anomalyDetail, anomalySummary } from '#shared/contracts/analysis.js';
import type { AnomalyFeedback, AnomalyStatus, Monitor, Severity } from '#shared/analysis/constants.js';
import { formatDay } from '../format.js';
import { Badge } from '../ui/index.js';

export type AnomalySummary = z.output<typeof anomalySummary>;
export type AnomalyDetail = z.output<typeof anomalyDetail>;
export type Contributor = AnomalyDetail['contributors'][number];

/** How the console names the API's vocabulary. */
export const STATUS_LABELS: Record<AnomalyStatus, string> = {
  active: 'Active',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
  ignored: 'Ignored',
};

export const SEVERITY_LABELS: Record<Severity, string> = {
  low: 'Low',
  medium: 'Medium',
  high: 'High',
  critical: 'Critical',
};

export const MONITOR_LABELS: Record<Monitor, string> = {
  total: 'Total spend',
  service: 'Service',
  account: 'Account',
  region: 'Region',
  usageType: 'Usage type',
};

export const FEEDBACK_LABELS: Record<AnomalyFeedback, string> = {
  expected: 'Expected',
  real: 'Real anomaly',
};

/** Open anomalies still need someone: found (active) or being looked at (acknowledged). */
export const isOpen = (a: { status: AnomalyStatus }): boolean => a.status === 'active' || a.status === 'acknowledged';

const SEVERITY_TONES: Record<Severity, 'neutral' | 'info' | 'warn' | 'bad'> = { low: 'info', medium: 'warn', high: 'bad', critical: 'bad' };

export function SeverityBadge({ severity }: { severity: Severity }) {
  return (
    <span className={`anomaly-severity anomaly-severity-${severity}`} data-severity={severity}>
      <Badge tone={SEVERITY_TONES[severity]}>{SEVERITY_LABELS[severity]}</Badge>
    </span>
  );
}

const STATUS_TONES: Record<AnomalyStatus, 'neutral' | 'info' | 'warn' | 'good' | 'bad'> = { active: 'bad', acknowledged: 'warn', resolved: 'good', ignored: 'neutral' };

export function StatusBadge({ status }: { status: AnomalyStatus }) {
  return (
    <span data-status={status}>
      <Badge tone={STATUS_TONES[status]}>{STATUS_LABELS[status]}</Badge>
    </span>
  );
}

/** "Service · Amazon EC2", or "Total spend" for the tenant total. */
export function seriesLabel(a: { monitor: Monitor; dimensionName: string }): string {
  return a.monitor === 'total' ? MONITOR_LABELS.total : `${MONITOR_LABELS[a.monitor]} · ${a.dimensionName}`;
}

/** "Nov 10 – 12, 2026", or one day. Both days are inclusive billing days. */
export function formatSpan(start: string, end: string): string {
  if (start === end) return formatDay(start);
  const sameYear = start.slice(0, 4) === end.slice(0, 4);
  return `${formatDay(start, sameYear ? { month: 'short', day: 'numeric' } : undefined)} – ${formatDay(end)}`;
}

export function spanDays(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000) + 1;
}
