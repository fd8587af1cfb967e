import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runStateMachine, type LocalTask } from '#local/stepfunctions.js';

/**
 * state-machines/collection.asl.json in the local runner, with stand-ins for its three Lambdas:
 * every account and region visited, a failing region leaving its account partial, a failing account
 * recorded without stopping the others, and Retry/Catch on every Task.
 */
const FILE = 'state-machines/collection.asl.json';
type Call = { fn: string; op: string; accountId?: string; region?: string; [k: string]: unknown };

function lambdas(options: { failingAccounts?: string[]; failingRegions?: string[]; accounts?: string[]; failingAnalysis?: boolean; tenantOf?: (accountId: string) => string } = {}) {
  const calls: Call[] = [];
  const target = (accountId: string) => ({ tenantId: options.tenantOf?.(accountId) ?? 't1', accountId, roleArn: `arn:aws:iam::${accountId}:role/cloudoptima/CloudOptimaReadOnly`, externalId: 'cloudoptima-x' });
  const record = (fn: string, input: any): Call => {
    const call = { fn, op: input.op, accountId: input.target?.accountId, region: input.region, ...input };
    calls.push(call);
    return call;
  };
  const collect: LocalTask = async (input: any) => {
    record('collect', input);
    switch (input.op) {
      case 'plan':
        return { accounts: (options.accounts ?? ['111111111111', '222222222222']).map((id) => ({ target: target(id), runId: `run-${id}`, trigger: input.input.trigger, startedAt: '2026-11-01T00:00:00Z' })) };
      case 'prepare':
        return { ec2: { key: `k/${input.region}/ec2`, upload: { url: 'u1' } }, services: { key: `k/${input.region}/services`, upload: { url: 'u2' } } };
      case 'normalize':
        if (options.failingRegions?.includes(input.region)) throw Object.assign(new Error(`snapshot of ${input.region} unreadable`), { name: 'Error' });
        return { region: input.region, failed: false, resources: { 'ec2-instance': 1 }, warnings: [], keys: [input.ec2Key] };
      case 'buckets':
        return { region: 'global', failed: false, resources: { 's3-bucket': 2 }, warnings: [], keys: ['k/buckets'] };
      case 'finalize':
        return { accountId: input.target.accountId, failed: false, status: input.results.some((r: any) => r.failed) ? 'partial' : 'succeeded' };
      case 'fail':
        return { accountId: input.target.accountId, failed: true, status: 'failed' };
      case 'summarize':
        return { accounts: input.results.length, failed: input.results.filter((r: any) => r.failed).length };
    }
    throw new Error(`unexpected op ${input.op}`);
  };
  const ec2: LocalTask = async (input: any) => {
    record('ec2', input);
    if (input.op === 'connect') {
      if (options.failingAccounts?.includes(input.target.accountId)) throw Object.assign(new Error('AssumeRole refused'), { name: 'AccountAccessError' });
      return { accountId: input.target.accountId, regions: ['eu-west-1', 'us-east-1'] };
    }
    return { bytes: 10, warnings: [] };
  };
  const services: LocalTask = async (input: any) => {
    record('services', input);
    return { bytes: 10, warnings: [] };
  };
  const recommend: LocalTask = async (input: any) => {
    record('recommend', input);
    if (options.failingAnalysis) throw Object.assign(new Error('table unavailable'), { name: 'Error' });
    return { tenants: new Set(input.tenantIds).size, failed: 0, findings: 3 };
  };
  return { calls, tasks: { CollectFunctionArn: collect, CollectEc2FunctionArn: ec2, CollectServicesFunctionArn: services, RecommendFunctionArn: recommend } };
}

const run = (tasks: Record<string, LocalTask>, input: unknown) => runStateMachine({ definitionFile: FILE, tasks, retryIntervalOverrides: 0, input });

