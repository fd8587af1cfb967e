import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The budgets page against the API: the demo's budgets and one a finops manager creates in the
 * dialog show the status, spend, forecast and amount GET /v1/budgets answers (asked from inside the
 * page with the signed-in token); the history equals GET /v1/budgets/{id}/history; edit and delete
 * go through the API; a viewer sees no write buttons.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Budget {
  id: string;
  name: string;
  amount: string;
  currency: string;
  period: string;
  current: { status: string; spent: string; forecast: string; period: { label: string } };
}

async function api<T>(page: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  return page.evaluate(
    async ({ p, method, body }) => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      const res = await fetch(p, {
        method: method ?? 'GET',
        headers: { authorization: `Bearer ${idToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      if (!res.ok) throw new Error(`${method ?? 'GET'} ${p} answered ${res.status}: ${await res.text()}`);
      return res.status === 204 ? null : res.json();
    },
    { p: path, method: init.method, body: init.body },
  ) as Promise<T>;
}

const money = (amount: string, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);

async function expectRowMatches(page: Page, b: Budget) {
  const row = page.locator(`tr[data-budget-id="${b.id}"]`);
  await row.waitFor();
  expect(await row.getByTestId('budget-status').getAttribute('data-status')).toBe(b.current.status);
  expect((await row.getByTestId('budget-spent').textContent())?.trim()).toBe(money(b.current.spent, b.currency));
  expect((await row.getByTestId('budget-forecast').textContent())?.trim()).toBe(money(b.current.forecast, b.currency));
  expect((await row.getByTestId('budget-amount').textContent())?.trim()).toBe(money(b.amount, b.currency));
}

describe('budgets', () => {
  it('a finops manager creates a budget in the dialog and sees the status the API answers; edits, reads its history, deletes it', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/budgets');
    await page.getByRole('table', { name: 'Budgets' }).waitFor();

    // The demo's seeded budgets, as the API answers them.
    const seeded = await api<{ items: Budget[] }>(page, '/v1/budgets');
    expect(seeded.items.length).toBeGreaterThanOrEqual(2);
    for (const b of seeded.items) await expectRowMatches(page, b);

    // The dialog refuses what the contract refuses, on its field.
    await page.getByRole('button', { name: 'Create budget' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a budget' });
    await dialog.getByLabel('Name').fill('E2E storage');
    await dialog.getByLabel('Amount').fill('-5');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await dialog.getByText('must be a decimal amount').waitFor();
    await dialog.getByLabel('Amount').fill('750.50');
    await dialog.getByLabel('Period').selectOption('quarterly');
    await dialog.getByRole('button', { name: 'Add filter' }).click();
    await dialog.getByLabel('Filter 1 values').fill('Amazon Simple Storage Service');
    await screenshot(page, 'budgets-create-dialog');
    await dialog.getByRole('button', { name: 'Create budget' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const created = (await api<{ items: Budget[] }>(page, '/v1/budgets')).items.find((b) => b.name === 'E2E storage')!;
    expect(created).toMatchObject({ amount: '750.50', period: 'quarterly', filters: { service: ['Amazon Simple Storage Service'] } });
    await expectRowMatches(page, created);
    await screenshot(page, 'budgets-list');

    // Edit: the new amount lands, and the row follows the API.
    await page.getByRole('button', { name: 'Edit E2E storage' }).click();
    const edit = page.getByRole('dialog', { name: 'Edit budget “E2E storage”' });
    await edit.getByLabel('Amount').fill('1000000');
    await edit.getByRole('button', { name: 'Save budget' }).click();
    await edit.waitFor({ state: 'hidden' });
    const edited = await api<Budget>(page, `/v1/budgets/${created.id}`);
    expect(edited.amount).toBe('1000000');
    await page.locator(`tr[data-budget-id="${created.id}"] [data-testid="budget-amount"]`).getByText(money('1000000', 'USD')).waitFor();
    await expectRowMatches(page, edited);

    // History: each past period as GET /v1/budgets/{id}/history answers.
    await page.getByRole('button', { name: 'History of E2E storage' }).click();
    const history = await api<{ items: Array<{ period: { label: string }; actual: string; status: string }> }>(page, `/v1/budgets/${created.id}/history?periods=4`);
    const table = page.getByRole('table', { name: 'History of E2E storage' });
    await table.waitFor();
    for (const item of history.items) {
      const row = table.locator(`tr[data-period="${item.period.label}"]`);
      expect((await row.getByTestId('history-actual').textContent())?.trim()).toBe(money(item.actual, 'USD'));
      expect(await row.getByTestId('budget-status').getAttribute('data-status')).toBe(item.status);
    }
    await screenshot(page, 'budgets-history');

    // Delete, after confirming.
    await page.getByRole('button', { name: 'Delete E2E storage' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete budget' });
    await confirm.getByRole('button', { name: 'Delete budget' }).click();
    await page.locator(`tr[data-budget-id="${created.id}"]`).waitFor({ state: 'detached' });
    expect((await api<{ items: Budget[] }>(page, '/v1/budgets')).items.some((b) => b.id === created.id)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('a viewer sees the budgets and their history, with no write buttons', async () => {
    const { page, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/budgets');
    await page.getByRole('table', { name: 'Budgets' }).waitFor();
    const budgets = await api<{ items: Budget[] }>(page, '/v1/budgets');
    for (const b of budgets.items) await expectRowMatches(page, b);
    expect(await page.getByRole('button', { name: 'Create budget' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^(Edit|Delete) / }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /^History of / }).count()).toBe(budgets.items.length);
    await screenshot(page, 'budgets-viewer');
    expect(errors).toEqual([]);
  });
});
