import { roleRank } from '#shared/auth/permissions.js';
import { dynamoDocumentClient } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { apiKeyRoutes } from '#shared/contracts/apikeys.js';
import { ApiKeyStore } from '#shared/db/api-keys.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { Forbidden } from '#shared/errors.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';

const doc = dynamoDocumentClient();
const tableName = config.tableName();
const store = new ApiKeyStore(doc, tableName, config.cursorSecret());

export const handler = createApiHandler(
  'apikeys',
  [
    implement(apiKeyRoutes.list, async (req) => {
      const { limit, cursor } = req.query;
      return store.list(callerOf(req).tenantId, limit, cursor, queryFingerprint(apiKeyRoutes.list.operationId, {}));
    }),
    implement(apiKeyRoutes.create, async (req) => {
      const caller = callerOf(req);
      // A key never carries more power than the one who makes it.
      if (roleRank(req.body.role) > roleRank(caller.role)) {
        throw new Forbidden(`A ${caller.role} cannot create a key with the role ${req.body.role}.`, { role: caller.role });
      }
      const { record, key } = await store.create(caller.tenantId, {
        name: req.body.name,
        role: req.body.role,
        expiresAt: req.body.expiresAt ?? null,
        createdBy: caller.principalId,
      });
      return { apiKey: record, key };
    }),
    implement(apiKeyRoutes.revoke, async (req) => {
      await store.revoke(callerOf(req).tenantId, req.params.id);
      return null;
    }),
  ],
  tableStores(doc, tableName),
);
