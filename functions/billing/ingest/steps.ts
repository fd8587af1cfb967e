import type { Readable } from 'node:stream';
import { CostStore } from '#shared/costs/store.js';
import { codec } from '#shared/costs/rollups.js';
import { DomainError } from '#shared/errors.js';
import { formatDecimal, parseDecimal } from '#shared/money.js';
import type { ObjectStore } from '#shared/storage/object-store.js';
import { tenantObjectKey } from '#shared/storage/object-store.js';
import { isBillingFileError, openBillingFile, type BillingFileErrorCode, type ByteStream, type RandomAccessSource } from '../parse/index.js';
import type { BillingStore, TotalsLine } from '../store.js';
import { CostAggregator, mergePartials, type PartialAggregate } from './aggregate.js';
import { planFile, type FilePlan, type UnitLimits, type UnitRange } from './plan.js';

/**
 * The ingestion workflow's steps (state-machines/ingestion.asl.json): prepare -> aggregate each
 * file -> commit (write the new versions, reconcile, flip) -> clean up; `fail` records a failure
 * and removes anything half-written. Every step can run again with the same input and reach the
 * same state, so Step Functions' retries are safe.
 */
export interface StepDeps {
  billing: BillingStore;
  costs: CostStore;
  objects: ObjectStore;
}

/** Why an ingestion refused its input: a file error's own code, or one of these. */
export type RejectionCode = BillingFileErrorCode | 'UPLOAD_MISSING' | 'FILE_GONE' | 'FILE_CHANGED' | 'ROWS_REJECTED' | 'NO_CHARGES' | 'RECONCILIATION_FAILED';

/**
 * The input is refused (not a platform fault): the workflow takes its InputRejected path. Step
 * Functions carries only an error's type and message, so the code travels as a `[CODE] ` prefix
 * that `fail` reads back into the ingestion's `error.code`.
 */
export class ReconciliationError extends DomainError {
  readonly status = 422;
  constructor(
    message: string,
    details?: unknown,
    readonly code: RejectionCode = 'RECONCILIATION_FAILED',
  ) {
    super(`[${code}] ${message}`, details);
  }
}

export interface FileRef {
  uploadId: string;
  objectKey: string;
  fileName: string;
}

/** How big a work unit may be (plan.ts); the handler reads them from config. */
export interface StepOptions {
  limits: UnitLimits;
}

/**
 * Prepare's plan, in the object store (the state carries only unit numbers, however many there
 * are): each file as Prepare saw it, and the units in order. Its `units` array is the shape a
 * Distributed Map's ItemReader takes, should the inline Map's limits ever be reached.
 */
export interface Manifest {
  defaultCurrency: string | null;
  files: Array<FileRef & Omit<FilePlan, 'ranges'> & { size: number }>;
  /** `file`: index in `files`; `part` of `parts`: its place in the file. */
  units: Array<{ file: number; part: number; parts: number; range: UnitRange }>;
}

const ingestionKey = (tenantId: string, ingestionId: string, name: string) => tenantObjectKey(tenantId, 'ingestions', ingestionId, 'partials', name);
const manifestKey = (tenantId: string, ingestionId: string) => ingestionKey(tenantId, ingestionId, 'manifest.json');
/** One key per unit: a retried unit overwrites its own partial, never adds a second. */
const unitKey = (tenantId: string, ingestionId: string, uploadId: string, part: number) => ingestionKey(tenantId, ingestionId, `${uploadId}.${part}.json`);
/** A split file read again whole (a unit did not end at a record boundary). */
const wholeKey = (tenantId: string, ingestionId: string, uploadId: string) => ingestionKey(tenantId, ingestionId, `${uploadId}.whole.json`);
// Tagged so the bucket's lifecycle rule removes any the workflow could not (lib/storage.ts).
const PARTIAL_TAGS = { 'cloudoptima:object': 'ingestion-partial' };

/** What a unit task stores: its partial, and whether it can be trusted as part of its file. */
interface UnitResult {
  /** False when the unit did not end at a record boundary, or hit a file error or a malformed record: the file is read again whole. */
  clean: boolean;
  reason?: string;
  /** Line feeds in the unit's byte range (CSV): the next unit's lines start after them. */
  lineFeeds: number;
  partial: PartialAggregate | null;
}

