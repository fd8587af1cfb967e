import { describe, expect, it } from 'vitest';
import { backtest, forecast } from '#shared/analysis/forecast.js';
import { gaussian, seededRandom } from '#shared/analysis/stats.js';
import { addDays } from '#shared/costs/dates.js';

const START = '2025-01-06'; // a Monday

/** Level + linear trend + weekday profile + Gaussian noise (sd relative to the level). */
function series(seed: number, days: number, { trendPerDay = 2, noise = 0.04, weekend = 0.6, level = 1000 } = {}): number[] {
  const random = seededRandom(seed);
  return Array.from({ length: days }, (_, t) => {
    const dow = new Date(`${addDays(START, t)}T00:00:00Z`).getUTCDay();
    const base = (level + trendPerDay * t) * (dow === 0 || dow === 6 ? weekend : 1);
    return base + noise * level * gaussian(random);
  });
}

describe('forecast', () => {
  it('intervals contain the truth at about their nominal rate (80 % and 95 %) on synthetic series', () => {
    let in80 = 0;
    let in95 = 0;
    let total = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const y = series(seed, 300 + 28);
      const history = y.slice(0, 300);
      const f = forecast({ history, historyStart: START, days: 28 });
      f.points.forEach((p, h) => {
        const truth = y[300 + h]!;
        total++;
        if (truth >= p.lower80 && truth <= p.upper80) in80++;
        if (truth >= p.lower95 && truth <= p.upper95) in95++;
      });
    }
    expect(in80 / total).toBeGreaterThan(0.72);
    expect(in80 / total).toBeLessThan(0.9);
    expect(in95 / total).toBeGreaterThan(0.9);
    expect(in95 / total).toBeLessThanOrEqual(0.99);
  });

  it('the month-total interval holds the true total at about its rate', () => {
    let in80 = 0;
    let in95 = 0;
    const runs = 60;
    for (let seed = 100; seed < 100 + runs; seed++) {
      const y = series(seed, 300 + 30, { noise: 0.05 });
      const f = forecast({ history: y.slice(0, 300), historyStart: START, days: 30 });
      const truth = y.slice(300).reduce((s, v) => s + v, 0);
      const sum = f.sumOf(0, 30);
      if (truth >= sum.lower80 && truth <= sum.upper80) in80++;
      if (truth >= sum.lower95 && truth <= sum.upper95) in95++;
    }
    expect(in80 / runs).toBeGreaterThan(0.65);
    expect(in95 / runs).toBeGreaterThan(0.85);
  });

  it('the backtest picks the trend model where there is a trend, and it beats seasonal-naive', () => {
    const y = series(5, 280, { trendPerDay: 6, noise: 0.02 });
    const f = forecast({ history: y, historyStart: START, days: 30 });
    expect(f.method).not.toBe('seasonalNaive');
    expect(f.mape!).toBeLessThan(f.seasonalNaiveMape!);
    expect(f.candidates.map((c) => c.method)).toEqual(['seasonalNaive', 'trendWeekly', 'holtWinters']);
    expect(f.backtestOrigins).toBe(8);
    expect(f.backtestHorizon).toBe(28);
  });

  it('keeps seasonal-naive when nothing beats it: a pure weekly pattern', () => {
    const week = [900, 1000, 1100, 1000, 950, 400, 300];
    const y = Array.from({ length: 200 }, (_, t) => week[t % 7]!);
    const f = forecast({ history: y, historyStart: START, days: 14 });
    expect(f.method).toBe('seasonalNaive');
    expect(f.mape).toBe(0);
    expect(f.points.map((p) => Math.round(p.value))).toEqual([...week.slice(200 % 7), ...week, ...week.slice(0, 200 % 7)]);
  });

  it('backtest MAPE is the mean absolute percentage error of each method', () => {
    const y = Array.from({ length: 120 }, (_, t) => 100 + (t % 7 === 0 ? 10 : 0));
    const bt = backtest(y, START, ['seasonalNaive']);
    expect(bt.results[0]!.mape).toBeCloseTo(0, 10);
    const flat = backtest(Array.from({ length: 120 }, (_, t) => 100 + t), START, ['seasonalNaive']);
    // Seasonal-naive is 7..(7 + 27 rounded down by weeks) days behind a line of slope 1.
    expect(flat.results[0]!.mape!).toBeGreaterThan(5);
  });

  it('forecasts the 1st-of-month charges a trend model sees in the history', () => {
    const y = series(8, 300, { noise: 0.01 }).map((v, t) => (addDays(START, t).endsWith('-01') ? v + 5000 : v));
    const f = forecast({ history: y, historyStart: START, days: 40, methods: ['trendWeekly'] });
    const first = f.points.find((p) => p.date.endsWith('-01'))!;
    const other = f.points.find((p) => p.date.endsWith('-02'))!;
    expect(first.value - other.value).toBeGreaterThan(4000);
  });

  it('answers a short history with the mean and no MAPE', () => {
    const f = forecast({ history: [10, 12, 11], historyStart: START, days: 5 });
    expect(f.method).toBe('mean');
    expect(f.mape).toBeNull();
    expect(f.points).toHaveLength(5);
    for (const p of f.points) expect(p.lower95).toBeLessThanOrEqual(p.lower80);
  });
});
