/**
 * CSV import of responses over HTTP: generates a realistic responses CSV (default 1,000,000 rows:
 * ~50,000 contacts by email, dates over two years, comments in ~30% of rows, plan and country
 * columns), starts `plaudit serve` in a child process on a fresh PostgreSQL database, streams the
 * file to POST /api/v1/imports/responses and reports the time, rows/s and the server's peak RSS
 * (VmHWM from /proc). Baseline in the same run: PostgreSQL's own `\copy` of the same file into a
 * plain table of text columns (no validation, no contacts, no rollups), as a ratio.
 *
 *   node --import tsx bench/import.ts [--rows 1000000] [--mode atomic|partial] [--keep-file]
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import pg from 'pg';
import { printTable } from './print-table';

const ADMIN_URL = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const PLAUDIT = fileURLToPath(new URL('../bin/plaudit.js', import.meta.url));
const CONTACTS = 50_000;
const COMMENTS = [
  'Great support, fast answers',
  'Schneller Support, danke!',
  'The new release is "much" better',
  'Too expensive for what it does',
  'Export to Excel fehlt',
  'Works fine, but the app is slow on Android',
  'Onboarding was confusing;\nthe docs helped',
  'Bester Kundenservice überhaupt',
  'Billing errors twice this year',
  'Love the integrations',
];
const PLANS = ['free', 'starter', 'pro', 'enterprise'];
const COUNTRIES = ['DE', 'AT', 'CH', 'US', 'GB', 'FR', 'NL'];
/** A typical NPS mix: many 8-10, a tail of detractors. */
const SCORE_WEIGHTS = [3, 1, 2, 2, 3, 5, 6, 10, 18, 22, 28];

/** Deterministic pseudo-random numbers (mulberry32), so runs are comparable. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes the CSV; returns the score distribution written, to check the import against. */
async function generate(file: string, rows: number): Promise<number[]> {
  const rnd = random(42);
  const totalWeight = SCORE_WEIGHTS.reduce((a, b) => a + b, 0);
  const distribution = new Array<number>(11).fill(0);
  const end = Date.now() - 60_000;
  const span = 2 * 365 * 86_400_000;
  const out = createWriteStream(file);
  const write = (text: string) =>
    out.write(text) ? Promise.resolve() : new Promise<void>((resolve) => out.once('drain', resolve));
  await write('score,comment,created_at,email,plan,country\n');
  let chunk: string[] = [];
  for (let i = 0; i < rows; i++) {
    let pick = rnd() * totalWeight;
    let score = 0;
    while (pick >= SCORE_WEIGHTS[score]!) pick -= SCORE_WEIGHTS[score++]!;
    distribution[score]!++;
    const comment =
      rnd() < 0.3 ? `"${COMMENTS[Math.floor(rnd() * COMMENTS.length)]!.replaceAll('"', '""')}"` : '';
    const at = new Date(end - Math.floor(rnd() * span)).toISOString();
    const email = `customer${Math.floor(rnd() * CONTACTS)}@example.com`;
    chunk.push(
      `${score},${comment},${at},${email},${PLANS[Math.floor(rnd() * PLANS.length)]},${COUNTRIES[Math.floor(rnd() * COUNTRIES.length)]}`,
    );
    if (chunk.length === 10_000) {
      await write(`${chunk.join('\n')}\n`);
      chunk = [];
    }
  }
  if (chunk.length > 0) await write(`${chunk.join('\n')}\n`);
  await new Promise<void>((resolve, reject) =>
    out.end((error?: Error | null) => (error ? reject(error) : resolve())),
  );
  return distribution;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat. */
async function cpuSeconds(pid: number): Promise<number> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may contain spaces): utime and stime are 14th and 15th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0; // the process has exited
  }
}

async function peakRssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN);
  return kb / 1024;
}

