/** `plaudit worker`: the job worker alone, next to servers started with `--no-worker` (PostgreSQL only). */
import { createMailer, describeMailTransport } from '../channels/email/create-mailer';
import type { Config } from '../config';
import { migrate } from '../db/migrate';
import { openDatabase } from '../db/open-database';
import { startJobs } from './start-jobs';

/** Runs until SIGINT/SIGTERM, then lets running jobs finish; returns the exit code. */
export async function runWorker(config: Config, log: (line: string) => void = console.log): Promise<number> {
  if (!config.databaseUrl) throw new Error('runWorker needs DATABASE_URL');
  // A connection for every running job plus claiming, lease extension and recovery: the statement
  // that records a delivered email as 'sent' must not wait for a free connection (the longer it
  // waits, the wider the window in which a crash leads to a second delivery).
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: Math.max(10, config.jobs.concurrency + 4),
  });
  await migrate(db);
  const mailer = createMailer(config);
  const worker = startJobs({ db, publicUrl: config.publicUrl, mailer }, { ...config.jobs, schedules: true });
  log(`Plaudit job worker ${worker.id} is running (PostgreSQL). ${describeMailTransport(config)}`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await worker.stop({ graceMs: 10_000 });
  await mailer.close();
  await db.close();
  return 0;
}
