import { describe, expect, it } from 'vitest';
import { DEMO_ANOMALIES } from '../../../local/demo/billing.js';
import { detectAnomalies, describeContributor, severityOf, type CostCell } from '#shared/analysis/anomalies.js';
import { anomalyIdOf, cents } from '#shared/analysis/model.js';
import { gaussian, seededRandom } from '#shared/analysis/stats.js';
import { addDays } from '#shared/costs/dates.js';
import { demoCells } from '../../bench/eval-demo.js';

const START = '2025-01-01';
const DAYS = 240;

interface LeafSpec {
  service: string;
  account: string;
  region: string;
  usageType: string;
  base: number;
  weekendFactor?: number;
  growthPerMonth?: number;
  noise?: number;
  /** Charged on the 1st of each month only (support, commitments). */
  monthly?: boolean;
}

const LEAVES: LeafSpec[] = [
  { service: 'Amazon EC2', account: 'prod', region: 'eu-west-1', usageType: 'EUW1-BoxUsage:m5.4xlarge', base: 500, weekendFactor: 0.6, growthPerMonth: 0.04, noise: 0.03 },
  { service: 'Amazon EC2', account: 'prod', region: 'us-east-1', usageType: 'USE1-BoxUsage:m5.large', base: 200, weekendFactor: 0.7, growthPerMonth: 0.02, noise: 0.04 },
  { service: 'Amazon EC2', account: 'staging', region: 'us-east-1', usageType: 'USE1-BoxUsage:t3.large', base: 80, weekendFactor: 0.2, noise: 0.05 },
  { service: 'Amazon S3', account: 'data', region: 'us-west-2', usageType: 'USW2-TimedStorage-ByteHrs', base: 150, growthPerMonth: 0.05, noise: 0.01 },
  { service: 'AWS Lambda', account: 'prod', region: 'us-east-1', usageType: 'USE1-Lambda-GB-Second', base: 60, weekendFactor: 0.5, noise: 0.08 },
  { service: 'AWS Support (Business)', account: 'mgmt', region: '', usageType: '', base: 2500, monthly: true },
];

/** Weekly seasonality, trend, noise and month-start charges: everything a detector must not flag. */
function synthetic(seed: number, spikes: Array<{ usageType: string; day: number; extra: number }> = []): CostCell[] {
  const random = seededRandom(seed);
  const cells: CostCell[] = [];
  for (let t = 0; t < DAYS; t++) {
    const date = addDays(START, t);
    const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    for (const leaf of LEAVES) {
      let amount: number;
      if (leaf.monthly) {
        if (!date.endsWith('-01')) continue;
        amount = leaf.base * (1 + 0.02 * (t / 30));
      } else {
        amount = leaf.base * (1 + (leaf.growthPerMonth ?? 0) * (t / 30)) * (weekend ? (leaf.weekendFactor ?? 1) : 1) * (1 + (leaf.noise ?? 0) * gaussian(random));
      }
      for (const s of spikes) if (s.usageType === leaf.usageType && s.day === t) amount += s.extra;
      cells.push({ date, service: leaf.service, account: leaf.account, region: leaf.region, usageType: leaf.usageType, amount });
    }
  }
  return cells;
}

