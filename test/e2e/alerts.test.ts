import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifySignature } from '../../shared/alerts/http.js';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The alert channels page against the API and a real HTTP receiver started here: a finops
 * manager adds a webhook channel (its signing secret shown once), sends a test and sees the result,
 * and the receiver gets a body whose HMAC verifies with that secret; a Slack channel's test is a
 * Block Kit message; a viewer sees the channels with no write buttons.
 */

let browser: Browser;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ path: string; headers: IncomingHttpHeaders; body: string }> = [];
beforeAll(async () => {
  browser = await launchBrowser();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((ok) => receiver.listen(0, '127.0.0.1', ok));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await browser?.close();
  await new Promise((ok) => receiver.close(ok));
});

async function api<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
    const res = await fetch(p, { headers: { authorization: `Bearer ${idToken}` } });
    if (!res.ok) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }, path) as Promise<T>;
}

interface Channel {
  id: string;
  name: string;
  kind: string;
  target: string;
  lastDelivery: { ok: boolean; detail: string } | null;
}

describe('alert channels', () => {
  it('a finops manager adds a webhook channel, copies its secret, test-sends, and the receiver verifies the signature', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/settings/alert-channels');
    await page.getByRole('heading', { name: 'Alert channels' }).waitFor();

    await page.getByRole('button', { name: 'Add channel' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add an alert channel' });
    await dialog.getByLabel('Kind').selectOption('webhook');
    await dialog.getByLabel('Name').fill('E2E receiver');
    await dialog.getByLabel('Webhook URL').fill('not a url');
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await dialog.getByText('must be an http(s) URL').waitFor();
    await dialog.getByLabel('Webhook URL').fill(`${receiverUrl}/e2e-hook`);
    await screenshot(page, 'alert-channels-add');
    await dialog.getByRole('button', { name: 'Add channel' }).click();

    const secretDialog = page.getByRole('dialog', { name: 'Copy the signing secret' });
    const secret = await secretDialog.getByTestId('webhook-secret').inputValue();
    expect(secret).toMatch(/^whsec_/);
    await screenshot(page, 'alert-channels-secret');
    await secretDialog.getByRole('button', { name: 'Done' }).click();

    const channels = await api<{ items: Channel[] }>(page, '/v1/alert-channels');
    const channel = channels.items.find((c) => c.name === 'E2E receiver')!;
    expect(JSON.stringify(channels)).not.toContain(secret);
    const row = page.locator(`tr[data-channel-id="${channel.id}"]`);
    expect((await row.getByTestId('channel-target').textContent())?.trim()).toBe(channel.target);

    await row.getByRole('button', { name: 'Send a test to E2E receiver' }).click();
    await row.getByTestId('test-result').getByText('Test delivered (200)').waitFor();
    const [hook] = received.filter((r) => r.path === '/e2e-hook');
    expect(hook).toBeDefined();
    expect(verifySignature(secret, hook!.body, hook!.headers['x-cloudoptima-signature'] as string, Math.floor(Date.now() / 1000))).toBe(true);
    expect(JSON.parse(hook!.body)).toMatchObject({ headline: 'Test alert from CloudOptima to "E2E receiver"', alert: { type: 'test' } });
    // The channel records the delivery, and the page shows what the API answers.
    const after = (await api<{ items: Channel[] }>(page, '/v1/alert-channels')).items.find((c) => c.id === channel.id)!;
    expect(after.lastDelivery).toMatchObject({ ok: true, detail: '200' });
    await row.getByTestId('channel-last-delivery').getByText('Delivered').waitFor();
    await screenshot(page, 'alert-channels-tested');
    expect(errors).toEqual([]);
  });

  it('a Slack channel test is a Block Kit message linking to the console; deleting asks first', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/settings/alert-channels');
    await page.getByRole('button', { name: 'Add channel' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add an alert channel' });
    await dialog.getByLabel('Name').fill('E2E Slack');
    await dialog.getByLabel('Slack webhook URL').fill(`${receiverUrl}/services/T1/B1/e2esecret`);
    await dialog.getByRole('button', { name: 'Add channel' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const row = page.locator('tr[data-channel-name="E2E Slack"]');
    expect(await row.getByTestId('channel-target').textContent()).not.toContain('e2esecret');
    await row.getByRole('button', { name: 'Send a test to E2E Slack' }).click();
    await row.getByTestId('test-result').getByText('Test delivered (200)').waitFor();
    const payload = JSON.parse(received.find((r) => r.path === '/services/T1/B1/e2esecret')!.body);
    expect(payload.blocks.map((b: { type: string }) => b.type)).toEqual(['header', 'section', 'actions']);
    expect(payload.blocks[2].elements[0].url).toBe(new URL('/settings/alert-channels', page.url()).toString());

    await row.getByRole('button', { name: 'Delete E2E Slack' }).click();
    await page.getByRole('dialog', { name: 'Delete alert channel' }).getByRole('button', { name: 'Delete channel' }).click();
    await row.waitFor({ state: 'detached' });
    expect((await api<{ items: Channel[] }>(page, '/v1/alert-channels')).items.some((c) => c.name === 'E2E Slack')).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a viewer sees the channels and no write buttons', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/settings/alert-channels');
    await page.getByRole('heading', { name: 'Alert channels' }).waitFor();
    const channels = await api<{ items: Channel[] }>(page, '/v1/alert-channels');
    // The webhook channel the finops manager added above.
    expect(channels.items.length).toBeGreaterThan(0);
    await page.getByRole('table', { name: 'Alert channels' }).waitFor();
    for (const c of channels.items) expect(await page.locator(`tr[data-channel-id="${c.id}"]`).count()).toBe(1);
    expect(await page.getByRole('button', { name: /Add channel|Send a test|Delete/ }).count()).toBe(0);
    await screenshot(page, 'alert-channels-viewer');
    expect(errors).toEqual([]);
  });
});
