/**
 * Alerts and digests end to end: real Slack-compatible receivers (node:http) started here (one that
 * fails the first N times, one that never answers in time, one that answers 410 `no_service`, one
 * that takes everything), a real SMTP server for the emails, and a driven clock: the alert queues
 * are claimed with an explicit `now` and their handlers run on that clock.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ParsedMail } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summarize } from '../../src/core/stats';
import { alertEmailHandler } from '../../src/server/alerts/alert-email';
import {
  ALERT_DIGEST_QUEUE,
  ALERT_EMAIL_QUEUE,
  ALERT_SLACK_QUEUE,
  ALERT_SWEEP_QUEUE,
  newDetractorAlertJob,
  SEND_ALERT_QUEUE,
} from '../../src/server/alerts/alert-jobs';
import { distributionOfDays, recordSlackFailure } from '../../src/server/alerts/alert-repo';
import {
  alertSweepHandler,
  ensureAlertSchedules,
  pruneFinishedJobs,
  SWEEP_MAX_ATTEMPTS,
  sweepDigests,
  sweepNpsDrops,
  sweepSlaBreaches,
} from '../../src/server/alerts/alert-sweep';
import { alertDigestHandler } from '../../src/server/alerts/digest';
import { sendAlertHandler } from '../../src/server/alerts/send-alert';
import { alertSlackHandler } from '../../src/server/alerts/slack';
import { hashToken, newCsrfToken, newSessionToken } from '../../src/server/auth/session-cookie';
import type { Mailer } from '../../src/server/channels/email/mailer';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { claim, complete, enqueue, fail } from '../../src/server/jobs/queue';
import { startJobs } from '../../src/server/jobs/start-jobs';
import { type JobHandler, PermanentJobError } from '../../src/server/jobs/worker';
import { createApiKey } from '../../src/server/repo/api-keys';
import { addMembership, createSession, createUser } from '../../src/server/repo/users';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { webhookDeliveryHandler } from '../../src/server/webhooks/deliver';
import { WEBHOOK_QUEUE } from '../../src/server/webhooks/emit';
import { databaseKinds } from './databases';
import { mailerFor, startSmtpServer } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

const PUBLIC_URL = 'https://nps.example.com';
const MIN = 60_000;
const at = (base: Date, ms: number) => new Date(base.getTime() + ms);

interface Post {
  path: string;
  body: Json;
}

/** One Slack-compatible receiver; the path picks the behaviour. */
async function startSlack() {
  const posts: Post[] = [];
  const state = { failFirst: 2, failed: 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = req.url ?? '';
      posts.push({ path, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      if (path.startsWith('/flaky') && state.failed < state.failFirst) {
        state.failed++;
        res.writeHead(500, { 'content-type': 'text/plain' }).end('internal_error');
        return;
      }
      if (path.startsWith('/slow')) return; // never answers
      if (path.startsWith('/gone')) {
        res.writeHead(410, { 'content-type': 'text/plain' }).end('no_service');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    posts,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ALERT_QUEUES = [SEND_ALERT_QUEUE, ALERT_EMAIL_QUEUE, ALERT_SLACK_QUEUE, ALERT_DIGEST_QUEUE];

for (const kind of databaseKinds()) {
  describe(`alerts on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let slack: Awaited<ReturnType<typeof startSlack>>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    let contactId = '';
    let session = { cookie: '', csrf: '' };

    const api = (method: string, path: string, body?: unknown, k = key) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${k}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const asUser = (method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          cookie: session.cookie,
          'x-csrf-token': session.csrf,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const json = async (res: Response | Promise<Response>) => (await res).json() as Promise<Json>;

    /** Runs the alert jobs due at `now` (and those they enqueue for `now`); failures go back on the queue's backoff. */
    async function runDue(now: Date, slackTimeoutMs = 2_000): Promise<void> {
      const clock = () => now;
      const handlers: Record<string, JobHandler> = {
        [SEND_ALERT_QUEUE]: sendAlertHandler({ publicUrl: PUBLIC_URL, clock }),
        [ALERT_EMAIL_QUEUE]: alertEmailHandler({ publicUrl: PUBLIC_URL, mailer }),
        [ALERT_SLACK_QUEUE]: alertSlackHandler({ clock, timeoutMs: slackTimeoutMs }),
        [ALERT_DIGEST_QUEUE]: alertDigestHandler({ publicUrl: PUBLIC_URL, mailer, clock }),
      };
      for (;;) {
        const jobs = await claim(db, ALERT_QUEUES, 'test-worker', 100, { now, leaseMs: 60_000 });
        if (jobs.length === 0) return;
        for (const job of jobs) {
          try {
            await handlers[job.queue]!({ job, db, signal: new AbortController().signal });
            await complete(db, job, 'test-worker', now);
          } catch (error) {
            await fail(db, job, 'test-worker', error, {
              now,
              permanent: error instanceof PermanentJobError,
              random: () => 1,
            });
          }
        }
      }
    }
    const mailsTo = (address: string, subject?: RegExp) =>
      smtp.received.filter(
        (m: ParsedMail) =>
          (m.to && !Array.isArray(m.to) ? m.to.text : '').includes(address) &&
          (!subject || subject.test(m.subject ?? '')),
      );
    const postsTo = (prefix: string) => slack.posts.filter((p) => p.path.startsWith(prefix));
    const setSlack = async (path: string | null) => {
      const res = await api('PUT', '/alert-settings', {
        slack_webhook_url: path === null ? null : `${slack.base}${path}`,
      });
      expect(res.status).toBe(200);
      return (await res.json()) as Json;
    };
    const jobsOf = (queue: string, like = '%') =>
      db.query<{ state: string; attempts: number; last_error: string | null; unique_key: string }>(
        `SELECT state, attempts, last_error, unique_key FROM job WHERE queue = $1 AND unique_key LIKE $2 ORDER BY id`,
        [queue, like],
      );
    let caseSeq = 1000;
    const insertCase = async (
      ws: string,
      fields: { owner?: string | null; due_at: Date; closed?: boolean; title?: string; created_at?: Date },
    ) => {
      caseSeq++;
      const rows = await db.query<{ id: string }>(
        `INSERT INTO follow_up_case (workspace_id, number, title, owner, due_at, score, category, status,
                                     closed_at, resolution, created_at)
         VALUES ($1, $2, $3, $4, $5, 2, 'detractor', $6, $7, $8, $9) RETURNING id`,
        [
          ws,
          caseSeq,
          fields.title ?? `Detractor case ${caseSeq}`,
          fields.owner ?? null,
          fields.due_at,
          fields.closed ? 'closed' : 'open',
          fields.closed ? fields.due_at : null,
          fields.closed ? 'fixed' : null,
          fields.created_at ?? at(fields.due_at, -24 * 60 * MIN),
        ],
      );
      return { id: rows[0]!.id, number: caseSeq };
    };
    /** Adds `count` responses of `score` to the rollup the NPS checks read, on local `day`. */
    const seedDay = async (ws: string, survey: string, day: string, score: number, count: number) => {
      await db.query(
        `INSERT INTO response_daily (workspace_id, survey_id, day, channel, score, count) VALUES ($1, $2, $3, 'api', $4, $5)
         ON CONFLICT (workspace_id, day, survey_id, channel, score) DO UPDATE SET count = response_daily.count + EXCLUDED.count`,
        [ws, survey, day, score, count],
      );
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => new Date() }).app;
      slack = await startSlack();
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp);
      const ws = await createWorkspace(db, { name: 'Taskwerk', default_locale: 'en' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 'main')).secret;
      const owner = await createUser(db, {
        email: 'owner@example.com',
        name: 'Olga Owner',
        password_hash: 'x',
      });
      await addMembership(db, ws.id, owner.id, 'owner');
      // The account rep owning cases below is a member: owners are emailed only when they are.
      const rep = await createUser(db, { email: 'rep@acme.example', name: 'Rita Rep', password_hash: 'x' });
      await addMembership(db, ws.id, rep.id, 'member');
      const { token, hash } = newSessionToken();
      const csrf = newCsrfToken();
      await createSession(db, {
        token_hash: hash,
        user_id: owner.id,
        workspace_id: ws.id,
        csrf_token: csrf,
        now: new Date(),
        expires_at: new Date(Date.now() + 86_400_000),
      });
      session = { cookie: `plaudit_session=${token}`, csrf };
      expect(hashToken(token)).toBe(hash);
      surveyId = (await json(api('POST', '/surveys', { name: 'Quarterly NPS', product_name: 'Taskwerk' })))
        .id;
      const account = await json(api('POST', '/accounts', { name: 'Acme & Co', external_id: 'acme' }));
      contactId = (
        await json(
          api('POST', '/contacts', {
            email: 'jane@acme.example',
            name: 'Jane <Doe>',
            account_id: account.id,
          }),
        )
      ).id;
    });
    afterAll(async () => {
      await slack.close();
      await mailer.close();
      await smtp.close();
      await drop();
    });

    const respond = async (score: number, comment: string) => {
      const res = await api('POST', '/responses', {
        survey_id: surveyId,
        score,
        comment,
        contact_id: contactId,
      });
      expect(res.status).toBe(201);
      return ((await res.json()) as Json).id as string;
    };

    it('alerts the owner by email and Slack about a new detractor, with the comment escaped in both', async () => {
      const settings = await setSlack('/ok');
      expect(settings.slack_webhook_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/…\d\/ok$/);
      expect(JSON.stringify(settings)).not.toContain(`${slack.base}/ok`);
      const responseId = await respond(2, 'Hey <!channel> <b>broken</b> & <https://evil.example|click here>');
      const theCase = await insertCase(workspaceId, {
        owner: 'rep@acme.example',
        due_at: new Date('2030-01-01T00:00:00Z'),
      });
      const now = new Date();
      const job = newDetractorAlertJob(workspaceId, {
        response_id: responseId,
        case_id: theCase.id,
        owner: 'rep@acme.example',
      });
      expect(job.uniqueKey).toBe(`alert:new_detractor:${responseId}`);
      await enqueue(db, job, { now });
      expect((await enqueue(db, job, { now })).created).toBe(false); // once per response
      await runDue(now);

      const mails = mailsTo('rep@acme.example', /New detractor/);
      expect(mails).toHaveLength(1);
      const mail = mails[0]!;
      expect(mail.subject).toBe('New detractor (2/10): Jane <Doe> (Acme & Co)');
      expect(mail.text).toContain(`${PUBLIC_URL}/app/cases/${theCase.id}`);
      expect(mail.text).toContain('Quarterly NPS');
      expect(mail.html).toContain('&lt;b&gt;broken&lt;/b&gt;');
      expect(mail.html).not.toContain('<b>broken');
      expect(mail.html).toContain('Jane &lt;Doe&gt;');
      expect(mail.messageId).toMatch(/^<alert\.[0-9a-f]{32}@nps\.example\.com>$/);

      const posts = postsTo('/ok');
      expect(posts).toHaveLength(1);
      const body = JSON.stringify(posts[0]!.body);
      expect(body).toContain(
        '&lt;!channel&gt; &lt;b&gt;broken&lt;/b&gt; &amp; &lt;https://evil.example|click here&gt;',
      );
      expect(body).not.toContain('<!channel>');
      expect(body).not.toContain('<https://evil');
      expect(body).toContain(`<${PUBLIC_URL}/app/cases/${theCase.id}|`);
      expect(posts[0]!.body.text).toBe('New detractor: 2/10 from Jane &lt;Doe&gt; (Acme &amp; Co)');
    });

    it('falls back to the alert addresses, then to the owners and admins, when the owner is not an address', async () => {
      const responseId = await respond(1, 'no owner');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, { response_id: responseId, case_id: null, owner: 'Team Berlin' }),
        {
          now: new Date(),
        },
      );
      await runDue(new Date());
      expect(mailsTo('owner@example.com', /New detractor \(1\/10\)/)).toHaveLength(1);
      await api('PUT', '/alert-settings', { emails: ['alerts@taskwerk.example'] });
      const second = await respond(0, 'again');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, { response_id: second, case_id: null, owner: null }),
        {
          now: new Date(),
        },
      );
      await runDue(new Date());
      expect(mailsTo('alerts@taskwerk.example', /New detractor \(0\/10\)/)).toHaveLength(1);
      expect(mailsTo('owner@example.com', /New detractor \(0\/10\)/)).toHaveLength(0);
      await api('PUT', '/alert-settings', { emails: [] });
    });

    it('never emails an owner address that is neither a member nor an alert address (identify traits are untrusted)', async () => {
      // A widget visitor set `owner: victim@evil.example` on their contact; the playbook made it the owner.
      const responseId = await respond(2, 'I own you');
      const theCase = await insertCase(workspaceId, {
        owner: 'victim@evil.example',
        due_at: new Date('2030-01-01T00:00:00Z'),
      });
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, {
          response_id: responseId,
          case_id: theCase.id,
          owner: 'victim@evil.example',
        }),
        { now: new Date() },
      );
      await runDue(new Date());
      expect(mailsTo('victim@evil.example')).toHaveLength(0);
      expect(await jobsOf(ALERT_EMAIL_QUEUE, `alert:new_detractor:${responseId}:email:victim%`)).toHaveLength(
        0,
      );
      const fallback = mailsTo('owner@example.com', /New detractor \(2\/10\)/).filter((m) =>
        (m.text ?? '').includes('I own you'),
      );
      expect(fallback).toHaveLength(1); // no alert addresses: the owners and admins
      expect(fallback[0]!.text).toContain('victim@evil.example'); // named as the owner, not mailed

      // A member's address (in any case) is emailed; so is an alert address that is no member.
      const member = await respond(1, 'member owner');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, {
          response_id: member,
          case_id: null,
          owner: ' Rep@ACME.example ',
        }),
        { now: new Date() },
      );
      await api('PUT', '/alert-settings', { emails: ['outside@partner.example', 'alerts@taskwerk.example'] });
      const listed = await respond(1, 'listed owner');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, {
          response_id: listed,
          case_id: null,
          owner: 'outside@partner.example',
        }),
        { now: new Date() },
      );
      const stranger = await respond(1, 'stranger owner');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, {
          response_id: stranger,
          case_id: null,
          owner: 'victim@evil.example',
        }),
        { now: new Date() },
      );
      await runDue(new Date());
      const emailed = async (responseId: string) =>
        (await jobsOf(ALERT_EMAIL_QUEUE, `alert:new_detractor:${responseId}:email:%`)).map((j) =>
          j.unique_key.replace(`alert:new_detractor:${responseId}:email:`, ''),
        );
      expect(await emailed(member)).toEqual(['rep@acme.example']);
      expect(await emailed(listed)).toEqual(['outside@partner.example']);
      expect(await emailed(stranger)).toEqual(['outside@partner.example', 'alerts@taskwerk.example']);
      expect(mailsTo('victim@evil.example')).toHaveLength(0);
      await api('PUT', '/alert-settings', { emails: [] });
    });

    it('sends no new-detractor alert when the score was corrected to 7 or more, or the response is gone, by send time', async () => {
      const corrected = await respond(3, 'oops, meant 8');
      const deleted = await respond(2, 'deleted');
      const kept = await respond(6, 'still unhappy');
      const now = new Date();
      for (const responseId of [corrected, deleted, kept])
        await enqueue(
          db,
          newDetractorAlertJob(workspaceId, {
            response_id: responseId,
            case_id: null,
            owner: 'rep@acme.example',
          }),
          { now },
        );
      // The respondent corrects the score within the edit window; another response is deleted.
      await db.query('UPDATE response SET score = 8 WHERE id = $1', [corrected]);
      await db.query('DELETE FROM response WHERE id = $1', [deleted]);
      await runDue(now);
      expect(await jobsOf(ALERT_EMAIL_QUEUE, `alert:new_detractor:${corrected}:%`)).toHaveLength(0);
      expect(await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${corrected}:%`)).toHaveLength(0);
      expect(await jobsOf(ALERT_EMAIL_QUEUE, `alert:new_detractor:${deleted}:%`)).toHaveLength(0);
      expect(await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${deleted}:%`)).toHaveLength(0);
      expect(await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${kept}:%`)).toHaveLength(1);
      expect(await jobsOf(SEND_ALERT_QUEUE, `alert:new_detractor:${corrected}`)).toMatchObject([
        { state: 'done' },
      ]);
      expect(mailsTo('rep@acme.example', /New detractor \(6\/10\)/)).toHaveLength(1);
      expect(
        mailsTo('rep@acme.example', /New detractor \((3|8|2)\/10\)/).filter((m) =>
          /oops|deleted/.test(m.text ?? ''),
        ),
      ).toHaveLength(0);
    });

    it('retries Slack that fails the first 2 times and delivers on the third, without sending the email again', async () => {
      await setSlack('/flaky');
      slack.state.failFirst = 2;
      slack.state.failed = 0;
      const responseId = await respond(3, 'flaky');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, {
          response_id: responseId,
          case_id: null,
          owner: 'rep@acme.example',
        }),
        {
          now: new Date(),
        },
      );
      const t0 = new Date();
      await runDue(t0);
      expect(postsTo('/flaky')).toHaveLength(1);
      let [job] = await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${responseId}:slack`);
      expect(job).toMatchObject({ state: 'queued', attempts: 1 });
      expect(job!.last_error).toContain('HTTP 500');
      await runDue(at(t0, 5_000)); // not due yet: backoff 10 s
      expect(postsTo('/flaky')).toHaveLength(1);
      await runDue(at(t0, 11_000));
      expect(postsTo('/flaky')).toHaveLength(2);
      await runDue(at(t0, 40_000));
      expect(postsTo('/flaky')).toHaveLength(3);
      [job] = await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${responseId}:slack`);
      expect(job).toMatchObject({ state: 'done', attempts: 3 });
      expect(mailsTo('rep@acme.example', /New detractor \(3\/10\)/)).toHaveLength(1);
    });

    it('counts a Slack receiver that does not answer in time as a failure and retries it', async () => {
      await setSlack('/slow');
      const responseId = await respond(4, 'slow');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, { response_id: responseId, case_id: null, owner: null }),
        {
          now: new Date(),
        },
      );
      const started = Date.now();
      await runDue(new Date(), 300);
      expect(Date.now() - started).toBeLessThan(5_000);
      const [job] = await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${responseId}:slack`);
      expect(job).toMatchObject({ state: 'queued', attempts: 1 });
      expect(job!.last_error).toContain('No answer within 0.3 s');
      await db.query(`UPDATE job SET state = 'cancelled' WHERE queue = $1 AND state = 'queued'`, [
        ALERT_SLACK_QUEUE,
      ]);
    });

    it('stops posting to a Slack URL answered with 410, records it, and says so by email', async () => {
      await setSlack('/gone');
      const responseId = await respond(5, 'gone');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, { response_id: responseId, case_id: null, owner: null }),
        {
          now: new Date(),
        },
      );
      await runDue(new Date());
      expect(postsTo('/gone')).toHaveLength(1);
      const [job] = await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${responseId}:slack`);
      expect(job).toMatchObject({ state: 'failed', attempts: 1 });
      const settings = await json(api('GET', '/alert-settings'));
      expect(settings.slack_failure.reason).toBe('HTTP 410: no_service');
      const stopped = mailsTo('owner@example.com', /Slack alerts stopped/);
      expect(stopped).toHaveLength(1);
      expect(stopped[0]!.text).toContain('HTTP 410: no_service');

      // Nothing more goes to the dead URL, not even from jobs already queued.
      const next = await respond(5, 'after gone');
      await enqueue(
        db,
        newDetractorAlertJob(workspaceId, { response_id: next, case_id: null, owner: null }),
        {
          now: new Date(),
        },
      );
      await runDue(new Date());
      expect(postsTo('/gone')).toHaveLength(1);
      expect(await jobsOf(ALERT_SLACK_QUEUE, `alert:new_detractor:${next}:slack`)).toHaveLength(0);
      expect(mailsTo('owner@example.com', /Slack alerts stopped/)).toHaveLength(1);

      // A new URL clears the failure.
      const fixed = await setSlack('/ok');
      expect(fixed.slack_failure).toBe(null);
    });

    it('sends a test message to Slack and reports the answer', async () => {
      await setSlack('/ok');
      const before = postsTo('/ok').length;
      const res = await json(api('POST', '/alert-settings/test'));
      expect(res).toEqual({ delivered: true, status_code: 200, detail: 'ok' });
      expect(postsTo('/ok')).toHaveLength(before + 1);
      expect(postsTo('/ok').at(-1)!.body.text).toContain('test message for Taskwerk');
      await setSlack('/gone');
      expect(await json(api('POST', '/alert-settings/test'))).toEqual({
        delivered: false,
        status_code: 410,
        detail: 'HTTP 410: no_service',
      });
      await setSlack(null);
      const none = await api('POST', '/alert-settings/test');
      expect(none.status).toBe(422);
      expect(((await none.json()) as Json).error.field).toBe('slack_webhook_url');
      await setSlack('/ok');
    });

    it('validates the settings, naming the field', async () => {
      const bad = await api('PUT', '/alert-settings', { nps_drop: { recent_days: 30, baseline_days: 7 } });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as Json).error.field).toBe('nps_drop.baseline_days');
      const email = await api('PUT', '/alert-settings', { emails: ['ok@example.com', 'nope'] });
      expect(((await email.json()) as Json).error.field).toBe('emails.1');
      const url = await api('PUT', '/alert-settings', { slack_webhook_url: 'ftp://x' });
      expect(((await url.json()) as Json).error.field).toBe('slack_webhook_url');
    });

    it('keeps a Slack failure recorded while a settings change waits for the row (one locked transaction)', async () => {
      await setSlack('/ok');
      let put: Promise<Response> | undefined;
      await db.transaction(async (tx) => {
        const failure = { at: new Date().toISOString(), reason: 'HTTP 410: no_service' };
        expect(await recordSlackFailure(tx, workspaceId, `${slack.base}/ok`, failure)).toBe(true);
        // The change starts while the failure is not committed yet; it must not write over it.
        put = Promise.resolve(api('PUT', '/alert-settings', { emails: ['cx@taskwerk.example'] }));
        await new Promise((resolve) => setTimeout(resolve, 300));
      });
      const res = await put!;
      expect(res.status).toBe(200);
      const saved = (await res.json()) as Json;
      expect(saved.emails).toEqual(['cx@taskwerk.example']);
      expect(saved.slack_failure?.reason).toBe('HTTP 410: no_service');
      const read = await json(api('GET', '/alert-settings'));
      expect(read.slack_failure?.reason).toBe('HTTP 410: no_service');
      expect(read.emails).toEqual(['cx@taskwerk.example']);
      await api('PUT', '/alert-settings', { emails: [] });
      await setSlack(null);
      expect((await setSlack('/ok')).slack_failure).toBe(null);
    });

    it('announces an SLA breach exactly once across two sweeps, to the owner and Slack', async () => {
      const now = new Date();
      const breached = await insertCase(workspaceId, {
        owner: 'rep@acme.example',
        due_at: at(now, -MIN),
        title: 'Overdue one',
      });
      const closed = await insertCase(workspaceId, {
        owner: 'rep@acme.example',
        due_at: at(now, -MIN),
        closed: true,
      });
      const later = await insertCase(workspaceId, { owner: 'rep@acme.example', due_at: at(now, 60 * MIN) });
      const slackBefore = postsTo('/ok').length;
      expect(await sweepSlaBreaches(db, now)).toBe(1);
      expect(await sweepSlaBreaches(db, at(now, MIN))).toBe(0);
      await runDue(at(now, MIN));
      expect(await sweepSlaBreaches(db, at(now, 2 * MIN))).toBe(0);
      await runDue(at(now, 2 * MIN));
      const mails = mailsTo('rep@acme.example', /^Overdue: case #/);
      expect(mails.map((m) => m.subject)).toEqual([`Overdue: case #${breached.number}`]);
      expect(mails[0]!.text).toContain('Overdue one');
      expect(postsTo('/ok').length).toBe(slackBefore + 1);
      const rows = await db.query<{ id: string; sla_alerted_at: string | null }>(
        'SELECT id, sla_alerted_at FROM follow_up_case WHERE id = ANY($1::uuid[])',
        [[breached.id, closed.id, later.id]],
      );
      const alerted = Object.fromEntries(rows.map((r) => [r.id, r.sla_alerted_at !== null]));
      expect(alerted).toEqual({ [breached.id]: true, [closed.id]: false, [later.id]: false });
      // The later case breaches an hour on: announced then, once.
      expect(await sweepSlaBreaches(db, at(now, 61 * MIN))).toBe(1);
      expect(await sweepSlaBreaches(db, at(now, 62 * MIN))).toBe(0);
    });

    it('announces an SLA breach again after the due time was moved later, and only strictly past due', async () => {
      const now = new Date();
      const moved = await insertCase(workspaceId, {
        owner: 'rep@acme.example',
        due_at: at(now, -MIN),
        title: 'Moved one',
      });
      const exact = await insertCase(workspaceId, { owner: 'rep@acme.example', due_at: at(now, 10 * MIN) });
      expect(await sweepSlaBreaches(db, now)).toBe(1);
      await runDue(now);
      const overdue = () => mailsTo('rep@acme.example', new RegExp(`^Overdue: case #${moved.number}$`));
      expect(overdue()).toHaveLength(1);
      const firstKey = `alert:sla_breach:${moved.id}:${at(now, -MIN).getTime()}`;
      expect(await jobsOf(SEND_ALERT_QUEUE, firstKey)).toMatchObject([{ state: 'done' }]);

      // Someone gives the case 30 more minutes (the API clears sla_alerted_at).
      const newDue = at(now, 30 * MIN);
      const patched = await api('PATCH', `/cases/${moved.id}`, { due_at: newDue.toISOString() });
      expect(patched.status).toBe(200);
      expect(await sweepSlaBreaches(db, at(now, 20 * MIN))).toBe(1); // only `exact`, past its due time
      expect(await sweepSlaBreaches(db, at(now, 30 * MIN))).toBe(0); // due_at = now is not past due
      expect(await sweepSlaBreaches(db, at(now, 30 * MIN + 1))).toBe(1);
      await runDue(at(now, 31 * MIN));
      expect(overdue()).toHaveLength(2);
      expect(overdue()[1]!.text).toContain('Moved one');
      expect(
        await jobsOf(SEND_ALERT_QUEUE, `alert:sla_breach:${moved.id}:${newDue.getTime()}`),
      ).toMatchObject([{ state: 'done' }]);
      expect(await sweepSlaBreaches(db, at(now, 40 * MIN))).toBe(0);
      expect(mailsTo('rep@acme.example', new RegExp(`^Overdue: case #${exact.number}$`))).toHaveLength(1);
    });

    it('alerts on a significant NPS drop only, once a day from 08:00 local time', async () => {
      const dropWs = await createWorkspace(db, {
        name: 'Dropping',
        default_locale: 'de',
        time_zone: 'Europe/Berlin',
      });
      const stableWs = await createWorkspace(db, { name: 'Stable', time_zone: 'Europe/Berlin' });
      for (const [ws, email] of [
        [dropWs.id, 'drop-owner@example.com'],
        [stableWs.id, 'stable-owner@example.com'],
      ] as const) {
        const user = await createUser(db, { email, name: email, password_hash: 'x' });
        await addMembership(db, ws, user.id, 'owner');
      }
      const survey = async (ws: string) => {
        const k = (await createApiKey(db, ws, 'main')).secret;
        return (await json(api('POST', '/surveys', { name: 'S', product_name: 'P' }, k))).id as string;
      };
      const dropSurvey = await survey(dropWs.id);
      const stableSurvey = await survey(stableWs.id);
      // Today is 2026-11-26 in Berlin; the baseline: 90 days up to 2026-11-18, the recent: 19th-25th.
      for (let i = 0; i < 90; i += 3) {
        const day = new Date(Date.UTC(2026, 7, 21 + i)).toISOString().slice(0, 10);
        for (const [ws, s] of [
          [dropWs.id, dropSurvey],
          [stableWs.id, stableSurvey],
        ] as const) {
          await seedDay(ws, s, day, 10, 8);
          await seedDay(ws, s, day, 8, 4);
          await seedDay(ws, s, day, 3, 2);
        }
      }
      await seedDay(dropWs.id, dropSurvey, '2026-11-20', 10, 10);
      await seedDay(dropWs.id, dropSurvey, '2026-11-21', 2, 25);
      await seedDay(stableWs.id, stableSurvey, '2026-11-20', 10, 20);
      await seedDay(stableWs.id, stableSurvey, '2026-11-21', 8, 8);
      await seedDay(stableWs.id, stableSurvey, '2026-11-22', 3, 6);
      await api('PUT', '/alert-settings', { nps_drop: { enabled: false } }); // the main workspace: off

      const early = new Date('2026-11-26T06:30:00Z'); // 07:30 in Berlin
      expect(await sweepNpsDrops(db, early)).toBe(0);
      const morning = new Date('2026-11-26T07:05:00Z'); // 08:05
      expect(await sweepNpsDrops(db, morning)).toBe(2);
      expect(await sweepNpsDrops(db, at(morning, 10 * MIN))).toBe(0);
      await runDue(at(morning, 10 * MIN));
      const drops = mailsTo('drop-owner@example.com');
      expect(drops).toHaveLength(1);
      expect(drops[0]!.subject).toMatch(/^NPS gesunken \(um \d+ Punkte gesunken, wahrscheinlich echt\)$/);
      expect(drops[0]!.text).toContain('Letzte 7 Tage');
      expect(mailsTo('stable-owner@example.com')).toHaveLength(0);
      // The next day it checks again (and the drop is still there).
      expect(await sweepNpsDrops(db, at(morning, 24 * 60 * MIN))).toBe(2);
    });

    it('sends each chosen digest once per local day from 08:00, weekly ones on Mondays, with NPS and cases', async () => {
      const apiKeyAnswer = await api('GET', '/auth/me/digest');
      expect(apiKeyAnswer.status).toBe(400);
      expect(((await apiKeyAnswer.json()) as Json).error.code).toBe('session_required');
      expect(await json(asUser('GET', '/auth/me/digest'))).toEqual({ digest: 'off' });
      expect(await json(asUser('PUT', '/auth/me/digest', { digest: 'weekly' }))).toEqual({
        digest: 'weekly',
      });
      const bad = await asUser('PUT', '/auth/me/digest', { digest: 'hourly' });
      expect(bad.status).toBe(400);
      expect(await json(asUser('GET', '/auth/me/digest'))).toEqual({ digest: 'weekly' });
      const daily = await createUser(db, {
        email: 'daily@example.com',
        name: 'Dana Daily',
        password_hash: 'x',
        locale: 'de',
      });
      await addMembership(db, workspaceId, daily.id, 'viewer');
      await db.query(`UPDATE membership SET digest = 'daily' WHERE user_id = $1`, [daily.id]);
      await seedDay(workspaceId, surveyId, '2026-11-29', 10, 3);
      await seedDay(workspaceId, surveyId, '2026-11-25', 2, 1);

      const sunday = new Date('2026-11-29T08:00:00Z'); // 09:00 Sunday in Berlin: the daily one only
      expect(await sweepDigests(db, sunday)).toBe(1);
      expect(await sweepDigests(db, at(sunday, 5 * MIN))).toBe(0);
      const mondayEarly = new Date('2026-11-30T06:59:00Z'); // 07:59 Monday
      expect(await sweepDigests(db, mondayEarly)).toBe(0);
      const monday = new Date('2026-11-30T07:00:00Z'); // 08:00 Monday: both
      expect(await sweepDigests(db, monday)).toBe(2);
      expect(await sweepDigests(db, at(monday, 3 * 60 * MIN))).toBe(0);
      await runDue(at(monday, MIN));

      const dailies = mailsTo('daily@example.com');
      expect(dailies.map((m) => m.subject)).toEqual([
        expect.stringMatching(/^Tägliche Zusammenfassung: Taskwerk · NPS/),
        expect.stringMatching(/^Tägliche Zusammenfassung: Taskwerk · NPS 100 /),
      ]);
      const weekly = mailsTo('owner@example.com', /^Weekly digest/);
      expect(weekly).toHaveLength(1);
      const text = weekly[0]!.text ?? '';
      expect(text).toContain('Period: 2026-11-23 – 2026-11-29');
      const week = await distributionOfDays(db, workspaceId, '2026-11-23', '2026-11-29');
      const summary = summarize(week);
      expect(text).toContain(
        `NPS: ${summary.npsRounded} ± ${Math.round(summary.marginOfError!)} (n = ${summary.n})`,
      );
      expect(text).toContain('Change vs the week before: too few responses to tell');
      const open = await db.query<{ n: number; overdue: number }>(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE due_at < $2)::int AS overdue
         FROM follow_up_case WHERE workspace_id = $1 AND closed_at IS NULL`,
        [workspaceId, at(monday, MIN)],
      );
      expect(text).toContain(`Open cases: ${open[0]!.n}`);
      expect(text).toContain(`Overdue: ${open[0]!.overdue}`);
      expect(text).toContain('The oldest open cases:');
      // Turned off: no more digests.
      await asUser('PUT', '/auth/me/digest', { digest: 'off' });
      expect(await sweepDigests(db, at(monday, 7 * 24 * 60 * MIN))).toBe(1); // the daily member only
    });

    it('alerts by email and Slack when a webhook endpoint is disabled, in the transaction that disables it', async () => {
      const hook = await json(
        api('POST', '/webhooks', { url: `${slack.base}/gone-hook`, events: ['response.created'] }),
      );
      await respond(9, 'happy');
      const now = new Date();
      const handler = webhookDeliveryHandler({ clock: () => now, random: () => 0.5, log: () => {} });
      for (const job of await claim(db, WEBHOOK_QUEUE, 'hook-worker', 100, { now, leaseMs: 60_000 })) {
        await handler({ job, db, signal: new AbortController().signal });
        await complete(db, job, 'hook-worker', now);
      }
      const endpoint = await json(api('GET', `/webhooks/${hook.id}`));
      expect(endpoint.disabled_reason).toMatch(/410/);
      const alerts = await jobsOf(SEND_ALERT_QUEUE, `alert:endpoint_disabled:${hook.id}:%`);
      expect(alerts).toHaveLength(1);
      const slackBefore = postsTo('/ok').length;
      await runDue(now);
      const mails = mailsTo('owner@example.com', /A webhook endpoint was disabled/);
      expect(mails).toHaveLength(1);
      expect(mails[0]!.text).toContain(`${slack.base}/gone-hook`);
      expect(postsTo('/ok').length).toBe(slackBefore + 1);
    });

    it('keeps the sweep a chain of one job per minute, however often it is started', async () => {
      const now = new Date('2026-12-01T10:00:30Z');
      await ensureAlertSchedules(db, now);
      await ensureAlertSchedules(db, now);
      const queued = await db.query<{ unique_key: string }>(
        `SELECT unique_key FROM job WHERE queue = $1 AND state = 'queued'`,
        [ALERT_SWEEP_QUEUE],
      );
      expect(queued.map((j) => j.unique_key)).toEqual(['alert-sweep:2026-12-01T10:00:00.000Z']);
      const handler = alertSweepHandler({ clock: () => now });
      const [job] = await claim(db, ALERT_SWEEP_QUEUE, 'sweeper', 10, { now, leaseMs: 60_000 });
      await handler({ job: job!, db, signal: new AbortController().signal });
      await complete(db, job!, 'sweeper', now);
      await ensureAlertSchedules(db, at(now, 31_000)); // a worker starting in the next minute
      const next = await db.query<{ unique_key: string; max_attempts: number }>(
        `SELECT unique_key, max_attempts FROM job WHERE queue = $1 AND state = 'queued' ORDER BY id`,
        [ALERT_SWEEP_QUEUE],
      );
      expect(next).toEqual([
        { unique_key: 'alert-sweep:2026-12-01T10:01:00.000Z', max_attempts: SWEEP_MAX_ATTEMPTS },
        { unique_key: 'prune-jobs:2026-12-01T10:00:00.000Z', max_attempts: 3 },
      ]);
    });

    it('prunes done jobs after 30 days and failed ones after 90, at most once an hour, in batches', async () => {
      const now = new Date('2027-03-01T12:00:00Z');
      const DAY = 86_400_000;
      const insertJob = async (state: string, finishedDaysAgo: number | null, key: string) => {
        const finished = finishedDaysAgo === null ? null : at(now, -finishedDaysAgo * DAY);
        await db.query(
          `INSERT INTO job (queue, state, run_at, attempts, unique_key, created_at, finished_at)
           VALUES ('retention-test', $1, $2, 1, $3, $2, $4)`,
          [state, finished ?? now, key, finished],
        );
      };
      for (let i = 0; i < 5; i++) await insertJob('done', 31 + i, `old-done-${i}`);
      await insertJob('done', 29, 'recent-done');
      await insertJob('failed', 89, 'recent-failed');
      await insertJob('failed', 91, 'old-failed');
      await insertJob('cancelled', 400, 'old-cancelled');
      await insertJob('queued', null, 'queued');
      const keys = async () =>
        (
          await db.query<{ unique_key: string }>(
            `SELECT unique_key FROM job WHERE queue = 'retention-test' ORDER BY unique_key`,
          )
        ).map((r) => r.unique_key);

      // The sweep enqueues the hour's retention once, however many sweeps run in that hour.
      const runSweepQueue = async (t: Date) => {
        const handler = alertSweepHandler({ clock: () => t, pruneBatch: 2 });
        for (const job of await claim(db, ALERT_SWEEP_QUEUE, 'sweeper', 10, { now: t, leaseMs: 60_000 })) {
          await handler({ job, db, signal: new AbortController().signal });
          await complete(db, job, 'sweeper', t);
        }
      };
      await ensureAlertSchedules(db, now);
      await runSweepQueue(now); // the 12:00 sweep: enqueues the 12:00 retention
      expect(await jobsOf(ALERT_SWEEP_QUEUE, 'prune-jobs:%')).toContainEqual(
        expect.objectContaining({ unique_key: 'prune-jobs:2027-03-01T12:00:00.000Z', state: 'queued' }),
      );
      await runSweepQueue(now); // the retention runs (batches of 2)
      expect(await keys()).toEqual(['old-cancelled', 'queued', 'recent-done', 'recent-failed']);
      for (let m = 1; m <= 3; m++) await runSweepQueue(at(now, m * MIN)); // more sweeps, same hour
      const prunes = (await jobsOf(ALERT_SWEEP_QUEUE, 'prune-jobs:%')).filter((j) =>
        j.unique_key.startsWith('prune-jobs:2027-03-01T12'),
      );
      expect(prunes).toEqual([expect.objectContaining({ state: 'done' })]);

      // Directly: what is due 60 days on.
      const later = await pruneFinishedJobs(db, at(now, 60 * DAY), 2);
      expect(later.done).toBeGreaterThanOrEqual(1);
      expect(later.failed).toBeGreaterThanOrEqual(1);
      expect(await keys()).toEqual(['old-cancelled', 'queued']);
      await db.query(`DELETE FROM job WHERE queue IN ('retention-test', $1)`, [ALERT_SWEEP_QUEUE]);
    });

    it('restarts a dead sweep chain from the worker process every few minutes, and stops doing so on stop', async () => {
      const fresh = await kind.create();
      let clockNow = new Date('2026-12-01T10:00:30Z');
      const logs: string[] = [];
      const sweepJobs = () =>
        fresh.db.query<{ unique_key: string; state: string }>(
          `SELECT unique_key, state FROM job WHERE queue = $1 AND unique_key LIKE 'alert-sweep:%' ORDER BY run_at`,
          [ALERT_SWEEP_QUEUE],
        );
      const waitFor = async (check: () => Promise<boolean>) => {
        const deadline = Date.now() + 10_000;
        while (!(await check())) {
          if (Date.now() > deadline) throw new Error('timed out');
          await new Promise((r) => setTimeout(r, 20));
        }
      };
      const worker = startJobs(
        { db: fresh.db, publicUrl: PUBLIC_URL, mailer, clock: () => clockNow },
        { schedules: true, schedulesEveryMs: 50, pollMinMs: 10, pollMaxMs: 30, log: (l) => logs.push(l) },
      );
      try {
        // Started: the 10:00 run ran and queued 10:01.
        await waitFor(async () =>
          (await sweepJobs()).some((j) => j.unique_key === 'alert-sweep:2026-12-01T10:01:00.000Z'),
        );
        // The chain dies: its queued run fails for good (say the database was gone for hours).
        await fresh.db.query(
          `UPDATE job SET state = 'failed', finished_at = $2 WHERE queue = $1 AND state = 'queued'`,
          [ALERT_SWEEP_QUEUE, clockNow],
        );
        clockNow = new Date('2026-12-01T10:05:10Z');
        // The periodic ensure enqueues 10:05, which runs and carries the chain on to 10:06.
        await waitFor(async () => {
          const jobs = await sweepJobs();
          return (
            jobs.some((j) => j.unique_key === 'alert-sweep:2026-12-01T10:05:00.000Z' && j.state === 'done') &&
            jobs.some((j) => j.unique_key === 'alert-sweep:2026-12-01T10:06:00.000Z' && j.state === 'queued')
          );
        });
      } finally {
        await worker.stop();
      }
      clockNow = new Date('2026-12-01T10:20:00Z');
      await new Promise((r) => setTimeout(r, 200));
      expect((await sweepJobs()).map((j) => j.unique_key)).not.toContain(
        'alert-sweep:2026-12-01T10:20:00.000Z',
      );
      expect(logs.filter((l) => /alert sweep/.test(l))).toEqual([]);
      await fresh.drop();
    });
  });
}
