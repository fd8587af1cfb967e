import { decimalEquals, subtractDecimal, sumDecimals } from './decimal.js';
import type { Ingestion, TotalsLine } from './types.js';

export const METRICS = [
  { key: 'billedCost', label: 'Billed cost' },
  { key: 'effectiveCost', label: 'Effective cost' },
  { key: 'listCost', label: 'List cost' },
] as const;
export type Metric = (typeof METRICS)[number]['key'];

/** One billing period and currency: the file's own totals beside what was stored. */
export interface ReconciliationLine {
  key: string;
  billingPeriod: string | null;
  currency: string | null;
  source: TotalsLine | null;
  stored: TotalsLine | null;
  /** Rows and all three cost columns equal. */
  matches: boolean;
}

const keyOf = (line: TotalsLine) => `${line.billingPeriod ?? ''}|${line.currency ?? ''}`;

function linesEqual(a: TotalsLine | null, b: TotalsLine | null): boolean {
  if (!a || !b) return false;
  return a.rows === b.rows && METRICS.every(({ key }) => decimalEquals(a[key], b[key]));
}

export function reconciliation(ingestion: Pick<Ingestion, 'sourceTotals' | 'storedTotals'>): ReconciliationLine[] {
  const lines = new Map<string, ReconciliationLine>();
  const entry = (line: TotalsLine) => {
    const key = keyOf(line);
    let found = lines.get(key);
    if (!found) {
      found = { key, billingPeriod: line.billingPeriod, currency: line.currency, source: null, stored: null, matches: false };
      lines.set(key, found);
    }
    return found;
  };
  for (const line of ingestion.sourceTotals) entry(line).source = line;
  for (const line of ingestion.storedTotals) entry(line).stored = line;
  const result = [...lines.values()];
  for (const line of result) line.matches = linesEqual(line.source, line.stored);
  return result.sort((a, b) => (a.billingPeriod ?? '').localeCompare(b.billingPeriod ?? '') || (a.currency ?? '').localeCompare(b.currency ?? ''));
}

/** stored - source, exactly; null when one side is missing. */
export function difference(line: ReconciliationLine, metric: Metric): string | null {
  if (!line.source || !line.stored) return null;
  return subtractDecimal(line.stored[metric], line.source[metric]);
}

/** An ingestion's billed cost per currency (from the file's own totals), for the history table. */
export function totalsByCurrency(lines: readonly TotalsLine[], metric: Metric = 'billedCost'): Array<{ currency: string | null; amount: string }> {
  const byCurrency = new Map<string | null, string[]>();
  for (const line of lines) {
    const list = byCurrency.get(line.currency) ?? [];
    list.push(line[metric]);
    byCurrency.set(line.currency, list);
  }
  return [...byCurrency.entries()]
    .map(([currency, amounts]) => ({ currency, amount: sumDecimals(amounts) }))
    .sort((a, b) => (a.currency ?? '~').localeCompare(b.currency ?? '~'));
}
