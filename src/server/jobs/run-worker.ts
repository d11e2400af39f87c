/** `plaudit worker`: the job worker alone, next to servers started with `--no-worker` (PostgreSQL only). */
import { createMailer, describeMailTransport } from '../channels/email/create-mailer';
import type { Config } from '../config';
import { migrate } from '../db/migrate';
import { openDatabase } from '../db/open-database';
import { startJobs } from './start-jobs';

/** Runs until SIGINT/SIGTERM, then lets running jobs finish; returns the exit code. */
export async function runWorker(config: Config, log: (line: string) => void = console.log): Promise<number> {
  if (!config.databaseUrl) throw new Error('runWorker needs DATABASE_URL');
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(db);
  const mailer = createMailer(config);
  const worker = startJobs({ db, publicUrl: config.publicUrl, mailer });
  log(`Plaudit job worker ${worker.id} is running (PostgreSQL). ${describeMailTransport(config)}`);
  await new Promise<void>((resolve) => {
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => resolve());
  });
  await worker.stop({ graceMs: 10_000 });
  await mailer.close();
  await db.close();
  return 0;
}
