/**
 * Parquet through hyparquet, one row group at a time: memory holds one row group's columns (only
 * the columns the mapping reads), never the file.
 *
 * DECIMAL columns are read exactly: hyparquet would turn them into floating-point numbers, so we
 * hand it a copy of the schema without the DECIMAL annotation, take the raw unscaled integers, and
 * place the decimal point ourselves. DOUBLE columns (AWS writes costs as double) become the
 * shortest decimal text that round-trips, which is the value the exporter wrote.
 */
import { type FileMetaData, parquetMetadataAsync, parquetRead, parquetSchema, type SchemaElement } from 'hyparquet';
import { compressors } from 'hyparquet-compressors';
import { BillingFileError } from './errors.js';
import type { RandomAccessSource } from './types.js';

export interface ParquetRowGroup {
  /** Rows, each an array of cells in the order of the requested columns. */
  readonly rows: unknown[][];
  /** 0-based index of the group's first row in the file. */
  readonly firstRow: number;
}

const decoder = new TextDecoder();

/** Two's-complement big-endian bytes as a bigint. */
function bigintFromBytes(bytes: Uint8Array): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes.length > 0 && (bytes[0]! & 0x80) !== 0) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

/** `unscaled * 10^-scale` as decimal text, exactly. */
function decimalText(unscaled: bigint, scale: number): string {
  const negative = unscaled < 0n;
  let digits = (negative ? -unscaled : unscaled).toString();
  if (scale <= 0) return (negative ? '-' : '') + digits + '0'.repeat(-scale);
  digits = digits.padStart(scale + 1, '0');
  return `${negative ? '-' : ''}${digits.slice(0, digits.length - scale)}.${digits.slice(digits.length - scale)}`;
}

function decimalScale(e: SchemaElement): number | undefined {
  if (e.converted_type === 'DECIMAL') return e.scale ?? 0;
  if (e.logical_type?.type === 'DECIMAL') return e.logical_type.scale;
  return undefined;
}

export class ParquetFile {
  private constructor(
    private readonly file: { byteLength: number; slice(start: number, end?: number): Promise<ArrayBuffer> },
    private readonly metadata: FileMetaData,
    readonly columns: readonly string[],
    private readonly decimalScales: ReadonlyMap<string, number>,
    private readonly rawBytes: ReadonlySet<string>,
    private readonly fileName: string | undefined,
  ) {}

  static async open(source: RandomAccessSource, fileName: string | undefined): Promise<ParquetFile> {
    const file = {
      byteLength: source.byteLength,
      async slice(start: number, end?: number): Promise<ArrayBuffer> {
        const bytes = await source.read(start, end ?? source.byteLength);
        if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength && bytes.buffer instanceof ArrayBuffer) return bytes.buffer;
        // A view into a larger buffer (Buffer.slice shares memory, so copy explicitly).
        const copy = new Uint8Array(bytes.byteLength);
        copy.set(bytes);
        return copy.buffer;
      },
    };
    const where = fileName ? ` ${fileName}` : '';
    const details = fileName ? { fileName } : {};
    if (source.byteLength < 12) {
      throw new BillingFileError('TRUNCATED', `Parquet file${where} is ${source.byteLength} bytes: too short to hold a footer`, details);
    }
    let metadata: FileMetaData;
    try {
      metadata = await parquetMetadataAsync(file);
    } catch (e) {
      const message = (e as Error).message;
      if (/footer != PAR1|too short|exceeds available buffer/.test(message)) {
        throw new BillingFileError('TRUNCATED', `Parquet file${where} has no valid footer (${message}): the file is truncated`, {
          ...details,
          cause: message,
        });
      }
      throw new BillingFileError('CORRUPT', `Parquet metadata${where} cannot be read: ${message}`, { ...details, cause: message });
    }
    let columns: string[];
    try {
      columns = parquetSchema(metadata).children.map((c) => c.element.name);
    } catch (e) {
      throw new BillingFileError('CORRUPT', `Parquet schema${where} cannot be read: ${(e as Error).message}`, details);
    }
    // Strip DECIMAL annotations from top-level primitive columns; remember their scales.
    const scales = new Map<string, number>();
    const rawBytes = new Set<string>();
    const topLevel = new Set(columns);
    const schema = metadata.schema.map((e, i) => {
      const primitive = i > 0 && e.num_children === undefined && topLevel.has(e.name);
      const scale = primitive ? decimalScale(e) : undefined;
      if (primitive && scale === undefined && (e.type === 'BYTE_ARRAY' || e.type === 'FIXED_LEN_BYTE_ARRAY')) {
        const annotated = e.converted_type !== undefined || e.logical_type !== undefined;
        if (!annotated) rawBytes.add(e.name); // read with utf8: false; decoded as text below
      }
      if (scale === undefined) return e;
      scales.set(e.name, scale);
      const { converted_type: _c, logical_type: _l, ...rest } = e;
      return rest as SchemaElement;
    });
    return new ParquetFile(file, { ...metadata, schema }, columns, scales, rawBytes, fileName);
  }

  get rowCount(): number {
    return Number(this.metadata.num_rows);
  }

  /** Rows of each row group, in order (an ingestion work unit is a run of row groups). */
  get rowGroupSizes(): number[] {
    return this.metadata.row_groups.map((g) => Number(g.num_rows));
  }

  /**
   * Row groups in order, reading only `columns` (names from `this.columns`); with `only`, just
   * groups `[start, end)`, their rows still numbered from the file's first.
   */
  async *rowGroups(columns: readonly string[], only?: { start: number; end: number }): AsyncGenerator<ParquetRowGroup> {
    const fixes: [number, number | undefined][] = [];
    columns.forEach((c, i) => {
      if (this.decimalScales.has(c)) fixes.push([i, this.decimalScales.get(c)]);
      else if (this.rawBytes.has(c)) fixes.push([i, undefined]);
    });
    let firstRow = 0;
    for (const [index, group] of this.metadata.row_groups.entries()) {
      const count = Number(group.num_rows);
      if (only && (index < only.start || index >= only.end)) {
        firstRow += count;
        continue;
      }
      let rows: unknown[][] = [];
      try {
        await parquetRead({
          file: this.file,
          metadata: this.metadata,
          columns: [...columns],
          rowStart: firstRow,
          rowEnd: firstRow + count,
          compressors,
          utf8: false,
          onComplete: (data: unknown[][]) => {
            rows = data;
          },
        });
      } catch (e) {
        const where = this.fileName ? ` ${this.fileName}` : '';
        throw new BillingFileError('CORRUPT', `Parquet data${where} cannot be read in rows ${firstRow + 1}-${firstRow + count}: ${(e as Error).message}`, {
          ...(this.fileName ? { fileName: this.fileName } : {}),
          line: firstRow + 1,
          cause: (e as Error).message,
        });
      }
      // Exact decimals; unannotated byte arrays as UTF-8 text.
      for (const [c, scale] of fixes) {
        for (const row of rows) {
          const v = row[c];
          if (scale !== undefined) {
            if (typeof v === 'bigint') row[c] = decimalText(v, scale);
            else if (typeof v === 'number') row[c] = decimalText(BigInt(v), scale);
            else if (v instanceof Uint8Array) row[c] = decimalText(bigintFromBytes(v), scale);
          } else if (v instanceof Uint8Array) {
            row[c] = decoder.decode(v);
          }
        }
      }
      yield { rows, firstRow };
      firstRow += count;
    }
  }
}
