/**
 * A worker process for bench/queue.ts on PostgreSQL (DATABASE_URL). MODE=queue runs the real
 * worker (src/server/jobs/worker.ts) on QUEUE with a handler that waits HANDLER_MS (0: no-op);
 * MODE=bare is the baseline: a claim loop of plain `UPDATE … FOR UPDATE SKIP LOCKED` statements and
 * one UPDATE per completed job, with no leases, retries or handler dispatch. Says `ready` over
 * IPC, starts on `go`, stops (gracefully) on `stop`.
 */
import { createPgDatabase } from '../src/server/db/pg-adapter';
import { startWorker } from '../src/server/jobs/worker';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const mode = process.env.MODE ?? 'queue';
const queue = process.env.QUEUE ?? 'noop';
const concurrency = Number(process.env.CONCURRENCY ?? '16');
const handlerMs = Number(process.env.HANDLER_MS ?? '0');
const workerId = `bench-${process.pid}`;
const db = createPgDatabase(url, { max: 10 });

async function runBare(isStopped: () => boolean): Promise<void> {
  while (!isStopped()) {
    const jobs = await db.query<{ id: number }>(
      `UPDATE job SET state = 'active', attempts = attempts + 1, locked_by = $2, locked_until = now() + interval '30 seconds'
       WHERE id IN (SELECT id FROM job WHERE state = 'queued' AND queue = $1 AND run_at <= now()
                    ORDER BY run_at, id LIMIT $3 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [queue, workerId, concurrency],
    );
    if (jobs.length === 0) {
      await new Promise((resolve) => setTimeout(resolve, 5));
      continue;
    }
    await Promise.all(
      jobs.map((job) =>
        db.query(
          `UPDATE job SET state = 'done', finished_at = now(), locked_by = NULL, locked_until = NULL WHERE id = $1`,
          [job.id],
        ),
      ),
    );
  }
}

process.on('message', async (message) => {
  if (message !== 'go') return;
  if (mode === 'bare') {
    let stopped = false;
    const done = runBare(() => stopped);
    process.on('message', async (m) => {
      if (m !== 'stop') return;
      stopped = true;
      await done;
      await db.close();
      process.exit(0);
    });
    return;
  }
  const worker = startWorker({
    db,
    workerId,
    concurrency,
    pollMinMs: 5,
    pollMaxMs: 100,
    leaseMs: process.env.LEASE_MS ? Number(process.env.LEASE_MS) : undefined,
    recoverEveryMs: process.env.RECOVER_EVERY_MS ? Number(process.env.RECOVER_EVERY_MS) : undefined,
    handlers: {
      [queue]: () =>
        handlerMs > 0 ? new Promise((resolve) => setTimeout(resolve, handlerMs)) : Promise.resolve(),
    },
  });
  process.on('message', async (m) => {
    if (m !== 'stop') return;
    await worker.stop();
    await db.close();
    process.exit(0);
  });
});
process.send?.({ ready: true, workerId });
