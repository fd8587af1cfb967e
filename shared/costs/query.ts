import { Invalid, type FieldIssue } from '../errors.js';
import { formatDecimal } from '../money.js';
import { addDays, addMonths, daysBetween, monthStart, periodOf, periodsBetween } from './dates.js';
import { isTagDimension, kindsOf, planQuery, UNTAGGED, type Filter, type GroupBy, type Metric, type Plan } from './plan.js';
import { codec, DIMENSIONS, NONE, type Amounts, type Dimension, type PeriodMeta, type ResourceRow, type RollupKind } from './rollups.js';
import type { PeriodVersion } from './store.js';

/**
 * The cost query engine: overview, breakdown and top resources, answered from the stored rollups
 * (see rollups.ts) through a `CostReader`. Pure apart from the reader: no clock (callers pass the
 * tenant's "today"), no environment, no HTTP. Money stays exact (bigint units of 1e-12) until the
 * answer is formatted as decimal strings; currencies are never added together.
 */

/** What the engine needs from storage: `CostStore` satisfies it, and unit tests feed rows from memory. */
export interface CostReader {
  currentVersions(tenantId: string, fromPeriod: string, toPeriod: string): Promise<PeriodVersion[]>;
  readRows(tenantId: string, sourceId: string, period: string, version: string, kind: RollupKind): Promise<unknown[][]>;
  /** A period version's meta (account names). Optional: without it an account's name is its id. */
  readMeta?(tenantId: string, sourceId: string, period: string, version: string): Promise<PeriodMeta | null>;
}

/** The longest `[start, end)` a cost view may span: a year, plus room for a 13-month comparison. */
export const MAX_RANGE_DAYS = 400;
/** Rows beyond `top` are summed into `other`. */
export const DEFAULT_TOP = 10;
export const MAX_TOP = 50;
/** Currency shown when nothing was asked for and the range holds no cost at all. */
export const FALLBACK_CURRENCY = 'USD';
/** How many rollup reads run at once. */
const READ_CONCURRENCY = 16;

export type Granularity = 'daily' | 'monthly';

export interface ViewInput {
  start?: string;
  end?: string;
  metric: Metric;
  currency?: string;
  filters: Filter[];
}

export interface BreakdownInput extends ViewInput {
  groupBy: GroupBy;
  granularity?: Granularity;
  top: number;
}

export interface TopResourcesInput extends ViewInput {
  limit: number;
}

// ---- Answers (wire shapes: money as decimal strings, percentages as strings with 2 decimals) ----

export interface CurrencyTotal {
  currency: string;
  total: string;
}

interface Freshness {
  /** True while any billing period in the range is still estimated (not yet invoiced). */
  estimated: boolean;
  /** When the newest data in the range landed; null when there is none. */
  dataUpdatedAt: string | null;
}

export interface Change {
  amount: string;
  /** `(current - previous) / |previous|` in percent, 2 decimals; null when previous is 0. */
  percent: string | null;
}

export interface Overview extends Freshness {
  start: string;
  end: string;
  metric: Metric;
  currency: string;
  total: string;
  previous: { start: string; end: string; total: string };
  change: Change;
  monthToDate: { start: string; end: string; total: string };
  topMovers: Array<{ key: string; name: string; current: string; previous: string; change: Change }>;
  currencies: CurrencyTotal[];
}

export interface Point {
  date: string;
  amount: string;
}

export interface BreakdownRow {
  key: string;
  name: string;
  amount: string;
  /** Percent of `total`, 2 decimals; null when the total is not positive. */
  share: string | null;
  points: Point[];
}

export interface Breakdown extends Freshness {
  start: string;
  end: string;
  groupBy: GroupBy;
  granularity: Granularity;
  metric: Metric;
  currency: string;
  total: string;
  rows: BreakdownRow[];
  other: { count: number; amount: string; share: string | null; points: Point[] } | null;
  currencies: CurrencyTotal[];
}

export interface TopResource {
  resourceId: string;
  service: string;
  account: string;
  accountName: string | null;
  region: string;
  amount: string;
  share: string | null;
}

export interface TopResources extends Freshness {
  start: string;
  end: string;
  periods: string[];
  metric: Metric;
  currency: string;
  total: string;
  items: TopResource[];
  nextCursor: null;
  currencies: CurrencyTotal[];
}

// ---- Ranges ----

export interface Range {
  start: string;
  end: string;
}

