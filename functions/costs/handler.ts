import { CostQueries } from '#shared/costs/query.js';
import { CostStore } from '#shared/costs/store.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { costRouteImplementations, type CostsDeps } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;

/** Per request: the tenant-scoped client reads the rollups and the profile's time zone. */
const depsFor = (tenantId: string): CostsDeps => {
  const client = tables.forTenant(tenantId);
  return {
    queries: new CostQueries(new CostStore(client, tableName), tenantId),
    timezone: async () => (await new Directory(client, tableName, cursorSecret).getTenant(tenantId)).timezone,
  };
};

export const handler = createApiHandler('costs', costRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId)), tableStores(runtime));
