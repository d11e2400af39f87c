/**
 * Follow-up cases and their notes (migration 0028; core/cases.ts). Every query is scoped by the
 * workspace. Cases are numbered per workspace (#1, #2, …) from `workspace.case_seq`, taken with
 * the row lock of one UPDATE, so two writers never give out the same number.
 */
import { type CaseChange, type CaseStatus, type NoteKind, type SlaState, slaState } from '../../core/cases';
import type { Category } from '../../core/nps';
import type { Queryable, SqlParam } from '../db/port';
import type { Cursor } from '../http/schemas';

export interface CaseRow {
  id: string;
  workspace_id: string;
  number: number;
  response_id: string | null;
  survey_id: string | null;
  contact_id: string | null;
  account_id: string | null;
  score: number | null;
  category: Category | null;
  title: string;
  owner: string | null;
  team: string | null;
  status: CaseStatus;
  due_at: Date;
  first_contact_at: Date | null;
  closed_at: Date | null;
  resolution: string | null;
  root_causes: string[];
  sla_alerted_at: Date | null;
  follow_up_sent_at: Date | null;
  recovery_invitation_id: string | null;
  created_at: Date;
  updated_at: Date;
  contact_name: string | null;
  contact_email: string | null;
  account_name: string | null;
  comment: string | null;
}

export interface ApiCase
  extends Omit<
    CaseRow,
    'workspace_id' | 'sla_alerted_at' | 'contact_name' | 'contact_email' | 'account_name'
  > {
  sla: SlaState;
  contact: { id: string; name: string | null; email: string | null } | null;
  account: { id: string; name: string } | null;
}

const SELECT = `SELECT k.id, k.workspace_id, k.number, k.response_id, k.survey_id, k.contact_id, k.account_id,
    k.score, k.category, k.title, k.owner, k.team, k.status, k.due_at, k.first_contact_at, k.closed_at,
    k.resolution, k.root_causes, k.sla_alerted_at, k.follow_up_sent_at, k.recovery_invitation_id, k.created_at, k.updated_at,
    c.name AS contact_name, c.email AS contact_email, a.name AS account_name, r.comment
  FROM follow_up_case k
  LEFT JOIN contact c ON c.id = k.contact_id
  LEFT JOIN account a ON a.id = k.account_id
  LEFT JOIN response r ON r.id = k.response_id`;

export function toApiCase(row: CaseRow, now: Date = new Date()): ApiCase {
  const { workspace_id: _w, sla_alerted_at: _s, contact_name, contact_email, account_name, ...rest } = row;
  return {
    ...rest,
    sla: slaState(row, now),
    contact: row.contact_id ? { id: row.contact_id, name: contact_name, email: contact_email } : null,
    account: row.account_id ? { id: row.account_id, name: account_name ?? '' } : null,
  };
}

export interface NewCase {
  response_id: string | null;
  survey_id: string | null;
  contact_id: string | null;
  account_id: string | null;
  score: number | null;
  category: Category | null;
  title: string;
  owner: string | null;
  team: string | null;
  due_at: Date;
  created_at: Date;
}

/**
 * Opens cases of one workspace; a case for a response that has one already is not opened again
 * (the unique response_id). Returns the cases opened. Numbers skipped by such a conflict stay
 * unused: they are labels, not counts.
 */
