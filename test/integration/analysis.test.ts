import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { demoAnomalies } from '../../local/demo/billing.js';
import { addDays } from '../../shared/costs/dates.js';
import { parseDecimal } from '../../shared/money.js';
import { api, expectError, logIn, newTenant, type Session } from './helpers.js';

/**
 * Anomalies and forecasts through the real local platform: the demo seed ingests through the
 * workflow, the ingestion starts the analysis workflow, and the API answers from what it stored.
 */

// ---- A small export of our own: 4 months of three services, one spike ----

const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId,ResourceId,x_UsageType';
const SPIKE_DATE = '2026-09-10';
const SERVICES = [
  { service: 'Amazon EC2', usageType: 'USE1-BoxUsage:m5.large', base: 400 },
  { service: 'Amazon S3', usageType: 'USE1-Requests-Tier1', base: 120 },
  { service: 'AWS Lambda', usageType: 'USE1-Lambda-GB-Second', base: 60 },
];

function exportCsv(): string {
  const lines = [HEADER];
  for (let date = '2026-06-01'; date <= '2026-09-30'; date = addDays(date, 1)) {
    const month = date.slice(0, 7);
    const next = `${month === '2026-12' ? '2027-01' : `2026-${String(Number(month.slice(5)) + 1).padStart(2, '0')}`}-01`;
    const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    const day = Number(date.slice(8));
    for (const s of SERVICES) {
      // Weekly pattern and a small deterministic wobble; the S3 requests spike on one day.
      let cost = s.base * (weekend ? 0.6 : 1) * (1 + 0.02 * Math.sin(day * 1.7 + s.base));
      if (s.service === 'Amazon S3' && date === SPIKE_DATE) cost += 400;
      const amount = cost.toFixed(4);
      lines.push(`${month}-01T00:00:00Z,${next}T00:00:00Z,${date}T00:00:00Z,${addDays(date, 1)}T00:00:00Z,USD,${amount},${amount},${amount},Usage,${s.service},111122223333,prod,us-east-1,,${s.usageType}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function ingestOwnExport(session: Session, sourceId: string): Promise<void> {
  const created = await api('/v1/billing/uploads', { token: session.idToken, body: { sourceId, fileName: 'usage.csv', contentType: 'text/csv' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const put = await fetch(created.body.target.url, { method: 'PUT', headers: created.body.target.headers, body: exportCsv() });
  expect(put.status).toBe(200);
  const started = await api('/v1/billing/ingestions', { token: session.idToken, body: { sourceId, uploadIds: [created.body.upload.id] } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  for (let i = 0; i < 300; i++) {
    const res = await api(`/v1/billing/ingestions/${started.body.id}`, { token: session.idToken });
    if (res.body.status === 'succeeded') return;
    expect(res.body.status).not.toBe('failed');
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('ingestion did not finish');
}

/** Polls until the tenant's anomalies satisfy `done` (the analysis runs after the ingestion). */
async function anomaliesWhen(session: Session, done: (items: any[]) => boolean): Promise<any[]> {
  for (let i = 0; i < 300; i++) {
    const res = await api('/v1/anomalies?limit=500', { token: session.idToken });
    expect(res.status).toBe(200);
    if (done(res.body.items)) return res.body.items;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('the analysis did not produce the anomalies expected');
}

describe('anomalies on the demo data', () => {
  let admin: Session;
  let analyst: Session;
  let viewer: Session;
  beforeAll(async () => {
    [admin, analyst, viewer] = (await Promise.all(['admin', 'analyst', 'viewer'].map((r) => logIn(`${r}@demo.example`, inject('demoPassword'))))) as [Session, Session, Session];
  });

  it('finds each spike the demo generator injected, on its dates, with its usage type as the root cause', async () => {
    const res = await api('/v1/anomalies?limit=500', { token: viewer.idToken });
    expect(res.status).toBe(200);
    expect(res.body.nextCursor).toBeNull();
    const labels = demoAnomalies({ endDate: inject('demoBillingEndDate') });
    expect(labels.length).toBe(7);
    for (const label of labels) {
      const match = res.body.items.find((a: any) => a.startDate === label.startDate && a.rootCause.includes(label.usageType));
      expect(match, label.id).toBeDefined();
      expect(match.endDate, label.id).toBe(label.endDate);
      // The impact is the injected extra cost, give or take the model's expectation.
      const days = label.dates.length;
      const injected = Number(label.extraCostPerDay) * days;
      expect(Number(match.impact), label.id).toBeGreaterThan(injected * 0.7);
      expect(Number(match.impact), label.id).toBeLessThan(injected * 1.5);
      expect(match).toMatchObject({ status: expect.any(String), currency: 'USD', monitor: expect.any(String) });
    }
    // Nothing but the injected spikes.
    expect(res.body.items).toHaveLength(labels.length);
    // Newest first.
    const starts = res.body.items.map((a: any) => a.startDate);
    expect([...starts].sort().reverse()).toEqual(starts);
  });

  it('shows an anomaly with its ranked contributors and the series around it', async () => {
    const label = demoAnomalies({ endDate: inject('demoBillingEndDate') }).find((a) => a.id === 'ec2-loadtest-euw1')!;
    const list = await api(`/v1/anomalies?start=${label.startDate}&end=${addDays(label.startDate, 1)}`, { token: admin.idToken });
    expect(list.body.items).toHaveLength(1);
    const detail = await api(`/v1/anomalies/${list.body.items[0].id}`, { token: viewer.idToken });
    expect(detail.status).toBe(200);
    const [top] = detail.body.contributors;
    expect(top).toMatchObject({ service: label.serviceName, account: label.subAccountId, accountName: label.subAccountName, region: label.regionId, usageType: label.usageType });
    expect(Math.abs(Number(top.delta) - Number(label.extraCostPerDay))).toBeLessThan(1);
    expect(top.description).toBe(`${label.serviceName} in ${label.regionId}, account ${label.subAccountName}, usage type ${label.usageType}: +$${top.delta}/day`);
    expect(detail.body.rootCause).toBe(top.description);
    const deltas = detail.body.contributors.map((c: any) => parseDecimal(c.delta));
    expect([...deltas].sort((a, b) => (a > b ? -1 : a < b ? 1 : 0))).toEqual(deltas);
    expect(detail.body.flaggedBy.length).toBeGreaterThan(0);
    const dates = detail.body.series.map((p: any) => p.date);
    expect(dates[0]).toBe(addDays(label.startDate, -28));
    expect(dates).toContain(label.endDate);
    expect(detail.body.series.find((p: any) => p.date === label.startDate).actual).toEqual(expect.stringMatching(/^\d+\.\d{2}$/));
  });

  it('filters by status, severity and start date, and pages with cursors', async () => {
    const all = (await api('/v1/anomalies?limit=500', { token: admin.idToken })).body.items;
    const first = await api('/v1/anomalies?limit=3', { token: admin.idToken });
    expect(first.body.items).toHaveLength(3);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await api(`/v1/anomalies?limit=500&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: admin.idToken });
    expect([...first.body.items, ...second.body.items].map((a: any) => a.id)).toEqual(all.map((a: any) => a.id));
    // A cursor belongs to its query.
    expectError(await api(`/v1/anomalies?limit=3&severity=low&cursor=${encodeURIComponent(first.body.nextCursor)}`, { token: admin.idToken }), 400, 'INVALID_CURSOR');

    const severity = all[0].severity;
    const bySeverity = (await api(`/v1/anomalies?severity=${severity}`, { token: admin.idToken })).body.items;
    expect(bySeverity.map((a: any) => a.id)).toEqual(all.filter((a: any) => a.severity === severity).map((a: any) => a.id));
    const inSeptember = (await api('/v1/anomalies?start=2026-09-01&end=2026-10-01', { token: admin.idToken })).body.items;
    expect(inSeptember.map((a: any) => a.startDate)).toEqual(all.filter((a: any) => a.startDate >= '2026-09-01' && a.startDate < '2026-10-01').map((a: any) => a.startDate));
    expect(inSeptember.length).toBeGreaterThan(0);
  });

  it('moves through its lifecycle with feedback and a note; viewers may not', async () => {
    const label = demoAnomalies({ endDate: inject('demoBillingEndDate') }).find((a) => a.id === 'lambda-recursion-usw2')!;
    const [anomaly] = (await api(`/v1/anomalies?start=${label.startDate}&end=${addDays(label.startDate, 1)}`, { token: admin.idToken })).body.items;
    expect(anomaly.status).toBe('active');

    expectError(await api(`/v1/anomalies/${anomaly.id}`, { method: 'PATCH', token: viewer.idToken, body: { status: 'acknowledged' } }), 403);
    const acknowledged = await api(`/v1/anomalies/${anomaly.id}`, { method: 'PATCH', token: analyst.idToken, body: { status: 'acknowledged' } });
    expect(acknowledged.status).toBe(200);
    expect(acknowledged.body).toMatchObject({ id: anomaly.id, status: 'acknowledged', statusChangedBy: analyst.userId, feedback: null });
    const resolved = await api(`/v1/anomalies/${anomaly.id}`, { method: 'PATCH', token: admin.idToken, body: { status: 'resolved', feedback: 'real', note: 'Recursive invocation fixed in v2.3' } });
    expect(resolved.body).toMatchObject({ status: 'resolved', feedback: 'real', note: 'Recursive invocation fixed in v2.3', statusChangedBy: admin.userId });
    const read = await api(`/v1/anomalies/${anomaly.id}`, { token: viewer.idToken });
    expect(read.body).toMatchObject({ status: 'resolved', feedback: 'real', note: 'Recursive invocation fixed in v2.3' });
    expect((await api('/v1/anomalies?status=resolved', { token: viewer.idToken })).body.items.map((a: any) => a.id)).toContain(anomaly.id);
    // The change is audited.
    const audit = await api('/v1/audit?action=updateAnomaly', { token: admin.idToken });
    expect(audit.body.items.length).toBeGreaterThanOrEqual(2);
  });

  it('refuses bad input with field-level details', async () => {
    const some = (await api('/v1/anomalies?limit=1', { token: admin.idToken })).body.items[0];
    const body = expectError(await api(`/v1/anomalies/${some.id}`, { method: 'PATCH', token: admin.idToken, body: { status: 'done', feedback: 'maybe' } }), 400);
    expect(body.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['body.status', 'body.feedback']));
    expectError(await api(`/v1/anomalies/${some.id}`, { method: 'PATCH', token: admin.idToken, body: {} }), 400);
    expectError(await api(`/v1/anomalies/${some.id}`, { method: 'PATCH', token: admin.idToken, body: { status: 'active', impact: '0' } }), 400);
    const list = expectError(await api('/v1/anomalies?status=open&severity=huge&start=2026-13-01', { token: admin.idToken }), 400);
    expect(list.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['query.status', 'query.severity', 'query.start']));
    expectError(await api('/v1/anomalies?start=2026-10-01&end=2026-09-01', { token: admin.idToken }), 400);
    expectError(await api('/v1/anomalies/20261019-0000000000000000', { token: admin.idToken }), 404);
    expectError(await api('/v1/anomalies/20261019-0000000000000000', { method: 'PATCH', token: admin.idToken, body: { status: 'ignored' } }), 404);
  });
});

