import { addDays, dayNumber, fromDayNumber } from '../costs/dates.js';
import { lowerMedian, mean, median, robustScale, stdDev } from './stats.js';
import { MONITORS, type Monitor, type Severity } from './constants.js';

/**
 * Cost anomaly detection on daily series: the tenant total and each service, account, region and
 * usage type (the "monitors"). Pure: cost cells in, incidents out.
 *
 * The expected value of day t is built from the past only, so a day's verdict does not change when
 * later days arrive (re-running gives the same anomalies):
 * - weekly baseline: the median of the 7 days before (level), plus half a week of the robust slope
 *   between the last two weeks (trend), plus the median of the same weekday's offset from its own
 *   week's level over the last 4 weeks (day-of-week profile);
 * - month-start guard: charges that recur on the same day of the month (support, commitments and
 *   tax on the 1st) raise the expectation to the lower median of that day in the 3 months before;
 * - score: the residual over the robust scale (MAD of the last 8 weeks' weekly residuals), with a
 *   floor so that a perfectly flat series does not turn cents into infinite scores.
 * A day is anomalous in a monitor when the increase clears the dollar, percent and score thresholds.
 * Flags are grouped into incidents by their root cause: the (service, account, region, usage type)
 * cell with the largest dollar delta, over consecutive days.
 */

export { MONITORS, SEVERITIES, type Monitor, type Severity } from './constants.js';

/** Which monitor names an incident when several flag the same cause: the one people act on first. */
const MONITOR_PRIORITY: readonly Monitor[] = ['service', 'usageType', 'account', 'region', 'total'];

/**
 * The charges analysed: consumption (Usage, Purchase, Adjustment). Tax follows usage by a formula
 * and lands on the 1st for the whole month, and credits are granted, not consumed: flagging them
 * would repeat a usage anomaly a month later or call the end of a credit an anomaly.
 */
export const EXCLUDED_CATEGORIES: ReadonlySet<string> = new Set(['Tax', 'Credit']);
export const isAnalyzedCategory = (chargeCategory: string): boolean => !EXCLUDED_CATEGORIES.has(chargeCategory);

/** One day of cost in one cell of the cube (dollars as a float: inside the model only). */
export interface CostCell {
  date: string;
  service: string;
  account: string;
  region: string;
  usageType: string;
  amount: number;
}

export interface Thresholds {
  /** The increase over the expected daily cost, in the tenant's currency, at least. */
  minImpactPerDay: number;
  /** The increase in percent of the expected daily cost, at least. */
  minDeviationPercent: number;
  /** The increase in robust standard deviations, at least. */
  minScore: number;
}

export const DEFAULT_THRESHOLDS: Thresholds = { minImpactPerDay: 50, minDeviationPercent: 20, minScore: 4 };

/** `robust`: the method above. `zscore`: the plain baseline (mean and standard deviation of the last 28 days), for the evals. */
export type DetectionMethod = 'robust' | 'zscore';

export interface DetectOptions {
  thresholds?: Partial<Thresholds>;
  method?: DetectionMethod;
  /** Days of history a monitor needs before its days are scored (default 35: 5 weeks). */
  warmupDays?: number;
  /** Days of each incident's series shown before its start and after its end. */
  contextBefore?: number;
  contextAfter?: number;
}

export interface Leaf {
  service: string;
  account: string;
  region: string;
  usageType: string;
}

export interface Contributor extends Leaf {
  /** Mean actual, expected and delta per incident day. */
  actual: number;
  expected: number;
  delta: number;
}

export interface SeriesPoint {
  date: string;
  actual: number;
  /** null before the monitor has enough history. */
  expected: number | null;
}

export interface Incident {
  /** The root cause cell: the stable identity of the incident with its start date. */
  cause: Leaf;
  causeKey: string;
  /** The monitor the incident is shown under, and its value ('' for total). */
  monitor: Monitor;
  key: string;
  startDate: string;
  endDate: string;
  /** Per incident day, in the named monitor. */
  days: Array<{ date: string; actual: number; expected: number; score: number }>;
  /** Sum over the days of actual - expected in the named monitor. */
  impact: number;
  maxScore: number;
  /** Every monitor that flagged this cause on one of the days. */
  flaggedBy: Array<{ monitor: Monitor; key: string }>;
  /** Cells ranked by dollar delta per day (largest first), within the named monitor; at most 5. */
  contributors: Contributor[];
  /** The named monitor's series around the incident. */
  series: SeriesPoint[];
}

