import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { isoDateTime, listOf, pageQuery } from './common.js';

export const auditResult = z.enum(['success', 'failure', 'denied']);

export const auditEntry = z
  .object({
    id: z.string(),
    time: isoDateTime,
    actor: z.object({ type: z.enum(['user', 'apiKey', 'system']), id: z.string(), email: z.string().nullable() }),
    /** The operation, e.g. `inviteUser`. */
    action: z.string(),
    /** What was acted on, e.g. `/v1/users/{id}` with its parameters. */
    target: z.object({ path: z.string(), params: z.record(z.string(), z.string()) }),
    result: auditResult,
    statusCode: z.number().int(),
    requestId: z.string(),
    sourceIp: z.string().nullable(),
    /** For denials, the permission the caller lacked; for failures, the error code. */
    reason: z.string().nullable(),
  })
  .meta({ id: 'AuditEntry' });

export const auditQuery = pageQuery.extend({
  from: isoDateTime.optional(),
  to: isoDateTime.optional(),
  actor: z.string().min(1).max(128).optional(),
  action: z.string().min(1).max(64).optional(),
  result: auditResult.optional(),
});

export const auditRoutes = {
  list: defineRoute({
    operationId: 'listAuditEntries',
    method: 'GET',
    path: '/v1/audit',
    domain: 'audit',
    tag: 'Audit',
    summary: 'The append-only audit trail, newest first, with filters',
    access: { permission: 'audit:read' },
    query: auditQuery,
    response: listOf(auditEntry),
    status: 200,
  }),
};
