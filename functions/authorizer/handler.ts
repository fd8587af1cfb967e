import type { APIGatewayAuthorizerResult, APIGatewayRequestAuthorizerEvent } from 'aws-lambda';
import { toAuthorizerContext } from '#shared/auth/context.js';
import { dynamoDocumentClient } from '#shared/aws/clients.js';
import { config } from '#shared/config.js';
import { ApiKeyStore } from '#shared/db/api-keys.js';
import { Directory } from '#shared/db/directory.js';
import { SessionRevocations } from '#shared/db/sessions.js';
import { isDomainError } from '#shared/errors.js';
import { logger } from '#shared/observability.js';
import { Authenticator } from './authorizer.js';
import { createIdTokenVerifier } from './verifier.js';

const doc = dynamoDocumentClient();
const tableName = config.tableName();
const directory = new Directory(doc, tableName, config.cursorSecret());
const apiKeys = new ApiKeyStore(doc, tableName, config.cursorSecret());
const sessions = new SessionRevocations(doc, tableName);
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
