import { keys } from '#shared/db/keys.js';
import { TenantRegistry } from '#shared/db/registry.js';
import { Conflict } from '#shared/errors.js';
import { functionRuntime } from '#shared/runtime.js';
import { onExportObjectCreated, scanExportSource, type ScanResult } from './exports.js';
import { exportDeps, exportRoutes } from './exports-deps.js';
import { BillingStore } from './store.js';

const runtime = await functionRuntime();

/** S3's "Object Created" event as EventBridge delivers it (forwarded from the customer's bus). */
export interface ObjectCreatedEvent {
  source: 'aws.s3';
  'detail-type': 'Object Created';
  account: string;
  detail: { bucket: { name: string }; object: { key: string; etag?: string; size?: number } };
}

/** The daily catch-up: EventBridge's scheduled event. */
export interface ScheduledEvent {
  source: 'aws.events';
  'detail-type': 'Scheduled Event';
}

/** Every registered tenant (a Query on the registry partition, never a Scan). */
const registeredTenants = (): Promise<string[]> => new TenantRegistry(runtime.tables.base, runtime.tableName).tenantIds();

/** Every bucket source of every tenant, scanned; an unreachable one is recorded on it and skipped. */
export async function scanAllExportSources(): Promise<ScanResult[]> {
  const results: ScanResult[] = [];
  for (const tenantId of await registeredTenants()) {
    const store = new BillingStore(runtime.tables.forTenant(tenantId), runtime.tableName, runtime.cursorSecret);
    let cursor: string | undefined;
    do {
      const page = await store.listSources(tenantId, 500, cursor, 'export-scan');
      for (const source of page.items.filter((s) => s.kind === 'bucket' && s.accountId)) {
        try {
          results.push(await scanExportSource(exportDeps(runtime, tenantId), tenantId, source.id, 'schedule'));
        } catch (error) {
          if (!(error instanceof Conflict)) throw error;
        }
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return results;
}

/**
 * The exports function: S3 events from customers' export buckets (the EventBridge rule the
 * onboarding template creates forwards them to CloudOptima's bus, whose rule invokes this), and the
 * daily scan that catches up whatever an event missed (a rule deployed after the files, a
 * delivery during an outage). Both take the same path: scanExportSource.
 */
export async function handler(event: ObjectCreatedEvent | ScheduledEvent): Promise<{ started: number; sources: number }> {
  const results =
    event.source === 'aws.s3'
      ? await onExportObjectCreated(exportRoutes(runtime), (tenantId) => exportDeps(runtime, tenantId), {
          accountId: event.account,
          bucket: event.detail.bucket.name,
          key: event.detail.object.key,
        })
      : await scanAllExportSources();
  return { sources: results.length, started: results.reduce((n, r) => n + r.objects.filter((o) => o.outcome === 'started').length, 0) };
}
