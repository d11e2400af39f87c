/**
 * Response ingestion over HTTP: the real Plaudit app against a minimal Hono endpoint doing the same
 * group-commit insert, each in its own child process, on a fresh PostgreSQL database and on PGlite
 * in a temp dir. Per target: a warm-up, a fixed-time run at 200 connections (throughput, p50/p99),
 * then a fixed-rate run (p99 at that rate). Checks that no request failed and that the database
 * holds every acknowledged response.
 *
 *   node --import tsx bench/ingest.ts [--db postgres|pglite] [--seconds 12] [--rate 5000] [--rounds 2]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { loadConfig } from '../src/server/config';
import { migrate } from '../src/server/db/migrate';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import type { Database } from '../src/server/db/port';
import { createApp } from '../src/server/http/app';
import { createApiKey } from '../src/server/repo/api-keys';
import { upsertContacts } from '../src/server/repo/contacts';
import { createWorkspace } from '../src/server/repo/workspaces';
import { printTable } from './print-table';

const SERVER_SCRIPT = fileURLToPath(new URL('./ingest-server.ts', import.meta.url));
export const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CONNECTIONS = 200;
const CONTACT_SHARE = Number(process.env.BENCH_CONTACT_SHARE ?? 0.2);

export interface IngestOptions {
  databases: ('postgres' | 'pglite')[];
  seconds: number;
  warmupSeconds: number;
  rate: number;
  rounds: number;
  targets: ('plaudit' | 'baseline')[];
}

interface Seed {
  workspaceId: string;
  secret: string;
  surveyId: string;
  emails: string[];
}

interface RunFigures {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
}

export interface TargetFigures {
  database: 'postgres' | 'pglite';
  target: 'plaudit' | 'baseline';
  round: number;
  max: RunFigures;
  fixed: RunFigures;
  acknowledged: number;
  rows: number;
  /** Server process CPU (user + system) per 1,000 acknowledged responses over all runs: robust to noise. */
  cpuMsPer1000: number;
  /** PostgreSQL transactions committed per 1,000 responses (group commit at work); NaN on PGlite. */
  commitsPer1000: number;
}

/** A fresh, migrated database and a way to count rows from outside the server process. */
interface BenchDatabase {
  /** Env for the server child. */
  env: Record<string, string>;
  /** Transactions committed in this database so far (PostgreSQL only). */
  commits(): Promise<number>;
  open(): Promise<Database>;
  drop(): Promise<void>;
}

