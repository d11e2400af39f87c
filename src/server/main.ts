import { serve } from '@hono/node-server';
import { createMailer, describeMailTransport } from './channels/email/create-mailer';
import type { Config } from './config';
import { migrate } from './db/migrate';
import { openDatabase } from './db/open-database';
import { ensureDemoUser } from './demo/demo-user';
import { loadDemoData } from './demo/load-demo-data';
import { createApp } from './http/app';
import { startJobs } from './jobs/start-jobs';
import { createApiKey } from './repo/api-keys';
import { countUsers, findDemoUser } from './repo/users';
import { countWorkspaces, createWorkspace } from './repo/workspaces';

/**
 * Composition root: opens the database, applies migrations, creates the first workspace and key
 * (or the demo workspace) on an empty database; the key is printed this once and stored only
 * hashed. Then listens.
 */
export async function startServer(
  config: Config,
  options: { demo: boolean; worker?: boolean } = { demo: false },
  log: (line: string) => void = console.log,
) {
  const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
  await migrate(db);
  let loadedDemo = false;
  if ((await countWorkspaces(db)) === 0) {
    if (options.demo) {
      loadedDemo = true;
      log('Empty database: loading two years of demo data …');
      const demo = await loadDemoData(db, { now: new Date() });
      log(`Demo workspace "${demo.workspace.name}" with ${demo.responses} responses.`);
      log(`Its API key (shown only now, stored hashed):\n  ${demo.secret}`);
    } else {
      const workspace = await createWorkspace(db, { name: 'My workspace' });
      const { secret } = await createApiKey(db, workspace.id, 'First key');
      log(`Created workspace "${workspace.name}". Its API key (shown only now, keep it safe):\n  ${secret}`);
    }
  }
  // Only a database that got the demo data has a demo user: a real installation started without
  // --no-demo never gets one.
  if (options.demo && (loadedDemo || (await findDemoUser(db)))) {
    const demo = await ensureDemoUser(db, config.passwordCost);
    log(`Demo sign-in: ${demo.email} / ${demo.password} (a new password at every demo start)`);
  } else if ((await countUsers(db)) === 0) {
    log(`First visit: open ${config.publicUrl}/app/ to create the owner's account.`);
  }
  const { app, ctx, close } = createApp({ config, db, clock: () => new Date() });
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const where = config.databaseUrl ? 'PostgreSQL' : `embedded database in ${config.dataDir}`;
  log(`Plaudit is running at ${config.publicUrl} (${where})`);
  log(describeMailTransport(config));
  // The job worker (survey emails) runs in this process unless `--no-worker` (then `plaudit worker`).
  const mailer = options.worker === false ? undefined : createMailer(config);
  const worker =
    mailer && startJobs({ db, publicUrl: config.publicUrl, mailer }, { ...config.jobs, schedules: true });
  if (!worker) log('Job worker: not started (--no-worker); run `plaudit worker` to send emails');
  else ctx.writer.onCommitted = () => worker.wake();
  return {
    async stop() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await worker?.stop({ graceMs: 10_000 });
      await mailer?.close();
      await close();
      await db.close();
    },
  };
}
