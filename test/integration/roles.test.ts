import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { hasPermission, ROLES, type Role } from '../../shared/auth/permissions.js';
import { ROUTES } from '../../shared/contracts/routes.js';
import { api, logIn, type Session } from './helpers.js';

const DEMO: Record<Role, string> = {
  viewer: 'viewer@demo.example',
  analyst: 'analyst@demo.example',
  engineer: 'engineer@demo.example',
  finops_manager: 'finops@demo.example',
  admin: 'admin@demo.example',
};

/**
 * Every protected route, called by every role of the demo tenant. Allowed calls carry input that
 * cannot change anything (unknown ids, empty bodies), so the matrix never mutates the demo data.
 */
const PROTECTED = ROUTES.filter((r) => r.access !== 'public');

describe('every role against every protected route', () => {
  const sessions = {} as Record<Role, Session>;
  beforeAll(async () => {
    for (const role of ROLES) sessions[role] = await logIn(DEMO[role], inject('demoPassword'));
  });

  for (const role of ROLES) {
    it(`${role}: allowed exactly where its permissions say, denied with 403 elsewhere`, async () => {
      for (const route of PROTECTED) {
        if (route.access === 'public') continue;
        const path = route.path.replace(/\{\w+\}/g, 'does-not-exist');
        const res = await api(path, { method: route.method, token: sessions[role].idToken, ...(route.body ? { body: {} } : {}) });
        const label = `${role} ${route.method} ${route.path} -> ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`;
        if (hasPermission(role, route.access.permission)) {
          expect(res.status, label).not.toBe(403);
          expect(res.status, label).toBeLessThan(500);
        } else {
          expect(res.status, label).toBe(403);
          expect(res.body.error.code).toBe('FORBIDDEN');
          expect(res.body.error.details.requiredPermission).toBe(route.access.permission);
        }
      }
    });
  }

  it('audits each denial with who, what and the missing permission', async () => {
    const denied = await api('/v1/users', { token: sessions.engineer.idToken, body: { email: 'x@y.example', role: 'admin' } });
    expect(denied.status).toBe(403);
    const requestId = denied.body.error.requestId;
    const audit = await api(`/v1/audit?result=denied&actor=${DEMO.engineer}&limit=50`, { token: sessions.admin.idToken });
    const entry = audit.body.items.find((e: { requestId: string }) => e.requestId === requestId);
    expect(entry).toMatchObject({
      action: 'inviteUser',
      result: 'denied',
      statusCode: 403,
      reason: 'users:write',
      actor: { type: 'user', email: DEMO.engineer },
      sourceIp: expect.any(String),
    });
  });
});
