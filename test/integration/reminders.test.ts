/**
 * Reminders of unanswered email invitations, end to end: invitations created through the API with
 * `send: true` (or by a campaign), sent by a worker running the send-invitation and send-reminder
 * handlers to a real SMTP server in the test process, with a test clock moved over the days the
 * reminders wait; answered and unsubscribed through the links of the received email over real HTTP.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/server/channels/email/mailer';
import type { Database } from '../../src/server/db/port';
import { EXPAND_CAMPAIGN_QUEUE, expandCampaignHandler } from '../../src/server/jobs/expand-campaign';
import { getJob, type Job } from '../../src/server/jobs/queue';
import { SEND_INVITATION_QUEUE, sendInvitationHandler } from '../../src/server/jobs/send-invitation';
import { SEND_REMINDER_QUEUE, sendReminderHandler } from '../../src/server/jobs/send-reminder';
import { type JobHandler, startWorker } from '../../src/server/jobs/worker';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { type AppServer, startAppServer } from './helpers/app-server';
import { hrefsOf, mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

interface InvitationRow {
  status: string;
  sent_at: Date | null;
  reminders_sent: number;
  last_reminded_at: Date | null;
  reminder_plan: { count: number; after_days: number } | null;
}

for (const kind of databaseKinds()) {
  describe(`reminders of unanswered email invitations on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let server: AppServer | undefined;
    let publicUrl = '';
    let key = '';
    let surveyId = '';
    let handlers: Record<string, JobHandler>;
    /** The clock of the app, the worker and the handlers; tests move it forward by days. */
    let nowMs = Date.now();
    const clock = () => new Date(nowMs);

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp);
      server = await startAppServer({ db, clock });
      publicUrl = server.publicUrl;
      handlers = {
        [SEND_INVITATION_QUEUE]: sendInvitationHandler({ publicUrl, mailer, clock }),
        [SEND_REMINDER_QUEUE]: sendReminderHandler({ publicUrl, mailer, clock }),
        [EXPAND_CAMPAIGN_QUEUE]: expandCampaignHandler({ clock }),
      };

      const ws = await createWorkspace(db, { name: 'Remind' });
      key = (await createApiKey(db, ws.id, 't')).secret;
      surveyId = (
        await json(await api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }))
      ).id;
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

    const invite = async (email: string, extra: Record<string, unknown> = {}) => {
      const res = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { email },
        channel: 'email',
        send: true,
        ...extra,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return json(res);
    };

    const invitationRow = async (id: string) =>
      (
        await db.query<InvitationRow>(
          'SELECT status, sent_at, reminders_sent, last_reminded_at, reminder_plan FROM invitation WHERE id = $1',
          [id],
        )
      )[0]!;

    const reminderJob = async (invitationId: string, n: number): Promise<Job | undefined> => {
      const [row] = await db.query<{ id: number | string }>(
        'SELECT id FROM job WHERE queue = $1 AND unique_key = $2',
        [SEND_REMINDER_QUEUE, `remind:${invitationId}:${n}`],
      );
      return row ? getJob(db, Number(row.id)) : undefined;
    };

    /** Runs a worker (short polling, the test clock) until `condition` holds. */
    const runWorkerUntil = async (condition: () => Promise<boolean>, what: string) => {
      const worker = startWorker({ db, handlers, clock, pollMinMs: 10, pollMaxMs: 20 });
      try {
        await waitFor(condition, what);
      } finally {
        await worker.stop();
      }
    };

    /** Every due job done (or failed): the worker has nothing left to do at the clock's time. */
    const drained = async () =>
      (
        await db.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM job WHERE state IN ('queued', 'active') AND run_at <= $1`,
          [clock()],
        )
      )[0]!.n === 0;

    const sendNow = async (invitationId: string) => {
      await runWorkerUntil(
        async () => (await invitationRow(invitationId)).status === 'sent',
        `invitation ${invitationId} to be sent`,
      );
      return invitationRow(invitationId);
    };

    const mailsTo = (address: string) =>
      smtp.received.filter((m) =>
        [m.to ?? []].flat().some((t) => t.value.some((v) => v.address === address)),
      );

    it('sends one reminder 3 days after the invitation by default, with the reminder subject and its own Message-ID', async () => {
      const invitation = await invite('anna@example.com');
      expect(invitation).toMatchObject({
        reminder_plan: { count: 1, after_days: 3 },
        reminders_sent: 0,
        last_reminded_at: null,
      });
      const sent = await sendNow(invitation.id);
      const first = await reminderJob(invitation.id, 1);
      expect(first).toMatchObject({
        state: 'queued',
        payload: { invitation_id: invitation.id, number: 1 },
      });
      expect(first!.runAt.getTime()).toBe(new Date(sent.sent_at!).getTime() + 3 * DAY_MS);

      // Not before the 3 days.
      nowMs += 3 * DAY_MS - MINUTE_MS;
      await runWorkerUntil(drained, 'the due jobs');
      expect(mailsTo('anna@example.com')).toHaveLength(1);

      nowMs += 2 * MINUTE_MS;
      await runWorkerUntil(
        async () => (await invitationRow(invitation.id)).reminders_sent === 1,
        'the reminder',
      );
      const mails = mailsTo('anna@example.com');
      expect(mails).toHaveLength(2);
      expect(mails[0]!.subject).toBe('How likely are you to recommend Taskwerk?');
      expect(mails[1]!.subject).toBe('Reminder: your opinion on Taskwerk');
      expect(mails[0]!.messageId).toBe(`<${invitation.id}@127.0.0.1>`);
      expect(mails[1]!.messageId).toBe(`<${invitation.id}.r1@127.0.0.1>`);
      const fetched = await json(await api('GET', `/invitations/${invitation.id}`));
      expect(fetched).toMatchObject({ status: 'sent', reminders_sent: 1 });
      expect(new Date(fetched.last_reminded_at).getTime()).toBe(nowMs);

      // Exactly one: no second reminder, however long we wait.
      expect(await reminderJob(invitation.id, 2)).toBeUndefined();
      nowMs += 20 * DAY_MS;
      await runWorkerUntil(drained, 'the due jobs');
      expect(mailsTo('anna@example.com')).toHaveLength(2);
    });

    it('sends two reminders on days 2 and 4 with { count: 2, after_days: 2 }', async () => {
      const invitation = await invite('ben@example.com', { reminders: { count: 2, after_days: 2 } });
      expect(invitation.reminder_plan).toEqual({ count: 2, after_days: 2 });
      const sent = await sendNow(invitation.id);
      const sentAt = new Date(sent.sent_at!).getTime();

      nowMs = sentAt + 2 * DAY_MS + MINUTE_MS;
      await runWorkerUntil(
        async () => (await invitationRow(invitation.id)).reminders_sent === 1,
        'reminder 1',
      );
      const second = await reminderJob(invitation.id, 2);
      expect(second?.state).toBe('queued');
      // Counted from the invitation, not from the (late) first reminder.
      expect(second!.runAt.getTime()).toBe(sentAt + 4 * DAY_MS);

      nowMs = sentAt + 4 * DAY_MS + MINUTE_MS;
      await runWorkerUntil(
        async () => (await invitationRow(invitation.id)).reminders_sent === 2,
        'reminder 2',
      );
      const mails = mailsTo('ben@example.com');
      expect(mails.map((m) => m.messageId)).toEqual([
        `<${invitation.id}@127.0.0.1>`,
        `<${invitation.id}.r1@127.0.0.1>`,
        `<${invitation.id}.r2@127.0.0.1>`,
      ]);
      expect(mails.slice(1).map((m) => m.subject)).toEqual([
        'Reminder: your opinion on Taskwerk',
        'Reminder: your opinion on Taskwerk',
      ]);
      expect(await reminderJob(invitation.id, 3)).toBeUndefined();
    });

    it('sends no reminder to a contact who answered with the ?score link of the invitation', async () => {
      const invitation = await invite('carla@example.com');
      await sendNow(invitation.id);
      const [mail] = mailsTo('carla@example.com');
      const link = hrefsOf(mail!.html as string).find((href) => href === `${invitation.url}?score=8`);
      expect(link).toBeTruthy();
      expect((await fetch(link!, { redirect: 'manual' })).status).toBe(303);
      expect((await invitationRow(invitation.id)).reminders_sent).toBe(0);

      nowMs += 3 * DAY_MS + MINUTE_MS;
      await runWorkerUntil(
        async () => (await reminderJob(invitation.id, 1))?.state === 'done',
        'the reminder job to run',
      );
      expect(mailsTo('carla@example.com')).toHaveLength(1);
      expect(await invitationRow(invitation.id)).toMatchObject({ reminders_sent: 0, last_reminded_at: null });
    });

    it('sends no reminder to a contact who unsubscribed with the link of the invitation', async () => {
      const invitation = await invite('dora@example.com');
      await sendNow(invitation.id);
      const [mail] = mailsTo('dora@example.com');
      const unsubscribe = hrefsOf(mail!.html as string).find((href) => href.startsWith(`${publicUrl}/u/`));
      expect(unsubscribe, 'the unsubscribe link of the email').toBeTruthy();
      const res = await fetch(unsubscribe!, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'List-Unsubscribe=One-Click',
      });
      expect(res.status).toBe(200);

      nowMs += 3 * DAY_MS + MINUTE_MS;
      await runWorkerUntil(
        async () => (await reminderJob(invitation.id, 1))?.state === 'done',
        'the reminder job to run',
      );
      expect(mailsTo('dora@example.com')).toHaveLength(1);
      expect((await invitationRow(invitation.id)).reminders_sent).toBe(0);
    });

    it('sends a reminder once when its job runs twice', async () => {
      const invitation = await invite('emil@example.com');
      await sendNow(invitation.id);
      nowMs += 3 * DAY_MS + MINUTE_MS;
      // Held as a worker holds it (the handler sends only under a lease its attempt owns), with the
      // lease already over, so a worker's recovery puts it back in the queue below.
      const queued = (await reminderJob(invitation.id, 1))!;
      await db.query(
        `UPDATE job SET state = 'active', attempts = 1, locked_by = 'test-worker', locked_until = $2
         WHERE id = $1`,
        [queued.id, new Date(nowMs - 1)],
      );
      const job = (await reminderJob(invitation.id, 1))!;
      const signal = new AbortController().signal;
      await handlers[SEND_REMINDER_QUEUE]!({ job, db, signal });
      await handlers[SEND_REMINDER_QUEUE]!({ job, db, signal });
      expect(mailsTo('emil@example.com')).toHaveLength(2);
      expect((await invitationRow(invitation.id)).reminders_sent).toBe(1);
      // And the queued job itself, run by a worker (at least once), sends nothing more.
      await runWorkerUntil(async () => (await reminderJob(invitation.id, 1))?.state === 'done', 'the job');
      expect(mailsTo('emil@example.com')).toHaveLength(2);
    });

    it("enqueues the next reminder's job when an attempt died between recording a reminder and enqueueing it", async () => {
      const invitation = await invite('gustav@example.com', { reminders: { count: 2, after_days: 3 } });
      await sendNow(invitation.id);
      nowMs += 3 * DAY_MS + MINUTE_MS;
      await runWorkerUntil(
        async () => (await invitationRow(invitation.id)).reminders_sent === 1,
        'reminder 1',
      );
      expect(await reminderJob(invitation.id, 2)).toBeDefined();
      // The crash: reminder 1 recorded as sent, reminder 2's job never enqueued, reminder 1's job not done.
      await db.query('DELETE FROM job WHERE queue = $1 AND unique_key = $2', [
        SEND_REMINDER_QUEUE,
        `remind:${invitation.id}:2`,
      ]);
      const first = (await reminderJob(invitation.id, 1))!;
      await db.query(
        `UPDATE job SET state = 'active', attempts = 2, locked_by = 'test-worker', locked_until = $2
         WHERE id = $1`,
        [first.id, new Date(nowMs + MINUTE_MS)],
      );
      await handlers[SEND_REMINDER_QUEUE]!({
        job: (await reminderJob(invitation.id, 1))!,
        db,
        signal: new AbortController().signal,
      });
      expect(await reminderJob(invitation.id, 2)).toMatchObject({ state: 'queued' });
      expect(mailsTo('gustav@example.com')).toHaveLength(2); // the invitation and reminder 1, no more
      expect((await invitationRow(invitation.id)).reminders_sent).toBe(1);
      await db.query(`UPDATE job SET state = 'done', locked_by = NULL, locked_until = NULL WHERE id = $1`, [
        first.id,
      ]);
    });

    it("gives a campaign's reminder plan to its invitations", async () => {
      const contact = await json(await api('POST', '/contacts', { email: 'fritz@example.com' }));
      const res = await api('POST', '/campaigns', {
        survey_id: surveyId,
        name: 'Q3',
        audience: { contact_ids: [contact.id] },
        reminders: { count: 2, after_days: 5 },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const campaign = await json(res);
      expect(campaign.reminders).toEqual({ count: 2, after_days: 5 });
      expect((await json(await api('GET', `/campaigns/${campaign.id}`))).reminders).toEqual({
        count: 2,
        after_days: 5,
      });

      const invitationOf = async () =>
        (
          await db.query<{ id: string; status: string }>(
            'SELECT id, status FROM invitation WHERE campaign_id = $1',
            [campaign.id],
          )
        )[0];
      await runWorkerUntil(async () => (await invitationOf())?.status === 'sent', 'the campaign email');
      const invitation = (await invitationOf())!;
      const row = await invitationRow(invitation.id);
      expect(row.reminder_plan).toEqual({ count: 2, after_days: 5 });
      expect((await reminderJob(invitation.id, 1))!.runAt.getTime()).toBe(
        new Date(row.sent_at!).getTime() + 5 * DAY_MS,
      );

      const defaulted = await json(
        await api('POST', '/campaigns', {
          survey_id: surveyId,
          name: 'Q4',
          audience: { contact_ids: [contact.id] },
        }),
      );
      expect(defaulted.reminders).toEqual({ count: 1, after_days: 3 });
    });

    it('refuses a bad reminder plan with a 400 naming the field, and writes nothing', async () => {
      const count = async (table: string) =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
      const before = { jobs: await count('job'), invitations: await count('invitation') };

      const nine = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { email: 'gina@example.com' },
        channel: 'email',
        send: true,
        reminders: { count: 9, after_days: 3 },
      });
      expect(nine.status).toBe(400);
      expect((await json(nine)).error.field).toBe('reminders.count');

      const days = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { email: 'gina@example.com' },
        channel: 'email',
        send: true,
        reminders: { count: 1, after_days: 0 },
      });
      expect(days.status).toBe(400);
      expect((await json(days)).error.field).toBe('reminders.after_days');

      const notSent = await api('POST', '/invitations', {
        survey_id: surveyId,
        contact: { email: 'gina@example.com' },
        reminders: { count: 1, after_days: 3 },
      });
      expect(notSent.status).toBe(400);
      expect((await json(notSent)).error.field).toBe('reminders');

      const campaign = await api('POST', '/campaigns', {
        survey_id: surveyId,
        name: 'Bad',
        audience: { everyone: true },
        reminders: { count: 9, after_days: 3 },
      });
      expect(campaign.status).toBe(400);
      expect((await json(campaign)).error.field).toBe('reminders.count');

      expect({ jobs: await count('job'), invitations: await count('invitation') }).toEqual(before);
    });
  });
}
