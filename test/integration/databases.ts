import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/server/db/migrate';
import { createPgDatabase } from '../../src/server/db/pg-adapter';
import { createPgliteDatabase } from '../../src/server/db/pglite-adapter';
import type { Database } from '../../src/server/db/port';

export interface DatabaseKind {
  name: 'pglite' | 'postgres';
  /** A fresh, migrated database of its own; `drop` removes it. */
  create(): Promise<{ db: Database; drop: () => Promise<void> }>;
}

/** PGlite always; PostgreSQL when TEST_DATABASE_URL names a server (CI sets it and requires it). */
export function databaseKinds(): DatabaseKind[] {
  const kinds: DatabaseKind[] = [
    {
      name: 'pglite',
      async create() {
        const db = await createPgliteDatabase(undefined);
        await migrate(db);
        return { db, drop: () => db.close() };
      },
    },
  ];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    kinds.push({
      name: 'postgres',
      async create() {
        const name = `plaudit_test_${randomBytes(6).toString('hex')}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE DATABASE ${name}`);
        await admin.end();
        const target = new URL(url);
        target.pathname = `/${name}`;
        const db = createPgDatabase(target.toString());
        await migrate(db);
        return {
          db,
          async drop() {
            await db.close();
            const cleanup = new pg.Client({ connectionString: url });
            await cleanup.connect();
            await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
            await cleanup.end();
          },
        };
      },
    });
  }
  return kinds;
}
