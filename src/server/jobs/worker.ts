/**
 * The worker loop: claims due jobs of the queues it has handlers for, runs up to `concurrency` of
 * them at once, completes or fails them, keeps their leases alive, and puts the jobs of dead
 * workers back in the queue. Any number of workers (in any number of processes) can share the
 * database; on PGlite there is one process, and its worker runs inside it.
 *
 * Handler contract: a job runs AT LEAST ONCE. It runs again after a crash anywhere between the
 * claim and `complete` (including after its effect happened), after its lease was lost, and after
 * a thrown error (with backoff, until max attempts). A handler must therefore be idempotent: record
 * what it is about to do in the database before doing it (keyed by the job's id or unique key),
 * use identifiers derived from the job for external effects (a stable Message-ID), and look at that
 * record first when it runs again. Throw `PermanentJobError` when a retry cannot help. Watch
 * `signal`: it aborts when the lease was lost (another worker may run the job now) or when `stop`'s
 * grace period ran out.
 *
 * Two attempts of one job never run at once in one worker: when a lease is lost while the handler
 * still runs (the database was unreachable for a whole lease, or the event loop stalled) and this
 * worker recovers and claims the job again, the new attempt waits for the old one to end. Across
 * processes the lease is the only separation: a worker that cannot extend its lease for a whole
 * lease may still be running the handler when another worker starts it again, so a handler fences
 * its effect on still owning the attempt (`ownsAttemptSql` in queue-sql.ts) where it can.
 *
 * Polling, not LISTEN/NOTIFY: PGlite has no second connection to listen on, and a poll of an
 * index-only empty range costs little. An idle worker backs off from `pollMinMs` to `pollMaxMs`;
 * `wake()` lets code in the same process (that just enqueued) cut the wait short.
 */

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Database } from '../db/port';
import { claim, complete, describeError, extendLease, fail, type Job, recoverExpiredLeases } from './queue';
import type { RetryBackoff } from './retry-backoff';

export interface JobContext {
  readonly job: Job;
  /** The database (not a transaction): open one with db.transaction when the effect needs it. */
  readonly db: Database;
  /** Aborted when the lease was lost or the worker's stop grace period ended. */
  readonly signal: AbortSignal;
}

export type JobHandler = (context: JobContext) => Promise<void>;

/** Thrown by a handler when retrying cannot help (an invalid address): the job fails at once. */
export class PermanentJobError extends Error {
  override readonly name = 'PermanentJobError';
}

export type WorkerEvent =
  | { readonly type: 'completed'; readonly job: Job }
  | {
      readonly type: 'failed';
      readonly job: Job;
      readonly error: string;
      readonly state: 'queued' | 'failed' | null;
    }
  | { readonly type: 'lease-lost'; readonly job: Job }
  | { readonly type: 'recovered'; readonly requeued: readonly number[]; readonly failed: readonly number[] }
  | {
      readonly type: 'error';
      readonly during: 'claim' | 'complete' | 'fail' | 'recover';
      readonly error: string;
    };

export interface WorkerOptions {
  readonly db: Database;
  /** One handler per queue name; the worker claims only these queues. */
  readonly handlers: Readonly<Record<string, JobHandler>>;
  /** Unique per worker; default host:pid:random. Stored in locked_by. */
  readonly workerId?: string;
  /** Jobs run at once; default 10. */
  readonly concurrency?: number;
  /** Lease per claim; extended every third of it while the handler runs. Default 30 s. */
  readonly leaseMs?: number;
  /** How often expired leases are recovered; default 5 s. A killed worker's jobs run again after at most leaseMs + this. */
  readonly recoverEveryMs?: number;
  /** Idle polling backs off from min to max; defaults 50 ms and 2 s. */
  readonly pollMinMs?: number;
  readonly pollMaxMs?: number;
  readonly clock?: () => Date;
  readonly backoff?: RetryBackoff;
  readonly random?: () => number;
  /** Every completion, failure, lost lease, recovery and database error; default: nothing. */
  readonly onEvent?: (event: WorkerEvent) => void;
}

export interface Worker {
  readonly id: string;
  /** Cuts an idle wait short (call after enqueueing in the same process). */
  wake(): void;
  /** Jobs running now. */
  running(): number;
  /**
   * Stops claiming and resolves when the running jobs finished (completed or failed as usual).
   * After `graceMs` their signals abort; the wait for them continues.
   */
  stop(options?: { graceMs?: number }): Promise<void>;
}

