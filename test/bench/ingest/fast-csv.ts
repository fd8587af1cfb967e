/**
 * BENCH-ONLY PROTOTYPE, not for production as is: a byte-level RFC 4180 tokenizer that decodes
 * only the columns the mapper reads (DuckDB's projection pushdown, in JavaScript). It exists to
 * measure how much of our CSV time is the tokenizer and what a projecting tokenizer would buy.
 * Issue 4 asks for a well-kept parser, never a hand-written splitter, in the product: see the
 * benchmark report for the options this points to.
 *
 * What it does: quoted fields with "" escapes and line breaks inside quotes, LF and CRLF record
 * ends, blank lines skipped, a UTF-8 BOM skipped, line numbers like CsvReader's. Skipped columns
 * come out as '' so records keep the header's width (the mapper checks the field count). What it
 * does not: csv-parse's relaxed-quote recovery, the 16 MiB record limit, truncation errors.
 */
import { isAscii } from 'node:buffer';

const QUOTE = 0x22;
const COMMA = 0x2c;
const LF = 0x0a;
const CR = 0x0d;

export interface FastChunk {
  records: string[][];
  lines: number[];
}

export class FastCsvTokenizer {
  private leftover: Buffer | null = null;
  private line = 1;
  private first = true;
  /** Columns to decode (by position); null: all. */
  keep: boolean[] | null = null;

  /**
   * Tokenizes `chunk` after the bytes left from the previous call, returning the complete
   * records; an incomplete last record is kept for the next call (or, with `final`, read as is).
   */
  push(chunk: Uint8Array | null, final = false): FastChunk {
    const bytes = chunk === null ? Buffer.alloc(0) : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const buf = this.leftover && this.leftover.byteLength > 0 ? Buffer.concat([this.leftover, bytes]) : bytes;
    this.leftover = null;
    let pos = 0;
    if (this.first && buf.byteLength >= 3) {
      if (buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) pos = 3;
      this.first = false;
    }
    const len = buf.byteLength;
    // ASCII (the usual export) decodes as Latin-1, V8's cheapest string; else UTF-8.
    const encoding: BufferEncoding = isAscii(buf) ? 'latin1' : 'utf8';
    const records: string[][] = [];
    const lines: number[] = [];
    const keep = this.keep;
    let line = this.line;
    let width = keep ? keep.length : 8;

    record: while (pos < len) {
      // blank lines
      const c0 = buf[pos]!;
      if (c0 === LF) {
        pos++;
        line++;
        continue;
      }
      if (c0 === CR && pos + 1 < len && buf[pos + 1] === LF) {
        pos += 2;
        line++;
        continue;
      }
      if (c0 === CR && pos + 1 >= len && !final) {
        this.keepFrom(buf, pos, len);
        break;
      }
      const start = pos;
      const startLine = line;
      const cells: string[] = new Array(width);
      let col = 0;
      for (;;) {
        let value: string;
        const wanted = keep === null || (col < keep.length && keep[col] === true);
        if (buf[pos] === QUOTE) {
          // quoted field: up to the closing quote ("" is an escaped quote)
          let j = pos + 1;
          let escaped = false;
          for (;;) {
            j = buf.indexOf(QUOTE, j);
            if (j < 0 || (j + 1 >= len && !final)) {
              this.keepFrom(buf, start, len);
              line = startLine;
              break record;
            }
            if (buf[j + 1] === QUOTE) {
              escaped = true;
              j += 2;
              continue;
            }
            break;
          }
          // line breaks inside the quotes
          for (let k = pos + 1; k < j; k++) if (buf[k] === LF) line++;
          if (wanted) {
            value = buf.toString(encoding, pos + 1, j);
            if (escaped) value = value.replaceAll('""', '"');
          } else value = '';
          pos = j + 1;
          // relaxed: anything up to the next separator belongs to the field
          while (pos < len) {
            const c = buf[pos]!;
            if (c === COMMA || c === LF || c === CR) break;
            pos++;
          }
        } else {
          let j = pos;
          while (j < len) {
            const c = buf[j]!;
            if (c === COMMA || c === LF || c === CR) break;
            j++;
          }
          value = wanted && j > pos ? buf.toString(encoding, pos, j) : '';
          pos = j;
        }
        if (pos >= len && !final) {
          this.keepFrom(buf, start, len);
          line = startLine;
          break record;
        }
        if (col < width) cells[col] = value;
        else cells.push(value);
        col++;
        const c = pos < len ? buf[pos]! : LF;
        if (c === COMMA) {
          pos++;
          if (pos >= len && !final) {
            this.keepFrom(buf, start, len);
            line = startLine;
            break record;
          }
          if (pos >= len) {
            if (col < width) cells[col] = '';
            else cells.push('');
            col++;
            break;
          }
          continue;
        }
        if (c === CR) {
          if (pos + 1 >= len && !final) {
            this.keepFrom(buf, start, len);
            line = startLine;
            break record;
          }
          pos++;
        }
        if (pos < len && buf[pos] === LF) pos++;
        line++;
        break;
      }
      if (col !== width) cells.length = col;
      if (keep === null) width = col;
      records.push(cells);
      lines.push(startLine);
    }
    this.line = line;
    return { records, lines };
  }

  private keepFrom(buf: Buffer, start: number, end: number): void {
    // A copy: the chunk it came from is let go.
    this.leftover = Buffer.from(buf.subarray(start, end));
  }
}
