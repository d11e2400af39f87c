/**
 * What the PostgreSQL benchmarks share: a fresh, migrated database of their own (dropped at the
 * end), and a workspace with an API key and a `post` helper that calls the app in process.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../src/server/db/migrate';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import type { Database } from '../src/server/db/port';
import { createApiKey } from '../src/server/repo/api-keys';
import { createWorkspace } from '../src/server/repo/workspaces';

export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

export interface BenchDatabase {
  readonly db: Database;
  /** Its connection URL, for child processes. */
  readonly url: string;
  /** Closes the pool and drops the database. */
  drop(): Promise<void>;
}

export async function createBenchDatabase(): Promise<BenchDatabase> {
  const name = `plaudit_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = createPgDatabase(url.toString());
  const drop = async () => {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
  try {
    await migrate(db);
  } catch (error) {
    await drop();
    throw error;
  }
  return { db, url: url.toString(), drop };
}

type Fetch = (path: string, init: RequestInit) => Response | Promise<Response>;

/** A new workspace, its API key, and `post(path, body)` to its API (throws on a non-2xx answer). */
export async function benchWorkspace(
  db: Database,
  request: Fetch,
  name = 'Bench',
): Promise<{
  workspaceId: string;
  key: string;
  post: (path: string, body: unknown) => Promise<{ id: string }>;
}> {
  const ws = await createWorkspace(db, { name });
  const key = (await createApiKey(db, ws.id, 'bench')).secret;
  const post = async (path: string, body: unknown) => {
    const res = await request(`/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
    return (await res.json()) as { id: string };
  };
  return { workspaceId: ws.id, key, post };
}
