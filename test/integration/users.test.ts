import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { addUser, api, eventually, expectError, newTenant, uniqueEmail, type Session } from './helpers.js';

const ttlMs = () => inject('authorizerCacheTtlSeconds') * 1000;

describe('users', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await newTenant('users');
  });

  it('invites, reads, renames and lists users, paging with cursors', async () => {
    const emails = [uniqueEmail('p1'), uniqueEmail('p2'), uniqueEmail('p3')];
    for (const email of emails) {
      const res = await api('/v1/users', { token: admin.idToken, body: { email, role: 'viewer' } });
      expect(res.body).toMatchObject({ email, role: 'viewer', status: 'invited', name: null });
    }
    expectError(await api('/v1/users', { token: admin.idToken, body: { email: emails[0], role: 'viewer' } }), 409, 'EMAIL_TAKEN');

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await api(`/v1/users?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: admin.idToken });
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.items.map((u: { email: string }) => u.email));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual([admin.email, ...emails].sort());

    const one = (await api('/v1/users?limit=500', { token: admin.idToken })).body.items.find((u: { email: string }) => u.email === emails[1]);
    const renamed = await api(`/v1/users/${one.id}`, { method: 'PATCH', token: admin.idToken, body: { name: 'Pat Two', timezone: 'Europe/Berlin' } });
    expect(renamed.body).toMatchObject({ name: 'Pat Two', timezone: 'Europe/Berlin', role: 'viewer' });
    expect((await api(`/v1/users/${one.id}`, { token: admin.idToken })).body.name).toBe('Pat Two');
    expectError(await api(`/v1/users/${one.id}`, { method: 'PATCH', token: admin.idToken, body: { timezone: 'Mars/Olympus' } }), 400);
    expectError(await api('/v1/users?limit=501', { token: admin.idToken }), 400);
    expectError(await api('/v1/users?limit=0', { token: admin.idToken }), 400);
  });

  it("applies a role change to the user's next calls (within the authorizer cache TTL)", async () => {
    const analyst = await addUser(admin, 'analyst');
    expectError(await api('/v1/users', { token: analyst.idToken }), 403);
    const promoted = await api(`/v1/users/${analyst.userId}`, { method: 'PATCH', token: admin.idToken, body: { role: 'admin' } });
    expect(promoted.body.role).toBe('admin');
    await eventually(async () => (await api('/v1/users', { token: analyst.idToken })).status === 200, ttlMs() + 1500);
    // Two admins now: the first may step down, and the last one left may not.
    const demoted = await api(`/v1/users/${admin.userId}`, { method: 'PATCH', token: analyst.idToken, body: { role: 'finops_manager' } });
    expect(demoted.body.role).toBe('finops_manager');
    expectError(await api(`/v1/users/${analyst.userId}`, { method: 'PATCH', token: analyst.idToken, body: { role: 'viewer' } }), 409, 'LAST_ADMIN');
    // Restore for the other tests in this file.
    await api(`/v1/users/${admin.userId}`, { method: 'PATCH', token: analyst.idToken, body: { role: 'admin' } });
    await eventually(async () => (await api('/v1/users', { token: admin.idToken })).status === 200, ttlMs() + 1500);
  });

  it("removes a user, whose tokens then stop working", async () => {
    const engineer = await addUser(admin, 'engineer');
    expect((await api('/v1/me', { token: engineer.idToken })).status).toBe(200);
    expect((await api(`/v1/users/${engineer.userId}`, { method: 'DELETE', token: admin.idToken })).status).toBe(204);
    await eventually(async () => (await api('/v1/me', { token: engineer.idToken })).status === 401, ttlMs() + 1500);
    expectError(await api(`/v1/users/${engineer.userId}`, { token: admin.idToken }), 404);
    expectError(await api('/v1/auth/login', { body: { email: engineer.email, password: 'Sup3r-Secret-Pass!' } }), 401);
    expectError(await api(`/v1/users/${admin.userId}`, { method: 'DELETE', token: admin.idToken }), 409, 'SELF_REMOVAL');
  });
});

describe('tenant settings', () => {
  it('lets an admin rename the organization and set its time zone; others may only read', async () => {
    const admin = await newTenant('settings');
    const viewer = await addUser(admin, 'viewer');
    const res = await api('/v1/tenant', { method: 'PATCH', token: admin.idToken, body: { name: 'Renamed Ltd', timezone: 'America/New_York' } });
    expect(res.body).toMatchObject({ id: admin.tenantId, name: 'Renamed Ltd', timezone: 'America/New_York' });
    expect((await api('/v1/me', { token: viewer.idToken })).body.tenant).toMatchObject({ name: 'Renamed Ltd', timezone: 'America/New_York' });
    expectError(await api('/v1/tenant', { method: 'PATCH', token: viewer.idToken, body: { name: 'Hijack' } }), 403);
    const bad = expectError(await api('/v1/tenant', { method: 'PATCH', token: admin.idToken, body: { timezone: 'Not/AZone' } }), 400);
    expect(bad.details[0].field).toBe('body.timezone');
    expectError(await api('/v1/tenant', { method: 'PATCH', token: admin.idToken, body: {} }), 400);
    expect((await api('/v1/tenant', { token: admin.idToken })).body.name).toBe('Renamed Ltd');
  });

  it('lets any user change their own name and display time zone through PATCH /v1/me, and nothing else', async () => {
    const admin = await newTenant('self-service');
    const viewer = await addUser(admin, 'viewer', 'self');
    const changed = await api('/v1/me', { method: 'PATCH', token: viewer.idToken, body: { name: 'Vi Self', timezone: 'Asia/Tokyo' } });
    expect(changed.status).toBe(200);
    expect(changed.body.user).toMatchObject({ id: viewer.userId, name: 'Vi Self', timezone: 'Asia/Tokyo' });
    expect((await api(`/v1/users/${viewer.userId}`, { token: admin.idToken })).body).toMatchObject({ name: 'Vi Self', timezone: 'Asia/Tokyo', role: 'viewer' });
    // null: follow the organization's zone again.
    expect((await api('/v1/me', { method: 'PATCH', token: viewer.idToken, body: { timezone: null } })).body.user.timezone).toBeNull();

    // The role is an admin's to change: an unknown field, named.
    const escalate = await api('/v1/me', { method: 'PATCH', token: viewer.idToken, body: { role: 'admin' } });
    expectError(escalate, 400);
    expect(JSON.stringify(escalate.body.error.details)).toContain('role');
    expect((await api(`/v1/users/${viewer.userId}`, { token: admin.idToken })).body.role).toBe('viewer');
    const badZone = await api('/v1/me', { method: 'PATCH', token: viewer.idToken, body: { timezone: 'Mars/Olympus' } });
    expectError(badZone, 400);
    expect(badZone.body.error.details).toEqual([expect.objectContaining({ field: 'body.timezone' })]);
    expectError(await api('/v1/me', { method: 'PATCH', token: viewer.idToken, body: {} }), 400);

    // An API key is not a person: it has no profile.
    const key = await api('/v1/api-keys', { token: admin.idToken, body: { name: 'profile-less', role: 'viewer' } });
    expectError(await api('/v1/me', { method: 'PATCH', apiKey: key.body.key, body: { timezone: 'UTC' } }), 403);
  });
});
