/**
 * Calendar dates (`yyyy-mm-dd`) and billing periods (`yyyy-mm`) as plain strings, with integer day
 * arithmetic in UTC. Cost rollups are keyed by charge date; a range is `[start, end)`.
 */

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** The years the cost APIs accept; outside them a date is a typo, not a billing period. */
export const MIN_YEAR = 2000;
export const MAX_YEAR = 2099;

/** True for a real calendar date `yyyy-mm-dd` between MIN_YEAR and MAX_YEAR (no 2025-02-30). */
export function isCalendarDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12 || day < 1) return false;
  return day <= daysInMonth(year, month);
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Days since 1970-01-01 of a valid date. */
export function dayNumber(date: string): number {
  return Date.UTC(Number(date.slice(0, 4)), Number(date.slice(5, 7)) - 1, Number(date.slice(8, 10))) / DAY_MS;
}

export function fromDayNumber(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

export const addDays = (date: string, days: number): string => fromDayNumber(dayNumber(date) + days);

/** Whole days from `a` to `b` (negative when b is before a). */
export const daysBetween = (a: string, b: string): number => dayNumber(b) - dayNumber(a);

/** `yyyy-mm` of a date. */
export const periodOf = (date: string): string => date.slice(0, 7);

/** The first day of the date's month. */
export const monthStart = (date: string): string => `${date.slice(0, 7)}-01`;

/** The period `n` months after `period` (`yyyy-mm`; n may be negative). */
export function addMonths(period: string, n: number): string {
  const index = Number(period.slice(0, 4)) * 12 + Number(period.slice(5, 7)) - 1 + n;
  return `${String(Math.floor(index / 12)).padStart(4, '0')}-${String((index % 12) + 1).padStart(2, '0')}`;
}

/** Every period from `from` to `to` (`yyyy-mm`), inclusive; empty when `to` is before `from`. */
export function periodsBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let p = from; p <= to; p = addMonths(p, 1)) out.push(p);
  return out;
}

/**
 * Today's date in a time zone (IANA name). An unknown zone falls back to UTC rather than failing a
 * read: the tenant profile validates its zone on write, so this only guards old or odd data.
 */
export function todayIn(timeZone: string, now: Date): string {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
  } catch {
    return now.toISOString().slice(0, 10);
  }
  const parts = Object.fromEntries(format.formatToParts(now).map((p) => [p.type, p.value]));
  return `${parts.year}-${parts.month}-${parts.day}`;
}