describe('anomalies of a tenant of our own', () => {
  let own: Session;
  let demo: Session;
  let anomaly: any;
  beforeAll(async () => {
    own = await newTenant('anomalies');
    demo = await logIn('admin@demo.example', inject('demoPassword'));
    const source = await api('/v1/billing/sources', { token: own.idToken, body: { name: 'usage export' } });
    await ingestOwnExport(own, source.body.id);
    [anomaly] = await anomaliesWhen(own, (items) => items.length > 0);
  });

  it('detects the one spike of its export, with the spiking service as the root cause', async () => {
    const items = (await api('/v1/anomalies', { token: own.idToken })).body.items;
    expect(items).toHaveLength(1);
    expect(anomaly).toMatchObject({ startDate: SPIKE_DATE, endDate: SPIKE_DATE, monitor: 'service', dimensionValue: 'Amazon S3', status: 'active' });
    expect(anomaly.rootCause).toMatch(/^Amazon S3 in us-east-1, account prod, usage type USE1-Requests-Tier1: \+\$\d+\.\d\d\/day$/);
  });

  it('answers 404 to another tenant reading or changing it, and the anomaly stays as it was', async () => {
    const before = (await api(`/v1/anomalies/${anomaly.id}`, { token: own.idToken })).body;
    expectError(await api(`/v1/anomalies/${anomaly.id}`, { token: demo.idToken }), 404);
    expectError(await api(`/v1/anomalies/${anomaly.id}`, { method: 'PATCH', token: demo.idToken, body: { status: 'ignored', feedback: 'expected', note: 'not yours' } }), 404);
    expect((await api('/v1/anomalies?limit=500', { token: demo.idToken })).body.items.map((a: any) => a.id)).not.toContain(anomaly.id);
    expect((await api(`/v1/anomalies/${anomaly.id}`, { token: own.idToken })).body).toEqual(before);
    // And the other way round: the demo's anomalies are not ours.
    const demoAnomaly = (await api('/v1/anomalies?limit=1', { token: demo.idToken })).body.items[0];
    expectError(await api(`/v1/anomalies/${demoAnomaly.id}`, { token: own.idToken }), 404);
  });

  it('re-analysing the same data keeps the same anomaly (same id, no duplicate) and the user\'s status and feedback', async () => {
    const patched = await api(`/v1/anomalies/${anomaly.id}`, { method: 'PATCH', token: own.idToken, body: { status: 'acknowledged', feedback: 'expected', note: 'backfill' } });
    expect(patched.status).toBe(200);
    const source = await api('/v1/billing/sources', { token: own.idToken, body: { name: 'the same export again' } });
    // A second source with the same data doubles the spend (sources add up), and the same spike is found again.
    await ingestOwnExport(own, source.body.id);
    const after = await anomaliesWhen(own, (items) => items.length > 0 && items[0].updatedAt > patched.body.updatedAt);
    expect(after.map((a) => a.id)).toEqual([anomaly.id]);
    expect(after[0]).toMatchObject({ status: 'acknowledged', feedback: 'expected', note: 'backfill', startDate: SPIKE_DATE, suppressed: false });
    // Twice the spend, twice the impact.
    expect(Number(after[0].impact)).toBeCloseTo(2 * Number(anomaly.impact), 0);
  });
});

