import { describe, expect, it } from 'vitest';
import { addDays } from '#shared/costs/dates.js';
import type { Filter, GroupBy } from '#shared/costs/plan.js';
import { CostQueries, percent, type BreakdownInput, type ViewInput } from '#shared/costs/query.js';
import { MemoryCostReader, prng, sumOf, text, units, type Fact } from './helpers.js';

const TENANT = 'tenant-a';
const TODAY = '2024-03-15';

const view = (overrides: Partial<ViewInput> = {}): ViewInput => ({ metric: 'billed', filters: [], ...overrides });
const breakdownInput = (overrides: Partial<BreakdownInput> = {}): BreakdownInput => ({ ...view(), groupBy: 'service', top: 10, ...overrides });
const engine = (reader: MemoryCostReader) => new CostQueries(reader, TENANT);
const inRange = (f: Fact, start: string, end: string) => f.date >= start && f.date < end;
const amountOf = (rows: Array<{ key: string; amount: string }>, key: string) => rows.find((r) => r.key === key)?.amount;

const SERVICES = ['Amazon EC2', 'Amazon S3', 'AWS Lambda', 'Amazon RDS', 'Amazon DynamoDB', 'Amazon CloudFront'];
const ACCOUNTS = ['111111111111', '222222222222', '333333333333'];
const REGIONS = ['us-east-1', 'eu-west-1', 'ap-southeast-2', ''];

/** Many line items with 0-10 decimals, some negative (credits), over Jan-Mar 2024 plus corrections. */
function manyFacts(count: number, seed = 7): Fact[] {
  const r = prng(seed);
  const facts: Fact[] = [];
  for (let i = 0; i < count; i++) {
    const day = addDays('2024-01-01', r.int(91));
    const decimals = r.int(11);
    const whole = r.int(500);
    const frac = decimals ? `.${String(r.int(10 ** Math.min(decimals, 9))).padStart(Math.min(decimals, 9), '0')}${decimals > 9 ? r.int(10) : ''}` : '';
    const negative = r.int(20) === 0;
    const f: Fact = {
      date: day,
      service: r.pick(SERVICES),
      account: r.pick(ACCOUNTS),
      region: r.pick(REGIONS),
      chargeCategory: negative ? 'Credit' : 'Usage',
      usageType: r.pick(['BoxUsage', 'DataTransfer-Out', 'Requests']),
      billed: `${negative ? '-' : ''}${whole}${frac}`,
      effective: `${whole}.5`,
      list: `${whole + 1}`,
      resourceId: r.int(3) === 0 ? undefined : `res-${r.int(40)}`,
    };
    if (r.int(3) > 0) f.tags = { env: r.pick(['prod', 'dev', 'staging']), ...(r.int(2) ? { team: r.pick(['a', 'b']) } : {}) };
    facts.push(f);
  }
  return facts;
}