export interface Detection {
  startDate: string;
  endDate: string;
  incidents: Incident[];
}

const SEP = '\u001f';
export const leafKeyOf = (l: Leaf): string => [l.service, l.account, l.region, l.usageType].join(SEP);
const leafOf = (key: string): Leaf => {
  const [service = '', account = '', region = '', usageType = ''] = key.split(SEP);
  return { service, account, region, usageType };
};

const monitorValue = (m: Monitor, l: Leaf): string => (m === 'total' ? '' : l[m]);

// ---- Expected values ----

/**
 * The weekly baseline of every day (NaN for the first 14 days): level + trend + day-of-week, all
 * medians over the past, so one spike day in a week moves none of them.
 */
export function weeklyBaseline(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const level = new Float64Array(n).fill(NaN);
  for (let t = 7; t < n; t++) level[t] = median(Array.prototype.slice.call(x, t - 7, t) as number[]);
  const out = new Float64Array(n).fill(NaN);
  for (let t = 14; t < n; t++) {
    const trend = (level[t]! - level[t - 7]!) / 7;
    const offsets: number[] = [];
    for (let k = 1; k <= 4 && t - 7 * k >= 7; k++) offsets.push(x[t - 7 * k]! - level[t - 7 * k]!);
    // The level is the median of the 7 days before, centred 4 days back.
    out[t] = level[t]! + 4 * trend + (offsets.length ? median(offsets) : 0);
  }
  return out;
}

/** The same day of the month in the months before (or NaN): recurring monthly charges. */
function monthlyBaseline(x: ArrayLike<number>, start: string, t: number): number {
  const date = addDays(start, t);
  const [y, m, d] = [Number(date.slice(0, 4)), Number(date.slice(5, 7)), date.slice(8, 10)];
  const values: number[] = [];
  for (let back = 1; back <= 3; back++) {
    const idx = y * 12 + (m - 1) - back;
    const prior = `${String(Math.floor(idx / 12)).padStart(4, '0')}-${String((idx % 12) + 1).padStart(2, '0')}-${d}`;
    const i = dayNumber(prior) - dayNumber(start);
    // Dates like 02-30 roll over in dayNumber; only the real same day counts.
    if (i >= 0 && i < t && addDays(start, i) === prior) values.push(x[i]!);
  }
  // The 1st carries the monthly charges: one month before is enough; any other day needs two.
  if (values.length === 0 || (d !== '01' && values.length < 2)) return NaN;
  return lowerMedian(values);
}

interface Expectation {
  expected: Float64Array;
  /** The weekly baseline alone: its residuals measure the noise. */
  weekly: Float64Array;
}

function expectationsOf(x: Float64Array, start: string, method: DetectionMethod): Expectation {
  const n = x.length;
  if (method === 'zscore') {
    const expected = new Float64Array(n).fill(NaN);
    for (let t = 28; t < n; t++) expected[t] = mean(Array.from(x.subarray(t - 28, t)));
    return { expected, weekly: expected };
  }
  const weekly = weeklyBaseline(x);
  const expected = new Float64Array(n);
  for (let t = 0; t < n; t++) {
    const monthly = Number.isNaN(weekly[t]!) ? NaN : monthlyBaseline(x, start, t);
    expected[t] = Number.isNaN(monthly) ? weekly[t]! : Math.max(weekly[t]!, monthly);
  }
  return { expected, weekly };
}

/** The noise scale at day t: robust over the last 8 weeks' residuals (zscore: the standard deviation of 28 days). */
function scaleAt(x: Float64Array, e: Expectation, t: number, method: DetectionMethod): number {
  const floor = Math.max(0.02 * Math.abs(e.expected[t]!), 0.5);
  if (method === 'zscore') return Math.max(stdDev(Array.from(x.subarray(t - 28, t))), 1e-9);
  const residuals: number[] = [];
  for (let s = Math.max(0, t - 56); s < t; s++) if (!Number.isNaN(e.weekly[s]!)) residuals.push(x[s]! - e.weekly[s]!);
  return Math.max(residuals.length >= 7 ? robustScale(residuals) : 0, floor);
}

// ---- Detection ----

