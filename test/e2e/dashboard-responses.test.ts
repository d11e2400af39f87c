/**
 * The responses inbox in real Chromium against the real server with the demo data: German
 * stemmed search checked against the API, filters and search in the URL and in the export link,
 * a response's detail with its contact, account and the contact's history, a response posted
 * through the API appearing without a reload, and hostile comments and names shown as text (no
 * script runs, no CSP violation). Screenshots at desktop and phone width go to test-artifacts/.
 * Needs /usr/bin/chromium and dist/dashboard (`npm test` builds it first).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/port';
import { createApiKey } from '../../src/server/repo/api-keys';
import type { AppServer } from '../integration/helpers/app-server';
import {
  ARTIFACTS,
  CHROMIUM,
  callApi,
  launchChromium,
  openPage,
  PHONE,
  requireDashboardBuild,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

const XSS_COMMENT = '<img src=x onerror="window.__xss=1">';
const XSS_NAME = '<script>window.__xss=2</script>';

interface ApiRow {
  id: string;
  comment: string | null;
  contact_id: string | null;
  account_id: string | null;
  survey_id: string;
}

describe.skipIf(!existsSync(CHROMIUM))('responses inbox in Chromium', () => {
  let browser: Browser;
  let db: Database;
  let server: AppServer;
  let email: string;
  let password: string;
  let key: string;
  let surveyId: string;
  const errors: string[] = [];

  const api = <T>(method: string, path: string, body?: unknown) =>
    callApi<T>(server, key, method, path, body);

  const newPage = (width?: number, height?: number, locale?: string) =>
    openPage(browser, errors, width, height, locale);
  const signIn = async (page: Page) => {
    await submitSignIn(page, { server, email, password });
    await page.getByTestId('nps-value').waitFor();
  };
  /** The dashboard's default period (the last 90 days) as API parameters, in the browser's calendar. */
  const period = (page: Page) =>
    page.evaluate(() => {
      const d = (n: number) => {
        const x = new Date();
        x.setDate(x.getDate() - n);
        return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      };
      return { from: d(89), to: d(0) };
    });
  const rows = (page: Page) => page.locator('[data-testid=inbox-rows] > li');
  const shownIds = (page: Page) =>
    rows(page).evaluateAll((els) => els.map((el) => el.getAttribute('data-id') ?? ''));

  beforeAll(async () => {
    requireDashboardBuild();
    ({ db, server, email, password } = await startDemoServer(async (demoDb, workspaceId) => {
      key = (await createApiKey(demoDb, workspaceId, 'inbox e2e')).secret;
    }));
    const surveys = await api<{ data: { id: string }[] }>('GET', '/surveys');
    surveyId = surveys.data[0]!.id;
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(db && { db, server });
  });

  it('searches a German word stem, matching the API; search and filters go into the URL and the export link', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Responses' }).click();
    await page.getByRole('heading', { name: 'Responses', level: 1 }).waitFor();
    await rows(page).first().waitFor();

    await page.getByLabel('Search comments').fill('Rechnung');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBe('Rechnung');
    const { from, to } = await period(page);
    const expected = await page.evaluate(
      async (q) => (await (await fetch(`/api/v1/responses?${q}`)).json()) as { data: ApiRow[] },
      `from=${from}&to=${to}&q=Rechnung&limit=25`,
    );
    expect(expected.data.length).toBeGreaterThan(0);
    const wanted = expected.data.map((r) => r.id);
    await expect.poll(() => shownIds(page), { timeout: 10_000 }).toEqual(wanted);
    // The stem finds the plural: the comments shown all speak of invoices.
    const comments = await rows(page).locator('.inbox-comment').allTextContents();
    for (const c of comments) expect(c).toMatch(/rechnung/i);
    expect(comments.some((c) => c.includes('Rechnungen'))).toBe(true);

    await page.getByLabel('Category').selectOption('detractor');
    await expect.poll(() => new URL(page.url()).searchParams.get('category')).toBe('detractor');
    const detractors = await page.evaluate(
      async (q) => (await (await fetch(`/api/v1/responses?${q}`)).json()) as { data: ApiRow[] },
      `from=${from}&to=${to}&q=Rechnung&category=detractor&limit=25`,
    );
    await expect.poll(() => shownIds(page)).toEqual(detractors.data.map((r) => r.id));

    // The export carries the same selection and downloads CSV.
    const href = await page.getByRole('link', { name: 'Export CSV' }).getAttribute('href');
    const exportUrl = new URL(href!, server.publicUrl);
    expect(exportUrl.pathname).toBe('/api/v1/responses/export');
    expect(Object.fromEntries(exportUrl.searchParams)).toEqual({
      from,
      to,
      q: 'Rechnung',
      category: 'detractor',
    });
    const csv = await page.evaluate(async (url) => {
      const r = await fetch(url);
      return { status: r.status, type: r.headers.get('content-type'), total: r.headers.get('x-total-count') };
    }, href!);
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/text\/csv/);
    expect(Number(csv.total)).toBeGreaterThanOrEqual(detractors.data.length);

    // The shared URL opens the same view.
    const shared = page.url();
    const again = await newPage();
    await signIn(again);
    await again.goto(shared);
    await expect.poll(() => again.getByLabel('Search comments').inputValue()).toBe('Rechnung');
    await expect.poll(() => again.getByLabel('Category').inputValue()).toBe('detractor');
    await expect.poll(() => shownIds(again)).toEqual(detractors.data.map((r) => r.id));
    await again.context().close();

    await page.getByRole('button', { name: 'Clear search' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('q')).toBeNull();
    await page.getByLabel('Category').selectOption('');
    await rows(page).first().waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-responses-desktop.png`, fullPage: true });
    await page.context().close();
  });

  it('opens a response with its contact, account and the contact history, each with its own URL', {
    timeout: 60_000,
  }, async () => {
    // A response of a contact with an account and more than one answer.
    const page = await newPage();
    await signIn(page);
    const picked = await page.evaluate(async () => {
      const list = (await (await fetch('/api/v1/responses?limit=200')).json()) as { data: ApiRow[] };
      const counts = new Map<string, number>();
      for (const r of list.data)
        if (r.contact_id) counts.set(r.contact_id, (counts.get(r.contact_id) ?? 0) + 1);
      const row =
        list.data.find((r) => r.account_id && r.contact_id && (counts.get(r.contact_id) ?? 0) > 1) ??
        list.data.find((r) => r.account_id && r.contact_id)!;
      const contact = await (await fetch(`/api/v1/contacts/${row.contact_id}`)).json();
      const account = await (await fetch(`/api/v1/accounts/${row.account_id}`)).json();
      const history = await (await fetch(`/api/v1/responses?contact_id=${row.contact_id}&limit=50`)).json();
      return {
        row,
        contact: contact as { name: string | null; email: string | null },
        account: account as { name: string },
        history: (history as { data: ApiRow[] }).data.map((r) => r.id),
      };
    });
    // Opening from the list: the detail has its own URL.
    await page.goto(`${server.publicUrl}/app/responses?period=all`);
    await rows(page).first().waitFor();
    const first = (await shownIds(page))[0]!;
    await rows(page).first().locator('a').click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/app/responses/${first}`);
    expect(new URL(page.url()).searchParams.get('period')).toBe('all');
    await page.getByTestId('detail-comment').waitFor();
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('inbox-detail-title');
    await page.getByTestId('detail-contact').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-responses-desktop-detail.png` });

    await page.goto(`${server.publicUrl}/app/responses/${picked.row.id}`);
    const detail = page.getByTestId('inbox-detail');
    await detail.getByTestId('detail-comment').waitFor();
    if (picked.row.comment)
      expect(await detail.getByTestId('detail-comment').textContent()).toBe(picked.row.comment);
    const contact = detail.getByTestId('detail-contact');
    if (picked.contact.name)
      expect(await contact.getByTestId('contact-name').textContent()).toBe(picked.contact.name);
    if (picked.contact.email) await contact.getByText(picked.contact.email, { exact: true }).waitFor();
    expect(await detail.getByTestId('account-name').textContent()).toBe(picked.account.name);
    const history = detail.getByTestId('detail-history');
    await expect.poll(() => history.locator('li').count()).toBe(picked.history.length);
    await history.locator('li.current').waitFor();
    // Another answer of the contact opens at its own URL.
    const other = picked.history.find((id) => id !== picked.row.id);
    if (other) {
      await history.locator('li:not(.current) a').first().click();
      await expect.poll(() => new URL(page.url()).pathname).toMatch(/^\/app\/responses\/[0-9a-f-]{36}$/);
      expect(new URL(page.url()).pathname).not.toBe(`/app/responses/${picked.row.id}`);
      await detail.getByTestId('detail-comment').waitFor();
    }
    // Escape goes back to the list.
    await page.getByTestId('inbox-detail').press('Escape');
    await expect.poll(() => new URL(page.url()).pathname).toBe('/app/responses');
    await page.context().close();
  });

  it('shows a response posted through the API without a reload, announcing it', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.publicUrl}/app/responses`);
    await rows(page).first().waitFor();
    await page.evaluate(() => {
      (window as unknown as { __sameDocument: boolean }).__sameDocument = true;
    });
    const before = await rows(page).count();
    const created = await api<{ id: string }>('POST', '/responses', {
      survey_id: surveyId,
      score: 3,
      comment: 'Live: die neue Antwort kommt ohne Neuladen',
      locale: 'de',
      contact: { email: 'live@example.com', name: 'Lisa Live' },
    });
    await expect.poll(async () => (await shownIds(page))[0], { timeout: 15_000 }).toBe(created.id);
    expect(await rows(page).count()).toBe(before + 1);
    await rows(page).first().getByText('Live: die neue Antwort kommt ohne Neuladen').waitFor();
    await expect.poll(() => page.getByTestId('inbox-live').textContent()).toBe('1 new response');
    expect(await page.getByTestId('inbox-live').getAttribute('aria-live')).toBe('polite');
    expect(
      await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument),
    ).toBe(true);
    await page.context().close();
  });

  it('shows hostile comments and names as text: no script runs, no CSP violation', {
    timeout: 60_000,
  }, async () => {
    const created = await api<{ id: string }>('POST', '/responses', {
      survey_id: surveyId,
      score: 0,
      comment: XSS_COMMENT,
      contact: {
        email: 'xss@example.com',
        name: XSS_NAME,
        attributes: { plan: '<svg onload="window.__xss=3">' },
        account: { external_id: 'xss-co', name: '<iframe src="javascript:window.__xss=4">' },
      },
    });
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.publicUrl}/app/responses`);
    const row = page.locator(`[data-testid=inbox-rows] > li[data-id="${created.id}"]`);
    await row.waitFor();
    expect(await row.locator('.inbox-comment').textContent()).toBe(XSS_COMMENT);
    await expect.poll(() => row.locator('.inbox-who').textContent()).toBe(`${XSS_NAME} · xss@example.com`);

    await row.locator('a').click();
    const detail = page.getByTestId('inbox-detail');
    await detail.getByTestId('detail-comment').waitFor();
    expect(await detail.getByTestId('detail-comment').textContent()).toBe(XSS_COMMENT);
    expect(await detail.getByTestId('contact-name').textContent()).toBe(XSS_NAME);
    expect(await detail.getByTestId('account-name').textContent()).toBe(
      '<iframe src="javascript:window.__xss=4">',
    );
    await detail.getByText('<svg onload="window.__xss=3">', { exact: true }).first().waitFor();
    await page.waitForTimeout(300);
    const markup = await page.evaluate(() => ({
      xss: (window as unknown as { __xss?: number }).__xss,
      injected: document.querySelectorAll('main img, main script, main iframe, main svg[onload]').length,
    }));
    expect(markup).toEqual({ xss: undefined, injected: 0 });
    await page.context().close();
  });

  it('is usable on a 375 px phone, in German', { timeout: 60_000 }, async () => {
    const page = await newPage(PHONE.width, PHONE.height, 'de-DE');
    await signIn(page);
    await page.goto(`${server.publicUrl}/app/responses`);
    await page.getByLabel('Kommentare durchsuchen').waitFor();
    await rows(page).first().waitFor();
    await page.getByRole('link', { name: 'CSV exportieren' }).waitFor();
    // Nothing of the page wider than the screen (the shared navigation bar is the layout's: not measured here).
    const overflow = () =>
      page.evaluate(() =>
        Math.max(
          0,
          ...Array.from(document.querySelectorAll('main#main *'))
            .filter((el) => !el.closest('.inbox-table-wrap') && !el.closest('.visually-hidden'))
            .map((el) => el.getBoundingClientRect().right - window.innerWidth),
        ),
      );
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-responses-phone.png`, fullPage: true });
    // The detail replaces the list on a phone.
    await rows(page).first().locator('a').click();
    await page.getByTestId('detail-comment').waitFor();
    await page.getByTestId('detail-history').waitFor();
    expect(await page.locator('.inbox-list').isVisible()).toBe(false);
    expect(await overflow()).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-responses-phone-detail.png`, fullPage: true });
    await page.getByRole('link', { name: /Zurück zur Liste/ }).click();
    await rows(page).first().waitFor();
    await page.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
