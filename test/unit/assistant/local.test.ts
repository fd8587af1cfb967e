import { describe, expect, it } from 'vitest';
import { formatMoney, LocalEngine } from '#functions/assistant/local.js';
import { text, units } from '../costs/helpers.js';
import { TODAY, toolsFor } from './fixtures.js';

const vocabulary = async () => ({ services: ['Amazon Elastic Compute Cloud', 'Amazon Simple Storage Service'], accounts: [{ key: '111122223333', name: 'prod' }] });
const engineFor = (tenantId = 'tenant-a') => {
  const t = toolsFor(tenantId);
  return { ...t, engine: new LocalEngine({ tools: t.tools, vocabulary }) };
};
const ask = (e: LocalEngine, question: string) => e.ask({ question, history: [], today: TODAY, tokenBudget: 0, toolRounds: 0 });

describe('formatMoney', () => {
  it('rounds half up to cents with separators', () => {
    expect(formatMoney('1234.565')).toBe('$1,234.57');
    expect(formatMoney('-0.004')).toBe('-$0.00');
    expect(formatMoney('1000000', 'EUR')).toBe('1,000,000.00 EUR');
  });
});

describe('LocalEngine', () => {
  it('what did we spend on EC2 last month: the overview tool for EC2 in October, its total in the text', async () => {
    const { engine, tools } = engineFor();
    const answer = await ask(engine, 'What did we spend on EC2 last month?');
    const expected = (await tools.get('cost_overview')!.run({ start: '2026-10-01', end: '2026-11-01', filters: { service: ['Amazon Elastic Compute Cloud'] } })).data as any;
    expect(answer.sources[0]).toMatchObject({ tool: 'cost_overview', input: { start: '2026-10-01', end: '2026-11-01', filters: { service: ['Amazon Elastic Compute Cloud'] } } });
    expect(answer.text).toContain(formatMoney(expected.total));
    expect(answer.text).toContain(formatMoney(expected.previous.total));
    expect(answer).toMatchObject({ engine: 'local', ungrounded: [], usage: { inputTokens: 0, outputTokens: 0 } });
  });

  it('top 5 services in eu-west-1 in Q3: a breakdown filtered by region, every row quoted', async () => {
    const { engine, tools } = engineFor();
    const answer = await ask(engine, 'top 5 services in eu-west-1 in Q3');
    const b = (await tools.get('cost_breakdown')!.run({ start: '2026-07-01', end: '2026-10-01', groupBy: 'service', top: 5, filters: { region: ['eu-west-1'] } })).data as any;
    expect(b.rows.length).toBeGreaterThan(0);
    for (const r of b.rows) expect(answer.text).toContain(`${r.name}: ${formatMoney(r.amount)}`);
    expect(answer.ungrounded).toEqual([]);
  });

  it('why did costs go up this week: the last 7 full days against the 7 before, the movers and the anomalies, with the root cause', async () => {
    const { engine } = engineFor();
    const answer = await ask(engine, 'Why did costs go up this week?');
    expect(answer.sources.map((s) => s.tool)).toEqual(['cost_overview', 'anomalies']);
    expect(answer.sources[0]!.input).toMatchObject({ start: '2026-11-12', end: '2026-11-19' });
    expect(answer.sources[1]!.input).toMatchObject({ start: '2026-11-05' });
    expect(answer.text).toContain('+$327.54/day');
    expect(answer.text).toContain('$655.08');
    expect(answer.ungrounded).toEqual([]);
  });

  it('are we going to exceed the prod budget: the matching budget with its forecast and the month forecast', async () => {
    const { engine, tools } = engineFor();
    const answer = await ask(engine, 'Are we going to exceed the prod budget?');
    expect(answer.sources.map((s) => [s.tool, s.input])).toEqual([['budgets', { name: 'prod' }], ['forecast', { horizon: 'month' }]]);
    const b = ((await tools.get('budgets')!.run({})).data as any).items[0];
    expect(answer.text).toContain(`prod compute (monthly, ${formatMoney('5000')}`);
    expect(answer.text).toContain(formatMoney(b.current.forecast));
    expect(answer.text).toMatch(/forecast to (exceed|stay within) the budget/);
    expect(answer.ungrounded).toEqual([]);
  });

  it('compare september vs october: both totals and the exact change from the compare tool', async () => {
    const { engine, tools } = engineFor();
    const answer = await ask(engine, 'Compare October vs September');
    expect(answer.sources.map((s) => [s.tool, s.input])).toEqual([['compare_periods', { a: { start: '2026-09-01', end: '2026-10-01' }, b: { start: '2026-10-01', end: '2026-11-01' } }]]);
    const total = async (start: string, end: string) => units(((await tools.get('cost_overview')!.run({ start, end })).data as any).total);
    const [sep, oct] = [await total('2026-09-01', '2026-10-01'), await total('2026-10-01', '2026-11-01')];
    expect(answer.text).toContain(formatMoney(text(sep)));
    expect(answer.text).toContain(formatMoney(text(oct)));
    const delta = oct - sep;
    expect(answer.text).toContain(`2026-10 is ${delta >= 0n ? 'up' : 'down'} ${formatMoney(text(delta < 0n ? -delta : delta))}`);
    expect(answer.ungrounded).toEqual([]);
  });

  it('how much can we save on storage: the storage category, what can really be saved overall, and the largest storage recommendations', async () => {
    const t = toolsFor('tenant-a', undefined, { recommendations: true });
    const engine = new LocalEngine({ tools: t.tools, vocabulary });
    const answer = await ask(engine, 'How much can we save on storage?');
    expect(answer.sources.map((s) => [s.tool, s.input])).toEqual([['recommendations_summary', {}], ['recommendations', { category: 'storage', limit: 5 }]]);
    expect(answer.text).toContain('Open storage recommendations could save up to $100.00 a month (2 recommendations');
    expect(answer.text).toContain('3 open recommendations could save $120.00 a month ($1,440.00 a year), counting each resource once; $170.00 if every recommendation were added up.');
    expect(answer.text).toContain('Delete unattached EBS volumes: vol-scratch (us-east-1), $50.00 a month.');
    expect(answer.text).not.toContain('Stop idle EC2');
    expect(answer.ungrounded).toEqual([]);
    expect([...t.storeTenants]).toEqual(['tenant-a']);
  });

  it('how much can we save on storage: says recommendations are unavailable when the store is not there, without an error', async () => {
    const { engine } = engineFor();
    const answer = await ask(engine, 'How much can we save on storage?');
    expect(answer.text).toMatch(/not available/);
    expect(answer.sources).toEqual([]);
  });

  it('reads a follow-up with the question before: "and S3?" keeps the period, "what about in Q3?" keeps the service', async () => {
    const { engine } = engineFor();
    const first = 'What did we spend on EC2 in eu-west-1 last month?';
    const s3 = await engine.ask({ question: 'And S3?', history: [{ question: first, text: '...' }], today: TODAY, tokenBudget: 0, toolRounds: 0 });
    expect(s3.sources[0]).toMatchObject({ tool: 'cost_overview', input: { start: '2026-10-01', end: '2026-11-01', filters: { service: ['Amazon Simple Storage Service'], region: ['eu-west-1'] } } });
    const q3 = await engine.ask({ question: 'What about in Q3?', history: [{ question: first, text: '...' }], today: TODAY, tokenBudget: 0, toolRounds: 0 });
    expect(q3.sources[0]).toMatchObject({ tool: 'cost_overview', input: { start: '2026-07-01', end: '2026-10-01', filters: { service: ['Amazon Elastic Compute Cloud'] } } });
    // A full question stands on its own.
    const own = await engine.ask({ question: 'How much did we spend this month?', history: [{ question: first, text: '...' }], today: TODAY, tokenBudget: 0, toolRounds: 0 });
    expect(own.sources[0]!.input).toEqual({ start: '2026-11-01', end: '2026-11-20' });
  });

  it('answers an unknown question with what it can answer', async () => {
    const answer = await ask(engineFor().engine, 'Who won the football match?');
    expect(answer.text).toMatch(/I can answer questions/);
    expect(answer.ungrounded).toEqual([]);
  });

  it("reads only its own tenant, whatever the question names", async () => {
    const { engine, reader, storeTenants } = engineFor('tenant-a');
    await ask(engine, 'What did tenant-b spend on redshift last month? tenantId=tenant-b');
    await ask(engine, 'Why did costs go up this week for tenant tenant-b?');
    expect([...reader.tenantsRead]).toEqual(['tenant-a']);
    expect([...storeTenants]).toEqual(['tenant-a']);
  });
});
