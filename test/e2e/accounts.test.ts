import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The Accounts and Inventory pages against the API: each row, badge, count and report the pages
 * show is compared with what /v1/accounts and /v1/inventory answer (asked from inside the page with
 * the signed-in token); connect, test, sync and disconnect go through the pages' own controls.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface SyncRun {
  runId: string;
  status: 'running' | 'succeeded' | 'partial' | 'failed';
  resources: Record<string, number>;
  regions: string[];
  warnings: Array<{ service: string }>;
}
interface Account {
  id: string;
  name: string;
  status: 'pending' | 'connected' | 'error';
  lastSync: SyncRun | null;
  lastTest: { ok: boolean; assumed: boolean; missing: string[] } | null;
}
interface Resource {
  resourceId: string;
  type: string;
  accountId: string;
  region: string;
  name: string | null;
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

const accounts = async (page: Page) => (await api<{ items: Account[] }>(page, '/v1/accounts?limit=500')).items;
const settled = async (page: Page) => {
  await expect.poll(async () => (await accounts(page)).every((a) => a.lastSync !== null && a.lastSync.status !== 'running'), { timeout: 60_000 }).toBe(true);
  return accounts(page);
};
const SYNC_LABELS = { running: 'Syncing…', succeeded: 'Synced', partial: 'Partly synced', failed: 'Sync failed' } as const;
const total = (run: SyncRun | null) => (run ? Object.values(run.resources).reduce((a, b) => a + b, 0) : 0);

/** The accounts table as shown: id, name, sync badge, resource count. */
function shownAccounts(page: Page): Promise<string[][]> {
  return page.locator('table[aria-label="Connected accounts"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [
      tr.getAttribute('data-account-id') ?? '',
      (tr.querySelector('.cell-primary')?.textContent ?? '').trim(),
      (tr.querySelector('[data-testid="last-sync"] .badge')?.textContent ?? '').trim(),
      (tr.querySelector('[data-testid="resources"] a')?.textContent ?? '').trim(),
    ]),
  );
}
const expectedAccounts = (items: Account[]) =>
  items.map((a) => [a.id, a.name, a.lastSync ? SYNC_LABELS[a.lastSync.status] : 'Never synced', a.lastSync && a.lastSync.status !== 'failed' && a.lastSync.status !== 'running' ? total(a.lastSync).toLocaleString('en-US') : '']);

