-- Plaudit schema, version 1. Tables are singular and snake_case; every tenant-owned row carries
-- workspace_id, and every query filters by it.

CREATE TABLE workspace (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  name text NOT NULL,
  time_zone text NOT NULL DEFAULT 'Europe/Berlin',
  default_locale text NOT NULL DEFAULT 'en',
  industry text,
  validity_months integer NOT NULL DEFAULT 12,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Secret API keys: only a SHA-256 of the secret is kept (the secret is 32 random bytes, so a
-- fast hash is safe; a slow KDF would only cost every API request time).
CREATE TABLE api_key (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  name text NOT NULL,
  prefix text NOT NULL,
  secret_hash text NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now(),
  last_used_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX api_key_workspace ON api_key (workspace_id);

CREATE TABLE survey (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  name text NOT NULL,
  kind text NOT NULL CHECK (kind IN ('relational', 'transactional')),
  journey_stage text NOT NULL,
  product_name text NOT NULL,
  default_locale text NOT NULL,
  texts jsonb NOT NULL,
  brand_color text NOT NULL,
  public_token text NOT NULL UNIQUE,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'archived')),
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX survey_workspace ON survey (workspace_id, created_at);

CREATE TABLE account (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  external_id text,
  name text NOT NULL,
  revenue numeric(18, 2),
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, external_id)
);
CREATE INDEX account_workspace ON account (workspace_id, created_at);

CREATE TABLE contact (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  email text,
  external_id text,
  name text,
  locale text,
  time_zone text,
  account_id uuid REFERENCES account (id) ON DELETE SET NULL,
  attributes jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, email),
  UNIQUE (workspace_id, external_id),
  CHECK (email IS NOT NULL OR external_id IS NOT NULL)
);
CREATE INDEX contact_workspace ON contact (workspace_id, created_at);
CREATE INDEX contact_account ON contact (account_id);

CREATE TABLE invitation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  survey_id uuid NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  contact_id uuid NOT NULL REFERENCES contact (id) ON DELETE CASCADE,
  token text NOT NULL UNIQUE,
  channel text NOT NULL DEFAULT 'link',
  expires_at timestamptz NOT NULL,
  answered_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX invitation_workspace ON invitation (workspace_id, created_at);
CREATE INDEX invitation_contact ON invitation (contact_id);

-- One row per answer. `attributes` is a snapshot of the contact's and account's attributes (and
-- the response's own properties) at answer time: a segment is what the customer was when they
-- answered, not what they became later. `day` is the local day in the workspace's time zone.
CREATE TABLE response (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  survey_id uuid NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  contact_id uuid REFERENCES contact (id) ON DELETE SET NULL,
  account_id uuid REFERENCES account (id) ON DELETE SET NULL,
  invitation_id uuid UNIQUE REFERENCES invitation (id) ON DELETE SET NULL,
  score smallint NOT NULL CHECK (score BETWEEN 0 AND 10),
  comment text,
  locale text,
  channel text NOT NULL,
  attributes jsonb NOT NULL DEFAULT '{}',
  idempotency_key text,
  edit_token text UNIQUE,
  editable_until timestamptz,
  day date NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (workspace_id, idempotency_key)
);
CREATE INDEX response_workspace_time ON response (workspace_id, created_at DESC, id DESC);
CREATE INDEX response_survey_time ON response (survey_id, created_at DESC);
CREATE INDEX response_workspace_day ON response (workspace_id, day);
CREATE INDEX response_contact ON response (contact_id);

-- Rollups kept current in the same transaction as each response write, so metrics never scan
-- raw responses. `plaudit rollups rebuild` recomputes them from `response`.
CREATE TABLE response_daily (
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  survey_id uuid NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  day date NOT NULL,
  channel text NOT NULL,
  score smallint NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (workspace_id, day, survey_id, channel, score)
);

CREATE TABLE response_attribute_daily (
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  key text NOT NULL,
  day date NOT NULL,
  survey_id uuid NOT NULL REFERENCES survey (id) ON DELETE CASCADE,
  value text NOT NULL,
  score smallint NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (workspace_id, key, day, survey_id, value, score)
);

-- Which response attributes are rolled up per day for fast segment breakdowns. Breakdowns by any
-- other attribute are computed from raw responses: still right, only slower. Keys with one value
-- per customer (an id, a date) would make the rollup as large as the responses, hence a list.
ALTER TABLE workspace ADD COLUMN segment_attributes text[] NOT NULL
  DEFAULT ARRAY['plan', 'country', 'sales_rep', 'team', 'acquisition_channel', 'role', 'release', 'account.industry', 'account.tier'];
