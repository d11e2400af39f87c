/**
 * A durable job queue in PostgreSQL: one `job` table (migration 0004), the same SQL on PGlite.
 *
 * Why not pg-boss 10: it installs on Node 20 and its basic send/fetch/complete ran on PGlite
 * through a ten-line `db.executeSql` adapter, but its SQL reads the database's `now()` in 34 places
 * (due jobs, retry times, expiry), so time cannot be injected and tests of run-at times, backoff
 * and lease expiry would have to sleep; its unique keys depend on a per-queue policy (the strictest,
 * "stately", still admits a second job while the first is active, and nothing holds a key after a
 * job is done); its schema lives outside our numbered migrations with a version table and
 * migrations of its own; and jobs carry no workspace. What we need is a few statements
 * (queue-sql.ts), so we own them.
 *
 * Guarantees (docs/ARCHITECTURE.md):
 * - Durable: a job exists once `enqueue` resolved (or once the caller's transaction committed:
 *   pass a transaction to enqueue together with the row that needs the job, so neither exists
 *   without the other).
 * - Unique keys: at most one job per (queue, unique key) that is not cancelled, ever: done and
 *   failed jobs keep their key, so a job for an invitation is never enqueued twice, and re-running a
 *   campaign's enqueue only adds the jobs that are missing. Cancelling releases the key.
 * - At least once: a claimed job holds a lease (`locked_until`); if its worker dies, the lease runs
 *   out and `recoverExpiredLeases` puts the job back (every worker calls it periodically), so it runs
 *   again. A job can therefore run more than once, and also after its effect happened (a crash
 *   between the effect and `complete`). Handlers make their effects exactly-once themselves: record
 *   the attempt in the domain row before the effect, derive external identifiers from the job (a
 *   stable Message-ID from the job id or unique key, so a receiver or a reconciliation can tell a
 *   repeat), and check that record first when running again.
 * - Retries: a failed attempt is retried after an exponential backoff with jitter
 *   (retry-backoff.ts) until `max_attempts`; then the job is `failed` with its last error.
 *   Attempts are counted when claimed, so an attempt whose worker died counts too.
 * - Ownership: a worker can only complete, fail or extend the attempt it claimed (see queue-sql.ts).
 *
 * Time comes from the caller (`now`), never from the database's clock.
 */
import type { Queryable } from '../db/port';
import * as sql from './queue-sql';
import { DEFAULT_RETRY_BACKOFF, type RetryBackoff, retryDelayMs } from './retry-backoff';

export type JobState = 'queued' | 'active' | 'done' | 'failed' | 'cancelled';
export type JobPayload = Record<string, unknown>;

export interface Job<P extends JobPayload = JobPayload> {
  readonly id: number;
  readonly queue: string;
  readonly workspaceId: string | null;
  readonly payload: P;
  readonly state: JobState;
  readonly runAt: Date;
  /** Claims so far; while active, the number of the running attempt (1-based). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly uniqueKey: string | null;
  readonly lockedBy: string | null;
  readonly lockedUntil: Date | null;
  readonly lastError: string | null;
  readonly createdAt: Date;
  readonly finishedAt: Date | null;
}

export interface NewJob<P extends JobPayload = JobPayload> {
  readonly queue: string;
  readonly payload?: P;
  /** The tenant the job works for; omitted for system jobs. */
  readonly workspaceId?: string | null;
  /** When the job becomes due; default `now`. */
  readonly runAt?: Date;
  /** At most one job per (queue, uniqueKey) that is not cancelled. */
  readonly uniqueKey?: string | null;
  /** Attempts before the job is failed for good; default 5. */
  readonly maxAttempts?: number;
}

export interface EnqueueOptions {
  /** The clock's time: created_at, and run_at unless the job says otherwise. */
  readonly now: Date;
  /** Defaults for the job's own runAt / uniqueKey / maxAttempts. */
  readonly runAt?: Date;
  readonly uniqueKey?: string | null;
  readonly maxAttempts?: number;
}

export const DEFAULT_MAX_ATTEMPTS = 5;
/** Jobs per statement in enqueueMany: 7 arrays of 5,000 stay far below any parameter size limit. */
export const ENQUEUE_CHUNK = 5_000;

interface JobRow {
  id: number | string;
  queue: string;
  workspace_id: string | null;
  payload: JobPayload;
  state: JobState;
  run_at: Date | string;
  attempts: number;
  max_attempts: number;
  unique_key: string | null;
  locked_by: string | null;
  locked_until: Date | string | null;
  last_error: string | null;
  created_at: Date | string;
  finished_at: Date | string | null;
}

const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));
const dateOrNull = (value: Date | string | null) => (value === null ? null : dateOf(value));

