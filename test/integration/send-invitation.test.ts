/**
 * An invitation sent by email through the durable job queue, end to end: created through the API
 * with `send: true` (invitation and job in one transaction), sent by a worker running the
 * send-invitation handler to a real SMTP server in the test process, read back with mailparser,
 * and answered by fetching a link of the received email over real HTTP.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/server/channels/email/mailer';
import { createOutboxMailer, outboxFileName } from '../../src/server/channels/email/outbox-mailer';
import type { Database } from '../../src/server/db/port';
import { getJob } from '../../src/server/jobs/queue';
import { SEND_INVITATION_QUEUE, sendInvitationHandler } from '../../src/server/jobs/send-invitation';
import { SEND_REMINDER_QUEUE } from '../../src/server/jobs/send-reminder';
import { type JobHandler, startWorker } from '../../src/server/jobs/worker';
import { createApiKey } from '../../src/server/repo/api-keys';
import { recordSuppression } from '../../src/server/repo/suppressions';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { type AppServer, startAppServer } from './helpers/app-server';
import { hrefsOf, mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const FINISHED = ['sent', 'bounced', 'skipped', 'failed'];
const HOUR_MS = 3_600_000;

/** An SMTP server (login required) that refuses `reject550@…` for good. */
for (const kind of databaseKinds()) {
  describe(`sending an invitation by email through the job queue on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let server: AppServer | undefined;
    let publicUrl = '';
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    let handler: JobHandler;
    /** The clock of the app, the worker and the handler; tests move it forward. */
    let nowMs = Date.now();
    const clock = () => new Date(nowMs);

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp);
      // The app needs its public URL, and the URL needs the port: listen first.
      server = await startAppServer({ db, clock });
      publicUrl = server.publicUrl;
      handler = sendInvitationHandler({ publicUrl, mailer, clock });

      const ws = await createWorkspace(db, { name: 'Send' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      const survey = await json(
        await api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }),
      );
      surveyId = survey.id;
    });
    afterAll(async () => {
      await mailer?.close();
      await server?.close();
      await smtp?.close();
      await drop();
    });

    const api = (method: string, urlPath: string, body?: unknown) =>
      fetch(`${publicUrl}/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    const invite = async (contact: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const res = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact,
        channel: 'email',
        send: true,
        ...extra,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return json(res);
    };

    const invitationRow = async (id: string) =>
      (
        await db.query<{
          status: string;
          message_id: string | null;
          sent_at: Date | null;
          sending_at: Date | null;
          skip_reason: string | null;
          delivery_error: string | null;
        }>(
          'SELECT status, message_id, sent_at, sending_at, skip_reason, delivery_error FROM invitation WHERE id = $1',
          [id],
        )
      )[0]!;

    const jobOf = async (invitationId: string) => {
      const [row] = await db.query<{ id: number | string }>(
        'SELECT id FROM job WHERE queue = $1 AND unique_key = $2',
        [SEND_INVITATION_QUEUE, `send:${invitationId}`],
      );
      return row ? getJob(db, Number(row.id)) : undefined;
    };

    /**
     * The invitation's job as a worker holds it (active, locked by 'test-worker', attempt number
     * `attempt`): the handler records an attempt (and sends) only under a lease its attempt owns.
     */
    const claimedJobOf = async (invitationId: string, attempt = 1) => {
      const job = (await jobOf(invitationId))!;
      await db.query(
        `UPDATE job SET state = 'active', attempts = $2, locked_by = 'test-worker', locked_until = $3
         WHERE id = $1`,
        [job.id, attempt, new Date(nowMs + 60_000)],
      );
      return (await getJob(db, job.id))!;
    };

    const deliveryAttempts = async (invitationId: string) =>
      (
        await db.query<{ delivery_attempts: number }>(
          'SELECT delivery_attempts FROM invitation WHERE id = $1',
          [invitationId],
        )
      )[0]!.delivery_attempts;

    /** Runs a worker (short polling, the test clock) until the invitation is finished. */
    const runWorkerUntilFinished = async (invitationId: string) => {
      const worker = startWorker({
        db,
        handlers: { [SEND_INVITATION_QUEUE]: handler },
        clock,
        pollMinMs: 10,
        pollMaxMs: 20,
      });
      try {
        await waitFor(
          async () => FINISHED.includes((await invitationRow(invitationId)).status),
          `invitation ${invitationId} to finish`,
        );
      } finally {
        await worker.stop();
      }
      return invitationRow(invitationId);
    };

    const mailsTo = (address: string) =>
      smtp.received.filter((m) =>
        [m.to ?? []].flat().some((t) => t.value.some((v) => v.address === address)),
      );

    it('sends a German invitation created with send: true, and its ?score=9 link records an email response', async () => {
      const invitation = await invite({ email: 'anna@example.de', name: 'Anna Müller', locale: 'de' });
      expect(invitation).toMatchObject({ status: 'queued', message_id: null, sent_at: null });
      expect(await jobOf(invitation.id)).toMatchObject({
        state: 'queued',
        payload: { invitation_id: invitation.id },
      });

      const row = await runWorkerUntilFinished(invitation.id);
      expect(row.status).toBe('sent');
      expect(row.sent_at).toBeInstanceOf(Date);
      expect(row.message_id).toBe(`<${invitation.id}@127.0.0.1>`);
      expect((await jobOf(invitation.id))?.state).toBe('done');

      const [mail] = mailsTo('anna@example.de');
      expect(mail, 'the SMTP server received the email').toBeTruthy();
      expect(mail!.subject).toBe('Wie wahrscheinlich würden Sie Taskwerk weiterempfehlen?');
      expect(mail!.messageId).toBe(row.message_id);
      const scoreLinks = hrefsOf(mail!.html as string).filter((href) => href.startsWith(invitation.url));
      expect(scoreLinks).toEqual(Array.from({ length: 11 }, (_, n) => `${invitation.url}?score=${n}`));

      const fetched = await json(await api('GET', `/invitations/${invitation.id}`));
      expect(fetched).toMatchObject({ status: 'sent', message_id: row.message_id, delivery_attempts: 1 });

      const click = await fetch(scoreLinks[9]!, { redirect: 'manual' });
      expect(click.status).toBe(303);
      const responses = (await json(await api('GET', `/responses?survey_id=${surveyId}`))).data;
      expect(responses).toEqual([
        expect.objectContaining({ invitation_id: invitation.id, score: 9, channel: 'email', locale: 'de' }),
      ]);

      // The same job once more (at least once): nothing is sent again.
      const job = (await jobOf(invitation.id))!;
      await handler({ job, db, signal: new AbortController().signal });
      expect(mailsTo('anna@example.de')).toHaveLength(1);
    });

    it("skips an unsubscribed contact's invitation and sends nothing", async () => {
      expect((await api('POST', '/contacts', { email: 'ben@example.com' })).status).toBe(200);
      await recordSuppression(
        db,
        workspaceId,
        { email: 'ben@example.com', reason: 'unsubscribed', source: 'api' },
        clock(),
      );
      const invitation = await invite({ email: 'ben@example.com' });
      const row = await runWorkerUntilFinished(invitation.id);
      expect(row).toMatchObject({ status: 'skipped', skip_reason: 'unsubscribed', sent_at: null });
      expect(mailsTo('ben@example.com')).toHaveLength(0);
    });

    it('records a 550 rejection as bounced with the SMTP text', async () => {
      const invitation = await invite({ email: 'reject550@example.com' });
      const row = await runWorkerUntilFinished(invitation.id);
      expect(row.status).toBe('bounced');
      expect(row.delivery_error).toMatch(/550 .*no such user/);
      expect(row.sent_at).toBeNull();
    });

    it('leaves a 451 deferral to the queue to retry, and fails the invitation on the last attempt', async () => {
      const invitation = await invite({ email: 'defer451@example.com' });
      const signal = new AbortController().signal;
      await expect(handler({ job: await claimedJobOf(invitation.id, 1), db, signal })).rejects.toThrow(
        /451|busy/,
      );
      const retried = await db.query<{ status: string }>('SELECT status FROM invitation WHERE id = $1', [
        invitation.id,
      ]);
      expect(retried[0]!.status).toBe('sending');
      const last = await claimedJobOf(invitation.id, 5);
      expect(last.maxAttempts).toBe(5);
      await expect(handler({ job: last, db, signal })).rejects.toThrow();
      const failed = await db.query<{ status: string; delivery_error: string }>(
        'SELECT status, delivery_error FROM invitation WHERE id = $1',
        [invitation.id],
      );
      expect(failed[0]!.status).toBe('failed');
      expect(failed[0]!.delivery_error).toMatch(/451|busy/);
      expect(mailsTo('defer451@example.com')).toHaveLength(0);
      // Two SMTP transactions were started; neither delivered (an upper bound, not a count of copies).
      expect(await deliveryAttempts(invitation.id)).toBe(2);
    });

    it("sends once more, with the same Message-ID, an invitation an attempt left in 'sending'", async () => {
      const invitation = await invite({ email: 'carla@example.com' });
      await runWorkerUntilFinished(invitation.id);
      const first = mailsTo('carla@example.com');
      expect(first).toHaveLength(1);
      expect(await deliveryAttempts(invitation.id)).toBe(1);
      // The crash: an attempt recorded 'sending' and died before its result was written. SMTP cannot
      // tell whether that attempt delivered, so the email goes out again, counted as an attempt.
      await db.query(`UPDATE invitation SET status = 'sending', sent_at = NULL WHERE id = $1`, [
        invitation.id,
      ]);
      await handler({ job: await claimedJobOf(invitation.id, 2), db, signal: new AbortController().signal });
      expect(await deliveryAttempts(invitation.id)).toBe(2);
      const mails = mailsTo('carla@example.com');
      expect(mails).toHaveLength(2);
      expect(mails[1]!.messageId).toBe(mails[0]!.messageId);
      expect(mails[1]!.messageId).toBe(`<${invitation.id}@127.0.0.1>`);
      expect(await invitationRow(invitation.id)).toMatchObject({
        status: 'sent',
        message_id: mails[0]!.messageId,
      });
    });

    it('starts no SMTP transaction for an attempt whose job another worker took over (lost lease)', async () => {
      const invitation = await invite({ email: 'dieter@example.com' });
      const stale = await claimedJobOf(invitation.id, 1);
      // Its lease ran out while it was slow, and another worker recovered and claimed the job.
      await db.query(`UPDATE job SET attempts = 2, locked_by = 'other-worker' WHERE id = $1`, [stale.id]);
      const signal = new AbortController().signal;
      await handler({ job: stale, db, signal });
      expect(await invitationRow(invitation.id)).toMatchObject({ status: 'queued', message_id: null });
      expect(await deliveryAttempts(invitation.id)).toBe(0);
      expect(mailsTo('dieter@example.com')).toHaveLength(0);
      // The attempt that owns the job sends it, once.
      await handler({ job: (await getJob(db, stale.id))!, db, signal });
      expect(mailsTo('dieter@example.com')).toHaveLength(1);
      expect(await deliveryAttempts(invitation.id)).toBe(1);
      await db.query(`UPDATE job SET state = 'done', locked_by = NULL, locked_until = NULL WHERE id = $1`, [
        stale.id,
      ]);
    });

    it("enqueues the first reminder's job when an attempt died between recording 'sent' and enqueueing it", async () => {
      const invitation = await invite({ email: 'frieda@example.com' }); // default plan: one reminder
      await runWorkerUntilFinished(invitation.id);
      const reminderJobs = () =>
        db.query('SELECT id FROM job WHERE queue = $1 AND unique_key = $2', [
          SEND_REMINDER_QUEUE,
          `remind:${invitation.id}:1`,
        ]);
      expect(await reminderJobs()).toHaveLength(1);
      await db.query('DELETE FROM job WHERE queue = $1 AND unique_key = $2', [
        SEND_REMINDER_QUEUE,
        `remind:${invitation.id}:1`,
      ]);
      const signal = new AbortController().signal;
      const job = await claimedJobOf(invitation.id, 2);
      await handler({ job, db, signal });
      expect(await reminderJobs()).toHaveLength(1);
      await handler({ job, db, signal }); // once more: still one (its unique key)
      expect(await reminderJobs()).toHaveLength(1);
      expect(mailsTo('frieda@example.com')).toHaveLength(1);
      expect(await deliveryAttempts(invitation.id)).toBe(1);
      await db.query(`UPDATE job SET state = 'done', locked_by = NULL, locked_until = NULL WHERE id = $1`, [
        job.id,
      ]);
    });

    it('records as sent, without sending again, an outbox message whose file a dead attempt wrote', async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'plaudit-outbox-'));
      const outbox = createOutboxMailer({ dir, from: 'Taskwerk Feedback <nps@taskwerk.example>' });
      const sends: string[] = [];
      const counting: Mailer = {
        ...outbox,
        send: (message) => {
          sends.push(message.messageId);
          return outbox.send(message);
        },
      };
      const outboxHandler = sendInvitationHandler({ publicUrl, mailer: counting, clock });
      const signal = new AbortController().signal;
      try {
        const invitation = await invite({ email: 'gerda@example.com' });
        const messageId = `<${invitation.id}@127.0.0.1>`;
        const file = path.join(dir, outboxFileName(messageId));
        await outboxHandler({ job: await claimedJobOf(invitation.id, 1), db, signal });
        expect(sends).toEqual([messageId]);
        const writtenAt = (await stat(file)).mtime;

        // Died after the file was renamed into place, before 'sent' committed: the file proves it.
        await db.query(`UPDATE invitation SET status = 'sending', sent_at = NULL WHERE id = $1`, [
          invitation.id,
        ]);
        await outboxHandler({ job: await claimedJobOf(invitation.id, 2), db, signal });
        expect(sends).toEqual([messageId]);
        const row = await invitationRow(invitation.id);
        expect(row.status).toBe('sent');
        expect(Math.abs(new Date(row.sent_at!).getTime() - writtenAt.getTime())).toBeLessThanOrEqual(1);
        expect(await deliveryAttempts(invitation.id)).toBe(1);

        // Died before the file was complete (no file): nothing proves a delivery, so it is sent again.
        await rm(file);
        await db.query(`UPDATE invitation SET status = 'sending', sent_at = NULL WHERE id = $1`, [
          invitation.id,
        ]);
        await outboxHandler({ job: await claimedJobOf(invitation.id, 3), db, signal });
        expect(sends).toEqual([messageId, messageId]);
        expect((await stat(file)).size).toBeGreaterThan(0);
        expect(await invitationRow(invitation.id)).toMatchObject({ status: 'sent', message_id: messageId });
        expect(await deliveryAttempts(invitation.id)).toBe(2);
        await db.query(
          `UPDATE job SET state = 'done', locked_by = NULL, locked_until = NULL WHERE unique_key = $1`,
          [`send:${invitation.id}`],
        );
      } finally {
        await outbox.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

    it('refuses send without an email (422), send_at in the past (400) and send on another channel (400)', async () => {
      const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM job'))[0]!.n;
      const noEmail = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { external_id: 'no-mail-1' },
        channel: 'email',
        send: true,
      });
      expect(noEmail.status).toBe(422);
      expect((await json(noEmail)).error.field).toBe('contact');

      const past = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { email: 'dora@example.com' },
        channel: 'email',
        send: true,
        send_at: new Date(nowMs - 60_000).toISOString(),
      });
      expect(past.status).toBe(400);
      expect((await json(past)).error.field).toBe('send_at');

      const link = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { email: 'dora@example.com' },
        send: true,
      });
      expect(link.status).toBe(400);
      expect((await json(link)).error.field).toBe('channel');
      expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM job'))[0]!.n).toBe(before);
    });

    it('does not send before send_at, and sends once the clock passed it', async () => {
      const sendAt = new Date(nowMs + HOUR_MS);
      const invitation = await invite({ email: 'emil@example.com' }, { send_at: sendAt.toISOString() });
      expect(new Date(invitation.send_at).getTime()).toBe(sendAt.getTime());
      const worker = startWorker({
        db,
        handlers: { [SEND_INVITATION_QUEUE]: handler },
        clock,
        pollMinMs: 10,
        pollMaxMs: 20,
      });
      try {
        await new Promise((resolve) => setTimeout(resolve, 300));
        expect((await invitationRow(invitation.id)).status).toBe('queued');
        expect(mailsTo('emil@example.com')).toHaveLength(0);
        nowMs += HOUR_MS + 1000;
        await waitFor(
          async () => (await invitationRow(invitation.id)).status === 'sent',
          'the invitation to be sent',
        );
      } finally {
        await worker.stop();
      }
      expect(mailsTo('emil@example.com')).toHaveLength(1);
    });

    it("shows the survey's logo at the top of its emails, and refuses a logo that is not an http(s) URL", async () => {
      const logo = 'https://cdn.taskwerk.example/logo.png';
      for (const bad of ['javascript:alert(1)', 'data:image/png;base64,AAAA', '/logo.png']) {
        const res = await api('PATCH', `/surveys/${surveyId}`, { logo_url: bad });
        expect(res.status, bad).toBe(400);
        expect((await json(res)).error.field).toBe('logo_url');
      }
      const patched = await api('PATCH', `/surveys/${surveyId}`, { logo_url: logo });
      expect((await json(patched)).logo_url).toBe(logo);
      try {
        const invitation = await invite({ email: 'logo@example.com' });
        expect((await runWorkerUntilFinished(invitation.id)).status).toBe('sent');
        const [mail] = mailsTo('logo@example.com');
        const html = mail!.html as string;
        expect(html).toContain(`src="${logo}"`);
        // Above the question: the logo comes before the first score button.
        expect(html.indexOf(logo)).toBeLessThan(html.indexOf(`${invitation.url}?score=0`));
      } finally {
        const cleared = await api('PATCH', `/surveys/${surveyId}`, { logo_url: null });
        expect((await json(cleared)).logo_url).toBeNull();
      }
    });
  });
}
