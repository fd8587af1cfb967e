import { addDays, addMonths, daysBetween, monthStart, periodOf } from '../costs/dates.js';
import { isTagDimension, type Filter } from '../costs/plan.js';
import type { CostQueries } from '../costs/query.js';
import { parseDecimal, formatDecimal } from '../money.js';
import { forecast as runForecast, type ForecastMethod, type Interval } from './forecast.js';
import { cents } from './model.js';

/**
 * GET /v1/forecast: the tenant's daily history (through the cost engine, so filters mean exactly
 * what they mean in the cost APIs), then the forecast core. History is the last 52 weeks; the
 * forecast starts the day after the last day with data (billing data lags a day or more).
 */
export interface ForecastRequest {
  horizon: 'month' | 'quarter' | 'days';
  days?: number | undefined;
  metric: 'billed' | 'effective';
  currency?: string | undefined;
  filters: Filter[];
}

export const HISTORY_DAYS = 364;

const pct = (v: number | null) => (v === null || !Number.isFinite(v) ? null : v.toFixed(2));

function endOf(horizon: ForecastRequest['horizon'], days: number | undefined, today: string): string {
  if (horizon === 'month') return `${addMonths(periodOf(today), 1)}-01`;
  if (horizon === 'quarter') {
    const month = Number(today.slice(5, 7));
    const quarterEnd = Math.ceil(month / 3) * 3;
    return `${addMonths(periodOf(today), quarterEnd - month + 1)}-01`;
  }
  return addDays(today, days ?? 30);
}

export async function costForecast(queries: CostQueries, input: ForecastRequest, today: string) {
  const historyStart = addDays(today, -HISTORY_DAYS);
  // A tag filter is answered by that tag's rollup; anything else by the smallest one (or the cube).
  const tag = input.filters.find((f) => isTagDimension(f.dimension));
  const breakdown = await queries.breakdown(
    { start: historyStart, end: addDays(today, 1), metric: input.metric, currency: input.currency, filters: input.filters, groupBy: tag ? tag.dimension : 'chargeCategory', granularity: 'daily', top: 50 },
    today,
  );
  const byDate = new Map<string, bigint>();
  for (const row of [...breakdown.rows, ...(breakdown.other ? [breakdown.other] : [])]) {
    for (const p of row.points) byDate.set(p.date, (byDate.get(p.date) ?? 0n) + parseDecimal(p.amount));
  }
  const dates = [...byDate.keys()].filter((d) => byDate.get(d) !== 0n).sort();
  const first = dates[0] ?? null;
  const dataThrough = dates.at(-1) ?? null;
  const start = dataThrough ? addDays(dataThrough, 1) : today;
  const end = endOf(input.horizon, input.days, today);
  const horizonDays = Math.max(0, daysBetween(start, end));

  const history: number[] = [];
  if (first && dataThrough) for (let d = first; d <= dataThrough; d = addDays(d, 1)) history.push(Number(formatDecimal(byDate.get(d) ?? 0n)));

  const month = periodOf(today);
  const monthEnd = `${addMonths(month, 1)}-01`;
  let monthToDate = 0n;
  for (const [d, v] of byDate) if (d >= monthStart(today) && d < monthEnd) monthToDate += v;
  // Forecast days that fall in this month (none when the data already covers it).
  const monthDays = Math.max(0, daysBetween(start > monthStart(today) ? start : monthStart(today), monthEnd));
  const monthOffset = Math.max(0, daysBetween(start, monthStart(today)));

  const model = history.length ? runForecast({ history, historyStart: first!, days: Math.max(horizonDays, monthOffset + monthDays) }) : null;
  const points = (model?.points ?? []).slice(0, horizonDays);
  const zero: Interval = { value: 0, lower80: 0, upper80: 0, lower95: 0, upper95: 0 };
  const monthInterval = model ? model.sumOf(monthOffset, monthOffset + monthDays) : zero;
  const total = model ? model.sumOf(0, horizonDays) : zero;
  const mtd = Number(formatDecimal(monthToDate));
  const method: ForecastMethod = model?.method ?? 'mean';

  return {
    metric: input.metric,
    currency: breakdown.currency,
    horizon: input.horizon,
    method,
    backtest: {
      mape: pct(model?.mape ?? null),
      seasonalNaiveMape: pct(model?.seasonalNaiveMape ?? null),
      candidates: (model?.candidates ?? []).map((c) => ({ method: c.method, mape: pct(c.mape) })),
      origins: model?.backtestOrigins ?? 0,
      horizonDays: model?.backtestHorizon ?? 0,
    },
    historyStart: first,
    dataThrough,
    start,
    end: addDays(start, horizonDays),
    month: {
      period: month,
      actual: formatDecimal(monthToDate),
      forecast: cents(mtd + monthInterval.value),
      lower80: cents(mtd + monthInterval.lower80),
      upper80: cents(mtd + monthInterval.upper80),
      lower95: cents(mtd + monthInterval.lower95),
      upper95: cents(mtd + monthInterval.upper95),
    },
    total: { forecast: cents(total.value), lower80: cents(total.lower80), upper80: cents(total.upper80), lower95: cents(total.lower95), upper95: cents(total.upper95) },
    points: points.map((p) => ({ date: p.date, amount: cents(p.value), lower80: cents(p.lower80), upper80: cents(p.upper80), lower95: cents(p.lower95), upper95: cents(p.upper95) })),
  };
}
