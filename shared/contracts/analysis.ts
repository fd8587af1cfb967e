import { z } from 'zod';
import { ANOMALY_FEEDBACK, ANOMALY_STATUSES, FORECAST_METHODS, MONITORS, SEVERITIES } from '../analysis/constants.js';
import { isCalendarDate, MAX_YEAR, MIN_YEAR } from '../costs/dates.js';
import { defineRoute } from '../http/route.js';
import { checkFilterKeys, dimensionFilterShape, filtersOf } from './filters.js';
import { entityId, isoDateTime, listOf, pageQuery } from './common.js';

/**
 * Anomalies and forecasts (shared/analysis/). Money is an exact decimal string with `currency`
 * beside it; forecast amounts are rounded to cents; percentages are decimal strings with 2 digits.
 */

const money = z.string().describe('Decimal amount in `currency`');
const day = z.string().describe('yyyy-mm-dd');
const pct = z.string().nullable().describe('Percent with 2 decimals ("12.50" = 12.5 %); null when it cannot be measured');

const date = (what: string) =>
  z.iso
    .date({ message: 'must be a date yyyy-mm-dd' })
    .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || isCalendarDate(s), `must be from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31`)
    .optional()
    .describe(what);

// ---- Anomalies ----

export const anomalyStatus = z.enum(ANOMALY_STATUSES);
export const anomalySeverity = z.enum(SEVERITIES);

export const anomalyQuery = pageQuery
  .extend({
    status: anomalyStatus.optional().describe('Only anomalies in this state'),
    severity: anomalySeverity.optional().describe('Only anomalies of this severity'),
    start: date('Anomalies that started on or after this day'),
    end: date('Anomalies that started before this day (exclusive)'),
  })
  .strict()
  .refine((q) => !q.start || !q.end || q.start < q.end, { path: ['end'], message: 'end must be after start (end is exclusive)' });

const contributor = z.object({
  service: z.string(),
  account: z.string(),
  accountName: z.string().nullable(),
  region: z.string(),
  usageType: z.string(),
  actual: money.describe('Mean cost per anomalous day'),
  expected: money.describe('Mean expected cost per anomalous day'),
  delta: money.describe('actual - expected, per day'),
  description: z.string().describe('e.g. "Amazon Elastic Compute Cloud in eu-west-1, account demo-prod, usage type EUW1-BoxUsage:c5.9xlarge: +$327.54/day"'),
});

const anomalyFields = {
  id: z.string(),
  status: anomalyStatus,
  severity: anomalySeverity,
  feedback: z.enum(ANOMALY_FEEDBACK).nullable().describe('expected: planned or known (repeats of the same cause are ignored); real: a true anomaly'),
  note: z.string().nullable(),
  monitor: z.enum(MONITORS).describe('The series it was found in: the tenant total, or one service, account, region or usage type'),
  dimensionValue: z.string().describe('The service, account, region or usage type ("" for the total)'),
  dimensionName: z.string().describe('Display name (an account\'s name; "Total" for the total)'),
  startDate: day,
  endDate: day.describe('The last anomalous day (inclusive)'),
  currency: z.string(),
  impact: money.describe('Cost above the expected over the anomalous days'),
  impactPerDay: money,
  actual: money.describe('Cost over the anomalous days, in the monitored series'),
  expected: money.describe('Expected cost over the same days'),
  score: z.string().describe('Peak robust score: standard deviations above the expected'),
  rootCause: z.string().describe('The top contributor in words'),
  suppressed: z.boolean().describe('Ignored because an earlier anomaly of the same cause was marked expected'),
  detectedAt: isoDateTime,
  updatedAt: isoDateTime,
};

export const anomalySummary = z.object(anomalyFields).meta({ id: 'AnomalySummary' });