/** Problems with a `[start, end)`: empty, reversed or too long; `blame` names the field reported. */
export function rangeIssues(start: string, end: string, blame: 'query.start' | 'query.end' = 'query.end'): FieldIssue[] {
  if (end <= start) return [{ field: blame, message: 'end must be after start (end is exclusive)', code: 'invalid_range' }];
  if (daysBetween(start, end) > MAX_RANGE_DAYS) {
    return [{ field: blame, message: `the range may span at most ${MAX_RANGE_DAYS} days`, code: 'range_too_long' }];
  }
  return [];
}

/**
 * The range a view covers. Defaults: `end` is tomorrow in the tenant's time zone (so today is in),
 * `start` the first day of the month before `end`: month to date when neither is given.
 */
export function resolveRange(input: { start?: string; end?: string }, today: string): Range {
  const end = input.end ?? addDays(today, 1);
  const start = input.start ?? monthStart(addDays(end, -1));
  const issues = rangeIssues(start, end, input.end === undefined ? 'query.start' : 'query.end');
  if (issues.length) {
    if (input.end === undefined) issues[0]!.message += " (end defaults to tomorrow in the tenant's time zone)";
    throw new Invalid('The date range is not valid.', issues);
  }
  return { start, end };
}

/** Periods whose rows may carry dates in `[start, end)`: corrections land slightly outside their month. */
const periodsFor = (r: Range): string[] => periodsBetween(addMonths(periodOf(r.start), -1), periodOf(r.end));

/** The periods `[start, end)` touches. */
const periodsTouched = (r: Range): string[] => periodsBetween(periodOf(r.start), periodOf(addDays(r.end, -1)));

/** The whole billing periods (months) overlapping `[start, end)`. */
function wholePeriods(r: Range): Range {
  return { start: monthStart(r.start), end: `${addMonths(periodOf(addDays(r.end, -1)), 1)}-01` };
}

// ---- Money and percentages ----

const fmt = (v: bigint): string => formatDecimal(v);
const abs = (v: bigint): bigint => (v < 0n ? -v : v);

/** `n / d` in percent with 2 decimals, rounded half to even, exactly; null when d is 0. */
export function percent(n: bigint, d: bigint): string | null {
  if (d === 0n) return null;
  const negative = n < 0n !== d < 0n;
  const num = abs(n) * 10_000n;
  const den = abs(d);
  let hundredths = num / den;
  const twice = (num % den) * 2n;
  if (twice > den || (twice === den && hundredths % 2n === 1n)) hundredths += 1n;
  const text = formatDecimal(hundredths * 10n ** 10n, { minFractionDigits: 2, maxFractionDigits: 2 });
  return negative && hundredths !== 0n ? `-${text}` : text;
}

const share = (amount: bigint, total: bigint): string | null => (total > 0n ? percent(amount, total) : null);
const change = (current: bigint, previous: bigint): Change => ({ amount: fmt(current - previous), percent: percent(current - previous, abs(previous)) });

// ---- Loading ----

interface Batch {
  version: PeriodVersion;
  kind: RollupKind;
  rows: unknown[][];
}

interface Loaded {
  versions: PeriodVersion[];
  batches: Batch[];
  accountNames: Map<string, string>;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Sorted periods split into runs of consecutive months: one pointer query per run. */
function runsOf(periods: readonly string[]): Array<[string, string]> {
  const runs: Array<[string, string]> = [];
  for (const p of [...new Set(periods)].sort()) {
    const last = runs.at(-1);
    if (last && addMonths(last[1], 1) === p) last[1] = p;
    else runs.push([p, p]);
  }
  return runs;
}

// ---- Scanning rows into tallies ----

interface Cell {
  total: bigint;
  buckets: Map<string, bigint>;
}

const newCell = (): Cell => ({ total: 0n, buckets: new Map() });

function addTo(cell: Cell, bucket: string | null, amount: bigint) {
  cell.total += amount;
  if (bucket !== null) cell.buckets.set(bucket, (cell.buckets.get(bucket) ?? 0n) + amount);
}

const cellOf = <K>(map: Map<K, Cell>, key: K): Cell => {
  let cell = map.get(key);
  if (!cell) map.set(key, (cell = newCell()));
  return cell;
};

/**
 * Sums for one window `[start, end)`, per currency and group, optionally bucketed by day or month.
 * Rows without a date (resources) count when their period is one of `periods`.
 */
class Tally {
  /** currency -> group -> sums */
  readonly groups = new Map<string, Map<string, Cell>>();
  /** Tag views: currency -> all spend, and spend carrying the grouped key (for `(untagged)`). */
  readonly all = new Map<string, Cell>();
  readonly tagged = new Map<string, Cell>();
  /** Resource views: currency -> resource -> the row with the largest amount (its attributes). */
  readonly resourceRows = new Map<string, Map<string, { row: ResourceRow; amount: bigint }>>();

