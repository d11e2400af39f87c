/**
 * The `send-invitation` job: sends one invitation's survey email. Enqueued by
 * `POST /api/v1/invitations` with `send: true`, in the transaction that creates the invitation
 * (status 'queued', unique key `send:<invitation id>`).
 *
 * Idempotent under the queue's at-least-once contract (worker.ts); the guarantee and its measured
 * window are in docs/OPERATIONS.md ("Delivery guarantees"):
 * - a finished invitation (sent, bounced, skipped, failed) is left alone, so a repeated job sends
 *   nothing (a 'sent' one only gets its first reminder's job enqueued, in case the attempt died
 *   between recording 'sent' and enqueueing it; the unique key makes that a no-op otherwise);
 * - the attempt is recorded (`status = 'sending'`, `sending_at`, `message_id`,
 *   `delivery_attempts + 1`) in its own statement BEFORE the SMTP transaction, and only while the
 *   job's attempt still owns its lease (`ownsAttemptSql`): a worker that lost the job to another one
 *   never starts a transaction for it;
 * - right after the server's 250 to DATA, one statement records 'sent', with nothing before it: a
 *   crash between the 250 and that commit is the only way to a second delivery;
 * - reconciliation: a job that finds 'sending' left by an attempt that died (or failed transiently)
 *   asks the mailer whether that Message-ID was delivered (`deliveredAt`). The outbox can prove it
 *   (the file exists): recorded as sent, nothing sent again. SMTP cannot: the email is sent again
 *   with the recorded Message-ID and `delivery_attempts` grows, so every possible duplicate is
 *   counted and carries the Message-ID of the first (receivers that collapse by Message-ID show it
 *   once). That crash window is AT LEAST ONCE, everything else exactly once;
 * - the other results are written with a condition on the status, so a late attempt never
 *   overwrites a finished one.
 */

import { deliverSurveyEmail } from '../channels/email/deliver-survey-email';
import { type Mailer, MailSendError } from '../channels/email/mailer';
import type { Queryable } from '../db/port';
import { normaliseEmail } from '../repo/contacts';
import { composeInvitationEmail, type InvitationToEmail, loadInvitationToEmail } from './invitation-email';
import { describeError } from './queue';
import { ownsAttemptSql } from './queue-sql';
import { enqueueNextReminder } from './send-reminder';
import { type JobHandler, PermanentJobError } from './worker';

export const SEND_INVITATION_QUEUE = 'send-invitation';

export interface SendInvitationPayload {
  invitation_id: string;
}

export interface SendInvitationDeps {
  /** `PLAUDIT_PUBLIC_URL` without a trailing slash: links and the Message-ID's host. */
  readonly publicUrl: string;
  readonly mailer: Mailer;
  readonly clock: () => Date;
}

