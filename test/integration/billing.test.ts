import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { computeDemoSummary } from '../../local/demo/billing.js';
import { parseDecimal } from '../../shared/money.js';
import { api, expectError, logIn, newTenant, type Session } from './helpers.js';

/** A small FOCUS 1.2 export: the columns ingestion needs, the values a test can add up by hand. */
const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId,ResourceId,Tags';
const row = (day: string, billed: string, service = 'Amazon EC2', extra = '') =>
  `2026-01-01T00:00:00Z,2026-02-01T00:00:00Z,2026-01-${day}T00:00:00Z,2026-01-${day}T23:59:59Z,USD,${billed},${billed},${billed},Usage,${service},111122223333,prod,us-east-1,i-0abc${extra},"{""team"":""web""}"`;
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

async function upload(session: Session, sourceId: string, fileName: string, body: string | Uint8Array, contentType = 'text/csv') {
  const created = await api('/v1/billing/uploads', { token: session.idToken, body: { sourceId, fileName, contentType } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const put = await fetch(created.body.target.url, { method: 'PUT', headers: created.body.target.headers, body });
  expect(put.status).toBe(200);
  return created.body.upload.id as string;
}

async function ingest(session: Session, sourceId: string, uploadIds: string[]) {
  const started = await api('/v1/billing/ingestions', { token: session.idToken, body: { sourceId, uploadIds } });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  expect(started.body.status).toBe('queued');
  for (let i = 0; i < 300; i++) {
    const res = await api(`/v1/billing/ingestions/${started.body.id}`, { token: session.idToken });
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('ingestion did not finish');
}

const source = async (session: Session, name = 'test export') =>
  (await api('/v1/billing/sources', { token: session.idToken, body: { name } })).body as { id: string };

describe('the demo tenant’s billing data', () => {
  it('was ingested through the workflow and reconciles to the generator’s own totals, to the cent and beyond', async () => {
    const admin = await logIn('admin@demo.example', inject('demoPassword'));
    const [ingestion] = (await api('/v1/billing/ingestions', { token: admin.idToken })).body.items;
    expect(ingestion).toMatchObject({ status: 'succeeded', rowsRejected: 0, error: null });
    expect(ingestion.storedTotals).toEqual(ingestion.sourceTotals);

    const summary = computeDemoSummary({ endDate: inject('demoBillingEndDate') });
    expect(ingestion.rowsRead).toBe(summary.rowCount);
    expect(ingestion.periods).toEqual(Object.keys(summary.byMonth).sort());
    for (const line of ingestion.storedTotals) {
      const expected = summary.byMonth[line.billingPeriod]!;
      expect(parseDecimal(line.billedCost), line.billingPeriod).toBe(parseDecimal(expected.billed));
      expect(parseDecimal(line.effectiveCost), line.billingPeriod).toBe(parseDecimal(expected.effective));
      expect(parseDecimal(line.listCost), line.billingPeriod).toBe(parseDecimal(expected.list));
      expect(line.rows).toBe(expected.rows);
    }
    const sources = (await api('/v1/billing/sources', { token: admin.idToken })).body.items;
    expect(sources[0].lastDeliveredAt).toEqual(expect.any(String));
    expect(sources[0].periods.map((p: { period: string }) => p.period)).toEqual(ingestion.periods);
  });
});

describe('billing ingestion over the API', () => {
  let admin: Session;
  beforeAll(async () => {
    admin = await newTenant('billing');
  });

  it('uploads through the presigned URL, ingests, and records both totals', async () => {
    const { id } = await source(admin);
    const file = csv(row('01', '10.0000000001'), row('02', '0.1', 'Amazon S3', '2'), row('02', '-2.05', 'Amazon EC2', '3'));
    const uploadId = await upload(admin, id, 'jan.csv.gz', gzipSync(file), 'application/gzip');
    const ingestion = await ingest(admin, id, [uploadId]);
    expect(ingestion).toMatchObject({ status: 'succeeded', rowsRead: 3, rowsRejected: 0, periods: ['2026-01'] });
    expect(ingestion.files[0]).toMatchObject({ container: 'csv-gzip', records: 3 });
    expect(ingestion.sourceTotals).toEqual([{ billingPeriod: '2026-01', currency: 'USD', rows: 3, billedCost: '8.0500000001', effectiveCost: '8.0500000001', listCost: '8.0500000001' }]);
    expect(ingestion.storedTotals).toEqual(ingestion.sourceTotals);
  });

  it('replaces a re-ingested period instead of adding to it', async () => {
    const { id } = await source(admin, 'replace test');
    const first = await ingest(admin, id, [await upload(admin, id, 'v1.csv', csv(row('01', '100'), row('02', '100')))]);
    const second = await ingest(admin, id, [await upload(admin, id, 'v2.csv', csv(row('01', '70')))]);
    expect(second.storedTotals[0].billedCost).toBe('70');
    const periods = (await api(`/v1/billing/sources/${id}`, { token: admin.idToken })).body.periods;
    expect(periods).toEqual([expect.objectContaining({ period: '2026-01', ingestionId: second.id })]);
    expect(first.id).not.toBe(second.id);
  });

  it('sums several files of one period into one version', async () => {
    const { id } = await source(admin, 'parts');
    const a = await upload(admin, id, 'part-1.csv', csv(row('01', '1.25')));
    const b = await upload(admin, id, 'part-2.csv', csv(row('01', '2.5', 'Amazon EC2', '9')));
    const ingestion = await ingest(admin, id, [a, b]);
    expect(ingestion.status).toBe('succeeded');
    expect(ingestion.sourceTotals[0]).toMatchObject({ rows: 2, billedCost: '3.75' });
    expect(ingestion.storedTotals).toEqual(ingestion.sourceTotals);
  });

  it('fails a file with a bad row, naming line and column, and leaves the current data as it was', async () => {
    const { id } = await source(admin, 'bad rows');
    const good = await ingest(admin, id, [await upload(admin, id, 'good.csv', csv(row('01', '5')))]);
    const bad = await ingest(admin, id, [await upload(admin, id, 'bad.csv', csv(row('01', '5'), row('02', 'twelve')))]);
    expect(bad.status).toBe('failed');
    expect(bad.error).toMatchObject({ code: 'ROWS_REJECTED', message: '1 rows were rejected (see rejections); nothing was stored.' });
    expect(bad.rejections).toEqual([expect.objectContaining({ file: 'bad.csv', line: 3, column: 'BilledCost', code: 'NON_NUMERIC' })]);
    const periods = (await api(`/v1/billing/sources/${id}`, { token: admin.idToken })).body.periods;
    expect(periods).toEqual([expect.objectContaining({ period: '2026-01', ingestionId: good.id })]);
  });

  it('fails an unknown format and an empty file with a clear error', async () => {
    const { id } = await source(admin, 'unknown');
    const unknown = await ingest(admin, id, [await upload(admin, id, 'notes.csv', 'name,amount\nlunch,12\n')]);
    expect(unknown).toMatchObject({ status: 'failed', error: { code: 'UNKNOWN_FORMAT' } });
    expect(unknown.error.message).toMatch(/^notes\.csv: /);
    const empty = await ingest(admin, id, [await upload(admin, id, 'empty.csv', '')]);
    expect(empty).toMatchObject({ status: 'failed', error: { code: 'EMPTY_FILE' } });
  });

  it('refuses an ingestion whose upload has no file, and an upload URL used wrongly', async () => {
    const { id } = await source(admin, 'refusals');
    const created = await api('/v1/billing/uploads', { token: admin.idToken, body: { sourceId: id, fileName: 'later.csv', contentType: 'text/csv' } });
    const refused = expectError(await api('/v1/billing/ingestions', { token: admin.idToken, body: { sourceId: id, uploadIds: [created.body.upload.id] } }), 400);
    expect(refused.details[0].field).toBe('body.uploadIds.0');
    const { url, headers } = created.body.target;
    expect((await fetch(url, { method: 'PUT', headers: { 'content-type': 'application/gzip' }, body: 'x' })).status).toBe(403);
    expect((await fetch(url.replace('later.csv', 'other.csv'), { method: 'PUT', headers, body: 'x' })).status).toBe(403);
    expect((await fetch(url.replace(/signature=[^&]+/, 'signature=forged'), { method: 'PUT', headers, body: 'x' })).status).toBe(403);
    expectError(await api('/v1/billing/uploads', { token: admin.idToken, body: { sourceId: id, fileName: '../../etc/passwd' } }), 400);
    expectError(await api('/v1/billing/uploads', { token: admin.idToken, body: { sourceId: 'not-mine', fileName: 'a.csv' } }), 404);
  });
});
