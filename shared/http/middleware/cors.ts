import type middy from '@middy/core';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';

/**
 * Lets the console's origin read every answer, success or error. API Gateway answers preflight
 * requests and its own errors (lib/api.ts); this covers what the handlers answer.
 */
export function cors(origin: string | null): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  const decorate: middy.MiddlewareFn<ApiEvent, ApiResult, Error, ApiContext> = (request) => {
    if (!origin || !request.response) return;
    request.response.headers = {
      ...request.response.headers,
      'access-control-allow-origin': origin,
      'access-control-expose-headers': 'x-request-id, idempotent-replayed',
      vary: 'Origin',
    };
  };
  return { after: decorate, onError: decorate };
}
