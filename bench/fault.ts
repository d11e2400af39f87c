/**
 * Fault test of email sending at full size (docs/OPERATIONS.md, "Delivery guarantees"; the CI-sized
 * version is test/integration/email-crash.test.ts), on a fresh PostgreSQL database
 * (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) with a local SMTP sink
 * in its own process (bench/email-sink.ts, holding each message --delay-ms before its 250):
 *
 * 1. baseline: a campaign to --contacts contacts sent by one `plaudit worker` process (concurrency
 *    10, 5 pooled SMTP connections) that is never killed;
 * 2. fault: the same campaign in a second workspace, sent by a `plaudit worker` killed with SIGKILL
 *    when the sink has received 20% and then 50% of the messages (after a random 0-100 ms more, so
 *    the kill falls at a random moment of a message's life; with --kill-on-arrival at once, while
 *    the sink still holds the 250 of the message that reached the share: a kill inside the window
 *    by construction), and started again at once each time (as a supervisor would), with the
 *    lease --lease-ms (default 30 s, the default of
 *    PLAUDIT_JOB_LEASE_MS) and recovery every --recover-ms (default 5 s). Checked: every contact
 *    received exactly one distinct Message-ID, the one recorded on its 'sent' invitation, nothing is
 *    left open, and every duplicate is of an attempt the kills cut off (counted in
 *    delivery_attempts). Measured: duplicates, the time to finish after the last restart, and per
 *    kill the time until every job the killed worker held was done;
 * 3. the crash window, in process: the real worker (`startJobs`) sends --window-contacts more
 *    invitations while a wrapper times, per message, from the mailer's resolve (the 250 arrived)
 *    to the commit of 'sent'. A kill inside that span (or while the receiver holds the 250) is the
 *    only way to a second delivery.
 *
 *   node --import tsx bench/fault.ts [--contacts 5000] [--lease-ms 30000] [--recover-ms 5000] [--delay-ms 3]
 *     [--kill-on-arrival] [--window-contacts 2000]
 */

import { type ChildProcess, fork, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { Mailer } from '../src/server/channels/email/mailer';
import { createSmtpMailer } from '../src/server/channels/email/smtp-mailer';
import { loadConfig } from '../src/server/config';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import type { Database } from '../src/server/db/port';
import { createApp } from '../src/server/http/app';
import { expandCampaign } from '../src/server/jobs/expand-campaign';
import { SEND_INVITATION_QUEUE } from '../src/server/jobs/send-invitation';
import { startJobs } from '../src/server/jobs/start-jobs';
import { benchWorkspace, createBenchDatabase } from './bench-setup';
import { percentile, printTable } from './print-table';

const SINK = fileURLToPath(new URL('./email-sink.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/plaudit.js', import.meta.url));
const PUBLIC_URL = 'https://nps.example.com';
const CONCURRENCY = 10;
const CONNECTIONS = 5;
const KILL_AT = [0.2, 0.5];

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '5000' },
    'lease-ms': { type: 'string', default: '30000' },
    'recover-ms': { type: 'string', default: '5000' },
    'delay-ms': { type: 'string', default: '3' },
    'window-contacts': { type: 'string', default: '2000' },
    'kill-on-arrival': { type: 'boolean', default: false },
  },
});
const killOnArrival = values['kill-on-arrival'];
const size = Number(values.contacts);
const leaseMs = Number(values['lease-ms']);
const recoverMs = Number(values['recover-ms']);
const delayMs = Number(values['delay-ms']);
const windowSize = Number(values['window-contacts']);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const seconds = (ms: number) => (ms / 1000).toFixed(1);

// The sink: replies in order, 'reached' notices whenever they come.
const sink = fork(SINK, ['--delay-ms', String(delayMs)], { execArgv: ['--import', 'tsx'] });
const replies: ((answer: unknown) => void)[] = [];
let onReached: (count: number) => void = () => {};
const { port } = await new Promise<{ port: number }>((resolve) => {
  sink.on('message', (m: { type?: string; count?: number; port?: number }) => {
    if (m.type === 'reached') onReached(m.count!);
    else if (m.port !== undefined) resolve(m as { port: number });
    else replies.shift()?.(m);
  });
});
function ask<T>(message: unknown): Promise<T> {
  return new Promise((resolve) => {
    replies.push(resolve as (answer: unknown) => void);
    sink.send(message as never);
  });
}
const smtpUrl = `smtp://127.0.0.1:${port}`;

