/**
 * Runs the benchmarks in turn; `--only ingest|metrics|import|queue|campaign|autopilot|email|fault|widget|widget-submit|dashboard|webhooks|alert-latency|metrics-10m` picks one. Other flags go to the
 * benchmark (see each file's header). `metrics-10m` (10,000,000 responses: several minutes and
 * a few GB of disk) runs only when picked with `--only metrics-10m`, never in the default run. PostgreSQL: BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres (a fresh database is created and dropped per run).
 *
 *   npm run bench -- --only ingest --db postgres --rounds 2
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ingestOptionsFrom, runIngestBench } from './ingest';
import { metricsOptionsFrom, runMetricsBench } from './metrics';
import { metrics10mOptionsFrom, runMetrics10mBench } from './metrics-10m';

const BENCHES = [
  'ingest',
  'metrics',
  'import',
  'queue',
  'campaign',
  'autopilot',
  'email',
  'fault',
  'widget',
  'widget-submit',
  'dashboard',
  'webhooks',
  'alert-latency',
  'metrics-10m',
] as const;
const argv = process.argv.slice(2);
const { values } = parseArgs({ args: argv, options: { only: { type: 'string' } }, strict: false });
const only = values.only as string | undefined;
if (only !== undefined && !(BENCHES as readonly string[]).includes(only)) {
  console.error(`--only must be one of ${BENCHES.join(', ')}, not ${only}`);
  process.exit(2);
}

/** The import, queue, campaign, autopilot, email, fault, widget and widget-submit benchmarks are scripts that start their own child processes. */
function runScript(
  name:
    | 'import'
    | 'queue'
    | 'campaign'
    | 'autopilot'
    | 'email'
    | 'fault'
    | 'widget'
    | 'widget-submit'
    | 'dashboard'
    | 'webhooks'
    | 'alert-latency',
): void {
  const script = fileURLToPath(new URL(`./${name}.ts`, import.meta.url));
  const args = argv.filter(
    (arg, i) => arg !== '--only' && argv[i - 1] !== '--only' && !arg.startsWith('--only='),
  );
  const run = spawnSync(process.execPath, ['--import', 'tsx', script, ...args], { stdio: 'inherit' });
  if (run.status !== 0) process.exit(run.status ?? 1);
}

if (!only || only === 'ingest') await runIngestBench(ingestOptionsFrom(argv));
if (!only || only === 'metrics') await runMetricsBench(metricsOptionsFrom(argv));
if (!only || only === 'import') runScript('import');
if (!only || only === 'queue') runScript('queue');
if (!only || only === 'campaign') runScript('campaign');
if (!only || only === 'autopilot') runScript('autopilot');
if (!only || only === 'email') runScript('email');
if (!only || only === 'fault') runScript('fault');
if (!only || only === 'widget') runScript('widget');
if (!only || only === 'widget-submit') runScript('widget-submit');
if (!only || only === 'dashboard') runScript('dashboard');
if (!only || only === 'webhooks') runScript('webhooks');
if (!only || only === 'alert-latency') runScript('alert-latency');
// Only on request: 10,000,000 generated responses take minutes and gigabytes.
if (only === 'metrics-10m') await runMetrics10mBench(metrics10mOptionsFrom(argv));
