import type { z } from 'zod';
import type { AnyRoute } from '#shared/http/route.js';
import { ApiError } from './errors.js';

/**
 * One typed call per route of the API's own route table (shared/contracts): the path, method and
 * response schema come from the contract, so the console cannot drift from the API unnoticed.
 */
export type QueryValue = string | number | boolean | null | undefined | readonly string[];

export interface CallInput<R extends AnyRoute> {
  params?: NonNullable<R['params']> extends z.ZodType ? z.input<NonNullable<R['params']>> : never;
  query?: Record<string, QueryValue>;
  body?: NonNullable<R['body']> extends z.ZodType ? z.input<NonNullable<R['body']>> : never;
  signal?: AbortSignal;
  idempotencyKey?: string;
}

export type Output<R extends AnyRoute> = z.output<R['response']>;

/** Supplies a fresh bearer token, refreshing it first when it is about to expire; null when signed out. */
export interface TokenSource {
  token(): Promise<string | null>;
  /** Called on a 401: refresh once and answer the new token, or null to give up (signs out). */
  renew(): Promise<string | null>;
}

export function buildPath(path: string, params: Record<string, string> = {}): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
}

export function buildQuery(query: Record<string, QueryValue> = {}): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    if (Array.isArray(value)) for (const v of value) search.append(key, v);
    else search.append(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : '';
}

export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly tokens: TokenSource,
  ) {}

  async call<R extends AnyRoute>(route: R, input: CallInput<R> = {}): Promise<Output<R>> {
    const url = `${this.baseUrl}${buildPath(route.path, input.params as Record<string, string> | undefined)}${buildQuery(input.query)}`;
    const isPublic = route.access === 'public';
    let token = isPublic ? null : await this.tokens.token();
    let res = await this.send(route, url, input, token);
    if (res.status === 401 && !isPublic) {
      token = await this.tokens.renew();
      if (token) res = await this.send(route, url, input, token);
    }
    if (!res.ok) throw await toApiError(res);
    if (res.status === 204) return null as Output<R>;
    const data: unknown = await res.json();
    const parsed = route.response.safeParse(data);
    if (!parsed.success) {
      // The API answered with a shape its own contract does not allow: a bug to surface, not hide.
      console.error(`[api] ${route.operationId} answered outside its contract`, parsed.error.issues);
      throw new ApiError(502, 'CONTRACT_MISMATCH', `The API's answer to ${route.operationId} did not match its contract.`);
    }
    return parsed.data as Output<R>;
  }

  private send<R extends AnyRoute>(route: R, url: string, input: CallInput<R>, token: string | null): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (input.body !== undefined) headers['content-type'] = 'application/json';
    if (input.idempotencyKey) headers['idempotency-key'] = input.idempotencyKey;
    return fetch(url, {
      method: route.method,
      headers,
      body: input.body === undefined ? undefined : JSON.stringify(input.body),
      signal: input.signal,
    });
  }
}

async function toApiError(res: Response): Promise<ApiError> {
  try {
    const body = (await res.json()) as { error?: { code?: string; message?: string; details?: unknown; requestId?: string | null } };
    if (body.error?.message) {
      return new ApiError(res.status, body.error.code ?? 'ERROR', body.error.message, body.error.details ?? null, body.error.requestId ?? null);
    }
  } catch {
    // not JSON
  }
  return new ApiError(res.status, 'HTTP_ERROR', `The API answered ${res.status} ${res.statusText}.`);
}
