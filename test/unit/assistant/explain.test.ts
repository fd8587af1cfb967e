import { BedrockRuntimeClient, ConverseCommand, type ConverseCommandOutput } from '@aws-sdk/client-bedrock-runtime';
import { DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { BedrockEngine, EXPLAIN_INSTRUCTION, SYSTEM_PROMPT, type ExplainInput } from '#functions/assistant/bedrock.js';
import { explainItem, type ExplainDeps } from '#functions/assistant/explain.js';
import type { Anomaly } from '#shared/analysis/model.js';
import { DEFAULT_ASSISTANT_TIER } from '#shared/assistant/constants.js';
import { anomalyFacts, localAnomalyText, localRecommendationText, recommendationFacts, type ExplainKind } from '#shared/assistant/explain.js';
import { EXPLANATION_TTL_SECONDS, ExplanationStore, type StoredExplanation } from '#shared/assistant/explanations.js';
import { numbersIn } from '#shared/assistant/grounding.js';
import { keys } from '#shared/db/keys.js';
import { Unavailable } from '#shared/errors.js';
import type { StoredRecommendation } from '#shared/recommendations/lifecycle.js';

const REC: StoredRecommendation = {
  id: 'ec2-rightsize_abcdefghijklmnopqrstuvwxyz0',
  resourceKey: 'abcdefghijklmnopqrstuvwxyz0',
  ruleId: 'ec2-rightsize',
  title: 'Rightsize underused EC2 instance',
  category: 'compute',
  status: 'open',
  finding: {
    ruleId: 'ec2-rightsize',
    resourceId: 'i-0a1b2c3d4e5f67890',
    resourceType: 'ec2-instance' as never,
    accountId: '111122223333',
    region: 'eu-west-1',
    resourceName: 'api-server',
    actionType: 'Rightsize',
    reason: 'CPU max of daily averages 14.2% over 30 days (threshold 20%)',
    current: { summary: 'm5.2xlarge', monthlyCost: '280.32', config: { instanceType: 'm5.2xlarge' } },
    recommended: { summary: 'm5.xlarge', monthlyCost: '140.16', config: { instanceType: 'm5.xlarge' } },
    estimatedMonthlySavings: '140.16',
    estimatedAnnualSavings: '1681.92',
    estimatedSavingsPercentage: '50.00',
    currency: 'USD',
    priceBasis: 'list-price',
    priceSource: 'AWS Price List (bundled table) eu-west-1',
    actions: ['Stop instance i-0a1b2c3d4e5f67890', 'Change its type from m5.2xlarge to m5.xlarge', 'Start it'],
    risk: 'medium',
    effort: 'Low',
    restartNeeded: true,
    rollbackPossible: true,
    source: 'cloudoptima',
    inferredOwner: null,
  },
  firstSeenAt: '2026-11-01T06:00:00.000Z',
  updatedAt: '2026-11-01T06:00:00.000Z',
  analyzedAt: '2026-11-19T06:00:00.000Z',
  statusChangedAt: null,
  statusChangedBy: null,
  owner: null,
  dismissReason: null,
  snoozedUntil: null,
  appliedAt: null,
  realized: null,
  version: 3,
};

const ANOMALY: Anomaly = {
  id: 'anom_total_20261110',
  causeId: 'cause-1',
  severity: 'high',
  monitor: 'total',
  dimensionValue: '',
  dimensionName: 'Total',
  startDate: '2026-11-10',
  endDate: '2026-11-12',
  currency: 'USD',
  impact: '982.62',
  impactPerDay: '327.54',
  actual: '2482.62',
  expected: '1500.00',
  score: '7.4',
  rootCause: 'Amazon Elastic Compute Cloud in eu-west-1, account demo-prod, usage type EUW1-BoxUsage:c5.9xlarge: +$327.54/day',
  contributors: [
    { service: 'Amazon Elastic Compute Cloud', account: '111122223333', accountName: 'demo-prod', region: 'eu-west-1', usageType: 'EUW1-BoxUsage:c5.9xlarge', actual: '340.00', expected: '12.46', delta: '327.54', description: 'Amazon Elastic Compute Cloud in eu-west-1, account demo-prod, usage type EUW1-BoxUsage:c5.9xlarge: +$327.54/day' },
    { service: 'Amazon Simple Storage Service', account: '111122223333', accountName: 'demo-prod', region: 'eu-west-1', usageType: 'EUW1-TimedStorage-ByteHrs', actual: '20.00', expected: '19.00', delta: '1.00', description: 'Amazon Simple Storage Service in eu-west-1, account demo-prod, usage type EUW1-TimedStorage-ByteHrs: +$1.00/day' },
  ],
  flaggedBy: [{ monitor: 'total', dimensionValue: '' }],
  series: [
    { date: '2026-11-09', actual: '500.00', expected: '500.00' },
    { date: '2026-11-10', actual: '827.54', expected: '500.00' },
    { date: '2026-11-11', actual: '827.54', expected: '500.00' },
    { date: '2026-11-12', actual: '827.54', expected: '500.00' },
    { date: '2026-11-13', actual: '505.00', expected: '500.00' },
  ],
  status: 'active',
  feedback: null,
  note: null,
  suppressed: false,
  detectedAt: '2026-11-13T06:00:00.000Z',
  updatedAt: '2026-11-13T06:00:00.000Z',
  statusChangedBy: null,
  statusChangedAt: null,
};

/** Every number in the text, written plainly, appears in the data's JSON (an independent check of the grounding module's verdict). */
function expectEveryNumberInData(text: string, data: unknown) {
  const json = JSON.stringify(data);
  const mentions = numbersIn(text);
  expect(mentions.length).toBeGreaterThan(3);
  for (const m of mentions) expect(json, `${m.raw} in ${text}`).toContain(m.raw.replace(/[$,%]/g, ''));
}

describe('local explanations', () => {
  it('explain a recommendation: what, why, savings and basis, risk/restart/rollback, first step; every number is in its data', () => {
    const facts = recommendationFacts(REC, '275.10');
    const text = localRecommendationText(facts);
    expect(text).toContain('Rightsize underused EC2 instance: the recommendation is to resize it to what it uses');
    expect(text).toContain('api-server (i-0a1b2c3d4e5f67890)');
    expect(text).toContain('Why: CPU max of daily averages 14.2% over 30 days (threshold 20%).');
    expect(text).toContain('save an estimated 140.16 USD a month (1681.92 USD a year, 50.00% of the current 280.32 USD a month), priced on list prices.');
    // Priced on list prices: the bill over the last full month is given beside it, in cents.
    expect(text).toContain('Its billed cost over the last full month comes to 275.10 USD a month.');
    expect(localRecommendationText(recommendationFacts(REC, '275.1049'))).toContain('comes to 275.10 USD a month');
    expect(localRecommendationText(recommendationFacts({ ...REC, finding: { ...REC.finding, priceBasis: 'billed-resource-cost' } }, '280.32'))).not.toContain('billed cost over the last full month');
    expect(text).toContain('Risk is medium and effort low; it needs a restart, and it can be rolled back.');
    expect(text).toContain('First step: Stop instance i-0a1b2c3d4e5f67890.');
    expectEveryNumberInData(text, facts.data);
    expect(facts.sources.map((s) => s.tool)).toEqual(['recommendation', 'recommendation_impact']);
    expect(facts.sources[1]!.values.estimatedMonthlySavings).toBe('140.16');
  });

  it('explain an anomaly: when, how much above expected, top contributors, whether it is still going on; every number is in its data', () => {
    const facts = anomalyFacts(ANOMALY);
    const text = localAnomalyText(facts);
    expect(text).toContain('From 2026-11-10 to 2026-11-12 (3 days), total cost was 2482.62 USD against an expected 1500.00 USD (65.51% above): 982.62 USD more than expected, 327.54 USD a day (high severity).');
    expect(text).toContain('The contributors: Amazon Elastic Compute Cloud in eu-west-1');
    expect(text).toContain('It is over: the days after 2026-11-12 (data through 2026-11-13) were not anomalous.');
    expect(text).toContain('Nobody has reviewed it yet (status active).');
    // A contributor that added nothing a day is not quoted.
    const noise = { ...ANOMALY.contributors[1]!, delta: '0.001', description: 'Noise: +$0.00/day' };
    const quiet = localAnomalyText(anomalyFacts({ ...ANOMALY, contributors: [ANOMALY.contributors[0]!, noise] }));
    expect(quiet).toContain('The largest contributor: Amazon Elastic Compute Cloud');
    expect(quiet).not.toContain('Noise');
    expectEveryNumberInData(text, facts.data);
    const ongoing = localAnomalyText(anomalyFacts({ ...ANOMALY, endDate: '2026-11-13', status: 'acknowledged', feedback: 'real' }));
    expect(ongoing).toContain('It is still going on: the last day with data, 2026-11-13, was part of it.');
    expect(ongoing).toContain('It has been acknowledged and marked real.');
  });

  it('the version follows the data: a status or feedback change, or a re-analysed finding, is a new version; the same data is the same version', () => {
    expect(anomalyFacts(ANOMALY).version).toBe(anomalyFacts({ ...ANOMALY }).version);
    expect(anomalyFacts({ ...ANOMALY, status: 'acknowledged' }).version).not.toBe(anomalyFacts(ANOMALY).version);
    expect(anomalyFacts({ ...ANOMALY, feedback: 'expected' }).version).not.toBe(anomalyFacts(ANOMALY).version);
    const reanalysed = { ...REC, updatedAt: '2026-11-20T06:00:00.000Z', finding: { ...REC.finding, estimatedMonthlySavings: '150.00' } };
    expect(recommendationFacts(reanalysed, null).version).not.toBe(recommendationFacts(REC, null).version);
    expect(recommendationFacts(REC, null).version).toBe(recommendationFacts({ ...REC }, null).version);
  });
});

const bedrock = mockClient(BedrockRuntimeClient);
beforeEach(() => bedrock.reset());
const say = (text: string): ConverseCommandOutput =>
  ({ output: { message: { role: 'assistant', content: text ? [{ text }] : [] } }, stopReason: 'end_turn', usage: { inputTokens: 900, outputTokens: 80, totalTokens: 980 } }) as never;
const engine = () => new BedrockEngine({ client: new BedrockRuntimeClient({ region: 'us-east-1' }), modelId: 'anthropic.test-model', tools: new Map() });

describe('BedrockEngine.explain', () => {
  it('makes one Converse call with the data as a tool result and the instruction, and checks the answer against that data', async () => {
    const facts = anomalyFacts(ANOMALY);
    bedrock.on(ConverseCommand).resolves(say('Costs ran $982.62 above expected from 2026-11-10 to 2026-11-12, about $327.54 a day, mostly c5.9xlarge instances in eu-west-1. That is 12,345.67 more than usual.'));
    const out = await engine().explain({ kind: 'anomaly', id: facts.id, data: facts.data, maxTokens: 400 });
    const calls = bedrock.commandCalls(ConverseCommand);
    expect(calls).toHaveLength(1);
    const input = calls[0]!.args[0].input;
    expect(input.system).toEqual([{ text: SYSTEM_PROMPT }]);
    expect(input.inferenceConfig).toEqual({ maxTokens: 400, temperature: 0 });
    const last = input.messages!.at(-1)!;
    expect(last.role).toBe('user');
    expect(last.content![0]!.toolResult!.content).toEqual([{ json: { data: facts.data } }]);
    expect(last.content![1]!.text).toBe(EXPLAIN_INSTRUCTION);
    expect(input.messages![1]!.content![0]!.toolUse!.toolUseId).toBe(last.content![0]!.toolResult!.toolUseId);
    expect(out.ungrounded).toEqual(['12,345.67']);
    expect(out.text).toContain('12,345.67 [unverified]');
    expect(out.text).not.toContain('$982.62 [unverified]');
    expect(out.usage).toEqual({ inputTokens: 900, outputTokens: 80 });
  });

  it('a reply without text, or a Bedrock failure, is a 503 (Unavailable)', async () => {
    bedrock.on(ConverseCommand).resolvesOnce(say('')).rejectsOnce(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }));
    const facts = anomalyFacts(ANOMALY);
    await expect(engine().explain({ kind: 'anomaly', id: facts.id, data: facts.data, maxTokens: 400 })).rejects.toBeInstanceOf(Unavailable);
    await expect(engine().explain({ kind: 'anomaly', id: facts.id, data: facts.data, maxTokens: 400 })).rejects.toBeInstanceOf(Unavailable);
  });
});