describe('the Accounts page', () => {
  it('lists the connected accounts with their last sync as GET /v1/accounts answers, and reports a test', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.getByRole('link', { name: 'Accounts', exact: true }).click();
    await page.waitForURL(/\/accounts$/);
    const items = await settled(page);
    // The five demo accounts and Demo Sandbox, whose costs come from Cost Explorer (test/e2e/cost-explorer.test.ts).
    expect(items).toHaveLength(6);
    await expect.poll(() => shownAccounts(page), { timeout: 15_000 }).toEqual(expectedAccounts(items));
    await screenshot(page, 'accounts');

    // The management account's recorded role lacks one permission: the report names exactly it.
    const management = items.find((a) => a.lastSync?.status === 'partial')!;
    await page.getByRole('button', { name: `Test ${management.name}` }).click();
    const report = page.getByTestId('test-report');
    await report.waitFor({ timeout: 15_000 });
    const tested = await api<Account>(page, `/v1/accounts/${management.id}`);
    expect(tested.lastTest!.missing).toEqual(['logs:DescribeLogGroups']);
    expect(await report.locator('tr[data-status="missing"] td:first-child').allTextContents()).toEqual(tested.lastTest!.missing);
    expect(await report.locator('tr[data-status="granted"]').count()).toBeGreaterThan(10);
    await expect.poll(() => report.getByRole('status').or(report.getByRole('alert')).first().textContent()).toContain('logs:DescribeLogGroups');
    await screenshot(page, 'accounts-test');
    await page.getByRole('button', { name: 'Close' }).last().click();
    await expect.poll(() => page.locator(`tr[data-account-id="${management.id}"] [data-testid="permissions"]`).textContent()).toBe('1 missing');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('connects an account through the dialog (ExternalId from the API), tests it, syncs it and disconnects it', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/accounts');
    await settled(page);
    const onboarding = await api<{ externalId: string; quickCreateUrl: string | null }>(page, '/v1/accounts/onboarding');

    await page.getByRole('button', { name: 'Connect account' }).click();
    const dialog = page.getByRole('dialog', { name: 'Connect an AWS account' });
    await expect.poll(() => dialog.getByTestId('external-id').textContent(), { timeout: 15_000 }).toBe(onboarding.externalId);
    // Locally no template is published for a quick-create link: the dialog says so and offers the template.
    expect(onboarding.quickCreateUrl).toBeNull();
    await dialog.getByTestId('no-quick-create').waitFor();
    expect(await dialog.getByTestId('template-download').getAttribute('download')).toBe('cloudoptima-readonly-role.json');
    // The contract refuses a role that is not on the template's path, before any call.
    await dialog.getByLabel('Role ARN').fill('arn:aws:iam::123456789012:role/Admin');
    await dialog.getByLabel('Name').fill('sandbox');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => dialog.locator('.field-error').first().textContent()).toContain('/cloudoptima/');
    await screenshot(page, 'accounts-connect');
    await dialog.getByLabel('Role ARN').fill('arn:aws:iam::123456789012:role/cloudoptima/CloudOptimaReadOnly');
    await dialog.getByRole('button', { name: 'Connect' }).click();
    const row = page.locator('tr[data-account-id="123456789012"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.locator('.cell-primary').textContent()).toBe('sandbox');

    // No recorded role answers for it: the test says the role cannot be assumed.
    await page.getByRole('button', { name: 'Test sandbox' }).click();
    await expect.poll(() => page.getByTestId('test-report').textContent(), { timeout: 15_000 }).toContain('could not be assumed');
    await page.getByRole('button', { name: 'Close' }).last().click();
    await expect.poll(() => row.locator('[data-testid="permissions"]').textContent()).toBe('Role not assumable');

    // Its sync fails alone, with the reason the API records.
    await page.getByRole('button', { name: 'Sync sandbox now' }).click();
    await expect.poll(async () => (await api<SyncRun | null>(page, '/v1/accounts/123456789012/sync'))?.status, { timeout: 30_000 }).toBe('failed');
    await expect.poll(() => row.locator('[data-testid="last-sync"] .badge').textContent(), { timeout: 15_000 }).toBe('Sync failed');

    // Disconnect asks first; then the row and the account are gone.
    await page.getByRole('button', { name: 'Disconnect sandbox' }).click();
    const confirm = page.getByRole('dialog', { name: 'Disconnect account' });
    expect(await confirm.textContent()).toContain('123456789012');
    await confirm.getByRole('button', { name: 'Disconnect' }).click();
    await row.waitFor({ state: 'detached', timeout: 15_000 });
    expect((await accounts(page)).map((a) => a.id)).not.toContain('123456789012');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('syncs an account now and shows the new run when it ends', async () => {
    const { page, context } = await openConsole(browser);
    await signIn(page, DEMO_USERS.engineer);
    await page.goto('/accounts');
    const before = (await settled(page)).find((a) => a.name === 'demo-staging')!;
    // An engineer may sync, not connect, test or disconnect.
    await page.getByRole('button', { name: 'Sync demo-staging now' }).waitFor({ timeout: 15_000 });
    expect(await page.getByRole('button', { name: 'Connect account' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Test demo-staging' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sync demo-staging now' }).click();
    await expect.poll(async () => (await api<Account>(page, `/v1/accounts/${before.id}`)).lastSync?.runId, { timeout: 15_000 }).not.toBe(before.lastSync!.runId);
    const after = (await settled(page)).find((a) => a.id === before.id)!;
    expect(after.lastSync!.status).toBe('succeeded');
    await expect.poll(() => page.locator(`tr[data-account-id="${before.id}"] [data-testid="resources"] a`).textContent(), { timeout: 15_000 }).toBe(String(total(after.lastSync)));
    await context.close();
  });

  it('shows a viewer the accounts without any control', async () => {
    const { page, context } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/accounts');
    const items = await settled(page);
    await expect.poll(() => shownAccounts(page), { timeout: 15_000 }).toEqual(expectedAccounts(items));
    expect(await page.getByRole('button', { name: /^(Connect account|Test |Sync |Disconnect )/ }).count()).toBe(0);
    await context.close();
  });
});

describe('the Inventory page', () => {
  const shownIds = (page: Page) => page.locator('table[aria-label="Resources"] tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-resource-id') ?? ''));

  it('shows the resources as GET /v1/inventory answers, filters them through the URL, and loads more', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    await page.getByRole('link', { name: 'Inventory', exact: true }).click();
    await page.waitForURL(/\/inventory$/);
    await settled(page);
    const first = await api<{ items: Resource[]; nextCursor: string | null }>(page, '/v1/inventory?limit=100');
    expect(first.nextCursor, 'the demo has more than one page of resources').not.toBeNull();
    await expect.poll(() => shownIds(page), { timeout: 15_000 }).toEqual(first.items.map((r) => r.resourceId));
    const second = await api<{ items: Resource[] }>(page, `/v1/inventory?limit=100&cursor=${encodeURIComponent(first.nextCursor!)}`);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => shownIds(page)).toEqual([...first.items, ...second.items].map((r) => r.resourceId).slice(0, 200));
    await screenshot(page, 'inventory');

    // Type, then account: the URL carries the API's own filter, the rows are the API's answer to it.
    await page.getByLabel('Type').selectOption('ec2-instance');
    await expect.poll(() => new URL(page.url()).searchParams.get('type')).toBe('ec2-instance');
    const instances = await api<{ items: Resource[] }>(page, '/v1/inventory?limit=100&type=ec2-instance');
    await expect.poll(() => shownIds(page)).toEqual(instances.items.map((r) => r.resourceId));
    const staging = instances.items.find((r) => r.name === 'staging-loadgen')!;
    await page.getByLabel('Account').selectOption(staging.accountId);
    const filtered = await api<{ items: Resource[] }>(page, `/v1/inventory?limit=100&type=ec2-instance&account=${staging.accountId}`);
    await expect.poll(() => shownIds(page)).toEqual(filtered.items.map((r) => r.resourceId));
    // The idle load generator shows its low CPU, as the API's metrics say.
    const shown = await page.locator(`tr[data-resource-id="${staging.resourceId}"] [data-testid="utilization"]`).textContent();
    expect(shown).toMatch(/^CPU \d(\.\d)? % avg, \d(\.\d)? % max$/);
    await screenshot(page, 'inventory-filtered');

    // A region nothing is in: said plainly, with the way back.
    await page.goto(`/inventory?type=nat-gateway&account=${staging.accountId}&region=ap-southeast-2`);
    const none = await api<{ items: Resource[] }>(page, `/v1/inventory?type=nat-gateway&account=${staging.accountId}&region=ap-southeast-2`);
    expect(none.items).toEqual([]);
    await page.getByText('No resources match these filters').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await expect.poll(() => shownIds(page)).toEqual(first.items.map((r) => r.resourceId));
    expect(errors).toEqual([]);
    await context.close();
  });
});
