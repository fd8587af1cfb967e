import { z } from 'zod';
import { defineRoute } from '../http/route.js';
import { ROLES } from '../auth/permissions.js';
import { emptyResponse, idParams, isoDateTime, listOf, pageQuery } from './common.js';

export const apiKey = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    /** The first characters of the key, enough to recognise it; the key itself is never stored. */
    prefix: z.string(),
    createdAt: isoDateTime,
    createdBy: z.string(),
    expiresAt: isoDateTime.nullable(),
    lastUsedAt: isoDateTime.nullable(),
  })
  .meta({ id: 'ApiKey' });

export const createApiKeyRequest = z.strictObject({
  name: z.string().trim().min(1).max(100),
  role: z.enum(ROLES),
  expiresAt: isoDateTime
    .refine((t) => Date.parse(t) > Date.now(), 'must be in the future')
    .optional(),
});

/** The only answer that carries the key: it is shown once. */
export const createdApiKey = z.object({ apiKey, key: z.string() });

export const apiKeyRoutes = {
  list: defineRoute({
    operationId: 'listApiKeys',
    method: 'GET',
    path: '/v1/api-keys',
    domain: 'apikeys',
    tag: 'API keys',
    summary: "The organization's API keys (never the keys themselves)",
    access: { permission: 'apikeys:read' },
    query: pageQuery,
    response: listOf(apiKey),
    status: 200,
  }),
  create: defineRoute({
    operationId: 'createApiKey',
    method: 'POST',
    path: '/v1/api-keys',
    domain: 'apikeys',
    tag: 'API keys',
    summary: 'Create an API key with a role; use it as `Authorization: ApiKey <key>`',
    access: { permission: 'apikeys:write' },
    body: createApiKeyRequest,
    example: { name: 'ci pipeline', role: 'viewer' },
    response: createdApiKey,
    status: 201,
  }),
  revoke: defineRoute({
    operationId: 'revokeApiKey',
    method: 'DELETE',
    path: '/v1/api-keys/{id}',
    domain: 'apikeys',
    tag: 'API keys',
    summary: 'Revoke an API key (effective within the authorizer cache TTL, 60 s at most)',
    access: { permission: 'apikeys:write' },
    params: idParams,
    response: emptyResponse,
    status: 204,
  }),
};
