/**
 * Metrics on 1,000,000 responses on PostgreSQL: the NPS trend by week over a year and a breakdown
 * by one attribute, through the real HTTP handlers (`app.request()`), against a naive GROUP BY over
 * the raw response table giving the same answers, in the same run. Warm, 20 timed runs each.
 *
 *   node --import tsx bench/metrics.ts [--responses 1000000] [--runs 20]
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadConfig } from '../src/server/config';
import { migrate } from '../src/server/db/migrate';
import { createPgDatabase } from '../src/server/db/pg-adapter';
import type { Database } from '../src/server/db/port';
import { createApp } from '../src/server/http/app';
import { createApiKey } from '../src/server/repo/api-keys';
import { rebuildRollups } from '../src/server/repo/metrics';
import { createWorkspace } from '../src/server/repo/workspaces';
import { ADMIN_URL } from './ingest';
import { percentile, printTable } from './print-table';

export interface MetricsOptions {
  responses: number;
  runs: number;
}

interface Timing {
  name: string;
  p50: number;
  p95: number;
}

interface TrendBody {
  from: string;
  to: string;
  source: string;
  points: { bucket: string; summary: { n: number; distribution: number[] } }[];
}

interface BreakdownBody {
  source: string;
  segments: { value: string; n: number; distribution: number[] }[];
}

async function fill(db: Database, workspaceId: string, surveyIds: string[], responses: number) {
  // One INSERT … SELECT: 430 days back from now, skewed scores, plan and country in the snapshot.
  await db.query(
    `INSERT INTO response (workspace_id, survey_id, score, comment, channel, attributes, day, created_at, updated_at)
     SELECT $1, ($2::uuid[])[1 + (g % array_length($2::uuid[], 1))],
       CASE WHEN r < 0.45 THEN 9 + (g % 2) WHEN r < 0.75 THEN 7 + (g % 2) ELSE g % 7 END,
       CASE WHEN g % 7 = 0 THEN 'Comment ' || g END,
       (ARRAY['api', 'link', 'email'])[1 + g % 3],
       jsonb_build_object(
         'plan', (ARRAY['free', 'starter', 'pro', 'enterprise'])[1 + (g * 7) % 4],
         'country', (ARRAY['DE', 'AT', 'CH', 'FR', 'NL', 'US', 'GB', 'PL'])[1 + (g * 13) % 8]),
       (at AT TIME ZONE 'Europe/Berlin')::date, at, at
     FROM (SELECT g, random() AS r, now() - random() * interval '430 days' AS at
           FROM generate_series(1, $3::int) g) x`,
    [workspaceId, surveyIds, responses],
  );
  await rebuildRollups(db, workspaceId);
  // VACUUM refuses to run in a multi-statement script: one at a time.
  for (const table of ['response', 'response_daily', 'response_attribute_daily']) {
    await db.exec(`VACUUM ANALYZE ${table}`);
  }
}

async function time<T>(runs: number, fn: () => Promise<T>): Promise<{ ms: number[]; last: T }> {
  let last = await fn();
  for (let i = 0; i < 2; i++) last = await fn(); // warm caches and plans
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    last = await fn();
    ms.push(performance.now() - start);
  }
  return { ms, last };
}

const distributionOf = (rows: { score: number; n: number }[]) => {
  const d = new Array<number>(11).fill(0);
  for (const r of rows) d[r.score] = (d[r.score] ?? 0) + r.n;
  return d;
};

function groupBy<T>(rows: T[], key: (row: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const row of rows) {
    const k = key(row);
    map.set(k, [...(map.get(k) ?? []), row]);
  }
  return map;
}

export async function runMetricsBench(options: MetricsOptions): Promise<Timing[]> {
  const name = `plaudit_bench_${randomBytes(5).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const db = createPgDatabase(url.toString());
  try {
    await migrate(db);
    const workspace = await createWorkspace(db, { name: 'Bench' });
    const { secret } = await createApiKey(db, workspace.id, 'bench');
    const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
    const call = async <T>(path: string): Promise<T> => {
      const res = await app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${secret}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const surveyIds: string[] = [];
    for (const surveyName of ['Relationship', 'Onboarding']) {
      const res = await app.request('/api/v1/surveys', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: surveyName, product_name: 'Taskwerk' }),
      });
      surveyIds.push(((await res.json()) as { id: string }).id);
    }
    const started = performance.now();
    await fill(db, workspace.id, surveyIds, options.responses);
    console.log(
      `metrics: ${options.responses} responses filled in ${Math.round((performance.now() - started) / 1000)} s`,
    );

    const trend = await time(options.runs, () => call<TrendBody>('/metrics/trend?granularity=week'));
    const { from, to } = trend.last;
    const naiveTrend = await time(options.runs, () =>
      db.query<{ week: string; score: number; n: number }>(
        `SELECT date_trunc('week', day)::date::text AS week, score, count(*)::int AS n FROM response
         WHERE workspace_id = $1 AND day BETWEEN $2::date AND $3::date GROUP BY 1, 2`,
        [workspace.id, from, to],
      ),
    );
    const breakdown = await time(options.runs, () => call<BreakdownBody>('/metrics/breakdown?by=plan'));
    const naiveBreakdown = await time(options.runs, () =>
      db.query<{ plan: string; score: number; n: number }>(
        `SELECT attributes ->> 'plan' AS plan, score, count(*)::int AS n FROM response
         WHERE workspace_id = $1 AND attributes ? 'plan' GROUP BY 1, 2`,
        [workspace.id],
      ),
    );

    // Same answers: per-week and per-plan score distributions must be equal.
    const weeks = groupBy(naiveTrend.last, (r) => r.week);
    const trendMismatch = trend.last.points.filter(
      (p) =>
        JSON.stringify(p.summary.distribution) !== JSON.stringify(distributionOf(weeks.get(p.bucket) ?? [])),
    );
    const plans = groupBy(naiveBreakdown.last, (r) => r.plan);
    const breakdownMismatch = breakdown.last.segments.filter(
      (s) => JSON.stringify(s.distribution) !== JSON.stringify(distributionOf(plans.get(s.value) ?? [])),
    );
    const total = trend.last.points.reduce((sum, p) => sum + p.summary.n, 0);
    console.log(
      `metrics: trend ${trend.last.points.length} weeks (${total} responses, source ${trend.last.source}), ` +
        `breakdown ${breakdown.last.segments.length} plans (source ${breakdown.last.source}); ` +
        `answers equal to the naive GROUP BY: ${trendMismatch.length === 0 && breakdownMismatch.length === 0 && weeks.size === trend.last.points.length && plans.size === breakdown.last.segments.length ? 'yes' : 'NO'}`,
    );
    if (trendMismatch.length > 0 || breakdownMismatch.length > 0) {
      console.error('metrics: first differences', trendMismatch.slice(0, 2), breakdownMismatch.slice(0, 2));
      process.exitCode = 1;
    }

    const timings: Timing[] = [
      { name: 'GET /metrics/trend?granularity=week (1 year)', ms: trend.ms },
      { name: 'naive GROUP BY week over raw responses', ms: naiveTrend.ms },
      { name: 'GET /metrics/breakdown?by=plan', ms: breakdown.ms },
      { name: 'naive GROUP BY plan over raw responses', ms: naiveBreakdown.ms },
    ].map((t) => ({ name: t.name, p50: percentile(t.ms, 50), p95: percentile(t.ms, 95) }));
    printTable(
      timings.map((t) => ({ query: t.name, 'p50 ms': t.p50.toFixed(1), 'p95 ms': t.p95.toFixed(1) })),
    );
    console.log(
      `metrics: trend ${(timings[1]!.p95 / timings[0]!.p95).toFixed(0)}× faster than naive at p95, ` +
        `breakdown ${(timings[3]!.p95 / timings[2]!.p95).toFixed(0)}× (runs: ${options.runs})`,
    );
    return timings;
  } finally {
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  }
}

export function metricsOptionsFrom(argv: string[]): MetricsOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      responses: { type: 'string', default: '1000000' },
      runs: { type: 'string', default: '20' },
    },
    strict: false,
  });
  return { responses: Number(values.responses), runs: Number(values.runs) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runMetricsBench(metricsOptionsFrom(process.argv.slice(2)));
}
