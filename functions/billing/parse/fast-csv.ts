/// <reference path="./papaparse.d.ts" />
/**
 * CSV records with line numbers, parsed by papaparse's core (~4x csv-parse on billing exports),
 * with csv-parse (`CsvReader`) taking over for whatever papaparse might read differently.
 *
 * papaparse reads the common shape of an export -- LF line endings, quoted fields with escaped
 * quotes, commas and line breaks -- exactly as csv-parse does. Where the two could differ, this
 * reader does not guess: it hands the rest of the file, from the last record boundary papaparse
 * confirmed, to `CsvReader`, which then does everything as before (line numbers go on). The hand
 * over happens at the first of:
 *   - a CR anywhere (CRLF or mixed line endings), a blank line (line numbers count them), a
 *     quote followed by white space (papaparse accepts `"a" ,`, csv-parse refuses it);
 *   - any error papaparse reports (an unbalanced or stray quote at the start of a field);
 *   - a record longer than MAX_PENDING (csv-parse applies its 16 MiB limit);
 *   - the end of the file: the last record, with or without a line ending, is read by csv-parse,
 *     so truncation is found and reported exactly as before.
 * Records split only where papaparse says a record ends; nothing here tokenizes CSV.
 */
import Papa, { type PapaParser } from 'papaparse';
import { type CsvChunk, CsvReader } from './csv.js';
import type { ByteStream } from './types.js';

/**
 * Input is decoded and parsed in pieces of at most this many bytes: the text of a piece (and the
 * piece with the record before it) stays under V8's large-object size (128 KiB), so it is
 * allocated in the young generation and not in pages mapped and unmapped for each chunk (each a
 * round of page faults). Larger chunks (a 256 KiB file stream, S3) are cut, without copying.
 */
const PIECE_BYTES = 64 * 1024;
/** A pending (incomplete) record longer than this goes to csv-parse. */
const MAX_PENDING = 4 * 1024 * 1024;
const LF = 10;
/** A quote followed by white space (papaparse skips it before a delimiter; csv-parse does not). */
const QUOTE_SPACE = /"\s/;

/** The reader `openCsv` reads records from: `CsvReader`, or this one. */
export interface CsvRecordReader {
  headerLength: number;
  next(): Promise<CsvChunk | null>;
  close(): Promise<void>;
}

/** Bytes up to the last complete UTF-8 character (a multi-byte character may be cut by a chunk). */
function completeUtf8(bytes: Uint8Array): number {
  const n = bytes.length;
  for (let back = 1; back <= 3 && back <= n; back++) {
    const b = bytes[n - back]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: look further back for the lead
    if (b < 0x80) return n;
    const need = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? n - back : n;
  }
  return n;
}

function countLineFeeds(s: string, from: number, to: number): number {
  let count = 0;
  for (let at = s.indexOf('\n', from); at >= 0 && at < to; at = s.indexOf('\n', at + 1)) count++;
  return count;
}

export class FastCsvReader implements CsvRecordReader {
  private readonly parser: PapaParser;
  private readonly iterator: AsyncIterator<Uint8Array>;
  /** Bytes of a UTF-8 character cut by the previous chunk. */
  private carry: Uint8Array | null = null;
  /** The bytes of the current chunk after the piece being parsed (PIECE_BYTES). */
  private rest: Uint8Array | null = null;
  /** Text of the record the previous chunk ended inside; it starts at a record boundary. */
  private pending = '';
  /** Line where `pending` starts (the header is line 1). */
  private line = 1;
  private atStart = true;
  private csvParse: CsvReader | null = null;
  private header = -1;

  constructor(
    stream: ByteStream,
    private readonly fileName: string | undefined,
  ) {
    if (typeof Papa.Parser !== 'function') throw new Error('papaparse: Papa.Parser is missing (papaparse upgraded?)');
    this.parser = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' });
    this.iterator = stream[Symbol.asyncIterator]();
  }

  get headerLength(): number {
    return this.header;
  }

  set headerLength(n: number) {
    this.header = n;
    if (this.csvParse) this.csvParse.headerLength = n;
  }

  /** Whether csv-parse has taken over (for tests and the benchmark). */
  get handedOver(): boolean {
    return this.csvParse !== null;
  }

  async next(): Promise<CsvChunk | null> {
    for (;;) {
      if (this.csvParse) return this.csvParse.next();
      let bytes: Uint8Array;
      if (this.rest !== null) {
        bytes = this.rest;
        this.rest = null;
      } else {
        const next = await this.iterator.next();
        if (next.done) {
          this.handOver(this.pending);
          continue;
        }
        bytes = next.value;
      }
      if (bytes.byteLength === 0) continue;
      if (bytes.byteLength > PIECE_BYTES) {
        this.rest = bytes.subarray(PIECE_BYTES);
        bytes = bytes.subarray(0, PIECE_BYTES);
      }
      if (this.carry) {
        bytes = Buffer.concat([this.carry, bytes]);
        this.carry = null;
      }
      const complete = completeUtf8(bytes);
      if (complete < bytes.byteLength) this.carry = bytes.slice(complete);
      let text = Buffer.from(bytes.buffer, bytes.byteOffset, complete).toString('utf8');
      if (this.atStart && text.length > 0) {
        this.atStart = false;
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
      }
      const input = this.pending + text;
      if (input.length === 0) continue;
      if (input.charCodeAt(0) === LF || input.includes('\r') || input.includes('\n\n') || QUOTE_SPACE.test(input)) {
        this.handOver(input);
        continue;
      }
      const result = this.parser.parse(input, 0, true);
      if (result.errors.length > 0) {
        this.handOver(input);
        continue;
      }
      const end = result.meta.cursor;
      const records = result.data;
      if (records.length === 0) {
        this.pending = input;
        if (input.length > MAX_PENDING) this.handOver(input);
        continue;
      }
      // Copy the rest: a slice would keep this chunk's whole text alive.
      this.pending = end < input.length ? Buffer.from(input.slice(end)).toString('utf8') : '';
      return { records, lines: this.number(records, input, end) };
    }
  }

  /** Line where each record starts: one line each, plus the line feeds inside quoted fields. */
  private number(records: string[][], input: string, end: number): number[] {
    const lines = new Array<number>(records.length);
    let line = this.line;
    if (countLineFeeds(input, 0, end) === records.length) {
      for (let i = 0; i < records.length; i++) lines[i] = line++;
    } else {
      for (let i = 0; i < records.length; i++) {
        lines[i] = line++;
        for (const field of records[i]!) for (let at = field.indexOf('\n'); at >= 0; at = field.indexOf('\n', at + 1)) line++;
      }
    }
    this.line = line;
    return lines;
  }

  /** csv-parse reads the rest: `text` (from a record boundary), the cut character, the rest of the chunk, then the stream. */
  private handOver(text: string): void {
    const head = [Buffer.from(text), ...(this.carry ? [this.carry] : []), ...(this.rest ? [this.rest] : [])];
    this.carry = null;
    this.rest = null;
    this.pending = '';
    const iterator = this.iterator;
    async function* rest(): ByteStream {
      for (const b of head) if (b.byteLength > 0) yield b;
      for (let n = await iterator.next(); !n.done; n = await iterator.next()) yield n.value;
    }
    this.csvParse = new CsvReader(rest(), this.fileName, this.line, this.atStart);
    this.csvParse.headerLength = this.header;
  }

  async close(): Promise<void> {
    // csv-parse's stream may not have started (a generator not started cannot run its finally).
    if (this.csvParse) await this.csvParse.close();
    await this.iterator.return?.();
  }
}
