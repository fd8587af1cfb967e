import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The cost explorer and top resources against the API: the table, chart and CSV are compared with
 * what the cost API answers to the same query (asked from inside the page with the signed-in token).
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Breakdown {
  start: string;
  end: string;
  groupBy: string;
  granularity: 'daily' | 'monthly';
  metric: string;
  currency: string;
  total: string;
  rows: Array<{ key: string; name: string; amount: string; share: string | null; points: Array<{ date: string; amount: string }> }>;
  other: { count: number; amount: string; share: string | null; points: Array<{ date: string; amount: string }> } | null;
}
interface TopResources {
  start: string;
  end: string;
  periods: string[];
  currency: string;
  total: string;
  items: Array<{ resourceId: string; service: string; account: string; accountName: string | null; region: string; amount: string; share: string | null }>;
}

async function apiGet<T>(page: Page, path: string): Promise<T> {
  return page.evaluate(async (p) => {
    const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
    const res = await fetch(p, { headers: { authorization: `Bearer ${idToken}` } });
    if (!res.ok) throw new Error(`${p} answered ${res.status}: ${await res.text()}`);
    return res.json();
  }, path) as Promise<T>;
}

const money = (amount: string, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);

async function tenantToday(page: Page): Promise<string> {
  const me = await apiGet<{ tenant: { timezone: string } }>(page, '/v1/me');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: me.tenant.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

/** The table as [key, name, amount] per row (other included), read from the page. */
async function tableRows(page: Page): Promise<string[][]> {
  return page.locator('[data-testid="breakdown-table"] tbody tr').evaluateAll((rows) =>
    rows.map((tr) => [tr.getAttribute('data-key') ?? '', (tr.querySelector('td:nth-child(1) button, td:nth-child(1) span:not(.swatch)')?.textContent ?? '').trim(), (tr.querySelector('td:nth-child(2)')?.textContent ?? '').trim()]),
  );
}

function expectedRows(b: Breakdown): string[][] {
  const rows = b.rows.map((r) => [r.key, r.name, money(r.amount, b.currency)]);
  if (b.other) rows.push(['(other)', `Other (${b.other.count} more)`, money(b.other.amount, b.currency)]);
  return rows;
}

/** Waits until the table shows what the API answers (the page refetches after each change). */
async function expectTable(page: Page, b: Breakdown) {
  await expect.poll(() => tableRows(page), { timeout: 15_000 }).toEqual(expectedRows(b));
  expect((await page.getByTestId('breakdown-total').textContent())?.trim()).toBe(money(b.total, b.currency));
  // The chart draws one series per row plus "other", and the legend names them.
  await expect.poll(() => page.getByTestId('explorer-chart').getAttribute('data-series')).toBe(String(b.rows.length + (b.other ? 1 : 0)));
  expect(await page.locator('.chart-legend li').allTextContents()).toEqual(expectedRows(b).map((r) => r[1]));
}

/** RFC 4180: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(field), (field = '');
    else if (c === '\n') row.push(field), rows.push(row), (row = []), (field = '');
    else if (c !== '\r') field += c;
  }
  if (field || row.length) row.push(field), rows.push(row);
  return rows;
}

describe('the cost explorer', () => {
  it('groups, filters from a row, keeps the view in the URL, and downloads what the API answers as CSV', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    await page.goto('/costs/explorer');
    await page.getByTestId('breakdown-table').waitFor({ timeout: 20_000 });
    const today = await tenantToday(page);
    const last30 = `start=${daysBefore(today, 30)}&end=${today}`;

    // Default: last 30 days by service, daily.
    const byService = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${last30}&groupBy=service&granularity=daily&top=10`);
    expect(byService.rows.length).toBeGreaterThan(1);
    await expectTable(page, byService);
    await page.mouse.move(0, 0);
    await screenshot(page, 'explorer');

    // Group by region: the table and the chart change to the API's region rows.
    await page.getByLabel('Group by').selectOption('region');
    await expect.poll(() => new URL(page.url()).searchParams.get('groupBy')).toBe('region');
    const byRegion = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${last30}&groupBy=region&granularity=daily&top=10`);
    await expectTable(page, byRegion);
    expect(byRegion.rows.map((r) => r.key)).not.toEqual(byService.rows.map((r) => r.key));

    // Click a row: it becomes a filter (the API's grammar in the URL), and the view narrows to it.
    const region = byRegion.rows[0]!;
    await page.getByRole('button', { name: region.name, exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll(`filter[region]`)).toEqual([region.key]);
    await expect.poll(() => page.getByTestId('filter-chip').allTextContents()).toEqual([`Region: ${region.name}×`]);
    const filterQuery = `filter[region]=${encodeURIComponent(region.key)}`;

    // Then group that region's spend by service, monthly, effective cost, as areas.
    await page.getByLabel('Group by').selectOption('service');
    await page.getByRole('button', { name: 'Monthly' }).click();
    await page.getByRole('button', { name: 'Effective' }).click();
    await page.getByRole('button', { name: 'Areas' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('metric')).toBe('effective');
    const narrowed = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${last30}&groupBy=service&granularity=monthly&metric=effective&top=10&${filterQuery}`);
    await expectTable(page, narrowed);
    expect(narrowed.total).not.toBe(byService.total);
    expect(await page.locator('.trend-chart .recharts-area').count()).toBe(narrowed.rows.length + (narrowed.other ? 1 : 0));

    // Reload: the URL alone restores grouping, filter, granularity, metric, chart type and range.
    await page.reload();
    await page.getByTestId('breakdown-table').waitFor({ timeout: 20_000 });
    await expectTable(page, narrowed);
    expect(await page.getByLabel('Group by').inputValue()).toBe('service');
    expect(await page.getByLabel('Date range').inputValue()).toBe('30d');
    expect(await page.getByRole('button', { name: 'Monthly' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Effective' }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByTestId('filter-chip').allTextContents()).toEqual([`Region: ${region.name}×`]);
    expect(await page.locator('.trend-chart .recharts-area').count()).toBeGreaterThan(0);

    // CSV: one line per group per period, exact amounts, as the API answers.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^cloudoptima-costs-service-monthly-.*\.csv$/);
    const csv = parseCsv(readFileSync((await download.path())!, 'utf8'));
    expect(csv[0]).toEqual(['period_start', 'granularity', 'group_by', 'key', 'name', 'amount', 'currency', 'metric']);
    const expected: string[][] = [];
    for (const r of narrowed.rows) for (const p of r.points) expected.push([p.date, 'monthly', 'service', r.key, r.name, p.amount, narrowed.currency, 'effective']);
    if (narrowed.other) for (const p of narrowed.other.points) expected.push([p.date, 'monthly', 'service', '(other)', `Other (${narrowed.other.count} more)`, p.amount, narrowed.currency, 'effective']);
    expect(expected.length).toBeGreaterThan(0);
    expect(csv.slice(1)).toEqual(expected);

    // Removing the chip widens the view back to all regions.
    await page.getByRole('button', { name: `Remove filter Region ${region.name}` }).click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll('filter[region]')).toEqual([]);
    await expectTable(page, await apiGet<Breakdown>(page, `/v1/costs/breakdown?${last30}&groupBy=service&granularity=monthly&metric=effective&top=10`));
    expect(errors).toEqual([]);
    await context.close();
  });

  it('opens a shared URL (custom range, OR within a dimension, AND across) exactly as the API reads it; adds filters from suggestions; groups by a tag', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    const today = await tenantToday(page);
    const start = daysBefore(today, 60);
    const end = daysBefore(today, 10);
    const range = `start=${start}&end=${end}`;
    const services = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${range}&groupBy=service&granularity=monthly&top=3`);
    const categories = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${range}&groupBy=chargeCategory&granularity=monthly&top=3`);
    const [a, b] = services.rows.map((r) => r.key);
    const category = categories.rows[0]!.key;
    const filters = `filter[service]=${encodeURIComponent(a!)}&filter[service]=${encodeURIComponent(b!)}&filter[chargeCategory]=${encodeURIComponent(category)}`;
    const query = `${range}&groupBy=region&granularity=daily&${filters}`;
    await page.goto(`/costs/explorer?${query}`);
    await page.getByTestId('breakdown-table').waitFor({ timeout: 20_000 });
    const answer = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${query}&top=10`);
    expect(answer.rows.length).toBeGreaterThan(0);
    await expectTable(page, answer);
    expect(await page.getByLabel('Date range').inputValue()).toBe('custom');
    expect(await page.getByLabel('From').inputValue()).toBe(start);
    expect(await page.getByLabel('To (inclusive)').inputValue()).toBe(daysBefore(end, 1));
    expect(await page.getByLabel('Group by').inputValue()).toBe('region');
    expect(await page.getByTestId('filter-chip').allTextContents()).toEqual([`Service: ${a}×`, `Service: ${b}×`, `Charge category: ${category}×`]);

    // Add a filter through the form: the value list suggests the dimension's values under the other filters.
    await page.getByRole('button', { name: '+ Add filter' }).click();
    await page.getByLabel('Dimension').selectOption('account');
    const accounts = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${range}&groupBy=account&granularity=monthly&top=50&${filters}`);
    await expect
      .poll(() => page.locator('datalist option').evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value)))
      .toEqual(accounts.rows.map((r) => r.key || '(none)'));
    const account = accounts.rows[0]!.key;
    await page.getByLabel('Value').fill(account);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.getAll('filter[account]')).toEqual([account]);
    await expectTable(page, await apiGet<Breakdown>(page, `/v1/costs/breakdown?${query}&top=10&filter[account]=${encodeURIComponent(account)}`));
    await screenshot(page, 'explorer-shared-url');

    // Group by the tag "team": dimension filters cannot apply to tag spend, so they are dropped, and the page says so.
    await page.getByLabel('Group by').selectOption('tag');
    await page.getByLabel('Tag key').fill('team');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('groupBy')).toBe('tag:team');
    expect(await page.getByRole('status').filter({ hasText: 'Removed filters' }).textContent()).toContain('tag spend cannot be filtered by service');
    expect(await page.getByTestId('filter-chip').count()).toBe(0);
    const teams = await apiGet<Breakdown>(page, `/v1/costs/breakdown?${range}&groupBy=tag:team&granularity=daily&top=10`);
    expect(teams.rows.length).toBeGreaterThan(1);
    await expectTable(page, teams);
    // Filtering a tag grouping offers only that tag.
    await page.getByRole('button', { name: '+ Add filter' }).click();
    expect(await page.getByLabel('Dimension').locator('option').allTextContents()).toEqual(['Tag team']);
    await page.getByLabel('Value').fill(teams.rows[0]!.key);
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => page.url()).toContain(`filter[tag:team]=${encodeURIComponent(teams.rows[0]!.key)}`);
    await expectTable(page, await apiGet<Breakdown>(page, `/v1/costs/breakdown?${range}&groupBy=tag:team&granularity=daily&top=10&filter[tag:team]=${encodeURIComponent(teams.rows[0]!.key)}`));
    await screenshot(page, 'explorer-tag');
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the API's message when a custom range is too long", async () => {
    const { page, context } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    const today = await tenantToday(page);
    await page.goto(`/costs/explorer?start=${daysBefore(today, 800)}&end=${today}`);
    await expect.poll(() => page.getByRole('alert').first().textContent(), { timeout: 20_000 }).toMatch(/at most 400 days/);
    await context.close();
  });
});

describe('top resources', () => {
  it('lists the most expensive resources as the API answers, for the range and metric chosen', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.engineer);
    await page.goto('/costs/resources');
    await page.getByTestId('resources-table').waitFor({ timeout: 20_000 });
    const today = await tenantToday(page);
    const check = async (query: string) => {
      const top = await apiGet<TopResources>(page, `/v1/costs/resources/top?${query}`);
      expect(top.items.length).toBeGreaterThan(0);
      const expected = top.items.map((r) => [r.resourceId, r.service || '(none)', `${r.accountName ?? r.account}${r.accountName ? r.account : ''}`, r.region || '(none)', money(r.amount, top.currency)]);
      await expect
        .poll(() => page.locator('[data-testid="resources-table"] tbody tr').evaluateAll((rows) => rows.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent!.trim()))), { timeout: 15_000 })
        .toEqual(expected);
      expect((await page.getByTestId('resources-total').textContent())?.trim()).toBe(money(top.total, top.currency));
      return top;
    };
    // Default: this month (month to date in the tenant's time zone).
    const mtd = await check(`start=${today.slice(0, 8)}01&end=${daysBefore(today, -1)}&limit=50`);
    expect(mtd.periods).toEqual([today.slice(0, 7)]);
    await screenshot(page, 'top-resources');

    await page.getByLabel('Date range').selectOption('3m');
    await page.getByRole('button', { name: 'List' }).click();
    await page.getByLabel('Show').selectOption('25');
    const monthStart = `${today.slice(0, 8)}01`;
    const threeBack = new Date(Date.UTC(Number(today.slice(0, 4)), Number(today.slice(5, 7)) - 1 - 3, 1)).toISOString().slice(0, 10);
    const lastMonths = await check(`start=${threeBack}&end=${monthStart}&metric=list&limit=25`);
    expect(lastMonths.periods).toHaveLength(3);
    expect(await page.getByTestId('resources-periods').textContent()).toContain(new Intl.DateTimeFormat('en-US', { year: 'numeric', month: 'short', timeZone: 'UTC' }).format(new Date(`${threeBack}T00:00:00Z`)));
    await page.reload();
    await check(`start=${threeBack}&end=${monthStart}&metric=list&limit=25`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
