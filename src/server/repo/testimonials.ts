/**
 * Testimonials (migration 0030, core/testimonials.ts): the candidates (promoter responses with
 * consent and a comment) with the moderator's decision, the published ones of the widget, the
 * withdrawal link's target, the widget's settings. SQL and nothing else.
 */
import type { ItemType, TestimonialStatus } from '../../core/testimonials';
import type { Queryable } from '../db/port';
import type { Cursor } from '../http/schemas';

/** A candidate as the moderation API shows it. */
export interface TestimonialRow {
  id: string;
  survey_id: string;
  contact_id: string | null;
  contact_name: string | null;
  contact_email: string | null;
  score: number;
  comment: string;
  locale: string | null;
  created_at: Date;
  testimonial_consent: boolean | null;
  testimonial_consent_at: Date | null;
  /** The decision in force: `pending` when none, or when the comment changed since it was made. */
  status: TestimonialStatus;
  display_name: string | null;
  moderated_by: string | null;
  moderated_at: Date | null;
  approved_at: Date | null;
  withdraw_token_hash: string | null;
}

/** The candidate rule of core/testimonials.ts `isCandidate`, in SQL on `response r`. */
const CANDIDATE = `r.score >= 9 AND r.testimonial_consent = true AND btrim(coalesce(r.comment, '')) <> ''`;
const EFFECTIVE_STATUS = `CASE WHEN t.status IS NULL OR t.quote IS DISTINCT FROM r.comment THEN 'pending' ELSE t.status END`;

const SELECT_ROWS = `SELECT r.id, r.survey_id, r.contact_id, c.name AS contact_name, c.email AS contact_email, r.score,
    r.comment, r.locale, r.created_at, r.testimonial_consent, r.testimonial_consent_at, ${EFFECTIVE_STATUS} AS status, t.display_name,
    t.moderated_by, t.moderated_at, t.approved_at, t.withdraw_token_hash
  FROM response r
  LEFT JOIN testimonial t ON t.workspace_id = r.workspace_id AND t.response_id = r.id
  LEFT JOIN contact c ON c.id = r.contact_id`;

/** Candidates with status `status` (all when undefined), newest response first; `limit + 1` rows. */
export async function listTestimonials(
  db: Queryable,
  workspaceId: string,
  filter: { status?: TestimonialStatus; limit: number; cursor?: Cursor },
): Promise<TestimonialRow[]> {
  return db.query<TestimonialRow>(
    `SELECT * FROM (${SELECT_ROWS} WHERE r.workspace_id = $1 AND ${CANDIDATE}) x
     WHERE ($2::text IS NULL OR x.status = $2)
       AND ($3::timestamptz IS NULL OR (x.created_at, x.id) < ($3::timestamptz, $4::uuid))
     ORDER BY x.created_at DESC, x.id DESC LIMIT $5`,
    [
      workspaceId,
      filter.status ?? null,
      filter.cursor?.created_at ?? null,
      filter.cursor?.id ?? null,
      filter.limit + 1,
    ],
  );
}

/**
 * The response `id` of the workspace with its testimonial state (whether or not it is a candidate:
 * the caller checks), locked FOR UPDATE when `lock`, so concurrent decisions on it are serialised.
 */
export async function getTestimonial(
  db: Queryable,
  workspaceId: string,
  id: string,
  lock = false,
): Promise<TestimonialRow | undefined> {
  const rows = await db.query<TestimonialRow>(
    `${SELECT_ROWS}
     WHERE r.workspace_id = $1 AND r.id = $2${lock ? ' FOR UPDATE OF r' : ''}`,
    [workspaceId, id],
  );
  return rows[0];
}

export interface DecisionInput {
  status: TestimonialStatus;
  display_name: string | null;
  /** The comment the decision is made on. */
  quote: string;
  moderated_by: string | null;
  now: Date;
  /** Set on a new approval; kept otherwise. */
  approved_at?: Date | null;
  /** A new withdrawal token's hash; kept when undefined. */
  withdraw_token_hash?: string;
}

/** Records a decision (or a display name on a pending candidate), creating the row when needed. */
export async function saveDecision(
  db: Queryable,
  workspaceId: string,
  responseId: string,
  input: DecisionInput,
): Promise<void> {
  await db.query(
    `INSERT INTO testimonial (workspace_id, response_id, status, display_name, quote, moderated_by, moderated_at,
       approved_at, withdraw_token_hash, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $7, $7)
     ON CONFLICT (workspace_id, response_id) DO UPDATE SET status = excluded.status,
       display_name = excluded.display_name, quote = excluded.quote, moderated_by = excluded.moderated_by,
       moderated_at = excluded.moderated_at,
       approved_at = CASE WHEN $10 THEN excluded.approved_at ELSE testimonial.approved_at END,
       withdraw_token_hash = coalesce(excluded.withdraw_token_hash, testimonial.withdraw_token_hash),
       updated_at = excluded.updated_at`,
    [
      workspaceId,
      responseId,
      input.status,
      input.display_name,
      input.quote,
      input.moderated_by,
      input.now,
      input.approved_at ?? null,
      input.withdraw_token_hash ?? null,
      input.approved_at !== undefined,
    ],
  );
}

