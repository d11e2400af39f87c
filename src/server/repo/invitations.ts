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
  sent_at: Date | null;
  delivery_error: string | null;
  skip_reason: string | null;
  /** Reminders of an unanswered email invitation (migration 0008); null: none. */
  reminder_plan: ReminderPlan | null;
  reminders_sent: number;
  last_reminded_at: Date | null;
}

export const INVITATION_STATUSES = [
  'created',
  'queued',
  'sending',
  'sent',
  'bounced',
  'skipped',
  'failed',
] as const;
export type InvitationStatus = (typeof INVITATION_STATUSES)[number];

const COLUMNS =
  'id, workspace_id, survey_id, contact_id, token, channel, expires_at, answered_at, created_at, ' +
  'status, send_at, message_id, sending_at, sent_at, delivery_error, skip_reason, ' +
  'reminder_plan, reminders_sent, last_reminded_at';

export async function createInvitation(
  db: Queryable,
  workspaceId: string,
  input: {
    survey_id: string;
    contact_id: string;
    channel: string;
    expires_at: Date;
    /** 'queued' when a send job is enqueued with it (same transaction); default 'created'. */
    status?: 'created' | 'queued';
    send_at?: Date | null;
    /** The reminders after the email (with status 'queued'); null: none. */
    reminder_plan?: ReminderPlan | null;
  },
): Promise<Invitation> {
  const rows = await db.query<Invitation>(
    `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, send_at,
                             reminder_plan)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb) RETURNING ${COLUMNS}`,
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

export async function listInvitations(
  db: Queryable,
  workspaceId: string,
  filter: { survey_id?: string; contact_id?: string },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Invitation[]> {
  return db.query<Invitation>(
    `SELECT ${COLUMNS} FROM invitation WHERE workspace_id = $1
       AND ($2::uuid IS NULL OR survey_id = $2) AND ($3::uuid IS NULL OR contact_id = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY created_at, id LIMIT $6`,
    [
      workspaceId,
      filter.survey_id ?? null,
      filter.contact_id ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}