  constructor(
    readonly range: Range,
    private readonly granularity: Granularity | null,
    private readonly periods?: ReadonlySet<string>,
  ) {}

  bucketOf(date: string | null, period: string): string | null | undefined {
    if (date === null) {
      if (!this.periods?.has(period)) return undefined;
      return this.granularity ? `${period}-01` : null;
    }
    if (date < this.range.start || date >= this.range.end) return undefined;
    if (!this.granularity) return null;
    return this.granularity === 'daily' ? date : monthStart(date);
  }

  add(currency: string, group: string, bucket: string | null, amount: bigint) {
    let groups = this.groups.get(currency);
    if (!groups) this.groups.set(currency, (groups = new Map()));
    addTo(cellOf(groups, group), bucket, amount);
  }

  /** Per currency, the sum of every group. */
  currencyTotals(): Map<string, bigint> {
    const out = new Map<string, bigint>();
    for (const [currency, groups] of this.groups) {
      let total = 0n;
      for (const cell of groups.values()) total += cell.total;
      out.set(currency, total);
    }
    return out;
  }

  /** Adds `(untagged)` = all spend - tagged spend, per currency and bucket, where it is not zero. */
  deriveUntagged() {
    for (const currency of new Set([...this.all.keys(), ...this.tagged.keys()])) {
      const all = this.all.get(currency) ?? newCell();
      const tagged = this.tagged.get(currency) ?? newCell();
      const cell: Cell = { total: all.total - tagged.total, buckets: new Map() };
      for (const bucket of new Set([...all.buckets.keys(), ...tagged.buckets.keys()])) {
        const v = (all.buckets.get(bucket) ?? 0n) - (tagged.buckets.get(bucket) ?? 0n);
        if (v !== 0n) cell.buckets.set(bucket, v);
      }
      if (cell.total === 0n && cell.buckets.size === 0) continue;
      let groups = this.groups.get(currency);
      if (!groups) this.groups.set(currency, (groups = new Map()));
      groups.set(UNTAGGED, cell);
    }
  }
}

type FilterSets = Map<string, ReadonlySet<string>>;

/**
 * Column positions in the encoded rows, found by encoding a marked row with the codec itself, so
 * rows a view does not need (other dates, filtered out) are skipped before their money is parsed.
 */
const mark = (field: string) => `\u0000${field}`;
const zero = { billed: 0n, effective: 0n, list: 0n };
const columnsOf = (encoded: unknown[]) => (field: string) => {
  const at = encoded.indexOf(mark(field));
  if (at < 0) throw new Error(`rollup codec has no column ${field}`);
  return at;
};
const DIMENSION_DATE = columnsOf(codec.dimension.encode({ date: mark('date'), value: mark('value'), currency: mark('currency'), ...zero }))('date');
const TAG_DATE = columnsOf(codec.tag.encode({ date: mark('date'), key: mark('key'), value: mark('value'), currency: mark('currency'), ...zero }))('date');
const cubeColumn = columnsOf(
  codec.cube.encode({
    date: mark('date'),
    account: mark('account'),
    service: mark('service'),
    region: mark('region'),
    chargeCategory: mark('chargeCategory'),
    usageType: mark('usageType'),
    currency: mark('currency'),
    ...zero,
  }),
);
const CUBE_DATE = cubeColumn('date');
const CUBE_COLUMN = Object.fromEntries(DIMENSIONS.map((d) => [d, cubeColumn(d)])) as Record<Dimension, number>;

/** True when a dated row falls in at least one tally's window. */
const inAnyWindow = (tallies: readonly Tally[], date: unknown) =>
  tallies.some((t) => typeof date === 'string' && date >= t.range.start && date < t.range.end);

const filterSets = (filters: readonly Filter[]): FilterSets => new Map(filters.map((f) => [f.dimension, new Set(f.values)]));

/** Feeds one batch of stored rows into every tally whose window the row falls in. */
function scan(plan: Plan, groupBy: GroupBy, batch: Batch, filters: FilterSets, metric: Metric, tallies: readonly Tally[]) {
  const period = batch.version.period;
  const each = (date: string | null, visit: (tally: Tally, bucket: string | null) => void) => {
    for (const tally of tallies) {
      const bucket = tally.bucketOf(date, period);
      if (bucket !== undefined) visit(tally, bucket);
    }
  };
  const pick = (a: Amounts) => a[metric];

  switch (plan.source) {
    case 'rollup': {
      const only = filters.get(plan.kind);
      for (const cells of batch.rows) {
        if (!inAnyWindow(tallies, cells[DIMENSION_DATE])) continue;
        const row = codec.dimension.decode(cells);
        if (only && !only.has(row.value)) continue;
        each(row.date, (t, b) => t.add(row.currency, row.value, b, pick(row)));
      }
      return;
    }
    case 'cube': {
      const checks = [...filters].map(([d, values]) => [CUBE_COLUMN[d as Dimension], values] as const);
      const dimension = groupBy as Dimension;
      for (const cells of batch.rows) {
        if (!inAnyWindow(tallies, cells[CUBE_DATE])) continue;
        if (!checks.every(([at, values]) => values.has(String(cells[at])))) continue;
        const row = codec.cube.decode(cells);
        each(row.date, (t, b) => t.add(row.currency, row[dimension], b, pick(row)));
      }
      return;
    }
    case 'tag': {
      if (batch.kind !== 'tag') {
        // The totals rollup: all spend, for (untagged).
        for (const cells of batch.rows) {
          if (!inAnyWindow(tallies, cells[DIMENSION_DATE])) continue;
          const row = codec.dimension.decode(cells);
          each(row.date, (t, b) => addTo(cellOf(t.all, row.currency), b, pick(row)));
        }
        return;
      }
      const only = filters.get(groupBy);
      for (const cells of batch.rows) {
        if (!inAnyWindow(tallies, cells[TAG_DATE])) continue;
        const row = codec.tag.decode(cells);
        if (row.key !== plan.key) continue;
        const amount = pick(row);
        each(row.date, (t, b) => {
          addTo(cellOf(t.tagged, row.currency), b, amount);
          if (!only || only.has(row.value)) t.add(row.currency, row.value, b, amount);
        });
      }
      return;
    }
    case 'resource': {
      const checks = [...filters] as Array<['service' | 'account' | 'region', ReadonlySet<string>]>;
      for (const cells of batch.rows) {
        const row = codec.resource.decode(cells);
        if (!checks.every(([d, values]) => values.has(row[d]))) continue;
        const amount = pick(row);
        each(null, (t, b) => {
          t.add(row.currency, row.resourceId, b, amount);
          let rows = t.resourceRows.get(row.currency);
          if (!rows) t.resourceRows.set(row.currency, (rows = new Map()));
          const best = rows.get(row.resourceId);
          if (!best || amount > best.amount) rows.set(row.resourceId, { row, amount });
        });
      }
      return;
    }
  }
}

// ---- The engine ----

const byAmountThenKey = (a: { key: string; total: bigint }, b: { key: string; total: bigint }) =>
  a.total === b.total ? (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) : a.total > b.total ? -1 : 1;

/** The dense bucket dates of a range: every day, or the first of every month. */
function bucketDates(range: Range, granularity: Granularity): string[] {
  if (granularity === 'monthly') return periodsTouched(range).map((p) => `${p}-01`);
  const out: string[] = [];
  for (let d = range.start; d < range.end; d = addDays(d, 1)) out.push(d);
  return out;
}

export class CostQueries {
  constructor(
    private readonly reader: CostReader,
    private readonly tenantId: string,
    private readonly concurrency = READ_CONCURRENCY,
  ) {}

