/**
 * Child process for job-queue.test.ts: a worker on PostgreSQL (DATABASE_URL) for the queue
 * `kill-test`. Its handler records `start` in job_effect, holds the job HOLD_MS, then records
 * `end`. Says `ready` over IPC once the worker runs; the test kills it with SIGKILL mid-job.
 */
import { createPgDatabase } from '../../../src/server/db/pg-adapter';
import { startWorker } from '../../../src/server/jobs/worker';

const url = process.env.DATABASE_URL;
if (!url) throw new Error('DATABASE_URL is required');
const holdMs = Number(process.env.HOLD_MS ?? '0');
const db = createPgDatabase(url, { max: 4 });

startWorker({
  db,
  workerId: `child-${process.pid}`,
  leaseMs: Number(process.env.LEASE_MS ?? '1500'),
  recoverEveryMs: 200,
  pollMaxMs: 100,
  handlers: {
    'kill-test': async ({ job, signal }) => {
      await db.query(`INSERT INTO job_effect (job_id, pid, phase) VALUES ($1, $2, 'start')`, [
        job.id,
        process.pid,
      ]);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, holdMs);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      await db.query(`INSERT INTO job_effect (job_id, pid, phase) VALUES ($1, $2, 'end')`, [
        job.id,
        process.pid,
      ]);
    },
  },
});
process.send?.('ready');
