/**
 * The server half of a benchmark child process: serves `fetch` on a free port of 127.0.0.1, tells
 * the parent the port (IPC), and on SIGTERM stops accepting, waits for every running handler (its
 * write must commit before the database closes) and calls `stop`.
 */
import { serve } from '@hono/node-server';

type Fetch = (request: Request, env: unknown) => Response | Promise<Response>;

export async function serveUntilSigterm(fetch: Fetch, stop: () => Promise<void>): Promise<void> {
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
