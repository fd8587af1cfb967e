import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { computeDemoSummary, type DemoSummary } from '../../local/demo/billing.js';
import { parseDecimal } from '../../shared/money.js';
import { api, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * The cost APIs over the demo tenant's ingested data, checked against the demo generator's own
 * exact summary: what the generator wrote, ingestion stored and the API answers must agree to the
 * last digit, whichever rollup the planner reads.
 */
const sumDays = (summary: DemoSummary, from: string, to: string) =>
  Object.entries(summary.byDay)
    .filter(([day]) => day >= from && day < to)
    .reduce((total, [, t]) => total + parseDecimal(t.billed), 0n);

describe('cost APIs on the demo data', () => {
  let admin: Session;
  let summary: DemoSummary;
  beforeAll(async () => {
    admin = await logIn('admin@demo.example', inject('demoPassword'));
    summary = computeDemoSummary({ endDate: inject('demoBillingEndDate') });
  });

  it('answers the overview for October with the exact total and the previous period', async () => {
    const res = await api('/v1/costs/overview?start=2026-10-01&end=2026-11-01', { token: admin.idToken });
    expect(res.status).toBe(200);
    expect(res.body.currency).toBe('USD');
    expect(parseDecimal(res.body.total)).toBe(sumDays(summary, '2026-10-01', '2026-11-01'));
    expect(parseDecimal(res.body.previous.total)).toBe(sumDays(summary, res.body.previous.start, res.body.previous.end));
    expect(res.body.topMovers.length).toBeGreaterThan(0);
  });

  it('breaks October down by day, each day equal to what the generator wrote that day', async () => {
    const res = await api('/v1/costs/breakdown?start=2026-10-01&end=2026-11-01&groupBy=chargeCategory&granularity=daily&top=50', { token: admin.idToken });
    expect(res.status).toBe(200);
    const byDate = new Map<string, bigint>();
    for (const row of res.body.rows) for (const p of row.points) byDate.set(p.date, (byDate.get(p.date) ?? 0n) + parseDecimal(p.amount));
    for (let day = 1; day <= 31; day++) {
      const date = `2026-10-${String(day).padStart(2, '0')}`;
      expect(byDate.get(date), date).toBe(parseDecimal(summary.byDay[date]!.billed));
    }
  });

  it('agrees with itself across rollups: a service filtered by region adds up to the service', async () => {
    const q = 'start=2026-09-01&end=2026-10-01&granularity=monthly';
    const services = await api(`/v1/costs/breakdown?${q}&groupBy=service&top=50`, { token: admin.idToken });
    const ec2 = services.body.rows.find((r: { key: string }) => r.key === 'Amazon Elastic Compute Cloud');
    const regions = await api(`/v1/costs/breakdown?${q}&groupBy=region&top=50&filter[service]=${encodeURIComponent('Amazon Elastic Compute Cloud')}`, { token: admin.idToken });
    expect(regions.status).toBe(200);
    const sum = [...regions.body.rows, regions.body.other].filter(Boolean).reduce((s: bigint, r: { amount: string }) => s + parseDecimal(r.amount), 0n);
    expect(sum).toBe(parseDecimal(ec2.amount));
    expect(parseDecimal(regions.body.total)).toBe(parseDecimal(ec2.amount));
  });

  it('names accounts and lists the most expensive resources', async () => {
    const accounts = await api('/v1/costs/breakdown?start=2026-10-01&end=2026-11-01&groupBy=account&granularity=monthly', { token: admin.idToken });
    // Names as the export gives them (SubAccountName), not the bare account ids.
    expect(accounts.body.rows.map((r: { name: string }) => r.name)).toEqual(expect.arrayContaining(['demo-prod', 'demo-staging', 'demo-data']));
    for (const row of accounts.body.rows) expect(row.name).not.toBe(row.key);
    const top = await api('/v1/costs/resources/top?start=2026-10-01&end=2026-11-01&limit=5', { token: admin.idToken });
    expect(top.status).toBe(200);
    expect(top.body.items).toHaveLength(5);
    const amounts = top.body.items.map((r: { amount: string }) => parseDecimal(r.amount));
    expect([...amounts].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0))).toEqual(amounts);
  });

  it('shows a tenant without billing data zeros, not errors, and refuses bad queries with field names', async () => {
    const empty = await newTenant('no-billing');
    const overview = await api('/v1/costs/overview', { token: empty.idToken });
    expect(overview.status).toBe(200);
    expect(parseDecimal(overview.body.total)).toBe(0n);
    const bad = expectError(await api('/v1/costs/breakdown?start=2026-10-10&end=2026-10-01&groupBy=planet', { token: admin.idToken }), 400);
    expect(bad.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['query.groupBy']));
    expectError(await api('/v1/costs/breakdown?filter[planet]=mars', { token: admin.idToken }), 400);
  });
});
