import type { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import type { z } from 'zod';
import type { AuthContext } from '../auth/context.js';
import type { StoredResponse } from '../db/idempotency.js';
import { Unauthorized } from '../errors.js';
import type { AnyRoute, RouteInput } from './route.js';

/** What a route implementation receives: validated input and who is calling. Never the raw event. */
export interface ApiRequest<R extends AnyRoute = AnyRoute> extends RouteInput<R> {
  /** Set by the authorizer; null only on public routes. */
  auth: AuthContext | null;
  requestId: string;
  sourceIp: string | null;
  /** Request headers, lower-cased names. */
  headers: Readonly<Record<string, string>>;
  log: Logger;
  /** An implementation may name what it acted on, for the audit entry (e.g. the new tenant at sign-up). */
  auditAs?: { tenantId: string; actorId?: string; actorEmail?: string };
}

/** The caller on a protected route (the authorizer guarantees one there). */
export function callerOf(req: ApiRequest): AuthContext {
  if (!req.auth) throw new Unauthorized('Authentication required.');
  return req.auth;
}

/** Per-invocation state the middlewares share, carried on the Lambda context object. */
export interface ApiState {
  route: AnyRoute;
  request: ApiRequest;
  method: string;
  /** Set by the idempotency middleware: the key in use, and the stored answer when this is a retry. */
  idempotency?: { key: string; replay?: StoredResponse };
}

export type ApiContext = Context & { api?: ApiState };
export type ApiEvent = APIGatewayProxyEvent;
export type ApiResult = APIGatewayProxyResult;

export interface Implementation {
  route: AnyRoute;
  run: (req: ApiRequest) => Promise<unknown>;
}

/** Ties a route to its implementation, typed by the route's own schemas. */
export function implement<R extends AnyRoute>(
  route: R,
  run: (req: ApiRequest<R>) => Promise<z.input<R['response']>>,
): Implementation {
  return { route, run: run as (req: ApiRequest) => Promise<unknown> };
}
