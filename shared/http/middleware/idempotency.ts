import { createHash } from 'node:crypto';
import type middy from '@middy/core';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { IdempotencyRecords } from '../../db/idempotency.js';
import { Conflict, Invalid } from '../../errors.js';
import { metrics } from '../../observability.js';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';
import { isMutating } from '../route.js';

const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

/**
 * `Idempotency-Key` on writes: the first request with a key runs and its answer is kept for 24 h;
 * a retry with the same key and the same request gets the same answer without running again; the
 * same key with a different request is a 409. Keys are scoped to the caller, so they cannot collide
 * across users or tenants. A replay still passes through the after-chain (headers, audit).
 */
export function idempotency(store: IdempotencyRecords): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: async ({ event, context }) => {
      const api = context.api!;
      const key = api.request.headers['idempotency-key'];
      if (key === undefined || !isMutating(api.route) || !api.request.auth) return;
      if (!KEY.test(key)) {
        throw new Invalid('The Idempotency-Key header is not valid.', [
          { field: 'headers.idempotency-key', message: 'must be 8-128 letters, digits or "_.:-"' },
        ]);
      }
      const fingerprint = createHash('sha256')
        .update(`${api.method} ${event.path}\n${event.body ?? ''}`)
        .digest('base64url');
      const { tenantId, principalId } = api.request.auth;
      const claim = await store.claim(tenantId, principalId, key, fingerprint);
      if (claim.kind === 'mismatch') {
        throw new Conflict('This Idempotency-Key was used for a different request.', 'IDEMPOTENCY_KEY_REUSED');
      }
      if (claim.kind === 'in-progress') {
        throw new Conflict('A request with this Idempotency-Key is still running; retry shortly.', 'REQUEST_IN_PROGRESS');
      }
      api.idempotency = claim.kind === 'replay' ? { key, replay: claim.response } : { key };
    },
    after: async ({ context, response }) => {
      const api = context.api;
      if (!api?.idempotency || api.idempotency.replay || !response || !api.request.auth) return;
      try {
        await store.complete(api.request.auth.tenantId, api.request.auth.principalId, api.idempotency.key, {
          statusCode: response.statusCode,
          body: response.body,
          contentType: response.headers?.['content-type']?.toString() ?? null,
        });
      } catch (error) {
        // The write itself succeeded: answer it. The claim stays locked, so a retry within the lock
        // window gets 409 REQUEST_IN_PROGRESS rather than a second run.
        api.request.log.error('idempotency record not completed', { error: error as Error, key: api.idempotency.key });
        metrics.addMetric('IdempotencyWriteFailures', MetricUnit.Count, 1);
      }
    },
    onError: async ({ context }) => {
      const api = context.api;
      if (!api?.idempotency || api.idempotency.replay || !api.request.auth) return;
      await store.release(api.request.auth.tenantId, api.request.auth.principalId, api.idempotency.key);
    },
  };
}
