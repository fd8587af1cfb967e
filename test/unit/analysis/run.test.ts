import { describe, expect, it } from 'vitest';
import { DEFAULT_THRESHOLDS } from '#shared/analysis/anomalies.js';
import type { Anomaly, DetectedAnomaly } from '#shared/analysis/model.js';
import { analyzeTenant } from '#shared/analysis/run.js';
import { gaussian, seededRandom } from '#shared/analysis/stats.js';
import { addDays } from '#shared/costs/dates.js';
import type { CostReader } from '#shared/costs/query.js';
import { codec, type CubeRow } from '#shared/costs/rollups.js';
import { parseDecimal } from '#shared/money.js';

/** A tenant's cube in memory, one billing source, every period current. */
function reader(rows: CubeRow[]): CostReader {
  const periods = [...new Set(rows.map((r) => r.date.slice(0, 7)))].sort();
  return {
    currentVersions: async (_t, from, to) =>
      periods.filter((p) => p >= from && p <= to).map((period) => ({ sourceId: 'src', period, version: 'v1', updatedAt: '2026-01-01T00:00:00Z', status: 'final' as const })),
    readRows: async (_t, _s, period, _v, kind) => (kind === 'cube' ? rows.filter((r) => r.date.startsWith(period)).map((r) => codec.cube.encode(r)) : []),
    readMeta: async () => ({ accountNames: { '111122223333': 'prod' }, totals: [] }),
  };
}

/** The store's upsert semantics: detection fields rewritten, status and suppression kept once set. */
class MemoryAnomalies {
  readonly items = new Map<string, Anomaly>();
  readonly expected = new Map<string, string>();
  async settings() {
    return { thresholds: DEFAULT_THRESHOLDS, metric: 'effective' as const };
  }
  async suppressedCauses() {
    return new Map(this.expected);
  }
  async upsertDetected(_tenantId: string, a: DetectedAnomaly, suppressed: boolean, now: string) {
    const old = this.items.get(a.id);
    this.items.set(a.id, {
      ...a,
      status: old?.status ?? (suppressed ? 'ignored' : 'active'),
      suppressed: old?.suppressed ?? suppressed,
      feedback: old?.feedback ?? null,
      note: old?.note ?? null,
      detectedAt: old?.detectedAt ?? now,
      updatedAt: now,
      statusChangedBy: null,
      statusChangedAt: null,
    });
  }
}

const START = '2026-01-01';
function cube(days: number, spikes: number[]): CubeRow[] {
  const random = seededRandom(42);
  const rows: CubeRow[] = [];
  for (let t = 0; t < days; t++) {
    const date = addDays(START, t);
    const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    for (const [service, usageType, base] of [
      ['Amazon EC2', 'USE1-BoxUsage:m5.large', 400],
      ['Amazon S3', 'USE1-Requests-Tier1', 100],
    ] as const) {
      let amount = base * (weekend ? 0.6 : 1) * (1 + 0.02 * gaussian(random));
      if (service === 'Amazon S3' && spikes.includes(t)) amount += 300;
      const money = parseDecimal(amount.toFixed(6));
      rows.push({ date, account: '111122223333', service, region: 'us-east-1', chargeCategory: 'Usage', usageType, currency: 'USD', billed: money, effective: money, list: money });
    }
    // Tax on the 1st is not analysed (it follows usage); a credit neither.
    if (date.endsWith('-01')) {
      const tax = parseDecimal('900');
      rows.push({ date, account: '111122223333', service: 'Amazon EC2', region: 'us-east-1', chargeCategory: 'Tax', usageType: '', currency: 'USD', billed: tax, effective: tax, list: tax });
    }
  }
  return rows;
}

describe('a tenant\'s analysis run', () => {
  it('stores each anomaly once under a stable id; a re-run changes nothing', async () => {
    const store = new MemoryAnomalies();
    const costs = reader(cube(150, [100]));
    const first = await analyzeTenant({ costs, anomalies: store }, 't1', addDays(START, 160));
    expect(first).toMatchObject({ anomalies: 1, suppressed: 0, currency: 'USD', dataThrough: addDays(START, 149) });
    const [anomaly] = [...store.items.values()];
    expect(anomaly).toMatchObject({ startDate: addDays(START, 100), monitor: 'service', dimensionValue: 'Amazon S3', status: 'active', severity: 'medium' });
    expect(anomaly!.rootCause).toMatch(/^Amazon S3 in us-east-1, account prod, usage type USE1-Requests-Tier1: \+\$\d{3}\.\d\d\/day$/);
    const snapshot = JSON.stringify([...store.items.values()].map(({ updatedAt: _u, ...a }) => a));
    await analyzeTenant({ costs, anomalies: store }, 't1', addDays(START, 160));
    expect(JSON.stringify([...store.items.values()].map(({ updatedAt: _u, ...a }) => a))).toBe(snapshot);
  });

  it('ignores later anomalies of a cause marked expected, and only those', async () => {
    const store = new MemoryAnomalies();
    await analyzeTenant({ costs: reader(cube(120, [100])), anomalies: store }, 't1', addDays(START, 120));
    const [first] = [...store.items.values()];
    // PATCH feedback=expected stores the cause (see functions/analysis/routes.ts).
    store.expected.set(first!.causeId, first!.id);
    const result = await analyzeTenant({ costs: reader(cube(200, [100, 170])), anomalies: store }, 't1', addDays(START, 200));
    expect(result).toMatchObject({ anomalies: 2, suppressed: 1 });
    const [again, repeat] = [...store.items.values()].sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
    expect(again).toMatchObject({ id: first!.id, status: 'active', suppressed: false });
    expect(repeat).toMatchObject({ startDate: addDays(START, 170), causeId: first!.causeId, status: 'ignored', suppressed: true });
  });

  it('answers a tenant without cost data with nothing to do', async () => {
    const store = new MemoryAnomalies();
    expect(await analyzeTenant({ costs: reader([]), anomalies: store }, 't1', START)).toEqual({ anomalies: 0, suppressed: 0, currency: null, dataThrough: null });
    expect(store.items.size).toBe(0);
  });
});
