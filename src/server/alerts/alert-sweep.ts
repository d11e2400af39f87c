/**
 * The `alert-sweep` job: once a minute, a chain of jobs (unique key per minute slot, like the
 * autopilot's hourly chain) that
 * - announces SLA breaches: open cases strictly past `due_at` whose breach was not announced yet
 *   get `sla_alerted_at` and their `send-alert` job in one transaction, so each breach is announced
 *   exactly once however many sweeps or workers run (the job's key carries the due time: a case
 *   whose due time was moved later breaches, and is announced, again);
 * - starts the daily NPS-drop check of each workspace that has it on, once per local day from
 *   08:00 in the workspace's time zone;
 * - starts each member's digest (daily, or weekly on Mondays) once per local day from 08:00;
 * - once an hour, starts the job table's retention (`pruneFinishedJobs`), as a job of this queue
 *   with a unique key per hour.
 * The daily tasks move `alert_schedule.last_day` in the transaction that enqueues their job (whose
 * unique key carries the day as well).
 *
 * Each run first enqueues the next one (so a failing run does not end the chain) and is retried
 * (SWEEP_MAX_ATTEMPTS); should the chain still die (the database gone for longer than the
 * retries), the worker process restarts it: `keepAlertSchedules` enqueues the current slot's run
 * when the worker starts and every few minutes after. With the unique keys, any number of workers
 * keep one chain.
 */
import { DIGEST_HOUR, type DigestPeriod, digestDue } from '../../core/alerts';
import { wallClockOf, weekdayOf } from '../../core/calendar';
import type { Database, Queryable } from '../db/port';
import { enqueue, enqueueMany } from '../jobs/queue';
import type { JobHandler } from '../jobs/worker';
import { ALERT_DIGEST_QUEUE, ALERT_SWEEP_QUEUE, npsDropCheckJob, slaBreachAlertJob } from './alert-jobs';
import { claimScheduleDay } from './alert-repo';

export const SWEEP_EVERY_MS = 60_000;
/** Attempts of a sweep run: the queue's backoff (10 s, 20 s, … capped at an hour) spans about 1.4 hours. */
export const SWEEP_MAX_ATTEMPTS = 10;
/** How often a worker process makes sure the chain runs (`keepAlertSchedules`). */
export const ENSURE_SCHEDULES_EVERY_MS = 5 * 60_000;
/** Cases per SLA statement. */
const SLA_BATCH = 1_000;
/** Done jobs are kept this long, failed ones (someone may want to look at them) longer. */
export const DONE_JOB_RETENTION_MS = 30 * 86_400_000;
export const FAILED_JOB_RETENTION_MS = 90 * 86_400_000;
/** Jobs per DELETE statement of the retention. */
export const PRUNE_BATCH = 10_000;
const HOUR_MS = 3_600_000;

/** The start of the minute slot of `now`. */
const slotOf = (now: Date) => new Date(Math.floor(now.getTime() / SWEEP_EVERY_MS) * SWEEP_EVERY_MS);

async function enqueueSweep(db: Queryable, runAt: Date, now: Date): Promise<void> {
  await enqueue(
    db,
    {
      queue: ALERT_SWEEP_QUEUE,
      runAt,
      uniqueKey: `alert-sweep:${runAt.toISOString()}`,
      maxAttempts: SWEEP_MAX_ATTEMPTS,
    },
    { now },
  );
}

/** Makes sure the sweep chain runs: enqueues the current minute's run (nothing if it exists). */
export async function ensureAlertSchedules(db: Queryable, now: Date): Promise<void> {
  await enqueueSweep(db, slotOf(now), now);
}

/**
 * Calls `ensureAlertSchedules` now and every `everyMs` until `stop()`: a chain that died (its run
 * failed for good) starts again within that time. Idempotent through the slot's unique key.
 */
export function keepAlertSchedules(
  db: Queryable,
  options: { clock: () => Date; everyMs?: number; log: (line: string) => void },
): { stop(): void } {
  const ensure = () => {
    ensureAlertSchedules(db, options.clock()).catch((error) =>
      options.log(`Job worker: starting the alert sweep failed: ${error}`),
    );
  };
  ensure();
  const timer = setInterval(ensure, options.everyMs ?? ENSURE_SCHEDULES_EVERY_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** A local wall clock in `timeZone` (UTC when the zone is unknown). */
function localNow(now: Date, timeZone: string) {
  let wall: { day: string; msOfDay: number };
  try {
    wall = wallClockOf(now, timeZone);
  } catch {
    wall = wallClockOf(now, 'UTC');
  }
  return { ...wall, weekday: weekdayOf(wall.day) };
}

/** Announces every SLA breach at `now` (cases strictly past their due time) once. Returns how many. */
export async function sweepSlaBreaches(db: Database, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await db.query<{ id: string }>(
      `SELECT k.id FROM follow_up_case k JOIN workspace w ON w.id = k.workspace_id
       WHERE k.closed_at IS NULL AND k.sla_alerted_at IS NULL AND k.due_at < $1
         AND coalesce(w.alert_settings -> 'sla_breach', 'true'::jsonb) <> 'false'::jsonb
       ORDER BY k.due_at LIMIT $2`,
      [now, SLA_BATCH],
    );
    if (due.length === 0) return total;
    const marked = await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; workspace_id: string; due_at: Date | string }>(
        `UPDATE follow_up_case SET sla_alerted_at = $2
         WHERE id = ANY($1::uuid[]) AND sla_alerted_at IS NULL AND closed_at IS NULL AND due_at < $2
         RETURNING id, workspace_id, due_at`,
        [due.map((r) => r.id), now],
      );
      await enqueueMany(
        tx,
        rows.map((r) => slaBreachAlertJob(r.workspace_id, r.id, new Date(r.due_at))),
        { now },
      );
      return rows.length;
    });
    total += marked;
    if (due.length < SLA_BATCH) return total;
  }
}