export async function prepare(deps: StepDeps, tenantId: string, ingestionId: string, options: StepOptions) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  const source = await deps.billing.getSource(tenantId, ingestion.sourceId);
  const manifest: Manifest = { defaultCurrency: source.defaultCurrency, files: [], units: [] };
  for (const uploadId of ingestion.uploadIds) {
    const upload = await deps.billing.getUpload(tenantId, uploadId);
    const head = upload ? await deps.objects.head(upload.objectKey) : null;
    if (!upload || !head) {
      throw new ReconciliationError(`Upload ${uploadId} has no file: PUT the file to its upload URL first.`, { uploadId }, 'UPLOAD_MISSING');
    }
    const { ranges, ...plan } = await planFile((start, end) => deps.objects.readRange(upload.objectKey, start, end), head.size, options.limits, {
      fileName: upload.fileName,
      defaultCurrency: source.defaultCurrency,
    });
    const file = manifest.files.push({ uploadId, objectKey: upload.objectKey, fileName: upload.fileName, size: head.size, ...plan }) - 1;
    ranges.forEach((range, part) => manifest.units.push({ file, part, parts: ranges.length, range }));
  }
  // The same files give the same plan: a retried Prepare rewrites the same manifest.
  await deps.objects.write(manifestKey(tenantId, ingestionId), JSON.stringify(manifest), 'application/json', PARTIAL_TAGS);
  await deps.billing.updateIngestion(tenantId, ingestionId, { status: 'running', startedAt: new Date().toISOString() });
  return { units: manifest.units.map((_, i) => i) };
}

async function readJson<T>(objects: ObjectStore, key: string): Promise<T> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of streamOf(objects, key)) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as T;
}

async function readManifest(deps: StepDeps, tenantId: string, ingestionId: string): Promise<Manifest | null> {
  if (!(await deps.objects.head(manifestKey(tenantId, ingestionId)))) return null;
  return readJson<Manifest>(deps.objects, manifestKey(tenantId, ingestionId));
}

async function mustReadManifest(deps: StepDeps, tenantId: string, ingestionId: string): Promise<Manifest> {
  const manifest = await readManifest(deps, tenantId, ingestionId);
  if (!manifest) throw new Error(`ingestion ${ingestionId} has no work plan (manifest): Prepare did not run`);
  return manifest;
}

/** The file as Prepare planned it, or a clear refusal when it is gone or was replaced since. */
async function checkFile(deps: StepDeps, file: Manifest['files'][number]): Promise<void> {
  const head = await deps.objects.head(file.objectKey);
  if (!head) throw new ReconciliationError(`The file of upload ${file.uploadId} is gone.`, { uploadId: file.uploadId }, 'FILE_GONE');
  if (head.size !== file.size) {
    throw new ReconciliationError(`${file.fileName} changed while it was ingested (${file.size} bytes planned, ${head.size} now): start the ingestion again.`, { uploadId: file.uploadId }, 'FILE_CHANGED');
  }
}

/** One file, whole, through the parser into rollups (a unit without a range, or a split file read again). */
async function aggregateWholeFile(deps: StepDeps, file: FileRef & { size: number }, defaultCurrency: string | null): Promise<PartialAggregate> {
  const aggregator = new CostAggregator();
  try {
    // Ranged reads for Parquet (its footer comes first); one streamed read for CSV and gzip.
    const source: RandomAccessSource & { stream: () => ByteStream } = {
      byteLength: file.size,
      read: (start, end) => deps.objects.readRange(file.objectKey, start, end),
      stream: () => streamOf(deps.objects, file.objectKey),
    };
    const parsed = await openBillingFile(source, { fileName: file.fileName, ...(defaultCurrency ? { defaultCurrency } : {}) });
    for await (const batch of parsed.batches) {
      for (const record of batch) {
        if (record.kind === 'cost') aggregator.add(record);
        else aggregator.reject(file.fileName, record);
      }
    }
    aggregator.finishFile({ fileName: file.fileName, format: parsed.format, container: parsed.container }, parsed.totals());
  } catch (error) {
    // A file the parser refuses is the caller's input, not a transient fault: fail with its words.
    if (isBillingFileError(error)) throw new ReconciliationError(`${file.fileName}: ${error.message}`, error.details, error.code);
    throw error;
  }
  return aggregator.toPartial({ release: true });
}

