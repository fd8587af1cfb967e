import { z } from 'zod';
import { errorEnvelope } from '../contracts/common.js';
import type { AnyRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

/** Named schemas (`.meta({id})`) collected while converting, served as `components.schemas`. */
type Components = Record<string, JsonSchema>;

const rewriteRefs = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(rewriteRefs);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [
        k,
        k === '$ref' && typeof v === 'string' ? v.replace('#/$defs/', '#/components/schemas/') : rewriteRefs(v),
      ]),
    );
  }
  return value;
};

const toSchema = (components: Components, schema: z.ZodType, io: 'input' | 'output'): JsonSchema => {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as JsonSchema;
  const { $schema: _drop, $defs, id, ...rest } = rewriteRefs(json) as JsonSchema & { $defs?: Components; id?: string };
  // Named schemas are response shapes (output form); request bodies stay inline, so one name is one shape.
  for (const [name, def] of Object.entries($defs ?? {})) components[name] ??= def;
  if (typeof id === 'string') {
    components[id] ??= rest;
    return { $ref: `#/components/schemas/${id}` };
  }
  return rest;
};

const ERRORS: Record<string, string> = {
  '400': 'Invalid input; `details` lists each offending field',
  '401': 'Missing, expired or revoked credentials',
  '403': 'The role lacks the permission this route needs',
  '404': 'Not found (or owned by another tenant)',
  '409': 'Conflicts with the current state',
  '415': 'The body is not application/json',
  '429': 'Throttled',
  '500': 'Unexpected server error; quote the request id',
};

function parameters(components: Components, route: AnyRoute): unknown[] {
  const out: unknown[] = [];
  for (const [location, schema] of [['path', route.params], ['query', route.query]] as const) {
    if (!schema) continue;
    const json = toSchema(components, schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
    for (const [name, property] of Object.entries(json.properties ?? {})) {
      out.push({
        name,
        in: location,
        required: location === 'path' || (json.required ?? []).includes(name),
        schema: property,
      });
    }
  }
  return out;
}

/** The OpenAPI 3.1 document, generated from the route table so it can never miss a route. */
export function openApiDocument(routes: readonly AnyRoute[], version: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const components: Components = {};
  const toSchemaIn = (schema: z.ZodType, io: 'input' | 'output') => toSchema(components, schema, io);
  toSchemaIn(errorEnvelope, 'output'); // registers components.schemas.Error, which every error answer refers to
  for (const route of routes) {
    const isPublic = route.access === 'public';
    const responses: Record<string, unknown> = {
      [String(route.status)]:
        route.status === 204
          ? { description: 'Done' }
          : { description: 'Success', content: { 'application/json': { schema: toSchemaIn(route.response, 'output') } } },
    };
    const errorCodes = ['400', '500', ...(isPublic ? [] : ['401', '403', '429']), ...(route.params ? ['404'] : []), ...(route.body ? ['415'] : [])];
    for (const code of errorCodes) {
      responses[code] = { description: ERRORS[code], content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } };
    }
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security: isPublic ? [] : [{ bearer: [] }, { apiKey: [] }],
      ...(route.access === 'public' ? {} : { 'x-required-permission': route.access.permission }),
      parameters: parameters(components, route),
      ...(route.body
        ? {
            requestBody: {
              required: true,
              content: { 'application/json': { schema: toSchemaIn(route.body, 'input'), ...(route.example ? { example: route.example } : {}) } },
            },
          }
        : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CloudOptima API',
      version,
      description:
        'Multi-tenant FinOps and cloud governance. Money is a decimal string with its currency beside it; ' +
        'lists are {items, nextCursor}; errors are {error: {code, message, details, requestId}}.',
    },
    paths,
    components: {
      schemas: components,
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Cognito ID token from POST /v1/auth/login' },
        apiKey: { type: 'apiKey', in: 'header', name: 'Authorization', description: 'ApiKey <key>, from POST /v1/api-keys' },
      },
    },
  };
}
