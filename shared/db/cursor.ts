import { createHmac, timingSafeEqual } from 'node:crypto';
import { Invalid } from '../errors.js';

/**
 * Pagination cursors: DynamoDB's LastEvaluatedKey, bound to the tenant and to the query that minted
 * it and signed, so a cursor replayed by another tenant or against another query answers
 * 400 INVALID_CURSOR instead of leaking a position (or an item) across that boundary.
 */
type StartKey = Record<string, unknown>;

interface CursorPayload {
  t: string; // tenant
  q: string; // query fingerprint
  k: StartKey;
}

const invalid = () => new Invalid('The cursor is not valid for this query.', [
  { field: 'query.cursor', message: 'cursor was not issued for this query' },
], 'INVALID_CURSOR');

const sign = (secret: string, body: string) => createHmac('sha256', secret).update(body).digest('base64url');

/** A stable fingerprint of the query's own parameters (cursor and limit excluded). */
export function queryFingerprint(route: string, params: Record<string, unknown>): string {
  const canonical = JSON.stringify([route, Object.keys(params).sort().map((k) => [k, params[k]])]);
  return createHmac('sha256', 'query').update(canonical).digest('base64url').slice(0, 22);
}

export function encodeCursor(secret: string, tenantId: string, fingerprint: string, key: StartKey): string {
  const body = Buffer.from(JSON.stringify({ t: tenantId, q: fingerprint, k: key } satisfies CursorPayload)).toString('base64url');
  return `${body}.${sign(secret, body)}`;
}

export function decodeCursor(secret: string, tenantId: string, fingerprint: string, cursor: string): StartKey {
  const [body, mac, extra] = cursor.split('.');
  if (!body || !mac || extra !== undefined) throw invalid();
  const expected = Buffer.from(sign(secret, body));
  const given = Buffer.from(mac);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid();
  let payload: CursorPayload;
  try {
    payload = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as CursorPayload;
  } catch {
    throw invalid();
  }
  if (typeof payload !== 'object' || payload === null || payload.t !== tenantId || payload.q !== fingerprint || typeof payload.k !== 'object' || payload.k === null) {
    throw invalid();
  }
  return payload.k;
}
