import * as z from 'zod/mini';
import { TenantRegistry } from '#shared/db/registry.js';
import { Conflict } from '#shared/errors.js';
import { ENTITY_ID_MESSAGE, ENTITY_ID_PATTERN } from '#shared/ids.js';
import { functionRuntime } from '#shared/runtime.js';
import { dailyIngestionId } from './collect/ids.js';
import { recordCollectionFailure, runCostExplorerCollection, type CollectionOutcome } from './collect/run.js';
import { COST_EXPLORER_PRINCIPAL, recordCostExplorerCollection } from './collect/sources.js';
import { onExportObjectCreated, scanExportSource, type ScanResult } from './exports.js';
import { collectDeps, exportDeps, exportRoutes } from './exports-deps.js';
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

// The cost-explorer workflow's tasks (state-machines/cost-explorer.asl.json); zod/mini keeps the bundle small.
const entityId = z.string().check(z.regex(ENTITY_ID_PATTERN, ENTITY_ID_MESSAGE));
const costExplorerTask = z.discriminatedUnion('op', [
  z.object({
    op: z.literal('cost-explorer-plan'),
    input: z.union([
      z.object({ trigger: z.literal('manual'), tenantId: entityId, ingestionId: entityId }),
      z.object({ trigger: z.literal('schedule'), tenantId: z.null(), ingestionId: z.null() }),
    ]),
  }),
  z.object({ op: z.literal('cost-explorer-collect'), tenantId: entityId, ingestionId: entityId }),
  z.object({ op: z.literal('cost-explorer-fail'), tenantId: entityId, ingestionId: entityId, error: z.object({ Error: z.optional(z.string()), Cause: z.optional(z.string()) }) }),
]);
export type CostExplorerTask = z.input<typeof costExplorerTask>;

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
 * The daily plan: every Cost Explorer source of every tenant gets an ingestion whose id derives
 * from the source and the day, so a retried plan (or schedule) collects each source once a day.
 */
export async function planDailyCostExplorer(now = new Date()): Promise<Array<{ tenantId: string; ingestionId: string }>> {
  const collections: Array<{ tenantId: string; ingestionId: string }> = [];
  for (const tenantId of await registeredTenants()) {
    const store = new BillingStore(runtime.tables.forTenant(tenantId), runtime.tableName, runtime.cursorSecret);
    let cursor: string | undefined;
    do {
      const page = await store.listSources(tenantId, 500, cursor, 'cost-explorer-plan');
      for (const source of page.items.filter((s) => s.kind === 'cost-explorer' && s.accountId)) {
        const id = dailyIngestionId(source.id, now);
        const recorded = (await recordCostExplorerCollection({ store }, tenantId, source.id, { trigger: 'schedule', createdBy: COST_EXPLORER_PRINCIPAL, id }, now)) ?? (await store.getIngestion(tenantId, id));
        if (recorded.status === 'queued' && recorded.uploadIds.length === 0) collections.push({ tenantId, ingestionId: id });
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  return collections;
}

/**
 * The exports function: S3 events from customers' export buckets (the EventBridge rule the
 * onboarding template creates forwards them to CloudOptima's bus, whose rule invokes this), and the
 * daily scan that catches up whatever an event missed (a rule deployed after the files, a
 * delivery during an outage). Both take the same path: scanExportSource. It is also the task of
 * the cost-explorer workflow, which collects the accounts without an export (`op`).
 */
export async function handler(event: ObjectCreatedEvent | ScheduledEvent | CostExplorerTask): Promise<unknown> {
  if ('op' in event) return costExplorerStep(costExplorerTask.parse(event));
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

async function costExplorerStep(task: z.output<typeof costExplorerTask>): Promise<unknown> {
  switch (task.op) {
    case 'cost-explorer-plan':
      return { collections: task.input.trigger === 'manual' ? [{ tenantId: task.input.tenantId, ingestionId: task.input.ingestionId }] : await planDailyCostExplorer() };
    case 'cost-explorer-collect': {
      const outcome: CollectionOutcome | null = await runCostExplorerCollection(collectDeps(runtime, task.tenantId), task.tenantId, task.ingestionId);
      return outcome ?? { ingestionId: task.ingestionId, handedOver: true };
    }
    case 'cost-explorer-fail':
      await recordCollectionFailure(collectDeps(runtime, task.tenantId).billing, task.tenantId, task.ingestionId, task.error);
      return { recorded: true };
  }
}
