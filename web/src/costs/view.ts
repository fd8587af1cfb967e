import type { QueryValue } from '../api/client.js';
import { daysBetween, isDay, isPreset, presetRange, type PresetId, type Range } from './dates.js';

/**
 * A cost view (range, grouping, granularity, metric, filters) and its place in the URL. The URL
 * uses the API's own grammar, so a shared link reads like the API call it makes:
 *   ?range=30d&groupBy=region&granularity=daily&metric=billed&filter[service]=Amazon%20EC2&filter[tag:env]=prod
 * `range` is a preset (relative: "last 30 days" stays the last 30 days when the link is opened later);
 * a custom range is `start` and `end` exactly as the API takes them (end exclusive).
 */

export const METRICS = [
  { id: 'billed', label: 'Billed', hint: 'What the invoice says' },
  { id: 'effective', label: 'Effective', hint: 'Amortized: commitments spread over their term, after discounts' },
  { id: 'list', label: 'List', hint: 'On-demand list price, before any discount' },
] as const;
export type Metric = (typeof METRICS)[number]['id'];
const isMetric = (m: string | null): m is Metric => METRICS.some((x) => x.id === m);

export const DIMENSIONS = [
  { id: 'service', label: 'Service' },
  { id: 'account', label: 'Account' },
  { id: 'region', label: 'Region' },
  { id: 'usageType', label: 'Usage type' },
  { id: 'chargeCategory', label: 'Charge category' },
] as const;
export type Dimension = (typeof DIMENSIONS)[number]['id'];
export const isDimension = (d: string): d is Dimension => DIMENSIONS.some((x) => x.id === d);
export const isTag = (d: string): boolean => d.startsWith('tag:') && d.length > 4;

/** A dimension's label: "Region", "Tag env", "Resource". */
export function dimensionLabel(d: string): string {
  if (isTag(d)) return `Tag ${d.slice(4)}`;
  if (d === 'resource') return 'Resource';
  return DIMENSIONS.find((x) => x.id === d)?.label ?? d;
}

/** A filter value as people read it: the API's "" is spend without the dimension. */
export const valueLabel = (value: string): string => (value === '' ? '(none)' : value);

export type Granularity = 'daily' | 'monthly';

export interface Filter {
  dimension: string;
  values: string[];
}

export interface CostView {
  range: PresetId | 'custom';
  /** Custom ranges only: `[start, end)` as the API takes them. */
  start: string | null;
  end: string | null;
  groupBy: string;
  /** null: daily up to 3 months, monthly beyond (and always monthly by resource). */
  granularity: Granularity | null;
  metric: Metric;
  /** null: the API's choice (the currency with the most spend). */
  currency: string | null;
  top: number;
  chart: 'bar' | 'area';
  /** In the order they were added; OR within a dimension, AND across. */
  filters: Filter[];
}

export const DEFAULT_VIEW: CostView = {
  range: '30d',
  start: null,
  end: null,
  groupBy: 'service',
  granularity: null,
  metric: 'billed',
  currency: null,
  top: 10,
  chart: 'bar',
  filters: [],
};

export const TOP_CHOICES = [5, 10, 20, 50] as const;
const FILTER_KEY = /^filter\[(.+)\]$/s;

function validGroupBy(g: string | null): g is string {
  return !!g && (isDimension(g) || g === 'resource' || isTag(g));
}

export function parseView(search: string, defaults: CostView = DEFAULT_VIEW): CostView {
  const params = new URLSearchParams(search);
  const view: CostView = { ...defaults, filters: [] };
  const range = params.get('range');
  const start = params.get('start');
  const end = params.get('end');
  if (isDay(start) && isDay(end) && start < end) Object.assign(view, { range: 'custom', start, end });
  else if (isPreset(range)) view.range = range;
  const groupBy = params.get('groupBy');
  if (validGroupBy(groupBy)) view.groupBy = groupBy;
  const granularity = params.get('granularity');
  if (granularity === 'daily' || granularity === 'monthly') view.granularity = granularity;
  const metric = params.get('metric');
  if (isMetric(metric)) view.metric = metric;
  const currency = params.get('currency');
  if (currency && /^[A-Z]{3}$/.test(currency)) view.currency = currency;
  const top = Number(params.get('top'));
  if (Number.isInteger(top) && top >= 1 && top <= 50) view.top = top;
  if (params.get('chart') === 'area') view.chart = 'area';
  for (const [key, value] of params) {
    const dimension = FILTER_KEY.exec(key)?.[1];
    if (!dimension || !(isDimension(dimension) || isTag(dimension))) continue;
    view.filters = addFilter(view.filters, dimension, value);
  }
  return view;
}

