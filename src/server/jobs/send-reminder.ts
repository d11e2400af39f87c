/**
 * The `send-reminder` job: reminder n of an email invitation whose contact has not answered
 * (core/reminders.ts). The send-invitation job enqueues reminder 1 right after it records the
 * invitation as sent; each reminder enqueues the next right after it records itself as sent. Unique key `remind:<invitation id>:<n>`, due at `reminderDueAt(sent_at, n - 1, plan, …)`.
 *
 * Idempotent under the queue's at-least-once contract (worker.ts):
 * - nothing is sent when the invitation was not sent, is answered or expired, its survey is
 *   archived, its contact unsubscribed, or its address suppressed (unsubscribed, complained,
 *   bounced: deliverSurveyEmail checks), nor when `reminders_sent >= n` (a repeated job) or the
 *   plan has no reminder n;
 * - the attempt is recorded (`reminder_sending = n`, `reminder_sending_at`) in its own statement
 *   BEFORE the SMTP transaction, on the condition `reminders_sent = n - 1` and only while the job's
 *   attempt still owns its lease (`ownsAttemptSql`). A job that runs again after an attempt died in
 *   between sends again with the same Message-ID (`<id>.r<n>@host`): in that window the reminder
 *   goes out at least once, as the invitation does (docs/OPERATIONS.md, "Delivery guarantees");
 * - the result (`reminders_sent = n`, `last_reminded_at`) is written on the same condition by one
 *   statement, the first thing after the server's 250, and then the job of reminder n + 1 is
 *   enqueued. A crash between the two leaves this job unfinished: its rerun finds
 *   `reminders_sent = n` and enqueues reminder n + 1 (unique key: at most once).
 */
import { type ReminderPlan, reminderDueAt } from '../../core/reminders';
import { deliverSurveyEmail } from '../channels/email/deliver-survey-email';
import { type Mailer, MailSendError } from '../channels/email/mailer';
import type { Queryable } from '../db/port';
import { composeInvitationEmail, loadInvitationToEmail } from './invitation-email';
import { enqueue } from './queue';
import { ownsAttemptSql } from './queue-sql';
import { type JobHandler, PermanentJobError } from './worker';

export const SEND_REMINDER_QUEUE = 'send-reminder';

export interface SendReminderPayload {
  invitation_id: string;
  /** Which reminder, 1-based. */
  number: number;
}

export interface SendReminderDeps {
  /** `PLAUDIT_PUBLIC_URL` without a trailing slash: links and the Message-ID's host. */
  readonly publicUrl: string;
  readonly mailer: Mailer;
  readonly clock: () => Date;
}

/** What `enqueueNextReminder` needs of an invitation. */
export interface RemindableInvitation {
  id: string;
  workspace_id: string;
  sent_at: Date | string | null;
  expires_at: Date | string;
  answered_at: Date | string | null;
  reminder_plan: ReminderPlan | null;
  /** Reminders sent, counting the one just recorded. */
  reminders_sent: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));
const dateOrNull = (value: Date | string | null) => (value === null ? null : dateOf(value));

/** The unique key of reminder `n` of an invitation. */
export const reminderKey = (invitationId: string, n: number) => `remind:${invitationId}:${n}`;

/**
 * Enqueues the invitation's next reminder (number `reminders_sent + 1`) when its plan has one that
 * is due before the invitation expires and the contact has not answered. Pass the transaction that
 * records the invitation's (or the previous reminder's) sending. Idempotent by the unique key.
 * Returns whether a job was enqueued (or existed).
 */
export async function enqueueNextReminder(
  db: Queryable,
  invitation: RemindableInvitation,
  now: Date,
): Promise<boolean> {
  if (invitation.reminder_plan === null || invitation.sent_at === null) return false;
  const due = reminderDueAt(
    dateOf(invitation.sent_at),
    invitation.reminders_sent,
    invitation.reminder_plan,
    dateOrNull(invitation.answered_at),
    dateOf(invitation.expires_at),
  );
  if (due === null) return false;
  const n = invitation.reminders_sent + 1;
  await enqueue(
    db,
    {
      queue: SEND_REMINDER_QUEUE,
      payload: { invitation_id: invitation.id, number: n },
      workspaceId: invitation.workspace_id,
    },
    { now, runAt: due, uniqueKey: reminderKey(invitation.id, n) },
  );
  return true;
}

