import { Invalid, type FieldIssue } from '../errors.js';
import { DIMENSIONS, type Dimension, type RollupKind } from './rollups.js';

/**
 * Query planning: which stored rollups answer a cost view, with the fewest reads.
 *
 * - group by a dimension, filters only on that dimension (or none) -> that dimension's 1-D rollup;
 * - group by a dimension, filters on other dimensions -> the cube (every dimension per row);
 * - group by `tag:<key>` (filters only on that same tag key) -> the tag rollup, plus the
 *   chargeCategory rollup (the smallest 1-D rollup) for the daily totals that `(untagged)` is
 *   derived from, read only when `(untagged)` is part of the answer;
 * - group by resource (filters on service/account/region only) -> the resource rollup.
 *
 * Refused with a 400 `UNSUPPORTED_FILTER`, because separate rollups cannot answer them exactly:
 * a tag filter together with any other dimension (the tag rollup stores date, key and value only,
 * the cube stores no tags), a tag filter on another key than the grouped one, and resource views
 * filtered on usageType or chargeCategory (resource rows do not carry them).
 */

export const METRICS = ['billed', 'effective', 'list'] as const;
export type Metric = (typeof METRICS)[number];

export type TagDimension = `tag:${string}`;
export type FilterDimension = Dimension | TagDimension;
export type GroupBy = Dimension | 'resource' | TagDimension;

/** One dimension's filter: the row matches when its value is one of `values` (OR within). Filters AND across. */
export interface Filter {
  dimension: FilterDimension;
  values: string[];
}

/** The group (and tag filter value) for spend that does not carry the grouped tag key. */
export const UNTAGGED = '(untagged)';

/** The 1-D rollup read for daily totals when `(untagged)` is derived: the fewest rows per day. */
export const TOTALS_KIND: Dimension = 'chargeCategory';

export const RESOURCE_FILTER_DIMENSIONS: readonly Dimension[] = ['service', 'account', 'region'];

export type Plan =
  | { source: 'rollup'; kind: Dimension }
  | { source: 'cube' }
  | { source: 'tag'; key: string; withUntagged: boolean }
  | { source: 'resource' };

export const isTagDimension = (d: string): d is TagDimension => d.startsWith('tag:') && d.length > 4;
export const isDimension = (d: string): d is Dimension => (DIMENSIONS as readonly string[]).includes(d);
export const tagKeyOf = (d: TagDimension): string => d.slice(4);

/** The rollup kinds a plan reads, per billing period and source. */
export function kindsOf(plan: Plan): RollupKind[] {
  switch (plan.source) {
    case 'rollup':
      return [plan.kind];
    case 'cube':
      return ['cube'];
    case 'tag':
      return plan.withUntagged ? ['tag', TOTALS_KIND] : ['tag'];
    case 'resource':
      return ['resource'];
  }
}

const filterField = (f: Filter) => `query.filter[${f.dimension}]`;

/**
 * The plan for a view grouped by `groupBy` under `filters`; throws a 400 naming each filter that
 * cannot be combined. `view` only words the messages (the overview ranks services).
 */
export function planQuery(groupBy: GroupBy, filters: readonly Filter[], view: 'breakdown' | 'overview' | 'resources' = 'breakdown'): Plan {
  const issues: FieldIssue[] = [];
  const refuse = (f: Filter, message: string) => issues.push({ field: filterField(f), message, code: 'unsupported_filter' });
  let plan: Plan;

  if (isTagDimension(groupBy)) {
    for (const f of filters) {
      if (f.dimension === groupBy) continue;
      refuse(
        f,
        isTagDimension(f.dimension)
          ? `cannot be combined with groupBy=${groupBy}: tag spend is stored per tag key, so spend carrying two tag keys at once is not known; filter on ${groupBy} only`
          : `cannot be combined with groupBy=${groupBy}: the tag rollup stores only date, tag key and value, so tag spend cannot be filtered by ${f.dimension}; group by ${f.dimension} or drop this filter`,
      );
    }
    const own = filters.find((f) => f.dimension === groupBy);
    plan = { source: 'tag', key: tagKeyOf(groupBy), withUntagged: !own || own.values.includes(UNTAGGED) };
  } else if (groupBy === 'resource') {
    for (const f of filters) {
      if (!RESOURCE_FILTER_DIMENSIONS.includes(f.dimension as Dimension)) {
        refuse(f, `resource rows carry service, account and region only; ${view === 'resources' ? 'top resources' : 'groupBy=resource'} cannot be filtered by ${f.dimension}`);
      }
    }
    plan = { source: 'resource' };
  } else {
    for (const f of filters) {
      if (!isTagDimension(f.dimension)) continue;
      refuse(
        f,
        view === 'overview'
          ? `the overview ranks services, and tag spend is stored per tag, not per service: a tag filter cannot be answered here exactly; use /v1/costs/breakdown?groupBy=${f.dimension}`
          : `tag filters apply only with groupBy=${f.dimension}: tag spend is stored per tag, not per ${groupBy}, so a tag filter with groupBy=${groupBy} cannot be answered exactly`,
      );
    }
    plan = filters.every((f) => f.dimension === groupBy) ? { source: 'rollup', kind: groupBy } : { source: 'cube' };
  }

  if (issues.length) throw new Invalid('These filters cannot be combined in one cost view.', issues, 'UNSUPPORTED_FILTER');
  return plan;
}
