import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../src/server/db/migrate';
import { createPgDatabase } from '../../src/server/db/pg-adapter';
import type { Database } from '../../src/server/db/port';
import {
  cancel,
  claim,
  complete,
  deleteFinishedJobs,
  enqueue,
  enqueueMany,
  extendLease,
  fail,
  getJob,
  type Job,
  recoverExpiredLeases,
} from '../../src/server/jobs/queue';
import { retryDelayMs } from '../../src/server/jobs/retry-backoff';
import { PermanentJobError, startWorker, type WorkerEvent } from '../../src/server/jobs/worker';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

const T0 = new Date('2030-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const LEASE = { now: T0, leaseMs: 30_000 };

async function states(db: Database, queue: string): Promise<Record<string, number>> {
  const rows = await db.query<{ state: string; n: number }>(
    'SELECT state, count(*)::int AS n FROM job WHERE queue = $1 GROUP BY state',
    [queue],
  );
  return Object.fromEntries(rows.map((r) => [r.state, r.n]));
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

for (const kind of databaseKinds()) {
  describe(`job queue on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
    });
    afterAll(() => drop());
    beforeEach(() => db.exec('DELETE FROM job'));

    it('enqueues, claims and completes a job, once', async () => {
      const workspace = await createWorkspace(db, { name: 'Jobs' });
      const { created, id } = await enqueue(
        db,
        { queue: 'a', payload: { invitationId: 'inv-1' }, workspaceId: workspace.id },
        { now: T0 },
      );
      expect(created).toBe(true);
      const [job, ...more] = await claim(db, 'a', 'w1', 10, LEASE);
      expect(more).toEqual([]);
      expect(job).toMatchObject({
        id,
        queue: 'a',
        state: 'active',
        attempts: 1,
        lockedBy: 'w1',
        workspaceId: workspace.id,
        payload: { invitationId: 'inv-1' },
      });
      expect(job!.lockedUntil).toEqual(at(30_000));
      expect(await claim(db, 'a', 'w2', 10, LEASE)).toEqual([]);
      expect(await complete(db, job!, 'w2', at(1))).toBe(false); // not the owner
      expect(await complete(db, job!, 'w1', at(1))).toBe(true);
      expect(await complete(db, job!, 'w1', at(2))).toBe(false); // already done
      const done = await getJob(db, id!);
      expect(done).toMatchObject({ state: 'done', lockedBy: null, lockedUntil: null, finishedAt: at(1) });
    });

    it('claims earliest run_at first, only from the queues asked for, up to the limit', async () => {
      await enqueue(db, { queue: 'b', payload: { n: 2 }, runAt: at(-2) }, { now: T0 });
      await enqueue(db, { queue: 'c', payload: { n: 1 }, runAt: at(-3) }, { now: T0 });
      await enqueue(db, { queue: 'b', payload: { n: 3 }, runAt: at(-1) }, { now: T0 });
      await enqueue(db, { queue: 'other', payload: { n: 0 }, runAt: at(-9) }, { now: T0 });
      const jobs = await claim(db, ['b', 'c'], 'w', 2, LEASE);
      expect(jobs.map((j) => j.payload.n)).toEqual([1, 2]);
      expect((await claim(db, ['b', 'c'], 'w', 5, LEASE)).map((j) => j.payload.n)).toEqual([3]);
    });

    it('never queues two jobs with the same key (until the first is cancelled)', async () => {
      const first = await enqueue(db, { queue: 'mail', uniqueKey: 'invitation:1' }, { now: T0 });
      const again = await enqueue(db, { queue: 'mail', uniqueKey: 'invitation:1' }, { now: T0 });
      expect(first.created).toBe(true);
      expect(again).toEqual({ created: false, id: null });
      // Another queue has keys of its own.
      expect((await enqueue(db, { queue: 'reminder', uniqueKey: 'invitation:1' }, { now: T0 })).created).toBe(
        true,
      );
      // Still held while active and after done.
      const [job] = await claim(db, 'mail', 'w', 1, LEASE);
      expect((await enqueue(db, { queue: 'mail', uniqueKey: 'invitation:1' }, { now: T0 })).created).toBe(
        false,
      );
      await complete(db, job!, 'w', at(1));
      expect((await enqueue(db, { queue: 'mail', uniqueKey: 'invitation:1' }, { now: T0 })).created).toBe(
        false,
      );
      // Cancelling releases the key.
      await enqueue(db, { queue: 'mail', uniqueKey: 'reminder:7' }, { now: T0 });
      expect(await cancel(db, { queue: 'mail', uniqueKey: 'reminder:7' }, { now: T0 })).toBe(true);
      expect((await enqueue(db, { queue: 'mail', uniqueKey: 'reminder:7' }, { now: T0 })).created).toBe(true);
      expect(await states(db, 'mail')).toEqual({ done: 1, cancelled: 1, queued: 1 });
      // Jobs without a key are never deduplicated.
      await enqueue(db, { queue: 'plain' }, { now: T0 });
      await enqueue(db, { queue: 'plain' }, { now: T0 });
      expect(await states(db, 'plain')).toEqual({ queued: 2 });
    });

    it('does not claim a job before its run_at', async () => {
      const { id } = await enqueue(db, { queue: 'later' }, { now: T0, runAt: at(60_000) });
      expect(await claim(db, 'later', 'w', 1, LEASE)).toEqual([]);
      expect(await claim(db, 'later', 'w', 1, { now: at(59_999), leaseMs: 1000 })).toEqual([]);
      const [job] = await claim(db, 'later', 'w', 1, { now: at(60_000), leaseMs: 1000 });
      expect(job?.id).toBe(id);
    });

    it('retries with exponential backoff, then fails for good with the error', async () => {
      const { id } = await enqueue(db, { queue: 'flaky', maxAttempts: 3 }, { now: T0 });
      const backoff = { baseMs: 1000, maxMs: 60_000 };
      let now = T0;
      const delays: number[] = [];
      for (let attempt = 1; attempt <= 3; attempt++) {
        const [job] = await claim(db, 'flaky', 'w', 1, { now, leaseMs: 10_000 });
        expect(job).toMatchObject({ id, attempts: attempt });
        const state = await fail(db, job!, 'w', new Error(`smtp down ${attempt}`), {
          now,
          backoff,
          random: () => 1,
        });
        const after = await getJob(db, id!);
        if (attempt < 3) {
          expect(state).toBe('queued');
          delays.push(after!.runAt.getTime() - now.getTime());
          // Not due a millisecond early.
          expect(
            await claim(db, 'flaky', 'w', 1, { now: new Date(after!.runAt.getTime() - 1), leaseMs: 1 }),
          ).toEqual([]);
          now = after!.runAt;
        } else {
          expect(state).toBe('failed');
          expect(after).toMatchObject({ state: 'failed', attempts: 3, finishedAt: now, lockedBy: null });
          expect(after!.lastError).toContain('smtp down 3');
        }
      }
      expect(delays).toEqual([1000, 2000]);
      expect(await claim(db, 'flaky', 'w', 1, { now: at(1e9), leaseMs: 1 })).toEqual([]);
    });

    it('fails a permanent error at once, and jitters the backoff between half and all of it', async () => {
      const { id } = await enqueue(db, { queue: 'bad' }, { now: T0 });
      const [job] = await claim(db, 'bad', 'w', 1, LEASE);
      expect(await fail(db, job!, 'w', 'invalid address', { now: T0, permanent: true })).toBe('failed');
      expect((await getJob(db, id!))?.lastError).toBe('Error: invalid address');
      const backoff = { baseMs: 1000, maxMs: 5000 };
      expect(retryDelayMs(1, backoff, () => 0)).toBe(500);
      expect(retryDelayMs(2, backoff, () => 0.5)).toBe(1500);
      expect(retryDelayMs(10, backoff, () => 1)).toBe(5000);
    });

    it('gives concurrent claimers disjoint jobs', async () => {
      await enqueueMany(
        db,
        Array.from({ length: 300 }, (_, i) => ({ queue: 'race', payload: { i } })),
        { now: T0 },
      );
      // On PostgreSQL the pool runs these claims on separate connections at the same time; PGlite
      // serialises them on its one connection. Either way every job is claimed exactly once.
      const claimedBy = new Map<number, string>();
      await Promise.all(
        Array.from({ length: 6 }, async (_, w) => {
          const worker = `w${w}`;
          for (;;) {
            const jobs = await claim(db, 'race', worker, 7, LEASE);
            if (jobs.length === 0) return;
            for (const job of jobs) {
              expect(claimedBy.get(job.id)).toBeUndefined();
              claimedBy.set(job.id, worker);
              expect(await complete(db, job, worker, T0)).toBe(true);
            }
          }
        }),
      );
      expect(claimedBy.size).toBe(300);
      expect(await states(db, 'race')).toEqual({ done: 300 });
      const attempts = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM job WHERE attempts <> 1`,
      );
      expect(attempts[0]!.n).toBe(0);
    });

    it('recovers a job whose lease ran out, and ignores the late answer of its first worker', async () => {
      const { id } = await enqueue(db, { queue: 'lease' }, { now: T0 });
      const [first] = await claim(db, 'lease', 'dead', 1, { now: T0, leaseMs: 1000 });
      expect(await recoverExpiredLeases(db, at(999))).toEqual({ requeued: [], failed: [] });
      expect(await extendLease(db, first!, 'dead', { now: at(500), leaseMs: 1000 })).toBe(true);
      expect(await recoverExpiredLeases(db, at(1400))).toEqual({ requeued: [], failed: [] });
      expect(await recoverExpiredLeases(db, at(1501))).toEqual({ requeued: [id], failed: [] });
      expect((await getJob(db, id!))?.lastError).toContain('lease expired: worker dead');
      const [second] = await claim(db, 'lease', 'alive', 1, { now: at(1502), leaseMs: 1000 });
      expect(second).toMatchObject({ id, attempts: 2, lockedBy: 'alive' });
      // The first worker comes back: it owns nothing any more.
      expect(await complete(db, first!, 'dead', at(1503))).toBe(false);
      expect(await extendLease(db, first!, 'dead', { now: at(1503), leaseMs: 1000 })).toBe(false);
      expect(await fail(db, first!, 'dead', new Error('late'), { now: at(1503) })).toBeNull();
      expect(await complete(db, second!, 'alive', at(1504))).toBe(true);
    });

    it('fails a job whose last attempt lost its lease', async () => {
      const { id } = await enqueue(db, { queue: 'crashy', maxAttempts: 1 }, { now: T0 });
      await claim(db, 'crashy', 'dead', 1, { now: T0, leaseMs: 1000 });
      expect(await recoverExpiredLeases(db, at(2000))).toEqual({ requeued: [], failed: [id] });
      expect(await getJob(db, id!)).toMatchObject({ state: 'failed', finishedAt: at(2000) });
    });

    it('cancels only queued jobs, optionally only within a workspace', async () => {
      const ws = await createWorkspace(db, { name: 'Cancel' });
      const { id } = await enqueue(db, { queue: 'x', workspaceId: ws.id }, { now: T0 });
      const other = await createWorkspace(db, { name: 'Other' });
      expect(await cancel(db, { id: id! }, { now: T0, workspaceId: other.id })).toBe(false);
      expect(await cancel(db, { id: id! }, { now: T0, workspaceId: ws.id })).toBe(true);
      expect(await cancel(db, { id: id! }, { now: T0 })).toBe(false);
      const running = await enqueue(db, { queue: 'x' }, { now: T0 });
      await claim(db, 'x', 'w', 1, LEASE);
      expect(await cancel(db, { id: running.id! }, { now: T0 })).toBe(false);
      expect(await getJob(db, running.id!)).toMatchObject({ state: 'active' });
    });

    it('bulk-enqueues 10,000 jobs, each key once, and only the missing ones on a repeat', async () => {
      const jobs = Array.from({ length: 10_000 }, (_, i) => ({
        queue: 'campaign',
        payload: { contact: i },
        uniqueKey: `campaign-1:contact-${i}`,
      }));
      expect(await enqueueMany(db, jobs, { now: T0 })).toBe(10_000);
      expect(await enqueueMany(db, [...jobs.slice(0, 10), { ...jobs[0]! }], { now: T0 })).toBe(0);
      const extra = [
        { queue: 'campaign', uniqueKey: 'k' },
        { queue: 'campaign', uniqueKey: 'k' },
      ];
      expect(await enqueueMany(db, extra, { now: T0 })).toBe(1);
      expect(await states(db, 'campaign')).toEqual({ queued: 10_001 });
      const [first] = await claim(db, 'campaign', 'w', 1, LEASE);
      expect(first!.payload).toEqual({ contact: 0 });
    });

    it('deletes finished jobs, which frees their keys', async () => {
      const { id } = await enqueue(db, { queue: 'old', uniqueKey: 'k' }, { now: T0 });
      const [job] = await claim(db, 'old', 'w', 1, LEASE);
      await complete(db, job!, 'w', at(10));
      await deleteFinishedJobs(db, at(10));
      expect(await getJob(db, id!)).toBeDefined();
      await deleteFinishedJobs(db, at(11));
      expect(await getJob(db, id!)).toBeUndefined();
      expect((await enqueue(db, { queue: 'old', uniqueKey: 'k' }, { now: T0 })).created).toBe(true);
    });

    it('runs a worker: handlers, retries, permanent failures, concurrency limit, graceful stop', async () => {
      const events: WorkerEvent[] = [];
      const seen: number[] = [];
      let inFlight = 0;
      let maxInFlight = 0;
      let flakyCalls = 0;
      let releaseSlow: () => void = () => {};
      const slowGate = new Promise<void>((resolve) => {
        releaseSlow = resolve;
      });
      const now = () => new Date();
      const worker = startWorker({
        db,
        concurrency: 4,
        pollMinMs: 5,
        pollMaxMs: 20,
        backoff: { baseMs: 10, maxMs: 10 },
        onEvent: (event) => events.push(event),
        handlers: {
          work: async ({ job }) => {
            inFlight++;
            maxInFlight = Math.max(maxInFlight, inFlight);
            await new Promise((resolve) => setTimeout(resolve, 5));
            seen.push(job.payload.n as number);
            inFlight--;
          },
          flaky: async () => {
            flakyCalls++;
            if (flakyCalls < 3) throw new Error(`try ${flakyCalls}`);
          },
          broken: async () => {
            throw new PermanentJobError('cannot work');
          },
          slow: () => slowGate,
        },
      });
      await enqueueMany(
        db,
        Array.from({ length: 40 }, (_, n) => ({ queue: 'work', payload: { n } })),
        { now: now() },
      );
      const flaky = await enqueue(db, { queue: 'flaky' }, { now: now() });
      const broken = await enqueue(db, { queue: 'broken' }, { now: now() });
      worker.wake();
      await until(
        async () => (await states(db, 'work')).done === 40 && (await states(db, 'flaky')).done === 1,
      );
      expect([...seen].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, n) => n));
      expect(maxInFlight).toBeLessThanOrEqual(4);
      expect(await getJob(db, flaky.id!)).toMatchObject({ state: 'done', attempts: 3 });
      await until(async () => (await getJob(db, broken.id!))?.state === 'failed');
      expect((await getJob(db, broken.id!))?.lastError).toContain('PermanentJobError: cannot work');
      expect(events.filter((e) => e.type === 'failed')).toHaveLength(3);

      // Graceful stop: the running job finishes and is completed; nothing new is claimed.
      const slow = await enqueue(db, { queue: 'slow' }, { now: now() });
      worker.wake();
      await until(async () => worker.running() === 1);
      const stopped = worker.stop();
      const after = await enqueue(db, { queue: 'work', payload: { n: 99 } }, { now: now() });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(await getJob(db, slow.id!)).toMatchObject({ state: 'active' });
      releaseSlow();
      await stopped;
      expect(await getJob(db, slow.id!)).toMatchObject({ state: 'done', attempts: 1 });
      expect(await getJob(db, after.id!)).toMatchObject({ state: 'queued', attempts: 0 });
      expect(events.filter((e) => e.type === 'error')).toEqual([]);
    });

    it('keeps extending the lease of a long job, so recovery leaves it alone', async () => {
      const worker = startWorker({
        db,
        leaseMs: 150,
        recoverEveryMs: 20,
        pollMinMs: 5,
        handlers: { long: () => new Promise((resolve) => setTimeout(resolve, 600)) },
      });
      const { id } = await enqueue(db, { queue: 'long' }, { now: new Date() });
      worker.wake();
      await until(async () => (await getJob(db, id!))?.state === 'done');
      await worker.stop();
      expect(await getJob(db, id!)).toMatchObject({ state: 'done', attempts: 1, lastError: null });
    });

    it('aborts the handler when its lease is lost', async () => {
      let aborted = false;
      const worker = startWorker({
        db,
        workerId: 'loser',
        leaseMs: 150,
        recoverEveryMs: 60_000,
        pollMinMs: 5,
        handlers: {
          lost: ({ signal }) =>
            new Promise<void>((resolve) => {
              signal.addEventListener('abort', () => {
                aborted = true;
                resolve();
              });
            }),
        },
      });
      const { id } = await enqueue(db, { queue: 'lost' }, { now: new Date() });
      worker.wake();
      await until(async () => (await getJob(db, id!))?.state === 'active');
      // Another worker took it over (as after a recovery and a new claim).
      await db.query(`UPDATE job SET locked_by = 'thief' WHERE id = $1`, [id]);
      await until(async () => aborted);
      await worker.stop();
      // The late completion was refused: the attempt belongs to the other worker.
      expect(await getJob(db, id!)).toMatchObject({ state: 'active', attempts: 1, lockedBy: 'thief' });
    });

    it('starts a job it claimed again only after its own earlier attempt of it ended', async () => {
      let nowMs = T0.getTime();
      const starts: number[] = [];
      const running = new Set<number>();
      let most = 0;
      let releaseFirst!: () => void;
      const firstHeld = new Promise<void>((resolve) => {
        releaseFirst = resolve;
      });
      const worker = startWorker({
        db,
        clock: () => new Date(nowMs),
        leaseMs: 60_000, // extended every 20 s: not during this test
        recoverEveryMs: 20,
        pollMinMs: 5,
        pollMaxMs: 20,
        handlers: {
          // Attempt 1 ignores its signal, as an SMTP transaction in flight would.
          slow: async ({ job }) => {
            starts.push(job.attempts);
            running.add(job.attempts);
            most = Math.max(most, running.size);
            if (job.attempts === 1) await firstHeld;
            running.delete(job.attempts);
          },
        },
      });
      const { id } = await enqueue(db, { queue: 'slow' }, { now: new Date(nowMs) });
      worker.wake();
      await until(async () => starts.length === 1);
      // The lease ran out without an extension (the database was out of reach, say): the worker's own
      // recovery puts the job back and the worker claims it again while attempt 1 still runs.
      nowMs += 61_000;
      await until(async () => (await getJob(db, id!))?.attempts === 2);
      expect(await getJob(db, id!)).toMatchObject({ state: 'active', attempts: 2 });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(starts).toEqual([1]);
      expect(worker.running()).toBe(2);
      releaseFirst();
      await until(async () => (await getJob(db, id!))?.state === 'done');
      await worker.stop();
      expect(starts).toEqual([1, 2]);
      expect(most).toBe(1);
      expect(await getJob(db, id!)).toMatchObject({ state: 'done', attempts: 2 });
    });
  });
}

