import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { billingSource, ingestion as ingestionSchema } from '../../shared/contracts/billing.js';
import { formatDecimal, parseDecimal, sum } from '../../shared/money.js';
import { DEMO_ACCOUNTS } from '../../local/demo/dimensions.js';
import { DEMO_EXPORT_BUCKET } from '../../local/export-buckets.js';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

type Ingestion = z.output<typeof ingestionSchema>;
type Source = z.output<typeof billingSource>;

const SMALL_FOCUS = fileURLToPath(new URL('./fixtures/billing-focus-small.csv', import.meta.url));
const BAD_ROWS = fileURLToPath(new URL('../fixtures/billing/bad/bad-values.csv', import.meta.url));
const CORRUPT_GZIP = fileURLToPath(new URL('../fixtures/billing/bad/corrupt.csv.gz', import.meta.url));

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

/** The API, called from inside the page with the signed-in user's token, as the console calls it. */
async function api<T>(page: Page, path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const answer = await page.evaluate(
    async ({ path, init }) => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      const res = await fetch(path, {
        method: init.method ?? 'GET',
        headers: { authorization: `Bearer ${idToken}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
        body: init.body ? JSON.stringify(init.body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as unknown };
    },
    { path, init },
  );
  if (answer.status >= 300) throw new Error(`${path} answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body as T;
}

/** What the page should show for an amount: en-US currency at cents, formatted from the exact string. */
const usd = (amount: string, currency: string) =>
  new Intl.NumberFormat('en-US', { style: 'currency', currency, minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(amount as unknown as number);
const rows = (n: number) => new Intl.NumberFormat('en-US').format(n);
const total = (amounts: string[]) => formatDecimal(sum(amounts.map(parseDecimal)));

function billedByCurrency(lines: Ingestion['sourceTotals'], metric: 'billedCost' | 'effectiveCost' = 'billedCost'): Map<string, string> {
  const by = new Map<string, string[]>();
  for (const line of lines) by.set(line.currency ?? '', [...(by.get(line.currency ?? '') ?? []), line[metric]]);
  return new Map([...by].map(([currency, amounts]) => [currency, total(amounts)]));
}

const text = async (page: Page, selector: string) => ((await page.locator(selector).first().textContent()) ?? '').replace(/\s+/g, ' ').trim();

/** Uploads a file through the page's dialog and answers the ingestion id the page then follows. */
async function uploadThroughPage(page: Page, sourceName: string, file: string): Promise<string> {
  await page.getByRole('button', { name: 'Upload a file', exact: true }).click();
  const dialog = page.getByRole('dialog', { name: 'Upload a billing export' });
  await dialog.getByLabel('Source').selectOption({ label: sourceName });
  await dialog.getByLabel('File', { exact: true }).setInputFiles(file);
  await dialog.getByRole('button', { name: 'Upload and ingest' }).click();
  const live = page.getByTestId('live-ingestion').first();
  await expect.poll(() => live.getAttribute('data-ingestion-id').catch(() => null), { timeout: 15_000 }).toBeTruthy();
  return (await live.getAttribute('data-ingestion-id'))!;
}

async function settled(page: Page, id: string): Promise<Ingestion> {
  const live = page.locator(`[data-testid="live-ingestion"][data-ingestion-id="${id}"]`);
  await expect.poll(() => live.locator('.billing-status').first().getAttribute('data-status'), { timeout: 45_000 }).toMatch(/succeeded|failed/);
  return api<Ingestion>(page, `/v1/billing/ingestions/${id}`);
}

describe('billing data', () => {
  it("the demo tenant's seeded ingestion is listed as succeeded, and its reconciliation shows the API's matching totals", async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    await page.goto('/billing');
    await expect.poll(() => page.getByTestId('sources').count(), { timeout: 15_000 }).toBe(1);

    const sources = await api<{ items: Source[] }>(page, '/v1/billing/sources?limit=500');
    const demo = sources.items.find((s) => s.periods.length > 0 && s.name.startsWith('Demo Corp'))!;
    expect(demo, 'the demo tenant has a seeded source with billing periods').toBeTruthy();
    const seededId = demo.periods[0]!.ingestionId;
    const seeded = await api<Ingestion>(page, `/v1/billing/ingestions/${seededId}`);
    expect(seeded.status).toBe('succeeded');

    // The source: its months as final or estimated, as the API says.
    const sourceRow = page.locator(`tr[data-source-id="${demo.id}"]`);
    expect(await sourceRow.locator('.billing-source-name').textContent()).toBe(demo.name);
    const final = demo.periods.filter((p) => p.status === 'final').length;
    const estimated = demo.periods.length - final;
    expect(await sourceRow.getByTestId('final-months').textContent()).toBe(`${final} final`);
    if (estimated) expect(await sourceRow.getByTestId('estimated-months').textContent()).toBe(`${estimated} estimated`);
    expect(await sourceRow.locator('li.billing-period').count()).toBe(Math.min(18, demo.periods.length));

    // The history row: status, rows and the file's own billed cost per currency.
    const row = page.locator(`tr[data-ingestion-id="${seededId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.getByTestId('ingestion-status').textContent()).toBe('Succeeded');
    expect(await row.getByTestId('ingestion-rows').textContent()).toBe(rows(seeded.rowsRead));
    for (const [currency, amount] of billedByCurrency(seeded.sourceTotals)) {
      expect(await row.locator(`[data-testid="ingestion-totals"] [data-currency="${currency}"]`).textContent()).toBe(usd(amount, currency));
    }
    expect(await row.textContent()).toContain(seeded.files[0]!.fileName);
    await screenshot(page, 'billing');

    // The detail page: format, rows, and every reconciliation line equal to the API's totals.
    await row.getByRole('link').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/billing/ingestions/${seededId}`);
    await expect.poll(() => page.getByTestId('reconciliation').count(), { timeout: 15_000 }).toBe(1);
    expect(await text(page, '[data-testid="detected-format"]')).toContain(seeded.files[0]!.format.replace(/^focus-/, 'FOCUS '));
    expect(await text(page, '[data-testid="rows-read"]')).toBe(rows(seeded.rowsRead));
    expect(await text(page, '[data-testid="rows-rejected"]')).toBe('0');
    const lines = page.locator('[data-testid="reconciliation"] tbody tr');
    expect(await lines.count()).toBe(seeded.sourceTotals.length);
    const check = async (metric: 'billedCost' | 'effectiveCost') => {
      for (const source of seeded.sourceTotals) {
        const stored = seeded.storedTotals.find((s) => s.billingPeriod === source.billingPeriod && s.currency === source.currency)!;
        expect(stored[metric]).toBe(source[metric]);
        const line = page.locator(`[data-testid="reconciliation"] tbody tr[data-period="${source.billingPeriod}"][data-currency="${source.currency}"]`);
        expect(await line.getByTestId('source-total').textContent()).toBe(usd(source[metric], source.currency!));
        expect(await line.getByTestId('stored-total').textContent()).toBe(usd(stored[metric], stored.currency!));
        expect(await line.getByTestId('difference').getAttribute('data-value')).toBe('0');
        expect(await line.getByTestId('match').textContent()).toBe('Match');
      }
      // The footer: all periods per currency, summed exactly.
      for (const [currency, amount] of billedByCurrency(seeded.sourceTotals, metric)) {
        const footer = page.locator(`[data-testid="reconciliation-total"][data-currency="${currency}"]`);
        expect(await footer.getByTestId('source-total').textContent()).toBe(usd(amount, currency));
        expect(await footer.getByTestId('stored-total').textContent()).toBe(usd(amount, currency));
      }
    };
    await check('billedCost');
    await page.getByRole('button', { name: 'Effective cost' }).click();
    await check('effectiveCost');
    expect(await text(page, '[data-testid="reconciliation-summary"]')).toBe(`${seeded.sourceTotals.length} of ${seeded.sourceTotals.length} period and currency lines match`);
    await screenshot(page, 'billing-ingestion');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a FinOps manager adds a source (checked by the API schema) and uploads a FOCUS CSV that ingests to success with its totals', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/billing');
    await page.getByRole('button', { name: 'Add source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a billing source' });

    // The form refuses what the API's schema refuses, field by field.
    await dialog.getByLabel('Export bucket').check();
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => dialog.getByLabel('Name').getAttribute('aria-invalid')).toBe('true');
    const name = `E2E upload area ${Date.now()}`;
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => dialog.getByText('a bucket source needs a bucket').count()).toBe(1);
    await dialog.getByRole('textbox', { name: 'Bucket' }).fill('Not_A_Bucket');
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => dialog.getByText('must be an S3 bucket name').count()).toBe(1);
    await screenshot(page, 'billing-add-source');
    await dialog.getByLabel('Default currency').fill('U$');
    await dialog.getByLabel('Upload area').check();
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => dialog.getByText('must be an ISO 4217 code such as USD').count()).toBe(1);
    await dialog.getByLabel('Default currency').fill('');
    await dialog.getByRole('button', { name: 'Add source' }).click();

    // Created as an upload area (the abandoned bucket is not sent), and listed.
    await expect.poll(() => page.getByText(`Source “${name}” added.`).count(), { timeout: 10_000 }).toBe(1);
    const created = (await api<{ items: Source[] }>(page, '/v1/billing/sources?limit=500')).items.find((s) => s.name === name)!;
    expect(created).toMatchObject({ kind: 'upload', bucket: null, defaultCurrency: null });
    await expect.poll(() => page.locator(`tr[data-source-id="${created.id}"]`).count()).toBe(1);

    // Upload from the notice's shortcut: the dialog opens on the new source.
    await page.getByRole('button', { name: 'Upload its first file' }).click();
    const upload = page.getByRole('dialog', { name: 'Upload a billing export' });
    expect(await upload.getByLabel('Source').inputValue()).toBe(created.id);
    await upload.getByLabel('File', { exact: true }).setInputFiles(SMALL_FOCUS);
    expect(await upload.getByLabel('Stored as').inputValue()).toBe('billing-focus-small.csv');
    await upload.getByRole('button', { name: 'Upload and ingest' }).click();
    const live = page.getByTestId('live-ingestion').first();
    await expect.poll(() => live.getAttribute('data-ingestion-id').catch(() => null), { timeout: 15_000 }).toBeTruthy();
    const id = (await live.getAttribute('data-ingestion-id'))!;
    const done = await settled(page, id);
    expect(done.status).toBe('succeeded');
    expect(done.sourceId).toBe(created.id);
    expect(done.files.map((f) => f.fileName)).toEqual(['billing-focus-small.csv']);

    // The live card shows the stored totals per currency, equal to the API's.
    const stored = billedByCurrency(done.storedTotals);
    expect(stored.size).toBeGreaterThan(0);
    for (const [currency, amount] of stored) {
      expect(await live.locator(`[data-testid="live-totals"] dd[data-currency="${currency}"]`).textContent()).toBe(usd(amount, currency));
    }
    expect(await live.textContent()).toContain(`${rows(done.rowsRead)} rows`);

    // The history lists it as succeeded, and the source now delivers its month.
    const row = page.locator(`tr[data-ingestion-id="${id}"]`);
    await expect.poll(() => row.getByTestId('ingestion-status').textContent().catch(() => null), { timeout: 10_000 }).toBe('Succeeded');
    const after = await api<Source>(page, `/v1/billing/sources/${created.id}`);
    expect(after.periods.map((p) => p.period)).toEqual(done.periods);
    await expect.poll(() => page.locator(`tr[data-source-id="${created.id}"] li.billing-period`).count()).toBe(after.periods.length);
    await screenshot(page, 'billing-uploaded');

    // Opened from the header, the dialog offers the source chosen last time, and Cancel closes it.
    await page.getByRole('button', { name: 'Upload a file', exact: true }).click();
    expect(await upload.getByLabel('Source').inputValue()).toBe(created.id);
    await upload.getByRole('button', { name: 'Cancel' }).click();
    await expect.poll(() => upload.isVisible()).toBe(false);

    // Its detail page reconciles it line by line.
    await live.getByRole('link', { name: 'View the reconciliation' }).click();
    await expect.poll(() => page.getByTestId('reconciliation').count(), { timeout: 15_000 }).toBe(1);
    for (const line of done.storedTotals) {
      const tr = page.locator(`[data-testid="reconciliation"] tbody tr[data-period="${line.billingPeriod}"][data-currency="${line.currency}"]`);
      expect(await tr.getByTestId('stored-total').textContent()).toBe(usd(line.billedCost, line.currency!));
      expect(await tr.getByTestId('match').textContent()).toBe('Match');
    }
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a file with bad rows and a broken file fail with the reasons the API gives', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/billing');
    const name = `E2E rejects ${Date.now()}`;
    await api(page, '/v1/billing/sources', { method: 'POST', body: { name } });
    await page.reload();
    await expect.poll(() => page.getByTestId('sources').textContent(), { timeout: 15_000 }).toContain(name);

    // Bad rows: every rejected row with its line, column and the API's reason.
    const badId = await uploadThroughPage(page, name, BAD_ROWS);
    const bad = await settled(page, badId);
    expect(bad.status).toBe('failed');
    expect(bad.rejections.length).toBeGreaterThan(0);
    const live = page.locator(`[data-testid="live-ingestion"][data-ingestion-id="${badId}"]`);
    expect(await live.textContent()).toContain(`${bad.rowsRejected} of ${bad.rowsRead} rows were rejected`);
    expect(await live.textContent()).toContain(bad.error!.message);
    await live.getByRole('link', { name: 'See what went wrong' }).click();
    await expect.poll(() => page.getByTestId('rejections').count(), { timeout: 15_000 }).toBe(1);
    expect(await text(page, '[data-testid="rows-rejected"]')).toBe(rows(bad.rowsRejected));
    expect(await text(page, '[data-testid="error-message"]')).toBe(bad.error!.message.replace(/\s+/g, ' '));
    const shown = page.locator('[data-testid="rejections"] tbody tr');
    expect(await shown.count()).toBe(bad.rejections.length);
    for (const [i, rejection] of bad.rejections.entries()) {
      const tr = shown.nth(i);
      expect(await tr.getByTestId('rejection-line').textContent()).toBe(String(rejection.line));
      expect(await tr.getByTestId('rejection-column').textContent()).toBe(rejection.column ?? 'Whole row');
      expect(rejection.message).toContain((await tr.getByTestId('rejection-reason').textContent())!);
    }
    // Nothing was stored: the reconciliation says so for every line the file held.
    const matches = await page.locator('[data-testid="reconciliation"] [data-testid="match"]').allTextContents();
    expect(matches.length).toBe(new Set(bad.sourceTotals.map((t) => `${t.billingPeriod}|${t.currency}`)).size);
    expect(matches.every((m) => m === 'Not stored')).toBe(true);
    await screenshot(page, 'billing-ingestion-rejected');

    // A damaged gzip: no rows at all, and the API's explanation in plain sight.
    await page.getByRole('link', { name: '← Billing data' }).click();
    const brokenId = await uploadThroughPage(page, name, CORRUPT_GZIP);
    const broken = await settled(page, brokenId);
    expect(broken.status).toBe('failed');
    expect(broken.error).not.toBeNull();
    await page.goto(`/billing/ingestions/${brokenId}`);
    await expect.poll(() => page.getByTestId('failure').count(), { timeout: 15_000 }).toBe(1);
    expect(await text(page, '[data-testid="failure"]')).toContain('The file could not be read as a billing export.');
    expect(await text(page, '[data-testid="error-message"]')).toBe(broken.error!.message.replace(/\s+/g, ' '));
    await screenshot(page, 'billing-ingestion-broken');
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a FinOps manager adds an export bucket source read by a connected account, and "Scan now" ingests its new file once', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.finops_manager);
    await page.goto('/billing');
    // The demo accounts are connected by the seed; the recorded demo bucket answers for each (local/export-buckets.ts).
    const accounts = await api<{ items: Array<{ id: string; name: string }> }>(page, '/v1/accounts?limit=500');
    const account = accounts.items.find((a) => a.id === DEMO_ACCOUNTS.staging.id)!;
    expect(account).toBeTruthy();

    await page.getByRole('button', { name: 'Add source' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a billing source' });
    const name = `E2E export bucket ${Date.now()}`;
    await dialog.getByLabel('Name').fill(name);
    await dialog.getByLabel('Export bucket').check();
    await dialog.getByRole('textbox', { name: 'Bucket' }).fill(DEMO_EXPORT_BUCKET);
    await dialog.getByRole('textbox', { name: 'Prefix' }).fill('focus/');
    // The account is required for a bucket source, as the API's schema says.
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => dialog.getByText('a bucket source needs the connected account that can read it').count()).toBe(1);
    await expect.poll(() => dialog.getByLabel('Account').locator('option').count()).toBe(accounts.items.length + 1);
    await dialog.getByLabel('Account').selectOption(account.id);
    await dialog.getByRole('button', { name: 'Add source' }).click();
    await expect.poll(() => page.getByText(`Source “${name}” added.`).count(), { timeout: 10_000 }).toBe(1);
    const created = (await api<{ items: Source[] }>(page, '/v1/billing/sources?limit=500')).items.find((s) => s.name === name)!;
    expect(created).toMatchObject({ kind: 'bucket', bucket: DEMO_EXPORT_BUCKET, prefix: 'focus/', accountId: account.id, lastScan: null });
    const row = page.locator(`tr[data-source-id="${created.id}"]`);
    await expect.poll(() => text(page, `tr[data-source-id="${created.id}"] [data-testid="last-scan"]`)).toContain('Not scanned yet');
    expect(await row.textContent()).toContain(`s3://${DEMO_EXPORT_BUCKET}/focus/`);

    // Scan now: the one file under the prefix is copied in and ingested.
    await row.getByRole('button', { name: `Scan ${name} now` }).click();
    await expect.poll(() => row.getByTestId('scan-outcome').textContent().catch(() => null), { timeout: 15_000 }).toBe('1 file found, 1 new delivery ingesting');
    const scanned = await api<Source>(page, `/v1/billing/sources/${created.id}`);
    expect(scanned.lastScan).toMatchObject({ trigger: 'manual', objects: 1, started: 1, error: null });
    await expect.poll(() => text(page, `tr[data-source-id="${created.id}"] [data-testid="last-scan"]`)).toContain('Last scan');
    expect(await text(page, `tr[data-source-id="${created.id}"] [data-testid="last-scan"]`)).toContain('1 file, 1 new delivery');
    const history = await api<{ items: Ingestion[] }>(page, '/v1/billing/ingestions?limit=500');
    const ingestion = history.items.find((i) => i.sourceId === created.id)!;
    expect(ingestion.createdBy).toBe('system:export-bucket');
    let done = ingestion;
    await expect.poll(async () => (done = await api<Ingestion>(page, `/v1/billing/ingestions/${ingestion.id}`)).status, { timeout: 45_000 }).toBe('succeeded');
    expect(done.storedTotals).toEqual(done.sourceTotals);
    expect(done.files.map((f) => f.fileName)).toEqual(['part-00001.csv']);
    // The history row and the source's months follow.
    await expect.poll(() => page.locator(`tr[data-ingestion-id="${ingestion.id}"]`).getByTestId('ingestion-status').textContent().catch(() => null), { timeout: 15_000 }).toBe('Succeeded');
    await expect.poll(() => row.locator('li.billing-period').count(), { timeout: 10_000 }).toBe(done.periods.length);
    await screenshot(page, 'billing-bucket-scanned');

    // Scanned again: the same file (same ETag) is not ingested twice.
    await row.getByRole('button', { name: `Scan ${name} now` }).click();
    await expect.poll(() => row.getByTestId('scan-outcome').textContent().catch(() => null), { timeout: 15_000 }).toBe('1 file found, nothing new');
    const after = await api<{ items: Ingestion[] }>(page, '/v1/billing/ingestions?limit=500');
    expect(after.items.filter((i) => i.sourceId === created.id)).toHaveLength(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a viewer sees the sources, history and details, but no Add or Upload buttons', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/billing');
    await expect.poll(() => page.getByTestId('ingestions').count(), { timeout: 15_000 }).toBe(1);
    const sources = await api<{ items: Source[] }>(page, '/v1/billing/sources?limit=500');
    const history = await api<{ items: Ingestion[] }>(page, '/v1/billing/ingestions?limit=20');
    await expect.poll(() => page.locator('[data-testid="sources"] tbody tr').count()).toBe(sources.items.length);
    expect(await page.locator('[data-testid="ingestions"] tbody tr').count()).toBe(history.items.length);
    expect(await page.getByRole('button', { name: /add.*source/i }).count()).toBe(0);
    expect(await page.getByRole('button', { name: /upload/i }).count()).toBe(0);
    await screenshot(page, 'billing-viewer');
    const succeeded = history.items.find((i) => i.status === 'succeeded')!;
    await page.locator(`tr[data-ingestion-id="${succeeded.id}"]`).getByRole('link').click();
    await expect.poll(() => page.getByTestId('reconciliation').count(), { timeout: 15_000 }).toBe(1);
    expect(await page.getByRole('button', { name: /upload|add/i }).count()).toBe(0);
    expect(errors).toEqual([]);
    // The API refuses the viewer's writes regardless of what the page shows.
    const status = await page.evaluate(async () => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      const res = await fetch('/v1/billing/sources', { method: 'POST', headers: { authorization: `Bearer ${idToken}`, 'content-type': 'application/json' }, body: '{"name":"nope"}' });
      return res.status;
    });
    expect(status).toBe(403);
    await context.close();
  });
  it('the history pages with nextCursor: "Load more" appends the next page in the API\'s order', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    // The demo holds fewer ingestions than a page (20), so the page's own requests ask the real API
    // for pages of 2: the cursors, their order and the end of the list are the API's.
    const PAGE = 2;
    await page.route(/\/v1\/billing\/ingestions\?/, (route) => {
      const url = new URL(route.request().url());
      url.searchParams.set('limit', String(PAGE));
      return route.continue({ url: url.toString() });
    });
    await page.goto('/billing');
    const all: Ingestion[] = [];
    let cursor: string | null = null;
    do {
      const answer: { items: Ingestion[]; nextCursor: string | null } = await api(page, `/v1/billing/ingestions?limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      all.push(...answer.items);
      cursor = answer.nextCursor;
    } while (cursor);
    expect(all.length, 'the earlier tests leave more than one page of ingestions').toBeGreaterThan(PAGE);

    const shown = page.locator('[data-testid="ingestions"] tbody tr');
    await expect.poll(() => shown.count(), { timeout: 15_000 }).toBe(PAGE);
    const more = page.getByRole('button', { name: 'Load more' });
    // Each click appends the next page; a last page may still carry a cursor (DynamoDB stops at the
    // limit), and the page after it is empty, which ends the list.
    for (let clicks = 0; (await more.count()) > 0; clicks++) {
      expect(clicks).toBeLessThanOrEqual(Math.ceil(all.length / PAGE));
      const before = await shown.count();
      await more.click();
      if (before < all.length) await expect.poll(() => shown.count()).toBe(Math.min(before + PAGE, all.length));
      else await expect.poll(() => more.count()).toBe(0);
    }
    expect(await shown.count()).toBe(all.length);
    const ids = await shown.evaluateAll((rows) => rows.map((r) => r.getAttribute('data-ingestion-id')));
    expect(ids).toEqual(all.map((i) => i.id));
    expect(errors).toEqual([]);
    await context.close();
  });
});
