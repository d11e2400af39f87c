import type { Queryable } from '../db/port';
import { newToken } from './surveys';

export interface Invitation {
  id: string;
  workspace_id: string;
  survey_id: string;
  contact_id: string;
  token: string;
  channel: string;
  expires_at: Date;
  answered_at: Date | null;
  created_at: Date;
}

const COLUMNS =
  'id, workspace_id, survey_id, contact_id, token, channel, expires_at, answered_at, created_at';

export async function createInvitation(
  db: Queryable,
  workspaceId: string,
  input: { survey_id: string; contact_id: string; channel: string; expires_at: Date },
): Promise<Invitation> {
  const rows = await db.query<Invitation>(
    `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
    [workspaceId, input.survey_id, input.contact_id, newToken(), input.channel, input.expires_at],
  );
  return rows[0]!;
}

export async function getInvitation(db: Queryable, workspaceId: string, id: string) {
  const rows = await db.query<Invitation>(
    `SELECT ${COLUMNS} FROM invitation WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export async function getInvitationByToken(db: Queryable, token: string): Promise<Invitation | undefined> {
  const rows = await db.query<Invitation>(`SELECT ${COLUMNS} FROM invitation WHERE token = $1`, [token]);
  return rows[0];
}

export async function listInvitations(
  db: Queryable,
  workspaceId: string,
  filter: { survey_id?: string; contact_id?: string },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Invitation[]> {
  return db.query<Invitation>(
    `SELECT ${COLUMNS} FROM invitation WHERE workspace_id = $1
       AND ($2::uuid IS NULL OR survey_id = $2) AND ($3::uuid IS NULL OR contact_id = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
     ORDER BY created_at, id LIMIT $6`,
    [
      workspaceId,
      filter.survey_id ?? null,
      filter.contact_id ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}
