import { CostAggregator, type PartialAggregate } from '../../../functions/billing/ingest/aggregate.js';
import { type BillingSource, openBillingFile } from '../../../functions/billing/parse/index.js';
import { parseDecimal } from '../../../shared/money.js';

/**
 * "Our ingestion" of one file, as the workflow's aggregate step runs it
 * (functions/billing/ingest/steps.ts aggregateFile): the parser's batches folded into a
 * CostAggregator, the file's own totals recorded, then the partial the step would store. The
 * DynamoDB writes that follow are per rollup cell and period, not per row, and are left out.
 */
/** What ingestion needs of an aggregator: CostAggregator, or a prototype with the same output. */
export type Aggregator = Pick<CostAggregator, 'add' | 'reject' | 'finishFile' | 'toPartial'>;
export type AggregatorKind = 'cost' | 'lean';

export async function aggregateSource(source: BillingSource, fileName: string, makeAggregator: () => Aggregator = () => new CostAggregator()): Promise<PartialAggregate> {
  const aggregator = makeAggregator();
  const parsed = await openBillingFile(source, { fileName });
  for await (const batch of parsed.batches) {
    for (const record of batch) {
      if (record.kind === 'cost') aggregator.add(record);
      else aggregator.reject(fileName, record);
    }
  }
  aggregator.finishFile({ fileName, format: parsed.format, container: parsed.container }, parsed.totals());
  return aggregator.toPartial();
}

/** Cube cells and the exact BilledCost total of a partial, to check it against DuckDB's answer. */
export function partialStats(partial: PartialAggregate): { cubeCells: number; billedTotal: string; info: { rollupCells: number; resourceCells: number } } {
  let cubeCells = 0;
  let rollupCells = 0;
  let resourceCells = 0;
  let billed = 0n;
  for (const period of Object.values(partial.periods)) {
    cubeCells += period.rollups.cube?.length ?? 0;
    resourceCells += period.rollups.resource?.length ?? 0;
    for (const rows of Object.values(period.rollups)) rollupCells += rows.length;
    for (const t of period.totals) billed += parseDecimal(t.billed);
  }
  return { cubeCells, billedTotal: billed.toString(), info: { rollupCells, resourceCells } };
}
