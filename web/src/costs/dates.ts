import { addDays } from '../format.js';

/**
 * Calendar arithmetic for cost ranges. The cost APIs take `[start, end)` (end exclusive) as
 * `yyyy-mm-dd` billing days, and "today" is the tenant's today (its time zone), as the API uses it.
 */

export { addDays };

/** Today (`yyyy-mm-dd`) in an IANA time zone; the UTC day when the zone is unknown. */
export function todayIn(timeZone: string, now: Date = new Date()): string {
  try {
    const parts = Object.fromEntries(
      new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(now).map((p) => [p.type, p.value]),
    );
    return `${parts.year}-${parts.month}-${parts.day}`;
  } catch {
    return now.toISOString().slice(0, 10);
  }
}

export const monthStart = (day: string): string => `${day.slice(0, 7)}-01`;

/** The first of the month `months` after the month of `day` (negative goes back). */
export function addMonths(day: string, months: number): string {
  const d = new Date(`${monthStart(day)}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

export function daysBetween(start: string, end: string): number {
  return Math.round((Date.parse(`${end}T00:00:00Z`) - Date.parse(`${start}T00:00:00Z`)) / 86_400_000);
}

export interface Range {
  start: string;
  /** Exclusive, as the API takes it. */
  end: string;
}

/**
 * The range presets. "Last N days" are the N whole days before today (today's data is still
 * arriving, so a partial day would read as a drop); "this month" is month to date, today included,
 * as the API's month to date; "last N months" are the N whole calendar months before this one.
 */
export const PRESETS = [
  { id: '7d', label: 'Last 7 days' },
  { id: '30d', label: 'Last 30 days' },
  { id: '90d', label: 'Last 90 days' },
  { id: 'mtd', label: 'This month' },
  { id: 'last-month', label: 'Last month' },
  { id: '3m', label: 'Last 3 months' },
  { id: '6m', label: 'Last 6 months' },
  { id: '12m', label: 'Last 12 months' },
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];

export const isPreset = (id: string | null | undefined): id is PresetId => PRESETS.some((p) => p.id === id);

export function presetRange(id: PresetId, today: string): Range {
  switch (id) {
    case '7d':
      return { start: addDays(today, -7), end: today };
    case '30d':
      return { start: addDays(today, -30), end: today };
    case '90d':
      return { start: addDays(today, -90), end: today };
    case 'mtd':
      return { start: monthStart(today), end: addDays(today, 1) };
    case 'last-month':
      return { start: addMonths(today, -1), end: monthStart(today) };
    case '3m':
      return { start: addMonths(today, -3), end: monthStart(today) };
    case '6m':
      return { start: addMonths(today, -6), end: monthStart(today) };
    case '12m':
      return { start: addMonths(today, -12), end: monthStart(today) };
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const isDay = (text: string | null | undefined): text is string => !!text && DATE.test(text) && !Number.isNaN(Date.parse(`${text}T00:00:00Z`));
