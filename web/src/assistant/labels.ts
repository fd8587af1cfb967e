import type { AssistantToolName } from '#shared/assistant/constants.js';
import { addDays, formatDay, formatNumber } from '../format.js';

/** The assistant's tools in words, as a person would name what was looked up. */
export const TOOL_NAMES: Record<AssistantToolName, string> = {
  cost_overview: 'Cost overview',
  cost_breakdown: 'Cost breakdown',
  compare_periods: 'Period comparison',
  top_resources: 'Top resources',
  anomalies: 'Anomalies',
  forecast: 'Forecast',
  budgets: 'Budgets',
  recommendations_summary: 'Savings summary',
  recommendations: 'Recommendations',
};

export const SUGGESTED_QUESTIONS = [
  'What did we spend on EC2 last month?',
  'Why did costs go up this week?',
  'Top 5 services in eu-west-1 last quarter',
  'How much can we save on storage?',
  'Are we going to exceed the prod budget?',
] as const;

const PARAM_NAMES: Record<string, string> = {
  groupBy: 'Grouped by',
  metric: 'Cost metric',
  currency: 'Currency',
  granularity: 'Granularity',
  top: 'Rows',
  limit: 'Limit',
  status: 'Status',
  severity: 'Severity',
  category: 'Category',
  accountId: 'Account',
  name: 'Name contains',
  sort: 'Sorted by',
};

function humanize(key: string): string {
  return PARAM_NAMES[key] ?? key.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
}

function isDay(value: unknown): value is string {
  return typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);
}

/** A [start, end) range of billing days as a reader says it: "Oct 1, 2026 – Oct 31, 2026". */
export function formatRange(start: unknown, end: unknown): string {
  const from = isDay(start) ? formatDay(start) : null;
  const to = isDay(end) ? formatDay(addDays(end, -1)) : null;
  if (from && to) return from === to ? from : `${from} – ${to}`;
  if (from) return `from ${from}`;
  if (to) return `until ${to}`;
  return 'default period';
}

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (Array.isArray(value)) return value.map(formatValue).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Filters as the API's grammar reads: service is EC2 or S3; tag env is prod. */
export function formatFilters(filters: unknown): string {
  if (!filters || typeof filters !== 'object') return formatValue(filters);
  const parts: string[] = [];
  for (const [key, values] of Object.entries(filters as Record<string, unknown>)) {
    if (key === 'tags' && values && typeof values === 'object') {
      for (const [tag, tagValues] of Object.entries(values as Record<string, unknown>)) parts.push(`tag ${tag} is ${formatValue(tagValues).replace(/, ([^,]*)$/, ' or $1')}`);
    } else if (Array.isArray(values) && values.length > 0) {
      parts.push(`${key} is ${formatValue(values).replace(/, ([^,]*)$/, ' or $1')}`);
    }
  }
  return parts.length > 0 ? parts.join('; ') : 'none';
}

/** A tool's parameters as label/value pairs: periods, grouping, filters and the rest. */
export function describeInput(input: Record<string, unknown>): Array<[string, string]> {
  const rows: Array<[string, string]> = [];
  if ('start' in input || 'end' in input) rows.push(['Period', formatRange(input.start, input.end)]);
  for (const [key, value] of Object.entries(input)) {
    if (key === 'start' || key === 'end' || value === undefined) continue;
    if (key === 'filters') rows.push(['Filters', formatFilters(value)]);
    else if ((key === 'a' || key === 'b') && value && typeof value === 'object') {
      const p = value as Record<string, unknown>;
      rows.push([key === 'a' ? 'Earlier period' : 'Later period', formatRange(p.start, p.end)]);
    } else rows.push([humanize(key), formatValue(value)]);
  }
  return rows;
}

/** A figure's name as the tools key it ("monthToDate.total", "EC2 compute.spent") in words. */
export function figureName(name: string): string {
  const words = name
    .split('.')
    .map((part) => (/^[a-z]+(?:[A-Z][a-z]*)+$/.test(part) ? part.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : part))
    .join(' · ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** A figure as the tools return it (an exact decimal string): grouped, at most two decimals; anything else as is. */
export function formatFigure(value: string): string {
  return /^-?\d+(?:\.\d+)?$/.test(value) ? formatNumber(value) : value;
}
