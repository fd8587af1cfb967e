import { z } from 'zod';
import { isTagDimension, type Filter, type FilterDimension } from '../costs/plan.js';
import { DIMENSIONS } from '../costs/rollups.js';

/**
 * The one filter grammar of every cost-shaped query (cost views, forecasts, and later budget
 * scopes): `filter[service]=A&filter[service]=B&filter[tag:env]=prod`, OR within a dimension, AND
 * across. An unknown field or an unknown dimension is a 400 naming it (`query.filter[x]`).
 */
const TAG_KEY_MAX = 128;
const FILTER_VALUE_MAX = 256;
const FILTER_VALUES_MAX = 100;
const FILTER_KEY = /^filter\[(.*)\]$/s;
const FILTER_HELP = `use filter[<dimension>] with one of ${DIMENSIONS.join(', ')} or tag:<key>`;

export const TAG_KEY_MAX_LENGTH = TAG_KEY_MAX;

export const filterValues = (dimension: string) =>
  z
    .union([z.string().max(FILTER_VALUE_MAX), z.array(z.string().max(FILTER_VALUE_MAX)).min(1).max(FILTER_VALUES_MAX)])
    .transform((v) => [...new Set(Array.isArray(v) ? v : [v])])
    .optional()
    .describe(`Only spend whose ${dimension} is one of these values (repeat the parameter for OR); empty matches "(none)"`);

/** `filter[<dimension>]` for each fixed dimension; tag filters are any `filter[tag:<key>]`. */
export const dimensionFilterShape = Object.fromEntries(DIMENSIONS.map((d) => [`filter[${d}]`, filterValues(d)])) as Record<
  `filter[${(typeof DIMENSIONS)[number]}]`,
  ReturnType<typeof filterValues>
>;

/** For a `.superRefine`: reports every key that is neither `known` nor a valid tag filter. */
export function checkFilterKeys(query: Record<string, unknown>, known: ReadonlySet<string>, ctx: z.RefinementCtx): void {
  for (const [key, value] of Object.entries(query)) {
    if (known.has(key)) continue;
    const dimension = FILTER_KEY.exec(key)?.[1];
    if (dimension === undefined) {
      ctx.addIssue({ code: 'unrecognized_keys', keys: [key], path: [], input: query });
    } else if (!isTagDimension(dimension)) {
      ctx.addIssue({ code: 'custom', path: [key], message: `unknown filter dimension "${dimension.slice(0, 40)}": ${FILTER_HELP}`, input: value });
    } else if (dimension.length - 4 > TAG_KEY_MAX) {
      ctx.addIssue({ code: 'custom', path: [key], message: `a tag key has at most ${TAG_KEY_MAX} characters`, input: value });
    } else {
      const parsed = filterValues(dimension).safeParse(value);
      for (const issue of parsed.error?.issues ?? []) ctx.addIssue({ ...issue, path: [key, ...issue.path] } as never);
    }
  }
}

/** The filters of a checked query, sorted by dimension, each with its distinct values. */
export function filtersOf(query: Record<string, unknown>): Filter[] {
  const filters: Filter[] = [];
  for (const [key, value] of Object.entries(query)) {
    const dimension = FILTER_KEY.exec(key)?.[1];
    if (dimension === undefined || value === undefined) continue;
    filters.push({ dimension: dimension as FilterDimension, values: Array.isArray(value) ? [...new Set(value as string[])] : [value as string] });
  }
  return filters.sort((a, b) => (a.dimension < b.dimension ? -1 : 1));
}
