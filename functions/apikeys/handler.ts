import { roleRank } from '#shared/auth/permissions.js';
import { apiKeyRoutes } from '#shared/contracts/apikeys.js';
import { ApiKeyStore } from '#shared/db/api-keys.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { Forbidden } from '#shared/errors.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const storeFor = (tenantId: string) => new ApiKeyStore(tables.forTenant(tenantId), tables.base, tableName, cursorSecret);

export const handler = createApiHandler(
  'apikeys',
  [
    implement(apiKeyRoutes.list, async (req) => {
      const { tenantId } = callerOf(req);
      const { limit, cursor } = req.query;
      return storeFor(tenantId).list(tenantId, limit, cursor, queryFingerprint(apiKeyRoutes.list.operationId, {}));
    }),
    implement(apiKeyRoutes.create, async (req) => {
      const caller = callerOf(req);
      // A key never carries more power than the one who makes it.
      if (roleRank(req.body.role) > roleRank(caller.role)) {
        throw new Forbidden(`A ${caller.role} cannot create a key with the role ${req.body.role}.`, { role: caller.role });
      }
      const { record, key } = await storeFor(caller.tenantId).create(caller.tenantId, {
        name: req.body.name,
        role: req.body.role,
        expiresAt: req.body.expiresAt ?? null,
        createdBy: caller.principalId,
      });
      return { apiKey: record, key };
    }),
    implement(apiKeyRoutes.revoke, async (req) => {
      const { tenantId } = callerOf(req);
      await storeFor(tenantId).revoke(tenantId, req.params.id);
      return null;
    }),
  ],
  tableStores(runtime),
);
