import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, expectError, eventually, logIn, newTenant, PASSWORD, setPassword, uniqueEmail } from './helpers.js';

const ttlMs = () => inject('authorizerCacheTtlSeconds') * 1000;

describe('sign-up', () => {
  it('creates a tenant and its admin, who can sign in', async () => {
    const email = uniqueEmail('Founder').toUpperCase();
    const res = await api('/v1/auth/signup', { body: { email, password: PASSWORD, organizationName: '  Acme Cloud  ' } });
    expect(res.status).toBe(201);
    expect(res.body.tenant).toMatchObject({ name: 'Acme Cloud', timezone: 'UTC' });
    expect(res.body.user).toMatchObject({ email: email.toLowerCase(), role: 'admin', status: 'active' });
    const session = await logIn(email.toLowerCase(), PASSWORD);
    expect(session.tenantId).toBe(res.body.tenant.id);
  });

  it('refuses bad input with field-level details and writes nothing', async () => {
    const email = uniqueEmail('bad');
    const res = await api('/v1/auth/signup', { body: { email: 'not-an-email', password: 'short', organizationName: '', plan: 'free' } });
    const error = expectError(res, 400, 'VALIDATION_ERROR');
    const fields = error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.email', 'body.password', 'body.organizationName', 'body.plan']));
    // A weak password alone: rejected before any identity exists, so the email stays free.
    expectError(await api('/v1/auth/signup', { body: { email, password: 'alllowercase-no-digits', organizationName: 'X' } }), 400);
    expect((await api('/v1/auth/signup', { body: { email, password: PASSWORD, organizationName: 'X' } })).status).toBe(201);
  });

  it('refuses an email that already has an account', async () => {
    const email = uniqueEmail('dup');
    expect((await api('/v1/auth/signup', { body: { email, password: PASSWORD, organizationName: 'One' } })).status).toBe(201);
    expectError(await api('/v1/auth/signup', { body: { email, password: PASSWORD, organizationName: 'Two' } }), 409, 'EMAIL_TAKEN');
  });

  it('answers invalid JSON and non-JSON bodies with 4xx envelopes', async () => {
    expectError(await api('/v1/auth/signup', { rawBody: '{"email":', headers: { 'content-type': 'application/json' } }), 400, 'INVALID_JSON');
    expectError(await api('/v1/auth/signup', { rawBody: 'email=a', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415);
    expectError(await api('/v1/auth/signup', { method: 'POST' }), 400);
  });
});

describe('sign-in', () => {
  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const wrong = expectError(await api('/v1/auth/login', { body: { email: 'admin@demo.example', password: 'Wrong-Passw0rd!' } }), 401);
    const unknown = expectError(await api('/v1/auth/login', { body: { email: uniqueEmail('ghost'), password: PASSWORD } }), 401);
    expect(wrong.message).toBe(unknown.message);
  });

  it('signs in every demo user with their role', async () => {
    for (const [email, role] of [
      ['admin@demo.example', 'admin'],
      ['finops@demo.example', 'finops_manager'],
      ['engineer@demo.example', 'engineer'],
      ['analyst@demo.example', 'analyst'],
      ['viewer@demo.example', 'viewer'],
    ]) {
      const session = await logIn(email!, inject('demoPassword'));
      const me = await api('/v1/me', { token: session.idToken });
      expect(me.body).toMatchObject({ role, user: { email }, tenant: { name: 'Demo Corp' } });
      expect(me.body.permissions).toContain('costs:read');
    }
  });

  it('refreshes tokens', async () => {
    const admin = await newTenant('refresh');
    const res = await api('/v1/auth/refresh', { body: { refreshToken: admin.refreshToken } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ idToken: expect.any(String), accessToken: expect.any(String), expiresIn: expect.any(Number), tokenType: 'Bearer' });
    expect(res.body).not.toHaveProperty('refreshToken');
    expect((await api('/v1/me', { token: res.body.idToken })).status).toBe(200);
    expectError(await api('/v1/auth/refresh', { body: { refreshToken: 'not-a-token' } }), 401);
  });

  it('takes an invited user through NEW_PASSWORD_REQUIRED to an active account', async () => {
    const admin = await newTenant('invite');
    const email = uniqueEmail('newbie');
    const invited = await api('/v1/users', { token: admin.idToken, body: { email, role: 'analyst', name: 'New Bie' } });
    expect(invited.body).toMatchObject({ status: 'invited', role: 'analyst' });
    await setPassword(email, 'Temp-Passw0rd-123!', false);

    const first = await api('/v1/auth/login', { body: { email, password: 'Temp-Passw0rd-123!' } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ challenge: 'NEW_PASSWORD_REQUIRED', session: expect.any(String) });
    const weak = await api('/v1/auth/challenge', { body: { email, session: first.body.session, newPassword: 'weak' } });
    expect(expectError(weak, 400).details[0].field).toBe('body.newPassword');

    const done = await api('/v1/auth/challenge', { body: { email, session: first.body.session, newPassword: PASSWORD } });
    expect(done.status).toBe(200);
    const me = await api('/v1/me', { token: done.body.idToken });
    expect(me.body).toMatchObject({ role: 'analyst', tenant: { id: admin.tenantId } });
    const user = await api(`/v1/users/${invited.body.id}`, { token: admin.idToken });
    expect(user.body.status).toBe('active');
  });
});

describe('sign-out', () => {
  it('revokes the refresh token at once and the ID token within the authorizer cache TTL', async () => {
    const admin = await newTenant('logout');
    expect((await api('/v1/me', { token: admin.idToken })).status).toBe(200);
    const out = await api('/v1/auth/logout', { token: admin.idToken, body: { refreshToken: admin.refreshToken } });
    expect(out.status).toBe(204);
    expectError(await api('/v1/auth/refresh', { body: { refreshToken: admin.refreshToken } }), 401);
    const elapsed = await eventually(async () => (await api('/v1/me', { token: admin.idToken })).status === 401, ttlMs() + 1500);
    expect(elapsed).toBeLessThanOrEqual(ttlMs() + 1500);
    // A new sign-in is a new session and works.
    expect((await api('/v1/me', { token: (await logIn(admin.email, PASSWORD)).idToken })).status).toBe(200);
  });

  it('refuses tampered and foreign tokens', async () => {
    const admin = await newTenant('tamper');
    const [header, payload, signature] = admin.idToken.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...claims, 'custom:tenantId': 'SOMEONE_ELSE' })).toString('base64url');
    expectError(await api('/v1/me', { token: `${header}.${forged}.${signature}` }), 401, 'UNAUTHORIZED');
    const unsigned = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${payload}.`;
    expectError(await api('/v1/me', { token: unsigned }), 401);
    expectError(await api('/v1/me', { headers: { authorization: `Basic ${Buffer.from('a:b').toString('base64')}` } }), 401);
  });
});
