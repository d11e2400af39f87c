/**
 * Closing the loop end to end: responses through the API, the playbook's durable jobs run on a
 * driven clock, real email through a real SMTP server, cases worked through the API, and the
 * closed-loop metrics. Runs on PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { claim, complete, enqueue } from '../../src/server/jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../src/server/jobs/send-invitation';
import { jobHandlers } from '../../src/server/jobs/start-jobs';
import { FOLLOW_UP_EMAIL_QUEUE } from '../../src/server/loop/follow-up-email';
import { RUN_PLAYBOOK_QUEUE } from '../../src/server/loop/run-playbook';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { hrefsOf, mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

for (const kind of databaseKinds()) {
  describe(`closing the loop on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let sink: Awaited<ReturnType<typeof startSmtpServer>>;
    let key = '';
    let otherKey = '';
    let surveyId = '';
    let workspaceId = '';
    const publicUrl = 'http://nps.test';

    const api = (k: string, method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${k}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const json = async (res: Response | Promise<Response>) => (await res).json() as Promise<Json>;

    /** Runs the due jobs of `queues` at `now` until none is left; returns how many ran. */
    async function runDue(queues: string[], now: Date): Promise<number> {
      const handlers = jobHandlers({ db, publicUrl, mailer: mailerFor(sink), clock: () => now });
      let ran = 0;
      for (;;) {
        const jobs = await claim(db, queues, 'test-worker', 50, { now, leaseMs: 60_000 });
        if (jobs.length === 0) return ran;
        for (const job of jobs) {
          await handlers[job.queue]!({ job, db, signal: new AbortController().signal });
          await complete(db, job, 'test-worker', now);
        }
        ran += jobs.length;
      }
    }
    const respond = async (email: string, score: number, extra: Json = {}) => {
      const res = await api(key, 'POST', '/responses', {
        survey_id: surveyId,
        score,
        comment: `score ${score}`,
        contact: { email, name: 'Anna Becker', locale: 'de', ...extra.contact },
        ...extra.body,
      });
      expect(res.status).toBe(201);
      return (await res.json()) as Json;
    };
    const caseOf = async (responseId: string) => {
      const list = await json(api(key, 'GET', '/cases?limit=200'));
      return list.data.find((c: Json) => c.response_id === responseId) as Json;
    };
    const jobsOf = (queue: string) =>
      db.query<{ unique_key: string; run_at: Date; state: string }>(
        'SELECT unique_key, run_at, state FROM job WHERE queue = $1 ORDER BY id',
        [queue],
      );

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      sink = await startSmtpServer();
      app = createApp({
        config: loadConfig({ PLAUDIT_PUBLIC_URL: publicUrl }),
        db,
        clock: () => new Date(),
      }).app;
      const ws = await createWorkspace(db, { name: 'Loop' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 'main')).secret;
      otherKey = (await createApiKey(db, (await createWorkspace(db, { name: 'Other' })).id, 'main')).secret;
      surveyId = (await json(api(key, 'POST', '/surveys', { name: 'Loop survey', product_name: 'Taskwerk' })))
        .id;
      await api(key, 'POST', '/webhooks', {
        url: 'http://127.0.0.1:9/hook',
        events: ['case.opened', 'case.closed'],
      });
    });
    afterAll(async () => {
      await sink.close();
      await drop();
    });

    it('a detractor gets a case due in 24 hours for the owner named on the contact, and one alert, even when its run is repeated', async () => {
      const r = await respond('kritik@example.com', 3, {
        contact: { attributes: { owner: 'rep@example.com', team: 'EMEA' } },
      });
      // The run is enqueued in the response's transaction.
      expect((await jobsOf(RUN_PLAYBOOK_QUEUE)).length).toBeGreaterThanOrEqual(1);
      // A second job for the same response (a crash and a retry, or a duplicate) changes nothing.
      await enqueue(
        db,
        { queue: RUN_PLAYBOOK_QUEUE, payload: { response_ids: [r.id] } },
        { now: new Date() },
      );
      await runDue([RUN_PLAYBOOK_QUEUE], new Date());
      const k = await caseOf(r.id);
      expect(k).toMatchObject({
        status: 'open',
        category: 'detractor',
        score: 3,
        owner: 'rep@example.com',
        team: 'EMEA',
        sla: 'on_track',
        comment: 'score 3',
        title: 'Detractors: alert and follow up within 24 hours',
      });
      expect(k.number).toBeGreaterThanOrEqual(1);
      expect(new Date(k.due_at).getTime() - new Date(k.created_at).getTime()).toBe(24 * HOUR);
      const cases = await db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM follow_up_case WHERE response_id = $1',
        [r.id],
      );
      expect(cases[0]!.n).toBe(1);
      const alerts = (await jobsOf('send-alert')).filter((j) => j.unique_key.includes(r.id));
      expect(alerts).toHaveLength(1);
      const opened = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_delivery WHERE event_type = 'case.opened' AND payload::text LIKE $1`,
        [`%${k.id}%`],
      );
      expect(opened[0]!.n).toBe(1);
      const detail = await json(api(key, 'GET', `/cases/${k.id}`));
      expect(detail.playbook.actions.map((a: Json) => a.kind)).toEqual(['alert_owner', 'open_case']);
      expect(detail.history.map((h: Json) => h.id)).toContain(r.id);
      // Another workspace sees nothing of it.
      expect((await api(otherKey, 'GET', `/cases/${k.id}`)).status).toBe(404);
      expect((await json(api(otherKey, 'GET', '/cases'))).data).toHaveLength(0);
      expect(
        (await api(otherKey, 'PATCH', `/cases/${k.id}`, { status: 'closed', resolution: 'x' })).status,
      ).toBe(404);
    });

    it('a passive gets a case due in 7 days and no alert; a promoter is thanked at once and asked for a review 14 days later', async () => {
      await api(key, 'PUT', '/playbook', {
        rules: [
          { name: 'Passives', categories: ['passive'], actions: [{ kind: 'open_case', due_hours: 168 }] },
          {
            name: 'Promoters',
            categories: ['promoter'],
            actions: [
              { kind: 'send_thanks' },
              {
                kind: 'request_testimonial',
                delay_days: 14,
                review_url: 'https://reviews.example.com/taskwerk',
              },
            ],
          },
        ],
      });
      const passive = await respond('passiv@example.com', 7);
      const promoter = await respond('fan@example.com', 10, { contact: { locale: 'en', name: 'Sam Fan' } });
      const t0 = new Date();
      await runDue([RUN_PLAYBOOK_QUEUE], t0);
      const k = await caseOf(passive.id);
      expect(new Date(k.due_at).getTime() - new Date(k.created_at).getTime()).toBe(168 * HOUR);
      expect((await jobsOf('send-alert')).filter((j) => j.unique_key.includes(passive.id))).toHaveLength(0);
      expect(await caseOf(promoter.id)).toBeUndefined();

      const before = sink.received.length;
      await runDue([FOLLOW_UP_EMAIL_QUEUE], t0);
      await waitFor(async () => sink.received.length > before, 'the email');
      const thanks = sink.received.at(-1)!;
      expect(thanks.subject).toBe('Thank you for your feedback on Taskwerk');
      expect(thanks.text).toContain('Hello Sam Fan,');
      const request = (await jobsOf(FOLLOW_UP_EMAIL_QUEUE)).find(
        (j) => j.unique_key === `testimonial_request:${promoter.id}`,
      )!;
      expect(request.state).toBe('queued');
      expect(new Date(request.run_at).getTime()).toBeGreaterThanOrEqual(t0.getTime() + 14 * DAY - 60_000);
      // Not before its day; on it, the review link goes to the promoter.
      expect(await runDue([FOLLOW_UP_EMAIL_QUEUE], new Date(t0.getTime() + 13 * DAY))).toBe(0);
      expect(await runDue([FOLLOW_UP_EMAIL_QUEUE], new Date(t0.getTime() + 15 * DAY))).toBe(1);
      await waitFor(async () => sink.received.length > before + 1, 'the email');
      const ask = sink.received.at(-1)!;
      expect(ask.subject).toBe('Would you share your experience with Taskwerk?');
      expect(hrefsOf(String(ask.html))).toContain('https://reviews.example.com/taskwerk');
      await api(key, 'DELETE', '/playbook');
    });

    it('a rule on a score change ("was a promoter, now a detractor") and on attributes picks the right action', async () => {
      await api(key, 'PUT', '/playbook', {
        rules: [
          {
            name: 'Lost a promoter',
            categories: ['detractor'],
            previous_categories: ['promoter'],
            actions: [{ kind: 'open_case', due_hours: 4 }],
          },
          {
            name: 'Enterprise detractor',
            categories: ['detractor'],
            attributes: { all: [{ attribute: 'plan', op: 'eq', value: 'enterprise' }] },
            actions: [
              { kind: 'open_case', due_hours: 2 },
              { kind: 'alert_owner', fallback: 'cs-team@example.com' },
            ],
          },
        ],
      });
      const first = await respond('turn@example.com', 10);
      const second = await respond('turn@example.com', 2);
      const other = await respond('plain@example.com', 2);
      const big = await respond('big@example.com', 1, { contact: { attributes: { plan: 'enterprise' } } });
      await runDue([RUN_PLAYBOOK_QUEUE], new Date());
      expect(await caseOf(first.id)).toBeUndefined();
      const turned = await caseOf(second.id);
      expect(turned.title).toBe('Lost a promoter');
      expect(new Date(turned.due_at).getTime() - new Date(turned.created_at).getTime()).toBe(4 * HOUR);
      expect(await caseOf(other.id)).toBeUndefined();
      const enterprise = await caseOf(big.id);
      expect(enterprise).toMatchObject({ title: 'Enterprise detractor', owner: 'cs-team@example.com' });
      expect((await jobsOf('send-alert')).filter((j) => j.unique_key.includes(big.id))).toHaveLength(1);
      await api(key, 'DELETE', '/playbook');
    });

    it('an answer older than a week (history sent through the API) opens nothing', async () => {
      const old = await respond('old@example.com', 0, {
        body: { created_at: new Date(Date.now() - 30 * DAY).toISOString() },
      });
      await runDue([RUN_PLAYBOOK_QUEUE], new Date());
      expect(await caseOf(old.id)).toBeUndefined();
      const run = await db.query<{ actions: unknown }>(
        'SELECT actions FROM playbook_run WHERE response_id = $1',
        [old.id],
      );
      expect(run).toHaveLength(1);
    });

    it('a case is worked: first contact, notes, a change log, closing needs a resolution, case.closed, the recovery survey and the metrics', async () => {
      const r = await respond('recover@example.com', 2, {
        contact: { attributes: { owner: 'rep@example.com' } },
      });
      await runDue([RUN_PLAYBOOK_QUEUE], new Date());
      const k = await caseOf(r.id);
      const note = await api(key, 'POST', `/cases/${k.id}/notes`, {
        kind: 'note',
        body: 'Checked the logs <b>first</b>',
      });
      expect(note.status).toBe(201);
      expect((await json(api(key, 'GET', `/cases/${k.id}`))).case.first_contact_at).toBeNull();
      expect((await api(key, 'POST', `/cases/${k.id}/notes`, { kind: 'call', body: 'x' })).status).toBe(400);
      expect(
        (await api(key, 'POST', `/cases/${k.id}/notes`, { kind: 'contact', body: 'Called her' })).status,
      ).toBe(201);
      expect((await json(api(key, 'GET', `/cases/${k.id}`))).case.first_contact_at).not.toBeNull();

      const bad = await api(key, 'PATCH', `/cases/${k.id}`, { status: 'closed' });
      expect(bad.status).toBe(400);
      expect((await bad.json()).error.field).toBe('resolution');
      const badStatus = await api(key, 'PATCH', `/cases/${k.id}`, { status: 'done' });
      expect((await badStatus.json()).error.field).toBe('status');
      const waiting = await json(
        api(key, 'PATCH', `/cases/${k.id}`, {
          status: 'waiting_on_customer',
          root_causes: ['Billing', ' billing ', 'Export bug'],
        }),
      );
      expect(waiting).toMatchObject({
        status: 'waiting_on_customer',
        root_causes: ['billing', 'export bug'],
      });
      expect(
        (await json(api(key, 'GET', '/cases?status=waiting_on_customer'))).data.map((c: Json) => c.id),
      ).toEqual([k.id]);
      const closed = await json(
        api(key, 'PATCH', `/cases/${k.id}`, {
          status: 'closed',
          resolution: 'Fixed the export; refunded one month.',
        }),
      );
      expect(closed).toMatchObject({
        status: 'closed',
        sla: 'met',
        resolution: 'Fixed the export; refunded one month.',
      });
      const detail = await json(api(key, 'GET', `/cases/${k.id}`));
      expect(detail.notes.map((n: Json) => n.kind)).toEqual(['note', 'contact', 'event', 'event']);
      expect(detail.notes[2].body).toContain('status: open → waiting_on_customer');
      const closedEvents = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_delivery WHERE event_type = 'case.closed' AND payload::text LIKE $1`,
        [`%${k.id}%`],
      );
      expect(closedEvents[0]!.n).toBe(1);

      // "You told us, we did" with a one-question recovery survey, once.
      const before = sink.received.length;
      const sent = await api(key, 'POST', `/cases/${k.id}/follow-up`, {
        message: 'Sie hatten recht: der Export war kaputt.\nEr ist repariert <3',
      });
      expect(sent.status).toBe(202);
      expect((await api(key, 'POST', `/cases/${k.id}/follow-up`, { message: 'again' })).status).toBe(409);
      await runDue([SEND_INVITATION_QUEUE], new Date());
      await waitFor(async () => sink.received.length > before, 'the email');
      const mail = sink.received.at(-1)!;
      expect(mail.subject).toBe('Sie haben es uns gesagt, wir haben gehandelt: Taskwerk');
      expect(String(mail.html)).toContain(
        'Sie hatten recht: der Export war kaputt.<br>Er ist repariert &lt;3',
      );
      const nine = hrefsOf(String(mail.html)).find((h) => h.endsWith('score=9'))!;
      const page = await app.request(nine.replace(publicUrl, ''));
      expect(page.status).toBeLessThan(400);

      // The contact answered higher: a recovery.
      const metrics = await json(api(key, 'GET', '/metrics/cases?group_by=owner'));
      expect(metrics.overall.opened).toBeGreaterThanOrEqual(1);
      expect(metrics.overall.recovered).toBeGreaterThanOrEqual(1);
      const rep = metrics.groups.find((g: Json) => g.group === 'rep@example.com');
      expect(rep.closed).toBeGreaterThanOrEqual(1);
      expect(rep.median_hours_to_close).not.toBeNull();
      expect(rep.recovery_rate).toBeGreaterThan(0);
      expect((await api(key, 'GET', '/metrics/cases?from=2026-02-01&to=2026-01-01')).status).toBe(400);
    });

    it('every follow-up email has a one-click unsubscribe link; once used, no follow-up and no survey email goes out', async () => {
      await api(key, 'POST', '/webhooks', {
        url: 'http://127.0.0.1:9/unsub',
        events: ['contact.unsubscribed'],
      });
      await api(key, 'PUT', '/playbook', {
        rules: [
          {
            name: 'Promoters',
            categories: ['promoter'],
            actions: [{ kind: 'send_thanks' }, { kind: 'request_testimonial', delay_days: 14 }],
          },
        ],
      });
      const address = 'abmelden@example.com';
      const mine = () => sink.received.filter((m) => m.to && 'text' in m.to && m.to.text.includes(address));
      // Through the API: no invitation behind this answer, so no invitation token to reuse.
      const promoter = await respond(address, 9, { contact: { name: 'Uli Ab' } });
      const t0 = new Date();
      await runDue([RUN_PLAYBOOK_QUEUE], t0);
      await runDue([FOLLOW_UP_EMAIL_QUEUE], t0);
      await waitFor(async () => mine().length === 1, 'the thank-you');
      const thanks = mine()[0]!;
      expect(thanks.subject).toBe('Vielen Dank für Ihr Feedback zu Taskwerk');
      const line = (name: string) => {
        const raw = thanks.headerLines.find((h) => h.key === name)?.line;
        return raw?.slice(raw.indexOf(':') + 1).trim();
      };
      const unsubscribeUrl = /^<(.*)>$/.exec(line('list-unsubscribe') ?? '')?.[1] ?? '';
      expect(unsubscribeUrl).toMatch(new RegExp(`^${publicUrl}/u/[\\w-]{43}$`));
      expect(line('list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
      // The visible footer link (German, like the email) goes to the same URL, in both parts.
      expect(hrefsOf(String(thanks.html))).toContain(unsubscribeUrl);
      expect(String(thanks.html)).toContain('Sie möchten solche E-Mails von Taskwerk nicht mehr erhalten?');
      expect(thanks.text).toContain(`Abmelden: ${unsubscribeUrl}`);
      // The database keeps only a hash of the token.
      const token = unsubscribeUrl.split('/u/')[1]!;
      const stored = await db.query<{ token_hash: string }>(
        'SELECT token_hash FROM contact_unsubscribe_token',
      );
      expect(stored.length).toBeGreaterThanOrEqual(1);
      expect(stored.map((r) => r.token_hash)).not.toContain(token);

      // Opening the link changes nothing; the mail client's one-click POST unsubscribes.
      const path = new URL(unsubscribeUrl).pathname;
      const page = await app.request(path);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<form');
      const oneClick = () =>
        app.request(path, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: 'List-Unsubscribe=One-Click',
        });
      const res = await oneClick();
      expect(res.status).toBe(200);
      expect((await oneClick()).status).toBe(200); // idempotent
      const [contact] = await db.query<{ id: string; unsubscribed_at: Date | null }>(
        'SELECT id, unsubscribed_at FROM contact WHERE workspace_id = $1 AND email = $2',
        [workspaceId, address],
      );
      expect(contact!.unsubscribed_at).toBeInstanceOf(Date);
      const suppressions = (await json(api(key, 'GET', `/suppressions?email=${address}`))).data;
      expect(suppressions).toMatchObject([
        { reason: 'unsubscribed', source: 'one-click', contact_id: contact!.id },
      ]);
      // The same event as the survey email's link, once.
      const events = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_delivery WHERE event_type = 'contact.unsubscribed' AND payload::text LIKE $1`,
        [`%${contact!.id}%`],
      );
      expect(events[0]!.n).toBe(1);

      // The testimonial request 14 days later is not sent.
      const request = (await jobsOf(FOLLOW_UP_EMAIL_QUEUE)).find(
        (j) => j.unique_key === `testimonial_request:${promoter.id}`,
      )!;
      expect(request.state).toBe('queued');
      await runDue([FOLLOW_UP_EMAIL_QUEUE], new Date(t0.getTime() + 15 * DAY));
      expect(
        (await jobsOf(FOLLOW_UP_EMAIL_QUEUE)).find(
          (j) => j.unique_key === `testimonial_request:${promoter.id}`,
        )!.state,
      ).toBe('done');
      // Nor a survey email.
      const invitation = await json(
        api(key, 'POST', '/invitations', {
          survey_id: surveyId,
          contact: { email: address },
          channel: 'email',
          send: true,
        }),
      );
      await runDue([SEND_INVITATION_QUEUE], new Date());
      const after = await json(api(key, 'GET', `/invitations/${invitation.id}`));
      expect(after).toMatchObject({ status: 'skipped', skip_reason: 'unsubscribed' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(mine()).toHaveLength(1);
      await api(key, 'DELETE', '/playbook');
    });

    it('drops a testimonial request whose answer changed category since, and reads only the job’s workspace', async () => {
      await api(key, 'PUT', '/playbook', {
        rules: [
          {
            name: 'Ask everyone happy enough',
            categories: ['promoter', 'passive'],
            actions: [{ kind: 'request_testimonial', delay_days: 1 }],
          },
        ],
      });
      const lowered = await respond('lowered@example.com', 10);
      const passive = await respond('still-passive@example.com', 8, { contact: { locale: 'en' } });
      const t0 = new Date();
      await runDue([RUN_PLAYBOOK_QUEUE], t0);
      const payloads = await db.query<{ payload: Json }>(
        `SELECT payload FROM job WHERE queue = $1 AND unique_key = $2`,
        [FOLLOW_UP_EMAIL_QUEUE, `testimonial_request:${lowered.id}`],
      );
      const payload = payloads[0]!.payload;
      expect(typeof payload === 'string' ? JSON.parse(payload) : payload).toMatchObject({
        category: 'promoter',
      });
      // The customer changed 10 to 8 within the edit window: a passive now, no longer a promoter.
      await db.query('UPDATE response SET score = 8 WHERE id = $1', [lowered.id]);
      // A job naming another workspace finds nothing (nothing is read across workspaces).
      const other = await db.query<{ id: string }>(`SELECT id FROM workspace WHERE name = 'Other'`);
      await enqueue(
        db,
        {
          queue: FOLLOW_UP_EMAIL_QUEUE,
          workspaceId: other[0]!.id,
          payload: { kind: 'thanks', response_id: passive.id },
        },
        { now: t0 },
      );
      const before = sink.received.length;
      await runDue([FOLLOW_UP_EMAIL_QUEUE], new Date(t0.getTime() + 2 * DAY));
      await waitFor(async () => sink.received.length > before, 'the email');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const sent = sink.received.slice(before);
      // Only the passive who is still a passive is asked (the rule names passives too).
      expect(sent.map((m) => (m.to && 'value' in m.to ? m.to.value[0]?.address : ''))).toEqual([
        'still-passive@example.com',
      ]);
      expect(sent[0]!.subject).toBe('Would you share your experience with Taskwerk?');
      await api(key, 'DELETE', '/playbook');
    });

    it('closes an untouched case when the answer is changed to a promoter, and keeps one somebody worked on', async () => {
      const slip = await respond('slip@example.com', 2);
      const worked = await respond('worked@example.com', 3);
      await runDue([RUN_PLAYBOOK_QUEUE], new Date());
      const slipCase = await caseOf(slip.id);
      const workedCase = await caseOf(worked.id);
      await api(key, 'POST', `/cases/${workedCase.id}/notes`, { kind: 'note', body: 'Looking into it' });
      expect((await api(key, 'PATCH', `/responses/${slip.id}`, { score: 9 })).status).toBe(200);
      expect((await api(key, 'PATCH', `/responses/${worked.id}`, { score: 10 })).status).toBe(200);
      const closed = await json(api(key, 'GET', `/cases/${slipCase.id}`));
      expect(closed.case).toMatchObject({
        status: 'closed',
        sla: 'met',
        resolution: 'Closed by Plaudit: the customer changed the answer from 2 to 9.',
      });
      expect(closed.notes.at(-1)).toMatchObject({ kind: 'event', author_name: 'Plaudit' });
      const events = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM webhook_delivery WHERE event_type = 'case.closed' AND payload::text LIKE $1`,
        [`%${slipCase.id}%`],
      );
      expect(events[0]!.n).toBe(1);
      expect((await json(api(key, 'GET', `/cases/${workedCase.id}`))).case.status).toBe('open');
    });

    it('opens a case by hand for a contact, and lists breached cases', async () => {
      const contact = await json(api(key, 'POST', '/contacts', { email: 'manual@example.com' }));
      const res = await api(key, 'POST', '/cases', {
        contact_id: contact.id,
        title: 'Call about renewal',
        due_hours: 1,
      });
      expect(res.status).toBe(201);
      const k = await res.json();
      expect(k).toMatchObject({ title: 'Call about renewal', category: null, status: 'open' });
      expect((await api(key, 'POST', '/cases', {})).status).toBe(400);
      await db.query(`UPDATE follow_up_case SET due_at = now() - interval '1 hour' WHERE id = $1`, [k.id]);
      const breached = await json(api(key, 'GET', '/cases?breached=true'));
      expect(breached.data.map((c: Json) => c.id)).toContain(k.id);
      expect(breached.data.every((c: Json) => c.sla === 'breached')).toBe(true);
      expect(workspaceId).not.toBe('');
    });
  });
}
