-- The durable job queue (src/server/jobs/queue.ts explains the protocol). One table for every
-- queue: jobs are claimed with FOR UPDATE SKIP LOCKED, so any number of worker processes can share
-- it. Every time in it comes from the application's clock (a parameter), never from now(), so tests
-- can move time; the columns therefore have no time defaults.
CREATE TABLE job (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  queue text NOT NULL,
  -- The tenant the job works for; NULL for system jobs. Deleting a workspace removes its jobs.
  workspace_id uuid REFERENCES workspace (id) ON DELETE CASCADE,
  payload jsonb NOT NULL DEFAULT '{}',
  state text NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'active', 'done', 'failed', 'cancelled')),
  run_at timestamptz NOT NULL,
  -- Claims so far, counted when a job is claimed: an attempt whose worker died counts too, so a job
  -- that kills its worker cannot loop for ever.
  attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  max_attempts integer NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
  unique_key text,
  locked_by text,
  -- The lease: an active job whose lease ran out goes back to the queue (its worker died).
  locked_until timestamptz,
  last_error text,
  created_at timestamptz NOT NULL,
  finished_at timestamptz,
  CHECK ((state = 'active') = (locked_by IS NOT NULL AND locked_until IS NOT NULL))
);

-- A unique key is held by every job that is not cancelled: a job is never enqueued twice for the
-- same invitation, reminder or event, not even after the first one is done or failed. Cancelling a
-- job releases its key (a rescheduled reminder can be enqueued again).
CREATE UNIQUE INDEX job_unique_key ON job (queue, unique_key) WHERE unique_key IS NOT NULL AND state <> 'cancelled';
-- What claim() reads: the due jobs of a queue in run_at order. Partial, so done jobs cost it nothing.
CREATE INDEX job_claimable ON job (queue, run_at, id) WHERE state = 'queued';
-- What recoverExpiredLeases() reads.
CREATE INDEX job_active_lease ON job (locked_until) WHERE state = 'active';
CREATE INDEX job_workspace ON job (workspace_id, created_at) WHERE workspace_id IS NOT NULL;
