/**
 * The survey editor's distribution section in real Chromium against the real server with the demo
 * data: a campaign to an attribute audience (plan = pro), an autopilot with a preset that is paused,
 * a trigger rule with its active toggle, the API's field error shown at the field, and the section
 * at desktop and phone width (screenshots in test-artifacts/). Needs /usr/bin/chromium and
 * dist/dashboard (`npm test` builds it first).
 */
import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ARTIFACTS,
  CHROMIUM,
  type DemoServer,
  launchChromium,
  openPage,
  requireDashboardBuild,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

describe.skipIf(!existsSync(CHROMIUM))('survey distribution in Chromium', () => {
  let browser: Browser;
  let demo: DemoServer;
  let survey: { id: string; name: string };
  // Refused requests (the 400 of a bad input) are expected; CSP violations are not.
  const errors: string[] = [];

  const newPage = (width?: number, height?: number) => openPage(browser, errors, width, height);
  const openEditor = async (page: Page) => {
    await submitSignIn(page, demo);
    await page.getByTestId('nps-value').waitFor();
    await page.getByRole('link', { name: 'Surveys' }).click();
    await page.getByRole('link', { name: survey.name, exact: true }).click();
    await page.getByRole('heading', { name: 'Distribution' }).waitFor();
  };

  beforeAll(async () => {
    requireDashboardBuild();
    demo = await startDemoServer();
    const [first] = await demo.db.query<{ id: string; name: string }>(
      `SELECT id, name FROM survey WHERE status = 'active' ORDER BY created_at, id LIMIT 1`,
    );
    survey = first!;
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(demo);
  });

  it('creates a campaign to plan = pro, showing the API field error at the field first', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await openEditor(page);
    await page.getByText('New campaign').click();
    const form = page.getByRole('form', { name: 'New campaign' });
    await form.getByLabel('Campaign name').fill('Pro customers Q4');
    await form.getByLabel('Contacts whose attributes match').check();
    await form.getByLabel('Attribute', { exact: true }).fill('plan');
    // A bad value first: "before" wants a day; the API's error is shown at the value field.
    await form.getByLabel('Operator', { exact: true }).selectOption('before');
    await form.getByLabel('Value', { exact: true }).fill('soon');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    const alert = form.getByRole('alert').filter({ hasText: 'Value: must be a day (YYYY-MM-DD)' });
    await alert.waitFor();
    await expect
      .poll(() => form.getByLabel('Value', { exact: true }).getAttribute('aria-invalid'))
      .toBe('true');
    expect(await page.evaluate(() => document.querySelectorAll('[aria-invalid="true"]').length)).toBe(1);

    await form.getByLabel('Operator', { exact: true }).selectOption('eq');
    await form.getByLabel('Value', { exact: true }).fill('pro');
    await form.getByLabel("Override the survey's and workspace's fatigue rule").check();
    await form.getByLabel(/At least this many days/).fill('45');
    await form.getByLabel('A send the rule stops is').selectOption('postpone');
    await form.getByRole('button', { name: 'Create campaign' }).click();
    await page.getByRole('status').filter({ hasText: 'Created.' }).waitFor();
    const row = page.getByTestId('campaigns-table').getByRole('row', { name: /Pro customers Q4/ });
    await row.getByText('plan = pro').waitFor();

    const [campaign] = await demo.db.query<{
      audience: unknown;
      fatigue: unknown;
      reminders: unknown;
      survey_id: string;
    }>(`SELECT audience, fatigue, reminders, survey_id FROM campaign WHERE name = 'Pro customers Q4'`);
    expect(campaign).toEqual({
      audience: { all: [{ attribute: 'plan', op: 'eq', value: 'pro' }] },
      fatigue: { min_days_between: 45, on_blocked: 'postpone' },
      reminders: { count: 1, after_days: 3 },
      survey_id: survey.id,
    });
    await page.context().close();
  });

  it('creates an autopilot with a preset, shows its due contacts, pauses it and deletes it', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await openEditor(page);
    await page.getByText('New autopilot').click();
    const form = page.getByRole('form', { name: 'New autopilot' });
    await form.getByLabel('Autopilot name').fill('After winning');
    await form.getByLabel('Cadence').selectOption('after_winning_customer');
    await form.getByLabel('Sun').check();
    await form.getByLabel('To hour (1-24)').fill('18');
    await form.getByRole('button', { name: 'Create autopilot' }).click();
    const table = page.getByTestId('autopilots-table');
    const row = table.getByRole('row', { name: /After winning/ });
    await row.getByText('active', { exact: true }).waitFor();
    await row.getByText('3, 6, 12 months after customer_since, then every 12 months').waitFor();
    const [created] = await demo.db.query<{ id: string; status: string; business_hours: unknown }>(
      `SELECT id, status, business_hours FROM autopilot WHERE name = 'After winning'`,
    );
    expect(created).toMatchObject({
      status: 'active',
      business_hours: { weekdays: [1, 2, 3, 4, 5, 7], start_hour: 9, end_hour: 18 },
    });

    // The next due contacts (first page of /schedule).
    await row.getByRole('button', { name: 'Next due contacts' }).click();
    await page.getByRole('heading', { name: 'Next due contacts of “After winning”' }).waitFor();
    await page.getByTestId('schedule-table').waitFor();
    expect(await page.getByTestId('schedule-table').getByRole('row').count()).toBeGreaterThan(1);

    await row.getByRole('button', { name: 'Pause: After winning' }).click();
    await row.getByText('paused', { exact: true }).waitFor();
    const [paused] = await demo.db.query<{ status: string }>('SELECT status FROM autopilot WHERE id = $1', [
      created!.id,
    ]);
    expect(paused?.status).toBe('paused');

    // A custom rule with a bad milestone: the API names cadence.milestones_months.1.
    await form.getByLabel('Autopilot name').fill('Custom');
    await form.getByLabel('Cadence').selectOption('custom');
    await form.getByLabel(/Milestones in months/).fill('3, x');
    await form.getByRole('button', { name: 'Create autopilot' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: /^Milestones in months.*: / })
      .waitFor();
    expect(await form.getByLabel(/Milestones in months/).getAttribute('aria-invalid')).toBe('true');

    await row.getByRole('button', { name: 'Delete: After winning' }).click();
    await row.getByRole('button', { name: 'Yes, delete' }).click();
    await page.getByRole('status').filter({ hasText: 'Deleted.' }).waitFor();
    const left = await demo.db.query('SELECT 1 FROM autopilot WHERE id = $1', [created!.id]);
    expect(left).toHaveLength(0);
    await page.context().close();
  });

  it('creates a trigger rule with a property filter and switches it off; a bad event name is named', {
    timeout: 60_000,
  }, async () => {
    const page = await newPage();
    await openEditor(page);
    await page.getByText('New trigger rule').click();
    const form = page.getByRole('form', { name: 'New trigger rule' });
    await form.getByLabel('Rule name').fill('After a purchase');
    await form.getByLabel(/Event name/).fill('1 purchase');
    await form.getByLabel(/Delay after the event/).fill('120');
    await form.getByLabel('Only events whose properties match').check();
    await form.getByLabel('Attribute', { exact: true }).fill('amount');
    await form.getByLabel('Operator', { exact: true }).selectOption('gt');
    await form.getByLabel('Value', { exact: true }).fill('100');
    await form.getByRole('button', { name: 'Create trigger rule' }).click();
    await form
      .getByRole('alert')
      .filter({ hasText: /^Event name .*: must be an identifier/ })
      .waitFor();
    expect(await form.getByLabel(/Event name/).getAttribute('aria-invalid')).toBe('true');

    await form.getByLabel(/Event name/).fill('purchase');
    await form.getByRole('button', { name: 'Create trigger rule' }).click();
    const row = page.getByTestId('rules-table').getByRole('row', { name: /After a purchase/ });
    await row.getByText('amount > 100').waitFor();
    const [rule] = await demo.db.query<{
      id: string;
      filter: unknown;
      delay_minutes: number;
      active: boolean;
    }>(`SELECT id, filter, delay_minutes, active FROM trigger_rule WHERE name = 'After a purchase'`);
    expect(rule).toMatchObject({
      filter: { all: [{ attribute: 'amount', op: 'gt', value: 100 }] },
      delay_minutes: 120,
      active: true,
    });
    await row.getByLabel('Active: After a purchase').uncheck();
    await expect
      .poll(async () => {
        const [r] = await demo.db.query<{ active: boolean }>(
          'SELECT active FROM trigger_rule WHERE id = $1',
          [rule!.id],
        );
        return r?.active;
      })
      .toBe(false);
    await page.context().close();
  });

  it('shows the section at desktop and phone width without horizontal page overflow', {
    timeout: 60_000,
  }, async () => {
    for (const [width, name] of [
      [1280, 'desktop'],
      [375, 'phone'],
    ] as const) {
      const page = await newPage(width, 800);
      await openEditor(page);
      await page.getByTestId('campaigns-table').waitFor();
      await page.getByTestId('rules-table').waitFor();
      await page.getByText('New campaign').click();
      await page
        .getByRole('form', { name: 'New campaign' })
        .getByLabel('Contacts whose attributes match')
        .check();
      const overflow = await page.evaluate(
        () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
      );
      expect(overflow).toBeLessThanOrEqual(0);
      await page.screenshot({ path: `${ARTIFACTS}/dashboard-distribution-${name}.png`, fullPage: true });
      await page.context().close();
    }
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
