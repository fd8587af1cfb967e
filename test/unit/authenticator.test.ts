import { describe, expect, it, vi } from 'vitest';
import { Authenticator, type AuthorizerDeps } from '#functions/authorizer/authorizer.js';
import type { IdTokenClaims } from '#functions/authorizer/verifier.js';
import type { ApiKeyLookup } from '#shared/db/api-keys.js';
import type { User } from '#shared/db/directory.js';
import { Unauthorized } from '#shared/errors.js';

const NOW = Date.parse('2024-05-01T12:00:00Z');
const API_KEY = `co_${'A'.repeat(43)}`;

const claims: IdTokenClaims = { sub: 'user-1', email: 'token@example.com', tenantId: 'tenant-a', sessionId: 'sess-1', exp: 1_714_570_000 };

const user: User = {
  id: 'user-1',
  email: 'dir@example.com',
  name: 'Dee',
  role: 'engineer',
  status: 'active',
  timezone: null,
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
};

const lookup: ApiKeyLookup = { tenantId: 'tenant-k', keyId: 'key-1', role: 'analyst', expiresAt: null };

function fakeDeps(overrides: Partial<AuthorizerDeps> = {}) {
  const deps = {
    verifyIdToken: vi.fn<AuthorizerDeps['verifyIdToken']>(async () => claims),
    getUser: vi.fn<AuthorizerDeps['getUser']>(async () => user),
    isSessionRevoked: vi.fn<AuthorizerDeps['isSessionRevoked']>(async () => false),
    findApiKey: vi.fn<AuthorizerDeps['findApiKey']>(async (key) => (key === API_KEY ? lookup : undefined)),
    touchApiKey: vi.fn<AuthorizerDeps['touchApiKey']>(async () => undefined),
    now: vi.fn(() => NOW),
    ...overrides,
  };
  return deps;
}

async function expectUnauthorized(promise: Promise<unknown>, message?: RegExp) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error, 'expected authenticate to reject').toBeInstanceOf(Unauthorized);
  expect((error as Unauthorized).status).toBe(401);
  if (message) expect((error as Error).message).toMatch(message);
}

describe('Authenticator: Bearer ID tokens', () => {
  it('takes the tenant from the verified claims and the role from the directory user', async () => {
    const deps = fakeDeps();
    const auth = await new Authenticator(deps).authenticate('Bearer the.jwt.token');
    expect(auth).toEqual({
      tenantId: 'tenant-a',
      principalId: 'user-1',
      principalType: 'user',
      role: 'engineer',
      email: 'dir@example.com',
      sessionId: 'sess-1',
      sessionExpiresAt: claims.exp,
    });
    expect(deps.verifyIdToken).toHaveBeenCalledWith('the.jwt.token');
    expect(deps.getUser).toHaveBeenCalledWith('tenant-a', 'user-1');
    expect(deps.isSessionRevoked).toHaveBeenCalledWith('tenant-a', 'sess-1');
  });

  it('follows a role change in the directory, whatever the token says', async () => {
    const deps = fakeDeps({ getUser: vi.fn(async () => ({ ...user, role: 'viewer' as const })) });
    const auth = await new Authenticator(deps).authenticate('Bearer t');
    expect(auth.role).toBe('viewer');
  });

  it('accepts the scheme case-insensitively and tolerates surrounding whitespace', async () => {
    const deps = fakeDeps();
    await expect(new Authenticator(deps).authenticate('  bearer   t  ')).resolves.toMatchObject({ tenantId: 'tenant-a' });
    expect(deps.verifyIdToken).toHaveBeenCalledWith('t');
  });

  it('refuses a token whose user is no longer in the directory', async () => {
    const deps = fakeDeps({ getUser: vi.fn(async () => undefined) });
    await expectUnauthorized(new Authenticator(deps).authenticate('Bearer t'), /no longer exists/);
  });

  it('refuses a token of a signed-out session', async () => {
    const deps = fakeDeps({ isSessionRevoked: vi.fn(async () => true) });
    await expectUnauthorized(new Authenticator(deps).authenticate('Bearer t'), /signed out/);
  });

  it('refuses a token the verifier rejects, without reading the directory', async () => {
    const deps = fakeDeps({
      verifyIdToken: vi.fn(async () => {
        throw new Error('Token expired');
      }),
    });
    await expectUnauthorized(new Authenticator(deps).authenticate('Bearer t'), /Invalid token/);
    expect(deps.getUser).not.toHaveBeenCalled();
    expect(deps.isSessionRevoked).not.toHaveBeenCalled();
  });

  it('never treats a bearer token as an API key', async () => {
    const deps = fakeDeps({
      verifyIdToken: vi.fn(async () => {
        throw new Error('not a JWT');
      }),
    });
    await expectUnauthorized(new Authenticator(deps).authenticate(`Bearer ${API_KEY}`));
    expect(deps.findApiKey).not.toHaveBeenCalled();
  });
});

