import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/config.js';
import { platformRoutes } from '#shared/contracts/platform.js';
import { ROUTES } from '#shared/contracts/routes.js';
import { Unavailable } from '#shared/errors.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';
import { implement } from '#shared/http/api-request.js';
import { openApiDocument } from '#shared/http/openapi.js';

const runtime = await functionRuntime();
const { tables, tableName } = runtime;
const version = config.appVersion();
// Built once per container: the route table does not change while it runs.
const document = openApiDocument(ROUTES, version);

export const handler = createApiHandler(
  'platform',
  [
    implement(platformRoutes.health, async () => ({ status: 'ok' as const, version })),
    implement(platformRoutes.ready, async (req) => {
      try {
        await tables.base.send(new GetCommand({ TableName: tableName, Key: { pk: 'HEALTH', sk: 'HEALTH' } }));
      } catch (error) {
        req.log.warn('readiness: table check failed', { error: error as Error });
        throw new Unavailable('The table is not reachable yet.');
      }
      return { status: 'ok' as const, version, checks: { table: 'ok' as const } };
    }),
    implement(platformRoutes.openapi, async () => document),
  ],
  tableStores(runtime),
);
