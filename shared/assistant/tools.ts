import { z } from 'zod';
import { ANOMALY_STATUSES, SEVERITIES } from '../analysis/constants.js';
import { costForecast } from '../analysis/forecast-view.js';
import type { AnomalyStore } from '../analysis/store.js';
import { currentStatus } from '../budgets/evaluate.js';
import type { BudgetStore } from '../budgets/store.js';
import { anomalyQuery, forecastQuery } from '../contracts/analysis.js';
import { breakdownQuery, overviewQuery, topResourcesQuery } from '../contracts/costs.js';
import { recommendationQuery } from '../contracts/recommendations.js';
import { DIMENSIONS } from '../costs/rollups.js';
import { percent, type CostQueries } from '../costs/query.js';
import { queryFingerprint } from '../db/cursor.js';
import { isDomainError } from '../errors.js';
import { formatDecimal, parseDecimal } from '../money.js';
import { CATEGORIES, RECOMMENDATION_STATUSES } from '../recommendations/model.js';
import type { RecommendationStore } from '../recommendations/store.js';
import { formatUsd } from '../recommendations/store.js';
import type { AssistantToolName } from './constants.js';
import type { Source } from './model.js';

/**
 * The assistant's tools: tenant-scoped functions both engines call. Each runs the same domain code
 * as the REST route it mirrors (CostQueries, costForecast, AnomalyStore, currentStatus,
 * RecommendationStore) and validates its input with that route's own query schema, so a tool accepts
 * exactly what the API accepts. The tenant is bound when the tools are built (from the authorizer's
 * context); no input schema has a tenant field, and unknown fields a model sends are dropped.
 */
export interface ToolDeps {
  tenantId: string;
  /** "Today" in the tenant's time zone. */
  today: string;
  queries: CostQueries;
  anomalies: AnomalyStore;
  budgets: BudgetStore;
  /** Null where the recommendations store is not available: the recommendation tools are left out. */
  recommendations: RecommendationStore | null;
}

export interface ToolRun {
  /** What the model (or the local renderer) reads: compact, JSON. */
  data: unknown;
  summary: string;
  values: Record<string, string>;
}

export interface AssistantTool {
  name: AssistantToolName;
  description: string;
  /** The input schema (also sent to Bedrock as JSON Schema). */
  input: z.ZodType;
  run(input: unknown): Promise<ToolRun>;
}

/** A tool's input failed its checks: the model gets the messages back as an error result. */
export class ToolInputError extends Error {
  constructor(readonly issues: Array<{ field: string; message: string }>) {
    super(issues.map((i) => `${i.field}: ${i.message}`).join('; '));
    this.name = 'ToolInputError';
  }
}

const MAX_ROWS = 50;
const day = z.string().describe('yyyy-mm-dd');

const filtersInput = z
  .object({
    ...Object.fromEntries(DIMENSIONS.map((d) => [d, z.array(z.string()).optional().describe(`Only spend whose ${d} is one of these (exact values as the tools return them)`)])),
    tags: z.record(z.string(), z.array(z.string())).optional().describe('Tag key -> values, e.g. {"env": ["prod"]}'),
  })
  .optional()
  .describe('OR within a dimension, AND across');

const rangeInput = {
  start: day.optional().describe('First day (inclusive). Default: the first of this month'),
  end: day.optional().describe('Day after the last day (exclusive). Default: tomorrow'),
  metric: z.enum(['billed', 'effective', 'list']).optional().describe('billed (invoice, default), effective (amortized) or list'),
  currency: z.string().optional(),
  filters: filtersInput,
};

type Filters = { tags?: Record<string, string[]> } & Partial<Record<(typeof DIMENSIONS)[number], string[]>>;

/** The tool's filters in the API's query grammar: filter[service]=..., filter[tag:env]=... */
function queryOf(input: Record<string, unknown>, fields: readonly string[]): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  for (const f of fields) if (input[f] !== undefined) query[f] = input[f];
  const filters = (input.filters ?? {}) as Filters;
  for (const d of DIMENSIONS) if (filters[d]?.length) query[`filter[${d}]`] = filters[d];
  for (const [key, values] of Object.entries(filters.tags ?? {})) if (values.length) query[`filter[tag:${key}]`] = values;
  return query;
}

function parseWith<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ToolInputError(parsed.error.issues.map((i) => ({ field: i.path.map(String).join('.') || '(input)', message: i.message })));
  return parsed.data;
}

