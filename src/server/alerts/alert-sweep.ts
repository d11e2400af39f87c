/**
 * The `alert-sweep` job: once a minute, a chain of jobs (unique key per minute slot, like the
 * autopilot's hourly chain) that
 * - announces SLA breaches: open cases past `due_at` whose breach was not announced yet get
 *   `sla_alerted_at` and their `send-alert` job in one transaction, so each breach is announced
 *   exactly once however many sweeps or workers run;
 * - starts the daily NPS-drop check of each workspace that has it on, once per local day from
 *   08:00 in the workspace's time zone;
 * - starts each member's digest (daily, or weekly on Mondays) once per local day from 08:00.
 * The daily tasks move `alert_schedule.last_day` in the transaction that enqueues their job (whose
 * unique key carries the day as well).
 *
 * Each run first enqueues the next one (so a failing run does not end the chain); workers call
 * `ensureAlertSchedules` when they start, which enqueues the current slot's run: with the unique
 * keys, any number of workers keep one chain.
 */
import { DIGEST_HOUR, type DigestPeriod, digestDue } from '../../core/alerts';
import { wallClockOf, weekdayOf } from '../../core/calendar';
import type { Database, Queryable } from '../db/port';
import { enqueue, enqueueMany } from '../jobs/queue';
import type { JobHandler } from '../jobs/worker';
import { ALERT_DIGEST_QUEUE, ALERT_SWEEP_QUEUE, npsDropCheckJob, slaBreachAlertJob } from './alert-jobs';
import { claimScheduleDay } from './alert-repo';

export const SWEEP_EVERY_MS = 60_000;
/** Cases per SLA statement. */
const SLA_BATCH = 1_000;

/** The start of the minute slot of `now`. */
const slotOf = (now: Date) => new Date(Math.floor(now.getTime() / SWEEP_EVERY_MS) * SWEEP_EVERY_MS);

async function enqueueSweep(db: Queryable, runAt: Date, now: Date): Promise<void> {
  await enqueue(
    db,
    { queue: ALERT_SWEEP_QUEUE, runAt, uniqueKey: `alert-sweep:${runAt.toISOString()}`, maxAttempts: 2 },
    { now },
  );
}

/** Makes sure the sweep chain runs: enqueues the current minute's run (nothing if it exists). */
export async function ensureAlertSchedules(db: Queryable, now: Date): Promise<void> {
  await enqueueSweep(db, slotOf(now), now);
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

/** Announces every SLA breach due at `now` once. Returns how many. */
export async function sweepSlaBreaches(db: Database, now: Date): Promise<number> {
  let total = 0;
  for (;;) {
    const due = await db.query<{ id: string }>(
      `SELECT k.id FROM follow_up_case k JOIN workspace w ON w.id = k.workspace_id
       WHERE k.closed_at IS NULL AND k.sla_alerted_at IS NULL AND k.due_at <= $1
         AND coalesce(w.alert_settings -> 'sla_breach', 'true'::jsonb) <> 'false'::jsonb
       ORDER BY k.due_at LIMIT $2`,
      [now, SLA_BATCH],
    );
    if (due.length === 0) return total;
    const marked = await db.transaction(async (tx) => {
      const rows = await tx.query<{ id: string; workspace_id: string }>(
        `UPDATE follow_up_case SET sla_alerted_at = $2
         WHERE id = ANY($1::uuid[]) AND sla_alerted_at IS NULL AND closed_at IS NULL
         RETURNING id, workspace_id`,
        [due.map((r) => r.id), now],
      );
      await enqueueMany(
        tx,
        rows.map((r) => slaBreachAlertJob(r.workspace_id, r.id)),
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

/** Everything one sweep does at `now`. */
export async function sweepAlerts(db: Database, now: Date) {
  return {
    slaBreaches: await sweepSlaBreaches(db, now),
    npsChecks: await sweepNpsDrops(db, now),
    digests: await sweepDigests(db, now),
  };
}

export function alertSweepHandler(deps: { clock: () => Date }): JobHandler {
  return async ({ db }) => {
    const now = deps.clock();
    await enqueueSweep(db, new Date(slotOf(now).getTime() + SWEEP_EVERY_MS), now);
    await sweepAlerts(db, now);
  };
}
