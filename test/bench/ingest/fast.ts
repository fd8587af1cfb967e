import { CostAggregator, type PartialAggregate } from '../../../functions/billing/ingest/aggregate.js';
import { detectFormat, normalizeHeader } from '../../../functions/billing/parse/detect.js';
import { RecordMapper, referencedColumns } from '../../../functions/billing/parse/mapper.js';
import type { ByteStream } from '../../../functions/billing/parse/index.js';
import { FastCsvTokenizer } from './fast-csv.js';
import type { Aggregator } from './ours.js';

/**
 * BENCH-ONLY PROTOTYPE: our ingestion with the projecting tokenizer (fast-csv.ts) in place of
 * csv-parse. Everything after tokenizing is the production code: RecordMapper (costs, source
 * totals, dates, tags...) and CostAggregator. CSV only, no gzip, no file-error handling.
 */
export async function fastAggregate(
  stream: ByteStream,
  fileName: string,
  mode: 'aggregate' | 'tokenize' = 'aggregate',
  makeAggregator: () => Aggregator = () => new CostAggregator(),
): Promise<PartialAggregate> {
  const tokenizer = new FastCsvTokenizer();
  const aggregator = makeAggregator();
  let mapper: RecordMapper | null = null;
  let tokenized = 0;
  const handle = (records: string[][], lines: number[]) => {
    let i = 0;
    if (mapper === null) {
      if (records.length === 0) return;
      const columns = normalizeHeader(records[0]!);
      const detection = detectFormat(columns, fileName);
      mapper = new RecordMapper(detection, { fileName });
      const read = new Set(referencedColumns(detection));
      tokenizer.keep = columns.map((c) => read.has(c));
      // The rest of this chunk was tokenized before the mask was known: fine for a measurement.
      i = 1;
    }
    if (mode === 'tokenize') {
      tokenized += records.length - i;
      return;
    }
    for (; i < records.length; i++) {
      const row = mapper.map(records[i]!, lines[i]!);
      if (row.kind === 'cost') aggregator.add(row);
      else aggregator.reject(fileName, row);
    }
  };
  for await (const chunk of stream) {
    const { records, lines } = tokenizer.push(chunk);
    handle(records, lines);
  }
  const { records, lines } = tokenizer.push(null, true);
  handle(records, lines);
  const m = mapper as RecordMapper | null;
  if (m === null) throw new Error(`${fileName}: empty`);
  if (mode === 'tokenize') return { ...aggregator.toPartial(), recordsRead: tokenized };
  aggregator.finishFile({ fileName, format: m.format, container: 'csv' }, m.totals.snapshot());
  return aggregator.toPartial();
}
