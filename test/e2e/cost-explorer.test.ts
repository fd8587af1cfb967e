import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SANDBOX } from '../../local/demo/cost-explorer.js';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * Cost Explorer collection in the console, compared with the API (asked from inside the page with
 * the signed-in token): the Accounts page's "Collect costs from Cost Explorer" switch per account,
 * its refusal for an account the demo export already covers, and the Cost Explorer source on the
 * Billing data page with its freshness and "Collect now". The live demo connects Demo Sandbox with
 * collection on (local/seed.ts).
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Source {
  id: string;
  name: string;
  kind: 'upload' | 'bucket' | 'cost-explorer';
  accountId: string | null;
  lastDeliveredAt: string | null;
  lastCollection: { at: string; trigger: string; ingestionId: string } | null;
  periods: Array<{ period: string; status: 'estimated' | 'final' }>;
}
interface Ingestion {
  id: string;
  sourceId: string;
  status: string;
  rowsRead: number;
  periods: string[];
  error: { code: string; message: string } | null;
}

async function api<T>(page: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  return page.evaluate(
    async ({ p, method, body }) => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      const res = await fetch(p, {
        method: method ?? 'GET',
        headers: { authorization: `Bearer ${idToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      return { status: res.status, body: res.status === 204 ? null : await res.json() };
    },
    { p: path, method: init.method, body: init.body },
  ) as Promise<{ status: number; body: T }>;
}

const sources = async (page: Page) => (await api<{ items: Source[] }>(page, '/v1/billing/sources?limit=500')).body.items;
const SANDBOX_SOURCE = `ce-${DEMO_SANDBOX.id}`;
const switchOf = (page: Page, name: string) => page.getByRole('switch', { name: `Collect costs from Cost Explorer for ${name}` });

async function openAccounts(page: Page) {
  await page.getByRole('link', { name: 'Accounts', exact: true }).click();
  await page.waitForURL(/\/accounts$/);
  await page.locator('table[aria-label="Connected accounts"] tbody tr').first().waitFor();
}

describe('Cost Explorer collection in the console', () => {
  it('shows each account’s switch as the billing sources say, and refuses an account the export covers with the API’s reason', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await openAccounts(page);
    const accounts = (await api<{ items: Array<{ id: string; name: string }> }>(page, '/v1/accounts?limit=500')).body.items;
    expect(accounts.map((a) => a.id)).toContain(DEMO_SANDBOX.id);
    const collected = new Set((await sources(page)).filter((s) => s.kind === 'cost-explorer').map((s) => s.accountId));
    expect(collected.has(DEMO_SANDBOX.id)).toBe(true);
    for (const account of accounts) {
      const toggle = switchOf(page, account.name);
      await expect.poll(() => toggle.isChecked()).toBe(collected.has(account.id));
      expect(await toggle.isEnabled()).toBe(true);
    }
    const sandboxRow = page.locator(`tr[data-account-id="${DEMO_SANDBOX.id}"]`);
    await expect.poll(() => sandboxRow.getByTestId('cost-explorer-freshness').textContent()).toMatch(/^Delivered .+ · Billing data$/);

    // The demo export covers the staging account: switching it on is refused with the API's own words.
    const staging = accounts.find((a) => a.id === DEMO_ACCOUNTS.staging.id)!;
    await switchOf(page, staging.name).click();
    const alert = page.locator(`tr[data-account-id="${staging.id}"]`).getByTestId('cost-explorer-refusal');
    await alert.waitFor();
    const refused = await api<{ error: { code: string; message: string } }>(page, '/v1/billing/sources', {
      method: 'POST',
      body: { name: `Cost Explorer: ${staging.name}`, kind: 'cost-explorer', accountId: staging.id },
    });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ACCOUNT_ALREADY_BILLED');
    expect(await alert.textContent()).toBe(refused.body.error.message);
    expect(await switchOf(page, staging.name).isChecked()).toBe(false);
    expect((await sources(page)).filter((s) => s.kind === 'cost-explorer').map((s) => s.accountId)).toEqual([...collected]);
    await screenshot(page, 'accounts-cost-explorer');
    // The refused requests, the switch's and this test's own, each logged by the browser (it reports every 4xx).
    expect(errors).toEqual(Array(2).fill('Failed to load resource: the server responded with a status of 409 (Conflict)'));
    await context.close();
  });

  it('lists the Cost Explorer source on the Billing data page with its freshness, and Collect now ingests as the API reports', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/billing');
    const row = page.locator(`[data-testid="sources"] tr[data-source-id="${SANDBOX_SOURCE}"]`);
    await row.waitFor();
    const source = (await sources(page)).find((s) => s.id === SANDBOX_SOURCE)!;
    expect(await row.locator('td').nth(1).textContent()).toBe('Cost Explorer');
    expect(await row.locator('.billing-source-name').textContent()).toBe(source.name);
    expect(await row.locator('.billing-source-detail').textContent()).toContain(`account ${DEMO_SANDBOX.id}`);
    const estimated = source.periods.filter((p) => p.status === 'estimated').length;
    expect(await row.getByTestId('final-months').textContent()).toBe(`${source.periods.length - estimated} final`);
    if (estimated) expect(await row.getByTestId('estimated-months').textContent()).toBe(`${estimated} estimated`);
    expect(await row.getByTestId('last-collection').textContent()).toMatch(/^Last (daily )?collection .+ \(its ingestion\)$/);

    await row.getByRole('button', { name: `Collect ${source.name} now` }).click();
    const outcome = row.getByTestId('collect-outcome');
    await expect.poll(() => outcome.textContent(), { timeout: 60_000 }).toMatch(/^Collected /);
    const after = (await sources(page)).find((s) => s.id === SANDBOX_SOURCE)!;
    const ingestion = (await api<Ingestion>(page, `/v1/billing/ingestions/${after.lastCollection!.ingestionId}`)).body;
    expect(ingestion).toMatchObject({ sourceId: SANDBOX_SOURCE, status: 'succeeded', error: null });
    expect(await outcome.textContent()).toBe(`Collected ${ingestion.rowsRead.toLocaleString('en-US')} rows (${ingestion.periods.join(', ')})`);
    expect(after.lastCollection!.trigger).toBe('manual');
    await expect.poll(() => row.getByTestId('last-collection').textContent()).toMatch(/^Last collection /);
    await screenshot(page, 'billing-cost-explorer-source');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('lets a viewer see the switch but not use it, and offers no Collect now', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await openAccounts(page);
    const toggle = switchOf(page, DEMO_SANDBOX.name);
    await expect.poll(() => toggle.isChecked()).toBe(true);
    expect(await toggle.isDisabled()).toBe(true);
    await page.goto('/billing');
    await page.locator(`[data-testid="sources"] tr[data-source-id="${SANDBOX_SOURCE}"]`).waitFor();
    expect(await page.getByRole('button', { name: /^Collect .* now$/ }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('switches collection off (removing its costs) and on again from the Accounts page', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    await openAccounts(page);
    const toggle = switchOf(page, DEMO_SANDBOX.name);
    await expect.poll(() => toggle.isChecked()).toBe(true);
    await toggle.click();
    const dialog = page.getByRole('dialog', { name: 'Stop collecting from Cost Explorer' });
    await dialog.getByRole('button', { name: 'Stop collecting' }).click();
    await expect.poll(() => toggle.isChecked()).toBe(false);
    expect((await sources(page)).some((s) => s.id === SANDBOX_SOURCE)).toBe(false);
    const month = new Date().toISOString().slice(0, 7);
    const breakdown = async () =>
      (await api<{ total: string }>(page, `/v1/costs/breakdown?start=${month}-01&end=${new Date().toISOString().slice(0, 10)}&groupBy=account&filter[account]=${DEMO_SANDBOX.id}`)).body.total;
    expect(Number(await breakdown())).toBe(0);

    await toggle.click();
    await expect.poll(() => toggle.isChecked()).toBe(true);
    const created = (await sources(page)).find((s) => s.id === SANDBOX_SOURCE)!;
    expect(created).toMatchObject({ kind: 'cost-explorer', accountId: DEMO_SANDBOX.id, lastDeliveredAt: null });
    // Put the demo back as it was: collected.
    const started = await api<Ingestion>(page, `/v1/billing/sources/${SANDBOX_SOURCE}/collect`, { method: 'POST' });
    expect(started.status).toBe(202);
    await expect.poll(async () => (await api<Ingestion>(page, `/v1/billing/ingestions/${started.body.id}`)).body.status, { timeout: 60_000 }).toBe('succeeded');
    if (new Date().getUTCDate() > 1) expect(Number(await breakdown())).toBeGreaterThan(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
