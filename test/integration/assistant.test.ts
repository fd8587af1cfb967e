import { beforeAll, describe, expect, inject, it } from 'vitest';
import { DEFAULT_ASSISTANT_TIER, QUOTA_EXCEEDED } from '../../shared/assistant/constants.js';
import { formatMoney } from '../../functions/assistant/local.js';
import { addMonths, periodOf } from '../../shared/costs/dates.js';
import { api, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * The assistant through the local platform (no Bedrock configured, so the local engine answers):
 * answers checked against the cost APIs' own figures, history, per-user and per-tenant isolation,
 * validation and the monthly question quota.
 */
const EC2 = 'Amazon Elastic Compute Cloud';

async function conversation(session: Session, title?: string): Promise<string> {
  const res = await api('/v1/assistant/conversations', { token: session.idToken, body: title ? { title } : {} });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

const ask = (session: Session, id: string, question: string) => api(`/v1/assistant/conversations/${id}/messages`, { token: session.idToken, body: { question } });

describe('assistant on the demo data', () => {
  let analyst: Session;
  let viewer: Session;
  let id: string;
  const today = new Date().toISOString().slice(0, 10);
  const lastMonth = addMonths(periodOf(today), -1);

  beforeAll(async () => {
    [analyst, viewer] = await Promise.all([logIn('analyst@demo.example', inject('demoPassword')), logIn('viewer@demo.example', inject('demoPassword'))]);
    id = await conversation(analyst);
  });

  it('answers "what did we spend on EC2 last month" with the cost API\'s own total, grounded, with its source', async () => {
    const res = await ask(analyst, id, 'What did we spend on EC2 last month?');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const expected = await api(`/v1/costs/overview?start=${lastMonth}-01&end=${addMonths(lastMonth, 1)}-01&filter[service]=${encodeURIComponent(EC2)}`, { token: analyst.idToken });
    expect(expected.status).toBe(200);
    expect(res.body.engine).toBe('local');
    expect(res.body.text).toContain(formatMoney(expected.body.total, expected.body.currency));
    expect(res.body.text).toContain(EC2);
    expect(res.body.ungrounded).toEqual([]);
    expect(res.body.sources[0]).toMatchObject({ tool: 'cost_overview', input: { start: `${lastMonth}-01`, filters: { service: [EC2] } }, values: { total: expected.body.total }, error: null });
    expect(res.body.usage).toEqual({ inputTokens: 0, outputTokens: 0 });
  });

  it('answers "top 5 services in eu-west-1 in Q3" with the breakdown API\'s rows', async () => {
    const year = today.slice(5, 7) >= '07' ? Number(today.slice(0, 4)) : Number(today.slice(0, 4)) - 1;
    const res = await ask(analyst, id, 'Top 5 services in eu-west-1 in Q3');
    expect(res.status).toBe(201);
    const b = await api(`/v1/costs/breakdown?start=${year}-07-01&end=${year}-10-01&groupBy=service&top=5&filter[region]=eu-west-1`, { token: analyst.idToken });
    expect(b.body.rows.length).toBe(5);
    for (const row of b.body.rows) expect(res.body.text).toContain(`${row.name}: ${formatMoney(row.amount, b.body.currency)}`);
    expect(res.body.text).toContain(formatMoney(b.body.total, b.body.currency));
    expect(res.body.ungrounded).toEqual([]);
  });

  it('answers budget, saving and "why" questions from their tools, and an unknown question with what it can answer', async () => {
    const budget = await ask(analyst, id, 'Are we going to exceed the prod budget?');
    expect(budget.status).toBe(201);
    expect(budget.body.sources.map((s: any) => s.tool)).toContain('budgets');
    expect(budget.body.sources.map((s: any) => s.tool)).toContain('forecast');
    const budgets = await api('/v1/budgets', { token: analyst.idToken });
    for (const b of budgets.body.items) expect(budget.body.text).toContain(b.name);
    const why = await ask(analyst, id, 'Why did costs go up this week?');
    expect(why.body.sources.map((s: any) => s.tool)).toEqual(['cost_overview', 'anomalies']);
    const unknown = await ask(analyst, id, 'Tell me a joke about penguins');
    expect(unknown.status).toBe(201);
    expect(unknown.body.text).toMatch(/I can answer/);
    expect(unknown.body.sources).toEqual([]);
    for (const r of [budget, why, unknown]) expect(r.body.ungrounded).toEqual([]);
  });

  it('keeps the history: the conversation lists its questions and answers, titled after the first', async () => {
    const got = await api(`/v1/assistant/conversations/${id}`, { token: analyst.idToken });
    expect(got.status).toBe(200);
    expect(got.body.title).toBe('What did we spend on EC2 last month?');
    expect(got.body.turns).toBe(got.body.messages.length);
    expect(got.body.messages[0].question).toBe('What did we spend on EC2 last month?');
    expect(got.body.messages[0].sources.length).toBeGreaterThan(0);
    const list = await api('/v1/assistant/conversations?limit=50', { token: analyst.idToken });
    expect(list.body.items.map((c: any) => c.id)).toContain(id);
  });

  it('keeps conversations per user: another user of the same tenant gets 404 and does not see it listed', async () => {
    expectError(await api(`/v1/assistant/conversations/${id}`, { token: viewer.idToken }), 404, 'NOT_FOUND');
    expectError(await ask(viewer, id, 'What did we spend last month?'), 404, 'NOT_FOUND');
    expectError(await api(`/v1/assistant/conversations/${id}`, { token: viewer.idToken, method: 'DELETE' }), 404, 'NOT_FOUND');
    const list = await api('/v1/assistant/conversations?limit=500', { token: viewer.idToken });
    expect(list.status).toBe(200);
    expect(list.body.items.map((c: any) => c.id)).not.toContain(id);
    expect((await api(`/v1/assistant/conversations/${id}`, { token: analyst.idToken })).status).toBe(200);
  });

  it('keeps conversations per tenant: another tenant gets 404, and its own answers only its (empty) data', async () => {
    const other = await newTenant('assistant-other');
    expectError(await api(`/v1/assistant/conversations/${id}`, { token: other.idToken }), 404, 'NOT_FOUND');
    expectError(await ask(other, id, 'hello'), 404, 'NOT_FOUND');
    const own = await conversation(other);
    const res = await ask(other, own, 'What did we spend on EC2 last month?');
    expect(res.status).toBe(201);
    expect(res.body.sources[0].values.total).toMatch(/^0(\.0+)?$/);
  });

  it('refuses bad input with field-level 400s and writes nothing', async () => {
    const before = (await api(`/v1/assistant/conversations/${id}`, { token: analyst.idToken })).body.turns;
    for (const body of [{ question: '' }, { question: '   ' }, { question: 'x'.repeat(2001) }, {}, { question: 'ok', tenantId: 'other' }, { question: 42 }]) {
      const err = expectError(await api(`/v1/assistant/conversations/${id}/messages`, { token: analyst.idToken, body }), 400, 'VALIDATION_ERROR');
      expect(JSON.stringify(err.details)).toMatch(/body/);
    }
    expectError(await api('/v1/assistant/conversations', { token: analyst.idToken, body: { title: 'x'.repeat(500) } }), 400, 'VALIDATION_ERROR');
    expectError(await api('/v1/assistant/conversations/not%23valid', { token: analyst.idToken }), 400);
    expect((await api(`/v1/assistant/conversations/${id}`, { token: analyst.idToken })).body.turns).toBe(before);
  });

  it('deletes a conversation with its messages', async () => {
    const gone = await conversation(analyst, 'to delete');
    expect((await ask(analyst, gone, 'hello')).status).toBe(201);
    expect((await api(`/v1/assistant/conversations/${gone}`, { token: analyst.idToken, method: 'DELETE' })).status).toBe(204);
    expectError(await api(`/v1/assistant/conversations/${gone}`, { token: analyst.idToken }), 404);
  });
});

describe('assistant quota', () => {
  it(`answers ${DEFAULT_ASSISTANT_TIER.questionsPerMonth} questions a month per tenant, then 429 ${QUOTA_EXCEEDED}`, async () => {
    const tenant = await newTenant('assistant-quota');
    const id = await conversation(tenant);
    const limit = DEFAULT_ASSISTANT_TIER.questionsPerMonth;
    for (let done = 0; done < limit; done += 10) {
      const batch = await Promise.all(Array.from({ length: Math.min(10, limit - done) }, () => ask(tenant, id, 'hello')));
      for (const r of batch) expect(r.status, JSON.stringify(r.body)).toBe(201);
    }
    const over = expectError(await ask(tenant, id, 'hello'), 429, QUOTA_EXCEEDED);
    expect(over.message).toMatch(new RegExp(`${limit} assistant questions`));
    // The refused question was not stored.
    expect((await api(`/v1/assistant/conversations/${id}`, { token: tenant.idToken })).body.turns).toBe(limit);
    // Another tenant is not affected.
    const other = await newTenant('assistant-quota-2');
    expect((await ask(other, await conversation(other), 'hello')).status).toBe(201);
  }, 120_000);
});
