import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from '../db/port';

export interface ApiKey {
  id: string;
  workspace_id: string;
  name: string;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

const COLUMNS = 'id, workspace_id, name, prefix, created_at, last_used_at, revoked_at';
export const SECRET_KEY_PREFIX = 'plk_';

/** SHA-256 hex of a secret key: what the database keeps instead of the key. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Creates a key and returns its secret, which exists only in this return value. */
export async function createApiKey(
  db: Queryable,
  workspaceId: string,
  name: string,
): Promise<{ key: ApiKey; secret: string }> {
  const secret = SECRET_KEY_PREFIX + randomBytes(32).toString('base64url');
  const rows = await db.query<ApiKey>(
    `INSERT INTO api_key (workspace_id, name, prefix, secret_hash) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
    [workspaceId, name, secret.slice(0, 12), hashSecret(secret)],
  );
  return { key: rows[0]!, secret };
}

export async function findActiveApiKeyByHash(db: Queryable, secretHash: string): Promise<ApiKey | undefined> {
  const rows = await db.query<ApiKey>(
    `SELECT ${COLUMNS} FROM api_key WHERE secret_hash = $1 AND revoked_at IS NULL`,
    [secretHash],
  );
  return rows[0];
}

export async function listApiKeys(db: Queryable, workspaceId: string): Promise<ApiKey[]> {
  return db.query<ApiKey>(`SELECT ${COLUMNS} FROM api_key WHERE workspace_id = $1 ORDER BY created_at, id`, [
    workspaceId,
  ]);
}

export async function revokeApiKey(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<ApiKey | undefined> {
  const rows = await db.query<ApiKey>(
    `UPDATE api_key SET revoked_at = coalesce(revoked_at, now())
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [workspaceId, id],
  );
  return rows[0];
}

export async function touchApiKey(db: Queryable, id: string): Promise<void> {
  await db.query('UPDATE api_key SET last_used_at = now() WHERE id = $1', [id]);
}
