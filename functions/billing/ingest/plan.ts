/// <reference path="../parse/papaparse.d.ts" />
/**
 * Work units: how the ingestion workflow splits a file too large for one task (Prepare writes the
 * plan as a manifest; the Map runs one aggregate task per unit; Commit merges them), and where a
 * CSV file may be cut (shared with the local multi-threaded reader, parallel.ts).
 *
 * - CSV: byte ranges of about `unitBytes`, each starting at a line start. A line start is a record
 *   start only if the line feed before it is not inside a quoted field, which only a parser reading
 *   from the file's start can tell; so, as in parallel.ts, a unit counts only when the unit before
 *   it ended cleanly at its end (a cut inside a quoted field ends that unit inside the quote:
 *   TRUNCATED). Unit 0 starts at the file's start, so if every unit ends cleanly every unit started
 *   at a record start (by induction). Otherwise the file is read again whole (Commit asks for it).
 *   Not split: a header holding a quote (a quoted line break in the header), a header without a
 *   line feed in its first 64 KiB, a file without a currency column (its mixed-currency check
 *   needs every row), a file whose header cannot be read or whose format is not known (the whole
 *   read gives the exact error).
 * - Parquet: runs of consecutive row groups of about `unitRows` rows (a row group is never cut).
 * - gzip CSV: never split (a gzip stream has no random access); a file larger than a unit is
 *   read whole and says so in the ingestion record.
 */
import Papa from 'papaparse';
import { detectFormat, normalizeHeader } from '../parse/detect.js';
import { isBillingFileError } from '../parse/index.js';
import { ParquetFile } from '../parse/parquet.js';
import { sniff } from '../parse/source.js';

/**
 * Default CSV unit: 256 MiB, about 340,000 FOCUS rows of 58 columns (785 bytes a row in the
 * benchmark's files), about 3 s of CPU at the measured 8-10 us a row: two orders of magnitude
 * inside the ingest Lambda's 15 minutes, with room for wider rows and a slower core.
 */
export const DEFAULT_UNIT_BYTES = 256 * 1024 * 1024;
/** Default Parquet unit: 1,000,000 rows (about 10 s of CPU), whole row groups. */
export const DEFAULT_UNIT_ROWS = 1_000_000;

const HEAD_BYTES = 1 << 16;
const LF = 10;
const QUOTE = 34;

/** Bytes of a file by range: `[start, end)`. */
export type ReadBytes = (start: number, end: number) => Promise<Uint8Array>;

export interface CsvOptions {
  fileName?: string;
  defaultCurrency?: string | null;
}

/** The byte after the first line feed at or after `at`, or `size`. */
async function lineStartAfter(read: ReadBytes, at: number, size: number): Promise<number> {
  for (let from = at; from < size; from += HEAD_BYTES) {
    const bytes = await read(from, Math.min(size, from + HEAD_BYTES));
    const i = bytes.indexOf(LF);
    if (i >= 0) return from + i + 1;
    if (bytes.byteLength === 0) break;
  }
  return size;
}

export type CsvCuts = { ok: true; headerEnd: number; header: Uint8Array; cuts: number[] } | { ok: false; reason: string };

/**
 * Where a text CSV file of `size` bytes may be cut into `parts` ranges of about equal size:
 * `cuts[0] = 0`, `cuts.at(-1) = size`, every other cut the byte after a line feed. Ranges after
 * the first are read with the header line (`[0, headerEnd)`) in front.
 */
export async function csvCuts(read: ReadBytes, size: number, parts: number, options: CsvOptions = {}): Promise<CsvCuts> {
  const head = await read(0, Math.min(size, HEAD_BYTES));
  if (sniff(head) !== 'text') return { ok: false, reason: 'not a text CSV' };
  const headerEnd = head.indexOf(LF) + 1;
  if (headerEnd === 0) return { ok: false, reason: 'no line feed in the first 64 KiB' };
  const header = head.slice(0, headerEnd);
  if (header.includes(QUOTE)) return { ok: false, reason: 'the header holds a quote' };
  try {
    const cells = new Papa.Parser({ delimiter: ',', newline: '\n', quoteChar: '"' }).parse(Buffer.from(header).toString('utf8'), 0, true).data[0] ?? [];
    const detection = detectFormat(normalizeHeader(cells), options.fileName);
    if (detection.index.findAll(detection.rules.currency).length === 0) return { ok: false, reason: 'no currency column (one currency is assumed for every row, checked over the whole file)' };
  } catch {
    return { ok: false, reason: 'the header is not that of a known format' }; // the whole read throws the file error
  }
  const cuts = [0];
  for (let i = 1; i < parts; i++) {
    const cut = await lineStartAfter(read, headerEnd + Math.floor(((size - headerEnd) * i) / parts), size);
    if (cut > cuts[cuts.length - 1]! && cut < size) cuts.push(cut);
  }
  cuts.push(size);
  return cuts.length > 2 ? { ok: true, headerEnd, header, cuts } : { ok: false, reason: 'one line' };
}

