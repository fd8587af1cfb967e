import { open, stat } from 'node:fs/promises';
import { Worker } from 'node:worker_threads';
import { mergePartials, type PartialAggregate } from '../../../functions/billing/ingest/aggregate.js';
import type { AggregatorKind } from './ours.js';

/**
 * BENCH-ONLY PROTOTYPE: one CSV file split by byte ranges at line boundaries across N worker
 * threads; each worker parses the header plus its range into a CostAggregator partial, and the
 * partials are merged with mergePartials (as the workflow merges the partials of several files).
 *
 * Not production-ready as is: a boundary is the first line feed after the cut, which is wrong
 * when that line feed sits inside a quoted field (see the report for the fix), and CSV line
 * numbers in rejections are relative to each range.
 */
export type Tokenizer = 'csv-parse' | 'fast';

export interface SplitWork {
  aggregator: AggregatorKind;
  path: string;
  headerEnd: number;
  start: number;
  end: number;
  tokenizer: Tokenizer;
}

export interface SplitResult {
  partial: PartialAggregate;
  workerMs: number[];
  /** Each worker's V8 heap when it posted its partial: [used, total] MB. */
  workerHeapMB: Array<[number, number]>;
  mergeMs: number;
  ranges: Array<[number, number]>;
}

async function readAt(path: string, start: number, length: number): Promise<Buffer> {
  const h = await open(path, 'r');
  try {
    const buf = Buffer.alloc(length);
    const { bytesRead } = await h.read(buf, 0, length, start);
    return buf.subarray(0, bytesRead);
  } finally {
    await h.close();
  }
}

/** The first byte after the first line feed at or after `at` (or the file's end). */
async function lineStartAfter(path: string, at: number, size: number): Promise<number> {
  for (let from = at; from < size; from += 1 << 16) {
    const buf = await readAt(path, from, 1 << 16);
    const i = buf.indexOf(0x0a);
    if (i >= 0) return from + i + 1;
  }
  return size;
}

export async function splitRanges(path: string, parts: number): Promise<{ headerEnd: number; ranges: Array<[number, number]> }> {
  const { size } = await stat(path);
  const headerEnd = await lineStartAfter(path, 0, size);
  const cuts = [headerEnd];
  for (let i = 1; i < parts; i++) cuts.push(Math.max(cuts[i - 1]!, await lineStartAfter(path, headerEnd + Math.floor(((size - headerEnd) * i) / parts), size)));
  cuts.push(size);
  const ranges: Array<[number, number]> = [];
  for (let i = 0; i < parts; i++) if (cuts[i + 1]! > cuts[i]!) ranges.push([cuts[i]!, cuts[i + 1]!]);
  return { headerEnd, ranges };
}

export async function splitAggregate(path: string, parts: number, tokenizer: Tokenizer, workerUrl: URL, aggregator: AggregatorKind = 'cost'): Promise<SplitResult> {
  const { headerEnd, ranges } = await splitRanges(path, parts);
  const results = await Promise.all(
    ranges.map(
      ([start, end]) =>
        new Promise<{ partial: PartialAggregate; ms: number; heapMB: [number, number] }>((resolve, reject) => {
          const work: SplitWork = { aggregator, path, headerEnd, start, end, tokenizer };
          // BENCH_INGEST_YOUNG_MB / BENCH_INGEST_OLD_MB: cap each worker's V8 generations (memory experiments).
          const young = Number(process.env.BENCH_INGEST_YOUNG_MB ?? 0);
          const old = Number(process.env.BENCH_INGEST_OLD_MB ?? 0);
          const resourceLimits = { ...(young > 0 ? { maxYoungGenerationSizeMb: young } : {}), ...(old > 0 ? { maxOldGenerationSizeMb: old } : {}) };
          const worker = new Worker(workerUrl, { workerData: work, resourceLimits });
          worker.once('message', resolve);
          worker.once('error', reject);
          worker.once('exit', (code) => code !== 0 && reject(new Error(`worker exited ${code}`)));
        }),
    ),
  );
  const t0 = performance.now();
  const partial = mergePartials(results.map((r) => r.partial));
  return { partial, workerMs: results.map((r) => r.ms), workerHeapMB: results.map((r) => r.heapMB), mergeMs: performance.now() - t0, ranges };
}
