import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

vi.hoisted(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
});

import { explainRouteImplementations } from '#functions/assistant/explain.js';
import { assistantRouteImplementations, type Engine } from '#functions/assistant/routes.js';
import { DEFAULT_ASSISTANT_TIER, QUOTA_EXCEEDED } from '#shared/assistant/constants.js';
import type { AskInput } from '#shared/assistant/model.js';
import { QuotaExceeded, type Conversation, type StoredMessage } from '#shared/assistant/store.js';
import { toAuthorizerContext, type AuthContext } from '#shared/auth/context.js';
import { assistantAnswer } from '#shared/contracts/assistant.js';
import type { IdempotencyRecords } from '#shared/db/idempotency.js';
import { NotFound } from '#shared/errors.js';
import { createApiHandler } from '#shared/http/handler.js';

/** The assistant routes through the API handler, over an in-memory conversation store and a scripted engine. */
const caller: AuthContext = { tenantId: 'tenant-a', principalId: 'user-1', principalType: 'user', role: 'viewer', email: 'v@example.com', sessionId: 's', sessionExpiresAt: 1_900_000_000 };

function event(method: string, resource: string, path: string, body?: unknown): APIGatewayProxyEvent {
  const id = /conversations\/([^/]+)/.exec(path)?.[1];
  return {
    resource,
    path,
    httpMethod: method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: id ? { id } : null,
    stageVariables: null,
    body: body === undefined ? null : JSON.stringify(body),
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1', authorizer: toAuthorizerContext(caller), identity: { sourceIp: '203.0.113.7' } } as unknown as APIGatewayProxyEvent['requestContext'],
  };
}
const lambdaContext = { awsRequestId: 'l-1', functionName: 'cloudoptima-assistant', getRemainingTimeInMillis: () => 30_000 } as unknown as Context;
const noIdempotency: IdempotencyRecords = { claim: async () => ({ kind: 'claimed' }), complete: async () => undefined, release: async () => undefined };

class MemoryConversations {
  conversations = new Map<string, Conversation>();
  messagesOf = new Map<string, StoredMessage[]>();
  used = 0;
  tokens = { month: '', input: 0, output: 0 };
  limit = DEFAULT_ASSISTANT_TIER.questionsPerMonth;
  async create(_t: string, ownerId: string, title: string, now: string) {
    const c = { id: `c${this.conversations.size + 1}`, ownerId, title, turns: 0, createdAt: now, updatedAt: now };
    this.conversations.set(c.id, c);
    return c;
  }
  async get(_t: string, ownerId: string, id: string) {
    const c = this.conversations.get(id);
    if (!c || c.ownerId !== ownerId) throw new NotFound('Conversation not found.');
    return { ...c };
  }
  async messages(_t: string, id: string, count = 100) {
    return (this.messagesOf.get(id) ?? []).slice(-count);
  }
  async addMessage(_t: string, c: Conversation, question: string, answer: any, now: string) {
    const m = { id: `m${Math.random().toString(36).slice(2)}`, conversationId: c.id, question, ...answer, createdAt: now };
    this.messagesOf.set(c.id, [...(this.messagesOf.get(c.id) ?? []), m]);
    this.conversations.get(c.id)!.turns++;
    return m;
  }
  async rename(_t: string, c: Conversation, title: string) {
    this.conversations.get(c.id)!.title = title;
  }
  async reserveQuestion(_t: string, period: string, limit: number) {
    if (this.used >= limit) throw new QuotaExceeded(`used its ${limit} assistant questions for ${period}`);
    return ++this.used;
  }
  async releaseQuestion() {
    this.used--;
  }
  async recordTokens(_t: string, month: string, input: number, output: number) {
    this.tokens = { month, input: this.tokens.input + input, output: this.tokens.output + output };
  }
}

function setup(engine: Engine, timezone = 'Pacific/Auckland') {
  const store = new MemoryConversations();
  const handler = createApiHandler(
    'assistant',
    [
      ...assistantRouteImplementations(
        () => ({ conversations: store as never, timezone: async () => timezone, engine: () => engine, tier: DEFAULT_ASSISTANT_TIER }),
        () => new Date('2026-10-31T12:00:00Z'),
      ),
      // The same function serves the explain routes (tested in explain.test.ts and the integration tests).
      ...explainRouteImplementations(() => {
        throw new Error('not called by these tests');
      }),
    ],
    { audit: { record: async () => ({}) as never }, idempotency: noIdempotency },
  );
  const invoke = async (e: APIGatewayProxyEvent) => {
    const res = await handler(e, lambdaContext);
    return { status: res.statusCode, json: res.body ? JSON.parse(res.body) : undefined };
  };
  return { store, invoke };
}

const answer = { text: 'Spent $1.00.', engine: 'local' as const, sources: [], ungrounded: [], usage: { inputTokens: 7, outputTokens: 3 } };

describe('assistant routes', () => {
  it("asks the engine with today in the tenant's time zone and the history, stores the answer, records the tokens, and titles the conversation", async () => {
    const asked: AskInput[] = [];
    const { store, invoke } = setup({ ask: async (input) => (asked.push(input), answer) });
    const created = await invoke(event('POST', '/v1/assistant/conversations', '/v1/assistant/conversations', {}));
    expect(created.status).toBe(201);
    const path = `/v1/assistant/conversations/${created.json.id}/messages`;
    const first = await invoke(event('POST', '/v1/assistant/conversations/{id}/messages', path, { question: '  What did we spend last month?  ' }));
    expect(first.status).toBe(201);
    expect(assistantAnswer.safeParse(first.json).success).toBe(true);
    await invoke(event('POST', '/v1/assistant/conversations/{id}/messages', path, { question: 'And S3?' }));
    // 12:00Z on Oct 31 is already Nov 1 in Auckland.
    expect(asked.map((a) => [a.today, a.question, a.history.length])).toEqual([
      ['2026-11-01', 'What did we spend last month?', 0],
      ['2026-11-01', 'And S3?', 1],
    ]);
    expect(asked[1]!.history[0]).toEqual({ question: 'What did we spend last month?', text: 'Spent $1.00.' });
    expect(store.tokens).toEqual({ month: '2026-10', input: 14, output: 6 });
    expect(store.conversations.get(created.json.id)).toMatchObject({ title: 'What did we spend last month?', turns: 2 });
  });

  it('gives the question back when the engine fails, and stores nothing', async () => {
    const { store, invoke } = setup({ ask: async () => Promise.reject(new Error('bedrock down')) });
    const c = await invoke(event('POST', '/v1/assistant/conversations', '/v1/assistant/conversations', { title: 't' }));
    const res = await invoke(event('POST', '/v1/assistant/conversations/{id}/messages', `/v1/assistant/conversations/${c.json.id}/messages`, { question: 'hi' }));
    expect(res.status).toBe(500);
    expect(store.used).toBe(0);
    expect(store.messagesOf.get(c.json.id)).toBeUndefined();
  });

  it(`answers 429 ${QUOTA_EXCEEDED} past the quota without asking the engine`, async () => {
    let calls = 0;
    const { store, invoke } = setup({ ask: async () => (calls++, answer) });
    store.used = store.limit;
    const c = await invoke(event('POST', '/v1/assistant/conversations', '/v1/assistant/conversations', {}));
    const res = await invoke(event('POST', '/v1/assistant/conversations/{id}/messages', `/v1/assistant/conversations/${c.json.id}/messages`, { question: 'hi' }));
    expect(res.status).toBe(429);
    expect(res.json.error.code).toBe(QUOTA_EXCEEDED);
    expect(calls).toBe(0);
  });
});
