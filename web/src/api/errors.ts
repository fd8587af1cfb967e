/** The API's error envelope as an Error: `{error: {code, message, details, requestId}}`. */
export interface FieldIssue {
  field: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = null,
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** Field-level issues of a 400, as the API lists them. */
  get fieldIssues(): FieldIssue[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.filter(
      (d): d is FieldIssue => typeof d === 'object' && d !== null && typeof d.field === 'string' && typeof d.message === 'string',
    );
  }
}

/** A readable sentence for any failure: the API's own message, else a network explanation. */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = error.fieldIssues.map((i) => (i.field ? `${i.field}: ${i.message}` : i.message));
    return fields.length > 0 ? `${error.message} (${fields.join('; ')})` : error.message;
  }
  if (error instanceof TypeError) return 'The API could not be reached. Check your connection and try again.';
  return error instanceof Error ? error.message : String(error);
}
