import middy from '@middy/core';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import { DynamoAuditWriter, type AuditWriter } from '../audit.js';
import { IdempotencyStore, type IdempotencyRecords } from '../db/idempotency.js';
import { ROUTES } from '../contracts/routes.js';
import type { FunctionRuntime } from '../runtime.js';
import { logger, metrics } from '../observability.js';
import type { ApiContext, ApiEvent, ApiResult, Implementation } from './api-request.js';
import { apiContext } from './middleware/api-context.js';
import { auditTrail } from './middleware/audit-trail.js';
import { authorize } from './middleware/authorize.js';
import { cors } from './middleware/cors.js';
import { errorEnvelope } from './middleware/error-envelope.js';
import { idempotency } from './middleware/idempotency.js';
import { requestMetrics } from './middleware/request-metrics.js';
import { securityHeaders } from './middleware/security-headers.js';
import { validateInput } from './middleware/validate-input.js';
import { jsonResponse } from './response.js';
import type { Domain } from './route.js';

export interface HandlerDeps {
  audit: AuditWriter;
  idempotency: IdempotencyRecords;
  /** The console origin CORS allows; null when console and API share one origin. */
  consoleOrigin?: string | null;
}

/** The stores the middleware stack writes to (audit trail, idempotency records), on the single table. */
export const tableStores = ({ tables, tableName, consoleOrigin }: FunctionRuntime): HandlerDeps => ({
  audit: new DynamoAuditWriter(tables, tableName),
  idempotency: new IdempotencyStore(tables, tableName),
  consoleOrigin,
});

/**
 * One Lambda handler for a domain: a small router over that domain's routes behind the shared
 * middleware stack. It refuses to build unless the domain implements exactly its routes in the table.
 */
export function createApiHandler(domain: Domain, implementations: Implementation[], deps: HandlerDeps) {
  const routes = ROUTES.filter((r) => r.domain === domain);
  const byOperation = new Map(implementations.map((impl) => [impl.route.operationId, impl]));
  const missing = routes.filter((r) => !byOperation.has(r.operationId)).map((r) => r.operationId);
  const extra = implementations.filter((i) => !routes.includes(i.route)).map((i) => i.route.operationId);
  const twice = implementations.filter((i, n) => implementations.findIndex((j) => j.route === i.route) !== n).map((i) => i.route.operationId);
  if (missing.length || extra.length || twice.length) {
    throw new Error(`domain ${domain}: missing implementations [${missing}], not in the route table [${extra}], implemented twice [${twice}]`);
  }

  const dispatch = async (_event: ApiEvent, context: ApiContext): Promise<ApiResult> => {
    const { route, request, idempotency: retry } = context.api!;
    if (retry?.replay) {
      const { statusCode, body, contentType } = retry.replay;
      return { statusCode, body, headers: { ...(contentType ? { 'content-type': contentType } : {}), 'idempotent-replayed': 'true' } };
    }
    const result = await byOperation.get(route.operationId)!.run(request);
    if (route.status === 204) return jsonResponse(204, undefined);
    // Parsing the answer strips anything the contract does not name (keys, internal fields).
    return jsonResponse(route.status, route.response.parse(result));
  };

  // before runs in this order; after and onError in reverse, so the envelope is built after the
  // audit trail has seen the raw error, and the security headers go on the final answer.
  return middy<ApiEvent, ApiResult, Error, ApiContext>(dispatch)
    .use(injectLambdaContext(logger))
    .use(logMetrics(metrics))
    .use(cors(deps.consoleOrigin ?? null))
    .use(securityHeaders())
    .use(errorEnvelope())
    .use(requestMetrics())
    .use(apiContext(routes))
    .use(auditTrail(deps.audit))
    .use(authorize())
    .use(validateInput())
    .use(idempotency(deps.idempotency));
}
