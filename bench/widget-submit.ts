/**
 * The public widget submit endpoint `POST /w/v1/responses` on a fresh PostgreSQL database: the real
 * Plaudit app against a minimal Hono + pg endpoint doing the same group-commit insert
 * (bench/widget-submit-baseline.ts), each in its own child process (bench/widget-submit-server.ts).
 * Bodies are what the widget sends: JSON as `text/plain;charset=UTF-8` with an Origin the
 * publishable key allows and a browser User-Agent, each with a fresh answer id (UUID), one of four
 * surveys, a visitor id, a skewed score, the page URL and locale.
 *
 * 1. throughput: per target a warm-up, then --seconds at 200 connections (widget rate limits raised
 *    for the run), then --seconds at a fixed --rate (p99 at that rate);
 * 2. overload: the app with its default widget rate limits (60/min per IP, 6,000/min per key),
 *    200 connections from one IP for --overload-seconds: counts 429s, fails on a 5xx other than
 *    503, on the server dying or not answering afterwards, and unless the database holds exactly
 *    the accepted (201) answers.
 * Per target also --seconds at full speed with wrk (one thread, 200 connections, 10 s timeout like
 * autocannon's), when installed.
 * Checks that no throughput request failed and that the database holds every acknowledged answer.
 *
 *   node --import tsx bench/widget-submit.ts [--seconds 10] [--warmup 2] [--rate 5000] [--overload-seconds 5]
 *   npm run bench -- --only widget-submit
 */
import { type ChildProcess, fork, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { loadConfig } from '../src/server/config';
import type { Database } from '../src/server/db/port';
import { createApp } from '../src/server/http/app';
import { benchWorkspace, createBenchDatabase } from './bench-setup';
import { printTable } from './print-table';

const SERVER_SCRIPT = fileURLToPath(new URL('./widget-submit-server.ts', import.meta.url));
const CONNECTIONS = 200;
const ORIGIN = 'https://shop.example.com';
const USER_AGENT =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0 Safari/537.36';
const RAISED_LIMIT = '1000000000';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '2' },
    rate: { type: 'string', default: '5000' },
    'overload-seconds': { type: 'string', default: '5' },
  },
  strict: false,
});
const seconds = Number(values.seconds);
const warmupSeconds = Number(values.warmup);
const rate = Number(values.rate);
const overloadSeconds = Number(values['overload-seconds']);

interface Seed {
  workspaceId: string;
  key: string;
  surveyIds: string[];
}

interface RunFigures {
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  failed: number;
  statuses: Record<string, number>;
  errors: number;
}

async function seed(db: Database): Promise<Seed> {
  const { app, close } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
  try {
    const ws = await benchWorkspace(db, (path, init) => app.request(path, init));
    const surveyIds: string[] = [];
    for (const name of ['Shop', 'Checkout', 'Billing', 'Onboarding']) {
      surveyIds.push((await ws.post('/surveys', { name, product_name: 'Taskwerk' })).id);
    }
    const key = (await ws.post('/publishable-keys', {
      name: 'Bench',
      allowed_origins: [ORIGIN],
    })) as unknown as { key: string };
    return { workspaceId: ws.workspaceId, key: key.key, surveyIds };
  } finally {
    await close();
  }
}

const PAGES = ['/', '/pricing', '/account/billing', '/docs/getting-started'];

/** One widget answer with a fresh id: skewed score, one of the surveys, a visitor id, the page. */
function body(seedData: Seed): string {
  const r = Math.random();
  const score =
    r < 0.45
      ? 9 + Math.floor(Math.random() * 2)
      : r < 0.75
        ? 7 + Math.floor(Math.random() * 2)
        : Math.floor(Math.random() * 7);
  return JSON.stringify({
    key: seedData.key,
    id: randomUUID(),
    survey_id: seedData.surveyIds[Math.floor(Math.random() * seedData.surveyIds.length)],
    visitor_id: randomBytes(12).toString('base64url'),
    score,
    locale: 'en-US',
    url: `${ORIGIN}${PAGES[Math.floor(Math.random() * PAGES.length)]}?utm_source=newsletter`,
  });
}

