import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ALL_PERMISSIONS, permissionsOf } from '#shared/auth/permissions.js';
import { ROUTES } from '#shared/contracts/routes.js';
import { DOMAINS, isAudited, isMutating, type AnyRoute } from '#shared/http/route.js';

const label = (r: AnyRoute) => `${r.method} ${r.path} (${r.operationId})`;

/** The public surface. Adding a route here must be a deliberate decision. */
const EXPECTED_PUBLIC = [
  'GET /health',
  'GET /health/ready',
  'GET /v1/openapi.json',
  'POST /v1/auth/signup',
  'POST /v1/auth/login',
  'POST /v1/auth/challenge',
  'POST /v1/auth/refresh',
];

/** Mutating routes that change nothing worth auditing (sign-in calls). */
const UNAUDITED_MUTATIONS = ['logIn', 'completeNewPassword', 'refreshTokens'];

const paramKeysOf = (schema: AnyRoute['params']): string[] => {
  if (!schema) return [];
  expect(schema, 'params must be a zod object').toBeInstanceOf(z.ZodObject);
  return Object.keys((schema as z.ZodObject).shape).sort();
};

describe('route table', () => {
  it('is not empty', () => {
    expect(ROUTES.length).toBeGreaterThan(10);
  });

  it('has each (method, path) at most once', () => {
    const seen = ROUTES.map((r) => `${r.method} ${r.path}`);
    expect(seen.filter((k, i) => seen.indexOf(k) !== i)).toEqual([]);
  });

  it('has unique operationIds', () => {
    const ids = ROUTES.map((r) => r.operationId);
    expect(ids.filter((k, i) => ids.indexOf(k) !== i)).toEqual([]);
  });

  it('names a domain from DOMAINS on every route', () => {
    for (const r of ROUTES) expect(DOMAINS, label(r)).toContain(r.domain);
  });

  it('gives every domain at least one route', () => {
    for (const d of DOMAINS) expect(ROUTES.some((r) => r.domain === d), d).toBe(true);
  });

  it('requires, on every protected route, a permission that some role holds', () => {
    const adminHolds = permissionsOf('admin');
    for (const r of ROUTES) {
      if (r.access === 'public') continue;
      expect(typeof r.access.permission, label(r)).toBe('string');
      expect(adminHolds, label(r)).toContain(r.access.permission);
      expect(ALL_PERMISSIONS, label(r)).toContain(r.access.permission);
    }
  });

  it('has exactly the expected public routes', () => {
    const publicRoutes = ROUTES.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.path}`);
    expect(publicRoutes.sort()).toEqual([...EXPECTED_PUBLIC].sort());
  });

  it('declares a params schema key for every {param} in the path, and no other', () => {
    for (const r of ROUTES) {
      const inPath = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!).sort();
      expect(paramKeysOf(r.params), label(r)).toEqual(inPath);
      if (inPath.length === 0) expect(r.params, `${label(r)} has params but no {x} in its path`).toBeUndefined();
    }
  });

  it('uses API Gateway path syntax: leading slash, no trailing slash, no query string', () => {
    for (const r of ROUTES) {
      expect(r.path, label(r)).toMatch(/^\/[A-Za-z0-9_.{}\/-]*$/);
      expect(r.path.endsWith('/') && r.path !== '/', label(r)).toBe(false);
    }
  });

  it('has no body on GET or DELETE routes', () => {
    for (const r of ROUTES) if (r.method === 'GET' || r.method === 'DELETE') expect(r.body, label(r)).toBeUndefined();
  });

  it('audits every mutating route except the sign-in calls', () => {
    for (const r of ROUTES) {
      if (!isMutating(r)) continue;
      expect(isAudited(r), label(r)).toBe(!UNAUDITED_MUTATIONS.includes(r.operationId));
    }
    // The exemptions must still exist and be mutating, so this list cannot silently go stale.
    for (const op of UNAUDITED_MUTATIONS) {
      const r = ROUTES.find((x) => x.operationId === op);
      expect(r, op).toBeDefined();
      expect(isMutating(r!), op).toBe(true);
    }
  });

  it('does not audit GET routes', () => {
    for (const r of ROUTES) if (r.method === 'GET') expect(isAudited(r), label(r)).toBe(false);
  });

  it('answers 204 only with an empty (null) response schema', () => {
    for (const r of ROUTES) {
      if (r.status !== 204) continue;
      expect(r.response.safeParse(null).success, label(r)).toBe(true);
    }
  });
});

describe('route examples', () => {
  it('every route with a body carries an example that its own schema accepts', () => {
    for (const route of ROUTES.filter((r) => r.body)) {
      expect(route.example, `${route.operationId} needs an example body`).toBeDefined();
      const parsed = route.body!.safeParse(route.example);
      expect(parsed.success, `${route.operationId}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    }
  });
});
