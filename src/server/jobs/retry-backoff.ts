/**
 * When a failed job runs again: exponential backoff with jitter. The jitter spreads the retries of
 * jobs that failed together (a mail server that was down for a minute) so they do not all come
 * back in the same second and fail together again.
 */
export interface RetryBackoff {
  /** Delay after the first failed attempt, before jitter. */
  readonly baseMs: number;
  /** Upper bound of the delay, before jitter. */
  readonly maxMs: number;
}

/** 10 s, 20 s, 40 s … capped at an hour: five attempts span about 2.5 minutes, ten about 1.4 hours. */
export const DEFAULT_RETRY_BACKOFF: RetryBackoff = Object.freeze({ baseMs: 10_000, maxMs: 3_600_000 });

/**
 * Delay before attempt `attempt + 1` after attempt `attempt` (1-based) failed: `baseMs · 2^(attempt-1)`,
 * capped at `maxMs`, then scaled into [50%, 100%] by `random()` ("equal jitter": never shorter
 * than half the nominal delay, so the backoff still grows).
 *
 * @example retryDelayMs(3, { baseMs: 1000, maxMs: 60_000 }, () => 1) // 4000
 */
export function retryDelayMs(
  attempt: number,
  backoff: RetryBackoff = DEFAULT_RETRY_BACKOFF,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  const nominal = Math.min(backoff.maxMs, backoff.baseMs * 2 ** Math.min(exponent, 40));
  return Math.round(nominal * (0.5 + 0.5 * random()));
}