export async function insertCases(
  tx: Queryable,
  workspaceId: string,
  cases: readonly NewCase[],
): Promise<CaseRow[]> {
  if (cases.length === 0) return [];
  const seq = await tx.query<{ case_seq: number }>(
    'UPDATE workspace SET case_seq = case_seq + $2 WHERE id = $1 RETURNING case_seq',
    [workspaceId, cases.length],
  );
  const last = seq[0]!.case_seq;
  const first = last - cases.length + 1;
  const inserted = await tx.query<{ id: string }>(
    `INSERT INTO follow_up_case (workspace_id, number, response_id, survey_id, contact_id, account_id, score,
       category, title, owner, team, due_at, created_at, updated_at)
     SELECT $1, n, response_id, survey_id, contact_id, account_id, score, category, title, owner, team, due_at,
       created_at, created_at
     FROM unnest($2::int[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::smallint[], $8::text[],
       $9::text[], $10::text[], $11::text[], $12::timestamptz[], $13::timestamptz[])
       AS t(n, response_id, survey_id, contact_id, account_id, score, category, title, owner, team, due_at, created_at)
     ON CONFLICT (response_id) DO NOTHING
     RETURNING id`,
    [
      workspaceId,
      cases.map((_, i) => first + i),
      cases.map((c) => c.response_id),
      cases.map((c) => c.survey_id),
      cases.map((c) => c.contact_id),
      cases.map((c) => c.account_id),
      cases.map((c) => c.score),
      cases.map((c) => c.category),
      cases.map((c) => c.title),
      cases.map((c) => c.owner),
      cases.map((c) => c.team),
      cases.map((c) => c.due_at),
      cases.map((c) => c.created_at),
    ],
  );
  if (inserted.length === 0) return [];
  return tx.query<CaseRow>(
    `${SELECT} WHERE k.workspace_id = $1 AND k.id = ANY($2::uuid[]) ORDER BY k.number`,
    [workspaceId, inserted.map((r) => r.id)],
  );
}

