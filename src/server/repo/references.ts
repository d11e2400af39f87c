import type { Queryable } from '../db/port';

export interface References {
  survey_id?: readonly string[];
  contact_id?: string;
  account_id?: string;
}

/**
 * Which of the named surveys, contact and account are NOT in the workspace, in one round trip.
 * Returns the first missing reference's field name, or null when all exist.
 */
export async function findMissingReference(
  db: Queryable,
  workspaceId: string,
  refs: References,
): Promise<'survey_id' | 'contact_id' | 'account_id' | null> {
  const surveys = [...new Set(refs.survey_id ?? [])];
  if (surveys.length === 0 && !refs.contact_id && !refs.account_id) return null;
  const rows = await db.query<{ surveys: number; contact: boolean; account: boolean }>(
    `SELECT
       (SELECT count(*)::int FROM survey WHERE workspace_id = $1 AND id = ANY($2::uuid[])) AS surveys,
       ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM contact WHERE workspace_id = $1 AND id = $3)) AS contact,
       ($4::uuid IS NULL OR EXISTS (SELECT 1 FROM account WHERE workspace_id = $1 AND id = $4)) AS account`,
    [workspaceId, surveys, refs.contact_id ?? null, refs.account_id ?? null],
  );
  const row = rows[0]!;
  if (row.surveys !== surveys.length) return 'survey_id';
  if (!row.contact) return 'contact_id';
  if (!row.account) return 'account_id';
  return null;
}
