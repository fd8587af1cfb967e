import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO_USERS, launchBrowser, openConsole, SCREENSHOTS, signIn } from './browser.js';

/**
 * The assistant panel (issue 9): reachable from the header of every page, answers shown with their
 * sources exactly as the API stored them, the question box refusing what the API refuses, past
 * conversations reopened and deleted, and every role able to use it.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface StoredAnswer {
  id: string;
  question: string;
  text: string;
  engine: 'bedrock' | 'local';
  sources: Array<{ tool: string; input: Record<string, unknown>; summary: string; values: Record<string, string>; error: string | null }>;
  ungrounded: string[];
}
interface StoredConversation {
  id: string;
  title: string;
  turns: number;
  messages: StoredAnswer[];
}

/** The API's answer, fetched inside the page with the signed-in user's stored token. */
function apiGet(page: Page, path: string): Promise<{ status: number; body: unknown }> {
  return page.evaluate(async (p) => {
    const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
    const res = await fetch(p, { headers: { authorization: `Bearer ${idToken}` } });
    return { status: res.status, body: res.status === 204 ? null : await res.json() };
  }, path);
}

/** The panel is pinned to the viewport: a viewport screenshot shows it as a person sees it. */
async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
}

const panel = (page: Page) => page.getByTestId('assistant-panel');

async function openPanel(page: Page) {
  await page.getByTestId('assistant-open').click();
  // The first time, the panel's own chunk loads first.
  await expect.poll(() => panel(page).isVisible(), { timeout: 15_000 }).toBe(true);
}

/** Every API request the page makes to the assistant, to prove the browser refused without one. */
function recordAssistantRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (req) => {
    if (req.url().includes('/v1/assistant/')) seen.push(`${req.method()} ${new URL(req.url()).pathname}`);
  });
  return seen;
}

/** The panel shows exactly the stored conversation: each question, answer text, engine, warning and every source with its figures. */
async function expectPanelShows(page: Page, conversation: StoredConversation) {
  const answers = panel(page).getByTestId('assistant-answer');
  await expect.poll(() => answers.count()).toBe(conversation.messages.length);
  for (const [i, message] of conversation.messages.entries()) {
    const shown = answers.nth(i);
    expect(await shown.getAttribute('data-id')).toBe(message.id);
    expect(await shown.getByTestId('answer-text').textContent()).toBe(message.text);
    expect(await shown.getByTestId('answer-engine').textContent()).toBe(message.engine === 'bedrock' ? 'Answered by Amazon Bedrock' : 'Answered by the local engine');
    const warning = shown.getByTestId('answer-ungrounded');
    if (message.ungrounded.length === 0) expect(await warning.count()).toBe(0);
    else for (const n of message.ungrounded) expect(await warning.textContent()).toContain(n);
    expect(await panel(page).locator('.assistant-question').nth(i).textContent()).toBe(message.question);

    const sources = shown.getByTestId('answer-source');
    expect(await sources.count()).toBe(message.sources.length);
    if (message.sources.length > 0) {
      const details = shown.getByTestId('answer-sources');
      if ((await details.getAttribute('open')) === null) await details.locator('summary').click();
      for (const [j, source] of message.sources.entries()) {
        const item = sources.nth(j);
        expect(await item.isVisible()).toBe(true);
        expect(await item.getAttribute('data-tool')).toBe(source.tool);
        expect(await item.locator('.assistant-source-summary').textContent()).toBe(source.error ?? source.summary);
        const rows = item.getByTestId('source-value');
        expect(await rows.count()).toBe(Object.keys(source.values).length);
        // A record's keys have no order to keep: compare name -> figure.
        const shownValues: Record<string, string> = {};
        for (let k = 0; k < (await rows.count()); k++) {
          const row = rows.nth(k);
          const value = (await row.getAttribute('data-value'))!;
          shownValues[(await row.getAttribute('data-name'))!] = value;
          // Shown rounded to cents and grouped (en-US here), the exact figure in its title.
          const expected = /^-?\d+(\.\d+)?$/.test(value) ? new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 }).format(value as unknown as number) : value;
          expect(await row.locator('td').textContent()).toBe(expected);
          expect(await row.locator('td').getAttribute('title')).toBe(value);
        }
        expect(shownValues).toEqual(source.values);
        // The parameters it ran with are listed (period, grouping, filters...).
        if (Object.keys(source.input).length > 0) expect(await item.locator('dl dt').count()).toBeGreaterThan(0);
      }
    }
  }
}

async function shownConversation(page: Page): Promise<StoredConversation> {
  const id = await panel(page).locator('[data-conversation-id]').getAttribute('data-conversation-id');
  expect(id).toBeTruthy();
  const { status, body } = await apiGet(page, `/v1/assistant/conversations/${id}`);
  expect(status).toBe(200);
  return body as StoredConversation;
}

