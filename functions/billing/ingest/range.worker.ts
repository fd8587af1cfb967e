/**
 * One byte range of a CSV billing file, parsed and aggregated on a worker thread (parallel.ts,
 * range.ts). Posts its cells compactly (`CostAggregator.exportCells`: flat arrays, not rollup
 * rows) for the starting thread to merge, with the range's parser totals and line feeds.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { RangeResult } from './parallel.js';
import { readRange, type RangeWork } from './range.js';

async function run(): Promise<RangeResult> {
  const read = await readRange(workerData as RangeWork);
  if (!read.ok) return read;
  const { aggregator, ...rest } = read;
  return { ...rest, cells: aggregator.exportCells() };
}

const result = await run();
// The cells' bytes are moved, not copied, when they own their whole buffer.
const transfer = result.ok ? result.cells.periods.map((p) => p.bytes).filter((b) => b.byteOffset === 0 && b.byteLength === b.buffer.byteLength).map((b) => b.buffer as ArrayBuffer) : [];
parentPort!.postMessage(result, transfer);