/** Parses the tool's own input (unknown fields dropped), then the route's query schema. */
function checked<T>(own: z.ZodType<T>, input: unknown): T {
  return parseWith(own, input ?? {});
}

const money = (amount: string, currency: string) => `${amount} ${currency}`;
const abs = (v: bigint) => (v < 0n ? -v : v);

export function assistantTools(deps: ToolDeps): Map<AssistantToolName, AssistantTool> {
  const { tenantId, today, queries } = deps;
  const tools: AssistantTool[] = [];

  const overviewInput = z.object(rangeInput);
  tools.push({
    name: 'cost_overview',
    description: 'Total cost for a date range [start, end), the previous equal-length period and the change, month to date, and the services that moved most.',
    input: overviewInput,
    async run(raw) {
      const input = checked(overviewInput, raw);
      const q = parseWith(overviewQuery, queryOf(input, ['start', 'end', 'metric', 'currency']));
      const o = await queries.overview(q, today);
      const data = {
        start: o.start,
        end: o.end,
        metric: o.metric,
        currency: o.currency,
        total: o.total,
        previous: o.previous,
        change: o.change,
        monthToDate: o.monthToDate,
        topMovers: o.topMovers.map((m) => ({ service: m.name, current: m.current, previous: m.previous, change: m.change })),
        estimated: o.estimated,
      };
      const values: Record<string, string> = { total: o.total, 'previous.total': o.previous.total, 'change.amount': o.change.amount, 'monthToDate.total': o.monthToDate.total };
      if (o.change.percent !== null) values['change.percent'] = o.change.percent;
      for (const m of o.topMovers) values[`mover.${m.name}.change`] = m.change.amount;
      return { data, summary: `${money(o.total, o.currency)} from ${o.start} to ${o.end} (previous period ${money(o.previous.total, o.currency)})`, values };
    },
  });

  const breakdownInput = z.object({
    ...rangeInput,
    groupBy: z.string().optional().describe(`${DIMENSIONS.join(', ')}, resource or tag:<key>. Default: service`),
    granularity: z.enum(['daily', 'monthly']).optional().describe('monthly returns one point per month per row'),
    top: z.number().int().optional().describe(`Rows (1-${MAX_ROWS}); the rest are summed into "other". Default 10`),
  });
  tools.push({
    name: 'cost_breakdown',
    description: 'Cost for a date range grouped by a dimension (service, account, region, usageType, chargeCategory, resource or tag:<key>), largest first, with each row\'s share.',
    input: breakdownInput,
    async run(raw) {
      const input = checked(breakdownInput, raw);
      const q = parseWith(breakdownQuery, queryOf(input, ['start', 'end', 'metric', 'currency', 'groupBy', 'granularity', 'top']));
      const b = await queries.breakdown(q, today);
      const monthly = b.granularity === 'monthly';
      const data = {
        start: b.start,
        end: b.end,
        groupBy: b.groupBy,
        metric: b.metric,
        currency: b.currency,
        total: b.total,
        rows: b.rows.map((r) => ({ key: r.key, name: r.name, amount: r.amount, share: r.share, ...(monthly ? { months: r.points.map((p) => ({ month: p.date.slice(0, 7), amount: p.amount })) } : {}) })),
        other: b.other ? { count: b.other.count, amount: b.other.amount, share: b.other.share } : null,
      };
      const values: Record<string, string> = { total: b.total };
      for (const r of b.rows) values[`${r.name}`] = r.amount;
      if (b.other) values.other = b.other.amount;
      return { data, summary: `${money(b.total, b.currency)} by ${b.groupBy} from ${b.start} to ${b.end}: ${b.rows.length} rows${b.other ? ` and ${b.other.count} more` : ''}`, values };
    },
  });

  const period = z.object({ start: day, end: day.describe('Exclusive') });
  const compareInput = z.object({
    a: period.describe('The earlier period'),
    b: period.describe('The later period'),
    metric: rangeInput.metric,
    currency: rangeInput.currency,
    filters: filtersInput,
  });
  tools.push({
    name: 'compare_periods',
    description: 'Compares the cost of two date ranges exactly: each total, the change (b - a, amount and percent) and the services (or, with a tag filter, tag values) that changed most.',
    input: compareInput,
    async run(raw) {
      const input = checked(compareInput, raw);
      // The same grouping the filters allow: tag spend is stored per tag value, not per service.
      const tag = Object.keys(input.filters?.tags ?? {})[0];
      const groupBy = tag ? `tag:${tag}` : 'service';
      const [x, y] = await Promise.all(
        [input.a, input.b].map((p) => queries.breakdown(parseWith(breakdownQuery, queryOf({ ...input, ...p, groupBy, top: MAX_ROWS }, ['start', 'end', 'metric', 'currency', 'groupBy', 'top'])), today)),
      );
      const currency = input.currency ?? y!.currency;
      const amounts = (b: typeof x) => new Map([...b!.rows.map((r) => [r.name, parseDecimal(r.amount)] as const), ...(b!.other ? [['(other)', parseDecimal(b!.other.amount)] as const] : [])]);
      const [ax, bx] = [amounts(x), amounts(y)];
      const [totalA, totalB] = [parseDecimal(x!.total), parseDecimal(y!.total)];
      const movers = [...new Set([...ax.keys(), ...bx.keys()])]
        .map((name) => ({ name, a: ax.get(name) ?? 0n, b: bx.get(name) ?? 0n }))
        .map((m) => ({ ...m, delta: m.b - m.a }))
        .sort((m, n) => (abs(n.delta) > abs(m.delta) ? 1 : abs(n.delta) < abs(m.delta) ? -1 : m.name < n.name ? -1 : 1))
        .slice(0, 5)
        .map((m) => ({ name: m.name, a: formatDecimal(m.a), b: formatDecimal(m.b), change: formatDecimal(m.delta), percent: percent(m.delta, m.a) }));
      const data = {
        currency,
        groupBy,
        a: { start: x!.start, end: x!.end, total: x!.total },
        b: { start: y!.start, end: y!.end, total: y!.total },
        change: { amount: formatDecimal(totalB - totalA), percent: percent(totalB - totalA, totalA) },
        movers,
      };
      const values: Record<string, string> = { 'a.total': data.a.total, 'b.total': data.b.total, 'change.amount': data.change.amount };
      if (data.change.percent !== null) values['change.percent'] = data.change.percent;
      for (const m of movers) values[`mover.${m.name}.change`] = m.change;
      return { data, summary: `${money(data.a.total, currency)} (${data.a.start} to ${data.a.end}) against ${money(data.b.total, currency)} (${data.b.start} to ${data.b.end})`, values };
    },
  });

  const topInput = z.object({ ...rangeInput, limit: z.number().int().optional().describe(`Resources (1-${MAX_ROWS}). Default 10`) });
  tools.push({
    name: 'top_resources',
    description: 'The most expensive resources (instance ids, buckets, ...) over the whole months the range touches.',
    input: topInput,
    async run(raw) {
      const input = checked(topInput, raw);
      const q = parseWith(topResourcesQuery, { ...queryOf(input, ['start', 'end', 'metric', 'currency']), limit: Math.min(input.limit ?? 10, MAX_ROWS) });
      const t = await queries.topResources(q, today);
      const data = {
        start: t.start,
        end: t.end,
        periods: t.periods,
        currency: t.currency,
        total: t.total,
        items: t.items.map((i) => ({ resourceId: i.resourceId, service: i.service, account: i.accountName ?? i.account, region: i.region, amount: i.amount, share: i.share })),
      };
      const values: Record<string, string> = { total: t.total };
      for (const i of t.items) values[i.resourceId] = i.amount;
      return { data, summary: `${t.items.length} resources, ${money(t.total, t.currency)} attributed to resources in ${t.periods.join(', ')}`, values };
    },
  });

  const anomaliesInput = z.object({
    status: z.enum(ANOMALY_STATUSES).optional(),
    severity: z.enum(SEVERITIES).optional(),
    start: day.optional().describe('Anomalies that started on or after this day'),
    end: day.optional().describe('Anomalies that started before this day (exclusive)'),
    limit: z.number().int().optional().describe(`At most this many, newest first (1-${MAX_ROWS}). Default 10`),
  });
  tools.push({
    name: 'anomalies',
    description: 'Detected cost anomalies (unexpected spend increases), newest first, with their impact and root cause.',
    input: anomaliesInput,
    async run(raw) {
      const input = checked(anomaliesInput, raw);
      const { limit, cursor: _c, ...filter } = parseWith(anomalyQuery, { ...queryOf(input, ['status', 'severity', 'start', 'end']), limit: Math.min(input.limit ?? 10, MAX_ROWS) });
      const page = await deps.anomalies.list(tenantId, filter, limit);
      const items = page.items.map((a) => ({
        id: a.id,
        status: a.status,
        severity: a.severity,
        series: a.dimensionName,
        startDate: a.startDate,
        endDate: a.endDate,
        currency: a.currency,
        impact: a.impact,
        impactPerDay: a.impactPerDay,
        rootCause: a.rootCause,
      }));
      const values: Record<string, string> = {};
      for (const a of items) values[`${a.id}.impact`] = a.impact;
      return { data: { items }, summary: `${items.length} anomalies`, values };
    },
  });

  const forecastInput = z.object({
    horizon: z.enum(['month', 'quarter', 'days']).optional().describe('To the end of this month (default), of this quarter, or `days` days from today'),
    days: z.number().int().optional(),
    metric: z.enum(['billed', 'effective']).optional(),
    currency: z.string().optional(),
    filters: filtersInput,
  });
  tools.push({
    name: 'forecast',
    description: "Cost forecast to the end of this month or quarter (or N days), with 80 % intervals and this month's expected total.",
    input: forecastInput,
    async run(raw) {
      const input = checked(forecastInput, raw);
      const q = parseWith(forecastQuery, queryOf(input, ['horizon', 'days', 'metric', 'currency']));
      const f = await costForecast(queries, q, today);
      const data = {
        currency: f.currency,
        horizon: f.horizon,
        start: f.start,
        end: f.end,
        dataThrough: f.dataThrough,
        method: f.method,
        backtestMape: f.backtest.mape,
        month: { period: f.month.period, actual: f.month.actual, forecast: f.month.forecast, lower80: f.month.lower80, upper80: f.month.upper80 },
        total: { forecast: f.total.forecast, lower80: f.total.lower80, upper80: f.total.upper80 },
      };
      const values = { 'month.actual': f.month.actual, 'month.forecast': f.month.forecast, 'total.forecast': f.total.forecast, 'total.lower80': f.total.lower80, 'total.upper80': f.total.upper80 };
      return { data, summary: `${f.month.period}: ${money(f.month.forecast, f.currency)} expected (${money(f.month.actual, f.currency)} so far)`, values };
    },
  });

  const budgetsInput = z.object({ name: z.string().max(200).optional().describe('Only budgets whose name contains this (case-insensitive)') });
  tools.push({
    name: 'budgets',
    description: "The tenant's budgets with their current period: spent, forecast for the period, status (on_track, at_risk, exceeded) and percentages.",
    input: budgetsInput,
    async run(raw) {
      const input = checked(budgetsInput, raw);
      const all = await deps.budgets.all(tenantId);
      const wanted = input.name ? all.filter((b) => b.name.toLowerCase().includes(input.name!.toLowerCase())) : all;
      const items = await Promise.all(
        wanted.slice(0, MAX_ROWS).map(async (b) => {
          const s = await currentStatus(queries, b, today);
          return {
            id: b.id,
            name: b.name,
            amount: b.amount,
            currency: b.currency,
            period: b.period,
            scope: b.filters,
            current: { label: s.period.label, start: s.period.start, end: s.period.end, spent: s.spent, forecast: s.forecast, status: s.status, spentPercent: s.spentPercent, forecastPercent: s.forecastPercent, dataThrough: s.dataThrough },
          };
        }),
      );
      const values: Record<string, string> = {};
      for (const b of items) Object.assign(values, { [`${b.name}.amount`]: b.amount, [`${b.name}.spent`]: b.current.spent, [`${b.name}.forecast`]: b.current.forecast });
      return { data: { items }, summary: `${items.length} budgets${input.name ? ` matching "${input.name}"` : ''}`, values };
    },
  });

  const store = deps.recommendations;
  if (store) {
    tools.push({
      name: 'recommendations_summary',
      description: 'Open optimization recommendations: count and estimated monthly savings (USD): deduplicatedMonthlySavings is what can really be saved (alternatives for one resource counted once), monthlySavings the plain sum; by category and action type (plain sums).',
      input: z.object({}),
      async run() {
        const t = await store.totals(tenantId);
        const group = (map: Map<string, { count: number; monthly: bigint }>) =>
          [...map].sort(([, x], [, y]) => (x.monthly === y.monthly ? 0 : x.monthly > y.monthly ? -1 : 1)).map(([key, g]) => ({ key, count: g.count, monthlySavings: formatUsd(g.monthly) }));
        // As GET /v1/recommendations/summary: the plain sum, and what can really be saved (per resource the largest of its alternatives).
        const data = {
          currency: 'USD',
          open: {
            count: t.open.count,
            monthlySavings: formatUsd(t.open.monthly),
            annualSavings: formatUsd(t.open.monthly * 12n),
            deduplicatedMonthlySavings: formatUsd(t.open.deduplicated),
            deduplicatedAnnualSavings: formatUsd(t.open.deduplicated * 12n),
          },
          byCategory: group(t.byCategory),
          byActionType: group(t.byActionType),
        };
        const values: Record<string, string> = {
          'open.deduplicatedMonthlySavings': data.open.deduplicatedMonthlySavings,
          'open.deduplicatedAnnualSavings': data.open.deduplicatedAnnualSavings,
          'open.monthlySavings': data.open.monthlySavings,
        };
        for (const c of data.byCategory) values[`category.${c.key}`] = c.monthlySavings;
        return { data, summary: `${t.open.count} open recommendations, ${formatUsd(t.open.deduplicated)} USD a month (${formatUsd(t.open.monthly)} summed)`, values };
      },
    });
    const recommendationsInput = z.object({
      category: z.enum(CATEGORIES).optional(),
      status: z.enum(RECOMMENDATION_STATUSES).optional().describe('Default: open'),
      account: z.string().optional().describe('12-digit account id'),
      minSavings: z.string().optional().describe('Monthly savings at least this (USD)'),
      limit: z.number().int().optional().describe(`Largest savings first (1-${MAX_ROWS}). Default 10`),
    });
    tools.push({
      name: 'recommendations',
      description: 'Optimization recommendations, largest estimated monthly savings (USD) first, filtered by category (compute, storage, network, database, serverless, logging, commitments), status or account.',
      input: recommendationsInput,
      async run(raw) {
        const input = checked(recommendationsInput, raw);
        const { limit, cursor: _c, sort, resource: _r, ...filter } = parseWith(recommendationQuery, {
          ...queryOf(input, ['category', 'account', 'minSavings']),
          status: input.status ?? 'open',
          limit: Math.min(input.limit ?? 10, MAX_ROWS),
        });
        const page = await store.list(tenantId, filter, sort, limit, undefined, queryFingerprint('assistant-recommendations', { ...filter, sort }));
        const items = page.items.map((r) => ({
          title: r.title,
          category: r.category,
          resourceId: r.finding.resourceId,
          resourceName: r.finding.resourceName,
          account: r.finding.accountId,
          region: r.finding.region,
          actionType: r.finding.actionType,
          risk: r.finding.risk,
          currentMonthlyCost: r.finding.current.monthlyCost,
          estimatedMonthlySavings: r.finding.estimatedMonthlySavings,
          reason: r.finding.reason,
        }));
        const values: Record<string, string> = {};
        items.forEach((r, i) => (values[`${i + 1}. ${r.title}`] = r.estimatedMonthlySavings));
        return { data: { currency: 'USD', items, more: page.nextCursor !== null }, summary: `${items.length} recommendations${page.nextCursor ? ' (more exist)' : ''}`, values };
      },
    });
  }
  return new Map(tools.map((t) => [t.name, t]));
}

