/**
 * Dashboard users, their memberships (role per workspace), sessions and member invitations
 * (migration 0019). SQL only; the rules are in core/roles.ts and http/routes/auth.ts.
 */
import type { Role } from '../../core/roles';
import type { Queryable } from '../db/port';

export interface User {
  id: string;
  email: string;
  name: string;
  locale: string | null;
  is_demo: boolean;
  created_at: Date;
}

export interface UserWithPassword extends User {
  password_hash: string;
}

export interface Member extends User {
  role: Role;
  joined_at: Date;
}

export interface Membership {
  workspace_id: string;
  workspace_name: string;
  role: Role;
}

/** A session as a request sees it: the user, the workspace and the role there now. */
export interface ActiveSession {
  id: string;
  user_id: string;
  workspace_id: string;
  csrf_token: string;
  role: Role;
  email: string;
  name: string;
  locale: string | null;
  last_seen_at: Date;
  expires_at: Date;
}

export interface MemberInvitation {
  id: string;
  workspace_id: string;
  email: string;
  role: Role;
  invited_by: string | null;
  created_at: Date;
  expires_at: Date;
  accepted_at: Date | null;
  revoked_at: Date | null;
}

const USER_COLUMNS = 'id, email, name, locale, is_demo, created_at';
const INVITATION_COLUMNS =
  'id, workspace_id, email, role, invited_by, created_at, expires_at, accepted_at, revoked_at';

export async function countUsers(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM app_user');
  return rows[0]!.n;
}

export async function createUser(
  db: Queryable,
  input: { email: string; name: string; password_hash: string; locale?: string | null; is_demo?: boolean },
): Promise<User> {
  const rows = await db.query<User>(
    `INSERT INTO app_user (email, name, password_hash, locale, is_demo) VALUES ($1, $2, $3, $4, $5)
     RETURNING ${USER_COLUMNS}`,
    [
      input.email.toLowerCase(),
      input.name,
      input.password_hash,
      input.locale ?? null,
      input.is_demo ?? false,
    ],
  );
  return rows[0]!;
}

export async function findUserByEmail(db: Queryable, email: string): Promise<UserWithPassword | undefined> {
  const rows = await db.query<UserWithPassword>(
    `SELECT ${USER_COLUMNS}, password_hash FROM app_user WHERE email = $1`,
    [email.toLowerCase()],
  );
  return rows[0];
}

export async function getUser(db: Queryable, id: string): Promise<UserWithPassword | undefined> {
  const rows = await db.query<UserWithPassword>(
    `SELECT ${USER_COLUMNS}, password_hash FROM app_user WHERE id = $1`,
    [id],
  );
  return rows[0];
}

export async function updateUser(
  db: Queryable,
  id: string,
  patch: { name?: string; locale?: string | null; password_hash?: string },
): Promise<User | undefined> {
  const rows = await db.query<User>(
    `UPDATE app_user SET name = coalesce($2, name),
       locale = CASE WHEN $3::boolean THEN $4 ELSE locale END,
       password_hash = coalesce($5, password_hash),
       updated_at = date_trunc('milliseconds', now())
     WHERE id = $1 RETURNING ${USER_COLUMNS}`,
    [id, patch.name ?? null, patch.locale !== undefined, patch.locale ?? null, patch.password_hash ?? null],
  );
  return rows[0];
}

export async function findDemoUser(db: Queryable): Promise<User | undefined> {
  const rows = await db.query<User>(
    `SELECT ${USER_COLUMNS} FROM app_user WHERE is_demo ORDER BY created_at LIMIT 1`,
  );
  return rows[0];
}

// ---------------------------------------------------------------------------------------------
// Memberships

export async function addMembership(db: Queryable, workspaceId: string, userId: string, role: Role) {
  await db.query(
    `INSERT INTO membership (workspace_id, user_id, role) VALUES ($1, $2, $3)
     ON CONFLICT (workspace_id, user_id) DO UPDATE SET role = excluded.role`,
    [workspaceId, userId, role],
  );
}

