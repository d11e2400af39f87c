import { existsSync } from 'node:fs';
import path from 'node:path';
import { lockDataDir } from './data-dir-lock';
import type { Database } from './port';

/**
 * Where PGlite keeps its files inside the data folder. The folder also holds the lock and, later,
 * other local state (outgoing mail), so the database has a sub-folder of its own; a folder that
 * already is a database (from an earlier layout) is used as it is.
 */
export function pgliteDirOf(dataDir: string): string {
  return existsSync(path.join(dataDir, 'PG_VERSION')) ? dataDir : path.join(dataDir, 'pglite');
}

/**
 * Opens PostgreSQL when a postgres:// URL is given, else the embedded PGlite in `dataDir`, locked
 * to this process until `close()`.
 */
export async function openDatabase(options: {
  databaseUrl?: string;
  dataDir?: string;
  /** PostgreSQL: connections in the pool at most (default 10). */
  poolSize?: number;
}): Promise<Database> {
  if (options.databaseUrl) {
    const { createPgDatabase } = await import('./pg-adapter');
    return createPgDatabase(options.databaseUrl, { max: options.poolSize });
  }
  const { createPgliteDatabase } = await import('./pglite-adapter');
  if (!options.dataDir) return createPgliteDatabase(undefined);
  const release = lockDataDir(options.dataDir);
  try {
    const db = await createPgliteDatabase(pgliteDirOf(options.dataDir));
    return {
      ...db,
      async close() {
        try {
          await db.close();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
