import type { AccountStore } from '#shared/accounts/store.js';
import {
  deliveryFolder,
  deliveryIngestionId,
  exportFileName,
  isBillingFile,
  type ExportBucketSource,
  type ExportObject,
} from '#shared/billing/export-bucket.js';
import { Conflict, NotFound } from '#shared/errors.js';
import { AccountAccessError } from '#shared/inventory/provider.js';
import { tenantObjectKey } from '#shared/storage/object-store.js';
import { startIngestion, type IngestionDeps } from './service.js';
import type { ExportRoutes, SourceScan } from './store.js';

export interface ExportDeps extends IngestionDeps {
  accounts: AccountStore;
  buckets: ExportBucketSource;
}

export type ScanTrigger = SourceScan['trigger'];

export interface ScannedObject {
  key: string;
  etag: string;
  size: number;
  outcome: 'started' | 'ingested';
  ingestionId: string;
}

export interface ScanResult {
  sourceId: string;
  trigger: ScanTrigger;
  scannedAt: string;
  objects: ScannedObject[];
}

/** Who the audit trail and the ingestion history name for deliveries nobody uploaded by hand. */
export const EXPORT_PRINCIPAL = 'system:export-bucket';

const isRefusal = (error: unknown) =>
  error instanceof AccountAccessError || ['AccessDenied', 'AccessDeniedException', 'NoSuchBucket', 'AllAccessDisabled', 'PermanentRedirect'].includes((error as Error).name);

/**
 * Ingests what a bucket source's export delivered and was not ingested yet. The files of one
 * folder are one delivery (a billing period's parts), ingested together under an id derived from
 * their keys and ETags (deliveryIngestionId): the same delivery seen twice (an event, then the
 * daily scan; a retried event) is ingested once, and a changed or added part makes a new
 * delivery that replaces the period. Folders are taken oldest first, so the newest wins.
 * `folder` limits the scan to one delivery folder (an event names one file).
 */
export async function scanExportSource(
  deps: ExportDeps,
  tenantId: string,
  sourceId: string,
  trigger: ScanTrigger,
  folder?: string,
): Promise<ScanResult> {
  const source = await deps.store.getSource(tenantId, sourceId);
  if (source.kind !== 'bucket' || !source.bucket || !source.accountId) {
    throw new Conflict('Only an export bucket source with a connected account can be scanned.', 'NOT_A_BUCKET_SOURCE');
  }
  const scannedAt = new Date().toISOString();
  const fail = async (code: string, message: string): Promise<never> => {
    await deps.store.recordScan(tenantId, sourceId, { at: scannedAt, trigger, objects: 0, started: 0, error: { code, message } });
    throw new Conflict(message, code);
  };
  let account;
  try {
    account = await deps.accounts.get(tenantId, source.accountId);
  } catch (error) {
    if (!(error instanceof NotFound)) throw error;
    return fail('ACCOUNT_NOT_CONNECTED', `AWS account ${source.accountId} is not connected: connect it (Govern > Accounts) to read its export bucket.`);
  }
  const target = { accountId: account.id, roleArn: account.roleArn, externalId: account.externalId, tenantId };
  const prefix = source.prefix ?? '';
  let listed: ExportObject[];
  try {
    listed = await deps.buckets.list(target, source.bucket, folder ?? prefix);
  } catch (error) {
    if (!isRefusal(error)) throw error;
    return fail('EXPORT_BUCKET_UNREACHABLE', `s3://${source.bucket}/${prefix} could not be read with the account's role: ${(error as Error).message}`.slice(0, 500));
  }
  const files = listed.filter((o) => isBillingFile(o.key) && o.key.startsWith(prefix) && (folder === undefined || deliveryFolder(o.key) === folder));

  const deliveries = new Map<string, ExportObject[]>();
  for (const file of files) deliveries.set(deliveryFolder(file.key), [...(deliveries.get(deliveryFolder(file.key)) ?? []), file]);
  const newest = (objects: ExportObject[]) => Math.max(...objects.map((o) => Date.parse(o.lastModified)));
  const ordered = [...deliveries.values()].sort((a, b) => newest(a) - newest(b));

  const objects: ScannedObject[] = [];
  let started = 0;
  for (const delivery of ordered) {
    const id = deliveryIngestionId(sourceId, delivery);
    const seen = await deps.store.findIngestion(tenantId, id);
    if (seen) {
      // Recorded but never started (a crash between the two): start it; a no-op if it ran.
      if (seen.status === 'queued') await deps.workflows.start('ingestion', id, { tenantId, ingestionId: id });
      for (const o of delivery) objects.push({ key: o.key, etag: o.etag, size: o.size, outcome: 'ingested', ingestionId: id });
      continue;
    }
    const uploadIds: string[] = [];
    try {
      for (const [index, object] of delivery.entries()) {
        const uploadId = `${id}-${index + 1}`;
        const fileName = exportFileName(object.key);
        const objectKey = tenantObjectKey(tenantId, 'uploads', uploadId, fileName);
        await deps.buckets.copy(target, source.bucket, object, objectKey);
        await deps.store.putUpload(tenantId, { id: uploadId, sourceId, fileName, objectKey, contentType: 'application/octet-stream', createdAt: scannedAt, createdBy: EXPORT_PRINCIPAL });
        uploadIds.push(uploadId);
      }
    } catch (error) {
      // Replaced since the listing: its new ETag is the next event's or scan's.
      if ((error as Error).name === 'PreconditionFailed') continue;
      if (isRefusal(error)) return fail('EXPORT_BUCKET_UNREACHABLE', `s3://${source.bucket}/${prefix}: ${(error as Error).message}`.slice(0, 500));
      throw error;
    }
    await startIngestion(deps, tenantId, { id, sourceId, uploadIds, createdBy: EXPORT_PRINCIPAL });
    started++;
    for (const o of delivery) objects.push({ key: o.key, etag: o.etag, size: o.size, outcome: 'started', ingestionId: id });
  }
  await deps.store.recordScan(tenantId, sourceId, { at: scannedAt, trigger, objects: files.length, started, error: null });
  return { sourceId, trigger, scannedAt, objects };
}

/**
 * An S3 "Object Created" event from a customer's account (forwarded by the EventBridge rule of the
 * onboarding template, or the local adapter): each bucket source reading that bucket whose prefix
 * holds the key ingests the file's delivery folder. Keys outside every prefix, and files that are
 * not billing data (manifests), are ignored.
 */
export async function onExportObjectCreated(
  routes: ExportRoutes,
  depsFor: (tenantId: string) => ExportDeps,
  event: { accountId: string; bucket: string; key: string },
): Promise<ScanResult[]> {
  if (!isBillingFile(event.key)) return [];
  const results: ScanResult[] = [];
  for (const route of await routes.find(event.accountId, event.bucket)) {
    const deps = depsFor(route.tenantId);
    let source;
    try {
      source = await deps.store.getSource(route.tenantId, route.sourceId);
    } catch (error) {
      if (error instanceof NotFound) continue;
      throw error;
    }
    if (source.kind !== 'bucket' || source.bucket !== event.bucket || source.accountId !== event.accountId || !event.key.startsWith(source.prefix ?? '')) continue;
    try {
      results.push(await scanExportSource(deps, route.tenantId, route.sourceId, 'event', deliveryFolder(event.key)));
    } catch (error) {
      // Recorded on the source (its last scan shows the error); the other tenants' sources go on.
      if (!(error instanceof Conflict)) throw error;
    }
  }
  return results;
}
