import { type Category, categoryOf, scoreRangeOf } from '../../core/nps';
import type { Queryable } from '../db/port';
import { emitEvent } from '../webhooks/emit';
import { closeCaseAfterCorrection, toApiCase } from './cases';
import type { Attributes } from './contacts';

export interface ResponseRow {
  id: string;
  workspace_id: string;
  survey_id: string;
  contact_id: string | null;
  account_id: string | null;
  invitation_id: string | null;
  score: number;
  comment: string | null;
  locale: string | null;
  channel: string;
  attributes: Attributes;
  editable_until: Date | null;
  /** May the comment be quoted publicly (migration 0017); null: not asked or not answered. */
  testimonial_consent: boolean | null;
  /** When `testimonial_consent` was given or last changed. */
  testimonial_consent_at: Date | null;
  day: string;
  created_at: Date;
  updated_at: Date;
}

export type ApiResponse = Omit<ResponseRow, 'workspace_id'> & { category: Category };

const COLUMN_NAMES = [
  'id',
  'workspace_id',
  'survey_id',
  'contact_id',
  'account_id',
  'invitation_id',
  'score',
  'comment',
  'locale',
  'channel',
  'attributes',
  'editable_until',
  'testimonial_consent',
  'testimonial_consent_at',
  'created_at',
  'updated_at',
];
/** The selected columns, qualified by `alias` when given; `day` as 'YYYY-MM-DD' text. */
const columns = (alias = '') => {
  const p = alias ? `${alias}.` : '';
  return [...COLUMN_NAMES.map((c) => p + c), `${p}day::text AS day`].join(', ');
};
const COLUMNS = columns();

export function toApiResponse(row: ResponseRow): ApiResponse {
  const { workspace_id: _, ...rest } = row;
  return { ...rest, category: categoryOf(row.score) };
}

/**
 * The attribute snapshot a response keeps, in SQL over the aliases `c` (contact), `a` (account)
 * and `u` (the incoming row with its `properties`): contact attributes, then account attributes as
 * `account.*`, then the response's own properties, later ones winning.
 */
export const ATTRIBUTE_SNAPSHOT_SQL = `coalesce(c.attributes, '{}'::jsonb)
  || coalesce((SELECT jsonb_object_agg('account.' || e.key, e.value) FROM jsonb_each(a.attributes) e), '{}'::jsonb)
  || u.properties`;

/** A response ready to store: contact resolved, values validated. */
export interface NewResponse {
  workspace_id: string;
  survey_id: string;
  contact_id: string | null;
  invitation_id: string | null;
  score: number;
  comment: string | null;
  locale: string | null;
  channel: string;
  /** The response's own properties; merged over the contact's and account's attributes. */
  properties: Attributes;
  idempotency_key: string | null;
  edit_token: string | null;
  editable_until: Date | null;
  created_at: Date;
  /**
   * The answer to the testimonial-consent question. Stored only for a promoter (9-10) of a survey
   * that asks it (`survey.ask_testimonial_consent`), else NULL; absent: NULL (not answered).
   */
  testimonial_consent?: boolean | null;
}

export interface InsertedResponse {
  id: string;
  /** False when an equal idempotency key, invitation or edit token already had a response. */
  inserted: boolean;
  /** As stored (for a duplicate: the existing row's), after the promoter-only rule. */
  testimonial_consent: boolean | null;
  testimonial_consent_at: Date | null;
}

/**
 * SQL of the consent a response keeps: `value` only if the survey asks it (`ask`) and `score` is
 * a promoter's, else NULL. The same rule as core/survey-texts.ts `asksConsentAt`.
 */
const consentSql = (ask: string, score: string, value: string) =>
  `CASE WHEN ${ask} AND ${score} >= 9 THEN ${value} END`;

/**
 * Inserts many responses in ONE statement and keeps the rollups (daily, attribute daily and
 * attribute monthly) current in it. The attribute
 * snapshot (contact attributes, account attributes as `account.*`, then the response's own
 * properties) and the local day are computed by the database, so no lookup happens per request.
 * Rollup rows are upserted in key order so concurrent writers lock them in the same order.
 */
