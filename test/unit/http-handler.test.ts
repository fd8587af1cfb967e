import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { beforeEach, describe, expect, it, vi } from 'vitest';

// Powertools reads these when the logger/metrics singletons are built, i.e. at import time.
vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import type { AuditWriter, NewAuditEntry } from '#shared/audit.js';
import { toAuthorizerContext, type AuthContext } from '#shared/auth/context.js';
import type { Role } from '#shared/auth/permissions.js';
import { tenantRoutes } from '#shared/contracts/tenants.js';
import { userRoutes } from '#shared/contracts/users.js';
import type { Claim, IdempotencyRecords, StoredResponse } from '#shared/db/idempotency.js';
import { NotFound } from '#shared/errors.js';
import { implement, type ApiRequest, type Implementation } from '#shared/http/api-request.js';
import { createApiHandler } from '#shared/http/handler.js';
import { SECURITY_HEADERS } from '#shared/http/response.js';

// ---------------------------------------------------------------------------------------------
// Fixtures

const TENANT = 'tenant-a';
const NOW = '2024-05-01T12:00:00.000Z';

const storedUser = (id: string, overrides: Record<string, unknown> = {}) => ({
  // What a store might hand back: keys and internal attributes the API must never show.
  pk: `TENANT#${TENANT}#USER`,
  sk: `USER#${id}`,
  entity: 'User',
  cognitoUsername: 'internal-username',
  id,
  email: `${id}@example.com`,
  name: null,
  role: 'viewer' as const,
  status: 'active' as const,
  timezone: null,
  createdAt: NOW,
  updatedAt: NOW,
  ...overrides,
});

const publicUser = (id: string, overrides: Record<string, unknown> = {}) => {
  const { pk: _pk, sk: _sk, entity: _e, cognitoUsername: _c, ...rest } = storedUser(id, overrides);
  return rest;
};

const caller = (role: Role, overrides: Partial<AuthContext> = {}): AuthContext => ({
  tenantId: TENANT,
  principalId: 'caller-1',
  principalType: 'user',
  role,
  email: 'caller@example.com',
  sessionId: 'sess-1',
  sessionExpiresAt: 1_900_000_000,
  ...overrides,
});

interface EventInput {
  method: string;
  resource: string;
  path?: string;
  auth?: AuthContext | null;
  pathParameters?: Record<string, string>;
  query?: Record<string, string[]>;
  headers?: Record<string, string>;
  body?: string | null;
  requestId?: string;
}

let requestCounter = 0;