export const anomalyDetail = z
  .object({
    ...anomalyFields,
    contributors: z.array(contributor).describe('Cells (service, account, region, usage type) ranked by dollar delta per day'),
    flaggedBy: z.array(z.object({ monitor: z.enum(MONITORS), dimensionValue: z.string() })).describe('Every series that flagged it'),
    series: z
      .array(z.object({ date: day, actual: money, expected: money.nullable() }))
      .describe('The monitored series from 4 weeks before to a week after, with what was expected each day'),
    statusChangedBy: z.string().nullable(),
    statusChangedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'Anomaly' });

export const updateAnomalyRequest = z
  .strictObject({
    status: anomalyStatus.optional(),
    feedback: z.enum(ANOMALY_FEEDBACK).nullable().optional(),
    note: z.string().trim().max(1000).nullable().optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of status, feedback, note' });

// ---- Forecast ----

export const MAX_FORECAST_DAYS = 365;

const forecastShape = {
  horizon: z.enum(['month', 'quarter', 'days']).default('month').describe('To the end of this month, of this quarter, or `days` days from today'),
  days: z.coerce.number().int().min(1).max(MAX_FORECAST_DAYS).optional().describe(`With horizon=days: how many days (1-${MAX_FORECAST_DAYS})`),
  metric: z.enum(['billed', 'effective']).default('billed').describe('billed (invoice) or effective (amortized, after discounts) cost'),
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD').optional().describe('Default: the currency with the most spend'),
  ...dimensionFilterShape,
};

const FORECAST_KEYS = new Set(Object.keys(forecastShape));

/** The cost APIs' filter grammar: filter[<dimension>] and filter[tag:<key>], OR within, AND across. */
export const forecastQuery = z
  .object(forecastShape)
  .catchall(z.unknown())
  .superRefine(
    (query, ctx) => {
      checkFilterKeys(query, FORECAST_KEYS, ctx);
      const { horizon, days } = query as { horizon?: unknown; days?: unknown };
      if (horizon === 'days' && days === undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'horizon=days needs days (1-365)', input: days });
      if (horizon !== 'days' && days !== undefined) ctx.addIssue({ code: 'custom', path: ['days'], message: 'days applies only with horizon=days', input: days });
    },
    { when: () => true },
  )
  .transform((query) => {
    const filters = filtersOf(query);
    return { horizon: query.horizon, days: query.days, metric: query.metric, currency: query.currency, filters };
  });

const interval = {
  lower80: money,
  upper80: money,
  lower95: money,
  upper95: money,
};

export const costForecast = z
  .object({
    metric: z.enum(['billed', 'effective']),
    currency: z.string(),
    horizon: z.enum(['month', 'quarter', 'days']),
    method: z.enum(FORECAST_METHODS).describe('The method the backtest chose (mean: too little history to backtest)'),
    backtest: z.object({
      mape: pct.describe("The chosen method's mean absolute percentage error on the tenant's own history"),
      seasonalNaiveMape: pct.describe('The same for seasonal-naive (each day = the same weekday a week before)'),
      candidates: z.array(z.object({ method: z.enum(FORECAST_METHODS), mape: pct })),
      origins: z.number().int().describe('Backtest forecasts made (origins a week apart)'),
      horizonDays: z.number().int().describe('Days forecast from each origin'),
    }),
    historyStart: day.nullable(),
    dataThrough: day.nullable().describe('The last day with cost data; the forecast starts the day after'),
    start: day.describe('First forecast day'),
    end: day.describe('Day after the last forecast day (exclusive)'),
    month: z
      .object({
        period: z.string().describe('yyyy-mm: the month of today in the tenant\'s time zone'),
        actual: money.describe('Month to date'),
        forecast: money.describe('Month to date plus the forecast to the end of the month'),
        ...interval,
      })
      .describe('The month total with its intervals'),
    total: z.object({ forecast: money, ...interval }).describe('Sum of the forecast points'),
    points: z.array(z.object({ date: day, amount: money, ...interval })),
  })
  .meta({ id: 'CostForecast' });

// ---- Detection settings ----

export const anomalySettings = z
  .object({
    thresholds: z.object({
      minImpactPerDay: z.number().describe("A day's increase over its expected cost, in the tenant's currency, at least"),
      minDeviationPercent: z.number().describe('The increase in percent of the expected daily cost, at least'),
      minScore: z.number().describe('The increase in robust standard deviations (MAD), at least'),
    }),
    defaults: z.object({ minImpactPerDay: z.number(), minDeviationPercent: z.number(), minScore: z.number() }),
    metric: z.enum(['billed', 'effective']).describe('The cost analysed: effective (amortized) unless set to billed'),
  })
  .meta({ id: 'AnomalySettings' });

export const updateAnomalySettingsRequest = z
  .strictObject({
    minImpactPerDay: z.number().min(0).max(1_000_000).optional(),
    minDeviationPercent: z.number().min(0).max(10_000).optional(),
    minScore: z.number().min(1).max(50).optional(),
    metric: z.enum(['billed', 'effective']).optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one of minImpactPerDay, minDeviationPercent, minScore, metric' });

export const analysisRoutes = {
  listAnomalies: defineRoute({
    operationId: 'listAnomalies',
    method: 'GET',
    path: '/v1/anomalies',
    domain: 'analysis',
    tag: 'Anomalies',
    summary: 'Detected cost anomalies, newest first, filtered by status, severity and start date',
    access: { permission: 'anomalies:read' },
    query: anomalyQuery,
    response: listOf(anomalySummary),
    status: 200,
  }),
  getAnomaly: defineRoute({
    operationId: 'getAnomaly',
    method: 'GET',
    path: '/v1/anomalies/{id}',
    domain: 'analysis',
    tag: 'Anomalies',
    summary: 'One anomaly with its contributors (root cause) and the series around it',
    access: { permission: 'anomalies:read' },
    params: z.object({ id: entityId }),
    response: anomalyDetail,
    status: 200,
  }),
  getAnomalySettings: defineRoute({
    operationId: 'getAnomalySettings',
    method: 'GET',
    path: '/v1/anomalies/settings',
    domain: 'analysis',
    tag: 'Anomalies',
    summary: "The tenant's detection thresholds (a day must clear all three) and the cost analysed",
    access: { permission: 'anomalies:read' },
    response: anomalySettings,
    status: 200,
  }),
  updateAnomalySettings: defineRoute({
    operationId: 'updateAnomalySettings',
    method: 'PATCH',
    path: '/v1/anomalies/settings',
    domain: 'analysis',
    tag: 'Anomalies',
    summary: 'Tune detection for this tenant: fewer, larger anomalies (and alerts) or more sensitivity; applies from the next analysis',
    access: { permission: 'alerts:write' },
    body: updateAnomalySettingsRequest,
    example: { minImpactPerDay: 100, minDeviationPercent: 25 },
    response: anomalySettings,
    status: 200,
  }),
  updateAnomaly: defineRoute({
    operationId: 'updateAnomaly',
    method: 'PATCH',
    path: '/v1/anomalies/{id}',
    domain: 'analysis',
    tag: 'Anomalies',
    summary: 'Acknowledge, resolve or ignore an anomaly, and give feedback (expected suppresses repeats of its cause)',
    access: { permission: 'anomalies:write' },
    params: z.object({ id: entityId }),
    body: updateAnomalyRequest,
    example: { status: 'acknowledged', feedback: 'real', note: 'Load test left running' },
    response: anomalyDetail,
    status: 200,
  }),
  forecast: defineRoute({
    operationId: 'getCostForecast',
    method: 'GET',
    path: '/v1/forecast',
    domain: 'analysis',
    tag: 'Forecast',
    summary: `Daily cost forecast to the end of the month, the quarter or N days (at most ${MAX_FORECAST_DAYS}), with 80 % and 95 % intervals and the backtest MAPE`,
    access: { permission: 'forecasts:read' },
    query: forecastQuery,
    response: costForecast,
    status: 200,
  }),
};
