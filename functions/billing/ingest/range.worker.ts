/**
 * One byte range of a CSV billing file, parsed and aggregated on a worker thread (parallel.ts).
 * Reads the header, then its range; reports a partial without the file's bookkeeping, the
 * parser's own totals for the range, and how many line feeds the range holds (for line numbers).
 */
import { open } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { openBillingFile } from '../parse/index.js';
import { CostAggregator } from './aggregate.js';
import type { RangeResult, RangeWork } from './parallel.js';

const work = workerData as RangeWork;
let lineFeeds = 0;

async function* rangeBytes(): AsyncGenerator<Uint8Array> {
  const handle = await open(work.path, 'r');
  try {
    if (work.start > 0) {
      const header = Buffer.allocUnsafe(work.headerEnd);
      await handle.read(header, 0, work.headerEnd, 0);
      yield header;
    }
    for await (const chunk of handle.createReadStream({ start: work.start, end: work.end - 1, highWaterMark: 256 * 1024, autoClose: false })) {
      const bytes = chunk as Buffer;
      for (let at = bytes.indexOf(10); at >= 0; at = bytes.indexOf(10, at + 1)) lineFeeds++;
      yield bytes;
    }
  } finally {
    await handle.close();
  }
}

async function run(): Promise<RangeResult> {
  try {
    const aggregator = new CostAggregator();
    const file = await openBillingFile(rangeBytes(), { fileName: work.fileName, ...(work.defaultCurrency ? { defaultCurrency: work.defaultCurrency } : {}) });
    let malformed = false;
    for await (const batch of file.batches) {
      for (const record of batch) {
        if (record.kind === 'cost') aggregator.add(record);
        else {
          if (record.code === 'MALFORMED_RECORD') malformed = true;
          aggregator.reject(work.fileName, record);
        }
      }
    }
    return { ok: true, partial: aggregator.toPartial(), totals: file.totals(), format: file.format, lineFeeds, malformed };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

parentPort!.postMessage(await run());
