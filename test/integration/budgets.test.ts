import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { periodContaining, shiftPeriod } from '../../shared/budgets/periods.js';
import { addDays } from '../../shared/costs/dates.js';
import { parseDecimal } from '../../shared/money.js';
import { api, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * Budgets through the real local platform, on the demo's billing data: spent equals the cost API's
 * total for the same scope and range, the status follows from spent and forecast, the history
 * equals the cost API per past period, and another tenant can neither read nor change a budget.
 */

const today = () => new Date().toISOString().slice(0, 10);

/** The cost API's exact total for a scope over [start, end). */
async function costTotal(session: Session, start: string, end: string, filters: Record<string, string[]>, metric = 'billed'): Promise<string> {
  const tag = Object.keys(filters).find((d) => d.startsWith('tag:'));
  const params = new URLSearchParams({ start, end, metric, currency: 'USD', groupBy: tag ?? 'chargeCategory', granularity: 'monthly', top: '50' });
  for (const [d, values] of Object.entries(filters)) for (const v of values) params.append(`filter[${d}]`, v);
  const res = await api(`/v1/costs/breakdown?${params}`, { token: session.idToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body.total;
}

describe('budgets on the demo data', () => {
  let finops: Session;
  let viewer: Session;
  let engineer: Session;
  const created: string[] = [];
  beforeAll(async () => {
    [finops, viewer, engineer] = (await Promise.all(['finops', 'viewer', 'engineer'].map((r) => logIn(`${r}@demo.example`, inject('demoPassword'))))) as [Session, Session, Session];
  });
  afterAll(async () => {
    for (const id of created) await api(`/v1/budgets/${id}`, { method: 'DELETE', token: finops.idToken });
  });

  async function create(body: Record<string, unknown>) {
    const res = await api('/v1/budgets', { token: finops.idToken, body });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    created.push(res.body.id);
    return res.body;
  }

  it('creates a quarterly budget whose spent equals the cost API for its scope and period, exactly', async () => {
    const services = ['Amazon Elastic Compute Cloud'];
    const budget = await create({ name: 'EC2 quarter', amount: '1000000', period: 'quarterly', filters: { service: services } });
    const period = periodContaining('quarterly', today());
    expect(budget).toMatchObject({ name: 'EC2 quarter', amount: '1000000', currency: 'USD', period: 'quarterly', metric: 'billed', filters: { service: services } });
    expect(budget.thresholds).toEqual([{ percent: 80, on: 'actual' }, { percent: 100, on: 'actual' }, { percent: 100, on: 'forecasted' }]);
    expect(budget.current.period).toEqual(period);
    const expected = await costTotal(finops, period.start, addDays(today(), 1), { service: services });
    expect(parseDecimal(expected) > 0n).toBe(true);
    expect(parseDecimal(budget.current.spent)).toBe(parseDecimal(expected));
    // The forecast adds what is still to come in the quarter to what was spent.
    expect(parseDecimal(budget.current.forecast) >= parseDecimal(budget.current.spent)).toBe(true);
    expect(budget.current.status).toBe('on_track');
    expect(budget.current.thresholdsCrossed).toEqual([]);

    const read = await api(`/v1/budgets/${budget.id}`, { token: viewer.idToken });
    expect(read.status).toBe(200);
    expect(read.body.current).toEqual(budget.current);
    const list = await api('/v1/budgets', { token: viewer.idToken });
    expect(list.body.items.find((b: any) => b.id === budget.id)?.current).toEqual(budget.current);
  });

  it('is exceeded when spent is over the amount, at risk when only the forecast is, with the thresholds crossed', async () => {
    const base = await create({ name: 'All spend', amount: '1', period: 'annual' });
    expect(base.current.status).toBe('exceeded');
    expect(base.current.thresholdsCrossed).toEqual([{ percent: 80, on: 'actual' }, { percent: 100, on: 'actual' }, { percent: 100, on: 'forecasted' }]);

    // An amount between spent and forecast: not exceeded yet, but the forecast is over it.
    const spent = parseDecimal(base.current.spent);
    const forecast = parseDecimal(base.current.forecast);
    expect(forecast > spent).toBe(true);
    const between = (spent + forecast) / 2n / 10n ** 12n;
    const patched = await api(`/v1/budgets/${base.id}`, { method: 'PATCH', token: finops.idToken, body: { amount: String(between), thresholds: [{ percent: 50, on: 'actual' }, { percent: 100, on: 'forecasted' }] } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body.amount).toBe(String(between));
    expect(patched.body.current.spent).toBe(base.current.spent);
    expect(patched.body.current.status).toBe('at_risk');
    expect(patched.body.current.thresholdsCrossed).toEqual([{ percent: 50, on: 'actual' }, { percent: 100, on: 'forecasted' }]);
  });

  it('answers the history: per past period the amount, the actual from the cost API, and the status', async () => {
    const budget = await create({ name: 'Monthly total', amount: '50000', period: 'monthly', metric: 'effective' });
    const res = await api(`/v1/budgets/${budget.id}/history?periods=3`, { token: viewer.idToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.items).toHaveLength(3);
    const current = periodContaining('monthly', today());
    for (const [i, item] of res.body.items.entries()) {
      const period = shiftPeriod('monthly', current, -(i + 1));
      expect(item.period).toEqual(period);
      expect(item.amount).toBe('50000');
      const total = await costTotal(viewer, period.start, period.end, {}, 'effective');
      expect(parseDecimal(item.actual)).toBe(parseDecimal(total));
      expect(item.status).toBe(parseDecimal(total) > parseDecimal('50000') ? 'exceeded' : 'on_track');
    }
    expectError(await api(`/v1/budgets/${budget.id}/history?periods=99`, { token: viewer.idToken }), 400);
  });

  it('scopes by tag, the same as the cost API', async () => {
    const keys = await api('/v1/costs/breakdown?groupBy=tag:env&start=2026-10-01&end=2026-11-01', { token: viewer.idToken });
    const value = keys.body.rows?.find((r: any) => r.key !== '(untagged)')?.key;
    expect(value, JSON.stringify(keys.body.rows)).toBeTruthy();
    const budget = await create({ name: 'Env', amount: '100', period: 'monthly', filters: { 'tag:env': [value] } });
    const history = await api(`/v1/budgets/${budget.id}/history?periods=1`, { token: viewer.idToken });
    const period = shiftPeriod('monthly', periodContaining('monthly', today()), -1);
    expect(parseDecimal(history.body.items[0].actual)).toBe(parseDecimal(await costTotal(viewer, period.start, period.end, { 'tag:env': [value] })));
  });

  it('refuses bad input with field-level details and writes nothing', async () => {
    const before = (await api('/v1/budgets?limit=500', { token: finops.idToken })).body.items.length;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ name: 'x', amount: '-5', period: 'monthly' }, 'body.amount'],
      [{ name: 'x', amount: '0', period: 'monthly' }, 'body.amount'],
      [{ name: 'x', amount: '1e5', period: 'monthly' }, 'body.amount'],
      [{ name: 'x', amount: '10', period: 'weekly' }, 'body.period'],
      [{ name: 'x', amount: '10', period: 'monthly', filters: { colour: ['red'] } }, 'body.filters.colour'],
      [{ name: 'x', amount: '10', period: 'monthly', filters: { 'tag:env': ['prod'], service: ['S3'] } }, 'body.filters.tag:env'],
      [{ name: 'x', amount: '10', period: 'monthly', thresholds: [{ percent: 80, on: 'actual' }, { percent: 80, on: 'actual' }] }, 'body.thresholds'],
      [{ name: 'x', amount: '10', period: 'monthly', thresholds: [{ percent: 0, on: 'actual' }] }, 'body.thresholds.0.percent'],
      [{ name: '', amount: '10', period: 'monthly' }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const error = expectError(await api('/v1/budgets', { token: finops.idToken, body }), 400);
      expect(error.details.map((d: any) => d.field), JSON.stringify(body)).toContain(field);
    }
    expect((await api('/v1/budgets?limit=500', { token: finops.idToken })).body.items.length).toBe(before);
  });

  it('needs budgets:write to change a budget (viewer and engineer read only)', async () => {
    const budget = await create({ name: 'Guarded', amount: '10', period: 'monthly' });
    for (const session of [viewer, engineer]) {
      expectError(await api('/v1/budgets', { token: session.idToken, body: { name: 'no', amount: '1', period: 'monthly' } }), 403);
      expectError(await api(`/v1/budgets/${budget.id}`, { method: 'PATCH', token: session.idToken, body: { amount: '11' } }), 403);
      expectError(await api(`/v1/budgets/${budget.id}`, { method: 'DELETE', token: session.idToken }), 403);
      expect((await api(`/v1/budgets/${budget.id}`, { token: session.idToken })).status).toBe(200);
    }
  });

  it('deletes a budget: then 404', async () => {
    const budget = await create({ name: 'Short lived', amount: '10', period: 'monthly' });
    expect((await api(`/v1/budgets/${budget.id}`, { method: 'DELETE', token: finops.idToken })).status).toBe(204);
    expectError(await api(`/v1/budgets/${budget.id}`, { token: finops.idToken }), 404);
    expectError(await api(`/v1/budgets/${budget.id}`, { method: 'DELETE', token: finops.idToken }), 404);
  });
});

describe('budgets across tenants', () => {
  it("another tenant's budget answers 404 to read, change, history and delete, and stays unchanged", async () => {
    const finops = await logIn('finops@demo.example', inject('demoPassword'));
    const other = await newTenant('budget-other');
    const mine = await api('/v1/budgets', { token: finops.idToken, body: { name: 'Mine', amount: '123.45', period: 'monthly' } });
    expect(mine.status).toBe(201);
    try {
      const id = mine.body.id;
      expectError(await api(`/v1/budgets/${id}`, { token: other.idToken }), 404);
      expectError(await api(`/v1/budgets/${id}/history`, { token: other.idToken }), 404);
      expectError(await api(`/v1/budgets/${id}`, { method: 'PATCH', token: other.idToken, body: { amount: '1' } }), 404);
      expectError(await api(`/v1/budgets/${id}`, { method: 'DELETE', token: other.idToken }), 404);
      expect((await api('/v1/budgets', { token: other.idToken })).body.items).toEqual([]);
      const after = await api(`/v1/budgets/${id}`, { token: finops.idToken });
      expect(after.body).toMatchObject({ name: 'Mine', amount: '123.45' });
      // A tenant with no billing data: its own budget is on track at zero.
      const own = await api('/v1/budgets', { token: other.idToken, body: { name: 'Empty', amount: '10', period: 'monthly' } });
      expect(own.status).toBe(201);
      expect(own.body.current).toMatchObject({ spent: '0.00', status: 'on_track', dataThrough: null });
    } finally {
      await api(`/v1/budgets/${mine.body.id}`, { method: 'DELETE', token: finops.idToken });
    }
  });
});