export async function membershipsOf(db: Queryable, userId: string): Promise<Membership[]> {
  return db.query<Membership>(
    `SELECT m.workspace_id, w.name AS workspace_name, m.role FROM membership m
     JOIN workspace w ON w.id = m.workspace_id WHERE m.user_id = $1 ORDER BY m.created_at, w.name`,
    [userId],
  );
}

export async function getMember(
  db: Queryable,
  workspaceId: string,
  userId: string,
): Promise<Member | undefined> {
  const rows = await db.query<Member>(
    `SELECT u.id, u.email, u.name, u.locale, u.is_demo, u.created_at, m.role, m.created_at AS joined_at
     FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.workspace_id = $1 AND m.user_id = $2`,
    [workspaceId, userId],
  );
  return rows[0];
}

export async function listMembers(db: Queryable, workspaceId: string): Promise<Member[]> {
  return db.query<Member>(
    `SELECT u.id, u.email, u.name, u.locale, u.is_demo, u.created_at, m.role, m.created_at AS joined_at
     FROM membership m JOIN app_user u ON u.id = m.user_id WHERE m.workspace_id = $1
     ORDER BY m.created_at, u.email`,
    [workspaceId],
  );
}

/** The owners of a workspace, locked until the transaction ends (the last owner must stay). */
export async function lockOwners(db: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await db.query<{ user_id: string }>(
    `SELECT user_id FROM membership WHERE workspace_id = $1 AND role = 'owner' ORDER BY user_id FOR UPDATE`,
    [workspaceId],
  );
  return rows.map((r) => r.user_id);
}

export async function setRole(db: Queryable, workspaceId: string, userId: string, role: Role) {
  await db.query('UPDATE membership SET role = $3 WHERE workspace_id = $1 AND user_id = $2', [
    workspaceId,
    userId,
    role,
  ]);
}

