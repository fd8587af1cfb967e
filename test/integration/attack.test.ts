import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { ROUTES } from '../../shared/contracts/routes.js';
import type { AnyRoute } from '../../shared/http/route.js';
import { addUser, api, eventually, newTenant, type ApiResponse, type Session } from './helpers.js';
import { decode, sign } from './tokens.js';

/**
 * The cross-tenant attack suite. It reads the route table, so every route added later is attacked
 * without this file changing: tenant B, with valid credentials, goes after tenant A's data through
 * ids in paths, A's cursors, forged headers and query parameters, and forged tokens; tenant A's
 * data must come out unchanged and never appear in an answer to B.
 */
const PROTECTED = ROUTES.filter((r) => r.access !== 'public');
const ttlMs = () => inject('authorizerCacheTtlSeconds') * 1000;

interface Victim {
  session: Session;
  analyst: Session;
  apiKey: { id: string; key: string };
  cursor: string;
  /** Every identifier of A's that must never show up in an answer to B. */
  secrets: string[];
  billingSourceId: string;
}

const fill = (route: AnyRoute, value: string) => route.path.replace(/\{\w+\}/g, encodeURIComponent(value));

function call(route: AnyRoute, path: string, auth: { token?: string; apiKey?: string }, extra: { headers?: Record<string, string> } = {}) {
  return api(path, { method: route.method, ...auth, ...extra, ...(route.body ? { body: route.example ?? {} } : {}) });
}

