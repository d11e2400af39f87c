/**
 * Campaigns (migration 0007): a survey sent by email to an audience. SQL and nothing else; the
 * expansion into invitations is jobs/expand-campaign.ts.
 */
import type { Audience } from '../../core/audience';
import { INVITATION_STATES, type InvitationState } from '../../core/invitation-lifecycle';
import type { ReminderPlan } from '../../core/reminders';
import type { Queryable } from '../db/port';

export type CampaignStatus = 'queued' | 'expanding' | 'done' | 'cancelled';

/** The campaign's override of the fatigue policy, as the API names its fields. */
export interface CampaignFatigue {
  min_days_between?: number;
  on_blocked?: 'drop' | 'postpone';
}

export interface Campaign {
  id: string;
  workspace_id: string;
  survey_id: string;
  name: string;
  audience: Audience;
  send_at: Date;
  status: CampaignStatus;
  fatigue: CampaignFatigue | null;
  /** The reminder plan of its invitations; null: none (campaigns from before reminders existed). */
  reminders: ReminderPlan | null;
  created_at: Date;
  expanded_at: Date | null;
}

/** Invitation counts of a campaign, its response and open rates. */
export interface CampaignCounts {
  /** By delivery status (`invitation.status`). */
  total: number;
  queued: number;
  sending: number;
  sent: number;
  bounced: number;
  failed: number;
  skipped: number;
  skipped_by_reason: Record<string, number>;
  /** By lifecycle state (core/invitation-lifecycle.ts): each invitation once, the sum is `total`. */
  by_state: Record<InvitationState, number>;
  /** Invitations answered (by any channel). */
  answered: number;
  /** Invitations whose email was opened (the first open is recorded only under track_opens). */
  opened: number;
  /** Answered delivered invitations / delivered (status sent); null when none was delivered. */
  response_rate: number | null;
  /** Opened delivered invitations / delivered; null when none was delivered or opens are not tracked. */
  open_rate: number | null;
}

/**
 * The lifecycle state of an `invitation` row at the timestamptz `now`, in SQL: the precedence of
 * core/invitation-lifecycle.ts (`invitationState`), which an integration test checks it against.
 */
export function invitationStateSql(now: string): string {
  return `CASE
    WHEN answered_at IS NOT NULL THEN 'answered'
    WHEN status IN ('bounced', 'failed', 'skipped') THEN status
    WHEN expires_at <= ${now} THEN 'expired'
    WHEN reminders_sent > 0 THEN 'reminded'
    WHEN opened_at IS NOT NULL THEN 'opened'
    WHEN status = 'queued' THEN 'scheduled'
    ELSE status
  END`;
}

/** A share from 0 to 1 rounded to 4 decimals; null without a denominator. */
function rate(part: number, whole: number): number | null {
  return whole > 0 ? Math.round((part / whole) * 10_000) / 10_000 : null;
}

/** The delivery statuses counted one by one ('created' does not occur in a campaign). */
const STATUS_COUNTED = ['queued', 'sending', 'sent', 'bounced', 'failed', 'skipped'] as const;

const COLUMNS =
  'id, workspace_id, survey_id, name, audience, send_at, status, fatigue, reminders, created_at, expanded_at';

export async function createCampaign(
  db: Queryable,
  workspaceId: string,
  input: {
    survey_id: string;
    name: string;
    audience: Audience;
    send_at: Date;
    fatigue: CampaignFatigue | null;
    reminders: ReminderPlan | null;
    created_at: Date;
  },
): Promise<Campaign> {
  const rows = await db.query<Campaign>(
    `INSERT INTO campaign (workspace_id, survey_id, name, audience, send_at, fatigue, created_at, reminders)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6::jsonb, date_trunc('milliseconds', $7::timestamptz), $8::jsonb)
     RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.survey_id,
      input.name,
      JSON.stringify(input.audience),
      input.send_at,
      input.fatigue === null ? null : JSON.stringify(input.fatigue),
      input.created_at,
      input.reminders === null ? null : JSON.stringify(input.reminders),
    ],
  );
  return rows[0]!;
}

export async function getCampaign(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<Campaign | undefined> {
  const rows = await db.query<Campaign>(
    `SELECT ${COLUMNS} FROM campaign WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export async function listCampaigns(
  db: Queryable,
  workspaceId: string,
  filter: { survey_id?: string },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Campaign[]> {
  return db.query<Campaign>(
    `SELECT ${COLUMNS} FROM campaign WHERE workspace_id = $1
       AND ($2::uuid IS NULL OR survey_id = $2)
       AND ($3::timestamptz IS NULL OR (created_at, id) > ($3::timestamptz, $4::uuid))
     ORDER BY created_at, id LIMIT $5`,
    [
      workspaceId,
      filter.survey_id ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}

/**
 * Counts the campaign's invitations by delivery status (and skip reason) and by lifecycle state at
 * `now`, the answered and opened ones, and the rates, in one query. Delivered means status 'sent':
 * the email was accepted, whatever happened since (opened, reminded, answered, expired).
 */
export async function campaignCounts(
  db: Queryable,
  workspaceId: string,
  campaignId: string,
  now: Date,
): Promise<CampaignCounts> {
  const stateCounts = INVITATION_STATES.map(
    (state) => `count(*) FILTER (WHERE state = '${state}')::int AS "state_${state}"`,
  ).join(',\n            ');
  const rows = await db.query<
    Record<(typeof STATUS_COUNTED)[number] | 'total' | 'answered' | 'opened', number> &
      Record<`state_${InvitationState}`, number> & {
        delivered_answered: number;
        delivered_opened: number;
        skipped_by_reason: Record<string, number>;
        track_opens: boolean;
      }
  >(
    `SELECT count(*)::int AS total,
            ${STATUS_COUNTED.map((status) => `count(*) FILTER (WHERE status = '${status}')::int AS ${status}`).join(', ')},
            ${stateCounts},
            count(answered_at)::int AS answered,
            count(opened_at)::int AS opened,
            count(*) FILTER (WHERE status = 'sent' AND answered_at IS NOT NULL)::int AS delivered_answered,
            count(*) FILTER (WHERE status = 'sent' AND opened_at IS NOT NULL)::int AS delivered_opened,
            (SELECT coalesce(jsonb_object_agg(reason, n), '{}'::jsonb)
             FROM (SELECT coalesce(skip_reason, 'unknown') AS reason, count(*)::int AS n
                   FROM invitation WHERE campaign_id = $2 AND workspace_id = $1 AND status = 'skipped'
                   GROUP BY 1) r) AS skipped_by_reason,
            (SELECT track_opens FROM workspace WHERE id = $1) AS track_opens
     FROM (SELECT status, answered_at, opened_at, ${invitationStateSql('$3::timestamptz')} AS state
           FROM invitation WHERE campaign_id = $2 AND workspace_id = $1) i`,
    [workspaceId, campaignId, now],
  );
  const row = rows[0]!;
  const by_state = Object.fromEntries(
    INVITATION_STATES.map((state) => [state, row[`state_${state}`]]),
  ) as Record<InvitationState, number>;
  return {
    total: row.total,
    queued: row.queued,
    sending: row.sending,
    sent: row.sent,
    bounced: row.bounced,
    failed: row.failed,
    skipped: row.skipped,
    skipped_by_reason: row.skipped_by_reason,
    by_state,
    answered: row.answered,
    opened: row.opened,
    response_rate: rate(row.delivered_answered, row.sent),
    open_rate: row.track_opens ? rate(row.delivered_opened, row.sent) : null,
  };
}