const bench = await createBenchDatabase();
const db = bench.db;
const url = bench.url;
const workers: ChildProcess[] = [];

/** A workspace with `n` contacts (German and English) and a campaign to all of them. */
async function campaignTo(n: number, label: string): Promise<{ workspaceId: string; campaignId: string }> {
  const { app, close } = createApp({
    config: loadConfig({}, { publicUrl: PUBLIC_URL }),
    db,
    clock: () => new Date(),
  });
  const { workspaceId, post } = await benchWorkspace(db, (path, init) => app.request(path, init), label);
  const ws = { id: workspaceId };
  const survey = await post('/surveys', { name: 'Relationship', product_name: 'Taskwerk' });
  await db.query(
    `INSERT INTO contact (workspace_id, email, name, locale)
     SELECT $1, $3 || '-' || i || '@example.com', 'Kunde ' || i, (ARRAY['de', 'en'])[1 + i % 2]
     FROM generate_series(1, $2::int) AS i`,
    [ws.id, n, label.toLowerCase()],
  );
  const campaign = await post('/campaigns', {
    survey_id: survey.id,
    name: 'Everyone',
    audience: { everyone: true },
  });
  await close();
  return { workspaceId: ws.id, campaignId: campaign.id };
}

/** `plaudit worker` as a supervisor starts it; its sessions carry application_name `fault-worker-N`. */
function startWorker(): ChildProcess {
  const target = new URL(url);
  target.searchParams.set('application_name', `fault-worker-${workers.length + 1}`);
  const child = spawn(process.execPath, [BIN, 'worker'], {
    env: {
      ...process.env,
      DATABASE_URL: target.toString(),
      SMTP_URL: smtpUrl,
      SMTP_MAX_CONNECTIONS: String(CONNECTIONS),
      PLAUDIT_PUBLIC_URL: PUBLIC_URL,
      PLAUDIT_MAIL_FROM: 'Plaudit <nps@example.com>',
      PLAUDIT_JOB_CONCURRENCY: String(CONCURRENCY),
      PLAUDIT_JOB_LEASE_MS: String(leaseMs),
      PLAUDIT_JOB_RECOVER_MS: String(recoverMs),
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  workers.push(child);
  return child;
}

const ids = async (sql: string, params: string[]) =>
  new Set((await db.query<{ id: string }>(sql, params)).map((r) => r.id));

interface Kill {
  at: number;
  /** Invitations in 'sending' when the killed worker's sessions were gone: attempts cut off. */
  sending: Set<string>;
  /** Invitations whose job the killed worker held. */
  claimed: Set<string>;
  recoveredMs?: number;
  resumedMs?: number;
}

interface RunResult {
  totalMs: number;
  afterLastRestartMs: number;
  kills: Kill[];
  received: number;
  distinct: number;
  duplicates: number;
  extraAttempts: number;
  oneIdPerContact: number;
  matchingRecord: number;
  open: number;
}

/** Sends one campaign with a worker process, killing it at the given shares of `n` messages. */
async function run(n: number, label: string, killAt: readonly number[]): Promise<RunResult> {
  const { workspaceId, campaignId } = await campaignTo(n, label);
  await ask({ type: 'reset' });
  await ask({ type: 'notify-at', counts: killAt.map((share) => Math.round(share * n)) });
  const kills: Kill[] = [];
  let killing = Promise.resolve();
  let restartedAt = 0;
  const trackers: Promise<void>[] = [];
  const unfinished = (set: Set<string>) =>
    db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM invitation WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'sending')`,
      [[...set]],
    );
  onReached = () => {
    const lateMs = killOnArrival ? 0 : Math.random() * 100;
    killing = killing.then(async () => {
      if (lateMs > 0) await sleep(lateMs);
      const child = workers.at(-1)!;
      const number = workers.length;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      const at = performance.now();
      await exited;
      // A statement the worker sent just before it died may still be running in its backend.
      while (
        (
          await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [`fault-worker-${number}`],
          )
        )[0]!.n > 0
      ) {
        await sleep(5);
      }
      const kill: Kill = {
        at,
        sending: await ids(`SELECT id FROM invitation WHERE campaign_id = $1 AND status = 'sending'`, [
          campaignId,
        ]),
        claimed: await ids(
          `SELECT payload->>'invitation_id' AS id FROM job
           WHERE queue = $1 AND workspace_id = $2 AND state = 'active'`,
          [SEND_INVITATION_QUEUE, workspaceId],
        ),
      };
      kills.push(kill);
      const before = (await ask<{ received: number }>({ type: 'count' })).received;
      startWorker();
      restartedAt = performance.now();
      trackers.push(
        (async () => {
          while ((await ask<{ received: number }>({ type: 'count' })).received === before) await sleep(10);
          kill.resumedMs = performance.now() - at;
        })(),
        (async () => {
          while ((await unfinished(kill.claimed))[0]!.n > 0) await sleep(20);
          kill.recoveredMs = performance.now() - at;
        })(),
      );
    });
  };

  const started = performance.now();
  startWorker();
  for (;;) {
    const [row] = await db.query<{ total: number; open: number; jobs: number }>(
      `SELECT (SELECT count(*)::int FROM invitation WHERE campaign_id = $1) AS total,
              (SELECT count(*)::int FROM invitation WHERE campaign_id = $1
                 AND status NOT IN ('sent', 'bounced', 'skipped', 'failed')) AS open,
              (SELECT count(*)::int FROM job WHERE workspace_id = $2 AND queue = $3
                 AND state IN ('queued', 'active')) AS jobs`,
      [campaignId, workspaceId, SEND_INVITATION_QUEUE],
    );
    if (kills.length === killAt.length && row!.total === n && row!.open === 0 && row!.jobs === 0) break;
    await sleep(20);
  }
  const finished = performance.now();
  await killing;
  await Promise.all(trackers);
  const last = workers.at(-1)!;
  const stopped = new Promise((resolve) => last.once('exit', resolve));
  last.kill('SIGTERM');
  await stopped;

  const { messages } = await ask<{ messages: [string, string][] }>({ type: 'messages' });
  const invitations = await db.query<{
    email: string;
    status: string;
    message_id: string;
    delivery_attempts: number;
  }>(
    `SELECT c.email, i.status, i.message_id, i.delivery_attempts
     FROM invitation i JOIN contact c ON c.id = i.contact_id WHERE i.campaign_id = $1`,
    [campaignId],
  );
  const idsOf = new Map<string, Set<string>>();
  for (const [to, id] of messages) idsOf.set(to, (idsOf.get(to) ?? new Set()).add(id));
  const distinct = new Set(messages.map(([, id]) => id)).size;
  const oneIdPerContact = invitations.filter((i) => idsOf.get(i.email)?.size === 1).length;
  const matchingRecord = invitations.filter(
    (i) => i.status === 'sent' && idsOf.get(i.email)?.has(i.message_id) && idsOf.get(i.email)?.size === 1,
  ).length;
  return {
    totalMs: finished - started,
    afterLastRestartMs: killAt.length > 0 ? finished - restartedAt : finished - started,
    kills,
    received: messages.length,
    distinct,
    duplicates: messages.length - distinct,
    extraAttempts: invitations.reduce((sum, i) => sum + i.delivery_attempts - 1, 0),
    oneIdPerContact,
    matchingRecord,
    open: invitations.filter((i) => i.status !== 'sent').length,
  };
}

/**
 * The sender's part of the crash window, in process: from the mailer's resolve (the 250 arrived)
 * to the commit of 'sent', per message, with the worker's pool of `poolSize` connections.
 */
async function measureWindow(n: number, label: string, poolSize: number) {
  const { workspaceId, campaignId } = await campaignTo(n, label);
  await expandCampaign(db, workspaceId, campaignId, { now: new Date() });
  const pool = createPgDatabase(url.toString(), { max: poolSize });
  const acceptedAt = new Map<string, number>();
  const windows: number[] = [];
  const host = new URL(PUBLIC_URL).hostname;
  const timed: Database = {
    ...pool,
    async query<Row>(sql: string, params?: Parameters<Database['query']>[1]) {
      const rows = await pool.query<Row>(sql, params);
      if (sql.includes("SET status = 'sent'") && params) {
        const accepted = acceptedAt.get(`<${params[0]}@${host}>`);
        if (accepted !== undefined) windows.push(performance.now() - accepted);
      }
      return rows;
    },
  };
  const smtp = createSmtpMailer({
    url: smtpUrl,
    from: 'Plaudit <nps@example.com>',
    maxConnections: CONNECTIONS,
  });
  const mailer: Mailer = {
    ...smtp,
    async send(message) {
      const result = await smtp.send(message);
      acceptedAt.set(message.messageId, performance.now());
      return result;
    },
  };
  const started = performance.now();
  const worker = startJobs(
    { db: timed, publicUrl: PUBLIC_URL, mailer },
    { concurrency: CONCURRENCY, pollMinMs: 5, pollMaxMs: 50, log: () => {} },
  );
  while (windows.length < n) await sleep(20);
  const elapsed = performance.now() - started;
  await worker.stop({ graceMs: 5_000 });
  await smtp.close();
  await pool.close();
  return { windows, perSecond: (n / elapsed) * 1000 };
}

try {
  console.log(`fault bench: ${size} contacts, lease ${leaseMs} ms, recovery every ${recoverMs} ms,`);
  console.log(
    `sink holds each message ${delayMs} ms before its 250; worker concurrency ${CONCURRENCY}, ${CONNECTIONS} SMTP connections;`,
  );
  console.log(
    killOnArrival
      ? 'kills at once when a share is reached (its message still waits for the 250)\n'
      : 'kills 0-100 ms (random) after a share is reached\n',
  );
  const clean = await run(size, 'Clean', []);
  const faulty = await run(size, 'Fault', KILL_AT);

  printTable(
    [
      ['baseline: never killed', clean],
      ['kill -9 at 20% and 50%, restarted', faulty],
    ].map(([what, r]) => {
      const result = r as RunResult;
      return {
        run: what as string,
        contacts: size,
        'emails received': result.received,
        'distinct Message-IDs': result.distinct,
        duplicates: result.duplicates,
        'extra attempts': result.extraAttempts,
        'cut off by kills': new Set(result.kills.flatMap((k) => [...k.sending])).size,
        'total s': seconds(result.totalMs),
        'finish after last restart s': seconds(result.afterLastRestartMs),
      };
    }),
  );
  console.log('');
  printTable(
    faulty.kills.map((kill, i) => ({
      kill: `#${i + 1} at ${Math.round(KILL_AT[i]! * 100)}%`,
      'jobs held': kill.claimed.size,
      'of them sending': kill.sending.size,
      'sending resumed after s': seconds(kill.resumedMs ?? Number.NaN),
      'held jobs all done after s': seconds(kill.recoveredMs ?? Number.NaN),
    })),
  );

  const windowRows = [];
  for (const poolSize of [CONCURRENCY + 4, CONCURRENCY]) {
    const { windows, perSecond } = await measureWindow(windowSize, `Window${poolSize}`, poolSize);
    const mean = windows.reduce((a, b) => a + b, 0) / windows.length;
    windowRows.push({
      'pool connections': `${poolSize}${poolSize === CONCURRENCY + 4 ? ' (plaudit worker)' : ' (plaudit serve)'}`,
      messages: windows.length,
      'messages/s': Math.round(perSecond),
      '250 → sent committed p50 ms': percentile(windows, 50).toFixed(2),
      p99: percentile(windows, 99).toFixed(2),
      max: Math.max(...windows).toFixed(2),
      // Messages inside the sender's window at a random instant: rate × mean duration.
      'in window at a crash': ((perSecond * mean) / 1000).toFixed(2),
      'incl. receiver hold': ((perSecond * (mean + delayMs)) / 1000).toFixed(2),
    });
  }
  console.log('');
  printTable(windowRows);

  const failures: string[] = [];
  for (const [what, r] of [
    ['baseline', clean],
    ['fault', faulty],
  ] as const) {
    if (r.open > 0) failures.push(`${what}: ${r.open} invitations not sent`);
    if (r.oneIdPerContact !== size)
      failures.push(`${what}: ${size - r.oneIdPerContact} contacts without exactly one Message-ID`);
    if (r.matchingRecord !== size)
      failures.push(`${what}: ${size - r.matchingRecord} Message-IDs differ from the record`);
    if (r.duplicates > r.extraAttempts)
      failures.push(`${what}: ${r.duplicates} duplicates > ${r.extraAttempts} extra attempts`);
  }
  if (clean.duplicates !== 0) failures.push(`baseline: ${clean.duplicates} duplicates without a crash`);
  if (faulty.extraAttempts > CONCURRENCY * KILL_AT.length)
    failures.push(`fault: ${faulty.extraAttempts} extra attempts > ${CONCURRENCY * KILL_AT.length}`);
  if (failures.length > 0) throw new Error(failures.join('\n'));
  console.log(
    '\nevery contact received exactly one distinct Message-ID, the one recorded on its sent invitation',
  );
} finally {
  for (const child of workers)
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await bench.drop();
  sink.kill();
}
