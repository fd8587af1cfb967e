import {
  CostExplorerClient,
  CostExplorerServiceException,
  DataUnavailableException,
  GetCostAndUsageCommand,
  LimitExceededException,
  type GetCostAndUsageRequest,
} from '@aws-sdk/client-cost-explorer';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { backoffDelay, collectCostExplorer, DEFAULT_RETRY, isRetryable, type CostExplorerOptions } from '#functions/billing/collect/index.js';
import { dayRange, fakeCostExplorer, sampleCharges } from './fake-cost-explorer.js';

const client = new CostExplorerClient({ region: 'us-east-1' });
const ce = mockClient(client);
beforeEach(() => ce.reset());

const A = '111111111111';
const fake = () => fakeCostExplorer(sampleCharges([A], dayRange('2026-10-01', '2026-10-08')), { pageSize: 10 });

const throttled = () => new LimitExceededException({ message: 'Rate exceeded', $metadata: { httpStatusCode: 400 } });
const unavailable = () => new CostExplorerServiceException({ name: 'ServiceUnavailable', $fault: 'server', $metadata: { httpStatusCode: 503 }, message: 'Service Unavailable' });
const validation = () => new CostExplorerServiceException({ name: 'ValidationException', $fault: 'client', $metadata: { httpStatusCode: 400 }, message: 'Start date is after end date' });

function recorder() {
  const delays: number[] = [];
  return { delays, sleep: async (ms: number) => void delays.push(ms) };
}

async function collect(options: Partial<CostExplorerOptions> = {}) {
  const run = collectCostExplorer(client, { start: '2026-10-01', end: '2026-10-08', random: () => 0.5, ...options });
  let rows = 0;
  for await (const _ of run) rows++;
  return { run, rows };
}

describe('throttling', () => {
  it('retries LimitExceededException with growing, jittered waits, then goes on', async () => {
    const answers = fake();
    ce.on(GetCostAndUsageCommand).rejectsOnce(throttled()).rejectsOnce(throttled()).callsFake(answers.answer);
    const { delays, sleep } = recorder();
    const { run, rows } = await collect({ sleep });
    // Equal jitter with random() = 0.5: 3/4 of 1 s, then 3/4 of 2 s.
    expect(delays).toEqual([750, 1500]);
    expect(rows).toBeGreaterThan(0);
    const sent = ce.commandCalls(GetCostAndUsageCommand).length;
    expect(run.summary().calls).toEqual({ requests: sent, pages: sent - 2, retries: 2, cachedPages: 0 });
    // The retried request is the same request.
    const [first, second, third] = ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
  });

  it('gives up after maxAttempts and throws the throttling error itself', async () => {
    ce.on(GetCostAndUsageCommand).rejects(throttled());
    const { delays, sleep } = recorder();
    await expect(collect({ sleep })).rejects.toBeInstanceOf(LimitExceededException);
    expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(DEFAULT_RETRY.maxAttempts);
    expect(delays).toEqual([750, 1500, 3000, 6000, 12000]);
  });

  it('caps each wait at maxDelayMs and keeps it between half the step and the step', async () => {
    ce.on(GetCostAndUsageCommand).rejects(throttled());
    for (const random of [() => 0, () => 0.999999]) {
      ce.resetHistory();
      const { delays, sleep } = recorder();
      await expect(collect({ sleep, random, retry: { maxAttempts: 9, baseDelayMs: 200, maxDelayMs: 5000 } })).rejects.toBeInstanceOf(LimitExceededException);
      expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(9);
      expect(delays).toHaveLength(8);
      delays.forEach((delay, i) => {
        const step = Math.min(5000, 200 * 2 ** i);
        expect(delay).toBeGreaterThanOrEqual(step / 2);
        expect(delay).toBeLessThanOrEqual(step);
      });
      expect(Math.max(...delays)).toBeLessThanOrEqual(5000);
    }
  });

  it('retries a throttled page with the same page token', async () => {
    const answers = fake();
    let calls = 0;
    ce.on(GetCostAndUsageCommand).callsFake((input: GetCostAndUsageRequest) => {
      calls++;
      if (input.NextPageToken && calls === 3) throw throttled();
      return answers.answer(input);
    });
    const { delays, sleep } = recorder();
    await collect({ sleep });
    const tokens = ce.commandCalls(GetCostAndUsageCommand).map((c) => c.args[0].input.NextPageToken);
    expect(tokens[2]).toBeDefined();
    expect(tokens[3]).toBe(tokens[2]);
    expect(delays).toEqual([750]);
  });

  it('retries server faults (5xx)', async () => {
    ce.on(GetCostAndUsageCommand).rejectsOnce(unavailable()).callsFake(fake().answer);
    const { delays, sleep } = recorder();
    await collect({ sleep });
    expect(delays).toEqual([750]);
  });

  it('never retries a validation error or other client errors', async () => {
    for (const error of [validation(), new DataUnavailableException({ message: 'no data', $metadata: { httpStatusCode: 400 } })]) {
      ce.reset();
      ce.on(GetCostAndUsageCommand).rejects(error);
      const { delays, sleep } = recorder();
      await expect(collect({ sleep })).rejects.toBe(error);
      expect(ce.commandCalls(GetCostAndUsageCommand)).toHaveLength(1);
      expect(delays).toEqual([]);
    }
  });

  it('tells retryable errors apart', () => {
    expect(isRetryable(throttled())).toBe(true);
    expect(isRetryable(Object.assign(new Error('slow down'), { name: 'ThrottlingException' }))).toBe(true);
    expect(isRetryable(unavailable())).toBe(true);
    expect(isRetryable({ name: 'Whatever', $metadata: { httpStatusCode: 500 } })).toBe(true);
    expect(isRetryable({ name: 'TooManyRequests', $metadata: { httpStatusCode: 429 } })).toBe(true);
    expect(isRetryable(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryable(validation())).toBe(false);
    expect(isRetryable({ name: 'BillExpirationException', $fault: 'client', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isRetryable({ name: 'InvalidNextTokenException', $metadata: { httpStatusCode: 400 } })).toBe(false);
    expect(isRetryable(new TypeError('bug'))).toBe(false);
    expect(isRetryable(undefined)).toBe(false);
    expect(backoffDelay(1, DEFAULT_RETRY, () => 0)).toBe(500);
    expect(backoffDelay(20, DEFAULT_RETRY, () => 1)).toBe(30_000);
  });
});