export interface ToolOutcome {
  /** Null when no such tool exists: nothing ran, so there is no source to show. */
  source: Source | null;
  /** The result (or `{ error }`) as the engine passes it on. */
  data: unknown;
  ok: boolean;
}

/** Runs one tool call; a bad input or a failure becomes an error result, never an exception. */
export async function runTool(tools: ReadonlyMap<AssistantToolName, AssistantTool>, name: string, input: unknown): Promise<ToolOutcome> {
  const shown = (input && typeof input === 'object' && !Array.isArray(input) ? input : {}) as Record<string, unknown>;
  const tool = tools.get(name as AssistantToolName);
  if (!tool) {
    const error = `unknown tool "${String(name).slice(0, 64)}"; the tools are ${[...tools.keys()].join(', ')}`;
    return { ok: false, data: { error }, source: null };
  }
  // What the tool really ran with: its own fields only (a tenant or any other extra field is dropped).
  const own = tool.input instanceof z.ZodObject ? Object.fromEntries(Object.entries(shown).filter(([k]) => k in (tool.input as z.ZodObject).shape)) : {};
  try {
    const run = await tool.run(own);
    return { ok: true, data: run.data, source: { tool: tool.name, input: own, summary: run.summary, values: run.values, error: null } };
  } catch (e) {
    const error = e instanceof ToolInputError ? `invalid input: ${e.message}` : isDomainError(e) ? e.message : 'the tool failed; try again later';
    if (!(e instanceof ToolInputError) && !isDomainError(e)) console.error('assistant tool failed', name, e);
    return { ok: false, data: { error }, source: { tool: tool.name, input: own, summary: 'failed', values: {}, error } };
  }
}
