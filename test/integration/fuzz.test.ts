import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROUTES } from '../../shared/contracts/routes.js';
import { api, baseUrl, logIn, newTenant, PASSWORD, type Session } from './helpers.js';

/**
 * Fuzzing every route of the route table: bodies, queries, path parameters and headers generated
 * and mutated by fast-check. The only acceptable answers are 2xx, or 4xx with the error envelope;
 * a 5xx or a malformed error is a bug. `npm test` runs a few cases per route; `npm run test:deep`
 * sets FUZZ_RUNS higher. A failure prints fast-check's seed and path to replay it
 * (FUZZ_SEED=<seed> reruns the same cases).
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : undefined;

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(
    "' OR '1'='1",
    '"; DROP TABLE users; --',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    '../../etc/passwd',
    'TENANT#other#USER',
    '%00',
    '\u0000\u202e\ud83d\ude00',
    '{"$ne":null}',
    'a'.repeat(70_000),
  ),
);

/** A JSON value, some of them deep, big or odd. */
const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  fc.constant(JSON.parse('['.repeat(200) + ']'.repeat(200))),
  fc.dictionary(hostileString, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 8 }),
);

/** The route's example with one field replaced, removed, or an extra one added. */
function mutatedExample(example: Record<string, unknown>) {
  const keys = Object.keys(example);
  return fc.oneof(
    fc.record({ key: fc.constantFrom(...keys), value: fc.oneof(anyJson, hostileString) }).map(({ key, value }) => ({ ...example, [key]: value })),
    fc.constantFrom(...keys).map((key) => Object.fromEntries(Object.entries(example).filter(([k]) => k !== key))),
    fc.record({ key: hostileString, value: anyJson }).map(({ key, value }) => ({ ...example, [key]: value })),
  );
}

const bodyFor = (example: unknown) =>
  fc.oneof(
    anyJson.map((v) => ({ raw: JSON.stringify(v), type: 'application/json' })),
    ...(example && typeof example === 'object' ? [mutatedExample(example as Record<string, unknown>).map((v) => ({ raw: JSON.stringify(v), type: 'application/json' }))] : []),
    fc.string({ maxLength: 200 }).map((raw) => ({ raw, type: 'application/json' })), // mostly invalid JSON
    fc.constantFrom('text/plain', 'application/xml', 'multipart/form-data', '').map((type) => ({ raw: JSON.stringify(example ?? {}), type })),
  );

const queryFor = fc.dictionary(
  fc.oneof(fc.constantFrom('limit', 'cursor', 'from', 'to', 'actor', 'action', 'result', 'filter[service]'), hostileString),
  fc.oneof(hostileString, fc.integer().map(String)),
  { maxKeys: 4 },
);

const expectEnvelope = (status: number, body: any, label: string) => {
  expect(status, label).toBeLessThan(500);
  if (status >= 400) {
    expect(body?.error, label).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  }
};

describe('fuzzing every route', () => {
  let session: Session;
  beforeAll(async () => {
    session = await newTenant('fuzz');
  });

  for (const route of ROUTES) {
    it(`${route.method} ${route.path} answers fuzzed input with 2xx or a 4xx envelope`, async () => {
      await fc.assert(
        fc.asyncProperty(
          route.body ? bodyFor(route.example) : fc.constant(null),
          queryFor,
          fc.oneof(hostileString, fc.constant('does-not-exist')),
          async (body, query, param) => {
            const path = route.path.replace(/\{\w+\}/g, () => encodeURIComponent(param) || 'x');
            const search = new URLSearchParams(Object.entries(query)).toString();
            const headers: Record<string, string> = { authorization: `Bearer ${session.idToken}` };
            if (body) headers['content-type'] = body.type;
            const res = await fetch(`${baseUrl()}${path}${search ? `?${search}` : ''}`, { method: route.method, headers, body: body?.raw });
            const text = await res.text();
            let parsed: unknown = null;
            try {
              parsed = text ? JSON.parse(text) : null;
            } catch {
              parsed = text;
            }
            expectEnvelope(res.status, parsed, `${route.method} ${path} -> ${res.status} ${text.slice(0, 300)}`);
          },
        ),
        { numRuns: RUNS, seed: SEED, endOnFailure: true },
      );
    });
  }

  it('still serves the fuzzed tenant afterwards: an admin remains and every read answers', async () => {
    // A fresh sign-in: the fuzzer may well have sent a valid logout for its own session.
    const fresh = await logIn(session.email, PASSWORD);
    const me = await api('/v1/me', { token: fresh.idToken });
    expect(me.status).toBe(200);
    const users = await api('/v1/users?limit=500', { token: fresh.idToken });
    expect(users.body.items.some((u: { role: string }) => u.role === 'admin')).toBe(true);
    expect((await api('/health/ready')).status).toBe(200);
  });
});