/** Brackets and the tag colon stay readable in the address bar; values are encoded. */
const enc = (text: string) => encodeURIComponent(text).replace(/%3A/gi, ':');

export function serializeView(view: CostView, defaults: CostView = DEFAULT_VIEW): string {
  const parts: string[] = [];
  const put = (key: string, value: string) => parts.push(`${key}=${enc(value)}`);
  if (view.range === 'custom' && view.start && view.end) {
    put('start', view.start);
    put('end', view.end);
  } else put('range', view.range);
  if (view.groupBy !== defaults.groupBy) put('groupBy', view.groupBy);
  if (view.granularity) put('granularity', view.granularity);
  if (view.metric !== defaults.metric) put('metric', view.metric);
  if (view.currency) put('currency', view.currency);
  if (view.top !== defaults.top) put('top', String(view.top));
  if (view.chart !== defaults.chart) put('chart', view.chart);
  for (const f of view.filters) for (const v of f.values) parts.push(`filter[${enc(f.dimension)}]=${enc(v)}`);
  return `?${parts.join('&')}`;
}

export function addFilter(filters: Filter[], dimension: string, value: string): Filter[] {
  const existing = filters.find((f) => f.dimension === dimension);
  if (!existing) return [...filters, { dimension, values: [value] }];
  if (existing.values.includes(value)) return filters;
  return filters.map((f) => (f === existing ? { ...f, values: [...f.values, value] } : f));
}

export function removeFilter(filters: Filter[], dimension: string, value: string): Filter[] {
  return filters
    .map((f) => (f.dimension === dimension ? { ...f, values: f.values.filter((v) => v !== value) } : f))
    .filter((f) => f.values.length > 0);
}

export function rangeOf(view: Pick<CostView, 'range' | 'start' | 'end'>, today: string): Range {
  if (view.range === 'custom' && view.start && view.end) return { start: view.start, end: view.end };
  return presetRange(view.range === 'custom' ? '30d' : view.range, today);
}

export function granularityOf(view: CostView, range: Range): Granularity {
  if (view.groupBy === 'resource') return 'monthly';
  return view.granularity ?? (daysBetween(range.start, range.end) > 93 ? 'monthly' : 'daily');
}

/** The API query for a view: the same names as the URL (filters as arrays, so "" survives). */
export function filterQuery(filters: Filter[]): Record<string, QueryValue> {
  return Object.fromEntries(filters.map((f) => [`filter[${f.dimension}]`, f.values]));
}

/**
 * The filter dimensions a grouping can be answered under, as the API plans it (shared/costs/plan.ts):
 * a tag grouping takes only its own tag key, a resource grouping service, account and region, and
 * a dimension grouping any dimension but no tag (tag spend is stored per tag key, not per dimension).
 */
export function filterDimensionsFor(groupBy: string): string[] {
  if (isTag(groupBy)) return [groupBy];
  if (groupBy === 'resource') return ['service', 'account', 'region'];
  return DIMENSIONS.map((d) => d.id);
}

/** Why a filter cannot apply under a grouping, or null when it can. */
export function incompatibility(groupBy: string, dimension: string): string | null {
  if (filterDimensionsFor(groupBy).includes(dimension)) return null;
  if (isTag(groupBy)) return isTag(dimension) ? 'spend is stored per tag key, so two tag keys cannot be combined' : `tag spend cannot be filtered by ${dimensionLabel(dimension).toLowerCase()}`;
  if (groupBy === 'resource') return `resource costs carry only service, account and region`;
  return `tag filters apply only when grouping by that tag`;
}
