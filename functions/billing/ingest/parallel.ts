/**
 * A local CSV billing file aggregated by several threads, each over a byte range; the result is
 * exactly the one-thread partial (`aggregateSource`), or that partial itself whenever a split
 * cannot be proven right.
 *
 * Ranges start at line starts. A line start is a record start only if the line feed before it is
 * not inside a quoted field, which only the parser can tell: the reader of the range before it
 * parses up to it, and its parse ends cleanly exactly when it is (a cut inside a quoted field
 * ends inside that quote: csv-parse's TRUNCATED). Range 0 starts at the file's start; so if every
 * range ends cleanly, every range started at a record start (by induction), and the ranges'
 * records are the file's. Otherwise -- and for any file error, a malformed record (csv-parse's
 * message carries its own line count), a file without a currency column (its mixed-currency
 * check needs every row), gzip, Parquet or a quoted header -- the file is read again on this
 * thread, which gives the exact result or error.
 *
 * This thread reads range 0 itself; each other range has a worker thread (young and old
 * generations capped: `resourceLimits`), which posts its cells compactly
 * (`CostAggregator.exportCells`: V8-serialized bytes per period) and exits. They are merged into
 * range 0's aggregator in range order (`importCells`), one period at a time as the partial is
 * written, so the cells come out in the order of one reader, and cells are released as they go.
 */
import { availableParallelism } from 'node:os';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Worker } from 'node:worker_threads';
import { fileSource, openBillingFile, type BillingSource, type PeriodTotals, type SourceTotals } from '../parse/index.js';
import { CostAggregator, type CellDump, type PartialAggregate } from './aggregate.js';
import { csvCuts } from './plan.js';
import { readRange, type RangeRead, type RangeWork } from './range.js';

export type { RangeWork } from './range.js';

export type RangeResult =
  | { ok: true; cells: CellDump; totals: SourceTotals; format: string; lineFeeds: number; malformed: boolean }
  | { ok: false; message: string };

/**
 * A range worker's V8 young generation, MB. Node's default (3 x 16 MB semi-spaces) lets each
 * isolate hold ~48 MB of short-lived parser garbage before a scavenge; rows die young, so a small
 * one costs little time and keeps the process's peak RSS down.
 */
const WORKER_YOUNG_GENERATION_MB = 12;
/**
 * A range worker's V8 old generation cap, MB. V8 lets a heap grow far past its live data before
 * a full collection; near the cap it collects instead (a range's cells are a few tens of MB). A
 * worker that truly needs more runs out of memory, fails, and the file is read on one thread:
 * slower, never wrong.
 */
const WORKER_OLD_GENERATION_MB = 128;

export interface AggregateOptions {
  fileName?: string;
  defaultCurrency?: string | null;
}

export interface LocalFileOptions extends AggregateOptions {
  /** Threads, this one included; default: the machine's available parallelism. 1 reads on this thread only. */
  workers?: number;
  /** Fewer bytes per worker than this are not worth a thread. Default 16 MiB. */
  minBytesPerWorker?: number;
  /** The worker script: range.worker.ts beside this file when run from source, range.worker.mjs beside a bundle. */
  workerUrl?: URL;
  /** Told how the file was read: by how many threads, and why on one when it had to be. */
  onRead?: (how: { threads: number; reason?: string }) => void;
}

/** One billing file through the parser into a partial, on this thread (the workflow's aggregate step does the same). */
export async function aggregateSource(source: BillingSource, options: AggregateOptions = {}): Promise<PartialAggregate> {
  const fileName = options.fileName ?? 'billing file';
  const aggregator = new CostAggregator();
  const file = await openBillingFile(source, { fileName, ...(options.defaultCurrency ? { defaultCurrency: options.defaultCurrency } : {}) });
  for await (const batch of file.batches) {
    for (const record of batch) {
      if (record.kind === 'cost') aggregator.add(record);
      else aggregator.reject(fileName, record);
    }
  }
  aggregator.finishFile({ fileName, format: file.format, container: file.container }, file.totals());
  return aggregator.toPartial({ release: true });
}

async function readAt(path: string, start: number, length: number): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(length);
    const { bytesRead } = await handle.read(buffer, 0, length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  return new URL(here.endsWith('.ts') ? './range.worker.ts' : './range.worker.mjs', here);
}