/** What one unit reads: the whole file, a byte range (CSV), or a run of row groups (Parquet). */
export type UnitRange = null | { bytes: [start: number, end: number] } | { rowGroups: [start: number, end: number] };

export interface FilePlan {
  container: 'csv' | 'csv-gzip' | 'parquet' | 'other';
  /** CSV split into byte ranges: the header line (base64) every range after the first is read with. */
  header?: string;
  /** Parquet split into row groups: the file's columns and its number of row groups. */
  columns?: string[];
  rowGroupCount?: number;
  /** Why a file larger than a unit is read whole (kept on the ingestion record). */
  note: string | null;
  ranges: UnitRange[];
}

export interface UnitLimits {
  unitBytes: number;
  unitRows: number;
}

const mib = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MiB`;

/** The units of one file of `size` bytes. Never throws for the file's content: a file it cannot plan is one unit. */
export async function planFile(read: ReadBytes, size: number, limits: UnitLimits, options: CsvOptions = {}): Promise<FilePlan> {
  const whole = (container: FilePlan['container'], note: string | null = null): FilePlan => ({ container, note, ranges: [null] });
  if (size < 4) return whole('other');
  const kind = sniff(await read(0, 4));
  if (kind === 'gzip') {
    // ISIZE, the gzip trailer's last 4 bytes: the (last member's) uncompressed size modulo 4 GiB.
    const trailer = await read(size - 4, size);
    const isize = trailer.byteLength === 4 ? Buffer.from(trailer).readUInt32LE(0) : 0;
    const tooLarge = size > limits.unitBytes || isize > limits.unitBytes;
    return whole(
      'csv-gzip',
      tooLarge
        ? `gzip cannot be split (no random access): read whole by one task although larger than a unit (${mib(limits.unitBytes)}; ${mib(size)} compressed, gzip's size field says ${mib(isize)} uncompressed, modulo 4 GiB); deliver CSV or Parquet to have it split`
        : null,
    );
  }
  if (kind === 'parquet') {
    let sizes: number[];
    let columns: string[];
    try {
      const file = await ParquetFile.open({ byteLength: size, read }, options.fileName);
      sizes = file.rowGroupSizes;
      columns = [...file.columns];
    } catch (e) {
      if (isBillingFileError(e)) return whole('parquet');
      throw e;
    }
    const total = sizes.reduce((a, b) => a + b, 0);
    if (total <= limits.unitRows) return whole('parquet');
    const ranges: UnitRange[] = [];
    let start = 0;
    let rows = 0;
    sizes.forEach((n, g) => {
      if (g > start && rows + n > limits.unitRows) {
        ranges.push({ rowGroups: [start, g] });
        start = g;
        rows = 0;
      }
      rows += n;
    });
    ranges.push({ rowGroups: [start, sizes.length] });
    if (ranges.length === 1) return whole('parquet', `one row group of ${total.toLocaleString('en-US')} rows (over a unit's ${limits.unitRows.toLocaleString('en-US')}): a row group is never split`);
    return { container: 'parquet', columns, rowGroupCount: sizes.length, note: null, ranges };
  }
  if (kind !== 'text') return whole('other');
  if (size <= limits.unitBytes) return whole('csv');
  const cuts = await csvCuts(read, size, Math.ceil(size / limits.unitBytes), options);
  if (!cuts.ok) return whole('csv', `not split (${cuts.reason}): read whole by one task although larger than a unit (${mib(limits.unitBytes)})`);
  return {
    container: 'csv',
    header: Buffer.from(cuts.header).toString('base64'),
    note: null,
    ranges: cuts.cuts.slice(0, -1).map((start, i) => ({ bytes: [start, cuts.cuts[i + 1]!] })),
  };
}
