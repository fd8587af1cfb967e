/**
 * The per-row shortcuts give exactly what the general path gives:
 *   - CostAggregator's id keys (one or two characters per id, past 2^15 distinct values too) and
 *     its previous-row memos: the partial of the row-by-row reference aggregator, also through
 *     exportCells / importCells;
 *   - TotalsAccumulator's double parts and previous-key memo: plain BigInt sums per key;
 *   - RecordMapper's decimal cache and previous-row date and tag memos: each record mapped as a
 *     fresh mapper (no cache, no memo) maps it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CostAggregator } from '#functions/billing/ingest/aggregate.js';
import { detectFormat, normalizeHeader } from '#functions/billing/parse/detect.js';
import { RecordMapper } from '#functions/billing/parse/mapper.js';
import { TotalsAccumulator } from '#functions/billing/parse/totals.js';
import type { ChargeCategory, CostRow } from '#functions/billing/parse/index.js';
import { ReferenceAggregator } from './reference-aggregator.js';

const json = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x));
const RUNS = Number(process.env.FUZZ_RUNS ?? 60);

const AMOUNTS = [0n, 1n, -7n, 1_000_000_000_000n, 123_456_789_012n, 2n ** 52n - 1n, -(2n ** 52n) + 1n, 2n ** 52n, 2n ** 53n + 3n, -(10n ** 30n), 10n ** 25n + 1n];
const amount = fc.oneof(fc.constantFrom(...AMOUNTS), fc.bigInt({ min: -(2n ** 60n), max: 2n ** 60n }));
const CATEGORIES: ChargeCategory[] = ['Usage', 'Purchase', 'Tax', 'Credit', 'Adjustment'];
const TAGS: Array<Record<string, string>> = [{}, { team: 'web' }, { team: 'web' }, { team: 'data', env: 'prod' }, { env: 'prod', team: 'data' }, { a: '' }];

/** Rows from small pools (cells repeat, consecutive rows share values) and fresh strings (no shared objects). */
const rowArb = fc.record({
  period: fc.constantFrom('2026-01-01', '2026-02-01', '2026-01-15'),
  day: fc.integer({ min: 1, max: 3 }),
  account: fc.constantFrom(null, '111', '222', ''),
  name: fc.constantFrom(null, 'prod', 'dev', ''),
  service: fc.constantFrom(null, 'Amazon EC2', 'Amazon S3'),
  region: fc.constantFrom(null, 'us-east-1', 'eu-west-1'),
  category: fc.constantFrom(...CATEGORIES),
  usage: fc.constantFrom(null, 'BoxUsage', 'Storage', 'BoxUsage:m5'),
  resource: fc.constantFrom(null, '', 'i-1', 'i-2', 'vol-1'),
  currency: fc.constantFrom('USD', 'EUR'),
  tags: fc.integer({ min: 0, max: TAGS.length - 1 }),
  billed: amount,
  effective: amount,
  list: fc.option(amount),
  repeat: fc.integer({ min: 1, max: 3 }),
});

const fresh = (s: string) => (s === '' ? '' : (' ' + s).slice(1));

type Spec = typeof rowArb extends fc.Arbitrary<infer T> ? T : never;

function toRows(specs: Spec[]): CostRow[] {
  const rows: CostRow[] = [];
  for (const s of specs) {
    for (let r = 0; r < s.repeat; r++) {
      const f = (v: string | null) => (v === null ? null : fresh(v));
      rows.push({
        kind: 'cost',
        line: rows.length + 2,
        billingPeriodStart: fresh(s.period),
        chargePeriodStart: `2026-01-0${s.day}T00:00:00.000Z`,
        chargePeriodEnd: `2026-01-0${s.day + 1}T00:00:00.000Z`,
        chargeDate: fresh(`2026-01-0${s.day}`),
        provider: 'AWS',
        billingAccountId: '1',
        billingAccountName: 'Payer',
        subAccountId: f(s.account),
        subAccountName: f(s.name),
        serviceName: f(s.service),
        serviceCategory: null,
        regionId: f(s.region),
        chargeCategory: s.category,
        chargeClass: null,
        usageType: f(s.usage),
        resourceId: f(s.resource),
        // Equal tag sets as the same object (rows of one cell) or as different objects.
        tags: r > 0 ? rows[rows.length - 1]!.tags : { ...TAGS[s.tags] },
        currency: fresh(s.currency),
        billedCost: s.billed,
        effectiveCost: s.effective,
        listCost: s.list,
        consumedQuantity: null,
        consumedUnit: null,
      });
    }
  }
  return rows;
}

