/**
 * The alert settings and the digest choice in real Chromium against the real server with the demo
 * data: an admin enters a Slack incoming-webhook URL (a local node:http receiver standing in for
 * Slack), an alert address and the alert toggles; after a reload the URL is shown masked (never in
 * full in the page), the rest as saved; the test message reaches the receiver; a bad URL or
 * address shows the API's error at its field; the weekly digest survives a reload; a viewer sees
 * the alert settings read-only and the API refuses their change; the German texts; no script
 * errors or CSP violations. Screenshots go to test-artifacts/. Needs /usr/bin/chromium and
 * dist/dashboard (`npm test` builds it first).
 */
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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
  requireDashboardBuild,
  send,
  startDemoServer,
  stopServer,
  submitSignIn,
} from './helpers/dashboard-session';

/** The secret part of the webhook URL: it must never reach the page. */
const SLACK_PATH = '/services/T0E2ETEST/B0E2ETEST/s3cretWebhookToken9876';

interface Received {
  method: string;
  url: string;
  contentType: string;
  body: string;
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard alert settings and digest in Chromium', () => {
  let browser: Browser;
  let demo: DemoServer;
  let slack: Server;
  let slackUrl: string;
  const received: Received[] = [];
  const cookies: { admin?: string; viewer?: string } = {};
  // Refused requests (the API's 400s at the fields, the viewer's 403) are expected; CSP violations are not.
  const errors: string[] = [];

  const newPage = () => openPage(browser, errors);
  const signIn = async (page: Page) => {
    await submitSignIn(page, demo);
    await page.getByText('Demo · Owner').waitFor();
  };
  /** A page signed in with a session cookie taken from accepting an invitation. */
  const pageWith = (cookie: string) => openPageWithSession(browser, errors, demo.server, cookie);
  const settings = async (page: Page, section: string) => {
    await page.goto(`${demo.server.publicUrl}/app/settings?section=${section}`);
  };
  const alertSettings = () =>
    demo.db
      .query<{ alert_settings: Record<string, unknown> | null }>(
        'SELECT alert_settings FROM workspace ORDER BY created_at LIMIT 1',
      )
      .then((rows) => rows[0]?.alert_settings ?? null);

  beforeAll(async () => {
    requireDashboardBuild();
    // A Slack-compatible receiver: takes a JSON POST and answers 200 "ok", as Slack does.
    slack = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          contentType: String(req.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => slack.listen(0, '127.0.0.1', resolve));
    slackUrl = `http://127.0.0.1:${(slack.address() as AddressInfo).port}${SLACK_PATH}`;

    demo = await startDemoServer();
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stopServer(demo);
    await new Promise<void>((resolve) => (slack ? slack.close(() => resolve()) : resolve()));
  });

  it('the owner invites an admin and a viewer', { timeout: 60_000 }, async () => {
    const owner = await newPage();
    await signIn(owner);
    cookies.admin = await inviteMember(owner, demo.server, {
      email: 'ada@example.com',
      name: 'Ada Admin',
      role: 'admin',
    });
    cookies.viewer = await inviteMember(owner, demo.server, {
      email: 'vic@example.com',
      name: 'Vic Viewer',
      role: 'viewer',
    });
    await owner.context().close();
  });

