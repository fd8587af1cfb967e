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
export type RejectionCode = BillingFileErrorCode | 'UPLOAD_MISSING' | 'FILE_GONE' | 'ROWS_REJECTED' | 'NO_CHARGES' | 'RECONCILIATION_FAILED';

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

export async function prepare(deps: StepDeps, tenantId: string, ingestionId: string) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  const source = await deps.billing.getSource(tenantId, ingestion.sourceId);
  const files: FileRef[] = [];
  for (const uploadId of ingestion.uploadIds) {
    const upload = await deps.billing.getUpload(tenantId, uploadId);
    if (!upload || !(await deps.objects.head(upload.objectKey))) {
      throw new ReconciliationError(`Upload ${uploadId} has no file: PUT the file to its upload URL first.`, { uploadId }, 'UPLOAD_MISSING');
    }
    files.push({ uploadId, objectKey: upload.objectKey, fileName: upload.fileName });
  }
  await deps.billing.updateIngestion(tenantId, ingestionId, { status: 'running', startedAt: new Date().toISOString() });
  return { files, defaultCurrency: source.defaultCurrency };
}

const partialKey = (tenantId: string, ingestionId: string, uploadId: string) => tenantObjectKey(tenantId, 'ingestions', ingestionId, 'partials', `${uploadId}.json`);

/** Streams one file through the parser into rollups; the result goes to the object store. */
export async function aggregateFile(deps: StepDeps, tenantId: string, ingestionId: string, file: FileRef, defaultCurrency: string | null): Promise<{ partialKey: string; records: number; rejected: number }> {
  const head = await deps.objects.head(file.objectKey);
  if (!head) throw new ReconciliationError(`The file of upload ${file.uploadId} is gone.`, { uploadId: file.uploadId }, 'FILE_GONE');
  const aggregator = new CostAggregator();
  try {
    // Ranged reads for Parquet (its footer comes first); one streamed read for CSV and gzip.
    const source: RandomAccessSource & { stream: () => ByteStream } = {
      byteLength: head.size,
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
  const partial = aggregator.toPartial();
  const key = partialKey(tenantId, ingestionId, file.uploadId);
  // Tagged so the bucket's lifecycle rule removes any the workflow could not (lib/storage.ts).
  await deps.objects.write(key, JSON.stringify(partial), 'application/json', { 'cloudoptima:object': 'ingestion-partial' });
  return { partialKey: key, records: partial.recordsRead, rejected: partial.rowsRejected };
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
export async function commit(deps: StepDeps, tenantId: string, ingestionId: string, partialKeys: string[]) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  const partials: PartialAggregate[] = [];
  for (const key of partialKeys) {
    const chunks: Uint8Array[] = [];
    for await (const chunk of streamOf(deps.objects, key)) chunks.push(chunk);
    partials.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as PartialAggregate);
  }
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
export async function cleanup(deps: StepDeps, tenantId: string, ingestionId: string, superseded: Array<{ period: string; version: string }>, partialKeys: string[]) {
  const ingestion = await deps.billing.getIngestion(tenantId, ingestionId);
  for (const { period, version } of superseded) await deps.costs.deleteVersion(tenantId, ingestion.sourceId, period, version);
  for (const key of partialKeys) await deps.objects.delete(key);
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
  for (const uploadId of ingestion.uploadIds) await deps.objects.delete(partialKey(tenantId, ingestionId, uploadId));
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
