import { createReadStream, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import type { ChildResult } from './ingest/child-report.js';
import { bundleChildren, RANGE_WORKER, runChild } from './ingest/children.js';
import { benchFile, type BenchFile, CACHE_DIR } from './ingest/files.js';

/**
 * Billing ingestion throughput and memory against DuckDB (issue 4, "Performance").
 *
 * For each size, on the demo generator's FOCUS 1.2 CSV (generated once into BENCH_INGEST_DIR, by
 * default <tmp>/cloudoptima-bench-ingest, and reused):
 *   - ours: aggregateLocalFile (functions/billing/ingest/parallel.ts): openBillingFile +
 *     CostAggregator over every record to the partial, on one worker thread per core over byte
 *     ranges of the file, merged, in a fresh Node process;
 *   - DuckDB (@duckdb/node-api): read_csv of the same file grouped like our cube (charge day,
 *     SubAccountId, ServiceName, RegionId, ChargeCategory, x_UsageType, BillingCurrency; exact
 *     DECIMAL sums of BilledCost, EffectiveCost, ListCost), at its default threads and with
 *     SET threads = 1, each in a fresh process too.
 * rows/s = records / wall time of the work (module loading excluded on both sides); peak RSS is
 * each child's own high-water mark. Both sides must agree on the record count and the exact
 * BilledCost total, or the run fails (the comparison would not be like for like).
 *
 * Targets: ours >= 0.5 x DuckDB default rows/s; our peak RSS < 300 MB and flat across sizes.
 * A missed target prints MISS and still exits 0: this is a measurement, not a test.
 *
 * Run: npm run bench:ingest
 *   BENCH_INGEST_SIZES=100000,1000000,2000000   row targets (the generator lands within ~0.1%)
 *   BENCH_INGEST_RUNS=1                          runs per measurement; the median rows/s is kept, and the highest RSS
 *   BENCH_INGEST_DIR=<dir>                       where the generated files are cached
 *   BENCH_INGEST_OURS_ONLY=1                     ours only (DuckDB neither needed nor run: on a loaded machine its
 *                                                figures would be wrong); ratios against DuckDB's quiet-machine
 *                                                figures recorded in the README (QUIET_DUCKDB), load average printed
 */
const SIZES = (process.env.BENCH_INGEST_SIZES ?? '100000,1000000,2000000')
  .split(',')
  .map((s) => Number(s.trim().replaceAll('_', '')))
  .filter((n) => Number.isInteger(n) && n > 0);
const RUNS = Math.max(1, Number(process.env.BENCH_INGEST_RUNS ?? 1));
const SPEED_TARGET = 0.5;
const RSS_TARGET_MB = 300;
/** "Does not grow": the largest file's peak within this fraction of the smallest file's. */
const RSS_FLAT_TOLERANCE = 0.1;

if (SIZES.length === 0) throw new Error('BENCH_INGEST_SIZES names no size');
const OURS_ONLY = process.env.BENCH_INGEST_OURS_ONLY === '1';
/** DuckDB default-threads rows/s by file rows, measured on a quiet machine (README, Billing ingestion). */
const QUIET_DUCKDB: Record<number, number> = { 100_095: 123_159, 1_000_385: 354_529, 2_000_301: 408_367 };
const loadAverage = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const log = (line: string) => console.log(line);
const mib = (bytes: number) => bytes / 1024 / 1024;
/** RSS in MB as the target states it; the children report MiB. */
const mb = (miB: number) => (miB * 1024 * 1024) / 1e6;
const rate = (r: ChildResult) => r.records / (r.ms / 1000);
const fmtInt = (n: number) => Math.round(n).toLocaleString('en-US');

interface Measured {
  rate: number;
  rssMB: number;
  ms: number;
  result: ChildResult;
}

async function measure(label: string, name: string, args: string[]): Promise<Measured> {
  const runs: ChildResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await runChild(name, args);
    log(`  ${label.padEnd(24)} ${fmtInt(r.records).padStart(10)} records  ${(r.ms / 1000).toFixed(2).padStart(7)} s  ${fmtInt(rate(r)).padStart(9)} rows/s  peak RSS ${mb(r.peakRssMiB).toFixed(0)} MB`);
    runs.push(r);
  }
  const sorted = [...runs].sort((a, b) => rate(a) - rate(b));
  const median = sorted[Math.floor(sorted.length / 2)]!;
  return { rate: rate(median), ms: median.ms, rssMB: Math.max(...runs.map((r) => mb(r.peakRssMiB))), result: median };
}