export async function insertResponses(
  db: Queryable,
  items: readonly NewResponse[],
): Promise<InsertedResponse[]> {
  if (items.length === 0) return [];
  const rows = await db.query<{ id: string; ord: number } & StoredConsent>(
    `WITH u AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::uuid[], $4::uuid[], $5::int[], $6::text[], $7::text[],
         $8::text[], $9::jsonb[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[], $14::int[],
         $15::boolean[])
       AS u(workspace_id, survey_id, contact_id, invitation_id, score, comment, locale, channel, properties,
         idempotency_key, edit_token, editable_until, created_at, ord, testimonial_consent)
     ), ins AS (
       INSERT INTO response (id, workspace_id, survey_id, contact_id, account_id, invitation_id, score, comment, locale,
         channel, attributes, idempotency_key, edit_token, editable_until, day, created_at, updated_at,
         testimonial_consent, testimonial_consent_at)
       SELECT gen_random_uuid(), u.workspace_id, u.survey_id, c.id, c.account_id, u.invitation_id, u.score, u.comment,
         u.locale, u.channel,
         ${ATTRIBUTE_SNAPSHOT_SQL},
         u.idempotency_key, u.edit_token, u.editable_until, (u.created_at AT TIME ZONE w.time_zone)::date,
         u.created_at, u.created_at,
         ${consentSql('s.ask_testimonial_consent', 'u.score', 'u.testimonial_consent')},
         CASE WHEN ${consentSql('s.ask_testimonial_consent', 'u.score', 'u.testimonial_consent')} IS NOT NULL
           THEN u.created_at END
       FROM u
       JOIN workspace w ON w.id = u.workspace_id
       -- The survey only for its consent setting (no survey of this workspace: no consent kept).
       LEFT JOIN survey s ON s.id = u.survey_id AND s.workspace_id = u.workspace_id
       LEFT JOIN contact c ON c.id = u.contact_id AND c.workspace_id = u.workspace_id
       LEFT JOIN account a ON a.id = c.account_id
       ORDER BY u.ord
       ON CONFLICT DO NOTHING
       RETURNING id, workspace_id, survey_id, day, channel, score, attributes, idempotency_key, invitation_id, edit_token,
         testimonial_consent, testimonial_consent_at
     ), answered AS (
       UPDATE invitation i SET answered_at = coalesce(i.answered_at, now())
       FROM ins WHERE i.id = ins.invitation_id
     ), daily AS (
       INSERT INTO response_daily (workspace_id, day, survey_id, channel, score, count)
       SELECT workspace_id, day, survey_id, channel, score, count(*) FROM ins
       GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
       ON CONFLICT (workspace_id, day, survey_id, channel, score)
       DO UPDATE SET count = response_daily.count + excluded.count
     ), by_attribute AS (
       INSERT INTO response_attribute_daily (workspace_id, key, day, survey_id, value, score, count)
       SELECT ins.workspace_id, kv.key, ins.day, ins.survey_id, kv.value, ins.score, count(*)
       FROM ins JOIN workspace w ON w.id = ins.workspace_id
       CROSS JOIN LATERAL jsonb_each_text(ins.attributes) kv
       WHERE kv.value IS NOT NULL AND kv.key = ANY(w.segment_attributes)
       GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (workspace_id, key, day, survey_id, value, score)
       DO UPDATE SET count = response_attribute_daily.count + excluded.count
     ), by_attribute_month AS (
       INSERT INTO response_attribute_monthly (workspace_id, key, month, survey_id, value, score, count)
       SELECT ins.workspace_id, kv.key, date_trunc('month', ins.day::timestamp)::date, ins.survey_id, kv.value,
         ins.score, count(*)
       FROM ins JOIN workspace w ON w.id = ins.workspace_id
       CROSS JOIN LATERAL jsonb_each_text(ins.attributes) kv
       WHERE kv.value IS NOT NULL AND kv.key = ANY(w.segment_attributes)
       GROUP BY 1, 2, 3, 4, 5, 6 ORDER BY 1, 2, 3, 4, 5, 6
       ON CONFLICT (workspace_id, key, month, survey_id, value, score)
       DO UPDATE SET count = response_attribute_monthly.count + excluded.count
     )
     -- Three equi-joins (hash-joinable) rather than one join on an OR, which is quadratic in the batch.
     SELECT ins.id, u.ord, ins.testimonial_consent, ins.testimonial_consent_at
       FROM ins JOIN u ON ins.idempotency_key = u.idempotency_key AND ins.workspace_id = u.workspace_id
     UNION SELECT ins.id, u.ord, ins.testimonial_consent, ins.testimonial_consent_at
       FROM ins JOIN u ON ins.invitation_id = u.invitation_id
     UNION SELECT ins.id, u.ord, ins.testimonial_consent, ins.testimonial_consent_at
       FROM ins JOIN u ON ins.edit_token = u.edit_token`,
    columnsOf(items),
  );
  // Two items of one batch with the same key make one row, which joins back to both: only the
  // first (the one inserted, rows go in by ord) is new; the other is a duplicate of it.
  const firstOrdOf = new Map<string, number>();
  for (const r of rows) firstOrdOf.set(r.id, Math.min(r.ord, firstOrdOf.get(r.id) ?? r.ord));
  const byOrd = new Map([...firstOrdOf].map(([id, ord]) => [ord, id]));
  const consentOf = new Map(rows.map((r) => [r.id, r]));
  const result: InsertedResponse[] = [];
  const missing: number[] = [];
  items.forEach((_, i) => {
    const id = byOrd.get(i);
    if (id) result[i] = { id, inserted: true, ...storedConsent(consentOf.get(id)!) };
    else missing.push(i);
  });
  // Every item without a returned row either lost to an existing duplicate or had no key to
  // match it back; the latter cannot happen because the writer gives every item a key.
  if (missing.length > 0) {
    const existing = await findExisting(
      db,
      missing.map((i) => items[i]!),
    );
    for (const [j, i] of missing.entries()) result[i] = { ...existing[j]!, inserted: false };
  }
  return result;
}

