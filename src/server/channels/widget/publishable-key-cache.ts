import { originAllowed } from '../../../core/origins';
import type { Queryable } from '../../db/port';
import {
  findActivePublishableKey,
  listActiveAllowedOrigins,
  type PublishableKey,
} from '../../repo/publishable-keys';

/** How long a looked-up key (or its absence) is trusted without asking the database again. */
export const KEY_CACHE_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;

/**
 * The publishable keys the widget endpoints see, cached for {@link KEY_CACHE_TTL_MS} of real time
 * so a busy page does not cost a look-up per request (unknown keys are cached too, so a flood of
 * made-up keys cannot reach the database more than once per key and period). The API routes that
 * change or revoke a key call `forget`, so this process sees the change at once; other processes
 * sharing a PostgreSQL database see it within the TTL.
 */
export class PublishableKeyCache {
  private readonly keys = new Map<string, { key: PublishableKey | undefined; expiresAt: number }>();
  private origins: { patterns: string[]; expiresAt: number } | undefined;

  constructor(
    private readonly db: Queryable,
    private readonly now: () => number = () => performance.now(),
  ) {}

  async find(value: string): Promise<PublishableKey | undefined> {
    const now = this.now();
    const cached = this.keys.get(value);
    if (cached && cached.expiresAt > now) return cached.key;
    const key = await findActivePublishableKey(this.db, value);
    if (this.keys.size >= MAX_ENTRIES) this.keys.clear();
    this.keys.set(value, { key, expiresAt: now + KEY_CACHE_TTL_MS });
    return key;
  }

  /**
   * Whether any active key allows `origin`: what a CORS preflight (which carries no body, so no
   * key) can be told. The real request is then checked against its own key.
   */
  async anyKeyAllows(origin: string | undefined): Promise<boolean> {
    const now = this.now();
    if (!this.origins || this.origins.expiresAt <= now) {
      this.origins = { patterns: await listActiveAllowedOrigins(this.db), expiresAt: now + KEY_CACHE_TTL_MS };
    }
    return originAllowed(origin, this.origins.patterns);
  }

  /** Drops what is cached about `value` (a key that changed), and the preflight origins. */
  forget(value?: string): void {
    if (value !== undefined) this.keys.delete(value);
    this.origins = undefined;
  }
}