async function createPostgres(): Promise<BenchDatabase> {
  const name = `plaudit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  return {
    env: { BENCH_DATABASE_URL: databaseUrl },
    open: async () => createPgDatabase(databaseUrl, { max: 2 }),
    async commits() {
      const client = new pg.Client({ connectionString: ADMIN_URL });
      await client.connect();
      // Statistics are flushed by each backend at most once a second; wait for them.
      await client.query('SELECT pg_sleep(1.1), pg_stat_clear_snapshot()');
      const { rows } = await client.query<{ n: string }>(
        'SELECT xact_commit AS n FROM pg_stat_database WHERE datname = $1',
        [name],
      );
      await client.end();
      return Number(rows[0]?.n);
    },
    async drop() {
      const cleanup = new pg.Client({ connectionString: ADMIN_URL });
      await cleanup.connect();
      await cleanup.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await cleanup.end();
    },
  };
}

async function createPglite(): Promise<BenchDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), 'plaudit-bench-'));
  return {
    env: { BENCH_DATA_DIR: dir },
    commits: async () => Number.NaN,
    open: () => createPgliteDatabase(dir),
    drop: () => rm(dir, { recursive: true, force: true }),
  };
}

const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const COUNTRIES = ['DE', 'AT', 'CH', 'FR', 'NL', 'US', 'GB', 'PL'];

async function seed(db: Database): Promise<Seed> {
  await migrate(db);
  const workspace = await createWorkspace(db, { name: 'Bench' });
  const { secret } = await createApiKey(db, workspace.id, 'bench');
  const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
  const res = await app.request('/api/v1/surveys', {
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'Relationship NPS', product_name: 'Taskwerk' }),
  });
  if (res.status !== 201) throw new Error(`survey: ${res.status} ${await res.text()}`);
  const survey = (await res.json()) as { id: string };
  const emails = Array.from({ length: 500 }, (_, i) => `customer${i}@example.com`);
  await upsertContacts(
    db,
    workspace.id,
    emails.map((email, i) => ({
      email,
      attributes: { plan: PLANS[i % PLANS.length]!, country: COUNTRIES[i % COUNTRIES.length]! },
    })),
  );
  return { workspaceId: workspace.id, secret, surveyId: survey.id, emails };
}

const COMMENTS = [
  'Does what it says, support answers quickly.',
  'Too expensive for what we use.',
  'The new reports are great, exports could be faster.',
  'Setup took a while but now it runs itself.',
];

/** Realistic bodies: skewed scores, a comment on ~30%, a known contact on ~20%, properties always. */
function bodies(seedData: Seed, count = 2000): string[] {
  let state = 42;
  const random = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, () => {
    const r = random();
    const score =
      r < 0.45
        ? 9 + Math.floor(random() * 2)
        : r < 0.75
          ? 7 + Math.floor(random() * 2)
          : pick([0, 1, 2, 3, 4, 5, 6]);
    const body: Record<string, unknown> = {
      survey_id: seedData.surveyId,
      score,
      properties: {
        plan: pick(PLANS),
        country: pick(COUNTRIES),
        app_version: `4.${Math.floor(random() * 12)}`,
      },
    };
    if (random() < 0.3) body.comment = pick(COMMENTS);
    if (random() < CONTACT_SHARE) body.contact = { email: pick(seedData.emails) };
    return JSON.stringify(body);
  });
}

async function startServer(target: 'plaudit' | 'baseline', env: Record<string, string>) {
  const child = fork(SERVER_SCRIPT, [], {
    execArgv: ['--import', 'tsx', ...(process.env.BENCH_SERVER_ARGS?.split(' ').filter(Boolean) ?? [])],
    env: { ...process.env, ...env, BENCH_TARGET: target },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const code = await exited;
  if (code !== 0) throw new Error(`server exited with ${code}`);
}

async function load(
  port: number,
  secret: string,
  payloads: string[],
  seconds: number,
  rate?: number,
): Promise<RunFigures> {
  let next = 0;
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/api/v1/responses`,
    connections: CONNECTIONS,
    duration: seconds,
    ...(rate ? { overallRate: rate } : {}),
    method: 'POST',
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
    requests: [
      {
        setupRequest: (request) => {
          request.body = payloads[next++ % payloads.length]!;
          return request;
        },
      },
    ],
  });
  return {
    rps: Math.round(result['2xx'] / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: result['2xx'],
    failed: result.non2xx + result.errors + result.timeouts,
  };
}

/** utime + stime of a process in seconds, from /proc (Linux). */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

async function countRows(bench: BenchDatabase): Promise<number> {
  const db = await bench.open();
  try {
    const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM response');
    return rows[0]!.n;
  } finally {
    await db.close();
  }
}

async function measureTarget(
  database: 'postgres' | 'pglite',
  target: 'plaudit' | 'baseline',
  round: number,
  bench: BenchDatabase,
  seedData: Seed,
  options: IngestOptions,
): Promise<TargetFigures> {
  const payloads = bodies(seedData);
  const before = await countRows(bench);
  const commitsBefore = await bench.commits();
  const { child, port } = await startServer(target, {
    ...bench.env,
    BENCH_WORKSPACE_ID: seedData.workspaceId,
  });
  let figures: Omit<TargetFigures, 'rows' | 'commitsPer1000'>;
  try {
    const cpuBefore = cpuSecondsOf(child.pid!);
    const warm = await load(port, seedData.secret, payloads, options.warmupSeconds);
    const max = await load(port, seedData.secret, payloads, options.seconds);
    const fixed = await load(port, seedData.secret, payloads, options.seconds, options.rate);
    const acknowledged = warm.ok + max.ok + fixed.ok;
    figures = {
      database,
      target,
      round,
      max: { ...max, failed: max.failed + warm.failed },
      fixed,
      acknowledged,
      cpuMsPer1000: Math.round((1e6 * (cpuSecondsOf(child.pid!) - cpuBefore)) / acknowledged),
    };
  } finally {
    await stopServer(child);
  }
  const commitsPer1000 = Math.round(
    (1000 * ((await bench.commits()) - commitsBefore)) / figures.acknowledged,
  );
  const rows = (await countRows(bench)) - before;
  return { ...figures, rows, commitsPer1000 };
}

