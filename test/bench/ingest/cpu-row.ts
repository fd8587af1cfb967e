import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { bundleChildren, BUNDLE_OUT, RANGE_WORKER } from './children.js';
import { benchFile } from './files.js';

/**
 * CPU time per record of our ingestion (cpu-row.child.ts), for before/after comparisons on a
 * loaded machine: each run in a fresh process, median of BENCH_INGEST_RUNS (default 5) runs.
 * Also prints each run's partial hash (must not change between builds) and the load average.
 * Run: npx tsx test/bench/ingest/cpu-row.ts
 *   BENCH_INGEST_SIZES (default 100000), BENCH_INGEST_RUNS (default 5), BENCH_INGEST_WORKERS (default 1)
 */
const SIZES = (process.env.BENCH_INGEST_SIZES ?? '100000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env.BENCH_INGEST_RUNS ?? 5));
const WORKERS = process.env.BENCH_INGEST_WORKERS ?? '1';
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

await bundleChildren(['cpu-row.child.ts', RANGE_WORKER]);
for (const size of SIZES) {
  const file = await benchFile(size, console.log);
  const runs: Array<{ cpuUsPerRow: number; ms: number; hash: string; peakRssMiB: number; records: number }> = [];
  for (let i = 0; i < RUNS; i++) {
    const out = spawnSync(process.execPath, [join(BUNDLE_OUT, 'cpu-row.child.mjs'), file.path, WORKERS], { encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    const r = JSON.parse(out.stdout.trim().split('\n').pop()!);
    runs.push(r);
    console.log(`  ${size} rows, ${WORKERS} thread(s): cpu ${r.cpuUsPerRow.toFixed(2)} us/row, wall ${(r.records / (r.ms / 1000)).toFixed(0)} rows/s, rss ${r.peakRssMiB.toFixed(0)} MiB, hash ${r.hash}, load ${load()}`);
  }
  const cpu = runs.map((r) => r.cpuUsPerRow).sort((a, b) => a - b);
  console.log(`${size}: median cpu ${cpu[Math.floor(cpu.length / 2)]!.toFixed(2)} us/row (min ${cpu[0]!.toFixed(2)}), hashes ${[...new Set(runs.map((r) => r.hash))].join(',')}`);
}
