import type { Queryable } from '../db/port';
import type { Attributes } from './contacts';
import { type ResponseFilter, whereOf } from './responses';

/** A response as exported: with its survey, contact and account names. */
export interface ExportRow {
  id: string;
  created_at: Date;
  day: string;
  survey_id: string;
  survey_name: string;
  score: number;
  comment: string | null;
  testimonial_consent: boolean | null;
  channel: string;
  locale: string | null;
  contact_id: string | null;
  email: string | null;
  external_id: string | null;
  contact_name: string | null;
  account_id: string | null;
  account_name: string | null;
  attributes: Attributes;
  /** created_at as PostgreSQL text: exact to the microsecond, unlike a Date, so the keyset is too. */
  cursor_at: string;
}

/** One page of the export, newest first, keyset-paginated on (created_at, id) like the list. */
export async function listResponsesForExport(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
  page: { before?: { cursor_at: string; id: string }; limit: number },
): Promise<ExportRow[]> {
  const params: unknown[] = [];
  let where = whereOf(workspaceId, filter, params);
  if (page.before) {
    params.push(page.before.cursor_at, page.before.id);
    where += ` AND (r.created_at, r.id) < ($${params.length - 1}::timestamptz, $${params.length}::uuid)`;
  }
  params.push(page.limit);
  return db.query<ExportRow>(
    `SELECT r.id, r.created_at, r.day::text AS day, r.survey_id, s.name AS survey_name, r.score, r.comment,
       r.testimonial_consent, r.channel, r.locale, r.contact_id, c.email, c.external_id, c.name AS contact_name, r.account_id,
       a.name AS account_name, r.attributes, r.created_at::text AS cursor_at
     FROM response r
     JOIN survey s ON s.id = r.survey_id
     LEFT JOIN contact c ON c.id = r.contact_id
     LEFT JOIN account a ON a.id = r.account_id
     WHERE ${where}
     ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
    params as never,
  );
}

/** The attribute keys present in the filtered responses, sorted. */
export async function listAttributeKeys(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
): Promise<string[]> {
  const params: unknown[] = [];
  const where = whereOf(workspaceId, filter, params);
  const rows = await db.query<{ key: string }>(
    `SELECT DISTINCT k.key FROM response r CROSS JOIN LATERAL jsonb_object_keys(r.attributes) AS k(key)
     WHERE ${where} ORDER BY 1`,
    params as never,
  );
  return rows.map((r) => r.key);
}
