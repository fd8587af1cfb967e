import { createSign, generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * Mints JWTs for attack tests. cognito-local signs with a key that ships inside its package, so a
 * test can produce tokens that are VALIDLY SIGNED yet wrong in every other way (issuer, audience,
 * expiry, token use, tenant): proof that the authorizer checks claims, not just signatures.
 * (The same key is why a local stack must never be trusted with real data.)
 */
const require = createRequire(import.meta.url);
const cognitoLocalKey = (JSON.parse(readFileSync(require.resolve('cognito-local/lib/keys/cognitoLocal.private.json'), 'utf8')) as { pem: string }).pem;
const strangerKey = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export type Claims = Record<string, unknown>;

export function sign(claims: Claims, options: { key?: 'cognito-local' | 'stranger'; header?: Record<string, unknown> } = {}): string {
  const header = { alg: 'RS256', typ: 'JWT', kid: 'CognitoLocal', ...options.header };
  const unsigned = `${b64(header)}.${b64(claims)}`;
  const signature = createSign('RSA-SHA256').update(unsigned).sign(options.key === 'stranger' ? strangerKey : cognitoLocalKey, 'base64url');
  return `${unsigned}.${signature}`;
}

export const decode = (token: string): Claims => JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString('utf8')) as Claims;