export async function getCase(db: Queryable, workspaceId: string, id: string): Promise<CaseRow | undefined> {
  const rows = await db.query<CaseRow>(`${SELECT} WHERE k.workspace_id = $1 AND k.id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0];
}

/** The case's own columns, locked for a change (in a transaction). */
export async function getCaseForUpdate(tx: Queryable, workspaceId: string, id: string) {
  const rows = await tx.query<Omit<CaseRow, 'contact_name' | 'contact_email' | 'account_name' | 'comment'>>(
    `SELECT * FROM follow_up_case WHERE workspace_id = $1 AND id = $2 FOR UPDATE`,
    [workspaceId, id],
  );
  return rows[0];
}

export interface CaseFilter {
  status?: CaseStatus[];
  category?: Category[];
  owner?: string;
  team?: string;
  /** Open cases past their due time. */
  breached?: boolean;
  contact_id?: string;
}

export async function listCases(
  db: Queryable,
  workspaceId: string,
  filter: CaseFilter,
  page: { before?: Cursor; limit: number },
  now: Date,
): Promise<CaseRow[]> {
  const where = ['k.workspace_id = $1'];
  const params: SqlParam[] = [workspaceId];
  const add = (sql: (p: string) => string, value: SqlParam) => {
    params.push(value);
    where.push(sql(`$${params.length}`));
  };
  if (filter.status?.length) add((p) => `k.status = ANY(${p}::text[])`, filter.status);
  if (filter.category?.length) add((p) => `k.category = ANY(${p}::text[])`, filter.category);
  if (filter.owner !== undefined) add((p) => `k.owner = ${p}`, filter.owner);
  if (filter.team !== undefined) add((p) => `k.team = ${p}`, filter.team);
  if (filter.contact_id !== undefined) add((p) => `k.contact_id = ${p}`, filter.contact_id);
  if (filter.breached) add((p) => `k.closed_at IS NULL AND k.due_at < ${p}`, now);
  if (page.before) {
    params.push(page.before.created_at, page.before.id);
    where.push(`(k.created_at, k.id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(page.limit);
  return db.query<CaseRow>(
    `${SELECT} WHERE ${where.join(' AND ')} ORDER BY k.created_at DESC, k.id DESC LIMIT $${params.length}`,
    params,
  );
}

/** Writes a checked change (core/cases.ts `applyCaseChange`) and returns the row as it is now. */
export async function updateCase(
  tx: Queryable,
  workspaceId: string,
  id: string,
  change: CaseChange & {
    status: CaseStatus;
    resolution: string | null;
    first_contact_at: Date | null;
    closed_at: Date | null;
  },
  now: Date,
): Promise<CaseRow> {
  await tx.query(
    `UPDATE follow_up_case SET status = $3, resolution = $4, first_contact_at = $5, closed_at = $6,
       owner = CASE WHEN $7 THEN $8 ELSE owner END, team = CASE WHEN $9 THEN $10 ELSE team END,
       due_at = coalesce($11, due_at), root_causes = coalesce($12::text[], root_causes),
       sla_alerted_at = CASE WHEN $11::timestamptz IS NOT NULL AND $11::timestamptz > $13 THEN NULL ELSE sla_alerted_at END,
       updated_at = $13
     WHERE workspace_id = $1 AND id = $2`,
    [
      workspaceId,
      id,
      change.status,
      change.resolution,
      change.first_contact_at,
      change.closed_at,
      change.owner !== undefined,
      change.owner ?? null,
      change.team !== undefined,
      change.team ?? null,
      change.due_at ?? null,
      change.root_causes ?? null,
      now,
    ],
  );
  return (await getCase(tx, workspaceId, id))!;
}

/**
 * A customer who changed the answer to a promoter's (a slip on the one-click scale, fixed on the
 * survey page, or a correction through the API) leaves nothing to follow up: the answer's case,
 * if still untouched (open, no contact, no note written by a person), is closed by Plaudit with
 * that as its resolution, logged in its timeline. Returns the closed case (for `case.closed`).
 */
export async function closeCaseAfterCorrection(
  tx: Queryable,
  workspaceId: string,
  response: { id: string; score: number },
  previousScore: number,
  now: Date,
): Promise<CaseRow | undefined> {
  if (response.score < 9 || previousScore >= 9) return undefined;
  const closed = await tx.query<{ id: string }>(
    `UPDATE follow_up_case k SET status = 'closed', closed_at = $3, updated_at = $3,
       resolution = 'Closed by Plaudit: the customer changed the answer from ' || $4::text || ' to ' || $5::text || '.'
     WHERE k.workspace_id = $1 AND k.response_id = $2 AND k.status = 'open' AND k.first_contact_at IS NULL
       AND NOT EXISTS (SELECT 1 FROM case_note n WHERE n.case_id = k.id AND n.kind <> 'event')
     RETURNING k.id`,
    [workspaceId, response.id, now, String(previousScore), String(response.score)],
  );
  const id = closed[0]?.id;
  if (!id) return undefined;
  await addNote(
    tx,
    workspaceId,
    id,
    {
      kind: 'event',
      body: `status: open → closed (the answer changed from ${previousScore} to ${response.score})`,
      author_user_id: null,
      author_name: 'Plaudit',
    },
    now,
  );
  return getCase(tx, workspaceId, id);
}

export interface NoteRow {
  id: string;
  kind: NoteKind | 'event';
  body: string;
  author_user_id: string | null;
  author_name: string | null;
  created_at: Date;
}

export async function addNote(
  tx: Queryable,
  workspaceId: string,
  caseId: string,
  note: { kind: NoteKind | 'event'; body: string; author_user_id: string | null; author_name: string | null },
  now: Date,
): Promise<NoteRow> {
  const rows = await tx.query<NoteRow>(
    `INSERT INTO case_note (case_id, workspace_id, kind, body, author_user_id, author_name, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     RETURNING id, kind, body, author_user_id, author_name, created_at`,
    [caseId, workspaceId, note.kind, note.body, note.author_user_id, note.author_name, now],
  );
  if (note.kind === 'contact')
    await tx.query(
      `UPDATE follow_up_case SET first_contact_at = coalesce(first_contact_at, $3), updated_at = $3
       WHERE workspace_id = $1 AND id = $2`,
      [workspaceId, caseId, now],
    );
  return rows[0]!;
}

export async function listNotes(db: Queryable, workspaceId: string, caseId: string): Promise<NoteRow[]> {
  return db.query<NoteRow>(
    `SELECT id, kind, body, author_user_id, author_name, created_at FROM case_note
     WHERE workspace_id = $1 AND case_id = $2 ORDER BY created_at, id`,
    [workspaceId, caseId],
  );
}

/** The contact's answers (newest first), for the case's history. */
export async function contactHistory(db: Queryable, workspaceId: string, contactId: string, limit = 20) {
  return db.query<{
    id: string;
    survey_id: string;
    score: number;
    comment: string | null;
    channel: string;
    created_at: Date;
  }>(
    `SELECT id, survey_id, score, comment, channel, created_at FROM response
     WHERE workspace_id = $1 AND contact_id = $2 ORDER BY created_at DESC, id DESC LIMIT $3`,
    [workspaceId, contactId, limit],
  );
}

export interface CaseMetrics {
  group: string | null;
  opened: number;
  closed: number;
  /** closed / opened; null without cases. */
  closed_loop_rate: number | null;
  /** Closed by their due time / closed. */
  closed_within_sla_rate: number | null;
  open_breached: number;
  median_hours_to_first_contact: number | null;
  median_hours_to_close: number | null;
  /** Detractor cases whose contact answered again after the case opened. */
  recovery_base: number;
  /** …of which the next answer was higher. */
  recovered: number;
  recovery_rate: number | null;
}

/**
 * Closed-loop metrics of the cases opened in [from, to), overall (group null) or by owner/team.
 * Recovery: a detractor case's contact answered again after it opened, and that next answer was
 * higher than the case's score.
 */
export async function caseMetrics(
  db: Queryable,
  workspaceId: string,
  range: { from: Date; to: Date },
  groupBy: 'owner' | 'team' | null,
  now: Date,
): Promise<CaseMetrics[]> {
  const group = groupBy === null ? 'NULL::text' : `k.${groupBy}`;
  const rows = await db.query<{
    grp: string | null;
    opened: number;
    closed: number;
    within: number;
    breached: number;
    first_contact_h: number | null;
    close_h: number | null;
    recovery_base: number;
    recovered: number;
  }>(
    `SELECT ${group} AS grp,
       count(*)::int AS opened,
       count(*) FILTER (WHERE k.closed_at IS NOT NULL)::int AS closed,
       count(*) FILTER (WHERE k.closed_at IS NOT NULL AND k.closed_at <= k.due_at)::int AS within,
       count(*) FILTER (WHERE k.closed_at IS NULL AND k.due_at < $4)::int AS breached,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.first_contact_at - k.created_at))
         FILTER (WHERE k.first_contact_at IS NOT NULL) / 3600)::float8 AS first_contact_h,
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM k.closed_at - k.created_at))
         FILTER (WHERE k.closed_at IS NOT NULL) / 3600)::float8 AS close_h,
       count(nx.score) FILTER (WHERE k.category = 'detractor')::int AS recovery_base,
       count(*) FILTER (WHERE k.category = 'detractor' AND nx.score > k.score)::int AS recovered
     FROM follow_up_case k
     LEFT JOIN LATERAL (
       SELECT r.score FROM response r
       WHERE r.contact_id = k.contact_id AND r.workspace_id = k.workspace_id AND r.created_at > k.created_at
         AND r.id IS DISTINCT FROM k.response_id
       ORDER BY r.created_at, r.id LIMIT 1
     ) nx ON k.contact_id IS NOT NULL
     WHERE k.workspace_id = $1 AND k.created_at >= $2 AND k.created_at < $3
     GROUP BY 1 ORDER BY count(*) DESC, 1`,
    [workspaceId, range.from, range.to, now],
  );
  const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
  const hours = (h: number | null) => (h === null ? null : Math.round(h * 100) / 100);
  return rows.map((r) => ({
    group: r.grp,
    opened: r.opened,
    closed: r.closed,
    closed_loop_rate: ratio(r.closed, r.opened),
    closed_within_sla_rate: ratio(r.within, r.closed),
    open_breached: r.breached,
    median_hours_to_first_contact: hours(r.first_contact_h),
    median_hours_to_close: hours(r.close_h),
    recovery_base: r.recovery_base,
    recovered: r.recovered,
    recovery_rate: ratio(r.recovered, r.recovery_base),
  }));
}
