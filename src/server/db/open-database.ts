import type { Database } from './port';

/** Opens PostgreSQL when a postgres:// URL is given, else the embedded PGlite in `dataDir`. */
export async function openDatabase(options: { databaseUrl?: string; dataDir?: string }): Promise<Database> {
  if (options.databaseUrl) {
    const { createPgDatabase } = await import('./pg-adapter');
    return createPgDatabase(options.databaseUrl);
  }
  const { createPgliteDatabase } = await import('./pglite-adapter');
  return createPgliteDatabase(options.dataDir);
}
