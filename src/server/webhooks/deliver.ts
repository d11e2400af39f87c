/**
 * The job that sends one attempt of a webhook delivery (queue `webhook-delivery`, payload
 * `{ deliveryId, seq, manual? }`).
 *
 * - POST the stored event as JSON with `Plaudit-Signature`, `Plaudit-Event` and `Plaudit-Delivery`
 *   (core/webhooks.ts); 2xx is a success; anything else, a network error or no answer within
 *   10 s is a failed attempt.
 * - A failed attempt schedules the next one itself (core/webhooks.ts `nextAttemptAt`: 1 min, 5 min,
 *   30 min, 2 h, 5 h, then every 10 h, jittered, until an attempt fails 3 days after the event:
 *   gave_up) as a new job with seq + 1, in the transaction that records the failure. The queue's own
 *   retries only cover errors of the handler itself (the database unreachable).
 * - 410 Gone disables the endpoint at once; a streak of failures (core/webhooks.ts `disableReason`)
 *   too. Disabling writes `disabled_reason` (shown by the API), a log line and, in the same
 *   transaction, an `endpoint_disabled` alert (email and Slack, alerts/alert-jobs.ts); the deliveries still
 *   scheduled for it end as gave_up when their job runs.
 * - At least once: a worker that dies after the POST and before recording it sends the same
 *   delivery again (same `Plaudit-Delivery` id, for the receiver to drop the repeat). A job whose
 *   seq is not the delivery's any more (superseded by a manual redelivery) does nothing.
 */
import {
  DELIVERY_HEADER,
  DELIVERY_TIMEOUT_MS,
  disableReason,
  EVENT_HEADER,
  isSuccessStatus,
  nextAttemptAt,
  SIGNATURE_HEADER,
  signatureHeader,
} from '../../core/webhooks';
import { endpointDisabledAlertJob } from '../alerts/alert-jobs';
import type { Queryable } from '../db/port';
import { enqueue } from '../jobs/queue';
import type { JobHandler } from '../jobs/worker';
import { postJson } from '../outbound/post-json';
import { deliveryJobKey, WEBHOOK_QUEUE } from './emit';

/** The first 1 KB of a receiver's answer is kept in the delivery log. */
export const RESPONSE_EXCERPT_BYTES = 1024;

export interface WebhookDeliveryDeps {
  readonly clock: () => Date;
  /** Jitter of the retry delays; tests pass a constant. */
  readonly random?: () => number;
  readonly timeoutMs?: number;
  /** Where the log line of a disabled endpoint goes (its alert is a `send-alert` job). Default console.error. */
  readonly log?: (line: string) => void;
}

interface Target {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_type: string;
  payload: Record<string, unknown>;
  status: string;
  seq: number;
  attempts: number;
  created_at: Date;
  url: string;
  secret: string;
  disabled_at: Date | null;
}

interface Outcome {
  statusCode: number | null;
  body: string | null;
  error: string | null;
}

export function webhookDeliveryHandler(deps: WebhookDeliveryDeps): JobHandler {
  const log = deps.log ?? ((line: string) => console.error(line));
  return async ({ job, db, signal }) => {
    const { deliveryId, seq, manual } = job.payload as { deliveryId: string; seq: number; manual?: boolean };
    const target = (
      await db.query<Target>(
        `SELECT d.id, d.workspace_id, d.endpoint_id, d.event_type, d.payload, d.status, d.seq, d.attempts,
           d.created_at, e.url, e.secret, e.disabled_at
         FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
         WHERE d.id = $1`,
        [deliveryId],
      )
    )[0];
    // Deleted, superseded by a redelivery, or already recorded by an earlier run of this job.
    if (!target || target.seq !== seq || target.status === 'succeeded' || target.status === 'gave_up') return;
    if (target.disabled_at !== null && !manual) {
      await db.query(
        `UPDATE webhook_delivery SET status = 'gave_up', last_error = 'The endpoint is disabled',
           next_attempt_at = NULL, updated_at = $3
         WHERE id = $1 AND seq = $2`,
        [deliveryId, seq, deps.clock()],
      );
      return;
    }
    const outcome = await post(target, deps.clock(), deps.timeoutMs ?? DELIVERY_TIMEOUT_MS, signal);
    const now = deps.clock();
    if (outcome.statusCode !== null && isSuccessStatus(outcome.statusCode)) {
      // One statement: the delivery (fenced on seq) and the endpoint's streak, written only if there is one.
      await db.query(
        `WITH d AS (
           UPDATE webhook_delivery SET status = 'succeeded', attempts = attempts + 1, last_status_code = $3,
             last_response_body = $4, last_error = NULL, last_attempt_at = $5, next_attempt_at = NULL, updated_at = $5
           WHERE id = $1 AND seq = $2 RETURNING endpoint_id
         )
         UPDATE webhook_endpoint e SET consecutive_failures = 0, failing_since = NULL
         FROM d WHERE e.id = d.endpoint_id AND (e.consecutive_failures <> 0 OR e.failing_since IS NOT NULL)`,
        [deliveryId, seq, outcome.statusCode, outcome.body, now],
      );
      return;
    }
    await db.transaction((tx) => recordFailure(tx, target, outcome, now, deps, log));
  };
}

