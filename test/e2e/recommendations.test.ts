import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The recommendations pages against the API: totals, list, filters and sort, the detail's impact
 * preview, the lifecycle (dismiss, snooze, apply, reopen, owner), the settings and the dashboard's
 * savings card, each compared with what GET/POST /v1/recommendations answers (asked from inside the
 * page with the signed-in token). No figure is hard-coded: the demo's analysis moves with the date.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Summary {
  id: string;
  ruleId: string;
  title: string;
  category: string;
  status: 'open' | 'snoozed' | 'dismissed' | 'applied' | 'resolved';
  resourceId: string;
  resourceRef: string | null;
  resourceName: string | null;
  accountId: string;
  region: string;
  actionType: string;
  source: 'cloudoptima' | 'cost-optimization-hub' | 'compute-optimizer';
  alsoReportedBy: Array<'cloudoptima' | 'cost-optimization-hub' | 'compute-optimizer'>;
  reason: string;
  currency: string;
  estimatedMonthlySavings: string;
  owner: string | null;
  dismissReason: string | null;
  snoozedUntil: string | null;
}
interface Side {
  summary: string;
  monthlyCost: string;
  config: Record<string, unknown>;
}
interface Detail extends Summary {
  actions: string[];
  restartNeeded: boolean;
  rollbackPossible: boolean;
  ownerSource: 'assigned' | 'tag' | null;
  inferredOwner: string | null;
}
interface Impact {
  currency: string;
  current: Side;
  recommended: Side;
  estimatedMonthlySavings: string;
  estimatedAnnualSavings: string;
  estimatedSavingsPercentage: string;
  priceBasis: 'billed-resource-cost' | 'effective-rate' | 'list-price';
  priceSource: string;
  actions: string[];
  billedMonthlyCost: string | null;
}
interface Totals {
  currency: string;
  open: { count: number; monthlySavings: string; annualSavings: string; deduplicatedMonthlySavings: string; deduplicatedAnnualSavings: string };
  byCategory: Array<{ category: string; count: number; monthlySavings: string }>;
  byStatus: Array<{ status: string; count: number }>;
  realized: { applied: number; measured: number; realizedMonthlySavings: string; estimatedMonthlySavings: string };
  analyzedAt: string | null;
}
interface Rule {
  id: string;
  title: string;
  savingsMethod: string;
  enabled: boolean;
}
interface Settings {
  ec2IdleCpuPercent: number;
  ec2LowCpuPercent: number;
  snapshotMaxAgeDays: number;
  ownerTag: string;
  disabledRules: string[];
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
      return res.json();
    },
    { p: path, method: init.method, body: init.body },
  ) as Promise<T>;
}

/** The first page the list asks for (50), in the API's order. */
const firstPage = (page: Page, query: string) => api<{ items: Summary[]; nextCursor: string | null }>(page, `/v1/recommendations?limit=50${query ? `&${query}` : ''}`);

