import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The anomalies pages against the API: the list, its filters and paging, the detail's contributors
 * and series, and triage, each compared with what GET/PATCH /v1/anomalies answers (asked from inside
 * the page with the signed-in token). No figure is hard-coded: the demo's anomalies move with the date.
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
  status: 'active' | 'acknowledged' | 'resolved' | 'ignored';
  severity: 'low' | 'medium' | 'high' | 'critical';
  feedback: 'expected' | 'real' | null;
  note: string | null;
  monitor: string;
  dimensionName: string;
  startDate: string;
  endDate: string;
  currency: string;
  impact: string;
  impactPerDay: string;
  actual: string;
  expected: string;
  rootCause: string;
}
interface Detail extends Summary {
  contributors: Array<{ service: string; account: string; accountName: string | null; region: string; usageType: string; actual: string; expected: string; delta: string; description: string }>;
  series: Array<{ date: string; actual: string; expected: string | null }>;
  flaggedBy: Array<{ monitor: string; dimensionValue: string }>;
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

/** Every anomaly the API lists for a query, all pages, in its order. */
async function listAll(page: Page, query = ''): Promise<Summary[]> {
  const all: Summary[] = [];
  let cursor: string | null = null;
  do {
    const answer: { items: Summary[]; nextCursor: string | null } = await api(page, `/v1/anomalies?limit=100${query ? `&${query}` : ''}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    all.push(...answer.items);
    cursor = answer.nextCursor;
  } while (cursor);
  return all;
}

const money = (amount: string, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);
const capital = (s: string) => s[0]!.toUpperCase() + s.slice(1);
const nextDay = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);

const rows = (page: Page) => page.locator('[data-testid="anomalies"] tbody tr');

/** The table as the page shows it: id, series, severity, impact, status, root cause per row. */
async function shownRows(page: Page): Promise<string[][]> {
  return rows(page).evaluateAll((trs) =>
    trs.map((tr) => {
      const text = (selector: string) => (tr.querySelector(selector)?.textContent ?? '').trim();
      return [tr.getAttribute('data-anomaly-id') ?? '', text('[data-testid="anomaly-series"]'), text('[data-severity]'), text('[data-testid="anomaly-impact"]'), text('[data-status]'), text('[data-testid="anomaly-cause"]')];
    }),
  );
}
const expectedRows = (items: Summary[]) => items.map((a) => [a.id, a.dimensionName, capital(a.severity), money(a.impact, a.currency), capital(a.status), a.rootCause]);

async function waitForList(page: Page) {
  await page.locator('[data-testid="anomalies"], [data-testid="anomalies-empty"], .state-empty').first().waitFor({ timeout: 20_000 });
}

describe('the anomalies list', () => {
  it("shows Demo Corp's anomalies exactly as GET /v1/anomalies answers, and filters them through the URL", async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.getByRole('link', { name: 'Anomalies', exact: true }).click();
    await page.waitForURL(/\/anomalies$/);
    await waitForList(page);

    const all = await listAll(page);
    expect(all.length, 'the demo data has injected spikes the detection finds').toBeGreaterThan(1);
    await expect.poll(() => shownRows(page), { timeout: 15_000 }).toEqual(expectedRows(all));
    expect(await page.getByTestId('anomalies-count').textContent()).toContain(`${all.length} anomalies`);
    await screenshot(page, 'anomalies');

    // Severity: the select writes the URL, the list is what the API answers to the same filter.
    const severity = all[all.length - 1]!.severity;
    await page.getByLabel('Severity').selectOption(severity);
    await expect.poll(() => new URL(page.url()).searchParams.get('severity')).toBe(severity);
    const bySeverity = await listAll(page, `severity=${severity}`);
    expect(bySeverity.length).toBeGreaterThan(0);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(bySeverity));

    // A date range (the last day inclusive on the page, exclusive in the URL, as the API takes it).
    const from = all[Math.floor(all.length / 2)]!.startDate;
    const to = all[0]!.startDate;
    await page.getByLabel('Severity').selectOption('');
    await page.getByLabel('Started from').fill(from);
    await page.getByLabel('Started to (inclusive)').fill(to);
    await expect.poll(() => [new URL(page.url()).searchParams.get('start'), new URL(page.url()).searchParams.get('end')]).toEqual([from, nextDay(to)]);
    const inRange = await listAll(page, `start=${from}&end=${nextDay(to)}`);
    expect(inRange.length).toBeGreaterThan(0);
    expect(inRange.length).toBeLessThan(all.length);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(inRange));

    // The URL alone restores the view (a shared link).
    await page.reload();
    await waitForList(page);
    await expect.poll(() => shownRows(page)).toEqual(expectedRows(inRange));
    expect(await page.getByLabel('Started from').inputValue()).toBe(from);

    // A status nothing has: the API's empty answer, said plainly, with a way back.
    for (const status of ['resolved', 'ignored'] as const) {
      const none = await listAll(page, `status=${status}`);
      if (none.length) continue;
      await page.goto(`/anomalies?status=${status}`);
      await page.getByText('No anomalies match these filters').waitFor({ timeout: 15_000 });
      expect(await rows(page).count()).toBe(0);
      await page.getByRole('button', { name: 'Clear filters' }).first().click();
      await expect.poll(() => shownRows(page)).toEqual(expectedRows(all));
      expect(new URL(page.url()).search).toBe('');
      break;
    }

    // Dates the API would refuse are refused with its own message, without calling it.
    await page.goto(`/anomalies?start=${to}&end=${from}`);
    await page.getByText('These filters cannot be used').waitFor({ timeout: 15_000 });
    expect(await page.locator('.notice').textContent()).toContain('end must be after start');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('"Load more" appends the next page in the API\'s order', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    // Demo Corp has fewer anomalies than a page, so the page's own requests ask the real API for
    // pages of 2: the cursors, their order and the end of the list are the API's.
    const PAGE = 2;
    await page.route(/\/v1\/anomalies\?/, (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', String(PAGE));
      return route.continue({ url: url.toString() });
    });
    await page.goto('/anomalies');
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

  it('an organization without anomalies sees an empty state, not an empty table', async () => {
    const { page, context, errors } = await openConsole(browser);
    await page.goto('/sign-up');
    await page.getByLabel('Organization name').fill('Calm Spend Org');
    await page.getByLabel('Work email').fill(`anomalies-empty-${Date.now()}@example.com`);
    await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-9!');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect.poll(() => page.getByTestId('org-name').textContent().catch(() => null), { timeout: 20_000 }).toBe('Calm Spend Org');
    await page.goto('/anomalies');
    await page.getByTestId('anomalies-empty').waitFor({ timeout: 20_000 });
    expect(await listAll(page)).toEqual([]);
    expect(await page.getByTestId('anomalies-empty').textContent()).toContain('No anomalies detected');
    expect(await page.getByTestId('anomalies').count()).toBe(0);
    await screenshot(page, 'anomalies-empty');
    expect(errors).toEqual([]);
    await context.close();
  });
});

/** The contributors table as [service, account, region, usage type, actual, expected, change]. */
async function shownContributors(page: Page): Promise<string[][]> {
  return page.locator('[data-testid="contributors"] tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td, i) => (i === 1 ? (td.firstChild?.textContent ?? '') : (td.textContent ?? '')).trim())),
  );
}

describe('an anomaly', () => {
  it("shows its contributors, series and figures as GET /v1/anomalies/{id} answers", async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/anomalies');
    await waitForList(page);
    const [first] = await listAll(page);
    // From the list, by its link, as a person would.
    await rows(page).first().getByTestId('anomaly-series').click();
    await page.waitForURL(new RegExp(`/anomalies/${first!.id}$`));
    await page.getByTestId('contributors').waitFor({ timeout: 20_000 });
    const detail = await api<Detail>(page, `/v1/anomalies/${first!.id}`);

    expect(detail.contributors.length).toBeGreaterThan(0);
    expect(await shownContributors(page)).toEqual(
      detail.contributors.map((c) => [c.service, c.accountName ?? c.account, c.region || '(none)', c.usageType || '(none)', money(c.actual, detail.currency), money(c.expected, detail.currency), `${Number(c.delta) > 0 ? '+' : ''}${money(c.delta, detail.currency)}`]),
    );
    // Ranked by dollar delta, as the API ranks them, one bar each.
    const deltas = detail.contributors.map((c) => Number(c.delta));
    expect(deltas).toEqual([...deltas].sort((a, b) => b - a));
    await page.locator('[data-testid="contributors-chart"] .recharts-bar-rectangle').first().waitFor();
    expect(await page.getByTestId('contributors-chart').getAttribute('data-bars')).toBe(String(detail.contributors.length));
    expect(await page.locator('[data-testid="contributors-chart"] .recharts-bar-rectangle').count()).toBe(detail.contributors.length);

    // The series around it: every day a bar, the anomalous days highlighted, expected as a line.
    const chart = page.getByTestId('anomaly-series-chart');
    expect(await chart.getAttribute('data-points')).toBe(String(detail.series.length));
    const anomalousDays = detail.series.filter((p) => p.date >= detail.startDate && p.date <= detail.endDate).length;
    expect(anomalousDays).toBeGreaterThan(0);
    expect(await chart.getAttribute('data-anomalous')).toBe(String(anomalousDays));
    expect(await chart.locator('.chart-bar-anomalous').count()).toBe(anomalousDays);
    expect(await chart.locator('.recharts-bar-rectangle').count()).toBe(detail.series.length);
    expect(await chart.locator('.chart-expected').count()).toBe(1);

    // The headline figures and root cause.
    expect((await page.getByTestId('anomaly-impact').textContent())?.trim()).toBe(money(detail.impact, detail.currency));
    expect((await page.getByTestId('anomaly-actual').textContent())?.trim()).toBe(money(detail.actual, detail.currency));
    expect(await page.getByTestId('anomaly-expected').textContent()).toContain(money(detail.expected, detail.currency));
    expect(await page.getByTestId('anomaly-root-cause').textContent()).toContain(detail.rootCause);
    expect(await page.locator('[data-testid="flagged-by"] li').count()).toBe(detail.flaggedBy.length);

    // The tooltip of an anomalous day shows the API's exact figures for it.
    const peak = detail.series.find((p) => p.date === detail.startDate)!;
    const index = detail.series.indexOf(peak);
    const box = (await chart.locator('.recharts-surface').first().boundingBox())!;
    const plotLeft = box.x + 64;
    const step = (box.width - 64 - 8) / detail.series.length;
    await page.mouse.move(plotLeft + step * (index + 0.5), box.y + box.height / 2);
    await expect.poll(() => page.locator('.chart-tooltip').textContent().catch(() => '')).toContain(money(peak.actual, detail.currency));
    expect(await page.locator('.chart-tooltip').textContent()).toContain('anomalous');

    await page.mouse.move(0, 0);
    await screenshot(page, 'anomaly');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an analyst acknowledges one and marks it real with a note; the API agrees; it is put back afterwards', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    await page.goto('/anomalies');
    await waitForList(page);
    const target = (await listAll(page)).find((a) => a.status === 'active' && a.feedback === null);
    expect(target, 'an active anomaly without feedback to triage').toBeDefined();
    const before = await api<Detail>(page, `/v1/anomalies/${target!.id}`);
    const note = `Load test left running (e2e ${Date.now()})`;
    try {
      await page.goto(`/anomalies/${target!.id}`);
      await page.getByTestId('triage').waitFor({ timeout: 20_000 });
      expect(await page.getByTestId('triage-read-only').count()).toBe(0);

      // Acknowledge, with a note.
      await page.getByRole('button', { name: 'Acknowledge', exact: true }).click();
      const dialog = page.getByRole('dialog', { name: 'Acknowledge this anomaly' });
      await dialog.waitFor();
      await dialog.getByLabel('Note (optional)').fill(note);
      await dialog.getByRole('button', { name: 'Acknowledge' }).click();
      await page.getByText('Anomaly acknowledged.').waitFor({ timeout: 15_000 });
      await expect.poll(() => page.getByTestId('anomaly-status').textContent()).toBe('Acknowledged');
      expect(await page.getByTestId('anomaly-note').textContent()).toBe(note);
      let now = await api<Detail>(page, `/v1/anomalies/${target!.id}`);
      expect([now.status, now.feedback, now.note]).toEqual(['acknowledged', null, note]);

      // Feedback: a real anomaly (the note is kept as it is).
      await page.getByRole('button', { name: 'Mark real' }).click();
      const real = page.getByRole('dialog', { name: 'Mark as a real anomaly' });
      await real.waitFor();
      expect(await real.getByLabel('Note (optional)').inputValue()).toBe(note);
      await real.getByRole('button', { name: 'Mark real' }).click();
      await page.getByText('Marked as a real anomaly.').waitFor({ timeout: 15_000 });
      await expect.poll(() => page.getByTestId('anomaly-feedback').textContent()).toBe('Real anomaly');
      now = await api<Detail>(page, `/v1/anomalies/${target!.id}`);
      expect([now.status, now.feedback, now.note]).toEqual(['acknowledged', 'real', note]);
      // The figures did not move with the triage.
      expect([now.impact, now.contributors]).toEqual([before.impact, before.contributors]);

      // The list shows the new state.
      await page.getByRole('link', { name: '← Anomalies' }).click();
      await expect.poll(() => page.locator(`tr[data-anomaly-id="${target!.id}"] [data-status]`).textContent()).toBe('Acknowledged');
      expect(await page.locator(`tr[data-anomaly-id="${target!.id}"]`).textContent()).toContain('Real anomaly');

      await page.goto(`/anomalies/${target!.id}`);
      await page.getByTestId('triage').waitFor({ timeout: 20_000 });
      await screenshot(page, 'anomaly-triaged');
      expect(errors).toEqual([]);
    } finally {
      // Demo Corp as found: status, feedback and note as they were.
      await api(page, `/v1/anomalies/${target!.id}`, { method: 'PATCH', body: { status: before.status, feedback: before.feedback, note: before.note } });
      const after = await api<Detail>(page, `/v1/anomalies/${target!.id}`);
      expect([after.status, after.feedback, after.note]).toEqual([before.status, before.feedback, before.note]);
      await context.close();
    }
  });

  it('a viewer sees the anomaly read-only: no triage buttons, and the API refuses the change', async () => {
    const { page, context, errors } = await openConsole(browser, { colorScheme: 'dark' });
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/anomalies');
    await waitForList(page);
    const [first] = await listAll(page);
    await page.goto(`/anomalies/${first!.id}`);
    await page.getByTestId('triage').waitFor({ timeout: 20_000 });
    await page.getByTestId('contributors').waitFor();
    for (const name of ['Acknowledge', 'Resolve', 'Ignore', 'Reopen', 'Mark expected', 'Mark real', 'Clear feedback', 'Add note', 'Edit note']) {
      expect(await page.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    }
    expect(await page.getByTestId('triage-read-only').textContent()).toContain('analyst');
    expect(await page.getByTestId('anomaly-status').textContent()).toBe(capital(first!.status));
    await page.mouse.move(0, 0);
    await screenshot(page, 'anomaly-viewer');
    // The page itself logged nothing; the 403 asked for below is logged by the browser, on purpose.
    expect(errors).toEqual([]);
    const status = await page.evaluate(async (id) => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      const res = await fetch(`/v1/anomalies/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'acknowledged' }) });
      return res.status;
    }, first!.id);
    expect(status).toBe(403);
    await context.close();
  });
});