type StoredConsent = Pick<ResponseRow, 'testimonial_consent' | 'testimonial_consent_at'>;

const storedConsent = (row: StoredConsent): StoredConsent => ({
  testimonial_consent: row.testimonial_consent,
  testimonial_consent_at: row.testimonial_consent_at,
});

function columnsOf(items: readonly NewResponse[]) {
  return [
    items.map((r) => r.workspace_id),
    items.map((r) => r.survey_id),
    items.map((r) => r.contact_id),
    items.map((r) => r.invitation_id),
    items.map((r) => r.score),
    items.map((r) => r.comment),
    items.map((r) => r.locale),
    items.map((r) => r.channel),
    items.map((r) => JSON.stringify(r.properties)),
    items.map((r) => r.idempotency_key),
    items.map((r) => r.edit_token),
    items.map((r) => r.editable_until),
    items.map((r) => r.created_at),
    items.map((_, i) => i),
    items.map((r) => r.testimonial_consent ?? null),
  ];
}

async function findExisting(
  db: Queryable,
  items: readonly NewResponse[],
): Promise<({ id: string } & StoredConsent)[]> {
  const found: ({ id: string } & StoredConsent)[] = [];
  for (const item of items) {
    const rows = await db.query<{ id: string } & StoredConsent>(
      `SELECT id, testimonial_consent, testimonial_consent_at FROM response WHERE
         ($2::text IS NOT NULL AND workspace_id = $1 AND idempotency_key = $2)
         OR ($3::uuid IS NOT NULL AND invitation_id = $3)
         OR ($4::text IS NOT NULL AND edit_token = $4)
       LIMIT 1`,
      [item.workspace_id, item.idempotency_key, item.invitation_id, item.edit_token],
    );
    if (!rows[0]) throw new Error('response neither inserted nor found: it has no unique key');
    found.push({ id: rows[0].id, ...storedConsent(rows[0]) });
  }
  return found;
}

