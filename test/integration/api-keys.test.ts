import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, eventually, expectError, newTenant, type Session } from './helpers.js';

const ttlMs = () => inject('authorizerCacheTtlSeconds') * 1000;

describe('API keys', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await newTenant('keys');
  });

  it('shows the key once, stores only a prefix, and authenticates as the key with its role', async () => {
    const created = await api('/v1/api-keys', { token: admin.idToken, body: { name: 'billing export job', role: 'analyst' } });
    expect(created.status).toBe(201);
    const { apiKey, key } = created.body;
    expect(key).toMatch(/^co_[A-Za-z0-9_-]{43}$/);
    expect(apiKey).toMatchObject({ name: 'billing export job', role: 'analyst', prefix: key.slice(0, 10), expiresAt: null, createdBy: admin.userId });

    const listed = await api('/v1/api-keys', { token: admin.idToken });
    expect(JSON.stringify(listed.body)).not.toContain(key);
    expect(listed.body.items.map((k: { id: string }) => k.id)).toContain(apiKey.id);

    const me = await api('/v1/me', { apiKey: key });
    expect(me.body).toMatchObject({ principal: { type: 'apiKey', id: apiKey.id }, role: 'analyst', user: null, tenant: { id: admin.tenantId } });
    // The key's role bounds it: an analyst key cannot manage users.
    expectError(await api('/v1/users', { apiKey: key }), 403, 'FORBIDDEN');
    const used = await api('/v1/api-keys', { token: admin.idToken });
    expect(used.body.items.find((k: { id: string }) => k.id === apiKey.id).lastUsedAt).toEqual(expect.any(String));
  });

  it('stops a revoked key within the authorizer cache TTL', async () => {
    const { body } = await api('/v1/api-keys', { token: admin.idToken, body: { name: 'to revoke', role: 'viewer' } });
    expect((await api('/v1/me', { apiKey: body.key })).status).toBe(200);
    expect((await api(`/v1/api-keys/${body.apiKey.id}`, { method: 'DELETE', token: admin.idToken })).status).toBe(204);
    const elapsed = await eventually(async () => (await api('/v1/me', { apiKey: body.key })).status === 401, ttlMs() + 1500);
    expect(elapsed).toBeLessThanOrEqual(ttlMs() + 1500);
    expectError(await api(`/v1/api-keys/${body.apiKey.id}`, { method: 'DELETE', token: admin.idToken }), 404);
  });

  it('stops a key at its expiry', async () => {
    const expiresAt = new Date(Date.now() + 1500).toISOString();
    const { body } = await api('/v1/api-keys', { token: admin.idToken, body: { name: 'short lived', role: 'viewer', expiresAt } });
    expect(body.apiKey.expiresAt).toBe(expiresAt);
    await eventually(async () => (await api('/v1/me', { apiKey: body.key })).status === 401, 1500 + ttlMs() + 1500);
  });

  it('refuses malformed, unknown and past-dated keys', async () => {
    expectError(await api('/v1/me', { apiKey: 'co_short' }), 401, 'UNAUTHORIZED');
    expectError(await api('/v1/me', { apiKey: `co_${'A'.repeat(43)}` }), 401);
    const past = await api('/v1/api-keys', { token: admin.idToken, body: { name: 'old', role: 'viewer', expiresAt: '2020-01-01T00:00:00Z' } });
    expect(expectError(past, 400).details[0].field).toBe('body.expiresAt');
  });
});
