-- CRM sync (src/server/crm/, core/crm-mapping.ts, docs/INTEGRATIONS.md "CRM sync").
--
-- A connection links a workspace to one HubSpot portal or one Pipedrive company (one per provider).
-- The token is stored AS IS: the sync has to send it, so a hash would be useless, and encrypting it
-- would need a key kept next to the database anyway (see 0025_webhooks.sql). The API never returns
-- it; it shows its last four characters only.
--
-- field_keys: the remote names of the four fields the push writes (HubSpot: our property names;
-- Pipedrive: the 40-character hashes it gave the custom fields we created). NULL until the first
-- push made sure they exist; reset to NULL when the CRM says a field is gone, so the next run
-- creates it again.
-- last_run: the counts of the last run (pushed, not_found, failed, contacts, accounts).
CREATE TABLE crm_connection (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  provider text NOT NULL CHECK (provider IN ('hubspot', 'pipedrive')),
  token text NOT NULL,
  base_url text NOT NULL,
  push_enabled boolean NOT NULL DEFAULT true,
  pull_enabled boolean NOT NULL DEFAULT true,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  field_keys jsonb,
  last_push_at timestamptz,
  last_pull_at timestamptz,
  last_run jsonb,
  last_error text,
  last_error_at timestamptz,
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  UNIQUE (workspace_id, provider),
  UNIQUE (workspace_id, id)
);

-- Which remote record is which Plaudit contact (kind 'contact') or account (kind 'account'), as
-- found by the pull (and by the push's look-ups by email). A remote id maps to one local row; a
-- local row may be linked from several remote ones (duplicates in the CRM).
CREATE TABLE crm_link (
  connection_id uuid NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('contact', 'account')),
  remote_id text NOT NULL,
  local_id uuid NOT NULL,
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, kind, remote_id)
);
CREATE INDEX crm_link_local ON crm_link (connection_id, kind, local_id);

-- What was last pushed per contact: the response and its version (updated_at), so a run pushes a
-- contact only when its latest response is another one or was edited since (nothing twice), and
-- every contact whose latest response is not recorded here is pushed (nothing missed, also after
-- the CRM was down: a failed call records nothing). status: pushed; not_found (no such email in
-- the CRM: tried again with the next response, or once the pull links the contact); failed (the
-- CRM refused this one contact: tried again every run, the error in `error`).
CREATE TABLE crm_push (
  connection_id uuid NOT NULL REFERENCES crm_connection (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  response_id uuid NOT NULL,
  response_updated_at timestamptz NOT NULL,
  status text NOT NULL CHECK (status IN ('pushed', 'not_found', 'failed')),
  remote_id text,
  error text,
  pushed_at timestamptz NOT NULL,
  PRIMARY KEY (connection_id, contact_id)
);
