/**
 * The server side of bench/widget-submit.ts, run as a child process so the load generator does not
 * share its event loop. BENCH_TARGET=plaudit runs the real app on BENCH_DATABASE_URL with the widget
 * rate limits from PLAUDIT_WIDGET_RATE_LIMIT / PLAUDIT_WIDGET_KEY_RATE_LIMIT (defaults when unset);
 * BENCH_TARGET=baseline runs the minimal Hono + pg endpoint of bench/widget-submit-baseline.ts.
 * Reports `{ port }` over IPC once listening; on SIGTERM it stops accepting, lets every running
 * handler finish (its write committed) and exits.
 */
import { serve } from '@hono/node-server';
import { loadConfig } from '../src/server/config';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import { createApp } from '../src/server/http/app';
import { createWidgetBaselineApp } from './widget-submit-baseline';

async function main() {
  const target = process.env.BENCH_TARGET;
  const databaseUrl = process.env.BENCH_DATABASE_URL;
  if (!databaseUrl) throw new Error('BENCH_DATABASE_URL is required');
  let fetch: (request: Request, env?: unknown) => Response | Promise<Response>;
  let stop: () => Promise<void>;
  if (target === 'plaudit') {
    const config = loadConfig(
      {
        PLAUDIT_WIDGET_RATE_LIMIT: process.env.PLAUDIT_WIDGET_RATE_LIMIT,
        PLAUDIT_WIDGET_KEY_RATE_LIMIT: process.env.PLAUDIT_WIDGET_KEY_RATE_LIMIT,
      },
      { databaseUrl, port: 0 },
    );
    const db = createPgDatabase(databaseUrl);
    const { app, close } = createApp({ config, db, clock: () => new Date() });
    fetch = app.fetch;
    stop = async () => {
      await close();
      await db.close();
    };
  } else if (target === 'baseline') {
    const workspaceId = process.env.BENCH_WORKSPACE_ID;
    if (!workspaceId) throw new Error('BENCH_WORKSPACE_ID is required for the baseline');
    ({ fetch, stop } = createWidgetBaselineApp({ databaseUrl, workspaceId }));
  } else {
    throw new Error(`BENCH_TARGET must be plaudit or baseline, not ${target}`);
  }
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