function event(input: EventInput): APIGatewayProxyEvent {
  const requestId = input.requestId ?? `req-${++requestCounter}`;
  const auth = input.auth === undefined ? caller('admin') : input.auth;
  return {
    resource: input.resource,
    path: input.path ?? input.resource,
    httpMethod: input.method,
    headers: input.headers ?? {},
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: input.query ?? null,
    pathParameters: input.pathParameters ?? null,
    stageVariables: null,
    body: input.body ?? null,
    isBase64Encoded: false,
    requestContext: {
      requestId,
      authorizer: auth ? toAuthorizerContext(auth) : null,
      identity: { sourceIp: '203.0.113.7' },
    } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const jsonPost = (resource: string, body: unknown, extra: Partial<EventInput> = {}) =>
  event({
    method: 'POST',
    resource,
    headers: { 'Content-Type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...extra,
  });

const lambdaContext = (): Context => ({
  callbackWaitsForEmptyEventLoop: false,
  functionName: 'cloudoptima-users',
  functionVersion: '$LATEST',
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:cloudoptima-users',
  memoryLimitInMB: '256',
  awsRequestId: 'lambda-req-1',
  logGroupName: '/aws/lambda/cloudoptima-users',
  logStreamName: 'stream',
  getRemainingTimeInMillis: () => 30_000,
  done: () => undefined,
  fail: () => undefined,
  succeed: () => undefined,
});

class MemoryAudit implements AuditWriter {
  entries: Array<{ tenantId: string; entry: NewAuditEntry }> = [];
  fail = false;
  async record(tenantId: string, entry: NewAuditEntry) {
    if (this.fail) throw new Error('audit table down');
    this.entries.push({ tenantId, entry });
    return { id: `a${this.entries.length}`, time: NOW, ...entry };
  }
}

/** In-memory idempotency records with the same claim semantics as IdempotencyStore (no lock expiry). */
class MemoryIdempotency implements IdempotencyRecords {
  records = new Map<string, { fingerprint: string; status: 'in_progress' | 'done'; response?: StoredResponse }>();
  calls: string[] = [];
  failComplete = false;
  async claim(tenantId: string, principalId: string, key: string, fingerprint: string): Promise<Claim> {
    this.calls.push('claim');
    const id = `${tenantId}|${principalId}|${key}`;
    const record = this.records.get(id);
    if (!record) {
      this.records.set(id, { fingerprint, status: 'in_progress' });
      return { kind: 'claimed' };
    }
    if (record.fingerprint !== fingerprint) return { kind: 'mismatch' };
    if (record.status !== 'done') return { kind: 'in-progress' };
    return { kind: 'replay', response: record.response! };
  }
  async complete(tenantId: string, principalId: string, key: string, response: StoredResponse) {
    this.calls.push('complete');
    if (this.failComplete) throw new Error('throttled');
    const record = this.records.get(`${tenantId}|${principalId}|${key}`)!;
    Object.assign(record, { status: 'done', response });
  }
  async release(tenantId: string, principalId: string, key: string) {
    this.calls.push('release');
    this.records.delete(`${tenantId}|${principalId}|${key}`);
  }
}

/** Fake users domain: records what each implementation received; behaviour swappable per test. */
function usersDomain() {
  const calls: Array<{ op: string; req: ApiRequest }> = [];
  const behaviour: Partial<Record<string, (req: ApiRequest) => Promise<unknown>>> = {};
  const run = (op: string, fallback: (req: ApiRequest) => Promise<unknown>) => async (req: ApiRequest) => {
    calls.push({ op, req });
    return (behaviour[op] ?? fallback)(req);
  };
  const implementations: Implementation[] = [
    { route: userRoutes.list, run: run('listUsers', async () => ({ items: [storedUser('u1'), storedUser('u2')], nextCursor: null })) },
    { route: userRoutes.invite, run: run('inviteUser', async (req) => storedUser('new-1', { email: (req.body as { email: string }).email, status: 'invited' })) },
    { route: userRoutes.get, run: run('getUser', async (req) => storedUser(String(req.params.id))) },
    { route: userRoutes.update, run: run('updateUser', async (req) => storedUser(String(req.params.id), req.body as Record<string, unknown>)) },
    { route: userRoutes.remove, run: run('deleteUser', async () => null) },
  ];
  return { calls, behaviour, implementations };
}

interface Setup {
  audit: MemoryAudit;
  idempotency: MemoryIdempotency;
  domain: ReturnType<typeof usersDomain>;
  invoke: (e: APIGatewayProxyEvent) => Promise<{ statusCode: number; headers: Record<string, string>; body: string; json: any }>;
}

function setup(): Setup {
  const audit = new MemoryAudit();
  const idempotency = new MemoryIdempotency();
  const domain = usersDomain();
  const handler = createApiHandler('users', domain.implementations, { audit, idempotency });
  const invoke = async (e: APIGatewayProxyEvent) => {
    const res = await handler(e, lambdaContext());
    const headers = (res.headers ?? {}) as Record<string, string>;
    return { statusCode: res.statusCode, headers, body: res.body, json: res.body ? JSON.parse(res.body) : undefined };
  };
  return { audit, idempotency, domain, invoke };
}

function expectErrorEnvelope(json: any, code: string, requestId: string) {
  expect(Object.keys(json)).toEqual(['error']);
  expect(Object.keys(json.error).sort()).toEqual(['code', 'details', 'message', 'requestId']);
  expect(json.error.code).toBe(code);
  expect(typeof json.error.message).toBe('string');
  expect(json.error.requestId).toBe(requestId);
}

const fieldsOf = (json: any): string[] => (json.error.details as Array<{ field: string }>).map((d) => d.field);

// ---------------------------------------------------------------------------------------------

describe('createApiHandler: build-time checks', () => {
  const deps = { audit: new MemoryAudit(), idempotency: new MemoryIdempotency() };

  it('builds when the domain implements exactly its routes', () => {
    expect(() => createApiHandler('users', usersDomain().implementations, deps)).not.toThrow();
  });

  it('refuses to build when a route of the domain has no implementation', () => {
    const impls = usersDomain().implementations.filter((i) => i.route !== userRoutes.remove);
    expect(() => createApiHandler('users', impls, deps)).toThrow(/missing implementations \[deleteUser\]/);
  });

  it('refuses to build with no implementations at all, naming each missing one', () => {
    expect(() => createApiHandler('users', [], deps)).toThrow(/listUsers.*inviteUser.*getUser.*updateUser.*deleteUser/);
  });

  it("refuses to build when given an implementation for another domain's route", () => {
    const impls = [...usersDomain().implementations, implement(tenantRoutes.getTenant, async () => ({}) as never)];
    expect(() => createApiHandler('users', impls, deps)).toThrow(/not in the route table \[getTenant\]/);
  });

  it('refuses two implementations of one route', () => {
    const impls = [...usersDomain().implementations, implement(userRoutes.get, async () => ({}) as never)];
    expect(() => createApiHandler('users', impls, deps)).toThrow(/implemented twice \[getUser\]/);
  });

  it('refuses a look-alike route object that is not the one in the table', () => {
    const impls = usersDomain().implementations.map((i) => (i.route === userRoutes.get ? { ...i, route: { ...userRoutes.get } } : i));
    expect(() => createApiHandler('users', impls, deps)).toThrow(/not in the route table \[getUser\]/);
  });
});

describe('createApiHandler: requests', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  describe('success', () => {
    it('answers with the route status and the body parsed by the response schema (internal fields stripped)', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users/{id}', path: '/v1/users/u7', pathParameters: { id: 'u7' } }));
      expect(res.statusCode).toBe(200);
      expect(res.json).toEqual(publicUser('u7'));
      expect(res.json).not.toHaveProperty('pk');
      expect(res.json).not.toHaveProperty('sk');
      expect(res.json).not.toHaveProperty('cognitoUsername');
      expect(res.headers['content-type']).toMatch(/^application\/json/);
    });

    it('strips internal fields inside list items too', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users' }));
      expect(res.statusCode).toBe(200);
      expect(res.json).toEqual({ items: [publicUser('u1'), publicUser('u2')], nextCursor: null });
    });

    it('hands the implementation validated, coerced input and the caller from the authorizer', async () => {
      await s.invoke(event({ method: 'GET', resource: '/v1/users', query: { limit: ['25'], cursor: ['abc'] }, headers: { 'X-Custom': 'v' } }));
      const { req } = s.domain.calls[0]!;
      expect(req.query).toEqual({ limit: 25, cursor: 'abc' });
      expect(req.auth).toEqual(caller('admin'));
      expect(req.sourceIp).toBe('203.0.113.7');
      expect(req.headers['x-custom']).toBe('v');
    });

    it('applies the default limit when none is given', async () => {
      await s.invoke(event({ method: 'GET', resource: '/v1/users' }));
      expect(s.domain.calls[0]!.req.query).toEqual({ limit: 50 });
    });

    it('lower-cases the email and returns 201 on invite', async () => {
      const res = await s.invoke(jsonPost('/v1/users', { email: 'New@Example.COM', role: 'analyst' }));
      expect(res.statusCode).toBe(201);
      expect(s.domain.calls[0]!.req.body).toEqual({ email: 'new@example.com', role: 'analyst' });
      expect(res.json.email).toBe('new@example.com');
    });

    it('accepts a JSON content type with parameters and a +json vendor type', async () => {
      const a = await s.invoke(jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer' }, { headers: { 'content-type': 'application/json; charset=utf-8' } }));
      const b = await s.invoke(jsonPost('/v1/users', { email: 'b@example.com', role: 'viewer' }, { headers: { 'content-type': 'application/merge-patch+json' } }));
      expect([a.statusCode, b.statusCode]).toEqual([201, 201]);
    });

    it('answers 204 with an empty body on delete', async () => {
      const res = await s.invoke(event({ method: 'DELETE', resource: '/v1/users/{id}', pathParameters: { id: 'u9' } }));
      expect(res.statusCode).toBe(204);
      expect(res.body).toBe('');
    });

    it('does not audit a read', async () => {
      await s.invoke(event({ method: 'GET', resource: '/v1/users' }));
      expect(s.audit.entries).toEqual([]);
    });
  });

  describe('validation', () => {
    it('answers 400 with field-level details for a bad body, without calling the implementation', async () => {
      const e = jsonPost('/v1/users', { email: 'not-an-email', role: 'emperor' }, { requestId: 'r-bad' });
      const res = await s.invoke(e);
      expect(res.statusCode).toBe(400);
      expectErrorEnvelope(res.json, 'VALIDATION_ERROR', 'r-bad');
      expect(fieldsOf(res.json).sort()).toEqual(['body.email', 'body.role']);
      for (const d of res.json.error.details) expect(d.message).toEqual(expect.any(String));
      expect(s.domain.calls).toEqual([]);
    });

    it('lists a missing required field', async () => {
      const res = await s.invoke(jsonPost('/v1/users', { email: 'a@example.com' }));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json)).toEqual(['body.role']);
    });

    it('lists each unknown field as body.<name>', async () => {
      const res = await s.invoke(jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer', tenantId: 'tenant-b', isAdmin: true }));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json).sort()).toEqual(['body.isAdmin', 'body.tenantId']);
      expect(res.json.error.details.every((d: { message: string }) => d.message === 'unknown field')).toBe(true);
      expect(s.domain.calls).toEqual([]);
    });

    it('answers INVALID_JSON for a body that does not parse', async () => {
      const res = await s.invoke(jsonPost('/v1/users', '{"email": "a@example.com",', { requestId: 'r-json' }));
      expect(res.statusCode).toBe(400);
      expectErrorEnvelope(res.json, 'INVALID_JSON', 'r-json');
      expect(fieldsOf(res.json)).toEqual(['body']);
    });

    it('answers 400 for a missing body on a route that takes one', async () => {
      const res = await s.invoke(event({ method: 'POST', resource: '/v1/users', headers: { 'content-type': 'application/json' } }));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json)).toEqual(['body']);
    });

    it.each([['text/plain'], ['application/x-www-form-urlencoded'], ['application/jsonx'], ['']])(
      'answers 415 for content-type %j',
      async (contentType) => {
        const headers: Record<string, string> = contentType ? { 'content-type': contentType } : {};
        const res = await s.invoke(jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer' }, { headers, requestId: 'r-415' }));
        expect(res.statusCode).toBe(415);
        expectErrorEnvelope(res.json, 'UNSUPPORTED_MEDIA_TYPE', 'r-415');
        expect(s.domain.calls).toEqual([]);
      },
    );

    it('validates path parameters (params.id)', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users/{id}', pathParameters: { id: 'a#b' } }));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json)).toEqual(['params.id']);
    });

    it('validates the query (query.limit above 500)', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users', query: { limit: ['501'] } }));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json)).toEqual(['query.limit']);
    });

    it('reports every offending location at once (params and body)', async () => {
      const e = event({
        method: 'PATCH',
        resource: '/v1/users/{id}',
        pathParameters: { id: '' },
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'emperor' }),
      });
      const res = await s.invoke(e);
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json).sort()).toEqual(['body.role', 'params.id']);
    });
  });

  describe('authorization', () => {
    it('answers 403 with the required permission for a role that lacks it, and audits the denial', async () => {
      const e = event({ method: 'GET', resource: '/v1/users', auth: caller('finops_manager', { principalId: 'fm-1' }), requestId: 'r-403' });
      const res = await s.invoke(e);
      expect(res.statusCode).toBe(403);
      expectErrorEnvelope(res.json, 'FORBIDDEN', 'r-403');
      expect(res.json.error.details).toMatchObject({ requiredPermission: 'users:read', role: 'finops_manager', minimumRole: 'admin' });
      expect(s.domain.calls).toEqual([]);
      expect(s.audit.entries).toHaveLength(1);
      expect(s.audit.entries[0]).toMatchObject({
        tenantId: TENANT,
        entry: {
          result: 'denied',
          statusCode: 403,
          action: 'listUsers',
          reason: 'users:read',
          requestId: 'r-403',
          actor: { type: 'user', id: 'fm-1' },
        },
      });
    });

    it('denies a mutating call before validating its body', async () => {
      const res = await s.invoke(jsonPost('/v1/users', { nonsense: true }, { auth: caller('viewer') }));
      expect(res.statusCode).toBe(403);
      expect(s.audit.entries.map((a) => a.entry.result)).toEqual(['denied']);
    });

    it('answers 401 on a protected route without an authorizer context, without calling the implementation', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users', auth: null, requestId: 'r-401' }));
      expect(res.statusCode).toBe(401);
      expectErrorEnvelope(res.json, 'UNAUTHORIZED', 'r-401');
      expect(s.domain.calls).toEqual([]);
    });

    it('treats a malformed authorizer context (unknown role) as no caller', async () => {
      const e = event({ method: 'GET', resource: '/v1/users' });
      (e.requestContext.authorizer as Record<string, string>).role = 'superuser';
      const res = await s.invoke(e);
      expect(res.statusCode).toBe(401);
    });
  });

  describe('audit trail', () => {
    it('writes a success entry for a mutating call, with action = operationId', async () => {
      const res = await s.invoke(
        event({ method: 'DELETE', resource: '/v1/users/{id}', pathParameters: { id: 'u9' }, auth: caller('admin', { principalId: 'admin-1' }), requestId: 'r-del' }),
      );
      expect(res.statusCode).toBe(204);
      expect(s.audit.entries).toEqual([
        {
          tenantId: TENANT,
          entry: {
            actor: { type: 'user', id: 'admin-1', email: 'caller@example.com' },
            action: 'deleteUser',
            target: { path: '/v1/users/{id}', params: { id: 'u9' } },
            result: 'success',
            statusCode: 204,
            requestId: 'r-del',
            sourceIp: '203.0.113.7',
            reason: null,
          },
        },
      ]);
    });

    it('records an API key caller as an apiKey actor', async () => {
      await s.invoke(jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer' }, { auth: caller('admin', { principalType: 'apiKey', principalId: 'key-1', email: null, sessionId: null, sessionExpiresAt: null }) }));
      expect(s.audit.entries[0]!.entry).toMatchObject({ action: 'inviteUser', result: 'success', statusCode: 201, actor: { type: 'apiKey', id: 'key-1', email: null } });
    });

    it('writes a failure entry with the status when a mutating call fails with a domain error', async () => {
      s.domain.behaviour.updateUser = async () => {
        throw new NotFound('No such user.');
      };
      const e = event({ method: 'PATCH', resource: '/v1/users/{id}', pathParameters: { id: 'ghost' }, headers: { 'content-type': 'application/json' }, body: '{"name":"X"}' });
      const res = await s.invoke(e);
      expect(res.statusCode).toBe(404);
      expectErrorEnvelope(res.json, 'NOT_FOUND', e.requestContext.requestId);
      expect(s.audit.entries).toHaveLength(1);
      expect(s.audit.entries[0]!.entry).toMatchObject({ action: 'updateUser', result: 'failure', statusCode: 404, reason: 'NOT_FOUND', target: { params: { id: 'ghost' } } });
    });

    it('writes a failure entry for a rejected (400) mutating call', async () => {
      const res = await s.invoke(jsonPost('/v1/users', { email: 'bad', role: 'viewer' }));
      expect(res.statusCode).toBe(400);
      expect(s.audit.entries.map((a) => [a.entry.result, a.entry.statusCode, a.entry.reason])).toEqual([['failure', 400, 'VALIDATION_ERROR']]);
    });

    it('still answers when the audit writer fails', async () => {
      s.audit.fail = true;
      const res = await s.invoke(jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer' }));
      expect(res.statusCode).toBe(201);
    });
  });

  describe('unexpected errors', () => {
    it('answers 500 INTERNAL_ERROR without leaking the internal message, and audits the failure', async () => {
      s.domain.behaviour.inviteUser = async () => {
        throw new Error('ConditionalCheckFailed on table prod-secret-table at 10.0.0.12');
      };
      const res = await s.invoke(jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer' }, { requestId: 'r-500' }));
      expect(res.statusCode).toBe(500);
      expectErrorEnvelope(res.json, 'INTERNAL_ERROR', 'r-500');
      expect(res.json.error.details).toBeNull();
      expect(res.body).not.toMatch(/prod-secret-table|10\.0\.0\.12|ConditionalCheckFailed|stack/i);
      expect(s.audit.entries[0]!.entry).toMatchObject({ result: 'failure', statusCode: 500, reason: 'INTERNAL_ERROR' });
    });

    it('answers 500 (not the raw object) when an implementation breaks its response contract', async () => {
      s.domain.behaviour.getUser = async () => ({ id: 'u1', secretHash: 'abc' });
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users/{id}', pathParameters: { id: 'u1' } }));
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain('secretHash');
    });

    it('answers 404 in the envelope for a resource this domain does not serve', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/tenant', requestId: 'r-404' }));
      expect(res.statusCode).toBe(404);
      expectErrorEnvelope(res.json, 'NOT_FOUND', 'r-404');
    });
  });

  describe('Idempotency-Key', () => {
    const invite = (key: string | undefined, body: unknown, auth = caller('admin')) =>
      jsonPost('/v1/users', body, {
        auth,
        headers: { 'content-type': 'application/json', ...(key ? { 'Idempotency-Key': key } : {}) },
      });
    const BODY = { email: 'a@example.com', role: 'viewer' };

    it('does nothing without the header', async () => {
      await s.invoke(invite(undefined, BODY));
      expect(s.idempotency.calls).toEqual([]);
    });

    it('ignores the header on reads', async () => {
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users', headers: { 'idempotency-key': 'key-12345678' } }));
      expect(res.statusCode).toBe(200);
      expect(s.idempotency.calls).toEqual([]);
    });

    it('rejects a malformed key with a 400 on headers.idempotency-key, before running', async () => {
      const res = await s.invoke(invite('short', BODY));
      expect(res.statusCode).toBe(400);
      expect(fieldsOf(res.json)).toEqual(['headers.idempotency-key']);
      expect(s.domain.calls).toEqual([]);
    });

    it('replays the first answer for a retry with the same key and body, without running again', async () => {
      const first = await s.invoke(invite('key-12345678', BODY));
      const retry = await s.invoke(invite('key-12345678', BODY));
      expect(first.statusCode).toBe(201);
      expect(retry.statusCode).toBe(201);
      expect(retry.json).toEqual(first.json);
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.headers).toMatchObject(SECURITY_HEADERS);
      expect(s.domain.calls).toHaveLength(1);
      expect(s.idempotency.calls).toEqual(['claim', 'complete', 'claim']);
    });

    it('answers 409 IDEMPOTENCY_KEY_REUSED for the same key with a different body', async () => {
      await s.invoke(invite('key-12345678', BODY));
      const res = await s.invoke(invite('key-12345678', { ...BODY, role: 'admin' }));
      expect(res.statusCode).toBe(409);
      expect(res.json.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
      expect(s.domain.calls).toHaveLength(1);
    });

    it('answers 409 REQUEST_IN_PROGRESS while the first request still runs', async () => {
      let finish!: () => void;
      s.domain.behaviour.inviteUser = () => new Promise((resolve) => (finish = () => resolve(storedUser('slow'))));
      const first = s.invoke(invite('key-12345678', BODY));
      await vi.waitFor(() => expect(s.domain.calls).toHaveLength(1));
      const second = await s.invoke(invite('key-12345678', BODY));
      expect(second.statusCode).toBe(409);
      expect(second.json.error.code).toBe('REQUEST_IN_PROGRESS');
      finish();
      expect((await first).statusCode).toBe(201);
    });

    it('releases the key when the call fails, so a retry runs again', async () => {
      s.domain.behaviour.inviteUser = async () => {
        throw new Error('transient');
      };
      expect((await s.invoke(invite('key-12345678', BODY))).statusCode).toBe(500);
      delete s.domain.behaviour.inviteUser;
      expect((await s.invoke(invite('key-12345678', BODY))).statusCode).toBe(201);
      expect(s.domain.calls).toHaveLength(2);
      expect(s.idempotency.calls).toEqual(['claim', 'release', 'claim', 'complete']);
    });

    it('answers a done write even when its record cannot be completed; a retry then waits instead of running again', async () => {
      s.idempotency.failComplete = true;
      const first = await s.invoke(invite('key-12345678', BODY));
      expect(first.statusCode).toBe(201);
      expect(s.audit.entries.map((e) => e.entry.result)).toEqual(['success']);
      const retry = await s.invoke(invite('key-12345678', BODY));
      expect(retry.statusCode).toBe(409);
      expect(retry.json.error.code).toBe('REQUEST_IN_PROGRESS');
      expect(s.domain.calls).toHaveLength(1);
    });

    it('audits a replay as a replay, not as a second change', async () => {
      await s.invoke(invite('key-12345678', BODY));
      await s.invoke(invite('key-12345678', BODY));
      expect(s.audit.entries.map((e) => [e.entry.result, e.entry.reason])).toEqual([
        ['success', null],
        ['success', 'IDEMPOTENT_REPLAY'],
      ]);
    });

    it('scopes keys to the caller: another principal with the same key runs its own request', async () => {
      await s.invoke(invite('key-12345678', BODY, caller('admin', { principalId: 'admin-1' })));
      const res = await s.invoke(invite('key-12345678', BODY, caller('admin', { principalId: 'admin-2' })));
      expect(res.statusCode).toBe(201);
      expect(res.headers['idempotent-replayed']).toBeUndefined();
      expect(s.domain.calls).toHaveLength(2);
    });
  });

  describe('headers', () => {
    it('puts the security headers and x-request-id on every answer, success or error', async () => {
      const cases: Array<[number, APIGatewayProxyEvent]> = [
        [200, event({ method: 'GET', resource: '/v1/users', requestId: 'h-200' })],
        [201, jsonPost('/v1/users', { email: 'a@example.com', role: 'viewer' }, { requestId: 'h-201' })],
        [204, event({ method: 'DELETE', resource: '/v1/users/{id}', pathParameters: { id: 'u1' }, requestId: 'h-204' })],
        [400, jsonPost('/v1/users', '{', { requestId: 'h-400' })],
        [401, event({ method: 'GET', resource: '/v1/users', auth: null, requestId: 'h-401' })],
        [403, event({ method: 'GET', resource: '/v1/users', auth: caller('viewer'), requestId: 'h-403' })],
        [404, event({ method: 'GET', resource: '/nope', requestId: 'h-404' })],
        [415, jsonPost('/v1/users', '{}', { headers: { 'content-type': 'text/plain' }, requestId: 'h-415' })],
      ];
      for (const [status, e] of cases) {
        const res = await s.invoke(e);
        expect(res.statusCode, e.requestContext.requestId).toBe(status);
        expect(res.headers, e.requestContext.requestId).toMatchObject(SECURITY_HEADERS);
        expect(res.headers['x-request-id'], e.requestContext.requestId).toBe(e.requestContext.requestId);
      }
      s.domain.behaviour.listUsers = async () => {
        throw new Error('boom');
      };
      const res = await s.invoke(event({ method: 'GET', resource: '/v1/users', requestId: 'h-500' }));
      expect(res.statusCode).toBe(500);
      expect(res.headers).toMatchObject(SECURITY_HEADERS);
      expect(res.headers['x-request-id']).toBe('h-500');
    });

    it('includes the expected security header values', () => {
      expect(SECURITY_HEADERS).toMatchObject({
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'DENY',
        'cache-control': 'no-store',
      });
      expect(SECURITY_HEADERS['strict-transport-security']).toMatch(/max-age=\d+/);
    });
  });
});

describe('CORS for the console origin', () => {
  const build = (consoleOrigin: string | null) => {
    const handler = createApiHandler('users', usersDomain().implementations, {
      audit: new MemoryAudit(),
      idempotency: new MemoryIdempotency(),
      consoleOrigin,
    });
    return async (e: APIGatewayProxyEvent) => ((await handler(e, lambdaContext())).headers ?? {}) as Record<string, string>;
  };

  it('lets the configured console origin read successes and errors alike', async () => {
    const invoke = build('https://d111.cloudfront.net');
    for (const headers of [
      await invoke(event({ method: 'GET', resource: '/v1/users' })),
      await invoke(event({ method: 'GET', resource: '/v1/users', auth: caller('viewer') })),
    ]) {
      expect(headers['access-control-allow-origin']).toBe('https://d111.cloudfront.net');
      expect(headers.vary).toBe('Origin');
      expect(headers['access-control-expose-headers']).toContain('x-request-id');
    }
  });

  it('sends no CORS header where console and API share an origin', async () => {
    const headers = await build(null)(event({ method: 'GET', resource: '/v1/users' }));
    expect(headers['access-control-allow-origin']).toBeUndefined();
  });
});
