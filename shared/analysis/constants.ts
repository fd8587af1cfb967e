/**
 * The analysis vocabulary the API contract shares with the models: no model code here, so the
 * console (which imports the contracts) does not bundle the detectors.
 */

/** The series anomalies are looked for in: the tenant total, and each service, account, region and usage type. */
export const MONITORS = ['total', 'service', 'account', 'region', 'usageType'] as const;
export type Monitor = (typeof MONITORS)[number];

export const SEVERITIES = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** An anomaly's lifecycle: found (active), seen (acknowledged), fixed (resolved) or dismissed (ignored). */
export const ANOMALY_STATUSES = ['active', 'acknowledged', 'resolved', 'ignored'] as const;
export type AnomalyStatus = (typeof ANOMALY_STATUSES)[number];

/** expected: planned or known, and later anomalies of the same cause are ignored; real: a true anomaly. */
export const ANOMALY_FEEDBACK = ['expected', 'real'] as const;
export type AnomalyFeedback = (typeof ANOMALY_FEEDBACK)[number];

export const FORECAST_METHODS = ['seasonalNaive', 'trendWeekly', 'holtWinters', 'mean'] as const;
export type ForecastMethod = (typeof FORECAST_METHODS)[number];
