import { COLUMN_INDEX } from '../../local/demo/focus-columns.js';
import { generateDemoBilling, type DemoBillingOptions } from '../../local/demo/billing.js';
import { isAnalyzedCategory, type CostCell } from '../../shared/analysis/anomalies.js';
import { formatDecimal, parseDecimal } from '../../shared/money.js';

/**
 * The demo export as the analysis sees it after ingestion: daily cost per (service, account,
 * region, usage type), summed exactly from the generator's rows, then handed to the models as
 * floats (as shared/analysis/run.ts does with the stored cube). Shared by the evals and unit tests.
 * `analyzed` keeps the charges anomaly detection looks at; forecasts take `all` (the bill).
 */
export function demoCells(options: DemoBillingOptions, metric: 'billed' | 'effective' = 'effective', charges: 'analyzed' | 'all' = 'analyzed'): CostCell[] {
  const { rows } = generateDemoBilling(options);
  const column = metric === 'billed' ? COLUMN_INDEX.BilledCost : COLUMN_INDEX.EffectiveCost;
  const sums = new Map<string, bigint>();
  for (const row of rows) {
    if (charges === 'analyzed' && !isAnalyzedCategory(row[COLUMN_INDEX.ChargeCategory]!)) continue;
    // The usage type as ingestion stores it: x_UsageType, else the SKU.
    const usageType = row[COLUMN_INDEX.x_UsageType] || row[COLUMN_INDEX.SkuId] || '';
    const key = [row[COLUMN_INDEX.ChargePeriodStart]!.slice(0, 10), row[COLUMN_INDEX.ServiceName], row[COLUMN_INDEX.SubAccountId], row[COLUMN_INDEX.RegionId], usageType].join('\u001f');
    sums.set(key, (sums.get(key) ?? 0n) + parseDecimal(row[column] || '0'));
  }
  return [...sums].map(([key, amount]) => {
    const [date = '', service = '', account = '', region = '', usageType = ''] = key.split('\u001f');
    return { date, service, account, region, usageType, amount: Number(formatDecimal(amount)) };
  });
}

/** Daily totals (dense, from the first to the last day) of the cells. */
export function dailyTotals(cells: readonly CostCell[]): { start: string; values: number[] } {
  const byDate = new Map<string, number>();
  for (const c of cells) byDate.set(c.date, (byDate.get(c.date) ?? 0) + c.amount);
  const dates = [...byDate.keys()].sort();
  const start = dates[0]!;
  const values: number[] = [];
  for (let d = new Date(`${start}T00:00:00Z`); ; d = new Date(d.getTime() + 86_400_000)) {
    const date = d.toISOString().slice(0, 10);
    if (date > dates.at(-1)!) break;
    values.push(byDate.get(date) ?? 0);
  }
  return { start, values };
}
