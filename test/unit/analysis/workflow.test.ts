import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runStateMachine, type LocalTask } from '#local/stepfunctions.js';

/**
 * state-machines/analysis.asl.json in the local runner, with a stand-in for the analyze Lambda:
 * the paths a real run takes (one tenant after an ingestion, every tenant on schedule, none), and
 * a tenant whose analysis keeps failing (retried, recorded, and the execution fails for the alarm).
 */
const FILE = 'state-machines/analysis.asl.json';

type Event = { op: 'plan'; input: { trigger: string; tenantId?: string | null; after?: string } } | { op: 'analyze' | 'fail'; tenantId: string; trigger: string; error?: unknown } | { op: 'alert'; tenantId: string; dataThrough: string | null } | { op: 'summarize'; results: Array<{ failed: boolean }> };

function analyzeLambda(registry: string[], failing: ReadonlySet<string> = new Set(), failingAlerts: ReadonlySet<string> = new Set()) {
  const calls: Event[] = [];
  const task: LocalTask = async (input) => {
    const event = input as Event;
    calls.push(event);
    switch (event.op) {
      case 'plan': {
        const { after, tenantId } = event.input;
        return { tenants: after ? [JSON.parse(after).tenantId] : tenantId ? [tenantId] : registry };
      }
      case 'analyze':
        if (failing.has(event.tenantId)) throw new Error(`no data for ${event.tenantId}`);
        return { tenantId: event.tenantId, failed: false, anomalies: 2, dataThrough: '2026-10-31' };
      case 'alert':
        if (failingAlerts.has(event.tenantId)) throw new Error(`Slack is down for ${event.tenantId}`);
        return { tenantId: event.tenantId, failed: false, alerts: { budgets: 1, sent: 1, failed: 0, duplicates: 0 } };
      case 'fail':
        return { tenantId: event.tenantId, failed: true };
      case 'summarize':
        return { tenants: event.results.length, failed: event.results.filter((r) => r.failed).length };
    }
  };
  return { calls, task };
}

const run = (task: LocalTask, input: unknown) =>
  runStateMachine({ definitionFile: FILE, tasks: { AnalyzeFunctionArn: task }, retryIntervalOverrides: 0, input });

describe('the analysis workflow', () => {
  it('analyses the tenant whose ingestion succeeded (its input arrives as `after`)', async () => {
    const lambda = analyzeLambda(['t1', 't2']);
    const result = await run(lambda.task, { trigger: 'ingestion', after: JSON.stringify({ tenantId: 't2', ingestionId: 'i1' }) });
    expect(result.status).toBe('SUCCEEDED');
    expect(lambda.calls.filter((c) => c.op === 'analyze')).toEqual([{ op: 'analyze', tenantId: 't2', trigger: 'ingestion' }]);
    // Then its budget checks and alerts, with the analysis' last day of data.
    expect(lambda.calls.filter((c) => c.op === 'alert')).toEqual([{ op: 'alert', tenantId: 't2', dataThrough: '2026-10-31' }]);
  });

  it('analyses every registered tenant on the daily schedule, and succeeds with none', async () => {
    const lambda = analyzeLambda(['t1', 't2', 't3']);
    expect((await run(lambda.task, { trigger: 'schedule', tenantId: null })).status).toBe('SUCCEEDED');
    expect(lambda.calls.filter((c) => c.op === 'analyze').map((c) => (c as { tenantId: string }).tenantId).sort()).toEqual(['t1', 't2', 't3']);
    const empty = analyzeLambda([]);
    expect((await run(empty.task, { trigger: 'schedule', tenantId: null })).status).toBe('SUCCEEDED');
    expect(empty.calls.map((c) => c.op)).toEqual(['plan']);
  });

  it('retries a failing tenant, records its failure, finishes the others, and fails the execution', async () => {
    const lambda = analyzeLambda(['t1', 'bad', 't3'], new Set(['bad']));
    const result = await run(lambda.task, { trigger: 'schedule', tenantId: null });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SomeTenantsFailed' });
    expect(lambda.calls.filter((c) => c.op === 'analyze' && c.tenantId === 'bad')).toHaveLength(4); // 1 + 3 retries
    expect(lambda.calls.filter((c) => c.op === 'fail')).toEqual([expect.objectContaining({ op: 'fail', tenantId: 'bad', trigger: 'schedule', error: expect.objectContaining({ Error: 'Error' }) })]);
    expect(lambda.calls.filter((c) => c.op === 'analyze' && c.tenantId !== 'bad').map((c) => (c as { tenantId: string }).tenantId).sort()).toEqual(['t1', 't3']);
  });

  it("retries a tenant's failing alert step, records it as the tenant's failure, and fails the execution", async () => {
    const lambda = analyzeLambda(['t1', 't2'], new Set(), new Set(['t2']));
    const result = await run(lambda.task, { trigger: 'schedule', tenantId: null });
    expect(result).toMatchObject({ status: 'FAILED', error: 'SomeTenantsFailed' });
    expect(lambda.calls.filter((c) => c.op === 'alert' && c.tenantId === 't2')).toHaveLength(4); // 1 + 3 retries
    expect(lambda.calls.filter((c) => c.op === 'fail')).toEqual([expect.objectContaining({ op: 'fail', tenantId: 't2', trigger: 'schedule', error: expect.objectContaining({ Cause: expect.stringContaining('Slack is down') }) })]);
    expect(lambda.calls.filter((c) => c.op === 'alert' && c.tenantId === 't1')).toHaveLength(1);
  });

  it('gives every Task state a Retry with backoff and a Catch, and uses JSONPath only', () => {
    const asl = JSON.parse(readFileSync(FILE, 'utf8'));
    const tasks: Array<[string, any]> = [];
    const walk = (states: Record<string, any>) => {
      for (const [name, state] of Object.entries(states)) {
        if (state.Type === 'Task') tasks.push([name, state]);
        if (state.ItemProcessor) walk(state.ItemProcessor.States);
      }
    };
    walk(asl.States);
    expect(tasks.map(([n]) => n).sort()).toEqual(['Alert', 'Analyze', 'Plan', 'RecordFailure', 'Summarize']);
    for (const [name, state] of tasks) {
      expect(state.Retry.some((r: any) => r.ErrorEquals.includes('States.ALL') && r.BackoffRate > 1 && r.MaxAttempts > 0), name).toBe(true);
      expect(state.Catch?.length, name).toBeGreaterThan(0);
    }
    expect(JSON.stringify(asl)).not.toMatch(/JSONata|"Assign"|QueryLanguage/);
  });
});
