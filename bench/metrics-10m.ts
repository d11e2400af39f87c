/**
 * Metrics on 10,000,000 responses on PostgreSQL, the dashboard's figure: the overview (NPS of the
 * last 90 days, the comparison with the 90 days before, the weekly trend of the 90 days: the
 * three requests of the dashboard's overview page), a trend by day over two years (730 points)
 * and a breakdown by a 50-value attribute (`sales_rep`) over two years, through the real HTTP
 * handlers (`app.request()` with an API key: auth, validation and handler included), warm, 20
 * timed runs each, against a naive GROUP BY over the raw response table giving the same numbers
 * (asserted), in the same run. Then the rollup lag: responses posted through the API at a steady
 * rate for ~20 s while the rollup-answered metric and the raw count are polled.
 *
 * The data comes from bench/generate-responses.ts (set-based, deterministic) on a fresh database,
 * which is dropped at the end. Not part of a plain `npm run bench`: run it with
 *
 *   npm run bench -- --only metrics-10m [--responses 10000000] [--runs 20] [--ingest-seconds 20] [--rate 500]
 *   node --import tsx bench/metrics-10m.ts [same flags]
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { addDays, localDay } from '../src/core/trend';
import { loadConfig } from '../src/server/config';
import { createApp } from '../src/server/http/app';
import { benchWorkspace, createBenchDatabase } from './bench-setup';
import { generateResponses, SALES_REPS } from './generate-responses';
import { percentile, printTable } from './print-table';

export interface Metrics10mOptions {
  responses: number;
  runs: number;
  days: number;
  ingestSeconds: number;
  /** Responses per second posted during the lag measurement. */
  rate: number;
}

interface Summary {
  n: number;
  distribution: number[];
  source?: string;
}
interface TrendBody {
  source: string;
  points: { bucket: string; summary: Summary }[];
}
interface CompareBody {
  current: Summary;
  baseline: Summary;
}
interface BreakdownBody {
  source: string;
  total: Summary;
  segments: ({ value: string } & Summary)[];
}
interface CountRow {
  key: string | null;
  score: number;
  n: number;
}

const SURVEYS = ['Relationship NPS', 'Onboarding', 'Support follow-up'];

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

/** Score distributions per key from (key, score, n) rows. */
function distributions(rows: readonly CountRow[]): Map<string | null, number[]> {
  const map = new Map<string | null, number[]>();
  for (const r of rows) {
    let d = map.get(r.key);
    if (!d) {
      d = new Array<number>(11).fill(0);
      map.set(r.key, d);
    }
    d[r.score] = (d[r.score] ?? 0) + r.n;
  }
  return map;
}

const same = (a: readonly number[] | undefined, b: readonly number[] | undefined) =>
  JSON.stringify(a ?? new Array(11).fill(0)) === JSON.stringify(b ?? new Array(11).fill(0));

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

