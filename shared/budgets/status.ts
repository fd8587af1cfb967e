import { percent } from '../costs/query.js';
import { parseDecimal } from '../money.js';
import type { BudgetStatusName, ThresholdBase } from './constants.js';

/**
 * A budget's status from exact amounts (bigint units of 1e-12, shared/money.ts):
 * - exceeded: spent is over the amount;
 * - at_risk: the forecast for the period is over the amount, or a forecasted threshold is crossed;
 * - on_track: neither.
 * A threshold is crossed when its base (spent, or forecast) reaches percent % of the amount.
 */
export interface Threshold {
  percent: number;
  on: ThresholdBase;
}

export interface StatusInput {
  amount: bigint;
  spent: bigint;
  forecast: bigint;
  thresholds: readonly Threshold[];
}

export interface StatusResult {
  status: BudgetStatusName;
  thresholdsCrossed: Threshold[];
  spentPercent: string | null;
  forecastPercent: string | null;
}

/** percent % of amount, exactly (amount * percent / 100 in units of 1e-12). */
export const thresholdAmount = (amount: bigint, pct: number): bigint => (amount * BigInt(pct)) / 100n;

export function budgetStatus({ amount, spent, forecast, thresholds }: StatusInput): StatusResult {
  const thresholdsCrossed = thresholds
    .filter((t) => (t.on === 'actual' ? spent : forecast) >= thresholdAmount(amount, t.percent))
    .sort((a, b) => (a.on === b.on ? a.percent - b.percent : a.on < b.on ? -1 : 1));
  const status: BudgetStatusName =
    spent > amount ? 'exceeded' : forecast > amount || thresholdsCrossed.some((t) => t.on === 'forecasted') ? 'at_risk' : 'on_track';
  return { status, thresholdsCrossed, spentPercent: percent(spent, amount), forecastPercent: percent(forecast, amount) };
}

/** A stored amount ("1500.5") as money. */
export const amountOf = (text: string): bigint => parseDecimal(text);
