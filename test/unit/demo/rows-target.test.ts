/** rowsTarget scales the export with a batch fleet and leaves the base data as it was. */
import { describe, expect, it } from 'vitest';
import { demoResources, generateDemoBilling } from '#local/demo/billing.js';
import { COL } from './helpers.js';

const BASE = { endDate: '2026-10-31', months: 2 } as const;

describe('rowsTarget', () => {
  it('gets within 10% of the rows asked for', () => {
    const billing = generateDemoBilling({ ...BASE, rowsTarget: 20_000 });
    const rows = [...billing.rows];
    expect(billing.fleetSize).toBeGreaterThan(0);
    expect(rows.length).toBeGreaterThan(18_000);
    expect(rows.length).toBeLessThan(22_000);
    expect(billing.summary.rowCount).toBe(rows.length);
  });

  it('adds fleet members to the catalog and their rows, and leaves every other usage row unchanged', () => {
    const scaled = generateDemoBilling({ ...BASE, rowsTarget: 20_000 });
    const fleet = demoResources({ ...BASE, rowsTarget: 20_000 }).filter((r) => r.name.startsWith('batch-worker-'));
    expect(fleet.length).toBe(scaled.fleetSize * 2); // an instance and its root volume each
    const fleetIds = new Set(fleet.map((r) => r.id));
    const usage = (rows: Iterable<string[]>, skipFleet: boolean) =>
      [...rows].filter((r) => r[COL.ChargeCategory] === 'Usage' && !(skipFleet && fleetIds.has(r[COL.ResourceId]!))).map((r) => r.join(','));
    const base = usage(generateDemoBilling(BASE).rows, false);
    const scaledBase = usage(scaled.rows, true);
    expect(scaledBase).toEqual(base);
  });

  it('refuses a target well below the base rows', () => {
    expect(() => generateDemoBilling({ ...BASE, rowsTarget: 1_000 })).toThrow(/below the/);
  });
});