export async function removeMembership(db: Queryable, workspaceId: string, userId: string) {
  await db.query('DELETE FROM membership WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
  await db.query('DELETE FROM user_session WHERE workspace_id = $1 AND user_id = $2', [workspaceId, userId]);
}

// ---------------------------------------------------------------------------------------------
// Sessions

export async function createSession(
  db: Queryable,
  input: {
    token_hash: string;
    user_id: string;
    workspace_id: string;
    csrf_token: string;
    now: Date;
    expires_at: Date;
  },
): Promise<string> {
  const rows = await db.query<{ id: string }>(
    `INSERT INTO user_session (token_hash, user_id, workspace_id, csrf_token, created_at, last_seen_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $5, $6) RETURNING id`,
    [input.token_hash, input.user_id, input.workspace_id, input.csrf_token, input.now, input.expires_at],
  );
  return rows[0]!.id;
}

/** The session (by its token's hash, or by id) with the user's current role in its workspace; none when expired or no member. */
export async function findSession(
  db: Queryable,
  by: { token_hash: string } | { id: string },
  now: Date,
): Promise<ActiveSession | undefined> {
  const [column, value] = 'id' in by ? ['s.id', by.id] : ['s.token_hash', by.token_hash];
  const rows = await db.query<ActiveSession>(
    `SELECT s.id, s.user_id, s.workspace_id, s.csrf_token, m.role, u.email, u.name, u.locale,
            s.last_seen_at, s.expires_at
     FROM user_session s
     JOIN app_user u ON u.id = s.user_id
     JOIN membership m ON m.workspace_id = s.workspace_id AND m.user_id = s.user_id
     WHERE ${column} = $1 AND s.expires_at > $2`,
    [value, now],
  );
  return rows[0];
}

/** Moves the idle expiry forward (at most once a minute per session, from the authenticator). */
export async function touchSession(db: Queryable, id: string, now: Date, expiresAt: Date) {
  await db.query('UPDATE user_session SET last_seen_at = $2, expires_at = $3 WHERE id = $1', [
    id,
    now,
    expiresAt,
  ]);
}

export async function switchSessionWorkspace(db: Queryable, id: string, workspaceId: string) {
  await db.query('UPDATE user_session SET workspace_id = $2 WHERE id = $1', [id, workspaceId]);
}

export async function deleteSession(db: Queryable, id: string) {
  await db.query('DELETE FROM user_session WHERE id = $1', [id]);
}

/** Signs a user out everywhere; returns how many sessions ended. */
export async function deleteSessionsOfUser(db: Queryable, userId: string): Promise<number> {
  const rows = await db.query<{ id: string }>('DELETE FROM user_session WHERE user_id = $1 RETURNING id', [
    userId,
  ]);
  return rows.length;
}

export async function deleteExpiredSessions(db: Queryable, now: Date): Promise<number> {
  const rows = await db.query<{ id: string }>(
    'DELETE FROM user_session WHERE expires_at <= $1 RETURNING id',
    [now],
  );
  return rows.length;
}

// ---------------------------------------------------------------------------------------------
// Member invitations

/** A new open invitation; an open one for the same address is revoked first (the new link replaces it). */
export async function createMemberInvitation(
  db: Queryable,
  input: {
    workspace_id: string;
    email: string;
    role: Role;
    token_hash: string;
    invited_by: string | null;
    now: Date;
    expires_at: Date;
  },
): Promise<MemberInvitation> {
  await db.query(
    `UPDATE member_invitation SET revoked_at = $3
     WHERE workspace_id = $1 AND email = $2 AND accepted_at IS NULL AND revoked_at IS NULL`,
    [input.workspace_id, input.email.toLowerCase(), input.now],
  );
  const rows = await db.query<MemberInvitation>(
    `INSERT INTO member_invitation (workspace_id, email, role, token_hash, invited_by, created_at, expires_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${INVITATION_COLUMNS}`,
    [
      input.workspace_id,
      input.email.toLowerCase(),
      input.role,
      input.token_hash,
      input.invited_by,
      input.now,
      input.expires_at,
    ],
  );
  return rows[0]!;
}

/** An invitation that can still be accepted, locked until the transaction ends. */
export async function openInvitationByTokenHash(
  db: Queryable,
  tokenHash: string,
  now: Date,
): Promise<(MemberInvitation & { workspace_name: string }) | undefined> {
  const rows = await db.query<MemberInvitation & { workspace_name: string }>(
    `SELECT i.id, i.workspace_id, i.email, i.role, i.invited_by, i.created_at, i.expires_at, i.accepted_at,
            i.revoked_at, w.name AS workspace_name
     FROM member_invitation i JOIN workspace w ON w.id = i.workspace_id
     WHERE i.token_hash = $1 AND i.accepted_at IS NULL AND i.revoked_at IS NULL AND i.expires_at > $2
     FOR UPDATE OF i`,
    [tokenHash, now],
  );
  return rows[0];
}

export async function markInvitationAccepted(db: Queryable, id: string, now: Date) {
  await db.query('UPDATE member_invitation SET accepted_at = $2 WHERE id = $1', [id, now]);
}

export async function listOpenInvitations(
  db: Queryable,
  workspaceId: string,
  now: Date,
): Promise<MemberInvitation[]> {
  return db.query<MemberInvitation>(
    `SELECT ${INVITATION_COLUMNS} FROM member_invitation
     WHERE workspace_id = $1 AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2
     ORDER BY created_at DESC, id`,
    [workspaceId, now],
  );
}

export async function getInvitation(db: Queryable, workspaceId: string, id: string) {
  const rows = await db.query<MemberInvitation>(
    `SELECT ${INVITATION_COLUMNS} FROM member_invitation WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

export async function revokeInvitation(db: Queryable, workspaceId: string, id: string, now: Date) {
  const rows = await db.query<MemberInvitation>(
    `UPDATE member_invitation SET revoked_at = coalesce(revoked_at, $3)
     WHERE workspace_id = $1 AND id = $2 AND accepted_at IS NULL RETURNING ${INVITATION_COLUMNS}`,
    [workspaceId, id, now],
  );
  return rows[0];
}
