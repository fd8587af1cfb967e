// Local Step Functions runner: executes state-machines/*.asl.json in-process with aws-local-stepfunctions,
// routing Lambda Task states to local functions so no AWS call is ever made.
import '#shared/polyfills.js';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';

export type LocalTask = (input: unknown) => Promise<unknown>;

export interface LocalStateMachineOptions {
  /** Path of an *.asl.json file; relative paths resolve against the project root. */
  definitionFile: string;
  /** Local implementations keyed by Lambda function name (or by `${Placeholder}` name). */
  tasks: Record<string, LocalTask>;
  /** CDK DefinitionSubstitutions equivalent: `${Name}` -> value (function name or ARN). */
  substitutions?: Record<string, string>;
  /** Wait state pause in ms: one number for every Wait state, or per state name. */
  waitTimeOverrides?: number | Record<string, number>;
  /** Retry pause in ms: one number for every retrying state, or per state name (array = per retrier). */
  retryIntervalOverrides?: number | Record<string, number | number[]>;
  /** Aborting this signal aborts the execution (status ABORTED). */
  signal?: AbortSignal;
}

export interface LocalExecutionResult {
  status: 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
  output?: unknown;
  error?: string;
  cause?: string;
}

type Overrides = NonNullable<RunOptions['overrides']>;
type Handlers = NonNullable<Overrides['taskResourceLocalHandlers']>;
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
interface AslState {
  Type: string;
  Resource?: string;
  Parameters?: { [key: string]: Json };
  Retry?: unknown[];
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
}
interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';
const PLACEHOLDER = /\$\{([\w.-]+)\}/g;

// Raised for a failed task so Retry/Catch see the same Error/Cause shape AWS produces for a Lambda error.
class LambdaFunctionError extends Error {
  constructor(errorType: string, errorMessage: string) {
    super(JSON.stringify({ errorType, errorMessage }));
    this.name = errorType;
  }
}

export async function runStateMachine(
  opts: LocalStateMachineOptions & { input: unknown },
): Promise<LocalExecutionResult> {
  const raw: unknown = JSON.parse(await readFile(path.resolve(PROJECT_ROOT, opts.definitionFile), 'utf8'));
  // Shape is checked by the library's validator in the StateMachine constructor below.
  const definition = substitute(raw, opts) as AslMachine;
  const states = collectStates(definition);
  const overrides: Overrides = {
    taskResourceLocalHandlers: buildHandlers(states, opts.tasks),
    waitTimeOverrides: perState(states, 'Wait', opts.waitTimeOverrides),
    retryIntervalOverrides: perState(states, 'Retry', opts.retryIntervalOverrides),
  };

  const machine = new StateMachine(definition as unknown as StateMachineDefinition);
  // Round-trip like the real API: execution input is JSON text (AWS defaults it to {}).
  const input = JSON.parse(JSON.stringify(opts.input ?? {}));
  const execution = machine.run(input, { overrides });
  const onAbort = (): void => execution.abort();
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  if (opts.signal?.aborted) execution.abort();

  try {
    return { status: 'SUCCEEDED', output: await execution.result };
  } catch (err) {
    if (err instanceof ExecutionAbortedError) return { status: 'ABORTED' };
    if (err instanceof ExecutionTimeoutError) return { status: 'TIMED_OUT', error: 'States.Timeout' };
    if (err instanceof ExecutionError && err.cause instanceof Error) {
      return { status: 'FAILED', error: err.cause.name, cause: err.cause.message };
    }
    throw err;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
}

/** Applies `${Name}` substitutions to every string, as CDK's DefinitionSubstitutions would. */
function substitute(value: unknown, opts: LocalStateMachineOptions): unknown {
  if (typeof value === 'string') {
    return value.replace(PLACEHOLDER, (whole, name: string) => opts.substitutions?.[name] ?? (name in opts.tasks ? name : whole));
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, opts));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, opts)]));
  }
  return value;
}

/** Flattens nested Map/Parallel states: the library keys overrides by state name at any depth. */
function collectStates(machine: AslMachine, into = new Map<string, AslState>()): Map<string, AslState> {
  for (const [name, state] of Object.entries(machine.States)) {
    if (into.has(name)) throw new Error(`Duplicate state name "${name}": local overrides are keyed by state name`);
    into.set(name, state);
    const nested = [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator].filter((m) => m !== undefined);
    for (const child of nested) collectStates(child, into);
  }
  return into;
}

function buildHandlers(states: Map<string, AslState>, tasks: Record<string, LocalTask>): Handlers {
  const handlers: Handlers = {};
  for (const [name, state] of states) {
    if (state.Type !== 'Task' || state.Resource === undefined) continue;
    const resource = state.Resource;

    if (resource === LAMBDA_INVOKE) {
      // The library passes the processed Parameters ({FunctionName, Payload}) and does no result wrapping itself.
      const staticName = state.Parameters?.['FunctionName'];
      if (typeof staticName === 'string') resolveTask(tasks, staticName, name);
      handlers[name] = async (params) => {
        const { FunctionName, Payload } = params as { FunctionName?: unknown; Payload?: unknown };
        const task = resolveTask(tasks, String(FunctionName), name);
        const result = await invoke(task, Payload ?? {});
        return { ExecutedVersion: '$LATEST', Payload: result, StatusCode: 200 };
      };
    } else if (resource.startsWith('arn:aws:states:::')) {
      throw new Error(`State "${name}": service integration ${resource} has no local equivalent`);
    } else {
      // Plain Lambda form: the function's result is the task result.
      const task = resolveTask(tasks, resource, name);
      // A substituted bare name would fail the library's ARN validation.
      if (!resource.startsWith('arn:')) state.Resource = `arn:aws:lambda:us-east-1:123456789012:function:${resource}`;
      handlers[name] = (input) => invoke(task, input);
    }
  }
  return handlers;
}

function resolveTask(tasks: Record<string, LocalTask>, ref: string, stateName: string): LocalTask {
  // Accept what Lambda Invoke accepts: name, partial or full ARN, optionally :version/:alias qualified.
  const functionName = /^(?:arn:aws[\w-]*:lambda:[\w-]+:)?(?:\d{12}:)?(?:function:)?([\w-]+)(?::[\w$-]+)?$/.exec(ref)?.[1];
  const task = tasks[ref] ?? (functionName === undefined ? undefined : tasks[functionName]);
  if (!task) {
    throw new Error(`State "${stateName}": no local task for function "${ref}" (known: ${Object.keys(tasks).join(', ') || 'none'})`);
  }
  return task;
}

async function invoke(task: LocalTask, payload: unknown): Promise<Json> {
  let result: unknown;
  try {
    result = await task(payload);
  } catch (err) {
    throw err instanceof Error ? new LambdaFunctionError(err.name, err.message) : new LambdaFunctionError('Error', String(err));
  }
  // Serialize like Lambda does: undefined becomes null, Dates become strings, no shared references.
  return JSON.parse(JSON.stringify(result ?? null)) as Json;
}

/** Expands a single number to every Wait state (or every state with Retry); passes a per-state record through. */
function perState<T>(states: Map<string, AslState>, kind: 'Wait' | 'Retry', value: number | Record<string, T> | undefined) {
  if (typeof value !== 'number') return value;
  const names = [...states].filter(([, s]) => (kind === 'Wait' ? s.Type === 'Wait' : s.Retry !== undefined)).map(([n]) => n);
  return Object.fromEntries(names.map((n) => [n, value]));
}
