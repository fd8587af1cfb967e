import { describe, expect, it } from 'vitest';
import { runStateMachine, type LocalTask } from '#local/stepfunctions.js';

/**
 * state-machines/ingestion.asl.json in the local runner (the same file CDK deploys), with the
 * ingest function's steps stood in by a recorder: the Map runs one task per planned unit, retries
 * a failing unit, and Commit's request to read a split file whole loops through the whole-file
 * Map and back to Commit before cleaning up.
 */
type Event = { op: string; unit?: number; uploadId?: string; superseded?: unknown };

function ingestStub(options: { units: number; failUnitOnce?: number; needWholeOnce?: string[] }) {
  const calls: Event[] = [];
  let failed = false;
  let commits = 0;
  const task: LocalTask = async (input) => {
    const event = input as Event;
    calls.push(event);
    switch (event.op) {
      case 'prepare':
        return { units: Array.from({ length: options.units }, (_, i) => i) };
      case 'aggregate':
        if (event.unit === options.failUnitOnce && !failed) {
          failed = true;
          throw new Error('Lambda crashed mid-unit');
        }
        return { unit: event.unit, clean: true, records: 10, rejected: 0 };
      case 'aggregate-whole':
        return { uploadId: event.uploadId };
      case 'commit':
        commits++;
        return commits === 1 && options.needWholeOnce
          ? { superseded: [], needWhole: options.needWholeOnce, wholeNeeded: true }
          : { superseded: [{ period: '2026-01', version: 'old' }], needWhole: [], wholeNeeded: false };
      case 'cleanup':
        return { cleaned: true };
      default:
        return { recorded: true };
    }
  };
  return { calls, task };
}

const run = (task: LocalTask) =>
  runStateMachine({
    definitionFile: 'state-machines/ingestion.asl.json',
    tasks: { IngestFunctionArn: task },
    retryIntervalOverrides: 0,
    input: { tenantId: 't1', ingestionId: 'i1' },
  });

describe('ingestion.asl.json: work units', () => {
  it('runs one aggregate task per unit, retries a unit that crashed (its partial key is its own), commits once, cleans up', async () => {
    const stub = ingestStub({ units: 12, failUnitOnce: 5 });
    const result = await run(stub.task);
    expect(result.status).toBe('SUCCEEDED');
    const units = stub.calls.filter((c) => c.op === 'aggregate').map((c) => c.unit);
    expect([...units].sort((a, b) => a! - b!)).toEqual([0, 1, 2, 3, 4, 5, 5, 6, 7, 8, 9, 10, 11]);
    expect(stub.calls.filter((c) => c.op === 'commit')).toEqual([{ op: 'commit', tenantId: 't1', ingestionId: 'i1' }]);
    expect(stub.calls.at(-1)).toEqual({ op: 'cleanup', tenantId: 't1', ingestionId: 'i1', superseded: [{ period: '2026-01', version: 'old' }] });
    expect(stub.calls.some((c) => c.op === 'aggregate-whole' || c.op === 'fail')).toBe(false);
  });

  it('reads the files Commit names whole, then commits again', async () => {
    const stub = ingestStub({ units: 3, needWholeOnce: ['up1', 'up2'] });
    const result = await run(stub.task);
    expect(result.status).toBe('SUCCEEDED');
    expect(stub.calls.map((c) => c.op)).toEqual(['prepare', 'aggregate', 'aggregate', 'aggregate', 'commit', 'aggregate-whole', 'aggregate-whole', 'commit', 'cleanup']);
    expect(stub.calls.filter((c) => c.op === 'aggregate-whole').map((c) => c.uploadId).sort()).toEqual(['up1', 'up2']);
  });

  it('records the failure of a unit that keeps failing, and takes nothing further', async () => {
    const calls: Event[] = [];
    const result = await run(async (input) => {
      const event = input as Event;
      calls.push(event);
      if (event.op === 'prepare') return { units: [0, 1] };
      if (event.op === 'aggregate' && event.unit === 1) throw Object.assign(new Error('boom'), { name: 'Error' });
      return { recorded: true, unit: event.unit };
    });
    expect(result.status).toBe('FAILED');
    expect(calls.filter((c) => c.op === 'aggregate' && c.unit === 1)).toHaveLength(4);
    expect(calls.at(-1)!.op).toBe('fail');
    expect(calls.some((c) => c.op === 'commit' || c.op === 'cleanup')).toBe(false);
  });
});
