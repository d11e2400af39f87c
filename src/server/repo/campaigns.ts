/**
 * Campaigns (migration 0007): a survey sent by email to an audience. SQL and nothing else; the
 * expansion into invitations is jobs/expand-campaign.ts.
 */
import type { Audience } from '../../core/audience';
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

/** Invitation counts of a campaign. */
export interface CampaignCounts {
  total: number;
  queued: number;
  sending: number;
  sent: number;
  bounced: number;
  failed: number;
  skipped: number;
  skipped_by_reason: Record<string, number>;
  answered: number;
}

const COUNTED = ['queued', 'sending', 'sent', 'bounced', 'failed', 'skipped'] as const;

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

/** Counts the campaign's invitations by status (and skip reason) and the answered ones, in one query. */
export async function campaignCounts(
  db: Queryable,
  workspaceId: string,
  campaignId: string,
): Promise<CampaignCounts> {
  const rows = await db.query<{ status: string; skip_reason: string | null; n: number; answered: number }>(
    `SELECT status, skip_reason, count(*)::int AS n, count(answered_at)::int AS answered
     FROM invitation WHERE campaign_id = $2 AND workspace_id = $1
     GROUP BY status, skip_reason`,
    [workspaceId, campaignId],
  );
  const counts: CampaignCounts = {
    total: 0,
    queued: 0,
    sending: 0,
    sent: 0,
    bounced: 0,
    failed: 0,
    skipped: 0,
    skipped_by_reason: {},
    answered: 0,
  };
  for (const row of rows) {
    counts.total += row.n;
    counts.answered += row.answered;
    if (row.status === 'skipped') {
      const reason = row.skip_reason ?? 'unknown';
      counts.skipped_by_reason[reason] = (counts.skipped_by_reason[reason] ?? 0) + row.n;
    }
    const status = row.status as (typeof COUNTED)[number];
    if (COUNTED.includes(status)) counts[status] += row.n;
  }
  return counts;
}
