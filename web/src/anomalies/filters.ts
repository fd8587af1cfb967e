import { anomalyQuery, anomalySeverity, anomalyStatus } from '#shared/contracts/analysis.js';
import type { AnomalyFilter } from './queries.js';

/**
 * The list's filters and their place in the URL, in the API's own grammar (a shared link reads like
 * the call it makes): ?status=active&severity=high&start=2026-01-01&end=2026-02-01 (end exclusive).
 */
export interface FilterState {
  filter: AnomalyFilter;
  /** The API's own complaint about the URL's filters (e.g. end before start); null when valid. */
  problem: string | null;
}

const KEYS = ['status', 'severity', 'start', 'end'] as const;

export function readFilter(search: URLSearchParams): FilterState {
  const status = anomalyStatus.safeParse(search.get('status'));
  const severity = anomalySeverity.safeParse(search.get('severity'));
  const filter: AnomalyFilter = {
    ...(status.success ? { status: status.data } : {}),
    ...(severity.success ? { severity: severity.data } : {}),
    ...(search.get('start') ? { start: search.get('start')! } : {}),
    ...(search.get('end') ? { end: search.get('end')! } : {}),
  };
  // The API's query schema decides whether the dates are valid, so the page refuses what the API would.
  const parsed = anomalyQuery.safeParse(filter);
  const problem = parsed.success ? null : parsed.error.issues.map((i) => (i.path.length ? `${String(i.path[0])}: ${i.message}` : i.message)).join('; ');
  return { filter, problem };
}

export function writeFilter(search: URLSearchParams, filter: AnomalyFilter): URLSearchParams {
  const next = new URLSearchParams(search);
  for (const key of KEYS) {
    const value = filter[key];
    if (value) next.set(key, value);
    else next.delete(key);
  }
  return next;
}

export const hasFilter = (filter: AnomalyFilter): boolean => KEYS.some((k) => Boolean(filter[k]));