describe('exact sums', () => {
  const facts = manyFacts(4000);
  const reader = MemoryCostReader.of(facts);

  it('answers a breakdown whose every row, the other bucket and the total equal independent sums, exactly', async () => {
    const range = { start: '2024-01-10', end: '2024-03-05' };
    const res = await engine(reader).breakdown(breakdownInput({ ...range, top: 3 }), TODAY);
    const expected = facts.filter((f) => inRange(f, range.start, range.end));
    expect(units(res.total)).toBe(sumOf(expected));
    for (const row of res.rows) expect(units(row.amount), row.key).toBe(sumOf(expected.filter((f) => f.service === row.key)));
    const shown = res.rows.reduce((s, r) => s + units(r.amount), 0n);
    expect(units(res.other!.amount) + shown).toBe(units(res.total));
    expect(res.other!.count).toBe(SERVICES.length - 3);
    // Every point sums back to its row.
    for (const row of res.rows) expect(row.points.reduce((s, p) => s + units(p.amount), 0n)).toBe(units(row.amount));
  });

  it('keeps every decimal: 10,000 charges of 0.0000000001 and 3 x 0.333333333333 are exact', async () => {
    const tiny: Fact[] = Array.from({ length: 10_000 }, (_, i) => ({ date: addDays('2024-02-01', i % 29), service: 'S', billed: '0.0000000001' }));
    const thirds: Fact[] = [1, 2, 3].map((d) => ({ date: `2024-02-0${d}`, service: 'T', billed: '0.333333333333' }));
    const res = await engine(MemoryCostReader.of([...tiny, ...thirds])).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(amountOf(res.rows, 'S')).toBe('0.000001');
    expect(amountOf(res.rows, 'T')).toBe('0.999999999999');
    expect(res.total).toBe('1.000000999999');
  });

  it('adds cents to the cent over many rows and formats with 2+ decimals', async () => {
    const facts: Fact[] = Array.from({ length: 3000 }, (_, i) => ({ date: addDays('2024-01-01', i % 31), service: i % 2 ? 'A' : 'B', billed: '0.10' }));
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-01-01', end: '2024-02-01' }), TODAY);
    expect(res.total).toBe('300.00');
    expect(res.rows.map((r) => [r.key, r.amount, r.share])).toEqual([
      ['A', '150.00', '50.00'],
      ['B', '150.00', '50.00'],
    ]);
  });

  it('answers each metric from its own column', async () => {
    const range = { start: '2024-01-01', end: '2024-04-01' };
    for (const metric of ['billed', 'effective', 'list'] as const) {
      const res = await engine(reader).breakdown(breakdownInput({ ...range, metric }), TODAY);
      expect(units(res.total), metric).toBe(sumOf(facts, metric));
    }
  });
});

describe('billing periods and date boundaries', () => {
  const facts: Fact[] = [
    { date: '2024-01-31', service: 'A', billed: '1' },
    { date: '2024-02-01', service: 'A', billed: '10' },
    { date: '2024-02-29', service: 'A', billed: '100' },
    // A correction stored with February's period but charged on January 31.
    { date: '2024-01-31', period: '2024-02', service: 'A', billed: '1000' },
    // A late charge stored with January's period but dated February 1.
    { date: '2024-02-01', period: '2024-01', service: 'A', billed: '10000' },
    { date: '2024-03-01', service: 'A', billed: '100000' },
  ];

  it('counts rows by their charge date, whatever period stores them (end exclusive)', async () => {
    const jan = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-01-01', end: '2024-02-01' }), TODAY);
    expect(jan.total).toBe('1001.00');
    const feb = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(feb.total).toBe('10110.00');
    const oneDay = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-02-29', end: '2024-03-01' }), TODAY);
    expect(oneDay.total).toBe('100.00');
  });

  it('reads from the month before start to the month of end, with one pointer query', async () => {
    const reader = MemoryCostReader.of(facts);
    await engine(reader).breakdown(breakdownInput({ start: '2024-02-10', end: '2024-03-01' }), TODAY);
    expect(reader.pointerQueries).toEqual([['2024-01', '2024-03']]);
    expect(reader.periodsRead()).toEqual(['2024-01', '2024-02', '2024-03']);
  });

  it('sums every source of a period and reads only current versions', async () => {
    const reader = MemoryCostReader.of([
      { date: '2024-02-03', service: 'A', billed: '5', source: 'cur' },
      { date: '2024-02-03', service: 'A', billed: '7', source: 'focus' },
    ]);
    // A superseded version that is not current: not pointed at, so never read.
    const res = await engine(reader).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(res.total).toBe('12.00');
    expect(new Set(reader.reads.map((r) => r.sourceId))).toEqual(new Set(['cur', 'focus']));
  });

  it('reports estimated periods and when the data landed', async () => {
    const est = await engine(MemoryCostReader.of(facts, { status: 'estimated' })).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(est.estimated).toBe(true);
    expect(est.dataUpdatedAt).toBe('2024-02-28T00:00:00.000Z');
    const fin = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(fin.estimated).toBe(false);
  });
});

