/**
 * Retries of Cost Explorer calls: throttling and server faults are retried with exponential
 * backoff and jitter, a bounded number of times; anything else (a validation error, an expired
 * bill, data not available, a bad page token) is the caller's to see at once.
 */
export interface RetryOptions {
  /** Attempts per request, the first one included. Default 6. */
  maxAttempts?: number;
  /** The first retry waits between half of this and this. Default 1000 ms. */
  baseDelayMs?: number;
  /** No wait is longer than this. Default 30_000 ms. */
  maxDelayMs?: number;
}

export const DEFAULT_RETRY: Required<RetryOptions> = { maxAttempts: 6, baseDelayMs: 1000, maxDelayMs: 30_000 };

/** Cost Explorer's rate limit answer (`LimitExceededException`, HTTP 400) and the SDK's usual throttling names. */
const THROTTLING = new Set([
  'LimitExceededException',
  'ThrottlingException',
  'Throttling',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'RequestThrottledException',
]);

/** Faults on the way or on AWS's side that a later attempt can get past. */
const TRANSIENT = new Set([
  'InternalServerError',
  'InternalFailure',
  'ServiceUnavailable',
  'ServiceUnavailableException',
  'RequestTimeout',
  'RequestTimeoutException',
  'TimeoutError',
]);
const TRANSIENT_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

interface ErrorShape {
  name?: unknown;
  code?: unknown;
  $fault?: unknown;
  $metadata?: { httpStatusCode?: unknown };
}

/** Whether another attempt of the same request may succeed. */
export function isRetryable(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const e = error as ErrorShape;
  if (typeof e.name === 'string' && (THROTTLING.has(e.name) || TRANSIENT.has(e.name))) return true;
  if (typeof e.code === 'string' && TRANSIENT_NETWORK_CODES.has(e.code)) return true;
  const status = e.$metadata?.httpStatusCode;
  if (typeof status === 'number') return status === 429 || status >= 500;
  return e.$fault === 'server';
}

/**
 * The wait before retry number `retry` (1 for the first): "equal jitter", half of the capped
 * exponential step plus a random part of the other half, so waits grow and never collide.
 */
export function backoffDelay(retry: number, options: Required<RetryOptions>, random: () => number): number {
  const step = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** (retry - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