describe('forecast', () => {
  let viewer: Session;
  beforeAll(async () => {
    viewer = await logIn('viewer@demo.example', inject('demoPassword'));
  });

  const checkPoints = (points: any[]) => {
    for (const p of points) {
      const [l95, l80, v, u80, u95] = [p.lower95, p.lower80, p.amount, p.upper80, p.upper95].map(Number) as [number, number, number, number, number];
      expect(l95 <= l80 && l80 <= v && v <= u80 && u80 <= u95, JSON.stringify(p)).toBe(true);
      for (const k of ['amount', 'lower80', 'upper80', 'lower95', 'upper95']) expect(p[k]).toMatch(/^-?\d+\.\d{2}$/);
    }
  };

  it('forecasts the month with intervals, the chosen method and its backtest MAPE beside seasonal-naive', async () => {
    const res = await api('/v1/forecast', { token: viewer.idToken });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const f = res.body;
    expect(f).toMatchObject({ metric: 'billed', currency: 'USD', horizon: 'month', dataThrough: inject('demoBillingEndDate') });
    expect(f.backtest.candidates.map((c: any) => c.method)).toEqual(['seasonalNaive', 'trendWeekly', 'holtWinters']);
    expect(f.backtest.mape).toMatch(/^\d+\.\d{2}$/);
    expect(f.backtest.seasonalNaiveMape).toMatch(/^\d+\.\d{2}$/);
    expect(Number(f.backtest.mape)).toBeLessThanOrEqual(Number(f.backtest.seasonalNaiveMape));
    expect(f.backtest.candidates.find((c: any) => c.method === f.method).mape).toBe(f.backtest.mape);
    // Forecast from the day after the data, to the end of this month.
    const today = new Date().toISOString().slice(0, 10);
    expect(f.start).toBe(addDays(inject('demoBillingEndDate'), 1));
    expect(f.end).toBe(`${today.slice(0, 7) === '2026-12' ? '2027-01' : today.slice(0, 5) + String(Number(today.slice(5, 7)) + 1).padStart(2, '0')}-01`);
    checkPoints(f.points);
    expect(f.month.period).toBe(today.slice(0, 7));
    const m = [f.month.lower95, f.month.lower80, f.month.forecast, f.month.upper80, f.month.upper95].map(Number);
    expect([...m].sort((a, b) => a - b)).toEqual(m);
    expect(m[0]).toBeLessThan(m[4]!);
  });

  it('forecasts N days and the effective cost of one service (the cost filter grammar)', async () => {
    const all = (await api('/v1/forecast?horizon=days&days=60&metric=effective', { token: viewer.idToken })).body;
    const ec2 = await api(`/v1/forecast?horizon=days&days=60&metric=effective&filter[service]=${encodeURIComponent('Amazon Elastic Compute Cloud')}`, { token: viewer.idToken });
    expect(ec2.status, JSON.stringify(ec2.body)).toBe(200);
    expect(ec2.body.metric).toBe('effective');
    expect(ec2.body.end).toBe(addDays(new Date().toISOString().slice(0, 10), 60));
    expect(ec2.body.points.length).toBe(all.points.length);
    expect(Number(ec2.body.total.forecast)).toBeGreaterThan(0);
    expect(Number(ec2.body.total.forecast)).toBeLessThan(Number(all.total.forecast));
    checkPoints(ec2.body.points);
    const quarter = await api('/v1/forecast?horizon=quarter', { token: viewer.idToken });
    expect(quarter.status).toBe(200);
    expect(['01', '04', '07', '10']).toContain(quarter.body.end.slice(5, 7));
  });

  it('answers a tenant without data with zeros, and refuses bad queries with field-level details', async () => {
    const empty = await newTenant('no-forecast');
    const none = await api('/v1/forecast', { token: empty.idToken });
    expect(none.status).toBe(200);
    expect(none.body).toMatchObject({ dataThrough: null, method: 'mean', month: { forecast: '0.00' }, backtest: { mape: null } });
    const bad = expectError(await api('/v1/forecast?horizon=week&metric=list&filter[planet]=mars', { token: viewer.idToken }), 400);
    expect(bad.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['query.horizon', 'query.metric', 'query.filter[planet]']));
    const days = expectError(await api('/v1/forecast?horizon=days&days=366', { token: viewer.idToken }), 400);
    expect(days.details.map((d: { field: string }) => d.field)).toContain('query.days');
    expect(expectError(await api('/v1/forecast?horizon=days', { token: viewer.idToken }), 400).details.map((d: { field: string }) => d.field)).toContain('query.days');
    expect(expectError(await api('/v1/forecast?days=5', { token: viewer.idToken }), 400).details.map((d: { field: string }) => d.field)).toContain('query.days');
    expectError(await api('/v1/forecast?filter[tag:team]=web&filter[service]=x', { token: viewer.idToken }), 400, 'UNSUPPORTED_FILTER');
  });
});