  /** Reads the current versions of `periods`, then every `kind` of each, in parallel. */
  private async load(periods: readonly string[], kinds: readonly RollupKind[], wantNames: boolean): Promise<Loaded> {
    const wanted = new Set(periods);
    const pointers = await Promise.all(runsOf(periods).map(([from, to]) => this.reader.currentVersions(this.tenantId, from, to)));
    const versions = pointers.flat().filter((v) => wanted.has(v.period));
    const reads = versions.flatMap((version) => kinds.map((kind) => ({ version, kind })));
    const withMeta = wantNames && this.reader.readMeta ? versions : [];
    const [batches, metas] = await Promise.all([
      mapLimit(reads, this.concurrency, async ({ version, kind }) => ({
        version,
        kind,
        rows: await this.reader.readRows(this.tenantId, version.sourceId, version.period, version.version, kind),
      })),
      mapLimit(withMeta, this.concurrency, (v) => this.reader.readMeta!(this.tenantId, v.sourceId, v.period, v.version)),
    ]);
    const accountNames = new Map<string, string>();
    // Older periods first, so the newest name of an account wins.
    const order = withMeta.map((v, i) => ({ v, meta: metas[i] })).sort((a, b) => (a.v.period < b.v.period ? -1 : a.v.period > b.v.period ? 1 : 0));
    for (const { meta } of order) for (const [id, name] of Object.entries(meta?.accountNames ?? {})) if (name) accountNames.set(id, name);
    return { versions, batches, accountNames };
  }

