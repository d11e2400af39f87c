/**
 * Fault test of email sending (docs/OPERATIONS.md, "Delivery guarantees"): a campaign to 600
 * contacts is sent by a real `plaudit worker` process (PostgreSQL, SMTP to a real sink in this
 * process) that is killed with SIGKILL twice while sending, at 20% and 50% of the messages
 * received, and started again each time (short leases, so the killed worker's jobs come back fast).
 *
 * Each kill lands in the worst place: while the sink holds the 250 of a message it has taken in
 * full, so that message is certainly on the receiving side and certainly not recorded as sent. The
 * test checks the guarantee as documented:
 * - every contact receives exactly one distinct Message-ID, the message_id recorded on its
 *   invitation, which is 'sent'; nothing is left queued or sending, every send job is done;
 * - a second copy exists only of invitations whose attempt was cut off by a kill (in 'sending' when
 *   the worker died: at most the worker's concurrency per kill), each copy of an invitation is one
 *   of its recorded delivery_attempts, and the message held at each kill was delivered again with
 *   its Message-ID (the reconciliation resends, it does not lose).
 * Equality of duplicates and extra attempts cannot be asserted: an attempt recorded just before the
 * kill whose message never reached the sink is an extra attempt without a second copy.
 *
 * PostgreSQL only (`plaudit worker` needs it): runs when TEST_DATABASE_URL is set, as CI does.
 * bench/fault.ts runs the same at 5,000 contacts and measures it.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { migrate } from '../../src/server/db/migrate';
import { createPgDatabase } from '../../src/server/db/pg-adapter';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { SEND_INVITATION_QUEUE } from '../../src/server/jobs/send-invitation';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { startSmtpServer, waitFor } from './helpers/smtp-sink';

const CONTACTS = 600;
/** PLAUDIT_JOB_CONCURRENCY of the worker: at most this many attempts are cut off per kill. */
const CONCURRENCY = 10;
const LEASE_MS = 3_000;
const KILL_AT = [0.2, 0.5];
const PUBLIC_URL = 'https://nps.example.com';
const BIN = fileURLToPath(new URL('../../bin/plaudit.js', import.meta.url));
const adminUrl = process.env.TEST_DATABASE_URL;

interface Kill {
  /** Message-ID of the message the sink held when it killed the worker. */
  held: string;
  at: number;
  /**
   * Invitations in 'sending' once the killed worker's sessions were gone: attempts cut off by this
   * kill (and by the one before, when the restarted worker had not taken them over yet).
   */
  sending: Set<string>;
  /** Invitations whose job the killed worker held (sending or not yet started). */
  claimed: Set<string>;
}

