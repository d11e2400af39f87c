-- People who sign in to the dashboard, their roles per workspace, their sessions and the
-- invitations that bring colleagues in (server/auth/, core/roles.ts).

-- A person. The email is kept lower-cased (one account per address); the password only as a
-- scrypt hash (auth/passwords.ts). `is_demo`: the demo user of `plaudit serve --demo`.
CREATE TABLE app_user (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  email text NOT NULL UNIQUE CHECK (email = lower(email)),
  name text NOT NULL,
  password_hash text NOT NULL,
  locale text,
  is_demo boolean NOT NULL DEFAULT false,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

CREATE TABLE membership (
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  PRIMARY KEY (workspace_id, user_id)
);
CREATE INDEX membership_user ON membership (user_id);

-- A signed-in browser. The cookie holds a random token; only its SHA-256 is kept, so a leaked
-- database holds no usable session. `csrf_token` is sent back in a header on every change.
-- A session is for one workspace at a time (the user may switch).
CREATE TABLE user_session (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  token_hash text NOT NULL UNIQUE,
  user_id uuid NOT NULL REFERENCES app_user (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  csrf_token text NOT NULL,
  created_at timestamptz NOT NULL,
  last_seen_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL
);
CREATE INDEX user_session_user ON user_session (user_id);

-- An invitation by email to join a workspace with a role. The link carries a random token (kept
-- as SHA-256); it works once, until `expires_at`.
CREATE TABLE member_invitation (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  email text NOT NULL CHECK (email = lower(email)),
  role text NOT NULL CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
  token_hash text NOT NULL UNIQUE,
  invited_by uuid REFERENCES app_user (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  accepted_at timestamptz,
  revoked_at timestamptz
);
CREATE INDEX member_invitation_workspace ON member_invitation (workspace_id, created_at DESC);
-- One open invitation per address and workspace: inviting again replaces the old one.
CREATE UNIQUE INDEX member_invitation_open ON member_invitation (workspace_id, email)
  WHERE accepted_at IS NULL AND revoked_at IS NULL;
