/**
 * Every statement of the job queue, one function each, returning SQL text (queue.ts runs them).
 * Each is ONE statement, because PGlite's query() runs one statement, and each does its work in
 * that one statement, so no transaction is held open across a round trip and a claim, a completion
 * or a recovery is atomic on its own.
 *
 * Times are parameters ($n::timestamptz from the injected clock), never now(): tests move time,
 * and all workers agree on what "due" means as long as their clocks do.
 *
 * Ownership: complete, fail and extendLease match (id, state 'active', locked_by, attempts). The
 * attempt number is part of the key because a worker whose lease ran out may come back after the
 * job was recovered and claimed again by itself (same locked_by) or another worker: its late
 * answer must not finish the newer attempt.
 */

/** The arbiter of the unique key; must repeat the partial index predicate of job_unique_key. */
const ON_UNIQUE_KEY = `ON CONFLICT (queue, unique_key) WHERE unique_key IS NOT NULL AND state <> 'cancelled' DO NOTHING`;

/** $1 queue, $2 workspace_id, $3 payload (JSON text), $4 run_at, $5 max_attempts, $6 unique_key, $7 now. */
export function insertJob(): string {
  return `INSERT INTO job (queue, workspace_id, payload, run_at, max_attempts, unique_key, created_at)
    VALUES ($1, $2::uuid, $3::jsonb, $4::timestamptz, $5, $6, $7::timestamptz)
    ${ON_UNIQUE_KEY}
    RETURNING id`;
}

/**
 * Many jobs in one statement, one array per column ($1 … $6 as in insertJob, $7 now). A key that
 * repeats inside the batch is inserted once: DO NOTHING also skips rows that conflict with rows of
 * the same statement (only DO UPDATE refuses that).
 */
export function insertJobs(): string {
  return `INSERT INTO job (queue, workspace_id, payload, run_at, max_attempts, unique_key, created_at)
    SELECT u.queue, u.workspace_id, u.payload, u.run_at, u.max_attempts, u.unique_key, $7::timestamptz
    FROM unnest($1::text[], $2::uuid[], $3::jsonb[], $4::timestamptz[], $5::int[], $6::text[])
      AS u(queue, workspace_id, payload, run_at, max_attempts, unique_key)
    ${ON_UNIQUE_KEY}
    RETURNING id`;
}

/**
 * Claims up to $3 due jobs of the queues $1 for worker $4 at time $2 with a lease of $5 ms.
 *
 * Hazards this shape avoids:
 * - Two workers claiming the same job: the rows are locked FOR UPDATE SKIP LOCKED in the same
 *   statement that marks them active, so a second claimer skips them instead of waiting for them
 *   (waiting would serialise all workers behind one) and never sees them as queued afterwards.
 * - A sort over every due job: with one `queue = ANY(…)` scan PostgreSQL would read all due jobs
 *   of all queues to order them (100,000 after a campaign is enqueued). A LATERAL per queue walks
 *   the (queue, run_at, id) index and stops after $3 rows; the outer LIMIT then keeps the earliest.
 *   Rows a lateral locked but the outer LIMIT dropped are only locked until the statement ends.
 * - The UPDATE's RETURNING order is unspecified: queue.ts sorts the claimed jobs itself.
 */
export function claimJobs(): string {
  return `WITH next AS (
      SELECT j.id, j.run_at
      FROM unnest($1::text[]) AS q(name)
      CROSS JOIN LATERAL (
        SELECT id, run_at FROM job
        WHERE state = 'queued' AND queue = q.name AND run_at <= $2::timestamptz
        ORDER BY run_at, id
        LIMIT $3
        FOR UPDATE SKIP LOCKED
      ) AS j
      ORDER BY j.run_at, j.id
      LIMIT $3
    )
    UPDATE job SET state = 'active', attempts = job.attempts + 1, locked_by = $4,
      locked_until = $2::timestamptz + $5 * interval '1 millisecond'
    FROM next WHERE job.id = next.id
    RETURNING job.*`;
}

/**
 * $1 queue, $2 now, $3 limit. Finishes up to $3 due, queued jobs of the queue that no one holds and
 * returns their payloads: a handler takes over their work in its own transaction (`takeQueued`).
 * Never a job that failed before (attempts > 0): its failure stays its own, with its retries.
 */
export function takeQueuedJobs(): string {
  return `WITH taken AS (
      SELECT id FROM job
      WHERE state = 'queued' AND queue = $1 AND run_at <= $2::timestamptz AND attempts = 0
      ORDER BY run_at, id
      LIMIT $3
      FOR UPDATE SKIP LOCKED
    )
    UPDATE job SET state = 'done', finished_at = $2::timestamptz
    FROM taken WHERE job.id = taken.id
    RETURNING job.payload`;
}

