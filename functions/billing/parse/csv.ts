/**
 * CSV records with line numbers, pulled chunk by chunk from a byte stream through csv-parse.
 *
 * csv-parse's streaming `Parser` wraps a synchronous core (`parser.api.parse(chunk, end, push,
 * close)`, the same core its `csv-parse/sync` entry uses). We drive that core directly: each input
 * chunk becomes one array of records, with no per-record stream or promise overhead. Memory is one
 * input chunk plus the records it completes (and one partial record). `api` is a public property
 * of the exported `Parser`, but it is not in csv-parse's type declarations; `csv.test.ts` pins the
 * behaviour we rely on.
 */
import { type CsvError, Parser } from 'csv-parse';
import { BillingFileError } from './errors.js';
import type { ByteStream } from './types.js';

interface CsvCore {
  parse(buf: Uint8Array | undefined, end: boolean, push: (record: string[]) => void, close: () => void): CsvError | undefined;
  readonly info: { readonly lines: number; readonly empty_lines: number };
}

/** A record csv-parse could not read (a stray quote); it is skipped and reading goes on. */
export interface MalformedRecord {
  readonly malformed: true;
  readonly message: string;
}

export interface CsvChunk {
  /** Records (arrays of cells) and malformed records, in file order. */
  readonly records: (string[] | MalformedRecord)[];
  /** Line where each record starts (the header is line 1). */
  readonly lines: number[];
}

/** Largest record accepted: past this an unbalanced quote is swallowing the file. */
const MAX_RECORD_BYTES = 16 * 1024 * 1024;

export class CsvReader {
  private readonly core: CsvCore;
  private readonly iterator: AsyncIterator<Uint8Array>;
  private pending: CsvChunk = { records: [], lines: [] };
  private prevEndLine = 0;
  private prevEmptyLines = 0;
  private drift = 0;
  private finished = false;
  private inFinalFlush = false;
  private lastRecordInFlush: string[] | null = null;
  /** Whether the bytes so far end with a line feed (then the last record is whole, whatever its length). */
  private endsWithLineFeed = false;
  private skipError: CsvError | null = null;
  /** Field count of the header, once read; the final record is checked against it. */
  headerLength = -1;

  constructor(
    stream: ByteStream,
    private readonly fileName: string | undefined,
    /** Line number of the stream's first line: a reader taking over mid-file (fast-csv.ts) goes on counting. */
    firstLine = 1,
    /** Drop a byte-order mark at the start: only at the start of the file. */
    bom = firstLine === 1,
  ) {
    this.prevEndLine = firstLine - 1;
    const parser = new Parser({
      bom,
      relax_column_count: true,
      relax_quotes: true,
      // Both, always: auto-detection takes the first line ending for the whole file, and
      // spreadsheet-edited exports mix CRLF and LF.
      record_delimiter: ['\r\n', '\n'],
      skip_empty_lines: true,
      skip_records_with_error: true,
      max_record_size: MAX_RECORD_BYTES,
      on_skip: (err: CsvError | undefined) => {
        if (err) this.onSkip(err);
      },
    });
    const core = (parser as unknown as { api?: CsvCore }).api;
    if (!core || typeof core.parse !== 'function') throw new Error('csv-parse: Parser.api is missing (csv-parse upgraded?)');
    this.core = core;
    // csv-parse's own count (in its error messages) starts there too.
    (core.info as { lines: number }).lines = firstLine;
    this.iterator = stream[Symbol.asyncIterator]();
  }

  /**
   * Line numbers are ours: csv-parse counts a CRLF inside a quoted field as two lines. A record's
   * start is the line after the previous record's end plus the blank lines between; its end is
   * found by counting the line feeds in its fields -- only when csv-parse's own count says the
   * record did not fit on one line (`drift` carries the difference between the two counts).
   */
  private readonly push = (record: string[]) => {
    const info = this.core.info;
    const start = this.prevEndLine + 1 + (info.empty_lines - this.prevEmptyLines);
    let end = start;
    if (info.lines !== start + this.drift) {
      for (const field of record) for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) end++;
      this.drift = info.lines - end;
    }
    this.prevEndLine = end;
    this.prevEmptyLines = info.empty_lines;
    this.pending.records.push(record);
    this.pending.lines.push(start);
    if (this.inFinalFlush) this.lastRecordInFlush = record;
  };

  private onSkip(err: CsvError): void {
    const info = this.core.info;
    const start = this.prevEndLine + 1 + (info.empty_lines - this.prevEmptyLines);
    if (err.code === 'CSV_QUOTE_NOT_CLOSED' || err.code === 'CSV_MAX_RECORD_SIZE') {
      this.skipError = err;
      (this.skipError as { startLine?: number }).startLine = start;
      return;
    }
    const errLines = (err as { lines?: number }).lines ?? info.lines;
    this.prevEndLine = Math.max(start, errLines - this.drift);
    this.prevEmptyLines = info.empty_lines;
    this.pending.records.push({ malformed: true, message: err.message });
    this.pending.lines.push(start);
  }

  private fail(err: CsvError & { startLine?: number }): never {
    const where = this.fileName ? ` ${this.fileName}` : '';
    const line = err.startLine ?? this.prevEndLine + 1;
    if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
      throw new BillingFileError('TRUNCATED', `CSV${where} ends inside a quoted field opened at line ${line}: the file is truncated (or a quote is unbalanced)`, {
        ...(this.fileName ? { fileName: this.fileName } : {}),
        line,
        cause: err.message,
      });
    }
    throw new BillingFileError('CORRUPT', `CSV${where} cannot be read at line ${line}: ${err.message}`, {
      ...(this.fileName ? { fileName: this.fileName } : {}),
      line,
      cause: err.message,
    });
  }

  /** The next records, or null at the end of the file. Throws TRUNCATED / CORRUPT file errors. */
  async next(): Promise<CsvChunk | null> {
    while (this.pending.records.length === 0) {
      if (this.finished) return null;
      const next = await this.iterator.next();
      let err: CsvError | undefined;
      if (next.done) {
        this.finished = true;
        this.inFinalFlush = true;
        err = this.core.parse(undefined, true, this.push, () => {});
        this.inFinalFlush = false;
      } else {
        if (next.value.byteLength > 0) this.endsWithLineFeed = next.value[next.value.byteLength - 1] === 0x0a;
        err = this.core.parse(next.value, false, this.push, () => {});
      }
      if (err) this.fail(err);
      if (this.skipError) this.fail(this.skipError);
      if (this.finished) this.checkLastRecord();
    }
    const chunk = this.pending;
    this.pending = { records: [], lines: [] };
    return chunk;
  }

  /**
   * A final record without a line ending and with fewer fields than the header is the tail of a
   * cut file, not a short row.
   */
  private checkLastRecord(): void {
    const last = this.lastRecordInFlush;
    if (last === null || this.endsWithLineFeed || this.headerLength < 0 || last.length >= this.headerLength) return;
    const line = this.pending.lines[this.pending.lines.length - 1] ?? this.prevEndLine;
    const where = this.fileName ? ` ${this.fileName}` : '';
    throw new BillingFileError(
      'TRUNCATED',
      `CSV${where} ends mid-record at line ${line} (${last.length} of ${this.headerLength} fields, no line ending): the file is truncated`,
      { ...(this.fileName ? { fileName: this.fileName } : {}), line },
    );
  }

  async close(): Promise<void> {
    if (!this.finished) {
      this.finished = true;
      await this.iterator.return?.();
    }
  }
}
