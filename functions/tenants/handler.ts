import { permissionsOf } from '#shared/auth/permissions.js';
import { tenantRoutes } from '#shared/contracts/tenants.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const directoryFor = (tenantId: string) => new Directory(tables.forTenant(tenantId), tableName, cursorSecret);

export const handler = createApiHandler(
  'tenants',
  [
    implement(tenantRoutes.me, async (req) => {
      const caller = callerOf(req);
      const directory = directoryFor(caller.tenantId);
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
    implement(tenantRoutes.getTenant, async (req) => {
      const { tenantId } = callerOf(req);
      return directoryFor(tenantId).getTenant(tenantId);
    }),
    implement(tenantRoutes.updateTenant, async (req) => {
      const { tenantId } = callerOf(req);
      return directoryFor(tenantId).updateTenant(tenantId, req.body);
    }),
  ],
  tableStores(runtime),
);
