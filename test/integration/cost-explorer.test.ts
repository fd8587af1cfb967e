import { beforeAll, describe, expect, it } from 'vitest';
import { collectionWindow } from '../../functions/billing/collect/run.js';
import { DEMO_SANDBOX, sandboxCharges } from '../../local/demo/cost-explorer.js';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { demoRoleArn } from '../../local/demo/inventory.js';
import { parseDecimal } from '../../shared/money.js';
import { addUser, api, expectError, newTenant, type Session } from './helpers.js';

/**
 * Cost Explorer collection of accounts without an export, on the local platform: the local Cost
 * Explorer provider answers for the recorded accounts (Demo Sandbox has charges), the
 * cost-explorer workflow collects, and the ingestion workflow stores and reconciles. (The demo
 * tenant here is pinned to a past end date, so the seed leaves Demo Sandbox out of it; the browser
 * tests' live demo has it: test/e2e/cost-explorer.test.ts.)
 */
const SOURCE = `ce-${DEMO_SANDBOX.id}`;
const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId';

/** What the local provider records for the sandbox on the days of [start, end), at 1e-12. */
function expectedBilled(start: string, end: string): bigint {
  let total = 0n;
  for (let d = Date.parse(`${start}T00:00:00Z`); new Date(d).toISOString().slice(0, 10) < end; d += 86_400_000) {
    for (const c of sandboxCharges(new Date(d).toISOString().slice(0, 10))) total += c.unblended * 100n;
  }
  return total;
}

async function settled(session: Session, id: string) {
  for (let i = 0; i < 600; i++) {
    const res = await api(`/v1/billing/ingestions/${id}`, { token: session.idToken });
    if (res.body.status === 'succeeded' || res.body.status === 'failed') return res.body;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`ingestion ${id} did not settle`);
}

async function sandboxCost(session: Session, start: string, end: string): Promise<bigint> {
  const res = await api(`/v1/costs/breakdown?start=${start}&end=${end}&groupBy=account&granularity=monthly&filter[account]=${DEMO_SANDBOX.id}`, { token: session.idToken });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return parseDecimal(res.body.total as string);
}

