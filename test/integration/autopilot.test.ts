/**
 * Autopilot end to end with a moving clock: POST /api/v1/autopilots validates and stores a
 * relational cadence and queues its first scheduler run; each hourly run gives the contacts whose
 * local day is a due day one invitation inside their business hours (under the fatigue rules), once
 * per due day; the schedule shows each contact's next date; pausing ends the chain of runs and
 * resuming starts it again; a due invitation's email reaches a real SMTP server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BusinessHours, isWithinBusinessHours } from '../../src/core/business-hours';
import { localDay } from '../../src/core/trend';
import type { Mailer } from '../../src/server/channels/email/mailer';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { AUTOPILOT_TICK_QUEUE, runAutopilot } from '../../src/server/jobs/autopilot-tick';
import { claim, getJob, type Job } from '../../src/server/jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../src/server/jobs/send-invitation';
import { jobHandlers } from '../../src/server/jobs/start-jobs';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
const HOURS: BusinessHours = { weekdays: [1, 2, 3, 4, 5], start_hour: 9, end_hour: 17 };

for (const kind of databaseKinds()) {
  describe(`autopilot on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    let now = new Date('2024-04-14T20:00:00Z');
    const clock = () => now;
    const contacts: Record<string, string> = {};
    let autopilotId = '';

    const api = (method: string, path: string, body?: unknown) =>
      app.app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const handlers = () => jobHandlers({ db, publicUrl: 'http://plaudit.test', mailer, clock });
    const runJob = (job: Job) => handlers()[job.queue]!({ job, db, signal: new AbortController().signal });
    const ticks = async (id: string) => {
      const rows = await db.query<{ id: number | string }>(
        `SELECT id FROM job WHERE queue = $1 AND payload ->> 'autopilot_id' = $2 ORDER BY id`,
        [AUTOPILOT_TICK_QUEUE, id],
      );
      return Promise.all(rows.map((r) => getJob(db, Number(r.id)))) as Promise<Job[]>;
    };
    const invitations = (id: string) =>
      db.query<{
        id: string;
        contact_id: string;
        status: string;
        skip_reason: string | null;
        due_day: string;
        send_at: Date | null;
      }>(
        `SELECT id, contact_id, status, skip_reason, due_day::text AS due_day, send_at
         FROM invitation WHERE autopilot_id = $1 ORDER BY due_day, contact_id`,
        [id],
      );
    const byContact = async (id: string) =>
      Object.fromEntries((await invitations(id)).map((i) => [i.contact_id, i]));

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp, 1);
      app = createApp({ config: loadConfig({}, { publicUrl: 'http://plaudit.test' }), db, clock });
      const ws = await createWorkspace(db, { name: 'Autopilot' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      surveyId = (
        await json(await api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }))
      ).id;
      const people: [string, Record<string, unknown>][] = [
        [
          'berlin',
          { email: 'berlin@example.com', attributes: { plan: 'pro', customer_since: '2024-01-15' } },
        ],
        [
          'newyork',
          {
            email: 'ny@example.com',
            time_zone: NEW_YORK,
            attributes: { plan: 'pro', customer_since: '2024-01-15T18:00:00Z' },
          },
        ],
        ['nodate', { email: 'nodate@example.com', attributes: { plan: 'pro' } }],
        ['free', { email: 'free@example.com', attributes: { plan: 'free', customer_since: '2024-01-15' } }],
        [
          'unsubscribed',
          { email: 'gone@example.com', attributes: { plan: 'pro', customer_since: '2024-01-15' } },
        ],
        ['noemail', { external_id: 'crm-7', attributes: { plan: 'pro', customer_since: '2023-10-20' } }],
        [
          'answered',
          { email: 'answered@example.com', attributes: { plan: 'pro', customer_since: '2024-01-15' } },
        ],
      ];
      for (const [name, body] of people) {
        const res = await api('POST', '/contacts', body);
        expect(res.status, name).toBeLessThan(300);
        contacts[name] = (await json(res)).id;
      }
      expect(
        (await api('POST', '/suppressions', { email: 'gone@example.com', reason: 'unsubscribed' })).status,
      ).toBe(201);
      // Answered two weeks before its 3-month date: inside the 90-day fatigue window.
      const answered = await api('POST', '/responses', {
        survey_id: surveyId,
        score: 8,
        contact_id: contacts.answered,
        created_at: '2024-04-01T10:00:00Z',
      });
      expect(answered.status).toBe(201);
    });
    afterAll(async () => {
      await mailer.close();
      await smtp.close();
      await app.close();
      await drop();
    });

    it('refuses bad autopilots with a 4xx naming the field, and creates nothing', async () => {
      const base = { survey_id: surveyId, name: 'Bad', cadence: 'after_winning_customer' };
      const cases: [Record<string, unknown>, number, string][] = [
        [{ ...base, cadence: 'monthly' }, 400, 'cadence'],
        [
          {
            ...base,
            cadence: { anchor: { kind: 'first_seen' }, milestones_months: [], then_every_months: 0 },
          },
          400,
          'cadence.then_every_months',
        ],
        [
          {
            ...base,
            cadence: {
              anchor: { kind: 'attribute', attribute: '' },
              milestones_months: [3],
              then_every_months: null,
            },
          },
          400,
          'cadence.anchor.attribute',
        ],
        [
          {
            ...base,
            cadence: { anchor: { kind: 'first_seen' }, milestones_months: [6, 3], then_every_months: 12 },
          },
          400,
          'cadence.milestones_months.1',
        ],
        [
          { ...base, business_hours: { weekdays: [1, 2], start_hour: 17, end_hour: 9 } },
          400,
          'business_hours.end_hour',
        ],
        [
          { ...base, business_hours: { weekdays: [], start_hour: 9, end_hour: 17 } },
          400,
          'business_hours.weekdays',
        ],
        [
          { ...base, audience: { all: [{ attribute: 'plan', op: 'like', value: 'x' }] } },
          400,
          'audience.all.0.op',
        ],
        [{ ...base, reminders: { count: 9, after_days: 3 } }, 400, 'reminders.count'],
        [{ ...base, fatigue: { min_days_between: 400 } }, 400, 'fatigue.min_days_between'],
        [{ ...base, survey_id: '00000000-0000-4000-8000-000000000000' }, 422, 'survey_id'],
        [{ ...base, status: 'sleeping' }, 400, 'status'],
      ];
      for (const [body, status, field] of cases) {
        const res = await api('POST', '/autopilots', body);
        const answer = await json(res);
        expect(res.status, JSON.stringify(body)).toBe(status);
        expect(answer.error.field, JSON.stringify(answer)).toBe(field);
      }
      const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM autopilot');
      expect(row!.n).toBe(0);
      expect(await db.query('SELECT 1 FROM job WHERE queue = $1', [AUTOPILOT_TICK_QUEUE])).toHaveLength(0);
    });

    it('creates an autopilot with its defaults and queues its first run at once', async () => {
      const res = await api('POST', '/autopilots', {
        survey_id: surveyId,
        name: '3, 6 and 12 months after winning the customer',
        cadence: 'after_winning_customer',
        audience: { all: [{ attribute: 'plan', op: 'eq', value: 'pro' }] },
      });
      expect(res.status).toBe(201);
      const autopilot = await json(res);
      autopilotId = autopilot.id;
      expect(autopilot).toMatchObject({
        status: 'active',
        cadence: {
          anchor: { kind: 'attribute', attribute: 'customer_since' },
          milestones_months: [3, 6, 12],
          then_every_months: 12,
        },
        business_hours: HOURS,
        reminders: { count: 1, after_days: 3 },
        fatigue: null,
        last_run: null,
      });
      const jobs = await ticks(autopilotId);
      expect(jobs).toHaveLength(1);
      expect(jobs[0]!.runAt).toEqual(now);
    });

    it('runs hourly and surveys nobody before their local due day', async () => {
      const [first] = await ticks(autopilotId);
      await runJob(first!);
      // The next run is queued at the next full hour, once, however often it is asked for.
      const jobs = await ticks(autopilotId);
      expect(jobs.map((j) => j.runAt.toISOString())).toEqual([
        '2024-04-14T20:00:00.000Z',
        '2024-04-14T21:00:00.000Z',
      ]);
      await runJob(first!);
      expect(await ticks(autopilotId)).toHaveLength(2);
      // 22:00 in Berlin on 14 April: the 3-month date (15 April) has not come anywhere. Only the
      // contact won in October 2023 is due: its 3-month date (20 January) passed unsurveyed, so it
      // is due now, once; it has no address, so the invitation is skipped.
      const [late, ...others] = await invitations(autopilotId);
      expect(others).toEqual([]);
      expect(late).toMatchObject({
        contact_id: contacts.noemail,
        due_day: '2024-04-14',
        status: 'skipped',
        skip_reason: 'no_email',
      });
      const got = await json(await api('GET', `/autopilots/${autopilotId}`));
      // The repeated run (a retried job) found nothing more to do.
      expect(got.last_run).toEqual({ contacts: 5, due: 0, queued: 0, skipped: 0 });
      expect(got.last_run_at).toBe(now.toISOString());
    });

    it('gives each due contact one invitation on its own local day, inside its business hours', async () => {
      // 00:30 on Monday 15 April in Berlin, still 18:30 on Sunday the 14th in New York.
      now = new Date('2024-04-14T22:30:00Z');
      const run = await runAutopilot(db, workspaceId, autopilotId, { now });
      expect(run).toEqual({ contacts: 5, due: 3, queued: 1, skipped: 2 });
      const berlinDay = await byContact(autopilotId);
      // The late contact's survey of yesterday counts: nothing more for it today.
      expect(Object.keys(berlinDay).sort()).toEqual(
        [contacts.berlin, contacts.unsubscribed, contacts.answered, contacts.noemail].sort(),
      );
      const berlin = berlinDay[contacts.berlin!]!;
      expect(berlin).toMatchObject({ status: 'queued', due_day: '2024-04-15', skip_reason: null });
      expect(localDay(berlin.send_at!, BERLIN)).toBe('2024-04-15');
      expect(isWithinBusinessHours(berlin.send_at!, BERLIN, HOURS)).toBe(true);
      expect(berlinDay[contacts.unsubscribed!]).toMatchObject({
        status: 'skipped',
        skip_reason: 'unsubscribed',
      });
      expect(berlinDay[contacts.answered!]).toMatchObject({
        status: 'skipped',
        skip_reason: 'recently_surveyed',
      });
      expect(berlinDay[contacts.noemail!]).toMatchObject({ due_day: '2024-04-14', skip_reason: 'no_email' });

      // Another run in the same hour (a retried job) adds nothing.
      expect(await runAutopilot(db, workspaceId, autopilotId, { now })).toEqual({
        contacts: 5,
        due: 0,
        queued: 0,
        skipped: 0,
      });
      expect(await invitations(autopilotId)).toHaveLength(4);

      // 00:30 on the 15th in New York: the New York contact's turn, in New York's business hours.
      now = new Date('2024-04-15T04:30:00Z');
      expect(await runAutopilot(db, workspaceId, autopilotId, { now })).toMatchObject({ due: 1, queued: 1 });
      const ny = (await byContact(autopilotId))[contacts.newyork!]!;
      expect(ny).toMatchObject({ status: 'queued', due_day: '2024-04-15' });
      expect(localDay(ny.send_at!, NEW_YORK)).toBe('2024-04-15');
      expect(isWithinBusinessHours(ny.send_at!, NEW_YORK, HOURS)).toBe(true);

      // The free-plan contact (outside the audience) and the one without a date were never asked.
      const all = await invitations(autopilotId);
      expect(all.map((i) => i.contact_id)).not.toContain(contacts.free);
      expect(all.map((i) => i.contact_id)).not.toContain(contacts.nodate);
      // Each queued invitation has its send job at its send time.
      for (const invitation of all.filter((i) => i.status === 'queued')) {
        const [job] = await db.query<{ run_at: Date }>(
          'SELECT run_at FROM job WHERE queue = $1 AND unique_key = $2',
          [SEND_INVITATION_QUEUE, `send:${invitation.id}`],
        );
        expect(new Date(job!.run_at)).toEqual(new Date(invitation.send_at!));
      }
    });

    it("sends the due invitation's email at its time to the SMTP server", async () => {
      const berlin = (await byContact(autopilotId))[contacts.berlin!]!;
      now = new Date(berlin.send_at!);
      // Claimed as a worker would (the send records its attempt only under the job's lease).
      const claimed = await claim(db, SEND_INVITATION_QUEUE, 'test-worker', 10, { now, leaseMs: 60_000 });
      expect(claimed.map((j) => j.payload.invitation_id)).toContain(berlin.id);
      for (const job of claimed) await runJob(job);
      await waitFor(
        async () => smtp.received.some((m) => JSON.stringify(m.to ?? null).includes('berlin@example.com')),
        'the email to the Berlin contact',
      );
      const [sent] = await db.query<{ status: string }>('SELECT status FROM invitation WHERE id = $1', [
        berlin.id,
      ]);
      expect(sent!.status).toBe('sent');
      const got = await json(await api('GET', `/autopilots/${autopilotId}`));
      // The New York contact's send time is placed at random in its business hours, which can
      // overlap Berlin's: then its email was due too and went out with this claim.
      const ny = (await byContact(autopilotId))[contacts.newyork!]!;
      const nyDue = new Date(ny.send_at!).getTime() <= now.getTime();
      expect(got.counts).toEqual({
        total: 5,
        queued: nyDue ? 0 : 1,
        sent: nyDue ? 2 : 1,
        skipped: 3,
        answered: 0,
      });
      expect(got.response_rate).toBe(0);
      const invitation = await json(await api('GET', `/invitations/${berlin.id}`));
      expect(invitation).toMatchObject({
        autopilot_id: autopilotId,
        due_day: '2024-04-15',
        campaign_id: null,
      });
    });

    it("shows each contact's schedule: last and next due day, and where the next email falls", async () => {
      now = new Date('2024-04-20T12:00:00Z');
      const page = await json(await api('GET', `/autopilots/${autopilotId}/schedule?limit=2`));
      expect(page.data).toHaveLength(2);
      const rest = await json(
        await api('GET', `/autopilots/${autopilotId}/schedule?limit=10&cursor=${page.next_cursor}`),
      );
      expect(rest.next_cursor).toBeNull();
      const entries: Record<string, { next_send_at: string }> = Object.fromEntries(
        [...page.data, ...rest.data].map((e: { contact_id: string; next_send_at: string }) => [
          e.contact_id,
          e,
        ]),
      );
      // On the cadence: the pro contacts with a date (free is outside the audience, nodate has no anchor).
      expect(Object.keys(entries).sort()).toEqual(
        [
          contacts.berlin,
          contacts.newyork,
          contacts.unsubscribed,
          contacts.noemail,
          contacts.answered,
        ].sort(),
      );
      expect(entries[contacts.berlin!]).toMatchObject({
        time_zone: BERLIN,
        anchor_day: '2024-01-15',
        last_due_day: '2024-04-15',
        next_due_day: '2024-07-15',
      });
      const next = new Date(entries[contacts.berlin!]!.next_send_at);
      expect(localDay(next, BERLIN)).toBe('2024-07-15');
      expect(isWithinBusinessHours(next, BERLIN, HOURS)).toBe(true);
      // A timestamp attribute counts by its day as written.
      expect(entries[contacts.newyork!]).toMatchObject({ time_zone: NEW_YORK, next_due_day: '2024-07-15' });
    });

    it('postpones a blocked send into the business hours of the first allowed day when told to', async () => {
      const res = await api('POST', '/autopilots', {
        survey_id: surveyId,
        name: 'Postponing',
        cadence: {
          anchor: { kind: 'fixed', day: '2024-01-22' },
          milestones_months: [3],
          then_every_months: null,
        },
        audience: { contact_ids: [contacts.answered] },
        fatigue: { on_blocked: 'postpone' },
        status: 'paused',
      });
      expect(res.status).toBe(201);
      const postponing = (await json(res)).id;
      // Paused: no run queued, and a run does nothing.
      expect(await ticks(postponing)).toHaveLength(0);
      now = new Date('2024-04-22T06:00:00Z');
      expect(await runAutopilot(db, workspaceId, postponing, { now })).toBeNull();

      expect((await api('PATCH', `/autopilots/${postponing}`, { status: 'active' })).status).toBe(200);
      const [start] = await ticks(postponing);
      await runJob(start!);
      const [invitation] = await invitations(postponing);
      // Answered on 1 April: 90 days later is 30 June (a Sunday), so Monday 1 July in business hours.
      expect(invitation).toMatchObject({ status: 'queued', due_day: '2024-04-22' });
      expect(localDay(invitation!.send_at!, BERLIN)).toBe('2024-07-01');
      expect(isWithinBusinessHours(invitation!.send_at!, BERLIN, HOURS)).toBe(true);
    });

    it('pausing ends the chain of runs, resuming starts it again', async () => {
      now = new Date('2024-04-21T10:15:00Z');
      expect((await api('PATCH', `/autopilots/${autopilotId}`, { status: 'paused' })).status).toBe(200);
      const before = await ticks(autopilotId);
      // The chain's latest run (the test runs handlers by hand, so earlier ones stay queued).
      await runJob(before[before.length - 1]!);
      expect(await ticks(autopilotId)).toHaveLength(before.length);
      const patched = await json(
        await api('PATCH', `/autopilots/${autopilotId}`, { status: 'active', name: 'Renamed' }),
      );
      expect(patched).toMatchObject({ status: 'active', name: 'Renamed' });
      const after = await ticks(autopilotId);
      expect(after).toHaveLength(before.length + 1);
      expect(after[after.length - 1]!.runAt).toEqual(now);
      // A deleted autopilot's pending run does nothing; its invitations stay, detached.
      expect((await api('DELETE', `/autopilots/${autopilotId}`)).status).toBe(200);
      await runJob(after[after.length - 1]!);
      expect(await ticks(autopilotId)).toHaveLength(after.length);
      expect((await api('GET', `/autopilots/${autopilotId}`)).status).toBe(404);
      const [kept] = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM invitation WHERE workspace_id = $1 AND due_day IS NOT NULL AND autopilot_id IS NULL',
        [workspaceId],
      );
      expect(kept!.n).toBe(5);
    });
  });
}
