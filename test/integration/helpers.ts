import { randomUUID } from 'node:crypto';
import { AdminSetUserPasswordCommand, CognitoIdentityProviderClient } from '@aws-sdk/client-cognito-identity-provider';
import { expect, inject } from 'vitest';

/** A thin HTTP client for the local platform; tests see only what a real client sees. */
export interface ApiResponse<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface CallOptions {
  method?: string;
  token?: string;
  apiKey?: string;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export const baseUrl = () => inject('baseUrl');
export const DEMO_PASSWORD = () => inject('demoPassword');
export const PASSWORD = 'Sup3r-Secret-Pass!';

export async function api<T = any>(path: string, options: CallOptions = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  if (options.apiKey) headers.authorization = `ApiKey ${options.apiKey}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const res = await fetch(`${baseUrl()}${path}`, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await res.text();
  let parsed: unknown = null;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}

/** Asserts the error envelope and its code; returns the error for further checks. */
export function expectError(res: ApiResponse, status: number, code?: string) {
  expect(res.status, JSON.stringify(res.body)).toBe(status);
  expect(Object.keys(res.body)).toEqual(['error']);
  expect(res.body.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
  expect(res.body.error).toHaveProperty('details');
  expect(res.body.error).toHaveProperty('requestId');
  if (code) expect(res.body.error.code).toBe(code);
  return res.body.error as { code: string; message: string; details: any; requestId: string };
}

export interface Session {
  email: string;
  idToken: string;
  refreshToken: string;
  tenantId: string;
  userId: string;
}

export async function logIn(email: string, password: string): Promise<Session> {
  const res = await api('/v1/auth/login', { body: { email, password } });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const me = await api('/v1/me', { token: res.body.idToken });
  expect(me.status).toBe(200);
  return { email, idToken: res.body.idToken, refreshToken: res.body.refreshToken, tenantId: me.body.tenant.id, userId: me.body.principal.id };
}

export const uniqueEmail = (label: string) => `${label}-${randomUUID().slice(0, 8)}@test.example`;

/** Signs up a new organization and signs its admin in. */
export async function newTenant(label: string): Promise<Session> {
  const email = uniqueEmail(label);
  const res = await api('/v1/auth/signup', { body: { email, password: PASSWORD, organizationName: `${label} Inc` } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return logIn(email, PASSWORD);
}

/**
 * Sets a user's password in the identity provider, as an operator would with the Cognito admin API.
 * Invitations deliver temporary passwords by email (in AWS) or the log (locally); tests cannot read
 * either, so they set one. `permanent: false` leaves the user to complete NEW_PASSWORD_REQUIRED.
 */
export async function setPassword(email: string, password: string, permanent: boolean): Promise<void> {
  const client = new CognitoIdentityProviderClient({
    endpoint: inject('cognitoEndpoint'),
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await client.send(new AdminSetUserPasswordCommand({ UserPoolId: inject('userPoolId'), Username: email, Password: password, Permanent: permanent }));
  client.destroy();
}

/** Invites a user with a role into the admin's tenant and signs them in. */
export async function addUser(admin: Session, role: string, label = role): Promise<Session & { role: string }> {
  const email = uniqueEmail(label);
  const res = await api('/v1/users', { token: admin.idToken, body: { email, role } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  await setPassword(email, PASSWORD, true);
  return { ...(await logIn(email, PASSWORD)), role };
}

/** Polls until `check` passes or the deadline passes; returns the elapsed milliseconds. */
export async function eventually(check: () => Promise<boolean>, withinMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started <= withinMs) {
    if (await check()) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`condition not met within ${withinMs} ms`);
}

/** Every item of a paged list route (`path` may carry its own query), 500 a page, each page a 200. */
export async function allItems(path: string, token: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const res: ApiResponse = await api(`${path}${path.includes('?') ? '&' : '?'}limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.nextCursor;
  } while (cursor);
  return items;
}

/** The seed collects the demo accounts in the background; their recommendations arrive with the collection's last step. */
export async function demoRecommendationsAnalysed(admin: Session): Promise<void> {
  for (let i = 0; i < 1200; i++) {
    const res = await api('/v1/recommendations/summary', { token: admin.idToken });
    if (res.status === 200 && res.body.analyzedAt && res.body.open.count > 0) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('no recommendations after the demo collection');
}
