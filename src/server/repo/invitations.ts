import type { DeliveryStatus } from '../../core/invitation-lifecycle';
import type { ReminderPlan } from '../../core/reminders';
import type { Queryable } from '../db/port';
import { newToken } from './surveys';

export interface Invitation {
  id: string;
  workspace_id: string;
  survey_id: string;
  contact_id: string;
  token: string;
  channel: string;
  expires_at: Date;
  answered_at: Date | null;
  created_at: Date;
  /** Delivery by the send-invitation job (migration 0006); 'created' when nothing is to be sent. */
  status: InvitationStatus;
  send_at: Date | null;
  message_id: string | null;
  /** When the last attempt was recorded, before its SMTP transaction. */
  sending_at: Date | null;
  /** SMTP transactions started for it (migration 0013): more than 1 means possible duplicates. */
  delivery_attempts: number;
  sent_at: Date | null;
  delivery_error: string | null;
  skip_reason: string | null;
  /** Reminders of an unanswered email invitation (migration 0008); null: none. */
  reminder_plan: ReminderPlan | null;
  reminders_sent: number;
  last_reminded_at: Date | null;
  /** The event that triggered it (migration 0009); null: not sent for an event. */
  event_id: string | null;
  /** The first fetch of the email's tracking pixel (migration 0012); null: never, or not tracked. */
  opened_at: Date | null;
  /** The campaign it belongs to (migration 0007); null: none. */
  campaign_id: string | null;
  /** The autopilot that scheduled it and the contact's local day it was due (migration 0011). */
  autopilot_id: string | null;
  due_day: string | null;
}

export type InvitationStatus = DeliveryStatus;

const COLUMNS =
  'id, workspace_id, survey_id, contact_id, token, channel, expires_at, answered_at, created_at, ' +
  'status, send_at, message_id, sending_at, delivery_attempts, sent_at, delivery_error, skip_reason, ' +
  'reminder_plan, reminders_sent, last_reminded_at, event_id, opened_at, campaign_id, autopilot_id, ' +
  'due_day::text AS due_day';

export async function createInvitation(
  db: Queryable,
  workspaceId: string,
  input: {
    survey_id: string;
    contact_id: string;
    channel: string;
    expires_at: Date;
    /** 'queued' when a send job is enqueued with it (same transaction); 'skipped' when a
     * survey-fatigue rule stopped the send (with `skip_reason`); default 'created'. */
    status?: 'created' | 'queued' | 'skipped';
    skip_reason?: string | null;
    send_at?: Date | null;
    /** The reminders after the email (with status 'queued'); null: none. */
    reminder_plan?: ReminderPlan | null;
  },
): Promise<Invitation> {
  const rows = await db.query<Invitation>(
    `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, send_at,
                             reminder_plan, skip_reason)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10) RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.survey_id,
      input.contact_id,
      newToken(),
      input.channel,
      input.expires_at,
      input.status ?? 'created',
      input.send_at ?? null,
      input.reminder_plan ? JSON.stringify(input.reminder_plan) : null,
      input.skip_reason ?? null,
    ],
  );
  return rows[0]!;
}

export async function getInvitation(db: Queryable, workspaceId: string, id: string) {
  const rows = await db.query<Invitation>(
    `SELECT ${COLUMNS} FROM invitation WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export async function getInvitationByToken(db: Queryable, token: string): Promise<Invitation | undefined> {
  const rows = await db.query<Invitation>(`SELECT ${COLUMNS} FROM invitation WHERE token = $1`, [token]);
  return rows[0];
}

/**
 * Records the first open of an invitation's email (its tracking pixel was fetched), only when its
 * workspace tracks opens and an email was sent (or is being sent). Later opens change nothing: the
 * first one stays. Returns whether this call recorded it.
 */
export async function recordInvitationOpen(db: Queryable, token: string, now: Date): Promise<boolean> {
  const rows = await db.query(
    `UPDATE invitation i SET opened_at = $2
     FROM workspace w
     WHERE i.token = $1 AND i.opened_at IS NULL AND i.status IN ('sending', 'sent')
       AND w.id = i.workspace_id AND w.track_opens
     RETURNING i.id`,
    [token, now],
  );
  return rows.length > 0;
}

export async function listInvitations(
  db: Queryable,
  workspaceId: string,
  filter: { survey_id?: string; contact_id?: string; event_id?: string },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Invitation[]> {
  return db.query<Invitation>(
    `SELECT ${COLUMNS} FROM invitation WHERE workspace_id = $1
       AND ($2::uuid IS NULL OR survey_id = $2) AND ($3::uuid IS NULL OR contact_id = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
       AND ($7::uuid IS NULL OR event_id = $7)
     ORDER BY created_at, id LIMIT $6`,
    [
      workspaceId,
      filter.survey_id ?? null,
      filter.contact_id ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
      filter.event_id ?? null,
    ],
  );
}

/**
 * The invitation a trigger rule creates for an event: queued (its send job is enqueued by the
 * caller in the same transaction) or skipped with its reason. Null when the event already has an
 * invitation of this survey (one event never sends the same survey twice).
 */
export async function createEventInvitation(
  db: Queryable,
  workspaceId: string,
  input: {
    survey_id: string;
    contact_id: string;
    event_id: string;
    expires_at: Date;
    status: 'queued' | 'skipped';
    send_at: Date | null;
    skip_reason: string | null;
    reminder_plan: ReminderPlan | null;
    created_at: Date;
  },
): Promise<Invitation | null> {
  const rows = await db.query<Invitation>(
    `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, send_at,
                             skip_reason, reminder_plan, event_id, created_at)
     VALUES ($1, $2, $3, $4, 'email', $5, $6, $7, $8, $9::jsonb, $10, date_trunc('milliseconds', $11::timestamptz))
     ON CONFLICT (event_id, survey_id) WHERE event_id IS NOT NULL DO NOTHING
     RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.survey_id,
      input.contact_id,
      newToken(),
      input.expires_at,
      input.status,
      input.send_at,
      input.skip_reason,
      input.reminder_plan ? JSON.stringify(input.reminder_plan) : null,
      input.event_id,
      input.created_at,
    ],
  );
  return rows[0] ?? null;
}