/** A CSV byte range with the file's header in front: the rows of that range, lines counted from the header (line 1). */
async function aggregateCsvRange(deps: StepDeps, file: Manifest['files'][number], [start, end]: [number, number], defaultCurrency: string | null): Promise<UnitResult> {
  const header = Buffer.from(file.header ?? '', 'base64');
  // The header is Prepare's: the file still starts with it, or it is not the file that was planned.
  const actual = await deps.objects.readRange(file.objectKey, 0, header.byteLength);
  if (header.byteLength === 0 || !header.equals(actual)) {
    throw new ReconciliationError(`${file.fileName} changed while it was ingested (its header is not the one planned): start the ingestion again.`, { uploadId: file.uploadId }, 'FILE_CHANGED');
  }
  let lineFeeds = 0;
  async function* bytes(): AsyncGenerator<Uint8Array> {
    if (start > 0) yield header;
    for await (const chunk of await deps.objects.read(file.objectKey, { start, end })) {
      const b = chunk as Uint8Array;
      for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) lineFeeds++;
      yield b;
    }
  }
  const aggregator = new CostAggregator();
  let malformed = false;
  try {
    const parsed = await openBillingFile(bytes(), { fileName: file.fileName, ...(defaultCurrency ? { defaultCurrency } : {}) });
    for await (const batch of parsed.batches) {
      for (const record of batch) {
        if (record.kind === 'cost') aggregator.add(record);
        else {
          // csv-parse's message for a malformed record counts lines of the range: the whole read gives the file's.
          if (record.code === 'MALFORMED_RECORD') malformed = true;
          aggregator.reject(file.fileName, record);
        }
      }
    }
    aggregator.finishFile({ fileName: file.fileName, format: parsed.format, container: parsed.container }, parsed.totals());
  } catch (error) {
    // Ended inside a quoted field (a cut in a quoted line break), or any file error: the whole read decides.
    if (isBillingFileError(error)) return { clean: false, reason: `${error.code}: ${error.message}`, lineFeeds, partial: null };
    throw error;
  }
  if (malformed) return { clean: false, reason: 'a malformed record', lineFeeds, partial: null };
  return { clean: true, lineFeeds, partial: aggregator.toPartial({ release: true }) };
}

/** Parquet row groups `[start, end)`: the columns must be the planned file's. */
async function aggregateRowGroups(deps: StepDeps, file: Manifest['files'][number], [start, end]: [number, number], defaultCurrency: string | null): Promise<UnitResult> {
  const aggregator = new CostAggregator();
  try {
    const source: RandomAccessSource = { byteLength: file.size, read: (s, e) => deps.objects.readRange(file.objectKey, s, e) };
    const parsed = await openBillingFile(source, { fileName: file.fileName, rowGroups: { start, end }, ...(defaultCurrency ? { defaultCurrency } : {}) });
    if (parsed.container !== 'parquet' || JSON.stringify(parsed.columns) !== JSON.stringify(file.columns)) {
      throw new ReconciliationError(`${file.fileName} changed while it was ingested (its columns are not the ones planned): start the ingestion again.`, { uploadId: file.uploadId }, 'FILE_CHANGED');
    }
    for await (const batch of parsed.batches) {
      for (const record of batch) {
        if (record.kind === 'cost') aggregator.add(record);
        else aggregator.reject(file.fileName, record);
      }
    }
    aggregator.finishFile({ fileName: file.fileName, format: parsed.format, container: parsed.container }, parsed.totals());
  } catch (error) {
    // Row numbers are the file's own: a Parquet file error is exact as it is.
    if (isBillingFileError(error)) throw new ReconciliationError(`${file.fileName}: ${error.message}`, error.details, error.code);
    throw error;
  }
  return { clean: true, lineFeeds: 0, partial: aggregator.toPartial({ release: true }) };
}