function reference(rows: CostRow[]): string {
  const ref = new ReferenceAggregator();
  for (const r of rows) ref.add(r);
  return JSON.stringify(ref.toPartial());
}

describe('CostAggregator id keys and memos', () => {
  it('random rows: the reference partial, whole and through exportCells / importCells', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.array(rowArb, { minLength: 1, maxLength: 60 }), fc.nat(), (specs, cutSeed) => {
        const rows = toRows(specs);
        const expected = reference(rows);
        const whole = new CostAggregator();
        for (const r of rows) whole.add(r);
        expect(JSON.stringify(whole.toPartial())).toBe(expected);
        const cut = cutSeed % (rows.length + 1);
        const head = new CostAggregator();
        const tail = new CostAggregator();
        for (const r of rows.slice(0, cut)) head.add(r);
        for (const r of rows.slice(cut)) tail.add(r);
        head.importCells(structuredClone(tail.exportCells()));
        expect(JSON.stringify(head.toPartial({ release: true }))).toBe(expected);
      }),
      { numRuns: RUNS },
    );
  });

  it('more than 2^15 distinct values (two-character ids): the reference partial', { timeout: 60_000 }, () => {
    const base = toRows([{ period: '2026-01-01', day: 1, account: '111', name: 'prod', service: 'Amazon EC2', region: 'us-east-1', category: 'Usage', usage: 'BoxUsage', resource: 'i-1', currency: 'USD', tags: 1, billed: 5n, effective: 4n, list: 6n, repeat: 1 }])[0]!;
    const rows: CostRow[] = [];
    for (let i = 0; i < 70_000; i++) {
      rows.push({
        ...base,
        chargeDate: `2026-01-0${1 + (i % 3)}`,
        usageType: `usage-${i % 40_000}`,
        subAccountId: `acct-${(i * 7) % 35_000}`,
        regionId: i % 2 ? `region-${i % 33_000}` : null,
        resourceId: `r-${i % 1000}`,
        tags: { team: `t${i % 34_000}` },
        billedCost: BigInt(i) * 1_000_000_007n,
        effectiveCost: -BigInt(i),
      });
    }
    const expected = reference(rows);
    const whole = new CostAggregator();
    for (const r of rows) whole.add(r);
    expect(JSON.stringify(whole.toPartial())).toBe(expected);
    const head = new CostAggregator();
    const tail = new CostAggregator();
    for (const r of rows.slice(0, 41_000)) head.add(r);
    for (const r of rows.slice(41_000)) tail.add(r);
    head.importCells(structuredClone(tail.exportCells()));
    expect(JSON.stringify(head.toPartial({ release: true }))).toBe(expected);
  });
});

describe('TotalsAccumulator double parts and memo', () => {
  it('random amounts, keys switching row to row: plain BigInt sums per key', () => {
    const entry = fc.record({
      period: fc.constantFrom(null, '2026-01-01', '2026-02-01'),
      currency: fc.constantFrom(null, 'USD', 'EUR'),
      billed: amount,
      effective: amount,
      list: fc.option(amount),
      repeat: fc.integer({ min: 1, max: 4 }),
    });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 80 }), (entries) => {
        const totals = new TotalsAccumulator();
        const expected = new Map<string, { billingPeriodStart: string | null; currency: string | null; rows: number; billedCost: bigint; effectiveCost: bigint; listCost: bigint }>();
        for (const e of entries) {
          for (let r = 0; r < e.repeat; r++) {
            totals.add(e.period === null ? null : fresh(e.period), e.currency === null ? null : fresh(e.currency), e.billed, e.effective, e.list);
            const key = `${e.period ?? ''}|${e.currency ?? ''}`;
            let t = expected.get(key);
            if (!t) expected.set(key, (t = { billingPeriodStart: e.period, currency: e.currency, rows: 0, billedCost: 0n, effectiveCost: 0n, listCost: 0n }));
            t.rows++;
            t.billedCost += e.billed;
            t.effectiveCost += e.effective;
            if (e.list !== null) t.listCost += e.list;
          }
        }
        const cmp = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : a < b ? -1 : 1);
        const periods = [...expected.values()].sort((a, b) => cmp(a.billingPeriodStart, b.billingPeriodStart) || cmp(a.currency, b.currency));
        expect(json(totals.snapshot().periods)).toBe(json(periods));
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it('many amounts just under 2^52 units: exact', () => {
    const totals = new TotalsAccumulator();
    const x = 2n ** 52n - 1n;
    for (let i = 0; i < 10_000; i++) totals.add('2026-01-01', 'USD', x, -x, i % 2 ? x : null);
    const [t] = totals.snapshot().periods;
    expect(t).toMatchObject({ rows: 10_000, billedCost: 10_000n * x, effectiveCost: -10_000n * x, listCost: 5_000n * x });
  });
});

