import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import {
  type BillingFile,
  BillingFileError,
  type CostRow,
  fileSource,
  type OpenOptions,
  openBillingFile,
  type RowRejection,
  type SourceTotals,
} from '#functions/billing/parse/index.js';
import { formatDecimal } from '#shared/money.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/billing');
export const fixture = (...parts: string[]) => join(FIXTURES, ...parts);

export interface ReadResult {
  file: BillingFile;
  rows: CostRow[];
  rejections: RowRejection[];
  totals: SourceTotals;
}

export async function readAll(file: BillingFile): Promise<ReadResult> {
  const rows: CostRow[] = [];
  const rejections: RowRejection[] = [];
  for await (const r of file.rows) {
    if (r.kind === 'cost') rows.push(r);
    else rejections.push(r);
  }
  return { file, rows, rejections, totals: file.totals() };
}

export async function readFixture(path: string, options: OpenOptions = {}): Promise<ReadResult> {
  return readAll(await openBillingFile(await fileSource(path), { fileName: path.split('/').pop(), ...options }));
}

/** Chunks of `size` bytes: stresses records and multi-byte characters split across chunks. */
export async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let at = 0; at < bytes.byteLength; at += size) yield bytes.subarray(at, at + size);
}

export const bytesOf = (path: string) => new Uint8Array(readFileSync(path));

/** Per period and currency, as decimal strings: easy to compare with hand-verified figures. */
export function totalsTable(totals: SourceTotals) {
  return totals.periods.map((p) => ({
    period: p.billingPeriodStart,
    currency: p.currency,
    rows: p.rows,
    billed: formatDecimal(p.billedCost),
    effective: formatDecimal(p.effectiveCost),
    list: formatDecimal(p.listCost),
  }));
}

/** What a later stage would store: the emitted rows summed per period and currency. */
export function storedTotals(rows: readonly CostRow[]) {
  const byKey = new Map<string, { period: string; currency: string; rows: number; billed: bigint; effective: bigint; list: bigint }>();
  for (const r of rows) {
    const key = `${r.billingPeriodStart}|${r.currency}`;
    const t = byKey.get(key) ?? { period: r.billingPeriodStart, currency: r.currency, rows: 0, billed: 0n, effective: 0n, list: 0n };
    t.rows++;
    t.billed += r.billedCost;
    t.effective += r.effectiveCost;
    t.list += r.listCost ?? 0n;
    byKey.set(key, t);
  }
  return [...byKey.values()]
    .sort((a, b) => (a.period + a.currency < b.period + b.currency ? -1 : 1))
    .map((t) => ({ period: t.period, currency: t.currency, rows: t.rows, billed: formatDecimal(t.billed), effective: formatDecimal(t.effective), list: formatDecimal(t.list) }));
}

/** Rows without their line numbers (CSV lines and Parquet row numbers differ by the header). */
export const withoutLine = (rows: readonly CostRow[]) => rows.map(({ line: _line, ...rest }) => rest);

export async function expectFileError(promise: Promise<unknown>, code: string): Promise<BillingFileError> {
  let caught: unknown;
  try {
    await promise;
  } catch (e) {
    caught = e;
  }
  expect(caught, `expected a BillingFileError ${code}`).toBeInstanceOf(BillingFileError);
  const err = caught as BillingFileError;
  expect(err.code).toBe(code);
  expect(err.status).toBe(400);
  return err;
}
