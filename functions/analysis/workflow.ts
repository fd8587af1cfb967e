import { z } from 'zod';
import { analyzeTenant } from '#shared/analysis/run.js';
import { AnomalyStore } from '#shared/analysis/store.js';
import { entityId } from '#shared/contracts/common.js';
import { CostStore } from '#shared/costs/store.js';
import { keys } from '#shared/db/keys.js';
import { TenantRegistry } from '#shared/db/registry.js';
import { logger } from '#shared/observability.js';
import { functionRuntime } from '#shared/runtime.js';

/**
 * The analysis workflow's one Lambda (state-machines/analysis.asl.json): `plan` lists the tenants
 * (the one an ingestion names, or every tenant in the registry for the daily schedule), `analyze`
 * runs one tenant, `fail` records a tenant's failure, `summarize` counts the failures. The tenant
 * comes from the execution input or the registry, never from a request.
 */
const runtime = await functionRuntime();

const trigger = z.enum(['ingestion', 'schedule', 'manual']);
/**
 * The execution input: `after` (a succeeded ingestion's input, as a JSON string, from the EventBridge
 * rule or the local starter), or `tenantId`, or neither (the daily schedule: every tenant).
 */
const executionInput = z.object({ trigger, tenantId: entityId.nullish(), after: z.string().max(10_000).optional() });
const ingestionInput = z.object({ tenantId: entityId });
const task = z.discriminatedUnion('op', [
  z.object({ op: z.literal('plan'), input: executionInput }),
  z.object({ op: z.literal('analyze'), tenantId: entityId, trigger }),
  z.object({ op: z.literal('alert'), tenantId: entityId, dataThrough: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable() }),
  z.object({ op: z.literal('fail'), tenantId: entityId, trigger, error: z.object({ Error: z.string().optional(), Cause: z.string().optional() }) }),
  z.object({ op: z.literal('summarize'), results: z.array(z.object({ tenantId: z.string(), failed: z.boolean() }).passthrough()) }),
]);
export type AnalysisTask = z.input<typeof task>;

/** What the alert step needs for one tenant, through its tenant-scoped client. */
async function alertDepsFor(tenantId: string) {
  const [{ alertProviders }, { AlertStore }, { BudgetStore }, { CostQueries }] = await Promise.all([
    import('#shared/alerts/runtime.js'),
    import('#shared/alerts/store.js'),
    import('#shared/budgets/store.js'),
    import('#shared/costs/query.js'),
  ]);
  const client = runtime.tables.forTenant(tenantId);
  return {
    ...alertProviders(),
    store: new AlertStore(client, runtime.tableName, runtime.cursorSecret),
    budgets: new BudgetStore(client, runtime.tableName, runtime.cursorSecret),
    queries: new CostQueries(new CostStore(client, runtime.tableName), tenantId),
    anomalies: storeFor(tenantId),
  };
}

/** The tenant's day (its time zone decides the budget period). */
async function tenantToday(tenantId: string): Promise<string> {
  const { Directory } = await import('#shared/db/directory.js');
  const { todayIn } = await import('#shared/costs/dates.js');
  const tenant = await new Directory(runtime.tables.forTenant(tenantId), runtime.tableName, runtime.cursorSecret).getTenant(tenantId);
  return todayIn(tenant.timezone, new Date());
}

const storeFor = (tenantId: string) => new AnomalyStore(runtime.tables.forTenant(tenantId), runtime.tableName, runtime.cursorSecret);

/** Every registered tenant (a Query on the registry partition, never a Scan). */
const registeredTenants = (): Promise<string[]> => new TenantRegistry(runtime.tables.base, runtime.tableName).tenantIds();

export async function handler(event: AnalysisTask): Promise<unknown> {
  const input = task.parse(event);
  const log = logger.createChild({ persistentKeys: { op: input.op, ...('tenantId' in input ? { tenantId: input.tenantId } : {}) } });
  log.info('analysis step');
  switch (input.op) {
    case 'plan': {
      const { after, tenantId } = input.input;
      if (after !== undefined) return { tenants: [ingestionInput.parse(JSON.parse(after)).tenantId] };
      return { tenants: tenantId ? [tenantId] : await registeredTenants() };
    }
    case 'analyze': {
      const client = runtime.tables.forTenant(input.tenantId);
      const anomalies = storeFor(input.tenantId);
      const result = await analyzeTenant({ costs: new CostStore(client, runtime.tableName), anomalies }, input.tenantId, new Date().toISOString().slice(0, 10));
      await anomalies.recordRun(input.tenantId, { status: 'succeeded', trigger: input.trigger, anomalies: result.anomalies, error: null }, new Date().toISOString());
      log.info('analysed', { ...result });
      return { tenantId: input.tenantId, failed: false, anomalies: result.anomalies, dataThrough: result.dataThrough };
    }
    case 'alert': {
      // Budget checks, then alerts (shared/alerts/notify.ts): each alert is claimed before it is sent, so a retry never sends twice.
      const { notifyTenant } = await import('#shared/alerts/notify.js');
      const result = await notifyTenant(await alertDepsFor(input.tenantId), input.tenantId, await tenantToday(input.tenantId), input.dataThrough);
      log.info('alerted', { ...result });
      return { tenantId: input.tenantId, failed: false, alerts: result };
    }
    case 'fail':
      await storeFor(input.tenantId).recordRun(input.tenantId, { status: 'failed', trigger: input.trigger, error: (input.error.Cause ?? input.error.Error ?? 'unknown').slice(0, 2000) }, new Date().toISOString());
      return { tenantId: input.tenantId, failed: true };
    case 'summarize': {
      const failed = input.results.filter((r) => r.failed).length;
      return { tenants: input.results.length, failed };
    }
  }
}
