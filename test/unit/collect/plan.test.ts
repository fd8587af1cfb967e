import { describe, expect, it } from 'vitest';
import type { ConnectedAccount, SyncRun } from '#shared/accounts/model.js';
import type { WorkflowName } from '#shared/workflows.js';
import { MAX_ACCOUNTS_PER_EXECUTION, planCollection, type PlanDeps } from '#functions/collect/plan.js';

/** The collection plan: the accounts one execution collects, or, over the limit, an execution per group. */
const account = (id: string, lastSync: SyncRun | null = null): ConnectedAccount => ({
  id,
  name: `acct-${id}`,
  roleArn: `arn:aws:iam::${id}:role/cloudoptima/CloudOptimaReadOnly`,
  externalId: 'cloudoptima-x',
  status: 'connected',
  lastTest: null,
  lastSync,
  connectedAt: '2026-11-01T00:00:00Z',
  connectedBy: 'u1',
});
const ids = (n: number, from = 100000000000) => Array.from({ length: n }, (_, i) => String(from + i));

function deps(accounts: Record<string, ConnectedAccount[]>, max?: number) {
  const started: Array<{ workflow: WorkflowName; name: string; input: Record<string, unknown> }> = [];
  const recorded: Array<{ tenantId: string; accountId: string; run: SyncRun }> = [];
  const d: PlanDeps = {
    tenants: async () => Object.keys(accounts),
    accountsOf: async (t) => accounts[t] ?? [],
    recordSync: async (tenantId, accountId, run) => void recorded.push({ tenantId, accountId, run }),
    workflows: () => ({ start: async (workflow, name, input) => void started.push({ workflow, name, input }) }),
    now: () => new Date('2026-11-23T05:00:00Z'),
    ...(max ? { maxPerExecution: max } : {}),
  };
  return { d, started, recorded };
}

describe('planCollection', () => {
  it('collects up to the limit itself, recording a run per account (a manual run keeps the id the API recorded)', async () => {
    const manual: SyncRun = { runId: '01KMANUALRUN0000000000000A', status: 'running', trigger: 'manual', startedAt: '2026-11-23T04:59:00Z', finishedAt: null, regions: [], resources: {}, warnings: [], error: null, snapshotKeys: [] };
    const { d, started, recorded } = deps({ t1: [account('111111111111', manual), account('222222222222')] });
    const plan = await planCollection(d, { trigger: 'manual', tenantId: 't1', runId: manual.runId });
    expect(started).toEqual([]);
    expect(plan.delegated).toBe(0);
    expect(plan.accounts.map((a) => [a.target.accountId, a.runId === manual.runId])).toEqual([
      ['111111111111', true],
      ['222222222222', false],
    ]);
    // Only the account without the API's run gets one recorded here.
    expect(recorded.map((r) => r.accountId)).toEqual(['222222222222']);
    expect(recorded[0]!.run).toMatchObject({ status: 'running', trigger: 'manual', startedAt: '2026-11-23T05:00:00.000Z' });
  });

  it('over the limit, starts an execution per group of one tenant’s accounts, with the same trigger and run id, and collects none itself', async () => {
    const t1 = ids(60).map((id) => account(id));
    const t2 = ids(3, 900000000000).map((id) => account(id));
    const { d, started, recorded } = deps({ t1, t2 });
    const plan = await planCollection(d, { trigger: 'schedule' });
    expect(plan).toEqual({ accounts: [], delegated: 4 });
    expect(recorded).toEqual([]);
    expect(started.every((s) => s.workflow === 'collection')).toBe(true);
    expect(started.map((s) => [s.input.tenantId, (s.input.accountIds as string[]).length])).toEqual([
      ['t1', MAX_ACCOUNTS_PER_EXECUTION],
      ['t1', MAX_ACCOUNTS_PER_EXECUTION],
      ['t1', 60 - 2 * MAX_ACCOUNTS_PER_EXECUTION],
      ['t2', 3],
    ]);
    // Every account exactly once, and each group plans within the limit when its execution runs.
    expect(started.flatMap((s) => s.input.accountIds as string[]).sort()).toEqual([...t1, ...t2].map((a) => a.id).sort());
    expect(new Set(started.map((s) => s.name)).size).toBe(4);
    expect(started.every((s) => s.input.trigger === 'schedule' && !('runId' in s.input))).toBe(true);
    for (const s of started) {
      const group = deps({ [s.input.tenantId as string]: [...t1, ...t2] });
      const again = await planCollection(group.d, s.input as never);
      expect(again.delegated).toBe(0);
      expect(again.accounts.map((a) => a.target.accountId)).toEqual(s.input.accountIds);
    }
  });

  it('passes a bulk connect’s run id to every group, so each account keeps the run the API recorded', async () => {
    const { d, started } = deps({ t1: ids(5).map((id) => account(id)) }, 2);
    await planCollection(d, { trigger: 'manual', tenantId: 't1', accountIds: ids(5), runId: '01KBULKRUN000000000000000A' });
    expect(started.map((s) => s.input)).toEqual([
      { trigger: 'manual', tenantId: 't1', accountIds: ids(2), runId: '01KBULKRUN000000000000000A' },
      { trigger: 'manual', tenantId: 't1', accountIds: ids(2, 100000000002), runId: '01KBULKRUN000000000000000A' },
      { trigger: 'manual', tenantId: 't1', accountIds: ids(1, 100000000004), runId: '01KBULKRUN000000000000000A' },
    ]);
  });
});
