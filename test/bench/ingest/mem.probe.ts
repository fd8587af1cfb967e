import { basename } from 'node:path';
import { aggregateLocalFile } from '../../../functions/billing/ingest/parallel.js';

/**
 * Memory timeline of our ingestion of one file (this thread's heap and the process's RSS, once a
 * second, on stderr), then the peak and the rollup rows per kind. Not part of bench:ingest: a
 * tool to see where the peak is. Bundle it like the children (children.ts bundleChildren, with
 * the range worker), then: node node_modules/.cache/cloudoptima-bench-ingest/mem.probe.mjs <file> [threads]
 */
const path = process.argv[2]!;
const workers = process.argv[3] ? Number(process.argv[3]) : undefined;
const t0 = performance.now();
const mb = (n: number) => (n / 1e6).toFixed(0);
const timer = setInterval(() => {
  const m = process.memoryUsage();
  console.error(`${((performance.now() - t0) / 1000).toFixed(1)}s rss ${mb(m.rss)} heapTotal ${mb(m.heapTotal)} heapUsed ${mb(m.heapUsed)} external ${mb(m.external)} arrayBuffers ${mb(m.arrayBuffers)}`);
}, 1000);
const partial = await aggregateLocalFile(path, { fileName: basename(path), ...(workers ? { workers } : {}) });
clearInterval(timer);
const rows: Record<string, number> = {};
for (const p of Object.values(partial.periods)) for (const [kind, r] of Object.entries(p.rollups)) rows[kind] = (rows[kind] ?? 0) + r.length;
console.error(`done in ${((performance.now() - t0) / 1000).toFixed(1)} s, ${partial.recordsRead} records, peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB; rollup rows ${JSON.stringify(rows)}`);