describe('cross-tenant attacks on every protected route', () => {
  let a: Victim;
  let b: Session;
  let snapshotA: () => Promise<unknown>;

  beforeAll(async () => {
    const session = await newTenant('victim');
    const analyst = await addUser(session, 'analyst');
    const created = await api('/v1/api-keys', { token: session.idToken, body: { name: 'victim key', role: 'viewer' } });
    const page = await api('/v1/users?limit=1', { token: session.idToken });
    const billingSource = await api('/v1/billing/sources', { token: session.idToken, body: { name: 'victim export' } });
    a = {
      session,
      analyst,
      apiKey: { id: created.body.apiKey.id, key: created.body.key },
      cursor: page.body.nextCursor,
      secrets: [session.tenantId, session.userId, session.email, analyst.userId, analyst.email, created.body.apiKey.id, billingSource.body.id],
      billingSourceId: billingSource.body.id,
    };
    b = await newTenant('attacker');
    snapshotA = async () => ({
      me: (await api('/v1/me', { token: session.idToken })).body,
      users: (await api('/v1/users?limit=500', { token: session.idToken })).body,
      keys: (await api('/v1/api-keys?limit=500', { token: session.idToken })).body.items.map(({ lastUsedAt: _, ...k }: any) => k),
      audit: (await api('/v1/audit?limit=500', { token: session.idToken })).body.items.length,
    });
  });

  /** `sent`: a value of A's the attacker itself put in this request, which may come back as its own data. */
  const expectNothingOfA = (res: ApiResponse, label: string, sent?: string) => {
    expect(res.status, label).toBeLessThan(500);
    const text = JSON.stringify(res.body);
    for (const secret of a.secrets.filter((s) => s !== sent)) expect(text.includes(secret), `${label} leaked ${secret}`).toBe(false);
  };

  it("answers B's use of A's ids in every path parameter with 404, and A is unchanged", async () => {
    const before = await snapshotA();
    const ids = [a.session.userId, a.analyst.userId, a.apiKey.id, a.session.tenantId, a.billingSourceId];
    for (const route of PROTECTED.filter((r) => r.path.includes('{'))) {
      for (const id of ids) {
        const res = await call(route, fill(route, id), { token: b.idToken });
        const label = `${route.method} ${route.path} with A's ${id}`;
        expect(res.status, `${label}: ${JSON.stringify(res.body)}`).toBe(404);
        expectNothingOfA(res, label);
      }
    }
    expect(await snapshotA()).toEqual(before);
  });

  it("puts A's ids in every string field of every example body; nothing of A's changes or leaks", async () => {
    const c = await newTenant('attacker-3');
    const before = await snapshotA();
    const ids = [a.session.userId, a.analyst.userId, a.apiKey.id, a.session.tenantId, a.billingSourceId];
    for (const route of PROTECTED.filter((r) => r.example && typeof r.example === 'object')) {
      const example = route.example as Record<string, unknown>;
      for (const field of Object.keys(example).filter((k) => typeof example[k] === 'string')) {
        for (const id of ids) {
          const res = await api(fill(route, 'does-not-exist'), { method: route.method, token: c.idToken, body: { ...example, [field]: id } });
          expectNothingOfA(res, `${route.method} ${route.path} with A's ${id} in body.${field}`, id);
        }
      }
    }
    expect(await snapshotA()).toEqual(before);
  });

  it("refuses A's cursor on every list route, and forged tenant headers and query parameters change nothing", async () => {
    // A fresh attacker: B's own audit trail rightly records the A ids B put in paths above.
    const c = await newTenant('attacker-2');
    const before = await snapshotA();
    for (const route of PROTECTED.filter((r) => r.method === 'GET' && !r.path.includes('{'))) {
      if (route.query?.safeParse({ cursor: 'x' }).success) {
        const res = await call(route, `${route.path}?cursor=${encodeURIComponent(a.cursor)}`, { token: c.idToken });
        expect(res.status, route.path).toBe(400);
        expect(res.body.error.code).toBe('INVALID_CURSOR');
      }
    }
    for (const route of PROTECTED) {
      const forged = {
        'x-tenant-id': a.session.tenantId,
        'x-amzn-oidc-identity': a.session.userId,
        'x-forwarded-for': '10.0.0.1',
        tenantid: a.session.tenantId,
      };
      const path = `${fill(route, 'does-not-exist')}?tenantId=${a.session.tenantId}&tenant=${a.session.tenantId}`;
      const res = await call(route, path, { token: c.idToken }, { headers: forged });
      expectNothingOfA(res, `${route.method} ${route.path} with forged tenant hints`);
    }
    expect(await snapshotA()).toEqual(before);
  });

  it('refuses forged and broken tokens on every protected route with 401', async () => {
    const real = decode(a.analyst.idToken);
    const now = Math.floor(Date.now() / 1000);
    const variants: Record<string, string> = {
      'expired, validly signed': sign({ ...real, iat: now - 7200, exp: now - 3600 }),
      'wrong issuer, validly signed': sign({ ...real, iss: 'https://cognito-idp.us-east-1.amazonaws.com/us-east-1_evil' }),
      'wrong audience, validly signed': sign({ ...real, aud: 'some-other-client' }),
      'access token in place of an ID token': sign({ ...real, token_use: 'access' }),
      "A's user moved into B's tenant, validly signed": sign({ ...real, 'custom:tenantId': b.tenantId }),
      'signed with a stranger key': sign(real, { key: 'stranger' }),
      'alg none': `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${a.analyst.idToken.split('.')[1]}.`,
      'tampered payload': `${a.analyst.idToken.split('.')[0]}.${Buffer.from(JSON.stringify({ ...real, 'custom:tenantId': b.tenantId })).toString('base64url')}.${a.analyst.idToken.split('.')[2]}`,
      'refresh token as bearer': a.analyst.refreshToken,
      garbage: 'not.a.jwt',
    };
    const before = await snapshotA();
    for (const route of PROTECTED) {
      for (const [name, token] of Object.entries(variants)) {
        const res = await call(route, fill(route, a.analyst.userId), { token });
        expect(res.status, `${route.method} ${route.path}: ${name} -> ${JSON.stringify(res.body)}`).toBe(401);
        expect(res.body.error.code).toBe('UNAUTHORIZED');
      }
    }
    expect(await snapshotA()).toEqual(before);
  });

  it('refuses a revoked API key on every protected route once the authorizer cache TTL has passed', async () => {
    const created = await api('/v1/api-keys', { token: a.session.idToken, body: { name: 'to revoke', role: 'admin' } });
    expect((await api(`/v1/api-keys/${created.body.apiKey.id}`, { method: 'DELETE', token: a.session.idToken })).status).toBe(204);
    await eventually(async () => (await api('/v1/me', { apiKey: created.body.key })).status === 401, ttlMs() + 1500);
    const before = await snapshotA();
    for (const route of PROTECTED) {
      const res = await call(route, fill(route, a.analyst.userId), { apiKey: created.body.key });
      expect(res.status, `${route.method} ${route.path}`).toBe(401);
    }
    expect(await snapshotA()).toEqual(before);
  });
});