const cpu = cpus();
log(`bench:ingest  ${cpu.length} cores, ${cpu[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 1024 ** 3).toFixed(1)} GiB RAM, Node ${process.version}, ${process.platform} ${process.arch}`);
log(`sizes ${SIZES.map(fmtInt).join(', ')}; ${RUNS} run(s) per measurement; files in ${CACHE_DIR}`);

// DuckDB is not a dependency: its npm package ships native bindings per platform, and a registry
// that lacks some of them (this project's does) makes `npm ci` refuse the lock file. Install it
// just for the comparison: npm install --no-save @duckdb/node-api
if (OURS_ONLY) {
  await bundleChildren(['ours.child.ts', RANGE_WORKER]);
  log('ours only (BENCH_INGEST_OURS_ONLY=1): DuckDB not run; ratios against its quiet-machine figures');
  log('| rows | ours rows/s | ours peak RSS | load average (1/5/15 min) before, after | DuckDB rows/s (quiet) | ours / DuckDB | speed (>= 0.5) | RSS (< 300 MB) |');
  log('| ---: | ---: | ---: | --- | ---: | ---: | --- | --- |');
  for (const size of SIZES) {
    const file = await benchFile(size, log);
    for await (const _ of createReadStream(file.path, { highWaterMark: 1 << 20 }));
    const before = loadAverage();
    const ours = await measure('ours', 'ours.child.ts', [file.path]);
    const after = loadAverage();
    if (ours.result.records !== file.rows) throw new Error(`ours read ${ours.result.records} records, the generator wrote ${file.rows}`);
    const duck = QUIET_DUCKDB[file.rows];
    const ratio = duck ? ours.rate / duck : NaN;
    log(
      `| ${fmtInt(file.rows)} | ${fmtInt(ours.rate)} | ${ours.rssMB.toFixed(0)} MB | ${before}; ${after} | ${duck ? fmtInt(duck) : 'n/a'} | ${duck ? ratio.toFixed(2) : 'n/a'} | ` +
        `${duck ? (ratio >= SPEED_TARGET ? 'PASS' : 'MISS') : 'n/a'} | ${ours.rssMB < RSS_TARGET_MB ? 'PASS' : 'MISS'} |`,
    );
  }
  process.exit(0);
}
try {
  createRequire(import.meta.url).resolve('@duckdb/node-api');
} catch {
  console.error('DuckDB is not installed. Run `npm install --no-save @duckdb/node-api`, then `npm run bench:ingest` again.');
  process.exit(1);
}
await bundleChildren(['ours.child.ts', 'duckdb.child.ts', 'cpu.child.ts', RANGE_WORKER]);
const files: BenchFile[] = [];
for (const size of SIZES) {
  const file = await benchFile(size, log);
  log(`file ${fmtInt(file.rows)} rows, ${mib(file.bytes).toFixed(0)} MiB${file.generatedSeconds ? `, generated in ${file.generatedSeconds.toFixed(1)} s` : ' (cached)'}`);
  files.push(file);
}

interface Row {
  file: BenchFile;
  ours: Measured;
  duck: Measured;
  duck1: Measured;
}
const rows: Row[] = [];
const problems: string[] = [];
/** Two-thread over one-thread throughput of native work, checked around every measurement (cpu.child.ts). */
const parallel: number[] = [];
async function cpuCheck(): Promise<string> {
  const p = Number((await runChild('cpu.child.ts', [])).info?.parallel);
  parallel.push(p);
  return `cpu check: 2 threads = ${p.toFixed(2)}x 1 thread`;
}
for (const file of files) {
  log(`\n${fmtInt(file.rows)} rows (${mib(file.bytes).toFixed(0)} MiB):`);
  // Read once so every side finds the file in the page cache.
  for await (const _ of createReadStream(file.path, { highWaterMark: 1 << 20 }));
  log(`  ${await cpuCheck()}`);
  const ours = await measure('ours', 'ours.child.ts', [file.path]);
  const duck = await measure('duckdb (default threads)', 'duckdb.child.ts', [file.path]);
  const duck1 = await measure('duckdb (threads=1)', 'duckdb.child.ts', [file.path, '1']);
  for (const [label, m] of [['ours', ours], ['duckdb', duck], ['duckdb threads=1', duck1]] as const) {
    if (m.result.records !== file.rows) problems.push(`${fmtInt(file.rows)} rows: ${label} read ${m.result.records} records, the generator wrote ${file.rows}`);
    if (m.result.billedTotal !== ours.result.billedTotal) problems.push(`${fmtInt(file.rows)} rows: ${label} BilledCost total ${m.result.billedTotal} differs from ours ${ours.result.billedTotal} (units of 1e-12)`);
  }
  log(`  check: ${fmtInt(ours.result.records)} records and BilledCost ${ours.result.billedTotal} (1e-12) on all three; cube cells ours ${fmtInt(ours.result.cubeCells ?? 0)} (per billing period), duckdb ${fmtInt(duck.result.cubeCells ?? 0)}; duckdb default threads = ${String(duck.result.info?.threads)}`);
  // Our memory follows the rollup cells (all kinds), not the rows: say how many this file has.
  log(`  ours read the file on ${String(ours.result.info?.threads)} thread(s)${ours.result.info?.reason ? ` (${String(ours.result.info.reason)})` : ''}`);
  log(`  ours holds ${fmtInt(Number(ours.result.info?.rollupCells))} rollup cells, ${fmtInt(Number(ours.result.info?.resourceCells))} of them resource cells (the generator's batch fleet adds resources with the rows)`);
  log(`  ${await cpuCheck()}`);
  rows.push({ file, ours, duck, duck1 });
}

