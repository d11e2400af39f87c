/**
 * Testimonials end to end, on each database: candidates (promoters who consented and commented),
 * approval (the `testimonial.approved` delivery written in its transaction, the customer's email
 * over real SMTP with a withdrawal link), rejection, the display name, the public widget endpoint
 * (CORS per key, only live testimonials, the honest aggregate, JSON-LD), withdrawal through the
 * link from the email (gone from the endpoint with the next request), and tenant isolation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Mailer } from '../../src/server/channels/email/mailer';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { startJobs } from '../../src/server/jobs/start-jobs';
import type { Worker } from '../../src/server/jobs/worker';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { hrefsOf, mailerFor, startSmtpServer, waitFor } from './helpers/smtp-sink';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

const PUBLIC_URL = 'http://plaudit.test';
const SITE = 'https://www.taskwerk.example';
const COMMENT = 'Wirklich <b>toll</b> <img src=x onerror="window.__xss=1">';

for (const kind of databaseKinds()) {
  describe(`testimonials on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let smtp: Awaited<ReturnType<typeof startSmtpServer>>;
    let worker: Worker;
    let mailer: Mailer;
    const keys = { a: '', b: '' };
    const pk = { a: '', b: '' };
    type Name = 'anna' | 'noConsent' | 'noComment' | 'detractor' | 'nameless';
    const r = {} as Record<Name, string>;
    let workspaceA = '';
    /** The testimonial emails (the playbook may send others through the same worker). */
    const notices = () => smtp.received.filter((m) => (m.messageId ?? '').includes('testimonial.'));

    const call = async (key: string, method: string, path: string, body?: unknown) => {
      const res = await app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, json: (text ? JSON.parse(text) : null) as Json };
    };
    const widget = async (key: string, origin: string | null = SITE, extra = '') => {
      const res = await app.request(`/t/v1/testimonials?key=${key}${extra}`, {
        headers: origin === null ? {} : { origin },
      });
      return { res, json: (await res.json()) as Json };
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}, { publicUrl: PUBLIC_URL }), db, clock: () => new Date() }).app;
      smtp = await startSmtpServer();
      mailer = mailerFor(smtp);
      worker = startJobs(
        { db, publicUrl: PUBLIC_URL, mailer, clock: () => new Date() },
        { pollMinMs: 10, pollMaxMs: 50 },
      );
      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name: name === 'a' ? 'Taskwerk' : 'Other GmbH' });
        if (name === 'a') workspaceA = ws.id;
        keys[name] = (await createApiKey(db, ws.id, 'main')).secret;
        pk[name] = (
          await call(keys[name], 'POST', '/publishable-keys', { name: 'site', allowed_origins: [SITE] })
        ).json.key;
      }
      const survey = (
        await call(keys.a, 'POST', '/surveys', {
          name: 'Relational',
          product_name: 'Taskwerk',
          ask_testimonial_consent: true,
        })
      ).json;
      const anna = (
        await call(keys.a, 'POST', '/contacts', { email: 'anna@example.com', name: 'Anna Becker' })
      ).json;
      const nameless = (await call(keys.a, 'POST', '/contacts', { external_id: 'u-77', locale: 'de' })).json;
      await call(keys.a, 'POST', '/webhooks', {
        url: 'http://127.0.0.1:9/in',
        events: ['testimonial.approved'],
      });
      const respond = async (name: Name, body: Record<string, unknown>) => {
        const res = await call(keys.a, 'POST', '/responses', { survey_id: survey.id, ...body });
        expect(res.status, JSON.stringify(res.json)).toBe(201);
        r[name] = res.json.id;
      };
      await respond('anna', {
        score: 10,
        comment: COMMENT,
        contact_id: anna.id,
        locale: 'de',
        testimonial_consent: true,
      });
      await respond('noConsent', { score: 9, comment: 'Gut', testimonial_consent: false });
      await respond('noComment', { score: 10, testimonial_consent: true });
      await respond('detractor', { score: 2, comment: 'Schlecht', testimonial_consent: true });
      await respond('nameless', {
        score: 9,
        comment: 'Läuft stabil.',
        contact_id: nameless.id,
        locale: 'de',
        testimonial_consent: true,
      });
    }, 60_000);

    afterAll(async () => {
      await worker?.stop();
      await mailer?.close?.();
      await smtp?.close();
      await drop?.();
    });

    it('lists the candidates only, pending, with the default display names', async () => {
      const list = await call(keys.a, 'GET', '/testimonials');
      expect(list.status).toBe(200);
      const byId = new Map((list.json.data as Json[]).map((t) => [t.id, t]));
      expect([...byId.keys()].sort()).toEqual([r.anna, r.nameless].sort());
      expect(byId.get(r.anna)).toMatchObject({
        status: 'pending',
        display_name: 'Anna B.',
        default_display_name: 'Anna B.',
        quote: COMMENT,
        score: 10,
        approved_at: null,
      });
      expect(byId.get(r.nameless).display_name).toBe('Eine Kundin oder ein Kunde');
      expect((await call(keys.a, 'GET', '/testimonials?status=approved')).json.data).toEqual([]);
      // Nothing is public before a moderator approves.
      expect((await widget(pk.a)).json.testimonials).toEqual([]);
      // Not candidates: 409; unknown: 404.
      for (const id of [r.noConsent, r.noComment, r.detractor]) {
        const res = await call(keys.a, 'POST', `/testimonials/${id}/approve`, {});
        expect(res.status).toBe(409);
        expect(res.json.error.code).toBe('not_a_candidate');
      }
      expect((await call(keys.a, 'POST', `/testimonials/${crypto.randomUUID()}/approve`, {})).status).toBe(
        404,
      );
    });

    it('approves: the webhook delivery in the same transaction, the customer mailed once, shown in the widget', async () => {
      const approved = await call(keys.a, 'POST', `/testimonials/${r.anna}/approve`, {});
      expect(approved.status, JSON.stringify(approved.json)).toBe(200);
      expect(approved.json).toMatchObject({ id: r.anna, status: 'approved', display_name: 'Anna B.' });
      expect(approved.json.approved_at).toEqual(expect.any(String));
      const deliveries = await db.query<{ payload: Json }>(
        `SELECT payload FROM webhook_delivery WHERE workspace_id = $1 AND event_type = 'testimonial.approved'`,
        [workspaceA],
      );
      expect(deliveries).toHaveLength(1);
      const payload =
        typeof deliveries[0]!.payload === 'string'
          ? JSON.parse(deliveries[0]!.payload)
          : deliveries[0]!.payload;
      expect(payload.type).toBe('testimonial.approved');
      expect(payload.data.testimonial).toMatchObject({ id: r.anna, status: 'approved', quote: COMMENT });
      // Approving again changes nothing: no second event, no second email.
      expect((await call(keys.a, 'POST', `/testimonials/${r.anna}/approve`, {})).status).toBe(200);
      expect(
        await db.query(`SELECT 1 FROM webhook_delivery WHERE event_type = 'testimonial.approved'`),
      ).toHaveLength(1);

      await waitFor(async () => notices().length === 1, 'the testimonial email');
      const mail = notices()[0]!;
      expect(mail.to && 'text' in mail.to ? mail.to.text : '').toBe('anna@example.com');
      expect(mail.subject).toBe('Danke: Taskwerk zeigt jetzt Ihre Worte');
      // The comment is escaped in the HTML part.
      expect(String(mail.html)).toContain('&lt;b&gt;toll&lt;/b&gt;');
      expect(String(mail.html)).not.toContain('<b>toll');
      expect(mail.text).toContain(COMMENT);

      const { res, json } = await widget(pk.a);
      expect(res.status).toBe(200);
      expect(res.headers.get('access-control-allow-origin')).toBe(SITE);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(json.testimonials).toEqual([
        {
          display_name: 'Anna B.',
          quote: COMMENT,
          score: 10,
          date: expect.stringMatching(/^\d{4}-\d\d-\d\d$/),
        },
      ]);
      // The aggregate counts every response (5: 10, 9, 10, 2, 9), not just the testimonials.
      expect(json.aggregate).toEqual({ rating: 8, count: 5, best: 10, worst: 0 });
      expect(json.item).toEqual({ type: 'Organization', name: 'Taskwerk', url: null });
      expect(json.json_ld).toMatchObject({
        '@context': 'https://schema.org',
        '@type': 'Organization',
        name: 'Taskwerk',
        aggregateRating: {
          '@type': 'AggregateRating',
          ratingValue: 8,
          bestRating: 10,
          worstRating: 0,
          ratingCount: 5,
        },
        review: [{ '@type': 'Review', author: { '@type': 'Person', name: 'Anna B.' }, reviewBody: COMMENT }],
      });
    });

    it('answers the widget endpoint only for the key’s origins, and refuses bad keys and parameters', async () => {
      const other = await widget(pk.a, 'https://evil.example');
      expect(other.res.status).toBe(403);
      expect(other.res.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.json.error.field).toBe('origin');
      // A server rendering the page (no Origin) gets the data without CORS headers.
      const server = await widget(pk.a, null);
      expect(server.res.status).toBe(200);
      expect(server.res.headers.get('access-control-allow-origin')).toBeNull();
      expect((await widget('pk_unknownunknownunknown0000')).res.status).toBe(401);
      expect((await widget(pk.a, SITE, '&limit=0')).json.error.field).toBe('limit');
      expect((await widget(pk.a, SITE, '&nope=1')).json.error.field).toBe('nope');
    });

    it('renames, rejects and sends a changed comment back to moderation', async () => {
      const renamed = await call(keys.a, 'PATCH', `/testimonials/${r.anna}`, {
        display_name: '  Anna  Becker ',
      });
      expect(renamed.json).toMatchObject({ status: 'approved', display_name: 'Anna Becker' });
      expect((await widget(pk.a)).json.testimonials[0].display_name).toBe('Anna Becker');
      expect(
        (await call(keys.a, 'PATCH', `/testimonials/${r.anna}`, { display_name: '   ' })).json.error.field,
      ).toBe('display_name');

      const rejected = await call(keys.a, 'POST', `/testimonials/${r.nameless}/reject`);
      expect(rejected.json).toMatchObject({ status: 'rejected' });
      expect(
        (await call(keys.a, 'GET', '/testimonials?status=rejected')).json.data.map((t: Json) => t.id),
      ).toEqual([r.nameless]);
      // Approve it, then the customer edits the comment: pending again, gone from the widget.
      expect(
        (await call(keys.a, 'POST', `/testimonials/${r.nameless}/approve`, { display_name: 'Kai' })).status,
      ).toBe(200);
      expect((await widget(pk.a)).json.testimonials).toHaveLength(2);
      expect(
        (await call(keys.a, 'PATCH', `/responses/${r.nameless}`, { comment: 'Läuft meistens.' })).status,
      ).toBe(200);
      expect((await widget(pk.a)).json.testimonials.map((t: Json) => t.display_name)).toEqual([
        'Anna Becker',
      ]);
      const pending = (await call(keys.a, 'GET', '/testimonials?status=pending')).json.data;
      expect(pending.map((t: Json) => t.id)).toEqual([r.nameless]);
      expect(pending[0].quote).toBe('Läuft meistens.');
      // No email for a contact without an address.
      expect(notices()).toHaveLength(1);
    });

    it('keeps each workspace to itself', async () => {
      expect((await call(keys.b, 'GET', '/testimonials')).json.data).toEqual([]);
      for (const path of ['approve', 'reject', 'withdraw']) {
        const res = await call(
          keys.b,
          'POST',
          `/testimonials/${r.anna}/${path}`,
          path === 'approve' ? {} : undefined,
        );
        expect(res.status, path).toBe(404);
      }
      expect((await call(keys.b, 'PATCH', `/testimonials/${r.anna}`, { display_name: 'X' })).status).toBe(
        404,
      );
      const b = await widget(pk.b);
      expect(b.json.testimonials).toEqual([]);
      expect(b.json.aggregate.count).toBe(0);
      expect(JSON.stringify(b.json)).not.toContain('Anna');
      expect((await widget(pk.a)).json.testimonials[0].display_name).toBe('Anna Becker');
    });

    it('withdraws through the link from the email: gone from the widget with the next request', async () => {
      const link = hrefsOf(String(notices()[0]!.html)).find((h) => h.includes('/t/withdraw/'))!;
      expect(link).toMatch(new RegExp(`^${PUBLIC_URL}/t/withdraw/[\\w-]{43}$`));
      const path = new URL(link).pathname;
      // The job no longer holds the link once sent.
      await waitFor(async () => {
        const [job] = await db.query<Json>(`SELECT state FROM job WHERE queue = 'send-testimonial-notice'`);
        return job?.state === 'done';
      }, 'the job to finish');
      const [job] = await db.query<Json>(`SELECT payload FROM job WHERE queue = 'send-testimonial-notice'`);
      const payload = typeof job.payload === 'string' ? JSON.parse(job.payload) : job.payload;
      expect(payload.withdraw_url).toBeUndefined();

      const page = await app.request(path);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('&lt;b&gt;toll&lt;/b&gt;');
      expect(html).not.toContain('<img');
      expect(html).toContain(`<form method="post" action="${path}">`);
      expect(html).toContain('Einwilligung widerrufen');
      // GET changed nothing.
      expect((await widget(pk.a)).json.testimonials).toHaveLength(1);

      const posted = await app.request(path, { method: 'POST' });
      expect(posted.status).toBe(303);
      expect(posted.headers.get('location')).toBe(path);
      expect((await widget(pk.a)).json.testimonials).toEqual([]);
      expect((await call(keys.a, 'GET', '/testimonials')).json.data.map((t: Json) => t.id)).toEqual([
        r.nameless,
      ]);
      const [row] = await db.query<Json>('SELECT testimonial_consent FROM response WHERE id = $1', [r.anna]);
      expect(row.testimonial_consent).toBe(false);
      const done = await (await app.request(path)).text();
      expect(done).toContain('Einwilligung widerrufen');
      expect(done).toContain('role="status"');
      expect(done).not.toContain('<form');
      // Once withdrawn, it cannot be approved again.
      expect((await call(keys.a, 'POST', `/testimonials/${r.anna}/approve`, {})).status).toBe(409);
      expect((await app.request('/t/withdraw/not-a-token')).status).toBe(404);
      expect((await app.request(`/t/withdraw/${'x'.repeat(43)}`)).status).toBe(404);
    });

    it('withdraws on the customer’s behalf through the API', async () => {
      expect((await call(keys.a, 'POST', `/testimonials/${r.nameless}/approve`, {})).status).toBe(200);
      expect((await widget(pk.a)).json.testimonials).toHaveLength(1);
      const res = await call(keys.a, 'POST', `/testimonials/${r.nameless}/withdraw`);
      expect(res.status).toBe(200);
      expect(res.json).toMatchObject({ id: r.nameless, withdrawn: true });
      expect((await widget(pk.a)).json.testimonials).toEqual([]);
      expect((await call(keys.a, 'GET', '/testimonials')).json.data).toEqual([]);
    });

    it('names the reviewed item as configured', async () => {
      const put = await call(keys.a, 'PUT', '/testimonial-settings', {
        item_name: 'Taskwerk App',
        item_type: 'SoftwareApplication',
        item_url: 'https://www.taskwerk.example/',
      });
      expect(put.status).toBe(200);
      expect((await call(keys.a, 'GET', '/testimonial-settings')).json).toEqual({
        item_name: 'Taskwerk App',
        item_type: 'SoftwareApplication',
        item_url: 'https://www.taskwerk.example/',
      });
    });
  });
}
