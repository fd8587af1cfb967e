import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { aggregateLocalFile } from '../../../functions/billing/ingest/parallel.js';

/**
 * Child process: CPU time per record of our ingestion of one local CSV (aggregateLocalFile),
 * measured with process.cpuUsage (user + system, all threads of the process), which a loaded
 * machine disturbs far less than wall time; plus a SHA-256 of the partial (JSON, bigint-safe), so
 * two builds can be shown to give the same output on the same file.
 * argv: <file> [workers, default 1]
 * Run: npx tsx test/bench/ingest/cpu-row.ts (bundles this child, runs it N times, prints medians)
 */
const path = process.argv[2]!;
const workers = Number(process.argv[3] ?? 1);
const c0 = process.cpuUsage();
const t0 = performance.now();
const partial = await aggregateLocalFile(path, { fileName: basename(path), workers });
const ms = performance.now() - t0;
const cpu = process.cpuUsage(c0);
const hash = createHash('sha256').update(JSON.stringify(partial, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v))).digest('hex').slice(0, 16);
const cpuMs = (cpu.user + cpu.system) / 1000;
process.stdout.write(
  `${JSON.stringify({ records: partial.recordsRead, ms, cpuMs, cpuUsPerRow: (cpuMs * 1000) / partial.recordsRead, userMs: cpu.user / 1000, sysMs: cpu.system / 1000, hash, peakRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