describe.runIf(adminUrl)('email sending through kill -9 of its worker on postgres', () => {
  const name = `plaudit_test_${randomBytes(6).toString('hex')}`;
  let url = '';
  let db: Database;
  let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
  let closeApp: (() => Promise<void>) | undefined;
  const workers: ChildProcess[] = [];
  const workerOutput: string[] = [];
  const kills: Kill[] = [];

  /** `plaudit worker` as a supervisor would start it; its connections carry application_name. */
  function startWorker(): ChildProcess {
    const n = workers.length + 1;
    const target = new URL(url);
    target.searchParams.set('application_name', `crash-worker-${n}`);
    const child = spawn(process.execPath, [BIN, 'worker'], {
      env: {
        ...process.env,
        DATABASE_URL: target.toString(),
        SMTP_URL: `smtp://plaudit:pw@127.0.0.1:${smtp.port}`,
        SMTP_MAX_CONNECTIONS: '5',
        PLAUDIT_PUBLIC_URL: PUBLIC_URL,
        PLAUDIT_MAIL_FROM: 'Taskwerk Feedback <nps@taskwerk.example>',
        PLAUDIT_JOB_CONCURRENCY: String(CONCURRENCY),
        PLAUDIT_JOB_LEASE_MS: String(LEASE_MS),
        PLAUDIT_JOB_RECOVER_MS: '200',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk) => workerOutput.push(`[worker ${n}] ${chunk}`));
    child.stderr?.on('data', (chunk) => workerOutput.push(`[worker ${n}] ${chunk}`));
    workers.push(child);
    return child;
  }

  const invitationIdsWhere = async (sql: string) =>
    new Set((await db.query<{ id: string }>(sql)).map((r) => r.id));

  /** SIGKILL, wait until the process and its database sessions are gone, note what it left, restart. */
  async function killAndRestart(held: string): Promise<void> {
    const child = workers.at(-1)!;
    const n = workers.length;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    const at = Date.now();
    await exited;
    // A statement the worker sent just before dying may still be running in its backend.
    await waitFor(
      async () =>
        (
          await db.query<{ n: number }>(
            'SELECT count(*)::int AS n FROM pg_stat_activity WHERE application_name = $1',
            [`crash-worker-${n}`],
          )
        )[0]!.n === 0,
      `the sessions of worker ${n} to end`,
    );
    kills.push({
      held,
      at,
      sending: await invitationIdsWhere(`SELECT id FROM invitation WHERE status = 'sending'`),
      claimed: await invitationIdsWhere(
        `SELECT payload->>'invitation_id' AS id FROM job WHERE queue = '${SEND_INVITATION_QUEUE}' AND state = 'active'`,
      ),
    });
    startWorker();
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const target = new URL(adminUrl!);
    target.pathname = `/${name}`;
    url = target.toString();
    db = createPgDatabase(url);
    await migrate(db);
    const thresholds = KILL_AT.map((share) => Math.round(share * CONTACTS));
    smtp = await startSmtpServer({
      delayMs: 3,
      // The message that reaches a threshold is in the sink; its 250 goes out after the kill.
      onMessage: async (mail, index) => {
        if (thresholds.includes(index + 1)) await killAndRestart(mail.messageId!);
      },
    });
  });

  afterAll(async () => {
    for (const child of workers)
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await closeApp?.();
    await smtp?.close();
    await db?.close();
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.end();
  });

  it('delivers every invitation, each with its own Message-ID, and a second copy only of attempts a kill cut off', async () => {
    // A workspace, a survey, the contacts and the campaign, through the app and its API.
    const { app, close } = createApp({
      config: loadConfig({}, { publicUrl: PUBLIC_URL }),
      db,
      clock: () => new Date(),
    });
    closeApp = close;
    const workspace = await createWorkspace(db, { name: 'Crash' });
    const key = (await createApiKey(db, workspace.id, 'crash')).secret;
    const post = async (path: string, body: unknown) => {
      const res = await app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      expect(res.status, await res.clone().text()).toBe(201);
      return (await res.json()) as { id: string };
    };
    const survey = await post('/surveys', { name: 'Relationship', product_name: 'Taskwerk' });
    await db.query(
      `INSERT INTO contact (workspace_id, email, name, locale)
       SELECT $1, 'c' || i || '@example.com', 'Kunde ' || i, (ARRAY['de', 'en'])[1 + i % 2]
       FROM generate_series(1, $2::int) AS i`,
      [workspace.id, CONTACTS],
    );
    const campaign = await post('/campaigns', {
      survey_id: survey.id,
      name: 'Everyone',
      audience: { everyone: true },
    });

    startWorker();
    const progress = async () =>
      (
        await db.query<{ total: number; open: number; jobs_open: number }>(
          `SELECT (SELECT count(*)::int FROM invitation WHERE campaign_id = $1) AS total,
                  (SELECT count(*)::int FROM invitation WHERE campaign_id = $1
                     AND status NOT IN ('sent', 'bounced', 'skipped', 'failed')) AS open,
                  (SELECT count(*)::int FROM job WHERE queue = $2 AND state IN ('queued', 'active')) AS jobs_open`,
          [campaign.id, SEND_INVITATION_QUEUE],
        )
      )[0]!;
    try {
      await waitFor(
        async () => {
          const p = await progress();
          return kills.length === KILL_AT.length && p.total === CONTACTS && p.open === 0 && p.jobs_open === 0;
        },
        'every invitation to be finished after two kills',
        75_000,
      );
    } catch (error) {
      console.error(workerOutput.join(''));
      throw error;
    }
    const finishedAt = Date.now();
    const last = workers.at(-1)!;
    const stopped = new Promise((resolve) => last.once('exit', resolve));
    last.kill('SIGTERM');
    await stopped;
    expect(workers).toHaveLength(3);

    // The database: every invitation sent, every send job done, nothing failed.
    const invitations = await db.query<{
      id: string;
      email: string;
      status: string;
      message_id: string | null;
      delivery_attempts: number;
      sent_at: Date | null;
    }>(
      `SELECT i.id, c.email, i.status, i.message_id, i.delivery_attempts, i.sent_at
       FROM invitation i JOIN contact c ON c.id = i.contact_id WHERE i.campaign_id = $1`,
      [campaign.id],
    );
    expect(invitations).toHaveLength(CONTACTS);
    expect(invitations.filter((i) => i.status !== 'sent')).toEqual([]);
    const jobs = await db.query<{ state: string; n: number }>(
      'SELECT state, count(*)::int AS n FROM job WHERE queue = $1 GROUP BY state',
      [SEND_INVITATION_QUEUE],
    );
    expect(jobs).toEqual([{ state: 'done', n: CONTACTS }]);

    // The sink: per recipient, exactly one distinct Message-ID, the one recorded on its invitation.
    const idsByRecipient = new Map<string, Set<string>>();
    const copies = new Map<string, number>();
    for (const mail of smtp.received) {
      const to = [mail.to ?? []].flat().flatMap((t) => t.value.map((v) => v.address!));
      expect(to).toHaveLength(1);
      const ids = idsByRecipient.get(to[0]!) ?? new Set<string>();
      ids.add(mail.messageId!);
      idsByRecipient.set(to[0]!, ids);
      copies.set(mail.messageId!, (copies.get(mail.messageId!) ?? 0) + 1);
    }
    expect(idsByRecipient.size).toBe(CONTACTS);
    for (const invitation of invitations) {
      expect([...(idsByRecipient.get(invitation.email) ?? [])], invitation.email).toEqual([
        invitation.message_id,
      ]);
      expect(invitation.message_id).toBe(`<${invitation.id}@nps.example.com>`);
      // Every copy the sink has is one of the attempts recorded before sending.
      expect(copies.get(invitation.message_id!)!).toBeLessThanOrEqual(invitation.delivery_attempts);
    }

    // Duplicates: only of attempts cut off by a kill, counted in delivery_attempts.
    const duplicates = smtp.received.length - CONTACTS;
    const extraAttempts = invitations.reduce((sum, i) => sum + i.delivery_attempts - 1, 0);
    const cutOff = new Set(kills.flatMap((k) => [...k.sending]));
    const retried = invitations.filter((i) => i.delivery_attempts > 1);
    expect(retried.filter((i) => !cutOff.has(i.id))).toEqual([]);
    expect(duplicates).toBeLessThanOrEqual(extraAttempts);
    // Each kill cuts off at most CONCURRENCY attempts, and each costs one more attempt.
    expect(extraAttempts).toBeLessThanOrEqual(CONCURRENCY * KILL_AT.length);
    // The message held at each kill was in the sink already: it arrived a second time, same id.
    for (const kill of kills) expect(copies.get(kill.held)).toBe(2);
    expect(duplicates).toBeGreaterThanOrEqual(KILL_AT.length);

    // Recovery: every invitation the killed worker held was sent within a few leases of its kill.
    const sentAt = new Map(invitations.map((i) => [i.id, new Date(i.sent_at!).getTime()]));
    const recoveryMs = kills.map((kill) =>
      Math.max(...[...kill.claimed].map((id) => sentAt.get(id)! - kill.at)),
    );
    for (const ms of recoveryMs) expect(ms).toBeLessThan(4 * LEASE_MS + 10_000);
    console.log(
      `email crash test: ${CONTACTS} contacts, ${smtp.received.length} messages received, ` +
        `${copies.size} distinct Message-IDs, ${duplicates} duplicates, ${extraAttempts} extra attempts ` +
        `(cut off: ${kills.map((k) => k.sending.size).join(' + ')}), jobs of the killed workers done ` +
        `${recoveryMs.map((ms) => `${(ms / 1000).toFixed(1)} s`).join(' and ')} after the kills, ` +
        `all finished ${((finishedAt - kills.at(-1)!.at) / 1000).toFixed(1)} s after the last restart`,
    );
  }, 90_000);
});
