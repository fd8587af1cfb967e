/**
 * The billing parser's public types: what goes in (sources, options), what comes out (normalized
 * cost rows, row rejections, the source file's own totals).
 */

/** Bytes read front to back: a Node `Readable`, a web `ReadableStream`, any async iterable of chunks. */
export type ByteStream = AsyncIterable<Uint8Array>;

/**
 * Bytes read by range: an S3 object through ranged GETs, a local file, a buffer. Parquet needs
 * this (its footer, at the end, says where everything is); CSV and gzip read it front to back.
 */
export interface RandomAccessSource {
  readonly byteLength: number;
  /** Bytes `[start, end)`. */
  read(start: number, end: number): Promise<Uint8Array>;
  /** Optional: the whole object front to back (one S3 GET), used for CSV instead of 1 MiB range reads. */
  stream?(): ByteStream;
}

/**
 * Anything the parser can read. A function is called once to open the stream (so a caller can
 * hand over an S3 `GetObject` body lazily).
 */
export type BillingSource = ByteStream | (() => ByteStream) | RandomAccessSource;

/** The export's schema family and version, detected from its header (CSV) or schema (Parquet). */
export type BillingFormat =
  | 'focus-1.0-preview'
  | 'focus-1.0'
  | 'focus-1.1'
  | 'focus-1.2'
  | 'focus-1.3'
  | 'aws-cur-2.0'
  | 'aws-cur-legacy';

/** How the bytes are packed, detected from magic bytes (never from the file name alone). */
export type BillingContainer = 'csv' | 'csv-gzip' | 'parquet';

export type ChargeCategory = 'Usage' | 'Purchase' | 'Tax' | 'Credit' | 'Adjustment';

/**
 * One charge in the FOCUS model, whatever the export it came from. Money and quantities are
 * exact decimals as `bigint` in units of 1e-12 (see `#shared/money.js`). Rows are read-only and
 * may share their `tags` object with other rows.
 */
export interface CostRow {
  readonly kind: 'cost';
  /** CSV: line of the (decompressed) file where the record starts, the header being line 1. Parquet: 1-based row number. */
  readonly line: number;
  /** `YYYY-MM-DD`, the calendar date as the export writes it. */
  readonly billingPeriodStart: string;
  /** ISO 8601 UTC, `YYYY-MM-DDTHH:mm:ss.sssZ`. */
  readonly chargePeriodStart: string;
  readonly chargePeriodEnd: string;
  /** `YYYY-MM-DD` of `chargePeriodStart` in UTC: the day a daily rollup files the charge under. */
  readonly chargeDate: string;
  readonly provider: string | null;
  readonly billingAccountId: string | null;
  readonly billingAccountName: string | null;
  readonly subAccountId: string | null;
  readonly subAccountName: string | null;
  /** FOCUS ServiceName; null only when the export has no service column at all. */
  readonly serviceName: string | null;
  readonly serviceCategory: string | null;
  readonly regionId: string | null;
  readonly chargeCategory: ChargeCategory;
  /** `'Correction'`: corrects a previously invoiced billing period. */
  readonly chargeClass: 'Correction' | null;
  /** CUR lineItem/UsageType; FOCUS x_UsageType, else SkuId. */
  readonly usageType: string | null;
  readonly resourceId: string | null;
  readonly tags: Readonly<Record<string, string>>;
  /** ISO 4217 code, upper case. */
  readonly currency: string;
  readonly billedCost: bigint;
  readonly effectiveCost: bigint;
  /** Null when the export has no list cost for the row (a FOCUS file without a ListCost column). */
  readonly listCost: bigint | null;
  /** Null for non-Usage charges and where the export has none. */
  readonly consumedQuantity: bigint | null;
  readonly consumedUnit: string | null;
}