  private freshness(versions: readonly PeriodVersion[], range: Range): Freshness {
    const touched = new Set(periodsTouched(range));
    const inRange = versions.filter((v) => touched.has(v.period));
    const latest = inRange.reduce<string | null>((max, v) => (max === null || v.updatedAt > max ? v.updatedAt : max), null);
    return { estimated: inRange.some((v) => v.status !== 'final'), dataUpdatedAt: latest };
  }

  /** The requested currency, else the one with the most spend in the first tally that has any. */
  private currencyOf(requested: string | undefined, tallies: readonly Tally[]): string {
    if (requested) return requested;
    for (const tally of tallies) {
      const totals = [...tally.currencyTotals()].map(([key, total]) => ({ key, total })).sort(byAmountThenKey);
      if (totals.length) return totals[0]!.key;
    }
    return FALLBACK_CURRENCY;
  }

  private static currencies(tally: Tally): CurrencyTotal[] {
    return [...tally.currencyTotals()]
      .map(([key, total]) => ({ key, total }))
      .sort(byAmountThenKey)
      .map(({ key, total }) => ({ currency: key, total: fmt(total) }));
  }

  private static nameOf(groupBy: GroupBy, key: string, accountNames: ReadonlyMap<string, string>): string {
    if (groupBy === 'account' && key !== NONE) return accountNames.get(key) ?? key;
    if (isTagDimension(groupBy) && key === UNTAGGED) return UNTAGGED;
    return key === NONE ? '(none)' : key;
  }

  private run(plan: Plan, groupBy: GroupBy, loaded: Loaded, filters: readonly Filter[], metric: Metric, tallies: readonly Tally[]) {
    const sets = filterSets(filters);
    for (const batch of loaded.batches) scan(plan, groupBy, batch, sets, metric, tallies);
    if (plan.source === 'tag' && plan.withUntagged) for (const tally of tallies) tally.deriveUntagged();
  }

  /** Total, previous equal-length period, change, month to date and top movers (by service). */
  async overview(input: ViewInput, today: string): Promise<Overview> {
    const range = resolveRange(input, today);
    const length = daysBetween(range.start, range.end);
    const previous: Range = { start: addDays(range.start, -length), end: range.start };
    const mtd: Range = { start: monthStart(today), end: addDays(today, 1) };
    const plan = planQuery('service', input.filters, 'overview');
    const loaded = await this.load([...periodsFor(previous), ...periodsFor(range), ...periodsFor(mtd)], kindsOf(plan), false);

    const tallies = [new Tally(range, null), new Tally(previous, null), new Tally(mtd, null)] as const;
    this.run(plan, 'service', loaded, input.filters, input.metric, tallies);
    const [current, before, monthToDate] = tallies;
    const currency = this.currencyOf(input.currency, tallies);
    const totalOf = (t: Tally) => t.currencyTotals().get(currency) ?? 0n;
    const now = current.groups.get(currency) ?? new Map<string, Cell>();
    const then = before.groups.get(currency) ?? new Map<string, Cell>();

    const movers = [...new Set([...now.keys(), ...then.keys()])]
      .map((key) => {
        const a = now.get(key)?.total ?? 0n;
        const b = then.get(key)?.total ?? 0n;
        return { key, a, b, total: abs(a - b) };
      })
      .filter((m) => m.total !== 0n)
      .sort(byAmountThenKey)
      .slice(0, 5);

    return {
      start: range.start,
      end: range.end,
      metric: input.metric,
      currency,
      total: fmt(totalOf(current)),
      previous: { ...previous, total: fmt(totalOf(before)) },
      change: change(totalOf(current), totalOf(before)),
      monthToDate: { ...mtd, total: fmt(totalOf(monthToDate)) },
      topMovers: movers.map((m) => ({
        key: m.key,
        name: CostQueries.nameOf('service', m.key, loaded.accountNames),
        current: fmt(m.a),
        previous: fmt(m.b),
        change: change(m.a, m.b),
      })),
      currencies: CostQueries.currencies(current),
      ...this.freshness(loaded.versions, range),
    };
  }

