import { z } from 'zod';
import { BUDGET_PERIODS, BUDGET_STATUSES, MAX_HISTORY_PERIODS, MAX_THRESHOLDS, THRESHOLD_BASES } from '../budgets/constants.js';
import { isTagDimension } from '../costs/plan.js';
import { DIMENSIONS } from '../costs/rollups.js';
import { defineRoute } from '../http/route.js';
import { emptyResponse, idParams, isoDateTime, listOf, pageQuery } from './common.js';
import { TAG_KEY_MAX_LENGTH } from './filters.js';

/**
 * Budgets (shared/budgets/): an amount per calendar month, quarter or year over a scope written in
 * the one filter grammar (`{"service": ["A", "B"], "tag:env": ["prod"]}`: OR within a dimension,
 * AND across), thresholds on actual and forecasted spend, and the status of the current period.
 * Money is an exact decimal string with `currency` beside it.
 */

const money = z.string().describe('Decimal amount in `currency`');
const day = z.string().describe('yyyy-mm-dd');

/** A positive decimal with at most 15 integer and 6 fractional digits (no exponent, no sign). */
export const budgetAmount = z
  .string()
  .trim()
  .regex(/^\d{1,15}(\.\d{1,6})?$/, 'must be a decimal amount such as "1500" or "1500.50" (at most 6 decimals)')
  .refine((s) => /[1-9]/.test(s), 'must be more than 0')
  .describe('Exact decimal string');

const FILTER_VALUE_MAX = 256;
const FILTER_VALUES_MAX = 100;
const FILTER_HELP = `a dimension (${DIMENSIONS.join(', ')}) or tag:<key>`;

/**
 * The scope: cost-view filters as a JSON object, dimension -> values. The same dimensions and
 * combinations as `filter[...]` in the cost APIs: a tag filter stands alone (tag spend is stored
 * per tag, not per service or account), so it cannot be combined with another dimension.
 */
export const budgetFilters = z
  .record(z.string(), z.array(z.string().max(FILTER_VALUE_MAX)).min(1).max(FILTER_VALUES_MAX))
  .superRefine((filters, ctx) => {
    const dims = Object.keys(filters);
    for (const dimension of dims) {
      if (!(DIMENSIONS as readonly string[]).includes(dimension) && !isTagDimension(dimension)) {
        ctx.addIssue({ code: 'custom', path: [dimension], message: `unknown dimension "${dimension.slice(0, 40)}": use ${FILTER_HELP}` });
      } else if (isTagDimension(dimension) && dimension.length - 4 > TAG_KEY_MAX_LENGTH) {
        ctx.addIssue({ code: 'custom', path: [dimension], message: `a tag key has at most ${TAG_KEY_MAX_LENGTH} characters` });
      }
    }
    const tags = dims.filter(isTagDimension);
    if (tags.length && dims.length > 1) {
      ctx.addIssue({
        code: 'custom',
        path: [tags[0]!],
        message: 'a tag filter cannot be combined with another filter: tag spend is stored per tag key, not per service, account or other tag',
      });
    }
  })
  .transform((filters) => Object.fromEntries(Object.entries(filters).map(([d, values]) => [d, [...new Set(values)]])))
  .describe('Scope: dimension (service, account, region, chargeCategory, usageType or tag:<key>) -> values; {} is all spend');

export const budgetThreshold = z.strictObject({
  percent: z.number().int('must be a whole percent').min(1).max(1000).describe('Percent of the amount'),
  on: z.enum(THRESHOLD_BASES).describe('actual: spend so far crosses it; forecasted: the forecast for the period does'),
});

const thresholds = z
  .array(budgetThreshold)
  .max(MAX_THRESHOLDS)
  .refine((list) => new Set(list.map((t) => `${t.on}:${t.percent}`)).size === list.length, 'each threshold (percent and on) may appear once');

const budgetFields = {
  name: z.string().trim().min(1).max(100),
  amount: budgetAmount,
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD'),
  period: z.enum(BUDGET_PERIODS).describe('Calendar month, quarter or year in the tenant\'s time zone'),
  metric: z.enum(['billed', 'effective']).describe('billed (invoice) or effective (amortized, after discounts) cost'),
  filters: budgetFilters,
  thresholds,
};

export const createBudgetRequest = z.strictObject({
  ...budgetFields,
  currency: budgetFields.currency.default('USD'),
  metric: budgetFields.metric.default('billed'),
  filters: budgetFields.filters.default({}),
  thresholds: thresholds.default([
    { percent: 80, on: 'actual' },
    { percent: 100, on: 'actual' },
    { percent: 100, on: 'forecasted' },
  ]),
});