const connect = async (session: Session, accountId: string, name: string) => {
  const res = await api('/v1/accounts', { token: session.idToken, body: { roleArn: demoRoleArn(accountId), name } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
};
const switchOn = (session: Session, accountId: string) => api('/v1/billing/sources', { token: session.idToken, body: { name: `Cost Explorer ${accountId}`, kind: 'cost-explorer', accountId } });

describe('Cost Explorer sources over the API', () => {
  let admin: Session;
  let other: Session;
  const today = new Date().toISOString().slice(0, 10);
  const window = collectionWindow(new Date(), null);

  beforeAll(async () => {
    [admin, other] = await Promise.all([newTenant('cost-explorer'), newTenant('cost-explorer-other')]);
    await connect(admin, DEMO_SANDBOX.id, 'sandbox');
    await connect(admin, DEMO_ACCOUNTS.staging.id, 'staging');
    await connect(admin, DEMO_ACCOUNTS.data.id, 'data');
  });

  it('switches collection on for a connected account, validated, once', async () => {
    const on = await switchOn(admin, DEMO_SANDBOX.id);
    expect(on.status, JSON.stringify(on.body)).toBe(201);
    expect(on.body).toMatchObject({ id: SOURCE, kind: 'cost-explorer', accountId: DEMO_SANDBOX.id, lastCollection: null, lastDeliveredAt: null, periods: [] });
    expectError(await switchOn(admin, DEMO_SANDBOX.id), 409, 'COST_EXPLORER_ALREADY_ON');
    const missing = expectError(await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'x', kind: 'cost-explorer' } }), 400);
    expect(missing.details.map((d: { field: string }) => d.field)).toContain('body.accountId');
    expectError(await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'x', kind: 'cost-explorer', accountId: DEMO_SANDBOX.id, bucket: 'my-bucket' } }), 400);
    const notConnected = expectError(await switchOn(admin, DEMO_ACCOUNTS.prod.id), 400);
    expect(notConnected.details).toEqual([expect.objectContaining({ field: 'body.accountId' })]);
    const audit = await api('/v1/audit?action=createBillingSource', { token: admin.idToken });
    expect(audit.body.items.length).toBeGreaterThanOrEqual(1);
  });

  it('collects now: an ingestion that reconciles, costs in the views for that account, and a rerun replaces them', async () => {
    const started = await api(`/v1/billing/sources/${SOURCE}/collect`, { token: admin.idToken, method: 'POST' });
    expect(started.status, JSON.stringify(started.body)).toBe(202);
    expect(started.body).toMatchObject({ sourceId: SOURCE, status: 'queued' });
    const done = await settled(admin, started.body.id);
    expect(done, JSON.stringify(done.error)).toMatchObject({ status: 'succeeded', rowsRejected: 0, error: null, files: [expect.objectContaining({ format: expect.stringMatching(/^focus/) })] });
    expect(done.storedTotals).toEqual(done.sourceTotals);
    expect(done.periods).toEqual(window.periods);
    const expected = expectedBilled(window.start, today);
    expect(expected).toBeGreaterThan(0n);
    const stored = done.storedTotals.reduce((s: bigint, t: { billedCost: string }) => s + parseDecimal(t.billedCost), 0n);
    expect(stored).toBe(expected);
    expect(await sandboxCost(admin, window.start, today)).toBe(expected);

    const source = (await api(`/v1/billing/sources/${SOURCE}`, { token: admin.idToken })).body;
    expect(source.lastCollection).toMatchObject({ trigger: 'manual', ingestionId: started.body.id });
    expect(source.lastDeliveredAt).toEqual(expect.any(String));
    expect(source.periods.map((p: { period: string }) => p.period).sort()).toEqual(window.periods);
    expect(source.periods.find((p: { period: string }) => p.period === today.slice(0, 7)).status).toBe('estimated');
    const history = (await api('/v1/billing/ingestions?limit=500', { token: admin.idToken })).body.items;
    expect(history.filter((i: { sourceId: string }) => i.sourceId === SOURCE).map((i: { id: string }) => i.id)).toContain(started.body.id);

    // Again: the periods are replaced, never added to.
    const again = await settled(admin, (await api(`/v1/billing/sources/${SOURCE}/collect`, { token: admin.idToken, method: 'POST' })).body.id);
    expect(again.status).toBe('succeeded');
    expect(await sandboxCost(admin, window.start, today)).toBe(expected);
  });

  it('refuses an account whose charges already arrive from another source of the tenant', async () => {
    // A bucket source reading the account's export covers the account before its first delivery.
    const bucket = await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'staging CUR', kind: 'bucket', bucket: 'staging-exports', accountId: DEMO_ACCOUNTS.staging.id } });
    expect(bucket.status).toBe(201);
    const refused = expectError(await switchOn(admin, DEMO_ACCOUNTS.staging.id), 409, 'ACCOUNT_ALREADY_BILLED');
    expect(refused.message).toContain('staging CUR');

    // An uploaded export whose rows name the linked account covers it too.
    const upload = (await api('/v1/billing/sources', { token: admin.idToken, body: { name: 'payer FOCUS export' } })).body;
    const row = `2026-10-01T00:00:00Z,2026-11-01T00:00:00Z,2026-10-02T00:00:00Z,2026-10-03T00:00:00Z,USD,12.5,12.5,12.5,Usage,Amazon EC2,${DEMO_ACCOUNTS.data.id},demo-data,us-east-1`;
    const created = await api('/v1/billing/uploads', { token: admin.idToken, body: { sourceId: upload.id, fileName: 'payer.csv', contentType: 'text/csv' } });
    expect((await fetch(created.body.target.url, { method: 'PUT', headers: created.body.target.headers, body: `${HEADER}\n${row}\n` })).status).toBe(200);
    const ingestion = await api('/v1/billing/ingestions', { token: admin.idToken, body: { sourceId: upload.id, uploadIds: [created.body.upload.id] } });
    expect((await settled(admin, ingestion.body.id)).status).toBe('succeeded');
    const covered = expectError(await switchOn(admin, DEMO_ACCOUNTS.data.id), 409, 'ACCOUNT_ALREADY_BILLED');
    expect(covered.message).toContain('payer FOCUS export');
    expect((await api('/v1/billing/sources?limit=500', { token: admin.idToken })).body.items.filter((s: { kind: string }) => s.kind === 'cost-explorer')).toHaveLength(1);
  });

  it('is invisible to another tenant: read, collect and switch off answer 404, and nothing changes', async () => {
    const before = (await api(`/v1/billing/sources/${SOURCE}`, { token: admin.idToken })).body;
    expectError(await api(`/v1/billing/sources/${SOURCE}`, { token: other.idToken }), 404);
    expectError(await api(`/v1/billing/sources/${SOURCE}/collect`, { token: other.idToken, method: 'POST' }), 404);
    expectError(await api(`/v1/billing/sources/${SOURCE}`, { token: other.idToken, method: 'DELETE' }), 404);
    // Nor can it switch the account on for itself without connecting it (its own tenant has no such account).
    expectError(await switchOn(other, DEMO_SANDBOX.id), 400);
    expect((await api(`/v1/billing/sources/${SOURCE}`, { token: admin.idToken })).body).toEqual(before);
    expect(await sandboxCost(other, window.start, today)).toBe(0n);
  });

  it('lets only billing:write switch and collect', async () => {
    const analyst = await addUser(admin, 'analyst');
    expectError(await api(`/v1/billing/sources/${SOURCE}/collect`, { token: analyst.idToken, method: 'POST' }), 403);
    expectError(await api(`/v1/billing/sources/${SOURCE}`, { token: analyst.idToken, method: 'DELETE' }), 403);
    expect((await api(`/v1/billing/sources/${SOURCE}`, { token: analyst.idToken })).status).toBe(200);
  });

  it('switching off removes the source and the costs it collected; upload sources are not removable', async () => {
    const upload = (await api('/v1/billing/sources?limit=500', { token: admin.idToken })).body.items.find((s: { kind: string }) => s.kind === 'upload');
    expectError(await api(`/v1/billing/sources/${upload.id}`, { token: admin.idToken, method: 'DELETE' }), 409, 'NOT_A_COST_EXPLORER_SOURCE');
    const off = await api(`/v1/billing/sources/${SOURCE}`, { token: admin.idToken, method: 'DELETE' });
    expect(off.status).toBe(204);
    expectError(await api(`/v1/billing/sources/${SOURCE}`, { token: admin.idToken }), 404);
    expect(await sandboxCost(admin, window.start, today)).toBe(0n);
    expectError(await api(`/v1/billing/sources/${SOURCE}/collect`, { token: admin.idToken, method: 'POST' }), 404);
  });

  it('disconnecting the account removes its Cost Explorer source', async () => {
    expect((await switchOn(admin, DEMO_SANDBOX.id)).status).toBe(201);
    expect((await settled(admin, (await api(`/v1/billing/sources/${SOURCE}/collect`, { token: admin.idToken, method: 'POST' })).body.id)).status).toBe('succeeded');
    expect(await sandboxCost(admin, window.start, today)).toBe(expectedBilled(window.start, today));
    expect((await api(`/v1/accounts/${DEMO_SANDBOX.id}`, { token: admin.idToken, method: 'DELETE' })).status).toBe(204);
    expectError(await api(`/v1/billing/sources/${SOURCE}`, { token: admin.idToken }), 404);
    expect(await sandboxCost(admin, window.start, today)).toBe(0n);
  });
});
