import { beforeAll, describe, expect, it } from 'vitest';
import { addUser, api, expectError, newTenant, type Session } from './helpers.js';

/** Tenant B, with valid credentials, tries to reach tenant A's data by id, cursor and forged headers. */
describe('tenant isolation', () => {
  let a: Session;
  let b: Session;
  let aUser: Session & { role: string };
  let aKey: { id: string; key: string };
  let snapshot: () => Promise<unknown>;

  beforeAll(async () => {
    a = await newTenant('alpha');
    b = await newTenant('bravo');
    aUser = await addUser(a, 'analyst');
    await addUser(a, 'viewer');
    const created = await api('/v1/api-keys', { token: a.idToken, body: { name: 'ci', role: 'viewer' } });
    aKey = { id: created.body.apiKey.id, key: created.body.key };
    // What A can see of itself, to compare before and after B's attempts.
    snapshot = async () => ({
      tenant: (await api('/v1/tenant', { token: a.idToken })).body,
      users: (await api('/v1/users?limit=500', { token: a.idToken })).body.items,
      keys: (await api('/v1/api-keys?limit=500', { token: a.idToken })).body.items.map(({ lastUsedAt: _, ...k }: any) => k),
    });
  });

  it("answers 404 to B's reads and writes of A's ids, and leaves A's data unchanged", async () => {
    const before = await snapshot();
    expectError(await api(`/v1/users/${aUser.userId}`, { token: b.idToken }), 404, 'NOT_FOUND');
    expectError(await api(`/v1/users/${aUser.userId}`, { method: 'PATCH', token: b.idToken, body: { role: 'admin' } }), 404);
    expectError(await api(`/v1/users/${aUser.userId}`, { method: 'DELETE', token: b.idToken }), 404);
    expectError(await api(`/v1/api-keys/${aKey.id}`, { method: 'DELETE', token: b.idToken }), 404);
    expect(await snapshot()).toEqual(before);
    // A's analyst and key still work.
    expect((await api('/v1/me', { token: aUser.idToken })).body.role).toBe('analyst');
    expect((await api('/v1/me', { apiKey: aKey.key })).body.tenant.id).toBe(a.tenantId);
  });

  it("never lists A's users, keys or audit entries to B", async () => {
    const users = (await api('/v1/users?limit=500', { token: b.idToken })).body.items;
    expect(users.map((u: { email: string }) => u.email)).toEqual([b.email]);
    expect((await api('/v1/api-keys', { token: b.idToken })).body.items).toEqual([]);
    const audit = (await api('/v1/audit?limit=500', { token: b.idToken })).body.items;
    expect(audit.length).toBeGreaterThan(0);
    expect(audit.every((e: { actor: { id: string } }) => e.actor.id !== a.userId)).toBe(true);
  });

  it('takes the tenant only from the credentials: forged headers, query and body fields change nothing', async () => {
    const me = await api(`/v1/me?tenantId=${a.tenantId}`, {
      token: b.idToken,
      headers: { 'x-tenant-id': a.tenantId, 'x-amzn-authorizer-tenantid': a.tenantId },
    });
    expect(me.body.tenant.id).toBe(b.tenantId);
    const patched = await api('/v1/tenant', { method: 'PATCH', token: b.idToken, body: { name: 'Bravo 2', tenantId: a.tenantId } });
    expect(expectError(patched, 400).details).toContainEqual(expect.objectContaining({ field: 'body.tenantId' }));
    expect((await api('/v1/tenant', { token: a.idToken })).body.name).toBe('alpha Inc');
  });

  it("refuses A's cursors for B, and a cursor replayed on another query", async () => {
    const page = await api('/v1/users?limit=1', { token: a.idToken });
    expect(page.body.items).toHaveLength(1);
    const cursor = page.body.nextCursor as string;
    expect(cursor).toEqual(expect.any(String));
    expectError(await api(`/v1/users?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: b.idToken }), 400, 'INVALID_CURSOR');
    expectError(await api(`/v1/api-keys?cursor=${encodeURIComponent(cursor)}`, { token: a.idToken }), 400, 'INVALID_CURSOR');
    expectError(await api(`/v1/users?cursor=${encodeURIComponent(cursor.slice(0, -2) + 'xx')}`, { token: a.idToken }), 400, 'INVALID_CURSOR');
    // And A itself can follow it.
    const next = await api(`/v1/users?limit=1&cursor=${encodeURIComponent(cursor)}`, { token: a.idToken });
    expect(next.status).toBe(200);
    expect(next.body.items[0].id).not.toBe(page.body.items[0].id);
  });
});
