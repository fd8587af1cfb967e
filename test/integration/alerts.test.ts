import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../shared/alerts/http.js';
import { addDays } from '../../shared/costs/dates.js';
import { addUser, api, baseUrl, expectError, newTenant, type Session } from './helpers.js';

/**
 * Alert channels through the real local platform, with a real HTTP receiver on this machine:
 * webhooks are really sent. The test-send reaches Slack (Block Kit) and webhook (HMAC-signed)
 * receivers; after an ingestion, the analysis workflow's alert step sends one alert per budget
 * threshold per period and per new anomaly, and a second run sends none of them again.
 */

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

let receiver: Server;
let receiverUrl: string;
const received: Received[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(req.url?.startsWith('/down') ? 503 : 200).end('ok');
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((ok) => receiver.close(ok));
});

const at = (path: string) => received.filter((r) => r.path === path);

// ---- A small export of our own, to yesterday: two services, a spike three days before the end ----

const HEADER = 'BillingPeriodStart,BillingPeriodEnd,ChargePeriodStart,ChargePeriodEnd,BillingCurrency,BilledCost,EffectiveCost,ListCost,ChargeCategory,ServiceName,SubAccountId,SubAccountName,RegionId,ResourceId,x_UsageType';
const yesterday = () => addDays(new Date().toISOString().slice(0, 10), -1);

