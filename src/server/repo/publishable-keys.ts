import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/port';

/** A publishable key of the website widget (migration 0015). Not a secret: shown again by GET. */
export interface PublishableKey {
  id: string;
  workspace_id: string;
  name: string;
  key: string;
  allowed_origins: string[];
  created_at: Date;
  revoked_at: Date | null;
}

const COLUMNS = 'id, workspace_id, name, key, allowed_origins, created_at, revoked_at';
export const PUBLISHABLE_KEY_PREFIX = 'pk_';
/** `pk_` and 24 base64url characters (18 random bytes). */
export const PUBLISHABLE_KEY_PATTERN = /^pk_[A-Za-z0-9_-]{24}$/;

export async function createPublishableKey(
  db: Queryable,
  workspaceId: string,
  input: { name: string; allowed_origins: string[] },
): Promise<PublishableKey> {
  const key = PUBLISHABLE_KEY_PREFIX + randomBytes(18).toString('base64url');
  const rows = await db.query<PublishableKey>(
    `INSERT INTO publishable_key (workspace_id, name, key, allowed_origins) VALUES ($1, $2, $3, $4::text[])
     RETURNING ${COLUMNS}`,
    [workspaceId, input.name, key, input.allowed_origins],
  );
  return rows[0]!;
}

export async function listPublishableKeys(db: Queryable, workspaceId: string): Promise<PublishableKey[]> {
  return db.query<PublishableKey>(
    `SELECT ${COLUMNS} FROM publishable_key WHERE workspace_id = $1 ORDER BY created_at, id`,
    [workspaceId],
  );
}

/** Changes the name and/or the allowed origins (only those given). */
export async function updatePublishableKey(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: { name?: string; allowed_origins?: string[] },
): Promise<PublishableKey | undefined> {
  const rows = await db.query<PublishableKey>(
    `UPDATE publishable_key SET name = coalesce($3, name), allowed_origins = coalesce($4::text[], allowed_origins)
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [workspaceId, id, patch.name ?? null, patch.allowed_origins ?? null],
  );
  return rows[0];
}

export async function revokePublishableKey(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<PublishableKey | undefined> {
  const rows = await db.query<PublishableKey>(
    `UPDATE publishable_key SET revoked_at = coalesce(revoked_at, now())
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [workspaceId, id],
  );
  return rows[0];
}

/** The key with this value if it is not revoked. */
export async function findActivePublishableKey(
  db: Queryable,
  key: string,
): Promise<PublishableKey | undefined> {
  const rows = await db.query<PublishableKey>(
    `SELECT ${COLUMNS} FROM publishable_key WHERE key = $1 AND revoked_at IS NULL`,
    [key],
  );
  return rows[0];
}

/** Every allowed-origin pattern of every active key (for CORS preflights, which carry no key). */
export async function listActiveAllowedOrigins(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ origin: string }>(
    'SELECT DISTINCT unnest(allowed_origins) AS origin FROM publishable_key WHERE revoked_at IS NULL',
  );
  return rows.map((r) => r.origin);
}
