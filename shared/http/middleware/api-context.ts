import type middy from '@middy/core';
import { fromAuthorizerContext } from '../../auth/context.js';
import { NotFound } from '../../errors.js';
import { logger } from '../../observability.js';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';
import type { AnyRoute } from '../route.js';

/**
 * Finds the route this invocation serves (by API Gateway's resource template and method) and
 * records who is calling, as the authorizer decided. Runs first; every later middleware reads it.
 */
export function apiContext(routes: readonly AnyRoute[]): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  const byKey = new Map(routes.map((r) => [`${r.method} ${r.path}`, r]));
  return {
    before: (request) => {
      const { event, context } = request;
      const requestId = event.requestContext?.requestId ?? context.awsRequestId;
      const route = byKey.get(`${event.httpMethod} ${event.resource}`);
      const headers: Record<string, string> = Object.create(null);
      for (const [name, value] of Object.entries(event.headers ?? {})) {
        if (value !== undefined) headers[name.toLowerCase()] = value;
      }
      const auth = fromAuthorizerContext(event.requestContext?.authorizer);
      const log = logger.createChild({
        persistentKeys: { requestId, route: route ? `${route.method} ${route.path}` : event.resource, tenantId: auth?.tenantId },
      });
      if (!route) throw new NotFound(`No route ${event.httpMethod} ${event.path}.`);
      context.api = {
        route,
        method: event.httpMethod,
        request: {
          params: {},
          query: {},
          body: undefined,
          auth,
          requestId,
          sourceIp: event.requestContext?.identity?.sourceIp ?? null,
          headers,
          log,
        },
      };
    },
  };
}
