import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseDecimal } from '../../shared/money.js';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { demoRoleArn } from '../../local/demo/inventory.js';
import { addUser, api, eventually, expectError, newTenant, type Session } from './helpers.js';

/**
 * Export bucket sources on the local platform: a folder per bucket stands in for the customer's S3
 * bucket (local/export-buckets.ts), a file landing there delivers the "Object Created" event, and
 * POST /v1/billing/sources/{id}/scan is the on-demand (and daily) catch-up. Both go through the
 * real ingestion workflow.
 */
const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId,ResourceId,Tags';
const row = (month: string, day: string, billed: string, service = 'Amazon EC2') =>
  `2026-${month}-01T00:00:00Z,2026-${month}-28T00:00:00Z,2026-${month}-${day}T00:00:00Z,2026-${month}-${day}T23:59:59Z,USD,${billed},${billed},${billed},Usage,${service},111122223333,prod,us-east-1,i-0abc,"{""team"":""web""}"`;
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n') + '\n';

const BUCKETS_DIR = process.env.LOCAL_EXPORT_BUCKETS_DIR!;
const ACCOUNT = DEMO_ACCOUNTS.staging.id;

/** Writes a file into the local stand-in for the customer's bucket (as the provider's export does). */
function deliver(bucket: string, key: string, body: string | Uint8Array) {
  const path = join(BUCKETS_DIR, ACCOUNT, bucket, ...key.split('/'));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, body);
}

const uniqueBucket = (label: string) => `${label}-${randomUUID().slice(0, 8)}`;

async function ingestionsOf(session: Session, sourceId: string) {
  const items = (await api('/v1/billing/ingestions?limit=500', { token: session.idToken })).body.items as any[];
  return items.filter((i) => i.sourceId === sourceId);
}

async function finished(session: Session, id: string) {
  let last: any;
  await eventually(async () => {
    last = (await api(`/v1/billing/ingestions/${id}`, { token: session.idToken })).body;
    return last.status === 'succeeded' || last.status === 'failed';
  }, 60_000);
  return last;
}

