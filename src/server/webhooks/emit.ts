/**
 * Emitting webhook events. Call it IN THE TRANSACTION that makes the event true:
 *
 *   await db.transaction(async (tx) => {
 *     const row = await closeCase(tx, …);
 *     await emitEvent(tx, workspaceId, 'case.closed', { case: row });
 *   });
 *
 * `emitEvent(tx, workspaceId, type, data, { now })` writes one delivery per active endpoint of the
 * workspace subscribed to `type`, and a job per delivery in the durable queue, in ONE statement:
 * committed with the event, so none is lost, and rolled back with it, so none is sent for a change
 * that did not happen. Nothing is written when no endpoint subscribes. The body each receiver gets
 * is `{ id, type, created_at, data }` (`id` is the event's, the same for every endpoint; the
 * `Plaudit-Delivery` header is the delivery's). `data` must be JSON: the API's representation of
 * the object (e.g. `{ response: toApiResponse(row) }`).
 *
 * `emitEvents` does the same for many events at once (a batch of responses).
 */
import { randomUUID } from 'node:crypto';
import type { WebhookEventType } from '../../core/webhooks';
import type { Queryable } from '../db/port';

export const WEBHOOK_QUEUE = 'webhook-delivery';
/** Queue-level retries only cover database errors in the handler; HTTP failures are rescheduled by it. */
const JOB_MAX_ATTEMPTS = 5;

export interface WebhookEvent {
  readonly workspaceId: string;
  readonly type: WebhookEventType;
  readonly data: Record<string, unknown>;
}

export interface EmitOptions {
  /** The clock's time: the event's created_at and when its deliveries are due. Default: now. */
  readonly now?: Date;
}

/** The job of attempt `seq` of a delivery: payload and unique key. */
export const deliveryJobKey = (deliveryId: string, seq: number) => `${WEBHOOK_QUEUE}:${deliveryId}:${seq}`;

/**
 * Writes the deliveries and their jobs for `events` in one statement. Returns the number of
 * deliveries written. The job rows repeat queue-sql.ts `insertJobs` (same columns, same unique
 * key arbiter) so that both are one statement.
 */
export async function emitEvents(
  tx: Queryable,
  events: readonly WebhookEvent[],
  options: EmitOptions = {},
): Promise<number> {
  if (events.length === 0) return 0;
  const now = options.now ?? new Date();
  const ids = events.map(() => randomUUID());
  const bodies = events.map((e, i) =>
    JSON.stringify({ id: ids[i], type: e.type, created_at: now.toISOString(), data: e.data }),
  );
  const rows = await tx.query<{ n: number }>(
    `WITH ev AS (
       SELECT * FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[]) AS ev(event_id, workspace_id, type, payload)
     ), d AS (
       INSERT INTO webhook_delivery (workspace_id, endpoint_id, event_type, event_id, payload, next_attempt_at,
         created_at, updated_at)
       SELECT ev.workspace_id, e.id, ev.type, ev.event_id, ev.payload, $5::timestamptz, $5::timestamptz, $5::timestamptz
       FROM ev JOIN webhook_endpoint e
         ON e.workspace_id = ev.workspace_id AND e.disabled_at IS NULL AND ev.type = ANY(e.events)
       RETURNING id, workspace_id
     ), j AS (
       INSERT INTO job (queue, workspace_id, payload, run_at, max_attempts, unique_key, created_at)
       SELECT $6, d.workspace_id, jsonb_build_object('deliveryId', d.id, 'seq', 1), $5::timestamptz, $7,
         $6 || ':' || d.id || ':1', $5::timestamptz
       FROM d
       ON CONFLICT (queue, unique_key) WHERE unique_key IS NOT NULL AND state <> 'cancelled' DO NOTHING
       RETURNING id
     )
     SELECT count(*)::int AS n FROM j`,
    [
      ids,
      events.map((e) => e.workspaceId),
      events.map((e) => e.type),
      bodies,
      now,
      WEBHOOK_QUEUE,
      JOB_MAX_ATTEMPTS,
    ],
  );
  return rows[0]?.n ?? 0;
}

/** One event; see the top of this file. Returns the number of deliveries written. */
export function emitEvent(
  tx: Queryable,
  workspaceId: string,
  type: WebhookEventType,
  data: Record<string, unknown>,
  options: EmitOptions = {},
): Promise<number> {
  return emitEvents(tx, [{ workspaceId, type, data }], options);
}

/** The workspaces among `workspaceIds` with an active endpoint subscribed to `type` (one indexed query). */
export async function subscribedWorkspaces(
  db: Queryable,
  workspaceIds: readonly string[],
  type: WebhookEventType,
): Promise<Set<string>> {
  if (workspaceIds.length === 0) return new Set();
  const rows = await db.query<{ workspace_id: string }>(
    `SELECT DISTINCT workspace_id FROM webhook_endpoint
     WHERE workspace_id = ANY($1::uuid[]) AND disabled_at IS NULL AND $2 = ANY(events)`,
    [[...new Set(workspaceIds)], type],
  );
  return new Set(rows.map((r) => r.workspace_id));
}
