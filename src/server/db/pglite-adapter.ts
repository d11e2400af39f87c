import fs from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { NodeFS } from '@electric-sql/pglite/nodefs';
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

type NodeFsInit = Awaited<ReturnType<NodeFS['init']>>;
interface EmscriptenNodeFs {
  NODEFS: {
    stream_ops: Record<string, unknown>;
    tryFSOperation?: <T>(fn: () => T) => T;
  };
}

/**
 * PGlite's Node filesystem writes straight through to the files in the data dir, so whatever a
 * commit wrote is in the operating system when the commit returns, and a process crash loses
 * nothing. But its emscripten layer has no fsync (the call returns success without doing
 * anything) and PGlite starts PostgreSQL with fsync off: on power loss the last ~30 s would be
 * lost and the data dir could be left inconsistent. This file system gives the mounted files a
 * real fdatasync, and the start parameters below turn fsync back on, so a commit is acknowledged
 * only once its WAL is on disk, as with PostgreSQL proper (docs/OPERATIONS.md).
 */
class DurableNodeFS extends NodeFS {
  override async init(...args: Parameters<NodeFS['init']>): Promise<NodeFsInit> {
    const result = await super.init(...args);
    const preRun = result.emscriptenOpts.preRun ?? [];
    result.emscriptenOpts.preRun = [
      ...preRun,
      (mod) => {
        const { NODEFS } = mod as unknown as EmscriptenNodeFs;
        const run = NODEFS.tryFSOperation ?? (<T>(fn: () => T) => fn());
        NODEFS.stream_ops.fsync = (stream: { nfd: number }) => {
          // Turns an I/O error into an errno PostgreSQL sees (and PANICs on, as it should).
          run(() => fs.fdatasyncSync(stream.nfd));
          return 0;
        };
      },
    ];
    return result;
  }
}

/**
 * PGlite's defaults without `-F` (fsync off). `fsync` as WAL sync method because emscripten's
 * fdatasync() is a no-op that never reaches the file system, while fsync() does.
 */
const DURABLE_START_PARAMS = [
  ...PGlite.defaultStartParams.filter((param) => param !== '-F'),
  '-c',
  'wal_sync_method=fsync',
];

/**
 * Embedded PostgreSQL (PGlite, WASM) in `dataDir`, or in memory when `dataDir` is undefined.
 * PGlite has one connection: its transaction() holds it exclusively, and rolls back on a throw
 * so a failed statement never poisons later queries.
 */
export async function createPgliteDatabase(dataDir: string | undefined): Promise<Database> {
  const db = dataDir
    ? await PGlite.create({ fs: new DurableNodeFS(dataDir), startParams: DURABLE_START_PARAMS })
    : await PGlite.create();
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
