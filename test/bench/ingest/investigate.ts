import { cpus } from 'node:os';
import type { ChildResult } from './child-report.js';
import { bundleChildren, runChild } from './children.js';
import { benchFile } from './files.js';

/**
 * How far our ingestion path could go: each variant of probe.child.ts in a fresh process, on
 * the benchmark's files. Bench-only prototypes; nothing here changes the product.
 * "cpu check" is the 2-thread / 1-thread busy-loop ratio before each run and after the last
 * (cpu.child.ts): below ~1.9 the second core was shared and 2-thread figures are low.
 * Run: npx tsx test/bench/ingest/investigate.ts
 *   BENCH_INGEST_SIZES (default 1000000), BENCH_INGEST_RUNS (default 1; median rows/s kept),
 *   BENCH_INGEST_MODES (default all, comma-separated), BENCH_INGEST_WORKERS (default 2)
 */
const SIZES = (process.env.BENCH_INGEST_SIZES ?? '1000000').split(',').map(Number);
const RUNS = Math.max(1, Number(process.env.BENCH_INGEST_RUNS ?? 1));
const WORKERS = process.env.BENCH_INGEST_WORKERS ?? '2';
const MODES = (process.env.BENCH_INGEST_MODES ?? 'read,csv-parse,parse,ours,lean,fast-tokenize,fast,fast-lean,split,split-lean,split-fast,split-fast-lean').split(',');
const DESCRIBE: Record<string, string> = {
  read: 'read the bytes only (I/O floor)',
  'csv-parse': 'csv-parse only (CsvReader)',
  parse: 'csv-parse + RecordMapper (openBillingFile)',
  ours: 'ours: parse + CostAggregator (production path)',
  'fast-tokenize': 'projecting tokenizer only (prototype)',
  lean: 'csv-parse + RecordMapper + LeanAggregator',
  fast: 'projecting tokenizer + RecordMapper + CostAggregator',
  'fast-lean': 'projecting tokenizer + RecordMapper + LeanAggregator',
  split: `${WORKERS} workers: csv-parse + CostAggregator, merged`,
  'split-lean': `${WORKERS} workers: csv-parse + LeanAggregator, merged`,
  'split-fast': `${WORKERS} workers: projecting tokenizer + CostAggregator, merged`,
  'split-fast-lean': `${WORKERS} workers: projecting tokenizer + LeanAggregator, merged`,
};
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (miB: number) => (miB * 1024 * 1024) / 1e6;

await bundleChildren(['probe.child.ts', 'split.worker.ts', 'cpu.child.ts']);
console.log(`investigate: ${cpus().length} cores, ${cpus()[0]?.model}, Node ${process.version}; ${RUNS} run(s) each`);
for (const size of SIZES) {
  const file = await benchFile(size, console.log);
  console.log(`\n${fmt(file.rows)} rows, ${(file.bytes / 2 ** 20).toFixed(0)} MiB`);
  const results: Array<{ mode: string; r: ChildResult; rate: number; rss: number; cpu: string }> = [];
  for (const mode of MODES) {
    const runs: ChildResult[] = [];
    const cpu: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      cpu.push(Number((await runChild('cpu.child.ts', [])).info?.parallel));
      runs.push(await runChild('probe.child.ts', [mode, file.path, WORKERS]));
    }
    cpu.push(Number((await runChild('cpu.child.ts', [])).info?.parallel));
    runs.sort((a, b) => a.ms - b.ms);
    const r = runs[Math.floor(runs.length / 2)]!;
    results.push({ mode, r, rate: file.rows / (r.ms / 1000), rss: Math.max(...runs.map((x) => mb(x.peakRssMiB))), cpu: cpu.map((c) => c.toFixed(2)).join('/') });
    console.error(`  ${mode}: ${runs.map((x) => (x.ms / 1000).toFixed(2)).join(', ')} s; cpu check ${results[results.length - 1]!.cpu}`);
  }
  console.log('| variant | s | rows/s | MB/s | peak RSS | vs ours | cpu check | check |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |');
  const ours = results.find((x) => x.mode === 'ours');
  for (const { mode, r, rate, rss, cpu } of results) {
    const check =
      mode === 'read'
        ? ''
        : r.records !== file.rows
          ? `records ${r.records} != ${file.rows}`
          : r.billedTotal !== undefined && ours?.r.billedTotal !== undefined && r.billedTotal !== ours.r.billedTotal
            ? 'BILLED DIFFERS'
            : r.billedTotal !== undefined
              ? 'records, billed = ours'
              : 'records';
    const extra = r.info && mode.startsWith('split') ? ` ${JSON.stringify(r.info)}` : '';
    console.log(
      `| ${DESCRIBE[mode] ?? mode} | ${(r.ms / 1000).toFixed(2)} | ${fmt(rate)} | ${(file.bytes / 1e6 / (r.ms / 1000)).toFixed(0)} | ${rss.toFixed(0)} MB | ${ours ? `${(rate / ours.rate).toFixed(2)}x` : ''} | ${cpu} | ${check}${extra} |`,
    );
  }
}