/** An in-memory cache with the store's interface (one entry per tenant, item and engine, holding its version). */
class MemoryExplanations {
  readonly items = new Map<string, StoredExplanation>();
  async get(tenantId: string, kind: ExplainKind, id: string, engine: string, version: string) {
    const e = this.items.get(`${tenantId}/${kind}/${id}/${engine}`);
    return e && e.version === version ? e : null;
  }
  async put(tenantId: string, kind: ExplainKind, id: string, e: StoredExplanation) {
    this.items.set(`${tenantId}/${kind}/${id}/${e.engine}`, e);
  }
}

function depsWith(bedrockFake: ExplainDeps['bedrock']) {
  const usage = { reserved: 0, released: 0, tokens: 0 };
  const deps: ExplainDeps = {
    explanations: new MemoryExplanations() as unknown as ExplanationStore,
    recommendationFacts: async () => recommendationFacts(REC, null),
    anomalyFacts: async () => anomalyFacts(ANOMALY),
    bedrock: bedrockFake,
    usage: {
      reserveQuestion: async () => ++usage.reserved,
      releaseQuestion: async () => void usage.released++,
      recordTokens: async (_t, _p, i, o) => void (usage.tokens += i + o),
    },
    tier: DEFAULT_ASSISTANT_TIER,
  };
  return { deps, usage };
}