async function recordFailure(
  tx: Queryable,
  target: Target,
  outcome: Outcome,
  now: Date,
  deps: WebhookDeliveryDeps,
  log: (line: string) => void,
): Promise<void> {
  const attempt = target.attempts + 1;
  const streak = (
    await tx.query<{ consecutive_failures: number; failing_since: Date | null; disabled_at: Date | null }>(
      `UPDATE webhook_endpoint SET consecutive_failures = consecutive_failures + 1,
         failing_since = coalesce(failing_since, $2)
       WHERE id = $1 RETURNING consecutive_failures, failing_since, disabled_at`,
      [target.endpoint_id, now],
    )
  )[0];
  const reason =
    streak && streak.disabled_at === null
      ? disableReason({
          statusCode: outcome.statusCode,
          consecutiveFailures: streak.consecutive_failures,
          failingSince: streak.failing_since,
          now,
        })
      : null;
  if (reason) {
    await tx.query(
      `UPDATE webhook_endpoint SET disabled_at = $2, disabled_reason = $3, updated_at = $2 WHERE id = $1`,
      [target.endpoint_id, now, reason],
    );
    log(
      `Webhook endpoint ${target.endpoint_id} (workspace ${target.workspace_id}, ${target.url}) disabled: ${reason}`,
    );
    // The alert (email and Slack) is written with the disabling: neither exists without the other.
    await enqueue(
      tx,
      endpointDisabledAlertJob(target.workspace_id, { id: target.endpoint_id, url: target.url, reason }, now),
      { now },
    );
  }
  const disabled = reason !== null || (streak?.disabled_at ?? null) !== null;
  const next = disabled ? null : nextAttemptAt(target.created_at, attempt, now, deps.random);
  const rows = await tx.query(
    `UPDATE webhook_delivery SET status = $3, attempts = attempts + 1, seq = seq + $4, last_status_code = $5,
       last_response_body = $6, last_error = $7, last_attempt_at = $8, next_attempt_at = $9, updated_at = $8
     WHERE id = $1 AND seq = $2 RETURNING id`,
    [
      target.id,
      target.seq,
      next ? 'failed' : 'gave_up',
      next ? 1 : 0,
      outcome.statusCode,
      outcome.body,
      outcome.error,
      now,
      next,
    ],
  );
  if (rows.length === 0 || !next) return;
  await enqueue(
    tx,
    {
      queue: WEBHOOK_QUEUE,
      workspaceId: target.workspace_id,
      payload: { deliveryId: target.id, seq: target.seq + 1 },
      uniqueKey: deliveryJobKey(target.id, target.seq + 1),
      runAt: next,
    },
    { now },
  );
}

async function post(target: Target, at: Date, timeoutMs: number, signal: AbortSignal): Promise<Outcome> {
  const body = JSON.stringify(target.payload);
  const result = await postJson(
    target.url,
    body,
    {
      'user-agent': 'Plaudit-Webhooks/1',
      [SIGNATURE_HEADER]: signatureHeader(target.secret, body, at),
      [EVENT_HEADER]: target.event_type,
      [DELIVERY_HEADER]: target.id,
    },
    { timeoutMs, maxBodyBytes: RESPONSE_EXCERPT_BYTES, signal },
  );
  if (result.status === null) return { statusCode: null, body: null, error: result.error.slice(0, 1000) };
  return {
    statusCode: result.status,
    body: result.body,
    error: isSuccessStatus(result.status) ? null : `HTTP ${result.status}`,
  };
}
