-- One run at a time per CRM connection (src/server/crm/sync.ts, docs/INTEGRATIONS.md "Schedule").
--
-- "Sync now", resuming and the 5-minute chain may start runs of one connection while another is
-- still working (a long pull with 429 waits). A run first claims the lease with one UPDATE …
-- WHERE running_until IS NULL OR running_until < now RETURNING: `running_until` is when the lease
-- lapses (renewed while the run works), `run_id` the run that holds it, so only that run renews or
-- releases it. A run that cannot take the lease does nothing (the chain goes on); a run that died
-- holding it blocks the connection until `running_until` only.
ALTER TABLE crm_connection
  ADD COLUMN running_until timestamptz,
  ADD COLUMN run_id uuid,
  ADD CONSTRAINT crm_connection_run_lease_check CHECK ((running_until IS NULL) = (run_id IS NULL));