describe('explanation cache', () => {
  const at = new Date('2026-11-19T12:00:00.000Z');

  it('Bedrock: the second call is cached (same text, no model call, no quota); a changed item is generated again', async () => {
    const calls: ExplainInput[] = [];
    const fake = { explain: async (input: ExplainInput) => (calls.push(input), { text: `Explanation ${calls.length}: 982.62 above expected.`, ungrounded: [], usage: { inputTokens: 100, outputTokens: 20 } }) };
    const { deps, usage } = depsWith(fake);
    const first = await explainItem(deps, 'tenant-a', anomalyFacts(ANOMALY), at);
    const second = await explainItem(deps, 'tenant-a', anomalyFacts(ANOMALY), new Date('2026-11-19T13:00:00.000Z'));
    expect(first).toMatchObject({ engine: 'bedrock', cached: false, text: 'Explanation 1: 982.62 above expected.', generatedAt: at.toISOString() });
    expect(second).toEqual({ ...first, cached: true });
    expect(calls).toHaveLength(1);
    expect(calls[0]!.maxTokens).toBe(400);
    expect(usage).toEqual({ reserved: 1, released: 0, tokens: 120 });
    // Another tenant's cache is its own.
    await explainItem(deps, 'tenant-b', anomalyFacts(ANOMALY), at);
    expect(calls).toHaveLength(2);
    // The anomaly is acknowledged: a new version, explained again.
    const changed = await explainItem(deps, 'tenant-a', anomalyFacts({ ...ANOMALY, status: 'acknowledged', updatedAt: '2026-11-19T12:30:00.000Z' }), at);
    expect(changed).toMatchObject({ cached: false, text: 'Explanation 3: 982.62 above expected.' });
    expect(usage.reserved).toBe(3);
  });

  it('Bedrock failure: the question is given back and nothing is cached', async () => {
    let n = 0;
    const fake = { explain: async () => (n++ === 0 ? Promise.reject(new Unavailable('model down')) : { text: 'ok 982.62', ungrounded: [], usage: { inputTokens: 1, outputTokens: 1 } }) };
    const { deps, usage } = depsWith(fake);
    await expect(explainItem(deps, 'tenant-a', anomalyFacts(ANOMALY), at)).rejects.toBeInstanceOf(Unavailable);
    expect(usage).toMatchObject({ reserved: 1, released: 1 });
    expect((await explainItem(deps, 'tenant-a', anomalyFacts(ANOMALY), at)).cached).toBe(false);
  });

  it('local engine: grounded, free (no quota), cached on the second call until the recommendation changes', async () => {
    const { deps, usage } = depsWith(null);
    const first = await explainItem(deps, 'tenant-a', recommendationFacts(REC, null), at);
    expect(first).toMatchObject({ engine: 'local', cached: false, ungrounded: [] });
    expect(first.text).toBe(localRecommendationText(recommendationFacts(REC, null)));
    expect(await explainItem(deps, 'tenant-a', recommendationFacts(REC, null), at)).toEqual({ ...first, cached: true });
    const snoozed = await explainItem(deps, 'tenant-a', recommendationFacts({ ...REC, status: 'snoozed' as never, updatedAt: '2026-11-19T12:10:00.000Z' }, null), at);
    expect(snoozed.cached).toBe(false);
    expect(snoozed.text).toContain('status snoozed');
    expect(usage).toEqual({ reserved: 0, released: 0, tokens: 0 });
  });
});

