/**
 * Job queue benchmark on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * a fresh database is created and dropped):
 *
 * 1. enqueue a campaign of --jobs (100,000) jobs with unique keys through enqueueMany (target < 10 s);
 *    baseline: the same chunked INSERT … unnest into a copy of the table, without ON CONFLICT;
 * 2. two worker processes claim and complete --throughput-jobs no-op jobs (target ≥ 1,000 jobs/s);
 *    baseline: two processes running a bare UPDATE … SKIP LOCKED claim loop without the library;
 * 3. kill -9 one of two workers running 1-second jobs with the default lease (30 s) and recovery
 *    interval (5 s), and time until its jobs ran to completion elsewhere (target < 60 s).
 *
 *   node --import tsx bench/queue.ts [--jobs 100000] [--throughput-jobs 20000] [--concurrency 16] [--no-kill]
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../src/server/db/migrate';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import type { Database } from '../src/server/db/port';
import { ENQUEUE_CHUNK, enqueueMany, type NewJob } from '../src/server/jobs/queue';
import { printTable } from './print-table';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const CHILD = fileURLToPath(new URL('./queue-worker-child.ts', import.meta.url));

const { values } = parseArgs({
  options: {
    jobs: { type: 'string', default: '100000' },
    'throughput-jobs': { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '16' },
    'no-kill': { type: 'boolean', default: false },
  },
});
const campaignSize = Number(values.jobs);
const throughputJobs = Number(values['throughput-jobs']);
const concurrency = Number(values.concurrency);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const count = async (db: Database, where: string, params: unknown[] = []) =>
  (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM job WHERE ${where}`, params as string[]))[0]!
    .n;

interface Child {
  process: ChildProcess;
  workerId: string;
}

function startChild(url: string, env: Record<string, string>): Promise<Child> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, DATABASE_URL: url, ...env },
  });
  return new Promise((resolve, reject) => {
    child.once('message', (m) => resolve({ process: child, workerId: (m as { workerId: string }).workerId }));
    child.once('exit', (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

async function stopChild(child: Child): Promise<void> {
  if (child.process.exitCode !== null || child.process.signalCode !== null) return;
  const exited = new Promise((resolve) => child.process.once('exit', resolve));
  child.process.send('stop');
  await exited;
}

function campaign(size: number, queue: string): NewJob[] {
  const campaignId = randomUUID();
  return Array.from({ length: size }, (_, i) => ({
    queue,
    payload: { campaignId, contactId: randomUUID() },
    uniqueKey: `campaign:${campaignId}:contact:${i}`,
    maxAttempts: 5,
  }));
}

/** The same rows, chunked the same way, by a bare INSERT … unnest without the unique-key arbiter. */
async function bareInsert(db: Database, jobs: readonly NewJob[], now: Date): Promise<void> {
  for (let start = 0; start < jobs.length; start += ENQUEUE_CHUNK) {
    const chunk = jobs.slice(start, start + ENQUEUE_CHUNK);
    await db.query(
      `INSERT INTO job_bare (queue, payload, run_at, max_attempts, unique_key, created_at)
       SELECT u.queue, u.payload, $5, u.max_attempts, u.unique_key, $5
       FROM unnest($1::text[], $2::jsonb[], $3::int[], $4::text[]) AS u(queue, payload, max_attempts, unique_key)`,
      [
        chunk.map((j) => j.queue),
        chunk.map((j) => JSON.stringify(j.payload)),
        chunk.map((j) => j.maxAttempts ?? 5),
        chunk.map((j) => j.uniqueKey ?? null),
        now,
      ],
    );
  }
}

/** Two worker processes of `mode` drain `jobs` queued jobs of `queue`; returns jobs/s from `go` to the last done. */
async function drain(
  db: Database,
  url: string,
  mode: 'queue' | 'bare',
  queue: string,
  jobs: number,
): Promise<number> {
  await enqueueMany(
    db,
    Array.from({ length: jobs }, () => ({ queue })),
    { now: new Date(Date.now() - 1000) },
  );
  const env = { MODE: mode, QUEUE: queue, CONCURRENCY: String(concurrency) };
  const workers = await Promise.all([startChild(url, env), startChild(url, env)]);
  const started = performance.now();
  for (const w of workers) w.process.send('go');
  while ((await count(db, `queue = $1 AND state = 'done'`, [queue])) < jobs) await sleep(20);
  const seconds = (performance.now() - started) / 1000;
  await Promise.all(workers.map(stopChild));
  return jobs / seconds;
}

