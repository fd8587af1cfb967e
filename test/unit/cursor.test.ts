import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, queryFingerprint } from '#shared/db/cursor.js';
import { Invalid } from '#shared/errors.js';

const SECRET = 'test-cursor-secret';
const TENANT = 'tenant-a';
const FP = queryFingerprint('listUsers', { status: 'active' });
const KEY = { pk: 'TENANT#tenant-a#USER', sk: 'USER#01HX', n: 3 };

function expectInvalidCursor(fn: () => unknown) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught, 'expected decodeCursor to throw').toBeInstanceOf(Invalid);
  const err = caught as Invalid;
  expect(err.code).toBe('INVALID_CURSOR');
  expect(err.status).toBe(400);
  expect(err.details).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
}

/** Re-signs a body with the real secret, to reach the checks behind the MAC. */
const forge = (payload: unknown) => {
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${createHmac('sha256', SECRET).update(body).digest('base64url')}`;
};

describe('cursor round trip', () => {
  it('decodes what it encoded for the same tenant and query', () => {
    const cursor = encodeCursor(SECRET, TENANT, FP, KEY);
    expect(decodeCursor(SECRET, TENANT, FP, cursor)).toEqual(KEY);
  });

  it('is URL-safe: two base64url segments joined by one dot', () => {
    const cursor = encodeCursor(SECRET, TENANT, FP, KEY);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
  });
});

describe('cursor rejection', () => {
  const cursor = encodeCursor(SECRET, TENANT, FP, KEY);
  const [body, mac] = cursor.split('.') as [string, string];

  it('rejects a tampered body', () => {
    const payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    payload.k.sk = 'USER#ZZZ';
    const tampered = Buffer.from(JSON.stringify(payload)).toString('base64url');
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${tampered}.${mac}`));
  });

  it('rejects a body with one character flipped', () => {
    const flipped = (body[0] === 'A' ? 'B' : 'A') + body.slice(1);
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${flipped}.${mac}`));
  });

  it('rejects a tampered mac (same length and different length)', () => {
    const flipped = (mac[0] === 'A' ? 'B' : 'A') + mac.slice(1);
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${body}.${flipped}`));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${body}.${mac.slice(1)}`));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${body}.${mac}x`));
  });

  it('rejects a cursor signed with another secret', () => {
    const other = encodeCursor('another-secret', TENANT, FP, KEY);
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, other));
  });

  it('rejects a cursor minted for another tenant', () => {
    expectInvalidCursor(() => decodeCursor(SECRET, 'tenant-b', FP, cursor));
  });

  it('rejects a cursor minted for another query', () => {
    const otherFp = queryFingerprint('listUsers', { status: 'invited' });
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, otherFp, cursor));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, queryFingerprint('listApiKeys', { status: 'active' }), cursor));
  });

  it.each([[''], ['.'], ['abc'], ['abc.'], ['.abc'], ['not a cursor'], ['%%%.$$$'], ['🙂.🙂']])('rejects garbage %j', (garbage) => {
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, garbage));
  });

  it('rejects extra dot segments, even after a valid cursor', () => {
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${cursor}.extra`));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${cursor}.`));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, `${body}..${mac}`));
  });

  it('rejects a correctly signed payload whose key is not an object', () => {
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, forge({ t: TENANT, q: FP, k: null })));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, forge({ t: TENANT, q: FP, k: 'x' })));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, forge({ t: TENANT, q: FP })));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, forge(null)));
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, forge(42)));
  });

  it('rejects a correctly signed body that is not JSON', () => {
    const raw = Buffer.from('not json').toString('base64url');
    const signed = `${raw}.${createHmac('sha256', SECRET).update(raw).digest('base64url')}`;
    expectInvalidCursor(() => decodeCursor(SECRET, TENANT, FP, signed));
  });
});

describe('queryFingerprint', () => {
  it('does not depend on parameter order', () => {
    expect(queryFingerprint('r', { a: 1, b: 'x', c: [1, 2] })).toBe(queryFingerprint('r', { c: [1, 2], b: 'x', a: 1 }));
  });

  it('is deterministic', () => {
    expect(queryFingerprint('r', { a: 1 })).toBe(queryFingerprint('r', { a: 1 }));
  });

  it('differs for different values, keys, routes, and presence of a parameter', () => {
    const base = queryFingerprint('r', { a: 1 });
    const others = [
      queryFingerprint('r', { a: 2 }),
      queryFingerprint('r', { a: '1' }),
      queryFingerprint('r', { b: 1 }),
      queryFingerprint('s', { a: 1 }),
      queryFingerprint('r', {}),
      queryFingerprint('r', { a: 1, b: 1 }),
      queryFingerprint('r', { a: [1] }),
    ];
    expect(new Set([base, ...others]).size).toBe(others.length + 1);
  });

  it('does not confuse a route name with a parameter', () => {
    expect(queryFingerprint('a', { b: 1 })).not.toBe(queryFingerprint('ab', {}));
  });
});
