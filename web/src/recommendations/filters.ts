import { recommendationQuery, resourceQuery } from '#shared/contracts/recommendations.js';
import type { RecommendationFilter, ResourceFilter } from './queries.js';

/**
 * The lists' filters and their place in the URL, in the API's own grammar, so a shared link opens
 * the same view: ?status=dismissed&category=compute&minSavings=25&sort=savings. The one addition:
 * the recommendations list shows open ones unless the URL says otherwise (status=all: every state).
 */
export const REC_FILTER_KEYS = ['status', 'category', 'risk', 'account', 'actionType', 'source', 'minSavings', 'sort'] as const;
export const ALL_STATUSES = 'all';

export interface FilterState<F> {
  filter: F;
  /** The API's own complaint about the URL's filters; null when valid. */
  problem: string | null;
}

const describeIssues = (issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) =>
  issues.map((i) => (i.path.length ? `${String(i.path[0])}: ${i.message}` : i.message)).join('; ');

export function readRecommendationFilter(search: URLSearchParams): FilterState<RecommendationFilter> {
  const raw: Record<string, string> = {};
  for (const key of REC_FILTER_KEYS) {
    const value = search.get(key);
    if (value) raw[key] = value;
  }
  if (!raw.status) raw.status = 'open';
  if (raw.status === ALL_STATUSES) delete raw.status;
  // The API's query schema decides what is valid, so the page refuses what the API would.
  const parsed = recommendationQuery.safeParse(raw);
  if (!parsed.success) return { filter: { status: 'open' }, problem: describeIssues(parsed.error.issues) };
  const { limit: _limit, cursor: _cursor, sort, ...rest } = parsed.data;
  return { filter: { ...rest, ...(sort === '-savings' ? {} : { sort }) }, problem: null };
}

/** The URL for a filter: open and largest-savings-first are the defaults and stay out of it. */
export function writeRecommendationFilter(search: URLSearchParams, filter: RecommendationFilter): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const key of REC_FILTER_KEYS) next.delete(key);
  for (const key of REC_FILTER_KEYS) {
    const value = filter[key];
    if (key === 'status') {
      if (value === undefined) next.set('status', ALL_STATUSES);
      else if (value !== 'open') next.set('status', value);
    } else if (key === 'sort') {
      if (value && value !== '-savings') next.set('sort', value);
    } else if (value) next.set(key, value);
  }
  return next;
}

/** Filters other than the default view (open, largest first). */
export const hasRecommendationFilter = (filter: RecommendationFilter): boolean =>
  filter.status !== 'open' || REC_FILTER_KEYS.some((k) => k !== 'status' && k !== 'sort' && Boolean(filter[k]));

export const RESOURCE_FILTER_KEYS = ['type', 'account', 'region', 'q'] as const;

export function readResourceFilter(search: URLSearchParams): FilterState<ResourceFilter> {
  const raw: Record<string, string> = {};
  for (const key of RESOURCE_FILTER_KEYS) {
    const value = search.get(key);
    if (value) raw[key] = value;
  }
  const parsed = resourceQuery.safeParse(raw);
  if (!parsed.success) return { filter: {}, problem: describeIssues(parsed.error.issues) };
  const { limit: _limit, cursor: _cursor, ...rest } = parsed.data;
  return { filter: rest, problem: null };
}

export function writeResourceFilter(search: URLSearchParams, filter: ResourceFilter): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const key of RESOURCE_FILTER_KEYS) {
    const value = filter[key];
    if (value) next.set(key, value);
    else next.delete(key);
  }
  return next;
}
