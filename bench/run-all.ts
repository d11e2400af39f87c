/**
 * Runs the benchmarks in turn; `--only ingest` or `--only metrics` picks one. Other flags go to the
 * benchmark (see bench/ingest.ts and bench/metrics.ts). PostgreSQL: BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres (a fresh database is created and dropped per run).
 *
 *   npm run bench -- --only ingest --db postgres --rounds 2
 */
import { parseArgs } from 'node:util';
import { ingestOptionsFrom, runIngestBench } from './ingest';
import { metricsOptionsFrom, runMetricsBench } from './metrics';

const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv, options: { only: { type: 'string' } }, strict: false });
const only = values.only as string | undefined;
if (only !== undefined && only !== 'ingest' && only !== 'metrics') {
  console.error(`--only must be ingest or metrics, not ${only}`);
  process.exit(2);
}

if (!only || only === 'ingest') await runIngestBench(ingestOptionsFrom(argv));
if (!only || only === 'metrics') await runMetricsBench(metricsOptionsFrom(argv));
