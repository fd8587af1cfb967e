import { permissionsOf } from '#shared/auth/permissions.js';
import { dynamoDocumentClient } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { tenantRoutes } from '#shared/contracts/tenants.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';

const doc = dynamoDocumentClient();
const tableName = config.tableName();
const directory = new Directory(doc, tableName, config.cursorSecret());

export const handler = createApiHandler(
  'tenants',
  [
    implement(tenantRoutes.me, async (req) => {
      const caller = callerOf(req);
      const [tenant, user] = await Promise.all([
        directory.getTenant(caller.tenantId),
        caller.principalType === 'user' ? directory.getUser(caller.tenantId, caller.principalId) : undefined,
      ]);
      return {
        principal: { type: caller.principalType, id: caller.principalId },
        user: user ? { id: user.id, email: user.email, name: user.name, timezone: user.timezone } : null,
        role: caller.role,
        permissions: permissionsOf(caller.role),
        tenant,
      };
    }),
    implement(tenantRoutes.getTenant, async (req) => directory.getTenant(callerOf(req).tenantId)),
    implement(tenantRoutes.updateTenant, async (req) => directory.updateTenant(callerOf(req).tenantId, req.body)),
  ],
  tableStores(doc, tableName),
);
