/**
 * Webhook delivery benchmark (PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres,
 * a fresh database created and dropped; `--db pglite` for the embedded database):
 *
 * 1. baseline: --deliveries plain signed-less HTTP POSTs of the same body to a local receiver from
 *    a loop with --concurrency requests in flight (what the network path alone allows);
 * 2. the same number of deliveries emitted (emitEvents, one transaction) and sent by a worker of
 *    the durable queue with --concurrency: deliveries/s until all succeeded (target ≥ 500/s);
 * 3. the receiver is down for 10 minutes of simulated time (the worker's clock is moved): --outage
 *    events fail at 0, 1 and 6 minutes, the receiver comes back at 10 and the clock moves on to the
 *    next retry (36 min): every delivery must arrive, none lost or given up.
 *
 *   node --import tsx bench/webhooks.ts [--deliveries 5000] [--outage 1000] [--concurrency 50] [--db postgres|pglite]
 */
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrate } from '../src/server/db/migrate';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import type { Database } from '../src/server/db/port';
import { startWorker } from '../src/server/jobs/worker';
import { createWorkspace } from '../src/server/repo/workspaces';
import { webhookDeliveryHandler } from '../src/server/webhooks/deliver';
import { emitEvents, WEBHOOK_QUEUE, type WebhookEvent } from '../src/server/webhooks/emit';
import { createEndpoint } from '../src/server/webhooks/repo';
import { printTable } from './print-table';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const { values } = parseArgs({
  options: {
    deliveries: { type: 'string', default: '5000' },
    outage: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '50' },
    db: { type: 'string', default: 'postgres' },
  },
});
const N = Number(values.deliveries);
const OUTAGE = Number(values.outage);
const CONCURRENCY = Number(values.concurrency);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const MIN = 60_000;

// The receiver: counts distinct delivery ids; `down` drops connections.
const seen = new Set<string>();
let down = false;
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    if (down) {
      req.socket.destroy();
      return;
    }
    const id = req.headers['plaudit-delivery'];
    if (typeof id === 'string') seen.add(id);
    res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
  });
});
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;

let db: Database;
let cleanup: () => Promise<void>;
if (values.db === 'pglite') {
  db = await createPgliteDatabase(undefined);
  cleanup = () => db.close();
} else {
  const name = `plaudit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const target = new URL(ADMIN_URL);
  target.pathname = `/${name}`;
  db = createPgDatabase(target.toString());
  cleanup = async () => {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  };
}

const rows: Record<string, string | number>[] = [];
try {
  await migrate(db);
  const ws = await createWorkspace(db, { name: 'Bench' });
  await createEndpoint(db, ws.id, { url, events: ['response.updated'] }, new Date());
  const sample = {
    response: { id: '00000000-0000-4000-8000-000000000000', score: 9, comment: 'Great product' },
  };
  const events = (n: number): WebhookEvent[] =>
    Array.from({ length: n }, () => ({ workspaceId: ws.id, type: 'response.updated', data: sample }));

  // 1. Baseline: plain POSTs from a loop.
  const body = JSON.stringify({
    id: 'x',
    type: 'response.updated',
    created_at: new Date().toISOString(),
    data: sample,
  });
  let next = 0;
  let started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next++ < N) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
        await res.text();
      }
    }),
  );
  const baselineRate = N / ((performance.now() - started) / 1000);
  rows.push({
    measure: `plain POSTs (baseline, ${CONCURRENCY} in flight)`,
    value: `${Math.round(baselineRate)}/s`,
  });

  // 2. Deliveries through the queue.
  const clockState = { now: new Date() };
  const countStatus = async (status: string) =>
    (
      await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_delivery WHERE status = $1`, [
        status,
      ])
    )[0]!.n;
  const emitStarted = performance.now();
  await db.transaction((tx) => emitEvents(tx, events(N), { now: clockState.now }));
  const emitMs = performance.now() - emitStarted;
  started = performance.now();
  const worker = startWorker({
    db,
    handlers: { [WEBHOOK_QUEUE]: webhookDeliveryHandler({ clock: () => clockState.now, random: () => 0.5 }) },
    concurrency: CONCURRENCY,
    clock: () => clockState.now,
    pollMaxMs: 100,
  });
  while ((await countStatus('succeeded')) < N) await sleep(20);
  const rate = N / ((performance.now() - started) / 1000);
  rows.push({
    measure: `emit ${N} events (deliveries + jobs, one transaction)`,
    value: `${Math.round(emitMs)} ms`,
  });
  rows.push({
    measure: `webhook deliveries (queue worker, ${CONCURRENCY} in flight)`,
    value: `${Math.round(rate)}/s`,
  });
  rows.push({ measure: 'deliveries / baseline', value: `${Math.round((rate / baselineRate) * 100)} %` });

  // 3. Ten minutes of downtime, simulated.
  seen.clear();
  down = true;
  const t0 = new Date(Date.now() + 1000);
  clockState.now = t0;
  await db.transaction((tx) => emitEvents(tx, events(OUTAGE), { now: t0 }));
  const settle = async () => {
    for (;;) {
      const [r] = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM job WHERE queue = $1 AND (state = 'active' OR (state = 'queued' AND run_at <= $2))`,
        [WEBHOOK_QUEUE, clockState.now],
      );
      if (r!.n === 0 && worker.running() === 0) return;
      await sleep(20);
    }
  };
  for (const m of [0, 1, 6]) {
    clockState.now = new Date(t0.getTime() + m * MIN);
    worker.wake();
    await settle();
  }
  const failedDuring = await countStatus('failed');
  down = false;
  clockState.now = new Date(t0.getTime() + 36 * MIN);
  worker.wake();
  await settle();
  await worker.stop();
  const gaveUp = await countStatus('gave_up');
  rows.push({
    measure: `outage: deliveries failing at 0/1/6 min (receiver down 10 min)`,
    value: failedDuring,
  });
  rows.push({ measure: 'outage: distinct deliveries received after it', value: `${seen.size} of ${OUTAGE}` });
  rows.push({ measure: 'outage: lost or given up', value: OUTAGE - seen.size + gaveUp });
  printTable(rows);
  if (seen.size !== OUTAGE || gaveUp !== 0) process.exitCode = 1;
} finally {
  server.closeAllConnections();
  server.close();
  await cleanup();
}