/** One unit of the plan through the parser into a partial in the object store (its own key: a retry overwrites it). */
export async function aggregateUnit(deps: StepDeps, tenantId: string, ingestionId: string, index: number): Promise<{ unit: number; clean: boolean; records: number; rejected: number }> {
  const manifest = await mustReadManifest(deps, tenantId, ingestionId);
  const unit = manifest.units[index];
  if (!unit) throw new Error(`ingestion ${ingestionId} has no unit ${index}`);
  const file = manifest.files[unit.file]!;
  await checkFile(deps, file);
  const range = unit.range;
  const result: UnitResult =
    range === null
      ? { clean: true, lineFeeds: 0, partial: await aggregateWholeFile(deps, file, manifest.defaultCurrency) }
      : 'bytes' in range
        ? await aggregateCsvRange(deps, file, range.bytes, manifest.defaultCurrency)
        : await aggregateRowGroups(deps, file, range.rowGroups, manifest.defaultCurrency);
  await deps.objects.write(unitKey(tenantId, ingestionId, file.uploadId, unit.part), JSON.stringify(result), 'application/json', PARTIAL_TAGS);
  return { unit: index, clean: result.clean, records: result.partial?.recordsRead ?? 0, rejected: result.partial?.rowsRejected ?? 0 };
}

/** A split file whose units could not be trusted, read whole (Commit asks for it). */
export async function aggregateWhole(deps: StepDeps, tenantId: string, ingestionId: string, uploadId: string): Promise<{ uploadId: string }> {
  const manifest = await mustReadManifest(deps, tenantId, ingestionId);
  const file = manifest.files.find((f) => f.uploadId === uploadId);
  if (!file) throw new Error(`ingestion ${ingestionId} has no file of upload ${uploadId}`);
  await checkFile(deps, file);
  const partial = await aggregateWholeFile(deps, file, manifest.defaultCurrency);
  await deps.objects.write(wholeKey(tenantId, ingestionId, uploadId), JSON.stringify(partial), 'application/json', PARTIAL_TAGS);
  return { uploadId };
}

/**
 * One file's partial from its units: their rejections moved to the file's own line numbers (a
 * unit after the first counts lines from the header it was read with), then merged in file
 * order as files are. Null when a unit cannot be trusted (the file must be read whole).
 */
function fileFromUnits(file: Manifest['files'][number], units: Manifest['units'], results: UnitResult[]): PartialAggregate | null {
  if (results.some((r) => !r.clean || !r.partial)) return null;
  let lineFeedsBefore = 0;
  const partials = results.map((r, part) => {
    const partial = r.partial!;
    // Parquet rows and a whole file's lines are the file's own already.
    const range = units[part]!.range;
    const offset = part === 0 || range === null || !('bytes' in range) ? 0 : lineFeedsBefore - 1;
    lineFeedsBefore += r.lineFeeds;
    if (offset !== 0) {
      for (const rejection of partial.rejections) {
        const line = rejection.line + offset;
        rejection.message = rejection.message.replace(/^line \d+: /, `line ${line}: `);
        rejection.line = line;
      }
    }
    return partial;
  });
  const merged = mergePartials(partials);
  const first = partials[0]!.files[0]!;
  return { ...merged, files: [{ ...first, records: merged.recordsRead, units: results.length, note: file.note }] };
}

async function* streamOf(objects: ObjectStore, key: string): AsyncIterable<Uint8Array> {
  const stream: Readable = await objects.read(key);
  for await (const chunk of stream) yield chunk as Uint8Array;
}

const line = (t: { period: string | null; currency: string | null; rows: number; billed: string; effective: string; list: string }): TotalsLine => ({
  billingPeriod: t.period,
  currency: t.currency,
  rows: t.rows,
  billedCost: t.billed,
  effectiveCost: t.effective,
  listCost: t.list,
});

/**
 * Writes each period as a new version, reads the stored cube back and compares its sums with the
 * files' own totals to the 1e-12, and only then makes the versions current. A rejected row or any
 * difference fails the ingestion before anything becomes visible.
 */
