/** Webhook endpoints and deliveries in the database (migration 0025). */
import { randomBytes } from 'node:crypto';
import type { WebhookEventType } from '../../core/webhooks';
import type { Queryable } from '../db/port';
import { enqueue } from '../jobs/queue';
import { deliveryJobKey, WEBHOOK_QUEUE } from './emit';

export interface WebhookEndpoint {
  id: string;
  workspace_id: string;
  url: string;
  description: string | null;
  events: WebhookEventType[];
  source: 'api' | 'rest_hook';
  active: boolean;
  disabled_at: Date | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: Date;
  updated_at: Date;
}

const ENDPOINT_COLUMNS = `id, workspace_id, url, description, events, source, disabled_at IS NULL AS active, disabled_at,
  disabled_reason, consecutive_failures, created_at, updated_at`;

/** A new signing secret: `whsec_` and 32 random bytes, base64url. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export async function createEndpoint(
  db: Queryable,
  workspaceId: string,
  input: {
    url: string;
    description?: string | null;
    events: readonly string[];
    source?: 'api' | 'rest_hook';
  },
  now: Date,
): Promise<WebhookEndpoint & { secret: string }> {
  const secret = newWebhookSecret();
  const rows = await db.query<WebhookEndpoint>(
    `INSERT INTO webhook_endpoint (workspace_id, url, description, events, secret, source, created_at, updated_at)
     VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $7) RETURNING ${ENDPOINT_COLUMNS}`,
    [
      workspaceId,
      input.url,
      input.description ?? null,
      [...new Set(input.events)],
      secret,
      input.source ?? 'api',
      now,
    ],
  );
  return { ...rows[0]!, secret };
}

export async function listEndpoints(db: Queryable, workspaceId: string): Promise<WebhookEndpoint[]> {
  return db.query<WebhookEndpoint>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE workspace_id = $1 ORDER BY created_at, id`,
    [workspaceId],
  );
}

export async function getEndpoint(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<WebhookEndpoint | undefined> {
  const rows = await db.query<WebhookEndpoint>(
    `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoint WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

/** Changes what is given; `active: true` enables a disabled endpoint again (its failure streak restarts). */
export async function updateEndpoint(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: { url?: string; description?: string | null; events?: readonly string[]; active?: boolean },
  now: Date,
): Promise<WebhookEndpoint | undefined> {
  const rows = await db.query<WebhookEndpoint>(
    `UPDATE webhook_endpoint SET
       url = coalesce($3, url),
       description = CASE WHEN $4::boolean THEN $5 ELSE description END,
       events = coalesce($6::text[], events),
       disabled_at = CASE WHEN $7::boolean IS NULL THEN disabled_at WHEN $7 THEN NULL ELSE coalesce(disabled_at, $8) END,
       disabled_reason = CASE WHEN $7::boolean IS NULL THEN disabled_reason WHEN $7 THEN NULL
         ELSE coalesce(disabled_reason, 'Disabled by a user') END,
       consecutive_failures = CASE WHEN $7::boolean THEN 0 ELSE consecutive_failures END,
       failing_since = CASE WHEN $7::boolean THEN NULL ELSE failing_since END,
       updated_at = $8
     WHERE workspace_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
    [
      workspaceId,
      id,
      patch.url ?? null,
      patch.description !== undefined,
      patch.description ?? null,
      patch.events ? [...new Set(patch.events)] : null,
      patch.active ?? null,
      now,
    ],
  );
  return rows[0];
}

/** A new secret (returned once); the old one stops signing at once. */
export async function rotateSecret(
  db: Queryable,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<(WebhookEndpoint & { secret: string }) | undefined> {
  const secret = newWebhookSecret();
  const rows = await db.query<WebhookEndpoint>(
    `UPDATE webhook_endpoint SET secret = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2
     RETURNING ${ENDPOINT_COLUMNS}`,
    [workspaceId, id, secret, now],
  );
  return rows[0] ? { ...rows[0], secret } : undefined;
}

/** Deletes the endpoint and its deliveries; their queued jobs find nothing and end. */
export async function deleteEndpoint(
  db: Queryable,
  workspaceId: string,
  id: string,
  source?: 'rest_hook',
): Promise<WebhookEndpoint | undefined> {
  const rows = await db.query<WebhookEndpoint>(
    `DELETE FROM webhook_endpoint WHERE workspace_id = $1 AND id = $2 AND ($3::text IS NULL OR source = $3)
     RETURNING ${ENDPOINT_COLUMNS}`,
    [workspaceId, id, source ?? null],
  );
  return rows[0];
}

export interface WebhookDelivery {
  id: string;
  workspace_id: string;
  endpoint_id: string;
  event_type: string;
  event_id: string;
  payload: Record<string, unknown>;
  status: 'pending' | 'succeeded' | 'failed' | 'gave_up';
  attempts: number;
  seq: number;
  last_status_code: number | null;
  last_response_body: string | null;
  last_error: string | null;
  last_attempt_at: Date | null;
  next_attempt_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const DELIVERY_COLUMNS = `id, workspace_id, endpoint_id, event_type, event_id, payload, status, attempts, seq,
  last_status_code, last_response_body, last_error, last_attempt_at, next_attempt_at, created_at, updated_at`;

export async function listDeliveries(
  db: Queryable,
  workspaceId: string,
  endpointId: string,
  options: { limit: number; status?: string; before?: { created_at: string; id: string } },
): Promise<WebhookDelivery[]> {
  return db.query<WebhookDelivery>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery
     WHERE workspace_id = $1 AND endpoint_id = $2 AND ($3::text IS NULL OR status = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) < ($4::timestamptz, $5::uuid))
     ORDER BY created_at DESC, id DESC LIMIT $6`,
    [
      workspaceId,
      endpointId,
      options.status ?? null,
      options.before?.created_at ?? null,
      options.before?.id ?? null,
      options.limit,
    ],
  );
}

export async function getDelivery(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<WebhookDelivery | undefined> {
  const rows = await db.query<WebhookDelivery>(
    `SELECT ${DELIVERY_COLUMNS} FROM webhook_delivery WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

/**
 * Sends a delivery again now, whatever its status (a manual redelivery also goes to a disabled
 * endpoint, to test it): a new attempt number `seq` supersedes any scheduled retry, whose job then
 * does nothing. Call in a transaction.
 */
export async function redeliver(
  tx: Queryable,
  workspaceId: string,
  id: string,
  now: Date,
): Promise<WebhookDelivery | undefined> {
  const rows = await tx.query<WebhookDelivery>(
    `UPDATE webhook_delivery SET status = 'pending', seq = seq + 1, next_attempt_at = $3, updated_at = $3
     WHERE workspace_id = $1 AND id = $2 RETURNING ${DELIVERY_COLUMNS}`,
    [workspaceId, id, now],
  );
  const delivery = rows[0];
  if (!delivery) return undefined;
  await enqueue(
    tx,
    {
      queue: WEBHOOK_QUEUE,
      workspaceId,
      payload: { deliveryId: id, seq: delivery.seq, manual: true },
      uniqueKey: deliveryJobKey(id, delivery.seq),
    },
    { now },
  );
  return delivery;
}
