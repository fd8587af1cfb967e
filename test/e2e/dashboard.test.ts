import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The dashboard against the API: every figure the page shows is compared with what the cost API
 * answers to the same question (asked from inside the page with the signed-in token), formatted
 * the way an en-US browser formats it. No figure is hard-coded: the demo data moves with the date.
 */

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface Overview {
  start: string;
  end: string;
  currency: string;
  total: string;
  previous: { start: string; end: string; total: string };
  change: { amount: string; percent: string | null };
  monthToDate: { start: string; end: string; total: string };
  topMovers: Array<{ key: string; name: string; current: string; previous: string; change: { amount: string; percent: string | null } }>;
  currencies: Array<{ currency: string; total: string }>;
  estimated: boolean;
  dataUpdatedAt: string | null;
}
interface Breakdown {
  currency: string;
  total: string;
  rows: Array<{ key: string; name: string; amount: string; share: string | null; points: Array<{ date: string; amount: string }> }>;
  other: { count: number; amount: string; share: string | null } | null;
}

interface Forecast {
  metric: string;
  currency: string;
  method: 'seasonalNaive' | 'trendWeekly' | 'holtWinters' | 'mean';
  backtest: { mape: string | null };
  dataThrough: string | null;
  start: string;
  end: string;
  month: { period: string; actual: string; forecast: string; lower80: string; upper80: string; lower95: string; upper95: string };
  points: Array<{ date: string; amount: string; lower80: string; upper80: string; lower95: string; upper95: string }>;
}
interface Anomaly {
  id: string;
  status: 'active' | 'acknowledged' | 'resolved' | 'ignored';
  severity: 'low' | 'medium' | 'high' | 'critical';
  startDate: string;
  endDate: string;
  impact: string;
  currency: string;
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
const signedPercent = (p: string) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1, signDisplay: 'exceptZero' }).format(Number(p) / 100);

/** Today in the tenant's time zone (the API's "today"), and whole days before it. */
async function tenantToday(page: Page): Promise<string> {
  const me = await apiGet<{ tenant: { timezone: string } }>(page, '/v1/me');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: me.tenant.timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(new Date()).map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day}`;
}
const daysBefore = (day: string, n: number) => new Date(Date.parse(`${day}T00:00:00Z`) - n * 86_400_000).toISOString().slice(0, 10);

const percent = (p: string) => new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 }).format(Number(p) / 100);

async function allAnomalies(page: Page): Promise<Anomaly[]> {
  const all: Anomaly[] = [];
  let cursor: string | null = null;
  do {
    const answer: { items: Anomaly[]; nextCursor: string | null } = await apiGet(page, `/v1/anomalies?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...answer.items);
    cursor = answer.nextCursor;
  } while (cursor);
  return all;
}

const texts = (page: Page, selector: string) => page.locator(selector).allTextContents().then((t) => t.map((s) => s.trim()));

async function waitForDashboard(page: Page) {
  await page.getByTestId('mtd-total').waitFor({ timeout: 20_000 });
  await page.getByTestId('last30-total').waitFor();
  await page.getByTestId('top-services').waitFor();
  await page.locator('.trend-chart .recharts-wrapper').waitFor();
}