describe('Authenticator: API keys', () => {
  it('answers with an apiKey principal carrying the stored tenant and role, and records the use', async () => {
    const deps = fakeDeps();
    const auth = await new Authenticator(deps).authenticate(`ApiKey ${API_KEY}`);
    expect(auth).toEqual({
      tenantId: 'tenant-k',
      principalId: 'key-1',
      principalType: 'apiKey',
      role: 'analyst',
      email: null,
      sessionId: null,
      sessionExpiresAt: null,
    });
    expect(deps.findApiKey).toHaveBeenCalledWith(API_KEY);
    expect(deps.touchApiKey).toHaveBeenCalledWith('tenant-k', 'key-1');
    expect(deps.verifyIdToken).not.toHaveBeenCalled();
  });

  it('accepts a key that expires in the future', async () => {
    const deps = fakeDeps({ findApiKey: vi.fn(async () => ({ ...lookup, expiresAt: new Date(NOW + 1000).toISOString() })) });
    await expect(new Authenticator(deps).authenticate(`ApiKey ${API_KEY}`)).resolves.toMatchObject({ principalId: 'key-1' });
  });

  it('refuses an unknown (or revoked) key', async () => {
    const deps = fakeDeps({ findApiKey: vi.fn(async () => undefined) });
    await expectUnauthorized(new Authenticator(deps).authenticate(`ApiKey ${API_KEY}`), /Unknown or revoked/);
    expect(deps.touchApiKey).not.toHaveBeenCalled();
  });

  it.each([
    ['too short', `co_${'A'.repeat(42)}`],
    ['too long', `co_${'A'.repeat(44)}`],
    ['wrong prefix', `xx_${'A'.repeat(43)}`],
    ['bad characters', `co_${'A'.repeat(42)}!`],
    ['no prefix', 'A'.repeat(46)],
  ])('refuses a malformed key (%s) without looking it up', async (_label, key) => {
    const deps = fakeDeps();
    await expectUnauthorized(new Authenticator(deps).authenticate(`ApiKey ${key}`), /Malformed API key/);
    expect(deps.findApiKey).not.toHaveBeenCalled();
  });

  it('refuses an expired key, including one expiring exactly now', async () => {
    // An expiry that does not parse fails closed, like a passed one.
    for (const expiresAt of [new Date(NOW - 1).toISOString(), new Date(NOW).toISOString(), 'not-a-date']) {
      const deps = fakeDeps({ findApiKey: vi.fn(async () => ({ ...lookup, expiresAt })) });
      await expectUnauthorized(new Authenticator(deps).authenticate(`ApiKey ${API_KEY}`), /expired/);
      expect(deps.touchApiKey).not.toHaveBeenCalled();
    }
  });

  it('does not let a failing "last used" write block the caller', async () => {
    const deps = fakeDeps({
      touchApiKey: vi.fn(async () => {
        throw new Error('throttled');
      }),
    });
    await expect(new Authenticator(deps).authenticate(`ApiKey ${API_KEY}`)).resolves.toMatchObject({ principalType: 'apiKey' });
    expect(deps.touchApiKey).toHaveBeenCalledOnce();
  });
});

describe('Authenticator: malformed headers', () => {
  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['blank', '   '],
    ['scheme only', 'Bearer'],
    ['credential only', 'sometoken'],
    ['extra parts (bearer)', 'Bearer a b'],
    ['extra parts (api key)', `ApiKey ${API_KEY} extra`],
    ['unsupported scheme Basic', 'Basic dXNlcjpwYXNz'],
    ['unsupported scheme Token', `Token ${API_KEY}`],
  ])('refuses %s', async (_label, header) => {
    const deps = fakeDeps();
    await expectUnauthorized(new Authenticator(deps).authenticate(header));
    expect(deps.verifyIdToken).not.toHaveBeenCalled();
    expect(deps.findApiKey).not.toHaveBeenCalled();
  });
});
