import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * Connecting an AWS Organization from the Accounts page: the dialog lists the organization through
 * the connected management account exactly as GET /v1/accounts/{id}/organization answers, connects
 * the chosen accounts, and the Accounts table shows them.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Member {
  id: string;
  name: string;
  status: string;
  connected: boolean;
  connectable: boolean;
}
interface Listing {
  organizationId: string;
  managementAccountId: string;
  accounts: Member[];
}

async function api<T>(page: Page, path: string, method = 'GET'): Promise<T> {
  return page.evaluate(
    async ({ p, m }) => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      const res = await fetch(p, { method: m, headers: { authorization: `Bearer ${idToken}` } });
      if (!res.ok) throw new Error(`${m} ${p} answered ${res.status}: ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    },
    { p: path, m: method },
  ) as Promise<T>;
}

describe('connecting an AWS Organization', () => {
  it('lists the organization through the management account as the API does and connects the chosen account', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/accounts');
    const accounts = (await api<{ items: Array<{ id: string; name: string }> }>(page, '/v1/accounts?limit=500')).items;
    const management = accounts.find((a) => a.name.includes('management'))!;
    const onboarding = await api<{ externalId: string; quickCreateUrl: string | null }>(page, '/v1/accounts/onboarding/organization');

        await page.getByRole('button', { name: 'Connect organization' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect an AWS Organization' });
    // Locally no template is published: the dialog offers the template with the tenant's ExternalId.
    expect(onboarding.quickCreateUrl).toBeNull();
    await expect.poll(() => dialog.getByTestId('org-external-id').textContent(), { timeout: 15_000 }).toBe(onboarding.externalId);

        await dialog.getByLabel('Management account').selectOption(management.id);
    await dialog.getByRole('button', { name: 'List accounts' }).click();
    const listing = await api<Listing>(page, `/v1/accounts/${management.id}/organization`);
    const rows = dialog.locator('table[aria-label="Organization accounts"] tbody tr');
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(listing.accounts.length);
    const shown = await rows.evaluateAll((trs) =>
      trs.map((tr) => {
        const box = tr.querySelector('input[type="checkbox"]') as HTMLInputElement;
        return { id: tr.getAttribute('data-org-account-id'), checked: box.checked, enabled: !box.disabled, badge: tr.querySelector('.badge')?.textContent };
      }),
    );
    expect(shown).toEqual(
      listing.accounts.map((a) => ({
        id: a.id,
        checked: a.connectable,
        enabled: a.connectable,
        badge: a.connected ? 'Connected' : a.status === 'ACTIVE' ? 'Not connected' : a.status.toLowerCase().replace('_', ' '),
      })),
    );
    const connectable = listing.accounts.filter((a) => a.connectable);
    expect(connectable.length).toBeGreaterThan(0);
    expect(listing.accounts.some((a) => !a.connectable && !a.connected)).toBe(true);
        await screenshot(page, 'accounts-organization');

    // Connect only the first connectable account, without collecting it now.
    for (const other of connectable.slice(1)) await dialog.getByRole('checkbox', { name: `Connect ${other.name}` }).uncheck();
    await dialog.getByRole('checkbox', { name: /Collect them now/ }).uncheck();
    const target = connectable[0]!;
        await dialog.getByRole('button', { name: 'Connect 1 account' }).click();
    await dialog.getByTestId('org-result').waitFor({ timeout: 15_000 });
    expect(await dialog.getByTestId('org-result').textContent()).toBe('Connected 1 account.');
    // The dialog lists the organization again: the account is now connected.
    await expect.poll(() => dialog.locator(`tr[data-org-account-id="${target.id}"] .badge`).textContent()).toBe('Connected');
    await dialog.getByRole('button', { name: 'Close' }).last().click();

    const row = page.locator(`tr[data-account-id="${target.id}"]`);
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('.cell-primary').textContent()).toBe(target.name);
    const connected = await api<{ id: string; status: string; roleArn: string; lastSync: unknown }>(page, `/v1/accounts/${target.id}`);
    expect(connected).toMatchObject({ status: 'pending', roleArn: `arn:aws:iam::${target.id}:role/cloudoptima/CloudOptimaReadOnly`, lastSync: null });

    // Leave the demo organization as it was for the other tests.
    await api(page, `/v1/accounts/${target.id}`, 'DELETE');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('offers no organization connect to a role that cannot connect accounts', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/accounts');
    await page.locator('table[aria-label="Connected accounts"]').waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Connect organization' }).count()).toBe(0);
    expect(errors).toEqual([]);
    await context.close();
  });
});
