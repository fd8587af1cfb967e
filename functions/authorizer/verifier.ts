import { CognitoJwtVerifier, JwtRsaVerifier } from 'aws-jwt-verify';
import { validateCognitoJwtFields } from 'aws-jwt-verify/cognito-verifier';
import type { Fetcher } from 'aws-jwt-verify/https';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import type { JwtPayload } from 'aws-jwt-verify/jwt-model';

/** The claims the authorizer relies on from a verified Cognito ID token. */
export interface IdTokenClaims {
  sub: string;
  email: string | null;
  tenantId: string;
  /** `origin_jti` ties every token of one sign-in together (Cognito); cognito-local has only `jti`. */
  sessionId: string;
  exp: number;
}

export type VerifyIdToken = (token: string) => Promise<IdTokenClaims>;

export interface VerifierConfig {
  userPoolId: string;
  clientId: string;
  /** Only for a non-AWS issuer (cognito-local): its exact `iss` and JWKS address. */
  issuer?: string | undefined;
  jwksUri?: string | undefined;
}

/** aws-jwt-verify's own fetcher speaks https only; cognito-local serves its JWKS over http. */
class HttpFetcher implements Fetcher {
  async fetch(uri: string): Promise<ArrayBuffer> {
    const res = await fetch(uri);
    if (res.status !== 200) throw new Error(`JWKS fetch ${uri}: HTTP ${res.status}`);
    return res.arrayBuffer();
  }
}

function claimsOf(payload: JwtPayload): IdTokenClaims {
  const tenantId = payload['custom:tenantId'];
  const sessionId = payload.origin_jti ?? payload.jti;
  if (typeof tenantId !== 'string' || !tenantId) throw new Error('token has no tenant');
  if (typeof payload.sub !== 'string' || typeof sessionId !== 'string' || typeof payload.exp !== 'number') {
    throw new Error('token lacks sub, jti or exp');
  }
  return { sub: payload.sub, email: typeof payload.email === 'string' ? payload.email : null, tenantId, sessionId, exp: payload.exp };
}

/**
 * Verifies ID tokens: signature against the pool's JWKS (cached by the verifier), issuer, expiry,
 * `token_use` = id and audience = the app client. Locally the same checks run against cognito-local.
 */
export function createIdTokenVerifier(cfg: VerifierConfig): VerifyIdToken {
  if (cfg.issuer) {
    const verifier = JwtRsaVerifier.create(
      {
        issuer: cfg.issuer,
        jwksUri: cfg.jwksUri ?? `${cfg.issuer}/.well-known/jwks.json`,
        audience: null, // validateCognitoJwtFields checks aud for ID tokens
        customJwtCheck: ({ payload }) => validateCognitoJwtFields(payload, { tokenUse: 'id', clientId: cfg.clientId, groups: null }),
      },
      { jwksCache: new SimpleJwksCache({ fetcher: new HttpFetcher() }) },
    );
    return async (token) => claimsOf(await verifier.verify(token));
  }
  const verifier = CognitoJwtVerifier.create({ userPoolId: cfg.userPoolId, clientId: cfg.clientId, tokenUse: 'id' });
  return async (token) => claimsOf(await verifier.verify(token));
}