interface Flag {
  monitor: Monitor;
  key: string;
  t: number;
  actual: number;
  expected: number;
  score: number;
  causeKey: string;
}

export function detectAnomalies(cells: readonly CostCell[], options: DetectOptions = {}): Detection {
  const th = { ...DEFAULT_THRESHOLDS, ...options.thresholds };
  const method = options.method ?? 'robust';
  const warmup = Math.max(options.warmupDays ?? 35, method === 'zscore' ? 28 : 14);
  if (cells.length === 0) return { startDate: '', endDate: '', incidents: [] };

  let first = Infinity;
  let last = -Infinity;
  for (const c of cells) {
    const d = dayNumber(c.date);
    if (d < first) first = d;
    if (d > last) last = d;
  }
  const start = fromDayNumber(first);
  const n = last - first + 1;

  // Dense daily series of every cell, and of every monitor value.
  const leaves = new Map<string, Float64Array>();
  const monitors = new Map<Monitor, Map<string, Float64Array>>(MONITORS.map((m) => [m, new Map()]));
  const leavesOf = new Map<string, Set<string>>(); // `${monitor}|${key}` -> leaf keys
  for (const c of cells) {
    const t = dayNumber(c.date) - first;
    const leafKey = leafKeyOf(c);
    let leaf = leaves.get(leafKey);
    if (!leaf) leaves.set(leafKey, (leaf = new Float64Array(n)));
    leaf[t]! += c.amount;
    for (const m of MONITORS) {
      const value = monitorValue(m, c);
      const byKey = monitors.get(m)!;
      let s = byKey.get(value);
      if (!s) byKey.set(value, (s = new Float64Array(n)));
      s[t]! += c.amount;
      const id = `${m}|${value}`;
      let set = leavesOf.get(id);
      if (!set) leavesOf.set(id, (set = new Set()));
      set.add(leafKey);
    }
  }

  const leafExpectations = new Map<string, Expectation>();
  const leafExpectation = (key: string) => {
    let e = leafExpectations.get(key);
    if (!e) leafExpectations.set(key, (e = expectationsOf(leaves.get(key)!, start, method)));
    return e;
  };
  /** Cells of a monitor value ranked by dollar delta on the given days (mean per day). */
  const contributorsOf = (monitor: Monitor, key: string, days: readonly number[]): Contributor[] => {
    const out: Contributor[] = [];
    for (const leafKey of leavesOf.get(`${monitor}|${key}`) ?? []) {
      const x = leaves.get(leafKey)!;
      const e = leafExpectation(leafKey);
      let actual = 0;
      let expected = 0;
      for (const t of days) {
        actual += x[t]!;
        expected += Number.isNaN(e.expected[t]!) ? 0 : e.expected[t]!;
      }
      out.push({ ...leafOf(leafKey), actual: actual / days.length, expected: expected / days.length, delta: (actual - expected) / days.length });
    }
    return out.sort((a, b) => b.delta - a.delta || (leafKeyOf(a) < leafKeyOf(b) ? -1 : 1));
  };

  const expectations = new Map<string, Expectation>();
  const flags: Flag[] = [];
  for (const m of MONITORS) {
    for (const [key, x] of monitors.get(m)!) {
      const e = expectationsOf(x, start, method);
      expectations.set(`${m}|${key}`, e);
      // A monitor's history starts at its first cost, or at the data's start.
      let born = 0;
      while (born < n && x[born] === 0) born++;
      for (let t = warmup; t < n; t++) {
        const expected = e.expected[t]!;
        if (Number.isNaN(expected)) continue;
        const actual = x[t]!;
        const increase = actual - expected;
        if (increase < th.minImpactPerDay) continue;
        if (expected > 0 && (100 * increase) / expected < th.minDeviationPercent) continue;
        // A brand-new monitor (no cost in the window before) is judged against zero, noise floor only.
        const score = increase / (t - born < 7 ? Math.max(0.5, 0.02 * Math.abs(expected)) : scaleAt(x, e, t, method));
        if (score < th.minScore) continue;
        const top = contributorsOf(m, key, [t])[0];
        if (!top || top.delta <= 0) continue;
        flags.push({ monitor: m, key, t, actual, expected, score, causeKey: leafKeyOf(top) });
      }
    }
  }

  // Group by cause, then into runs of consecutive days.
  const byCause = new Map<string, Map<number, Flag[]>>();
  for (const f of flags) {
    let days = byCause.get(f.causeKey);
    if (!days) byCause.set(f.causeKey, (days = new Map()));
    const list = days.get(f.t) ?? [];
    list.push(f);
    days.set(f.t, list);
  }
  const incidents: Incident[] = [];
  const before = options.contextBefore ?? 28;
  const after = options.contextAfter ?? 7;
  for (const [causeKey, days] of byCause) {
    const ts = [...days.keys()].sort((a, b) => a - b);
    let run: number[] = [];
    const close = () => {
      if (!run.length) return;
      const runFlags = run.flatMap((t) => days.get(t)!);
      const flaggedBy = [...new Map(runFlags.map((f) => [`${f.monitor}|${f.key}`, { monitor: f.monitor, key: f.key }])).values()].sort(
        (a, b) => MONITOR_PRIORITY.indexOf(a.monitor) - MONITOR_PRIORITY.indexOf(b.monitor) || (a.key < b.key ? -1 : 1),
      );
      const named = flaggedBy[0]!;
      const x = named.monitor === 'total' ? monitors.get('total')!.get('')! : monitors.get(named.monitor)!.get(named.key)!;
      const e = expectations.get(`${named.monitor}|${named.key}`)!;
      const incidentDays = run.map((t) => {
        const own = days.get(t)!.find((f) => f.monitor === named.monitor && f.key === named.key);
        const expected = e.expected[t]!;
        return { date: addDays(start, t), actual: x[t]!, expected, score: own?.score ?? (x[t]! - expected) / scaleAt(x, e, t, method) };
      });
      const series: SeriesPoint[] = [];
      for (let t = Math.max(0, run[0]! - before); t <= Math.min(n - 1, run.at(-1)! + after); t++) {
        series.push({ date: addDays(start, t), actual: x[t]!, expected: Number.isNaN(e.expected[t]!) ? null : e.expected[t]! });
      }
      incidents.push({
        cause: leafOf(causeKey),
        causeKey,
        monitor: named.monitor,
        key: named.key,
        startDate: addDays(start, run[0]!),
        endDate: addDays(start, run.at(-1)!),
        days: incidentDays,
        impact: incidentDays.reduce((s, d) => s + (d.actual - d.expected), 0),
        maxScore: Math.max(...runFlags.map((f) => f.score)),
        flaggedBy,
        contributors: contributorsOf(named.monitor, named.key, run)
          .filter((c) => c.delta > 0)
          .slice(0, 5),
        series,
      });
      run = [];
    };
    for (const t of ts) {
      if (run.length && t !== run.at(-1)! + 1) close();
      run.push(t);
    }
    close();
  }
  incidents.sort((a, b) => (a.startDate < b.startDate ? -1 : a.startDate > b.startDate ? 1 : a.causeKey < b.causeKey ? -1 : 1));
  return { startDate: start, endDate: addDays(start, n - 1), incidents };
}

