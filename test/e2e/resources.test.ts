import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The resources pages against GET /v1/resources and /v1/resources/{id} (asked from inside the page
 * with the signed-in token): the list, its filters and search through the URL, and a resource's
 * detail (utilization, configuration, tags, billed cost, its recommendations). Nothing hard-coded.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Row {
  id: string;
  resourceId: string;
  type: string;
  accountId: string;
  region: string;
  name: string | null;
  tags: Record<string, string>;
  openRecommendations: number;
  estimatedMonthlySavings: string;
}
interface Detail extends Row {
  config: Record<string, unknown>;
  utilization: Record<string, { average: number | null; days: number; daily: Array<number | null> }>;
  cost: { currency: string; billedCost: string; monthly: Array<{ period: string; billedCost: string }> } | null;
  recommendations: Array<{ id: string; status: string; estimatedMonthlySavings: string; currency: string }>;
}

async function api<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
    const res = await fetch(p, { headers: { authorization: `Bearer ${idToken}` } });
    if (!res.ok) throw new Error(`GET ${p} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }, path) as Promise<T>;
}

const money = (amount: string, currency = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);

const firstPage = (page: Page, query = '') => api<{ items: Row[]; nextCursor: string | null }>(page, `/v1/resources?limit=50${query ? `&${query}` : ''}`);

async function listAll(page: Page): Promise<Row[]> {
  const all: Row[] = [];
  let cursor: string | null = null;
  do {
    const answer: { items: Row[]; nextCursor: string | null } = await api(page, `/v1/resources?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...answer.items);
    cursor = answer.nextCursor;
  } while (cursor);
  return all;
}

const rows = (page: Page) => page.locator('[data-testid="resources"] tbody tr');

/** id, name, open recommendations, savings per row, as the page shows them. */
async function shownRows(page: Page): Promise<string[][]> {
  return rows(page).evaluateAll((trs) =>
    trs.map((tr) => {
      const text = (selector: string) => (tr.querySelector(selector)?.textContent ?? '').trim();
      return [tr.getAttribute('data-resource-ref') ?? '', text('[data-testid="res-name"]'), text('[data-testid="res-open"]'), text('[data-testid="res-savings"]')];
    }),
  );
}
const expectedRows = (items: Row[]) => items.map((r) => [r.id, r.name ?? r.resourceId, String(r.openRecommendations), r.openRecommendations ? money(r.estimatedMonthlySavings) : '—']);

async function waitForList(page: Page) {
  await page.locator('[data-testid="resources"], [data-testid="resources-empty"]').first().waitFor({ timeout: 20_000 });
}

describe('the resources list', () => {
  it('shows what GET /v1/resources answers, filtered by type and searched through the URL', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Resources', exact: true }).click();
    await page.waitForURL(/\/resources$/);
    await waitForList(page);
    const first = await firstPage(page);
    expect(first.items.length, 'the demo inventory has resources').toBeGreaterThan(0);
    await expect.poll(() => shownRows(page), { timeout: 15_000 }).toEqual(expectedRows(first.items));
    await screenshot(page, 'resources');

    // Type: the select writes the URL; the rows are the API's answer to the same filter.
    const type = first.items[first.items.length - 1]!.type;
    await page.getByLabel('Type').selectOption(type);
    await expect.poll(() => new URL(page.url()).searchParams.get('type')).toBe(type);
    const ofType = await firstPage(page, `type=${type}`);
    expect(ofType.items.length).toBeGreaterThan(0);
    expect(ofType.items.every((r) => r.type === type)).toBe(true);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(ofType.items));

    // Search (typed): a resource's own id finds it.
    await page.getByLabel('Type').selectOption('');
    const wanted = ofType.items[0]!;
    await page.getByLabel('Search').fill(wanted.resourceId);
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe(wanted.resourceId);
    const found = await firstPage(page, `q=${encodeURIComponent(wanted.resourceId)}`);
    expect(found.items.map((r) => r.id)).toContain(wanted.id);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(found.items));

    // The URL alone restores the view.
    await page.reload();
    await waitForList(page);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(found.items));
    expect(await page.getByLabel('Search').inputValue()).toBe(wanted.resourceId);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a resource', () => {
  it('shows its utilization, configuration, tags, billed cost and recommendations as GET /v1/resources/{id} answers', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/resources');
    await waitForList(page);
    // The resource with the most savings: it has recommendations to link to.
    const all = await listAll(page);
    const target = [...all].sort((a, b) => Number(b.estimatedMonthlySavings) - Number(a.estimatedMonthlySavings))[0]!;
    expect(target.openRecommendations, 'the demo analysis finds recommendations').toBeGreaterThan(0);
    await page.goto(`/resources/${target.id}`);
    await page.getByTestId('configuration').waitFor({ timeout: 20_000 });
    const detail = await api<Detail>(page, `/v1/resources/${target.id}`);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(detail.name ?? detail.resourceId);
    expect(await page.getByTestId('res-open-count').textContent()).toBe(String(detail.openRecommendations));
    expect(await page.getByTestId('res-savings').textContent()).toBe(money(detail.estimatedMonthlySavings));
    expect(await page.getByTestId('res-billed').textContent()).toBe(detail.cost ? money(detail.cost.billedCost, detail.cost.currency) : '—');
    if (detail.cost) expect(await page.locator('[data-testid="resource-cost"] tbody tr').count()).toBe(detail.cost.monthly.length);
    // One card per metric, a chart for each metric with data.
    expect(await page.locator('[data-testid="utilization"] [data-metric]').count()).toBe(Object.keys(detail.utilization).length);
    const withData = Object.values(detail.utilization).filter((m) => m.daily.some((v) => v !== null)).length;
    expect(await page.locator('[data-testid="utilization"] .res-sparkline').count()).toBe(withData);
    expect(await page.locator('[data-testid="configuration"] tr').count()).toBe(Object.keys(detail.config).length);
    expect(await page.locator('[data-testid="tags"] li').count()).toBe(Object.keys(detail.tags).length);
    // Its recommendations, any state, each linking to its page.
    const recRows = page.locator('[data-testid="resource-recommendations"] tbody tr');
    expect(await recRows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-recommendation-id')))).toEqual(detail.recommendations.map((r) => r.id));
    expect((await page.locator('[data-testid="resource-rec-savings"]').allTextContents()).map((t) => t.trim())).toEqual(detail.recommendations.map((r) => money(r.estimatedMonthlySavings, r.currency)));
    await screenshot(page, 'resource');

    await recRows.first().getByRole('link').click();
    await page.waitForURL(new RegExp(`/recommendations/${detail.recommendations[0]!.id}$`));
    await page.getByTestId('lifecycle').waitFor({ timeout: 20_000 });
    expect(errors).toEqual([]);
    await context.close();
  });
});
