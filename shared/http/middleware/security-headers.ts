import type middy from '@middy/core';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';
import { SECURITY_HEADERS } from '../response.js';

/** Adds the security headers and the request id to every answer, success or error. */
export function securityHeaders(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  const decorate: middy.MiddlewareFn<ApiEvent, ApiResult, Error, ApiContext> = (request) => {
    if (!request.response) return;
    const requestId = request.context.api?.request.requestId ?? request.event.requestContext?.requestId;
    request.response.headers = {
      ...request.response.headers,
      ...SECURITY_HEADERS,
      ...(requestId ? { 'x-request-id': requestId } : {}),
    };
  };
  return { after: decorate, onError: decorate };
}
