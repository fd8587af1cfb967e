import { addDays } from '../costs/dates.js';
import { mean, median, normalQuantile, quantile, solve, studentQuantile } from './stats.js';
import type { ForecastMethod } from './constants.js';

/**
 * Daily cost forecasts. Pure: a dense daily history in, forecasts with 80 % and 95 % intervals out.
 *
 * Candidate methods, each fitted on the history alone:
 * - `seasonalNaive`: each day repeats the same weekday of the last week (the benchmark);
 * - `trendWeekly`: a linear trend plus a day-of-week profile (and a 1st-of-month effect, where the
 *   history shows it), fitted by Huber-weighted least squares over the last 13 weeks, so spikes and
 *   month-start charges barely pull it;
 * - `holtWinters`: additive Holt-Winters with a weekly season, smoothing parameters picked from a
 *   small grid by one-step-ahead error.
 * The method is chosen by a rolling-origin backtest on the tenant's own history: up to 8 origins a
 * week apart, each forecasting the next 28 days; the lowest MAPE wins, and seasonal-naive keeps
 * ties. The intervals come from the same backtest: the chosen method's errors, relative to the
 * level at each origin, per week of horizon; a day's 80 % and 95 % bounds are the empirical 80th
 * and 95th percentiles of the absolute errors (month-start charges, rare and large, do not widen
 * every other day's band as a standard deviation would); beyond 4 weeks the band grows with the
 * square root of the horizon. The spread of a sum of days (the month total) is measured on the
 * backtest's own sums, so the errors' correlation from day to day is in it, with Student's t for
 * the few origins it rests on.
 */

export { FORECAST_METHODS, type ForecastMethod } from './constants.js';

/** Days forecast from each backtest origin. */
export const BACKTEST_HORIZON = 28;
const MAX_ORIGINS = 8;
/** History a method needs before the first origin. */
const MIN_TRAINING = 35;
const Z80 = normalQuantile(0.9);
const Z95 = normalQuantile(0.975);

type Fit = (history: readonly number[], startDate: string) => (h: number) => number;

const seasonalNaive: Fit = (y) => {
  const n = y.length;
  return (h) => (n >= 7 ? y[n - 7 + ((h - 1) % 7)]! : mean(y));
};

const meanOf: Fit = (y) => {
  const m = mean(y.slice(-28));
  return () => m;
};

const dowOf = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();

/** Huber-weighted least squares: intercept, slope, 6 weekday offsets, and a 1st-of-month offset when the window has two or more. */
const trendWeekly: Fit = (history, startDate) => {
  const n = history.length;
  const window = Math.min(n, 91);
  const from = n - window;
  const rows: number[][] = [];
  const ys: number[] = [];
  const firsts = Array.from({ length: window }, (_, i) => addDays(startDate, from + i).endsWith('-01')).filter(Boolean).length;
  const withFirst = firsts >= 2;
  const features = (t: number) => {
    const date = addDays(startDate, t);
    const dow = dowOf(date);
    const f = [1, (t - n) / 7];
    for (let d = 1; d < 7; d++) f.push(dow === d ? 1 : 0);
    if (withFirst) f.push(date.endsWith('-01') ? 1 : 0);
    return f;
  };
  for (let t = from; t < n; t++) {
    rows.push(features(t));
    ys.push(history[t]!);
  }
  const p = rows[0]!.length;
  let weights = ys.map(() => 1);
  let beta: number[] | null = null;
  for (let iter = 0; iter < 6; iter++) {
    const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
    const xty = new Array<number>(p).fill(0);
    rows.forEach((r, i) => {
      const w = weights[i]!;
      for (let a = 0; a < p; a++) {
        xty[a]! += w * r[a]! * ys[i]!;
        for (let b = 0; b < p; b++) xtx[a]![b]! += w * r[a]! * r[b]!;
      }
    });
    // A touch of ridge keeps a rare dummy (one weekday missing) solvable.
    for (let a = 1; a < p; a++) xtx[a]![a]! += 1e-6;
    const next = solve(xtx, xty);
    if (!next) break;
    beta = next;
    const residuals = rows.map((r, i) => ys[i]! - r.reduce((s, v, k) => s + v * beta![k]!, 0));
    const scale = 1.4826 * median(residuals.map(Math.abs)) || 1e-9;
    const c = 1.345 * scale;
    weights = residuals.map((e) => (Math.abs(e) <= c ? 1 : c / Math.abs(e)));
  }
  if (!beta) return seasonalNaive(history, startDate);
  const b = beta;
  return (h) => features(n - 1 + h).reduce((s, v, k) => s + v * b[k]!, 0);
};

