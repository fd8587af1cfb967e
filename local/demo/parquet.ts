import { writeFile } from 'node:fs/promises';
import { parse } from 'csv-parse/sync';
import { ByteWriter, parquetWrite } from 'hyparquet-writer';
import { demoBillingCsv, type DemoBillingOptions, type DemoSummary } from './billing.js';

/**
 * The demo export as Parquet, typed the way exporters type FOCUS: the period columns as
 * TIMESTAMP (UTC milliseconds), costs, prices and quantities as DECIMAL(38, s) with the exact
 * digits of the CSV (s = the most decimals the column holds), everything else as UTF-8 text; empty
 * CSV cells are nulls. It holds the same rows and figures as the CSV export, to the last digit.
 *
 * The whole file is assembled in memory (Parquet's footer describes every row group), so this is
 * for demo-sized exports; `npm run bench:ingest` uses the streaming CSV writer for millions of rows.
 */
const DECIMAL_COLUMN = /(Cost|Quantity|Price)$/;
const TIMESTAMP_COLUMN = /Period(Start|End)$/;
const ROW_GROUP_ROWS = 50_000;

export interface WrittenDemoParquet {
  path: string;
  summary: DemoSummary;
  rows: number;
  bytes: number;
}

type Kind = { kind: 'text' } | { kind: 'timestamp' } | { kind: 'decimal'; scale: number };

export async function writeDemoBillingParquet(path: string, options: DemoBillingOptions): Promise<WrittenDemoParquet> {
  const csv = demoBillingCsv(options);
  const header = [...csv.header];
  const columns: Array<Array<string | null>> = header.map(() => []);
  let first = true;
  for (const chunk of csv.chunks) {
    // Chunks end at line ends, and the demo's quoted cells hold no line breaks.
    const records = parse(chunk, { relax_column_count: false }) as string[][];
    for (const record of first ? records.slice(1) : records) {
      for (let c = 0; c < header.length; c++) columns[c]!.push(record[c] === '' || record[c] === undefined ? null : record[c]!);
    }
    first = false;
  }
  const rows = columns[0]?.length ?? 0;
  const kinds: Kind[] = header.map((name, c) => {
    if (TIMESTAMP_COLUMN.test(name)) return { kind: 'timestamp' };
    if (DECIMAL_COLUMN.test(name)) return { kind: 'decimal', scale: maxScale(columns[c]!) };
    return { kind: 'text' };
  });

  const writer = new ByteWriter();
  parquetWrite({
    writer,
    columnData: header.map((name, c) => ({ name, data: convert(columns[c]!, kinds[c]!) })),
    schema: [
      { name: 'root', num_children: header.length },
      ...header.map((name, c) => schemaElement(name, kinds[c]!)),
    ],
    rowGroupSize: ROW_GROUP_ROWS,
    kvMetadata: [{ key: 'focus_version', value: '1.2' }],
    createdBy: 'CloudOptima demo generator (local/demo)',
  });
  const bytes = new Uint8Array(writer.getBuffer());
  await writeFile(path, bytes);
  return { path, summary: csv.summary, rows, bytes: bytes.byteLength };
}

function maxScale(values: Array<string | null>): number {
  let scale = 0;
  for (const v of values) {
    if (v === null) continue;
    if (!/^-?\d+(\.\d+)?$/.test(v)) throw new Error(`not a decimal: ${v}`);
    const dot = v.indexOf('.');
    if (dot >= 0) scale = Math.max(scale, v.length - dot - 1);
  }
  return scale;
}

/** `-12.5` at scale 3 -> -12500n, exactly. */
function unscaled(value: string, scale: number): bigint {
  const negative = value.startsWith('-');
  const [whole, fraction = ''] = (negative ? value.slice(1) : value).split('.');
  const digits = BigInt(whole! + fraction.padEnd(scale, '0'));
  return negative ? -digits : digits;
}

function convert(values: Array<string | null>, kind: Kind): Array<string | bigint | Date | null> {
  switch (kind.kind) {
    case 'text':
      return values;
    case 'timestamp':
      return values.map((v) => {
        if (v === null) return null;
        const date = new Date(v);
        if (Number.isNaN(date.getTime())) throw new Error(`not a timestamp: ${v}`);
        return date;
      });
    case 'decimal':
      return values.map((v) => (v === null ? null : unscaled(v, kind.scale)));
  }
}

function schemaElement(name: string, kind: Kind) {
  switch (kind.kind) {
    case 'text':
      return { name, type: 'BYTE_ARRAY' as const, converted_type: 'UTF8' as const, repetition_type: 'OPTIONAL' as const };
    case 'timestamp':
      return { name, type: 'INT64' as const, converted_type: 'TIMESTAMP_MILLIS' as const, repetition_type: 'OPTIONAL' as const };
    case 'decimal':
      return {
        name,
        type: 'FIXED_LEN_BYTE_ARRAY' as const,
        type_length: 16,
        converted_type: 'DECIMAL' as const,
        scale: kind.scale,
        precision: 38,
        repetition_type: 'OPTIONAL' as const,
      };
  }
}