describe('anomaly detection', () => {
  it('flags nothing on weekly seasonality, trend, noise and month-start charges', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      expect(detectAnomalies(synthetic(seed)).incidents, `seed ${seed}`).toEqual([]);
    }
  });

  it('the plain z-score baseline does flag that seasonality (why the robust method exists)', () => {
    const flagged = [1, 2, 3].reduce((n, seed) => n + detectAnomalies(synthetic(seed), { method: 'zscore' }).incidents.length, 0);
    expect(flagged).toBeGreaterThan(0);
  });

  it('flags an injected spike on its day, once, with its cell as the root cause', () => {
    const day = 150;
    const { incidents } = detectAnomalies(synthetic(7, [{ usageType: 'USE1-BoxUsage:m5.large', day, extra: 300 }]));
    expect(incidents).toHaveLength(1);
    const [incident] = incidents;
    expect(incident!.startDate).toBe(addDays(START, day));
    expect(incident!.endDate).toBe(addDays(START, day));
    expect(incident!.cause).toEqual({ service: 'Amazon EC2', account: 'prod', region: 'us-east-1', usageType: 'USE1-BoxUsage:m5.large' });
    expect(incident!.contributors[0]!.usageType).toBe('USE1-BoxUsage:m5.large');
    expect(incident!.contributors[0]!.delta).toBeGreaterThan(250);
    expect(incident!.contributors[0]!.delta).toBeLessThan(350);
    expect(incident!.impact).toBeGreaterThan(250);
    // Shown under the service, and every series that saw it is named.
    expect(incident!.monitor).toBe('service');
    expect(incident!.flaggedBy.map((f) => f.monitor)).toEqual(expect.arrayContaining(['service', 'usageType']));
  });

  it('joins consecutive spike days into one incident and still flags a spike on a month start', () => {
    const first = 120; // a weekday in May
    const monthStart = 181; // 2025-07-01
    expect(addDays(START, monthStart)).toBe('2025-07-01');
    const { incidents } = detectAnomalies(
      synthetic(11, [
        { usageType: 'USW2-TimedStorage-ByteHrs', day: first, extra: 250 },
        { usageType: 'USW2-TimedStorage-ByteHrs', day: first + 1, extra: 250 },
        { usageType: 'USW2-TimedStorage-ByteHrs', day: first + 2, extra: 250 },
        { usageType: 'USE1-Lambda-GB-Second', day: monthStart, extra: 400 },
      ]),
    );
    expect(incidents.map((i) => [i.startDate, i.endDate, i.cause.usageType])).toEqual([
      [addDays(START, first), addDays(START, first + 2), 'USW2-TimedStorage-ByteHrs'],
      ['2025-07-01', '2025-07-01', 'USE1-Lambda-GB-Second'],
    ]);
  });

  it('ranks the contributors by dollar delta: the larger cell first', () => {
    const day = 160;
    const { incidents } = detectAnomalies(
      synthetic(3, [
        { usageType: 'USE1-BoxUsage:t3.large', day, extra: 120 },
        { usageType: 'EUW1-BoxUsage:m5.4xlarge', day, extra: 420 },
      ]),
    );
    const ec2 = incidents.find((i) => i.monitor === 'service' && i.key === 'Amazon EC2')!;
    expect(ec2).toBeDefined();
    expect(ec2.contributors.slice(0, 2).map((c) => c.usageType)).toEqual(['EUW1-BoxUsage:m5.4xlarge', 'USE1-BoxUsage:t3.large']);
    expect(describeContributor(ec2.contributors[0]!, 'USD', (id) => `demo-${id}`)).toMatch(
      /^Amazon EC2 in eu-west-1, account demo-prod, usage type EUW1-BoxUsage:m5\.4xlarge: \+\$4\d\d\.\d\d\/day$/,
    );
  });

  it('keeps below-threshold increases quiet, and the thresholds are the tenant\'s to set', () => {
    const cells = synthetic(5, [{ usageType: 'USE1-Lambda-GB-Second', day: 170, extra: 35 }]);
    expect(detectAnomalies(cells).incidents).toEqual([]);
    expect(detectAnomalies(cells, { thresholds: { minImpactPerDay: 20 } }).incidents.map((i) => i.cause.usageType)).toEqual(['USE1-Lambda-GB-Second']);
  });

  it('judges each day on its past only: later data does not change earlier verdicts', () => {
    const cells = synthetic(9, [{ usageType: 'USE1-BoxUsage:m5.large', day: 100, extra: 300 }]);
    const early = detectAnomalies(cells.filter((c) => c.date <= addDays(START, 110)));
    const late = detectAnomalies(cells);
    expect(late.incidents.map((i) => [i.startDate, i.causeKey, i.impact])).toEqual(early.incidents.map((i) => [i.startDate, i.causeKey, i.impact]));
  });

  it('finds every spike injected into the demo data, and nothing else', () => {
    const { incidents } = detectAnomalies(demoCells({ endDate: '2026-10-31' }));
    const found = incidents.map((i) => ({ start: i.startDate, end: i.endDate, usageType: i.cause.usageType }));
    expect(found).toEqual(
      [...DEMO_ANOMALIES].reverse().map((a) => ({ start: a.startDate, end: a.endDate, usageType: a.usageType })),
    );
  }, 60_000);
});

describe('anomaly records', () => {
  it('ids are stable per tenant, cause and start date, and sort by the date', () => {
    const id = anomalyIdOf('t1', 'cause', '2026-10-19');
    expect(id).toMatch(/^20261019-[0-9a-f]{16}$/);
    expect(anomalyIdOf('t1', 'cause', '2026-10-19')).toBe(id);
    expect(anomalyIdOf('t2', 'cause', '2026-10-19')).not.toBe(id);
    expect(anomalyIdOf('t1', 'other', '2026-10-19')).not.toBe(id);
  });

  it('severity follows the dollar impact; amounts round to cents', () => {
    expect([10, 250, 999.99, 1000, 5000].map(severityOf)).toEqual(['low', 'medium', 'medium', 'high', 'critical']);
    expect([cents(327.544), cents(-0.004), cents(12), cents(0.125)]).toEqual(['327.54', '0.00', '12.00', '0.13']);
  });
});