/** Additive Holt-Winters, period 7, initialised on the first two weeks. */
function holtWintersWith(y: readonly number[], alpha: number, beta: number, gamma: number): { sse: number; forecast: (h: number) => number } {
  const m = 7;
  let level = mean(y.slice(0, m));
  let trend = (mean(y.slice(m, 2 * m)) - level) / m;
  const season = y.slice(0, m).map((v) => v - level);
  let sse = 0;
  for (let t = m; t < y.length; t++) {
    const s = season[t % m]!;
    const predicted = level + trend + s;
    sse += (y[t]! - predicted) ** 2;
    const previous = level;
    level = alpha * (y[t]! - s) + (1 - alpha) * (level + trend);
    trend = beta * (level - previous) + (1 - beta) * trend;
    season[t % m] = gamma * (y[t]! - level) + (1 - gamma) * s;
  }
  const n = y.length;
  return { sse, forecast: (h) => level + h * trend + season[(n - 1 + h) % m]! };
}

const holtWinters: Fit = (history, startDate) => {
  if (history.length < 21) return seasonalNaive(history, startDate);
  const y = history.slice(-182);
  let best: { sse: number; forecast: (h: number) => number } | null = null;
  for (const alpha of [0.05, 0.2, 0.5]) {
    for (const beta of [0, 0.02, 0.1]) {
      for (const gamma of [0.05, 0.2, 0.5]) {
        const fit = holtWintersWith(y, alpha, beta, gamma);
        if (!best || fit.sse < best.sse) best = fit;
      }
    }
  }
  return best!.forecast;
};

const FITS: Record<ForecastMethod, Fit> = { seasonalNaive, trendWeekly, holtWinters, mean: meanOf };

// ---- Backtest ----

export interface BacktestResult {
  method: ForecastMethod;
  /** Mean absolute percentage error over every backtest day whose actual is not zero; null without any. */
  mape: number | null;
  /** (actual - forecast) / level at the origin, per origin and horizon day. */
  errors: number[][];
  /** Per origin: (sum of actual - sum of forecast) over days 1..k, / level, for every k. */
  cumulativeErrors: number[][];
}

export interface Backtest {
  origins: number;
  horizon: number;
  results: BacktestResult[];
}

const levelAt = (y: readonly number[], origin: number) => Math.abs(mean(y.slice(Math.max(0, origin - 7), origin))) || 1;

export function backtest(y: readonly number[], startDate: string, methods: readonly ForecastMethod[]): Backtest {
  const n = y.length;
  const horizon = Math.min(BACKTEST_HORIZON, Math.max(0, Math.floor((n - MIN_TRAINING) / 2)));
  const origins: number[] = [];
  if (horizon >= 7) {
    for (let k = 0; k < MAX_ORIGINS; k++) {
      const origin = n - horizon - 7 * k;
      if (origin < MIN_TRAINING) break;
      origins.push(origin);
    }
  }
  const results = methods.map((method): BacktestResult => {
    let apeSum = 0;
    let apeCount = 0;
    const errors: number[][] = [];
    const cumulativeErrors: number[][] = [];
    for (const origin of origins) {
      const forecast = FITS[method](y.slice(0, origin), startDate);
      const level = levelAt(y, origin);
      const e: number[] = [];
      const c: number[] = [];
      let cum = 0;
      for (let h = 1; h <= horizon; h++) {
        const actual = y[origin + h - 1]!;
        const f = forecast(h);
        if (actual !== 0) {
          apeSum += Math.abs(actual - f) / Math.abs(actual);
          apeCount++;
        }
        e.push((actual - f) / level);
        cum += actual - f;
        c.push(cum / level);
      }
      errors.push(e);
      cumulativeErrors.push(c);
    }
    return { method, mape: apeCount ? (100 * apeSum) / apeCount : null, errors, cumulativeErrors };
  });
  return { origins: origins.length, horizon, results };
}

// ---- Forecast ----

