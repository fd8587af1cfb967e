import { describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/contracts/routes.js';
import { api, expectError } from './helpers.js';

describe('platform', () => {
  it('answers /health and /health/ready', async () => {
    const health = await api('/health');
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok', version: expect.any(String) });
    const ready = await api('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.checks).toEqual({ table: 'ok' });
  });

  it('serves an OpenAPI 3.1 document listing every route of the route table', async () => {
    const res = await api('/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      expect(res.body.paths[route.path]?.[route.method.toLowerCase()]?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
    }
  });

  it('answers unknown routes and wrong methods with the error envelope', async () => {
    expectError(await api('/v1/nope'), 404, 'NOT_FOUND');
    expectError(await api('/v1/me', { method: 'DELETE' }), 404, 'NOT_FOUND');
  });

  it('puts security headers and a request id on every API answer, errors included', async () => {
    for (const res of [await api('/health'), await api('/v1/me'), await api('/v1/auth/login', { body: {} })]) {
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('strict-transport-security')).toContain('max-age=');
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it('serves the console page at / and for client-side routes', async () => {
    for (const path of ['/', '/settings/users']) {
      const res = await fetch(`${(await import('./helpers.js')).baseUrl()}${path}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(await res.text()).toContain('CloudOptima');
    }
  });

  it('treats query keys named like Object properties as data (found by the fuzzer)', async () => {
    const { newTenant } = await import('./helpers.js');
    const admin = await newTenant('proto');
    const res = await api('/v1/users?toString=1&__proto__=x&constructor=y&hasOwnProperty=z&limit=1', { token: admin.idToken });
    expect(res.status).toBe(200);
    expect(res.body.items).toHaveLength(1);
  });

  it("answers a request line over API Gateway's 10,240 bytes with a 413 envelope (found by the fuzzer)", async () => {
    expectError(await api(`/health?q=${'a'.repeat(12_000)}`), 413, 'REQUEST_TOO_LARGE');
    expectError(await api('/health', { headers: { 'x-big': 'b'.repeat(12_000) } }), 413, 'REQUEST_TOO_LARGE');
  });

  it("answers a body over API Gateway's 10 MB with a 413 envelope, before any handler runs", async () => {
    const big = JSON.stringify({ email: 'a@b.example', password: 'x'.repeat(11 * 1024 * 1024), organizationName: 'Big' });
    expectError(await api('/v1/auth/signup', { rawBody: big, headers: { 'content-type': 'application/json' } }), 413, 'PAYLOAD_TOO_LARGE');
  });
});
