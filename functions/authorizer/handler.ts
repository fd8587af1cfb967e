import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { toAuthorizerContext } from '#shared/auth/context.js';
import { config } from '#shared/config.js';
import { ApiKeyStore } from '#shared/db/api-keys.js';
import { Directory } from '#shared/db/directory.js';
import { SessionRevocations } from '#shared/db/sessions.js';
import { isDomainError } from '#shared/errors.js';
import { logger } from '#shared/observability.js';
import { functionRuntime } from '#shared/runtime.js';
import { Authenticator } from './authorizer.js';
import { createIdTokenVerifier } from './verifier.js';

// The authorizer runs before any tenant is known: it reads with its own role, which IAM limits to
// API key lookups, users, revoked sessions and API keys' lastUsedAt.
const { tables, tableName, cursorSecret } = await functionRuntime();
const directory = new Directory(tables.base, tableName, cursorSecret);
const apiKeys = new ApiKeyStore(tables.base, tables.base, tableName, cursorSecret);
const sessions = new SessionRevocations(tables.base, tableName);
const authenticator = new Authenticator({
  verifyIdToken: createIdTokenVerifier({
    userPoolId: config.userPoolId(),
    clientId: config.userPoolClientId(),
    issuer: config.tokenIssuer(),
    jwksUri: config.tokenJwksUri(),
  }),
  getUser: (tenantId, userId) => directory.getUser(tenantId, userId),
  isSessionRevoked: (tenantId, sessionId) => sessions.isRevoked(tenantId, sessionId),
  findApiKey: (key) => apiKeys.findByKey(key),
  touchApiKey: (tenantId, keyId) => apiKeys.touch(tenantId, keyId),
  now: () => Date.now(),
});

/**
 * API Gateway REQUEST authorizer. Allows the whole stage (so the cached answer serves every route
 * for its TTL) and passes the tenant, principal and role as context. Throwing "Unauthorized" is
 * API Gateway's contract for a 401.
 */
export async function handler(event: APIGatewayRequestAuthorizerEvent): Promise<APIGatewayAuthorizerResult> {
  const authorization = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'authorization')?.[1];
  try {
    const auth = await authenticator.authenticate(authorization);
    const [arnPrefix, stage] = event.methodArn.split('/');
    return {
      principalId: auth.principalId,
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: `${arnPrefix}/${stage}/*` }],
      },
      context: toAuthorizerContext(auth),
    };
  } catch (error) {
    if (isDomainError(error)) {
      logger.info('authentication refused', { reason: error.message, path: event.path });
      throw new Error('Unauthorized');
    }
    logger.error('authorizer failed', error as Error);
    throw error;
  }
}
