/**
 * The attributes the responses of a workspace carry (their snapshot of contact and account
 * attributes and their own properties), with how often each appears and its most frequent values:
 * what the dashboard offers in its attribute filters and segment pickers. Read from the newest
 * `SAMPLE` responses, so it stays fast on ten million rows; rare keys of old responses may be
 * missing, which is why the pickers also take a typed name.
 */
import type { Queryable } from '../db/port';

export const ATTRIBUTE_SAMPLE = 20_000;
const VALUES_PER_KEY = 20;

export interface AttributeInfo {
  key: string;
  /** Responses of the sample that have it. */
  count: number;
  /** The most frequent values (at most 20) with their counts, most frequent first. */
  values: { value: string; count: number }[];
  /** Whether it is one of the workspace's segment attributes (rolled up: fast breakdowns). */
  rolled_up: boolean;
}

export async function attributeCatalog(
  db: Queryable,
  workspaceId: string,
): Promise<{ sample: number; attributes: AttributeInfo[] }> {
  const rows = await db.query<{ key: string; value: string | null; n: number; sample: number }>(
    `WITH recent AS (
       SELECT attributes FROM response WHERE workspace_id = $1
       ORDER BY created_at DESC LIMIT ${ATTRIBUTE_SAMPLE}),
     kv AS (SELECT e.key, e.value FROM recent, jsonb_each_text(recent.attributes) e)
     SELECT key, value, count(*)::int AS n, (SELECT count(*)::int FROM recent) AS sample
     FROM kv GROUP BY key, value ORDER BY key, n DESC, value`,
    [workspaceId],
  );
  const [ws] = await db.query<{ segment_attributes: string[] }>(
    'SELECT segment_attributes FROM workspace WHERE id = $1',
    [workspaceId],
  );
  const rolled = new Set(ws?.segment_attributes ?? []);
  const byKey = new Map<string, AttributeInfo>();
  for (const row of rows) {
    let info = byKey.get(row.key);
    if (!info) {
      info = { key: row.key, count: 0, values: [], rolled_up: rolled.has(row.key) };
      byKey.set(row.key, info);
    }
    info.count += row.n;
    if (row.value !== null && info.values.length < VALUES_PER_KEY)
      info.values.push({ value: row.value, count: row.n });
  }
  const attributes = [...byKey.values()].sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
  return { sample: rows[0]?.sample ?? 0, attributes };
}
