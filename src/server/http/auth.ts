import type { Context } from 'hono';
import type { Database } from '../db/port';
import { findActiveApiKeyByHash, hashSecret, SECRET_KEY_PREFIX, touchApiKey } from '../repo/api-keys';
import { ApiError } from './errors';

export interface AuthContext {
  workspaceId: string;
  apiKeyId: string;
}

interface CachedKey {
  auth: AuthContext | null;
  expiresAt: number;
  lastTouched: number;
}

/**
 * Resolves `Authorization: Bearer plk_…` to a workspace. Key lookups are cached for a short time
 * so ingestion does not pay a query per request; a key revoked through this process is dropped
 * from the cache at once, one revoked through another process stops working within `ttlMs`.
 */
export class ApiKeyAuthenticator {
  private readonly cache = new Map<string, CachedKey>();

  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly ttlMs = 30_000,
  ) {}

  async authenticate(c: Context): Promise<AuthContext> {
    const secret = secretOf(c.req.header('authorization'));
    const hash = hashSecret(secret);
    const now = this.clock().getTime();
    let entry = this.cache.get(hash);
    if (!entry || entry.expiresAt <= now) {
      const key = await findActiveApiKeyByHash(this.db, hash);
      entry = {
        auth: key ? { workspaceId: key.workspace_id, apiKeyId: key.id } : null,
        expiresAt: now + this.ttlMs,
        lastTouched: entry?.lastTouched ?? 0,
      };
      if (this.cache.size > 10_000) this.cache.clear();
      this.cache.set(hash, entry);
    }
    if (!entry.auth) throw new ApiError(401, 'unauthorized', 'The API key is unknown or revoked');
    // Record use at most once a minute per key, off the request's path.
    if (now - entry.lastTouched > 60_000) {
      entry.lastTouched = now;
      touchApiKey(this.db, entry.auth.apiKeyId).catch(() => {});
    }
    return entry.auth;
  }

  forgetKey(apiKeyId: string): void {
    for (const [hash, entry] of this.cache) if (entry.auth?.apiKeyId === apiKeyId) this.cache.delete(hash);
  }
}

function secretOf(header: string | undefined): string {
  if (!header) {
    throw new ApiError(
      401,
      'unauthorized',
      'Send the API key as "Authorization: Bearer plk_…"',
      'authorization',
    );
  }
  const bearer = /^Bearer\s+(\S+)$/i.exec(header);
  if (bearer?.[1]?.startsWith(SECRET_KEY_PREFIX)) return bearer[1];
  // Basic auth with the key as user name, as Delighted and Stripe accept.
  const basic = /^Basic\s+(\S+)$/i.exec(header);
  if (basic?.[1]) {
    const user = Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] ?? '';
    if (user.startsWith(SECRET_KEY_PREFIX)) return user;
  }
  throw new ApiError(
    401,
    'unauthorized',
    'The Authorization header does not carry a Plaudit API key',
    'authorization',
  );
}
