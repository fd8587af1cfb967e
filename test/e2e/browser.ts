import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type ConsoleMessage, type Page } from 'playwright-core';
import { expect, inject } from 'vitest';

/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser): .ci/run installs it.
 * CHROMIUM_PATH points elsewhere if your machine keeps it somewhere else.
 */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = fileURLToPath(new URL('../../test-results/screenshots/', import.meta.url));

export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    // Without the background-networking flags Chromium keeps dialing Google from a closed network.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export interface ConsolePage {
  context: BrowserContext;
  page: Page;
  /** Console errors and CSP violations seen so far: a page that logs one has a bug. */
  errors: string[];
}

/** A fresh browser context (own storage) on the console, collecting console errors. */
export async function openConsole(browser: Browser, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<ConsolePage> {
  const context = await browser.newContext({
    baseURL: inject('consoleUrl'),
    viewport: { width: 1366, height: 900 },
    colorScheme: options.colorScheme ?? 'light',
    acceptDownloads: true,
    timezoneId: 'UTC',
    locale: 'en-US',
  });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return { context, page, errors };
}

/** Signs in through the sign-in page, as a person would, and waits for the signed-in shell. */
export async function signIn(page: Page, email: string, password = inject('e2eDemoPassword')): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect.poll(() => page.getByTestId('user-email').textContent().catch(() => null), { timeout: 15_000 }).toBe(email);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

export const DEMO_USERS = {
  admin: 'admin@demo.example',
  finops_manager: 'finops@demo.example',
  engineer: 'engineer@demo.example',
  analyst: 'analyst@demo.example',
  viewer: 'viewer@demo.example',
} as const;
