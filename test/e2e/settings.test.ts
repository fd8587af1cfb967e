import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { PAGES } from '../../web/src/app/pages.js';
import { DEMO_USERS, launchBrowser, openConsole, screenshot, signIn } from './browser.js';

/**
 * The settings pages against the real local platform: every check compares what the page shows with
 * what the API answers. Demo Corp is left as it was found (other files use it): the organization is
 * renamed back, the invited user removed, the API key revoked, the admin's time zone restored.
 */
let browser: Browser;
beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

interface ApiAnswer<T = any> {
  status: number;
  body: T;
}

/**
 * Calls the API as the page's signed-in user (its stored token), or with an explicit Authorization
 * header. Sent from the test, not the page, so the refusals it provokes on purpose (403, 404, 401)
 * do not show up as console errors of the page.
 */
async function callApi<T = any>(page: Page, method: string, path: string, body?: unknown, authorization?: string): Promise<ApiAnswer<T>> {
  const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('cloudoptima.session') ?? 'null') as { idToken: string } | null)?.idToken ?? '');
  const headers: Record<string, string> = { accept: 'application/json', authorization: authorization ?? `Bearer ${token}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(new URL(path, inject('consoleUrl')), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

/** The same instant formatting the console uses (Intl in the browser, so ICU output matches exactly). */
function formatInPage(page: Page, iso: string, timeZone: string): Promise<string> {
  return page.evaluate(
    ({ iso, timeZone }) => new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso)),
    { iso, timeZone },
  );
}

const row = (page: Page, attribute: string, value: string) => page.locator(`tr[${attribute}="${value}"]`);

describe('settings', () => {
  it('an admin renames the organization and changes its time zone; the top bar follows; both are put back', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    const original = (await callApi(page, 'GET', '/v1/tenant')).body as { name: string; timezone: string };
    const renamed = `${original.name} (renamed ${Date.now()})`;
    try {
      await page.goto('/settings/organization');
      const name = page.getByLabel('Organization name');
      await expect.poll(() => name.inputValue()).toBe(original.name);
      expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe(original.timezone);
      await screenshot(page, 'settings-organization');

      // The contract's schema refuses an empty name before anything is sent.
      await name.fill('   ');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.locator('.field-error').count()).toBeGreaterThan(0);
      expect((await callApi(page, 'GET', '/v1/tenant')).body.name).toBe(original.name);

      // A rename and a searchable time zone: typing narrows the list to one zone, which is picked.
      await name.fill(renamed);
      await page.getByLabel('Search time zones').fill('Kolkata');
      await expect.poll(() => page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('Asia/Kolkata');
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.getByText('Organization settings saved.').count()).toBe(1);
      await expect.poll(() => page.getByTestId('org-name').textContent()).toBe(renamed);
      const saved = (await callApi(page, 'GET', '/v1/tenant')).body;
      expect(saved).toMatchObject({ name: renamed, timezone: 'Asia/Kolkata' });

      // A reload reads the saved values back from the API.
      await page.reload();
      await expect.poll(() => page.getByLabel('Organization name').inputValue()).toBe(renamed);
      expect(await page.getByLabel('Time zone', { exact: true }).inputValue()).toBe('Asia/Kolkata');

      // Put it back through the page.
      await page.getByLabel('Organization name').fill(original.name);
      await page.getByLabel('Time zone', { exact: true }).selectOption(original.timezone);
      await page.getByRole('button', { name: 'Save changes' }).click();
      await expect.poll(() => page.getByTestId('org-name').textContent()).toBe(original.name);
      expect((await callApi(page, 'GET', '/v1/tenant')).body).toMatchObject({ name: original.name, timezone: original.timezone });
      expect(errors).toEqual([]);
    } finally {
      await callApi(page, 'PATCH', '/v1/tenant', { name: original.name, timezone: original.timezone });
      await context.close();
    }
  });

  it('an admin invites a user, changes their role, removes them; the last admin cannot be demoted', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    const email = `settings-e2e-${Date.now()}@example.com`;
    try {
      await page.goto('/settings/users');
      // The table is the API's list, user for user.
      const listed = (await callApi(page, 'GET', '/v1/users?limit=500')).body.items as Array<{ id: string; email: string; role: string; status: string }>;
      await expect.poll(() => page.locator('tr[data-user-email]').count()).toBe(listed.length);
      for (const user of listed) {
        const r = row(page, 'data-user-email', user.email);
        await expect.poll(() => r.count()).toBe(1);
        expect(await r.textContent()).toContain(user.status === 'active' ? 'Active' : 'Invited');
        expect(await r.getByLabel(`Role of ${user.email}`).inputValue()).toBe(user.role);
      }
      // The caller cannot remove themselves from the page.
      expect(await row(page, 'data-user-email', DEMO_USERS.admin).getByRole('button', { name: /Remove/ }).count()).toBe(0);
      await screenshot(page, 'settings-users');

      // Invite: the contract's schema checks the email first.
      await page.getByRole('button', { name: 'Invite user' }).click();
      const dialog = page.getByRole('dialog', { name: 'Invite a user' });
      await dialog.getByLabel('Email').fill('not-an-email');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      await expect.poll(() => dialog.getByText('must be an email address').count()).toBe(1);
      await dialog.getByLabel('Email').fill(email);
      await dialog.getByLabel('Name (optional)').fill('Settings Test');
      await dialog.getByLabel('Role').selectOption('analyst');
      await screenshot(page, 'settings-users-invite');
      await dialog.getByRole('button', { name: 'Send invitation' }).click();
      const invitedRow = row(page, 'data-user-email', email);
      await expect.poll(() => invitedRow.count()).toBe(1);
      expect(await invitedRow.textContent()).toContain('Invited');
      expect(await invitedRow.getByLabel(`Role of ${email}`).inputValue()).toBe('analyst');
      const invited = ((await callApi(page, 'GET', '/v1/users?limit=500')).body.items as Array<{ id: string; email: string; role: string; status: string; name: string }>).find(
        (u) => u.email === email,
      );
      expect(invited).toMatchObject({ role: 'analyst', status: 'invited', name: 'Settings Test' });

      // Change the role inline, with a confirmation; cancelling changes nothing.
      await invitedRow.getByLabel(`Role of ${email}`).selectOption('engineer');
      const confirm = page.getByRole('dialog', { name: 'Change role' });
      await expect.poll(() => confirm.isVisible()).toBe(true);
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect(await invitedRow.getByLabel(`Role of ${email}`).inputValue()).toBe('analyst');
      expect((await callApi(page, 'GET', `/v1/users/${invited!.id}`)).body.role).toBe('analyst');
      await invitedRow.getByLabel(`Role of ${email}`).selectOption('engineer');
      await confirm.getByRole('button', { name: 'Change role' }).click();
      await expect.poll(async () => (await callApi(page, 'GET', `/v1/users/${invited!.id}`)).body.role).toBe('engineer');
      await expect.poll(() => invitedRow.getByLabel(`Role of ${email}`).inputValue()).toBe('engineer');

      // The only admin demoting themselves: the API refuses, and its message is shown.
      const admins = listed.filter((u) => u.role === 'admin');
      expect(admins.map((u) => u.email)).toEqual([DEMO_USERS.admin]);
      const selfRow = row(page, 'data-user-email', DEMO_USERS.admin);
      await selfRow.getByLabel(`Role of ${DEMO_USERS.admin}`).selectOption('viewer');
      await confirm.getByRole('button', { name: 'Change role' }).click();
      await expect.poll(() => confirm.getByRole('alert').textContent()).toMatch(/at least one admin/);
      await screenshot(page, 'settings-users-last-admin');
      await confirm.getByRole('button', { name: 'Cancel' }).click();
      expect((await callApi(page, 'GET', '/v1/me')).body.role).toBe('admin');
      expect(await selfRow.getByLabel(`Role of ${DEMO_USERS.admin}`).inputValue()).toBe('admin');

      // Remove, with a confirmation.
      await invitedRow.getByRole('button', { name: `Remove ${email}` }).click();
      const remove = page.getByRole('dialog', { name: 'Remove user' });
      expect(await remove.textContent()).toContain(email);
      await remove.getByRole('button', { name: 'Remove user' }).click();
      await expect.poll(() => invitedRow.count()).toBe(0);
      expect((await callApi(page, 'GET', `/v1/users/${invited!.id}`)).status).toBe(404);
      // The one error the browser logs is the refused demotion's 409, which the page showed.
      expect(errors).toEqual(['Failed to load resource: the server responded with a status of 409 (Conflict)']);
    } finally {
      const leftover = ((await callApi(page, 'GET', '/v1/users?limit=500')).body.items as Array<{ id: string; email: string }>).find((u) => u.email === email);
      if (leftover) await callApi(page, 'DELETE', `/v1/users/${leftover.id}`);
      await context.close();
    }
  });

  it('an admin creates an API key, sees its secret once, the key works, then is revoked and stops working', async () => {
    const { page, context, errors } = await openConsole(browser);
    await context.grantPermissions(['clipboard-read', 'clipboard-write']);
    await signIn(page, DEMO_USERS.admin);
    const name = `settings e2e ${Date.now()}`;
    let keyId: string | undefined;
    try {
      await page.goto('/settings/api-keys');
      const before = (await callApi(page, 'GET', '/v1/api-keys?limit=500')).body.items as unknown[];
      await expect.poll(() => page.locator('tr[data-key-name]').count()).toBe(before.length);

      await page.getByRole('button', { name: 'Create API key' }).click();
      const dialog = page.getByRole('dialog', { name: 'Create an API key' });
      await dialog.getByLabel('Name').fill(name);
      await dialog.getByLabel('Role').selectOption('viewer');
      await dialog.getByLabel('Expires').selectOption('30');
      await dialog.getByRole('button', { name: 'Create key' }).click();

      const secretDialog = page.getByRole('dialog', { name: 'Copy your new API key' });
      await expect.poll(() => secretDialog.isVisible()).toBe(true);
      expect(await secretDialog.textContent()).toContain('You will not see this key again');
      const key = await secretDialog.getByTestId('new-api-key').inputValue();
      expect(key.length).toBeGreaterThan(20);
      await secretDialog.getByRole('button', { name: 'Copy' }).click();
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(key);
      await screenshot(page, 'settings-api-keys-secret');

      // The key works against the API, with the role it was given.
      const me = await callApi(page, 'GET', '/v1/me', undefined, `ApiKey ${key}`);
      expect(me.status).toBe(200);
      expect(me.body).toMatchObject({ principal: { type: 'apiKey' }, role: 'viewer', user: null });
      keyId = me.body.principal.id;

      // Closed, the secret is gone from the page for good.
      await secretDialog.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => page.getByTestId('new-api-key').count()).toBe(0);
      expect(await page.content()).not.toContain(key);

      // Listed with its prefix, role and expiry, as the API has it.
      const listed = ((await callApi(page, 'GET', '/v1/api-keys?limit=500')).body.items as Array<{ id: string; name: string; prefix: string; expiresAt: string }>).find(
        (k) => k.name === name,
      )!;
      expect(listed.id).toBe(keyId);
      expect(key.startsWith(listed.prefix)).toBe(true);
      const keyRow = row(page, 'data-key-name', name);
      await expect.poll(() => keyRow.count()).toBe(1);
      const rowText = (await keyRow.textContent())!;
      expect(rowText).toContain(listed.prefix);
      expect(await keyRow.locator('td').nth(4).textContent()).toBe('Never');
      expect(rowText).toContain('Viewer');
      expect(rowText).toContain(await formatInPage(page, listed.expiresAt, 'UTC'));
      expect(rowText).not.toContain(key);

      // It was used a moment ago: after a reload, "last used" is the API's time for it.
      await page.reload();
      const used = ((await callApi(page, 'GET', '/v1/api-keys?limit=500')).body.items as Array<{ id: string; lastUsedAt: string | null }>).find((k) => k.id === keyId)!;
      expect(used.lastUsedAt).not.toBeNull();
      const lastUsedCell = keyRow.locator('td').nth(4);
      await expect.poll(() => lastUsedCell.textContent()).toBe(await formatInPage(page, used.lastUsedAt!, 'UTC'));
      await screenshot(page, 'settings-api-keys');

      // Revoke, with a confirmation; the key stops working (the local authorizer cache is 2 s).
      await keyRow.getByRole('button', { name: `Revoke ${name}` }).click();
      const revoke = page.getByRole('dialog', { name: 'Revoke API key' });
      await revoke.getByRole('button', { name: 'Revoke key' }).click();
      await expect.poll(() => keyRow.count()).toBe(0);
      await expect.poll(async () => (await callApi(page, 'GET', '/v1/me', undefined, `ApiKey ${key}`)).status, { timeout: 10_000 }).toBe(401);
      keyId = undefined;
      expect(errors).toEqual([]);
    } finally {
      if (keyId) await callApi(page, 'DELETE', `/v1/api-keys/${keyId}`);
      await context.close();
    }
  });

  it('the audit log shows those actions as the API records them, filters, expands and pages', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    await page.goto('/settings/audit');
    const api = (await callApi(page, 'GET', `/v1/audit?limit=50&from=${encodeURIComponent(new Date(Date.now() - 30 * 86_400_000).toISOString())}`)).body as {
      items: Array<{ id: string; time: string; action: string; result: string; requestId: string; actor: { email: string | null } }>;
    };
    const actions = new Set(api.items.map((e) => e.action));
    for (const action of ['updateTenant', 'inviteUser', 'updateUser', 'deleteUser', 'createApiKey', 'revokeApiKey']) expect(actions).toContain(action);

    // Newest first, entry for entry, time in the user's zone (the browser's: UTC here).
    const rows = page.locator('tbody tr[data-action]');
    await expect.poll(() => rows.count()).toBe(api.items.length);
    expect(await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))).toEqual(api.items.map((e) => e.action));
    const first = api.items[0]!;
    const firstText = (await rows.first().textContent())!;
    expect(firstText).toContain(await formatInPage(page, first.time, 'UTC'));
    expect(firstText).toContain(first.actor.email ?? '');
    await screenshot(page, 'settings-audit');

    // The detail row shows what the API recorded.
    await rows.first().getByRole('button', { name: /^Details of/ }).click();
    const detail = page.locator('tr.audit-detail');
    await expect.poll(() => detail.count()).toBe(1);
    expect(await detail.textContent()).toContain(first.requestId);
    await screenshot(page, 'settings-audit-detail');

    // Filtered by action and outcome: the last-admin refusal from the users test is a failed updateUser.
    await page.getByLabel('Action').selectOption('updateUser');
    await page.getByLabel('Outcome').selectOption('failure');
    const failed = (await callApi(page, 'GET', `/v1/audit?limit=50&action=updateUser&result=failure`)).body.items as Array<{ reason: string }>;
    expect(failed.map((e) => e.reason)).toContain('LAST_ADMIN');
    await expect.poll(() => rows.count()).toBe(failed.length);
    expect(await rows.evaluateAll((trs) => trs.every((tr) => tr.getAttribute('data-action') === 'updateUser'))).toBe(true);

    // Paging: 55 more failed updates (of users that do not exist) make more than one page of 50.
    for (let i = 0; i < 55; i++) await callApi(page, 'PATCH', `/v1/users/settings-e2e-missing-${i}`, { name: 'nobody' });
    const pageOne = (await callApi(page, 'GET', `/v1/audit?limit=50&action=updateUser&result=failure`)).body as { items: unknown[]; nextCursor: string | null };
    expect(pageOne.items.length).toBe(50);
    expect(pageOne.nextCursor).not.toBeNull();
    const pageTwo = (await callApi(page, 'GET', `/v1/audit?limit=50&action=updateUser&result=failure&cursor=${encodeURIComponent(pageOne.nextCursor!)}`)).body as {
      items: unknown[];
    };
    await page.getByRole('button', { name: 'Refresh' }).click();
    await expect.poll(() => rows.count()).toBe(50);
    await page.getByRole('button', { name: 'Load more' }).click();
    await expect.poll(() => rows.count()).toBe(50 + pageTwo.items.length);

    // The actor filter: nobody by that email means an empty state, not an error.
    await page.getByLabel('Actor').fill('nobody@example.com');
    await page.getByRole('button', { name: 'Apply' }).click();
    await expect.poll(() => page.getByText('No entries match these filters').count()).toBe(1);
    expect(errors).toEqual([]);
    await context.close();
  });

  it('an admin sees their profile as /v1/me has it and saves a display time zone on their user (PATCH /v1/me)', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.admin);
    const me = (await callApi(page, 'GET', '/v1/me')).body as { user: { id: string; timezone: string | null }; role: string; permissions: string[] };
    try {
      await page.goto('/settings/profile');
      await expect.poll(() => page.getByTestId('profile-email').textContent()).toBe(DEMO_USERS.admin);
      expect(await page.getByTestId('profile-role').textContent()).toBe('Admin');
      // Every permission of the role appears once, grouped by what it acts on.
      expect(await page.getByTestId('permission-groups').locator('li').count()).toBe(me.permissions.length);
      expect(await page.getByTestId('permission-groups').locator('h3').count()).toBe(new Set(me.permissions.map((p) => p.split(':')[0])).size);
      await screenshot(page, 'settings-profile');

      await page.getByLabel('Time zone', { exact: true }).selectOption('Europe/Berlin');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => page.getByText('Profile saved.').count()).toBe(1);
      await expect.poll(async () => (await callApi(page, 'GET', '/v1/me')).body.user.timezone).toBe('Europe/Berlin');

      // Dates elsewhere in settings now read in Berlin time.
      await page.goto('/settings/audit');
      const entry = (await callApi(page, 'GET', '/v1/audit?limit=1')).body.items[0] as { time: string };
      await expect.poll(() => page.locator('tbody tr[data-action]').first().textContent()).toContain(await formatInPage(page, entry.time, 'Europe/Berlin'));
      expect(errors).toEqual([]);
    } finally {
      await callApi(page, 'PATCH', '/v1/me', { timezone: me.user.timezone });
      await context.close();
    }
  });

  it('a viewer sees no Users, API keys or Audit log, the organization read-only, and saves their own name and time zone', async () => {
    const { page, context, errors } = await openConsole(browser);
    await signIn(page, DEMO_USERS.viewer);
    const accountZone = (await callApi(page, 'GET', '/v1/me')).body.user.timezone as string | null;
    const nav = (await page.getByRole('navigation', { name: 'Main' }).locator('a.nav-link').allTextContents()).map((t) => t.trim());
    for (const title of ['Users', 'API keys', 'Audit log']) expect(nav).not.toContain(title);
    expect(nav).toEqual(expect.arrayContaining(['Organization', 'Your profile']));
    expect(PAGES.find((p) => p.title === 'Users')?.permission).toBe('users:read');

    await page.goto('/settings/organization');
    const tenant = (await callApi(page, 'GET', '/v1/tenant')).body as { name: string; timezone: string };
    const readOnly = page.getByTestId('organization-readonly');
    await expect.poll(() => readOnly.textContent()).toContain(tenant.name);
    expect(await readOnly.textContent()).toContain(tenant.timezone.replace(/_/g, ' '));
    expect(await page.getByRole('textbox').count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Save changes' }).count()).toBe(0);
    // The API agrees: a viewer may not rename the organization.
    expect((await callApi(page, 'PATCH', '/v1/tenant', { name: 'Not allowed' })).status).toBe(403);
    await screenshot(page, 'settings-organization-viewer');

    await page.goto('/settings/profile');
    await expect.poll(() => page.getByTestId('profile-role').textContent()).toBe('Viewer');
    const before = (await callApi(page, 'GET', '/v1/me')).body.user as { name: string | null; timezone: string | null };
    try {
      await page.getByLabel('Display name').fill('Vi Ewer-Renamed');
      await page.getByLabel('Time zone', { exact: true }).selectOption('America/New_York');
      await page.getByRole('button', { name: 'Save', exact: true }).click();
      await expect.poll(() => page.getByText('Profile saved.').count()).toBe(1);
      expect((await callApi(page, 'GET', '/v1/me')).body.user).toMatchObject({ name: 'Vi Ewer-Renamed', timezone: 'America/New_York' });
      expect(await page.getByText('America/New York').count()).toBeGreaterThan(0);
      // The role is not the viewer's to change, and the API says so.
      expect((await callApi(page, 'PATCH', '/v1/me', { role: 'admin' })).status).toBe(400);
      await screenshot(page, 'settings-profile-viewer');
    } finally {
      await callApi(page, 'PATCH', '/v1/me', { name: before.name, timezone: before.timezone });
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});
