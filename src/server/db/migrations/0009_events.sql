-- Transactional triggers: events a client reports (POST /api/v1/events) and the rules that send a
-- survey after one (http/routes/events.ts).

-- A rule: an event name (and an optional filter of core/audience.ts on the event's properties)
-- sends a survey `delay_minutes` after the event, with a reminder plan and an optional override of
-- the fatigue policy ({"min_days_between", "on_blocked"}; NULL: the workspace default).
CREATE TABLE trigger_rule (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  name text NOT NULL,
  event_name text NOT NULL,
  filter jsonb,
  survey_id uuid NOT NULL,
  delay_minutes int NOT NULL CHECK (delay_minutes BETWEEN 0 AND 43200),
  reminders jsonb,
  fatigue jsonb,
  active boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  UNIQUE (workspace_id, id),
  FOREIGN KEY (workspace_id, survey_id) REFERENCES survey (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX trigger_rule_event ON trigger_rule (workspace_id, event_name) WHERE active;
CREATE INDEX trigger_rule_workspace ON trigger_rule (workspace_id, created_at, id);

-- An event, stored once per client event id (external_id): a retried webhook finds the stored one.
-- `outcomes` is what each matching rule did when the event arrived ([{rule_id, survey_id,
-- invitation_id, status, skip_reason, send_at}]), so a repeated request answers the same.
CREATE TABLE event (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  external_id text NOT NULL,
  name text NOT NULL,
  contact_id uuid NOT NULL,
  properties jsonb NOT NULL DEFAULT '{}',
  occurred_at timestamptz NOT NULL,
  received_at timestamptz NOT NULL,
  outcomes jsonb NOT NULL DEFAULT '[]',
  UNIQUE (workspace_id, external_id),
  UNIQUE (workspace_id, id),
  FOREIGN KEY (workspace_id, contact_id) REFERENCES contact (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX event_workspace_received ON event (workspace_id, received_at DESC, id DESC);

-- The event an invitation was sent for. One event never sends the same survey twice.
ALTER TABLE invitation ADD COLUMN event_id uuid REFERENCES event (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX invitation_event_survey ON invitation (event_id, survey_id) WHERE event_id IS NOT NULL;
