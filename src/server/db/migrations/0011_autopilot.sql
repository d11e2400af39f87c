-- Autopilot: a relational survey on a cadence (core/cadence.ts, core/autopilot.ts). Every hour the
-- scheduler (jobs/autopilot-tick.ts) finds the contacts of the audience whose next due day is their
-- local today and gives each an invitation, sent inside the business hours of its time zone.
--
-- cadence: the validated rule {"anchor", "milestones_months", "then_every_months"}; audience: as a
-- campaign's (core/audience.ts); business_hours: {"weekdays", "start_hour", "end_hour"}; reminders
-- and fatigue: as a campaign's (NULL: no reminders / the survey's and workspace's fatigue rules).
CREATE TABLE autopilot (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  survey_id uuid NOT NULL,
  name text NOT NULL,
  cadence jsonb NOT NULL,
  audience jsonb NOT NULL,
  business_hours jsonb NOT NULL,
  reminders jsonb,
  fatigue jsonb,
  status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'paused')),
  created_at timestamptz NOT NULL,
  updated_at timestamptz NOT NULL,
  -- The last scheduler run and what it did ({"contacts", "due", "queued", "skipped"}), for the API.
  last_run_at timestamptz,
  last_run jsonb,
  UNIQUE (workspace_id, id),
  FOREIGN KEY (workspace_id, survey_id) REFERENCES survey (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX autopilot_workspace ON autopilot (workspace_id, created_at, id);

-- The autopilot an invitation was sent for, and the contact's local day it was due. One survey per
-- contact and due day: a scheduler run repeated after a crash inserts ON CONFLICT DO NOTHING on
-- this index. It also gives each contact's latest due day (where the cadence continues from).
ALTER TABLE invitation
  ADD COLUMN autopilot_id uuid REFERENCES autopilot (id) ON DELETE SET NULL,
  ADD COLUMN due_day date;
CREATE UNIQUE INDEX invitation_autopilot_due ON invitation (autopilot_id, contact_id, due_day)
  WHERE autopilot_id IS NOT NULL;