async function killTest(db: Database, url: string): Promise<{ killedJobs: number; seconds: number }> {
  const queue = 'slow';
  await enqueueMany(
    db,
    Array.from({ length: 200 }, () => ({ queue })),
    { now: new Date() },
  );
  const env = { MODE: 'queue', QUEUE: queue, CONCURRENCY: '8', HANDLER_MS: '1000' };
  const [victim, survivor] = await Promise.all([startChild(url, env), startChild(url, env)]);
  for (const w of [victim!, survivor!]) w.process.send('go');
  while ((await count(db, `locked_by = $1`, [victim!.workerId])) === 0) await sleep(20);
  const exited = new Promise((resolve) => victim!.process.once('exit', resolve));
  victim!.process.kill('SIGKILL');
  await exited;
  const killedAt = performance.now();
  const orphans = (
    await db.query<{ id: number }>(`SELECT id FROM job WHERE state = 'active' AND locked_by = $1`, [
      victim!.workerId,
    ])
  ).map((r) => r.id);
  while ((await count(db, `id = ANY($1::bigint[]) AND state = 'done'`, [orphans])) < orphans.length)
    await sleep(100);
  const seconds = (performance.now() - killedAt) / 1000;
  await stopChild(survivor!);
  return { killedJobs: orphans.length, seconds };
}

const name = `plaudit_bench_${randomBytes(5).toString('hex')}`;
const admin = new pg.Client({ connectionString: ADMIN_URL });
await admin.connect();
await admin.query(`CREATE DATABASE ${name}`);
const url = new URL(ADMIN_URL);
url.pathname = `/${name}`;
const db = createPgDatabase(url.toString());
const rows: Record<string, string>[] = [];
try {
  await migrate(db);
  await db.exec('CREATE TABLE job_bare (LIKE job INCLUDING ALL)');

  const jobs = campaign(campaignSize, 'campaign');
  const now = new Date();
  let started = performance.now();
  await bareInsert(db, jobs, now);
  const bareSeconds = (performance.now() - started) / 1000;
  started = performance.now();
  const created = await enqueueMany(db, jobs, { now });
  const enqueueSeconds = (performance.now() - started) / 1000;
  if (created !== campaignSize) throw new Error(`enqueued ${created} of ${campaignSize}`);
  started = performance.now();
  const repeated = await enqueueMany(db, jobs, { now });
  const repeatSeconds = (performance.now() - started) / 1000;
  if (repeated !== 0) throw new Error(`a repeated enqueue added ${repeated} jobs`);
  rows.push({
    figure: `enqueue ${campaignSize.toLocaleString('en')} jobs (enqueueMany)`,
    target: '< 10 s',
    measured: `${enqueueSeconds.toFixed(2)} s (${Math.round(campaignSize / enqueueSeconds).toLocaleString('en')}/s)`,
    baseline: `bare INSERT … unnest ${bareSeconds.toFixed(2)} s`,
    ratio: `${(bareSeconds / enqueueSeconds).toFixed(2)}x of baseline speed`,
  });
  rows.push({
    figure: 'same enqueue again (all keys exist)',
    target: '0 added',
    measured: `0 added, ${repeatSeconds.toFixed(2)} s`,
    baseline: '',
    ratio: '',
  });

  // The campaign's 100,000 queued jobs stay in the table: claims must not slow down because of them.
  const bareRate = await drain(db, url.toString(), 'bare', 'bare', throughputJobs);
  const queueRate = await drain(db, url.toString(), 'queue', 'noop', throughputJobs);
  rows.push({
    figure: `claim + complete, 2 processes × ${concurrency}, ${throughputJobs.toLocaleString('en')} no-op jobs`,
    target: '≥ 1,000 jobs/s',
    measured: `${Math.round(queueRate).toLocaleString('en')} jobs/s`,
    baseline: `bare SKIP LOCKED loop ${Math.round(bareRate).toLocaleString('en')} jobs/s`,
    ratio: `${Math.round((100 * queueRate) / bareRate)}%`,
  });

  if (!values['no-kill']) {
    const { killedJobs, seconds } = await killTest(db, url.toString());
    rows.push({
      figure: `kill -9 a worker mid-job (lease 30 s, recovery every 5 s): its ${killedJobs} jobs done elsewhere`,
      target: '< 60 s',
      measured: `${seconds.toFixed(1)} s`,
      baseline: '',
      ratio: '',
    });
  }
  printTable(rows);
} finally {
  await db.close();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
}