describe('overview', () => {
  it('compares with the previous equal-length period and gives the change in percent', async () => {
    const facts: Fact[] = [
      { date: '2024-03-01', service: 'A', billed: '100' },
      { date: '2024-03-10', service: 'B', billed: '50' },
      { date: '2024-03-11', service: 'A', billed: '999' }, // after end
      { date: '2024-02-20', service: 'A', billed: '60' }, // first day of the previous period
      { date: '2024-02-29', service: 'B', billed: '40' },
      { date: '2024-02-19', service: 'A', billed: '999' }, // before the previous period
    ];
    const res = await engine(MemoryCostReader.of(facts)).overview(view({ start: '2024-03-01', end: '2024-03-11' }), TODAY);
    expect(res).toMatchObject({
      start: '2024-03-01',
      end: '2024-03-11',
      currency: 'USD',
      total: '150.00',
      previous: { start: '2024-02-20', end: '2024-03-01', total: '100.00' },
      change: { amount: '50.00', percent: '50.00' },
    });
  });

  it('gives a null change percent when the previous period is zero, and a negative one for a drop', async () => {
    const up = await engine(MemoryCostReader.of([{ date: '2024-03-02', service: 'A', billed: '10' }])).overview(view({ start: '2024-03-01', end: '2024-03-11' }), TODAY);
    expect(up.change).toEqual({ amount: '10.00', percent: null });
    const down = await engine(MemoryCostReader.of([{ date: '2024-02-25', service: 'A', billed: '3' }, { date: '2024-03-02', service: 'A', billed: '1' }])).overview(
      view({ start: '2024-03-01', end: '2024-03-11' }),
      TODAY,
    );
    expect(down.change).toEqual({ amount: '-2.00', percent: '-66.67' });
  });

  it('computes month to date in the given today, whatever the range', async () => {
    const facts: Fact[] = [
      { date: '2024-03-01', service: 'A', billed: '1' },
      { date: '2024-03-15', service: 'A', billed: '2' },
      { date: '2024-03-16', service: 'A', billed: '4' }, // after today
      { date: '2023-06-10', service: 'A', billed: '8' },
    ];
    const reader = MemoryCostReader.of(facts);
    const res = await engine(reader).overview(view({ start: '2023-06-01', end: '2023-07-01' }), TODAY);
    expect(res.total).toBe('8.00');
    expect(res.monthToDate).toEqual({ start: '2024-03-01', end: '2024-03-16', total: '3.00' });
    // The two windows are far apart: two pointer queries, no read of the months between.
    expect(reader.pointerQueries).toEqual([
      ['2023-04', '2023-07'],
      ['2024-02', '2024-03'],
    ]);
  });

  it('defaults to month to date, compared with the same number of days before it', async () => {
    const res = await engine(MemoryCostReader.of([])).overview(view(), TODAY);
    expect(res).toMatchObject({ start: '2024-03-01', end: '2024-03-16', previous: { start: '2024-02-15', end: '2024-03-01' } });
  });

  it('ranks top movers by absolute change, up to 5, with both amounts and the change', async () => {
    const deltas: Record<string, [string, string]> = {
      A: ['100', '10'], // +90
      B: ['5', '105'], // -100
      C: ['50', '50'], // 0: not a mover
      D: ['1', '0'], // +1, previous 0
      E: ['30', '10'], // +20
      F: ['10', '40'], // -30
      G: ['12.5', '10'], // +2.5
    };
    const facts = Object.entries(deltas).flatMap(([service, [now, before]]): Fact[] => [
      { date: '2024-03-05', service, billed: now },
      { date: '2024-02-25', service, billed: before },
    ]);
    const res = await engine(MemoryCostReader.of(facts)).overview(view({ start: '2024-03-01', end: '2024-03-11' }), TODAY);
    expect(res.topMovers.map((m) => m.key)).toEqual(['B', 'A', 'F', 'E', 'G']);
    expect(res.topMovers[0]).toEqual({ key: 'B', name: 'B', current: '5.00', previous: '105.00', change: { amount: '-100.00', percent: '-95.24' } });
    expect(res.topMovers[1]!.change).toEqual({ amount: '90.00', percent: '900.00' });
  });

  it('reads only the service rollup without filters, and the cube with a filter on another dimension', async () => {
    const reader = MemoryCostReader.of(manyFacts(200));
    await engine(reader).overview(view({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(reader.kindsRead()).toEqual(['service']);
    const cube = MemoryCostReader.of(manyFacts(200));
    await engine(cube).overview(view({ start: '2024-02-01', end: '2024-03-01', filters: [{ dimension: 'region', values: ['us-east-1'] }] }), TODAY);
    expect(cube.kindsRead()).toEqual(['cube']);
  });

  it('applies filters to the total, previous, month to date and movers alike', async () => {
    const facts = manyFacts(1500);
    const filters: Filter[] = [
      { dimension: 'account', values: [ACCOUNTS[0]!, ACCOUNTS[1]!] },
      { dimension: 'usageType', values: ['BoxUsage'] },
    ];
    const keep = (f: Fact) => (f.account === ACCOUNTS[0] || f.account === ACCOUNTS[1]) && f.usageType === 'BoxUsage';
    const res = await engine(MemoryCostReader.of(facts)).overview(view({ start: '2024-02-15', end: '2024-03-10', filters }), TODAY);
    expect(units(res.total)).toBe(sumOf(facts.filter((f) => keep(f) && inRange(f, '2024-02-15', '2024-03-10'))));
    expect(units(res.previous.total)).toBe(sumOf(facts.filter((f) => keep(f) && inRange(f, '2024-01-22', '2024-02-15'))));
    expect(units(res.monthToDate.total)).toBe(sumOf(facts.filter((f) => keep(f) && inRange(f, '2024-03-01', '2024-03-16'))));
  });
});

describe('breakdown', () => {
  it('shows the top N rows sorted by amount and sums the rest into other', async () => {
    const facts: Fact[] = Array.from({ length: 15 }, (_, i) => ({ date: '2024-02-10', service: `S${String(i).padStart(2, '0')}`, billed: String((i + 1) * 10) }));
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01', top: 10 }), TODAY);
    expect(res.total).toBe('1200.00');
    expect(res.rows.map((r) => r.key)).toEqual(['S14', 'S13', 'S12', 'S11', 'S10', 'S09', 'S08', 'S07', 'S06', 'S05']);
    expect(res.rows[0]).toMatchObject({ amount: '150.00', share: '12.50' });
    expect(res.other).toMatchObject({ count: 5, amount: '150.00', share: '12.50' }); // 10+20+30+40+50
    expect(res.other!.points.find((p) => p.date === '2024-02-10')!.amount).toBe('150.00');
  });

  it('has no other bucket when every group fits, and breaks ties by key', async () => {
    const facts: Fact[] = [
      { date: '2024-02-10', service: 'b', billed: '5' },
      { date: '2024-02-10', service: 'a', billed: '5' },
    ];
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(res.rows.map((r) => r.key)).toEqual(['a', 'b']);
    expect(res.other).toBeNull();
  });

  it('gives a dense daily series over [start, end) and a monthly one dated the 1st', async () => {
    const facts: Fact[] = [
      { date: '2024-01-30', service: 'A', billed: '1' },
      { date: '2024-02-02', service: 'A', billed: '2' },
      { date: '2024-02-03', service: 'A', billed: '4' },
    ];
    const daily = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-01-30', end: '2024-02-04' }), TODAY);
    expect(daily.rows[0]!.points).toEqual([
      { date: '2024-01-30', amount: '1.00' },
      { date: '2024-01-31', amount: '0.00' },
      { date: '2024-02-01', amount: '0.00' },
      { date: '2024-02-02', amount: '2.00' },
      { date: '2024-02-03', amount: '4.00' },
    ]);
    const monthly = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-01-30', end: '2024-02-04', granularity: 'monthly' }), TODAY);
    expect(monthly.granularity).toBe('monthly');
    expect(monthly.rows[0]!.points).toEqual([
      { date: '2024-01-01', amount: '1.00' },
      { date: '2024-02-01', amount: '6.00' },
    ]);
  });

  it('names absent values "(none)" and accounts by their name from the period meta', async () => {
    const facts: Fact[] = [
      { date: '2024-02-10', account: '111111111111', billed: '3' },
      { date: '2024-02-11', account: '222222222222', billed: '2' },
      { date: '2024-02-11', billed: '1' },
    ];
    const reader = MemoryCostReader.of(facts, { accountNames: { '111111111111': 'Production' } });
    const res = await engine(reader).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01', groupBy: 'account' }), TODAY);
    expect(res.rows.map((r) => [r.key, r.name])).toEqual([
      ['111111111111', 'Production'],
      ['222222222222', '222222222222'],
      ['', '(none)'],
    ]);
    const bare = MemoryCostReader.of(facts);
    bare.withMeta = false;
    const unnamed = await engine(bare).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01', groupBy: 'account' }), TODAY);
    expect(unnamed.rows[0]!.name).toBe('111111111111');
  });

  it('answers an empty tenant with zeros and empty lists', async () => {
    const reader = new MemoryCostReader();
    const res = await engine(reader).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-02-03' }), TODAY);
    expect(res).toEqual({
      start: '2024-02-01',
      end: '2024-02-03',
      groupBy: 'service',
      granularity: 'daily',
      metric: 'billed',
      currency: 'USD',
      total: '0.00',
      rows: [],
      other: null,
      currencies: [],
      estimated: false,
      dataUpdatedAt: null,
    });
    expect(reader.reads).toEqual([]);
    const overview = await engine(reader).overview(view(), TODAY);
    expect(overview).toMatchObject({ total: '0.00', change: { amount: '0.00', percent: null }, topMovers: [], monthToDate: { total: '0.00' } });
    const top = await engine(reader).topResources({ ...view(), limit: 10 }, TODAY);
    expect(top).toMatchObject({ total: '0.00', items: [], nextCursor: null });
  });
});

describe('filters and the planner', () => {
  const facts = manyFacts(3000, 11);
  const range = { start: '2024-01-15', end: '2024-03-20' };
  const run = async (groupBy: GroupBy, filters: Filter[], top = 50) => {
    const reader = MemoryCostReader.of(facts);
    const res = await engine(reader).breakdown(breakdownInput({ ...range, groupBy, filters, top }), TODAY);
    return { res, kinds: reader.kindsRead() };
  };

  it('reads only the grouped 1-D rollup without filters', async () => {
    for (const groupBy of ['service', 'account', 'region', 'usageType', 'chargeCategory'] as const) {
      const { res, kinds } = await run(groupBy, []);
      expect(kinds, groupBy).toEqual([groupBy]);
      expect(units(res.total)).toBe(sumOf(facts.filter((f) => inRange(f, range.start, range.end))));
    }
  });

  it('reads only the grouped 1-D rollup when the filters are on that dimension (OR within)', async () => {
    const { res, kinds } = await run('service', [{ dimension: 'service', values: ['Amazon EC2', 'AWS Lambda'] }]);
    expect(kinds).toEqual(['service']);
    expect(res.rows.map((r) => r.key).sort()).toEqual(['AWS Lambda', 'Amazon EC2']);
    expect(units(res.total)).toBe(sumOf(facts.filter((f) => inRange(f, range.start, range.end) && (f.service === 'Amazon EC2' || f.service === 'AWS Lambda'))));
  });

  it('reads the cube when filters span dimensions: OR within a dimension, AND across', async () => {
    const filters: Filter[] = [
      { dimension: 'service', values: ['Amazon EC2', 'Amazon S3'] },
      { dimension: 'region', values: ['us-east-1', ''] },
    ];
    const { res, kinds } = await run('account', filters);
    expect(kinds).toEqual(['cube']);
    const keep = (f: Fact) => inRange(f, range.start, range.end) && (f.service === 'Amazon EC2' || f.service === 'Amazon S3') && (f.region === 'us-east-1' || f.region === '');
    expect(units(res.total)).toBe(sumOf(facts.filter(keep)));
    for (const row of res.rows) expect(units(row.amount)).toBe(sumOf(facts.filter((f) => keep(f) && f.account === row.key)));
  });

  it('matches nothing for a value no row has', async () => {
    const { res } = await run('service', [{ dimension: 'chargeCategory', values: ['Tax'] }]);
    expect(res.total).toBe('0.00');
    expect(res.rows).toEqual([]);
  });

  it('refuses a tag filter with a dimension grouping, before reading anything', async () => {
    const reader = MemoryCostReader.of(facts);
    const error = await engine(reader)
      .breakdown(breakdownInput({ ...range, groupBy: 'service', filters: [{ dimension: 'tag:env', values: ['prod'] }] }), TODAY)
      .catch((e) => e);
    expect(error).toMatchObject({ status: 400, code: 'UNSUPPORTED_FILTER', details: [{ field: 'query.filter[tag:env]' }] });
    expect(reader.reads).toEqual([]);
    expect(reader.pointerQueries).toEqual([]);
  });
});

describe('tags', () => {
  const facts = manyFacts(3000, 5);
  const range = { start: '2024-01-01', end: '2024-04-01' };
  const envOf = (f: Fact) => f.tags?.env;

  it('groups by tag value with (untagged) = total - tagged spend, reading the tag and chargeCategory rollups', async () => {
    const reader = MemoryCostReader.of(facts);
    const res = await engine(reader).breakdown(breakdownInput({ ...range, groupBy: 'tag:env' }), TODAY);
    expect(reader.kindsRead()).toEqual(['chargeCategory', 'tag']);
    expect(units(res.total)).toBe(sumOf(facts));
    for (const value of ['prod', 'dev', 'staging']) expect(units(amountOf(res.rows, value)!)).toBe(sumOf(facts.filter((f) => envOf(f) === value)));
    const untagged = res.rows.find((r) => r.key === '(untagged)')!;
    expect(untagged.name).toBe('(untagged)');
    expect(units(untagged.amount)).toBe(sumOf(facts.filter((f) => envOf(f) === undefined)));
    // Per day too.
    for (const point of untagged.points) {
      expect(units(point.amount), point.date).toBe(sumOf(facts.filter((f) => envOf(f) === undefined && f.date === point.date)));
    }
  });

  it('with a filter on the grouped tag, shows only those values and reads only the tag rollup', async () => {
    const reader = MemoryCostReader.of(facts);
    const res = await engine(reader).breakdown(breakdownInput({ ...range, groupBy: 'tag:env', filters: [{ dimension: 'tag:env', values: ['prod', 'dev'] }] }), TODAY);
    expect(reader.kindsRead()).toEqual(['tag']);
    expect(res.rows.map((r) => r.key).sort()).toEqual(['dev', 'prod']);
    expect(units(res.total)).toBe(sumOf(facts.filter((f) => envOf(f) === 'prod' || envOf(f) === 'dev')));
  });

  it('filters on (untagged) alone', async () => {
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ ...range, groupBy: 'tag:env', filters: [{ dimension: 'tag:env', values: ['(untagged)'] }] }), TODAY);
    expect(res.rows.map((r) => r.key)).toEqual(['(untagged)']);
    expect(units(res.total)).toBe(sumOf(facts.filter((f) => envOf(f) === undefined)));
  });

  it('treats a key nobody uses as all (untagged)', async () => {
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ ...range, groupBy: 'tag:nope' }), TODAY);
    expect(res.rows.map((r) => [r.key, r.share])).toEqual([['(untagged)', '100.00']]);
  });

  it('omits (untagged) when every charge carries the key', async () => {
    const tagged: Fact[] = [
      { date: '2024-02-01', billed: '2', tags: { env: 'prod' } },
      { date: '2024-02-02', billed: '3', tags: { env: 'dev' } },
    ];
    const res = await engine(MemoryCostReader.of(tagged)).breakdown(breakdownInput({ ...range, groupBy: 'tag:env' }), TODAY);
    expect(res.rows.map((r) => r.key)).toEqual(['dev', 'prod']);
  });

  it('refuses other filters with a tag grouping, naming each', async () => {
    const error = await engine(MemoryCostReader.of(facts))
      .breakdown(
        breakdownInput({
          ...range,
          groupBy: 'tag:env',
          filters: [
            { dimension: 'service', values: ['Amazon EC2'] },
            { dimension: 'tag:team', values: ['a'] },
          ],
        }),
        TODAY,
      )
      .catch((e) => e);
    expect(error.code).toBe('UNSUPPORTED_FILTER');
    expect(error.details.map((d: { field: string }) => d.field)).toEqual(['query.filter[service]', 'query.filter[tag:team]']);
  });
});

