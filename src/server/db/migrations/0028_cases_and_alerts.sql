-- Closing the loop: what the playbook did with each response, follow-up cases, alert settings
-- and digests (core/playbook.ts, core/cases.ts, src/server/loop/, docs/CLOSING-THE-LOOP.md).

-- playbook_run: one row per response the playbook has run for, with the actions it decided. The
-- `run-playbook` job inserts it in the same transaction as the cases and jobs it creates, so a
-- rerun after a crash finds it and does nothing twice. Imports and demo data never get one.
CREATE TABLE playbook_run (
  response_id uuid PRIMARY KEY REFERENCES response (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  rules text[] NOT NULL,
  actions jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);

-- A follow-up case ("case" is a reserved word). Opened by the playbook for a response (at most
-- one per response) or by hand. `score` and `category` are the answer's when it was opened.
-- owner: who follows it up (normally an email address: a member's, or a sales rep's from the
-- contact's or account's `owner` attribute); team: the group it belongs to (the rule's fallback
-- or the `team` attribute), for metrics by team.
-- first_contact_at: the first time someone reached the customer (a note of kind 'contact', or
-- the status leaving 'open'); closed_at / resolution: set together. sla_alerted_at: the SLA
-- breach alert went out (once). follow_up_sent_at: the "you told us, we did" message was sent
-- (once per case); recovery_invitation_id: its one-question recovery survey, when it had one.
CREATE TABLE follow_up_case (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  number int NOT NULL,
  response_id uuid UNIQUE REFERENCES response (id) ON DELETE SET NULL,
  survey_id uuid REFERENCES survey (id) ON DELETE SET NULL,
  contact_id uuid REFERENCES contact (id) ON DELETE SET NULL,
  account_id uuid REFERENCES account (id) ON DELETE SET NULL,
  score smallint CHECK (score BETWEEN 0 AND 10),
  category text CHECK (category IN ('promoter', 'passive', 'detractor')),
  title text NOT NULL,
  owner text,
  team text,
  status text NOT NULL DEFAULT 'open'
    CHECK (status IN ('open', 'in_progress', 'waiting_on_customer', 'closed')),
  due_at timestamptz NOT NULL,
  first_contact_at timestamptz,
  closed_at timestamptz,
  resolution text,
  root_causes text[] NOT NULL DEFAULT '{}',
  sla_alerted_at timestamptz,
  follow_up_sent_at timestamptz,
  recovery_invitation_id uuid REFERENCES invitation (id) ON DELETE SET NULL,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  updated_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (workspace_id, number),
  CHECK ((status = 'closed') = (closed_at IS NOT NULL))
);
CREATE INDEX follow_up_case_list ON follow_up_case (workspace_id, created_at DESC, id DESC);
CREATE INDEX follow_up_case_contact ON follow_up_case (contact_id);
-- The SLA sweep: open cases past due whose breach was not announced yet.
CREATE INDEX follow_up_case_sla ON follow_up_case (due_at)
  WHERE closed_at IS NULL AND sla_alerted_at IS NULL;

-- The case's timeline: notes written by people, contact attempts, and changes (kind 'event',
-- written by Plaudit: status, owner, due time).
CREATE TABLE case_note (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  case_id uuid NOT NULL REFERENCES follow_up_case (id) ON DELETE CASCADE,
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  kind text NOT NULL CHECK (kind IN ('note', 'contact', 'event')),
  body text NOT NULL,
  author_user_id uuid REFERENCES app_user (id) ON DELETE SET NULL,
  author_name text,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
);
CREATE INDEX case_note_case ON case_note (case_id, created_at);

-- A recovery survey's invitation carries its case: its email opens with the case's message.
ALTER TABLE invitation ADD COLUMN follow_up_case_id uuid REFERENCES follow_up_case (id) ON DELETE SET NULL;
ALTER TABLE invitation ADD COLUMN follow_up_message text;

-- Where alerts go (core/alerts.ts `AlertSettings`); NULL: the defaults (email to the owners and
-- admins, no Slack). The Slack incoming-webhook URL is a secret: the API shows only its end.
ALTER TABLE workspace ADD COLUMN alert_settings jsonb;
-- The last case number given out in the workspace (cases are numbered #1, #2, … per workspace).
ALTER TABLE workspace ADD COLUMN case_seq int NOT NULL DEFAULT 0;

-- A member's digest email: 'off', 'daily' or 'weekly' (Monday).
ALTER TABLE membership ADD COLUMN digest text NOT NULL DEFAULT 'off'
  CHECK (digest IN ('off', 'daily', 'weekly'));
