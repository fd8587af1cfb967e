/**
 * Typed domain errors. Domain code throws these; only the HTTP error middleware turns them into
 * responses, so no domain module ever builds an HTTP answer.
 */
export interface FieldIssue {
  field: string;
  message: string;
  code?: string;
}

export abstract class DomainError extends Error {
  abstract readonly status: number;
  abstract readonly code: string;
  readonly details: unknown;

  constructor(message: string, details?: unknown) {
    super(message);
    this.name = new.target.name;
    this.details = details ?? null;
  }
}

/** 400: the request is malformed or fails validation; `details` lists the offending fields. */
export class Invalid extends DomainError {
  readonly status = 400;
  constructor(
    message: string,
    details?: FieldIssue[],
    readonly code: string = 'VALIDATION_ERROR',
  ) {
    super(message, details);
  }
}

/** 401: no valid credentials. */
export class Unauthorized extends DomainError {
  readonly status = 401;
  readonly code = 'UNAUTHORIZED';
}

/** 403: authenticated, but the role lacks the permission. */
export class Forbidden extends DomainError {
  readonly status = 403;
  readonly code = 'FORBIDDEN';
}

/** 404: absent, or owned by another tenant (the two are indistinguishable on purpose). */
export class NotFound extends DomainError {
  readonly status = 404;
  readonly code = 'NOT_FOUND';
}

/** 409: the write conflicts with current state (duplicate, stale version, in-flight request). */
export class Conflict extends DomainError {
  readonly status = 409;
  constructor(
    message: string,
    readonly code: string = 'CONFLICT',
    details?: unknown,
  ) {
    super(message, details);
  }
}

/** 429: too many attempts (e.g. sign-in throttling by the identity provider). */
export class TooManyRequests extends DomainError {
  readonly status = 429;
  readonly code = 'TOO_MANY_REQUESTS';
}

/** 503: a dependency is not reachable; safe to retry. */
export class Unavailable extends DomainError {
  readonly status = 503;
  readonly code = 'SERVICE_UNAVAILABLE';
}

export const isDomainError = (e: unknown): e is DomainError => e instanceof DomainError;