export interface ForecastPoint {
  date: string;
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface Interval {
  value: number;
  lower80: number;
  upper80: number;
  lower95: number;
  upper95: number;
}

export interface Forecast {
  method: ForecastMethod;
  mape: number | null;
  seasonalNaiveMape: number | null;
  candidates: Array<{ method: ForecastMethod; mape: number | null }>;
  backtestOrigins: number;
  backtestHorizon: number;
  points: ForecastPoint[];
  /** Interval of the sum of points [from, to), e.g. the rest of the month. */
  sumOf(from: number, to: number): Interval;
}

export interface ForecastInput {
  /** Dense daily history, oldest first, ending the day before `points` start. */
  history: readonly number[];
  historyStart: string;
  /** Days to forecast. */
  days: number;
  /** Restrict the candidates (tests, evals); default every method. */
  methods?: readonly ForecastMethod[];
  /** Costs that cannot go below zero keep their lower bounds at zero (default true). */
  nonNegative?: boolean;
}

const rms = (values: readonly number[]) => Math.sqrt(mean(values.map((v) => v * v)));

export function forecast(input: ForecastInput): Forecast {
  const y = input.history;
  const n = y.length;
  const start = addDays(input.historyStart, n);
  const candidates = input.methods ?? (['seasonalNaive', 'trendWeekly', 'holtWinters'] as const);
  const bt = n >= MIN_TRAINING + 14 ? backtest(y, input.historyStart, candidates.includes('seasonalNaive') ? candidates : ['seasonalNaive', ...candidates]) : null;

  let chosen: BacktestResult | null = null;
  let method: ForecastMethod;
  if (n < 14) method = 'mean';
  else if (!bt || bt.origins === 0) method = 'seasonalNaive';
  else {
    // Seasonal-naive first: it wins ties, and a method must beat it to be chosen.
    const ranked = [...bt.results].sort((a, b) => (a.mape ?? Infinity) - (b.mape ?? Infinity) || (a.method === 'seasonalNaive' ? -1 : b.method === 'seasonalNaive' ? 1 : 0));
    chosen = ranked[0]!;
    method = chosen.method;
  }
  const fit = FITS[method](y, input.historyStart);
  const level = n ? levelAt(y, n) : 0;

  // Per week of horizon: the 80th and 95th percentiles of one day's absolute error, relative to the level.
  const weekBands: Array<[number, number]> = [];
  if (chosen && bt) {
    for (let w = 0; w * 7 < bt.horizon; w++) {
      const values = chosen.errors.flatMap((e) => e.slice(w * 7, w * 7 + 7)).map(Math.abs);
      weekBands.push([quantile(values, 0.8), quantile(values, 0.95)]);
    }
  }
  // Without a backtest: the day-to-day noise of the history, by its robust scale.
  const fallback = n >= 14 ? (1.4826 * median(y.slice(-28).map((v, i, a) => (i >= 7 ? Math.abs(v - a[i - 7]!) : NaN)).filter((v) => !Number.isNaN(v)))) / Math.SQRT2 / level || 0.1 : 0.25;
  /** Half-widths of the 80 % and 95 % bands on day h, relative to the level. */
  const bandsAt = (h: number): [number, number] => {
    if (!weekBands.length) {
      const s = fallback * Math.sqrt(Math.max(1, h / 7));
      return [Z80 * s, Z95 * s];
    }
    const w = Math.ceil(h / 7) - 1;
    if (w < weekBands.length) return weekBands[w]!;
    const grow = Math.sqrt(h / (weekBands.length * 7));
    const [b80, b95] = weekBands.at(-1)!;
    return [b80 * grow, b95 * grow];
  };
  const nonNegative = input.nonNegative ?? true;
  const clip = (v: number, f: number) => (nonNegative && f >= 0 ? Math.max(0, v) : v);

  const points: ForecastPoint[] = [];
  for (let h = 1; h <= input.days; h++) {
    const value = fit(h);
    const [b80, b95] = bandsAt(h).map((b) => b * level) as [number, number];
    points.push({
      date: addDays(start, h - 1),
      value,
      lower80: clip(value - b80, value),
      upper80: value + b80,
      lower95: clip(value - Math.max(b80, b95), value),
      upper95: value + Math.max(b80, b95),
    });
  }

  /**
   * The interval of the sum of forecast days [from, to) (0-based): measured on the backtest's own
   * sums over the same days where it reaches them; beyond its horizon, the widest measured window,
   * scaled to the length and growing with the square root of the distance.
   */
  const sumOf = (from: number, to: number): Interval => {
    const days = points.slice(from, to);
    const total = days.reduce((s, p) => s + p.value, 0);
    const length = days.length;
    let spread: number;
    let [z80, z95] = [Z80, Z95];
    if (length === 0) spread = 0;
    else if (chosen && bt && bt.origins >= 4) {
      [z80, z95] = [studentQuantile(0.9, bt.origins - 1), studentQuantile(0.975, bt.origins - 1)];
      const cumulative = (c: number[], k: number) => (k <= 0 ? 0 : c[k - 1]!);
      const h = bt.horizon;
      if (from + length <= h) spread = rms(chosen.cumulativeErrors.map((c) => cumulative(c, from + length) - cumulative(c, from))) * level;
      else {
        const w = Math.min(length, h);
        spread = rms(chosen.cumulativeErrors.map((c) => cumulative(c, h) - cumulative(c, h - w))) * (length / w) * Math.sqrt((from + length) / h) * level;
      }
    } else {
      // Fully correlated days: the widest honest bound without a measured one (in standard deviations).
      spread = days.reduce((s, _p, i) => s + (bandsAt(from + i + 1)[1] / Z95) * level, 0);
    }
    return {
      value: total,
      lower80: clip(total - z80 * spread, total),
      upper80: total + z80 * spread,
      lower95: clip(total - z95 * spread, total),
      upper95: total + z95 * spread,
    };
  };

  const mapeOf = (m: ForecastMethod) => bt?.results.find((r) => r.method === m)?.mape ?? null;
  return {
    method,
    mape: chosen ? chosen.mape : null,
    seasonalNaiveMape: mapeOf('seasonalNaive'),
    candidates: bt ? bt.results.map((r) => ({ method: r.method, mape: r.mape })) : [],
    backtestOrigins: bt?.origins ?? 0,
    backtestHorizon: bt?.horizon ?? 0,
    points,
    sumOf,
  };
}
