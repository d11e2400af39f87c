/**
 * Alert latency under load (PostgreSQL: BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres,
 * a fresh database created and dropped): the time from sending a detractor's response to its alert
 * reaching a local Slack-compatible receiver, while --rate responses/s arrive (20 % detractors).
 *
 * One child process runs the app and its job worker together, as `plaudit serve` does. The path of
 * an alert: the response's batch commits with one `run-playbook` job → the playbook opens the case
 * (emitting `case.opened`) and enqueues `send-alert` → that renders and fans out into
 * `alert-slack` → the POST. The baseline of the same run is the `case.opened` webhook of the same
 * detractors to the same receiver: the same flow with one hop less, through the webhook queue.
 * The playbook opens cases (and alerts) for detractors only. After a warm-up, two phases of
 * --seconds each:
 * 1. alerts off (the playbook still runs): ingest and webhook latency without alerts;
 * 2. alerts on: alert latency (p50/p95/max), webhook latency, ingest latency.
 * Checks that every detractor got exactly one Slack message.
 *
 *   node --import tsx bench/alert-latency.ts [--rate 500] [--seconds 20] [--concurrency 10]
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createApiKey } from '../src/server/repo/api-keys';
import { createWorkspace } from '../src/server/repo/workspaces';
import { createEndpoint } from '../src/server/webhooks/repo';
import { createBenchDatabase } from './bench-setup';
import { percentile, printTable } from './print-table';

const CHILD = fileURLToPath(new URL('./alert-latency-child.ts', import.meta.url));
const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '500' },
    seconds: { type: 'string', default: '20' },
    concurrency: { type: 'string', default: '10' },
  },
});
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The receiver: Slack messages and webhooks, by the marker in the comment.
const slackAt = new Map<number, number>();
let slackDuplicates = 0;
const hookAt = new Map<number, number>();
const receiver = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const now = performance.now();
    const body = Buffer.concat(chunks).toString('utf8');
    const marker = /bench-(\d+)-x/.exec(body);
    if (marker) {
      const id = Number(marker[1]);
      const into = req.url?.startsWith('/slack') ? slackAt : hookAt;
      if (into === slackAt && slackAt.has(id)) slackDuplicates++;
      if (!into.has(id)) into.set(id, now);
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
  });
});
await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
const receiverBase = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;

const bench = await createBenchDatabase();
const ws = await createWorkspace(bench.db, { name: 'Alert bench' });
const key = (await createApiKey(bench.db, ws.id, 'bench')).secret;
await createEndpoint(bench.db, ws.id, { url: `${receiverBase}/hook`, events: ['case.opened'] }, new Date());

const child = fork(CHILD, [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, BENCH_DATABASE_URL: bench.url, BENCH_JOB_CONCURRENCY: values.concurrency },
  stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
});
const port = await new Promise<number>((resolve, reject) => {
  child.once('message', (m) => resolve((m as { port: number }).port));
  child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const base = `http://127.0.0.1:${port}/api/v1`;
const call = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<{ id: string }>;
};
const survey = await call('POST', '/surveys', { name: 'Bench', product_name: 'Bench' });
// Only detractors open a case (and alert): the baseline webhook is `case.opened`.
await call('PUT', '/playbook', {
  rules: [
    {
      name: 'Detractors',
      categories: ['detractor'],
      actions: [{ kind: 'alert_owner' }, { kind: 'open_case', due_hours: 24 }],
    },
  ],
});

let nextId = 0;
interface Phase {
  name: string;
  sent: number;
  acked: number;
  failed: number;
  ingestMs: number[];
  detractors: { id: number; sentAt: number }[];
  elapsedS: number;
}

/** Sends RATE responses per second for SECONDS (20 % detractors), paced, not waiting for answers. */
async function runPhase(name: string, seconds = SECONDS): Promise<Phase> {
  const phase: Phase = { name, sent: 0, acked: 0, failed: 0, ingestMs: [], detractors: [], elapsedS: 0 };
  const total = RATE * seconds;
  const start = performance.now();
  const inflight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / RATE;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const id = nextId++;
    const r = i % 10;
    const score = r < 2 ? r * 3 : r < 5 ? 7 + (r % 2) : 9 + (r % 2); // 20 % 0-6, 30 % 7-8, 50 % 9-10
    const sentAt = performance.now();
    if (score <= 6) phase.detractors.push({ id, sentAt });
    phase.sent++;
    inflight.push(
      fetch(`${base}/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ survey_id: survey.id, score, comment: `bench-${id}-x <b>${score}</b>` }),
      }).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status === 201) {
            phase.acked++;
            phase.ingestMs.push(performance.now() - sentAt);
          } else phase.failed++;
        },
        () => {
          phase.failed++;
        },
      ),
    );
  }
  await Promise.all(inflight);
  phase.elapsedS = (performance.now() - start) / 1000;
  return phase;
}

/** Waits until every detractor's messages arrived (or `timeoutMs`). */
async function settle(phase: Phase, alerts: boolean, timeoutMs = 60_000) {
  const until = performance.now() + timeoutMs;
  while (performance.now() < until) {
    const hooksDone = phase.detractors.every((d) => hookAt.has(d.id));
    const alertsDone = !alerts || phase.detractors.every((d) => slackAt.has(d.id));
    if (hooksDone && alertsDone) return;
    await sleep(100);
  }
}

const setAlerts = (on: boolean) =>
  call('PUT', '/alert-settings', {
    slack_webhook_url: `${receiverBase}/slack`,
    new_detractor: on,
    sla_breach: false,
    nps_drop: { enabled: false },
  });

await setAlerts(false);
await settle(await runPhase('warm-up', 3), false, 30_000);

const rows: Record<string, string | number>[] = [];
const fmt = (v: number) => (Number.isFinite(v) ? Math.round(v) : '–');
const figures: Record<string, { alertP95: number; hookP95: number; ingestP95: number }> = {};
for (const [name, alerts] of [
  ['alerts off (baseline)', false],
  ['alerts on', true],
] as const) {
  await setAlerts(alerts);
  const phase = await runPhase(name);
  await settle(phase, alerts);
  const hook = phase.detractors.filter((d) => hookAt.has(d.id)).map((d) => hookAt.get(d.id)! - d.sentAt);
  const alert = phase.detractors.filter((d) => slackAt.has(d.id)).map((d) => slackAt.get(d.id)! - d.sentAt);
  const missing = alerts ? phase.detractors.length - alert.length : 0;
  figures[name] = {
    alertP95: percentile(alert, 95),
    hookP95: percentile(hook, 95),
    ingestP95: percentile(phase.ingestMs, 95),
  };
  rows.push({
    phase: name,
    'responses/s': Math.round(phase.acked / phase.elapsedS),
    failed: phase.failed,
    'ingest p50/p95 ms': `${fmt(percentile(phase.ingestMs, 50))} / ${fmt(percentile(phase.ingestMs, 95))}`,
    detractors: phase.detractors.length,
    'webhook p50/p95 ms': `${fmt(percentile(hook, 50))} / ${fmt(percentile(hook, 95))}`,
    'alert p50/p95/max ms': alerts
      ? `${fmt(percentile(alert, 50))} / ${fmt(percentile(alert, 95))} / ${fmt(Math.max(...alert))}`
      : '–',
    'alerts missing': missing,
  });
  await sleep(2_000);
}
printTable(rows);
const on = figures['alerts on']!;
const off = figures['alerts off (baseline)']!;
console.log(
  `\nAlert p95 ${Math.round(on.alertP95)} ms (target < 2000 ms): ${(on.alertP95 / on.hookP95).toFixed(2)}× the webhook's p95 ` +
    `(${Math.round(on.hookP95)} ms) in the same run; ingest p95 with alerts ${(on.ingestP95 / off.ingestP95).toFixed(2)}× without.`,
);
console.log(`Duplicate Slack messages: ${slackDuplicates}.`);
if (process.env.BENCH_VERBOSE) {
  const stats = await bench.db.query<{
    queue: string;
    n: number;
    avg_ms: number;
    max_ms: number;
    p95_ms: number;
  }>(
    `SELECT queue, count(*)::int AS n,
            round(avg(extract(epoch FROM finished_at - created_at) * 1000))::int AS avg_ms,
            round(percentile_cont(0.95) WITHIN GROUP (ORDER BY extract(epoch FROM finished_at - created_at) * 1000))::int AS p95_ms,
            round(max(extract(epoch FROM finished_at - created_at) * 1000))::int AS max_ms
     FROM job WHERE finished_at IS NOT NULL GROUP BY queue ORDER BY queue`,
  );
  console.log('\nJob queue: created → finished per queue (all phases)');
  printTable(stats.map((r) => ({ ...r })));
}

child.kill('SIGTERM');
await new Promise((resolve) => child.once('exit', resolve));
receiver.close();
await bench.drop();
