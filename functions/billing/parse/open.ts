import type { CsvChunk } from './csv.js';
import { type CsvRecordReader, FastCsvReader } from './fast-csv.js';
import { ColumnIndex, detectFormat, normalizeHeader } from './detect.js';
import { BillingFileError } from './errors.js';
import { RecordMapper, referencedColumns } from './mapper.js';
import { ParquetFile } from './parquet.js';
import { gunzip, isRandomAccess, peek, sniff, streamRandomAccess } from './source.js';
import type { BillingContainer, BillingFile, BillingSource, ByteStream, OpenOptions, ParsedRecord } from './types.js';

const DEFAULT_BATCH = 2048;

function fileDetails(fileName: string | undefined) {
  return fileName ? { fileName } : {};
}

function emptyFile(fileName: string | undefined): BillingFileError {
  return new BillingFileError('EMPTY_FILE', `${fileName ?? 'the file'} is empty`, fileDetails(fileName));
}

function unsupported(fileName: string | undefined, what: string): BillingFileError {
  return new BillingFileError('UNSUPPORTED_CONTAINER', `${fileName ?? 'the file'}: ${what}`, fileDetails(fileName));
}

/**
 * Opens a billing export: recognises the container (gzip, Parquet, else CSV) by its magic bytes,
 * reads the header or schema, detects the format and checks its mandatory columns. File errors
 * found here are thrown (`BillingFileError`); the returned file then streams its rows.
 */
export async function openBillingFile(source: BillingSource, options: OpenOptions = {}): Promise<BillingFile> {
  const { fileName } = options;
  let stream: ByteStream;
  if (isRandomAccess(source)) {
    if (source.byteLength === 0) throw emptyFile(fileName);
    const kind = sniff(await source.read(0, Math.min(4, source.byteLength)));
    if (kind === 'parquet') return openParquet(await ParquetFile.open(source, fileName), options);
    if (kind === 'zip') throw unsupported(fileName, 'zip archives are not read; unzip the export (CUR delivers gzip or Parquet too)');
    stream = streamRandomAccess(source);
  } else {
    stream = typeof source === 'function' ? source() : source;
  }

  let container: BillingContainer = 'csv';
  const outer = await peek(stream, 4);
  stream = outer.stream;
  let inner: Awaited<ReturnType<typeof peek>> | undefined;
  try {
    let kind = sniff(outer.head);
    if (kind === 'parquet') {
      throw unsupported(fileName, 'a Parquet file needs random access (its footer is at the end): pass a { byteLength, read(start, end) } source');
    }
    if (kind === 'zip') throw unsupported(fileName, 'zip archives are not read; unzip the export (CUR delivers gzip or Parquet too)');
    if (kind === 'empty') throw emptyFile(fileName);
    if (kind === 'gzip') {
      container = 'csv-gzip';
      inner = await peek(gunzip(stream, fileName), 4);
      stream = inner.stream;
      kind = sniff(inner.head);
      if (kind === 'empty') throw emptyFile(fileName);
      if (kind === 'parquet' || kind === 'zip' || kind === 'gzip') {
        throw unsupported(fileName, `gzip holding ${kind === 'gzip' ? 'another gzip stream' : kind} is not read; only gzip-compressed CSV`);
      }
    }
  } catch (e) {
    // Release the source (a file handle, an S3 body) before giving up.
    await inner?.close().catch(() => {});
    await outer.close().catch(() => {});
    throw e;
  }
  return openCsv(new FastCsvReader(stream, fileName), container, options);
}

async function openCsv(reader: CsvRecordReader, container: BillingContainer, options: OpenOptions): Promise<BillingFile> {
  const { fileName } = options;
  let first: CsvChunk | null;
  try {
    first = await reader.next();
  } catch (e) {
    await reader.close();
    throw e;
  }
  const headerRecord = first?.records[0];
  if (first === null || headerRecord === undefined) {
    await reader.close();
    throw emptyFile(fileName);
  }
  if (!Array.isArray(headerRecord)) {
    await reader.close();
    throw new BillingFileError('CORRUPT', `${fileName ?? 'the file'}: the header line cannot be read (${headerRecord.message})`, { ...fileDetails(fileName), line: 1 });
  }
  const columns = normalizeHeader(headerRecord);
  if (columns.every((c) => c === '')) {
    await reader.close();
    throw emptyFile(fileName);
  }
  let mapper: RecordMapper;
  try {
    mapper = new RecordMapper(detectFormat(columns, fileName), options);
  } catch (e) {
    await reader.close();
    throw e;
  }
  reader.headerLength = columns.length;

  async function* batches(): AsyncGenerator<ParsedRecord[]> {
    try {
      let chunk = first === null ? null : { records: first.records.slice(1), lines: first.lines.slice(1) };
      while (chunk !== null) {
        const out: ParsedRecord[] = new Array(chunk.records.length);
        const { records, lines } = chunk;
        let n = 0;
        for (let i = 0; i < records.length; i++) {
          const record = records[i]!;
          const line = lines[i]!;
          if (Array.isArray(record)) {
            if (isBlankRecord(record)) continue;
            out[n++] = mapper.map(record, line);
          } else {
            out[n++] = mapper.malformed(line, record.message);
          }
        }
        out.length = n;
        if (n > 0) yield out;
        chunk = await reader.next();
      }
    } finally {
      await reader.close();
    }
  }
  return finish(mapper, container, columns, batches);
}

/** A record of empty cells only (`,,,,`): no data, not a row. */
function isBlankRecord(record: string[]): boolean {
  if (record[0] !== '' || record[record.length - 1] !== '') return false;
  for (const cell of record) if (cell !== '') return false;
  return true;
}

async function openParquet(file: ParquetFile, options: OpenOptions): Promise<BillingFile> {
  const columns = file.columns;
  const full = detectFormat(columns, options.fileName);
  const read = referencedColumns(full);
  const mapper = new RecordMapper({ format: full.format, rules: full.rules, index: new ColumnIndex(read) }, options, false);
  const batchSize = Math.max(1, options.batchSize ?? DEFAULT_BATCH);

  async function* batches(): AsyncGenerator<ParsedRecord[]> {
    for await (const group of file.rowGroups(read, options.rowGroups)) {
      const { rows, firstRow } = group;
      for (let start = 0; start < rows.length; start += batchSize) {
        const end = Math.min(rows.length, start + batchSize);
        const out: ParsedRecord[] = new Array(end - start);
        for (let i = start; i < end; i++) out[i - start] = mapper.map(rows[i]!, firstRow + i + 1);
        yield out;
      }
    }
  }
  return finish(mapper, 'parquet', columns, batches);
}

function finish(
  mapper: RecordMapper,
  container: BillingContainer,
  columns: readonly string[],
  produce: () => AsyncGenerator<ParsedRecord[]>,
): BillingFile {
  let started = false;
  let ended = false;
  const take = () => {
    if (started) throw new Error('a billing file can be read once: use rows or batches, not both');
    started = true;
  };
  async function* batches(): AsyncGenerator<ParsedRecord[]> {
    take();
    for await (const batch of produce()) yield batch;
    ended = true;
  }
  async function* rows(): AsyncGenerator<ParsedRecord> {
    for await (const batch of batches()) yield* batch;
  }
  return {
    format: mapper.format,
    container,
    columns,
    get notes() {
      return [...mapper.notes];
    },
    rows: { [Symbol.asyncIterator]: () => rows() },
    batches: { [Symbol.asyncIterator]: () => batches() },
    totals() {
      if (!ended) throw new Error('source totals are known once the rows have been read to the end');
      return mapper.totals.snapshot();
    },
  };
}
