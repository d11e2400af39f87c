/**
 * Testimonials in real Chromium: the testimonial widget (one script tag, from the real Plaudit server
 * on another origin) on fixture pages of an allowed origin, as a wall and as a carousel on a phone,
 * with a comment full of markup that must stay inert text; its one JSON-LD block parsed; and the
 * dashboard's moderation page approving a candidate, which the widget endpoint then serves.
 * Screenshots go to test-artifacts/. Needs /usr/bin/chromium, dist/widget/testimonials.js and
 * dist/dashboard (`npm test` builds both first).
 */
import { existsSync, mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/db/migrate';
import { createPgliteDatabase } from '../../src/server/db/pglite-adapter';
import type { Database } from '../../src/server/db/port';
import { ensureDemoUser } from '../../src/server/demo/demo-user';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import type { AppServer } from '../integration/helpers/app-server';
import {
  ARTIFACTS,
  CHROMIUM,
  EMBED_ARGS,
  type FixtureSite,
  launchChromium,
  recordPageErrors,
  serveApp,
  startFixtureSite,
} from './helpers/dashboard-session';

const HOSTILE = 'Einfach <b>super</b>! <img src=x onerror="window.__xss=1"> Danke.';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

describe.skipIf(!existsSync(CHROMIUM))('testimonials in Chromium', () => {
  let db: Database;
  let server: AppServer;
  let fixture: FixtureSite;
  let fixtureOrigin = '';
  let browser: Browser;
  let secret = '';
  let publishableKey = '';
  let credentials = { email: '', password: '' };
  const pages = new Map<string, string>();
  const errors: string[] = [];

  const api = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.publicUrl}/api/v1${path}`, {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
    return (await res.json()) as Json;
  };

  /** A page of the fixture origin embedding the widget with `attributes`; `container` first when asked. */
  const fixturePage = (path: string, attributes: string, container: boolean) => {
    pages.set(
      path,
      `<!doctype html><html lang="de"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>Taskwerk</title></head>
<body><h1>Was unsere Kunden sagen</h1>${container ? '<div data-plaudit-testimonials></div>' : ''}
<script async src="${server.publicUrl}/testimonials.js" data-key="${publishableKey}" ${attributes}></script>
<footer>Impressum</footer></body></html>`,
    );
    return `${fixtureOrigin}${path}`;
  };

  const newPage = async (width: number, height: number) => {
    const context = await browser.newContext({ viewport: { width, height }, locale: 'de-DE' });
    return recordPageErrors(await context.newPage(), errors);
  };

  const jsonLd = (page: Page) =>
    page.evaluate(() =>
      Array.from(document.querySelectorAll('script[type="application/ld+json"]')).map(
        (s) => s.textContent ?? '',
      ),
    );

  beforeAll(async () => {
    if (!existsSync('dist/widget/testimonials.js')) throw new Error('run npm run build:widget first');
    if (!existsSync('dist/dashboard/index.html')) throw new Error('run npm run build:dashboard first');
    mkdirSync(ARTIFACTS, { recursive: true });
    db = await createPgliteDatabase(undefined);
    await migrate(db);
    server = await serveApp(db);
    // localhost and 127.0.0.1 are different origins: the widget's request is cross-origin.
    fixture = await startFixtureSite(pages);
    fixtureOrigin = fixture.origin;

    const ws = await createWorkspace(db, {
      name: 'Taskwerk',
      time_zone: 'Europe/Berlin',
      default_locale: 'de',
    });
    secret = (await createApiKey(db, ws.id, 'e2e')).secret;
    credentials = await ensureDemoUser(db, 10);
    publishableKey = (
      await api('POST', '/publishable-keys', { name: 'Site', allowed_origins: [fixtureOrigin] })
    ).key;
    const survey = await api('POST', '/surveys', {
      name: 'Relational',
      product_name: 'Taskwerk',
      ask_testimonial_consent: true,
    });
    const respond = async (name: string, score: number, comment: string, consent: boolean) => {
      const contact = await api('POST', '/contacts', {
        email: `${name.split(' ')[0]!.toLowerCase()}@example.com`,
        name,
      });
      return (
        await api('POST', '/responses', {
          survey_id: survey.id,
          contact_id: contact.id,
          score,
          comment,
          locale: 'de',
          testimonial_consent: consent,
        })
      ).id as string;
    };
    const anna = await respond('Anna Becker', 10, HOSTILE, true);
    const bob = await respond('Bob Meier', 9, 'Schnell und zuverlässig.', true);
    await respond('Cara Schulz', 10, 'Bester Support, den wir je hatten.', true);
    await respond('Dora Dietz', 2, 'Zu teuer.', false);
    await api('POST', `/testimonials/${anna}/approve`, {});
    await api('POST', `/testimonials/${bob}/approve`, {});
    browser = await launchChromium(EMBED_ARGS);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await fixture?.close();
    await server?.close();
    await db?.close();
  });

  it('shows a wall: markup in a comment stays literal text, and one JSON-LD block describes it', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage(1280, 900);
    await page.goto(fixturePage('/wall', 'data-layout="wall" data-locale="de"', true));
    const cards = page.locator('[data-plaudit-testimonials] figure');
    await expect.poll(() => cards.count(), { timeout: 10_000 }).toBe(2);
    const quotes = await page.locator('[data-plaudit-testimonials] blockquote').allTextContents();
    expect(quotes).toContain(HOSTILE);
    // Inert: no element was made of the comment, no handler ran.
    expect(await page.locator('[data-plaudit-testimonials] img').count()).toBe(0);
    expect(await page.locator('[data-plaudit-testimonials] b').count()).toBe(0);
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    await expect.poll(() => page.getByText('<b>super</b>', { exact: false }).count()).toBe(1);
    const captions = await page.locator('[data-plaudit-testimonials] figcaption').allTextContents();
    expect(captions.join('|')).toContain('Anna B.');
    expect(captions.join('|')).toContain('Bob M.');
    // The honest aggregate: every response (10, 9, 10, 2 → 7.8), not just the testimonials.
    await page.getByText('Durchschnittliche Weiterempfehlung 7,8/10 aus allen 4 Umfrageantworten').waitFor();
    // Cards side by side on a wide screen.
    const boxes = await Promise.all([cards.nth(0).boundingBox(), cards.nth(1).boundingBox()]);
    expect(Math.abs(boxes[0]!.y - boxes[1]!.y)).toBeLessThan(2);

    const blocks = await jsonLd(page);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).not.toContain('<');
    const ld = JSON.parse(blocks[0]!) as Json;
    expect(ld['@context']).toBe('https://schema.org');
    expect(ld['@type']).toBe('Organization');
    expect(ld.name).toBe('Taskwerk');
    expect(ld.aggregateRating).toEqual({
      '@type': 'AggregateRating',
      ratingValue: 7.8,
      bestRating: 10,
      worstRating: 0,
      ratingCount: 4,
    });
    expect(ld.review).toHaveLength(2);
    expect(ld.review.map((r: Json) => r.reviewBody)).toContain(HOSTILE);
    for (const review of ld.review) {
      expect(review['@type']).toBe('Review');
      expect(review.author['@type']).toBe('Person');
      expect(review.reviewRating).toMatchObject({ '@type': 'Rating', bestRating: 10, worstRating: 0 });
      expect(review.datePublished).toMatch(/^\d{4}-\d\d-\d\d$/);
    }
    await page.screenshot({ path: `${ARTIFACTS}/testimonials-wall.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('shows a carousel on a phone after its script, turned with buttons and the keyboard, announced politely', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage(375, 740);
    await page.goto(fixturePage('/carousel', 'data-layout="carousel"', false));
    const figures = page.locator('section[aria-roledescription="carousel"] figure');
    await expect.poll(() => figures.count(), { timeout: 10_000 }).toBe(1);
    // Placed right after the script tag, before the footer.
    const order = await page.evaluate(() => {
      const s = document.querySelector('script[src$="/testimonials.js"]')!;
      return s.nextElementSibling?.shadowRoot ? 'after-script' : 'elsewhere';
    });
    expect(order).toBe('after-script');
    expect(await page.locator('[aria-live="polite"]').count()).toBe(1);
    const slide = page.locator('[aria-roledescription="slide"]');
    expect(await slide.getAttribute('aria-label')).toBe('1 von 2');
    const first = await figures.locator('blockquote').textContent();
    await page.getByRole('button', { name: 'Nächste Kundenstimme' }).click();
    expect(await slide.getAttribute('aria-label')).toBe('2 von 2');
    const second = await figures.locator('blockquote').textContent();
    expect(second).not.toBe(first);
    expect([first, second]).toContain(HOSTILE);
    // The keyboard alone: Enter on the focused "previous" button goes back (and wraps around).
    await page.getByRole('button', { name: 'Vorherige Kundenstimme' }).focus();
    await page.keyboard.press('Enter');
    expect(await slide.getAttribute('aria-label')).toBe('1 von 2');
    await page.keyboard.press('Enter');
    expect(await slide.getAttribute('aria-label')).toBe('2 von 2');
    expect(await page.evaluate(() => (window as { __xss?: unknown }).__xss)).toBeUndefined();
    // No horizontal overflow on the phone, and no autoplay: the slide stays put.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await page.waitForTimeout(1500);
    expect(await slide.getAttribute('aria-label')).toBe('2 von 2');
    expect(await jsonLd(page)).toHaveLength(1);
    await page.screenshot({ path: `${ARTIFACTS}/testimonials-carousel-phone.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.context().close();
  });

  it('approves a candidate on the moderation page; the widget shows it at once', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage(1280, 900);
    await page.goto(`${server.publicUrl}/app/`);
    await page.getByLabel(/e-?mail/i).fill(credentials.email);
    await page.getByLabel(/^password|^passwort/i).fill(credentials.password);
    await page.getByRole('button', { name: /sign in|anmelden/i }).click();
    await page.getByRole('link', { name: 'Kundenstimmen' }).click();
    await page.getByRole('heading', { name: 'Kundenstimmen', level: 1 }).waitFor();
    const item = page.getByTestId('testimonial').filter({ hasText: 'Bester Support' });
    await item.waitFor();
    // Only the candidate is pending (the detractor without consent is none).
    expect(await page.getByTestId('testimonial').count()).toBe(1);
    const name = item.getByLabel('Angezeigter Name');
    expect(await name.inputValue()).toBe('Cara S.');
    await name.fill('Cara aus Köln');
    await item.getByRole('button', { name: 'Freigeben' }).click();
    await page.getByRole('status').filter({ hasText: 'Freigegeben' }).waitFor();
    await page.getByRole('tab', { name: 'Freigegeben' }).click();
    await expect.poll(() => page.getByTestId('testimonial').count(), { timeout: 10_000 }).toBe(3);
    // The embed snippet names this installation's script and the key.
    const snippet = await page.locator('#embed-snippet').inputValue();
    expect(snippet).toContain(`${server.publicUrl}/testimonials.js`);
    expect(snippet).toContain(publishableKey);
    await page.screenshot({ path: `${ARTIFACTS}/testimonials-moderation.png`, fullPage: true });

    const res = await fetch(`${server.publicUrl}/t/v1/testimonials?key=${publishableKey}`, {
      headers: { origin: fixtureOrigin },
    });
    const body = (await res.json()) as Json;
    expect(body.testimonials.map((t: Json) => t.display_name)).toContain('Cara aus Köln');
    expect(errors).toEqual([]);
    await page.context().close();
  });
});
