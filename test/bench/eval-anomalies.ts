import { demoAnomalies, type DemoAnomaly } from '../../local/demo/billing.js';
import { detectAnomalies, leafKeyOf, type CostCell, type DetectOptions, type Incident } from '../../shared/analysis/anomalies.js';
import { seededRandom } from '../../shared/analysis/stats.js';
import { addDays } from '../../shared/costs/dates.js';
import { demoCells } from './eval-demo.js';

/**
 * Anomaly detection quality on labeled series (issue 8): precision, recall and F1 of our detector
 * next to a plain z-score baseline, on the demo generator's exports with their injected spikes
 * (DEMO_ANOMALIES) as labels, over several seeds and end dates (the spikes move with the end date,
 * so they land on other weekdays and days of the month), plus exports without spikes (every
 * incident there is a false positive).
 *
 * An incident is a true positive when its days overlap a label's days and the label's usage type is
 * its root cause or among its top 3 contributors; a label is found when one incident matches it.
 * Both methods use the same series, grouping into incidents and dollar/percent thresholds; only
 * the expected value and the noise scale differ (robust decomposition + MAD vs mean and standard
 * deviation of the last 28 days).
 *
 * The demo's spikes are few and clear, so a second set is harder: into each spike-free export,
 * 20 spikes of 1-3 days are injected at random (seeded) into random cells (service, account, region,
 * usage type) costing at least $2/day, each adding $50-$400 a day, whatever the cell's size: a $60
 * rise on a $900/day usage type is labeled too, though it is under the default 20 % deviation
 * threshold, so recall there is below 100 % by design.
 *
 * Run: npm run eval:anomalies     (a measurement, not a test: it always exits 0)
 */
const DATASETS = [
  { endDate: '2026-10-31', seed: undefined },
  { endDate: '2026-10-31', seed: 1 },
  { endDate: '2026-11-22', seed: 2 },
  { endDate: '2026-09-17', seed: 3 },
  { endDate: '2026-07-04', seed: 4 },
  { endDate: '2027-02-14', seed: 5 },
];
const METHODS: Array<{ name: string; options: DetectOptions }> = [
  { name: 'robust (ours, score >= 4)', options: { method: 'robust' } },
  { name: 'z-score baseline (z >= 3)', options: { method: 'zscore', thresholds: { minScore: 3 } } },
  { name: 'z-score baseline (z >= 4)', options: { method: 'zscore', thresholds: { minScore: 4 } } },
];

type Label = Pick<DemoAnomaly, 'startDate' | 'endDate' | 'usageType'>;

/** Random spikes in random cells of a spike-free export, and their labels. */
function injectSpikes(cells: readonly CostCell[], seed: number, count: number): { cells: CostCell[]; labels: Label[] } {
  const random = seededRandom(seed);
  const byLeaf = new Map<string, { cell: CostCell; total: number; days: number }>();
  const dates = [...new Set(cells.map((c) => c.date))].sort();
  for (const c of cells) {
    const k = leafKeyOf(c);
    const e = byLeaf.get(k) ?? { cell: c, total: 0, days: 0 };
    e.total += c.amount;
    e.days++;
    byLeaf.set(k, e);
  }
  const leaves = [...byLeaf.values()].filter((e) => e.total / dates.length >= 2 && e.cell.usageType);
  const out = [...cells];
  const labels: Label[] = [];
  const used = new Set<string>();
  while (labels.length < count) {
    const leaf = leaves[Math.floor(random() * leaves.length)]!.cell;
    // Not in the warm-up, and each usage type spiked once (so a label is one incident).
    const start = dates[60 + Math.floor(random() * (dates.length - 63))]!;
    if (used.has(leaf.usageType)) continue;
    used.add(leaf.usageType);
    const days = 1 + Math.floor(random() * 3);
    const extra = 50 + random() * 350;
    for (let d = 0; d < days; d++) out.push({ ...leaf, date: addDays(start, d), amount: extra });
    labels.push({ startDate: start, endDate: addDays(start, days - 1), usageType: leaf.usageType });
  }
  return { cells: out, labels };
}

