import type { z } from 'zod';
import type { Permission } from '../auth/permissions.js';

/**
 * One route of the API: the single source for the local gateway, the CDK API (Foundation II), the
 * OpenAPI document and request/response validation.
 */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One Lambda per domain; each route names the domain whose handler serves it. */
export const DOMAINS = ['platform', 'auth', 'tenants', 'users', 'apikeys', 'audit', 'billing', 'costs', 'analysis', 'budgets', 'alerts', 'accounts', 'recommendations', 'assistant'] as const;
export type Domain = (typeof DOMAINS)[number];

export type ZodObjectLike = z.ZodType<Record<string, unknown>>;

export interface RouteDef<
  P extends ZodObjectLike | undefined = ZodObjectLike | undefined,
  Q extends ZodObjectLike | undefined = ZodObjectLike | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  R extends z.ZodType = z.ZodType,
> {
  operationId: string;
  method: HttpMethod;
  /** API Gateway resource path, with `{name}` parameters. */
  path: string;
  domain: Domain;
  summary: string;
  tag: string;
  /** `public` routes skip the authorizer; every other route names the permission it needs. */
  access: 'public' | { permission: Permission };
  params?: P;
  query?: Q;
  body?: B;
  /** A valid body: shown in the OpenAPI document, and sent by the proof harness to every write route. */
  example?: B extends z.ZodType ? z.input<B> : never;
  response: R;
  /** Success status; 204 sends no body. */
  status: 200 | 201 | 202 | 204;
  /** Mutating calls are audited by default; sign-in calls that change nothing opt out. */
  audit?: boolean;
}

export type AnyRoute = RouteDef<ZodObjectLike | undefined, ZodObjectLike | undefined, z.ZodType | undefined, z.ZodType>;

// Optional route fields read as `S | undefined`; a route that omits one gets an empty value.
type Out<S, Empty> = [S] extends [undefined] ? Empty : z.output<NonNullable<S>>;

export interface RouteInput<R extends AnyRoute> {
  params: Out<R['params'], Record<string, never>>;
  query: Out<R['query'], Record<string, never>>;
  body: Out<R['body'], undefined>;
}

export const defineRoute = <
  P extends ZodObjectLike | undefined = undefined,
  Q extends ZodObjectLike | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
  R extends z.ZodType = z.ZodType,
>(route: RouteDef<P, Q, B, R>): RouteDef<P, Q, B, R> => route;

export const isMutating = (route: AnyRoute): boolean => route.method !== 'GET';

export const isAudited = (route: AnyRoute): boolean => route.audit ?? isMutating(route);
