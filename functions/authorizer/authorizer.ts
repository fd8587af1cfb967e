import type { AuthContext } from '#shared/auth/context.js';
import type { ApiKeyLookup } from '#shared/db/api-keys.js';
import { looksLikeApiKey } from '#shared/db/api-keys.js';
import type { User } from '#shared/db/directory.js';
import { Unauthorized } from '#shared/errors.js';
import type { VerifyIdToken } from './verifier.js';

/** What the authorizer reads; the DynamoDB stores implement it, tests may pass fakes. */
export interface AuthorizerDeps {
  verifyIdToken: VerifyIdToken;
  getUser(tenantId: string, userId: string): Promise<User | undefined>;
  isSessionRevoked(tenantId: string, sessionId: string): Promise<boolean>;
  findApiKey(key: string): Promise<ApiKeyLookup | undefined>;
  touchApiKey(tenantId: string, keyId: string): Promise<void>;
  now(): number;
}

/**
 * Authentication only: who is calling and for which tenant. The tenant comes from the verified
 * token's claim or the API key's stored record, never from the request. The role comes from the
 * directory, so a role change or a removal counts from the next uncached call, not the next token.
 */
export class Authenticator {
  constructor(private readonly deps: AuthorizerDeps) {}

  async authenticate(authorization: string | undefined): Promise<AuthContext> {
    const [scheme, credential, ...rest] = (authorization ?? '').trim().split(/\s+/);
    if (!scheme || !credential || rest.length > 0) throw new Unauthorized('Malformed Authorization header.');
    switch (scheme.toLowerCase()) {
      case 'bearer':
        return this.fromIdToken(credential);
      case 'apikey':
        return this.fromApiKey(credential);
      default:
        throw new Unauthorized(`Unsupported scheme ${scheme}; use Bearer or ApiKey.`);
    }
  }

  private async fromIdToken(token: string): Promise<AuthContext> {
    let claims;
    try {
      claims = await this.deps.verifyIdToken(token);
    } catch (error) {
      throw new Unauthorized(`Invalid token: ${(error as Error).message}`);
    }
    const [user, revoked] = await Promise.all([
      this.deps.getUser(claims.tenantId, claims.sub),
      this.deps.isSessionRevoked(claims.tenantId, claims.sessionId),
    ]);
    if (!user) throw new Unauthorized('The user no longer exists.');
    if (revoked) throw new Unauthorized('The session has been signed out.');
    return {
      tenantId: claims.tenantId,
      principalId: user.id,
      principalType: 'user',
      role: user.role,
      email: user.email,
      sessionId: claims.sessionId,
      sessionExpiresAt: claims.exp,
    };
  }

  private async fromApiKey(key: string): Promise<AuthContext> {
    if (!looksLikeApiKey(key)) throw new Unauthorized('Malformed API key.');
    const found = await this.deps.findApiKey(key);
    if (!found) throw new Unauthorized('Unknown or revoked API key.');
    // An expiry that does not parse counts as passed: fail closed.
    if (found.expiresAt !== null && !(Date.parse(found.expiresAt) > this.deps.now())) throw new Unauthorized('The API key has expired.');
    // Best effort: a failed "last used" write must not lock a program out.
    await this.deps.touchApiKey(found.tenantId, found.keyId).catch(() => undefined);
    return {
      tenantId: found.tenantId,
      principalId: found.keyId,
      principalType: 'apiKey',
      role: found.role,
      email: null,
      sessionId: null,
      sessionExpiresAt: null,
    };
  }
}
