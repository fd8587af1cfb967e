import type middy from '@middy/core';
import { isDomainError } from '../../errors.js';
import { logger } from '../../observability.js';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';
import { errorResponse } from '../response.js';

/**
 * Turns a thrown error into the error envelope. Typed domain errors keep their status and code;
 * anything else is a 500 that says nothing about internals and is logged with the request id.
 */
export function errorEnvelope(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    onError: (request) => {
      const { error, context, event } = request;
      const requestId = context.api?.request.requestId ?? event.requestContext?.requestId ?? null;
      if (isDomainError(error)) {
        request.response = errorResponse(error.status, error.code, error.message, requestId, error.details);
        return;
      }
      (context.api?.request.log ?? logger).error('unhandled error', error as Error);
      request.response = errorResponse(
        500,
        'INTERNAL_ERROR',
        'Something went wrong on our side. Quote the request id if you contact support.',
        requestId,
      );
    },
  };
}
