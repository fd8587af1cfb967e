import { basename } from 'node:path';
import { fileSource } from '../../../functions/billing/parse/index.js';
import { report } from './child-report.js';
import { aggregateSource, partialStats } from './ours.js';

/** Child process: our ingestion of one local CSV file on one thread. argv: <file> */
const path = process.argv[2]!;
const t0 = performance.now();
const partial = await aggregateSource(await fileSource(path), basename(path));
const ms = performance.now() - t0;
const stats = partialStats(partial);
report({ records: partial.recordsRead, ms, ...stats, info: { ...stats.info, rejected: partial.rowsRejected, periods: Object.keys(partial.periods).length } });
