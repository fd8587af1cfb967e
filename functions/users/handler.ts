import { cognito } from '#shared/aws/clients.js';
import type { AuthContext } from '#shared/auth/context.js';
import { config } from '#shared/config.js';
import { userRoutes } from '#shared/contracts/users.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { Directory } from '#shared/db/directory.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { CognitoIdentityProvider } from '#shared/identity/cognito.js';
import { functionRuntime } from '#shared/runtime.js';
import { getUser, inviteUser, removeUser, updateUser, type UsersDeps } from './service.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const isLocal = config.isLocal();
const identity = new CognitoIdentityProvider(cognito(), {
  userPoolId: config.userPoolId(),
  clientId: config.userPoolClientId(),
  sendInvitations: !isLocal,
});
const depsFor = (caller: AuthContext): UsersDeps => ({
  identity,
  directory: new Directory(tables.forTenant(caller.tenantId), tableName, cursorSecret),
});

export const handler = createApiHandler(
  'users',
  [
    implement(userRoutes.list, async (req) => {
      const caller = callerOf(req);
      const { limit, cursor } = req.query;
      return depsFor(caller).directory.listUsers(caller.tenantId, limit, cursor, queryFingerprint(userRoutes.list.operationId, {}));
    }),
    implement(userRoutes.invite, async (req) => {
      const caller = callerOf(req);
      const { user, temporaryPassword } = await inviteUser(depsFor(caller), caller, req.body);
      // Locally there is no mail: the inviter reads the temporary password from the platform's log.
      if (isLocal) req.log.info(`invited ${user.email}: temporary password ${temporaryPassword}`);
      return user;
    }),
    implement(userRoutes.get, async (req) => getUser(depsFor(callerOf(req)), callerOf(req), req.params.id)),
    implement(userRoutes.update, async (req) => updateUser(depsFor(callerOf(req)), callerOf(req), req.params.id, req.body)),
    implement(userRoutes.remove, async (req) => {
      await removeUser(depsFor(callerOf(req)), callerOf(req), req.params.id);
      return null;
    }),
  ],
  tableStores(runtime),
);
