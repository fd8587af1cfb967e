import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { installPromiseWithResolvers } from '#shared/polyfills.js';
import { runStateMachine, type LocalTask } from '#local/stepfunctions.js';

const SMOKE = 'state-machines/smoke.asl.json';
const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:cloudoptima-smoke-step';
// CDK would substitute the deployed function's ARN for this placeholder.
const substitutions = { SmokeStepFunctionArn: FUNCTION_ARN };

type StepEvent = { op: 'double'; value: number } | { op: 'sum'; values: number[] };

/** The smoke Lambda's logic, with a hook to inject failures; records every invocation. */
function smokeStep(fail?: (event: StepEvent, call: number) => boolean) {
  const calls: StepEvent[] = [];
  const task: LocalTask = async (input) => {
    const event = input as StepEvent;
    calls.push(event);
    if (fail?.(event, calls.length)) throw new Error(`boom on ${event.op}`);
    return event.op === 'double' ? event.value * 2 : event.values.reduce((a, b) => a + b, 0);
  };
  return { calls, task };
}

describe('runStateMachine (smoke.asl.json)', () => {
  it('maps, sums and succeeds with the expected output', async () => {
    const step = smokeStep();
    const result = await runStateMachine({
      definitionFile: SMOKE,
      tasks: { 'cloudoptima-smoke-step': step.task },
      substitutions,
      input: { items: [1, 2, 3] },
    });

    expect(result).toEqual({ status: 'SUCCEEDED', output: { items: [1, 2, 3], doubled: [2, 4, 6], summary: { total: 12 } } });
    // lambda:invoke delivers Parameters.Payload as the event, not the {FunctionName, Payload} envelope.
    expect(step.calls).toHaveLength(4);
    expect(step.calls).toContainEqual({ op: 'double', value: 2 });
    expect(step.calls.at(-1)).toEqual({ op: 'sum', values: [2, 4, 6] });
  });

  it('resolves ${Placeholder} to a task keyed by the placeholder name when no substitution is given', async () => {
    const step = smokeStep();
    const result = await runStateMachine({ definitionFile: SMOKE, tasks: { SmokeStepFunctionArn: step.task }, input: { items: [5] } });
    expect(result).toEqual({ status: 'SUCCEEDED', output: { items: [5], doubled: [10], summary: { total: 10 } } });
  });

  it('takes the Choice default branch to Fail when the total is zero', async () => {
    const step = smokeStep();
    const result = await runStateMachine({ definitionFile: SMOKE, tasks: { 'cloudoptima-smoke-step': step.task }, substitutions, input: { items: [0] } });
    expect(result).toEqual({ status: 'FAILED', error: 'Smoke.EmptyTotal', cause: 'Items summed to zero' });
  });

  it('retries a task that throws once and still succeeds', async () => {
    let failed = false;
    const step = smokeStep((event) => event.op === 'double' && event.value === 2 && !failed && (failed = true));
    const result = await runStateMachine({
      definitionFile: SMOKE,
      tasks: { 'cloudoptima-smoke-step': step.task },
      substitutions,
      retryIntervalOverrides: 0,
      input: { items: [1, 2, 3] },
    });

    expect(result).toEqual({ status: 'SUCCEEDED', output: { items: [1, 2, 3], doubled: [2, 4, 6], summary: { total: 12 } } });
    expect(step.calls.filter((c) => c.op === 'double' && c.value === 2)).toHaveLength(2);
    expect(step.calls).toHaveLength(5);
  });

  it('routes a task that always throws through Retry then Catch to the failure state', async () => {
    const step = smokeStep((event) => event.op === 'sum');
    const result = await runStateMachine({
      definitionFile: SMOKE,
      tasks: { 'cloudoptima-smoke-step': step.task },
      substitutions,
      retryIntervalOverrides: 0,
      input: { items: [1, 2, 3] },
    });

    expect(result.status).toBe('FAILED');
    expect(result.error).toBe('Smoke.StepFailed'); // only reachable via Catch -> RecordFailure -> SmokeFailed
    expect(JSON.parse(result.cause ?? '')).toEqual({ errorType: 'Error', errorMessage: 'boom on sum' });
    expect(step.calls.filter((c) => c.op === 'sum')).toHaveLength(3); // 1 attempt + MaxAttempts 2
  });
});

describe('runStateMachine (inline definitions)', () => {
  async function aslFile(definition: object): Promise<string> {
    const file = path.join(await mkdtemp(path.join(tmpdir(), 'sfn-')), 'test.asl.json');
    await writeFile(file, JSON.stringify(definition));
    return file;
  }

  it('runs plain-ARN Lambda tasks unwrapped and skips Wait time when overridden', async () => {
    const definitionFile = await aslFile({
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 3600, Next: 'Echo' },
        Echo: { Type: 'Task', Resource: FUNCTION_ARN, ResultPath: '$.echo', End: true },
      },
    });
    const started = Date.now();
    const result = await runStateMachine({
      definitionFile,
      tasks: { 'cloudoptima-smoke-step': async (input) => ({ got: input, at: new Date(0) }) },
      waitTimeOverrides: 0,
      input: { n: 1 },
    });

    expect(result).toEqual({ status: 'SUCCEEDED', output: { n: 1, echo: { got: { n: 1 }, at: '1970-01-01T00:00:00.000Z' } } });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('rejects a definition whose Lambda task has no local implementation', async () => {
    await expect(runStateMachine({ definitionFile: SMOKE, tasks: {}, input: { items: [] } })).rejects.toThrow(
      /no local task for function "\$\{SmokeStepFunctionArn\}"/,
    );
  });
});

describe('Promise.withResolvers polyfill', () => {
  it('is installed and resolves/rejects its promise', async () => {
    expect(typeof Promise.withResolvers).toBe('function');
    const ok = Promise.withResolvers<number>();
    ok.resolve(42);
    await expect(ok.promise).resolves.toBe(42);
    const ko = Promise.withResolvers<number>();
    ko.reject(new Error('nope'));
    await expect(ko.promise).rejects.toThrow('nope');
  });

  it('installs when missing and is idempotent', () => {
    const native = Object.getOwnPropertyDescriptor(Promise, 'withResolvers');
    try {
      Reflect.deleteProperty(Promise, 'withResolvers');
      installPromiseWithResolvers();
      const installed = Promise.withResolvers;
      installPromiseWithResolvers();
      expect(Promise.withResolvers).toBe(installed);
      expect(Object.keys(Promise)).not.toContain('withResolvers');
      expect(Promise.withResolvers<void>().promise).toBeInstanceOf(Promise);
    } finally {
      if (native) Object.defineProperty(Promise, 'withResolvers', native);
    }
  });
});
