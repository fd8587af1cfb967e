import type middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { isDomainError } from '../../errors.js';
import { metrics } from '../../observability.js';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';

/** Counts requests, client errors and server errors (EMF, flushed by Powertools' logMetrics). */
export function requestMetrics(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    after: () => {
      metrics.addMetric('Requests', MetricUnit.Count, 1);
    },
    onError: ({ error }) => {
      metrics.addMetric('Requests', MetricUnit.Count, 1);
      const status = isDomainError(error) ? error.status : 500;
      metrics.addMetric(status >= 500 ? 'ServerErrors' : 'ClientErrors', MetricUnit.Count, 1);
    },
  };
}
