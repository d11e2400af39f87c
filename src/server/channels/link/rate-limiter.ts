/**
 * A per-client request limit for the public survey pages, in memory, with bounded memory.
 *
 * Why not a library: `hono-rate-limiter` (0.5) wants `unstorage` as a peer and its memory store
 * reads the wall clock, so the edit-window tests could not drive it with the app's clock. What is
 * needed here is small: a sliding-window counter (the previous fixed window weighted by how much
 * of it still overlaps, plus the current one), which avoids the double burst of a plain fixed
 * window at its edge. Memory is two maps of at most `maxClients` entries; when a map is full the
 * oldest client is dropped (an attacker spraying addresses can only reset counts, not grow the
 * heap). Per process: behind several app processes each gets its own allowance, which is fine
 * for a limit meant to stop floods, not to meter.
 */
export interface RateLimitResult {
  allowed: boolean;
  /** Whole seconds after which a refused client may try again (at least 1). */
  retryAfterSeconds: number;
}

export class SlidingWindowRateLimiter {
  private windowStart = Number.NEGATIVE_INFINITY;
  private current = new Map<string, number>();
  private previous = new Map<string, number>();

  constructor(
    private readonly options: {
      /** Requests allowed per client and window. */
      limit: number;
      windowMs: number;
      clock: () => Date;
      maxClients?: number;
    },
  ) {
    if (!(options.limit > 0) || !(options.windowMs > 0))
      throw new RangeError('limit and windowMs must be > 0');
  }

  /** Counts one request of `client` and says whether it is within the limit. */
  hit(client: string): RateLimitResult {
    const { limit, windowMs } = this.options;
    const now = this.options.clock().getTime();
    if (this.estimate(client, now) + 1 > limit) {
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((this.windowStart + windowMs - now) / 1000)),
      };
    }
    this.count(client);
    return { allowed: true, retryAfterSeconds: 0 };
  }

  /** Whether one more request of `client` would be allowed, without counting it (failed sign-ins). */
  wouldAllow(client: string): boolean {
    return this.estimate(client, this.options.clock().getTime()) + 1 <= this.options.limit;
  }

  /** Requests of `client` in the sliding window ending `now` (the previous window weighted by overlap). */
  private estimate(client: string, now: number): number {
    this.roll(now);
    const elapsed = (now - this.windowStart) / this.options.windowMs;
    return (this.previous.get(client) ?? 0) * (1 - elapsed) + (this.current.get(client) ?? 0);
  }

  /** Number of clients tracked (for tests of the memory bound). */
  get size(): number {
    return this.current.size + this.previous.size;
  }

  private roll(now: number): void {
    const { windowMs } = this.options;
    const start = Math.floor(now / windowMs) * windowMs;
    if (start === this.windowStart) return;
    // The previous window counts only if it is the one just before; after a quiet spell it is empty.
    this.previous = start - this.windowStart === windowMs ? this.current : new Map();
    this.current = new Map();
    this.windowStart = start;
  }

  private count(client: string): void {
    const max = this.options.maxClients ?? 100_000;
    const seen = this.current.get(client);
    if (seen === undefined && this.current.size >= max) {
      const oldest = this.current.keys().next().value;
      if (oldest !== undefined) this.current.delete(oldest);
    }
    this.current.set(client, (seen ?? 0) + 1);
  }
}

/**
 * The key a client is counted under: an IPv4 address as is, an IPv6 address by its /64 prefix
 * (one subscriber usually gets a whole /64, so per-address counting would be no limit at all).
 */
export function rateLimitKeyOf(address: string): string {
  // A proxy may write the client's port too ("203.0.113.5:51234", "[2001:db8::1]:443"): a key
  // that changed with every connection's port would be no limit at all.
  const ip = address
    .trim()
    .toLowerCase()
    .replace(/^(\d+\.\d+\.\d+\.\d+):\d+$/, '$1')
    .replace(/^\[([0-9a-f:.]+)\](?::\d+)?$/, '$1');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(ip);
  if (mapped) return mapped[1]!;
  if (!ip.includes(':')) return ip;
  const [head = '', tail] = ip.split('::');
  const left = head === '' ? [] : head.split(':');
  const right = tail === undefined || tail === '' ? [] : tail.split(':');
  const groups =
    tail === undefined
      ? left
      : [...left, ...Array<string>(Math.max(0, 8 - left.length - right.length)).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => (Number.parseInt(g, 16) || 0).toString(16))
    .join(':')}::/64`;
}

/** The window of the public pages' limit: `PLAUDIT_PUBLIC_RATE_LIMIT` requests per minute. */
export const PUBLIC_RATE_WINDOW_MS = 60_000;

/**
 * The limiter of a group of public routes (survey pages, unsubscribe pages, the open pixel):
 * `given` (tests pass their own), else `limit` requests per client and minute on `clock`.
 */
export function publicRateLimiter(
  given: SlidingWindowRateLimiter | undefined,
  limit: number,
  clock: () => Date,
): SlidingWindowRateLimiter {
  return given ?? new SlidingWindowRateLimiter({ limit, windowMs: PUBLIC_RATE_WINDOW_MS, clock });
}
