/**
 * The dashboard in real Chromium against the real server: the first visit creates the owner,
 * the overview shows the demo data's NPS, filters go into the URL, a viewer invited by email
 * signs in and cannot change anything; German and English. Screenshots of the main pages at
 * desktop and phone width go to test-artifacts/. Needs /usr/bin/chromium and dist/dashboard
 * (`npm test` builds it first).
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/db/migrate';
import { createPgliteDatabase } from '../../src/server/db/pglite-adapter';
import type { Database } from '../../src/server/db/port';
import { createWorkspace } from '../../src/server/repo/workspaces';
import type { AppServer } from '../integration/helpers/app-server';
import {
  ARTIFACTS,
  CHROMIUM,
  type DemoServer,
  launchChromium,
  openPage,
  PHONE,
  requireDashboardBuild,
  send,
  serveApp,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

describe.skipIf(!existsSync(CHROMIUM))('dashboard in Chromium', () => {
  let browser: Browser;
  let fresh: { db: Database; server: AppServer };
  let demo: DemoServer;
  // Refused requests (401 before sign-in, the viewer's 403s) are expected; CSP violations are not.
  const errors: string[] = [];

  const newPage = (width?: number, height?: number, locale?: string) =>
    openPage(browser, errors, width, height, locale);

  beforeAll(async () => {
    requireDashboardBuild();
    const freshDb = await createPgliteDatabase(undefined);
    await migrate(freshDb);
    await createWorkspace(freshDb, { name: 'My workspace' });
    fresh = { db: freshDb, server: await serveApp(freshDb) };
    demo = await startDemoServer(async (demoDb) => {
      await demoDb.query(`UPDATE workspace SET industry = 'B2B software', benchmark = $1::jsonb`, [
        JSON.stringify({ nps: 40, source: 'Retently NPS Benchmarks', year: 2022 }),
      ]);
    });
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    for (const x of [fresh, demo]) await stopServer(x);
  });

  it('creates the first owner on the first visit, then signs out and in again', async () => {
    const page = await newPage();
    await page.goto(`${fresh.server.publicUrl}/`);
    await expect.poll(() => page.url()).toMatch(/\/app\/$/);
    await page.getByRole('heading', { name: 'Welcome to Plaudit' }).waitFor();
    await page.getByLabel('Your name').fill('Olga Owner');
    await page.getByLabel('Email address').fill('olga@example.com');
    await page.getByLabel('Password').fill('a long secret phrase');
    await page.getByLabel('Name of your company or team').fill('Taskwerk');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Olga Owner · Owner').waitFor();
    await page.getByText('No responses in this selection yet.').waitFor();
    const [owner] = await fresh.db.query<{ role: string }>(
      `SELECT m.role FROM membership m JOIN app_user u ON u.id = m.user_id WHERE u.email = 'olga@example.com'`,
    );
    expect(owner?.role).toBe('owner');
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'plaudit_session')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in to Plaudit' }).waitFor();
    await submitSignIn(page, {
      server: fresh.server,
      email: 'olga@example.com',
      password: 'wrong password!!',
    });
    await page.getByRole('alert').filter({ hasText: 'Email address or password is wrong' }).waitFor();
    await page.getByLabel('Password').fill('a long secret phrase');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Olga Owner · Owner').waitFor();
    await page.context().close();
  });

  it('shows the overview of the demo data with its margin, verdict, split, distribution and trend; filters go into the URL', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await submitSignIn(page, demo);
    const value = page.getByTestId('nps-value');
    await value.waitFor();
    const shown = Number(await value.textContent());
    // The same number the API gives for the same filter (the last 90 days by default).
    const api = await page.evaluate(async () => {
      const d = (n: number) => {
        const x = new Date();
        x.setDate(x.getDate() - n);
        return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      };
      const r = await fetch(`/api/v1/metrics/nps?from=${d(89)}&to=${d(0)}`);
      return (await r.json()) as { nps: number };
    });
    expect(shown).toBe(Math.round(api.nps));
    await page.getByText(/±\d+\.\d points \(95% confidence\)/).waitFor();
    await page.getByTestId('verdict').waitFor();
    await page.getByRole('img', { name: 'NPS trend' }).waitFor();
    await page.getByRole('img', { name: 'Scores 0-10' }).waitFor();
    // The workspace's benchmark is drawn with its source named.
    await page
      .getByTestId('benchmark')
      .filter({ hasText: 'benchmark 40 for B2B software, from Retently NPS Benchmarks 2022' })
      .waitFor();
    await page.getByRole('img', { name: 'NPS trend' }).getByText('Benchmark 40').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-overview-desktop.png`, fullPage: true });

    // Filter by a segment: plan = pro (an attribute of the responses), kept in the URL.
    // The picker reads the attribute catalog when it gets focus (not on every page load).
    await page.getByLabel('Attribute filter').focus();
    await page.getByLabel('Attribute filter').selectOption('plan');
    await page.getByLabel('Value', { exact: true }).fill('pro');
    await page.getByRole('button', { name: 'Add filter' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('attr.plan')).toBe('pro');
    await page.getByRole('list', { name: 'Attribute filters' }).getByText('plan = pro').waitFor();
    const pro = await page.evaluate(async () => {
      const d = (n: number) => {
        const x = new Date();
        x.setDate(x.getDate() - n);
        return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      };
      const r = await fetch(`/api/v1/metrics/nps?from=${d(89)}&to=${d(0)}&attr.plan=pro`);
      return (await r.json()) as { nps: number };
    });
    await expect.poll(async () => Number(await value.textContent())).toBe(Math.round(pro.nps));
    expect(Math.round(pro.nps)).not.toBe(shown);
    await page.getByRole('button', { name: 'Remove filter plan = pro' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('attr.plan')).toBeNull();
    // A journey stage from the surveys.
    await page.getByLabel('Journey stage').selectOption({ index: 1 });
    await expect.poll(() => new URL(page.url()).searchParams.get('journey_stage')).not.toBeNull();
    await page.getByLabel('Journey stage').selectOption('');

    await page.getByLabel('Period', { exact: true }).selectOption('365');
    await page.getByLabel('Channel', { exact: true }).selectOption('email');
    await expect.poll(() => new URL(page.url()).search).toBe('?period=365&channel=email');
    // The shared URL opens the same view.
    const again = await newPage();
    await submitSignIn(again, demo);
    await again.goto(`${demo.server.publicUrl}/app/?period=365&channel=email`);
    await expect.poll(() => again.getByLabel('Channel', { exact: true }).inputValue()).toBe('email');
    await again.context().close();

    // German, chosen by the user.
    await page.getByLabel('Language').selectOption('de');
    await page.getByRole('heading', { name: 'NPS-Verlauf' }).waitFor();
    await page.getByText('Promotoren', { exact: false }).first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-overview-de.png`, fullPage: true });
    // The choice is kept with the account: back to English for the next tests.
    await page.getByLabel('Sprache').selectOption('en');
    await page.getByRole('heading', { name: 'NPS trend' }).waitFor();
    await expect
      .poll(
        async () =>
          (await demo.db.query<{ locale: string }>(`SELECT locale FROM app_user WHERE is_demo`))[0]?.locale,
      )
      .toBe('en');
    await page.context().close();
  });

  it('is usable on a 375 px phone', async () => {
    const page = await newPage(PHONE.width, PHONE.height);
    await submitSignIn(page, demo);
    await page.getByTestId('nps-value').waitFor();
    await page.getByRole('img', { name: 'NPS trend' }).waitFor();
    // Nothing wider than the screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-overview-phone.png`, fullPage: true });
    await page.context().close();
  });

  it('lets an invited viewer join from the link and read, but not change anything', async () => {
    const owner = await newPage();
    await submitSignIn(owner, demo);
    await owner.getByTestId('nps-value').waitFor();
    const { body: invitation } = await send(owner, 'POST', '/member-invitations', {
      email: 'vera@example.com',
      role: 'viewer',
    });
    expect(invitation.invite_url).toMatch(/\/app\/join\//);

    const viewer = await newPage(1280, 900, 'de-DE');
    await viewer.goto(invitation.invite_url);
    await viewer.getByRole('heading', { name: 'Taskwerk (demo) beitreten' }).waitFor();
    await viewer.getByLabel('Ihr Name').fill('Vera Viewer');
    await viewer.getByLabel('Passwort').fill('viewer password 1');
    await viewer.getByRole('button', { name: 'Annehmen und anmelden' }).click();
    await viewer.getByText('Vera Viewer · Betrachter').waitFor();
    await viewer.getByTestId('nps-value').waitFor();
    // The API refuses every change, whatever the page offers.
    const statuses = await viewer.evaluate(async () => {
      const session = await (await fetch('/api/v1/auth/session')).json();
      const send = (method: string, path: string, body: unknown) =>
        fetch(`/api/v1${path}`, {
          method,
          headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
          body: JSON.stringify(body),
        }).then((r) => r.status);
      return [
        await send('PATCH', '/workspace', { name: 'Mine' }),
        await send('POST', '/surveys', { name: 'x', product_name: 'y' }),
        await send('POST', '/member-invitations', { email: 'x@example.com', role: 'admin' }),
      ];
    });
    expect(statuses).toEqual([403, 403, 403]);
    await viewer.screenshot({ path: `${ARTIFACTS}/dashboard-viewer-de.png`, fullPage: true });
    await owner.context().close();
    await viewer.context().close();
  });

  it('creates a survey with a live preview of the page and the email, and its widget colours warn about contrast', async () => {
    const page = await newPage();
    await submitSignIn(page, demo);
    await page.getByTestId('nps-value').waitFor();
    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('link', { name: 'New survey' }).click();
    await page.getByLabel('Name', { exact: true }).fill('Onboarding');
    await page.getByLabel(/Product or company name/).fill('Taskwerk <Beta>');
    await page
      .getByLabel('Question', { exact: true })
      .fill('Würden Sie {product} nach dem Onboarding empfehlen?');
    // The preview follows the draft (rendered by the server's own page renderer, in a sandboxed frame).
    const frame = page.frameLocator('iframe[title="Preview of the survey as respondents see it"]');
    await frame.getByText('Würden Sie Taskwerk <Beta> nach dem Onboarding empfehlen?').waitFor();
    expect(await frame.getByRole('button').count()).toBeGreaterThanOrEqual(11);
    await page.getByRole('tab', { name: 'Email' }).click();
    await frame.getByRole('link', { name: '10' }).first().waitFor();
    await page.getByRole('tab', { name: 'English' }).click();
    await page.getByRole('tab', { name: 'Question' }).click();
    await frame
      .getByText('How likely is it that you would recommend Taskwerk <Beta> to a friend or colleague?')
      .waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-survey-editor.png`, fullPage: true });
    // The website widget as visitors see it, from the widget's own markup and style sheet.
    await page.getByRole('tab', { name: 'Widget', exact: true }).click();
    const widget = frame.getByRole('dialog');
    await widget
      .getByText('How likely is it that you would recommend Taskwerk <Beta> to a friend or colleague?')
      .waitFor();
    expect(await widget.getByRole('group').getByRole('button').count()).toBe(11);
    await widget.getByRole('button', { name: '10 – Extremely likely' }).waitFor();
    await page.getByRole('button', { name: 'Create survey' }).click();
    await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/app\/surveys\/[0-9a-f-]{36}$/);
    const id = new URL(page.url()).pathname.split('/').pop()!;
    const [saved] = await demo.db.query<{ name: string; texts: Record<string, { question?: string }> }>(
      'SELECT name, texts FROM survey WHERE id = $1',
      [id],
    );
    expect(saved?.name).toBe('Onboarding');
    expect(saved?.texts.de?.question).toBe('Würden Sie {product} nach dem Onboarding empfehlen?');

    // Widget colours that miss WCAG AA: the API's warning is shown.
    await page.getByLabel('Text', { exact: true }).fill('#bbbbbb');
    await page.getByRole('button', { name: 'Save widget settings' }).click();
    await page.getByRole('alert').filter({ hasText: 'text on background has contrast' }).waitFor();
    await page.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
