-- Webhooks (src/server/webhooks/, core/webhooks.ts, docs/API.md "Webhooks").
--
-- An endpoint receives the events it subscribes to as signed POSTs. Zapier-style REST hooks
-- (POST /api/v1/hooks) are endpoints too (source 'rest_hook'), on the same delivery mechanism.
--
-- The secret is stored AS IS, not hashed: signing needs the secret itself (HMAC), so a hash would
-- be useless, and encrypting it would need a key kept somewhere else, which a self-hosted
-- installation has nowhere better to keep than next to the database (the same place as its own
-- configuration); encryption would only move the problem. It is shown once, at creation or
-- rotation, and never returned by the API afterwards, like an API key's secret.
--
-- disabled_at / disabled_reason: set when the receiver answered 410 Gone or kept failing
-- (core/webhooks.ts `shouldDisableEndpoint`); PATCH {active: true} enables it again.
-- consecutive_failures / failing_since: the current streak of failed attempts (reset by a success).
CREATE TABLE webhook_endpoint (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  url text NOT NULL,
  description text,
  events text[] NOT NULL,
  secret text NOT NULL,
  source text NOT NULL DEFAULT 'api' CHECK (source IN ('api', 'rest_hook')),
  disabled_at timestamptz,
  disabled_reason text,
  consecutive_failures int NOT NULL DEFAULT 0,
  failing_since timestamptz,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (workspace_id, id)
);
CREATE INDEX webhook_endpoint_workspace ON webhook_endpoint (workspace_id, created_at, id);

-- One delivery per (event, endpoint). The event's id is shared by the deliveries of one event.
-- `seq` numbers the scheduled attempts: the job of attempt `seq` carries it, and a job whose seq
-- is no longer the delivery's (a manual redelivery scheduled a newer one) does nothing.
-- Status: pending (not attempted yet, or redelivery asked), failed (last attempt failed, a retry
-- is scheduled at next_attempt_at), succeeded, gave_up (retries exhausted or endpoint disabled).
CREATE TABLE webhook_delivery (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL,
  endpoint_id uuid NOT NULL,
  event_type text NOT NULL,
  event_id uuid NOT NULL,
  payload jsonb NOT NULL,
  status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'succeeded', 'failed', 'gave_up')),
  attempts int NOT NULL DEFAULT 0,
  seq int NOT NULL DEFAULT 1,
  last_status_code int,
  last_response_body text,
  last_error text,
  last_attempt_at timestamptz,
  next_attempt_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (workspace_id, id),
  FOREIGN KEY (workspace_id, endpoint_id) REFERENCES webhook_endpoint (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX webhook_delivery_endpoint ON webhook_delivery (endpoint_id, created_at DESC, id DESC);
