import { formatMoney, formatMonth } from '../format.js';

/** Words for what the billing API returns as codes. */

const FORMATS: Record<string, string> = {
  'focus-1.0-preview': 'FOCUS 1.0 preview',
  'focus-1.0': 'FOCUS 1.0',
  'focus-1.1': 'FOCUS 1.1',
  'focus-1.2': 'FOCUS 1.2',
  'focus-1.3': 'FOCUS 1.3',
  'aws-cur-2.0': 'AWS CUR 2.0',
  'aws-cur-legacy': 'AWS legacy CUR',
};

const CONTAINERS: Record<string, string> = {
  csv: 'CSV',
  'csv-gzip': 'gzip CSV',
  parquet: 'Parquet',
};

export function formatLabel(format: string): string {
  return FORMATS[format] ?? format;
}

export function containerLabel(container: string): string {
  return CONTAINERS[container] ?? container;
}

/** The distinct formats of an ingestion's files, e.g. "FOCUS 1.3 · gzip CSV". */
export function filesFormat(files: ReadonlyArray<{ format: string; container: string }>): string {
  const labels = [...new Set(files.map((f) => `${formatLabel(f.format)} · ${containerLabel(f.container)}`))];
  return labels.length ? labels.join(', ') : '—';
}

/** A billing period `YYYY-MM` as "Oct 2026"; null (rows without one) as "No period". */
export function periodLabel(period: string | null): string {
  if (!period) return 'No period';
  return /^\d{4}-\d{2}$/.test(period) ? formatMonth(`${period}-01`) : period;
}

/**
 * Money with its currency, formatted from the exact decimal string. `exact` keeps every digit the
 * API sent (for differences, where a rounding to cents could hide one); a line without a currency
 * shows the bare number.
 */
export function money(amount: string, currency: string | null, { exact = false }: { exact?: boolean } = {}): string {
  if (currency && /^[A-Z]{3}$/.test(currency)) {
    if (!exact) return formatMoney(amount, currency);
    const digits = Math.min(20, Math.max(2, amount.split('.')[1]?.length ?? 0));
    return new Intl.NumberFormat(undefined, { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: digits }).format(
      amount as unknown as number,
    );
  }
  return new Intl.NumberFormat(undefined, { minimumFractionDigits: 2, maximumFractionDigits: exact ? 20 : 2 }).format(amount as unknown as number);
}

export function count(value: number): string {
  return new Intl.NumberFormat().format(value);
}

/** "3 hours ago", "in 2 days": coarse, for freshness. */
export function relativeTime(iso: string, now = Date.now()): string {
  const seconds = (new Date(iso).getTime() - now) / 1000;
  if (!Number.isFinite(seconds)) return iso;
  const rtf = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  const abs = Math.abs(seconds);
  if (abs < 60) return rtf.format(Math.round(seconds), 'second');
  if (abs < 3600) return rtf.format(Math.round(seconds / 60), 'minute');
  if (abs < 86_400) return rtf.format(Math.round(seconds / 3600), 'hour');
  if (abs < 86_400 * 45) return rtf.format(Math.round(seconds / 86_400), 'day');
  return rtf.format(Math.round(seconds / (86_400 * 30)), 'month');
}

/** How long an ingestion took, "4.2 s" or "3 min 5 s". */
export function duration(fromIso: string | null, toIso: string | null): string | null {
  if (!fromIso || !toIso) return null;
  const ms = new Date(toIso).getTime() - new Date(fromIso).getTime();
  if (!Number.isFinite(ms) || ms < 0) return null;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function fileSize(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${new Intl.NumberFormat(undefined, { maximumFractionDigits: unit ? 1 : 0 }).format(value)} ${units[unit]}`;
}
