import type { z } from 'zod';
import type { costBreakdown } from '#shared/contracts/costs.js';

export type Breakdown = z.output<typeof costBreakdown>;

/**
 * The explorer's CSV: one row per group per period (the "long" shape FinOps people pivot in a
 * spreadsheet or load into a BI tool), every period of the range included (zeros too, so each
 * group's rows sum to its total), the "other" bucket as its own group, and amounts as the API's
 * exact decimal strings (never re-rounded). Columns:
 *   period_start, granularity, group_by, key, name, amount, currency, metric
 * `key` is the API's filter value (empty for spend without the dimension), `name` what the console shows.
 */
export const CSV_COLUMNS = ['period_start', 'granularity', 'group_by', 'key', 'name', 'amount', 'currency', 'metric'] as const;
export const OTHER_KEY = '(other)';

/** RFC 4180 quoting, and a leading ' on text that a spreadsheet would run as a formula. */
function cell(value: string, text: boolean): string {
  let v = value;
  if (text && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function breakdownCsv(b: Breakdown): string {
  const lines = [CSV_COLUMNS.join(',')];
  const groups = b.rows.map((r) => ({ key: r.key, name: r.name, points: r.points }));
  if (b.other) groups.push({ key: OTHER_KEY, name: `Other (${b.other.count} more)`, points: b.other.points });
  for (const g of groups) {
    for (const p of g.points) {
      lines.push(
        [
          cell(p.date, false),
          cell(b.granularity, false),
          cell(b.groupBy, true),
          cell(g.key, true),
          cell(g.name, true),
          cell(p.amount, false),
          cell(b.currency, false),
          cell(b.metric, false),
        ].join(','),
      );
    }
  }
  return `${lines.join('\r\n')}\r\n`;
}

export function csvFileName(b: Breakdown): string {
  const group = b.groupBy.replace(/[^A-Za-z0-9_-]+/g, '-');
  return `cloudoptima-costs-${group}-${b.granularity}-${b.start}-to-${b.end}.csv`;
}

/** Saves text as a file through a temporary object URL (no server round trip). */
export function downloadText(text: string, fileName: string, type = 'text/csv;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