async function listAll(page: Page, query = ''): Promise<Summary[]> {
  const all: Summary[] = [];
  let cursor: string | null = null;
  do {
    const answer: { items: Summary[]; nextCursor: string | null } = await api(page, `/v1/recommendations?limit=500${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...answer.items);
    cursor = answer.nextCursor;
  } while (cursor);
  return all;
}

const money = (amount: string, currency = 'USD') =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);
const percent = (value: string) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(Number(value) / 100);
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

const rows = (page: Page) => page.locator('[data-testid="recommendations"] tbody tr');

/** The table as the page shows it: id, title, savings, status per row. */
async function shownRows(page: Page): Promise<string[][]> {
  return rows(page).evaluateAll((trs) =>
    trs.map((tr) => {
      const text = (selector: string) => (tr.querySelector(selector)?.textContent ?? '').trim();
      return [tr.getAttribute('data-recommendation-id') ?? '', text('[data-testid="rec-title"]'), text('[data-testid="rec-savings"]'), tr.querySelector('[data-status]')?.getAttribute('data-status') ?? ''];
    }),
  );
}
const expectedRows = (items: Summary[]) => items.map((r) => [r.id, r.title, money(r.estimatedMonthlySavings, r.currency), r.status]);
const text = async (page: Page, testId: string) => ((await page.getByTestId(testId).first().textContent()) ?? '').trim();

/** The platform analyses Demo Corp when it starts: wait until that first analysis has landed. */
async function analysed(page: Page): Promise<void> {
  await expect.poll(async () => (await api<Totals>(page, '/v1/recommendations/summary')).analyzedAt, { timeout: 60_000, interval: 1_000 }).not.toBeNull();
}

async function waitForList(page: Page) {
  await page.locator('[data-testid="recommendations"], [data-testid="recommendations-empty"]').first().waitFor({ timeout: 20_000 });
}

/** An open recommendation this test alone changes (the cheapest ones, from the end of the list). */
async function openOne(page: Page, skip: number): Promise<Summary> {
  const open = await listAll(page, 'status=open');
  expect(open.length, 'the demo analysis finds recommendations for Demo Corp').toBeGreaterThan(skip);
  return open[open.length - 1 - skip]!;
}

describe('the recommendations list', () => {
  it('shows the totals and rows GET /v1/recommendations answers, and filters and sorts them through the URL', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    await analysed(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Recommendations', exact: true }).click();
    await page.waitForURL(/\/recommendations$/);
    await waitForList(page);

    const totals = await api<Totals>(page, '/v1/recommendations/summary');
    expect(totals.open.count, 'the demo analysis finds recommendations for Demo Corp').toBeGreaterThan(0);
    await expect.poll(() => text(page, 'open-count'), { timeout: 10_000 }).toBe(String(totals.open.count));
    // Potential savings count each resource once (alternatives on one resource are not added up).
    expect(await text(page, 'open-monthly')).toBe(money(totals.open.deduplicatedMonthlySavings, totals.currency));
    expect(await text(page, 'open-annual')).toBe(money(totals.open.deduplicatedAnnualSavings, totals.currency));
    if (totals.open.deduplicatedMonthlySavings !== totals.open.monthlySavings) expect(await text(page, 'open-monthly-detail')).toContain(money(totals.open.monthlySavings, totals.currency));
    expect(await text(page, 'realized-monthly')).toBe(money(totals.realized.realizedMonthlySavings, totals.currency));
    // One bar per category with open savings, as the summary ranks them.
    await page.locator('[data-testid="savings-chart"] .recharts-bar-rectangle').first().waitFor();
    expect(await page.getByTestId('savings-chart').getAttribute('data-bars')).toBe(String(totals.byCategory.length));
    for (const s of totals.byStatus) expect(await page.locator(`[data-status-count="${s.status}"] .num`).textContent()).toBe(String(s.count));

    // Default view: the open ones, largest savings first, the first page of the API's answer.
    const open = await firstPage(page, 'status=open');
    await expect.poll(() => shownRows(page), { timeout: 15_000 }).toEqual(expectedRows(open.items));
    const savings = open.items.map((r) => Number(r.estimatedMonthlySavings));
    expect(savings).toEqual([...savings].sort((a, b) => b - a));
    // The first row's resource, account and action as the API names them.
    const first = open.items[0]!;
    const firstRow = rows(page).first();
    expect(await firstRow.getByTestId('rec-resource').textContent()).toBe(first.resourceName ?? first.resourceId);
    expect(await firstRow.getByTestId('rec-region').textContent()).toBe(first.region);
    const accounts = await api<{ items: Array<{ id: string; name: string }> }>(page, '/v1/accounts?limit=100');
    expect(await firstRow.getByTestId('rec-account').textContent()).toBe(accounts.items.find((a) => a.id === first.accountId)?.name ?? first.accountId);
    await screenshot(page, 'recommendations');

    // Category: the select writes the URL; the rows are the API's answer to the same filter.
    const category = totals.byCategory[totals.byCategory.length - 1]!.category;
    await page.getByLabel('Category', { exact: true }).selectOption(category);
    await expect.poll(() => new URL(page.url()).searchParams.get('category')).toBe(category);
    const byCategory = await firstPage(page, `status=open&category=${category}`);
    expect(byCategory.items.length).toBeGreaterThan(0);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(byCategory.items));

    // Sorting by the savings column: smallest first, as the API sorts it.
    await page.getByLabel('Category', { exact: true }).selectOption('');
    await expect.poll(() => new URL(page.url()).searchParams.get('category')).toBeNull();
    await page.getByRole('button', { name: /Savings \/ month/ }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('savings');
    const ascending = await firstPage(page, 'status=open&sort=savings');
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(ascending.items));
    expect(await page.locator('th[aria-sort="ascending"]').count()).toBe(1);

    // Minimum savings (typed): the median of the open ones keeps some and drops some.
    const all = await listAll(page, 'status=open');
    const threshold = all[Math.floor(all.length / 2)]!.estimatedMonthlySavings;
    await page.getByLabel('Min. savings / month (USD)').fill(threshold);
    await expect.poll(() => new URL(page.url()).searchParams.get('minSavings')).toBe(threshold);
    const above = await firstPage(page, `status=open&sort=savings&minSavings=${threshold}`);
    expect(above.items.every((r) => Number(r.estimatedMonthlySavings) >= Number(threshold))).toBe(true);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(above.items));

    // The URL alone restores the view (a shared link).
    await page.reload();
    await waitForList(page);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(above.items));
    expect(await page.getByLabel('Min. savings / month (USD)').inputValue()).toBe(threshold);

    // Any status.
    await page.goto('/recommendations?status=all');
    await waitForList(page);
    const everything = await firstPage(page, '');
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(everything.items));

    // What the API would refuse is refused with its own message, without calling it.
    await page.goto('/recommendations?minSavings=abc');
    await page.getByText('These filters cannot be used').waitFor({ timeout: 15_000 });
    expect(await page.locator('.notice').textContent()).toContain('minSavings');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('"Load more" appends the next page in the API\'s order', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    // The page's own requests ask the real API for pages of 3: the cursors and order are the API's.
    const PAGE = 3;
    await page.route(/\/v1\/recommendations\?/, (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', String(PAGE));
      return route.continue({ url: url.toString() });
    });
    await page.goto('/recommendations?status=all');
    const all = await listAll(page);
    expect(all.length).toBeGreaterThan(PAGE);
    await expect.poll(() => rows(page).count(), { timeout: 15_000 }).toBe(PAGE);
    const more = page.getByRole('button', { name: 'Load more' });
    for (let clicks = 0; (await more.count()) > 0; clicks++) {
      expect(clicks).toBeLessThanOrEqual(Math.ceil(all.length / PAGE));
      const before = await rows(page).count();
      await more.click();
      if (before < all.length) await expect.poll(() => rows(page).count()).toBe(Math.min(before + PAGE, all.length));
      else await expect.poll(() => more.count()).toBe(0);
    }
    expect(await shownRows(page)).toEqual(expectedRows(all));
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('imported recommendations', () => {
  it("shows each finding's source as the API names it, and on ours the services that agree", async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    await analysed(page);
    const LABELS = { cloudoptima: 'CloudOptima rules', 'cost-optimization-hub': 'Cost Optimization Hub', 'compute-optimizer': 'Compute Optimizer' } as const;
    const imported = [...(await listAll(page, 'status=open&source=cost-optimization-hub')), ...(await listAll(page, 'status=open&source=compute-optimizer'))];
    expect(imported.length, "the recorded demo's Cost Optimization Hub answers findings ours do not make").toBeGreaterThan(0);

    await page.goto('/recommendations?source=cost-optimization-hub');
    await waitForList(page);
    const hub = await firstPage(page, 'status=open&source=cost-optimization-hub');
    await expect.poll(() => shownRows(page), { timeout: 15_000 }).toEqual(expectedRows(hub.items));
    for (const r of hub.items) {
      const badge = page.locator(`tr[data-recommendation-id="${r.id}"] [data-testid="rec-source"]`);
      expect((await badge.textContent())?.trim()).toContain(`From ${LABELS[r.source]}`);
    }

    // One of ours that an imported service also reported: its detail says so, the imported duplicate is not listed.
    const ours = await listAll(page, 'status=open&source=cloudoptima');
    const agreed = ours.find((r) => r.alsoReportedBy.length > 0);
    expect(agreed, 'the recorded Hub reports some of the resources our rules flag').toBeDefined();
    const also = agreed!.alsoReportedBy;
    expect(imported.some((r) => r.resourceId === agreed!.resourceId && r.actionType === agreed!.actionType)).toBe(false);
    await page.goto(`/recommendations/${encodeURIComponent(agreed!.id)}`);
    await page.getByTestId('rec-also-reported').waitFor({ timeout: 15_000 });
    expect(await text(page, 'rec-source')).toBe(LABELS.cloudoptima);
    expect(await text(page, 'rec-also-reported')).toBe(`Also reported by ${also.map((s) => LABELS[s]).join(' and ')}`);
    await screenshot(page, 'recommendation-also-reported');
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('a recommendation', () => {
  it('shows its impact preview as GET /v1/recommendations/{id}/impact answers', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/recommendations');
    await waitForList(page);
    const [first] = (await firstPage(page, 'status=open')).items;
    await rows(page).first().getByTestId('rec-title').click();
    await page.waitForURL(new RegExp(`/recommendations/${first!.id}$`));
    await page.getByTestId('impact').waitFor({ timeout: 20_000 });
    const [detail, impact] = await Promise.all([api<Detail>(page, `/v1/recommendations/${first!.id}`), api<Impact>(page, `/v1/recommendations/${first!.id}/impact`)]);

    expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(detail.title);
    expect(await page.getByTestId('rec-reason').textContent()).toContain(detail.reason);
    expect(await text(page, 'rec-monthly')).toBe(money(detail.estimatedMonthlySavings));
    // Before and after, side by side, with their monthly cost.
    expect(await text(page, 'impact-current-summary')).toBe(impact.current.summary);
    expect(await text(page, 'impact-recommended-summary')).toBe(impact.recommended.summary);
    expect(await text(page, 'impact-current-cost')).toBe(money(impact.current.monthlyCost, impact.currency));
    expect(await text(page, 'impact-recommended-cost')).toBe(money(impact.recommended.monthlyCost, impact.currency));
    expect(await text(page, 'impact-monthly')).toBe(money(impact.estimatedMonthlySavings, impact.currency));
    expect(await text(page, 'impact-annual')).toBe(money(impact.estimatedAnnualSavings, impact.currency));
    expect(await text(page, 'impact-percent')).toBe(percent(impact.estimatedSavingsPercentage));
    // Where the prices came from, in words.
    const basis = page.getByTestId('price-basis');
    expect(await basis.getAttribute('data-price-basis')).toBe(impact.priceBasis);
    const words = { 'billed-resource-cost': 'from your billed cost of this resource', 'effective-rate': 'at your effective rate', 'list-price': 'at the public on-demand list price' }[impact.priceBasis];
    expect(await basis.textContent()).toContain(words);
    expect(await text(page, 'price-source')).toBe(impact.priceSource);
    expect(await page.getByTestId('billed-monthly').textContent()).toContain(impact.billedMonthlyCost === null ? 'does not name this resource' : money(impact.billedMonthlyCost, impact.currency));
    // The remediation's steps, in order, and what they entail.
    expect((await page.locator('[data-testid="remediation-steps"] li').allTextContents()).map((s) => s.trim())).toEqual(detail.actions);
    expect(await text(page, 'restart-needed')).toMatch(detail.restartNeeded ? /^Yes/ : /^No/);
    expect(await text(page, 'rollback-possible')).toMatch(detail.rollbackPossible ? /^Yes/ : /^No/);
    await screenshot(page, 'recommendation');

    // Its resource page, by the link.
    if (detail.resourceRef) {
      await page.getByTestId('resource-link').click();
      await page.waitForURL(new RegExp(`/resources/${detail.resourceRef}$`));
      await page.locator(`[data-testid="resource-recommendations"] tr[data-recommendation-id="${detail.id}"]`).waitFor({ timeout: 15_000 });
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('dismissed with a reason, it leaves the open list and is listed under dismissed; reopened, it is back', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.engineer);
    const target = await openOne(page, 0);
    await page.goto(`/recommendations/${target.id}`);
    await page.getByTestId('lifecycle').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Dismiss', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Dismiss this recommendation' });
    // A reason is required: the contract's schema refuses an empty one before anything is sent.
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => dialog.getByRole('alert').first().textContent()).toContain('give a reason');
    const reason = `Kept on purpose: e2e ${Date.now()}`;
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Dismiss' }).click();
    await expect.poll(() => page.locator('[data-testid="rec-status"] [data-status]').getAttribute('data-status')).toBe('dismissed');
    expect(await text(page, 'dismiss-reason')).toBe(reason);
    const after = await api<Detail>(page, `/v1/recommendations/${target.id}`);
    expect([after.status, after.dismissReason]).toEqual(['dismissed', reason]);
    await screenshot(page, 'recommendation-dismissed');

    // Not in the open list any more; under dismissed, as the API lists them.
    await page.goto('/recommendations?sort=savings');
    await waitForList(page);
    const openNow = await firstPage(page, 'status=open&sort=savings');
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(openNow.items));
    expect(openNow.items.some((r) => r.id === target.id)).toBe(false);
    await page.getByLabel('Status', { exact: true }).selectOption('dismissed');
    await expect.poll(() => new URL(page.url()).searchParams.get('status')).toBe('dismissed');
    const dismissed = await firstPage(page, 'status=dismissed&sort=savings');
    expect(dismissed.items.some((r) => r.id === target.id)).toBe(true);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(dismissed.items));

    // Reopen from its page: open again.
    await page.locator(`tr[data-recommendation-id="${target.id}"]`).getByTestId('rec-title').click();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('dialog', { name: 'Reopen this recommendation' }).getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => page.locator('[data-testid="rec-status"] [data-status]').getAttribute('data-status')).toBe('open');
    expect((await api<Detail>(page, `/v1/recommendations/${target.id}`)).status).toBe('open');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('snooze refuses a past date as the API would, and takes a future one', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.engineer);
    const target = await openOne(page, 1);
    const posted: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'POST' && r.url().includes('/snooze')) posted.push(r.url());
    });
    await page.goto(`/recommendations/${target.id}`);
    await page.getByTestId('lifecycle').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Snooze', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Snooze this recommendation' });
    for (const past of [day(-1), day(0)]) {
      await dialog.getByLabel('Snooze until').fill(past);
      await dialog.getByRole('button', { name: 'Snooze' }).click();
      await expect.poll(() => dialog.getByRole('alert').first().textContent().catch(() => '')).toContain('must be in the future');
    }
    expect(posted).toEqual([]);
    await screenshot(page, 'recommendation-snooze-refused');

    const until = day(14);
    await dialog.getByLabel('Snooze until').fill(until);
    await dialog.getByRole('button', { name: 'Snooze' }).click();
    await expect.poll(() => page.locator('[data-testid="rec-status"] [data-status]').getAttribute('data-status')).toBe('snoozed');
    expect(posted.length).toBe(1);
    const snoozed = await api<Detail>(page, `/v1/recommendations/${target.id}`);
    expect([snoozed.status, snoozed.snoozedUntil]).toEqual(['snoozed', `${until}T00:00:00.000Z`]);
    expect(await page.getByTestId('snoozed-until').textContent()).toContain(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium', timeZone: 'UTC' }).format(new Date(`${until}T00:00:00Z`)));

    // Mark applied, then reopen: the realized-savings card appears, then the open list has it again.
    await page.getByRole('button', { name: 'Mark applied' }).click();
    await page.getByRole('dialog', { name: 'Mark as applied' }).getByRole('button', { name: 'Mark applied' }).click();
    await expect.poll(() => page.locator('[data-testid="rec-status"] [data-status]').getAttribute('data-status')).toBe('applied');
    await page.getByTestId('realized').waitFor();
    await page.getByRole('button', { name: 'Reopen' }).click();
    await page.getByRole('dialog', { name: 'Reopen this recommendation' }).getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => page.locator('[data-testid="rec-status"] [data-status]').getAttribute('data-status')).toBe('open');
    expect((await api<Detail>(page, `/v1/recommendations/${target.id}`)).status).toBe('open');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an owner can be assigned and cleared', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    const target = await openOne(page, 2);
    await page.goto(`/recommendations/${target.id}`);
    await page.getByTestId('lifecycle').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: /Assign owner|Change owner/ }).click();
    const dialog = page.getByRole('dialog', { name: 'Assign an owner' });
    await dialog.getByLabel('Owner').fill('platform-team');
    await dialog.getByRole('button', { name: 'Assign' }).click();
    await expect.poll(() => text(page, 'rec-owner')).toBe('platform-team');
    const assigned = await api<Detail>(page, `/v1/recommendations/${target.id}`);
    expect([assigned.owner, assigned.ownerSource]).toEqual(['platform-team', 'assigned']);
    await page.getByRole('button', { name: 'Change owner' }).click();
    await page.getByRole('dialog', { name: 'Assign an owner' }).getByRole('button', { name: /Clear the assignment/ }).click();
    await expect.poll(async () => (await api<Detail>(page, `/v1/recommendations/${target.id}`)).ownerSource).not.toBe('assigned');
    const cleared = await api<Detail>(page, `/v1/recommendations/${target.id}`);
    await expect.poll(() => text(page, 'rec-owner')).toBe(cleared.owner ?? 'Nobody yet');
    expect(errors).toEqual([]);
    await context.close();
  });

  it.each([
    ['viewer', DEMO_USERS.viewer],
    ['analyst', DEMO_USERS.analyst],
  ] as const)('a %s (read-only) sees the recommendation and the settings but no action', async (role, email) => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, email);
    await page.goto('/recommendations');
    await waitForList(page);
    const [first] = (await firstPage(page, 'status=open')).items;
    await page.goto(`/recommendations/${first!.id}`);
    await page.getByTestId('impact').waitFor({ timeout: 20_000 });
    await page.getByTestId('lifecycle-read-only').waitFor();
    for (const name of ['Dismiss', 'Snooze', 'Reopen', 'Mark applied', 'Assign owner', 'Change owner']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), `${role} sees no "${name}"`).toBe(0);
    }
    await screenshot(page, `recommendation-${role}`);

    await page.goto('/settings/recommendations');
    await page.getByTestId('rules').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Save and re-analyse' }).count()).toBe(0);
    expect(await page.locator('[data-testid="rules"] input[type="checkbox"]:not([disabled])').count()).toBe(0);
    expect(await page.getByLabel(/EC2 idle/).isDisabled()).toBe(true);
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('recommendation settings', () => {
  it('show the rule catalog and thresholds as the API answers; the form refuses what the API refuses; a rule can be switched off and on', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    await page.goto('/settings/recommendations');
    await page.getByTestId('rules').waitFor({ timeout: 20_000 });
    const [rules, settings] = await Promise.all([api<{ items: Rule[] }>(page, '/v1/recommendations/rules'), api<Settings>(page, '/v1/recommendations/settings')]);
    expect(rules.items.length).toBeGreaterThan(0);
    expect((await page.locator('[data-testid="rules"] [data-testid="rule-title"]').allTextContents()).map((t) => t.trim())).toEqual(rules.items.map((r) => r.title));
    expect((await page.locator('[data-testid="rules"] .rec-rule-method').allTextContents()).map((t) => t.trim())).toEqual(rules.items.map((r) => r.savingsMethod));
    for (const r of rules.items) expect(await page.locator(`tr[data-rule-id="${r.id}"] input[type="checkbox"]`).isChecked()).toBe(r.enabled);
    expect(Number(await page.getByLabel(/EC2 idle/).inputValue())).toBe(settings.ec2IdleCpuPercent);
    expect(Number(await page.getByLabel(/Old snapshots/).inputValue())).toBe(settings.snapshotMaxAgeDays);
    expect(await page.getByLabel('Owner tag').inputValue()).toBe(settings.ownerTag);
    await screenshot(page, 'recommendation-settings');

    // A percentage above 100 is refused in the browser (the contract's schema), nothing is sent.
    const patched: string[] = [];
    page.on('request', (r) => {
      if (r.method() === 'PATCH' && r.url().includes('/v1/recommendations/settings')) patched.push(r.url());
    });
    await page.getByLabel(/EC2 idle/).fill('150');
    await page.getByRole('button', { name: 'Save and re-analyse' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent().catch(() => '')).toMatch(/100/);
    expect(patched).toEqual([]);
    await page.getByRole('button', { name: 'Discard changes' }).click();

    // Switch off a rule that found nothing (so no other test's recommendations move), then on again.
    const found = new Set((await listAll(page)).map((r) => r.ruleId));
    const idle = rules.items.find((r) => r.enabled && !found.has(r.id));
    if (idle) {
      const box = page.locator(`tr[data-rule-id="${idle.id}"] input[type="checkbox"]`);
      await box.uncheck();
      await page.getByRole('button', { name: 'Save and re-analyse' }).click();
      await page.getByText('Settings saved and your resources re-analysed').waitFor({ timeout: 30_000 });
      expect((await api<Settings>(page, '/v1/recommendations/settings')).disabledRules).toContain(idle.id);
      await box.check();
      await page.getByRole('button', { name: 'Save and re-analyse' }).click();
      await expect.poll(async () => (await api<Settings>(page, '/v1/recommendations/settings')).disabledRules, { timeout: 30_000 }).toEqual(settings.disabledRules);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('the dashboard', () => {
  it("shows the open recommendations' monthly savings and links to them", async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.getByTestId('savings-total').waitFor({ timeout: 20_000 });
    const totals = await api<Totals>(page, '/v1/recommendations/summary');
    expect(await text(page, 'savings-total')).toBe(money(totals.open.deduplicatedMonthlySavings, totals.currency));
    expect(await text(page, 'savings-link')).toContain(String(totals.open.count));
    await page.getByTestId('savings-link').click();
    await page.waitForURL(/\/recommendations$/);
    await waitForList(page);
    expect(errors).toEqual([]);
    await context.close();
  });
});
