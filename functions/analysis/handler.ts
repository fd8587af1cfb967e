import { AnomalyStore } from '#shared/analysis/store.js';
import { CostQueries } from '#shared/costs/query.js';
import { CostStore } from '#shared/costs/store.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { analysisRouteImplementations, type AnalysisRouteDeps } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;

/** Per request: every store reads through the caller's tenant-scoped client. */
const depsFor = (tenantId: string): AnalysisRouteDeps => {
  const client = tables.forTenant(tenantId);
  return {
    anomalies: new AnomalyStore(client, tableName, cursorSecret),
    queries: new CostQueries(new CostStore(client, tableName), tenantId),
    timezone: async () => (await new Directory(client, tableName, cursorSecret).getTenant(tenantId)).timezone,
  };
};

export const handler = createApiHandler('analysis', analysisRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId)), tableStores(runtime));
