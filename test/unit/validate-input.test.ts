import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldIssues } from '#shared/http/middleware/validate-input.js';

const issuesFor = (location: string, schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  if (result.success) throw new Error('expected the value to fail validation');
  return fieldIssues(location, result.error);
};

describe('fieldIssues', () => {
  it('prefixes each issue with its location and joins nested paths with dots', () => {
    const schema = z.object({ filter: z.object({ services: z.array(z.string()) }) });
    const issues = issuesFor('query', schema, { filter: { services: ['a', 2] } });
    expect(issues).toEqual([{ field: 'query.filter.services.1', message: expect.any(String), code: 'invalid_type' }]);
  });

  it('names the location itself for a top-level failure', () => {
    expect(issuesFor('body', z.object({ a: z.string() }), 'not an object')).toEqual([
      { field: 'body', message: expect.any(String), code: 'invalid_type' },
    ]);
  });

  it('lists one entry per unknown key of a strict object', () => {
    const issues = issuesFor('body', z.strictObject({ a: z.string() }), { a: 'x', b: 1, c: 2 });
    expect(issues).toEqual([
      { field: 'body.b', message: 'unknown field', code: 'unrecognized_keys' },
      { field: 'body.c', message: 'unknown field', code: 'unrecognized_keys' },
    ]);
  });

  it('puts unknown keys of a nested strict object under their parent', () => {
    const issues = issuesFor('body', z.object({ scope: z.strictObject({ a: z.string() }) }), { scope: { a: 'x', z: 1 } });
    expect(issues.map((i) => i.field)).toEqual(['body.scope.z']);
  });

  it('reports every failing field, keeping the schema messages', () => {
    const schema = z.object({ email: z.email('must be an email address'), age: z.number().int().min(0, 'too small') });
    const issues = issuesFor('body', schema, { email: 'nope', age: -1 });
    expect(issues).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'body.email', message: 'must be an email address' }),
        expect.objectContaining({ field: 'body.age', message: 'too small' }),
      ]),
    );
    expect(issues).toHaveLength(2);
  });

  it('lists a missing required field', () => {
    expect(issuesFor('params', z.object({ id: z.string() }), {}).map((i) => i.field)).toEqual(['params.id']);
  });

  it('reports a whole-object refinement at the location', () => {
    const schema = z.object({ a: z.string().optional() }).refine((v) => v.a !== undefined, { message: 'give a' });
    expect(issuesFor('body', schema, {})).toEqual([{ field: 'body', message: 'give a', code: 'custom' }]);
  });
});
