import { z } from 'zod';
import type { SyncRun } from '#shared/accounts/model.js';
import { AccountStore } from '#shared/accounts/store.js';
import { sts } from '#shared/aws/clients.js';
import { entityId } from '#shared/contracts/common.js';
import { keys } from '#shared/db/keys.js';
import { TenantRegistry } from '#shared/db/registry.js';
import { localInventoryProvider, type BucketsSource, type MetricsSource } from '#shared/inventory/provider.js';
import { InventoryStore } from '#shared/inventory/store.js';
import { logger } from '#shared/observability.js';
import { functionRuntime, objectStore } from '#shared/runtime.js';
import { workflowStarter } from '#shared/workflows.js';
import { AwsBucketsSource } from './aws/buckets.js';
import { AwsMetricsSource } from './aws/metrics.js';
import { collectBuckets, finalizeAccount, normalizeRegion, prepareRegion, type CollectionDeps } from './collection.js';
import { emptyRun, planCollection } from './plan.js';

/**
 * The collection workflow's main task (state-machines/collection.asl.json): `plan` lists the
 * accounts (one tenant's, or every tenant's on the daily schedule), `prepare` mints a region's
 * snapshot uploads, `normalize` turns a region's raw snapshots into the inventory with its
 * utilization, `buckets` lists S3, `finalize` records an account's outcome, `fail` records an
 * account that could not be collected, `summarize` counts the failures. Tenants come from the
 * execution input or the registry, never from a request.
 */
const runtime = await functionRuntime();

const trigger = z.enum(['manual', 'schedule']);
const target = z.object({ tenantId: entityId, accountId: z.string().regex(/^\d{12}$/), roleArn: z.string().max(2048), externalId: z.string().max(1224) });
const errorShape = z.object({ Error: z.string().optional(), Cause: z.string().optional() });
const regionResult = z.object({
  region: z.string(),
  failed: z.boolean(),
  resources: z.record(z.string(), z.number()).default({}),
  warnings: z.array(z.object({ region: z.string(), service: z.string(), code: z.string(), message: z.string() })).default([]),
  keys: z.array(z.string()).default([]),
  error: errorShape.optional(),
});
const region = z.string().regex(/^([a-z]{2}(-[a-z]+)+-\d{1,2}|global)$/);
const item = { target, runId: entityId, trigger, startedAt: z.string() };

const task = z.discriminatedUnion('op', [
  z.object({ op: z.literal('plan'), input: z.object({ trigger, tenantId: entityId.nullish(), accountIds: z.array(z.string().regex(/^\d{12}$/)).max(500).optional(), runId: entityId.optional() }) }),
  z.object({ op: z.literal('prepare'), target, region }),
  z.object({ op: z.literal('normalize'), target, runId: entityId, region, ec2Key: z.string(), servicesKey: z.string() }),
  z.object({ op: z.literal('buckets'), target, runId: entityId }),
  z.object({ op: z.literal('finalize'), ...item, regions: z.array(z.string()), results: z.array(regionResult), buckets: regionResult }),
  z.object({ op: z.literal('fail'), ...item, error: errorShape }),
  z.object({ op: z.literal('summarize'), results: z.array(z.object({ accountId: z.string(), failed: z.boolean() }).passthrough()) }),
]);
export type CollectTask = z.input<typeof task>;

let sources: (MetricsSource & BucketsSource) | undefined;
const aws = () => {
  const options = {};
  const metrics = new AwsMetricsSource(sts(), options);
  const buckets = new AwsBucketsSource(sts(), options);
  return { metrics: metrics.metrics.bind(metrics), buckets: buckets.buckets.bind(buckets) };
};

function depsFor(tenantId: string): CollectionDeps {
  sources ??= localInventoryProvider() ?? aws();
  const client = runtime.tables.forTenant(tenantId);
  return {
    accounts: new AccountStore(client, runtime.tableName, runtime.cursorSecret),
    inventory: new InventoryStore(client, runtime.tableName, runtime.cursorSecret),
    objects: objectStore(),
    metrics: sources,
    buckets: sources,
    now: () => new Date(),
  };
}

/** Every registered tenant (a Query on the registry partition, never a Scan). */
const registeredTenants = (): Promise<string[]> => new TenantRegistry(runtime.tables.base, runtime.tableName).tenantIds();

export async function handler(event: CollectTask): Promise<unknown> {
  const input = task.parse(event);
  const tenantId = 'target' in input ? input.target.tenantId : 'input' in input ? input.input.tenantId : undefined;
  const log = logger.createChild({ persistentKeys: { op: input.op, ...(tenantId ? { tenantId } : {}), ...('target' in input ? { accountId: input.target.accountId } : {}) } });
  log.info('collection step');
  switch (input.op) {
    case 'plan': {
      const accounts = (t: string) => depsFor(t).accounts;
      const plan = await planCollection(
        {
          tenants: registeredTenants,
          accountsOf: (t) => accounts(t).all(t),
          recordSync: (t, id, run) => accounts(t).recordSync(t, id, run),
          workflows: workflowStarter,
          now: () => new Date(),
        },
        input.input,
      );
      log.info('planned', { accounts: plan.accounts.length, delegated: plan.delegated });
      return plan;
    }
    case 'prepare':
      return prepareRegion(depsFor(input.target.tenantId), input.target, input.region);
    case 'normalize':
      return normalizeRegion(depsFor(input.target.tenantId), input.target, input.runId, input.region, { ec2Key: input.ec2Key, servicesKey: input.servicesKey });
    case 'buckets':
      return collectBuckets(depsFor(input.target.tenantId), input.target, input.runId);
    case 'finalize': {
      const run = await finalizeAccount(depsFor(input.target.tenantId), { ...input, results: [...input.results, input.buckets] });
      log.info('account collected', { status: run.status, resources: run.resources, warnings: run.warnings.length });
      return { accountId: input.target.accountId, failed: run.status === 'failed', status: run.status };
    }
    case 'fail': {
      const deps = depsFor(input.target.tenantId);
      const cause = input.error.Cause ?? input.error.Error ?? 'unknown';
      // Lambda errors arrive as {"errorType","errorMessage"} in Cause: show the message.
      let message = cause;
      try {
        const parsed = JSON.parse(cause) as { errorMessage?: string; errorType?: string };
        if (parsed.errorMessage) message = parsed.errorMessage;
      } catch {
        /* not JSON */
      }
      const run: SyncRun = { ...emptyRun(input.runId, input.trigger, input.startedAt), status: 'failed', finishedAt: new Date().toISOString(), error: { code: input.error.Error ?? 'Failed', message: message.slice(0, 1000) } };
      const previous = await deps.accounts.get(input.target.tenantId, input.target.accountId).catch(() => null);
      await deps.accounts.recordSync(input.target.tenantId, input.target.accountId, { ...run, snapshotKeys: previous?.lastSync?.snapshotKeys ?? [] }, 'error');
      log.warn('account failed', { error: run.error });
      return { accountId: input.target.accountId, failed: true, status: 'failed' };
    }
    case 'summarize': {
      const failed = input.results.filter((r) => r.failed).length;
      return { accounts: input.results.length, failed };
    }
  }
}
