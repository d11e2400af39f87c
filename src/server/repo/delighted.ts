/**
 * The queries behind the Delighted-compatible API (/delighted/v1): Delighted filters by Unix
 * timestamps and pages by page number, where the /api/v1 lists filter by local days and page by
 * cursor. Plain SQL, the same on PGlite and PostgreSQL.
 */
import type { Queryable } from '../db/port';
import type { Attributes } from './contacts';
import type { Survey } from './surveys';

/**
 * The survey a Delighted integration talks to (Delighted has one survey per project): the
 * workspace's oldest active survey.
 */
export async function defaultSurveyId(db: Queryable, workspaceId: string): Promise<string | undefined> {
  const rows = await db.query<Pick<Survey, 'id'>>(
    `SELECT id FROM survey WHERE workspace_id = $1 AND status = 'active' ORDER BY created_at, id LIMIT 1`,
    [workspaceId],
  );
  return rows[0]?.id;
}

export interface DelightedResponseRow {
  id: string;
  survey_id: string;
  contact_id: string | null;
  score: number;
  comment: string | null;
  attributes: Attributes;
  created_at: Date;
  updated_at: Date;
  contact_email: string | null;
  contact_name: string | null;
  contact_created_at: Date | null;
}

export interface DelightedResponseFilter {
  id?: string;
  since?: Date;
  until?: Date;
  updatedSince?: Date;
  updatedUntil?: Date;
  surveyId?: string;
  contactId?: string;
  email?: string;
}

/** Responses in creation order (`asc`, Delighted's default) or newest first, by page number. */
export async function listDelightedResponses(
  db: Queryable,
  workspaceId: string,
  filter: DelightedResponseFilter,
  page: { order: 'asc' | 'desc'; limit: number; offset: number },
): Promise<DelightedResponseRow[]> {
  const direction = page.order === 'desc' ? 'DESC' : 'ASC';
  return db.query<DelightedResponseRow>(
    `SELECT r.id, r.survey_id, r.contact_id, r.score, r.comment, r.attributes, r.created_at, r.updated_at,
       c.email AS contact_email, c.name AS contact_name, c.created_at AS contact_created_at
     FROM response r LEFT JOIN contact c ON c.id = r.contact_id
     WHERE r.workspace_id = $1
       AND ($2::timestamptz IS NULL OR r.created_at >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR r.created_at <= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR r.updated_at >= $4::timestamptz)
       AND ($5::timestamptz IS NULL OR r.updated_at <= $5::timestamptz)
       AND ($6::uuid IS NULL OR r.survey_id = $6::uuid)
       AND ($7::uuid IS NULL OR r.contact_id = $7::uuid)
       AND ($8::text IS NULL OR c.email = $8::text)
       AND ($11::uuid IS NULL OR r.id = $11::uuid)
     ORDER BY r.created_at ${direction}, r.id ${direction}
     LIMIT $9 OFFSET $10`,
    [
      workspaceId,
      filter.since ?? null,
      filter.until ?? null,
      filter.updatedSince ?? null,
      filter.updatedUntil ?? null,
      filter.surveyId ?? null,
      filter.contactId ?? null,
      filter.email ?? null,
      page.limit,
      page.offset,
      filter.id ?? null,
    ],
  );
}

export interface DelightedCounts {
  promoters: number;
  passives: number;
  detractors: number;
}

/** Promoter, passive and detractor counts of the responses created in [since, until]. */
export async function delightedCounts(
  db: Queryable,
  workspaceId: string,
  filter: { since?: Date; until?: Date; surveyId?: string },
): Promise<DelightedCounts> {
  const rows = await db.query<{
    promoters: number | string;
    passives: number | string;
    detractors: number | string;
  }>(
    `SELECT count(*) FILTER (WHERE score >= 9) AS promoters,
       count(*) FILTER (WHERE score BETWEEN 7 AND 8) AS passives,
       count(*) FILTER (WHERE score <= 6) AS detractors
     FROM response
     WHERE workspace_id = $1
       AND ($2::timestamptz IS NULL OR created_at >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR created_at <= $3::timestamptz)
       AND ($4::uuid IS NULL OR survey_id = $4::uuid)`,
    [workspaceId, filter.since ?? null, filter.until ?? null, filter.surveyId ?? null],
  );
  const row = rows[0]!;
  return {
    promoters: Number(row.promoters),
    passives: Number(row.passives),
    detractors: Number(row.detractors),
  };
}

export interface DelightedPersonRow {
  id: string;
  email: string | null;
  name: string | null;
  attributes: Attributes;
  created_at: Date;
  last_sent_at: Date | null;
  last_responded_at: Date | null;
  next_survey_scheduled_at: Date | null;
}

const PERSON_COLUMNS = `c.id, c.email, c.name, c.attributes, c.created_at,
  (SELECT max(i.sent_at) FROM invitation i WHERE i.workspace_id = c.workspace_id AND i.contact_id = c.id) AS last_sent_at,
  (SELECT max(r.created_at) FROM response r WHERE r.workspace_id = c.workspace_id AND r.contact_id = c.id) AS last_responded_at,
  (SELECT min(i.send_at) FROM invitation i WHERE i.workspace_id = c.workspace_id AND i.contact_id = c.id
     AND i.status = 'queued') AS next_survey_scheduled_at`;

/** Contacts oldest first, keyset-paginated on (created_at, id), as Delighted's `page_info`. */
export async function listDelightedPeople(
  db: Queryable,
  workspaceId: string,
  filter: { since?: Date; until?: Date },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<DelightedPersonRow[]> {
  return db.query<DelightedPersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM contact c
     WHERE c.workspace_id = $1
       AND ($2::timestamptz IS NULL OR c.created_at >= $2::timestamptz)
       AND ($3::timestamptz IS NULL OR c.created_at <= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR (c.created_at, c.id) > ($4::timestamptz, $5::uuid))
     ORDER BY c.created_at, c.id LIMIT $6`,
    [
      workspaceId,
      filter.since ?? null,
      filter.until ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}

/** One contact as a Delighted person, or undefined. */
export async function getDelightedPerson(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<DelightedPersonRow | undefined> {
  const rows = await db.query<DelightedPersonRow>(
    `SELECT ${PERSON_COLUMNS} FROM contact c WHERE c.workspace_id = $1 AND c.id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export interface DelightedSuppressionRow {
  contact_id: string | null;
  email: string;
  name: string | null;
  created_at: Date;
}

/** Unsubscribed or bounced addresses, oldest first, by page number. */
export async function listDelightedSuppressions(
  db: Queryable,
  workspaceId: string,
  reason: 'unsubscribed' | 'bounced',
  filter: { since?: Date; until?: Date },
  page: { limit: number; offset: number },
): Promise<DelightedSuppressionRow[]> {
  return db.query<DelightedSuppressionRow>(
    `SELECT s.contact_id, s.email, c.name, s.created_at
     FROM suppression s LEFT JOIN contact c ON c.id = s.contact_id
     WHERE s.workspace_id = $1 AND s.reason = $2
       AND ($3::timestamptz IS NULL OR s.created_at >= $3::timestamptz)
       AND ($4::timestamptz IS NULL OR s.created_at <= $4::timestamptz)
     ORDER BY s.created_at, s.id LIMIT $5 OFFSET $6`,
    [workspaceId, reason, filter.since ?? null, filter.until ?? null, page.limit, page.offset],
  );
}
