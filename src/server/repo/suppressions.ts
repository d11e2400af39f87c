/**
 * The suppression list: addresses no survey email goes to (unsubscribed, bounced, complained), and
 * the contact's `unsubscribed_at`. SQL and nothing else; every statement is one atomic statement,
 * so callers need no transaction.
 */
import type { Queryable } from '../db/port';
import { normaliseEmail } from './contacts';

export const SUPPRESSION_REASONS = ['unsubscribed', 'bounced', 'complained'] as const;
export type SuppressionReason = (typeof SUPPRESSION_REASONS)[number];

export interface Suppression {
  id: string;
  workspace_id: string;
  email: string;
  contact_id: string | null;
  reason: SuppressionReason;
  /** `one-click`, `page`, `smtp`, `api` or a mail provider's name. */
  source: string;
  detail: string | null;
  created_at: Date;
}

export interface SuppressionInput {
  email: string;
  reason: SuppressionReason;
  source: string;
  detail?: string | null;
  /** The contact it concerns; when absent, the workspace's contact with this email (if any). */
  contact_id?: string | null;
}

const COLUMNS = 'id, workspace_id, email, contact_id, reason, source, detail, created_at';

/**
 * Records that `email` must not get survey emails any more. Idempotent: an address has at most one
 * row per reason, and a repeated report returns the first one with `created: false`. Reason
 * `unsubscribed` also stamps the contact's `unsubscribed_at` (kept if already set), in the same
 * statement.
 *
 * @example await recordSuppression(db, ws, { email: 'a@example.com', reason: 'bounced', source: 'smtp', detail: '550 5.1.1 unknown user' }, now)
 */
export async function recordSuppression(
  db: Queryable,
  workspaceId: string,
  input: SuppressionInput,
  now: Date,
): Promise<{ suppression: Suppression; created: boolean }> {
  const email = normaliseEmail(input.email);
  // Data-modifying CTEs all run, whether or not the outer query reads them: one atomic statement.
  const inserted = await db.query<Suppression>(
    `WITH target AS (
       SELECT coalesce($3::uuid, (SELECT id FROM contact WHERE workspace_id = $1 AND email = $2)) AS contact_id
     ), stamp AS (
       UPDATE contact SET unsubscribed_at = coalesce(unsubscribed_at, $7::timestamptz), updated_at = $7::timestamptz
       WHERE $4 = 'unsubscribed' AND unsubscribed_at IS NULL AND workspace_id = $1
         AND id = (SELECT contact_id FROM target)
       RETURNING id
     )
     INSERT INTO suppression (workspace_id, email, contact_id, reason, source, detail, created_at)
     SELECT $1, $2, target.contact_id, $4, $5, $6, $7 FROM target
     ON CONFLICT (workspace_id, email, reason) DO NOTHING
     RETURNING ${COLUMNS}`,
    [workspaceId, email, input.contact_id ?? null, input.reason, input.source, input.detail ?? null, now],
  );
  if (inserted[0]) return { suppression: inserted[0], created: true };
  const existing = await db.query<Suppression>(
    `SELECT ${COLUMNS} FROM suppression WHERE workspace_id = $1 AND email = $2 AND reason = $3`,
    [workspaceId, email, input.reason],
  );
  return { suppression: existing[0]!, created: false };
}

/**
 * Unsubscribes a contact from survey emails: stamps `unsubscribed_at` (the first time only) and,
 * when the contact has an email address, records an `unsubscribed` suppression for it. Idempotent.
 * Returns false when the contact does not exist in the workspace.
 */
export async function unsubscribeContact(
  db: Queryable,
  workspaceId: string,
  contactId: string,
  input: { source: string; detail?: string | null },
  now: Date,
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `WITH stamped AS (
       UPDATE contact SET unsubscribed_at = coalesce(unsubscribed_at, $3::timestamptz),
         updated_at = CASE WHEN unsubscribed_at IS NULL THEN $3::timestamptz ELSE updated_at END
       WHERE workspace_id = $1 AND id = $2
       RETURNING id, email
     ), suppressed AS (
       INSERT INTO suppression (workspace_id, email, contact_id, reason, source, detail, created_at)
       SELECT $1, email, id, 'unsubscribed', $4, $5, $3 FROM stamped WHERE email IS NOT NULL
       ON CONFLICT (workspace_id, email, reason) DO NOTHING
     )
     SELECT id FROM stamped`,
    [workspaceId, contactId, now, input.source, input.detail ?? null],
  );
  return rows.length > 0;
}

/**
 * Whether survey emails to `email` are suppressed in the workspace: any suppression row for the
 * address, or a contact with this address who unsubscribed.
 */
export async function isSuppressed(db: Queryable, workspaceId: string, email: string): Promise<boolean> {
  const rows = await db.query<{ suppressed: boolean }>(
    `SELECT EXISTS (SELECT 1 FROM suppression WHERE workspace_id = $1 AND email = $2)
         OR EXISTS (SELECT 1 FROM contact WHERE workspace_id = $1 AND email = $2 AND unsubscribed_at IS NOT NULL)
       AS suppressed`,
    [workspaceId, normaliseEmail(email)],
  );
  return rows[0]?.suppressed === true;
}

/** Suppressions of a workspace, oldest first, keyset-paginated like every list of the API. */
export async function listSuppressions(
  db: Queryable,
  workspaceId: string,
  filter: { reason?: SuppressionReason; email?: string },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Suppression[]> {
  return db.query<Suppression>(
    `SELECT ${COLUMNS} FROM suppression WHERE workspace_id = $1
       AND ($2::text IS NULL OR reason = $2) AND ($3::text IS NULL OR email = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY created_at, id LIMIT $6`,
    [
      workspaceId,
      filter.reason ?? null,
      filter.email === undefined ? null : normaliseEmail(filter.email),
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}

/** What the unsubscribe page of an invitation token needs. */
export interface UnsubscribeTarget {
  workspace_id: string;
  contact_id: string;
  email: string | null;
  contact_locale: string | null;
  unsubscribed_at: Date | null;
  product_name: string;
  brand_color: string;
  default_locale: string;
}

/** The contact and survey behind an invitation token (the token of the unsubscribe link). */
export async function findUnsubscribeTarget(
  db: Queryable,
  token: string,
): Promise<UnsubscribeTarget | undefined> {
  const rows = await db.query<UnsubscribeTarget>(
    `SELECT i.workspace_id, i.contact_id, c.email, c.locale AS contact_locale, c.unsubscribed_at,
       s.product_name, s.brand_color, s.default_locale
     FROM invitation i
     JOIN contact c ON c.id = i.contact_id
     JOIN survey s ON s.id = i.survey_id
     WHERE i.token = $1`,
    [token],
  );
  return rows[0];
}