describe('currencies', () => {
  const facts: Fact[] = [
    { date: '2024-02-01', service: 'A', currency: 'USD', billed: '100' },
    { date: '2024-02-01', service: 'B', currency: 'USD', billed: '50' },
    { date: '2024-02-02', service: 'A', currency: 'EUR', billed: '70' },
    { date: '2024-02-03', service: 'C', currency: 'EUR', billed: '5' },
    { date: '2024-01-20', service: 'A', currency: 'EUR', billed: '500' },
  ];
  const range = { start: '2024-02-01', end: '2024-03-01' };

  it('shows the dominant currency by default and lists each currency total apart, never summed', async () => {
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput(range), TODAY);
    expect(res.currency).toBe('USD');
    expect(res.total).toBe('150.00');
    expect(res.rows.map((r) => [r.key, r.amount])).toEqual([
      ['A', '100.00'],
      ['B', '50.00'],
    ]);
    expect(res.currencies).toEqual([
      { currency: 'USD', total: '150.00' },
      { currency: 'EUR', total: '75.00' },
    ]);
  });

  it('shows the asked currency only', async () => {
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ ...range, currency: 'EUR' }), TODAY);
    expect(res.total).toBe('75.00');
    expect(res.rows.map((r) => [r.key, r.amount])).toEqual([
      ['A', '70.00'],
      ['C', '5.00'],
    ]);
  });

  it('answers zero for a currency with no spend', async () => {
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ ...range, currency: 'JPY' }), TODAY);
    expect(res).toMatchObject({ currency: 'JPY', total: '0.00', rows: [] });
  });

  it('compares the overview in one currency', async () => {
    const res = await engine(MemoryCostReader.of(facts)).overview(view({ ...range, currency: 'EUR' }), TODAY);
    expect(res.total).toBe('75.00');
    expect(res.previous.total).toBe('500.00');
    expect(res.change.percent).toBe('-85.00');
  });

  it('keeps (untagged) per currency', async () => {
    const tagged: Fact[] = [
      { date: '2024-02-01', currency: 'USD', billed: '10', tags: { env: 'prod' } },
      { date: '2024-02-01', currency: 'USD', billed: '4' },
      { date: '2024-02-01', currency: 'EUR', billed: '100' },
    ];
    const res = await engine(MemoryCostReader.of(tagged)).breakdown(breakdownInput({ ...range, groupBy: 'tag:env', currency: 'USD' }), TODAY);
    expect(res.rows.map((r) => [r.key, r.amount])).toEqual([
      ['prod', '10.00'],
      ['(untagged)', '4.00'],
    ]);
  });
});

