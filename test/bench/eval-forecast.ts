import { forecast, type ForecastMethod } from '../../shared/analysis/forecast.js';
import { addMonths, daysBetween } from '../../shared/costs/dates.js';
import { dailyTotals, demoCells } from './eval-demo.js';

/**
 * Forecast accuracy on held-out months of the demo data (issue 8): for each of the last 4 whole
 * months of several demo exports (seeds and end dates), the model sees only the days before the
 * month and forecasts all of it, as GET /v1/forecast does on the 1st; the daily MAPE and the error
 * of the month total are measured against what the export holds, for the method the backtest
 * chooses and for seasonal-naive alone, with the coverage of the 80 % and 95 % intervals (daily
 * points and the month total). Billed cost (the invoice: Savings Plan fee, support and tax on the
 * 1st) and effective cost (amortized).
 *
 * Run: npm run eval:forecast     (a measurement, not a test: it always exits 0)
 */
const DATASETS = [
  { endDate: '2026-10-31', seed: undefined },
  { endDate: '2026-10-31', seed: 1 },
  { endDate: '2026-11-30', seed: 2 },
  { endDate: '2026-08-31', seed: 3 },
];
const HELD_OUT_MONTHS = 4;

interface Tally {
  ape: number;
  days: number;
  monthApe: number;
  months: number;
  in80: number;
  in95: number;
  monthIn80: number;
  monthIn95: number;
  chosen: Map<string, number>;
}
const blank = (): Tally => ({ ape: 0, days: 0, monthApe: 0, months: 0, in80: 0, in95: 0, monthIn80: 0, monthIn95: 0, chosen: new Map() });
const started = Date.now();
const results = new Map<string, Tally>();

for (const metric of ['billed', 'effective'] as const) {
  for (const dataset of DATASETS) {
    const options = { endDate: dataset.endDate, ...(dataset.seed === undefined ? {} : { seed: dataset.seed }) };
    const { start, values } = dailyTotals(demoCells(options, metric, 'all'));
    for (let k = HELD_OUT_MONTHS; k >= 1; k--) {
      const month = addMonths(dataset.endDate.slice(0, 7), 1 - k);
      const monthStart = `${month}-01`;
      const monthEnd = `${addMonths(month, 1)}-01`;
      const from = daysBetween(start, monthStart);
      const days = daysBetween(monthStart, monthEnd);
      const actual = values.slice(from, from + days);
      const truth = actual.reduce((s, v) => s + v, 0);
      for (const [label, methods] of [
        ['chosen by backtest', undefined],
        ['seasonal-naive', ['seasonalNaive'] as ForecastMethod[]],
      ] as const) {
        const f = forecast({ history: values.slice(0, from), historyStart: start, days, ...(methods ? { methods } : {}) });
        const key = `${metric}|${label}`;
        const t = results.get(key) ?? blank();
        results.set(key, t);
        f.points.forEach((p, i) => {
          const y = actual[i]!;
          if (y !== 0) {
            t.ape += Math.abs(y - p.value) / Math.abs(y);
            t.days++;
          }
          if (y >= p.lower80 && y <= p.upper80) t.in80++;
          if (y >= p.lower95 && y <= p.upper95) t.in95++;
        });
        const total = f.sumOf(0, days);
        t.monthApe += Math.abs(truth - total.value) / Math.abs(truth);
        t.months++;
        if (truth >= total.lower80 && truth <= total.upper80) t.monthIn80++;
        if (truth >= total.lower95 && truth <= total.upper95) t.monthIn95++;
        t.chosen.set(f.method, (t.chosen.get(f.method) ?? 0) + 1);
      }
    }
  }
}

const pct = (n: number, d: number) => `${((100 * n) / d).toFixed(1)} %`;
console.log(`${DATASETS.length} demo exports x ${HELD_OUT_MONTHS} held-out months each, forecast from the 1st; ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
console.log('| metric | method | daily MAPE | month-total error | daily in 80 % / 95 % | month total in 80 % / 95 % | methods chosen |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
for (const [key, t] of results) {
  const [metric, label] = key.split('|');
  const chosen = [...t.chosen].map(([m, n]) => `${m} ${n}`).join(', ');
  console.log(
    `| ${metric} | ${label} | ${pct(t.ape, t.days)} | ${pct(t.monthApe, t.months)} | ${pct(t.in80, t.days)} / ${pct(t.in95, t.days)} | ${pct(t.monthIn80, t.months)} / ${pct(t.monthIn95, t.months)} | ${chosen} |`,
  );
}
