import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { analyzeTenant } from './analyze.js';
import { analyzeDeps, RULE_CATALOG } from './deps.js';
import { ResourceReader } from './resources.js';
import { recommendationRouteImplementations, type RecommendationRouteDeps } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;

/** Per request: every store reads through the caller's tenant-scoped client. */
const depsFor = (tenantId: string): RecommendationRouteDeps => {
  const client = tables.forTenant(tenantId);
  const analysis = analyzeDeps(client, tableName, cursorSecret, tenantId);
  return {
    recommendations: analysis.recommendations,
    resources: new ResourceReader(client, tableName, cursorSecret),
    billing: analysis.billing,
    reanalyze: () => analyzeTenant(analysis, tenantId, new Date()),
  };
};

export const handler = createApiHandler(
  'recommendations',
  recommendationRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId), RULE_CATALOG),
  tableStores(runtime),
);
