import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, SqlParam } from './port';

interface PGliteLike {
  query<Row>(sql: string, params?: unknown[]): Promise<{ rows: Row[] }>;
  exec(sql: string): Promise<unknown>;
}

function queryableOf(db: PGliteLike): Queryable {
  return {
    async query<Row>(sql: string, params: readonly SqlParam[] = []) {
      const result = await db.query<Row>(sql, params as unknown[]);
      return result.rows;
    },
    async exec(sql: string) {
      // PGlite's query() runs one statement only; scripts go through exec().
      await db.exec(sql);
    },
  };
}

/**
 * Embedded PostgreSQL (PGlite, WASM) in `dataDir`, or in memory when `dataDir` is undefined.
 * PGlite has one connection: its transaction() holds it exclusively, and rolls back on a throw
 * so a failed statement never poisons later queries.
 */
export async function createPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const db = dataDir ? await PGlite.create(dataDir) : await PGlite.create();
  const base = queryableOf(db);
  return {
    kind: 'pglite',
    ...base,
    transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return db.transaction((tx) => fn(queryableOf(tx)));
    },
    close: () => db.close(),
  };
}
