import { S3Client } from '@aws-sdk/client-s3';
import { AccountStore } from '#shared/accounts/store.js';
import { sts } from '#shared/aws/clients.js';
import { localExportBuckets, type ExportBucketSource } from '#shared/billing/export-bucket.js';
import { config } from '#shared/config.js';
import type { FunctionRuntime } from '#shared/runtime.js';
import { objectStore } from '#shared/runtime.js';
import { workflowStarter } from '#shared/workflows.js';
import { CostStore } from '#shared/costs/store.js';
import { costExplorerClients, localCostExplorer } from './collect/aws.js';
import { CostExplorerCache } from './collect/cache.js';
import type { CostExplorerApi } from './collect/cost-explorer.js';
import type { CollectDeps } from './collect/run.js';
import type { AccountTarget } from '#shared/inventory/provider.js';
import type { ExportDeps } from './exports.js';
import { S3ExportBuckets } from './exports-s3.js';
import { BillingStore, ExportRoutes } from './store.js';

let buckets: ExportBucketSource | undefined;

/** Locally the folder-backed buckets answer; in AWS, S3 through the connected account's role. */
export function exportBuckets(): ExportBucketSource {
  if (buckets) return buckets;
  const local = localExportBuckets();
  if (local) return (buckets = local);
  const bucket = config.objectsBucket();
  if (!bucket) throw new Error('set OBJECTS_BUCKET');
  return (buckets = new S3ExportBuckets(sts(), new S3Client({}), bucket));
}

/** What scanning one tenant's export sources needs, with that tenant's table client. */
export function exportDeps(runtime: FunctionRuntime, tenantId: string): ExportDeps {
  const client = runtime.tables.forTenant(tenantId);
  return {
    store: new BillingStore(client, runtime.tableName, runtime.cursorSecret),
    accounts: new AccountStore(client, runtime.tableName, runtime.cursorSecret),
    objects: objectStore(),
    workflows: workflowStarter(),
    buckets: exportBuckets(),
  };
}

/** The (account, bucket) routes live outside every tenant: the function's own client. */
export const exportRoutes = (runtime: FunctionRuntime) => new ExportRoutes(runtime.tables.base, runtime.tableName);

let costExplorer: ((target: AccountTarget) => CostExplorerApi) | undefined;
/** Answers survive warm invocations (per client: never shared across accounts or tenants). */
const cache = new CostExplorerCache();

/** What collecting one tenant's Cost Explorer sources needs: locally the demo provider answers; in AWS, Cost Explorer through the account's role. */
export function collectDeps(runtime: FunctionRuntime, tenantId: string): CollectDeps {
  const client = runtime.tables.forTenant(tenantId);
  costExplorer ??= localCostExplorer() ?? costExplorerClients(sts());
  return {
    billing: new BillingStore(client, runtime.tableName, runtime.cursorSecret),
    costs: new CostStore(client, runtime.tableName),
    accounts: new AccountStore(client, runtime.tableName, runtime.cursorSecret),
    objects: objectStore(),
    workflows: workflowStarter(),
    clientFor: costExplorer,
    cache,
  };
}
