import { describe, expect, it } from 'vitest';
import { CostAggregator, mergePartials } from '#functions/billing/ingest/aggregate.js';
import type { CostRow, SourceTotals } from '#functions/billing/parse/index.js';
import { codec } from '#shared/costs/rollups.js';
import { parseDecimal } from '#shared/money.js';

const row = (over: Partial<CostRow>): CostRow => ({
  kind: 'cost',
  line: 2,
  billingPeriodStart: '2026-01-01',
  chargePeriodStart: '2026-01-05T00:00:00.000Z',
  chargePeriodEnd: '2026-01-06T00:00:00.000Z',
  chargeDate: '2026-01-05',
  provider: 'AWS',
  billingAccountId: '1',
  billingAccountName: 'Payer',
  subAccountId: '111',
  subAccountName: 'prod',
  serviceName: 'Amazon EC2',
  serviceCategory: 'Compute',
  regionId: 'us-east-1',
  chargeCategory: 'Usage',
  chargeClass: null,
  usageType: 'BoxUsage:m5.large',
  resourceId: 'i-1',
  tags: { team: 'web' },
  currency: 'USD',
  billedCost: 1_000_000_000_000n,
  effectiveCost: 900_000_000_000n,
  listCost: 1_100_000_000_000n,
  consumedQuantity: null,
  consumedUnit: null,
  ...over,
});

const totals = (rows: CostRow[]): SourceTotals => ({
  recordsRead: rows.length,
  rowsEmitted: rows.length,
  rowsRejected: 0,
  unsummableRecords: 0,
  periods: [
    {
      billingPeriodStart: '2026-01-01',
      currency: 'USD',
      rows: rows.length,
      billedCost: rows.reduce((s, r) => s + r.billedCost, 0n),
      effectiveCost: rows.reduce((s, r) => s + r.effectiveCost, 0n),
      listCost: rows.reduce((s, r) => s + (r.listCost ?? 0n), 0n),
    },
  ],
});

/** Rows with awkward amounts: many decimals, negatives, and cells shared across files. */
const ROWS: CostRow[] = [
  row({}),
  row({ billedCost: 123_456_789_012n, effectiveCost: 1n, listCost: null }),
  row({ serviceName: 'Amazon S3', resourceId: null, tags: {}, billedCost: -50_000_000_000n, effectiveCost: -50_000_000_000n, chargeCategory: 'Credit' }),
  row({ chargeDate: '2026-01-06', regionId: null, usageType: null, subAccountId: null, tags: { team: 'data', env: 'prod' } }),
  row({ billedCost: 7n, effectiveCost: 7n, listCost: 7n }),
];

function aggregate(files: CostRow[][]) {
  return files.map((rows, i) => {
    const aggregator = new CostAggregator();
    for (const r of rows) aggregator.add(r);
    aggregator.finishFile({ fileName: `f${i}.csv`, format: 'focus-1.2', container: 'csv' }, totals(rows));
    return aggregator.toPartial();
  });
}

const sumCube = (rows: unknown[][]) => rows.map(codec.cube.decode).reduce((s, r) => s + r.billed, 0n);

describe('CostAggregator', () => {
  it('sums exactly, per cell and in total, and keeps the totals beside the rollups', () => {
    const [partial] = aggregate([ROWS]);
    const period = partial!.periods['2026-01']!;
    const expected = ROWS.reduce((s, r) => s + r.billedCost, 0n);
    expect(sumCube(period.rollups.cube)).toBe(expected);
    expect(parseDecimal(period.totals[0]!.billed)).toBe(expected);
    // Each one-dimension rollup adds up to the same total.
    for (const kind of ['service', 'account', 'region', 'chargeCategory', 'usageType'] as const) {
      expect(period.rollups[kind].map(codec.dimension.decode).reduce((s, r) => s + r.billed, 0n), kind).toBe(expected);
    }
    // Rows 1, 2 and 5 share one cube cell (same day and dimensions).
    expect(period.rollups.cube).toHaveLength(3);
    expect(partial!.sourceTotals[0]).toMatchObject({ period: '2026-01', rows: 5 });
  });

  it('gives the same rollups whether the rows come in one file or are split across several', () => {
    const [whole] = aggregate([ROWS]);
    const split = mergePartials(aggregate([ROWS.slice(0, 2), ROWS.slice(2, 4), ROWS.slice(4)]));
    const canonical = (p: typeof whole) =>
      Object.fromEntries(Object.entries(p!.periods['2026-01']!.rollups).map(([k, rows]) => [k, rows.map((r) => JSON.stringify(r)).sort()]));
    expect(canonical(split)).toEqual(canonical(whole));
    expect(split.sourceTotals).toEqual(whole!.sourceTotals);
    expect(split.periods['2026-01']!.totals).toEqual(whole!.periods['2026-01']!.totals);
    expect(split.recordsRead).toBe(5);
  });

  it('keeps tags per key and value, so untagged spend is the total minus the tagged', () => {
    const [partial] = aggregate([ROWS]);
    const tags = partial!.periods['2026-01']!.rollups.tag.map(codec.tag.decode);
    const team = tags.filter((t) => t.key === 'team').reduce((s, t) => s + t.billed, 0n);
    const total = ROWS.reduce((s, r) => s + r.billedCost, 0n);
    expect(total - team).toBe(-50_000_000_000n); // the untagged S3 credit
  });
});

