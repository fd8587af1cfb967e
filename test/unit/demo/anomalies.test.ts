/**
 * DEMO_ANOMALIES against the data: each spike is present on its dates with exactly its extra cost
 * (the same export without anomalies differs by that much there and nowhere else in its usage
 * type), and it stands out from the days around it.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_END_DATE, DEMO_ANOMALIES, demoAnomalies, generateDemoBilling } from '#local/demo/billing.js';
import { addTo, COL, median, units } from './helpers.js';

/** Usage cost by (date, service, account, region, usage type), one map per metric. */
function usageSeries(includeAnomalies: boolean) {
  const billed = new Map<string, bigint>();
  const effective = new Map<string, bigint>();
  const list = new Map<string, bigint>();
  for (const r of generateDemoBilling({ endDate: DEFAULT_END_DATE, includeAnomalies }).rows) {
    if (r[COL.ChargeCategory] !== 'Usage') continue;
    const key = [r[COL.ChargePeriodStart]!.slice(0, 10), r[COL.ServiceName], r[COL.SubAccountId], r[COL.RegionId], r[COL.x_UsageType]].join('|');
    addTo(billed, key, units(r[COL.BilledCost]!));
    addTo(effective, key, units(r[COL.EffectiveCost]!));
    addTo(list, key, units(r[COL.ListCost]!));
  }
  return { billed, effective, list };
}

let withSpikes: ReturnType<typeof usageSeries>;
let without: ReturnType<typeof usageSeries>;

beforeAll(() => {
  withSpikes = usageSeries(true);
  without = usageSeries(false);
}, 30_000);

const seriesKey = (a: (typeof DEMO_ANOMALIES)[number]) => [a.serviceName, a.subAccountId, a.regionId ?? '', a.usageType].join('|');

describe('DEMO_ANOMALIES', () => {
  it('lists 7 spikes, all inside the 15-month window, spread across services, accounts and regions', () => {
    expect(DEMO_ANOMALIES).toHaveLength(7);
    for (const a of DEMO_ANOMALIES) {
      expect(a.startDate >= '2025-08-01' && a.endDate <= DEFAULT_END_DATE).toBe(true);
      expect(a.dates[0]).toBe(a.startDate);
      expect(a.dates.at(-1)).toBe(a.endDate);
      expect(units(a.extraCostPerDay) > 100n * 10_000_000_000n).toBe(true);
    }
    expect(new Set(DEMO_ANOMALIES.map((a) => a.serviceName)).size).toBeGreaterThanOrEqual(6);
    expect(new Set(DEMO_ANOMALIES.map((a) => a.subAccountId)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(DEMO_ANOMALIES.map((a) => a.regionId)).size).toBe(4);
  });

  it('moves with the end date and drops spikes outside a shorter window', () => {
    const shifted = demoAnomalies({ endDate: '2026-11-30' });
    expect(shifted.map((a) => a.id)).toEqual(DEMO_ANOMALIES.map((a) => a.id));
    expect(shifted[0]!.startDate).toBe('2026-11-18');
    const short = demoAnomalies({ endDate: DEFAULT_END_DATE, months: 2 });
    expect(short.map((a) => a.id)).toEqual(['ec2-loadtest-euw1', 'nat-bytes-use1']);
  });

  it.each(DEMO_ANOMALIES.map((a) => [a.id, a] as const))('%s: adds exactly its extra cost on its dates and nothing elsewhere', (_id, anomaly) => {
    const series = seriesKey(anomaly);
    const extra = units(anomaly.extraCostPerDay);
    for (const metric of ['billed', 'effective', 'list'] as const) {
      const keys = new Set([...withSpikes[metric].keys(), ...without[metric].keys()].filter((k) => k.slice(11) === series));
      expect(keys.size).toBeGreaterThan(0);
      for (const key of keys) {
        const date = key.slice(0, 10);
        const diff = (withSpikes[metric].get(key) ?? 0n) - (without[metric].get(key) ?? 0n);
        expect(diff, `${metric} ${key}`).toBe(anomaly.dates.includes(date) ? extra : 0n);
      }
    }
  });

  it.each(DEMO_ANOMALIES.map((a) => [a.id, a] as const))('%s: stands out from the four weeks around it', (_id, anomaly) => {
    const series = seriesKey(anomaly);
    const value = (date: string) => Number(withSpikes.effective.get(`${date}|${series}`) ?? 0n) / 1e10;
    const around: number[] = [];
    const start = Date.parse(`${anomaly.startDate}T00:00:00Z`);
    for (let offset = -14; offset <= 14 + anomaly.dates.length; offset++) {
      const date = new Date(start + offset * 86_400_000).toISOString().slice(0, 10);
      if (!anomaly.dates.includes(date) && date <= DEFAULT_END_DATE) around.push(value(date));
    }
    const baseline = median(around);
    const extra = Number(units(anomaly.extraCostPerDay)) / 1e10;
    for (const date of anomaly.dates) {
      expect(value(date) - baseline).toBeGreaterThan(extra * 0.8);
      expect(value(date) - baseline).toBeLessThan(extra * 1.2);
    }
  });
});
