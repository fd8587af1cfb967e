import type middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { AuditWriter, NewAuditEntry } from '../../audit.js';
import { Forbidden, isDomainError } from '../../errors.js';
import { metrics } from '../../observability.js';
import type { ApiContext, ApiEvent, ApiResult, ApiState } from '../api-request.js';
import { isAudited } from '../route.js';

/**
 * Writes an audit entry for every mutating call (success or failure) and every authorization
 * denial. It sees the raw error (it runs before the error envelope), so it records the real reason.
 */
export function auditTrail(writer: AuditWriter): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  const write = async (api: ApiState, result: NewAuditEntry['result'], statusCode: number, reason: string | null) => {
    const { request, route } = api;
    const tenantId = request.auth?.tenantId ?? request.auditAs?.tenantId;
    if (!tenantId) return; // e.g. a failed sign-up: there is no tenant to hold the entry
    const actorId = request.auth?.principalId ?? request.auditAs?.actorId ?? 'anonymous';
    const entry: NewAuditEntry = {
      actor: {
        type: request.auth?.principalType ?? (request.auditAs?.actorId ? 'user' : 'system'),
        id: actorId,
        email: request.auth?.email ?? request.auditAs?.actorEmail ?? null,
      },
      action: route.operationId,
      target: { path: route.path, params: Object.fromEntries(Object.entries(request.params).map(([k, v]) => [k, String(v)])) },
      result,
      statusCode,
      requestId: request.requestId,
      sourceIp: request.sourceIp,
      reason,
    };
    try {
      await writer.record(tenantId, entry);
    } catch (error) {
      // The call itself already happened; losing its audit entry must be loud, not fatal to the caller.
      request.log.error('audit write failed', { error: error as Error, entry });
      metrics.addMetric('AuditWriteFailures', MetricUnit.Count, 1);
    }
  };

  return {
    after: async ({ context }) => {
      const api = context.api;
      if (api && isAudited(api.route)) {
        await write(api, 'success', api.route.status, api.idempotency?.replay ? 'IDEMPOTENT_REPLAY' : null);
      }
    },
    onError: async ({ context, error }) => {
      const api = context.api;
      if (!api) return;
      if (error instanceof Forbidden) {
        const details = error.details as { requiredPermission?: string } | null;
        await write(api, 'denied', 403, details?.requiredPermission ?? error.code);
      } else if (isAudited(api.route)) {
        await write(api, 'failure', isDomainError(error) ? error.status : 500, isDomainError(error) ? error.code : 'INTERNAL_ERROR');
      }
    },
  };
}
