/**
 * The analysis pages of the dashboard in real Chromium against the real server with the demo
 * data: Segments (NPS per attribute with its impact on the total), Accounts (summary cards, the
 * table, load more, one account with its trend) and the Leaderboard (ranked and not ranked).
 * Every number shown is checked against the API's answer for the same query; sort and picker
 * state go into the URL and a reload shows the same view. Screenshots go to test-artifacts/.
 * Needs /usr/bin/chromium and dist/dashboard (`node scripts/build-dashboard.js`).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { impactOf, sortSegments } from '../../src/dashboard/segment-impact';
import {
  ARTIFACTS,
  CHROMIUM,
  type DemoServer,
  launchChromium,
  openPage,
  PHONE,
  requireDashboardBuild,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

interface Counts {
  n: number;
  promoters: number;
  detractors: number;
  nps: number | null;
  nps_rounded: number | null;
  margin_of_error: number | null;
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard analysis pages in Chromium', () => {
  let browser: Browser;
  let demo: DemoServer;
  const errors: string[] = [];

  const signedIn = async (width?: number, height?: number) => {
    const page = await openPage(browser, errors, width, height);
    await submitSignIn(page, demo);
    await page.getByTestId('nps-value').waitFor();
    return page;
  };
  const open = async (page: Page, path: string) => {
    await page.goto(`${demo.server.publicUrl}/app${path}`);
  };
  /** GET /api/v1<path> with the page's session, under the default filter (the last 90 days). */
  const api = <T>(page: Page, path: string, query: Record<string, string> = {}) =>
    page.evaluate(
      async ({ path, query }) => {
        const d = (n: number) => {
          const x = new Date();
          x.setDate(x.getDate() - n);
          return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
        };
        const qs = new URLSearchParams({ from: d(89), to: d(0), ...query });
        const r = await fetch(`/api/v1${path}?${qs}`);
        return r.json();
      },
      { path, query },
    ) as Promise<T>;
  const search = (page: Page) => new URL(page.url()).searchParams;
  const signedImpact = (v: number) =>
    v > 0 ? `+${v.toFixed(1)}` : v < 0 ? `−${Math.abs(v).toFixed(1)}` : '0.0';

  beforeAll(async () => {
    requireDashboardBuild();
    demo = await startDemoServer();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(demo);
  });

  it('shows segments with their NPS, verdict and impact as the API computes them; state in the URL', {
    timeout: 90_000,
  }, async () => {
    const page = await signedIn();
    await open(page, '/segments?by=plan');
    const rows = page.getByTestId('segment-row');
    await rows.first().waitFor();
    const breakdown = await api<{ total: Counts; segments: (Counts & { value: string })[] }>(
      page,
      '/metrics/breakdown',
      { by: 'plan', min_n: '30' },
    );
    const expected = sortSegments(
      breakdown.segments.map((s) => ({ ...s, impact: impactOf(breakdown.total, s) })),
      'impact',
    );
    expect(await rows.count()).toBe(expected.length);
    const first = expected[0]!;
    expect(await rows.first().getByTestId('segment-value').textContent()).toBe(first.value);
    expect(await rows.first().getByTestId('segment-nps').textContent()).toBe(
      `${first.nps_rounded} ± ${first.margin_of_error!.toFixed(1)}`,
    );
    expect(await rows.first().getByTestId('segment-impact').textContent()).toMatch(
      new RegExp(`^${signedImpact(first.impact!).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
    expect(await rows.first().getByTestId('segment-n').textContent()).toBe(first.n.toLocaleString('en-GB'));
    await page.getByText(`All responses: NPS ${breakdown.total.nps_rounded} ±`).waitFor();
    await page
      .getByRole('img', { name: /^NPS -?\d+, 95% interval/ })
      .first()
      .waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-segments-desktop.png`, fullPage: true });

    // Sort by NPS: in the URL, and a reload shows the same order.
    await page.getByLabel('Sort by').selectOption('nps');
    await expect.poll(() => search(page).get('sort')).toBe('nps');
    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByLabel('Sort by').inputValue()).toBe('nps');
    const best = [...breakdown.segments].sort((a, b) => b.nps! - a.nps!)[0]!;
    expect(await rows.first().getByTestId('segment-value').textContent()).toBe(best.value);

    // A too-high minimum marks every segment "too few answers", never significant.
    await page.getByLabel('Minimum answers per side').fill('100000');
    await page.getByLabel('Minimum answers per side').press('Enter');
    await page.getByLabel('Minimum answers per side').blur();
    await expect.poll(() => search(page).get('min_n')).toBe('100000');
    await expect
      .poll(async () => (await page.getByTestId('segment-verdict').allTextContents()).join('|'))
      .toMatch(/^(Too few answers \(fewer than 100,000\)\|?)+$/);

    // The picker: a built-in dimension, then any attribute by name.
    await page.getByLabel('Group by').selectOption('channel');
    await expect.poll(() => search(page).get('by')).toBe('channel');
    await page.getByRole('rowheader', { name: 'Email' }).waitFor();
    await page.getByLabel('Group by').selectOption({ label: 'Other attribute …' });
    await page.getByLabel('Attribute name').fill('account.country');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect.poll(() => search(page).get('by')).toBe('account.country');
    await rows.first().waitFor();
    await page.reload();
    await expect.poll(() => page.getByLabel('Attribute name').inputValue()).toBe('account.country');
    const industries = await api<{ segments: { value: string }[] }>(page, '/metrics/breakdown', {
      by: 'account.country',
      min_n: '100000',
    });
    await expect.poll(() => rows.count()).toBe(industries.segments.length);

    // Signup cohorts: the date attribute customer_since grouped by quarter.
    await page.getByLabel('Attribute name').fill('customer_since');
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByLabel('Dates as cohorts').selectOption('quarter');
    await expect.poll(() => search(page).get('cohort')).toBe('quarter');
    const cohorts = await api<{ segments: { value: string }[] }>(page, '/metrics/breakdown', {
      by: 'customer_since',
      cohort: 'quarter',
      min_n: '100000',
    });
    expect(cohorts.segments.length).toBeGreaterThan(1);
    expect(cohorts.segments.every((c) => /^\d{4}-Q[1-4]$/.test(c.value))).toBe(true);
    await expect.poll(() => rows.count()).toBe(cohorts.segments.length);
    await page.context().close();
  });

  it('shows the account summary, the sorted table with load more, and one account with its trend', {
    timeout: 90_000,
  }, async () => {
    const page = await signedIn();
    await open(page, '/accounts');
    const risk = page.getByTestId('revenue-at-risk');
    await risk.waitFor();
    const metrics = await api<{
      summary: {
        accounts: number;
        revenue_at_risk: number;
        revenue_weighted_nps: number;
        upsell_candidates: { count: number };
        falling: { count: number };
      };
      data: { id: string; name: string; revenue: number }[];
    }>(page, '/metrics/accounts', { sort: 'revenue', limit: '25' });
    const eur = new Intl.NumberFormat('en-GB', {
      style: 'currency',
      currency: 'EUR',
      maximumFractionDigits: 0,
    });
    expect(await risk.textContent()).toBe(eur.format(metrics.summary.revenue_at_risk));
    expect(await page.getByTestId('rw-nps').textContent()).toBe(
      String(Math.round(metrics.summary.revenue_weighted_nps)),
    );
    expect(await page.getByTestId('upsell-count').textContent()).toBe(
      String(metrics.summary.upsell_candidates.count),
    );
    expect(await page.getByTestId('falling-count').textContent()).toBe(String(metrics.summary.falling.count));
    const rows = page.getByTestId('account-row');
    expect(await rows.count()).toBe(Math.min(25, metrics.summary.accounts));
    expect(await rows.first().getByTestId('account-name').textContent()).toBe(metrics.data[0]!.name);
    expect(await rows.first().getByTestId('account-revenue').textContent()).toBe(
      eur.format(metrics.data[0]!.revenue),
    );
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-accounts-desktop.png`, fullPage: true });

    // Load more, until every account is listed.
    if (metrics.summary.accounts > 25) {
      await page.getByRole('button', { name: 'Load more' }).click();
      await expect.poll(() => rows.count()).toBe(Math.min(50, metrics.summary.accounts));
    }

    // Sort by NPS, lowest first: in the URL, and a reload shows the same order.
    await page.getByLabel('Sort by').selectOption('nps');
    await page.getByLabel('Order').selectOption('asc');
    await expect.poll(() => page.url()).toMatch(/\/app\/accounts\?sort=nps&order=asc$/);
    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByLabel('Sort by').inputValue()).toBe('nps');
    expect(await page.getByLabel('Order').inputValue()).toBe('asc');
    const byNps = await api<{ data: { id: string; name: string; nps_rounded: number }[] }>(
      page,
      '/metrics/accounts',
      {
        sort: 'nps',
        order: 'asc',
        limit: '25',
      },
    );
    expect(await rows.first().getByTestId('account-name').textContent()).toBe(byNps.data[0]!.name);
    expect(await rows.first().getByTestId('account-nps').textContent()).toMatch(
      new RegExp(`^${String(byNps.data[0]!.nps_rounded).replace('-', '-')} ±`),
    );

    // One account: its NPS, its trend, a link to its responses.
    const top = metrics.data[0]!;
    await open(page, `/accounts?period=365`);
    await rows.first().waitFor();
    await page.getByRole('link', { name: top.name, exact: true }).first().click();
    await expect.poll(() => new URL(page.url()).pathname).toBe(`/app/accounts/${top.id}`);
    expect(search(page).get('period')).toBe('365');
    await page.getByTestId('account-title').filter({ hasText: top.name }).waitFor();
    const one = await page.evaluate(async (id) => {
      const d = (n: number) => {
        const x = new Date();
        x.setDate(x.getDate() - n);
        return `${x.getFullYear()}-${String(x.getMonth() + 1).padStart(2, '0')}-${String(x.getDate()).padStart(2, '0')}`;
      };
      const r = await fetch(`/api/v1/metrics/accounts?account_id=${id}&from=${d(364)}&to=${d(0)}`);
      return ((await r.json()) as { data: { nps_rounded: number }[] }).data[0]!;
    }, top.id);
    expect(await page.getByTestId('account-detail-nps').textContent()).toBe(String(one.nps_rounded));
    expect(await page.getByTestId('account-detail-revenue').textContent()).toBe(eur.format(top.revenue));
    await page.getByRole('img', { name: 'NPS of this account' }).waitFor();
    const href = await page
      .getByRole('link', { name: 'Show the responses of this account' })
      .getAttribute('href');
    expect(href).toBe(`/app/responses?period=365&account_id=${top.id}`);
    await page.getByRole('link', { name: /All accounts/ }).click();
    await expect.poll(() => new URL(page.url()).pathname).toBe('/app/accounts');
    await page.context().close();

    // A phone: nothing wider than the screen (the table scrolls in its own box).
    const phone = await signedIn(PHONE.width, PHONE.height);
    await open(phone, '/accounts');
    await phone.getByTestId('revenue-at-risk').waitFor();
    await phone.getByTestId('account-row').first().waitFor();
    const overflow = await phone.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    expect(overflow).toBeLessThanOrEqual(0);
    await phone.screenshot({ path: `${ARTIFACTS}/dashboard-accounts-phone.png`, fullPage: true });
    await phone.context().close();
  });

  it('ranks by sales rep, team or owner as the API does and lists the unranked apart', {
    timeout: 90_000,
  }, async () => {
    const page = await signedIn();
    await open(page, '/leaderboard');
    const rows = page.getByTestId('ranked-row');
    await rows.first().waitFor();
    type Board = {
      min_n: number;
      ranked: (Counts & { value: string; rank: number; rank_range: { best: number; worst: number } })[];
      not_ranked: { value: string }[];
    };
    const board = await api<Board>(page, '/metrics/leaderboard', { by: 'sales_rep', min_n: '30' });
    expect(await rows.count()).toBe(board.ranked.length);
    const top = board.ranked[0]!;
    expect(await rows.first().getByTestId('ranked-name').textContent()).toBe(top.value);
    expect(await rows.first().getByTestId('ranked-rank').textContent()).toMatch(new RegExp(`^${top.rank}`));
    expect(await rows.first().getByTestId('ranked-nps').textContent()).toBe(
      `${top.nps_rounded} ± ${top.margin_of_error!.toFixed(1)}`,
    );
    expect(await rows.first().getByTestId('ranked-range').textContent()).toBe(
      top.rank_range.best === top.rank_range.worst
        ? `exactly place ${top.rank_range.best}`
        : `place ${top.rank_range.best} to ${top.rank_range.worst}`,
    );
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-leaderboard-desktop.png`, fullPage: true });

    // By team, with a minimum high enough to leave some unranked: URL, reload, same view.
    await page.getByLabel('Rank by').selectOption('team');
    await expect.poll(() => search(page).get('by')).toBe('team');
    // Let the page settle on the new ranking before typing into its form (it re-renders).
    await page.waitForLoadState('networkidle');
    await page.getByLabel('Minimum answers to be ranked').fill('1000');
    await page.getByLabel('Minimum answers to be ranked').press('Enter');
    await page.getByLabel('Minimum answers to be ranked').blur();
    await expect.poll(() => search(page).get('min_n')).toBe('1000');
    await page.reload();
    await rows.first().waitFor();
    expect(await page.getByLabel('Rank by').inputValue()).toBe('team');
    const teams = await api<Board>(page, '/metrics/leaderboard', { by: 'team', min_n: '1000' });
    expect(teams.not_ranked.length).toBeGreaterThan(0);
    await expect.poll(() => rows.count()).toBe(teams.ranked.length);
    expect(await rows.first().getByTestId('ranked-name').textContent()).toBe(teams.ranked[0]!.value);
    expect(await page.getByTestId('not-ranked-row').count()).toBe(teams.not_ranked.length);
    await page.getByTestId('not-ranked-why').filter({ hasText: 'ranked from 1,000 answers on' }).waitFor();
    await page.getByRole('heading', { name: 'Not ranked (too few answers)' }).waitFor();

    // Account owners (an account attribute).
    await page.getByLabel('Rank by').selectOption('account.account_owner');
    await expect.poll(() => search(page).get('by')).toBe('account.account_owner');
    await page.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
