/**
 * The website widget in real Chromium: a fixture page on one origin embeds widget.js from the real
 * Plaudit server on another (cross-origin, as on a customer's site), with a publishable key that
 * allows the fixture's origin. Answered with the mouse, with the keyboard alone (through the queue
 * stub, before the script loaded), on a 375 px phone, under a hostile host stylesheet, and offline
 * then online; each test asserts what the database holds. Screenshots go to test-artifacts/.
 * Needs /usr/bin/chromium and the built dist/widget/widget.js (`npm test` builds it first).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/db/migrate';
import { createPgliteDatabase } from '../../src/server/db/pglite-adapter';
import type { Database } from '../../src/server/db/port';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { type AppServer, startAppServer } from '../integration/helpers/app-server';
import {
  ARTIFACTS,
  CHROMIUM,
  EMBED_ARGS,
  type FixtureSite,
  launchChromium,
  startFixtureSite,
} from './helpers/dashboard-session';

const BUNDLE = 'dist/widget/widget.js';

interface Stored {
  score: number;
  comment: string | null;
  channel: string;
  contact_id: string | null;
}

describe.skipIf(!existsSync(CHROMIUM))('website widget in Chromium', () => {
  let db: Database;
  let api: AppServer;
  let fixture: FixtureSite;
  let fixtureOrigin = '';
  let browser: Browser;
  let workspaceId = '';
  let surveyId = '';
  let publishableKey = '';
  /** The HTML of the fixture page of each test, by path. */
  const pages = new Map<string, string>();

  const post = async (key: string, path: string, body: unknown) => {
    const res = await fetch(`${api.publicUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as Record<string, string>;
  };

  /** A page of the fixture origin with the snippet (queue stub + async script) and `extra` HTML. */
  const fixturePage = (
    path: string,
    options: { head?: string; body?: string; autoShow?: boolean; survey?: string } = {},
  ) => {
    const auto = options.autoShow === false ? '' : ` data-survey="${options.survey ?? surveyId}"`;
    pages.set(
      path,
      `<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Shop</title>${options.head ?? ''}</head>
<body><h1>Taskwerk shop</h1><button id="buy">Buy now</button><a href="#help">Help</a>${options.body ?? ''}
<script>window.plaudit=window.plaudit||function(){(plaudit.q=plaudit.q||[]).push(arguments)}</script>
<script async src="${api.publicUrl}/widget.js" data-key="${publishableKey}" data-locale="en"${auto}></script>
</body></html>`,
    );
    return `${fixtureOrigin}${path}`;
  };

  const responses = () =>
    db.query<Stored>(
      `SELECT score, comment, channel, contact_id FROM response WHERE workspace_id = $1 ORDER BY created_at`,
      [workspaceId],
    );
  const clear = () => db.query('DELETE FROM response WHERE workspace_id = $1', [workspaceId]);
  const waitForResponses = async (n: number, predicate: (rows: Stored[]) => boolean = () => true) => {
    await expect
      .poll(
        async () => {
          const rows = await responses();
          return rows.length === n && predicate(rows);
        },
        { timeout: 10_000 },
      )
      .toBe(true);
    return responses();
  };
  const widget = (page: Page) => page.locator('plaudit-widget');
  const score = (page: Page, n: number) => widget(page).locator('.s button').nth(n);

  beforeAll(async () => {
    if (!existsSync(BUNDLE)) throw new Error(`${BUNDLE} is missing: run npm run build:widget`);
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createPgliteDatabase(undefined);
    await migrate(db);
    api = await startAppServer({ db, clock: () => new Date() });
    // localhost and 127.0.0.1 are different origins: the widget's requests are cross-origin.
    fixture = await startFixtureSite(pages);
    fixtureOrigin = fixture.origin;

    const ws = await createWorkspace(db, { name: 'Widget E2E', time_zone: 'Europe/Berlin' });
    workspaceId = ws.id;
    const secret = (await createApiKey(db, ws.id, 'e2e')).secret;
    surveyId = (
      await post(secret, '/surveys', { name: 'Website', product_name: 'Taskwerk', brand_color: '#0f766e' })
    ).id!;
    publishableKey = (
      await post(secret, '/publishable-keys', { name: 'Shop', allowed_origins: [fixtureOrigin] })
    ).key!;
    browser = await launchChromium(EMBED_ARGS);
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    await api?.close();
    await db?.close();
  });

  it('is answered with the mouse: score, comment, thanks', async () => {
    await clear();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(fixturePage('/mouse'));
    await score(page, 9).waitFor();
    // Shown by itself (data-survey), it does not take the page's focus.
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
    await page.screenshot({ path: `${ARTIFACTS}/widget-question-desktop.png` });
    await score(page, 9).click();
    // The score is stored at once, before any comment.
    expect(await waitForResponses(1)).toEqual([
      expect.objectContaining({ score: 9, comment: null, channel: 'widget' }),
    ]);
    await widget(page).locator('textarea').fill('Schnell & <b>einfach</b>');
    await widget(page).getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => widget(page).getByRole('status').textContent()).not.toBe('');
    const [stored] = await waitForResponses(1, (rows) => rows[0]!.comment !== null);
    expect(stored).toMatchObject({ score: 9, comment: 'Schnell & <b>einfach</b>' });
    await page.close();
  });

  it('is answered with the keyboard alone, through calls queued before the script loaded', async () => {
    await clear();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    // The page calls the API in the stub, before widget.js has loaded: identify, then show.
    await page.goto(
      fixturePage('/keyboard', {
        autoShow: false,
        head: `<script>window.plaudit=function(){(plaudit.q=plaudit.q||[]).push(arguments)};
plaudit('identify','user-42',{email:'lena@example.com',name:'Lena',plan:'pro'});
plaudit('show','${surveyId}');</script>`,
      }),
    );
    // plaudit('show') moves focus to the scale: the arrow keys walk it, Enter chooses.
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('PLAUDIT-WIDGET');
    for (let i = 0; i < 7; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Enter');
    await waitForResponses(1);
    await page.keyboard.type('Gute Suche');
    await page.keyboard.press('Tab'); // Close
    await page.keyboard.press('Tab'); // Send
    await page.keyboard.press('Enter');
    const [stored] = await waitForResponses(1, (rows) => rows[0]!.comment !== null);
    expect(stored).toMatchObject({ score: 7, comment: 'Gute Suche', channel: 'widget' });
    // identify linked the answer to the contact, created from the page's user.
    const [contact] = await db.query<{
      external_id: string;
      email: string;
      attributes: Record<string, unknown>;
    }>('SELECT external_id, email, attributes FROM contact WHERE id = $1', [stored!.contact_id]);
    expect(contact).toMatchObject({ external_id: 'user-42', email: 'lena@example.com' });
    // Escape closes it and gives the focus back to where it was.
    await page.keyboard.press('Escape');
    expect(await widget(page).count()).toBe(0);
    await page.close();
  });

  it('is a bottom sheet on a 375 px phone that leaves the page usable, answered by touch', async () => {
    await clear();
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      isMobile: true,
      hasTouch: true,
    });
    const page = await context.newPage();
    await page.goto(fixturePage('/phone'));
    await score(page, 10).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/widget-phone.png` });
    const card = await widget(page).locator('.c').boundingBox();
    expect(card!.width).toBeGreaterThanOrEqual(374);
    expect(card!.height).toBeLessThanOrEqual(740 / 2 + 1);
    // Every score is at least 24 × 24 CSS px (WCAG 2.2 target size).
    for (let n = 0; n <= 10; n++) {
      const box = await score(page, n).boundingBox();
      expect(box!.width).toBeGreaterThanOrEqual(24);
      expect(box!.height).toBeGreaterThanOrEqual(24);
    }
    // The page's own button above the sheet can still be used.
    await page.locator('#buy').tap();
    await score(page, 10).tap();
    expect(await waitForResponses(1)).toEqual([expect.objectContaining({ score: 10, channel: 'widget' })]);
    await context.close();
  });

  it('keeps its looks and works under a hostile host stylesheet', async () => {
    await clear();
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const hostile = `<style>
* { color: rgb(255, 0, 0) !important; font-size: 40px !important; letter-spacing: 9px !important; }
button { display: none !important; visibility: hidden !important; }
div, p { position: static !important; opacity: 0.1 !important; }
</style>`;
    await page.goto(fixturePage('/hostile', { head: hostile }));
    await score(page, 3).waitFor();
    expect(await score(page, 3).isVisible()).toBe(true);
    const style = await score(page, 3).evaluate((el) => {
      const s = getComputedStyle(el);
      return { color: s.color, fontSize: s.fontSize };
    });
    expect(style.color).not.toBe('rgb(255, 0, 0)');
    expect(style.fontSize).not.toBe('40px');
    await page.screenshot({ path: `${ARTIFACTS}/widget-hostile-page.png` });
    await score(page, 3).click();
    expect(await waitForResponses(1)).toEqual([expect.objectContaining({ score: 3 })]);
    // And the widget's styles did not leak out: the page's button keeps the page's rule.
    expect(await page.locator('#buy').isVisible()).toBe(false);
    await page.close();
  });

  it('keeps an answer given offline and sends it when the page is next loaded', async () => {
    await clear();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const url = fixturePage('/offline');
    await page.goto(url);
    await score(page, 6).waitFor();
    await context.setOffline(true);
    await score(page, 6).click();
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('plaudit:outbox') ?? ''))
      .toContain('"score":6');
    expect(await responses()).toEqual([]);
    await context.setOffline(false);
    await page.reload();
    const [stored] = await waitForResponses(1);
    expect(stored).toMatchObject({ score: 6, channel: 'widget' });
    await expect
      .poll(() => page.evaluate(() => localStorage.getItem('plaudit:outbox') ?? '[]'))
      .not.toContain('"score":6');
    // A second reload sends nothing more, and the survey does not show by itself again: the server
    // knows this visitor answered (survey-fatigue rule), whatever the page does.
    await page.reload();
    await page.waitForTimeout(1500);
    expect(await widget(page).count()).toBe(0);
    expect(await responses()).toHaveLength(1);
    await context.close();
  });

  it('is not shown again after a dismissal, on another device too (server-side cooldown)', async () => {
    await clear();
    const secret = (await createApiKey(db, workspaceId, 'dismissal')).secret;
    await post(secret, '/contacts', { external_id: 'user-77', email: 'mia@example.com' });
    const identify = `<script>window.plaudit=function(){(plaudit.q=plaudit.q||[]).push(arguments)};
plaudit('identify','user-77',{email:'mia@example.com'});</script>`;
    const url = fixturePage('/dismiss', { head: identify });
    const laptop = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const first = await laptop.newPage();
    await first.goto(url);
    await score(first, 5).waitFor();
    await widget(first).getByRole('button', { name: 'Close' }).first().click();
    expect(await widget(first).count()).toBe(0);
    await expect
      .poll(
        async () =>
          (await db.query('SELECT 1 FROM widget_dismissal WHERE workspace_id = $1', [workspaceId])).length,
      )
      .toBe(1);
    // Another browser (its own storage, another visitor id), the same user: not asked.
    const phone = await browser.newContext({ viewport: { width: 375, height: 740 } });
    const second = await phone.newPage();
    await second.goto(url);
    await second.waitForTimeout(1500);
    expect(await widget(second).count()).toBe(0);
    expect(await responses()).toEqual([]);
    await laptop.close();
    await phone.close();
  });

  it('opens on its trigger (a tracked event) at its position (bottom left)', async () => {
    await clear();
    const secret = (await createApiKey(db, workspaceId, 'trigger')).secret;
    const checkout = (await post(secret, '/surveys', { name: 'Checkout', product_name: 'Taskwerk' })).id!;
    const res = await fetch(`${api.publicUrl}/api/v1/surveys/${checkout}/widget`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        triggers: [{ kind: 'event', name: 'checkout_completed' }],
        position: 'bottom-left',
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(fixturePage('/trigger', { survey: checkout }));
    await page.waitForTimeout(1000);
    expect(await widget(page).count()).toBe(0);
    await page.evaluate(() =>
      (window as unknown as { plaudit: (...a: unknown[]) => void }).plaudit('track', 'checkout_completed', {
        total: 42,
      }),
    );
    await score(page, 8).waitFor();
    // The survey's position setting: bottom left.
    const card = await widget(page).locator('.c').boundingBox();
    expect(card!.x).toBeLessThanOrEqual(20);
    expect(card!.y + card!.height).toBeGreaterThan(700);
    await score(page, 8).click();
    expect(await waitForResponses(1)).toEqual([expect.objectContaining({ score: 8, channel: 'widget' })]);
    // The tracked event reached the server too, as the visitor's event, with its properties and page.
    const events = await db.query<{ name: string; source: string; properties: Record<string, unknown> }>(
      `SELECT name, source, properties FROM event WHERE workspace_id = $1`,
      [workspaceId],
    );
    expect(events).toEqual([
      { name: 'checkout_completed', source: 'widget', properties: { total: 42, page_url: '/trigger' } },
    ]);
    await page.close();
  });

  it("paints the survey's own colours and asks a promoter's consent to quote them", async () => {
    await clear();
    const secret = (await createApiKey(db, workspaceId, 'consent')).secret;
    const survey = (
      await post(secret, '/surveys', {
        name: 'Dark',
        product_name: 'Taskwerk',
        ask_testimonial_consent: true,
      })
    ).id!;
    const res = await fetch(`${api.publicUrl}/api/v1/surveys/${survey}/widget`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ colors: { brand: '#ffcc00', background: '#111827', text: '#f9fafb' } }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    expect(((await res.json()) as { warnings: unknown[] }).warnings).toEqual([]);
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await page.goto(fixturePage('/dark', { survey }));
    await score(page, 10).waitFor();
    const card = widget(page).locator('.c');
    expect(await card.evaluate((e) => getComputedStyle(e).backgroundColor)).toBe('rgb(17, 24, 39)');
    expect(await card.evaluate((e) => getComputedStyle(e).color)).toBe('rgb(249, 250, 251)');
    await score(page, 10).hover();
    // Hovered score: the brand colour with black text (it contrasts more with yellow than white).
    expect(await score(page, 10).evaluate((e) => getComputedStyle(e).backgroundColor)).toBe(
      'rgb(255, 204, 0)',
    );
    expect(await score(page, 10).evaluate((e) => getComputedStyle(e).color)).toBe('rgb(0, 0, 0)');
    await score(page, 10).click();
    // A real checkbox with its label, unticked: consent is an active choice.
    const consent = widget(page).getByRole('checkbox', { name: /quote my comment/i });
    await consent.waitFor();
    expect(await consent.isChecked()).toBe(false);
    await page.screenshot({ path: `${ARTIFACTS}/widget-consent-dark.png` });
    await widget(page).locator('textarea').fill('The reports save me an hour every week.');
    await consent.check();
    await widget(page).getByRole('button', { name: 'Send' }).click();
    await expect
      .poll(
        async () => {
          const rows = await db.query<{ comment: string | null; testimonial_consent: boolean | null }>(
            'SELECT comment, testimonial_consent FROM response WHERE survey_id = $1',
            [survey],
          );
          return rows;
        },
        { timeout: 10_000 },
      )
      .toEqual([{ comment: 'The reports save me an hour every week.', testimonial_consent: true }]);
    await page.close();

    // A passive is not asked.
    const second = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await second.goto(
      fixturePage('/dark-passive', {
        autoShow: false,
        head: `<script>window.plaudit=function(){(plaudit.q=plaudit.q||[]).push(arguments)};
plaudit('show','${survey}');</script>`,
      }),
    );
    await score(second, 8).click();
    await widget(second).locator('textarea').waitFor();
    expect(await widget(second).getByRole('checkbox').count()).toBe(0);
    await second.close();
  });
});
