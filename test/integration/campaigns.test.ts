/**
 * Email campaigns end to end: POST /api/v1/campaigns creates a campaign and its expand-campaign job
 * in one transaction; the job turns the audience into invitations under the survey-fatigue rules
 * (skipped ones with their reason, shown in the campaign's counts), idempotently; a worker running
 * every handler sends the queued ones to a real SMTP server in the test process.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/server/channels/email/mailer';
import type { Database } from '../../src/server/db/port';
import { EXPAND_CAMPAIGN_QUEUE } from '../../src/server/jobs/expand-campaign';
import { getJob } from '../../src/server/jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../src/server/jobs/send-invitation';
import { jobHandlers } from '../../src/server/jobs/start-jobs';
import { startWorker } from '../../src/server/jobs/worker';
import { createApiKey } from '../../src/server/repo/api-keys';
import { recordSuppression } from '../../src/server/repo/suppressions';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { type AppServer, startAppServer } from './helpers/app-server';
import { mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const DAY_MS = 86_400_000;

const PRO_DACH = {
  all: [
    { attribute: 'plan', op: 'eq', value: 'pro' },
    { attribute: 'country', op: 'in', values: ['DE', 'AT'] },
  ],
};

for (const kind of databaseKinds()) {
  describe(`email campaigns on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let server: AppServer | undefined;
    let publicUrl = '';
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    const nowMs = Date.now();
    const clock = () => new Date(nowMs);
    /** Contact ids by email (or external id). */
    const contacts: Record<string, string> = {};
    let campaignId = '';

    const api = (method: string, urlPath: string, body?: unknown) =>
      fetch(`${publicUrl}/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const handlers = () => jobHandlers({ db, publicUrl, mailer, clock });
    const expandJob = async (id: string) => {
      const [row] = await db.query<{ id: number | string }>(
        'SELECT id FROM job WHERE queue = $1 AND unique_key = $2',
        [EXPAND_CAMPAIGN_QUEUE, `expand:${id}`],
      );
      return row ? getJob(db, Number(row.id)) : undefined;
    };
    const runExpandJob = async (id: string) => {
      const job = (await expandJob(id))!;
      await handlers()[EXPAND_CAMPAIGN_QUEUE]!({ job, db, signal: new AbortController().signal });
    };
    const invitationsOf = (id: string) =>
      db.query<{
        id: string;
        contact_id: string;
        status: string;
        skip_reason: string | null;
        channel: string;
        send_at: Date | null;
        expires_at: Date;
      }>(
        'SELECT id, contact_id, status, skip_reason, channel, send_at, expires_at FROM invitation WHERE campaign_id = $1 ORDER BY contact_id',
        [id],
      );
    const countRows = async (sql: string, params: string[] = []) =>
      (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;
    const mailsTo = (address: string) =>
      smtp.received.filter((m) =>
        [m.to ?? []].flat().some((t) => t.value.some((v) => v.address === address)),
      );

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp);
      server = await startAppServer({ db, clock });
      publicUrl = server.publicUrl;

      const ws = await createWorkspace(db, { name: 'Campaigns' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      surveyId = (
        await json(await api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }))
      ).id;

      const people: [string, Record<string, unknown>][] = [
        ['pro-de@example.com', { plan: 'pro', country: 'DE' }],
        ['pro-at@example.com', { plan: 'pro', country: 'AT' }],
        ['free-de@example.com', { plan: 'free', country: 'DE' }],
        ['pro-ch@example.com', { plan: 'pro', country: 'CH' }],
        ['pro-nocountry@example.com', { plan: 'pro' }],
        ['unsub-de@example.com', { plan: 'pro', country: 'DE' }],
        ['recent-at@example.com', { plan: 'pro', country: 'AT' }],
        ['bounced-de@example.com', { plan: 'pro', country: 'DE' }],
      ];
      for (const [email, attributes] of people) {
        const res = await api('POST', '/contacts', { email, attributes });
        expect(res.status, await res.clone().text()).toBeLessThan(300);
        contacts[email] = (await json(res)).id;
      }
      const noEmail = await api('POST', '/contacts', {
        external_id: 'no-email-de',
        attributes: { plan: 'pro', country: 'DE' },
      });
      contacts['no-email-de'] = (await json(noEmail)).id;
      await recordSuppression(
        db,
        workspaceId,
        { email: 'unsub-de@example.com', reason: 'unsubscribed', source: 'api' },
        clock(),
      );
      await recordSuppression(
        db,
        workspaceId,
        { email: 'bounced-de@example.com', reason: 'bounced', source: 'smtp' },
        clock(),
      );
      const surveyed = await api('POST', '/responses', {
        survey_id: surveyId,
        score: 8,
        contact_id: contacts['recent-at@example.com'],
        created_at: new Date(nowMs - 10 * DAY_MS).toISOString(),
      });
      expect(surveyed.status, await surveyed.clone().text()).toBe(201);

      // A matching contact of another workspace must never be reached.
      const other = await createWorkspace(db, { name: 'Other' });
      await db.query(`INSERT INTO contact (workspace_id, email, attributes) VALUES ($1, $2, $3::jsonb)`, [
        other.id,
        'other-pro-de@example.com',
        JSON.stringify({ plan: 'pro', country: 'DE' }),
      ]);
    });
    afterAll(async () => {
      await mailer?.close();
      await server?.close();
      await smtp?.close();
      await drop();
    });

    it('invites only the contacts with plan = pro and country in (DE, AT), and skips the blocked ones with their reasons', async () => {
      const res = await api('POST', '/campaigns', {
        survey_id: surveyId,
        name: 'Q4 DACH',
        audience: PRO_DACH,
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const campaign = await json(res);
      campaignId = campaign.id;
      expect(campaign).toMatchObject({
        survey_id: surveyId,
        name: 'Q4 DACH',
        audience: PRO_DACH,
        status: 'queued',
        fatigue: null,
        send_at: new Date(nowMs).toISOString(),
        expanded_at: null,
      });
      expect(await expandJob(campaignId)).toMatchObject({ state: 'queued', workspaceId });

      await runExpandJob(campaignId);

      const rows = await invitationsOf(campaignId);
      const byContact = Object.fromEntries(rows.map((r) => [r.contact_id, r]));
      expect(rows).toHaveLength(6);
      expect(byContact[contacts['pro-de@example.com']!]).toMatchObject({
        status: 'queued',
        channel: 'email',
        skip_reason: null,
      });
      expect(byContact[contacts['pro-at@example.com']!]).toMatchObject({
        status: 'queued',
        skip_reason: null,
      });
      expect(byContact[contacts['unsub-de@example.com']!]).toMatchObject({
        status: 'skipped',
        skip_reason: 'unsubscribed',
      });
      expect(byContact[contacts['recent-at@example.com']!]).toMatchObject({
        status: 'skipped',
        skip_reason: 'recently_surveyed',
      });
      expect(byContact[contacts['bounced-de@example.com']!]).toMatchObject({
        status: 'skipped',
        skip_reason: 'bounced',
      });
      expect(byContact[contacts['no-email-de']!]).toMatchObject({
        status: 'skipped',
        skip_reason: 'no_email',
      });
      const queued = rows.filter((r) => r.status === 'queued');
      for (const row of queued) {
        expect(row.send_at?.getTime()).toBe(nowMs);
        expect(row.expires_at.getTime()).toBe(nowMs + 30 * DAY_MS);
      }
      // One send job per queued invitation, due at send_at; none for the skipped ones.
      const jobs = await db.query<{ unique_key: string; run_at: Date }>(
        'SELECT unique_key, run_at FROM job WHERE queue = $1 ORDER BY unique_key',
        [SEND_INVITATION_QUEUE],
      );
      expect(jobs.map((j) => j.unique_key)).toEqual(queued.map((r) => `send:${r.id}`).sort());
      expect(jobs.every((j) => j.run_at.getTime() === nowMs)).toBe(true);

      const shown = await json(await api('GET', `/campaigns/${campaignId}`));
      expect(shown).toMatchObject({
        id: campaignId,
        status: 'done',
        expanded_at: new Date(nowMs).toISOString(),
        counts: {
          total: 6,
          queued: 2,
          sending: 0,
          sent: 0,
          bounced: 0,
          failed: 0,
          skipped: 4,
          skipped_by_reason: { unsubscribed: 1, recently_surveyed: 1, bounced: 1, no_email: 1 },
        },
        answered: 0,
        response_rate: null,
      });
      const list = await json(await api('GET', `/campaigns?survey_id=${surveyId}`));
      expect(list.data.map((c: { id: string }) => c.id)).toEqual([campaignId]);
    });

    it('creates nothing more when the expand job runs again, also after a crash before it finished', async () => {
      const invitations = await countRows('invitation');
      const jobs = await countRows('job');
      await runExpandJob(campaignId);
      // As if the worker died before marking the campaign done: the whole expansion runs again.
      await db.query(`UPDATE campaign SET status = 'expanding', expanded_at = NULL WHERE id = $1`, [
        campaignId,
      ]);
      await runExpandJob(campaignId);
      expect(await countRows('invitation')).toBe(invitations);
      expect(await countRows('job')).toBe(jobs);
      expect((await json(await api('GET', `/campaigns/${campaignId}`))).status).toBe('done');
    });

    it('sends exactly one email to each matching contact through a worker and a real SMTP server', async () => {
      const worker = startWorker({ db, handlers: handlers(), clock, pollMinMs: 10, pollMaxMs: 20 });
      try {
        await waitFor(async () => {
          const shown = await json(await api('GET', `/campaigns/${campaignId}`));
          return shown.counts.sent === 2 && shown.counts.queued === 0 && shown.counts.sending === 0;
        }, 'the campaign to be sent');
      } finally {
        await worker.stop();
      }
      expect(mailsTo('pro-de@example.com')).toHaveLength(1);
      expect(mailsTo('pro-at@example.com')).toHaveLength(1);
      expect(smtp.received).toHaveLength(2);
      expect(mailsTo('pro-de@example.com')[0]!.subject).toMatch(/Taskwerk/);
      // The expand job, left queued by the first test, ran in the worker and added nothing.
      expect((await expandJob(campaignId))?.state).toBe('done');
      expect(await invitationsOf(campaignId)).toHaveLength(6);
      const shown = await json(await api('GET', `/campaigns/${campaignId}`));
      expect(shown.counts).toMatchObject({ sent: 2, skipped: 4 });
      expect(shown.response_rate).toBe(0);
    });

    it('postpones a recently surveyed contact to the first allowed instant under on_blocked: postpone', async () => {
      const recent = contacts['recent-at@example.com']!;
      const res = await api('POST', '/campaigns', {
        survey_id: surveyId,
        name: 'Postponed',
        audience: { contact_ids: [recent] },
        fatigue: { min_days_between: 30, on_blocked: 'postpone' },
      });
      expect(res.status, await res.clone().text()).toBe(201);
      const campaign = await json(res);
      expect(campaign.fatigue).toEqual({ min_days_between: 30, on_blocked: 'postpone' });
      await runExpandJob(campaign.id);
      const [row] = await invitationsOf(campaign.id);
      const due = nowMs - 10 * DAY_MS + 30 * DAY_MS;
      expect(row).toMatchObject({ status: 'queued', skip_reason: null });
      expect(row!.send_at?.getTime()).toBe(due);
      const [job] = await db.query<{ run_at: Date }>('SELECT run_at FROM job WHERE unique_key = $1', [
        `send:${row!.id}`,
      ]);
      expect(job!.run_at.getTime()).toBe(due);
    });

    it('refuses bad input with the field named, and creates nothing', async () => {
      const campaigns = await countRows('campaign');
      const jobs = await countRows('job');
      const expectError = async (body: unknown, status: number, field: string) => {
        const res = await api('POST', '/campaigns', body);
        const text = await res.text();
        expect(res.status, text).toBe(status);
        expect(JSON.parse(text).error.field, text).toBe(field);
      };
      const valid = { survey_id: surveyId, name: 'Bad', audience: PRO_DACH };
      await expectError(
        { ...valid, audience: { all: [{ attribute: 'plan', op: 'like', value: 'pro%' }] } },
        400,
        'audience.all.0.op',
      );
      await expectError({ ...valid, survey_id: '00000000-0000-4000-8000-000000000000' }, 422, 'survey_id');
      await expectError({ ...valid, send_at: new Date(nowMs - 60_000).toISOString() }, 400, 'send_at');
      await expectError({ ...valid, fatigue: { min_days_between: 400 } }, 400, 'fatigue.min_days_between');
      await expectError({ ...valid, fatigue: { min_days: 30 } }, 400, 'fatigue.min_days');
      await expectError({ ...valid, audience: { everyone: true, contact_ids: [] } }, 400, 'audience');
      expect(await countRows('campaign')).toBe(campaigns);
      expect(await countRows('job')).toBe(jobs);
    });
  });
}