/** Starts `plaudit serve` on `databaseUrl`; resolves with the API key it prints on first start. */
async function startServer(databaseUrl: string, port: number): Promise<{ child: ChildProcess; key: string }> {
  const child = spawn(process.execPath, [PLAUDIT, 'serve', '--no-demo', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PLAUDIT_LOG_REQUESTS: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const key = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const found = /(plk_[\w-]+)/.exec(output);
      if (found && output.includes('Plaudit is running')) resolve(found[1]!);
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}:\n${output}`)));
  });
  child.stdout!.resume();
  return { child, key };
}

export async function runImportBench(options: {
  rows: number;
  mode: 'atomic' | 'partial';
  keepFile: boolean;
}) {
  const dir = await mkdtemp(path.join(tmpdir(), 'plaudit-import-bench-'));
  const file = path.join(dir, 'responses.csv');
  console.log(`Generating ${options.rows.toLocaleString('en-US')} rows …`);
  const distribution = await generate(file, options.rows);
  const { size } = await stat(file);
  console.log(`${file}: ${(size / 1024 / 1024).toFixed(1)} MB`);

  const name = `plaudit_bench_import_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const port = await freePort();
  const { child, key } = await startServer(databaseUrl, port);
  const base = `http://127.0.0.1:${port}/api/v1`;
  const headers = { authorization: `Bearer ${key}` };
  try {
    const survey = (await (
      await fetch(`${base}/surveys`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Imported history', product_name: 'Bench' }),
      })
    ).json()) as { id: string };

    let peak = await peakRssMb(child.pid!);
    const serverCpuBefore = await cpuSeconds(child.pid!);
    // CPU used by the database backends of this database: with other work on the machine, CPU
    // seconds say more about the import's own cost than wall time does.
    const backendCpu = new Map<number, { first: number; last: number }>();
    const sampleBackends = async () => {
      const { rows } = await admin.query<{ pid: number }>(
        'SELECT pid FROM pg_stat_activity WHERE datname = $1',
        [name],
      );
      for (const { pid } of rows) {
        const used = await cpuSeconds(pid);
        const seen = backendCpu.get(pid);
        if (seen) seen.last = Math.max(seen.last, used);
        else backendCpu.set(pid, { first: used, last: used });
      }
    };
    await sampleBackends();
    const sampler = setInterval(() => {
      peakRssMb(child.pid!).then(
        (mb) => {
          peak = Math.max(peak, mb);
        },
        () => {},
      );
      sampleBackends().catch(() => {});
    }, 250);
    console.log(`Importing over HTTP (${options.mode}) …`);
    const started = performance.now();
    const res = await fetch(`${base}/imports/responses?survey_id=${survey.id}&mode=${options.mode}`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'text/csv' },
      body: createReadStream(file, { highWaterMark: 1 << 20 }) as unknown as RequestInit['body'],
      duplex: 'half',
    } as RequestInit);
    const result = (await res.json()) as {
      imported: { inserted: number };
      error_count: number;
      committed: boolean;
    };
    const seconds = (performance.now() - started) / 1000;
    clearInterval(sampler);
    await sampleBackends();
    peak = Math.max(peak, await peakRssMb(child.pid!));
    const serverCpu = (await cpuSeconds(child.pid!)) - serverCpuBefore;
    const databaseCpu = [...backendCpu.values()].reduce((sum, b) => sum + b.last - b.first, 0);
    if (res.status !== 200 || result.imported.inserted !== options.rows || result.error_count !== 0) {
      throw new Error(`import failed: HTTP ${res.status} ${JSON.stringify(result).slice(0, 500)}`);
    }
    const nps = (await (await fetch(`${base}/metrics/nps`, { headers })).json()) as {
      distribution: number[];
    };
    const metricsMatch = JSON.stringify(nps.distribution) === JSON.stringify(distribution);

    console.log('Baseline: psql \\copy of the same file into a plain table …');
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    await db.query(
      'CREATE TABLE bench_copy (score text, comment text, created_at text, email text, plan text, country text)',
    );
    await db.end();
    const copyStarted = performance.now();
    await promisify(execFile)('psql', [
      databaseUrl,
      '-v',
      'ON_ERROR_STOP=1',
      '-c',
      `\\copy bench_copy FROM '${file}' WITH (FORMAT csv, HEADER true)`,
    ]);
    const copySeconds = (performance.now() - copyStarted) / 1000;

    printTable([
      {
        what: 'Plaudit import (HTTP, validated, contacts, rollups)',
        rows: options.rows.toLocaleString('en-US'),
        seconds: seconds.toFixed(1),
        'rows/s': Math.round(options.rows / seconds).toLocaleString('en-US'),
        'server peak RSS MB': peak.toFixed(0),
        'server CPU s': serverCpu.toFixed(1),
        'PostgreSQL CPU s': databaseCpu.toFixed(1),
      },
      {
        what: 'psql \\copy into a plain table',
        rows: options.rows.toLocaleString('en-US'),
        seconds: copySeconds.toFixed(1),
        'rows/s': Math.round(options.rows / copySeconds).toLocaleString('en-US'),
        'server peak RSS MB': '',
        'server CPU s': '',
        'PostgreSQL CPU s': '',
      },
    ]);
    console.log(`Ratio import / COPY: ${(seconds / copySeconds).toFixed(1)}x`);
    console.log(
      `Load average at the end (other work on the machine inflates wall time): ${loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    console.log(`Metrics after import match the generated distribution: ${metricsMatch ? 'yes' : 'NO'}`);
    return { seconds, copySeconds, peakMb: peak, serverCpu, databaseCpu, metricsMatch };
  } finally {
    child.kill('SIGTERM');
    await new Promise((resolve) => child.once('exit', resolve));
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
    if (!options.keepFile) await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      mode: { type: 'string', default: 'atomic' },
      'keep-file': { type: 'boolean', default: false },
    },
  });
  const mode = values.mode === 'partial' ? 'partial' : 'atomic';
  await runImportBench({ rows: Number(values.rows), mode, keepFile: values['keep-file'] });
}
