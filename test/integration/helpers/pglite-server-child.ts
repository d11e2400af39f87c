/**
 * Child process for pglite-durability.test.ts: the real app on the embedded database in
 * PLAUDIT_DATA_DIR, with a workspace, key and survey; reports them over IPC and then waits to be
 * killed (SIGKILL, no shutdown code runs).
 */
import { serve } from '@hono/node-server';
import { loadConfig } from '../../../src/server/config';
import { migrate } from '../../../src/server/db/migrate';
import { openDatabase } from '../../../src/server/db/open-database';
import { createApp } from '../../../src/server/http/app';
import { createApiKey } from '../../../src/server/repo/api-keys';
import { createWorkspace } from '../../../src/server/repo/workspaces';

const dataDir = process.env.PLAUDIT_DATA_DIR;
if (!dataDir) throw new Error('PLAUDIT_DATA_DIR is required');
const db = await openDatabase({ dataDir });
await migrate(db);
const workspace = await createWorkspace(db, { name: 'Crash test' });
const { secret } = await createApiKey(db, workspace.id, 'test');
const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
const res = await app.request('/api/v1/surveys', {
  method: 'POST',
  headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
  body: JSON.stringify({ name: 'Relationship', product_name: 'Taskwerk' }),
});
const survey = (await res.json()) as { id: string };
const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
server.once('listening', () => {
  const address = server.address();
  const port = address && typeof address === 'object' ? address.port : 0;
  process.send?.({ port, secret, surveyId: survey.id });
});
