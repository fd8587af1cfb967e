import { basename } from 'node:path';
import { aggregateLocalFile } from '../../../functions/billing/ingest/parallel.js';
import { report } from './child-report.js';
import { partialStats } from './ours.js';

/**
 * Child process: our ingestion of one local CSV file (functions/billing/ingest/parallel.ts: worker
 * threads over byte ranges, one per core, or one thread where a split cannot be proven right).
 * argv: <file> [workers]
 */
const path = process.argv[2]!;
const workers = process.argv[3] ? Number(process.argv[3]) : undefined;
let threads = 0;
let reason: string | undefined;
const t0 = performance.now();
const partial = await aggregateLocalFile(path, { fileName: basename(path), ...(workers ? { workers } : {}), onRead: (how) => ({ threads, reason } = how) });
const ms = performance.now() - t0;
const stats = partialStats(partial);
report({ records: partial.recordsRead, ms, ...stats, info: { ...stats.info, rejected: partial.rowsRejected, periods: Object.keys(partial.periods).length, threads, ...(reason ? { reason } : {}) } });