const speedOk = (r: Row) => r.ours.rate / r.duck.rate >= SPEED_TARGET;
const rssOk = (r: Row) => r.ours.rssMB < RSS_TARGET_MB;
const first = rows[0]!;
const last = rows[rows.length - 1]!;
const growth = last.ours.rssMB - first.ours.rssMB;
const flat = growth <= first.ours.rssMB * RSS_FLAT_TOLERANCE;

log('\n| rows | file MiB | ours rows/s | ours peak RSS | DuckDB rows/s | DuckDB peak RSS | DuckDB 1-thread rows/s | DuckDB 1-thread peak RSS | ours / DuckDB | ours / DuckDB 1-thread | speed (>= 0.5) | RSS (< 300 MB) |');
log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |');
for (const r of rows) {
  log(
    `| ${fmtInt(r.file.rows)} | ${mib(r.file.bytes).toFixed(0)} | ${fmtInt(r.ours.rate)} | ${r.ours.rssMB.toFixed(0)} MB | ${fmtInt(r.duck.rate)} | ${r.duck.rssMB.toFixed(0)} MB | ` +
      `${fmtInt(r.duck1.rate)} | ${r.duck1.rssMB.toFixed(0)} MB | ${(r.ours.rate / r.duck.rate).toFixed(2)} | ${(r.ours.rate / r.duck1.rate).toFixed(2)} | ` +
      `${speedOk(r) ? 'PASS' : 'MISS'} | ${rssOk(r) ? 'PASS' : 'MISS'} |`,
  );
}

const sortedParallel = [...parallel].sort((a, b) => a - b);
log(
  `\ncpu: 2-thread / 1-thread throughput of native work (SHA-256) around the measurements: min ${sortedParallel[0]!.toFixed(2)}, median ${sortedParallel[Math.floor(sortedParallel.length / 2)]!.toFixed(2)}, max ${sortedParallel[sortedParallel.length - 1]!.toFixed(2)} (2.00 = two full cores; less: the second core was shared, and 2-thread figures such as DuckDB's default are low)`,
);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
log(`speed: ours >= ${SPEED_TARGET} x DuckDB (default threads) at every size ........ ${verdict(rows.every(speedOk))}  (${rows.map((r) => (r.ours.rate / r.duck.rate).toFixed(2)).join(', ')})`);
log(`memory: ours peak RSS < ${RSS_TARGET_MB} MB at every size ...................... ${verdict(rows.every(rssOk))}  (${rows.map((r) => r.ours.rssMB.toFixed(1)).join(', ')} MB)`);
if (rows.length > 1) {
  log(
    `memory: ours peak RSS flat (largest within ${RSS_FLAT_TOLERANCE * 100}% of smallest) ........ ${verdict(flat)}  (${growth >= 0 ? '+' : ''}${growth.toFixed(1)} MB from ${fmtInt(first.file.rows)} to ${fmtInt(last.file.rows)} rows)`,
  );
}
const allMet = rows.every(speedOk) && rows.every(rssOk) && (rows.length === 1 || flat);
log(allMet ? 'ALL TARGETS MET' : 'MISS: at least one target is not met (see above)');

if (problems.length > 0) {
  for (const p of problems) console.error(`CHECK FAILED: ${p}`);
  process.exitCode = 1;
}
