import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { lookup } from 'node:dns/promises';
import { SIGNATURE_HEADER } from './constants.js';

/**
 * Outgoing webhooks (Slack and generic): one JSON POST with a timeout, the HMAC-SHA256 signature
 * generic webhooks carry, and the address check that keeps a tenant's URL from reaching the
 * platform's own network (private, link-local and metadata addresses) in AWS.
 */
export const WEBHOOK_TIMEOUT_MS = 5_000;

export const newSigningSecret = (): string => `whsec_${randomBytes(32).toString('base64url')}`;

/** `t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`: the timestamp lets receivers refuse replays. */
export function signatureOf(secret: string, body: string, timestamp: number): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

/** What a receiver does: recompute and compare in constant time, within a tolerance. */
export function verifySignature(secret: string, body: string, header: string, nowSeconds: number, toleranceSeconds = 300): boolean {
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds || !parts.v1) return false;
  const expected = Buffer.from(signatureOf(secret, body, t).split('v1=')[1]!, 'hex');
  const given = Buffer.from(parts.v1, 'hex');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

const PRIVATE_V4 = [/^10\./, /^127\./, /^169\.254\./, /^172\.(1[6-9]|2\d|3[01])\./, /^192\.168\./, /^0\./, /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\./];
const isPrivate = (ip: string) =>
  isIP(ip) === 4 ? PRIVATE_V4.some((r) => r.test(ip)) : ip === '::1' || ip === '::' || /^f[cd]/i.test(ip) || /^fe80/i.test(ip) || /^::ffff:/i.test(ip);

/**
 * Why a URL may not be sent to, or null. `local`: the local platform, where receivers run on this
 * machine (http and loopback allowed); in AWS only https to public addresses.
 */
export async function refusedTarget(url: string, local: boolean): Promise<string | null> {
  const parsed = new URL(url);
  if (local) return null;
  if (parsed.protocol !== 'https:') return 'must be an https URL';
  if (parsed.username || parsed.password) return 'must not carry credentials';
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) ? [host] : await lookup(host, { all: true }).then((a) => a.map((x) => x.address), () => []);
  if (!addresses.length) return `the host ${host} does not resolve`;
  if (addresses.some(isPrivate)) return 'must be a public address';
  return null;
}

export interface PostResult {
  ok: boolean;
  status: number | null;
  detail: string;
}

export async function postJson(url: string, body: string, headers: Record<string, string> = {}, timeoutMs = WEBHOOK_TIMEOUT_MS): Promise<PostResult> {
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'user-agent': 'CloudOptima-Alerts/1', ...headers },
      body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    await res.arrayBuffer().catch(() => undefined);
    return { ok: res.ok, status: res.status, detail: `${res.status}` };
  } catch (error) {
    const name = (error as Error).name;
    return { ok: false, status: null, detail: name === 'TimeoutError' ? `timed out after ${timeoutMs / 1000} s` : `could not connect: ${(error as Error).message}`.slice(0, 200) };
  }
}

export { SIGNATURE_HEADER };
