import type { Queryable } from '../db/port';
import { ATTRIBUTE_SNAPSHOT_SQL, type NewResponse } from './responses';

/**
 * The bulk path of an atomic CSV import, inside its one transaction. Rows are inserted by a
 * leaner statement than `insertResponses` (no invitation or edit token to answer, no ids to match
 * back) that also notes the new ids in a temporary table; the rollups are added once at the end
 * from those rows. A million responses over two years touch nearly as many rollup rows as there
 * are responses, so upserting the real rollups per batch cost as much as the inserts; summing per
 * batch does not shrink such data either (5,000 rows give about as many groups) and costs memory.
 * Nobody sees the rows before the transaction commits, so adding the counts at its end is
 * equivalent.
 */
export class ImportRollups {
  /** Inserts one batch (duplicates by idempotency key are skipped); returns how many rows were new. */
  async insert(tx: Queryable, workspaceId: string, items: readonly NewResponse[]): Promise<number> {
    if (items.length === 0) return 0;
    await this.start(tx);
    const rows = await tx.query<{ n: number }>(
      `WITH u AS (
         SELECT * FROM unnest($2::uuid[], $3::uuid[], $4::int[], $5::text[], $6::text[], $7::text[], $8::jsonb[],
           $9::text[], $10::timestamptz[])
         AS u(survey_id, contact_id, score, comment, locale, channel, properties, idempotency_key, created_at)
       ), ins AS (
         INSERT INTO response (id, workspace_id, survey_id, contact_id, account_id, score, comment, locale, channel,
           attributes, idempotency_key, day, created_at, updated_at)
         SELECT gen_random_uuid(), w.id, u.survey_id, c.id, c.account_id, u.score, u.comment, u.locale, u.channel,
           ${ATTRIBUTE_SNAPSHOT_SQL},
           u.idempotency_key, (u.created_at AT TIME ZONE w.time_zone)::date, u.created_at, u.created_at
         FROM u JOIN workspace w ON w.id = $1
         LEFT JOIN contact c ON c.id = u.contact_id AND c.workspace_id = w.id
         LEFT JOIN account a ON a.id = c.account_id
         ON CONFLICT DO NOTHING
         RETURNING id
       ), noted AS (
         INSERT INTO plaudit_imported (id) SELECT id FROM ins
       )
       SELECT count(*)::int AS n FROM ins`,
      [
        workspaceId,
        items.map((r) => r.survey_id),
        items.map((r) => r.contact_id),
        items.map((r) => r.score),
        items.map((r) => r.comment),
        items.map((r) => r.locale),
        items.map((r) => r.channel),
        items.map((r) => JSON.stringify(r.properties)),
        items.map((r) => r.idempotency_key),
        items.map((r) => r.created_at),
      ],
    );
    return rows[0]!.n;
  }

  /** Adds the imported rows to the rollups, in key order (the order in which every writer locks). */
  async flush(tx: Queryable, workspaceId: string): Promise<void> {
    await this.start(tx);
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
    await tx.query(
      `INSERT INTO response_attribute_monthly (workspace_id, key, month, survey_id, value, score, count)
       SELECT r.workspace_id, kv.key, date_trunc('month', r.day::timestamp)::date, r.survey_id, kv.value, r.score,
         count(*)
       FROM plaudit_imported i JOIN response r ON r.id = i.id
       JOIN workspace w ON w.id = r.workspace_id
       CROSS JOIN LATERAL jsonb_each_text(r.attributes) kv
       WHERE r.workspace_id = $1 AND kv.value IS NOT NULL AND kv.key = ANY(w.segment_attributes)
       GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (workspace_id, key, month, survey_id, value, score)
       DO UPDATE SET count = response_attribute_monthly.count + excluded.count`,
      [workspaceId],
    );
    await tx.query('DROP TABLE plaudit_imported');
  }

  /** Per batch, not once: a batch refused under its savepoint takes a table it created with it. */
  private async start(tx: Queryable): Promise<void> {
    await tx.query('CREATE TEMP TABLE IF NOT EXISTS plaudit_imported (id uuid NOT NULL) ON COMMIT DROP');
  }
}
