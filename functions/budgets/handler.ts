import { BudgetStore } from '#shared/budgets/store.js';
import { CostQueries } from '#shared/costs/query.js';
import { CostStore } from '#shared/costs/store.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { budgetRouteImplementations, type BudgetRouteDeps } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;

/** Per request: every store reads through the caller's tenant-scoped client. */
const depsFor = (tenantId: string): BudgetRouteDeps => {
  const client = tables.forTenant(tenantId);
  return {
    budgets: new BudgetStore(client, tableName, cursorSecret),
    queries: new CostQueries(new CostStore(client, tableName), tenantId),
    timezone: async () => (await new Directory(client, tableName, cursorSecret).getTenant(tenantId)).timezone,
  };
};

export const handler = createApiHandler('budgets', budgetRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId)), tableStores(runtime));
