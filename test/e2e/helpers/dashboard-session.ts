/**
 * The set-up the browser tests share: the system Chromium, a server with the demo data and its
 * demo user, pages that record script errors and CSP violations, signing in, a second member with
 * a role, a write with the session's CSRF token, and the fixture site that embeds a widget.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { migrate } from '../../../src/server/db/migrate';
import { createPgliteDatabase } from '../../../src/server/db/pglite-adapter';
import type { Database } from '../../../src/server/db/port';
import { ensureDemoUser } from '../../../src/server/demo/demo-user';
import { loadDemoData } from '../../../src/server/demo/load-demo-data';
import { type AppServer, startAppServer } from '../../integration/helpers/app-server';

export const CHROMIUM = '/usr/bin/chromium';
export const ARTIFACTS = 'test-artifacts';
/** The flags a sandboxed, offline CI machine needs (no background connections, no GPU). */
export const DASHBOARD_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-sync',
];
/** The same, and no QUIC or component updates, for pages that load scripts from another origin. */
export const EMBED_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
/** The phone the dashboard must fit (nothing wider than 375 px). */
export const PHONE = { width: 375, height: 800 } as const;

/** The customer's site of the embed tests: its origin, and how to stop it. */
export interface FixtureSite {
  origin: string;
  close(): Promise<void>;
}

/** A server with its database and the account that signs in to it. */
export interface DemoServer {
  db: Database;
  server: AppServer;
  email: string;
  password: string;
}

// Every browser suite launches the same system Chromium, only the flags differ.
export const launchChromium = (args: string[] = DASHBOARD_ARGS): Promise<Browser> =>
  chromium.launch({ executablePath: CHROMIUM, args });

// The dashboard suites need the built bundle (a clear message beats a blank page) and a screenshot folder.
export function requireDashboardBuild(): void {
  if (!existsSync('dist/dashboard/index.html'))
    throw new Error('dist/dashboard is missing: run npm run build:dashboard');
  mkdirSync(ARTIFACTS, { recursive: true });
}

// The app server the tests talk to: real time, and a cheap password hash so sign-ins stay fast.
export const serveApp = (db: Database): Promise<AppServer> =>
  startAppServer({ db, clock: () => new Date(), config: { passwordCost: 10 } });

// Most suites read the demo data as its demo user; `prepare` runs before the server starts (keys, settings).
export async function startDemoServer(
  prepare?: (db: Database, workspaceId: string) => Promise<void>,
): Promise<DemoServer> {
  const db = await createPgliteDatabase(undefined);
  await migrate(db);
  const demo = await loadDemoData(db, { now: new Date() });
  const credentials = await ensureDemoUser(db, 10);
  await prepare?.(db, demo.workspace.id);
  return { db, server: await serveApp(db), ...credentials };
}

// Tolerates a set-up that failed half-way, so the real error is the one reported.
export async function stopServer(x: { db: Database; server: AppServer } | undefined): Promise<void> {
  await x?.server.close();
  await x?.db.close();
}

// Uncaught exceptions end up in `errors`, which each suite's last test asserts empty.
export function recordPageErrors(page: Page, errors: string[]): Page {
  page.on('pageerror', (e) => errors.push(e.message));
  return page;
}

// Also console errors (CSP violations log there); refused requests log "Failed to load resource", and the tests ask for those.
export function recordConsoleErrors(page: Page, errors: string[]): Page {
  recordPageErrors(page, errors);
  page.on('console', (m) => {
    if (m.type() === 'error' && !m.text().startsWith('Failed to load resource')) errors.push(m.text());
  });
  return page;
}

// A page in its own context (own cookies, viewport and language) that records errors into `errors`.
export async function openPage(
  browser: Browser,
  errors: string[],
  width = 1280,
  height = 900,
  locale = 'en-US',
): Promise<Page> {
  const context = await browser.newContext({ viewport: { width, height }, locale });
  return recordConsoleErrors(await context.newPage(), errors);
}

// Signs in through the form as a user would; English or German labels. Waiting for what follows is the caller's.
export async function submitSignIn(
  page: Page,
  account: { server: AppServer; email: string; password: string },
) {
  await page.goto(`${account.server.publicUrl}/app/`);
  await page.getByLabel(/e-?mail/i).fill(account.email);
  await page.getByLabel(/^password|^passwort/i).fill(account.password);
  await page.getByRole('button', { name: /sign in|anmelden/i }).click();
}

// A page already signed in with a session cookie (from `inviteMember`), without going through the form.
export async function openPageWithSession(
  browser: Browser,
  errors: string[],
  server: AppServer,
  cookie: string,
  locale = 'en-US',
): Promise<Page> {
  const page = await openPage(browser, errors, 1280, 900, locale);
  await page.context().addCookies([{ name: 'plaudit_session', value: cookie, url: server.publicUrl }]);
  return page;
}

// Writes go through the page's own session cookie and CSRF token, as the dashboard sends them; status and body.
export const send = (page: Page, method: string, path: string, body?: unknown) =>
  page.evaluate(
    async ({ method, path, body }) => {
      const session = await (await fetch('/api/v1/auth/session')).json();
      const r = await fetch(`/api/v1${path}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-csrf-token': session.csrf_token },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: r.status, body: await r.json() };
    },
    { method, path, body },
  );

// Role tests need a second member: invited by the owner's page, accepted through the API; the new session cookie.
export async function inviteMember(
  owner: Page,
  server: AppServer,
  member: { email: string; name: string; role: string; password?: string },
): Promise<string> {
  const { email, name, role, password = `${role} password 1` } = member;
  const invitation = await send(owner, 'POST', '/member-invitations', { email, role });
  expect(invitation.status).toBe(201);
  const token = String(invitation.body.invite_url).split('/join/')[1]!;
  const accepted = await fetch(`${server.publicUrl}/api/v1/auth/invitations/${token}/accept`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password }),
  });
  expect(accepted.status).toBe(200);
  const cookie = /plaudit_session=([^;]+)/.exec(accepted.headers.get('set-cookie') ?? '')?.[1];
  expect(cookie).toBeTruthy();
  return cookie!;
}

// Sets up data through the public API with a key, as an integration would; throws with the answer when refused.
export async function callApi<T>(
  server: AppServer,
  key: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<T> {
  const res = await fetch(`${server.publicUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

// How far the page's own content (below the shared header) reaches beyond the screen; wide tables scroll in their own box.
export const overflowOf = (page: Page) =>
  page.evaluate(() => {
    let worst = 0;
    for (const el of Array.from(document.querySelectorAll('main#main *'))) {
      if (el.closest('.table-scroll')) continue;
      worst = Math.max(worst, el.getBoundingClientRect().right - window.innerWidth);
    }
    return Math.ceil(worst);
  });

// The customer's site for the embed tests: serves `pages` by path on localhost, another origin than the app's 127.0.0.1.
export async function startFixtureSite(pages: Map<string, string>): Promise<FixtureSite> {
  const server = createServer((req, res) => {
    const html = pages.get((req.url ?? '/').split('?')[0]!);
    res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
    res.end(html ?? 'not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://localhost:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