const FINISHED = new Set(['sent', 'bounced', 'skipped', 'failed']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Writes the outcome of the attempt, only over 'sending' (a finished invitation stays as it is). */
async function finish(
  db: Queryable,
  id: string,
  outcome: {
    status: 'sent' | 'bounced' | 'skipped' | 'failed';
    sent_at?: Date;
    delivery_error?: string;
    skip_reason?: string;
  },
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE invitation SET status = $2, sent_at = $3, delivery_error = $4, skip_reason = $5
     WHERE id = $1 AND status IN ('queued', 'sending') RETURNING id`,
    [
      id,
      outcome.status,
      outcome.sent_at ?? null,
      outcome.delivery_error ?? null,
      outcome.skip_reason ?? null,
    ],
  );
  return rows.length > 0;
}

const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/**
 * Records a delivered invitation as sent (one autocommitted statement: the first thing after the
 * SMTP server's 250), then enqueues its first reminder's job. A crash between the two leaves the
 * send job unfinished; its rerun finds 'sent' and enqueues the reminder (unique key: at most once).
 * A late attempt's delivery also overrides a 'failed' that another attempt wrote meanwhile: the
 * email did arrive.
 */
async function recordSent(db: Queryable, invitation: InvitationToEmail, sentAt: Date): Promise<void> {
  const rows = await db.query(
    `UPDATE invitation SET status = 'sent', sent_at = $2, delivery_error = NULL
     WHERE id = $1 AND status IN ('sending', 'failed') RETURNING id`,
    [invitation.id, sentAt],
  );
  if (rows.length === 0) return;
  await enqueueNextReminder(db, { ...invitation, sent_at: sentAt, reminders_sent: 0 }, sentAt);
}

/**
 * The handler of the `send-invitation` queue.
 *
 * @example startWorker({ db, handlers: { [SEND_INVITATION_QUEUE]: sendInvitationHandler({ publicUrl, mailer, clock }) } })
 */
export function sendInvitationHandler(deps: SendInvitationDeps): JobHandler {
  return async ({ job, db, signal }) => {
    const invitationId = (job.payload as Partial<SendInvitationPayload>).invitation_id;
    if (typeof invitationId !== 'string' || !UUID.test(invitationId)) {
      throw new PermanentJobError(`job ${job.id}: payload.invitation_id is not an invitation id`);
    }
    const invitation = await loadInvitationToEmail(db, invitationId);
    // Deleted since it was queued (with its workspace, survey or contact): nothing to send.
    if (!invitation) return;
    if (invitation.workspace_id !== job.workspaceId) {
      throw new PermanentJobError(`job ${job.id}: invitation ${invitationId} is not of the job's workspace`);
    }
    if (invitation.status === 'sent') {
      // An attempt that died after recording 'sent' may not have enqueued the first reminder.
      if (invitation.reminders_sent === 0) await enqueueNextReminder(db, invitation, deps.clock());
      return;
    }
    if (FINISHED.has(invitation.status)) return;

    const now = deps.clock();
    const skipReason =
      invitation.answered_at !== null
        ? 'answered'
        : dateOf(invitation.expires_at).getTime() <= now.getTime()
          ? 'expired'
          : invitation.survey_status !== 'active'
            ? 'survey_archived'
            : invitation.email === null
              ? 'no_email'
              : null;
    if (skipReason) {
      await finish(db, invitation.id, { status: 'skipped', skip_reason: skipReason });
      return;
    }

    const composed = composeInvitationEmail(deps.publicUrl, invitation, invitation.email!);

    // An earlier attempt recorded 'sending' and ended without a result (it died, lost its lease, or
    // failed transiently): its Message-ID is the one to use, and where the mailer can prove that
    // attempt delivered (the outbox), it is recorded as sent instead of sending again.
    const earlier = invitation.status === 'sending' ? invitation.message_id : null;
    const email = earlier ? { ...composed, messageId: earlier } : composed;
    if (earlier && deps.mailer.deliveredAt) {
      const deliveredAt = await deps.mailer.deliveredAt(earlier);
      if (deliveredAt) {
        await recordSent(db, invitation, deliveredAt);
        return;
      }
    }

    // The attempt, recorded before the SMTP transaction, only while this attempt still owns the
    // job: after a lost lease another worker may be running it. A 'sending' left by a dead attempt
    // is taken over: the email goes out again with the same Message-ID, counted in delivery_attempts.
    if (signal.aborted) return;
    const recorded = await db.query(
      `UPDATE invitation
       SET status = 'sending', sending_at = $2, message_id = $3, delivery_attempts = delivery_attempts + 1
       WHERE id = $1 AND status IN ('queued', 'sending') AND ${ownsAttemptSql('$4', '$5', '$6')}
       RETURNING id`,
      [invitation.id, now, email.messageId, job.id, job.lockedBy, job.attempts],
    );
    if (recorded.length === 0) return; // finished meanwhile, not queued for sending, or the job was lost

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
        await finish(db, invitation.id, { status: 'failed', delivery_error: describeError(error) });
        throw new PermanentJobError(error.message, { cause: error });
      }
      // Transient (or unknown): the queue retries with backoff and the invitation stays 'sending';
      // on the last attempt it is failed with the error, as the job will be.
      if (job.attempts >= job.maxAttempts) {
        await finish(db, invitation.id, { status: 'failed', delivery_error: describeError(error) });
      }
      throw error;
    }

    if (result.status === 'accepted') {
      // The server answered 250 to DATA: record it now, one statement and nothing before it. Until
      // it commits, a crash leaves 'sending' and the rerun delivers a second copy.
      await recordSent(db, invitation, deps.clock());
    } else if (result.status === 'suppressed') {
      const unsubscribed = await db.query(
        `SELECT 1 FROM suppression WHERE workspace_id = $1 AND email = $2 AND reason = 'unsubscribed'`,
        [invitation.workspace_id, normaliseEmail(invitation.email!)],
      );
      const reason =
        invitation.unsubscribed_at !== null || unsubscribed.length > 0 ? 'unsubscribed' : 'suppressed';
      await finish(db, invitation.id, { status: 'skipped', skip_reason: reason });
    } else {
      await finish(db, invitation.id, { status: 'bounced', delivery_error: result.response });
    }
  };
}
