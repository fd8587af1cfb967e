import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { permissionsOf, type Role } from '../../shared/auth/permissions.js';
import { PAGES } from '../../web/src/app/pages.js';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe('sign-in and the shell', () => {
  it.each(Object.entries(DEMO_USERS) as Array<[Role, string]>)('%s sees exactly the pages its role may use', async (role, email) => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, email);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const shown = (await nav.locator('a.nav-link').allTextContents()).map((t) => t.trim());
    const held = new Set<string>(permissionsOf(role));
    expect(shown).toEqual(PAGES.filter((p) => !p.hidden && held.has(p.permission)).map((p) => p.title));
    expect(await page.getByTestId('user-role').textContent()).toBeTruthy();
    await screenshot(page, `shell-${role}`);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('a wrong password is refused with the API message, and nothing is stored', async () => {
    const { page, context } = await openConsole(browser);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill(DEMO_USERS.viewer);
    await page.getByLabel('Password', { exact: true }).fill('Wrong-Passw0rd!');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toMatch(/password|credentials/i);
    expect(await page.evaluate(() => localStorage.getItem('cloudoptima.session'))).toBeNull();
    await context.close();
  });

  it('the form checks fields with the API schema before sending', async () => {
    const { page, context } = await openConsole(browser);
    await page.goto('/sign-in');
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByText('must be an email address').count()).toBe(1);
    await context.close();
  });

  it('a deep link signs in first and then opens the page; a reload stays signed in; sign-out ends it', async () => {
    const { page, context } = await openConsole(browser);
    await page.goto('/settings/organization');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await page.getByLabel('Email').fill(DEMO_USERS.admin);
    await page.getByLabel('Password', { exact: true }).fill(inject('e2eDemoPassword'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/settings/organization');
    await page.reload();
    await expect.poll(() => page.getByTestId('user-email').textContent().catch(() => null)).toBe(DEMO_USERS.admin);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.evaluate(() => localStorage.getItem('cloudoptima.session'))).toBeNull();
    await page.goto('/');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/sign-in');
    await context.close();
  });

  it('refreshes an expiring token before calling the API, and signs out when the refresh token is revoked', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.engineer);
    const stored = () => page.evaluate(() => JSON.parse(localStorage.getItem('cloudoptima.session') ?? 'null') as { idToken: string; refreshToken: string; expiresAt: number } | null);
    const first = (await stored())!;
    // The ID token is about to expire: the next call refreshes it first, then goes through.
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { expiresAt: number };
      localStorage.setItem('cloudoptima.session', JSON.stringify({ ...session, expiresAt: Date.now() + 5_000 }));
    });
    await page.goto('/settings/organization');
    await expect.poll(async () => (await stored())?.expiresAt ?? 0).toBeGreaterThan(Date.now() + 60_000);
    expect((await stored())!.refreshToken).toBe(first.refreshToken);
    await expect.poll(() => page.getByTestId('user-email').textContent().catch(() => null)).toBe(DEMO_USERS.engineer);

    // Revoked elsewhere (sign-out from another device): the refresh fails and the console signs out.
    const revoked = await fetch(new URL('/v1/auth/logout', inject('consoleUrl')), {
      method: 'POST',
      headers: { authorization: `Bearer ${(await stored())!.idToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ refreshToken: first.refreshToken }),
    });
    expect(revoked.status).toBe(204);
    await page.evaluate(() => {
      const session = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { expiresAt: number };
      localStorage.setItem('cloudoptima.session', JSON.stringify({ ...session, expiresAt: Date.now() + 5_000 }));
    });
    await page.goto('/costs/explorer');
    await expect.poll(() => new URL(page.url()).pathname, { timeout: 15_000 }).toBe('/sign-in');
    expect(await stored()).toBeNull();
    // Only the refused refresh (and calls the revoked token made) log errors.
    expect(errors.filter((e) => !/status of 40[013]/.test(e))).toEqual([]);
    await context.close();
  });

  it('a viewer opening an admin page by URL is told why, and the API refuses it anyway', async () => {
    const { page, context } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    await page.goto('/settings/users');
    await expect.poll(() => page.getByText("You don't have access to this page").count()).toBe(1);
    const status = await page.evaluate(async () => {
      const { idToken } = JSON.parse(localStorage.getItem('cloudoptima.session')!) as { idToken: string };
      return (await fetch('/v1/users', { headers: { authorization: `Bearer ${idToken}` } })).status;
    });
    expect(status).toBe(403);
    await context.close();
  });

  it('sign-up creates a new organization and signs its admin in, seeing none of Demo Corp', async () => {
    const { page, context, errors } = await openConsole(browser);
    await page.goto('/sign-up');
    const email = `founder-${Date.now()}@example.com`;
    await page.getByLabel('Organization name').fill('Browser Test Org');
    await page.getByLabel('Work email').fill(email);
    await page.getByLabel('Password', { exact: true }).fill('Correct-Horse-9!');
    await page.getByRole('button', { name: 'Create organization' }).click();
    await expect.poll(() => page.getByTestId('org-name').textContent().catch(() => null), { timeout: 20_000 }).toBe('Browser Test Org');
    expect(await page.getByTestId('user-email').textContent()).toBe(email);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('the dark theme applies and is remembered', async () => {
    const { page, context } = await openConsole(browser);
    await signIn(page, DEMO_USERS.analyst);
    await page.getByLabel('Theme').selectOption('dark');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await page.reload();
    await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    await expect.poll(() => page.getByTestId('user-email').textContent().catch(() => null)).toBe(DEMO_USERS.analyst);
    await screenshot(page, 'shell-dark');
    await context.close();
  });
});