const CHILD = fileURLToPath(new URL('./helpers/job-queue-worker-child.ts', import.meta.url));
const adminUrl = process.env.TEST_DATABASE_URL;

describe.runIf(adminUrl)('job queue across processes on postgres', () => {
  const name = `plaudit_test_${randomBytes(6).toString('hex')}`;
  let url: string;
  let db: Database;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(adminUrl!);
    target.pathname = `/${name}`;
    url = target.toString();
    db = createPgDatabase(url);
    await migrate(db);
    await db.exec(
      'CREATE TABLE job_effect (job_id bigint NOT NULL, pid integer NOT NULL, phase text NOT NULL)',
    );
  });
  afterAll(async () => {
    for (const child of children) child.kill('SIGKILL');
    await db.close();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  function startChild(holdMs: number): Promise<ChildProcess> {
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, DATABASE_URL: url, HOLD_MS: String(holdMs), LEASE_MS: '1500' },
      stdio: 'inherit',
    });
    children.push(child);
    return new Promise((resolve, reject) => {
      child.once('message', () => resolve(child));
      child.once('exit', (code) => reject(new Error(`worker child exited with ${code}`)));
    });
  }

  it('runs the job of a worker killed mid-job again in another process', async () => {
    const first = await startChild(60_000);
    const { id } = await enqueue(db, { queue: 'kill-test', payload: {} }, { now: new Date() });
    const effects = () =>
      db.query<{ pid: number; phase: string }>(
        'SELECT pid, phase FROM job_effect WHERE job_id = $1 ORDER BY pid',
        [id],
      );
    await until(async () => (await effects()).length === 1);
    const exited = new Promise((resolve) => first.once('exit', resolve));
    first.kill('SIGKILL');
    await exited;
    const killedAt = Date.now();
    const second = await startChild(0);
    await until(async () => (await getJob(db, id!))?.state === 'done', 15_000);
    const elapsed = Date.now() - killedAt;
    const job = (await getJob(db, id!)) as Job;
    expect(job).toMatchObject({ state: 'done', attempts: 2, lockedBy: null });
    expect(job.lastError).toContain(`lease expired: worker child-${first.pid}`);
    expect(await effects()).toEqual(
      expect.arrayContaining([
        { pid: first.pid, phase: 'start' },
        { pid: second.pid, phase: 'start' },
        { pid: second.pid, phase: 'end' },
      ]),
    );
    expect((await effects()).filter((e) => e.pid === first.pid)).toEqual([
      { pid: first.pid, phase: 'start' },
    ]);
    expect(elapsed).toBeLessThan(15_000);
    second.kill('SIGKILL');
  }, 30_000);
});
