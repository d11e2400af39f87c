/**
 * The hosted survey page in real Chromium against a real server: answered with the keyboard only
 * on a phone with JavaScript off, with the mouse on the public link, and with a hostile comment.
 * Screenshots go to test-artifacts/. Needs /usr/bin/chromium (`.ci/run` installs it from Debian).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SURVEY_TEXTS } from '../../src/core/survey-texts';
import { loadConfig } from '../../src/server/config';
import { migrate } from '../../src/server/db/migrate';
import { createPgliteDatabase } from '../../src/server/db/pglite-adapter';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { upsertContacts } from '../../src/server/repo/contacts';
import { createInvitation } from '../../src/server/repo/invitations';
import { createSurvey, type Survey } from '../../src/server/repo/surveys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { ARTIFACTS, CHROMIUM, EMBED_ARGS, launchChromium } from './helpers/dashboard-session';

interface StoredResponse {
  score: number;
  comment: string | null;
  channel: string;
  locale: string | null;
}

describe.skipIf(!existsSync(CHROMIUM))('hosted survey page in Chromium', () => {
  let db: Database;
  let server: ReturnType<typeof serve>;
  let browser: Browser;
  let base = '';
  let workspaceId = '';
  let survey: Survey;

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createPgliteDatabase(undefined);
    await migrate(db);
    workspaceId = (await createWorkspace(db, { name: 'E2E', time_zone: 'Europe/Berlin' })).id;
    survey = await createSurvey(db, workspaceId, {
      name: 'Relationship',
      kind: 'relational',
      journey_stage: 'loyalty',
      product_name: 'Taskwerk',
      default_locale: 'en',
      texts: { ...DEFAULT_SURVEY_TEXTS },
      brand_color: '#0f766e',
    });
    // Pages are opened by token below, so the configured public URL does not matter here.
    const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await launchChromium(EMBED_ARGS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await db.close();
  });

  const responsesOf = (where: string, value: string) =>
    db.query<StoredResponse>(
      `SELECT score, comment, channel, locale FROM response WHERE workspace_id = $1 AND ${where} = $2`,
      [workspaceId, value],
    );

  /** Presses Tab until the focused element's text is `text` (at most 40 times). */
  async function tabTo(page: Page, text: string): Promise<void> {
    for (let i = 0; i < 40; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.locator(':focus').textContent();
      if (focused?.trim() === text) return;
    }
    throw new Error(`Tab never reached "${text}"`);
  }

  it('is answered with the keyboard alone, on a 375 px phone, without JavaScript, in German', async () => {
    const [contactId] = await upsertContacts(db, workspaceId, [{ email: 'anna@example.de', locale: 'de' }]);
    const invitation = await createInvitation(db, workspaceId, {
      survey_id: survey.id,
      contact_id: contactId!,
      channel: 'link',
      expires_at: new Date(Date.now() + 86_400_000),
    });
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
      locale: 'en-US',
    });
    const page = await context.newPage();
    await page.goto(`${base}/s/${invitation.token}`);
    // The contact's language wins over the browser's.
    expect(await page.locator('html').getAttribute('lang')).toBe('de');
    await expect.poll(() => page.locator('h1').textContent()).toContain('Taskwerk einem Freund');
    await page.screenshot({ path: `${ARTIFACTS}/survey-question-phone-de.png`, fullPage: true });
    // Every score is a real button with an accessible name; 0 and 10 say what they mean.
    expect(await page.getByRole('button', { name: /^10 – äußerst wahrscheinlich$/ }).count()).toBe(1);

    await tabTo(page, '9');
    await page.keyboard.press('Enter');
    // The answer redirects to the same URL, so wait for the next page's content, not for the URL.
    await page.locator('h1', { hasText: 'Hauptgrund' }).waitFor();
    await page.getByLabel('Was ist der Hauptgrund für Ihre Bewertung?').focus();
    await page.keyboard.type('Schneller Support, faire Preise.');
    await tabTo(page, 'Absenden');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=1/);
    expect(await page.locator('h1').textContent()).toContain('Vielen Dank');
    await page.screenshot({ path: `${ARTIFACTS}/survey-thanks-phone-de.png`, fullPage: true });
    await context.close();

    const stored = await db.query<StoredResponse>(
      'SELECT score, comment, channel, locale FROM response WHERE invitation_id = $1',
      [invitation.id],
    );
    expect(stored).toEqual([
      { score: 9, comment: 'Schneller Support, faire Preise.', channel: 'link', locale: 'de' },
    ]);
  });

  it('lets a promoter tick the testimonial consent with the keyboard, without JavaScript', async () => {
    const asking = await createSurvey(db, workspaceId, {
      name: 'Consent',
      kind: 'relational',
      journey_stage: 'loyalty',
      product_name: 'Taskwerk',
      default_locale: 'en',
      texts: { ...DEFAULT_SURVEY_TEXTS },
      brand_color: '#0f766e',
      ask_testimonial_consent: true,
    });
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 375, height: 740 },
      isMobile: true,
      locale: 'en-US',
    });
    const page = await context.newPage();
    await page.goto(`${base}/s/${asking.public_token}`);
    await tabTo(page, '10');
    await page.keyboard.press('Enter');
    await page.waitForURL(/\/r\/[\w-]+/);
    const answerPage = page.url();
    const consent = page.getByLabel('You may quote my comment publicly with my first name and initial.');
    expect(await consent.isChecked()).toBe(false);
    await page.getByLabel('What is the main reason for your score?').focus();
    await page.keyboard.type('Saves me an hour a day.');
    await page.keyboard.press('Tab');
    expect(await consent.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.press('Space');
    expect(await consent.isChecked()).toBe(true);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    await page.screenshot({ path: `${ARTIFACTS}/survey-consent-phone-en.png`, fullPage: true });
    await tabTo(page, 'Submit');
    await page.keyboard.press('Enter');
    await page.waitForURL(/done=1/);
    await context.close();
    const editToken = new URL(answerPage).pathname.split('/').pop()!;
    const stored = await db.query<{ score: number; comment: string; testimonial_consent: boolean }>(
      'SELECT score, comment, testimonial_consent FROM response WHERE edit_token = $1',
      [editToken],
    );
    expect(stored).toEqual([{ score: 10, comment: 'Saves me an hour a day.', testimonial_consent: true }]);
  });

  it('fits a 375 px screen without sideways scrolling and keeps the score buttons large', async () => {
    const context = await browser.newContext({ viewport: { width: 375, height: 740 }, isMobile: true });
    const page = await context.newPage();
    await page.goto(`${base}/s/${survey.public_token}`);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(375);
    const box = await page.getByRole('button', { name: '5', exact: true }).boundingBox();
    // WCAG 2.5.8 asks for 24 px targets at least; these are meant for thumbs.
    expect(box!.width).toBeGreaterThanOrEqual(44);
    expect(box!.height).toBeGreaterThanOrEqual(44);
    await context.close();
  });

  it('is answered with the mouse on the public link in the browser language', async () => {
    const context = await browser.newContext({ locale: 'en-GB', viewport: { width: 1200, height: 800 } });
    const page = await context.newPage();
    await page.goto(`${base}/s/${survey.public_token}`);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: '10 – extremely likely' }).click();
    await page.waitForURL(/\/r\/[\w-]+/);
    const answerPage = page.url();
    await page.getByRole('button', { name: 'Skip' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('h1').textContent()).toContain('Thank you');
    await page.screenshot({ path: `${ARTIFACTS}/survey-thanks-desktop-en.png` });
    await context.close();
    const editToken = new URL(answerPage).pathname.split('/').pop()!;
    expect(await responsesOf('edit_token', editToken)).toEqual([
      { score: 10, comment: null, channel: 'link', locale: 'en' },
    ]);
  });

  it('shows a hostile comment as text and runs none of it', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(`${base}/s/${survey.public_token}`);
    await page.getByRole('button', { name: '3', exact: true }).click();
    await page.waitForURL(/\/r\/[\w-]+/);
    const hostile = `<img src=x onerror="alert('xss');document.title='pwned'"><script>alert(2)</script>`;
    await page.locator('textarea').fill(hostile);
    await page.getByRole('button', { name: 'Submit' }).click();
    await page.waitForURL(/done=1/);
    expect(await page.locator('.cm').textContent()).toBe(hostile);
    expect(await page.locator('.cm img, .cm script').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
