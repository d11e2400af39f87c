/**
 * The `send-invitation` job: sends one invitation's survey email. Enqueued by
 * `POST /api/v1/invitations` with `send: true`, in the transaction that creates the invitation
 * (status 'queued', unique key `send:<invitation id>`).
 *
 * Idempotent under the queue's at-least-once contract (worker.ts):
 * - a finished invitation (sent, bounced, skipped, failed) is left alone, so a repeated job sends
 *   nothing;
 * - the attempt is recorded (`status = 'sending'`, `sending_at`, `message_id`) in its own statement
 *   BEFORE the SMTP transaction. A job that finds 'sending' left by an attempt that died (between
 *   that record and the result) sends again with the same Message-ID: in that crash window the
 *   email goes out AT LEAST ONCE, not exactly once. The stable Message-ID lets mail clients collapse
 *   the duplicate, and the outbox mailer overwrites its file of that Message-ID;
 * - the result is written with a condition on `status = 'sending'`, so a late attempt never
 *   overwrites a finished one; 'sent' is written in one transaction with the job of the first
 *   reminder (send-reminder.ts, unique key `remind:<invitation id>:1`) when the plan has one.
 */

import type { ReminderPlan } from '../../core/reminders';
import type { SurveyTexts } from '../../core/survey-texts';
import { composeSurveyEmail } from '../channels/email/compose-survey-email';
import { deliverSurveyEmail } from '../channels/email/deliver-survey-email';
import { type Mailer, MailSendError } from '../channels/email/mailer';
import type { Queryable } from '../db/port';
import { normaliseEmail } from '../repo/contacts';
import { describeError } from './queue';
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

interface InvitationToSend {
  id: string;
  workspace_id: string;
  token: string;
  status: string;
  expires_at: Date | string;
  answered_at: Date | string | null;
  contact_id: string;
  email: string | null;
  name: string | null;
  locale: string | null;
  unsubscribed_at: Date | string | null;
  product_name: string;
  brand_color: string;
  default_locale: string;
  texts: Record<string, SurveyTexts>;
  survey_status: 'active' | 'archived';
  reminder_plan: ReminderPlan | null;
}

const FINISHED = new Set(['sent', 'bounced', 'skipped', 'failed']);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The invitation with its survey, contact and workspace, in one query. */
async function loadInvitation(db: Queryable, id: string): Promise<InvitationToSend | undefined> {
  const rows = await db.query<InvitationToSend>(
    `SELECT i.id, w.id AS workspace_id, i.token, i.status, i.expires_at, i.answered_at,
            c.id AS contact_id, c.email, c.name, c.locale, c.unsubscribed_at,
            s.product_name, s.brand_color, s.default_locale, s.texts, s.status AS survey_status,
            i.reminder_plan
     FROM invitation i
     JOIN workspace w ON w.id = i.workspace_id
     JOIN survey s ON s.id = i.survey_id
     JOIN contact c ON c.id = i.contact_id
     WHERE i.id = $1`,
    [id],
  );
  return rows[0];
}

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
 * The handler of the `send-invitation` queue.
 *
 * @example startWorker({ db, handlers: { [SEND_INVITATION_QUEUE]: sendInvitationHandler({ publicUrl, mailer, clock }) } })
 */
export function sendInvitationHandler(deps: SendInvitationDeps): JobHandler {
  return async ({ job, db }) => {
    const invitationId = (job.payload as Partial<SendInvitationPayload>).invitation_id;
    if (typeof invitationId !== 'string' || !UUID.test(invitationId)) {
      throw new PermanentJobError(`job ${job.id}: payload.invitation_id is not an invitation id`);
    }
    const invitation = await loadInvitation(db, invitationId);
    // Deleted since it was queued (with its workspace, survey or contact): nothing to send.
    if (!invitation) return;
    if (invitation.workspace_id !== job.workspaceId) {
      throw new PermanentJobError(`job ${job.id}: invitation ${invitationId} is not of the job's workspace`);
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

    const email = composeSurveyEmail({
      publicUrl: deps.publicUrl,
      invitation: { id: invitation.id, token: invitation.token },
      contact: { email: invitation.email!, name: invitation.name, locale: invitation.locale },
      survey: {
        product_name: invitation.product_name,
        brand_color: invitation.brand_color,
        default_locale: invitation.default_locale,
        texts: invitation.texts,
      },
    });

    // The attempt, recorded before the SMTP transaction. A 'sending' left by a dead attempt is
    // taken over: the email goes out again with the same Message-ID (at least once in that window).
    const recorded = await db.query(
      `UPDATE invitation SET status = 'sending', sending_at = $2, message_id = $3
       WHERE id = $1 AND status IN ('queued', 'sending') RETURNING id`,
      [invitation.id, now, email.messageId],
    );
    if (recorded.length === 0) return; // finished meanwhile, or not queued for sending

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

    if (result.status === 'suppressed') {
      const unsubscribed = await db.query(
        `SELECT 1 FROM suppression WHERE workspace_id = $1 AND email = $2 AND reason = 'unsubscribed'`,
        [invitation.workspace_id, normaliseEmail(invitation.email!)],
      );
      const reason =
        invitation.unsubscribed_at !== null || unsubscribed.length > 0 ? 'unsubscribed' : 'suppressed';
      await finish(db, invitation.id, { status: 'skipped', skip_reason: reason });
    } else if (result.status === 'bounced') {
      await finish(db, invitation.id, { status: 'bounced', delivery_error: result.response });
    } else {
      // The result and the first reminder's job in one transaction: neither exists without the other.
      const sentAt = deps.clock();
      await db.transaction(async (tx) => {
        if (!(await finish(tx, invitation.id, { status: 'sent', sent_at: sentAt }))) return;
        await enqueueNextReminder(tx, { ...invitation, sent_at: sentAt, reminders_sent: 0 }, sentAt);
      });
    }
  };
}