describe('RecordMapper decimal cache and date / tag memos', () => {
  const header = normalizeHeader([
    'BillingAccountId', 'BillingPeriodStart', 'BillingPeriodEnd', 'ChargePeriodStart', 'ChargePeriodEnd', 'BillingCurrency', 'BilledCost', 'EffectiveCost',
    'ListCost', 'ChargeCategory', 'ChargeClass', 'ConsumedQuantity', 'ConsumedUnit', 'ServiceName', 'SubAccountId', 'RegionId', 'ResourceId', 'Tags', 'ProviderName', 'BillingAccountName', 'ServiceCategory', 'SubAccountName', 'x_UsageType',
  ]);
  const detection = detectFormat(header, 'f.csv');
  const decimal = fc.constantFrom('1.5', '0.0000001', '-3', ' 2.25 ', '2.25', '1e3', '1E-14', 'abc', '', 'NULL', '12345678901234567890.123456789012345', '0.00 ', '+4', '.5');
  const date = fc.constantFrom('2026-01-01', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z', '2026-01-01 00:00:00 UTC', '2026-02-30', 'x', '', ' 2026-01-03 ');
  const tags = fc.constantFrom('', '{}', '{"team":"web"}', '{"team":"web","env":"prod"}', 'not json', '[1]', 'NULL', '{"a":1,"b":null}');
  const category = fc.constantFrom('Usage', 'usage', ' Tax ', 'Credit', 'Bogus', '', 'Purchase', 'Adjustment');
  const record = fc.record({
    period: date,
    start: date,
    end: date,
    billed: decimal,
    effective: decimal,
    list: decimal,
    quantity: decimal,
    currency: fc.constantFrom('USD', 'usd', 'EUR', '', 'US'),
    category,
    tags,
    repeat: fc.integer({ min: 1, max: 3 }),
  });
  const cells = (r: typeof record extends fc.Arbitrary<infer T> ? T : never): string[] => {
    const values: Record<string, string> = {
      BillingAccountId: '1', BillingPeriodStart: r.period, BillingPeriodEnd: '', ChargePeriodStart: r.start, ChargePeriodEnd: r.end, BillingCurrency: r.currency,
      BilledCost: r.billed, EffectiveCost: r.effective, ListCost: r.list, ChargeCategory: r.category, ChargeClass: '', ConsumedQuantity: r.quantity, ConsumedUnit: 'h',
      ServiceName: 'EC2', SubAccountId: '111', RegionId: 'us-east-1', ResourceId: 'i-1', Tags: r.tags, ProviderName: 'AWS', BillingAccountName: 'P', ServiceCategory: 'Compute', SubAccountName: 'prod', x_UsageType: 'u',
    };
    return header.map((h) => fresh(values[h] ?? ''));
  };

  it('records mapped in sequence are mapped as by a fresh mapper each', { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 40 }), (records) => {
        const mapper = new RecordMapper(detection, { fileName: 'f.csv' });
        let line = 2;
        for (const r of records) {
          for (let k = 0; k < r.repeat; k++, line++) {
            const got = mapper.map(cells(r), line);
            const alone = new RecordMapper(detection, { fileName: 'f.csv' }).map(cells(r), line);
            expect(json(got)).toBe(json(alone));
          }
        }
      }),
      { numRuns: RUNS },
    );
  });
});