async function startServer(target: 'plaudit' | 'baseline', env: Record<string, string>) {
  const child = fork(SERVER_SCRIPT, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, ...env, BENCH_TARGET: target },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const exit = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { port: number }).port));
    child.once('exit', (code) => reject(new Error(`${target} server exited with ${code}`)));
  });
  return { child, port, exit };
}

async function stopServer(child: ChildProcess, exit: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) throw new Error(`server had exited with ${child.exitCode}`);
  child.kill('SIGTERM');
  const code = await exit;
  if (code !== 0) throw new Error(`server exited with ${code}`);
}

async function load(port: number, seedData: Seed, duration: number, fixedRate?: number): Promise<RunFigures> {
  const result = await autocannon({
    url: `http://127.0.0.1:${port}/w/v1/responses`,
    connections: CONNECTIONS,
    duration,
    ...(fixedRate ? { overallRate: fixedRate } : {}),
    method: 'POST',
    headers: {
      'content-type': 'text/plain;charset=UTF-8',
      origin: ORIGIN,
      'user-agent': USER_AGENT,
    },
    requests: [
      {
        setupRequest: (request) => {
          request.body = body(seedData);
          return request;
        },
      },
    ],
  });
  const statuses = Object.fromEntries(
    Object.entries(
      (result as unknown as { statusCodeStats: Record<string, { count: number }> }).statusCodeStats,
    ).map(([status, { count }]) => [status, count]),
  );
  const created = statuses['201'] ?? 0;
  return {
    rps: Math.round(created / result.duration),
    p50: result.latency.p50,
    p99: result.latency.p99,
    ok: created,
    failed: result.non2xx + result.errors + result.timeouts + (result['2xx'] - created),
    statuses,
    errors: result.errors + result.timeouts,
  };
}

/**
 * Full speed with wrk (a C load generator, one thread, 200 connections): autocannon takes about a
 * core of the two itself. A Lua script makes each body with a fresh id and visitor id. Undefined
 * (skipped) when wrk is not installed.
 */
