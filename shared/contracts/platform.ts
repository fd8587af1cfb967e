import { z } from 'zod';
import { defineRoute } from '../http/route.js';

export const health = z.object({ status: z.literal('ok'), version: z.string() });
export const readiness = z.object({
  status: z.literal('ok'),
  version: z.string(),
  checks: z.object({ table: z.literal('ok') }),
});

export const platformRoutes = {
  health: defineRoute({
    operationId: 'getHealth',
    method: 'GET',
    path: '/health',
    domain: 'platform',
    tag: 'Platform',
    summary: 'Liveness: answers as soon as the API runs',
    access: 'public',
    response: health,
    status: 200,
  }),
  ready: defineRoute({
    operationId: 'getReadiness',
    method: 'GET',
    path: '/health/ready',
    domain: 'platform',
    tag: 'Platform',
    summary: 'Readiness: also checks that the table answers (503 if not)',
    access: 'public',
    response: readiness,
    status: 200,
  }),
  openapi: defineRoute({
    operationId: 'getOpenApiDocument',
    method: 'GET',
    path: '/v1/openapi.json',
    domain: 'platform',
    tag: 'Platform',
    summary: 'This API as an OpenAPI 3.1 document, generated from the route table',
    access: 'public',
    response: z.record(z.string(), z.unknown()),
    status: 200,
  }),
};
