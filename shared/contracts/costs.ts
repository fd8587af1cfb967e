import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { isCalendarDate, MAX_YEAR, MIN_YEAR } from '../costs/dates.js';
import { isDimension, isTagDimension, METRICS, type GroupBy } from '../costs/plan.js';
import { DEFAULT_TOP, MAX_RANGE_DAYS, MAX_TOP, rangeIssues } from '../costs/query.js';
import { DIMENSIONS } from '../costs/rollups.js';
import { checkFilterKeys, dimensionFilterShape, filtersOf, TAG_KEY_MAX_LENGTH } from './filters.js';

/**
 * Cost views over the ingested billing data (see shared/costs/). Conventions:
 * - dates are `yyyy-mm-dd`, ranges `[start, end)` (end exclusive), at most MAX_RANGE_DAYS days;
 *   without them a view covers month to date in the tenant's time zone;
 * - money is an exact decimal string (2 or more fraction digits) with `currency` beside it;
 *   percentages (`share`, `change.percent`) are decimal strings with 2 digits, e.g. "12.50" = 12.5 %;
 * - currencies are never added together: a view shows one `currency` (the `currency` parameter, else
 *   the one with the most spend in the view) and lists every currency's total in `currencies`;
 * - filters: `filter[service]=A&filter[service]=B&filter[tag:env]=prod`, OR within a dimension, AND
 *   across; dimensions service, account, region, usageType, chargeCategory, tag:<key>. An empty
 *   value matches spend without that dimension ("(none)"); `filter[tag:<key>]=(untagged)` matches
 *   spend without the tag key.
 */

const inYears = (s: string) => Number(s.slice(0, 4)) >= MIN_YEAR && Number(s.slice(0, 4)) <= MAX_YEAR;

const date = (what: string) =>
  z.iso
    .date({ message: 'must be a date yyyy-mm-dd' })
    // Only the year: a malformed date already has its message from the format check.
    .refine((s) => !/^\d{4}-\d{2}-\d{2}$/.test(s) || inYears(s), `must be from ${MIN_YEAR}-01-01 to ${MAX_YEAR}-12-31`)
    .optional()
    .describe(what);

const rangeShape = {
  start: date('First day, yyyy-mm-dd (inclusive). Default: the first day of the month of end - 1 day'),
  end: date("Day after the last day, yyyy-mm-dd (exclusive). Default: tomorrow in the tenant's time zone"),
  metric: z.enum(METRICS).default('billed').describe('billed (invoice), effective (amortized, after discounts) or list cost'),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as USD')
    .optional()
    .describe('Show this currency. Default: the currency with the most spend in the view'),
};

/**
 * A cost query: the shape's own fields, the dimension filters, and `filter[tag:<key>]` for any key.
 * Unknown fields and unknown filter dimensions are 400s naming the field (`query.filter[x]`).
 */
function costQuery<S extends z.ZodRawShape>(shape: S) {
  const known = new Set([...Object.keys(rangeShape), ...Object.keys(dimensionFilterShape), ...Object.keys(shape)]);
  return z
    .object({ ...rangeShape, ...shape, ...dimensionFilterShape })
    .catchall(z.unknown())
    .superRefine(
      (query, ctx) => {
        checkFilterKeys(query, known, ctx);
        const { start, end } = query as { start?: unknown; end?: unknown };
        if (typeof start === 'string' && typeof end === 'string' && isCalendarDate(start) && isCalendarDate(end)) {
          for (const issue of rangeIssues(start, end)) ctx.addIssue({ code: 'custom', path: ['end'], message: issue.message, input: end });
        }
      },
      // Also when a field failed: every problem is reported at once.
      { when: () => true },
    )
    .transform((query) => {
      const filters = filtersOf(query);
      const own = Object.fromEntries(Object.keys({ ...rangeShape, ...shape }).map((k) => [k, query[k]])) as z.output<z.ZodObject<typeof rangeShape & S>>;
      return { ...own, filters };
    });
}

const groupBy = z
  .string()
  .max(4 + TAG_KEY_MAX_LENGTH)
  .refine((g) => isDimension(g) || g === 'resource' || isTagDimension(g), `must be one of ${DIMENSIONS.join(', ')}, resource or tag:<key>`)
  .default('service')
  .transform((g) => g as GroupBy)
  .describe(`${DIMENSIONS.join(', ')}, resource, or tag:<key> (spend without the tag is the "(untagged)" row). Filters: filter[<dimension>] and filter[tag:<key>]`);