const overlaps = (i: Incident, a: Label) => i.startDate <= a.endDate && i.endDate >= a.startDate;
const matches = (i: Incident, a: Label) =>
  overlaps(i, a) && (i.cause.usageType === a.usageType || i.contributors.slice(0, 3).some((c) => c.usageType === a.usageType));

interface Tally {
  incidents: number;
  truePositives: number;
  labels: number;
  found: number;
  cleanFalsePositives: number;
}

const newTallies = () => new Map(METHODS.map((m) => [m.name, { incidents: 0, truePositives: 0, labels: 0, found: 0, cleanFalsePositives: 0 } as Tally]));
const demoTallies = newTallies();
const injectedTallies = newTallies();

function score(tally: Tally, cells: readonly CostCell[], labels: readonly Label[], options: DetectOptions) {
  const { incidents } = detectAnomalies(cells, options);
  const tp = incidents.filter((i) => labels.some((a) => matches(i, a))).length;
  const found = labels.filter((a) => incidents.some((i) => matches(i, a))).length;
  tally.incidents += incidents.length;
  tally.truePositives += tp;
  tally.labels += labels.length;
  tally.found += found;
  return { found, falsePositives: incidents.length - tp };
}

const started = Date.now();
for (const [n, dataset] of DATASETS.entries()) {
  const options = { endDate: dataset.endDate, ...(dataset.seed === undefined ? {} : { seed: dataset.seed }) };
  const labels = demoAnomalies(options);
  const cells = demoCells(options);
  const clean = demoCells({ ...options, includeAnomalies: false });
  const injected = injectSpikes(clean, 1000 + n, 20);
  const line: string[] = [];
  for (const method of METHODS) {
    const demo = score(demoTallies.get(method.name)!, cells, labels, method.options);
    const falseOnClean = detectAnomalies(clean, method.options).incidents.length;
    demoTallies.get(method.name)!.cleanFalsePositives += falseOnClean;
    const inj = score(injectedTallies.get(method.name)!, injected.cells, injected.labels, method.options);
    line.push(`${method.name.split(' (')[0]} ${method.options.thresholds?.minScore ?? 4}: demo ${demo.found}/${labels.length} found ${demo.falsePositives} false, clean ${falseOnClean} false, injected ${inj.found}/${injected.labels.length} found ${inj.falsePositives} false`);
  }
  console.log(`end ${dataset.endDate} seed ${dataset.seed ?? 'default'}:\n  ${line.join('\n  ')}`);
}

const pct = (v: number) => (Number.isFinite(v) ? `${(100 * v).toFixed(1)} %` : 'n/a');
const table = (title: string, tallies: Map<string, Tally>, withClean: boolean) => {
  console.log(`\n${title}\n`);
  console.log(`| method | precision | recall | F1 |${withClean ? ' false positives on spike-free exports |' : ''}`);
  console.log(`| --- | --- | --- | --- |${withClean ? ' --- |' : ''}`);
  for (const [name, t] of tallies) {
    const precision = t.incidents ? t.truePositives / t.incidents : NaN;
    const recall = t.found / t.labels;
    const f1 = (2 * precision * recall) / (precision + recall);
    console.log(`| ${name} | ${pct(precision)} (${t.truePositives}/${t.incidents}) | ${pct(recall)} (${t.found}/${t.labels}) | ${pct(f1)} |${withClean ? ` ${t.cleanFalsePositives} |` : ''}`);
  }
};
table(`Demo spikes (DEMO_ANOMALIES): ${DATASETS.length} demo exports of 15 months, ${demoTallies.values().next().value!.labels} labeled spikes`, demoTallies, true);
table(`Injected spikes: 20 random spikes ($50-$400/day, 1-3 days) in each spike-free export, ${injectedTallies.values().next().value!.labels} labels`, injectedTallies, false);
console.log(`\n${((Date.now() - started) / 1000).toFixed(1)} s`);