describe('the assistant panel', () => {
  it('opens from any page, answers a suggested question with the sources the API stored, refuses empty questions, and reopens and deletes past conversations', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    const requests = recordAssistantRequests(page);

    // From the dashboard: opens, Escape closes and gives the focus back to the Ask button.
    await openPanel(page);
    await expect.poll(() => panel(page).getByRole('group', { name: 'Suggested questions' }).getByRole('button').count()).toBe(5);
    await screenshot(page, 'assistant-empty');
    await page.keyboard.press('Escape');
    await expect.poll(() => panel(page).isVisible()).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.getAttribute('data-testid'))).toBe('assistant-open');

    // From another page: the same panel.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Cost explorer' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/costs/explorer');
    await openPanel(page);

    // The question box refuses an empty and an over-long question in the browser, as the API would, without a request.
    const box = panel(page).getByLabel('Your question');
    await box.fill('   ');
    await panel(page).getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => panel(page).getByText('Question must not be empty').count()).toBe(1);
    await box.fill('x'.repeat(2001));
    await panel(page).getByRole('button', { name: 'Ask', exact: true }).click();
    await expect.poll(() => panel(page).getByText('Question must be at most 2000 characters').count()).toBe(1);
    expect(requests.filter((r) => r.startsWith('POST'))).toEqual([]);
    await box.fill('');

    // A suggested question is asked in a new conversation; what is shown is what the API stored.
    const question = 'What did we spend on EC2 last month?';
    await panel(page).getByRole('button', { name: question }).click();
    await expect.poll(() => panel(page).getByTestId('assistant-answer').count(), { timeout: 30_000 }).toBe(1);
    const conversation = await shownConversation(page);
    expect(conversation.messages.map((m) => m.question)).toEqual([question]);
    expect(conversation.messages[0]!.sources.length).toBeGreaterThan(0);
    await expectPanelShows(page, conversation);
    // One conversation created and one question asked: nothing asked twice.
    expect(requests.filter((r) => r.startsWith('POST'))).toEqual(['POST /v1/assistant/conversations', `POST /v1/assistant/conversations/${conversation.id}/messages`]);
    await screenshot(page, 'assistant-answer');

    // A follow-up typed in the box joins the same conversation.
    await box.fill('How much can we save on storage?');
    await box.press('Enter');
    await expect.poll(() => panel(page).getByTestId('assistant-answer').count(), { timeout: 30_000 }).toBe(2);
    const after = await shownConversation(page);
    expect(after.id).toBe(conversation.id);
    expect(after.turns).toBe(2);
    await expectPanelShows(page, after);

    // A new conversation starts empty; the history lists the past one (as the API lists it) and reopens it.
    await panel(page).getByRole('button', { name: 'New conversation' }).click();
    await expect.poll(() => panel(page).getByRole('group', { name: 'Suggested questions' }).count()).toBe(1);
    await panel(page).getByRole('button', { name: 'History' }).click();
    const listed = (await apiGet(page, '/v1/assistant/conversations')).body as { items: Array<{ id: string; title: string }> };
    const history = panel(page).getByTestId('assistant-history');
    await expect.poll(() => history.locator('.assistant-history-title').allTextContents()).toEqual(listed.items.map((c) => c.title));
    const mine = listed.items.find((c) => c.id === conversation.id)!;
    expect(mine).toBeTruthy();
    await screenshot(page, 'assistant-history');
    await history.getByRole('button', { name: mine.title }).first().click();
    await expectPanelShows(page, after);

    // Deleting it removes it from the list and from the API.
    await panel(page).getByRole('button', { name: 'History' }).click();
    await history.getByRole('button', { name: `Delete “${mine.title}”` }).click();
    await history.getByRole('button', { name: 'Delete', exact: true }).click();
    await expect.poll(() => history.getByRole('button', { name: `Delete “${mine.title}”` }).count()).toBe(0);
    await screenshot(page, 'assistant-history-deleted');
    const remaining = (await apiGet(page, '/v1/assistant/conversations')).body as { items: Array<{ id: string; title: string }> };
    expect(remaining.items.map((c) => c.id)).not.toContain(conversation.id);
    expect(await history.locator('.assistant-history-title').allTextContents()).toEqual(remaining.items.map((c) => c.title));

    expect(errors).toEqual([]);
    // Gone from the API too (the browser logs this test's own 404, hence after the errors check).
    expect((await apiGet(page, `/v1/assistant/conversations/${conversation.id}`)).status).toBe(404);
    await context.close();
  });

  it('a viewer can use it too', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await openPanel(page);
    await panel(page).getByRole('button', { name: 'Are we going to exceed the prod budget?' }).click();
    await expect.poll(() => panel(page).getByTestId('assistant-answer').count(), { timeout: 30_000 }).toBe(1);
    const conversation = await shownConversation(page);
    await expectPanelShows(page, conversation);
    await screenshot(page, 'assistant-viewer');
    expect(errors).toEqual([]);
    await context.close();
  });
});