function jobOf<P extends JobPayload>(row: JobRow): Job<P> {
  return {
    id: Number(row.id),
    queue: row.queue,
    workspaceId: row.workspace_id,
    payload: row.payload as P,
    state: row.state,
    runAt: dateOf(row.run_at),
    attempts: row.attempts,
    maxAttempts: row.max_attempts,
    uniqueKey: row.unique_key,
    lockedBy: row.locked_by,
    lockedUntil: dateOrNull(row.locked_until),
    lastError: row.last_error,
    createdAt: dateOf(row.created_at),
    finishedAt: dateOrNull(row.finished_at),
  };
}

function checkMaxAttempts(value: number): number {
  if (!Number.isInteger(value) || value < 1)
    throw new RangeError(`maxAttempts must be an integer ≥ 1, not ${value}`);
  return value;
}

/**
 * Adds one job. Returns `created: false` (and no id) when a job with the same queue and unique key
 * exists and is not cancelled. Pass a transaction as `db` to enqueue atomically with other writes.
 *
 * @example await enqueue(db, { queue: 'send-invitation', payload: { invitationId } }, { now, uniqueKey: `invitation:${invitationId}` })
 */
export async function enqueue<P extends JobPayload>(
  db: Queryable,
  job: NewJob<P>,
  options: EnqueueOptions,
): Promise<{ created: boolean; id: number | null }> {
  const rows = await db.query<{ id: number | string }>(sql.insertJob(), [
    job.queue,
    job.workspaceId ?? null,
    JSON.stringify(job.payload ?? {}),
    job.runAt ?? options.runAt ?? options.now,
    checkMaxAttempts(job.maxAttempts ?? options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS),
    job.uniqueKey ?? options.uniqueKey ?? null,
    options.now,
  ]);
  const row = rows[0];
  return row ? { created: true, id: Number(row.id) } : { created: false, id: null };
}

/**
 * Adds many jobs, `ENQUEUE_CHUNK` per statement (100,000 jobs are 20 statements). Each chunk is
 * atomic on its own; pass a transaction for all or nothing. With unique keys a repeated call after
 * a crash adds exactly the jobs that are missing. Returns how many jobs were new.
 */
export async function enqueueMany<P extends JobPayload>(
  db: Queryable,
  jobs: readonly NewJob<P>[],
  options: EnqueueOptions,
): Promise<number> {
  let created = 0;
  for (let start = 0; start < jobs.length; start += ENQUEUE_CHUNK) {
    const chunk = jobs.slice(start, start + ENQUEUE_CHUNK);
    const rows = await db.query(sql.insertJobs(), [
      chunk.map((j) => j.queue),
      chunk.map((j) => j.workspaceId ?? null),
      chunk.map((j) => JSON.stringify(j.payload ?? {})),
      chunk.map((j) => j.runAt ?? options.runAt ?? options.now),
      chunk.map((j) => checkMaxAttempts(j.maxAttempts ?? options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)),
      chunk.map((j) => j.uniqueKey ?? options.uniqueKey ?? null),
      options.now,
    ]);
    created += rows.length;
  }
  return created;
}

export interface ClaimOptions {
  /** The clock's time: jobs with run_at ≤ now are due. */
  readonly now: Date;
  /** Length of the lease: the job goes back to the queue if not completed or extended by then. */
  readonly leaseMs: number;
}

/**
 * Claims up to `limit` due jobs of `queues` (earliest run_at first) for `workerId`, in one
 * statement with `FOR UPDATE SKIP LOCKED`: concurrent claimers never get the same job and never
 * wait for each other. The jobs are active with `attempts` incremented.
 */
export async function claim(
  db: Queryable,
  queues: string | readonly string[],
  workerId: string,
  limit: number,
  options: ClaimOptions,
): Promise<Job[]> {
  if (limit <= 0) return [];
  const names = typeof queues === 'string' ? [queues] : [...queues];
  const rows = await db.query<JobRow>(sql.claimJobs(), [
    names,
    options.now,
    limit,
    workerId,
    options.leaseMs,
  ]);
  return rows.map((row) => jobOf(row)).sort((a, b) => a.runAt.getTime() - b.runAt.getTime() || a.id - b.id);
}

/** The attempt a worker holds: the claimed job's id and attempt number, and the worker. */
export interface Attempt {
  readonly id: number;
  readonly attempts: number;
}

/**
 * Marks the attempt done. False when the worker no longer owns it (its lease ran out and the job
 * was recovered): the job will run again, and the handler's effect must tolerate that.
 */
/**
 * Coalescing: finishes up to `limit` due, queued jobs of `queue` that no worker holds and returns
 * their payloads, for a handler that does their work together with its own (one transaction
 * instead of many small ones when a queue gets a job per request). Call it IN the transaction
 * that does the work: if that rolls back, the jobs are queued again, untouched.
 */