describe('top resources', () => {
  const facts: Fact[] = [
    { date: '2024-01-05', resourceId: 'i-1', service: 'Amazon EC2', account: '111111111111', region: 'us-east-1', billed: '10' },
    { date: '2024-02-05', resourceId: 'i-1', service: 'Amazon EC2', account: '111111111111', region: 'us-east-1', billed: '15' },
    { date: '2024-02-05', resourceId: 'i-1', service: 'Amazon CloudWatch', account: '111111111111', region: 'us-east-1', billed: '1' },
    { date: '2024-02-06', resourceId: 'bucket-a', service: 'Amazon S3', account: '222222222222', region: 'eu-west-1', billed: '20' },
    { date: '2024-02-07', resourceId: 'fn-b', service: 'AWS Lambda', account: '222222222222', region: 'eu-west-1', billed: '0.5' },
    { date: '2024-02-07', service: 'Tax', billed: '4' }, // no resource id
    { date: '2024-03-01', resourceId: 'i-9', service: 'Amazon EC2', account: '111111111111', region: 'us-east-1', billed: '99' },
  ];

  it('widens the range to whole billing periods, sums a resource over them and ranks by amount', async () => {
    const reader = MemoryCostReader.of(facts, { accountNames: { '111111111111': 'Production' } });
    const res = await engine(reader).topResources({ ...view({ start: '2024-01-20', end: '2024-02-10' }), limit: 2 }, TODAY);
    expect(reader.kindsRead()).toEqual(['resource']);
    expect(reader.periodsRead()).toEqual(['2024-01', '2024-02']);
    expect(res).toMatchObject({ start: '2024-01-01', end: '2024-03-01', periods: ['2024-01', '2024-02'], total: '50.50', nextCursor: null });
    expect(res.items).toEqual([
      { resourceId: 'i-1', service: 'Amazon EC2', account: '111111111111', accountName: 'Production', region: 'us-east-1', amount: '26.00', share: '51.49' },
      { resourceId: 'bucket-a', service: 'Amazon S3', account: '222222222222', accountName: null, region: 'eu-west-1', amount: '20.00', share: '39.60' },
    ]);
  });

  it('filters on service, account and region, and refuses other dimensions', async () => {
    const res = await engine(MemoryCostReader.of(facts)).topResources(
      { ...view({ start: '2024-02-01', end: '2024-03-01', filters: [{ dimension: 'account', values: ['222222222222'] }] }), limit: 10 },
      TODAY,
    );
    expect(res.items.map((i) => i.resourceId)).toEqual(['bucket-a', 'fn-b']);
    const error = await engine(MemoryCostReader.of(facts))
      .topResources({ ...view({ filters: [{ dimension: 'usageType', values: ['x'] }] }), limit: 10 }, TODAY)
      .catch((e) => e);
    expect(error).toMatchObject({ status: 400, code: 'UNSUPPORTED_FILTER', details: [{ field: 'query.filter[usageType]' }] });
  });

  it('groups a breakdown by resource per month and refuses a daily series', async () => {
    const res = await engine(MemoryCostReader.of(facts)).breakdown(breakdownInput({ start: '2024-01-01', end: '2024-03-01', groupBy: 'resource' }), TODAY);
    expect(res.granularity).toBe('monthly');
    expect(res.rows.find((r) => r.key === 'i-1')!.points).toEqual([
      { date: '2024-01-01', amount: '10.00' },
      { date: '2024-02-01', amount: '16.00' },
    ]);
    expect(res.rows.find((r) => r.key === '')!.name).toBe('(none)');
    const error = await engine(MemoryCostReader.of(facts))
      .breakdown(breakdownInput({ groupBy: 'resource', granularity: 'daily' }), TODAY)
      .catch((e) => e);
    expect(error).toMatchObject({ status: 400, details: [{ field: 'query.granularity' }] });
  });
});