function runRange(url: URL, work: RangeWork): Promise<RangeResult> {
  return new Promise((resolve) => {
    const resourceLimits = { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB, maxOldGenerationSizeMb: WORKER_OLD_GENERATION_MB };
    // From source (tests, tsx) the worker registers tsx's loader first; a bundle needs none.
    const worker = url.pathname.endsWith('.ts')
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData: work, resourceLimits })
      : new Worker(url, { workerData: work, resourceLimits });
    worker.once('message', (result: RangeResult) => resolve(result));
    worker.once('error', (e) => resolve({ ok: false, message: e.message }));
    worker.once('exit', (code) => resolve({ ok: false, message: `worker exited with ${code}` }));
  });
}

/** The parser's totals of consecutive ranges as one file's: summed per period and currency, in its order. */
function combineTotals(parts: SourceTotals[]): SourceTotals {
  const byKey = new Map<string, PeriodTotals & { rows: number }>();
  let recordsRead = 0;
  let rowsEmitted = 0;
  let rowsRejected = 0;
  let unsummableRecords = 0;
  for (const t of parts) {
    recordsRead += t.recordsRead;
    rowsEmitted += t.rowsEmitted;
    rowsRejected += t.rowsRejected;
    unsummableRecords += t.unsummableRecords;
    for (const p of t.periods) {
      const key = `${p.billingPeriodStart ?? ''}|${p.currency ?? ''}`;
      const into = byKey.get(key);
      if (!into) byKey.set(key, { ...p });
      else byKey.set(key, { ...into, rows: into.rows + p.rows, billedCost: into.billedCost + p.billedCost, effectiveCost: into.effectiveCost + p.effectiveCost, listCost: into.listCost + p.listCost });
    }
  }
  const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
  const periods = [...byKey.values()].sort((a, b) => cmp(a.billingPeriodStart, b.billingPeriodStart) || cmp(a.currency, b.currency));
  return { recordsRead, rowsEmitted, rowsRejected, unsummableRecords, periods };
}

/** A local billing file (CSV, gzip CSV, Parquet) into a partial, CSV over several threads when it is large enough. */
export async function aggregateLocalFile(path: string, options: LocalFileOptions = {}): Promise<PartialAggregate> {
  const fileName = options.fileName ?? basename(path);
  const common = { fileName, defaultCurrency: options.defaultCurrency ?? null };
  const oneThread = async (reason: string) => {
    options.onRead?.({ threads: 1, reason });
    return aggregateSource(await fileSource(path), common);
  };
  const { size } = await stat(path);
  const parts = Math.min(options.workers ?? availableParallelism(), Math.floor(size / (options.minBytesPerWorker ?? 16 * 1024 * 1024)));
  if (parts < 2) return oneThread('small file or one worker');
  // The cuts the workflow's units use too (plan.ts): line starts; no quoted header; a currency column.
  const ranges = await csvCuts((start, end) => readAt(path, start, end - start), size, parts, common);
  if (!ranges.ok) return oneThread(`not a splittable CSV (${ranges.reason})`);

  const { headerEnd, cuts } = ranges;
  const url = options.workerUrl ?? defaultWorkerUrl();
  const works = cuts.slice(0, -1).map((start, i): RangeWork => ({ path, ...common, headerEnd, start, end: cuts[i + 1]! }));
  const others = works.slice(1).map((work) => runRange(url, work));
  let first: RangeRead | null = await readRange(works[0]!);
  const results = await Promise.all(others);
  const failed = [first, ...results].find((r): r is Extract<RangeResult, { ok: false }> => !r.ok);
  const malformed = [first, ...results].some((r) => r.ok && r.malformed);
  if (failed || malformed || !first.ok) {
    first = null; // its cells are not needed by the one-thread read
    return oneThread(failed ? `a range did not end at a record boundary, or failed: ${failed.message}` : 'a malformed record (its message carries the line)');
  }
  const done = results as Array<Extract<RangeResult, { ok: true }>>;
  options.onRead?.({ threads: works.length });

  const totals = combineTotals([first.totals, ...done.map((r) => r.totals)]);
  // Rejections carry lines of their range (header = line 1): importCells makes them the file's.
  const aggregator = first.aggregator;
  let lineFeedsBefore = first.lineFeeds;
  for (let i = 0; i < done.length; i++) {
    const r = done[i]!;
    aggregator.importCells(r.cells, lineFeedsBefore - 1);
    lineFeedsBefore += r.lineFeeds;
    done[i] = undefined as never; // let its cells go
  }
  aggregator.finishFile({ fileName, format: first.format, container: 'csv' }, totals);
  return aggregator.toPartial({ release: true });
}