export async function runMetrics10mBench(options: Metrics10mOptions) {
  const bench = await createBenchDatabase();
  const { db } = bench;
  try {
    const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
    const { workspaceId, key, post } = await benchWorkspace(db, (path, init) => app.request(path, init));
    const surveyIds: string[] = [];
    for (const name of SURVEYS)
      surveyIds.push((await post('/surveys', { name, product_name: 'Taskwerk' })).id);
    const get = async <T>(path: string): Promise<T> => {
      const res = await app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
      if (res.status !== 200) throw new Error(`${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };

    // 1. Data.
    const started = performance.now();
    const gen = await generateResponses(db, {
      workspaceId,
      surveyIds,
      responses: options.responses,
      days: options.days,
    });
    const totalMs = performance.now() - started;
    console.log(
      `metrics-10m: ${options.responses.toLocaleString('en')} responses over ${options.days} days in ${seconds(totalMs)}: ` +
        `contacts ${seconds(gen.contactsMs)}, INSERT … SELECT ${seconds(gen.insertMs)}, ` +
        `indexes ${seconds(gen.indexMs)}, rebuildRollups ${seconds(gen.rollupMs)}, VACUUM ANALYZE ${seconds(gen.vacuumMs)}; ` +
        `rollup rows: daily ${gen.rollupRows.daily.toLocaleString('en')}, attribute ${gen.rollupRows.attribute.toLocaleString('en')} ` +
        `(sales_rep ${gen.rollupRows.salesRep.toLocaleString('en')})`,
    );

    // 2. Queries. Local days of the workspace (Europe/Berlin, the default).
    const today = localDay(new Date(), 'Europe/Berlin');
    const from90 = addDays(today, -89);
    const prevFrom = addDays(from90, -90);
    const prevTo = addDays(from90, -1);
    const from2y = addDays(today, -729);
    const raw = (select: string, where: string, params: unknown[]) =>
      db.query<CountRow>(
        `SELECT ${select} AS key, score, count(*)::int AS n FROM response
         WHERE workspace_id = $1 AND ${where} GROUP BY 1, 2`,
        [workspaceId, ...params] as never,
      );
    const range = (from: string, to: string) => `from=${from}&to=${to}`;

    const overviewRequests = () =>
      Promise.all([
        get<Summary>(`/metrics/nps?${range(from90, today)}`),
        (async () => {
          const res = await app.request('/api/v1/metrics/compare', {
            method: 'POST',
            headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
            body: JSON.stringify({ current: { from: from90, to: today }, locale: 'en' }),
          });
          if (res.status !== 200) throw new Error(`compare: ${res.status} ${await res.text()}`);
          return (await res.json()) as CompareBody;
        })(),
        get<TrendBody>(`/metrics/trend?granularity=week&${range(from90, today)}`),
      ]);
    const inRange = 'day BETWEEN $2::date AND $3::date';
    const naiveOverviewQueries = () =>
      Promise.all([
        raw('NULL::text', inRange, [from90, today]),
        raw('NULL::text', inRange, [prevFrom, prevTo]),
        raw(`date_trunc('week', day)::date::text`, inRange, [from90, today]),
      ]);
    const overview = await time(options.runs, overviewRequests);
    const naiveOverview = await time(options.runs, naiveOverviewQueries);
    const trend = await time(options.runs, () =>
      get<TrendBody>(`/metrics/trend?granularity=day&${range(from2y, today)}`),
    );
    const naiveTrend = await time(options.runs, () => raw('day::text', inRange, [from2y, today]));
    const breakdown = await time(options.runs, () =>
      get<BreakdownBody>(`/metrics/breakdown?by=sales_rep&${range(from2y, today)}`),
    );
    const naiveBreakdown = await time(options.runs, () =>
      Promise.all([
        raw(`attributes ->> 'sales_rep'`, `${inRange} AND attributes ? 'sales_rep'`, [from2y, today]),
        raw('NULL::text', inRange, [from2y, today]),
      ]),
    );

    // The breakdown's two rollup queries as they were before the monthly attribute rollup
    // (migration 0021): every daily row of the two years summed.
    const dailyOnlyBreakdown = await time(options.runs, () =>
      Promise.all([
        db.query(
          `SELECT a.value AS key, a.score, sum(a.count)::int AS n FROM response_attribute_daily a
           WHERE a.workspace_id = $1 AND a.day >= $2::date AND a.day <= $3::date AND a.key = 'sales_rep' GROUP BY 1, 2`,
          [workspaceId, from2y, today],
        ),
        db.query(
          `SELECT NULL::text AS key, d.score, sum(d.count)::int AS n FROM response_daily d
           WHERE d.workspace_id = $1 AND d.day >= $2::date AND d.day <= $3::date GROUP BY 1, 2`,
          [workspaceId, from2y, today],
        ),
      ]),
    );
    console.log(
      `metrics-10m: the breakdown's SQL from the daily rollups alone (before migration 0021): ` +
        `p50 ${percentile(dailyOnlyBreakdown.ms, 50).toFixed(1)} ms, p95 ${percentile(dailyOnlyBreakdown.ms, 95).toFixed(1)} ms`,
    );

    // Same numbers: every distribution of the API answers equals the naive GROUP BY's.
    const problems: string[] = [];
    const [nps, compare, weekTrend] = overview.last;
    const [nNow, nPrev, nWeeks] = naiveOverview.last;
    if (!same(nps.distribution, distributions(nNow).get(null))) problems.push('nps');
    if (!same(compare.current.distribution, distributions(nNow).get(null))) problems.push('compare current');
    if (!same(compare.baseline.distribution, distributions(nPrev).get(null)))
      problems.push('compare baseline');
    // Weekly buckets: ISO weeks (Monday); the first and last are cut at from/to as the naive range is.
    const weeks = distributions(nWeeks);
    if (weekTrend.points.some((p) => !same(p.summary.distribution, weeks.get(p.bucket))))
      problems.push('week trend');
    const days = distributions(naiveTrend.last);
    if (trend.last.points.length !== 730) problems.push(`trend has ${trend.last.points.length} points`);
    if (trend.last.points.some((p) => !same(p.summary.distribution, days.get(p.bucket))))
      problems.push('day trend');
    if (days.size > trend.last.points.length) problems.push('day trend misses days');
    const reps = distributions(naiveBreakdown.last[0]);
    if (breakdown.last.segments.length !== SALES_REPS.length || reps.size !== SALES_REPS.length)
      problems.push(`breakdown has ${breakdown.last.segments.length} segments, naive ${reps.size}`);
    if (breakdown.last.segments.some((s) => !same(s.distribution, reps.get(s.value))))
      problems.push('breakdown segments');
    if (!same(breakdown.last.total.distribution, distributions(naiveBreakdown.last[1]).get(null)))
      problems.push('breakdown total');
    const sources = `nps ${(nps as Summary).source}, week trend ${weekTrend.source}, day trend ${trend.last.source}, breakdown ${breakdown.last.source}`;
    console.log(
      `metrics-10m: ${nps.n.toLocaleString('en')} responses in the last 90 days, ` +
        `${breakdown.last.total.n.toLocaleString('en')} in two years; sources: ${sources}; ` +
        `answers equal to the naive GROUP BY: ${problems.length === 0 ? 'yes' : `NO (${problems.join(', ')})`}`,
    );
    if (problems.length > 0) process.exitCode = 1;

    const pairs = [
      ['overview: nps + compare + week trend, 90 days (3 requests at once)', overview.ms, naiveOverview.ms],
      ['GET /metrics/trend?granularity=day, 730 days', trend.ms, naiveTrend.ms],
      ['GET /metrics/breakdown?by=sales_rep (50 values), 730 days', breakdown.ms, naiveBreakdown.ms],
    ] as const;
    const table = pairs.map(([name, api, naive]) => ({
      query: name,
      'p50 ms': percentile(api, 50).toFixed(1),
      'p95 ms': percentile(api, 95).toFixed(1),
      'naive p50 ms': percentile(naive, 50).toFixed(0),
      'naive p95 ms': percentile(naive, 95).toFixed(0),
      'naive/api p95': `${(percentile(naive, 95) / percentile(api, 95)).toFixed(0)}x`,
      '< 100 ms p95': percentile(api, 95) < 100 ? 'yes' : 'NO',
    }));
    printTable(table);

    // 3. Rollup lag while ingesting through the API at a steady rate.
    const lag = await measureLag({
      seconds: options.ingestSeconds,
      rate: options.rate,
      surveyIds,
      post: (body) => post('/responses', body),
      rollupCount: async () => (await get<Summary>(`/metrics/nps?${range(today, today)}`)).n,
      rollupSource: async () => (await get<Summary>(`/metrics/nps?${range(today, today)}`)).source ?? '',
      rawCount: async () =>
        (
          await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM response WHERE workspace_id = $1 AND day = $2::date',
            [workspaceId, today],
          )
        )[0]!.n,
      snapshotDifference: async () =>
        (
          await db.query<{ d: number }>(
            `SELECT ((SELECT count(*) FROM response WHERE workspace_id = $1 AND day = $2::date)
               - (SELECT coalesce(sum(count), 0) FROM response_daily WHERE workspace_id = $1 AND day = $2::date))::int AS d`,
            [workspaceId, today],
          )
        )[0]!.d,
    });
    console.log(
      `metrics-10m: rollup lag while posting ${lag.posted.toLocaleString('en')} responses in ${lag.seconds.toFixed(1)} s ` +
        `(${Math.round(lag.posted / lag.seconds)}/s, target ${options.rate}/s), ${lag.polls} polls (rollup source: ${lag.source}): ` +
        `max rows acknowledged but not in the rollup metric ${lag.maxRowsBehindAcked} (max ${lag.maxSecondsBehind.toFixed(3)} s behind); ` +
        `max raw count - rollup count read just after ${lag.maxRawMinusRollup} (writes landing between the two reads); ` +
        `max difference within one snapshot ${lag.maxSnapshotDifference}`,
    );
    if (lag.maxSnapshotDifference !== 0 || lag.maxRowsBehindAcked > 0) process.exitCode = 1;
    return { generation: gen, totalMs, table, lag };
  } finally {
    await bench.drop();
  }
}

