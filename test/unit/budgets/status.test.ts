import { describe, expect, it } from 'vitest';
import { createBudgetRequest, updateBudgetRequest } from '#shared/contracts/budgets.js';
import { periodContaining, shiftPeriod } from '#shared/budgets/periods.js';
import { budgetStatus, thresholdAmount } from '#shared/budgets/status.js';
import { parseDecimal } from '#shared/money.js';

const d = parseDecimal;
const T = [
  { percent: 80, on: 'actual' as const },
  { percent: 100, on: 'actual' as const },
  { percent: 100, on: 'forecasted' as const },
];

describe('budget periods', () => {
  it('are calendar months, quarters and years, [start, end) with their labels', () => {
    expect(periodContaining('monthly', '2026-11-23')).toEqual({ label: '2026-11', start: '2026-11-01', end: '2026-12-01' });
    expect(periodContaining('monthly', '2026-12-31')).toEqual({ label: '2026-12', start: '2026-12-01', end: '2027-01-01' });
    expect(periodContaining('quarterly', '2026-11-23')).toEqual({ label: '2026-Q4', start: '2026-10-01', end: '2027-01-01' });
    expect(periodContaining('quarterly', '2026-01-01')).toEqual({ label: '2026-Q1', start: '2026-01-01', end: '2026-04-01' });
    expect(periodContaining('quarterly', '2026-06-30')).toEqual({ label: '2026-Q2', start: '2026-04-01', end: '2026-07-01' });
    expect(periodContaining('annual', '2026-11-23')).toEqual({ label: '2026', start: '2026-01-01', end: '2027-01-01' });
  });

  it('shift across year ends', () => {
    expect(shiftPeriod('monthly', periodContaining('monthly', '2026-01-15'), -1)).toEqual({ label: '2025-12', start: '2025-12-01', end: '2026-01-01' });
    expect(shiftPeriod('quarterly', periodContaining('quarterly', '2026-02-01'), -1)).toEqual({ label: '2025-Q4', start: '2025-10-01', end: '2026-01-01' });
    expect(shiftPeriod('annual', periodContaining('annual', '2026-02-01'), -2)).toEqual({ label: '2024', start: '2024-01-01', end: '2025-01-01' });
    expect(shiftPeriod('quarterly', periodContaining('quarterly', '2026-11-01'), 1).label).toBe('2027-Q1');
  });
});

describe('budget status', () => {
  it('is on track below every threshold', () => {
    expect(budgetStatus({ amount: d('1000'), spent: d('500'), forecast: d('900'), thresholds: T })).toEqual({
      status: 'on_track',
      thresholdsCrossed: [],
      spentPercent: '50.00',
      forecastPercent: '90.00',
    });
  });

  it('is at risk when the forecast is over the amount, and says which thresholds crossed', () => {
    const s = budgetStatus({ amount: d('1000'), spent: d('800'), forecast: d('1000.01'), thresholds: T });
    expect(s.status).toBe('at_risk');
    expect(s.thresholdsCrossed).toEqual([{ percent: 80, on: 'actual' }, { percent: 100, on: 'forecasted' }]);
  });

  it('is at risk when a forecasted threshold below 100 % is crossed, though the forecast is under the amount', () => {
    const s = budgetStatus({ amount: d('1000'), spent: d('100'), forecast: d('950'), thresholds: [{ percent: 90, on: 'forecasted' }] });
    expect(s.status).toBe('at_risk');
  });

  it('is exceeded only when spent is over the amount; reaching it exactly crosses the 100 % thresholds', () => {
    const exact = budgetStatus({ amount: d('1000'), spent: d('1000'), forecast: d('1000'), thresholds: T });
    // Not exceeded; the forecasted 100 % threshold is reached, so it is at risk.
    expect(exact.status).toBe('at_risk');
    expect(exact.thresholdsCrossed).toEqual(T);
    expect(budgetStatus({ amount: d('1000'), spent: d('1000'), forecast: d('1000'), thresholds: T.slice(0, 2) }).status).toBe('on_track');
    expect(budgetStatus({ amount: d('1000'), spent: d('1000.000000000001'), forecast: d('1000.000000000001'), thresholds: T }).status).toBe('exceeded');
  });

  it('compares exactly, without floating point', () => {
    // 0.1 + 0.2 is 0.3 in decimals; 80 % of 0.375 is exactly 0.3.
    expect(thresholdAmount(d('0.375'), 80)).toBe(d('0.3'));
    expect(budgetStatus({ amount: d('0.375'), spent: d('0.1') + d('0.2'), forecast: d('0.3'), thresholds: [{ percent: 80, on: 'actual' }] }).thresholdsCrossed).toEqual([{ percent: 80, on: 'actual' }]);
  });

  it('has no percentages of a zero amount', () => {
    expect(budgetStatus({ amount: 0n, spent: 0n, forecast: 0n, thresholds: [] }).spentPercent).toBeNull();
  });
});

describe('budget contract', () => {
  it('defaults currency, metric, scope and thresholds', () => {
    expect(createBudgetRequest.parse({ name: ' Ops ', amount: '1500.50', period: 'monthly' })).toEqual({
      name: 'Ops',
      amount: '1500.50',
      currency: 'USD',
      period: 'monthly',
      metric: 'billed',
      filters: {},
      thresholds: T,
    });
  });

  it('keeps one filter grammar: known dimensions or tag:<key>, a tag filter alone, values deduplicated', () => {
    expect(createBudgetRequest.parse({ name: 'x', amount: '1', period: 'annual', filters: { service: ['A', 'A', 'B'], region: ['us-east-1'] } }).filters).toEqual({ service: ['A', 'B'], region: ['us-east-1'] });
    const bad = (filters: unknown) => createBudgetRequest.safeParse({ name: 'x', amount: '1', period: 'annual', filters }).error?.issues.map((i) => i.path.join('.'));
    expect(bad({ colour: ['red'] })).toEqual(['filters.colour']);
    expect(bad({ 'tag:env': ['prod'], service: ['A'] })).toEqual(['filters.tag:env']);
    expect(bad({ service: [] })).toEqual(['filters.service']);
    expect(bad({ 'tag:': ['x'] })).toEqual(['filters.tag:']);
  });

  it('refuses amounts that are not positive plain decimals', () => {
    for (const amount of ['0', '0.000', '-1', '1e3', '1,5', '', 'abc', '1.1234567', '1234567890123456']) {
      expect(createBudgetRequest.safeParse({ name: 'x', amount, period: 'monthly' }).success, amount).toBe(false);
    }
  });

  it('needs at least one field to update', () => {
    expect(updateBudgetRequest.safeParse({}).success).toBe(false);
    expect(updateBudgetRequest.parse({ amount: '5' })).toEqual({ amount: '5' });
  });
});