describe('the dashboard', () => {
  it('shows the demo data exactly as the cost, forecast and anomaly APIs answer it, with its calls in parallel', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    // Measure from a fresh load of the dashboard: every call must start before any answers.
    const calls: Array<{ url: string; started: number; finished?: number }> = [];
    page.on('request', (r) => {
      if (/\/v1\/(costs\/|forecast|anomalies|budgets)/.test(r.url())) calls.push({ url: r.url(), started: performance.now() });
    });
    page.on('requestfinished', (r) => {
      const call = calls.find((c) => c.url === r.url() && c.finished === undefined);
      if (call) call.finished = performance.now();
    });
    await page.goto('/');
    await waitForDashboard(page);

    await page.getByTestId('forecast-total').waitFor();
    await page.getByTestId('open-anomalies').waitFor();
    await page.getByTestId('dashboard-budgets').waitFor();
    expect(calls.map((c) => new URL(c.url).pathname).sort()).toEqual(['/v1/anomalies', '/v1/budgets', '/v1/costs/breakdown', '/v1/costs/breakdown', '/v1/costs/overview', '/v1/costs/overview', '/v1/forecast']);
    const lastStart = Math.max(...calls.map((c) => c.started));
    const firstFinish = Math.min(...calls.map((c) => c.finished ?? Infinity));
    expect(lastStart).toBeLessThan(firstFinish);

    const today = await tenantToday(page);
    const last30 = `start=${daysBefore(today, 30)}&end=${today}`;
    const [mtd, recent, services] = await Promise.all([
      apiGet<Overview>(page, '/v1/costs/overview'),
      apiGet<Overview>(page, `/v1/costs/overview?${last30}`),
      apiGet<Breakdown>(page, `/v1/costs/breakdown?${last30}&groupBy=service&granularity=monthly&top=8`),
    ]);
    // The demo has data to yesterday: these are real figures, not zeros.
    expect(Number(recent.total)).toBeGreaterThan(0);
    expect(services.rows.length).toBeGreaterThan(0);

    expect((await page.getByTestId('mtd-total').textContent())?.trim()).toBe(money(mtd.monthToDate.total, mtd.currency));
    const mtdChange = await page.getByTestId('mtd-change').textContent();
    if (mtd.change.percent !== null) expect(mtdChange).toContain(signedPercent(mtd.change.percent));
    expect(mtdChange).toContain(money(mtd.previous.total, mtd.currency));
    expect((await page.getByTestId('last30-total').textContent())?.trim()).toBe(money(recent.total, recent.currency));
    const recentChange = await page.getByTestId('last30-change').textContent();
    if (recent.change.percent !== null) expect(recentChange).toContain(signedPercent(recent.change.percent));
    // Coloured: spend going up reads as bad, down as good.
    const tone = Number(recent.change.amount) > 0 ? 'change-up' : Number(recent.change.amount) < 0 ? 'change-down' : 'muted';
    expect(await page.getByTestId('last30-change').locator(`.${tone}`).count()).toBe(1);

    // Top services: names, amounts and the total as the breakdown answers.
    const table = '[data-testid="top-services"] tbody tr';
    const expectedNames = services.rows.map((r) => r.name);
    if (services.other) expectedNames.push(`Other (${services.other.count} services)`);
    expect(await texts(page, `${table} td:nth-child(1)`)).toEqual(expectedNames);
    const expectedAmounts = services.rows.map((r) => money(r.amount, services.currency));
    if (services.other) expectedAmounts.push(money(services.other.amount, services.currency));
    expect(await texts(page, `${table} td:nth-child(2)`)).toEqual(expectedAmounts);
    expect((await page.getByTestId('top-services-total').textContent())?.trim()).toBe(money(services.total, services.currency));
    // The 30-day total and the services' total are the same spend.
    expect(services.total).toBe(recent.total);

    // Top movers: the 30-day overview's topMovers, in its order.
    expect(recent.topMovers.length).toBeGreaterThan(0);
    const movers = '[data-testid="top-movers"] tbody tr';
    expect(await texts(page, `${movers} td:nth-child(1)`)).toEqual(recent.topMovers.map((m) => m.name));
    expect(await texts(page, `${movers} td:nth-child(2)`)).toEqual(recent.topMovers.map((m) => money(m.current, recent.currency)));
    expect(await texts(page, `${movers} td:nth-child(3)`)).toEqual(recent.topMovers.map((m) => money(m.previous, recent.currency)));

    // The trend chart draws one area per service shown plus "other".
    const trend = await apiGet<Breakdown>(page, `/v1/costs/breakdown?start=${daysBefore(today, 90)}&end=${today}&groupBy=service&granularity=daily&top=5`);
    // (the forecast's two bands are areas too, drawn apart from the services')
    expect(await page.locator('.trend-chart .recharts-area:not(.chart-forecast-80):not(.chart-forecast-95)').count()).toBe(trend.rows.length + (trend.other ? 1 : 0));
    expect(await texts(page, '.chart-legend[aria-label="Legend"] li')).toEqual([...trend.rows.map((r) => r.name), ...(trend.other ? [`Other (${trend.other.count} services)`] : [])]);

    // Freshness, and honest cards for what has no API yet (no made-up figures).
    const freshness = await page.getByTestId('freshness').textContent();
    expect(freshness).toContain('Data updated');
    if (mtd.estimated) expect(freshness).toContain('Estimated');
    // Budgets: the demo's two, each with the status and spend GET /v1/budgets answers.
    const budgets = await apiGet<{ items: Array<{ id: string; name: string; amount: string; currency: string; current: { status: string; spent: string } }> }>(page, '/v1/budgets?limit=50');
    expect(budgets.items.map((b) => b.current.status).sort()).toEqual(expect.arrayContaining(['on_track']));
    expect(budgets.items.some((b) => b.current.status !== 'on_track')).toBe(true);
    for (const b of budgets.items.slice(0, 5)) {
      const row = page.locator(`[data-testid="dashboard-budgets"] li[data-budget-id="${b.id}"]`);
      expect(await row.getByTestId('budget-status').getAttribute('data-status')).toBe(b.current.status);
      expect((await row.getByTestId('budget-spent').textContent())?.trim()).toBe(money(b.current.spent, b.currency));
      expect((await row.getByTestId('budget-amount').textContent())?.trim()).toBe(money(b.amount, b.currency));
    }
    expect(await page.getByTestId('no-billing-data').count()).toBe(0);

    // The month-end forecast: GET /v1/forecast's month total, its 80 % interval, method and error.
    const forecast = await apiGet<Forecast>(page, '/v1/forecast?horizon=month');
    expect(forecast.dataThrough).not.toBeNull();
    expect(Number(forecast.month.forecast)).toBeGreaterThan(0);
    expect((await page.getByTestId('forecast-total').textContent())?.trim()).toBe(money(forecast.month.forecast, forecast.currency));
    expect((await page.getByTestId('forecast-interval').textContent())?.trim()).toBe(
      `80 % likely ${money(forecast.month.lower80, forecast.currency)} – ${money(forecast.month.upper80, forecast.currency)}`,
    );
    const method = await page.getByTestId('forecast-method').textContent();
    if (forecast.method !== 'mean' && forecast.backtest.mape !== null) expect(method).toContain(`MAPE ${percent(forecast.backtest.mape)}`);
    const explanation = await page.getByTestId('stat-forecast').locator('[title]').getAttribute('title');
    expect(explanation).toContain(`95 % range ${money(forecast.month.lower95, forecast.currency)} – ${money(forecast.month.upper95, forecast.currency)}`);
    expect(explanation).toContain(`${money(forecast.month.actual, forecast.currency)} month to date`);

    // The forecast continues the trend chart to the month end, with its 95 % and 80 % bands.
    expect(forecast.points.length).toBeGreaterThan(0);
    expect(await page.locator('.trend-chart .chart-forecast-95').count()).toBe(1);
    expect(await page.locator('.trend-chart .chart-forecast-80').count()).toBe(1);
    expect(await page.locator('.trend-chart .chart-forecast-line').count()).toBe(1);
    const figure = page.locator('.trend-chart').first();
    expect(await figure.getAttribute('data-forecast-points')).toBe(String(forecast.points.length));
    expect(await figure.getAttribute('data-last-date')).toBe(forecast.points.at(-1)!.date);
    // The last forecast day's tooltip: the forecast and both ranges as the API answers them.
    const plot = (await page.locator('.trend-chart .recharts-surface').first().boundingBox())!;
    await page.mouse.move(plot.x + plot.width - 10, plot.y + plot.height * 0.5);
    const lastPoint = forecast.points.at(-1)!;
    await expect.poll(() => page.locator('.chart-tooltip').textContent().catch(() => '')).toContain(`Forecast${money(lastPoint.amount, forecast.currency)}`);
    const tip = await page.locator('.chart-tooltip').textContent();
    expect(tip).toContain(`80 % range${money(lastPoint.lower80, forecast.currency)} – ${money(lastPoint.upper80, forecast.currency)}`);
    expect(tip).toContain(`95 % range${money(lastPoint.lower95, forecast.currency)} – ${money(lastPoint.upper95, forecast.currency)}`);

    // Anomaly markers: one per anomaly (not ignored) that started in the chart's 90 days, oldest first.
    const anomalies = await allAnomalies(page);
    const inChart = anomalies
      .filter((a) => a.status !== 'ignored' && a.startDate >= daysBefore(today, 90) && a.startDate < today)
      .sort((a, b) => (a.startDate < b.startDate ? -1 : 1));
    expect(inChart.length, 'the demo injects spikes in the last 90 days').toBeGreaterThan(0);
    expect(await page.locator('[data-testid="chart-anomaly-marker"]').evaluateAll((m) => m.map((g) => g.getAttribute('data-date')))).toEqual(inChart.map((a) => a.startDate));
    expect(await page.locator('[data-testid="chart-anomalies"] a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual(inChart.map((a) => `/anomalies/${a.id}`));

    // Open anomalies (active or acknowledged): the count, per severity, and the three costliest.
    const open = anomalies.filter((a) => a.status === 'active' || a.status === 'acknowledged');
    expect((await page.getByTestId('open-anomalies-count').textContent())?.trim()).toBe(String(open.length));
    for (const severity of ['low', 'medium', 'high', 'critical'] as const) {
      expect(await page.locator(`.dashboard-severity-count[data-severity="${severity}"]`).getAttribute('data-count')).toBe(String(open.filter((a) => a.severity === severity).length));
    }
    const top3 = [...open].sort((a, b) => Number(b.impact) - Number(a.impact)).slice(0, 3);
    expect(await page.locator('[data-testid="top-anomalies"] li').evaluateAll((li) => li.map((l) => l.getAttribute('data-anomaly-id')))).toEqual(top3.map((a) => a.id));
    expect(await texts(page, '[data-testid="top-anomaly-impact"]')).toEqual(top3.map((a) => `+${money(a.impact, a.currency)}`));
    expect(await page.getByRole('link', { name: 'All anomalies' }).getAttribute('href')).toBe('/anomalies');

    // The tooltip shows a day's exact figures.
    const box = (await page.locator('.trend-chart .recharts-surface').first().boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
    await expect.poll(() => page.locator('.chart-tooltip').count()).toBe(1);
    expect(await page.locator('.chart-tooltip tfoot').textContent()).toMatch(/Total\$[\d,]+\.\d\d/);

    await page.mouse.move(0, 0);
    await screenshot(page, 'dashboard');

    // A marker on the chart opens its anomaly.
    const marker = inChart.at(-1)!;
    await page.locator(`[data-testid="chart-anomaly-marker"][data-date="${marker.startDate}"]`).click();
    await page.waitForURL(new RegExp(`/anomalies/${marker.id}$`));
    await page.getByTestId('anomaly-impact').waitFor({ timeout: 15_000 });
    expect((await page.getByTestId('anomaly-impact').textContent())?.trim()).toBe(money(marker.impact, marker.currency));
    expect(errors).toEqual([]);
    await context.close();
  });

  it("shows the open recommendations' deduplicated monthly savings as GET /v1/recommendations/summary answers, linking to them", async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    // The seed collects the demo accounts in the background; the Analyze step ends it.
    type Summary = { analyzedAt: string | null; currency: string; open: { count: number; deduplicatedMonthlySavings: string } };
    await expect.poll(async () => (await apiGet<Summary>(page, '/v1/recommendations/summary')).analyzedAt, { timeout: 90_000 }).not.toBeNull();
    const summary = await apiGet<Summary>(page, '/v1/recommendations/summary');
    expect(summary.open.count).toBeGreaterThan(0);
    await page.goto('/');
    await page.getByTestId('savings-total').waitFor({ timeout: 20_000 });
    expect((await page.getByTestId('savings-total').textContent())?.trim()).toBe(money(summary.open.deduplicatedMonthlySavings, summary.currency));
    expect((await page.getByTestId('savings-link').textContent())?.trim()).toBe(`${summary.open.count} open recommendations`);
    await page.getByTestId('savings-link').click();
    await page.waitForURL(/\/recommendations$/);
    expect(errors).toEqual([]);
    await context.close();
  }, 120_000);

  it('a viewer (read permission only) sees the same dashboard', async () => {
    const admin = await openConsole(browser);
    await signIn(admin.page, DEMO_USERS.admin);
    await waitForDashboard(admin.page);
    const adminFigures = [await admin.page.getByTestId('mtd-total').textContent(), await admin.page.getByTestId('last30-total').textContent(), await texts(admin.page, '[data-testid="top-services"] tbody tr')];
    await admin.context.close();

    // In the dark theme (the system's choice), so the screenshot shows the charts there too.
    const { page, context, errors } = await openConsole(browser, { colorScheme: 'dark' });
    await signIn(page, DEMO_USERS.viewer);
    await waitForDashboard(page);
    const mtd = await apiGet<Overview>(page, '/v1/costs/overview');
    expect((await page.getByTestId('mtd-total').textContent())?.trim()).toBe(money(mtd.monthToDate.total, mtd.currency));
    expect([await page.getByTestId('mtd-total').textContent(), await page.getByTestId('last30-total').textContent(), await texts(page, '[data-testid="top-services"] tbody tr')]).toEqual(adminFigures);
    await page.mouse.move(0, 0);
    await screenshot(page, 'dashboard-viewer');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an organization without billing data sees empty states, not zeros dressed up as data', async () => {
    const { page, context, errors } = await openConsole(browser);
    await page.goto('/sign-up');
    const email = `costs-empty-${Date.now()}@example.com`;
    await page.getByLabel('Organization name').fill('Empty Costs Org');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-9!');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect.poll(() => page.getByTestId('org-name').textContent().catch(() => null), { timeout: 20_000 }).toBe('Empty Costs Org');

    await page.goto('/');
    await page.getByTestId('no-billing-data').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('no-billing-data').textContent()).toContain('No billing data yet');
    // An admin is shown where to connect data.
    expect(await page.getByRole('link', { name: 'Connect billing data' }).getAttribute('href')).toBe('/billing');
    // What the API answers for this organization: no spend in any currency, no data at all.
    const mtd = await apiGet<Overview>(page, '/v1/costs/overview');
    expect(mtd.currencies).toEqual([]);
    expect(mtd.dataUpdatedAt).toBeNull();
    // No $0.00 totals, empty charts or "nothing moved" tables standing in for data.
    expect(await page.getByTestId('mtd-total').count()).toBe(0);
    expect(await page.getByTestId('top-services').count()).toBe(0);
    expect(await page.locator('.recharts-wrapper').count()).toBe(0);
    expect(await page.getByTestId('freshness').count()).toBe(0);
    await screenshot(page, 'dashboard-empty');

    await page.goto('/costs/explorer');
    await page.getByText('No spend in this view').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Download CSV' }).isDisabled()).toBe(true);
    expect(await page.getByTestId('breakdown-table').count()).toBe(0);
    await screenshot(page, 'explorer-empty');

    await page.goto('/costs/resources');
    await page.getByText('No resource costs in this range').waitFor({ timeout: 20_000 });
    await screenshot(page, 'top-resources-empty');
    expect(errors).toEqual([]);
    await context.close();
  });
});
