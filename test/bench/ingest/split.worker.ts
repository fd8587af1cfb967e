import { open } from 'node:fs/promises';
import { basename } from 'node:path';
import { getHeapStatistics } from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { CostAggregator } from '../../../functions/billing/ingest/aggregate.js';
import { fastAggregate } from './fast.js';
import { LeanAggregator } from './lean-aggregate.js';
import { aggregateSource } from './ours.js';
import type { SplitWork } from './split.js';

/** BENCH-ONLY PROTOTYPE: one range of split.ts, in a worker thread. */
const work = workerData as SplitWork;
const t0 = performance.now();

async function* rangeBytes(): AsyncGenerator<Uint8Array> {
  const h = await open(work.path, 'r');
  try {
    const header = Buffer.alloc(work.headerEnd);
    await h.read(header, 0, work.headerEnd, 0);
    yield header;
    yield* h.createReadStream({ start: work.start, end: work.end - 1, highWaterMark: 256 * 1024, autoClose: false });
  } finally {
    await h.close();
  }
}

const name = `${basename(work.path)}[${work.start}-${work.end})`;
const make = work.aggregator === 'lean' ? () => new LeanAggregator() : () => new CostAggregator();
const partial = work.tokenizer === 'fast' ? await fastAggregate(rangeBytes(), name, 'aggregate', make) : await aggregateSource(rangeBytes(), name, make);
const heap = getHeapStatistics();
parentPort!.postMessage({ partial, ms: performance.now() - t0, heapMB: [Math.round(heap.used_heap_size / 1e6), Math.round(heap.total_heap_size / 1e6)] });