function exportCsv(end: string): string {
  const lines = [HEADER];
  const spike = addDays(end, -2);
  for (let date = addDays(end, -90); date <= end; date = addDays(date, 1)) {
    const month = date.slice(0, 7);
    const next = `${addDays(`${month}-28`, 7).slice(0, 7)}-01`;
    const weekend = [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
    const day = Number(date.slice(8));
    for (const [service, usageType, base] of [
      ['Amazon EC2', 'USE1-BoxUsage:m5.large', 400],
      ['Amazon S3', 'USE1-Requests-Tier1', 120],
    ] as const) {
      let cost = base * (weekend ? 0.6 : 1) * (1 + 0.02 * Math.sin(day * 1.7 + base));
      if (service === 'Amazon S3' && date === spike) cost += 2500;
      const amount = cost.toFixed(4);
      lines.push(`${month}-01T00:00:00Z,${next}T00:00:00Z,${date}T00:00:00Z,${addDays(date, 1)}T00:00:00Z,USD,${amount},${amount},${amount},Usage,${service},111122223333,prod,us-east-1,,${usageType}`);
    }
  }
  return lines.join('\n') + '\n';
}

async function ingest(session: Session, sourceId: string, csv: string): Promise<void> {
  const created = await api('/v1/billing/uploads', { token: session.idToken, body: { sourceId, fileName: 'usage.csv', contentType: 'text/csv' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const put = await fetch(created.body.target.url, { method: 'PUT', headers: created.body.target.headers, body: csv });
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

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < ms) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('alert channels', () => {
  let owner: Session;
  beforeAll(async () => {
    owner = await newTenant('alerts');
  });

  it('keeps the Slack URL secret, test-sends a Block Kit message that links to the console', async () => {
    const created = await api('/v1/alert-channels', { token: owner.idToken, body: { kind: 'slack', name: 'FinOps Slack', webhookUrl: `${receiverUrl}/slack/T000/B000/XXXXsecretpart` } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.signingSecret).toBeNull();
    const channel = created.body.channel;
    expect(channel).toMatchObject({ kind: 'slack', name: 'FinOps Slack', events: ['budget', 'anomaly'], minSeverity: 'medium', digest: false, status: 'active', lastDelivery: null });
    expect(JSON.stringify(created.body)).not.toContain('XXXXsecretpart');
    expect(channel.target).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…•••part$/);
    const listed = await api('/v1/alert-channels', { token: owner.idToken });
    expect(JSON.stringify(listed.body)).not.toContain('secretpart/');
    expect(listed.body.items.map((c: any) => c.id)).toContain(channel.id);

    const test = await api(`/v1/alert-channels/${channel.id}/test`, { method: 'POST', token: owner.idToken });
    expect(test.status, JSON.stringify(test.body)).toBe(200);
    expect(test.body).toMatchObject({ delivered: true, detail: '200' });
    const [message] = at('/slack/T000/B000/XXXXsecretpart');
    expect(message).toBeDefined();
    expect(message!.headers['content-type']).toBe('application/json');
    const payload = JSON.parse(message!.body);
    expect(payload.text).toBe('Test alert from CloudOptima to "FinOps Slack"');
    expect(payload.blocks.map((b: any) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(payload.blocks[0].text).toMatchObject({ type: 'plain_text', text: payload.text });
    expect(payload.blocks[2].elements[0]).toMatchObject({ type: 'button', url: `${baseUrl()}/settings/alert-channels` });
    const after = await api(`/v1/alert-channels/${channel.id}`, { token: owner.idToken });
    expect(after.body.lastDelivery).toMatchObject({ ok: true, detail: '200' });
  });

  it('signs webhook bodies with HMAC-SHA256; the secret is shown once; a failing receiver is reported', async () => {
    const created = await api('/v1/alert-channels', { token: owner.idToken, body: { kind: 'webhook', name: 'Ops hook', url: `${receiverUrl}/hook` } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const secret: string = created.body.signingSecret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    const read = await api(`/v1/alert-channels/${created.body.channel.id}`, { token: owner.idToken });
    expect(JSON.stringify(read.body)).not.toContain(secret);

    const test = await api(`/v1/alert-channels/${created.body.channel.id}/test`, { method: 'POST', token: owner.idToken });
    expect(test.body).toMatchObject({ delivered: true, detail: '200' });
    const [hook] = at('/hook');
    const signature = hook!.headers['x-cloudoptima-signature'] as string;
    expect(signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(verifySignature(secret, hook!.body, signature, Math.floor(Date.now() / 1000))).toBe(true);
    expect(verifySignature(secret, hook!.body.replace('Ops hook', 'Ops hack'), signature, Math.floor(Date.now() / 1000))).toBe(false);
    expect(verifySignature('whsec_wrong', hook!.body, signature, Math.floor(Date.now() / 1000))).toBe(false);
    const body = JSON.parse(hook!.body);
    expect(body).toMatchObject({ tenantId: owner.tenantId, headline: 'Test alert from CloudOptima to "Ops hook"', alert: { type: 'test', channelName: 'Ops hook' } });

    const down = await api('/v1/alert-channels', { token: owner.idToken, body: { kind: 'webhook', name: 'Down', url: `${receiverUrl}/down` } });
    const failed = await api(`/v1/alert-channels/${down.body.channel.id}/test`, { method: 'POST', token: owner.idToken });
    expect(failed.body).toMatchObject({ delivered: false, detail: '503' });
    await api(`/v1/alert-channels/${down.body.channel.id}`, { method: 'DELETE', token: owner.idToken });
  });

  it('records email locally (the SNS stand-in) and refuses bad input with field-level details', async () => {
    const created = await api('/v1/alert-channels', { token: owner.idToken, body: { kind: 'email', name: 'Finance', address: 'Finance@Example.com', digest: true } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.channel).toMatchObject({ kind: 'email', target: 'f•••@example.com', status: 'active', digest: true });
    const test = await api(`/v1/alert-channels/${created.body.channel.id}/test`, { method: 'POST', token: owner.idToken });
    expect(test.body.delivered).toBe(true);
    expect(test.body.detail).toMatch(/^recorded locally \(tenants\/.+\/alerts\/email\/.+\.json\)$/);

    const cases: Array<[Record<string, unknown>, string]> = [
      [{ kind: 'slack', name: 'x', webhookUrl: 'not a url' }, 'body.webhookUrl'],
      [{ kind: 'slack', name: 'x', webhookUrl: 'ftp://example.com/x' }, 'body.webhookUrl'],
      [{ kind: 'email', name: 'x', address: 'nope' }, 'body.address'],
      [{ kind: 'pager', name: 'x' }, 'body.kind'],
      [{ kind: 'webhook', name: 'x', url: 'https://example.com', events: [] }, 'body.events'],
      [{ kind: 'webhook', name: '', url: 'https://example.com' }, 'body.name'],
    ];
    for (const [body, field] of cases) {
      const error = expectError(await api('/v1/alert-channels', { token: owner.idToken, body }), 400);
      expect(error.details.map((d: any) => d.field), JSON.stringify(body)).toContain(field);
    }
    expectError(await api(`/v1/alert-channels/${created.body.channel.id}`, { method: 'PATCH', token: owner.idToken, body: { minSeverity: 'huge' } }), 400);
    const patched = await api(`/v1/alert-channels/${created.body.channel.id}`, { method: 'PATCH', token: owner.idToken, body: { minSeverity: 'low', events: ['anomaly'] } });
    expect(patched.body).toMatchObject({ minSeverity: 'low', events: ['anomaly'] });
    expect((await api(`/v1/alert-channels/${created.body.channel.id}`, { method: 'DELETE', token: owner.idToken })).status).toBe(204);
    expectError(await api(`/v1/alert-channels/${created.body.channel.id}/test`, { method: 'POST', token: owner.idToken }), 404);
  });

  it("another tenant's channel answers 404 to read, change, test and delete; a viewer cannot write", async () => {
    const mine = await api('/v1/alert-channels', { token: owner.idToken, body: { kind: 'webhook', name: 'Private', url: `${receiverUrl}/private` } });
    const other = await newTenant('alerts-other');
    const id = mine.body.channel.id;
    expectError(await api(`/v1/alert-channels/${id}`, { token: other.idToken }), 404);
    expectError(await api(`/v1/alert-channels/${id}`, { method: 'PATCH', token: other.idToken, body: { name: 'Mine now' } }), 404);
    expectError(await api(`/v1/alert-channels/${id}/test`, { method: 'POST', token: other.idToken }), 404);
    expectError(await api(`/v1/alert-channels/${id}`, { method: 'DELETE', token: other.idToken }), 404);
    expect((await api('/v1/alert-channels', { token: other.idToken })).body.items).toEqual([]);
    expect(at('/private')).toHaveLength(0);
    expect((await api(`/v1/alert-channels/${id}`, { token: owner.idToken })).body.name).toBe('Private');

    const viewer = await addUser(owner, 'viewer');
    expect((await api('/v1/alert-channels', { token: viewer.idToken })).status).toBe(200);
    expectError(await api('/v1/alert-channels', { token: viewer.idToken, body: { kind: 'webhook', name: 'x', url: `${receiverUrl}/x` } }), 403);
    expectError(await api(`/v1/alert-channels/${id}/test`, { method: 'POST', token: viewer.idToken }), 403);
    await api(`/v1/alert-channels/${id}`, { method: 'DELETE', token: owner.idToken });
  });
});

describe('alert delivery after the analysis workflow', () => {
  it('sends one alert per budget threshold per period and one per new anomaly, and never again on a re-run', async () => {
    const session = await newTenant('alert-delivery');
    const hook = await api('/v1/alert-channels', { token: session.idToken, body: { kind: 'webhook', name: 'All', url: `${receiverUrl}/delivery/${session.tenantId}`, minSeverity: 'low', digest: true } });
    const slack = await api('/v1/alert-channels', { token: session.idToken, body: { kind: 'slack', name: 'Budgets only', webhookUrl: `${receiverUrl}/delivery-slack/${session.tenantId}`, events: ['budget'] } });
    const secret = hook.body.signingSecret as string;
    // Spent this month will be far over 1 USD: every threshold is crossed.
    const budget = await api('/v1/budgets', { token: session.idToken, body: { name: 'Tiny', amount: '1', period: 'monthly' } });
    expect(budget.body.current.status).toBe('on_track');

    const csv = exportCsv(yesterday());
    const sourceId = (await api('/v1/billing/sources', { token: session.idToken, body: { name: 'Test export', kind: 'upload' } })).body.id;
    await ingest(session, sourceId, csv);
    expect((await api(`/v1/budgets/${budget.body.id}`, { token: session.idToken })).body.current.status).toBe('exceeded');
    const hookPath = `/delivery/${session.tenantId}`;
    const slackPath = `/delivery-slack/${session.tenantId}`;
    // The three budget thresholds reach both channels (the budget's current period), the digest the webhook.
    await until(() => at(slackPath).length >= 3 && at(hookPath).some((r) => JSON.parse(r.body).alert.type === 'digest'), 'the alert step');

    const hookAlerts = at(hookPath).map((r) => ({ ...JSON.parse(r.body), signature: r.headers['x-cloudoptima-signature'], raw: r.body }));
    for (const a of hookAlerts) expect(verifySignature(secret, a.raw, a.signature, Math.floor(Date.now() / 1000))).toBe(true);
    const budgetAlerts = hookAlerts.filter((a) => a.alert.type === 'budget_threshold').map((a) => `${a.alert.threshold.on}:${a.alert.threshold.percent}`).sort();
    expect(budgetAlerts).toEqual(['actual:100', 'actual:80', 'forecasted:100']);
    const slackTexts = at(slackPath).map((r) => JSON.parse(r.body).text).sort();
    expect(slackTexts).toHaveLength(3);
    expect(slackTexts.every((t: string) => t.startsWith('Budget "Tiny":'))).toBe(true);
    for (const r of at(slackPath)) expect(JSON.parse(r.body).blocks[2].elements[0].url).toMatch(/\/budgets$/);

    // Anomalies: exactly the active ones that ended within a week of the data's last day, once each.
    const anomalies = (await api('/v1/anomalies?status=active&limit=500', { token: session.idToken })).body.items.filter((a: any) => !a.suppressed && a.endDate >= addDays(yesterday(), -7));
    expect(anomalies.length).toBeGreaterThan(0);
    const anomalyAlerts = hookAlerts.filter((a) => a.alert.type === 'anomaly');
    expect(anomalyAlerts.map((a) => a.alert.anomalyId).sort()).toEqual(anomalies.map((a: any) => a.id).sort());
    expect(anomalyAlerts[0].link).toMatch(new RegExp(`/anomalies/${anomalyAlerts[0].alert.anomalyId}$`));
    expect(hookAlerts.filter((a) => a.alert.type === 'digest')).toHaveLength(1);

    // Re-ingesting runs the whole workflow again: nothing is sent twice.
    const before = { hook: at(hookPath).length, slack: at(slackPath).length };
    const rerun = new Date().toISOString();
    await ingest(session, sourceId, csv);
    // The analysis re-upserts the anomalies (updatedAt), then the alert step runs: give it time to (not) send.
    await until(async () => (await api('/v1/anomalies?limit=500', { token: session.idToken })).body.items.some((a: any) => a.updatedAt > rerun), 'the second analysis');
    await new Promise((r) => setTimeout(r, 5000));
    expect({ hook: at(hookPath).length, slack: at(slackPath).length }).toEqual(before);
    // The period was recorded by the budget check: the history of past months holds its amount.
    expect((await api(`/v1/budgets/${budget.body.id}/history?periods=1`, { token: session.idToken })).status).toBe(200);
  });
});
