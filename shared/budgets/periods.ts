import { addMonths, periodOf } from '../costs/dates.js';
import type { BudgetPeriod } from './constants.js';

/**
 * Budget periods are calendar months, quarters and years of the tenant's time zone: `[start, end)`
 * as dates, with a label that also keys the period's records (2026-03, 2026-Q1, 2026).
 */
export interface PeriodRange {
  label: string;
  start: string;
  end: string;
}

const MONTHS: Record<BudgetPeriod, number> = { monthly: 1, quarterly: 3, annual: 12 };

/** The period of `kind` holding `date` (yyyy-mm-dd). */
export function periodContaining(kind: BudgetPeriod, date: string): PeriodRange {
  const month = periodOf(date);
  const year = month.slice(0, 4);
  const monthIndex = Number(month.slice(5, 7)) - 1;
  const firstMonth = kind === 'monthly' ? month : kind === 'quarterly' ? `${year}-${String(monthIndex - (monthIndex % 3) + 1).padStart(2, '0')}` : `${year}-01`;
  return rangeFrom(kind, firstMonth);
}

/** The period `n` periods after `period` (n may be negative). */
export function shiftPeriod(kind: BudgetPeriod, period: PeriodRange, n: number): PeriodRange {
  return rangeFrom(kind, addMonths(periodOf(period.start), n * MONTHS[kind]));
}

function rangeFrom(kind: BudgetPeriod, firstMonth: string): PeriodRange {
  const year = firstMonth.slice(0, 4);
  const label = kind === 'monthly' ? firstMonth : kind === 'quarterly' ? `${year}-Q${Math.floor((Number(firstMonth.slice(5, 7)) - 1) / 3) + 1}` : year;
  return { label, start: `${firstMonth}-01`, end: `${addMonths(firstMonth, MONTHS[kind])}-01` };
}
