/**
 * The server half of bench/alert-latency.ts: the Plaudit app AND its job worker in one process, as
 * `plaudit serve` runs them, on the bench's PostgreSQL database (BENCH_DATABASE_URL). Mail is
 * accepted by a stub (the bench measures Slack). Reports `{ port }` over IPC; stops on SIGTERM.
 */
import type { Mailer } from '../src/server/channels/email/mailer';
import { loadConfig } from '../src/server/config';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import { createApp } from '../src/server/http/app';
import { jobHandlers } from '../src/server/jobs/start-jobs';
import { type JobHandler, startWorker } from '../src/server/jobs/worker';
import { serveUntilSigterm } from './serve-child';

async function main() {
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is required');
  const concurrency = Number(process.env.BENCH_JOB_CONCURRENCY ?? 10);
  const config = loadConfig({}, { databaseUrl, port: 0 });
  const db = createPgDatabase(databaseUrl, { max: concurrency + 14 });
  const { app, ctx, close } = createApp({ config, db, clock: () => new Date() });
  const mailer: Mailer = {
    description: 'bench stub',
    send: async (message) => ({ status: 'accepted', messageId: message.messageId, response: '250 OK' }),
    close: async () => {},
  };
  // The handlers of `plaudit serve`, each timed (BENCH_VERBOSE prints the time spent per queue).
  const timings = new Map<string, number[]>();
  const handlers: Record<string, JobHandler> = {};
  for (const [queue, handler] of Object.entries(jobHandlers({ db, publicUrl: 'http://127.0.0.1', mailer }))) {
    handlers[queue] = async (context) => {
      const started = performance.now();
      try {
        await handler(context);
      } finally {
        const list = timings.get(queue) ?? [];
        list.push(performance.now() - started);
        timings.set(queue, list);
      }
    };
  }
  const worker = startWorker({ db, handlers, concurrency });
  // As `plaudit serve`: a committed response batch wakes the worker for its playbook run.
  ctx.writer.onCommitted = () => worker.wake();
  const cpuAtStart = process.cpuUsage();
  process.on('SIGTERM', () => {
    if (!process.env.BENCH_VERBOSE) return;
    const cpu = process.cpuUsage(cpuAtStart);
    console.error(
      `server process CPU: ${Math.round((cpu.user + cpu.system) / 1000)} ms in ${Math.round(process.uptime() * 1000)} ms`,
    );
    for (const [queue, list] of timings) {
      const sorted = [...list].sort((a, b) => a - b);
      const avg = list.reduce((a, b) => a + b, 0) / list.length;
      console.error(
        `handler ${queue}: n ${list.length}, avg ${avg.toFixed(1)} ms, p95 ${sorted[Math.floor(sorted.length * 0.95)]?.toFixed(1)} ms`,
      );
    }
  });
  await serveUntilSigterm(app.fetch, async () => {
    await worker.stop({ graceMs: 5_000 });
    await close();
    await db.close();
  });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
