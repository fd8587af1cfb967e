import { describe, expect, it } from 'vitest';
import { ROUTES } from '#shared/contracts/routes.js';
import { openApiDocument } from '#shared/http/openapi.js';
import type { AnyRoute } from '#shared/http/route.js';

type Doc = Record<string, any>;

const doc = openApiDocument(ROUTES, '9.8.7') as Doc;
const label = (r: AnyRoute) => `${r.method} ${r.path}`;
const operationOf = (r: AnyRoute): Doc => doc.paths?.[r.path]?.[r.method.toLowerCase()];

/** Every `$ref` value anywhere in a JSON value, with where it was found. */
function collectRefs(value: unknown, at = '#', out: Array<[string, string]> = []): Array<[string, string]> {
  if (Array.isArray(value)) value.forEach((v, i) => collectRefs(v, `${at}/${i}`, out));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (k === '$ref') out.push([at, String(v)]);
      else collectRefs(v, `${at}/${k}`, out);
    }
  }
  return out;
}

/** Resolves a local JSON pointer inside the document; undefined if it leads nowhere. */
function resolvePointer(ref: string): unknown {
  if (!ref.startsWith('#/')) return undefined;
  return ref
    .slice(2)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, seg) => (node && typeof node === 'object' ? (node as Doc)[seg] : undefined), doc);
}