/** Starts a worker loop; it runs until `stop()`. */
export function startWorker(options: WorkerOptions): Worker {
  const db = options.db;
  const id = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const queues = Object.keys(options.handlers);
  if (queues.length === 0) throw new Error('startWorker needs at least one handler');
  const concurrency = options.concurrency ?? 10;
  const leaseMs = options.leaseMs ?? 30_000;
  const pollMinMs = options.pollMinMs ?? 50;
  const pollMaxMs = options.pollMaxMs ?? 2_000;
  const clock = options.clock ?? (() => new Date());
  const emit = options.onEvent ?? (() => {});
  /** The attempts running in this worker, by `<job id>#<attempt>`. */
  const running = new Map<string, { done: Promise<void>; controller: AbortController }>();
  /** The end of this worker's latest attempt of each job that is running (see track). */
  const latestRunOf = new Map<number, Promise<void>>();
  let stopping = false;
  let wakeUp: (() => void) | undefined;

  /** Sleeps `ms`, or less when woken (a job finished, stop, wake). */
  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wakeUp = undefined;
        resolve();
      }
      wakeUp = done;
    });
  const wake = () => wakeUp?.();

  async function runJob(job: Job, controller: AbortController, previous?: Promise<void>): Promise<void> {
    const handler = options.handlers[job.queue];
    // A third of the lease: two extensions can fail (a slow database) before the lease runs out.
    const renew = setInterval(() => {
      extendLease(db, job, id, { now: clock(), leaseMs }).then(
        (owned) => {
          if (!owned && !controller.signal.aborted) {
            emit({ type: 'lease-lost', job });
            controller.abort(new Error(`lease of job ${job.id} lost`));
          }
        },
        // Transient: the next extension may succeed; if none does, the lease runs out and the job runs again.
        () => {},
      );
    }, leaseMs / 3);
    let error: unknown;
    let ok = false;
    try {
      // An earlier attempt of this job still running here (its lease was lost while its handler
      // ran, e.g. in an SMTP transaction, and this worker recovered and claimed the job again):
      // this attempt starts when that one ended, never alongside it. Our lease is kept meanwhile.
      if (previous) await previous;
      if (!handler) throw new PermanentJobError(`no handler for queue ${job.queue}`);
      await handler({ job, db, signal: controller.signal });
      ok = true;
    } catch (thrown) {
      error = thrown;
    } finally {
      clearInterval(renew);
    }
    if (ok) {
      try {
        if (await complete(db, job, id, clock())) emit({ type: 'completed', job });
        else emit({ type: 'lease-lost', job });
      } catch (thrown) {
        // The lease runs out and the job runs again: at least once.
        emit({ type: 'error', during: 'complete', error: describeError(thrown) });
      }
      return;
    }
    try {
      const state = await fail(db, job, id, error, {
        now: clock(),
        permanent: error instanceof PermanentJobError,
        backoff: options.backoff,
        random: options.random,
      });
      emit({ type: 'failed', job, error: describeError(error), state });
    } catch (thrown) {
      emit({ type: 'error', during: 'fail', error: describeError(thrown) });
    }
  }

  function track(job: Job): void {
    const controller = new AbortController();
    const key = `${job.id}#${job.attempts}`;
    const done: Promise<void> = runJob(job, controller, latestRunOf.get(job.id)).finally(() => {
      running.delete(key);
      if (latestRunOf.get(job.id) === done) latestRunOf.delete(job.id);
      wake();
    });
    running.set(key, { controller, done });
    latestRunOf.set(job.id, done);
  }

  async function recover(): Promise<void> {
    try {
      const { requeued, failed } = await recoverExpiredLeases(db, clock());
      if (requeued.length + failed.length > 0) emit({ type: 'recovered', requeued, failed });
    } catch (thrown) {
      emit({ type: 'error', during: 'recover', error: describeError(thrown) });
    }
  }
  // Kept so stop() can wait for it: the caller closes the database after stop().
  let recovering = recover();
  const recoverTimer = setInterval(() => {
    recovering = recovering.then(recover);
  }, options.recoverEveryMs ?? 5_000);

  async function loop(): Promise<void> {
    let idleMs = pollMinMs;
    while (!stopping) {
      const free = concurrency - running.size;
      if (free <= 0) {
        await pause(pollMaxMs);
        continue;
      }
      let jobs: Job[] = [];
      try {
        jobs = await claim(db, queues, id, free, { now: clock(), leaseMs });
      } catch (thrown) {
        emit({ type: 'error', during: 'claim', error: describeError(thrown) });
      }
      // A claim that came back while stopping still runs its jobs: they are ours now, and leaving
      // them would hold them until their lease ran out.
      for (const job of jobs) track(job);
      if (jobs.length > 0) {
        idleMs = pollMinMs;
        continue;
      }
      if (stopping) break;
      await pause(idleMs);
      idleMs = Math.min(pollMaxMs, idleMs * 2);
    }
  }

  const looping = loop();

  return {
    id,
    wake,
    running: () => running.size,
    async stop({ graceMs }: { graceMs?: number } = {}) {
      stopping = true;
      clearInterval(recoverTimer);
      wake();
      await looping;
      const abortTimer =
        graceMs === undefined
          ? undefined
          : setTimeout(() => {
              for (const entry of running.values()) entry.controller.abort(new Error('worker stopping'));
            }, graceMs);
      while (running.size > 0) await Promise.all([...running.values()].map((entry) => entry.done));
      clearTimeout(abortTimer);
      await recovering;
    },
  };
}