export async function getResponse(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<ResponseRow | undefined> {
  const rows = await db.query<ResponseRow>(
    `SELECT ${COLUMNS} FROM response WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export async function getResponseByInvitation(db: Queryable, invitationId: string) {
  const rows = await db.query<ResponseRow>(`SELECT ${COLUMNS} FROM response WHERE invitation_id = $1`, [
    invitationId,
  ]);
  return rows[0];
}

export async function getResponseByEditToken(db: Queryable, editToken: string) {
  const rows = await db.query<ResponseRow>(`SELECT ${COLUMNS} FROM response WHERE edit_token = $1`, [
    editToken,
  ]);
  return rows[0];
}

/** What {@link updateResponse} may change; undefined fields stay as they are. */
export interface ResponsePatch {
  score?: number;
  comment?: string | null;
  /**
   * The answer to the testimonial-consent question; kept only if the survey asks it and the
   * (new) score is a promoter's. Whatever is given, a score below 9 clears the stored consent.
   */
  testimonial_consent?: boolean | null;
}

/**
 * Changes a response's score, comment and/or testimonial consent; a score change moves its counts
 * between rollup rows in the same transaction. `testimonial_consent_at` becomes now() whenever
 * the stored consent changes to true or false. Call inside a transaction.
 */
export async function updateResponse(
  tx: Queryable,
  workspaceId: string,
  id: string,
  patch: ResponsePatch,
): Promise<ResponseRow | undefined> {
  const before = (
    await tx.query<ResponseRow>(
      `SELECT ${COLUMNS} FROM response WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
      [workspaceId, id],
    )
  )[0];
  if (!before) return undefined;
  // n: the new values (the consent after the promoter-only rule), computed once per row.
  const rows = await tx.query<ResponseRow>(
    `WITH n AS (
       SELECT r.id, coalesce($3::int, r.score) AS score,
         CASE
           WHEN coalesce($3::int, r.score) < 9 THEN NULL
           WHEN $6::boolean THEN ${consentSql('s.ask_testimonial_consent', 'coalesce($3::int, r.score)', '$7::boolean')}
           ELSE r.testimonial_consent
         END AS testimonial_consent
       FROM response r JOIN survey s ON s.id = r.survey_id
       WHERE r.workspace_id = $1 AND r.id = $2
     )
     UPDATE response SET score = n.score,
       comment = CASE WHEN $4::boolean THEN $5 ELSE comment END,
       testimonial_consent_at = CASE
         WHEN n.testimonial_consent IS NULL THEN NULL
         WHEN n.testimonial_consent IS DISTINCT FROM response.testimonial_consent THEN now()
         ELSE response.testimonial_consent_at
       END,
       testimonial_consent = n.testimonial_consent,
       updated_at = now()
     FROM n WHERE response.id = n.id RETURNING ${columns('response')}`,
    [
      workspaceId,
      id,
      patch.score ?? null,
      patch.comment !== undefined,
      patch.comment ?? null,
      patch.testimonial_consent !== undefined,
      patch.testimonial_consent ?? null,
    ],
  );
  const after = rows[0]!;
  if (after.score !== before.score) await moveRollupCount(tx, before, after.score);
  await emitEvent(tx, workspaceId, 'response.updated', { response: toApiResponse(after) });
  const now = new Date();
  const closed = await closeCaseAfterCorrection(tx, workspaceId, after, before.score, now);
  if (closed) await emitEvent(tx, workspaceId, 'case.closed', { case: toApiCase(closed, now) }, { now });
  return after;
}

/** The responses with these ids (any workspace; the caller knows them), in no particular order. */
export async function getResponsesByIds(db: Queryable, ids: readonly string[]): Promise<ResponseRow[]> {
  if (ids.length === 0) return [];
  return db.query<ResponseRow>(`SELECT ${COLUMNS} FROM response WHERE id = ANY($1::uuid[])`, [ids]);
}