describe('ExplanationStore', () => {
  const ddb = mockClient(DynamoDBDocumentClient);
  beforeEach(() => ddb.reset());
  const store = () => new ExplanationStore(DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1' })), 'table');
  const stored: StoredExplanation = { version: 'v1', text: 't', engine: 'local', sources: [], ungrounded: [], generatedAt: '2026-11-19T12:00:00.000Z' };

  it('writes one item per (tenant, item, engine) under the tenant, with a 30-day ttl', async () => {
    ddb.on(PutCommand).resolves({});
    await store().put('tenant-a', 'anomaly', 'anom_1', stored);
    const item = ddb.commandCalls(PutCommand)[0]!.args[0].input.Item!;
    expect(item).toMatchObject({ ...keys.assistantExplanation('tenant-a', 'anomaly', 'anom_1', 'local'), version: 'v1', ttl: Date.parse(stored.generatedAt) / 1000 + EXPLANATION_TTL_SECONDS });
    expect(String(item.pk).startsWith('TENANT#tenant-a#')).toBe(true);
    expect(EXPLANATION_TTL_SECONDS).toBe(30 * 24 * 3600);
  });

  it('reads a hit only for the same version', async () => {
    ddb.on(GetCommand).resolves({ Item: { ...stored, pk: 'x', sk: 'y', ttl: 1 } });
    expect(await store().get('tenant-a', 'anomaly', 'anom_1', 'local', 'v1')).toEqual(stored);
    expect(await store().get('tenant-a', 'anomaly', 'anom_1', 'local', 'v2')).toBeNull();
  });
});
