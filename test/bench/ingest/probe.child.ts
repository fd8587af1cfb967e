import { basename } from 'node:path';
import { CsvReader } from '../../../functions/billing/parse/csv.js';
import { fileSource, openBillingFile } from '../../../functions/billing/parse/index.js';
import { report } from './child-report.js';
import { fastAggregate } from './fast.js';
import { LeanAggregator } from './lean-aggregate.js';
import { type AggregatorKind, aggregateSource, partialStats } from './ours.js';
import { splitAggregate, type Tokenizer } from './split.js';

/**
 * Child process for the investigation (investigate.ts): one variant of the ingestion path.
 * argv: <mode> <file> [workers]
 *   read        the bytes only (fileSource().stream()): the I/O floor
 *   csv-parse   csv-parse via CsvReader only (records and line numbers, no mapping)
 *   parse       openBillingFile to the end (csv-parse + RecordMapper), no aggregation
 *   ours        the full path (= ours.child.ts)
 *   fast-tokenize  the projecting tokenizer prototype only
 *   fast        the projecting tokenizer + RecordMapper + CostAggregator
 *   lean        csv-parse + RecordMapper + LeanAggregator (lean-aggregate.ts)
 *   fast-lean   the projecting tokenizer + RecordMapper + LeanAggregator
 *   split, split-lean, split-fast, split-fast-lean
 *               <workers> worker threads over byte ranges (split.ts), partials merged with
 *               mergePartials; csv-parse or the projecting tokenizer, CostAggregator or LeanAggregator
 */
const [mode, path, workersArg] = process.argv.slice(2) as [string, string, string | undefined];
const fileName = basename(path);
const workerUrl = new URL(import.meta.url.endsWith('.mjs') ? './split.worker.mjs' : './split.worker.ts', import.meta.url);
const t0 = performance.now();
const elapsed = () => performance.now() - t0;

switch (mode) {
  case 'read': {
    let bytes = 0;
    for await (const chunk of (await fileSource(path)).stream()) bytes += chunk.byteLength;
    report({ records: 0, ms: elapsed(), info: { bytes } });
    break;
  }
  case 'csv-parse': {
    const reader = new CsvReader((await fileSource(path)).stream(), fileName);
    let records = 0;
    for (let chunk = await reader.next(); chunk !== null; chunk = await reader.next()) records += chunk.records.length;
    report({ records: records - 1, ms: elapsed() });
    break;
  }
  case 'parse': {
    const parsed = await openBillingFile(await fileSource(path), { fileName });
    let records = 0;
    for await (const batch of parsed.batches) records += batch.length;
    report({ records, ms: elapsed() });
    break;
  }
  case 'ours':
  case 'lean': {
    const partial = await aggregateSource(await fileSource(path), fileName, mode === 'lean' ? () => new LeanAggregator() : undefined);
    report({ records: partial.recordsRead, ms: elapsed(), ...partialStats(partial) });
    break;
  }
  case 'fast-tokenize': {
    const partial = await fastAggregate((await fileSource(path)).stream(), fileName, 'tokenize');
    report({ records: partial.recordsRead, ms: elapsed() });
    break;
  }
  case 'fast':
  case 'fast-lean': {
    const partial = await fastAggregate((await fileSource(path)).stream(), fileName, 'aggregate', mode === 'fast-lean' ? () => new LeanAggregator() : undefined);
    report({ records: partial.recordsRead, ms: elapsed(), ...partialStats(partial) });
    break;
  }
  case 'split':
  case 'split-lean':
  case 'split-fast':
  case 'split-fast-lean': {
    const workers = Number(workersArg ?? 2);
    const tokenizer: Tokenizer = mode.startsWith('split-fast') ? 'fast' : 'csv-parse';
    const aggregator: AggregatorKind = mode.endsWith('-lean') ? 'lean' : 'cost';
    const { partial, workerMs, workerHeapMB, mergeMs, ranges } = await splitAggregate(path, workers, tokenizer, workerUrl, aggregator);
    report({
      records: partial.recordsRead,
      ms: elapsed(),
      ...partialStats(partial),
      info: { workers, workerMs: workerMs.map(Math.round), workerHeapMB, mergeMs: Math.round(mergeMs), ranges: ranges.length },
    });
    break;
  }
  default:
    throw new Error(`unknown mode ${mode}`);
}
