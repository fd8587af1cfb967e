/**
 * Billing export parsing core: FOCUS 1.x, AWS CUR 2.0 and legacy CUR, as CSV, gzip CSV or Parquet,
 * streamed into one normalized row (the FOCUS model) with exact decimal money. See README.md.
 */
export { openBillingFile } from './open.js';
export { bytesSource, fileSource } from './source.js';
export { BillingFileError, isBillingFileError, type BillingFileErrorCode, type BillingFileErrorDetails } from './errors.js';
export { CUR_CHARGE_CATEGORY, FOCUS_VERSION_MARKERS } from './formats.js';
export type {
  BillingContainer,
  BillingFile,
  BillingFormat,
  BillingSource,
  ByteStream,
  ChargeCategory,
  CostRow,
  OpenOptions,
  ParsedRecord,
  PeriodTotals,
  RandomAccessSource,
  RejectionCode,
  RowRejection,
  SourceTotals,
} from './types.js';
