import { ulid } from 'ulid';
import { Invalid } from '#shared/errors.js';
import type { ObjectStore } from '#shared/storage/object-store.js';
import type { WorkflowStarter } from '#shared/workflows.js';
import type { BillingStore, IngestionRecord } from './store.js';

/** A new ingestion record, queued: nothing read yet. `id` defaults to a new ULID. */
export function queuedIngestion(fields: { id?: string | undefined; sourceId: string; uploadIds: string[]; createdAt: string; createdBy: string }): IngestionRecord {
  return {
    id: fields.id ?? ulid(),
    sourceId: fields.sourceId,
    uploadIds: fields.uploadIds,
    status: 'queued',
    files: [],
    rowsRead: 0,
    rowsRejected: 0,
    rejections: [],
    sourceTotals: [],
    storedTotals: [],
    periods: [],
    error: null,
    createdAt: fields.createdAt,
    createdBy: fields.createdBy,
    startedAt: null,
    finishedAt: null,
  };
}

export interface IngestionDeps {
  store: BillingStore;
  objects: ObjectStore;
  workflows: WorkflowStarter;
}

/**
 * Starts an ingestion of uploaded files into a source: checks every upload now (so a bad request
 * is a 400 here rather than a failed run later), records the ingestion as queued, and starts the
 * workflow named after it (a repeated start is a no-op). The API and the demo seed both use it.
 */
export async function startIngestion(
  deps: IngestionDeps,
  tenantId: string,
  input: { sourceId: string; uploadIds: string[]; createdBy: string; id?: string },
): Promise<IngestionRecord> {
  await deps.store.getSource(tenantId, input.sourceId);
  for (const [index, uploadId] of input.uploadIds.entries()) {
    const upload = await deps.store.getUpload(tenantId, uploadId);
    const field = `body.uploadIds.${index}`;
    if (!upload || upload.sourceId !== input.sourceId) throw new Invalid('Unknown upload for this source.', [{ field, message: 'no such upload for this source' }]);
    if (!(await deps.objects.head(upload.objectKey))) throw new Invalid('The upload has no file yet.', [{ field, message: 'PUT the file to its upload URL first' }]);
  }
  const ingestion = queuedIngestion({ id: input.id, sourceId: input.sourceId, uploadIds: [...new Set(input.uploadIds)], createdAt: new Date().toISOString(), createdBy: input.createdBy });
  try {
    await deps.store.putIngestion(tenantId, ingestion);
  } catch (error) {
    // A caller-chosen id (an export delivery's) recorded before: start it again, a no-op if it ran.
    if (!input.id || (error as Error).name !== 'ConditionalCheckFailedException') throw error;
    await deps.workflows.start('ingestion', ingestion.id, { tenantId, ingestionId: ingestion.id });
    return deps.store.getIngestion(tenantId, ingestion.id);
  }
  await deps.workflows.start('ingestion', ingestion.id, { tenantId, ingestionId: ingestion.id });
  return ingestion;
}
