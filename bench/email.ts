/**
 * Email delivery to a local SMTP sink (bench/email-sink.ts, its own process) over pooled
 * connections, on a fresh PostgreSQL database (BENCH_DATABASE_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres):
 *
 * - baseline: raw nodemailer (pool, 5 connections) sending the same number of ready-made survey
 *   emails, 20 at a time, without Plaudit;
 * - Plaudit: a campaign to --contacts contacts is expanded (invitations and send jobs), then the real
 *   job worker (`startJobs`, the SMTP mailer with 5 pooled connections) sends them: each job loads
 *   its invitation, records the attempt, renders the German or English email and records the result.
 *   Timed from the worker's start until every invitation is `sent`. Target: ≥ 300 messages/s.
 * The sink checks that every message arrived once (unique Message-IDs = invitations).
 *
 *   node --import tsx bench/email.ts [--contacts 3000]
 */

import { type ChildProcess, fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import nodemailer from 'nodemailer';
import { createSmtpMailer } from '../src/server/channels/email/smtp-mailer';
import { loadConfig } from '../src/server/config';
import { createApp } from '../src/server/http/app';
import { expandCampaign } from '../src/server/jobs/expand-campaign';
import { startJobs } from '../src/server/jobs/start-jobs';
import { benchWorkspace, createBenchDatabase } from './bench-setup';
import { printTable } from './print-table';

const SINK = fileURLToPath(new URL('./email-sink.ts', import.meta.url));
const CONNECTIONS = 5;
const { values } = parseArgs({ options: { contacts: { type: 'string', default: '3000' } } });
const size = Number(values.contacts);

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (answer) => resolve(answer as T));
    child.send(message as never);
  });
}

const sink = fork(SINK, [], { execArgv: ['--import', 'tsx'] });
const { port } = await new Promise<{ port: number }>((resolve) =>
  sink.once('message', (m) => resolve(m as { port: number })),
);
const smtpUrl = `smtp://127.0.0.1:${port}`;

const bench = await createBenchDatabase();
const db = bench.db;
try {
  const config = loadConfig({ PLAUDIT_PUBLIC_URL: 'https://nps.example.com' });
  const app = createApp({ config, db, clock: () => new Date() });
  const { workspaceId, post } = await benchWorkspace(db, (path, init) => app.app.request(path, init));
  const ws = { id: workspaceId };
  const survey = await post('/surveys', { name: 'Relationship', product_name: 'Taskwerk' });
  await db.query(
    `INSERT INTO contact (workspace_id, email, name, locale)
     SELECT $1, 'c' || i || '@example.com', 'Kunde ' || i, (ARRAY['de', 'en'])[1 + i % 2]
     FROM generate_series(1, $2::int) AS i`,
    [ws.id, size],
  );

  // Baseline: raw nodemailer, the same number of messages of the same size, 20 in flight.
  const transport = nodemailer.createTransport({ url: smtpUrl, pool: true, maxConnections: CONNECTIONS });
  const html = `<html><body>${'<a href="https://nps.example.com/s/token?score=9">9</a>'.repeat(11)}${'x'.repeat(6000)}</body></html>`;
  let next = 0;
  let started = performance.now();
  await Promise.all(
    Array.from({ length: 20 }, async () => {
      while (next < size) {
        const i = next++;
        await transport.sendMail({
          from: 'Plaudit <nps@example.com>',
          to: `c${i}@example.com`,
          subject: 'Wie wahrscheinlich würden Sie Taskwerk weiterempfehlen?',
          text: 'https://nps.example.com/s/token?score=9\n'.repeat(11),
          html,
          messageId: `<baseline-${i}@example.com>`,
        });
      }
    }),
  );
  const baselineSeconds = (performance.now() - started) / 1000;
  transport.close();
  const baselineCount = await ask<{ received: number }>(sink, { type: 'count' });
  await ask(sink, { type: 'reset' });

  // Plaudit: campaign → invitations and jobs → the worker sends.
  const campaign = await post('/campaigns', {
    survey_id: survey.id,
    name: 'Everyone',
    audience: { everyone: true },
  });
  await expandCampaign(db, ws.id, campaign.id, { now: new Date() });
  const mailer = createSmtpMailer({
    url: smtpUrl,
    from: 'Plaudit <nps@example.com>',
    maxConnections: CONNECTIONS,
  });
  started = performance.now();
  const worker = startJobs(
    { db, publicUrl: config.publicUrl, mailer },
    { concurrency: 20, pollMinMs: 5, pollMaxMs: 50, log: () => {} },
  );
  for (;;) {
    const [row] = await db.query<{ open: number }>(
      `SELECT count(*)::int AS open FROM invitation WHERE campaign_id = $1 AND status NOT IN ('sent', 'bounced', 'skipped', 'failed')`,
      [campaign.id],
    );
    if (row!.open === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const plauditSeconds = (performance.now() - started) / 1000;
  await worker.stop({ graceMs: 5_000 });
  await mailer.close();
  const sent = await db.query<{ status: string; n: number }>(
    'SELECT status, count(*)::int AS n FROM invitation WHERE campaign_id = $1 GROUP BY 1',
    [campaign.id],
  );
  const sink2 = await ask<{ received: number; unique: number }>(sink, { type: 'count' });

  printTable([
    {
      what: `raw nodemailer, ${CONNECTIONS} pooled connections`,
      messages: baselineCount.received,
      seconds: baselineSeconds.toFixed(2),
      'messages/s': Math.round(size / baselineSeconds),
      ratio: '',
    },
    {
      what: `Plaudit worker (campaign → jobs → SMTP), ${CONNECTIONS} pooled connections`,
      messages: sink2.received,
      seconds: plauditSeconds.toFixed(2),
      'messages/s': Math.round(size / plauditSeconds),
      ratio: `${Math.round((baselineSeconds / plauditSeconds) * 100)}% of raw nodemailer`,
    },
  ]);
  console.log(
    `\ninvitations: ${sent.map((r) => `${r.status} ${r.n}`).join(', ')}; sink received ${sink2.received}, unique Message-IDs ${sink2.unique}`,
  );
  if (sink2.unique !== size || sink2.received !== size)
    throw new Error('not every invitation arrived exactly once');
} finally {
  await bench.drop();
  sink.kill();
}
