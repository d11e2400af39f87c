-- Campaigns: one survey sent by email to an audience (jobs/expand-campaign.ts turns a campaign into
-- one invitation per matching contact). The audience is stored as the validated JSON of
-- core/audience.ts and `fatigue` as the campaign's override of the survey-fatigue policy
-- ({"min_days_between", "on_blocked"}, each optional; NULL: the workspace default).
CREATE TABLE campaign (
  id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  survey_id uuid NOT NULL,
  name text NOT NULL,
  audience jsonb NOT NULL,
  send_at timestamptz NOT NULL,
  status text NOT NULL DEFAULT 'queued' CHECK (status IN ('queued', 'expanding', 'done', 'cancelled')),
  fatigue jsonb,
  created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
  expanded_at timestamptz,
  UNIQUE (workspace_id, id),
  FOREIGN KEY (workspace_id, survey_id) REFERENCES survey (workspace_id, id) ON DELETE CASCADE
);
CREATE INDEX campaign_workspace ON campaign (workspace_id, created_at, id);

-- The campaign an invitation belongs to. A contact gets at most one invitation per campaign: the
-- expansion inserts with ON CONFLICT DO NOTHING on this index, so running it again after a crash
-- adds only the invitations that are missing. It also serves the campaign's counts.
ALTER TABLE invitation ADD COLUMN campaign_id uuid REFERENCES campaign (id) ON DELETE SET NULL;
CREATE UNIQUE INDEX invitation_campaign_contact ON invitation (campaign_id, contact_id)
  WHERE campaign_id IS NOT NULL;
