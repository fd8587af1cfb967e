import { addMonths, periodOf } from '../costs/dates.js';
import type { CostReader } from '../costs/query.js';
import { codec } from '../costs/rollups.js';
import { formatDecimal } from '../money.js';
import { detectAnomalies, isAnalyzedCategory, type CostCell } from './anomalies.js';
import { toDetected } from './model.js';
import type { AnomalyStore } from './store.js';

/**
 * One tenant's analysis run: reads the daily cube of the last 13 months (current versions of
 * every billing source), detects anomalies and upserts them by their stable ids. Running it again
 * on the same data writes the same anomalies; a cause the tenant marked "expected" comes back as
 * ignored. One currency is analysed: the one with the most spend (currencies are never added).
 */
export interface AnalysisDeps {
  costs: CostReader;
  anomalies: Pick<AnomalyStore, 'settings' | 'suppressedCauses' | 'upsertDetected'>;
}

export interface AnalysisResult {
  anomalies: number;
  suppressed: number;
  currency: string | null;
  dataThrough: string | null;
}

/** Months of history read: a year for the month-over-month guard, plus the warm-up. */
export const HISTORY_MONTHS = 13;

export async function analyzeTenant(deps: AnalysisDeps, tenantId: string, today: string, now: () => Date = () => new Date()): Promise<AnalysisResult> {
  const settings = await deps.anomalies.settings(tenantId);
  const versions = await deps.costs.currentVersions(tenantId, addMonths(periodOf(today), -HISTORY_MONTHS), periodOf(today));
  const byCurrency = new Map<string, CostCell[]>();
  const spend = new Map<string, bigint>();
  const accountNames = new Map<string, string>();
  for (const v of [...versions].sort((a, b) => (a.period < b.period ? -1 : 1))) {
    const rows = await deps.costs.readRows(tenantId, v.sourceId, v.period, v.version, 'cube');
    for (const encoded of rows) {
      const row = codec.cube.decode(encoded);
      if (!isAnalyzedCategory(row.chargeCategory) || row.date > today) continue;
      const amount = row[settings.metric];
      spend.set(row.currency, (spend.get(row.currency) ?? 0n) + (amount < 0n ? -amount : amount));
      let cells = byCurrency.get(row.currency);
      if (!cells) byCurrency.set(row.currency, (cells = []));
      cells.push({ date: row.date, service: row.service, account: row.account, region: row.region, usageType: row.usageType, amount: Number(formatDecimal(amount)) });
    }
    const meta = await deps.costs.readMeta?.(tenantId, v.sourceId, v.period, v.version);
    for (const [id, name] of Object.entries(meta?.accountNames ?? {})) if (name) accountNames.set(id, name);
  }
  const currency = [...spend].sort((a, b) => (a[1] === b[1] ? (a[0] < b[0] ? -1 : 1) : a[1] > b[1] ? -1 : 1))[0]?.[0] ?? null;
  if (!currency) return { anomalies: 0, suppressed: 0, currency: null, dataThrough: null };

  const detection = detectAnomalies(byCurrency.get(currency)!, { thresholds: settings.thresholds });
  const expected = await deps.anomalies.suppressedCauses(tenantId);
  const at = now().toISOString();
  let suppressed = 0;
  for (const incident of detection.incidents) {
    const anomaly = toDetected(tenantId, incident, currency, accountNames);
    // The anomaly that was itself marked expected is not its own repeat.
    const isRepeat = expected.has(anomaly.causeId) && expected.get(anomaly.causeId) !== anomaly.id;
    if (isRepeat) suppressed++;
    await deps.anomalies.upsertDetected(tenantId, anomaly, isRepeat, at);
  }
  return { anomalies: detection.incidents.length, suppressed, currency, dataThrough: detection.endDate || null };
}