describe('detection settings', () => {
  it("reads the defaults, lets a finops manager tune them, refuses bad values, and keeps each tenant's own", async () => {
    const admin = await newTenant('detection');
    const other = await newTenant('detection-other');
    const defaults = await api('/v1/anomalies/settings', { token: admin.idToken });
    expect(defaults.status).toBe(200);
    expect(defaults.body.thresholds).toEqual(defaults.body.defaults);
    expect(defaults.body.metric).toBe('effective');

    const tuned = await api('/v1/anomalies/settings', { method: 'PATCH', token: admin.idToken, body: { minImpactPerDay: 250, metric: 'billed' } });
    expect(tuned.status).toBe(200);
    expect(tuned.body).toMatchObject({ thresholds: { ...defaults.body.defaults, minImpactPerDay: 250 }, metric: 'billed' });
    expect((await api('/v1/anomalies/settings', { token: admin.idToken })).body).toEqual(tuned.body);
    // A partial change keeps the rest.
    const again = await api('/v1/anomalies/settings', { method: 'PATCH', token: admin.idToken, body: { minScore: 6 } });
    expect(again.body.thresholds).toEqual({ ...defaults.body.defaults, minImpactPerDay: 250, minScore: 6 });

    // Another tenant is untouched, and cannot change ours.
    expect((await api('/v1/anomalies/settings', { token: other.idToken })).body.thresholds).toEqual(defaults.body.defaults);
    await api('/v1/anomalies/settings', { method: 'PATCH', token: other.idToken, body: { minImpactPerDay: 1 } });
    expect((await api('/v1/anomalies/settings', { token: admin.idToken })).body.thresholds.minImpactPerDay).toBe(250);

    // (Triage is an analyst's, tuning detection and so alert volume a finops manager's: roles.test.ts
    // checks every role against this route's alerts:write.)
    const bad = await api('/v1/anomalies/settings', { method: 'PATCH', token: admin.idToken, body: { minImpactPerDay: -5, minScore: 0, extra: 1 } });
    expectError(bad, 400);
    const fields = bad.body.error.details.map((d: { field: string }) => d.field);
    expect(fields).toEqual(expect.arrayContaining(['body.minImpactPerDay', 'body.minScore']));
    expect(JSON.stringify(bad.body.error.details)).toContain('extra');
    expectError(await api('/v1/anomalies/settings', { method: 'PATCH', token: admin.idToken, body: {} }), 400);
    expect((await api('/v1/anomalies/settings', { token: admin.idToken })).body).toEqual(again.body);
  });
});
