/**
 * Autopilots (migration 0011): a survey on a relational cadence. SQL and nothing else; the
 * scheduler that turns them into invitations is jobs/autopilot-tick.ts.
 */
import type { Audience } from '../../core/audience';
import type { BusinessHours } from '../../core/business-hours';
import type { CadenceRule } from '../../core/cadence';
import type { ReminderPlan } from '../../core/reminders';
import type { Queryable } from '../db/port';
import type { CampaignFatigue } from './campaigns';

export type AutopilotStatus = 'active' | 'paused';

/** What one scheduler run did. */
export interface AutopilotRun {
  /** Contacts of the audience looked at. */
  contacts: number;
  /** Contacts due today (local) and not yet given their survey for that day. */
  due: number;
  /** Invitations queued for sending (maybe postponed by the fatigue rules). */
  queued: number;
  /** Invitations skipped by a rule (unsubscribed, bounced, recently surveyed, no email). */
  skipped: number;
}

export interface Autopilot {
  id: string;
  workspace_id: string;
  survey_id: string;
  name: string;
  cadence: CadenceRule;
  audience: Audience;
  business_hours: BusinessHours;
  reminders: ReminderPlan | null;
  fatigue: CampaignFatigue | null;
  status: AutopilotStatus;
  created_at: Date;
  updated_at: Date;
  last_run_at: Date | null;
  last_run: AutopilotRun | null;
}

export interface AutopilotSettings {
  name: string;
  cadence: CadenceRule;
  audience: Audience;
  business_hours: BusinessHours;
  reminders: ReminderPlan | null;
  fatigue: CampaignFatigue | null;
  status: AutopilotStatus;
}

const COLUMNS =
  'id, workspace_id, survey_id, name, cadence, audience, business_hours, reminders, fatigue, status, ' +
  'created_at, updated_at, last_run_at, last_run';

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export async function createAutopilot(
  db: Queryable,
  workspaceId: string,
  input: AutopilotSettings & { survey_id: string; created_at: Date },
): Promise<Autopilot> {
  const rows = await db.query<Autopilot>(
    `INSERT INTO autopilot (workspace_id, survey_id, name, cadence, audience, business_hours, reminders,
                            fatigue, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9,
             date_trunc('milliseconds', $10::timestamptz), date_trunc('milliseconds', $10::timestamptz))
     RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.survey_id,
      input.name,
      JSON.stringify(input.cadence),
      JSON.stringify(input.audience),
      JSON.stringify(input.business_hours),
      jsonOrNull(input.reminders),
      jsonOrNull(input.fatigue),
      input.status,
      input.created_at,
    ],
  );
  return rows[0]!;
}

export async function getAutopilot(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<Autopilot | undefined> {
  const rows = await db.query<Autopilot>(
    `SELECT ${COLUMNS} FROM autopilot WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

/** Replaces the settings given in `patch` (a null reminders/fatigue clears them). */
export async function updateAutopilot(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: Partial<AutopilotSettings>,
  now: Date,
): Promise<Autopilot | undefined> {
  const rows = await db.query<Autopilot>(
    `UPDATE autopilot SET
       name = coalesce($3, name),
       cadence = coalesce($4::jsonb, cadence),
       audience = coalesce($5::jsonb, audience),
       business_hours = coalesce($6::jsonb, business_hours),
       reminders = CASE WHEN $7::boolean THEN $8::jsonb ELSE reminders END,
       fatigue = CASE WHEN $9::boolean THEN $10::jsonb ELSE fatigue END,
       status = coalesce($11, status),
       updated_at = date_trunc('milliseconds', $12::timestamptz)
     WHERE workspace_id = $1 AND id = $2
     RETURNING ${COLUMNS}`,
    [
      workspaceId,
      id,
      patch.name ?? null,
      jsonOrNull(patch.cadence),
      jsonOrNull(patch.audience),
      jsonOrNull(patch.business_hours),
      patch.reminders !== undefined,
      jsonOrNull(patch.reminders),
      patch.fatigue !== undefined,
      jsonOrNull(patch.fatigue),
      patch.status ?? null,
      now,
    ],
  );
  return rows[0];
}

/** Deletes the autopilot; its invitations stay (history), detached from it. */
export async function deleteAutopilot(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db.query(`DELETE FROM autopilot WHERE workspace_id = $1 AND id = $2 RETURNING id`, [
    workspaceId,
    id,
  ]);
  return rows.length > 0;
}

export async function listAutopilots(
  db: Queryable,
  workspaceId: string,
  filter: { survey_id?: string; status?: AutopilotStatus },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Autopilot[]> {
  return db.query<Autopilot>(
    `SELECT ${COLUMNS} FROM autopilot WHERE workspace_id = $1
       AND ($2::uuid IS NULL OR survey_id = $2) AND ($3::text IS NULL OR status = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY created_at, id LIMIT $6`,
    [
      workspaceId,
      filter.survey_id ?? null,
      filter.status ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}

/** Records what a scheduler run did. */
export async function recordAutopilotRun(
  db: Queryable,
  id: string,
  run: AutopilotRun,
  at: Date,
): Promise<void> {
  await db.query(`UPDATE autopilot SET last_run_at = $2, last_run = $3::jsonb WHERE id = $1`, [
    id,
    at,
    JSON.stringify(run),
  ]);
}

/** Invitation counts of an autopilot: all time, and by delivery status. */
export async function autopilotCounts(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<{ total: number; queued: number; sent: number; skipped: number; answered: number }> {
  const rows = await db.query<{
    total: number;
    queued: number;
    sent: number;
    skipped: number;
    answered: number;
  }>(
    `SELECT count(*)::int AS total,
            count(*) FILTER (WHERE status IN ('queued', 'sending'))::int AS queued,
            count(*) FILTER (WHERE status = 'sent')::int AS sent,
            count(*) FILTER (WHERE status = 'skipped')::int AS skipped,
            count(answered_at)::int AS answered
     FROM invitation WHERE workspace_id = $1 AND autopilot_id = $2`,
    [workspaceId, id],
  );
  return rows[0]!;
}
