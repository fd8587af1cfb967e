import { beforeAll, describe, expect, it } from 'vitest';
import { addUser, api, expectError, newTenant, type Session } from './helpers.js';

describe('audit trail', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await newTenant('audit');
  });

  it('records every mutating call with who, what, target, result, request id and source IP', async () => {
    const signup = await api('/v1/audit?action=signUp', { token: admin.idToken });
    expect(signup.body.items).toHaveLength(1);
    expect(signup.body.items[0]).toMatchObject({ result: 'success', statusCode: 201, actor: { id: admin.userId, email: admin.email } });

    const patched = await api('/v1/tenant', { method: 'PATCH', token: admin.idToken, body: { timezone: 'Asia/Tokyo' } });
    const requestId = patched.headers.get('x-request-id');
    const failed = await api('/v1/tenant', { method: 'PATCH', token: admin.idToken, body: { timezone: 'Nowhere/Land' } });
    expect(failed.status).toBe(400);

    const entries = (await api('/v1/audit?action=updateTenant', { token: admin.idToken })).body.items;
    expect(entries).toHaveLength(2);
    // Newest first.
    expect(entries[0]).toMatchObject({ result: 'failure', statusCode: 400, reason: 'VALIDATION_ERROR' });
    expect(entries[1]).toMatchObject({
      action: 'updateTenant',
      result: 'success',
      statusCode: 200,
      requestId,
      target: { path: '/v1/tenant', params: {} },
      actor: { type: 'user', id: admin.userId, email: admin.email },
      sourceIp: '127.0.0.1',
    });
    // Reads are not audited.
    expect((await api('/v1/audit?action=getTenant', { token: admin.idToken })).body.items).toEqual([]);
  });

  it('records the target id of calls on one item', async () => {
    const viewer = await addUser(admin, 'viewer');
    await api(`/v1/users/${viewer.userId}`, { method: 'PATCH', token: admin.idToken, body: { name: 'V' } });
    const [entry] = (await api('/v1/audit?action=updateUser', { token: admin.idToken })).body.items;
    expect(entry.target).toEqual({ path: '/v1/users/{id}', params: { id: viewer.userId } });
  });

  it('filters by time window and actor, and pages with cursors', async () => {
    const all = (await api('/v1/audit?limit=500', { token: admin.idToken })).body.items;
    expect(all.length).toBeGreaterThanOrEqual(4);
    const pages: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = await api(`/v1/audit?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token: admin.idToken });
      pages.push(...res.body.items.map((e: { id: string }) => e.id));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(pages).toEqual(all.map((e: { id: string }) => e.id));

    const middle = all[Math.floor(all.length / 2)];
    const since = (await api(`/v1/audit?limit=500&from=${encodeURIComponent(middle.time)}`, { token: admin.idToken })).body.items;
    expect(since.length).toBeGreaterThan(0);
    expect(since.every((e: { time: string }) => e.time >= middle.time)).toBe(true);
    const until = (await api(`/v1/audit?limit=500&to=${encodeURIComponent(middle.time)}`, { token: admin.idToken })).body.items;
    expect(until.every((e: { time: string }) => e.time <= middle.time)).toBe(true);
    expect(new Set([...since, ...until].map((e: { id: string }) => e.id)).size).toBe(all.length);

    const mine = (await api(`/v1/audit?limit=500&actor=${encodeURIComponent(admin.email)}`, { token: admin.idToken })).body.items;
    expect(mine.length).toBe(all.filter((e: { actor: { email: string } }) => e.actor.email === admin.email).length);
    expectError(await api('/v1/audit?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z', { token: admin.idToken }), 400);
    expectError(await api('/v1/audit?result=maybe', { token: admin.idToken }), 400);
  });

  it('is readable by admins only', async () => {
    const finops = await addUser(admin, 'finops_manager');
    expectError(await api('/v1/audit', { token: finops.idToken }), 403, 'FORBIDDEN');
  });
});
