import { DomainError } from '#shared/errors.js';

/**
 * File errors: the file as a whole cannot be ingested. Each stops reading at once, whether it is
 * thrown by `openBillingFile` (format, header, container) or by the row iterator (truncation and
 * corruption found mid-file, currencies found mixed mid-file). Rows already yielded before such an
 * error must be discarded by the caller: nothing from a failed file is written.
 */
export type BillingFileErrorCode =
  /** Zero bytes, or nothing but whitespace / a byte-order mark. */
  | 'EMPTY_FILE'
  /** The header / schema matches none of FOCUS 1.x, AWS CUR 2.0, legacy CUR. */
  | 'UNKNOWN_FORMAT'
  /** The format is known but a column the model needs is absent. `details.columns` names them. */
  | 'MISSING_COLUMN'
  /** Two header cells carry the same name. */
  | 'DUPLICATE_COLUMN'
  /** No currency column and no `defaultCurrency`. */
  | 'MISSING_CURRENCY'
  /** No currency column, and the file itself shows several currencies. */
  | 'MIXED_CURRENCIES'
  /** The bytes end early: gzip stream cut, CSV ends inside a quoted field or mid-record, Parquet footer missing. */
  | 'TRUNCATED'
  /** The bytes are damaged: gzip data error, unreadable Parquet metadata or pages. */
  | 'CORRUPT'
  /** A container this parser does not read (zip, gzip-wrapped Parquet, Parquet from a stream). */
  | 'UNSUPPORTED_CONTAINER';

export interface BillingFileErrorDetails {
  fileName?: string;
  /** Columns concerned (missing, duplicated). */
  columns?: string[];
  /** Line (CSV) or row (Parquet) where the problem shows. */
  line?: number;
  /** What was expected, for UNKNOWN_FORMAT: the signature columns of each supported format. */
  expected?: Record<string, string[]>;
  currencies?: string[];
  cause?: string;
}

export class BillingFileError extends DomainError {
  readonly status = 400;
  declare readonly details: BillingFileErrorDetails;

  constructor(
    readonly code: BillingFileErrorCode,
    message: string,
    details: BillingFileErrorDetails = {},
  ) {
    super(message, details);
  }
}

export const isBillingFileError = (e: unknown): e is BillingFileError => e instanceof BillingFileError;