interface LagOptions {
  seconds: number;
  rate: number;
  surveyIds: readonly string[];
  post: (body: unknown) => Promise<unknown>;
  rollupCount: () => Promise<number>;
  rollupSource: () => Promise<string>;
  rawCount: () => Promise<number>;
  snapshotDifference: () => Promise<number>;
}

/**
 * Posts responses at `rate`/s (every 20 ms a slice) for `seconds` while a poller reads the
 * rollup-answered NPS of today (through the API) and the raw count. Lag: acknowledged responses
 * (committed) that the rollup metric read afterwards does not count, and how long ago the first
 * of them was acknowledged.
 */
async function measureLag(o: LagOptions) {
  const baseline = await o.rawCount();
  const source = await o.rollupSource();
  const ackTimes: number[] = [];
  let posted = 0;
  let failed = 0;
  const inFlight = new Set<Promise<unknown>>();
  const start = performance.now();
  const end = start + o.seconds * 1000;
  let polls = 0;
  let maxRowsBehindAcked = 0;
  let maxSecondsBehind = 0;
  let maxRawMinusRollup = 0;
  let maxSnapshotDifference = 0;
  let producing = true;

  const poller = (async () => {
    while (producing) {
      const acked = ackTimes.length;
      const pollStart = performance.now();
      const rollup = (await o.rollupCount()) - baseline;
      const rawAfter = (await o.rawCount()) - baseline;
      const diff = await o.snapshotDifference();
      polls++;
      const behind = acked - rollup;
      if (behind > maxRowsBehindAcked) {
        maxRowsBehindAcked = behind;
        maxSecondsBehind = Math.max(maxSecondsBehind, (pollStart - ackTimes[rollup]!) / 1000);
      }
      maxRawMinusRollup = Math.max(maxRawMinusRollup, rawAfter - rollup);
      maxSnapshotDifference = Math.max(maxSnapshotDifference, Math.abs(diff));
      await new Promise((r) => setTimeout(r, 100));
    }
  })();

  let i = 0;
  while (performance.now() < end) {
    const due = Math.floor(((performance.now() - start) / 1000) * o.rate);
    for (; i < due; i++) {
      const score = i % 10 < 5 ? 9 + (i % 2) : i % 10 < 8 ? 7 + (i % 2) : i % 7;
      const p = o
        .post({
          survey_id: o.surveyIds[i % o.surveyIds.length],
          score,
          channel: 'api',
          properties: { sales_rep: SALES_REPS[i % SALES_REPS.length], plan: 'pro', country: 'DE' },
        })
        .then(
          () => {
            ackTimes.push(performance.now());
          },
          () => {
            failed++;
          },
        );
      posted++;
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  producing = false;
  await poller;
  // One last poll after the writes: everything acknowledged is in the rollup.
  const finalRollup = (await o.rollupCount()) - baseline;
  maxRowsBehindAcked = Math.max(maxRowsBehindAcked, ackTimes.length - finalRollup);
  if (failed > 0) throw new Error(`${failed} responses failed to post`);
  return {
    posted,
    seconds: elapsed,
    polls,
    source,
    maxRowsBehindAcked,
    maxSecondsBehind,
    maxRawMinusRollup,
    maxSnapshotDifference,
  };
}

export function metrics10mOptionsFrom(argv: string[]): Metrics10mOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      responses: { type: 'string', default: '10000000' },
      runs: { type: 'string', default: '20' },
      days: { type: 'string', default: '731' },
      'ingest-seconds': { type: 'string', default: '20' },
      rate: { type: 'string', default: '500' },
    },
    strict: false,
  });
  return {
    responses: Number(values.responses),
    runs: Number(values.runs),
    days: Number(values.days),
    ingestSeconds: Number(values['ingest-seconds']),
    rate: Number(values.rate),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await runMetrics10mBench(metrics10mOptionsFrom(process.argv.slice(2)));
}