  it('an admin sets Slack, an address and the alerts; after a reload the URL is masked', {
    timeout: 60_000,
  }, async () => {
    const page = await pageWith(cookies.admin!);
    await page.goto(`${demo.server.publicUrl}/app/settings`);
    await page.getByText('Ada Admin · Admin').waitFor();
    await page
      .getByRole('navigation', { name: 'Settings sections' })
      .getByRole('link', { name: 'Alerts' })
      .click();
    await expect.poll(() => new URL(page.url()).searchParams.get('section')).toBe('alerts');
    const card = page.getByTestId('alert-settings');
    await card.getByRole('heading', { name: 'Alerts' }).waitFor();
    await card.getByText('No Slack URL is set.').waitFor();
    // Nothing to test yet.
    expect(await page.getByRole('button', { name: 'Send a test message' }).count()).toBe(0);

    const detractor = page.getByLabel('A new detractor (score 0-6)');
    const sla = page.getByLabel('A follow-up case is overdue');
    const drop = page.getByLabel(/^The NPS of the last 7 days dropped significantly/);
    expect(await detractor.isChecked()).toBe(true);
    expect(await sla.isChecked()).toBe(true);
    expect(await drop.isChecked()).toBe(true);

    await page.getByLabel('Slack incoming-webhook URL').fill(slackUrl);
    await page.getByLabel('Alert addresses (one per line)').fill('Alerts@Example.com\n\n');
    // Toggled off and on again: still on; the SLA alert off.
    await detractor.uncheck();
    expect(await detractor.isChecked()).toBe(false);
    await detractor.check();
    await sla.uncheck();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    // The field is emptied, the state names the masked URL.
    expect(await page.getByLabel('Slack incoming-webhook URL').inputValue()).toBe('');
    const stored = await alertSettings();
    expect(stored).toMatchObject({
      slack_webhook_url: slackUrl,
      emails: ['alerts@example.com'],
      new_detractor: true,
      sla_breach: false,
      nps_drop: { enabled: true },
    });

    await page.reload();
    const masked = `http://127.0.0.1:${(slack.address() as AddressInfo).port}/…9876`;
    await page.getByTestId('alert-settings').getByText(`Set: ${masked}.`, { exact: false }).waitFor();
    expect(await page.getByLabel('Slack incoming-webhook URL').inputValue()).toBe('');
    await expect
      .poll(() => page.getByLabel('Alert addresses (one per line)').inputValue())
      .toBe('alerts@example.com');
    expect(await detractor.isChecked()).toBe(true);
    expect(await sla.isChecked()).toBe(false);
    expect(await drop.isChecked()).toBe(true);
    const html = await page.content();
    expect(html).not.toContain(slackUrl);
    expect(html).not.toContain(SLACK_PATH);
    expect(html).not.toContain('s3cretWebhookToken');
    // The API shows the same mask.
    const api = await send(page, 'GET', '/alert-settings');
    expect(api.body.slack_webhook_url).toBe(masked);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-alerts-desktop.png`, fullPage: true });

    // The test message reaches the receiver: one JSON POST with a text.
    expect(received).toEqual([]);
    await page.getByRole('button', { name: 'Send a test message' }).click();
    await page.getByRole('status').filter({ hasText: 'Slack received the test message.' }).waitFor();
    expect(received).toHaveLength(1);
    const [post] = received;
    expect(post!.method).toBe('POST');
    expect(post!.url).toBe(SLACK_PATH);
    expect(post!.contentType).toMatch(/^application\/json/);
    const payload = JSON.parse(post!.body) as { text?: unknown };
    expect(typeof payload.text).toBe('string');
    expect(String(payload.text)).toMatch(/Plaudit/);
    expect(await page.content()).not.toContain(SLACK_PATH);
    await page.context().close();
  });

  it('shows the API’s error for a bad URL or address at its field', { timeout: 60_000 }, async () => {
    const page = await pageWith(cookies.admin!);
    await settings(page, 'alerts');
    await page.getByTestId('alert-settings').getByText('Set: ', { exact: false }).waitFor();
    const expectedUrl = await send(page, 'PUT', '/alert-settings', { slack_webhook_url: 'ftp://x.example' });
    expect(expectedUrl.status).toBe(400);
    expect(expectedUrl.body.error.field).toBe('slack_webhook_url');
    const urlReason = String(expectedUrl.body.error.message).replace(/^slack_webhook_url: /, '');

    const urlField = page.getByLabel('Slack incoming-webhook URL');
    await urlField.fill('ftp://x.example');
    await page.getByRole('button', { name: 'Save' }).click();
    const urlAlert = page.getByRole('alert').filter({ hasText: 'Slack incoming-webhook URL:' });
    await urlAlert.waitFor();
    expect(await urlAlert.textContent()).toBe(`Slack incoming-webhook URL: ${urlReason}`);
    expect(await urlField.getAttribute('aria-invalid')).toBe('true');
    // Next to its field: in the same .field box.
    expect(await urlAlert.evaluate((el) => el.closest('.field')?.querySelector('input')?.id ?? null)).toBe(
      'alert-slack-url',
    );
    expect((await alertSettings())?.slack_webhook_url).toBe(slackUrl);

    await urlField.fill('');
    const expectedEmail = await send(page, 'PUT', '/alert-settings', {
      emails: ['alerts@example.com', 'not-an-address'],
    });
    expect(expectedEmail.status).toBe(400);
    expect(expectedEmail.body.error.field).toBe('emails.1');
    const emailReason = String(expectedEmail.body.error.message).replace(/^emails\.1: /, '');
    const emails = page.getByLabel('Alert addresses (one per line)');
    await emails.fill('alerts@example.com\nnot-an-address');
    await page.getByRole('button', { name: 'Save' }).click();
    const emailAlert = page.getByRole('alert').filter({ hasText: 'line 2 (not-an-address)' });
    await emailAlert.waitFor();
    expect(await emailAlert.textContent()).toBe(
      `Alert addresses (one per line), line 2 (not-an-address): ${emailReason}`,
    );
    expect(await emails.getAttribute('aria-invalid')).toBe('true');
    expect(
      await emailAlert.evaluate((el) => el.closest('.field')?.querySelector('textarea')?.id ?? null),
    ).toBe('alert-emails');
    // The URL's error is gone; nothing was changed.
    expect(await page.getByRole('alert').filter({ hasText: 'Slack incoming-webhook URL:' }).count()).toBe(0);
    expect((await alertSettings())?.emails).toEqual(['alerts@example.com']);

    // Corrected, it saves and the errors go.
    await emails.fill('alerts@example.com');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
    expect(await page.getByRole('alert').count()).toBe(0);
    expect(await emails.getAttribute('aria-invalid')).toBeNull();
    await page.context().close();
  });

  it('keeps a weekly digest after a reload, as the API says', async () => {
    const page = await pageWith(cookies.admin!);
    await settings(page, 'account');
    const card = page.getByTestId('digest-settings');
    await card.getByRole('heading', { name: 'Digest email' }).waitFor();
    const weekly = card.getByLabel('Weekly, on Mondays');
    await expect.poll(() => card.getByLabel('None').isChecked()).toBe(true);
    expect((await send(page, 'GET', '/auth/me/digest')).body).toEqual({ digest: 'off' });
    await weekly.check();
    await card.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();

    await page.reload();
    await page.getByTestId('digest-settings').getByRole('radio').first().waitFor();
    expect(await weekly.isChecked()).toBe(true);
    expect(await card.getByLabel('Daily').isChecked()).toBe(false);
    expect(await card.getByLabel('None').isChecked()).toBe(false);
    expect((await send(page, 'GET', '/auth/me/digest')).body).toEqual({ digest: 'weekly' });
    await page.context().close();
  });

  it('shows the German texts', async () => {
    const page = await pageWith(cookies.admin!);
    await settings(page, 'alerts');
    await page.getByTestId('alert-settings').getByText('Set: ', { exact: false }).waitFor();
    await page.getByLabel('Language', { exact: true }).selectOption('de');
    const card = page.getByTestId('alert-settings');
    await card.getByRole('heading', { name: 'Hinweise' }).waitFor();
    await page.getByLabel('Slack-Incoming-Webhook-URL').waitFor();
    await page.getByLabel('Adressen für Hinweise (eine pro Zeile)').waitFor();
    await page.getByLabel('Ein neuer Kritiker (Bewertung 0-6)').waitFor();
    await card.getByText('Eingetragen: ', { exact: false }).waitFor();
    await page.getByRole('button', { name: 'Speichern' }).waitFor();
    await page.getByRole('button', { name: 'Testnachricht senden' }).waitFor();
    await page.getByRole('button', { name: 'Slack entfernen' }).waitFor();
    await page
      .getByRole('navigation', { name: /einstellungen/i })
      .getByRole('link', { name: 'Hinweise' })
      .waitFor();
    await page.getByLabel('Sprache', { exact: true }).selectOption('en');
    await card.getByRole('heading', { name: 'Alerts' }).waitFor();
    await page.context().close();
  });

  it('shows a viewer the alert settings read-only, and the API refuses their change', async () => {
    const viewer = await pageWith(cookies.viewer!);
    await settings(viewer, 'alerts');
    await viewer.getByText('Vic Viewer · Viewer').waitFor();
    const card = viewer.getByTestId('alert-settings');
    await card.getByText('only admins and owners can change them', { exact: false }).waitFor();
    await card.getByText('Set: ', { exact: false }).waitFor();
    expect(await viewer.getByRole('button', { name: 'Save' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Send a test message' }).count()).toBe(0);
    expect(await viewer.getByRole('button', { name: 'Remove Slack' }).count()).toBe(0);
    expect(await viewer.getByLabel('Slack incoming-webhook URL').isDisabled()).toBe(true);
    const emails = viewer.getByLabel('Alert addresses (one per line)');
    expect(await emails.isDisabled()).toBe(true);
    expect(await emails.inputValue()).toBe('alerts@example.com');
    expect(await viewer.getByLabel('A follow-up case is overdue').isDisabled()).toBe(true);
    expect(await viewer.getByLabel('A follow-up case is overdue').isChecked()).toBe(false);
    expect(await viewer.content()).not.toContain(SLACK_PATH);

    const refused = await send(viewer, 'PUT', '/alert-settings', { sla_breach: true });
    expect(refused.status).toBe(403);
    expect((await send(viewer, 'POST', '/alert-settings/test')).status).toBe(403);
    expect((await alertSettings())?.sla_breach).toBe(false);
    expect(received).toHaveLength(1);
    // Their own digest they may choose.
    expect((await send(viewer, 'PUT', '/auth/me/digest', { digest: 'daily' })).status).toBe(200);
    await viewer.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
