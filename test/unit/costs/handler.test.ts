import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { toAuthorizerContext, type AuthContext } from '#shared/auth/context.js';
import { costBreakdown, costOverview, topResources } from '#shared/contracts/costs.js';
import { CostQueries } from '#shared/costs/query.js';
import type { IdempotencyRecords } from '#shared/db/idempotency.js';
import { createApiHandler } from '#shared/http/handler.js';
import { costRouteImplementations } from '#functions/costs/routes.js';
import { MemoryCostReader, type Fact } from './helpers.js';

const TENANT = 'tenant-a';

const caller: AuthContext = {
  tenantId: TENANT,
  principalId: 'user-1',
  principalType: 'user',
  role: 'viewer',
  email: 'viewer@example.com',
  sessionId: 's-1',
  sessionExpiresAt: 1_900_000_000,
};

function event(resource: string, query: Record<string, string | string[]> = {}): APIGatewayProxyEvent {
  const multi = Object.fromEntries(Object.entries(query).map(([k, v]) => [k, Array.isArray(v) ? v : [v]]));
  return {
    resource,
    path: resource,
    httpMethod: 'GET',
    headers: {},
    multiValueHeaders: {},
    queryStringParameters: Object.keys(query).length ? Object.fromEntries(Object.entries(multi).map(([k, v]) => [k, v.at(-1)!])) : null,
    multiValueQueryStringParameters: Object.keys(query).length ? multi : null,
    pathParameters: null,
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', authorizer: toAuthorizerContext(caller), identity: { sourceIp: '203.0.113.7' } } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}

const lambdaContext = { awsRequestId: 'lambda-1', functionName: 'cloudoptima-costs', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;

const noIdempotency: IdempotencyRecords = {
  claim: async () => ({ kind: 'claimed' }),
  complete: async () => undefined,
  release: async () => undefined,
};

function setup(facts: Fact[], options: { timezone?: string; now?: string } = {}) {
  const reader = MemoryCostReader.of(facts);
  const tzReads: string[] = [];
  const handler = createApiHandler(
    'costs',
    costRouteImplementations(
      () => ({
        queries: new CostQueries(reader, TENANT),
        timezone: async () => {
          tzReads.push(TENANT);
          return options.timezone ?? 'UTC';
        },
      }),
      () => new Date(options.now ?? '2024-03-15T10:00:00Z'),
    ),
    { audit: { record: async () => ({}) as never }, idempotency: noIdempotency },
  );
  const invoke = async (e: APIGatewayProxyEvent) => {
    const res = await handler(e, lambdaContext);
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
  };
  return { reader, tzReads, invoke };
}

const fieldsOf = (json: any): string[] => json.error.details.map((d: { field: string }) => d.field);

const FACTS: Fact[] = [
  { date: '2024-03-01', service: 'Amazon EC2', account: '111111111111', region: 'us-east-1', billed: '10.25', resourceId: 'i-1', tags: { env: 'prod' } },
  { date: '2024-03-02', service: 'Amazon S3', account: '222222222222', region: 'eu-west-1', billed: '5', resourceId: 'bucket-1' },
  { date: '2024-02-20', service: 'Amazon EC2', account: '111111111111', region: 'us-east-1', billed: '4' },
];

describe('cost routes through the API handler', () => {
  it('answers the overview with month to date in the tenant time zone by default', async () => {
    // 2024-03-31T12:00Z is already April 1 in Auckland.
    const s = setup(FACTS, { timezone: 'Pacific/Auckland', now: '2024-03-31T12:00:00Z' });
    const res = await s.invoke(event('/v1/costs/overview'));
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ start: '2024-04-01', end: '2024-04-02', monthToDate: { start: '2024-04-01', end: '2024-04-02' } });
    expect(costOverview.safeParse(res.json).success).toBe(true);
  });

  it('answers a breakdown with repeated filter values (OR) and a top list', async () => {
    const s = setup(FACTS);
    const res = await s.invoke(
      event('/v1/costs/breakdown', { start: '2024-03-01', end: '2024-03-08', groupBy: 'account', 'filter[service]': ['Amazon EC2', 'Amazon S3'], 'filter[region]': 'us-east-1', top: '1' }),
    );
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ total: '10.25', groupBy: 'account', rows: [{ key: '111111111111', amount: '10.25', share: '100.00' }], other: null });
    expect(res.json.rows[0].points).toHaveLength(7);
    expect(s.reader.kindsRead()).toEqual(['cube']);
    // Both dates given: no profile read needed.
    expect(s.tzReads).toEqual([]);
    expect(costBreakdown.safeParse(res.json).success).toBe(true);
  });

  it('answers a tag breakdown and top resources', async () => {
    const s = setup(FACTS);
    const tags = await s.invoke(event('/v1/costs/breakdown', { start: '2024-03-01', end: '2024-04-01', groupBy: 'tag:env' }));
    expect(tags.status).toBe(200);
    expect(tags.json.rows.map((r: { key: string; amount: string }) => [r.key, r.amount])).toEqual([
      ['prod', '10.25'],
      ['(untagged)', '5.00'],
    ]);
    const top = await s.invoke(event('/v1/costs/resources/top', { start: '2024-03-10', end: '2024-03-20', limit: '1' }));
    expect(top.status).toBe(200);
    expect(top.json).toMatchObject({ start: '2024-03-01', end: '2024-04-01', periods: ['2024-03'], items: [{ resourceId: 'i-1', amount: '10.25' }], nextCursor: null });
    expect(topResources.safeParse(top.json).success).toBe(true);
  });

  it('answers a tenant without billing data with zeros on every route', async () => {
    const s = setup([]);
    for (const resource of ['/v1/costs/overview', '/v1/costs/breakdown', '/v1/costs/resources/top']) {
      const res = await s.invoke(event(resource));
      expect(res.status, resource).toBe(200);
      expect(res.json.total, resource).toBe('0.00');
      expect(res.json.currency, resource).toBe('USD');
    }
  });

  describe('validation: 400 with the offending fields, nothing read', () => {
    const cases: Array<[string, string, Record<string, string | string[]>, string[]]> = [
      ['a date that is not one', '/v1/costs/overview', { start: '2024-02-30', end: '2024-03-01' }, ['query.start']],
      ['a date in another format', '/v1/costs/breakdown', { start: '03/01/2024' }, ['query.start']],
      ['end before start', '/v1/costs/breakdown', { start: '2024-03-01', end: '2024-02-01' }, ['query.end']],
      ['an empty range', '/v1/costs/overview', { start: '2024-03-01', end: '2024-03-01' }, ['query.end']],
      ['a range too long', '/v1/costs/breakdown', { start: '2023-01-01', end: '2024-03-01' }, ['query.end']],
      ['a start too old for the default end', '/v1/costs/resources/top', { start: '2020-01-01' }, ['query.start']],
      ['a start after the default end', '/v1/costs/breakdown', { start: '2024-04-01' }, ['query.start']],
      ['an unknown groupBy', '/v1/costs/breakdown', { groupBy: 'colour' }, ['query.groupBy']],
      ['an empty tag key', '/v1/costs/breakdown', { groupBy: 'tag:' }, ['query.groupBy']],
      ['an unknown filter dimension', '/v1/costs/breakdown', { 'filter[colour]': 'red' }, ['query.filter[colour]']],
      ['top out of range', '/v1/costs/breakdown', { top: '51' }, ['query.top']],
      ['top zero', '/v1/costs/breakdown', { top: '0' }, ['query.top']],
      ['a limit out of range', '/v1/costs/resources/top', { limit: '501' }, ['query.limit']],
      ['an unknown metric', '/v1/costs/overview', { metric: 'amortized' }, ['query.metric']],
      ['an unknown granularity', '/v1/costs/breakdown', { granularity: 'hourly' }, ['query.granularity']],
      ['a bad currency', '/v1/costs/overview', { currency: 'usd' }, ['query.currency']],
      ['an unknown field', '/v1/costs/overview', { cursor: 'abc' }, ['query.cursor']],
      ['a filter value too long', '/v1/costs/breakdown', { 'filter[service]': 'x'.repeat(300) }, ['query.filter[service]']],
      ['a tag filter with groupBy service', '/v1/costs/breakdown', { 'filter[tag:env]': 'prod' }, ['query.filter[tag:env]']],
      ['a tag filter on the overview', '/v1/costs/overview', { 'filter[tag:env]': 'prod' }, ['query.filter[tag:env]']],
      ['a daily resource breakdown', '/v1/costs/breakdown', { groupBy: 'resource', granularity: 'daily' }, ['query.granularity']],
    ];
    for (const [what, resource, query, fields] of cases) {
      it(what, async () => {
        const s = setup(FACTS);
        const res = await s.invoke(event(resource, query));
        expect(res.status, JSON.stringify(res.json)).toBe(400);
        expect(fieldsOf(res.json)).toEqual(fields);
        expect(res.json.error.requestId).toBe('req-1');
        expect(s.reader.reads).toEqual([]);
      });
    }

    it('lists every problem at once', async () => {
      const s = setup(FACTS);
      const res = await s.invoke(event('/v1/costs/breakdown', { start: 'x', groupBy: 'colour', 'filter[colour]': 'red', top: '99', extra: '1' }));
      expect(res.status).toBe(400);
      expect(fieldsOf(res.json).sort()).toEqual(['query.extra', 'query.filter[colour]', 'query.groupBy', 'query.start', 'query.top']);
    });
  });
});