function loadWrk(port: number, seedData: Seed, duration: number): RunFigures | undefined {
  const dir = mkdtempSync(path.join(tmpdir(), 'plaudit-wrk-'));
  const script = path.join(dir, 'widget.lua');
  writeFileSync(
    script,
    `math.randomseed(os.time())
local surveys = { ${seedData.surveyIds.map((id) => `"${id}"`).join(', ')} }
local scores = { 10, 10, 9, 9, 9, 8, 8, 7, 6, 3, 0 }
local alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/plain;charset=UTF-8"
wrk.headers["Origin"] = "${ORIGIN}"
wrk.headers["User-Agent"] = "${USER_AGENT}"
request = function()
  local id = string.format("%08x-%04x-4%03x-a%03x-%06x%06x", math.random(0, 0x7fffffff), math.random(0, 0xffff),
    math.random(0, 0xfff), math.random(0, 0xfff), math.random(0, 0xffffff), math.random(0, 0xffffff))
  local visitor = {}
  for i = 1, 16 do local k = math.random(1, 64); visitor[i] = alphabet:sub(k, k) end
  local body = '{"key":"${seedData.key}","id":"' .. id .. '","survey_id":"' .. surveys[math.random(1, #surveys)] ..
    '","visitor_id":"' .. table.concat(visitor) .. '","score":' .. scores[math.random(1, #scores)] ..
    ',"locale":"en-US","url":"${ORIGIN}/pricing?utm_source=newsletter"}'
  return wrk.format(nil, "/w/v1/responses", nil, body)
end
`,
  );
  try {
    const run = spawnSync(
      'wrk',
      [
        '-t1',
        `-c${CONNECTIONS}`,
        `-d${duration}s`,
        '--timeout',
        '10s',
        '--latency',
        '-s',
        script,
        `http://127.0.0.1:${port}`,
      ],
      { encoding: 'utf8' },
    );
    if (run.error || run.status !== 0) return undefined;
    const out = run.stdout;
    const number = (re: RegExp) => Number(out.match(re)?.[1] ?? 0);
    const ms = (re: RegExp) => {
      const m = out.match(re);
      if (!m) return Number.NaN;
      const factor = m[2] === 'us' ? 0.001 : m[2] === 's' ? 1000 : 1;
      return Math.round(Number(m[1]) * factor * 10) / 10;
    };
    const requests = number(/(\d+) requests in/);
    const non2xx = number(/Non-2xx or 3xx responses: (\d+)/);
    const errors = (out.match(/Socket errors: (.*)/)?.[1] ?? '')
      .split(',')
      .map((part) => Number(part.trim().split(' ')[1] ?? 0))
      .reduce((a, b) => a + b, 0);
    if (non2xx + errors > 0) console.log(`wrk: ${out.match(/(Socket errors|Non-2xx).*/g)?.join('; ')}`);
    const seconds = number(/requests in ([\d.]+)s/);
    return {
      rps: Math.round((requests - non2xx) / seconds),
      p50: ms(/ 50%\s+([\d.]+)(us|ms|s)/),
      p99: ms(/ 99%\s+([\d.]+)(us|ms|s)/),
      ok: requests - non2xx,
      failed: non2xx + errors,
      statuses: {},
      errors,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
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

async function widgetRows(db: Database): Promise<number> {
  const rows = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM response WHERE channel = 'widget'`,
  );
  return rows[0]!.n;
}

interface TargetFigures {
  target: 'plaudit' | 'baseline';
  max: RunFigures;
  fixed: RunFigures;
  wrk: RunFigures | undefined;
  acknowledged: number;
  rows: number;
  cpuMsPer1000: number;
}

async function measureTarget(
  target: 'plaudit' | 'baseline',
  db: Database,
  url: string,
  seedData: Seed,
): Promise<TargetFigures> {
  const before = await widgetRows(db);
  const { child, port, exit } = await startServer(target, {
    BENCH_DATABASE_URL: url,
    BENCH_WORKSPACE_ID: seedData.workspaceId,
    PLAUDIT_WIDGET_RATE_LIMIT: RAISED_LIMIT,
    PLAUDIT_WIDGET_KEY_RATE_LIMIT: RAISED_LIMIT,
  });
  let figures: Omit<TargetFigures, 'rows'>;
  try {
    const cpuBefore = cpuSecondsOf(child.pid!);
    const warm = await load(port, seedData, warmupSeconds);
    const max = await load(port, seedData, seconds);
    const fixed = await load(port, seedData, seconds, rate);
    const wrk = loadWrk(port, seedData, seconds);
    const acknowledged = warm.ok + max.ok + fixed.ok + (wrk?.ok ?? 0);
    figures = {
      target,
      max: { ...max, failed: max.failed + warm.failed },
      fixed,
      wrk,
      acknowledged,
      cpuMsPer1000: Math.round((1e6 * (cpuSecondsOf(child.pid!) - cpuBefore)) / acknowledged),
    };
  } finally {
    await stopServer(child, exit);
  }
  return { ...figures, rows: (await widgetRows(db)) - before };
}

interface OverloadFigures {
  statuses: Record<string, number>;
  errors: number;
  accepted: number;
  rows: number;
  after: number;
  healthz: number;
  serverAlive: boolean;
}

/** Default widget rate limits, 200 connections from one IP: 429s, no other 5xx than 503, no crash. */
async function overload(db: Database, url: string, seedData: Seed): Promise<OverloadFigures> {
  const before = await widgetRows(db);
  const { child, port, exit } = await startServer('plaudit', { BENCH_DATABASE_URL: url });
  try {
    const run = await load(port, seedData, overloadSeconds);
    // Still answering: a widget submission (429 while the IP's window is full) and the health check.
    const after = await fetch(`http://127.0.0.1:${port}/w/v1/responses`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': USER_AGENT },
      body: body(seedData),
    });
    const healthz = await fetch(`http://127.0.0.1:${port}/healthz`);
    const serverAlive = child.exitCode === null;
    const accepted = (run.statuses['201'] ?? 0) + (after.status === 201 ? 1 : 0);
    await stopServer(child, exit);
    return {
      statuses: run.statuses,
      errors: run.errors,
      accepted,
      rows: (await widgetRows(db)) - before,
      after: after.status,
      healthz: healthz.status,
      serverAlive,
    };
  } finally {
    if (child.exitCode === null) child.kill('SIGTERM');
  }
}

