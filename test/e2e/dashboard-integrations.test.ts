/**
 * The integrations page in real Chromium against the real server with the demo data and a job
 * worker for the webhook and CRM queues (the app server alone runs no jobs): a webhook endpoint
 * pointing at a real HTTP receiver started here (its secret shown once, and signing what arrives),
 * a response posted through the API delivered to it and shown in the delivery log with 200 and
 * the receiver's answer as text, a redelivery arriving with the same delivery id; a CRM connected
 * to the local HubSpot fake (test/integration/helpers/fake-crm.ts), listed and synced, its token
 * nowhere in the page. Then German, a phone's width, and a viewer's read-only view.
 * Needs /usr/bin/chromium and dist/dashboard (`npm test` builds it first).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CRM_SYNC_QUEUE, crmSyncHandler } from '../../src/server/crm/sync';
import { startWorker, type Worker } from '../../src/server/jobs/worker';
import { webhookDeliveryHandler } from '../../src/server/webhooks/deliver';
import { WEBHOOK_QUEUE } from '../../src/server/webhooks/emit';
import { startFakeHubspot } from '../integration/helpers/fake-crm';
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

const HUBSPOT_TOKEN = 'pat-eu1-e2e-7f3a9c2d-secretTokenXYZ9';
/** The receiver's answer: markup, to prove the delivery log shows it as text. */
const RECEIVER_ANSWER = '<b id="injected">received</b> & ok';

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** The receiver's check, as docs/API.md describes it. */
function verify(secret: string, rawBody: string, header: string): boolean {
  const fields = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(fields.t);
  if (!Number.isFinite(t) || Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

async function startReceiver() {
  const received: Received[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200, { 'content-type': 'text/html' }).end(RECEIVER_ANSWER);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/plaudit-hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe.skipIf(!existsSync(CHROMIUM))('dashboard integrations in Chromium', () => {
  let browser: Browser;
  let demo: DemoServer;
  let worker: Worker;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let hubspot: Awaited<ReturnType<typeof startFakeHubspot>>;
  // Refused requests (the viewer's 403s) are expected; CSP violations are not.
  const errors: string[] = [];

  const newPage = (width?: number, height?: number, locale?: string) =>
    openPage(browser, errors, width, height, locale);
  const signIn = async (page: Page) => {
    await submitSignIn(page, demo);
    await page.getByText(/Demo · (Owner|Inhaber)/).waitFor();
  };

  beforeAll(async () => {
    requireDashboardBuild();
    demo = await startDemoServer();
    // The worker `plaudit serve` runs in its process, for the two queues this page is about.
    const clock = () => new Date();
    worker = startWorker({
      db: demo.db,
      handlers: {
        [WEBHOOK_QUEUE]: webhookDeliveryHandler({ clock, log: () => {} }),
        [CRM_SYNC_QUEUE]: crmSyncHandler({ clock }),
      },
      clock,
      pollMinMs: 50,
      pollMaxMs: 200,
      recoverEveryMs: 60_000,
    });
    receiver = await startReceiver();
    hubspot = await startFakeHubspot(HUBSPOT_TOKEN);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await worker?.stop({ graceMs: 1000 });
    await receiver?.close();
    await hubspot?.close();
    await stopServer(demo);
  });

  it('adds a webhook (secret once), shows its delivery with 200 and redelivers it', {
    timeout: 90_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.getByRole('navigation').getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { name: 'Integrations', level: 1 }).waitFor();
    const webhooks = page.getByTestId('webhooks');
    await webhooks.getByText('No webhook endpoints yet.').waitFor();

    // Add: URL, events (response.created is checked by default), description.
    await webhooks.getByLabel('Endpoint URL').fill(receiver.url);
    expect(await webhooks.getByRole('checkbox', { name: /response\.created/ }).isChecked()).toBe(true);
    await webhooks.getByRole('checkbox', { name: /case\.opened/ }).check();
    await webhooks.getByLabel('Description (optional)').fill('Data warehouse');
    await webhooks.getByRole('button', { name: 'Add endpoint' }).click();

    // The secret, once, with the copy button and the hint how to verify.
    const secretBox = page.getByTestId('webhook-secret');
    await secretBox.waitFor();
    const secret = await secretBox.getByTestId('webhook-secret-value').inputValue();
    expect(secret).toMatch(/^whsec_/);
    // The heading of the secret has the focus, for screen readers and keyboards.
    expect(await page.evaluate(() => document.activeElement?.textContent ?? '')).toContain('Signing secret');
    await secretBox.getByRole('button', { name: 'Copy' }).waitFor();
    await secretBox.getByText('How to verify a delivery').click();
    await secretBox.getByText(/HMAC-SHA256/).waitFor();
    const endpoint = page.getByTestId('webhook-endpoint').filter({ hasText: receiver.url });
    await endpoint.getByText('Active', { exact: true }).waitFor();
    await endpoint.getByText('Events: response.created, case.opened').waitFor();
    await endpoint.getByText('Data warehouse').waitFor();
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-integrations-secret.png`, fullPage: true });

    // A response through the API: its response.created delivery is posted by the worker.
    const surveys = await send(page, 'GET', '/surveys');
    const surveyId = surveys.body.data[0].id as string;
    const created = await send(page, 'POST', '/responses', {
      survey_id: surveyId,
      score: 10,
      comment: 'Webhooks are neat',
      contact: { email: 'hook-test@example.com' },
    });
    expect(created.status).toBe(201);
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(1);
    const first = receiver.received[0]!;
    expect(first.headers['plaudit-event']).toBe('response.created');
    expect(verify(secret, first.body, String(first.headers['plaudit-signature']))).toBe(true);
    expect(JSON.parse(first.body).data.response.id).toBe(created.body.id);

    // The log: succeeded, 200, one attempt, the receiver's answer as text.
    await endpoint.getByRole('button', { name: 'Delivery log' }).click();
    const log = endpoint.getByTestId('delivery-log');
    const row = log.getByTestId('delivery-row').filter({ hasText: 'response.created' });
    await row.filter({ hasText: 'Succeeded' }).waitFor({ timeout: 15_000 });
    expect(await row.getByTestId('delivery-code').textContent()).toBe('200');
    expect(await row.getByTestId('delivery-attempts').textContent()).toBe('1');
    await row.getByText('Response body').click();
    expect(await row.getByTestId('delivery-body').textContent()).toBe(RECEIVER_ANSWER);
    expect(await page.locator('#injected').count()).toBe(0);

    // Redeliver: a second POST with the same delivery id; the log counts two attempts.
    await row.getByRole('button', { name: 'Redeliver' }).click();
    await log.getByRole('status').filter({ hasText: 'being sent again' }).waitFor();
    await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBe(2);
    const second = receiver.received[1]!;
    expect(second.headers['plaudit-delivery']).toBe(first.headers['plaudit-delivery']);
    expect(verify(secret, second.body, String(second.headers['plaudit-signature']))).toBe(true);
    await expect
      .poll(
        async () => {
          await log.getByRole('button', { name: 'Refresh' }).click();
          return log.getByTestId('delivery-attempts').first().textContent();
        },
        { timeout: 15_000 },
      )
      .toBe('2');
    await row.filter({ hasText: 'Succeeded' }).waitFor();

    // Disable (the state says so), enable again.
    await endpoint.getByRole('button', { name: 'Disable' }).click();
    await endpoint.getByText('Disabled', { exact: true }).waitFor();
    await endpoint.getByTestId('webhook-disabled-reason').waitFor();
    await endpoint.getByRole('button', { name: 'Enable' }).click();
    await endpoint.getByText('Active', { exact: true }).waitFor();

    // Rotate: a new secret, shown once in the endpoint, which signs from now on.
    await endpoint.getByRole('button', { name: 'Rotate secret' }).click();
    await endpoint.getByText('The current one stops working at once.').waitFor();
    await endpoint.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = await endpoint.getByTestId('webhook-secret-value').inputValue();
    expect(rotated).toMatch(/^whsec_/);
    expect(rotated).not.toBe(secret);
    await endpoint.getByRole('button', { name: 'I have copied it' }).click();

    // After a reload no secret is anywhere in the page.
    await page.reload();
    await page.getByTestId('webhook-endpoint').first().waitFor();
    const html = await page.content();
    expect(html).not.toContain(secret);
    expect(html).not.toContain(rotated);
    await page.context().close();
  });

  it('connects a CRM through the advanced base URL, syncs it, and never shows its token', {
    timeout: 90_000,
  }, async () => {
    const page = await newPage();
    await signIn(page);
    await page.goto(`${demo.server.publicUrl}/app/integrations`);
    const crm = page.getByTestId('crm');
    await crm.getByText('No CRM is connected.').waitFor();
    await crm.getByLabel('CRM', { exact: true }).selectOption('hubspot');
    const token = crm.getByLabel('API token');
    expect(await token.getAttribute('type')).toBe('password');
    await token.fill(HUBSPOT_TOKEN);
    await crm.getByText('Advanced').click();
    await crm.getByLabel('API base URL (optional)').fill(hubspot.url);
    await crm.getByRole('button', { name: 'Connect' }).click();
    await crm.getByRole('status').filter({ hasText: 'HubSpot is connected' }).waitFor();

    const item = crm.getByTestId('crm-connection').filter({ hasText: 'HubSpot' });
    await item.waitFor();
    expect(await item.getByTestId('crm-token-hint').textContent()).toBe(`…${HUBSPOT_TOKEN.slice(-4)}`);
    await item.getByText(hubspot.url).waitFor();
    expect(await token.inputValue()).toBe('');
    // The first sync (started on connect) reaches the fake and the page shows its times.
    await expect
      .poll(() => hubspot.requests.some((r) => r.headers.authorization === `Bearer ${HUBSPOT_TOKEN}`), {
        timeout: 30_000,
      })
      .toBe(true);
    await expect
      .poll(() => item.getByTestId('crm-last-pull').textContent(), { timeout: 45_000 })
      .not.toBe('never');
    expect(await item.getByTestId('crm-last-error').count()).toBe(0);
    // One connection per CRM: the form offers only the CRMs not connected yet.
    expect(await crm.getByLabel('CRM', { exact: true }).locator('option').allTextContents()).toEqual([
      'Pipedrive',
      'Salesforce',
    ]);

    // Sync now, pause (sync now is then off), resume.
    const requestsBefore = hubspot.requests.length;
    await item.getByRole('button', { name: 'Sync now' }).click();
    await crm.getByRole('status').filter({ hasText: 'The sync is running' }).waitFor();
    await expect.poll(() => hubspot.requests.length, { timeout: 30_000 }).toBeGreaterThan(requestsBefore);
    await item.getByRole('button', { name: 'Pause' }).click();
    await item.getByText('Paused', { exact: true }).waitFor();
    expect(await item.getByRole('button', { name: 'Sync now' }).isDisabled()).toBe(true);
    await item.getByRole('button', { name: 'Resume' }).click();
    await item.getByText('Active', { exact: true }).waitFor();

    // The token is nowhere in the page, nor in what the API gave it.
    const html = await page.content();
    expect(html).not.toContain(HUBSPOT_TOKEN);
    expect(html).not.toContain('secretTokenXYZ');
    const listed = await page.evaluate(async () => (await fetch('/api/v1/crm-connections')).text());
    expect(listed).not.toContain('secretTokenXYZ');
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-integrations.png`, fullPage: true });
    await page.context().close();
  });

  it('is German for German users and fits a 375 px phone', { timeout: 60_000 }, async () => {
    const page = await newPage(PHONE.width, PHONE.height, 'de-DE');
    await signIn(page);
    await page.goto(`${demo.server.publicUrl}/app/integrations`);
    await page.getByRole('heading', { name: 'Integrationen', level: 1 }).waitFor();
    await page.getByRole('heading', { name: 'Webhooks' }).waitFor();
    await page.getByTestId('crm-connection').getByText('Aktiv', { exact: true }).waitFor();
    const endpoint = page.getByTestId('webhook-endpoint').first();
    await endpoint.getByRole('button', { name: 'Zustellprotokoll' }).click();
    await endpoint.getByTestId('delivery-row').first().getByText('Zugestellt').waitFor();
    await page.getByRole('button', { name: 'Endpunkt hinzufügen' }).waitFor();
    expect(await overflowOf(page)).toBeLessThanOrEqual(0);
    await page.screenshot({ path: `${ARTIFACTS}/dashboard-integrations-phone.png`, fullPage: true });
    await page.context().close();
  });

  it('shows a viewer the integrations read-only', { timeout: 60_000 }, async () => {
    const owner = await newPage();
    await signIn(owner);
    const cookie = await inviteMember(owner, demo.server, {
      email: 'vera@example.com',
      name: 'Vera Viewer',
      role: 'viewer',
    });
    await owner.context().close();
    const viewer = await openPageWithSession(browser, errors, demo.server, cookie);
    await viewer.goto(`${demo.server.publicUrl}/app/integrations`);
    await viewer.getByText('only admins and owners can change them').waitFor();
    const endpoint = viewer.getByTestId('webhook-endpoint').first();
    await endpoint.waitFor();
    await viewer.getByTestId('crm-connection').first().waitFor();
    await endpoint.getByRole('button', { name: 'Delivery log' }).click();
    await endpoint.getByTestId('delivery-row').first().waitFor();
    for (const name of [
      'Add endpoint',
      'Disable',
      'Rotate secret',
      'Delete',
      'Redeliver',
      'Connect',
      'Sync now',
    ])
      expect(await viewer.getByRole('button', { name, exact: true }).count(), name).toBe(0);
    expect(await viewer.getByLabel('API token').count()).toBe(0);
    const refused = await send(viewer, 'POST', '/webhooks', { url: receiver.url, events: ['case.closed'] });
    expect(refused.status).toBe(403);
    await viewer.context().close();
  });

  it('ran without script errors or CSP violations', () => {
    expect(errors).toEqual([]);
  });
});
