/**
 * Format detection from a header (CSV) or a schema's top-level column names (Parquet).
 */
import { BillingFileError } from './errors.js';
import {
  CUR2_ONLY_COLUMNS,
  CUR_LEGACY_RULES,
  CUR_SNAKE_RULES,
  FOCUS_COLUMNS,
  FOCUS_RULES,
  type FormatRules,
  focusVersion,
  LEGACY_CUR_PREFIXES,
  SIGNATURES,
  SNAKE_CUR_PREFIXES,
} from './formats.js';
import type { BillingFormat } from './types.js';

/** Column positions by name: exact first, then case-insensitive (some tools lower-case headers). */
export class ColumnIndex {
  private readonly exact = new Map<string, number>();
  private readonly folded = new Map<string, number>();

  constructor(readonly names: readonly string[]) {
    names.forEach((name, i) => {
      if (!this.exact.has(name)) this.exact.set(name, i);
      const lower = name.toLowerCase();
      if (!this.folded.has(lower)) this.folded.set(lower, i);
    });
  }

  /** Position of the column, or -1. */
  find(name: string): number {
    return this.exact.get(name) ?? this.folded.get(name.toLowerCase()) ?? -1;
  }

  has(name: string): boolean {
    return this.find(name) >= 0;
  }

  /** Positions of the first present name of each alias list, in order, skipping absent ones. */
  findAll(names: readonly string[]): number[] {
    const out: number[] = [];
    for (const n of names) {
      const i = this.find(n);
      if (i >= 0 && !out.includes(i)) out.push(i);
    }
    return out;
  }

  /** The header's own spelling of the first present name, or the first name. */
  spelling(names: readonly string[]): string {
    for (const n of names) {
      const i = this.find(n);
      if (i >= 0) return this.names[i]!;
    }
    return names[0] ?? '';
  }
}

export interface Detection {
  readonly format: BillingFormat;
  readonly rules: FormatRules;
  readonly index: ColumnIndex;
}

const FOCUS_LOWER = new Set([...FOCUS_COLUMNS].map((c) => c.toLowerCase()));
/**
 * Columns that make a header FOCUS: two of them are needed. Other FOCUS names (ResourceId, Tags,
 * PublisherName, ChargeType...) also appear in non-FOCUS exports such as Azure EA's.
 */
const FOCUS_ANCHORS = new Set(['billedcost', 'effectivecost', 'listcost', 'chargeperiodstart', 'chargeperiodend', 'billingperiodstart', 'chargecategory', 'billingcurrency']);

/** Cleans header cells: trims, drops a BOM csv-parse may have left in a quoted first cell. */
export function normalizeHeader(cells: readonly unknown[]): string[] {
  return cells.map((c, i) => {
    let s = typeof c === 'string' ? c : String(c ?? '');
    if (i === 0 && s.charCodeAt(0) === 0xfeff) s = s.slice(1);
    return s.trim();
  });
}

export function detectFormat(columns: readonly string[], fileName?: string): Detection {
  const where = fileName ? ` in ${fileName}` : '';
  const seen = new Set<string>();
  const duplicates: string[] = [];
  for (const c of columns) {
    if (c !== '' && seen.has(c)) duplicates.push(c);
    seen.add(c);
  }
  if (duplicates.length > 0) {
    throw new BillingFileError('DUPLICATE_COLUMN', `duplicate column${duplicates.length > 1 ? 's' : ''}${where}: ${duplicates.join(', ')}`, {
      ...(fileName ? { fileName } : {}),
      columns: duplicates,
    });
  }

  let focus = 0;
  let focusAnchors = 0;
  let legacy = 0;
  let snake = 0;
  for (const c of columns) {
    const lower = c.toLowerCase();
    if (FOCUS_LOWER.has(lower)) focus++;
    if (FOCUS_ANCHORS.has(lower)) focusAnchors++;
    if (LEGACY_CUR_PREFIXES.some((p) => c.startsWith(p))) legacy++;
    if (SNAKE_CUR_PREFIXES.some((p) => c.startsWith(p))) snake++;
  }
  if (focusAnchors < 2) focus = 0;
  if (!columns.some((c) => c.startsWith('lineItem/'))) legacy = 0;
  if (!columns.some((c) => c.startsWith('line_item_'))) snake = 0;
  const best = Math.max(focus, legacy, snake);
  if (best < 2) {
    const shown = columns.slice(0, 8).map((c) => JSON.stringify(c)).join(', ');
    throw new BillingFileError(
      'UNKNOWN_FORMAT',
      `unknown billing export format${where}: expected a FOCUS 1.x header (${SIGNATURES['FOCUS 1.x']!.join(', ')}), ` +
        `AWS CUR 2.0 (${SIGNATURES['AWS CUR 2.0']!.join(', ')}) or legacy CUR (${SIGNATURES['AWS legacy CUR']!.join(', ')}); ` +
        `the header starts ${shown || '(empty)'}`,
      { ...(fileName ? { fileName } : {}), expected: { ...SIGNATURES }, columns: columns.slice(0, 20) },
    );
  }

  const index = new ColumnIndex(columns);
  let rules: FormatRules;
  let format: BillingFormat;
  if (best === focus) {
    rules = FOCUS_RULES;
    format = focusVersion((name) => index.has(name));
  } else if (best === legacy) {
    rules = CUR_LEGACY_RULES;
    format = 'aws-cur-legacy';
  } else {
    rules = CUR_SNAKE_RULES;
    format = CUR2_ONLY_COLUMNS.some((c) => index.has(c)) ? 'aws-cur-2.0' : 'aws-cur-legacy';
  }

  const missing = rules.required.filter((aliases) => !aliases.some((a) => index.has(a))).map((aliases) => aliases[0]!);
  if (missing.length > 0) {
    throw new BillingFileError(
      'MISSING_COLUMN',
      `${format} export${where} lacks the mandatory column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`,
      { ...(fileName ? { fileName } : {}), columns: missing },
    );
  }
  return { format, rules, index };
}