async function moveRollupCount(tx: Queryable, row: ResponseRow, newScore: number): Promise<void> {
  const params = [row.workspace_id, row.day, row.survey_id, row.channel];
  await tx.query(
    `UPDATE response_daily SET count = count - 1
     WHERE workspace_id = $1 AND day = $2 AND survey_id = $3 AND channel = $4 AND score = $5`,
    [...params, row.score],
  );
  await tx.query(
    `INSERT INTO response_daily (workspace_id, day, survey_id, channel, score, count) VALUES ($1, $2, $3, $4, $5, 1)
     ON CONFLICT (workspace_id, day, survey_id, channel, score) DO UPDATE SET count = response_daily.count + 1`,
    [...params, newScore],
  );
  const attributeParams = [row.workspace_id, row.day, row.survey_id, JSON.stringify(row.attributes)];
  await tx.query(
    `UPDATE response_attribute_daily r SET count = r.count - 1
     FROM workspace w, jsonb_each_text($4::jsonb) kv
     WHERE w.id = $1 AND kv.key = ANY(w.segment_attributes) AND kv.value IS NOT NULL
       AND r.workspace_id = $1 AND r.key = kv.key AND r.day = $2 AND r.survey_id = $3 AND r.value = kv.value AND r.score = $5`,
    [...attributeParams, row.score],
  );
  await tx.query(
    `INSERT INTO response_attribute_daily (workspace_id, key, day, survey_id, value, score, count)
     SELECT $1, kv.key, $2, $3, kv.value, $5, 1 FROM workspace w, jsonb_each_text($4::jsonb) kv
     WHERE w.id = $1 AND kv.key = ANY(w.segment_attributes) AND kv.value IS NOT NULL
     ORDER BY kv.key
     ON CONFLICT (workspace_id, key, day, survey_id, value, score) DO UPDATE SET count = response_attribute_daily.count + 1`,
    [...attributeParams, newScore],
  );
  await tx.query(
    `UPDATE response_attribute_monthly r SET count = r.count - 1
     FROM workspace w, jsonb_each_text($4::jsonb) kv
     WHERE w.id = $1 AND kv.key = ANY(w.segment_attributes) AND kv.value IS NOT NULL
       AND r.workspace_id = $1 AND r.key = kv.key AND r.month = date_trunc('month', $2::date::timestamp)::date
       AND r.survey_id = $3 AND r.value = kv.value AND r.score = $5`,
    [...attributeParams, row.score],
  );
  await tx.query(
    `INSERT INTO response_attribute_monthly (workspace_id, key, month, survey_id, value, score, count)
     SELECT $1, kv.key, date_trunc('month', $2::date::timestamp)::date, $3, kv.value, $5, 1
     FROM workspace w, jsonb_each_text($4::jsonb) kv
     WHERE w.id = $1 AND kv.key = ANY(w.segment_attributes) AND kv.value IS NOT NULL
     ORDER BY kv.key
     ON CONFLICT (workspace_id, key, month, survey_id, value, score) DO UPDATE SET count = response_attribute_monthly.count + 1`,
    [...attributeParams, newScore],
  );
}

/** The filter shared by response listing, export and metrics. Days are local to the workspace. */
export interface ResponseFilter {
  survey_id?: string[];
  /** The journey stages of the responses' surveys (loyalty, onboarding, service …). */
  journey_stage?: string[];
  from?: string;
  to?: string;
  category?: Category[];
  score?: number[];
  channel?: string[];
  contact_id?: string;
  account_id?: string;
  /** Exact matches on the response's attribute snapshot, e.g. { plan: 'pro', 'account.tier': 'gold' }. */
  attributes?: Record<string, string>;
  has_comment?: boolean;
  /**
   * Full-text search in comments (`websearch_to_tsquery` syntax: words, "a phrase", or, -word),
   * stemmed in each response's language (migration 0020).
   */
  q?: string;
}

/**
 * Whether a response's comment is German for full-text search; the same expression as the
 * generated column `comment_tsv` (migration 0020). Anything else is searched as English.
 */
