import type * as apigw from 'aws-cdk-lib/aws-apigateway';
import { z } from 'zod';

/**
 * API Gateway request models from the route table's zod schemas. API Gateway validates with JSON
 * Schema draft 4 and refuses keywords it does not know, so the schema zod emits is trimmed to the
 * draft-4 vocabulary. The handler's zod validation stays the authority (refinements, transforms,
 * field-level details); the gateway only turns away bodies that could never pass it.
 */
const DRAFT4_KEYWORDS = new Set([
  'title',
  'description',
  'default',
  'multipleOf',
  'maximum',
  'exclusiveMaximum',
  'minimum',
  'exclusiveMinimum',
  'maxLength',
  'minLength',
  'pattern',
  'additionalItems',
  'items',
  'maxItems',
  'minItems',
  'uniqueItems',
  'maxProperties',
  'minProperties',
  'required',
  'additionalProperties',
  'properties',
  'patternProperties',
  'dependencies',
  'enum',
  'type',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
]);

/** Keywords whose value maps names to schemas (the names themselves are data, not keywords). */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'dependencies']);

/** Keywords whose value is data, copied as it is. */
const VERBATIM = new Set(['enum', 'required', 'type', 'default']);

export function requestModelSchema(schema: z.ZodType): apigw.JsonSchema {
  const draft4 = z.toJSONSchema(schema, { target: 'draft-4', io: 'input', unrepresentable: 'any' });
  return toDraft4(draft4) as apigw.JsonSchema;
}

function toDraft4(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(toDraft4);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [keyword, value] of Object.entries(node)) {
    // A model is one self-contained document: a shared sub-schema would need a model of its own.
    if (keyword === '$ref' || keyword === 'definitions' || keyword === '$defs') {
      throw new Error(`request models must be inline; found ${keyword} (drop .meta({ id }) from request schemas)`);
    }
    // `format` is dropped on purpose: zod also emits its exact check as `pattern`, and API Gateway's
    // format validators are not zod's, so keeping both could refuse what the handler accepts.
    if (!DRAFT4_KEYWORDS.has(keyword)) continue;
    out[keyword] = SCHEMA_MAPS.has(keyword)
      ? Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([name, sub]) => [name, toDraft4(sub)]))
      : VERBATIM.has(keyword)
        ? value
        : toDraft4(value);
  }
  return out;
}
