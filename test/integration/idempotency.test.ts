import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { api, expectError, newTenant, type Session } from './helpers.js';

describe('Idempotency-Key on writes', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await newTenant('idem');
  });

  it('runs a write once and replays its answer for a retry with the same key', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    const first = await api('/v1/api-keys', { token: admin.idToken, headers, body: { name: 'deploy bot', role: 'viewer' } });
    expect(first.status).toBe(201);
    const retry = await api('/v1/api-keys', { token: admin.idToken, headers, body: { name: 'deploy bot', role: 'viewer' } });
    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(retry.headers.get('x-content-type-options')).toBe('nosniff');
    const keys = (await api('/v1/api-keys', { token: admin.idToken })).body.items;
    expect(keys.filter((k: { name: string }) => k.name === 'deploy bot')).toHaveLength(1);
  });

  it('refuses the same key for a different request, and a malformed key', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    expect((await api('/v1/api-keys', { token: admin.idToken, headers, body: { name: 'one', role: 'viewer' } })).status).toBe(201);
    expectError(await api('/v1/api-keys', { token: admin.idToken, headers, body: { name: 'two', role: 'viewer' } }), 409, 'IDEMPOTENCY_KEY_REUSED');
    const bad = expectError(await api('/v1/api-keys', { token: admin.idToken, headers: { 'idempotency-key': 'x' }, body: { name: 'z', role: 'viewer' } }), 400);
    expect(bad.details[0].field).toBe('headers.idempotency-key');
  });

  it('releases the key when the write fails, so a corrected retry can run', async () => {
    const headers = { 'idempotency-key': randomUUID() };
    expectError(await api('/v1/users/does-not-exist', { method: 'DELETE', token: admin.idToken, headers }), 404);
    expectError(await api('/v1/users/does-not-exist', { method: 'DELETE', token: admin.idToken, headers }), 404);
  });

  it('scopes keys to the caller: another tenant reusing a key runs its own request', async () => {
    const other = await newTenant('idem-other');
    const headers = { 'idempotency-key': randomUUID() };
    const mine = await api('/v1/api-keys', { token: admin.idToken, headers, body: { name: 'shared key', role: 'viewer' } });
    const theirs = await api('/v1/api-keys', { token: other.idToken, headers, body: { name: 'shared key', role: 'viewer' } });
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.apiKey.id).not.toBe(mine.body.apiKey.id);
  });
});