  /** Spend grouped by one dimension, tag key or resource: top N rows plus `other`, each with its series. */
  async breakdown(input: BreakdownInput, today: string): Promise<Breakdown> {
    const plan = planQuery(input.groupBy, input.filters, 'breakdown');
    const byResource = plan.source === 'resource';
    const granularity = input.granularity ?? (byResource ? 'monthly' : 'daily');
    if (byResource && granularity === 'daily') {
      throw new Invalid('The request is not valid.', [
        { field: 'query.granularity', message: 'resource rows are stored per billing period (month): use granularity=monthly with groupBy=resource', code: 'invalid_value' },
      ]);
    }
    const requested = resolveRange(input, today);
    const range = byResource ? wholePeriods(requested) : requested;
    const periods = byResource ? periodsTouched(range) : periodsFor(range);
    const loaded = await this.load(periods, kindsOf(plan), input.groupBy === 'account');

    const tally = new Tally(range, granularity, byResource ? new Set(periods) : undefined);
    this.run(plan, input.groupBy, loaded, input.filters, input.metric, [tally]);
    const currency = this.currencyOf(input.currency, [tally]);
    const groups = [...(tally.groups.get(currency) ?? new Map<string, Cell>())].map(([key, cell]) => ({ key, total: cell.total, cell })).sort(byAmountThenKey);
    const total = groups.reduce((s, g) => s + g.total, 0n);
    const dates = bucketDates(range, granularity);
    const points = (buckets: ReadonlyMap<string, bigint>) => dates.map((date) => ({ date, amount: fmt(buckets.get(date) ?? 0n) }));
    const top = groups.slice(0, input.top);
    const rest = groups.slice(input.top);
    let other: Breakdown['other'] = null;
    if (rest.length) {
      const sum = newCell();
      for (const g of rest) for (const [bucket, v] of g.cell.buckets) addTo(sum, bucket, v);
      sum.total = rest.reduce((s, g) => s + g.total, 0n);
      other = { count: rest.length, amount: fmt(sum.total), share: share(sum.total, total), points: points(sum.buckets) };
    }
    return {
      start: range.start,
      end: range.end,
      groupBy: input.groupBy,
      granularity,
      metric: input.metric,
      currency,
      total: fmt(total),
      rows: top.map((g) => ({
        key: g.key,
        name: CostQueries.nameOf(input.groupBy, g.key, loaded.accountNames),
        amount: fmt(g.total),
        share: share(g.total, total),
        points: points(g.cell.buckets),
      })),
      other,
      currencies: CostQueries.currencies(tally),
      ...this.freshness(loaded.versions, range),
    };
  }

  /**
   * The most expensive resources. Resource rows are stored per billing period (month), so the
   * answer covers the whole periods overlapping the requested range; `start`/`end` say which.
   */
  async topResources(input: TopResourcesInput, today: string): Promise<TopResources> {
    const plan = planQuery('resource', input.filters, 'resources');
    const range = wholePeriods(resolveRange(input, today));
    const periods = periodsTouched(range);
    const loaded = await this.load(periods, kindsOf(plan), true);
    const tally = new Tally(range, null, new Set(periods));
    this.run(plan, 'resource', loaded, input.filters, input.metric, [tally]);
    const currency = this.currencyOf(input.currency, [tally]);
    const groups = [...(tally.groups.get(currency) ?? new Map<string, Cell>())].map(([key, cell]) => ({ key, total: cell.total })).sort(byAmountThenKey);
    const total = groups.reduce((s, g) => s + g.total, 0n);
    const attributes = tally.resourceRows.get(currency) ?? new Map<string, { row: ResourceRow }>();
    return {
      start: range.start,
      end: range.end,
      periods,
      metric: input.metric,
      currency,
      total: fmt(total),
      items: groups
        .filter((g) => g.key !== NONE)
        .slice(0, input.limit)
        .map((g) => {
          const row = attributes.get(g.key)!.row;
          return {
            resourceId: g.key,
            service: row.service,
            account: row.account,
            accountName: loaded.accountNames.get(row.account) ?? null,
            region: row.region,
            amount: fmt(g.total),
            share: share(g.total, total),
          };
        }),
      nextCursor: null,
      currencies: CostQueries.currencies(tally),
      ...this.freshness(loaded.versions, range),
    };
  }
}