export async function commit(deps: StepDeps, tenantId: string, ingestionId: string) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  const manifest = await mustReadManifest(deps, tenantId, ingestionId);
  const partials: PartialAggregate[] = [];
  const needWhole: string[] = [];
  for (const [index, file] of manifest.files.entries()) {
    const units = manifest.units.filter((u) => u.file === index).sort((a, b) => a.part - b.part);
    const reread = wholeKey(tenantId, ingestionId, file.uploadId);
    if (units.length > 1 && (await deps.objects.head(reread))) {
      const whole = await readJson<PartialAggregate>(deps.objects, reread);
      const note = `split into ${units.length} units, but a unit did not end at a record boundary (a quoted line break at a cut) or met an error: read whole by one task`;
      partials.push({ ...whole, files: whole.files.map((f) => ({ ...f, units: 1, note })) });
      continue;
    }
    const results: UnitResult[] = [];
    for (const unit of units) results.push(await readJson<UnitResult>(deps.objects, unitKey(tenantId, ingestionId, file.uploadId, unit.part)));
    const partial = fileFromUnits(file, units, results);
    if (partial) partials.push(partial);
    else needWhole.push(file.uploadId);
  }
  // Nothing is written until every file is trusted: the workflow reads these whole, then commits again.
  if (needWhole.length > 0) return { superseded: [], needWhole, wholeNeeded: true };
  const merged = mergePartials(partials);
  const periods = Object.keys(merged.periods).sort();
  const sourceTotals = merged.sourceTotals.map(line).sort((a, b) => `${a.billingPeriod}${a.currency}`.localeCompare(`${b.billingPeriod}${b.currency}`));
  await deps.billing.updateIngestion(tenantId, ingestionId, {
    files: merged.files,
    rowsRead: merged.recordsRead,
    rowsRejected: merged.rowsRejected,
    rejections: merged.rejections,
    sourceTotals,
    periods,
  });
  if (merged.rowsRejected > 0) {
    throw new ReconciliationError(`${merged.rowsRejected} rows were rejected (see rejections); nothing was stored.`, { rowsRejected: merged.rowsRejected }, 'ROWS_REJECTED');
  }
  if (periods.length === 0) throw new ReconciliationError('The files hold no charges.', null, 'NO_CHARGES');

  const current = await deps.costs.currentVersions(tenantId, periods[0]!, periods.at(-1)!);
  for (const period of periods) {
    const { rollups, accountNames, totals } = merged.periods[period]!;
    await deps.costs.writeVersion(tenantId, ingestion.sourceId, period, ingestionId, rollups);
    await deps.costs.writeMeta(tenantId, ingestion.sourceId, period, ingestionId, {
      accountNames,
      totals: totals.map((t) => ({ currency: t.currency, rows: t.rows, billed: parseDecimal(t.billed), effective: parseDecimal(t.effective), list: parseDecimal(t.list) })),
    });
  }

  // Read back what was written: the reconciliation proves the table, not the memory.
  const stored = new Map<string, TotalsLine>();
  for (const period of periods) {
    for (const encoded of await deps.costs.readRows(tenantId, ingestion.sourceId, period, ingestionId, 'cube')) {
      const row = codec.cube.decode(encoded);
      const key = `${period}|${row.currency}`;
      const t = stored.get(key) ?? { billingPeriod: period, currency: row.currency, rows: 0, billedCost: '0', effectiveCost: '0', listCost: '0' };
      t.billedCost = formatDecimal(parseDecimal(t.billedCost) + row.billed, { minFractionDigits: 0 });
      t.effectiveCost = formatDecimal(parseDecimal(t.effectiveCost) + row.effective, { minFractionDigits: 0 });
      t.listCost = formatDecimal(parseDecimal(t.listCost) + row.list, { minFractionDigits: 0 });
      stored.set(key, t);
    }
    for (const t of merged.periods[period]!.totals) stored.get(`${period}|${t.currency}`)!.rows = t.rows;
  }
  const storedTotals = [...stored.values()].sort((a, b) => `${a.billingPeriod}${a.currency}`.localeCompare(`${b.billingPeriod}${b.currency}`));
  await deps.billing.updateIngestion(tenantId, ingestionId, { storedTotals });

  const mismatches = sourceTotals.filter((s) => {
    const t = stored.get(`${s.billingPeriod}|${s.currency}`);
    return !t || t.rows !== s.rows || ['billedCost', 'effectiveCost', 'listCost'].some((f) => parseDecimal(t[f as 'billedCost']) !== parseDecimal(s[f as 'billedCost']));
  });
  if (mismatches.length || stored.size !== sourceTotals.length) {
    throw new ReconciliationError('What was stored does not add up to the files’ own totals; nothing was made current.', { mismatches });
  }

  const now = new Date();
  await deps.costs.flip(
    tenantId,
    periods.map((period) => ({
      sourceId: ingestion.sourceId,
      period,
      version: ingestionId,
      previous: current.find((c) => c.period === period && c.sourceId === ingestion.sourceId)?.version ?? null,
      // A month is final once it is over and its invoice window (5 days) has passed.
      status: isFinal(period, now) ? ('final' as const) : ('estimated' as const),
    })),
  );
  const finishedAt = now.toISOString();
  await deps.billing.updateIngestion(tenantId, ingestionId, { status: 'succeeded', finishedAt, error: null });
  await deps.billing.markDelivered(tenantId, ingestion.sourceId, finishedAt);
  return {
    needWhole: [],
    wholeNeeded: false,
    superseded: periods
      .map((period) => ({ period, version: current.find((c) => c.period === period && c.sourceId === ingestion.sourceId)?.version }))
      .filter((s): s is { period: string; version: string } => !!s.version && s.version !== ingestionId),
  };
}

