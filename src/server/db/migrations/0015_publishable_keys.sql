-- Publishable keys of the website widget (http/routes/publishable-keys.ts, channels/widget/).
--
-- A publishable key ("pk_…") sits in the page source of a customer's website, so it is not a
-- secret: it is stored as is and shown again by the API. What protects it is `allowed_origins`,
-- the origins (core/origins.ts: "https://app.example.com" or "https://*.example.com") whose pages
-- may use it; the widget endpoints refuse every other Origin. Revoking keeps the row (revoked_at).
--
-- Widget answers need no new column: they go through the same group-committed insert as the REST
-- API, with idempotency_key 'widget:<the id the widget made>', so the existing unique
-- (workspace_id, idempotency_key) stores a repeated answer once; editable_until is the 30-minute
-- window in which a comment may follow the score.
CREATE TABLE publishable_key (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  name text NOT NULL,
  key text NOT NULL UNIQUE,
  allowed_origins text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  revoked_at timestamptz
);
CREATE INDEX publishable_key_workspace ON publishable_key (workspace_id, created_at, id);
