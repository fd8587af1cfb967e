/**
 * How the console writes numbers and dates. Money arrives as exact decimal strings and is handed to
 * Intl.NumberFormat as a string, which formats it exactly (no float rounding on the way).
 */
const BROWSER_TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

type NumericString = `${number}`;
const asNumeric = (amount: string) => amount as NumericString;

export function formatMoney(amount: string, currency: string, options: { cents?: boolean } = {}): string {
  const cents = options.cents ?? true;
  return new Intl.NumberFormat(undefined, {
    style: 'currency',
    currency,
    minimumFractionDigits: cents ? 2 : 0,
    maximumFractionDigits: cents ? 2 : 0,
  }).format(asNumeric(amount) as unknown as number);
}

/** Short money for chart axes and tight spaces: $1.2K, $3.4M. */
export function formatMoneyCompact(amount: string | number, currency: string): string {
  return new Intl.NumberFormat(undefined, { style: 'currency', currency, notation: 'compact', maximumFractionDigits: 1 }).format(
    typeof amount === 'number' ? amount : (asNumeric(amount) as unknown as number),
  );
}

/** A percentage from the API's decimal string (e.g. "12.5" means 12.5%); null means "no base to compare". */
export function formatPercent(value: string | number | null | undefined, options: { signed?: boolean } = {}): string {
  if (value === null || value === undefined) return '—';
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(n)) return '—';
  return new Intl.NumberFormat(undefined, {
    style: 'percent',
    maximumFractionDigits: 1,
    signDisplay: options.signed ? 'exceptZero' : 'auto',
  }).format(n / 100);
}

export function formatNumber(value: string | number): string {
  return new Intl.NumberFormat(undefined, { maximumFractionDigits: 2 }).format(
    typeof value === 'number' ? value : (asNumeric(value) as unknown as number),
  );
}

/** A calendar day of billing data (`YYYY-MM-DD`, a UTC charge day): shown as that day, never shifted. */
export function formatDay(day: string, options: Intl.DateTimeFormatOptions = { year: 'numeric', month: 'short', day: 'numeric' }): string {
  const date = new Date(`${day.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(date.getTime())) return day;
  return new Intl.DateTimeFormat(undefined, { ...options, timeZone: 'UTC' }).format(date);
}

export function formatMonth(day: string): string {
  return formatDay(day, { year: 'numeric', month: 'short' });
}

/** An instant (ISO 8601 with offset) in the user's time zone. */
export function formatDateTime(iso: string, timeZone: string = BROWSER_TIME_ZONE): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: safeZone(timeZone) }).format(date);
}

export function browserTimeZone(): string {
  return BROWSER_TIME_ZONE;
}

function safeZone(zone: string): string {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone: zone });
    return zone;
  } catch {
    return BROWSER_TIME_ZONE;
  }
}

/** `YYYY-MM-DD` of a Date in UTC. */
export function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, days: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDay(d);
}
