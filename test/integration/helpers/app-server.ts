/**
 * The app on a real HTTP server on a free port of 127.0.0.1, for tests that follow links of
 * received emails over HTTP: the port is known before the app is made, so its PLAUDIT_PUBLIC_URL
 * (the links' base) is the server's own address.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { type Config, loadConfig } from '../../../src/server/config';
import type { Database } from '../../../src/server/db/port';
import { createApp } from '../../../src/server/http/app';

export interface AppServer {
  /** http://127.0.0.1:<port>, without a trailing slash. */
  readonly publicUrl: string;
  /** Stops accepting connections, then drains the app's writer. */
  close(): Promise<void>;
}

export async function startAppServer(options: {
  db: Database;
  clock: () => Date;
  config?: Partial<Config>;
}): Promise<AppServer> {
  let fetchApp: (request: Request, env: unknown) => Response | Promise<Response> = () =>
    new Response('starting', { status: 503 });
  const http = serve({ fetch: (request, env) => fetchApp(request, env), port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((resolve) => http.once('listening', () => resolve()));
  const publicUrl = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const created = createApp({
    config: loadConfig({}, { ...options.config, publicUrl }),
    db: options.db,
    clock: options.clock,
  });
  fetchApp = (request, env) => created.app.fetch(request, env);
  return {
    publicUrl,
    async close() {
      await new Promise<void>((resolve) => http.close(() => resolve()));
      await created.close();
    },
  };
}
