/**
 * Dashboard sign-in on both databases: the first owner's set-up, sessions in HttpOnly SameSite
 * cookies with a CSRF token, sign-in limits, invitations by real email (SMTP sink) with a role,
 * role changes and removals that apply at once, signing out everywhere, passwords only as scrypt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { startJobs } from '../../src/server/jobs/start-jobs';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { hrefsOf, mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;

const ORIGIN = 'http://localhost:3000';

/** A browser: keeps the session cookie, sends the CSRF token it was given on changes. */
class Browser {
  cookie = '';
  csrf = '';
  constructor(
    private readonly app: ReturnType<typeof createApp>['app'],
    private readonly ip: string,
  ) {}

  async call(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const h: Record<string, string> = { 'x-forwarded-for': this.ip, ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (body !== undefined) h['content-type'] = 'application/json';
    if (method !== 'GET' && this.csrf && !('x-csrf-token' in headers)) h['x-csrf-token'] = this.csrf;
    const res = await this.app.request(`/api/v1${path}`, {
      method,
      headers: h,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const set = res.headers.get('set-cookie');
    if (set) {
      const [pair] = set.split(';');
      this.cookie = pair!.endsWith('=') ? '' : pair!;
    }
    const json = res.headers.get('content-type')?.includes('json')
      ? ((await res.clone().json()) as Json)
      : null;
    if (json?.csrf_token) this.csrf = json.csrf_token;
    return { res, json, set };
  }
}

for (const kind of databaseKinds()) {
  describe(`dashboard sign-in on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let workspaceId = '';
    let apiKey = '';
    let nowMs = Date.parse('2026-06-01T09:00:00Z');
    const clock = () => new Date(nowMs);
    let ipCounter = 1;
    const browser = () => new Browser(app, `198.51.100.${ipCounter++}`);
    const owner = { name: 'Olga Owner', email: 'Olga@Example.com', password: 'a long secret phrase' };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      ({ app } = createApp({
        config: loadConfig({}, { passwordCost: 10, trustProxy: 1, publicUrl: ORIGIN }),
        db,
        clock,
      }));
      const ws = await createWorkspace(db, { name: 'First start', default_locale: 'de' });
      workspaceId = ws.id;
      apiKey = (await createApiKey(db, ws.id, 'k')).secret;
    });
    afterAll(() => drop());

    it('creates the first owner once, in the first workspace, with a hashed password and an HttpOnly SameSite cookie', async () => {
      const b = browser();
      expect((await b.call('GET', '/auth/state')).json).toEqual({ setup_required: true, demo: false });
      const weak = await b.call('POST', '/auth/setup', { ...owner, password: 'short' });
      expect(weak.res.status).toBe(400);
      expect(weak.json.error.field).toBe('password');
      const { res, json, set } = await b.call('POST', '/auth/setup', {
        ...owner,
        workspace_name: 'Taskwerk',
      });
      expect(res.status, JSON.stringify(json)).toBe(201);
      expect(json).toMatchObject({
        user: { email: 'olga@example.com', name: 'Olga Owner' },
        workspace: { id: workspaceId, name: 'Taskwerk' },
        role: 'owner',
      });
      expect(set).toMatch(/^plaudit_session=[\w-]{43}; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);
      // The database holds a scrypt hash and a hash of the session token, never the secrets.
      const [user] = await db.query<Json>('SELECT password_hash FROM app_user');
      expect(user.password_hash).toMatch(/^scrypt\$1024\$8\$1\$/);
      const [session] = await db.query<Json>('SELECT token_hash FROM user_session');
      expect(session.token_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(b.cookie).not.toContain(session.token_hash);
      expect((await b.call('GET', '/auth/state')).json.setup_required).toBe(false);
      const again = await browser().call('POST', '/auth/setup', { ...owner, email: 'x@example.com' });
      expect(again.res.status).toBe(409);
    });

    it('signs in; wrong password and unknown address get the same answer; 5 failures lock the address', async () => {
      const b = browser();
      const wrong = await b.call('POST', '/auth/sign-in', {
        email: owner.email,
        password: 'not the password',
      });
      const unknown = await b.call('POST', '/auth/sign-in', {
        email: 'nobody@example.com',
        password: 'whatever12345',
      });
      expect([wrong.res.status, unknown.res.status]).toEqual([401, 401]);
      expect(wrong.json).toEqual(unknown.json);
      const ok = await b.call('POST', '/auth/sign-in', {
        email: 'OLGA@example.com',
        password: owner.password,
      });
      expect(ok.res.status).toBe(200);
      expect(ok.json.role).toBe('owner');
      expect((await b.call('GET', '/auth/session')).json.user.email).toBe('olga@example.com');

      // Failed attempts per address: the sixth within 15 minutes is refused even with the right password.
      const attacker = browser();
      for (let i = 0; i < 4; i++) {
        expect(
          (await attacker.call('POST', '/auth/sign-in', { email: owner.email, password: `guess-${i}-xxxx` }))
            .res.status,
        ).toBe(401);
      }
      const locked = await browser().call('POST', '/auth/sign-in', {
        email: owner.email,
        password: owner.password,
      });
      expect(locked.res.status).toBe(429);
      nowMs += 31 * 60_000; // the sliding window forgets within two windows
      expect(
        (await browser().call('POST', '/auth/sign-in', { email: owner.email, password: owner.password })).res
          .status,
      ).toBe(200);

      // Per address: 10 attempts a minute, then 429 with Retry-After.
      const flood = browser();
      const statuses: number[] = [];
      for (let i = 0; i < 12; i++) {
        statuses.push(
          (await flood.call('POST', '/auth/sign-in', { email: `f${i}@example.com`, password: 'x' })).res
            .status,
        );
      }
      expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(10)).toEqual([429, 429]);
    });

    it('needs the CSRF token and the own origin for every change made with a session', async () => {
      const b = browser();
      await b.call('POST', '/auth/sign-in', { email: owner.email, password: owner.password });
      const noToken = await b.call('PATCH', '/workspace', { industry: 'software' }, { 'x-csrf-token': '' });
      expect(noToken.res.status).toBe(403);
      expect(noToken.json.error.code).toBe('csrf_failed');
      const otherSite = await b.call(
        'PATCH',
        '/workspace',
        { industry: 'software' },
        { origin: 'https://evil.example' },
      );
      expect(otherSite.res.status).toBe(403);
      expect(otherSite.json.error.field).toBe('origin');
      const ok = await b.call('PATCH', '/workspace', { industry: 'software' }, { origin: ORIGIN });
      expect(ok.res.status).toBe(200);
      // Reads need no token; an API key needs none either.
      expect((await b.call('GET', '/workspace', undefined, { 'x-csrf-token': '' })).res.status).toBe(200);
      const keyed = await app.request('/api/v1/workspace', {
        method: 'PATCH',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ industry: 'saas' }),
      });
      expect(keyed.status).toBe(200);
    });

    it('invites a viewer by real email, who joins, reads and cannot change anything; roles apply at once', async () => {
      const smtp = await startSmtpServer();
      const mailer = mailerFor(smtp);
      const worker = startJobs({ db, publicUrl: ORIGIN, mailer, clock }, { pollMinMs: 10, pollMaxMs: 50 });
      try {
        const o = browser();
        await o.call('POST', '/auth/sign-in', { email: owner.email, password: owner.password });
        const invited = await o.call('POST', '/member-invitations', {
          email: 'Vera@Example.com',
          role: 'viewer',
        });
        expect(invited.res.status, JSON.stringify(invited.json)).toBe(201);
        expect(invited.json.invite_url).toMatch(new RegExp(`^${ORIGIN}/app/join/[\\w-]{43}$`));
        await waitFor(async () => smtp.received.length === 1, 'the invitation email');
        const mail = smtp.received[0]!;
        expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('vera@example.com');
        // The workspace speaks German: so does the email.
        expect(mail.subject).toBe('Einladung zu Taskwerk in Plaudit');
        const link = hrefsOf(String(mail.html)).find((h) => h.includes('/app/join/'))!;
        expect(link).toBe(invited.json.invite_url);
        // Once sent, the job no longer holds the link.
        await waitFor(async () => {
          const [job] = await db.query<Json>(
            `SELECT payload, state FROM job WHERE queue = 'send-member-invitation'`,
          );
          return job?.state === 'done';
        }, 'the job to finish');
        const [job] = await db.query<Json>(`SELECT payload FROM job WHERE queue = 'send-member-invitation'`);
        const payload = typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload;
        expect(payload.invite_url).toBeUndefined();

        const token = link.split('/').pop()!;
        const v = browser();
        const shown = await v.call('GET', `/auth/invitations/${token}`);
        expect(shown.json).toMatchObject({
          workspace_name: 'Taskwerk',
          email: 'vera@example.com',
          role: 'viewer',
          user_exists: false,
        });
        const joined = await v.call('POST', `/auth/invitations/${token}/accept`, {
          name: 'Vera Viewer',
          password: 'viewer password 1',
        });
        expect(joined.res.status, JSON.stringify(joined.json)).toBe(200);
        expect(joined.json.role).toBe('viewer');
        // The link works once.
        expect((await browser().call('GET', `/auth/invitations/${token}`)).res.status).toBe(404);

        expect((await v.call('GET', '/responses')).res.status).toBe(200);
        expect((await v.call('GET', '/metrics/nps')).res.status).toBe(200);
        for (const [method, path, body] of [
          ['PATCH', '/workspace', { name: 'Mine now' }],
          ['POST', '/surveys', { name: 'x', product_name: 'y' }],
          ['POST', '/member-invitations', { email: 'friend@example.com', role: 'viewer' }],
          ['GET', '/api-keys', undefined],
        ] as const) {
          const r = await v.call(method, path, body);
          expect(r.res.status, `${method} ${path}`).toBe(403);
          expect(r.json.error.code).toBe('forbidden');
        }

        // The owner makes Vera a member: her session has the new role at its next request.
        const members = (await o.call('GET', '/members')).json.data as Json[];
        const vera = members.find((m) => m.email === 'vera@example.com');
        expect((await o.call('PATCH', `/members/${vera.id}`, { role: 'member' })).res.status).toBe(200);
        expect((await v.call('GET', '/auth/session')).json.role).toBe('member');
        // A member may not make herself an admin, nor touch the owner.
        expect((await v.call('PATCH', `/members/${vera.id}`, { role: 'admin' })).res.status).toBe(403);
        // The last owner cannot step down.
        const olga = members.find((m) => m.email === 'olga@example.com');
        const last = await o.call('PATCH', `/members/${olga.id}`, { role: 'admin' });
        expect(last.res.status).toBe(409);
        expect(last.json.error.code).toBe('last_owner');
        // Removed: her session ends at once.
        expect((await o.call('DELETE', `/members/${vera.id}`)).res.status).toBe(200);
        expect((await v.call('GET', '/auth/session')).res.status).toBe(401);
      } finally {
        await worker.stop({ graceMs: 1000 });
        await mailer.close();
        await smtp.close();
      }
    });

    it('signs out one session, or every session of the user; a new password ends the others', async () => {
      const [a, b, c] = [browser(), browser(), browser()];
      for (const x of [a, b, c])
        await x.call('POST', '/auth/sign-in', { email: owner.email, password: owner.password });
      const out = await a.call('POST', '/auth/sign-out');
      expect(out.res.status).toBe(200);
      expect(out.set).toMatch(/Max-Age=0/);
      expect((await a.call('GET', '/auth/session')).res.status).toBe(401);
      expect((await b.call('GET', '/auth/session')).res.status).toBe(200);

      const changed = await b.call('PATCH', '/auth/me', {
        current_password: owner.password,
        new_password: 'a new long phrase',
      });
      expect(changed.res.status, JSON.stringify(changed.json)).toBe(200);
      expect((await c.call('GET', '/auth/session')).res.status).toBe(401);
      expect((await b.call('GET', '/auth/session')).res.status).toBe(200);
      owner.password = 'a new long phrase';

      const d = browser();
      await d.call('POST', '/auth/sign-in', { email: owner.email, password: owner.password });
      const everywhere = await b.call('POST', '/auth/sign-out-everywhere');
      expect(everywhere.json.sessions_ended).toBe(2);
      expect((await d.call('GET', '/auth/session')).res.status).toBe(401);
    });

    it('ends sessions after the idle time', async () => {
      const b = browser();
      await b.call('POST', '/auth/sign-in', { email: owner.email, password: owner.password });
      nowMs += 15 * 86_400_000;
      expect((await b.call('GET', '/auth/session')).res.status).toBe(401);
    });
  });
}