export const COMMENT_LANGUAGE_IS_GERMAN = (alias: string) => `coalesce(${alias}.locale, '') LIKE 'de%'`;

/** Appends the WHERE conditions of a filter to `params` and returns the SQL (alias `r`). */
export function whereOf(workspaceId: string, filter: ResponseFilter, params: unknown[]): string {
  const add = (value: unknown) => {
    params.push(value);
    return `$${params.length}`;
  };
  const conditions = [`r.workspace_id = ${add(workspaceId)}`];
  if (filter.survey_id?.length) conditions.push(`r.survey_id = ANY(${add(filter.survey_id)}::uuid[])`);
  if (filter.journey_stage?.length) conditions.push(journeyStageCondition('r', add(filter.journey_stage)));
  if (filter.from) conditions.push(`r.day >= ${add(filter.from)}::date`);
  if (filter.to) conditions.push(`r.day <= ${add(filter.to)}::date`);
  const scores = scoresOf(filter);
  if (scores) conditions.push(`r.score = ANY(${add(scores)}::int[])`);
  if (filter.channel?.length) conditions.push(`r.channel = ANY(${add(filter.channel)}::text[])`);
  if (filter.contact_id) conditions.push(`r.contact_id = ${add(filter.contact_id)}::uuid`);
  if (filter.account_id) conditions.push(`r.account_id = ${add(filter.account_id)}::uuid`);
  if (filter.attributes && Object.keys(filter.attributes).length > 0) {
    // Attributes are stored as JSON scalars; compare as text so "5" matches 5 and true matches "true".
    for (const [key, value] of Object.entries(filter.attributes)) {
      conditions.push(`r.attributes ->> ${add(key)} = ${add(value)}`);
    }
  }
  if (filter.has_comment !== undefined) {
    conditions.push(filter.has_comment ? "coalesce(r.comment, '') <> ''" : "coalesce(r.comment, '') = ''");
  }
  if (filter.q !== undefined) {
    // The query is parsed in the comment's language. Two indexable branches rather than a CASE
    // (which no index can answer): the GIN index serves each, a bitmap OR combines them.
    const q = add(filter.q);
    const german = COMMENT_LANGUAGE_IS_GERMAN('r');
    conditions.push(
      `((${german} AND r.comment_tsv @@ websearch_to_tsquery('german'::regconfig, ${q}::text))
        OR (NOT ${german} AND r.comment_tsv @@ websearch_to_tsquery('english'::regconfig, ${q}::text)))`,
    );
  }
  return conditions.join(' AND ');
}

/** The journey-stage filter on a table with `survey_id` (responses and the rollups alike). */
export const journeyStageCondition = (alias: string, param: string) =>
  `${alias}.survey_id IN (SELECT s.id FROM survey s WHERE s.workspace_id = ${alias}.workspace_id
     AND s.journey_stage = ANY(${param}::text[]))`;

/** Category and score filters intersect into one list of allowed scores (undefined: all). */
export function scoresOf(filter: Pick<ResponseFilter, 'category' | 'score'>): number[] | undefined {
  if (!filter.category?.length && !filter.score?.length) return undefined;
  let allowed = Array.from({ length: 11 }, (_, s) => s);
  if (filter.category?.length) {
    const ranges = filter.category.map(scoreRangeOf);
    allowed = allowed.filter((s) => ranges.some((r) => s >= r.min && s <= r.max));
  }
  if (filter.score?.length) allowed = allowed.filter((s) => filter.score!.includes(s));
  return allowed;
}

/** Newest first, keyset-paginated on (created_at, id). */
export async function listResponses(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
  page: { before?: { created_at: string; id: string }; limit: number },
): Promise<ResponseRow[]> {
  const params: unknown[] = [];
  let where = whereOf(workspaceId, filter, params);
  if (page.before) {
    params.push(page.before.created_at, page.before.id);
    where += ` AND (r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(page.limit);
  return db.query<ResponseRow>(
    `SELECT ${columns('r')} FROM response r WHERE ${where}
     ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
    params as never,
  );
}