export const overviewQuery = costQuery({});
export const breakdownQuery = costQuery({
  groupBy,
  granularity: z.enum(['daily', 'monthly']).optional().describe('Points per day, or per month (dated the 1st). Default: daily (monthly for groupBy=resource)'),
  top: z.coerce.number().int().min(1).max(MAX_TOP).default(DEFAULT_TOP).describe(`Rows shown; the rest are summed into "other" (1-${MAX_TOP})`),
});
export const topResourcesQuery = costQuery({
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Resources shown (1-500); the list is not paged'),
});

// ---- Responses ----

const money = z.string().describe('Exact decimal amount in `currency`');
const pct = z.string().nullable().describe('Percent with 2 decimals ("12.50" = 12.5 %); null when undefined (division by zero)');
const day = z.string().describe('yyyy-mm-dd');
const metric = z.enum(METRICS);

const currencies = z.array(z.object({ currency: z.string(), total: money })).describe('Every currency in the view, each on its own; never summed together');
const freshness = {
  estimated: z.boolean().describe('True while a billing period in the range is still estimated (not yet invoiced)'),
  dataUpdatedAt: z.string().nullable().describe('When the newest billing data in the range landed'),
};
const change = z.object({ amount: money, percent: pct.describe('(current - previous) / |previous| in percent; null when previous is 0') });
const points = z.array(z.object({ date: day, amount: money })).describe('One point per day (or month, dated the 1st) of the range, zeros included');

export const costOverview = z
  .object({
    start: day,
    end: day,
    metric,
    currency: z.string(),
    total: money,
    previous: z.object({ start: day, end: day, total: money }).describe('The equal-length period just before start'),
    change,
    monthToDate: z.object({ start: day, end: day, total: money }).describe("This month to today, in the tenant's time zone"),
    topMovers: z
      .array(z.object({ key: z.string(), name: z.string(), current: money, previous: money, change }))
      .describe('Up to 5 services with the largest absolute change against the previous period'),
    currencies,
    ...freshness,
  })
  .meta({ id: 'CostOverview' });

export const costBreakdown = z
  .object({
    start: day,
    end: day,
    groupBy: z.string(),
    granularity: z.enum(['daily', 'monthly']),
    metric,
    currency: z.string(),
    total: money,
    rows: z.array(
      z.object({
        key: z.string().describe('The dimension value ("" for none, "(untagged)" for spend without the tag); usable as a filter value'),
        name: z.string().describe('Display name: the account name for accounts, "(none)" for an empty key'),
        amount: money,
        share: pct.describe('Percent of total; null when the total is not positive'),
        points,
      }),
    ),
    other: z
      .object({ count: z.number().int(), amount: money, share: pct, points })
      .nullable()
      .describe('The groups beyond top, summed; null when there are none'),
    currencies,
    ...freshness,
  })
  .meta({ id: 'CostBreakdown' });

export const topResources = z
  .object({
    start: day.describe('First day of the first whole billing period covered'),
    end: day.describe('First day after the last whole billing period covered'),
    periods: z.array(z.string()).describe('Billing periods (yyyy-mm) covered: resource rows are stored per period, so the range widens to whole months'),
    metric,
    currency: z.string(),
    total: money.describe('Spend attributed to a resource id in these periods (after filters); shares are of this'),
    items: z.array(
      z.object({
        resourceId: z.string(),
        service: z.string(),
        account: z.string(),
        accountName: z.string().nullable(),
        region: z.string(),
        amount: money,
        share: pct.describe('Percent of total'),
      }),
    ),
    nextCursor: z.null(),
    currencies,
    ...freshness,
  })
  .meta({ id: 'TopResources' });

export const costRoutes = {
  overview: defineRoute({
    operationId: 'getCostOverview',
    method: 'GET',
    path: '/v1/costs/overview',
    domain: 'costs',
    tag: 'Costs',
    summary: `Total for [start, end), the previous equal period and change, month to date, and the top movers by service (range at most ${MAX_RANGE_DAYS} days)`,
    access: { permission: 'costs:read' },
    query: overviewQuery,
    response: costOverview,
    status: 200,
  }),
  breakdown: defineRoute({
    operationId: 'getCostBreakdown',
    method: 'GET',
    path: '/v1/costs/breakdown',
    domain: 'costs',
    tag: 'Costs',
    summary: 'Spend grouped by a dimension, tag key or resource: top rows with share and a time series each, plus "other"',
    access: { permission: 'costs:read' },
    query: breakdownQuery,
    response: costBreakdown,
    status: 200,
  }),
  topResources: defineRoute({
    operationId: 'getTopResources',
    method: 'GET',
    path: '/v1/costs/resources/top',
    domain: 'costs',
    tag: 'Costs',
    summary: 'The most expensive resources over the whole billing periods (months) the range touches',
    access: { permission: 'costs:read' },
    query: topResourcesQuery,
    response: topResources,
    status: 200,
  }),
};
