/**
 * The response rate of invitations: of the survey emails delivered in a period (status `sent`,
 * `sent_at` on a local day of the workspace between `from` and `to`), how many were answered (by
 * any channel, at any time since). Answers that came without an invitation (the widget, a public
 * link, the API) have no denominator and are not part of it.
 */
import type { Queryable } from '../db/port';

export interface ResponseRate {
  delivered: number;
  answered: number;
  /** answered ÷ delivered, null when nothing was delivered. */
  response_rate: number | null;
}

export async function responseRate(
  db: Queryable,
  workspaceId: string,
  filter: { from?: string; to?: string; survey_id?: string[]; channel?: string[] },
): Promise<ResponseRate> {
  const rows = await db.query<{ delivered: number; answered: number }>(
    // The local days become instants once, so the index on (workspace_id, sent_at) answers.
    `WITH bounds AS (
       SELECT ($2::date)::timestamp AT TIME ZONE time_zone AS lo,
              ($3::date + 1)::timestamp AT TIME ZONE time_zone AS hi
       FROM workspace WHERE id = $1)
     SELECT count(*)::int AS delivered, count(i.answered_at)::int AS answered
     FROM invitation i, bounds b
     WHERE i.workspace_id = $1 AND i.status = 'sent'
       AND ($2::date IS NULL OR i.sent_at >= b.lo)
       AND ($3::date IS NULL OR i.sent_at < b.hi)
       AND ($4::uuid[] IS NULL OR i.survey_id = ANY($4::uuid[]))
       AND ($5::text[] IS NULL OR i.channel = ANY($5::text[]))`,
    [workspaceId, filter.from ?? null, filter.to ?? null, filter.survey_id ?? null, filter.channel ?? null],
  );
  const { delivered, answered } = rows[0]!;
  return { delivered, answered, response_rate: delivered === 0 ? null : answered / delivered };
}