describe('percent', () => {
  it('rounds half to even at 2 decimals, exactly', () => {
    expect(percent(1n, 3n)).toBe('33.33');
    expect(percent(2n, 3n)).toBe('66.67');
    expect(percent(1n, 8n)).toBe('12.50');
    expect(percent(1n, 20000n)).toBe('0.00'); // exactly 0.005 % -> to even: 0.00
    expect(percent(3n, 20000n)).toBe('0.02'); // exactly 0.015 % -> to even: 0.02
    expect(percent(5n, 20000n)).toBe('0.02'); // exactly 0.025 % -> to even: 0.02
    expect(percent(7n, 40000n)).toBe('0.02'); // 0.0175 % -> 0.02
    expect(percent(-1n, 3n)).toBe('-33.33');
    expect(percent(-1n, 1_000_000n)).toBe('0.00');
    expect(percent(5n, 0n)).toBeNull();
  });

  it('gives shares of a total that is not positive as null', async () => {
    const res = await engine(MemoryCostReader.of([{ date: '2024-02-01', service: 'Credit', billed: '-5' }])).breakdown(breakdownInput({ start: '2024-02-01', end: '2024-03-01' }), TODAY);
    expect(res.rows[0]).toMatchObject({ amount: '-5.00', share: null });
  });
});

describe('the money text helpers used by these tests', () => {
  it('round-trip', () => {
    for (const t of ['0.00', '-1.50', '123.000000000001', '0.0000000001']) expect(text(units(t))).toBe(t);
  });
});
