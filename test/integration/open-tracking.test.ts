/**
 * The visible life of an invitation and the optional open-tracking pixel, end to end: invitations
 * and campaigns created through the API, sent by a worker to a real SMTP server in the test
 * process, the received emails parsed by mailparser, their pixel and answer links followed over
 * real HTTP, with a test clock moved over the days of sends, reminders and expiry.
 */
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/server/channels/email/mailer';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { jobHandlers } from '../../src/server/jobs/start-jobs';
import { startWorker } from '../../src/server/jobs/worker';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { type AppServer, startAppServer } from './helpers/app-server';
import { hrefsOf, mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;
const json = (res: Response): Promise<Json> => res.json();
const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
/** The 43-byte transparent GIF, written out here rather than imported from the code under test. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64');

/** The `src` of the open-tracking `<img>` of an HTML mail, or undefined. */
function pixelSrcOf(html: string): string | undefined {
  return /<img\b[^>]*\bsrc="([^"]*\/o\/[^"]*)"/.exec(html)?.[1]?.replaceAll('&amp;', '&');
}

for (const kind of databaseKinds()) {
  describe(`invitation lifecycle and open tracking on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let server: AppServer | undefined;
    let publicUrl = '';
    /** Workspace A tracks opens (turned on in the first test), B does not (the default). */
    const keys = { a: '', b: '' };
    const surveys = { a: '', b: '' };
    /** Invitations shared between the tests, by name. */
    const invitations: Record<string, Json> = {};
    /** The clock of the app, the worker and the handlers; tests move it forward. */
    let nowMs = Date.parse('2026-03-02T08:00:00Z');
    const clock = () => new Date(nowMs);

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp);
      server = await startAppServer({ db, clock });
      publicUrl = server.publicUrl;

      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name: `Workspace ${name}` });
        keys[name] = (await createApiKey(db, ws.id, 't')).secret;
        const survey = await api(keys[name], 'POST', '/surveys', {
          name: 'Relationship',
          product_name: 'Taskwerk',
        });
        surveys[name] = (await json(survey)).id;
      }
    });
    afterAll(async () => {
      await mailer?.close();
      await server?.close();
      await smtp?.close();
      await drop();
    });

    const api = (key: string, method: string, urlPath: string, body?: unknown) =>
      fetch(`${publicUrl}/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const ok = async (key: string, method: string, urlPath: string, body?: unknown) => {
      const res = await api(key, method, urlPath, body);
      const text = await res.text();
      expect(res.status, `${method} ${urlPath}: ${text}`).toBeLessThan(300);
      return JSON.parse(text) as Json;
    };
    const invite = (key: string, surveyId: string, email: string, extra: Record<string, unknown> = {}) =>
      ok(key, 'POST', '/invitations', {
        survey_id: surveyId,
        contact: { email, locale: 'en' },
        channel: 'email',
        send: true,
        ...extra,
      });
    const openedAtOf = async (id: string) =>
      (await db.query<{ opened_at: Date | null }>('SELECT opened_at FROM invitation WHERE id = $1', [id]))[0]!
        .opened_at;

    /** Every due job done (or failed): the worker has nothing left to do at the clock's time. */
    const drained = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM job WHERE state IN ('queued', 'active') AND run_at <= $1`,
          [clock()],
        )
      )[0]!.n === 0;
    const runWorkerUntil = async (condition: () => Promise<boolean>, what: string) => {
      const worker = startWorker({
        db,
        handlers: jobHandlers({ db, publicUrl, mailer, clock }),
        clock,
        pollMinMs: 10,
        pollMaxMs: 20,
      });
      try {
        await waitFor(condition, what);
      } finally {
        await worker.stop();
      }
    };
    const runDueJobs = () => runWorkerUntil(drained, 'the due jobs');

    const mailsTo = (address: string): ParsedMail[] =>
      smtp.received.filter((m) =>
        [m.to ?? []].flat().some((t) => t.value.some((v) => v.address === address)),
      );
    const htmlOf = (mail: ParsedMail) => (mail.html || '').trim();

    /** Fetches a pixel URL over HTTP and checks it is the transparent GIF, never cached. */
    const fetchPixel = async (url: string, method: 'GET' | 'HEAD' = 'GET') => {
      const res = await fetch(url, { method });
      expect(res.status, `${method} ${url}`).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/gif');
      expect(res.headers.get('cache-control')).toBe('no-store, private');
      const body = Buffer.from(await res.arrayBuffer());
      if (method === 'GET') expect(body.equals(GIF), `${url} answers the 43-byte GIF`).toBe(true);
      else expect(body.length).toBe(0);
      return res;
    };

    it('keeps track_opens off by default, and turns it on and off through the workspace settings', async () => {
      expect((await ok(keys.a, 'GET', '/workspace')).track_opens).toBe(false);
      const bad = await api(keys.a, 'PATCH', '/workspace', { track_opens: 'yes' });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.field).toBe('track_opens');
      expect((await ok(keys.a, 'PATCH', '/workspace', { track_opens: true })).track_opens).toBe(true);
      expect((await ok(keys.a, 'GET', '/workspace')).track_opens).toBe(true);
      // Another setting leaves it as it is.
      expect((await ok(keys.a, 'PATCH', '/workspace', { fatigue_days: 0 })).track_opens).toBe(true);
      expect((await ok(keys.b, 'PATCH', '/workspace', { fatigue_days: 0 })).track_opens).toBe(false);
    });

    it('puts the pixel into the survey email and its reminder only when the workspace tracks opens', async () => {
      invitations.anna = await invite(keys.a, surveys.a, 'anna@example.com', {
        reminders: { count: 1, after_days: 1 },
      });
      invitations.carla = await invite(keys.a, surveys.a, 'carla@example.com', {
        reminders: { count: 0, after_days: 1 },
      });
      invitations.ben = await invite(keys.b, surveys.b, 'ben@example.com', {
        reminders: { count: 1, after_days: 1 },
      });
      expect(invitations.anna).toMatchObject({ status: 'queued', state: 'scheduled', opened_at: null });
      await runWorkerUntil(
        async () => mailsTo('anna@example.com').length + mailsTo('ben@example.com').length === 2,
        'the emails',
      );
      await runDueJobs();

      const [annaMail] = mailsTo('anna@example.com');
      const pixelUrl = `${publicUrl}/o/${invitations.anna.token}.gif`;
      expect(pixelSrcOf(htmlOf(annaMail!))).toBe(pixelUrl);
      // A 1×1 image with an empty alt, last in the HTML part, and nowhere in the plain text.
      expect(htmlOf(annaMail!)).toMatch(
        new RegExp(
          `<img src="${pixelUrl.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" alt="" width="1" height="1" border="0" style="display:block;[^"]*"></body></html>$`,
        ),
      );
      expect(annaMail!.text).not.toContain('/o/');
      expect(annaMail!.text).toContain(`${invitations.anna.url}?score=9`);
      const [benMail] = mailsTo('ben@example.com');
      expect(htmlOf(benMail!)).not.toContain('/o/');
      expect(htmlOf(benMail!)).not.toContain('<img');

      const sent = await ok(keys.a, 'GET', `/invitations/${invitations.anna.id}`);
      expect(sent).toMatchObject({ status: 'sent', state: 'sent', opened_at: null, reminders_sent: 0 });

      // The reminders a day later: the pixel (the same URL) only in workspace A's.
      nowMs += DAY_MS;
      await runWorkerUntil(
        async () => mailsTo('anna@example.com').length + mailsTo('ben@example.com').length === 4,
        'the reminders',
      );
      const annaReminder = mailsTo('anna@example.com')[1]!;
      expect(annaReminder.subject).toBe('Reminder: your opinion on Taskwerk');
      expect(pixelSrcOf(htmlOf(annaReminder))).toBe(pixelUrl);
      expect(annaReminder.text).not.toContain('/o/');
      expect(htmlOf(mailsTo('ben@example.com')[1]!)).not.toContain('/o/');
      expect(await ok(keys.a, 'GET', `/invitations/${invitations.anna.id}`)).toMatchObject({
        reminders_sent: 1,
        state: 'reminded',
      });
    });

    it('records the first open of a received pixel over real HTTP, at the clock, once; HEAD records nothing', async () => {
      const { carla } = invitations;
      const pixelUrl = pixelSrcOf(htmlOf(mailsTo('carla@example.com')[0]!))!;
      expect(pixelUrl).toBe(`${publicUrl}/o/${carla.token}.gif`);

      await fetchPixel(pixelUrl, 'HEAD');
      expect(await openedAtOf(carla.id)).toBeNull();
      expect(await ok(keys.a, 'GET', `/invitations/${carla.id}`)).toMatchObject({
        state: 'sent',
        opened_at: null,
      });

      const openedAt = new Date(nowMs).toISOString();
      await fetchPixel(pixelUrl);
      expect((await openedAtOf(carla.id))?.toISOString()).toBe(openedAt);
      expect(await ok(keys.a, 'GET', `/invitations/${carla.id}`)).toMatchObject({
        status: 'sent',
        state: 'opened',
        opened_at: openedAt,
      });

      // Opened again an hour later: the first open stays.
      nowMs += HOUR_MS;
      await fetchPixel(pixelUrl);
      await fetchPixel(pixelUrl);
      expect((await openedAtOf(carla.id))?.toISOString()).toBe(openedAt);
      expect((await ok(keys.a, 'GET', `/invitations/${carla.id}`)).opened_at).toBe(openedAt);
      // The list shows the same.
      const listed = (await ok(keys.a, 'GET', `/invitations?survey_id=${surveys.a}`)).data;
      expect(listed.find((i: Json) => i.id === carla.id)).toMatchObject({
        state: 'opened',
        opened_at: openedAt,
      });
    });

    it('answers unknown tokens with the same GIF, and records nothing where tracking is off or nothing was sent', async () => {
      const known = await fetchPixel(`${publicUrl}/o/${invitations.carla.token}.gif`);
      for (const path of [
        '/o/no-such-token.gif',
        `/o/${'x'.repeat(200)}.gif`,
        `/o/${invitations.carla.token}`,
        `/o/${invitations.carla.token}.png`,
        '/o/%3Cscript%3E.gif',
      ]) {
        const unknown = await fetchPixel(publicUrl + path);
        expect(unknown.headers.get('content-length'), path).toBe(known.headers.get('content-length'));
      }

      // Workspace B does not track: its pixel (were it in an email) records nothing.
      await fetchPixel(`${publicUrl}/o/${invitations.ben.token}.gif`);
      expect(await openedAtOf(invitations.ben.id)).toBeNull();
      expect((await ok(keys.b, 'GET', `/invitations/${invitations.ben.id}`)).state).toBe('reminded');

      // A link-only invitation of a tracking workspace was never emailed: nothing to open.
      const link = await ok(keys.a, 'POST', '/invitations', {
        survey_id: surveys.a,
        contact: { email: 'dora@example.com' },
      });
      expect(link).toMatchObject({ status: 'created', state: 'created', opened_at: null });
      await fetchPixel(`${publicUrl}/o/${link.token}.gif`);
      expect(await openedAtOf(link.id)).toBeNull();

      // Tracking turned off after the email went out (with its pixel): opens are no longer recorded.
      await ok(keys.a, 'PATCH', '/workspace', { track_opens: false });
      await fetchPixel(`${publicUrl}/o/${invitations.anna.token}.gif`);
      expect(await openedAtOf(invitations.anna.id)).toBeNull();
      await ok(keys.a, 'PATCH', '/workspace', { track_opens: true });
      await fetchPixel(`${publicUrl}/o/${invitations.anna.token}.gif`);
      expect((await openedAtOf(invitations.anna.id))?.getTime()).toBe(nowMs);
      // Reminded outranks opened.
      expect((await ok(keys.a, 'GET', `/invitations/${invitations.anna.id}`)).state).toBe('reminded');
    });

    it('rate-limits the pixel per client like the survey pages', async () => {
      const limited = createApp({
        config: loadConfig({}, { publicUrl, publicRateLimit: 2 }),
        db,
        clock,
      });
      expect((await limited.app.request('/o/unknown-token.gif')).status).toBe(200);
      expect((await limited.app.request('/o/unknown-token.gif')).status).toBe(200);
      const refused = await limited.app.request('/o/unknown-token.gif');
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/);
      await limited.close();
    });

    it('counts a campaign by delivery status and lifecycle state, with response and open rates, and its invitations agree', async () => {
      // Workspace C: tracks opens, invitations expire 2 days after they are due.
      const ws = await createWorkspace(db, { name: 'Workspace C' });
      const key = (await createApiKey(db, ws.id, 't')).secret;
      const surveyId = (await ok(key, 'POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }))
        .id;
      await ok(key, 'PATCH', '/workspace', { track_opens: true, invitation_expiry_days: 2 });
      const t0 = nowMs;

      // The send of a contact surveyed within the last 10 days is postponed until the 10 days are
      // over: that staggers the sends (and so the expiries) of one campaign.
      const surveyedDaysAgo: Record<string, number | null> = {
        'expired@example.com': null, // due t0, reminded on day 1, expired on day 2 (after opening)
        'answered@example.com': 9, // due day 1; opens and answers
        'answered2@example.com': 9, // due day 1; answers without loading images
        'reject550@example.com': 9, // due day 1; refused by the SMTP server
        'reminded@example.com': 9, // due day 1, reminded on day 2, opens the reminder
        'opened@example.com': 8, // due day 2; opens
        'sent@example.com': 8, // due day 2
        'scheduled@example.com': 5, // due day 5
        'skipped@example.com': null, // unsubscribed
      };
      const contactIds: Record<string, string> = {};
      for (const [email, days] of Object.entries(surveyedDaysAgo)) {
        contactIds[email] = (await ok(key, 'POST', '/contacts', { email, locale: 'en' })).id;
        if (days !== null) {
          await ok(key, 'POST', '/responses', {
            survey_id: surveyId,
            score: 8,
            contact_id: contactIds[email],
            created_at: new Date(t0 - days * DAY_MS).toISOString(),
          });
        }
      }
      await ok(key, 'POST', '/suppressions', { email: 'skipped@example.com', reason: 'unsubscribed' });
      const campaign = await ok(key, 'POST', '/campaigns', {
        survey_id: surveyId,
        name: 'Lifecycle',
        audience: { contact_ids: Object.values(contactIds) },
        fatigue: { min_days_between: 10, on_blocked: 'postpone' },
        reminders: { count: 1, after_days: 1 },
      });
      const pixelOf = (email: string, n = 0) => pixelSrcOf(htmlOf(mailsTo(email)[n]!))!;
      const answerOf = async (email: string, score: number) => {
        const link = hrefsOf(htmlOf(mailsTo(email)[0]!)).find((href) => href.endsWith(`?score=${score}`))!;
        expect((await fetch(link, { redirect: 'manual' })).status).toBe(303);
      };

      // Day 0: the campaign is expanded and the first email sent; it is opened.
      await runDueJobs();
      expect(mailsTo('expired@example.com')).toHaveLength(1);
      await fetchPixel(pixelOf('expired@example.com'));
      // Day 1: four more sends (one bounces) and the first one's reminder; two answers.
      nowMs = t0 + DAY_MS;
      await runDueJobs();
      expect(mailsTo('expired@example.com')).toHaveLength(2);
      await fetchPixel(pixelOf('answered@example.com'));
      await answerOf('answered@example.com', 9);
      await answerOf('answered2@example.com', 6);
      // Day 2: two more sends and a reminder; the first invitation expires.
      nowMs = t0 + 2 * DAY_MS;
      await runDueJobs();
      expect(mailsTo('reminded@example.com')).toHaveLength(2);
      await fetchPixel(pixelOf('reminded@example.com', 1));
      await fetchPixel(pixelOf('opened@example.com'));
      nowMs = t0 + 2 * DAY_MS + HOUR_MS;

      const shown = await ok(key, 'GET', `/campaigns/${campaign.id}`);
      expect(shown.counts).toEqual({
        total: 9,
        queued: 1,
        sending: 0,
        sent: 6,
        bounced: 1,
        failed: 0,
        skipped: 1,
        skipped_by_reason: { unsubscribed: 1 },
        by_state: {
          answered: 2,
          bounced: 1,
          failed: 0,
          skipped: 1,
          expired: 1,
          reminded: 1,
          opened: 1,
          sent: 1,
          sending: 0,
          scheduled: 1,
          created: 0,
        },
      });
      expect(shown.answered).toBe(2);
      // Opened: the expired, one answered, the reminded and the opened one (each in its own state).
      expect(shown.opened).toBe(4);
      // Six delivered (status sent: expired, answered ×2, reminded, opened, sent).
      expect(shown.response_rate).toBe(0.3333);
      expect(shown.open_rate).toBe(0.6667);

      // Each invitation's state, as the API shows it, adds up to the same counts.
      const listed = (await ok(key, 'GET', `/invitations?survey_id=${surveyId}&limit=100`)).data as Json[];
      expect(listed).toHaveLength(9);
      const tally: Record<string, number> = Object.fromEntries(
        Object.keys(shown.counts.by_state).map((state) => [state, 0]),
      );
      for (const invitation of listed) tally[invitation.state]!++;
      expect(tally).toEqual(shown.counts.by_state);
      const stateOf = (email: string) => listed.find((i) => i.contact_id === contactIds[email])!.state;
      expect(stateOf('expired@example.com')).toBe('expired');
      expect(stateOf('answered@example.com')).toBe('answered');
      expect(stateOf('reject550@example.com')).toBe('bounced');
      expect(stateOf('skipped@example.com')).toBe('skipped');
      expect(stateOf('reminded@example.com')).toBe('reminded');
      expect(stateOf('opened@example.com')).toBe('opened');
      expect(stateOf('sent@example.com')).toBe('sent');
      expect(stateOf('scheduled@example.com')).toBe('scheduled');

      // Not tracking opens: no open rate (the opens recorded before stay counted).
      await ok(key, 'PATCH', '/workspace', { track_opens: false });
      const untracked = await ok(key, 'GET', `/campaigns/${campaign.id}`);
      expect(untracked).toMatchObject({ opened: 4, open_rate: null, response_rate: 0.3333 });

      // Another workspace's key sees none of it.
      for (const other of [keys.a, keys.b]) {
        expect((await api(other, 'GET', `/campaigns/${campaign.id}`)).status).toBe(404);
        for (const invitation of listed) {
          expect((await api(other, 'GET', `/invitations/${invitation.id}`)).status).toBe(404);
        }
        const theirs = (await ok(other, 'GET', '/invitations?limit=100')).data as Json[];
        expect(theirs.some((i) => listed.some((mine) => mine.id === i.id))).toBe(false);
        expect((await ok(other, 'GET', '/campaigns')).data).toEqual([]);
      }
      // And workspace A's invitations stay out of C's reach.
      expect((await api(key, 'GET', `/invitations/${invitations.carla.id}`)).status).toBe(404);
    });
  });
}
