import { cognito, dynamoDocumentClient } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { userRoutes } from '#shared/contracts/users.js';
import { queryFingerprint } from '#shared/db/cursor.js';
import { Directory } from '#shared/db/directory.js';
import { SessionRevocations } from '#shared/db/sessions.js';
import { callerOf, implement } from '#shared/http/api-request.js';
import { createApiHandler, tableStores } from '#shared/http/handler.js';
import { CognitoIdentityProvider } from '#shared/identity/cognito.js';
import { getUser, inviteUser, removeUser, updateUser, type UsersDeps } from './service.js';

const doc = dynamoDocumentClient();
const tableName = config.tableName();
const isLocal = config.isLocal();
const deps: UsersDeps = {
  identity: new CognitoIdentityProvider(cognito(), {
    userPoolId: config.userPoolId(),
    clientId: config.userPoolClientId(),
    sendInvitations: !isLocal,
  }),
  directory: new Directory(doc, tableName, config.cursorSecret()),
  sessions: new SessionRevocations(doc, tableName),
};

export const handler = createApiHandler(
  'users',
  [
    implement(userRoutes.list, async (req) => {
      const { limit, cursor } = req.query;
      return deps.directory.listUsers(callerOf(req).tenantId, limit, cursor, queryFingerprint(userRoutes.list.operationId, {}));
    }),
    implement(userRoutes.invite, async (req) => {
      const { user, temporaryPassword } = await inviteUser(deps, callerOf(req), req.body);
      // Locally there is no mail: the inviter reads the temporary password from the platform's log.
      if (isLocal) req.log.info(`invited ${user.email}: temporary password ${temporaryPassword}`);
      return user;
    }),
    implement(userRoutes.get, async (req) => getUser(deps, callerOf(req), req.params.id)),
    implement(userRoutes.update, async (req) => updateUser(deps, callerOf(req), req.params.id, req.body)),
    implement(userRoutes.remove, async (req) => {
      await removeUser(deps, callerOf(req), req.params.id);
      return null;
    }),
  ],
  tableStores(doc, tableName),
);
