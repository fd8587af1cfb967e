import { createHash } from 'node:crypto';
import { fromCents, formatDecimal } from '../money.js';
import { describeContributor, severityOf, type Incident, type Thresholds } from './anomalies.js';
import type { AnomalyFeedback, AnomalyStatus, Monitor, Severity } from './constants.js';

export { ANOMALY_FEEDBACK, ANOMALY_STATUSES, type AnomalyFeedback, type AnomalyStatus } from './constants.js';

/** Per-tenant analysis settings, stored in the table (defaults when absent). */
export interface AnalysisSettings {
  thresholds: Thresholds;
  /** Money analysed: effective (amortized) cost by default, so commitment fees are spread over the usage they cover. */
  metric: 'billed' | 'effective';
}

/** Money from a model float, rounded to cents: anomaly and forecast amounts are estimates. */
export const cents = (value: number): string => formatDecimal(fromCents(BigInt(Math.round(value * 100))));

/** A cause (service, account, region, usage type) as a short stable id, for keys. */
export const causeIdOf = (causeKey: string): string => createHash('sha256').update(causeKey).digest('hex').slice(0, 32);

/** Stable: the same tenant, cause and start date always name the same anomaly, so re-runs never duplicate. */
export function anomalyIdOf(tenantId: string, causeKey: string, startDate: string): string {
  const hash = createHash('sha256').update(`${tenantId}\n${causeKey}\n${startDate}`).digest('hex').slice(0, 16);
  return `${startDate.replaceAll('-', '')}-${hash}`;
}

/** What a detection run writes about one anomaly (the user's status, feedback and note are kept apart). */
export interface DetectedAnomaly {
  id: string;
  causeId: string;
  severity: Severity;
  monitor: Monitor;
  dimensionValue: string;
  dimensionName: string;
  startDate: string;
  endDate: string;
  currency: string;
  impact: string;
  impactPerDay: string;
  actual: string;
  expected: string;
  score: string;
  rootCause: string;
  contributors: Array<{
    service: string;
    account: string;
    accountName: string | null;
    region: string;
    usageType: string;
    actual: string;
    expected: string;
    delta: string;
    description: string;
  }>;
  flaggedBy: Array<{ monitor: Monitor; dimensionValue: string }>;
  series: Array<{ date: string; actual: string; expected: string | null }>;
}

export interface Anomaly extends DetectedAnomaly {
  status: AnomalyStatus;
  feedback: AnomalyFeedback | null;
  note: string | null;
  suppressed: boolean;
  detectedAt: string;
  updatedAt: string;
  statusChangedBy: string | null;
  statusChangedAt: string | null;
}

/** The stored record of one incident. */
export function toDetected(tenantId: string, incident: Incident, currency: string, accountNames: ReadonlyMap<string, string>): DetectedAnomaly {
  const nameOf = (id: string) => accountNames.get(id) ?? id;
  const actual = incident.days.reduce((s, d) => s + d.actual, 0);
  const expected = incident.days.reduce((s, d) => s + d.expected, 0);
  const contributors = incident.contributors.map((c) => ({
    service: c.service,
    account: c.account,
    accountName: c.account ? (accountNames.get(c.account) ?? null) : null,
    region: c.region,
    usageType: c.usageType,
    actual: cents(c.actual),
    expected: cents(c.expected),
    delta: cents(c.delta),
    description: describeContributor(c, currency, nameOf),
  }));
  return {
    id: anomalyIdOf(tenantId, incident.causeKey, incident.startDate),
    causeId: causeIdOf(incident.causeKey),
    severity: severityOf(incident.impact),
    monitor: incident.monitor,
    dimensionValue: incident.key,
    dimensionName: incident.monitor === 'total' ? 'Total' : incident.monitor === 'account' ? nameOf(incident.key) : incident.key || '(none)',
    startDate: incident.startDate,
    endDate: incident.endDate,
    currency,
    impact: cents(incident.impact),
    impactPerDay: cents(incident.impact / incident.days.length),
    actual: cents(actual),
    expected: cents(expected),
    score: incident.maxScore.toFixed(1),
    rootCause: contributors[0]?.description ?? '',
    contributors,
    flaggedBy: incident.flaggedBy.map((f) => ({ monitor: f.monitor, dimensionValue: f.key })),
    series: incident.series.map((p) => ({ date: p.date, actual: cents(p.actual), expected: p.expected === null ? null : cents(p.expected) })),
  };
}
