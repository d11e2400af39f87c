-- Alerts and digests (core/alerts.ts, server/alerts/, docs/CLOSING-THE-LOOP.md "Alerts and digests").

-- What the alert sweep (server/alerts/alert-sweep.ts) did last, per workspace and subject, so a
-- once-a-day task runs once a day: subject 'nps_drop' (the daily NPS-drop check) or
-- 'digest:<user id>' (a member's daily or weekly digest). `last_day` is the workspace's local day
-- of the last run. The sweep moves it forward in the same transaction as it enqueues the job (whose
-- unique key carries the day too), so neither a second worker nor a rerun sends twice.
CREATE TABLE alert_schedule (
  workspace_id uuid NOT NULL REFERENCES workspace (id) ON DELETE CASCADE,
  subject text NOT NULL,
  last_day date NOT NULL,
  updated_at timestamptz NOT NULL,
  PRIMARY KEY (workspace_id, subject)
);
