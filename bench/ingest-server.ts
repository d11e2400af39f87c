/**
 * The server side of bench/ingest.ts, run as a child process so the load generator does not share
 * its event loop. BENCH_TARGET picks the real Plaudit app or the minimal baseline; BENCH_DATABASE_URL
 * (PostgreSQL) or BENCH_DATA_DIR (PGlite) picks the database. Reports `{ port }` over IPC once
 * listening; on SIGTERM it stops accepting, writes what is queued and exits.
 */

import { loadConfig } from '../src/server/config';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import { createApp } from '../src/server/http/app';
import { createBaselineApp } from './baseline-app';
import { serveUntilSigterm } from './serve-child';

async function main() {
  const target = process.env.BENCH_TARGET;
  const databaseUrl = process.env.BENCH_DATABASE_URL || undefined;
  const dataDir = process.env.BENCH_DATA_DIR || undefined;
  let fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  let stop: () => Promise<void>;
  if (target === 'plaudit') {
    const config = loadConfig({}, { databaseUrl, dataDir, port: 0 });
    const db = databaseUrl
      ? (await import('../src/server/db/pg-adapter')).createPgDatabase(databaseUrl)
      : await createPgliteDatabase(dataDir);
    const { app, close } = createApp({ config, db, clock: () => new Date() });
    fetch = app.fetch;
    stop = async () => {
      await close();
      await db.close();
    };
  } else if (target === 'baseline') {
    const workspaceId = process.env.BENCH_WORKSPACE_ID;
    if (!workspaceId) throw new Error('BENCH_WORKSPACE_ID is required for the baseline');
    ({ fetch, stop } = await createBaselineApp({ databaseUrl, dataDir, workspaceId }));
  } else {
    throw new Error(`BENCH_TARGET must be plaudit or baseline, not ${target}`);
  }
  await serveUntilSigterm(fetch, stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