async function totalBilled(session: Session, start: string, end: string) {
  const res = await api(`/v1/costs/overview?start=${start}&end=${end}`, { token: session.idToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return parseDecimal(res.body.total as string);
}

describe('export bucket sources', () => {
  let admin: Session;
  beforeAll(async () => {
    expect(BUCKETS_DIR, 'the platform sets LOCAL_EXPORT_BUCKETS_DIR').toBeTruthy();
    admin = await newTenant('exports');
    const connected = await api('/v1/accounts', { token: admin.idToken, body: { roleArn: demoRoleArn(ACCOUNT), name: 'staging' } });
    expect(connected.status, JSON.stringify(connected.body)).toBe(201);
  });

  const bucketSource = async (bucket: string, prefix = 'focus/') => {
    const res = await api('/v1/billing/sources', { token: admin.idToken, body: { name: `exports ${bucket}`, kind: 'bucket', bucket, prefix, accountId: ACCOUNT } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'bucket', bucket, prefix, accountId: ACCOUNT, lastScan: null });
    return res.body.id as string;
  };

  it('ingests a file when it lands (the S3 event), and a scan afterwards finds nothing new', async () => {
    const bucket = uniqueBucket('events');
    const sourceId = await bucketSource(bucket);
    deliver(bucket, 'focus/data/BILLING_PERIOD=2026-03/part-00001.csv.gz', gzipSync(csv(row('03', '02', '12.5'), row('03', '03', '0.0000000001', 'Amazon S3'))));
    // Not billing data, or outside the prefix: ignored.
    deliver(bucket, 'focus/metadata/BILLING_PERIOD=2026-03/Manifest.json', '{}');
    deliver(bucket, 'other/part-00001.csv', csv(row('03', '04', '999')));

    let ingestion: any;
    await eventually(async () => {
      [ingestion] = await ingestionsOf(admin, sourceId);
      return ingestion !== undefined;
    }, 30_000);
    ingestion = await finished(admin, ingestion.id);
    expect(ingestion).toMatchObject({ status: 'succeeded', rowsRead: 2, periods: ['2026-03'], createdBy: 'system:export-bucket' });
    expect(ingestion.storedTotals).toEqual([{ billingPeriod: '2026-03', currency: 'USD', rows: 2, billedCost: '12.5000000001', effectiveCost: '12.5000000001', listCost: '12.5000000001' }]);

    const scan = await api(`/v1/billing/sources/${sourceId}/scan`, { token: admin.idToken, method: 'POST' });
    expect(scan.status, JSON.stringify(scan.body)).toBe(200);
    expect(scan.body).toMatchObject({ sourceId, trigger: 'manual' });
    expect(scan.body.objects).toEqual([expect.objectContaining({ key: 'focus/data/BILLING_PERIOD=2026-03/part-00001.csv.gz', outcome: 'ingested', ingestionId: ingestion.id })]);
    expect(await ingestionsOf(admin, sourceId)).toHaveLength(1);
    const source = (await api(`/v1/billing/sources/${sourceId}`, { token: admin.idToken })).body;
    expect(source.lastScan).toMatchObject({ trigger: 'manual', objects: 1, started: 0, error: null });
    expect(source.periods).toEqual([expect.objectContaining({ period: '2026-03', ingestionId: ingestion.id })]);
  });

  it('scans files that landed before the source existed, once, and a new version of a file replaces its period', async () => {
    const bucket = uniqueBucket('scan');
    // Delivered before the source is registered: no event reaches a source, the scan catches up.
    deliver(bucket, 'focus/2026-04/part-1.csv', csv(row('04', '01', '10')));
    deliver(bucket, 'focus/2026-04/part-2.csv', csv(row('04', '02', '5.25')));
    deliver(bucket, 'focus/2026-05/part-1.csv', csv(row('05', '01', '7')));
    await new Promise((r) => setTimeout(r, 600)); // past the local event adapter's settling time
    const sourceId = await bucketSource(bucket);
    expect(await ingestionsOf(admin, sourceId)).toHaveLength(0);

    const first = await api(`/v1/billing/sources/${sourceId}/scan`, { token: admin.idToken, method: 'POST' });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body.objects.map((o: any) => [o.key, o.outcome]).sort()).toEqual([
      ['focus/2026-04/part-1.csv', 'started'],
      ['focus/2026-04/part-2.csv', 'started'],
      ['focus/2026-05/part-1.csv', 'started'],
    ]);
    // One ingestion per delivery folder: a period's parts are ingested together.
    const ids = [...new Set(first.body.objects.map((o: any) => o.ingestionId))] as string[];
    expect(ids).toHaveLength(2);
    const runs = await Promise.all(ids.map((id) => finished(admin, id)));
    expect(runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(runs.flatMap((r) => r.storedTotals.map((t: any) => [t.billingPeriod, t.billedCost])).sort()).toEqual([
      ['2026-04', '15.25'],
      ['2026-05', '7'],
    ]);

    // The same files again: nothing new, nothing doubled.
    const again = await api(`/v1/billing/sources/${sourceId}/scan`, { token: admin.idToken, method: 'POST' });
    expect(again.body.objects.every((o: any) => o.outcome === 'ingested')).toBe(true);
    expect(await ingestionsOf(admin, sourceId)).toHaveLength(2);

    // A corrected part (new ETag): its folder is a new delivery that replaces April, not adds to it.
    deliver(bucket, 'focus/2026-04/part-2.csv', csv(row('04', '02', '1.75')));
    let corrected: any;
    await eventually(async () => {
      corrected = (await ingestionsOf(admin, sourceId)).find((i) => !ids.includes(i.id));
      return corrected !== undefined;
    }, 30_000);
    corrected = await finished(admin, corrected.id);
    expect(corrected.storedTotals).toEqual([expect.objectContaining({ billingPeriod: '2026-04', billedCost: '11.75' })]);
    const periods = (await api(`/v1/billing/sources/${sourceId}`, { token: admin.idToken })).body.periods;
    expect(periods.find((p: any) => p.period === '2026-04').ingestionId).toBe(corrected.id);
    // The tenant's April costs: the corrected delivery's, once.
    expect(await totalBilled(admin, '2026-04-01', '2026-04-30')).toBe(parseDecimal('11.75'));
  });

  it('validates bucket sources and refuses to scan what is not one', async () => {
    const noAccount = expectError(await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'x', kind: 'bucket', bucket: 'my-exports' } }), 400);
    expect(noAccount.details.map((d: any) => d.field)).toContain('body.accountId');
    const notConnected = expectError(
      await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'x', kind: 'bucket', bucket: 'my-exports', accountId: DEMO_ACCOUNTS.prod.id } }),
      400,
    );
    expect(notConnected.details).toEqual([expect.objectContaining({ field: 'body.accountId' })]);
    expectError(await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'x', kind: 'upload', bucket: 'my-exports' } }), 400);

    const upload = (await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'uploads' } })).body;
    expectError(await api(`/v1/billing/sources/${upload.id}/scan`, { token: admin.idToken, method: 'POST' }), 409, 'NOT_A_BUCKET_SOURCE');
    expectError(await api('/v1/billing/sources/nope/scan', { token: admin.idToken, method: 'POST' }), 404);
  });

  it('records a scan that cannot read the bucket once the account is disconnected', async () => {
    const bucket = uniqueBucket('gone');
    const sourceId = await bucketSource(bucket);
    const other = await newTenant('exports-disconnect');
    // Another tenant's scan of this source: not found, and this source unchanged.
    expectError(await api(`/v1/billing/sources/${sourceId}/scan`, { token: other.idToken, method: 'POST' }), 404);
    expect((await api(`/v1/billing/sources/${sourceId}`, { token: admin.idToken })).body.lastScan).toBeNull();

    expect((await api(`/v1/accounts/${ACCOUNT}`, { token: admin.idToken, method: 'DELETE' })).status).toBe(204);
    try {
      const refused = expectError(await api(`/v1/billing/sources/${sourceId}/scan`, { token: admin.idToken, method: 'POST' }), 409, 'ACCOUNT_NOT_CONNECTED');
      expect(refused.message).toContain(ACCOUNT);
      const source = (await api(`/v1/billing/sources/${sourceId}`, { token: admin.idToken })).body;
      expect(source.lastScan).toMatchObject({ trigger: 'manual', error: { code: 'ACCOUNT_NOT_CONNECTED' } });
    } finally {
      await api('/v1/accounts', { token: admin.idToken, body: { roleArn: demoRoleArn(ACCOUNT), name: 'staging' } });
    }
  });

  it('lets billing:write roles scan, and no one else', async () => {
    const bucket = uniqueBucket('roles');
    const sourceId = await bucketSource(bucket);
    const analyst = await addUser(admin, 'analyst');
    expectError(await api(`/v1/billing/sources/${sourceId}/scan`, { token: analyst.idToken, method: 'POST' }), 403);
    const finops = await addUser(admin, 'finops_manager');
    expect((await api(`/v1/billing/sources/${sourceId}/scan`, { token: finops.idToken, method: 'POST' })).status).toBe(200);
  });
});
