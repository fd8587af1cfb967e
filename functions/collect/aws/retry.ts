import { backoffDelay, DEFAULT_RETRY, isRetryable, type RetryOptions } from '#functions/billing/collect/retry.js';

/**
 * Every call to a customer's account goes through this: throttling (EC2's RequestLimitExceeded,
 * ThrottlingException, 429) and server faults are retried with capped exponential backoff and
 * jitter; anything else reaches the caller at once. The SDK's own retries are off (maxAttempts 1
 * on the clients), so this is the one retry policy, and tests can see and time it.
 */
export interface CallOptions {
  retry?: RetryOptions;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function withRetry<T>(call: () => Promise<T>, options: CallOptions = {}): Promise<T> {
  const retry = { ...DEFAULT_RETRY, ...options.retry };
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      if (attempt >= retry.maxAttempts || !isRetryable(error)) throw error;
      await sleep(backoffDelay(attempt, retry, random));
    }
  }
}

/** Refusals that mean "this role may not", as opposed to a failure worth retrying or failing on. */
export function isAccessDenied(error: unknown): boolean {
  const name = (error as Error)?.name;
  return ['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'OptInRequired', 'UnrecognizedClientException'].includes(name);
}
