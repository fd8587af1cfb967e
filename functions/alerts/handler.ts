import { alertProviders } from '#shared/alerts/runtime.js';
import { AlertStore } from '#shared/alerts/store.js';
import { callerOf, type ApiRequest } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { alertRouteImplementations } from './routes.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const providers = alertProviders();

/** Per request: the channel store reads through the caller's tenant-scoped client. */
const depsFor = (tenantId: string) => ({ ...providers, store: new AlertStore(tables.forTenant(tenantId), tableName, cursorSecret) });

export const handler = createApiHandler('alerts', alertRouteImplementations((req: ApiRequest) => depsFor(callerOf(req).tenantId)), tableStores(runtime));