/** Notes when consent was withdrawn (the consent itself is the response's, see the caller). */
export async function markWithdrawn(
  db: Queryable,
  workspaceId: string,
  responseId: string,
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO testimonial (workspace_id, response_id, withdrawn_at, created_at, updated_at)
     VALUES ($1, $2, $3, $3, $3)
     ON CONFLICT (workspace_id, response_id) DO UPDATE SET
       withdrawn_at = coalesce(testimonial.withdrawn_at, excluded.withdrawn_at), updated_at = excluded.updated_at`,
    [workspaceId, responseId, now],
  );
}

/** The target of a withdrawal link. */
export interface WithdrawTarget {
  workspace_id: string;
  response_id: string;
  comment: string | null;
  display_name: string | null;
  testimonial_consent: boolean | null;
  withdrawn_at: Date | null;
  locale: string | null;
  contact_locale: string | null;
  workspace_name: string;
  default_locale: string;
}

export async function findWithdrawTarget(
  db: Queryable,
  tokenHash: string,
): Promise<WithdrawTarget | undefined> {
  const rows = await db.query<WithdrawTarget>(
    `SELECT t.workspace_id, t.response_id, r.comment, t.display_name, r.testimonial_consent, t.withdrawn_at,
       r.locale, c.locale AS contact_locale, w.name AS workspace_name, w.default_locale
     FROM testimonial t JOIN response r ON r.id = t.response_id AND r.workspace_id = t.workspace_id
     JOIN workspace w ON w.id = t.workspace_id LEFT JOIN contact c ON c.id = r.contact_id
     WHERE t.withdraw_token_hash = $1`,
    [tokenHash],
  );
  return rows[0];
}

/** A testimonial as the public widget endpoint shows it. */
export interface PublishedRow {
  display_name: string;
  quote: string;
  score: number;
  day: string;
}

/**
 * The published testimonials of a workspace: approved on the comment as it still is, with consent
 * still given and the score still 9-10. Those in `language` first, then newest approval first.
 */
export async function listPublished(
  db: Queryable,
  workspaceId: string,
  limit: number,
  language: string,
): Promise<PublishedRow[]> {
  return db.query<PublishedRow>(
    `SELECT t.display_name, r.comment AS quote, r.score, r.day::text AS day
     FROM testimonial t JOIN response r ON r.id = t.response_id AND r.workspace_id = t.workspace_id
     WHERE t.workspace_id = $1 AND t.status = 'approved' AND r.comment = t.quote AND ${CANDIDATE}
     ORDER BY (split_part(lower(coalesce(r.locale, '')), '-', 1) = $3) DESC, t.approved_at DESC, r.id
     LIMIT $2`,
    [workspaceId, limit, language],
  );
}

/** Count and sum of the scores of every response since `fromDay` (the workspace's local days). */
export async function scoreTotals(
  db: Queryable,
  workspaceId: string,
  fromDay: string,
): Promise<{ n: number; sum: number }> {
  const rows = await db.query<{ n: number; sum: number }>(
    `SELECT count(*)::int AS n, coalesce(sum(score), 0)::int AS sum FROM response
     WHERE workspace_id = $1 AND day >= $2::date`,
    [workspaceId, fromDay],
  );
  return rows[0] ?? { n: 0, sum: 0 };
}

export interface TestimonialSettings {
  item_name: string | null;
  item_type: ItemType;
  item_url: string | null;
}

export async function getTestimonialSettings(
  db: Queryable,
  workspaceId: string,
): Promise<TestimonialSettings> {
  const rows = await db.query<TestimonialSettings>(
    'SELECT item_name, item_type, item_url FROM testimonial_settings WHERE workspace_id = $1',
    [workspaceId],
  );
  return rows[0] ?? { item_name: null, item_type: 'Organization', item_url: null };
}

export async function setTestimonialSettings(
  db: Queryable,
  workspaceId: string,
  settings: TestimonialSettings,
  now: Date,
): Promise<void> {
  await db.query(
    `INSERT INTO testimonial_settings (workspace_id, item_name, item_type, item_url, updated_at)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (workspace_id) DO UPDATE SET item_name = excluded.item_name, item_type = excluded.item_type,
       item_url = excluded.item_url, updated_at = excluded.updated_at`,
    [workspaceId, settings.item_name, settings.item_type, settings.item_url, now],
  );
}

/** What the public widget endpoint needs besides the testimonials: names and the validity window. */
export async function publicContext(
  db: Queryable,
  workspaceId: string,
): Promise<
  ({ workspace_name: string; validity_months: number; time_zone: string } & TestimonialSettings) | undefined
> {
  const rows = await db.query<
    { workspace_name: string; validity_months: number; time_zone: string } & TestimonialSettings
  >(
    `SELECT w.name AS workspace_name, w.validity_months, w.time_zone, s.item_name,
       coalesce(s.item_type, 'Organization') AS item_type, s.item_url
     FROM workspace w LEFT JOIN testimonial_settings s ON s.workspace_id = w.id WHERE w.id = $1`,
    [workspaceId],
  );
  return rows[0];
}