export async function runIngestBench(options: IngestOptions): Promise<TargetFigures[]> {
  const all: TargetFigures[] = [];
  for (const database of options.databases) {
    const bench = database === 'postgres' ? await createPostgres() : await createPglite();
    try {
      const db = await bench.open();
      const seedData = await seed(db);
      await db.close();
      for (let round = 1; round <= options.rounds; round++) {
        for (const target of options.targets) {
          console.log(`ingest: ${database} ${target} round ${round} …`);
          all.push(await measureTarget(database, target, round, bench, seedData, options));
        }
      }
    } finally {
      await bench.drop();
    }
  }
  report(all, options);
  return all;
}

function report(all: TargetFigures[], options: IngestOptions): void {
  const baselineOf = (f: TargetFigures) =>
    all.find((b) => b.database === f.database && b.round === f.round && b.target === 'baseline');
  printTable(
    all.map((f) => ({
      db: f.database,
      round: f.round,
      target: f.target,
      'resp/s': f.max.rps,
      p50: `${f.max.p50} ms`,
      p99: `${f.max.p99} ms`,
      'vs baseline':
        f.target === 'plaudit' && baselineOf(f)
          ? `${Math.round((100 * f.max.rps) / baselineOf(f)!.max.rps)}%`
          : '',
      [`rate @${options.rate}/s`]: f.fixed.rps,
      [`p99 @${options.rate}/s`]: `${f.fixed.p99} ms`,
      failed: f.max.failed + f.fixed.failed,
      'cpu ms/1k': f.cpuMsPer1000,
      'commits/1k': Number.isNaN(f.commitsPer1000) ? '' : f.commitsPer1000,
      '2xx': f.acknowledged,
      rows: f.rows,
      // Rows written for requests still in flight when the load generator stopped (≤ connections).
      'rows - 2xx': f.rows - f.acknowledged,
    })),
  );
  // Each of the three load runs may leave up to one request per connection in flight when it stops.
  const broken = all.filter(
    (f) =>
      f.max.failed + f.fixed.failed > 0 ||
      f.rows < f.acknowledged ||
      f.rows - f.acknowledged > 3 * CONNECTIONS,
  );
  if (broken.length > 0) {
    console.error('ingest: FAILED requests or acknowledged responses missing from the database');
    process.exitCode = 1;
  }
}

export function ingestOptionsFrom(argv: string[]): IngestOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      db: { type: 'string', multiple: true },
      seconds: { type: 'string', default: '12' },
      warmup: { type: 'string', default: '3' },
      rate: { type: 'string', default: '5000' },
      rounds: { type: 'string', default: '2' },
      target: { type: 'string', multiple: true },
    },
    strict: false,
  });
  const db = (values.db as string[] | undefined) ?? ['postgres', 'pglite'];
  return {
    databases: db.filter((d): d is 'postgres' | 'pglite' => d === 'postgres' || d === 'pglite'),
    seconds: Number(values.seconds),
    warmupSeconds: Number(values.warmup),
    rate: Number(values.rate),
    rounds: Number(values.rounds),
    targets: ((values.target as string[] | undefined) ?? ['baseline', 'plaudit']).filter(
      (t): t is 'plaudit' | 'baseline' => t === 'plaudit' || t === 'baseline',
    ),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runIngestBench(ingestOptionsFrom(process.argv.slice(2)));
}