/** Starts the day's NPS-drop check of every workspace that has it on and reached 08:00 locally. */
export async function sweepNpsDrops(db: Database, now: Date): Promise<number> {
  const rows = await db.query<{ id: string; time_zone: string; last_day: string | null }>(
    `SELECT w.id, w.time_zone, s.last_day::text AS last_day
     FROM workspace w LEFT JOIN alert_schedule s ON s.workspace_id = w.id AND s.subject = 'nps_drop'
     WHERE coalesce(w.alert_settings -> 'nps_drop' -> 'enabled', 'true'::jsonb) <> 'false'::jsonb`,
  );
  let started = 0;
  for (const row of rows) {
    const local = localNow(now, row.time_zone);
    if (local.msOfDay < DIGEST_HOUR * 3_600_000 || (row.last_day !== null && row.last_day >= local.day))
      continue;
    const claimed = await db.transaction(async (tx) => {
      if (!(await claimScheduleDay(tx, row.id, 'nps_drop', local.day, now))) return false;
      await enqueue(tx, npsDropCheckJob(row.id, local.day), { now });
      return true;
    });
    if (claimed) started++;
  }
  return started;
}

export interface DigestJobPayload {
  user_id: string;
  day: string;
  period: DigestPeriod;
}

/** Starts the digests due at `now`: each member's at most once per local day. */
export async function sweepDigests(db: Database, now: Date): Promise<number> {
  const rows = await db.query<{
    workspace_id: string;
    user_id: string;
    digest: DigestPeriod;
    time_zone: string;
    last_day: string | null;
  }>(
    `SELECT m.workspace_id, m.user_id, m.digest, w.time_zone, s.last_day::text AS last_day
     FROM membership m JOIN workspace w ON w.id = m.workspace_id
     LEFT JOIN alert_schedule s ON s.workspace_id = m.workspace_id AND s.subject = 'digest:' || m.user_id::text
     WHERE m.digest <> 'off'`,
  );
  let started = 0;
  for (const row of rows) {
    const local = localNow(now, row.time_zone);
    if (!digestDue(row.digest, local, row.last_day)) continue;
    const claimed = await db.transaction(async (tx) => {
      if (!(await claimScheduleDay(tx, row.workspace_id, `digest:${row.user_id}`, local.day, now)))
        return false;
      await enqueue(
        tx,
        {
          queue: ALERT_DIGEST_QUEUE,
          workspaceId: row.workspace_id,
          payload: { user_id: row.user_id, day: local.day, period: row.digest } satisfies DigestJobPayload,
          uniqueKey: `digest:${row.workspace_id}:${row.user_id}:${local.day}`,
        },
        { now },
      );
      return true;
    });
    if (claimed) started++;
  }
  return started;
}

/**
 * The job table's retention: deletes `done` jobs finished more than 30 days before `now` and
 * `failed` ones more than 90 days before, `batch` per statement. A deleted job's unique key is free
 * again; no key needs to hold longer (docs/OPERATIONS.md "Job retention"). Returns how many.
 */
export async function pruneFinishedJobs(
  db: Queryable,
  now: Date,
  batch = PRUNE_BATCH,
): Promise<{ done: number; failed: number }> {
  const prune = async (state: 'done' | 'failed', before: Date) => {
    let deleted = 0;
    for (;;) {
      const rows = await db.query(
        `DELETE FROM job WHERE id IN (
           SELECT id FROM job WHERE state = $1 AND finished_at < $2 LIMIT $3)
         RETURNING 1 AS deleted`,
        [state, before, batch],
      );
      deleted += rows.length;
      if (rows.length < batch) return deleted;
    }
  };
  return {
    done: await prune('done', new Date(now.getTime() - DONE_JOB_RETENTION_MS)),
    failed: await prune('failed', new Date(now.getTime() - FAILED_JOB_RETENTION_MS)),
  };
}

/** The payload of the hourly retention job (the sweep's own runs have an empty payload). */
interface SweepPayload {
  task?: 'prune_jobs';
}

/** Enqueues the retention of the hour of `now` (nothing if this hour's exists): at most once an hour. */
async function enqueuePrune(db: Queryable, now: Date): Promise<void> {
  const hour = new Date(Math.floor(now.getTime() / HOUR_MS) * HOUR_MS);
  await enqueue(
    db,
    {
      queue: ALERT_SWEEP_QUEUE,
      payload: { task: 'prune_jobs' } satisfies SweepPayload,
      uniqueKey: `prune-jobs:${hour.toISOString()}`,
      maxAttempts: 3,
    },
    { now },
  );
}

/** Everything one sweep does at `now`. */
export async function sweepAlerts(db: Database, now: Date) {
  return {
    slaBreaches: await sweepSlaBreaches(db, now),
    npsChecks: await sweepNpsDrops(db, now),
    digests: await sweepDigests(db, now),
  };
}

export function alertSweepHandler(deps: { clock: () => Date; pruneBatch?: number }): JobHandler {
  return async ({ job, db }) => {
    const now = deps.clock();
    if ((job.payload as SweepPayload).task === 'prune_jobs') {
      await pruneFinishedJobs(db, now, deps.pruneBatch);
      return;
    }
    await enqueueSweep(db, new Date(slotOf(now).getTime() + SWEEP_EVERY_MS), now);
    await enqueuePrune(db, now);
    await sweepAlerts(db, now);
  };
}
