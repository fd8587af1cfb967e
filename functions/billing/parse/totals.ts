import type { PeriodTotals, SourceTotals } from './types.js';

interface MutableTotals {
  billingPeriodStart: string | null;
  currency: string | null;
  rows: number;
  billedCost: bigint;
  effectiveCost: bigint;
  listCost: bigint;
}

/** Sums of the file's own cost cells per billing period and currency. */
export class TotalsAccumulator {
  private readonly byKey = new Map<string, MutableTotals>();
  recordsRead = 0;
  rowsEmitted = 0;
  rowsRejected = 0;
  unsummableRecords = 0;

  add(period: string | null, currency: string | null, billed: bigint, effective: bigint, list: bigint | null): void {
    const key = `${period ?? ''}|${currency ?? ''}`;
    let t = this.byKey.get(key);
    if (t === undefined) {
      t = { billingPeriodStart: period, currency, rows: 0, billedCost: 0n, effectiveCost: 0n, listCost: 0n };
      this.byKey.set(key, t);
    }
    t.rows++;
    t.billedCost += billed;
    t.effectiveCost += effective;
    if (list !== null) t.listCost += list;
  }

  snapshot(): SourceTotals {
    const periods: PeriodTotals[] = [...this.byKey.values()].map((t) => ({ ...t }));
    const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
    periods.sort((a, b) => cmp(a.billingPeriodStart, b.billingPeriodStart) || cmp(a.currency, b.currency));
    return {
      recordsRead: this.recordsRead,
      rowsEmitted: this.rowsEmitted,
      rowsRejected: this.rowsRejected,
      unsummableRecords: this.unsummableRecords,
      periods,
    };
  }
}
