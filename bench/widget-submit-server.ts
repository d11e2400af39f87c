/**
 * The server side of bench/widget-submit.ts, run as a child process so the load generator does not
 * share its event loop. BENCH_TARGET=plaudit runs the real app on BENCH_DATABASE_URL with the widget
 * rate limits from PLAUDIT_WIDGET_RATE_LIMIT / PLAUDIT_WIDGET_KEY_RATE_LIMIT (defaults when unset);
 * BENCH_TARGET=baseline runs the minimal Hono + pg endpoint of bench/widget-submit-baseline.ts.
 * Reports `{ port }` over IPC once listening; on SIGTERM it stops accepting, lets every running
 * handler finish (its write committed) and exits.
 */

import { loadConfig } from '../src/server/config';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import { createApp } from '../src/server/http/app';
import { serveUntilSigterm } from './serve-child';
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
  await serveUntilSigterm(fetch, stop);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