export const updateBudgetRequest = z
  .strictObject({
    name: budgetFields.name.optional(),
    amount: budgetFields.amount.optional(),
    currency: budgetFields.currency.optional(),
    period: budgetFields.period.optional(),
    metric: budgetFields.metric.optional(),
    filters: budgetFields.filters.optional(),
    thresholds: thresholds.optional(),
  })
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });

const periodShape = z.object({
  label: z.string().describe('2026-03, 2026-Q1 or 2026'),
  start: day,
  end: day.describe('Day after the last day (exclusive)'),
});

const crossed = z.array(budgetThreshold).describe('Thresholds crossed in this period');

export const budgetStatus = z
  .object({
    period: periodShape,
    spent: money.describe('Spend so far in the period (exact, from the cost rollups)'),
    forecast: money.describe('Spent plus the forecast to the end of the period (cents)'),
    spentPercent: z.string().nullable().describe('spent / amount in percent, 2 decimals'),
    forecastPercent: z.string().nullable(),
    status: z.enum(BUDGET_STATUSES).describe('exceeded: spent over the amount; at_risk: forecast over the amount or a forecasted threshold crossed'),
    thresholdsCrossed: crossed,
    dataThrough: day.nullable().describe('The last day with cost data'),
  })
  .meta({ id: 'BudgetStatus' });

export const budget = z
  .object({
    id: z.string(),
    ...budgetFields,
    createdAt: isoDateTime,
    createdBy: z.string(),
    updatedAt: isoDateTime,
    current: budgetStatus,
  })
  .meta({ id: 'Budget' });

export const budgetHistoryQuery = z.strictObject({
  periods: z.coerce.number().int().min(1).max(MAX_HISTORY_PERIODS).default(12).describe(`Past periods, newest first (1-${MAX_HISTORY_PERIODS})`),
});

export const budgetHistory = z
  .object({
    budgetId: z.string(),
    currency: z.string(),
    items: z.array(
      z.object({
        period: periodShape,
        amount: money.describe('The amount recorded when the period was evaluated, else the current amount'),
        actual: money,
        actualPercent: z.string().nullable(),
        status: z.enum(BUDGET_STATUSES),
        thresholdsCrossed: crossed,
      }),
    ),
  })
  .meta({ id: 'BudgetHistory' });

export const budgetRoutes = {
  list: defineRoute({
    operationId: 'listBudgets',
    method: 'GET',
    path: '/v1/budgets',
    domain: 'budgets',
    tag: 'Budgets',
    summary: 'Budgets, each with the status of its current period',
    access: { permission: 'budgets:read' },
    query: pageQuery,
    response: listOf(budget),
    status: 200,
  }),
  create: defineRoute({
    operationId: 'createBudget',
    method: 'POST',
    path: '/v1/budgets',
    domain: 'budgets',
    tag: 'Budgets',
    summary: 'Create a budget: an amount per month, quarter or year over a scope of cost filters, with thresholds',
    access: { permission: 'budgets:write' },
    body: createBudgetRequest,
    example: { name: 'Production compute', amount: '25000', currency: 'USD', period: 'monthly', filters: { 'tag:env': ['prod'] }, thresholds: [{ percent: 80, on: 'actual' }, { percent: 100, on: 'forecasted' }] },
    response: budget,
    status: 201,
  }),
  get: defineRoute({
    operationId: 'getBudget',
    method: 'GET',
    path: '/v1/budgets/{id}',
    domain: 'budgets',
    tag: 'Budgets',
    summary: 'One budget with the status of its current period',
    access: { permission: 'budgets:read' },
    params: idParams,
    response: budget,
    status: 200,
  }),
  update: defineRoute({
    operationId: 'updateBudget',
    method: 'PATCH',
    path: '/v1/budgets/{id}',
    domain: 'budgets',
    tag: 'Budgets',
    summary: 'Change a budget',
    access: { permission: 'budgets:write' },
    params: idParams,
    body: updateBudgetRequest,
    example: { amount: '30000' },
    response: budget,
    status: 200,
  }),
  delete: defineRoute({
    operationId: 'deleteBudget',
    method: 'DELETE',
    path: '/v1/budgets/{id}',
    domain: 'budgets',
    tag: 'Budgets',
    summary: 'Delete a budget and its recorded periods',
    access: { permission: 'budgets:write' },
    params: idParams,
    response: emptyResponse,
    status: 204,
  }),
  history: defineRoute({
    operationId: 'getBudgetHistory',
    method: 'GET',
    path: '/v1/budgets/{id}/history',
    domain: 'budgets',
    tag: 'Budgets',
    summary: 'Past periods of a budget: amount, actual spend and status, newest first',
    access: { permission: 'budgets:read' },
    params: idParams,
    query: budgetHistoryQuery,
    response: budgetHistory,
    status: 200,
  }),
};