export async function takeQueued<P extends JobPayload = JobPayload>(
  tx: Queryable,
  queue: string,
  limit: number,
  now: Date,
): Promise<P[]> {
  const rows = await tx.query<{ payload: P }>(sql.takeQueuedJobs(), [queue, now, limit]);
  return rows.map((r) => r.payload);
}

export async function complete(db: Queryable, job: Attempt, workerId: string, now: Date): Promise<boolean> {
  const rows = await db.query(sql.completeJob(), [job.id, workerId, job.attempts, now]);
  return rows.length > 0;
}

export interface FailOptions {
  readonly now: Date;
  /** Fail for good without a retry (the error cannot go away by trying again). */
  readonly permanent?: boolean;
  readonly backoff?: RetryBackoff;
  /** Jitter source; tests pass a constant. */
  readonly random?: () => number;
}

/**
 * Records a failed attempt: the job is queued again after `retryDelayMs(attempt)`, or failed for
 * good after its last attempt (or when `permanent`). Returns the new state, or null when the worker
 * no longer owned the attempt.
 */
export async function fail(
  db: Queryable,
  job: Attempt,
  workerId: string,
  error: unknown,
  options: FailOptions,
): Promise<'queued' | 'failed' | null> {
  const retryAt = new Date(
    options.now.getTime() +
      retryDelayMs(job.attempts, options.backoff ?? DEFAULT_RETRY_BACKOFF, options.random),
  );
  const rows = await db.query<{ state: 'queued' | 'failed' }>(sql.failJob(), [
    job.id,
    workerId,
    job.attempts,
    options.now,
    retryAt,
    describeError(error),
    options.permanent ?? false,
  ]);
  return rows[0]?.state ?? null;
}

/** Moves the lease's end to `now + leaseMs`. False when the worker no longer owns the attempt. */
export async function extendLease(
  db: Queryable,
  job: Attempt,
  workerId: string,
  options: ClaimOptions,
): Promise<boolean> {
  const until = new Date(options.now.getTime() + options.leaseMs);
  const rows = await db.query(sql.extendLease(), [job.id, workerId, job.attempts, until]);
  return rows.length > 0;
}

/**
 * Puts active jobs whose lease ended before `now` back in the queue (or fails them if that was
 * their last attempt): this is how the jobs of a killed worker run again. Safe to call from every
 * worker at once. Returns the ids recovered to each state.
 */
export async function recoverExpiredLeases(
  db: Queryable,
  now: Date,
): Promise<{ requeued: number[]; failed: number[] }> {
  const rows = await db.query<{ id: number | string; state: 'queued' | 'failed' }>(
    sql.recoverExpiredLeases(),
    [now],
  );
  return {
    requeued: rows.filter((r) => r.state === 'queued').map((r) => Number(r.id)),
    failed: rows.filter((r) => r.state === 'failed').map((r) => Number(r.id)),
  };
}

/**
 * Cancels a queued job, by id or by (queue, unique key); a job already running finishes. With
 * `workspaceId`, only a job of that workspace. Returns whether a job was cancelled.
 */
export async function cancel(
  db: Queryable,
  target: { readonly id: number } | { readonly queue: string; readonly uniqueKey: string },
  options: { readonly now: Date; readonly workspaceId?: string },
): Promise<boolean> {
  const workspace = options.workspaceId ?? null;
  const rows =
    'id' in target
      ? await db.query(sql.cancelJobById(), [target.id, options.now, workspace])
      : await db.query(sql.cancelJobByKey(), [target.queue, target.uniqueKey, options.now, workspace]);
  return rows.length > 0;
}

/** One job by id, or undefined. */
export async function getJob<P extends JobPayload = JobPayload>(
  db: Queryable,
  id: number,
): Promise<Job<P> | undefined> {
  const rows = await db.query<JobRow>(sql.selectJob(), [id]);
  return rows[0] ? jobOf<P>(rows[0]) : undefined;
}

/**
 * Deletes jobs in `states` (default done and cancelled) that finished before `before`. A deleted
 * job's unique key is free again: keep jobs at least as long as their key must hold.
 */
export async function deleteFinishedJobs(
  db: Queryable,
  before: Date,
  states: readonly ('done' | 'failed' | 'cancelled')[] = ['done', 'cancelled'],
): Promise<void> {
  await db.query(sql.deleteFinishedJobs(), [before, [...states]]);
}

/** The text kept in last_error: name and message, with the stack's first frames, at most 2,000 characters. */
export function describeError(error: unknown): string {
  const text =
    error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : `Error: ${String(error)}`;
  return text.length > 2000 ? `${text.slice(0, 1999)}…` : text;
}
