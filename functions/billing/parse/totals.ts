import type { PeriodTotals, SourceTotals } from './types.js';

/**
 * Sums kept as a BigInt plus an exact integer in a double (as the aggregator's cells do, see
 * ingest/aggregate.ts): an amount below 2^52 units is added to the double, which stays exact, and
 * the double is moved into the BigInt before it can reach 2^53. No BigInt is allocated per row.
 */
interface MutableTotals {
  billingPeriodStart: string | null;
  currency: string | null;
  rows: number;
  billedCost: bigint;
  effectiveCost: bigint;
  listCost: bigint;
  b: number;
  e: number;
  l: number;
}

const SMALL = 2n ** 52n;
const LIMIT = 2 ** 52;

/** Sums of the file's own cost cells per billing period and currency. */
export class TotalsAccumulator {
  private readonly byKey = new Map<string, MutableTotals>();
  /** The previous row's period and currency, and their totals (consecutive rows share them). */
  private lastPeriod: string | null = null;
  private lastCurrency: string | null = null;
  private last: MutableTotals | null = null;
  recordsRead = 0;
  rowsEmitted = 0;
  rowsRejected = 0;
  unsummableRecords = 0;

  add(period: string | null, currency: string | null, billed: bigint, effective: bigint, list: bigint | null): void {
    let t = this.last;
    if (t === null || period !== this.lastPeriod || currency !== this.lastCurrency) {
      const key = `${period ?? ''}|${currency ?? ''}`;
      let found = this.byKey.get(key);
      if (found === undefined) {
        found = { billingPeriodStart: period, currency, rows: 0, billedCost: 0n, effectiveCost: 0n, listCost: 0n, b: 0, e: 0, l: 0 };
        this.byKey.set(key, found);
      }
      t = this.last = found;
      this.lastPeriod = period;
      this.lastCurrency = currency;
    }
    t.rows++;
    if (billed < SMALL && billed > -SMALL) {
      const b = t.b + Number(billed);
      if (b < LIMIT && b > -LIMIT) t.b = b;
      else {
        t.billedCost += BigInt(b);
        t.b = 0;
      }
    } else t.billedCost += billed;
    if (effective < SMALL && effective > -SMALL) {
      const e = t.e + Number(effective);
      if (e < LIMIT && e > -LIMIT) t.e = e;
      else {
        t.effectiveCost += BigInt(e);
        t.e = 0;
      }
    } else t.effectiveCost += effective;
    if (list !== null) {
      if (list < SMALL && list > -SMALL) {
        const l = t.l + Number(list);
        if (l < LIMIT && l > -LIMIT) t.l = l;
        else {
          t.listCost += BigInt(l);
          t.l = 0;
        }
      } else t.listCost += list;
    }
  }

  snapshot(): SourceTotals {
    const periods: PeriodTotals[] = [...this.byKey.values()].map((t) => ({
      billingPeriodStart: t.billingPeriodStart,
      currency: t.currency,
      rows: t.rows,
      billedCost: t.billedCost + BigInt(t.b),
      effectiveCost: t.effectiveCost + BigInt(t.e),
      listCost: t.listCost + BigInt(t.l),
    }));
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
