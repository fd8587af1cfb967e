import { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import { DEMO_COLUMNS } from '#local/demo/focus-columns.js';

/** Column name -> position in a demo row. */
export const COL = Object.fromEntries(DEMO_COLUMNS.map((name, i) => [name, i])) as Record<(typeof DEMO_COLUMNS)[number], number>;

/** Exact decimal -> BigInt count of 1e-10, written here independently of the generator's money.ts. */
export function units(text: string): bigint {
  const match = /^(-?)(\d+)(?:\.(\d{1,10}))?$/.exec(text);
  if (!match) throw new Error(`not a plain decimal with at most 10 places: ${JSON.stringify(text)}`);
  const value = BigInt(match[2]!) * 10_000_000_000n + BigInt((match[3] ?? '').padEnd(10, '0'));
  return match[1] ? -value : value;
}

/** Parses CSV chunks with csv-parse (a real CSV parser, not a split on commas), record by record. */
export async function* parseCsv(chunks: Iterable<string>): AsyncGenerator<string[]> {
  const parser = Readable.from(chunks).pipe(parse({ relax_column_count: false }));
  for await (const record of parser) yield record as string[];
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Adds `amount` to the BigInt total under `key`. */
export function addTo(map: Map<string, bigint>, key: string, amount: bigint): void {
  map.set(key, (map.get(key) ?? 0n) + amount);
}
