import { costForecast } from '../analysis/forecast-view.js';
import { addDays, daysBetween } from '../costs/dates.js';
import { isTagDimension, type Filter, type FilterDimension } from '../costs/plan.js';
import type { CostQueries } from '../costs/query.js';
import { formatDecimal, parseDecimal } from '../money.js';
import type { BudgetPeriod } from './constants.js';
import { periodContaining, shiftPeriod, type PeriodRange } from './periods.js';
import { amountOf, budgetStatus, type StatusResult, type Threshold } from './status.js';

/**
 * A budget's spend and status, answered by the cost engine (so a scope means exactly what the same
 * filters mean in the cost APIs) and the analysis forecast. Spent is exact; the forecast adds the
 * forecast's daily points (cents) from the day after the last data to the end of the period.
 */
export interface BudgetTerms {
  amount: string;
  currency: string;
  period: BudgetPeriod;
  metric: 'billed' | 'effective';
  filters: Record<string, string[]>;
  thresholds: Threshold[];
}

export interface PeriodStatus extends StatusResult {
  period: PeriodRange;
  spent: string;
  forecast: string;
  dataThrough: string | null;
}

export interface PastPeriod extends Omit<StatusResult, 'forecastPercent' | 'spentPercent'> {
  period: PeriodRange;
  actual: string;
  actualPercent: string | null;
}

/** The scope as the cost engine's filters, sorted by dimension. */
export function filtersOf(scope: Record<string, string[]>): Filter[] {
  return Object.entries(scope)
    .map(([dimension, values]) => ({ dimension: dimension as FilterDimension, values: [...values] }))
    .sort((a, b) => (a.dimension < b.dimension ? -1 : 1));
}

/** Spend in `[start, end)` under the scope, exactly. */
async function spendIn(queries: CostQueries, terms: BudgetTerms, start: string, end: string, today: string): Promise<bigint> {
  const filters = filtersOf(terms.filters);
  // A tag scope is answered by that tag's rollup; anything else by the smallest rollup or the cube.
  const tag = filters.find((f) => isTagDimension(f.dimension));
  const view = await queries.breakdown(
    { start, end, metric: terms.metric, currency: terms.currency, filters, groupBy: tag ? tag.dimension : 'chargeCategory', granularity: 'monthly', top: 50 },
    today,
  );
  return parseDecimal(view.total);
}

/** The current period's spend, forecast and status; `today` is in the tenant's time zone. */
export async function currentStatus(queries: CostQueries, terms: BudgetTerms, today: string): Promise<PeriodStatus> {
  const period = periodContaining(terms.period, today);
  const [spent, forecast] = await Promise.all([
    spendIn(queries, terms, period.start, addDays(today, 1), today),
    costForecast(queries, { horizon: 'days', days: daysBetween(today, period.end), metric: terms.metric, currency: terms.currency, filters: filtersOf(terms.filters) }, today),
  ]);
  // Forecast days before the period (the data may end before it starts) are not the period's.
  let ahead = 0n;
  for (const point of forecast.points) if (point.date >= period.start && point.date < period.end) ahead += parseDecimal(point.amount);
  const amount = amountOf(terms.amount);
  const total = spent + ahead;
  return {
    period,
    spent: formatDecimal(spent),
    forecast: formatDecimal(total),
    dataThrough: forecast.dataThrough,
    ...budgetStatus({ amount, spent, forecast: total, thresholds: terms.thresholds }),
  };
}

/** The `count` periods before the current one, newest first; a past period's forecast is its actual. */
export async function pastPeriods(queries: CostQueries, terms: BudgetTerms, today: string, count: number, amountFor: (label: string) => string = () => terms.amount): Promise<PastPeriod[]> {
  const current = periodContaining(terms.period, today);
  const periods = Array.from({ length: count }, (_, i) => shiftPeriod(terms.period, current, -(i + 1)));
  const out: PastPeriod[] = [];
  // A few at a time: each reads its months' rollups.
  for (let i = 0; i < periods.length; i += 4) {
    const batch = periods.slice(i, i + 4);
    const actuals = await Promise.all(batch.map((p) => spendIn(queries, terms, p.start, p.end, today)));
    batch.forEach((period, j) => {
      const actual = actuals[j]!;
      const amount = amountOf(amountFor(period.label));
      const { spentPercent, forecastPercent: _f, ...status } = budgetStatus({ amount, spent: actual, forecast: actual, thresholds: terms.thresholds });
      out.push({ period, actual: formatDecimal(actual), actualPercent: spentPercent, ...status });
    });
  }
  return out;
}