function isFinal(period: string, now: Date): boolean {
  const [year, month] = period.split('-').map(Number) as [number, number];
  return now.getTime() > Date.UTC(year, month, 6);
}

/** Removes superseded versions and the intermediate files. */
export async function cleanup(deps: StepDeps, tenantId: string, ingestionId: string, superseded: Array<{ period: string; version: string }>) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  for (const { period, version } of superseded) await deps.costs.deleteVersion(tenantId, ingestion.sourceId, period, version);
  await deleteIntermediates(deps, tenantId, ingestionId);
}

/** The manifest and every partial it names (each unit's, and a whole re-read's), manifest last: a retry finds it again. */
async function deleteIntermediates(deps: StepDeps, tenantId: string, ingestionId: string) {
  const manifest = await readManifest(deps, tenantId, ingestionId);
  if (!manifest) return;
  for (const unit of manifest.units) await deps.objects.delete(unitKey(tenantId, ingestionId, manifest.files[unit.file]!.uploadId, unit.part));
  for (const file of manifest.files) await deps.objects.delete(wholeKey(tenantId, ingestionId, file.uploadId));
  await deps.objects.delete(manifestKey(tenantId, ingestionId));
}

/** Records the failure and deletes this run's own versions (never a current one). */
export async function fail(deps: StepDeps, tenantId: string, ingestionId: string, error: { Error?: string; Cause?: string }) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  const current = ingestion.periods.length
    ? await deps.costs.currentVersions(tenantId, ingestion.periods[0]!, ingestion.periods.at(-1)!)
    : [];
  for (const period of ingestion.periods) {
    const isCurrent = current.some((c) => c.period === period && c.version === ingestionId);
    if (!isCurrent) await deps.costs.deleteVersion(tenantId, ingestion.sourceId, period, ingestionId);
  }
  await deleteIntermediates(deps, tenantId, ingestionId);
  await deps.billing.updateIngestion(tenantId, ingestionId, {
    status: 'failed',
    finishedAt: new Date().toISOString(),
    error: describe(error),
  });
}

/** Step Functions hands over `{Error, Cause}`; Cause holds the Lambda error as JSON. */
function describe(error: { Error?: string; Cause?: string }): { code: string; message: string } {
  try {
    const cause = JSON.parse(error.Cause ?? '{}') as { errorType?: string; errorMessage?: string };
    const message = cause.errorMessage ?? error.Cause ?? 'unknown error';
    if (cause.errorType !== 'ReconciliationError') return { code: error.Error ?? 'INGESTION_FAILED', message };
    const coded = /^\[([A-Z_]+)\] ([\s\S]*)$/.exec(message);
    return coded ? { code: coded[1]!, message: coded[2]! } : { code: 'RECONCILIATION_FAILED', message };
  } catch {
    return { code: error.Error ?? 'INGESTION_FAILED', message: error.Cause ?? 'unknown error' };
  }
}
