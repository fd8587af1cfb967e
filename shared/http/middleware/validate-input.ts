import type middy from '@middy/core';
import type { z } from 'zod';
import { DomainError, Invalid, type FieldIssue } from '../../errors.js';
import type { ApiContext, ApiEvent, ApiResult } from '../api-request.js';

class UnsupportedMediaType extends DomainError {
  readonly status = 415;
  readonly code = 'UNSUPPORTED_MEDIA_TYPE';
}

/** Zod issues as field-level details: `body.email`, `query.limit`, one entry per unknown field. */
export function fieldIssues(location: string, error: z.ZodError): FieldIssue[] {
  return error.issues.flatMap((issue): FieldIssue[] => {
    const field = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      return issue.keys.map((key) => ({ field: `${field}.${key}`, message: 'unknown field', code: issue.code }));
    }
    return [{ field, message: issue.message, code: issue.code }];
  });
}

/** Repeated query keys (`filter[service]=A&filter[service]=B`) become arrays; single ones stay strings. */
function queryOf(event: ApiEvent): Record<string, string | string[]> {
  // Null prototype: a query key like `__proto__` or `constructor` is data, not a property of Object.
  const query: Record<string, string | string[]> = Object.create(null);
  const multi = event.multiValueQueryStringParameters ?? {};
  for (const [key, values] of Object.entries(multi)) {
    if (!values) continue;
    query[key] = values.length === 1 ? values[0]! : values;
  }
  for (const [key, value] of Object.entries(event.queryStringParameters ?? {})) {
    if (!Object.hasOwn(query, key) && value !== undefined) query[key] = value;
  }
  return query;
}

function bodyOf(event: ApiEvent, headers: Readonly<Record<string, string>>): unknown {
  const raw = event.body ? (event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body) : '';
  if (raw.trim() === '') {
    throw new Invalid('A JSON request body is required.', [{ field: 'body', message: 'required' }]);
  }
  const contentType = headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\s*(;|$)/i.test(contentType)) {
    throw new UnsupportedMediaType('Send the body as application/json.', { contentType: contentType || null });
  }
  try {
    return JSON.parse(raw);
  } catch (e) {
    throw new Invalid('The request body is not valid JSON.', [{ field: 'body', message: (e as Error).message }], 'INVALID_JSON');
  }
}

/**
 * Parses path parameters, query and JSON body with the route's zod schemas. Anything that does
 * not fit is a 400 listing every offending field; nothing reaches domain code unvalidated.
 */
export function validateInput(): middy.MiddlewareObj<ApiEvent, ApiResult, Error, ApiContext> {
  return {
    before: ({ event, context }) => {
      const api = context.api!;
      const { route, request } = api;
      const issues: FieldIssue[] = [];
      const parse = (location: string, schema: z.ZodType | undefined, value: unknown): unknown => {
        if (!schema) return location === 'body' ? undefined : {};
        const result = schema.safeParse(value);
        if (result.success) return result.data;
        issues.push(...fieldIssues(location, result.error));
        return undefined;
      };
      const params = parse('params', route.params, event.pathParameters ?? {});
      const query = parse('query', route.query, queryOf(event));
      const body = route.body ? parse('body', route.body, bodyOf(event, request.headers)) : undefined;
      if (issues.length > 0) throw new Invalid('The request is not valid.', issues);
      Object.assign(request, { params, query, body });
    },
  };
}
