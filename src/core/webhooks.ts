/**
 * Webhooks, the pure part: event types, the signature, the retry schedule and the rule that
 * disables an endpoint that keeps failing. The delivery itself is src/server/webhooks/deliver.ts.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const WEBHOOK_EVENT_TYPES = [
  'response.created',
  'response.updated',
  'case.opened',
  'case.closed',
  'contact.unsubscribed',
  'testimonial.approved',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const SIGNATURE_HEADER = 'Plaudit-Signature';
export const EVENT_HEADER = 'Plaudit-Event';
export const DELIVERY_HEADER = 'Plaudit-Delivery';

/**
 * `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, keyed with the endpoint's secret
 * (the whole `whsec_…` string as UTF-8), as Stripe does.
 */
export function signatureHeader(secret: string, body: string, at: Date): string {
  const t = Math.floor(at.getTime() / 1000);
  return `t=${t},v1=${hmacHex(secret, `${t}.${body}`)}`;
}

function hmacHex(secret: string, text: string): string {
  return createHmac('sha256', secret).update(text, 'utf8').digest('hex');
}

/**
 * What a receiver does: the header is well-formed, one `v1` matches, and `t` is within
 * `toleranceSeconds` of `now` (a replayed old request is refused).
 */
export function verifySignature(
  secret: string,
  body: string,
  header: string,
  now: Date,
  toleranceSeconds = 300,
): boolean {
  const parts = header.split(',').map((p) => p.trim().split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t)) return false;
  if (Math.abs(now.getTime() / 1000 - t) > toleranceSeconds) return false;
  const expected = Buffer.from(hmacHex(secret, `${t}.${body}`), 'hex');
  return parts
    .filter(([k, v]) => k === 'v1' && v !== undefined && /^[0-9a-f]{64}$/.test(v))
    .some(([, v]) => timingSafeEqual(Buffer.from(v!, 'hex'), expected));
}

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
/** Nominal delays after the 1st, 2nd, … failed attempt; the last repeats. */
export const RETRY_DELAYS_MS: readonly number[] = [
  MINUTE,
  5 * MINUTE,
  30 * MINUTE,
  2 * HOUR,
  5 * HOUR,
  10 * HOUR,
];
/** Retries continue until an attempt fails at least this long after the event: then gave_up. */
export const RETRY_WINDOW_MS = 3 * 24 * HOUR;
/** A receiver's answer after this is a timeout (a failed attempt). */
export const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Delay before the next attempt after attempt `attempt` (1-based) failed: 1 min, 5 min, 30 min,
 * 2 h, 5 h, then 10 h each, scaled by ±10 % jitter (`random()` in [0, 1)), so deliveries that
 * failed together (a receiver that was down) do not all come back in the same second.
 */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const index = Math.min(Math.max(attempt, 1), RETRY_DELAYS_MS.length) - 1;
  return Math.round(RETRY_DELAYS_MS[index]! * (0.9 + 0.2 * random()));
}

/**
 * When to try again after attempt `attempt` failed at `failedAt`, for an event created at
 * `createdAt`; null: give up. Retries go on as long as the failed attempt was less than
 * RETRY_WINDOW_MS after the event, so the last attempt is at least 3 days after it.
 */
export function nextAttemptAt(
  createdAt: Date,
  attempt: number,
  failedAt: Date,
  random: () => number = Math.random,
): Date | null {
  if (failedAt.getTime() - createdAt.getTime() >= RETRY_WINDOW_MS) return null;
  return new Date(failedAt.getTime() + retryDelayMs(attempt, random));
}

/** The disable rule: this many failed attempts in a row (no success between) … */
export const DISABLE_AFTER_FAILURES = 10;
/** … spanning at least this long (from the streak's first failure to now). */
export const DISABLE_AFTER_MS = 24 * HOUR;

/**
 * Whether an endpoint that just failed should be disabled: 410 Gone disables at once (the receiver
 * says it is gone for good); otherwise after DISABLE_AFTER_FAILURES failed attempts in a row that
 * span more than DISABLE_AFTER_MS, so a burst of failures during a short outage (many deliveries
 * failing in the same minute) never disables, and neither does one slow failure a day.
 * Returns the reason, or null.
 */
export function disableReason(input: {
  statusCode: number | null;
  consecutiveFailures: number;
  failingSince: Date | null;
  now: Date;
}): string | null {
  if (input.statusCode === 410) return 'The receiver answered 410 Gone';
  if (
    input.consecutiveFailures >= DISABLE_AFTER_FAILURES &&
    input.failingSince !== null &&
    input.now.getTime() - input.failingSince.getTime() > DISABLE_AFTER_MS
  )
    return `${input.consecutiveFailures} failed attempts in a row since ${input.failingSince.toISOString()}`;
  return null;
}

/** 2xx is a success; everything else (and no answer) a failure. */
export const isSuccessStatus = (status: number) => status >= 200 && status < 300;
