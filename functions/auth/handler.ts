import { cognito } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { authRoutes } from '#shared/contracts/auth.js';
import { Directory } from '#shared/db/directory.js';
import { TenantRegistry } from '#shared/db/registry.js';
import { SessionRevocations } from '#shared/db/sessions.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { CognitoIdentityProvider } from '#shared/identity/cognito.js';
import { functionRuntime } from '#shared/runtime.js';
import { completeNewPassword, logIn, logOut, refresh, signUp, type AuthDeps } from './service.js';

const runtime = await functionRuntime();
const { tables, tableName, cursorSecret } = runtime;
const deps: AuthDeps = {
  identity: new CognitoIdentityProvider(cognito(), {
    userPoolId: config.userPoolId(),
    clientId: config.userPoolClientId(),
    sendInvitations: !config.isLocal(),
  }),
  registry: new TenantRegistry(tables.base, tableName),
  directoryFor: (tenantId) => new Directory(tables.forTenant(tenantId), tableName, cursorSecret),
  sessionsFor: (tenantId) => new SessionRevocations(tables.forTenant(tenantId), tableName),
};

export const handler = createApiHandler(
  'auth',
  [
    implement(authRoutes.signup, async (req) => {
      const result = await signUp(deps, req.body);
      req.auditAs = { tenantId: result.tenant.id, actorId: result.user.id, actorEmail: result.user.email };
      return result;
    }),
    implement(authRoutes.login, async (req) => logIn(deps, req.body.email, req.body.password)),
    implement(authRoutes.challenge, async (req) => completeNewPassword(deps, req.body)),
    implement(authRoutes.refresh, async (req) => refresh(deps, req.body.refreshToken)),
    implement(authRoutes.logout, async (req) => {
      await logOut(deps, callerOf(req), req.body.refreshToken);
      return null;
    }),
  ],
  tableStores(runtime),
);
