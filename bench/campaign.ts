/**
 * Campaign benchmark on PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres;
 * a fresh database is created and dropped):
 *
 * --contacts (100,000) contacts are bulk-inserted with generate_series (1% unsubscribed, 5% answered
 * a survey 10 days ago), a campaign to everyone is POSTed through the app (in process), and its
 * expand-campaign job is run alone: one invitation per contact with the fatigue rules applied and a
 * send-invitation job per queued invitation (target: < 10 s). Baseline, in the same run: a bare
 * INSERT … SELECT of the same number of invitation rows into a copy of the table (same indexes).
 * The expansion then runs again as after a crash, and must add nothing.
 *
 *   node --import tsx bench/campaign.ts [--contacts 100000]
 */

import { parseArgs } from 'node:util';
import { loadConfig } from '../src/server/config';
import { createApp } from '../src/server/http/app';
import { expandCampaign } from '../src/server/jobs/expand-campaign';
import { benchWorkspace, createBenchDatabase } from './bench-setup';
import { printTable } from './print-table';

const { values } = parseArgs({ options: { contacts: { type: 'string', default: '100000' } } });
const size = Number(values.contacts);

const bench = await createBenchDatabase();
const db = bench.db;
try {
  const now = new Date();
  const app = createApp({ config: loadConfig({}), db, clock: () => now });
  const { workspaceId, post } = await benchWorkspace(db, (path, init) => app.app.request(path, init));
  const ws = { id: workspaceId };
  const survey = await post('/surveys', { name: 'Relationship', product_name: 'Bench' });

  await db.query(
    `INSERT INTO contact (workspace_id, email, attributes, unsubscribed_at)
     SELECT $1, 'c' || i || '@example.com',
            jsonb_build_object('plan', (ARRAY['free', 'pro', 'enterprise'])[1 + i % 3], 'country', (ARRAY['DE', 'AT', 'CH', 'FR'])[1 + i % 4]),
            CASE WHEN i % 100 = 0 THEN $2::timestamptz END
     FROM generate_series(1, $3::int) AS i`,
    [ws.id, now, size],
  );
  await db.query(
    `INSERT INTO response (workspace_id, survey_id, contact_id, score, channel, day, created_at)
     SELECT $1, $2, id, 9, 'api', ($3::timestamptz - interval '10 days')::date, $3::timestamptz - interval '10 days'
     FROM contact WHERE workspace_id = $1 AND email LIKE '%5@example.com' AND random() < 0.5`,
    [ws.id, survey.id, now],
  );
  await db.exec('ANALYZE');

  // Baseline: the same number of invitation rows by one bare INSERT … SELECT, same indexes.
  await db.exec('CREATE TABLE invitation_bare (LIKE invitation INCLUDING ALL)');
  let started = performance.now();
  await db.query(
    `INSERT INTO invitation_bare (workspace_id, survey_id, contact_id, token, channel, expires_at, status, send_at)
     SELECT workspace_id, $2, id, md5(random()::text || id::text), 'email', $3::timestamptz + interval '30 days', 'queued', $3
     FROM contact WHERE workspace_id = $1`,
    [ws.id, survey.id, now],
  );
  const bareSeconds = (performance.now() - started) / 1000;

  started = performance.now();
  const campaign = await post('/campaigns', {
    survey_id: survey.id,
    name: 'Everyone',
    audience: { everyone: true },
  });
  const postMs = performance.now() - started;
  started = performance.now();
  const result = await expandCampaign(db, ws.id, campaign.id, { now });
  const expandSeconds = (performance.now() - started) / 1000;
  if (result?.inserted !== size) throw new Error(`expanded ${JSON.stringify(result)} of ${size}`);
  const byStatus = await db.query<{ status: string; skip_reason: string | null; n: number }>(
    `SELECT status, skip_reason, count(*)::int AS n FROM invitation WHERE campaign_id = $1 GROUP BY 1, 2 ORDER BY 1, 2`,
    [campaign.id],
  );

  await db.query(`UPDATE campaign SET status = 'expanding' WHERE id = $1`, [campaign.id]);
  started = performance.now();
  const again = await expandCampaign(db, ws.id, campaign.id, { now });
  const againSeconds = (performance.now() - started) / 1000;
  if (again?.inserted !== 0 || again.jobs !== 0) throw new Error(`a re-run added ${JSON.stringify(again)}`);

  printTable([
    {
      figure: `expand a campaign to ${size.toLocaleString('en')} contacts (invitations + send jobs)`,
      target: '< 10 s',
      measured: `${expandSeconds.toFixed(2)} s (${Math.round(size / expandSeconds).toLocaleString('en')} contacts/s), POST ${postMs.toFixed(0)} ms`,
      baseline: `bare INSERT … SELECT of ${size.toLocaleString('en')} invitations ${bareSeconds.toFixed(2)} s`,
      ratio: `${(expandSeconds / bareSeconds).toFixed(1)}x the baseline's time`,
    },
    {
      figure: 'the same expansion again (as after a crash)',
      target: 'adds nothing',
      measured: `0 added, ${againSeconds.toFixed(2)} s`,
      baseline: '',
      ratio: '',
    },
  ]);
  console.log(
    `\ninvitations: ${byStatus.map((r) => `${r.status}${r.skip_reason ? `/${r.skip_reason}` : ''} ${r.n}`).join(', ')}; send jobs ${result.jobs}`,
  );
} finally {
  await bench.drop();
}