const bench = await createBenchDatabase();
let broken = false;
try {
  const seedData = await seed(bench.db);
  const all: TargetFigures[] = [];
  for (const target of ['baseline', 'plaudit'] as const) {
    console.log(`widget-submit: ${target} …`);
    all.push(await measureTarget(target, bench.db, bench.url, seedData));
  }
  console.log('widget-submit: overload with the default rate limits …');
  const over = await overload(bench.db, bench.url, seedData);
  const baseline = all.find((f) => f.target === 'baseline')!;
  printTable(
    all.map((f) => ({
      target: f.target,
      'answers/s': f.max.rps,
      p50: `${f.max.p50} ms`,
      p99: `${f.max.p99} ms`,
      'vs baseline': f.target === 'plaudit' ? `${Math.round((100 * f.max.rps) / baseline.max.rps)}%` : '',
      [`rate @${rate}/s`]: f.fixed.rps,
      [`p50 @${rate}/s`]: `${f.fixed.p50} ms`,
      [`p99 @${rate}/s`]: `${f.fixed.p99} ms`,
      'wrk answers/s': f.wrk?.rps ?? 'no wrk',
      'wrk p50/p99': f.wrk ? `${f.wrk.p50} / ${f.wrk.p99} ms` : '',
      'wrk vs baseline':
        f.target === 'plaudit' && f.wrk && baseline.wrk
          ? `${Math.round((100 * f.wrk.rps) / baseline.wrk.rps)}%`
          : '',
      failed: f.max.failed + f.fixed.failed + (f.wrk?.failed ?? 0),
      'cpu ms/1k': f.cpuMsPer1000,
      '201': f.acknowledged,
      rows: f.rows,
      'rows - 201': f.rows - f.acknowledged,
    })),
  );
  const total = Object.values(over.statuses).reduce((a, b) => a + b, 0);
  const serverErrors = Object.entries(over.statuses)
    .filter(([status]) => Number(status) >= 500 && status !== '503')
    .reduce((a, [, n]) => a + n, 0);
  console.log('');
  printTable([
    {
      run: `overload, default limits, ${CONNECTIONS} connections, ${overloadSeconds} s`,
      requests: total,
      statuses: Object.entries(over.statuses)
        .map(([status, n]) => `${status}: ${n}`)
        .join(', '),
      '429 share': `${((100 * (over.statuses['429'] ?? 0)) / total).toFixed(1)}%`,
      'socket errors': over.errors,
      'after: submit / healthz': `${over.after} / ${over.healthz}`,
      accepted: over.accepted,
      rows: over.rows,
    },
  ]);
  // Each load phase may leave up to one request per connection in flight when it stops.
  for (const f of all) {
    const phases = f.wrk ? 4 : 3;
    const failed = f.max.failed + f.fixed.failed + (f.wrk?.failed ?? 0);
    if (failed > 0 || f.rows < f.acknowledged || f.rows - f.acknowledged > phases * CONNECTIONS) {
      console.error(`widget-submit: ${f.target}: failed requests or acknowledged answers missing`);
      broken = true;
    }
  }
  if (serverErrors > 0 || !over.serverAlive || over.healthz !== 200 || over.rows !== over.accepted) {
    console.error('widget-submit: overload: a 5xx other than 503, a dead server, or rows ≠ accepted');
    broken = true;
  }
} finally {
  await bench.drop();
}
if (broken) process.exitCode = 1;
