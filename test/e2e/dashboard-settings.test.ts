/**
 * The themes and settings pages in real Chromium against the real server with the demo data:
 * the themes page shows the API's themes and opens a theme's comments; the settings change the
 * workspace, invite members (the link shown once), create and revoke API keys (the secret shown
 * once, and working), create publishable keys (the API's error per origin at the field); a viewer
 * sees everything read-only and the API refuses their writes. Screenshots go to test-artifacts/.
 * Needs /usr/bin/chromium and dist/dashboard (`npm test` builds it first).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  CHROMIUM,
  type DemoServer,
  inviteMember,
  launchChromium,
  openPage,
  openPageWithSession,
  overflowOf,
  PHONE,
  requireDashboardBuild,
  send,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

interface Theme {
  label: string;
  search: string;
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard themes and settings in Chromium', () => {
  let browser: Browser;
  let demo: DemoServer;
  // Refused requests (the viewer's 403s, a revoked key's 401) are expected; CSP violations are not.
  const errors: string[] = [];

  const newPage = (width?: number, height?: number) => openPage(browser, errors, width, height);
  const signIn = async (page: Page) => {
    await submitSignIn(page, demo);
    await page.getByText('Demo · Owner').waitFor();
  };
  const settings = async (page: Page, section: string) => {
    await page.goto(`${demo.server.publicUrl}/app/settings?section=${section}`);
  };

  beforeAll(async () => {
    requireDashboardBuild();
    demo = await startDemoServer();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(demo);
  });

  it('shows the themes per category and opens a theme’s comments with its search and the filters', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${demo.server.publicUrl}/app/themes?period=365`);
    await page.getByRole('heading', { name: 'Comment themes' }).waitFor();
    const detractors = page.getByTestId('themes-detractor');
    await detractors.getByRole('listitem').first().waitFor();
    // The same analysis the API gives for the same filter.
    const api = await page.evaluate(async () => {
      const d = (n: number) => {
        const x = new Date();
        x.setDate(x.getDate() - n);
        return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      };
      const r = await fetch(`/api/v1/metrics/themes?from=${d(364)}&to=${d(0)}`);
      return (await r.json()) as {
        comments: number;
        min_count: number;
        sampled: boolean;
        themes: Theme[];
        by_category: { detractor: Theme[] };
      };
    });
    const top = api.by_category.detractor[0]!;
    expect(top).toBeDefined();
    const first = detractors.getByRole('listitem').first().getByRole('link');
    expect(await first.textContent()).toBe(top.label);
    await page.getByRole('heading', { name: 'Detractors complain about …' }).waitFor();
    await page.getByRole('heading', { name: 'Promoters praise …' }).waitFor();
    // The overall table lists the themes by count.
    const rows = page.locator('.themes-table tbody tr');
    expect(await rows.count()).toBe(api.themes.length);
    expect(await rows.first().getByRole('rowheader').textContent()).toBe(api.themes[0]!.label);
    await page
      .getByTestId('themes-analysed')
      .getByText(`a theme needs at least ${api.min_count} comments`, { exact: false })
      .waitFor();
    expect(await page.getByTestId('themes-sampled').count()).toBe(api.sampled ? 1 : 0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-themes-desktop.png`, fullPage: true });

    await first.click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/app/responses');
    const query = new URL(page.url()).searchParams;
    expect(query.get('q')).toBe(top.search);
    expect(query.get('period')).toBe('365');
    // German labels.
    await page.goto(`${demo.server.publicUrl}/app/themes`);
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('heading', { name: 'Kritiker bemängeln …' }).waitFor();
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: 'Detractors complain about …' }).waitFor();
    await page.context().close();
  });

  it('renames the workspace and shows the API’s error at its field', async () => {
    const page = await newPage();
    await signIn(page);
    await settings(page, 'workspace');
    const name = page.getByLabel('Name', { exact: true });
    await expect.poll(() => name.inputValue()).toBe('Taskwerk (demo)');
    await name.fill('Taskwerk Renamed');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const [row] = await demo.db.query<{ name: string }>(
      'SELECT name FROM workspace ORDER BY created_at LIMIT 1',
    );
    expect(row?.name).toBe('Taskwerk Renamed');

    // Out of range: the API's 400 names the field, shown at the field.
    await page.getByLabel('Validity window (months)').fill('500');
    await page.getByRole('button', { name: 'Save' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'Validity window (months):' });
    await alert.waitFor();
    expect(await page.getByLabel('Validity window (months)').getAttribute('aria-invalid')).toBe('true');
    const [ws] = await demo.db.query<{ validity_months: number }>(
      'SELECT validity_months FROM workspace ORDER BY created_at LIMIT 1',
    );
    expect(ws?.validity_months).toBe(12);
    await page.getByLabel('Validity window (months)').fill('12');

    // The benchmark: a source is required with the figure (the API names benchmark.source).
    await page.getByLabel('Benchmark NPS (-100 to 100)').fill('41');
    await page.getByLabel('Source (who published it)').fill('');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('alert').filter({ hasText: 'Source (who published it):' }).waitFor();
    await page.getByLabel('Source (who published it)').fill('Our peer group survey');
    await page.getByLabel('Year').fill('2026');
    await page.getByLabel('Currency of account revenue').fill('CHF');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const [bench] = await demo.db.query<{
      benchmark: { nps: number; source: string; year: number };
      currency: string;
    }>('SELECT benchmark, currency FROM workspace ORDER BY created_at LIMIT 1');
    expect(bench?.benchmark).toMatchObject({ nps: 41, source: 'Our peer group survey', year: 2026 });
    expect(bench?.currency).toBe('CHF');
    // The time zone select offers the browser's IANA zones.
    expect(await page.locator('#ws-time_zone option').count()).toBeGreaterThan(300);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-settings-desktop.png`, fullPage: true });
    await page.context().close();
  });

  it('invites a member and shows the link only once', async () => {
    const page = await newPage();
    await signIn(page);
    await settings(page, 'members');
    await page.getByTestId('members-table').getByText('demo@example.com').waitFor();
    await page.getByLabel('Email address').fill('mia@example.com');
    await page.getByLabel('Role', { exact: true }).selectOption('member');
    await page.getByRole('button', { name: 'Invite' }).click();
    const link = page.getByTestId('invite-link').getByRole('textbox');
    await link.waitFor();
    const url = await link.inputValue();
    expect(url).toMatch(/\/app\/join\/[\w-]{20,}$/);
    await page.getByTestId('invitations-table').getByText('mia@example.com').waitFor();
    // Inviting an existing member: the API's error at the email field.
    await page.getByLabel('Email address').fill('demo@example.com');
    await page.getByRole('button', { name: 'Invite' }).click();
    await page
      .getByRole('alert')
      .filter({ hasText: 'Email address: This address is a member already' })
      .waitFor();
    // After a reload the invitation is listed, its link is gone.
    await page.reload();
    await page.getByTestId('invitations-table').getByText('mia@example.com').waitFor();
    expect(await page.getByTestId('invite-link').count()).toBe(0);
    expect(await page.content()).not.toContain(url);
    await page.context().close();
  });

  it('creates an API key whose secret is shown once and works, and revokes it', async () => {
    const page = await newPage();
    await signIn(page);
    await settings(page, 'api-keys');
    await page.getByLabel('Name of the new key').fill('CI pipeline');
    await page.getByRole('button', { name: 'Create API key' }).click();
    const value = page.getByTestId('api-secret-value');
    await value.waitFor();
    const secret = await value.inputValue();
    expect(secret).toMatch(/^plk_/);
    await page.getByText('it is shown only this once').waitFor();
    const call = (key: string) =>
      fetch(`${demo.server.publicUrl}/api/v1/workspace`, { headers: { authorization: `Bearer ${key}` } });
    expect((await call(secret)).status).toBe(200);

    await page.reload();
    const row = page.getByRole('row').filter({ hasText: 'CI pipeline' });
    await row.waitFor();
    expect(await page.getByTestId('api-secret').count()).toBe(0);
    expect(await page.content()).not.toContain(secret);
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText('Revoke “CI pipeline”?', { exact: false }).waitFor();
    await row.getByRole('button', { name: 'Revoke' }).click();
    await row.getByText(/^Revoked /).waitFor();
    expect((await call(secret)).status).toBe(401);
    await page.context().close();
  });

  it('creates a publishable key, showing the API’s error for a bad origin at the field', async () => {
    const page = await newPage();
    await signIn(page);
    await settings(page, 'widget');
    await page.getByRole('heading', { name: 'New publishable key' }).waitFor();
    const origins = ['https://www.example.com', 'https://example.com/shop'];
    const expected = await send(page, 'POST', '/publishable-keys', { name: 'x', allowed_origins: origins });
    expect(expected.status).toBe(400);
    expect(expected.body.error.field).toBe('allowed_origins.1');
    const reason = String(expected.body.error.message).replace(/^allowed_origins\.1: /, '');

    await page.getByLabel('Name', { exact: true }).fill('Website');
    await page.getByLabel('Allowed origins, one per line').fill(origins.join('\n'));
    await page.getByRole('button', { name: 'Create publishable key' }).click();
    const alert = page.getByRole('alert').filter({ hasText: 'line 2 (https://example.com/shop)' });
    await alert.waitFor();
    expect(await alert.textContent()).toContain(reason);

    await page
      .getByLabel('Allowed origins, one per line')
      .fill('https://www.example.com\nhttps://*.example.com');
    await page.getByRole('button', { name: 'Create publishable key' }).click();
    const item = page.getByTestId('publishable-key').filter({ hasText: 'Website' });
    await item.waitFor();
    await item.getByText('https://*.example.com').waitFor();
    const snippet = await item.getByLabel('Snippet for your pages').inputValue();
    expect(snippet).toMatch(
      /<script async src="http:\/\/127\.0\.0\.1:\d+\/widget\.js" data-key="pk_[\w-]{24}"><\/script>/,
    );
    await page.context().close();
  });

  it('fits a 375 px phone', async () => {
    const page = await newPage(PHONE.width, PHONE.height);
    await signIn(page);
    for (const section of ['members', 'api-keys', 'widget', 'account', 'workspace']) {
      await settings(page, section);
      await page.locator('.settings-section').waitFor();
      await page.waitForLoadState('networkidle');
      expect(await overflowOf(page), section).toBeLessThanOrEqual(0);
    }
    await page.getByLabel('Name', { exact: true }).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-settings-phone.png`, fullPage: true });
    await page.goto(`${demo.server.publicUrl}/app/themes`);
    await page.getByTestId('themes-detractor').waitFor();
    expect(await overflowOf(page)).toBeLessThanOrEqual(0);
    await page.context().close();
  });

  it('shows a viewer the settings read-only, and the API refuses their writes', {
    timeout: 60_000,
  }, async () => {
    const owner = await newPage();
    await signIn(owner);
    // Accepted through the API; its session cookie goes into the viewer's browser.
    const cookie = await inviteMember(owner, demo.server, {
      email: 'vic@example.com',
      name: 'Vic Viewer',
      role: 'viewer',
    });
    await owner.context().close();
    const viewer = await openPageWithSession(browser, errors, demo.server, cookie);

    await settings(viewer, 'workspace');
    await viewer.getByText('Vic Viewer · Viewer').waitFor();
    await expect.poll(() => viewer.getByLabel('Name', { exact: true }).inputValue()).toBe('Taskwerk Renamed');
    expect(await viewer.getByLabel('Name', { exact: true }).isDisabled()).toBe(true);
    await viewer.getByText('only admins and owners can change them').waitFor();
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);

    await settings(viewer, 'members');
    await viewer.getByTestId('members-table').getByText('Vic Viewer').waitFor();
    expect(await viewer.getByRole('button', { name: 'Invite' }).count()).toBe(0);
    expect(await viewer.getByTestId('members-table').getByRole('combobox').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Remove' }).count()).toBe(0);
    await viewer.getByRole('button', { name: 'Leave workspace' }).waitFor();

    await settings(viewer, 'api-keys');
    await viewer.getByText('Only admins and owners can see and create API keys.').waitFor();
    expect(await viewer.getByRole('button', { name: 'Create API key' }).count()).toBe(0);

    await settings(viewer, 'widget');
    await viewer.getByTestId('publishable-key').filter({ hasText: 'Website' }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Create publishable key' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Edit' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Revoke' }).count()).toBe(0);

    const statuses = [
      (await send(viewer, 'PATCH', '/workspace', { name: 'Mine' })).status,
      (await send(viewer, 'POST', '/api-keys', { name: 'mine' })).status,
      (await send(viewer, 'POST', '/member-invitations', { email: 'x@example.com', role: 'viewer' })).status,
      (await send(viewer, 'POST', '/publishable-keys', { name: 'x', allowed_origins: ['https://x.example'] }))
        .status,
    ];
    expect(statuses).toEqual([403, 403, 403, 403]);

    // Their own account they may change; signing out everywhere ends at the sign-in.
    await settings(viewer, 'account');
    await viewer.getByLabel('Name', { exact: true }).fill('Victoria Viewer');
    await viewer.getByRole('button', { name: 'Save' }).click();
    await viewer.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    const [user] = await demo.db.query<{ name: string }>(
      `SELECT name FROM app_user WHERE email = 'vic@example.com'`,
    );
    expect(user?.name).toBe('Victoria Viewer');
    await viewer.getByRole('button', { name: 'Sign out everywhere' }).click();
    await viewer.getByRole('heading', { name: 'Sign in to Plaudit' }).waitFor();
    expect(new URL(viewer.url()).pathname).toBe('/app/sign-in');
    const after = await viewer.evaluate(async () => (await fetch('/api/v1/auth/session')).status);
    expect(after).toBe(401);
    await viewer.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