export type RejectionCode =
  /** A cost or quantity cell is not a decimal number. */
  | 'NON_NUMERIC'
  /** A cell the model cannot do without is empty or `NULL`. */
  | 'MISSING_VALUE'
  /** A date/time cell is not ISO 8601 (or not a real instant, like hour 30). */
  | 'INVALID_DATE'
  /** A cell holds a value outside its allowed set (ChargeCategory, ChargeClass, a currency code). */
  | 'INVALID_VALUE'
  /** The Tags / resource_tags cell is not a JSON object. */
  | 'INVALID_TAGS'
  /** The record has a different number of fields than the header. */
  | 'FIELD_COUNT'
  /** The CSV record itself is malformed (a stray quote); csv-parse skipped it. */
  | 'MALFORMED_RECORD';

/** A record the parser read but could not turn into a `CostRow`. Reading goes on. */
export interface RowRejection {
  readonly kind: 'rejected';
  readonly line: number;
  readonly code: RejectionCode;
  /** The column at fault, as the header names it; null when the whole record is at fault. */
  readonly column: string | null;
  /** The offending cell (cut to 200 characters), when there is one. */
  readonly value: string | null;
  readonly message: string;
}

export type ParsedRecord = CostRow | RowRejection;

/** The source file's own sums for one billing period and currency. */
export interface PeriodTotals {
  /** `YYYY-MM-DD`; null collects rows whose billing period could not be read. */
  readonly billingPeriodStart: string | null;
  /** Null collects rows whose currency could not be read. */
  readonly currency: string | null;
  /** Data records counted here, rejected ones included. */
  readonly rows: number;
  readonly billedCost: bigint;
  readonly effectiveCost: bigint;
  /** Sum over the rows that have a list cost. */
  readonly listCost: bigint;
}

/**
 * The file's own totals, summed from its cost cells for EVERY data record it holds (rejected
 * ones included), on a path separate from row mapping and validation. What a later stage stored
 * must equal these; a difference means rows were rejected or lost.
 */
export interface SourceTotals {
  /** Data records read (header, blank lines excluded). */
  readonly recordsRead: number;
  readonly rowsEmitted: number;
  readonly rowsRejected: number;
  /** Records whose cost cells were not numbers: they are in no period's sums. */
  readonly unsummableRecords: number;
  /** Sorted by billing period, then currency (nulls last). */
  readonly periods: readonly PeriodTotals[];
}

export interface OpenOptions {
  /** Used in messages and to tell a `.parquet` given as a stream apart; detection uses magic bytes. */
  fileName?: string;
  /**
   * Currency of every row when the export has no currency column (FOCUS BillingCurrency, CUR
   * lineItem/CurrencyCode), and of rows whose currency cell is empty. Without it such a file is refused.
   */
  defaultCurrency?: string;
  /**
   * How to read `4/1/25`-style dates, which spreadsheet-edited exports (including some of the FOCUS
   * specification's own examples) carry. Unset: only ISO 8601 dates are accepted.
   */
  slashDates?: 'MDY' | 'DMY';
  /**
   * Parquet only: read just row groups `[start, end)` (an ingestion work unit); row numbers and
   * the totals are those of these groups. Unset: every group.
   */
  rowGroups?: { start: number; end: number };
  /** Records mapped per batch (CSV batches also end at each input chunk). Default 2048. */
  batchSize?: number;
}

export interface BillingFile {
  readonly format: BillingFormat;
  readonly container: BillingContainer;
  /** Column names as the file has them. */
  readonly columns: readonly string[];
  /**
   * Known optional columns the file lacks and what the parser does instead, e.g.
   * `ListCost: absent; listCost is null`. Informational, for the ingestion record.
   */
  readonly notes: readonly string[];
  /** Rows and rejections in file order. One pass: use either `rows` or `batches`, once. */
  readonly rows: AsyncIterable<ParsedRecord>;
  /** The same records in arrays (cheaper per record for large files). */
  readonly batches: AsyncIterable<ParsedRecord[]>;
  /** The source file's own totals. Throws until the rows have been read to the end. */
  totals(): SourceTotals;
}
