/**
 * Follow-up cases in real Chromium against the real server with the demo data (which has cases):
 * a detractor answer posted through the API with a hostile comment gets its case from the
 * playbook's job (run here, as the worker would), shows in the list and on the board, moves on the
 * board with its keyboard-friendly select, opens with the comment as text (no script runs), takes a
 * note and a logged contact, moves to in progress, refuses to close without a resolution (the API's
 * error at the field), closes with one, sends the "you told us, we did" message with the recovery
 * survey (then refuses a second), and the closed-loop metrics count it. The list at phone width;
 * the playbook editor saves a due time that survives a reload and shows the API's error at its
 * field. Screenshots go to test-artifacts/. Needs /usr/bin/chromium and dist/dashboard.
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/port';
import { DEMO_EMAIL } from '../../src/server/demo/demo-user';
import { claim, complete } from '../../src/server/jobs/queue';
import { RUN_PLAYBOOK_QUEUE, runPlaybookHandler } from '../../src/server/loop/run-playbook';
import { createApiKey } from '../../src/server/repo/api-keys';
import type { AppServer } from '../integration/helpers/app-server';
import {
  ARTIFACTS,
  CHROMIUM,
  callApi,
  inviteMember,
  launchChromium,
  openPage,
  openPageWithSession,
  requireDashboardBuild,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

const XSS_COMMENT = '<img src=x onerror="window.__xss=1">';

interface ApiCase {
  id: string;
  number: number;
  response_id: string | null;
  status: string;
  owner: string | null;
  resolution: string | null;
  recovery_invitation_id: string | null;
}

describe.skipIf(!existsSync(CHROMIUM))('follow-up cases in Chromium', () => {
  let browser: Browser;
  let db: Database;
  let server: AppServer;
  let email: string;
  let password: string;
  let key: string;
  let theCase: ApiCase;
  // The API's 400 and 409 (asked for on purpose) log "Failed to load resource"; nothing else may.
  const errors: string[] = [];

  const api = <T>(method: string, path: string, body?: unknown) =>
    callApi<T>(server, key, method, path, body);
  /** Runs the queued playbook jobs as the worker would. */
  const runPlaybook = async () => {
    const handler = runPlaybookHandler({ clock: () => new Date() });
    for (;;) {
      const now = new Date();
      const jobs = await claim(db, [RUN_PLAYBOOK_QUEUE], 'e2e-worker', 50, { now, leaseMs: 60_000 });
      if (jobs.length === 0) return;
      for (const job of jobs) {
        await handler({ job, db, signal: new AbortController().signal });
        await complete(db, job, 'e2e-worker', now);
      }
    }
  };
  const newPage = (width?: number, height?: number, locale?: string) =>
    openPage(browser, errors, width, height, locale);
  const signIn = async (page: Page) => {
    await submitSignIn(page, { server, email, password });
    await page.getByTestId('nps-value').waitFor();
  };
  /** "12 of 130 cases closed" → [12, 130]. */
  const closedOf = async (page: Page) => {
    const text = (await page.getByTestId('kpi-closed-of').textContent()) ?? '';
    const m = /([\d,.]+) of ([\d,.]+)/.exec(text);
    expect(m, text).not.toBeNull();
    return [Number(m![1]!.replace(/[,.]/g, '')), Number(m![2]!.replace(/[,.]/g, ''))] as const;
  };

  beforeAll(async () => {
    requireDashboardBuild();
    ({ db, server, email, password } = await startDemoServer(async (demoDb, workspaceId) => {
      key = (await createApiKey(demoDb, workspaceId, 'cases e2e')).secret;
    }));
    const surveys = await api<{ data: { id: string; status: string }[] }>('GET', '/surveys');
    const survey = surveys.data.find((s) => s.status === 'active') ?? surveys.data[0]!;
    const response = await api<{ id: string }>('POST', '/responses', {
      survey_id: survey.id,
      score: 2,
      comment: XSS_COMMENT,
      contact: {
        email: 'erika.e2e@example.com',
        name: 'Erika Muster',
        locale: 'en',
        attributes: { owner: DEMO_EMAIL, team: 'E2E team' },
      },
    });
    await runPlaybook();
    const cases = await api<{ data: ApiCase[] }>('GET', '/cases?limit=20');
    theCase = cases.data.find((k) => k.response_id === response.id)!;
    if (!theCase) throw new Error('the playbook opened no case');
    browser = await launchChromium();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(db && { db, server });
  });

  it('works a case from the list and the board to closed, with the follow-up, and the metrics count it', {
    timeout: 120_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole('link', { name: 'Cases', exact: true }).click();
    await page.getByRole('heading', { name: 'Cases', level: 1 }).waitFor();
    await page.getByTestId('kpi-closed-of').waitFor();
    const [closedBefore, opened] = await closedOf(page);
    expect(opened).toBeGreaterThan(0);
    const rateBefore = await page.getByTestId('kpi-closed-loop').locator('.cases-kpi').textContent();

    // The list: the new case first, with its customer, score, owner, status and SLA.
    const row = page.locator(`[data-testid=cases-table] tr[data-id="${theCase.id}"]`);
    await row.waitFor();
    await expect.poll(() => row.textContent()).toContain('Erika Muster');
    expect(await row.textContent()).toContain(`#${theCase.number}`);
    expect(await row.locator('.case-score').textContent()).toContain('2');
    expect(await row.textContent()).toContain(DEMO_EMAIL);
    expect(await row.locator('.case-status').textContent()).toBe('Open');
    expect(await row.locator('.case-sla').textContent()).toBe('On track');
    // The comment in the list is text too.
    expect(await row.locator('.cases-comment').textContent()).toBe(XSS_COMMENT);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-cases-list.png` });
    // Filters go into the URL: mine keeps it, overdue-only hides it.
    await page.getByLabel('Only mine').check();
    await expect.poll(() => new URL(page.url()).searchParams.get('mine')).toBe('1');
    await row.waitFor();
    await page.getByLabel('Only overdue').check();
    await expect.poll(() => new URL(page.url()).searchParams.get('breached')).toBe('1');
    await expect.poll(() => row.count()).toBe(0);
    const breached = page.locator('[data-testid=cases-table] .case-sla');
    if ((await breached.count()) > 0)
      expect(new Set(await breached.allTextContents())).toEqual(new Set(['Overdue']));
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await row.waitFor();

    // The board: the card in the Open column; its select moves it (keyboard: focus, arrows, no mouse).
    await page.getByRole('button', { name: 'Board' }).click();
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('board');
    const card = (status: string) => page.locator(`[data-status=${status}] [data-card="${theCase.id}"]`);
    await card('open').waitFor();
    expect(await card('open').textContent()).toContain('Erika Muster');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-cases-board.png`, fullPage: true });
    const move = page.getByLabel(`Move #${theCase.number} to`);
    await move.focus();
    await move.selectOption('waiting_on_customer');
    await card('waiting_on_customer').waitFor();
    expect(await card('open').count()).toBe(0);
    await page.getByText(`Case #${theCase.number} is now “Waiting on customer”.`).waitFor();
    // A reload keeps the view (it is in the URL).
    await page.reload();
    await card('waiting_on_customer').waitFor();

    // The case: the comment is literal text; no script ran.
    await card('waiting_on_customer').getByRole('link').click();
    await page.getByRole('heading', { name: `Case #${theCase.number}:`, level: 1 }).waitFor();
    const comment = page.getByTestId('case-comment');
    await expect.poll(() => comment.textContent()).toBe(XSS_COMMENT);
    expect(await comment.locator('img').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByTestId('case-customer').getByText('erika.e2e@example.com').waitFor();
    await page.getByTestId('case-history').getByText('(this case)').waitFor();
    await page.getByTestId('case-playbook').getByText('Opened this case, due in 24 hours').waitFor();

    // A note, then a logged contact, in the timeline.
    const timeline = page.getByTestId('case-timeline');
    await page.getByLabel('Note', { exact: true }).fill('Checked the account: the export fails since 4.0.');
    await page.getByRole('button', { name: 'Add note' }).click();
    await timeline.locator('[data-kind=note]').getByText('Checked the account').waitFor();
    await page.getByLabel('Note', { exact: true }).fill('Called Erika; she will send the file.');
    await page.getByRole('button', { name: 'Log a contact' }).click();
    await timeline.locator('[data-kind=contact]').getByText('Called Erika').waitFor();
    // The board move is in the timeline as a change, in words.
    await timeline.getByText('Status: Open → Waiting on customer').waitFor();

    // In progress.
    await page.getByLabel('Status', { exact: true }).selectOption('in_progress');
    await page.getByRole('button', { name: 'Save changes' }).click();
    await page.getByTestId('case-badges').getByText('In progress').waitFor();
    await timeline.getByText('Status: Waiting on customer → In progress').waitFor();

    // Root causes: add two, remove one.
    await page.getByLabel('New root cause').fill('Export');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('case-tags').getByText('export', { exact: true }).waitFor();
    await page.getByLabel('New root cause').fill('billing');
    await page.getByRole('button', { name: 'Add', exact: true }).click();
    await page.getByTestId('case-tags').getByText('billing', { exact: true }).waitFor();
    await page.getByRole('button', { name: 'Remove root cause billing' }).click();
    await expect
      .poll(() => page.getByTestId('case-tags').getByText('billing', { exact: true }).count())
      .toBe(0);

    // Closing without a resolution: the API's 400, shown at the field; the case stays in progress.
    await page.getByRole('button', { name: 'Close case' }).click();
    const resolutionError = page.locator('#case-resolution-error');
    await resolutionError.waitFor();
    expect(await resolutionError.textContent()).toBe('Write a resolution to close the case.');
    expect(await page.getByLabel('Resolution').getAttribute('aria-invalid')).toBe('true');
    expect((await api<{ case: ApiCase }>('GET', `/cases/${theCase.id}`)).case.status).toBe('in_progress');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-case-detail.png`, fullPage: true });

    // Closing with one.
    await page.getByLabel('Resolution').fill('Export fixed in 4.2; Erika confirmed it works.');
    await page.getByRole('button', { name: 'Close case' }).click();
    await page.getByTestId('case-closed').getByText('Export fixed in 4.2').waitFor();
    await page.getByTestId('case-badges').getByText('Closed', { exact: true }).waitFor();

    // "You told us, we did" with the recovery survey; then it cannot be sent again.
    const follow = page.getByTestId('case-follow-up');
    await follow
      .getByLabel('Message to the customer')
      .fill('You told us the export failed. It is fixed in 4.2.');
    expect(await follow.getByRole('checkbox').isChecked()).toBe(true);
    await follow.getByRole('button', { name: 'Send to erika.e2e@example.com' }).click();
    await follow.getByText('Sent.', { exact: false }).waitFor();
    await follow.getByText('The recovery survey was sent already').waitFor();
    expect(await follow.getByLabel('Message to the customer').isDisabled()).toBe(true);
    const after = (await api<{ case: ApiCase }>('GET', `/cases/${theCase.id}`)).case;
    expect(after).toMatchObject({
      status: 'closed',
      resolution: 'Export fixed in 4.2; Erika confirmed it works.',
    });
    expect(after.recovery_invitation_id).not.toBeNull();
    await timeline.locator('[data-kind=contact]').getByText('You told us the export failed').waitFor();

    // The metrics count the closed case.
    await page.getByRole('link', { name: /Back to the cases/ }).click();
    await page.getByTestId('kpi-closed-of').waitFor();
    await expect.poll(async () => (await closedOf(page))[0]).toBe(closedBefore + 1);
    expect((await closedOf(page))[1]).toBe(opened);
    expect(await page.getByTestId('kpi-closed-loop').locator('.cases-kpi').textContent()).not.toBe(
      rateBefore,
    );
    // By owner: the demo user's row is there.
    await page.locator('.cases-groups').getByText(DEMO_EMAIL).waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-cases-desktop.png`, fullPage: true });
    await page.context().close();
  });

  it('shows the list readably at phone width (375 px)', { timeout: 60_000 }, async () => {
    const page = await newPage(375, 812);
    await signIn(page);
    await page.goto(`${server.publicUrl}/app/cases?status=all`);
    const row = page.locator(`[data-testid=cases-table] tr[data-id="${theCase.id}"]`);
    await row.waitFor();
    // Rows are cards: every cell is inside the screen, nothing widens the page.
    const overflow = await page.evaluate(() => {
      let worst = 0;
      for (const el of Array.from(document.querySelectorAll('main#main *'))) {
        if (el.closest('.an-scroll')) continue;
        worst = Math.max(worst, el.getBoundingClientRect().right - window.innerWidth);
      }
      return Math.ceil(worst);
    });
    expect(overflow).toBeLessThanOrEqual(0);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const box = await row.boundingBox();
    expect(box!.width).toBeLessThanOrEqual(375);
    expect(await row.textContent()).toContain('Erika Muster');
    await page.screenshot({
      path: `${ARTIFACTS}/dashboard-cases-phone.png`,
      fullPage: true,
      clip: { x: 0, y: 1400, width: 375, height: 1100 },
    });
    await page.context().close();
  });

  it('edits the playbook: a due time is saved and still there after a reload; a bad one is named at its field', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${server.publicUrl}/app/cases`);
    await page.getByRole('link', { name: 'Playbook' }).click();
    await page.getByRole('heading', { name: 'Playbook', level: 1 }).waitFor();
    await page.getByTestId('playbook-source').getByText('default playbook').waitFor();
    const rule = page.getByTestId('rule-0');
    const due = rule.getByLabel('Due in (hours)');
    expect(await due.inputValue()).toBe('24');

    // A due time out of range: the API's 400 at the field.
    await due.fill('99999');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    const error = page.locator('#pb-rules-0-actions-1-due_hours-error');
    await error.waitFor();
    expect(await error.textContent()).toContain('2160');
    expect(await due.getAttribute('aria-invalid')).toBe('true');

    await due.fill('12');
    await page.getByRole('button', { name: 'Save playbook' }).click();
    await page.getByText('Saved.').waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Playbook', level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('rule-0').getByLabel('Due in (hours)').inputValue()).toBe('12');
    await page.getByTestId('playbook-source').getByText('workspace’s own playbook').waitFor();
    expect(await page.getByTestId('playbook-summary').textContent()).toContain('open a case due in 12 hours');
    const stored = await api<{ playbook: { rules: { actions: { kind: string; due_hours?: number }[] }[] } }>(
      'GET',
      '/playbook',
    );
    expect(stored.playbook.rules[0]!.actions.find((a) => a.kind === 'open_case')?.due_hours).toBe(12);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-playbook.png`, fullPage: true });

    // Back to the default.
    await page.getByRole('button', { name: 'Reset to the default' }).click();
    await page.getByTestId('playbook-source').getByText('default playbook').waitFor();
    expect(await page.getByTestId('rule-0').getByLabel('Due in (hours)').inputValue()).toBe('24');
    await page.context().close();
  });

  it('lets a viewer read cases (in German) without the controls to change them; a member works them', {
    timeout: 60_000,
  }, async () => {
    /** A new member of the demo workspace with this role, signed in in a fresh browser context. */
    const join = async (role: 'viewer' | 'member', who: string, locale: string) => {
      const owner = await newPage();
      await signIn(owner);
      const cookie = await inviteMember(owner, server, {
        email: who,
        name: `E2E ${role}`,
        role,
        password: `${role} password 12`,
      });
      await owner.context().close();
      return openPageWithSession(browser, errors, server, cookie, locale);
    };

    const viewer = await join('viewer', 'vera.viewer@example.com', 'de-DE');
    await viewer.goto(`${server.publicUrl}/app/cases?view=board`);
    await viewer.getByRole('heading', { name: 'Fälle', level: 1 }).waitFor();
    await viewer.getByText('Ihre Rolle kann Fälle lesen, aber nicht bearbeiten.').waitFor();
    await viewer.locator(`[data-card="${theCase.id}"]`).waitFor();
    expect(await viewer.getByTestId('cases-board').getByRole('combobox').count()).toBe(0);
    await viewer.goto(`${server.publicUrl}/app/cases/${theCase.id}`);
    await viewer.getByRole('heading', { name: `Fall #${theCase.number}:`, level: 1 }).waitFor();
    await viewer.getByTestId('case-timeline').waitFor();
    expect(await viewer.getByRole('button', { name: 'Änderungen speichern' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Notiz hinzufügen' }).count()).toBe(0);
    expect(await viewer.getByTestId('case-follow-up').count()).toBe(0);
    expect(await viewer.getByRole('button', { name: /Ursache .* entfernen/ }).count()).toBe(0);
    await viewer.goto(`${server.publicUrl}/app/cases/playbook`);
    await viewer.getByText('Nur Admins und Inhaber können das Playbook ändern.').waitFor();
    expect(await viewer.getByRole('button', { name: 'Playbook speichern' }).count()).toBe(0);
    await viewer.context().close();

    const member = await join('member', 'mia.member@example.com', 'en-US');
    await member.goto(`${server.publicUrl}/app/cases/${theCase.id}`);
    await member.getByRole('button', { name: 'Save changes' }).waitFor();
    await member.getByLabel('Note', { exact: true }).fill('A member was here.');
    await member.getByRole('button', { name: 'Add note' }).click();
    await member.getByTestId('case-timeline').getByText('A member was here.').waitFor();
    await member.goto(`${server.publicUrl}/app/cases/playbook`);
    await member.getByText('Only admins and owners can change the playbook.').waitFor();
    await member.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
