/**
 * The server side of bench/ingest.ts, run as a child process so the load generator does not share
 * its event loop. BENCH_TARGET picks the real Plaudit app or the minimal baseline; BENCH_DATABASE_URL
 * (PostgreSQL) or BENCH_DATA_DIR (PGlite) picks the database. Reports `{ port }` over IPC once
 * listening; on SIGTERM it stops accepting, writes what is queued and exits.
 */
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/server/config';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import { createApp } from '../src/server/http/app';
import { createBaselineApp } from './baseline-app';

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
  // Handlers whose client went away still run to the end; stop() must wait for them.
  let active = 0;
  // The Node request travels along as `env`, as @hono/node-server passes it (read-body.ts uses it).
  const counted = async (request: Request, env: unknown) => {
    active++;
    try {
      return await fetch(request, env);
    } finally {
      active--;
    }
  };
  const server = serve({ fetch: counted, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no TCP address');
  process.on('SIGTERM', async () => {
    server.close();
    // The load generator has stopped: no answer is awaited any more, but every handler still
    // running must finish (and its write commit) before the database closes.
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
    while (active > 0) await new Promise((r) => setTimeout(r, 10));
    stop().then(
      () => process.exit(0),
      (error) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
  process.send?.({ port: address.port });
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
