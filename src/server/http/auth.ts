import { timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { Role } from '../../core/roles';
import { hashToken, readSessionCookie } from '../auth/session-cookie';
import type { Database } from '../db/port';
import { findActiveApiKeyByHash, hashSecret, SECRET_KEY_PREFIX, touchApiKey } from '../repo/api-keys';
import { type ActiveSession, findSession, touchSession } from '../repo/users';
import { ApiError } from './errors';

/** Who a request acts for: a workspace, with a role, through an API key or a dashboard session. */
export interface AuthContext {
  workspaceId: string;
  role: Role;
  /** Set for API-key requests (which act as admin). */
  apiKeyId: string | null;
  /** Set for dashboard sessions. */
  session: ActiveSession | null;
}

/** The header the dashboard sends its session's CSRF token in, on every state-changing request. */
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const TOUCH_EVERY_MS = 60_000;

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
        auth: key ? { workspaceId: key.workspace_id, role: 'admin', apiKeyId: key.id, session: null } : null,
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
      touchApiKey(this.db, entry.auth.apiKeyId!).catch(() => {});
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

/**
 * A dashboard session from its cookie. Every request reads the session with the member's current
 * role (a changed role or a removal applies at once). State-changing requests must carry the
 * session's CSRF token in `X-CSRF-Token` and, when the browser sends an Origin, come from the
 * dashboard's own origin: SameSite=Lax already keeps the cookie off other sites' form posts, the
 * token also covers older browsers and same-site subdomains.
 */
export class SessionAuthenticator {
  constructor(
    private readonly db: Database,
    private readonly clock: () => Date,
    private readonly publicUrl: string,
    private readonly sessionDays: number,
  ) {}

  /** The session of the request's cookie, or undefined (no cookie, unknown or expired). */
  async sessionOf(c: Context): Promise<ActiveSession | undefined> {
    const token = readSessionCookie(c, this.publicUrl);
    if (!token) return undefined;
    const now = this.clock();
    const session = await findSession(this.db, { token_hash: hashToken(token) }, now);
    if (session && now.getTime() - new Date(session.last_seen_at).getTime() > TOUCH_EVERY_MS) {
      const expires = new Date(now.getTime() + this.sessionDays * 86_400_000);
      await touchSession(this.db, session.id, now, expires);
    }
    return session;
  }

  async authenticate(c: Context): Promise<AuthContext | undefined> {
    const session = await this.sessionOf(c);
    if (!session) return undefined;
    if (!SAFE_METHODS.has(c.req.method)) checkCsrf(c, session, this.publicUrl);
    return { workspaceId: session.workspace_id, role: session.role, apiKeyId: null, session };
  }
}

export function checkCsrf(c: Context, session: ActiveSession, publicUrl: string): void {
  const origin = c.req.header('origin');
  if (origin !== undefined && origin !== new URL(publicUrl).origin && origin !== new URL(c.req.url).origin) {
    throw new ApiError(403, 'csrf_failed', 'The request comes from another site', 'origin');
  }
  const sent = Buffer.from(c.req.header(CSRF_HEADER) ?? '');
  const expected = Buffer.from(session.csrf_token);
  if (sent.length !== expected.length || !timingSafeEqual(sent, expected)) {
    throw new ApiError(403, 'csrf_failed', "Send the session's CSRF token in X-CSRF-Token", CSRF_HEADER);
  }
}

/** An API key (Authorization header) or else a dashboard session (cookie). */
export class RequestAuthenticator {
  constructor(
    readonly apiKeys: ApiKeyAuthenticator,
    readonly sessions: SessionAuthenticator,
  ) {}

  async authenticate(c: Context): Promise<AuthContext> {
    if (c.req.header('authorization')) return this.apiKeys.authenticate(c);
    const session = await this.sessions.authenticate(c);
    if (session) return session;
    throw new ApiError(
      401,
      'unauthorized',
      'Sign in to the dashboard, or send an API key as "Authorization: Bearer plk_…"',
      'authorization',
    );
  }
}