describe('openApiDocument', () => {
  it('is OpenAPI 3.1.0 with the given version', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info.version).toBe('9.8.7');
    expect(typeof doc.info.title).toBe('string');
  });

  it('serializes to JSON and back unchanged (no functions, undefined or cycles)', () => {
    expect(JSON.parse(JSON.stringify(doc))).toEqual(doc);
  });

  it('lists every route under its path and method with its operationId', () => {
    for (const r of ROUTES) {
      const op = operationOf(r);
      expect(op, label(r)).toBeDefined();
      expect(op.operationId, label(r)).toBe(r.operationId);
      expect(op.tags, label(r)).toEqual([r.tag]);
    }
  });

  it('has no operation that is not in the route table', () => {
    const methods = ['get', 'post', 'put', 'patch', 'delete'];
    const documented = Object.entries(doc.paths as Doc).flatMap(([path, ops]) =>
      Object.keys(ops).filter((m) => methods.includes(m)).map((m) => `${m.toUpperCase()} ${path}`),
    );
    expect(documented.sort()).toEqual(ROUTES.map(label).sort());
  });

  it('has unique operationIds across the document', () => {
    const ids = Object.values(doc.paths as Doc).flatMap((ops) => Object.values(ops as Doc).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('resolves every $ref to an existing components.schemas entry', () => {
    const refs = collectRefs(doc);
    expect(refs.length).toBeGreaterThan(0);
    for (const [at, ref] of refs) {
      expect(ref, at).toMatch(/^#\/components\/schemas\/[^/]+$/);
      expect(resolvePointer(ref), `${at} -> ${ref}`).toBeDefined();
    }
  });

  it('names the shared schemas in components (error envelope and the entities marked with an id)', () => {
    const names = Object.keys(doc.components.schemas);
    expect(names).toEqual(expect.arrayContaining(['Error', 'User', 'Tenant', 'ApiKey', 'AuditEntry']));
    expect(doc.components.schemas.Error.properties.error.required.sort()).toEqual(['code', 'details', 'message', 'requestId']);
    // No zod-only leftovers inside component bodies.
    for (const [name, schema] of Object.entries(doc.components.schemas as Doc)) {
      expect(schema, name).not.toHaveProperty('$schema');
      expect(schema, name).not.toHaveProperty('$defs');
      expect(schema, name).not.toHaveProperty('id');
    }
  });

  it('carries security and x-required-permission on protected routes, security [] on public ones', () => {
    for (const r of ROUTES) {
      const op = operationOf(r);
      if (r.access === 'public') {
        expect(op.security, label(r)).toEqual([]);
        expect(op, label(r)).not.toHaveProperty('x-required-permission');
        expect(op.responses, label(r)).not.toHaveProperty('401');
        expect(op.responses, label(r)).not.toHaveProperty('403');
      } else {
        expect(op.security, label(r)).toEqual(expect.arrayContaining([{ bearer: [] }, { apiKey: [] }]));
        expect(op['x-required-permission'], label(r)).toBe(r.access.permission);
        expect(op.responses['401'], label(r)).toBeDefined();
        expect(op.responses['403'], label(r)).toBeDefined();
      }
    }
  });

  it('defines every security scheme that an operation names', () => {
    const schemes = Object.keys(doc.components.securitySchemes);
    for (const r of ROUTES) {
      for (const req of operationOf(r).security as Doc[]) {
        for (const name of Object.keys(req)) expect(schemes, label(r)).toContain(name);
      }
    }
  });

  it('documents the success status of each route, with no body for 204', () => {
    for (const r of ROUTES) {
      const success = operationOf(r).responses[String(r.status)];
      expect(success, label(r)).toBeDefined();
      if (r.status === 204) expect(success.content, label(r)).toBeUndefined();
      else expect(success.content['application/json'].schema, label(r)).toBeDefined();
    }
  });

  it('points every error response at the Error envelope', () => {
    for (const r of ROUTES) {
      for (const [status, response] of Object.entries(operationOf(r).responses as Doc)) {
        if (Number(status) < 400) continue;
        expect(response.content['application/json'].schema, `${label(r)} ${status}`).toEqual({ $ref: '#/components/schemas/Error' });
      }
    }
  });

  it("gives list routes' success schema items (array) and a nullable nextCursor, both required", () => {
    const lists = ROUTES.filter((r) => r.method === 'GET' && r.query && 'cursor' in ((r.query as any).shape ?? {}));
    expect(lists.map((r) => r.operationId).sort()).toEqual(['listAccounts', 'listAlertChannels', 'listAnomalies', 'listApiKeys', 'listAssistantConversations', 'listAuditEntries', 'listBillingIngestions', 'listBillingSources', 'listBudgets', 'listInventory', 'listRecommendations', 'listResources', 'listUsers']);
    for (const r of lists) {
      const schema = operationOf(r).responses['200'].content['application/json'].schema;
      expect(schema.properties.items.type, label(r)).toBe('array');
      expect(schema.properties.items.items, label(r)).toBeDefined();
      expect(schema.properties.nextCursor.type, label(r)).toEqual(expect.arrayContaining(['string', 'null']));
      expect(schema.required, label(r)).toEqual(expect.arrayContaining(['items', 'nextCursor']));
    }
  });

  it('documents path parameters as required and matching the path template', () => {
    for (const r of ROUTES) {
      const op = operationOf(r);
      const inPath = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      const documented = (op.parameters as Doc[]).filter((p) => p.in === 'path');
      expect(documented.map((p) => p.name).sort(), label(r)).toEqual(inPath.sort());
      for (const p of documented) expect(p.required, `${label(r)} ${p.name}`).toBe(true);
    }
  });

  it('documents ?limit and ?cursor on list routes as optional query parameters', () => {
    const op = doc.paths['/v1/users'].get;
    const byName = Object.fromEntries((op.parameters as Doc[]).map((p) => [p.name, p]));
    expect(byName.limit).toMatchObject({ in: 'query', required: false, schema: { maximum: 500, default: 50 } });
    expect(byName.cursor).toMatchObject({ in: 'query', required: false });
  });

  it('gives routes with a body a required JSON requestBody and a 415 answer', () => {
    for (const r of ROUTES) {
      const op = operationOf(r);
      if (r.body) {
        expect(op.requestBody?.required, label(r)).toBe(true);
        expect(op.requestBody.content['application/json'].schema, label(r)).toBeDefined();
        expect(op.responses['415'], label(r)).toBeDefined();
      } else {
        expect(op.requestBody, label(r)).toBeUndefined();
      }
    }
  });

  it('describes a strict request body with its required fields (invite user)', () => {
    const schema = doc.paths['/v1/users'].post.requestBody.content['application/json'].schema;
    expect(schema.required.sort()).toEqual(['email', 'role']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.role.enum).toEqual(['viewer', 'analyst', 'engineer', 'finops_manager', 'admin']);
  });
});