describe('CostAggregator: exact sums past 2^53 units, and cells handed between threads', () => {
  // Amounts around 2^52 units (the aggregator adds small ones as doubles) and far beyond it.
  const big = (i: number): CostRow =>
    row({
      chargeDate: `2026-01-0${1 + (i % 3)}`,
      resourceId: `i-${i % 4}`,
      tags: i % 2 ? { team: 'web' } : { team: 'data', env: 'prod' },
      billedCost: 2n ** 52n - 1n - BigInt(i),
      effectiveCost: (i % 2 ? -1n : 1n) * (2n ** 51n + 12_345n * BigInt(i)),
      listCost: i % 5 === 0 ? 10n ** 30n + BigInt(i) : i % 7 === 0 ? null : 3n * 2n ** 50n,
    });
  const rows = Array.from({ length: 200 }, (_, i) => big(i));

  it('sums every cell exactly', () => {
    const aggregator = new CostAggregator();
    for (const r of rows) aggregator.add(r);
    const partial = aggregator.toPartial();
    const period = partial.periods['2026-01']!;
    const sum = (pick: (r: CostRow) => bigint, filter: (r: CostRow) => boolean = () => true) => rows.filter(filter).reduce((s, r) => s + pick(r), 0n);
    for (const c of period.rollups.cube.map(codec.cube.decode)) {
      const inCell = (r: CostRow) => r.chargeDate === c.date;
      expect(c.billed).toBe(sum((r) => r.billedCost, inCell));
      expect(c.effective).toBe(sum((r) => r.effectiveCost, inCell));
      expect(c.list).toBe(sum((r) => r.listCost ?? 0n, inCell));
    }
    for (const r of period.rollups.resource.map(codec.resource.decode)) {
      expect(r.list).toBe(sum((x) => x.listCost ?? 0n, (x) => x.resourceId === r.resourceId));
    }
    for (const t of period.rollups.tag.map(codec.tag.decode)) {
      expect(t.effective).toBe(sum((x) => x.effectiveCost, (x) => x.chargeDate === t.date && x.tags[t.key] === t.value));
    }
    expect(parseDecimal(period.totals[0]!.billed)).toBe(sum((r) => r.billedCost));
    expect(parseDecimal(period.totals[0]!.list)).toBe(sum((r) => r.listCost ?? 0n));
  });

  it('exportCells of a later aggregator, imported, gives the partial of one aggregator over all rows', () => {
    const all = [...rows, ...ROWS.map((r, i) => ({ ...r, subAccountName: `name ${i}` }))];
    const whole = new CostAggregator();
    for (const r of all) whole.add(r);
    whole.reject('f.csv', { kind: 'rejected', line: 7, code: 'NON_NUMERIC', column: 'BilledCost', value: 'x', message: 'line 7: BilledCost is not a number' });
    for (const cut of [0, 1, 77, 150, all.length]) {
      const head = new CostAggregator();
      const tail = new CostAggregator();
      for (const r of all.slice(0, cut)) head.add(r);
      for (const r of all.slice(cut)) tail.add(r);
      tail.reject('f.csv', { kind: 'rejected', line: 2, code: 'NON_NUMERIC', column: 'BilledCost', value: 'x', message: 'line 2: BilledCost is not a number' });
      head.importCells(structuredClone(tail.exportCells()), 5);
      expect(JSON.stringify(head.toPartial({ release: true })), `cut at ${cut}`).toBe(JSON.stringify(whole.toPartial()));
    }
  });
});