/** $1 id, $2 worker, $3 attempt, $4 now. Returns the id when the worker still owned the attempt. */
export function completeJob(): string {
  return `UPDATE job SET state = 'done', finished_at = $4::timestamptz, locked_by = NULL, locked_until = NULL
    WHERE id = $1 AND state = 'active' AND locked_by = $2 AND attempts = $3
    RETURNING id`;
}

/**
 * $1 id, $2 worker, $3 attempt, $4 now, $5 retry at, $6 error, $7 give up (no retry). The job goes
 * back to the queue at $5, or is failed for good when it has used its attempts or $7 is true.
 * Whether attempts are left is decided here from the row, not by the caller, so max_attempts
 * has one reader.
 */
export function failJob(): string {
  const final = `($7::boolean OR attempts >= max_attempts)`;
  return `UPDATE job SET
      state = CASE WHEN ${final} THEN 'failed' ELSE 'queued' END,
      run_at = CASE WHEN ${final} THEN run_at ELSE $5::timestamptz END,
      finished_at = CASE WHEN ${final} THEN $4::timestamptz ELSE NULL END,
      last_error = $6, locked_by = NULL, locked_until = NULL
    WHERE id = $1 AND state = 'active' AND locked_by = $2 AND attempts = $3
    RETURNING state`;
}

/**
 * A condition for a handler's own statements: true while the attempt (job id, worker, attempt
 * number, given as parameter placeholders such as `$4`) still owns its job, i.e. its lease was not
 * lost and the job not recovered or claimed again. A handler puts it in the WHERE clause of the
 * statement that records its effect as started, so a worker that lost its job (and another worker
 * may run it now) cannot start the effect any more: the check and the record are one statement.
 *
 * @example `UPDATE invitation SET status = 'sending' WHERE id = $1 AND ${ownsAttemptSql('$2', '$3', '$4')}`
 */
export function ownsAttemptSql(id: string, worker: string, attempt: string): string {
  return `EXISTS (SELECT 1 FROM job WHERE job.id = ${id}::bigint AND job.state = 'active'
    AND job.locked_by = ${worker}::text AND job.attempts = ${attempt}::int)`;
}

/** $1 id, $2 worker, $3 attempt, $4 new end of the lease. Returns the id when still owned. */
export function extendLease(): string {
  return `UPDATE job SET locked_until = $4::timestamptz
    WHERE id = $1 AND state = 'active' AND locked_by = $2 AND attempts = $3
    RETURNING id`;
}

/**
 * Active jobs whose lease ended before $1: their worker died (or hung past its lease). They go
 * back to the queue with their run_at unchanged, so they are first in line, or are failed when the
 * lost attempt was their last one: a job that crashes its worker every time must not loop for ever.
 * Two recoverers at once are safe: the second one's UPDATE re-checks the WHERE clause on the rows
 * the first one changed and finds them no longer active; a lease extended meanwhile is re-checked
 * the same way and kept.
 */
export function recoverExpiredLeases(): string {
  const final = `attempts >= max_attempts`;
  return `UPDATE job SET
      state = CASE WHEN ${final} THEN 'failed' ELSE 'queued' END,
      finished_at = CASE WHEN ${final} THEN $1::timestamptz ELSE NULL END,
      last_error = 'lease expired: worker ' || locked_by || ' stopped before finishing attempt ' || attempts,
      locked_by = NULL, locked_until = NULL
    WHERE state = 'active' AND locked_until < $1::timestamptz
    RETURNING id, state`;
}

/** $1 id, $2 now, $3 workspace (NULL: any). Only queued jobs can be cancelled; a running one finishes. */
export function cancelJobById(): string {
  return `UPDATE job SET state = 'cancelled', finished_at = $2::timestamptz
    WHERE id = $1 AND state = 'queued' AND ($3::uuid IS NULL OR workspace_id = $3::uuid)
    RETURNING id`;
}

/** $1 queue, $2 unique key, $3 now, $4 workspace (NULL: any). Releases the key. */
export function cancelJobByKey(): string {
  return `UPDATE job SET state = 'cancelled', finished_at = $3::timestamptz
    WHERE queue = $1 AND unique_key = $2 AND state = 'queued' AND ($4::uuid IS NULL OR workspace_id = $4::uuid)
    RETURNING id`;
}

/** $1 id. */
export function selectJob(): string {
  return `SELECT * FROM job WHERE id = $1`;
}

/**
 * $1 finished before, $2 states. Deleting a finished job also releases its unique key, so keep
 * jobs at least as long as their key must hold.
 */
export function deleteFinishedJobs(): string {
  return `DELETE FROM job WHERE state = ANY($2::text[]) AND finished_at < $1::timestamptz`;
}