// ---- Severity and wording ----

/** Severity from the incident's dollar impact (its whole excess over the expected cost). */
export const SEVERITY_FROM_IMPACT: ReadonlyArray<[Severity, number]> = [
  ['critical', 5000],
  ['high', 1000],
  ['medium', 250],
  ['low', 0],
];

export function severityOf(impact: number): Severity {
  for (const [severity, min] of SEVERITY_FROM_IMPACT) if (impact >= min) return severity;
  return 'low';
}

const fmtUsd = (v: number, currency: string) => {
  const amount = (Math.round(Math.abs(v) * 100) / 100).toFixed(2);
  return `${v < 0 ? '-' : '+'}${currency === 'USD' ? '$' : `${currency} `}${amount}`;
};

/** "Amazon EC2 in eu-west-1, account demo-prod, usage type EUW1-BoxUsage:c5.9xlarge: +$327.54/day". */
export function describeContributor(c: Contributor, currency: string, accountName: (id: string) => string = (id) => id): string {
  const parts = [c.service || '(no service)'];
  if (c.region) parts[0] += ` in ${c.region}`;
  if (c.account) parts.push(`account ${accountName(c.account)}`);
  if (c.usageType) parts.push(`usage type ${c.usageType}`);
  return `${parts.join(', ')}: ${fmtUsd(c.delta, currency)}/day`;
}
