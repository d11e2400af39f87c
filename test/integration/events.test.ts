/**
 * Transactional triggers end to end: trigger rules (POST /api/v1/trigger-rules) and events
 * (POST /api/v1/events) that create, in the event's transaction, a queued invitation with its
 * send-invitation job at occurred_at + the rule's delay, or a skipped one with the reason a
 * survey-fatigue rule gave; the same event id twice is one event; a worker sends the queued one to a
 * real SMTP server in the test process.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/server/channels/email/mailer';
import type { Database } from '../../src/server/db/port';
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
const MINUTE_MS = 60_000;
const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;

for (const kind of databaseKinds()) {
  describe(`transactional triggers on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let mailer: Mailer;
    let server: AppServer | undefined;
    let publicUrl = '';
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    let ruleId = '';
    /** The clock of the app and the worker; the last test moves it forward. */
    let nowMs = Date.parse('2026-03-02T09:00:00Z');
    const clock = () => new Date(nowMs);

    const api = (method: string, urlPath: string, body?: unknown) =>
      fetch(`${publicUrl}/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const postEvent = async (body: Record<string, unknown>, status = 201) => {
      const res = await api('POST', '/events', body);
      expect(res.status, await res.clone().text()).toBe(status);
      return json(res);
    };
    const invitationsOfEvent = async (eventId: string) =>
      (await json(await api('GET', `/invitations?event_id=${eventId}`))).data;
    const sendJobOf = async (invitationId: string) => {
      const [row] = await db.query<{ id: number | string }>(
        'SELECT id FROM job WHERE queue = $1 AND unique_key = $2',
        [SEND_INVITATION_QUEUE, `send:${invitationId}`],
      );
      return row ? getJob(db, Number(row.id)) : undefined;
    };
    const counts = async () => {
      const out: Record<string, number> = {};
      for (const table of ['event', 'trigger_rule', 'invitation', 'job', 'contact']) {
        out[table] = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0]!.n;
      }
      return out;
    };
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

      const ws = await createWorkspace(db, { name: 'Events' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      surveyId = (
        await json(await api('POST', '/surveys', { name: 'After purchase', product_name: 'Taskwerk' }))
      ).id;
      const rule = await api('POST', '/trigger-rules', {
        name: 'Two hours after a purchase over 100',
        event_name: 'purchase',
        filter: { all: [{ attribute: 'amount', op: 'gt', value: 100 }] },
        survey_id: surveyId,
        delay_minutes: 120,
      });
      expect(rule.status, await rule.clone().text()).toBe(201);
      const ruleBody = await json(rule);
      expect(ruleBody).toMatchObject({
        event_name: 'purchase',
        delay_minutes: 120,
        active: true,
        reminders: { count: 1, after_days: 3 },
        fatigue: null,
      });
      ruleId = ruleBody.id;
    });
    afterAll(async () => {
      await mailer?.close();
      await server?.close();
      await smtp?.close();
      await drop();
    });

    it('lists and changes rules', async () => {
      const listed = await json(await api('GET', '/trigger-rules?event_name=purchase'));
      expect(listed.data.map((r: { id: string }) => r.id)).toEqual([ruleId]);
      const bySurvey = await json(await api('GET', `/trigger-rules?survey_id=${surveyId}&active=true`));
      expect(bySurvey.data.map((r: { id: string }) => r.id)).toContain(ruleId);
      expect(bySurvey.data.every((r: { survey_id: string }) => r.survey_id === surveyId)).toBe(true);
      const other = await json(
        await api('POST', '/trigger-rules', {
          name: 'After a won deal',
          event_name: 'deal_won',
          survey_id: surveyId,
          delay_minutes: 0,
        }),
      );
      const patched = await api('PATCH', `/trigger-rules/${other.id}`, {
        active: false,
        delay_minutes: 30,
        filter: { any: [{ attribute: 'stage', op: 'eq', value: 'closed' }] },
      });
      expect(patched.status, await patched.clone().text()).toBe(200);
      expect(await json(patched)).toMatchObject({ active: false, delay_minutes: 30, filter: { any: [{}] } });
      const badPatch = await json(
        await api('PATCH', `/trigger-rules/${other.id}`, {
          filter: { all: [{ attribute: 'x', op: 'nope' }] },
        }),
      );
      expect(badPatch.error.field).toBe('filter.all.0.op');
    });

    it('queues an invitation whose send job runs at occurred_at + 2 hours', async () => {
      const occurredAt = new Date(nowMs - 10 * MINUTE_MS);
      const event = await postEvent({
        id: 'order-1001',
        name: 'purchase',
        contact: { email: 'buyer@example.com', name: 'Bea Buyer' },
        properties: { amount: 250, currency: 'EUR' },
        occurred_at: occurredAt.toISOString(),
      });
      expect(event).toMatchObject({
        external_id: 'order-1001',
        name: 'purchase',
        properties: { amount: 250 },
      });
      expect(event.outcomes).toEqual([
        {
          rule_id: ruleId,
          survey_id: surveyId,
          invitation_id: expect.any(String),
          status: 'queued',
          skip_reason: null,
          send_at: new Date(occurredAt.getTime() + 2 * HOUR_MS).toISOString(),
        },
      ]);
      const [invitation] = await invitationsOfEvent(event.id);
      expect(invitation).toMatchObject({
        id: event.outcomes[0].invitation_id,
        status: 'queued',
        channel: 'email',
        event_id: event.id,
        contact_id: event.contact_id,
        reminder_plan: { count: 1, after_days: 3 },
      });
      const job = await sendJobOf(invitation.id);
      expect(job?.state).toBe('queued');
      expect(job?.runAt.getTime()).toBe(occurredAt.getTime() + 2 * HOUR_MS);

      const listed = await json(await api('GET', '/events?name=purchase'));
      expect(listed.data[0].id).toBe(event.id);
    });

    it('stores the same event id once: the repeat answers 200 with the stored event and writes nothing', async () => {
      const body = {
        id: 'order-2002',
        name: 'purchase',
        contact: { email: 'twice@example.com' },
        properties: { amount: 500 },
      };
      const first = await postEvent(body, 201);
      const before = await counts();
      const again = await postEvent({ ...body, properties: { amount: 999 } }, 200);
      expect(again).toEqual(first);
      expect(await counts()).toEqual(before);
      expect(await invitationsOfEvent(first.id)).toHaveLength(1);
      const events = await db.query('SELECT id FROM event WHERE external_id = $1', ['order-2002']);
      expect(events).toHaveLength(1);
    });

    it('creates nothing when the filter does not match', async () => {
      const before = await counts();
      const event = await postEvent({
        id: 'order-3003',
        name: 'purchase',
        contact: { email: 'small@example.com' },
        properties: { amount: 50 },
      });
      expect(event.outcomes).toEqual([]);
      expect(await invitationsOfEvent(event.id)).toEqual([]);
      const after = await counts();
      expect(after.invitation).toBe(before.invitation);
      expect(after.job).toBe(before.job);
      // Another event name matches no rule either.
      const other = await postEvent({
        id: 't-1',
        name: 'ticket_solved',
        contact: { email: 'small@example.com' },
      });
      expect(other.outcomes).toEqual([]);
    });

    it('records a skipped invitation for a contact surveyed 10 days ago (recently_surveyed)', async () => {
      const contact = await json(await api('POST', '/contacts', { email: 'recent@example.com' }));
      const surveyed = await api('POST', '/responses', {
        survey_id: surveyId,
        score: 9,
        contact_id: contact.id,
        created_at: new Date(nowMs - 10 * DAY_MS).toISOString(),
      });
      expect(surveyed.status, await surveyed.clone().text()).toBe(201);
      const jobsBefore = (await counts()).job;
      const event = await postEvent({
        id: 'order-4004',
        name: 'purchase',
        contact: { email: 'recent@example.com' },
        properties: { amount: 120 },
      });
      expect(event.outcomes).toMatchObject([
        { status: 'skipped', skip_reason: 'recently_surveyed', send_at: null },
      ]);
      const [invitation] = await invitationsOfEvent(event.id);
      expect(invitation).toMatchObject({
        status: 'skipped',
        skip_reason: 'recently_surveyed',
        event_id: event.id,
      });
      expect((await counts()).job).toBe(jobsBefore);
    });

    it('records a skipped invitation for an unsubscribed contact', async () => {
      await recordSuppression(
        db,
        workspaceId,
        { email: 'gone@example.com', reason: 'unsubscribed', source: 'api' },
        clock(),
      );
      const event = await postEvent({
        id: 'order-5005',
        name: 'purchase',
        contact: { email: 'gone@example.com' },
        properties: { amount: 300 },
      });
      expect(event.outcomes).toMatchObject([{ status: 'skipped', skip_reason: 'unsubscribed' }]);
      const [invitation] = await invitationsOfEvent(event.id);
      expect(invitation).toMatchObject({ status: 'skipped', skip_reason: 'unsubscribed' });
      expect(await sendJobOf(invitation.id)).toBeUndefined();
    });

    it('refuses bad input and writes nothing', async () => {
      const before = await counts();
      const expectError = async (res: Response, status: number, field: string) => {
        const text = await res.text();
        expect(res.status, text).toBe(status);
        expect(JSON.parse(text).error.field, text).toBe(field);
      };
      await expectError(
        await api('POST', '/trigger-rules', {
          name: 'x',
          event_name: 'purchase',
          survey_id: randomUUID(),
          delay_minutes: 10,
        }),
        422,
        'survey_id',
      );
      await expectError(
        await api('POST', '/trigger-rules', {
          name: 'x',
          event_name: 'purchase',
          survey_id: surveyId,
          filter: { all: [{ attribute: 'amount', op: 'bigger', value: 100 }] },
        }),
        400,
        'filter.all.0.op',
      );
      await expectError(
        await api('POST', '/trigger-rules', { name: 'x', event_name: '1 bad name', survey_id: surveyId }),
        400,
        'event_name',
      );
      await expectError(
        await api('POST', '/trigger-rules', {
          name: 'x',
          event_name: 'purchase',
          survey_id: surveyId,
          delay_minutes: 43_201,
        }),
        400,
        'delay_minutes',
      );
      await expectError(
        await api('POST', '/events', {
          name: 'purchase',
          contact: { email: 'nobody@example.com' },
          properties: { amount: 500 },
        }),
        400,
        'id',
      );
      await expectError(
        await api('POST', '/events', {
          id: 'order-future',
          name: 'purchase',
          contact: { email: 'nobody@example.com' },
          properties: { amount: 500 },
          occurred_at: new Date(nowMs + 10 * MINUTE_MS).toISOString(),
        }),
        400,
        'occurred_at',
      );
      await expectError(await api('GET', `/invitations?event_id=${randomUUID()}`), 422, 'event_id');
      expect(await counts()).toEqual(before);
    });

    it('sends the matching contact exactly one email through a worker and a real SMTP server', async () => {
      const body = {
        id: 'order-6006',
        name: 'purchase',
        contact: { email: 'mailme@example.com', name: 'Mia Mail', locale: 'en' },
        properties: { amount: 180 },
      };
      const event = await postEvent(body, 201);
      await postEvent(body, 200);
      // A second purchase an hour later: the contact was just surveyed (fatigue), so no second email.
      nowMs += HOUR_MS;
      const second = await postEvent({ ...body, id: 'order-6007' }, 201);
      expect(second.outcomes).toMatchObject([{ status: 'skipped', skip_reason: 'recently_surveyed' }]);

      const [invitation] = await invitationsOfEvent(event.id);
      nowMs += 2 * HOUR_MS;
      const worker = startWorker({
        db,
        handlers: jobHandlers({ db, publicUrl, mailer, clock }),
        clock,
        pollMinMs: 10,
        pollMaxMs: 20,
      });
      try {
        await waitFor(async () => {
          const rows = await invitationsOfEvent(event.id);
          return ['sent', 'bounced', 'skipped', 'failed'].includes(rows[0].status);
        }, 'the invitation to be sent');
      } finally {
        await worker.stop();
      }
      const [sent] = await invitationsOfEvent(event.id);
      expect(sent).toMatchObject({ id: invitation.id, status: 'sent' });
      expect((await sendJobOf(invitation.id))?.state).toBe('done');
      const mails = mailsTo('mailme@example.com');
      expect(mails).toHaveLength(1);
      expect(mails[0]!.html).toContain(invitation.url);
    });
  });
}