/** Clears the recorded attempt of reminder n (it did not go out: suppressed, bounced or failed). */
async function clearAttempt(db: Queryable, id: string, n: number): Promise<void> {
  await db.query(
    `UPDATE invitation SET reminder_sending = NULL, reminder_sending_at = NULL
     WHERE id = $1 AND reminder_sending = $2`,
    [id, n],
  );
}

/**
 * The handler of the `send-reminder` queue.
 * @example startWorker({ db, handlers: { [SEND_REMINDER_QUEUE]: sendReminderHandler({ publicUrl, mailer, clock }) } })
 */
export function sendReminderHandler(deps: SendReminderDeps): JobHandler {
  return async ({ job, db, signal }) => {
    const payload = job.payload as Partial<SendReminderPayload>;
    const invitationId = payload.invitation_id;
    const n = payload.number;
    if (typeof invitationId !== 'string' || !UUID.test(invitationId)) {
      throw new PermanentJobError(`job ${job.id}: payload.invitation_id is not an invitation id`);
    }
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new PermanentJobError(`job ${job.id}: payload.number is not a reminder number`);
    }
    const invitation = await loadInvitationToEmail(db, invitationId);
    if (!invitation) return; // deleted since
    if (invitation.workspace_id !== job.workspaceId) {
      throw new PermanentJobError(`job ${job.id}: invitation ${invitationId} is not of the job's workspace`);
    }
    const now = deps.clock();
    const plan = invitation.reminder_plan;
    if (invitation.status === 'sent' && invitation.reminders_sent === n) {
      // Sent by an attempt that died before enqueueing the next reminder's job.
      await enqueueNextReminder(db, invitation, now);
      return;
    }
    if (
      invitation.status !== 'sent' ||
      plan === null ||
      n > plan.count ||
      invitation.reminders_sent !== n - 1 || // sent already (a repeated job), or out of turn
      invitation.answered_at !== null ||
      dateOf(invitation.expires_at).getTime() <= now.getTime() ||
      invitation.survey_status !== 'active' ||
      invitation.unsubscribed_at !== null ||
      invitation.email === null
    ) {
      return;
    }

    const email = composeInvitationEmail(deps.publicUrl, invitation, invitation.email, n);

    // The attempt, recorded before the SMTP transaction (and the last check that it is still due),
    // only while this attempt still owns the job.
    if (signal.aborted) return;
    const recorded = await db.query(
      `UPDATE invitation SET reminder_sending = $2, reminder_sending_at = $3
       WHERE id = $1 AND status = 'sent' AND answered_at IS NULL AND reminders_sent = $2 - 1
         AND ${ownsAttemptSql('$4', '$5', '$6')}
       RETURNING id`,
      [invitation.id, n, now, job.id, job.lockedBy, job.attempts],
    );
    if (recorded.length === 0) return;

    let result: Awaited<ReturnType<typeof deliverSurveyEmail>>;
    try {
      result = await deliverSurveyEmail(
        db,
        deps.mailer,
        email,
        { workspaceId: invitation.workspace_id, contactId: invitation.contact_id },
        deps.clock,
      );
    } catch (error) {
      if (error instanceof MailSendError && !error.retryable) {
        await clearAttempt(db, invitation.id, n);
        throw new PermanentJobError(error.message, { cause: error });
      }
      if (job.attempts >= job.maxAttempts) await clearAttempt(db, invitation.id, n);
      throw error;
    }
    // Suppressed, or bounced (now suppressed): no more reminders to this address.
    if (result.status !== 'accepted') {
      await clearAttempt(db, invitation.id, n);
      return;
    }

    // Delivered: recorded at once by one statement (the whole crash window), then the next job.
    const sentAt = deps.clock();
    const done = await db.query(
      `UPDATE invitation SET reminders_sent = $2, last_reminded_at = $3,
              reminder_sending = NULL, reminder_sending_at = NULL
       WHERE id = $1 AND reminders_sent = $2 - 1 RETURNING id`,
      [invitation.id, n, sentAt],
    );
    if (done.length === 0) return;
    await enqueueNextReminder(db, { ...invitation, reminders_sent: n }, sentAt);
  };
}