describe('the collection workflow', () => {
  it('collects every region of every account (EC2 and services fetched, then normalized), S3 once, and finalizes each account', async () => {
    const { calls, tasks } = lambdas();
    const result = await run(tasks, { trigger: 'manual', tenantId: 't1' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ summary: { accounts: 2, failed: 0 } });
    for (const account of ['111111111111', '222222222222']) {
      const mine = calls.filter((c) => c.accountId === account);
      for (const region of ['eu-west-1', 'us-east-1']) {
        expect(mine.filter((c) => c.region === region).map((c) => `${c.fn}:${c.op}`).sort()).toEqual(['collect:normalize', 'collect:prepare', 'ec2:ec2', 'services:services']);
      }
      const fetchEc2 = mine.find((c) => c.op === 'ec2' && c.region === 'us-east-1')!;
      expect(fetchEc2.upload).toEqual({ url: 'u1' });
      expect(mine.filter((c) => c.op === 'buckets')).toHaveLength(1);
      const finalize = mine.find((c) => c.op === 'finalize')!;
      expect(finalize).toMatchObject({ runId: `run-${account}`, regions: ['eu-west-1', 'us-east-1'], buckets: { region: 'global', failed: false } });
      expect((finalize.results as any[]).map((r) => r.region).sort()).toEqual(['eu-west-1', 'us-east-1']);
    }
    // Then the recommendations of the run's tenants, after every account: each tenant once.
    expect(calls.at(-1)).toMatchObject({ fn: 'recommend', op: 'analyze', tenantIds: ['t1'] });
    expect(result.output).toMatchObject({ recommendations: [{ tenants: 1, failed: 0, findings: 3 }] });
  });

  it('analyses the distinct tenants of a scheduled run in batches of 25, each tenant once', async () => {
    const accounts = Array.from({ length: 120 }, (_, i) => String(100000000000 + i));
    const tenantOf = (accountId: string) => `t${Number(accountId) % 60}`;
    const { calls, tasks } = lambdas({ accounts, tenantOf });
    const result = await run(tasks, { trigger: 'schedule', tenantId: null });
    expect(result.status).toBe('SUCCEEDED');
    const batches = calls.filter((c) => c.fn === 'recommend').map((c) => c.tenantIds as string[]);
    expect(batches.map((b) => b.length).sort((a, b) => b - a)).toEqual([25, 25, 10]);
    expect(batches.flat().sort()).toEqual(Array.from({ length: 60 }, (_, i) => `t${i}`).sort());
    expect((result.output as any).recommendations).toHaveLength(3);
  });

  it('retries the recommendation analysis with backoff, then fails the execution naming it (the inventory stays collected)', async () => {
    const { calls, tasks } = lambdas({ failingAnalysis: true });
    const result = await run(tasks, { trigger: 'manual', tenantId: 't1' });
    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('RecommendationAnalysisFailed');
    expect(calls.filter((c) => c.fn === 'recommend')).toHaveLength(4);
    expect(calls.filter((c) => c.op === 'finalize')).toHaveLength(2);
  });

  it('keeps going when a region fails: the region is marked failed for finalize, the rest is collected', async () => {
    const { calls, tasks } = lambdas({ failingRegions: ['eu-west-1'] });
    expect((await run(tasks, { trigger: 'schedule', tenantId: null })).status).toBe('SUCCEEDED');
    const finalize = calls.filter((c) => c.op === 'finalize');
    expect(finalize).toHaveLength(2);
    for (const f of finalize) {
      const regions = f.results as Array<{ region: string; failed: boolean; error?: { Cause?: string } }>;
      expect(regions.find((r) => r.region === 'eu-west-1')).toMatchObject({ failed: true, error: { Cause: expect.stringContaining('unreadable') } });
      expect(regions.find((r) => r.region === 'us-east-1')).toMatchObject({ failed: false });
    }
    // Retried with backoff before giving up: 1 + 4 attempts per account.
    expect(calls.filter((c) => c.op === 'normalize' && c.region === 'eu-west-1')).toHaveLength(10);
  });

  it('records an account that cannot be reached (not retried) and collects the others', async () => {
    const { calls, tasks } = lambdas({ failingAccounts: ['111111111111'] });
    const result = await run(tasks, { trigger: 'manual', tenantId: 't1' });
    expect(result.status).toBe('SUCCEEDED');
    expect(result.output).toMatchObject({ summary: { accounts: 2, failed: 1 } });
    expect(calls.filter((c) => c.op === 'connect' && c.accountId === '111111111111')).toHaveLength(1);
    expect(calls.filter((c) => c.op === 'fail')).toEqual([expect.objectContaining({ accountId: '111111111111', runId: 'run-111111111111', error: expect.objectContaining({ Error: 'AccountAccessError' }) })]);
    expect(calls.filter((c) => c.op === 'finalize').map((c) => c.accountId)).toEqual(['222222222222']);
  });

  it('succeeds at once with no connected accounts', async () => {
    const { calls, tasks } = lambdas({ accounts: [] });
    expect((await run(tasks, { trigger: 'schedule', tenantId: null })).status).toBe('SUCCEEDED');
    expect(calls.map((c) => c.op)).toEqual(['plan']);
  });

  it('gives every Task state a Retry with backoff and a Catch (directly or through its Parallel), and uses JSONPath only', () => {
    const asl = JSON.parse(readFileSync(FILE, 'utf8'));
    const tasks: Array<[string, any, boolean]> = [];
    const walk = (states: Record<string, any>, caught: boolean) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') tasks.push([name, state, caught]);
        if (state.ItemProcessor) walk(state.ItemProcessor.States, false);
        for (const branch of state.Branches ?? []) walk(branch.States, Boolean(state.Catch?.length));
      }
    };
    walk(asl.States, false);
    expect(tasks.map(([n]) => n).sort()).toEqual(['CollectBuckets', 'Connect', 'FetchEc2', 'FetchServices', 'Finalize', 'NormalizeRegion', 'Plan', 'PrepareRegion', 'RecordAccountFailure', 'Summarize', 'AnalyzeTenants'].sort());
    for (const [name, state, caughtByParallel] of tasks) {
      expect(state.Retry.some((r: any) => r.ErrorEquals.includes('States.ALL') && r.BackoffRate > 1 && r.MaxAttempts > 0), name).toBe(true);
      expect(Boolean(state.Catch?.length) || caughtByParallel, name).toBe(true);
    }
    expect(JSON.stringify(asl)).not.toMatch(/JSONata|"Assign"|QueryLanguage|DISTRIBUTED/);
  });
});
