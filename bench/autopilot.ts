/**
 * Autopilot benchmark on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * a fresh database is created and dropped):
 *
 * --contacts (100,000) contacts are bulk-inserted, won on one of the last 730 days (`customer_since`),
 * in four time zones (Berlin, New York, Tokyo, the workspace's). An autopilot "3, 6 and 12 months
 * after winning the customer, then yearly" is POSTed through the app (in process) and its scheduler
 * is run three times:
 * - the first run on an existing base: every contact whose first date has passed is due once
 *   (invitations + send jobs in business hours, under the fatigue rules);
 * - the next hour's run, when nothing is due: the cost of the hourly scan that keeps the schedule;
 * - a run 90 days later (the contacts whose next date came up in those 90 days).
 * Baselines, in the same run: the first run against a bare INSERT … SELECT of as many invitation
 * rows (same indexes); the idle run against a plain keyset scan of the same contact pages
 * (id, attributes, time zone) with no decision and no look-up.
 *
 *   node --import tsx bench/autopilot.ts [--contacts 100000]
 */

import { parseArgs } from 'node:util';
import { loadConfig } from '../src/server/config';
import { createApp } from '../src/server/http/app';
import { runAutopilot } from '../src/server/jobs/autopilot-tick';
import { benchWorkspace, createBenchDatabase } from './bench-setup';
import { printTable } from './print-table';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '100000' } } });
const size = Number(values.contacts);
const DAY_MS = 86_400_000;

const bench = await createBenchDatabase();
const db = bench.db;
const seconds = (started: number) => (performance.now() - started) / 1000;
try {
  // 03:00 UTC on a Tuesday: a new day in Berlin and Tokyo, still the day before in New York.
  let now = new Date('2026-03-10T03:00:00Z');
  const app = createApp({ config: loadConfig({}), db, clock: () => now });
  const { workspaceId, post } = await benchWorkspace(db, (path, init) => app.app.request(path, init));
  const ws = { id: workspaceId };
  const survey = await post('/surveys', { name: 'Relationship', product_name: 'Bench' });
  await db.query(
    `INSERT INTO contact (workspace_id, email, time_zone, attributes, created_at)
     SELECT $1, 'c' || i || '@example.com',
            (ARRAY['Europe/Berlin', 'America/New_York', 'Asia/Tokyo', NULL])[1 + i % 4],
            jsonb_build_object('plan', (ARRAY['free', 'pro', 'enterprise'])[1 + i % 3],
                               'customer_since', to_char($2::date - (i % 730), 'YYYY-MM-DD')),
            $3::timestamptz - interval '800 days'
     FROM generate_series(1, $4::int) AS i`,
    [ws.id, now.toISOString().slice(0, 10), now, size],
  );
  await db.exec('ANALYZE');

  const autopilot = await post('/autopilots', {
    survey_id: survey.id,
    name: 'After winning the customer',
    cadence: 'after_winning_customer',
  });

  let started = performance.now();
  const first = await runAutopilot(db, ws.id, autopilot.id, { now });
  const firstSeconds = seconds(started);
  if (!first || first.contacts !== size) throw new Error(`first run: ${JSON.stringify(first)}`);

  // Baseline of the first run: as many bare invitation rows by one INSERT … SELECT, same indexes.
  await db.exec('CREATE TABLE invitation_bare (LIKE invitation INCLUDING ALL)');
  started = performance.now();
  await db.query(
    `INSERT INTO invitation_bare (workspace_id, survey_id, contact_id, token, channel, expires_at, status, send_at)
     SELECT workspace_id, $2, id, md5(random()::text || id::text), 'email', $3::timestamptz + interval '30 days', 'queued', $3
     FROM contact WHERE workspace_id = $1 LIMIT $4`,
    [ws.id, survey.id, now, first.due],
  );
  const bareSeconds = seconds(started);

  // Half an hour later no zone of the contacts has begun a new day: nothing is due.
  now = new Date(now.getTime() + 1_800_000);
  started = performance.now();
  const idle = await runAutopilot(db, ws.id, autopilot.id, { now });
  const idleSeconds = seconds(started);
  if (idle?.due !== 0) throw new Error(`idle run: ${JSON.stringify(idle)}`);

  // Baseline of the idle run: the same keyset pages of contacts, read and nothing else.
  started = performance.now();
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db.query<{ id: string }>(
      `SELECT c.id, c.attributes, c.created_at, c.time_zone FROM contact c
       WHERE c.workspace_id = $1 AND c.id > $2::uuid AND c.attributes ? 'customer_since'
       ORDER BY c.id LIMIT 5000`,
      [ws.id, after],
    );
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    if (page.length < 5000) break;
  }
  const scanSeconds = seconds(started);

  now = new Date(now.getTime() + 90 * DAY_MS);
  started = performance.now();
  const later = await runAutopilot(db, ws.id, autopilot.id, { now });
  const laterSeconds = seconds(started);

  const [jobs] = await db.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM job WHERE queue = 'send-invitation'`,
  );
  const perSecond = (n: number, s: number) => `${Math.round(n / s).toLocaleString('en')}/s`;
  printTable([
    {
      figure: `first run on ${size.toLocaleString('en')} contacts (all past dates due once)`,
      target: '',
      measured: `${firstSeconds.toFixed(2)} s: ${first.due.toLocaleString('en')} due, ${first.queued.toLocaleString('en')} queued (${perSecond(first.due, firstSeconds)})`,
      baseline: `bare INSERT … SELECT of ${first.due.toLocaleString('en')} invitations ${bareSeconds.toFixed(2)} s`,
      ratio: `${(firstSeconds / bareSeconds).toFixed(1)}x`,
    },
    {
      figure: 'a run with nothing due (the hourly scan that keeps the schedule)',
      target: 'well under an hour',
      measured: `${idleSeconds.toFixed(2)} s (${perSecond(size, idleSeconds)} contacts)`,
      baseline: `keyset scan of the contact pages ${scanSeconds.toFixed(2)} s`,
      ratio: `${(idleSeconds / scanSeconds).toFixed(1)}x`,
    },
    {
      figure: 'run 90 days later',
      target: '',
      measured: `${laterSeconds.toFixed(2)} s: ${later?.due.toLocaleString('en')} due`,
      baseline: '',
      ratio: '',
    },
  ]);
  console.log(`\nsend jobs in the queue: ${jobs!.n.toLocaleString('en')}`);
} finally {
  await bench.drop();
}
