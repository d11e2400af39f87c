import type { Queryable } from '../db/port';

/**
 * Rollups for an atomic CSV import, added once for the whole file instead of once per batch: a
 * million responses spread over two years touch nearly as many rollup rows as there are responses,
 * so per-batch upserts cost as much as the inserts themselves. Nobody sees the rows before the
 * transaction commits, so adding them at its end is equivalent. Call everything inside that one
 * transaction: the id list is a temporary table dropped on commit.
 */
export async function recordImportedIds(tx: Queryable, ids: readonly string[]): Promise<void> {
  await tx.query('CREATE TEMP TABLE IF NOT EXISTS plaudit_imported (id uuid NOT NULL) ON COMMIT DROP');
  if (ids.length > 0) await tx.query('INSERT INTO plaudit_imported SELECT unnest($1::uuid[])', [ids]);
}

/** Adds the responses recorded by `recordImportedIds` to both rollups, in key order (lock order). */
export async function addImportedToRollups(tx: Queryable, workspaceId: string): Promise<void> {
  await tx.query('CREATE TEMP TABLE IF NOT EXISTS plaudit_imported (id uuid NOT NULL) ON COMMIT DROP');
  await tx.query(
    `INSERT INTO response_daily (workspace_id, day, survey_id, channel, score, count)
     SELECT r.workspace_id, r.day, r.survey_id, r.channel, r.score, count(*)
     FROM plaudit_imported i JOIN response r ON r.id = i.id
     WHERE r.workspace_id = $1
     GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
     ON CONFLICT (workspace_id, day, survey_id, channel, score)
     DO UPDATE SET count = response_daily.count + excluded.count`,
    [workspaceId],
  );
  await tx.query(
    `INSERT INTO response_attribute_daily (workspace_id, key, day, survey_id, value, score, count)
     SELECT r.workspace_id, kv.key, r.day, r.survey_id, kv.value, r.score, count(*)
     FROM plaudit_imported i JOIN response r ON r.id = i.id
     JOIN workspace w ON w.id = r.workspace_id
     CROSS JOIN LATERAL jsonb_each_text(r.attributes) kv
     WHERE r.workspace_id = $1 AND kv.value IS NOT NULL AND kv.key = ANY(w.segment_attributes)
     GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
     ON CONFLICT (workspace_id, key, day, survey_id, value, score)
     DO UPDATE SET count = response_attribute_daily.count + excluded.count`,
    [workspaceId],
  );
  await tx.query('DROP TABLE plaudit_imported');
}
