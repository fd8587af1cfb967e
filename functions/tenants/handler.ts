import type { AuthContext } from '#shared/auth/context.js';
import { permissionsOf } from '#shared/auth/permissions.js';
import { Forbidden, NotFound } from '#shared/errors.js';
import { tenantRoutes } from '#shared/contracts/tenants.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { functionRuntime } from '#shared/runtime.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const directoryFor = (tenantId: string) => new Directory(tables.forTenant(tenantId), tableName, cursorSecret);

async function describeCaller(caller: AuthContext) {
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
}

export const handler = createApiHandler(
  'tenants',
  [
    implement(tenantRoutes.me, async (req) => describeCaller(callerOf(req))),
    implement(tenantRoutes.updateMe, async (req) => {
      const caller = callerOf(req);
      if (caller.principalType !== 'user') throw new Forbidden('An API key has no profile to change; sign in as a user.');
      const directory = directoryFor(caller.tenantId);
      const current = await directory.getUser(caller.tenantId, caller.principalId);
      if (!current) throw new NotFound('User not found.');
      await directory.updateUser(caller.tenantId, current, req.body);
      return describeCaller(caller);
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
