import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_END_DATE, writeDemoBillingCsv } from '../../../local/demo/billing.js';

/**
 * The benchmark's input files: the demo generator's FOCUS 1.2 CSV (local/demo/billing.ts, fixed
 * end date, so the same bytes on every machine) with a batch fleet added to reach each row
 * target. Generated once into a cache folder and reused while the file is there with the size it
 * was written with (2M rows take ~11 s and ~1.5 GB).
 */
export const CACHE_DIR = process.env.BENCH_INGEST_DIR ?? join(tmpdir(), 'cloudoptima-bench-ingest');

export interface BenchFile {
  rowsTarget: number;
  path: string;
  /** Data rows in the file (the generator's own count). */
  rows: number;
  bytes: number;
  /** Seconds spent generating it in this run; 0 when reused. */
  generatedSeconds: number;
}

interface Meta {
  rowsTarget: number;
  endDate: string;
  rows: number;
  bytes: number;
}

export async function benchFile(rowsTarget: number, log: (line: string) => void = () => undefined): Promise<BenchFile> {
  mkdirSync(CACHE_DIR, { recursive: true });
  const path = join(CACHE_DIR, `focus-1.2-${DEFAULT_END_DATE}-${rowsTarget}.csv`);
  const metaPath = `${path}.json`;
  if (existsSync(path) && existsSync(metaPath)) {
    const meta = JSON.parse(readFileSync(metaPath, 'utf8')) as Meta;
    if (meta.rowsTarget === rowsTarget && meta.endDate === DEFAULT_END_DATE && statSync(path).size === meta.bytes) {
      return { rowsTarget, path, rows: meta.rows, bytes: meta.bytes, generatedSeconds: 0 };
    }
  }
  log(`generating ${rowsTarget.toLocaleString('en-US')} rows into ${path} ...`);
  rmSync(metaPath, { force: true });
  const t0 = performance.now();
  const partial = `${path}.partial`;
  const written = await writeDemoBillingCsv(partial, { endDate: DEFAULT_END_DATE, rowsTarget });
  renameSync(partial, path);
  const meta: Meta = { rowsTarget, endDate: DEFAULT_END_DATE, rows: written.rows, bytes: written.bytes };
  writeFileSync(metaPath, `${JSON.stringify(meta)}\n`);
  return { rowsTarget, path, rows: written.rows, bytes: written.bytes, generatedSeconds: (performance.now() - t0) / 1000 };
}
