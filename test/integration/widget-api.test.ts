/**
 * The server side of the website widget: publishable keys (REST, secret key), the public widget
 * endpoints `/w/v1/*` (CORS per key, text/plain JSON, rate limits, bots, validation, the
 * deduplicated and group-committed response path, the comment window) and `GET /widget.js`.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerWidgetScriptRoute } from '../../src/server/channels/widget/widget-script-route';
import { type Config, loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;

const ORIGIN = 'https://app.example.com';
const CHROME_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36';
const MINUTE = 60_000;

/** A Database whose statements are counted (to prove refused requests never reach it). */
function counting(db: Database): { db: Database; count: () => number } {
  let n = 0;
  const proxy = new Proxy(db, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (prop === 'query' || prop === 'exec' || prop === 'transaction') {
        return (...args: unknown[]) => {
          n++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return (value as (...a: unknown[]) => unknown).bind(target);
    },
  });
  return { db: proxy, count: () => n };
}

for (const kind of databaseKinds()) {
  describe(`website widget API on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let nowMs = Date.parse('2026-05-04T10:00:00Z');
    const clock = () => new Date(nowMs);
    const apps: ReturnType<typeof createApp>[] = [];
    let main: ReturnType<typeof createApp>;
    const keys = { a: '', b: '' };
    const surveys = { a: '', b: '', archived: '', burst: '' };
    /** Workspace A's publishable key (pk_…) and its id. */
    let pk = '';
    let pkId = '';

    const makeApp = (overrides: Partial<Config>, database: Database = db) => {
      const created = createApp({
        config: loadConfig({}, { trustProxy: 1, widgetRateLimit: 1_000_000, ...overrides }),
        db: database,
        clock,
      });
      apps.push(created);
      return created;
    };

    const api = (key: string, method: string, urlPath: string, body?: unknown) =>
      main.app.request(`/api/v1${urlPath}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    /** A widget request as widget.js sends it: text/plain JSON from a page of ORIGIN. */
    const widget = (
      urlPath: string,
      body: unknown,
      init: {
        origin?: string | null;
        ua?: string | null;
        ip?: string;
        contentType?: string;
        app?: Hono;
      } = {},
    ) => {
      const headers: Record<string, string> = {
        'content-type': init.contentType ?? 'text/plain;charset=UTF-8',
        'x-forwarded-for': init.ip ?? '198.51.100.7',
      };
      const origin = init.origin === undefined ? ORIGIN : init.origin;
      if (origin !== null) headers.origin = origin;
      const ua = init.ua === undefined ? CHROME_UA : init.ua;
      if (ua !== null) headers['user-agent'] = ua;
      return (init.app ?? main.app).request(`/w/v1${urlPath}`, {
        method: 'POST',
        headers,
        body: typeof body === 'string' ? body : JSON.stringify(body),
      });
    };

    const answer = (extra: Record<string, unknown> = {}) => ({
      key: pk,
      id: randomUUID(),
      survey_id: surveys.a,
      visitor_id: 'visitor_abcdefgh1234',
      score: 9,
      ...extra,
    });

    const responsesOf = (surveyId: string) =>
      db.query<Json>(
        `SELECT r.*, c.external_id AS contact_external_id FROM response r LEFT JOIN contact c ON c.id = r.contact_id
         WHERE r.survey_id = $1 ORDER BY r.created_at, r.id`,
        [surveyId],
      );

    const expectError = async (res: Response, status: number, field: string | null) => {
      const text = await res.text();
      expect(res.status, text).toBe(status);
      const body = JSON.parse(text) as Json;
      expect(body.error.field, text).toBe(field);
      expect(typeof body.error.code).toBe('string');
      expect(typeof body.error.message).toBe('string');
      return body;
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      main = makeApp({});
      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name: `Workspace ${name}` });
        keys[name] = (await createApiKey(db, ws.id, 't')).secret;
      }
      const survey = async (key: string, body: Json) => {
        const res = await api(key, 'POST', '/surveys', body);
        expect(res.status).toBe(201);
        return ((await res.json()) as Json).id as string;
      };
      surveys.a = await survey(keys.a, {
        name: 'Website',
        product_name: 'Taskwerk',
        default_locale: 'de',
        brand_color: '#0b7a75',
      });
      surveys.b = await survey(keys.b, { name: 'B', product_name: 'Other' });
      surveys.archived = await survey(keys.a, { name: 'Old', product_name: 'Taskwerk' });
      surveys.burst = await survey(keys.a, { name: 'Burst', product_name: 'Taskwerk' });
      expect(
        (await api(keys.a, 'PATCH', `/surveys/${surveys.archived}`, { status: 'archived' })).status,
      ).toBe(200);
      const created = await api(keys.a, 'POST', '/publishable-keys', {
        name: 'Website',
        allowed_origins: ['https://app.example.com', 'https://*.example.org'],
      });
      const key = (await created.json()) as Json;
      pk = key.key;
      pkId = key.id;
    });
    afterAll(async () => {
      for (const app of apps) await app.close();
      await drop();
    });

    it('creates, lists, changes and revokes publishable keys; bad origins are a 400 naming the field', async () => {
      const res = await api(keys.a, 'POST', '/publishable-keys', {
        name: 'Shop',
        allowed_origins: ['HTTPS://Shop.Example.com:443/', 'https://*.example.net', 'https://*.example.net'],
      });
      expect(res.status).toBe(201);
      const created = (await res.json()) as Json;
      expect(created.key).toMatch(/^pk_[A-Za-z0-9_-]{24}$/);
      expect(created.allowed_origins).toEqual(['https://shop.example.com', 'https://*.example.net']);
      expect(created.revoked_at).toBeNull();
      expect(Object.keys(created).sort()).toEqual([
        'allowed_origins',
        'created_at',
        'id',
        'key',
        'name',
        'revoked_at',
      ]);

      const list = (await (await api(keys.a, 'GET', '/publishable-keys')).json()) as Json;
      expect(list.data.map((k: Json) => k.key)).toEqual([pk, created.key]);
      // Workspace B sees none of them, and cannot change them.
      expect(((await (await api(keys.b, 'GET', '/publishable-keys')).json()) as Json).data).toEqual([]);
      expect((await api(keys.b, 'PATCH', `/publishable-keys/${created.id}`, { name: 'x' })).status).toBe(404);
      expect((await api(keys.b, 'DELETE', `/publishable-keys/${created.id}`)).status).toBe(404);

      const patched = await api(keys.a, 'PATCH', `/publishable-keys/${created.id}`, {
        name: 'Shop 2',
        allowed_origins: ['http://localhost:3000'],
      });
      expect(patched.status).toBe(200);
      expect(await patched.json()).toMatchObject({
        name: 'Shop 2',
        allowed_origins: ['http://localhost:3000'],
      });

      for (const [origins, field] of [
        [['https://example.com/path'], 'allowed_origins.0'],
        [['https://ok.example.com', 'ftp://example.com'], 'allowed_origins.1'],
        [['https://app.*.example.com'], 'allowed_origins.0'],
        [['*'], 'allowed_origins.0'],
        [['null'], 'allowed_origins.0'],
        [[], 'allowed_origins'],
        ['https://example.com', 'allowed_origins'],
      ] as const) {
        await expectError(
          await api(keys.a, 'POST', '/publishable-keys', { name: 'bad', allowed_origins: origins }),
          400,
          field,
        );
      }
      await expectError(
        await api(keys.a, 'POST', '/publishable-keys', { allowed_origins: [ORIGIN] }),
        400,
        'name',
      );
      await expectError(
        await api(keys.a, 'PATCH', `/publishable-keys/${created.id}`, {
          allowed_origins: ['https://a.com?x'],
        }),
        400,
        'allowed_origins.0',
      );
      await expectError(
        await api(keys.a, 'PATCH', `/publishable-keys/${created.id}`, { origins: [ORIGIN] }),
        400,
        'origins',
      );

      // Works until revoked, then 401.
      const body = answer({ key: created.key });
      const ok = await widget('/responses', body, { origin: 'http://localhost:3000' });
      expect(ok.status).toBe(201);
      const revoked = await api(keys.a, 'DELETE', `/publishable-keys/${created.id}`);
      expect(revoked.status).toBe(200);
      expect(((await revoked.json()) as Json).revoked_at).not.toBeNull();
      await expectError(
        await widget('/responses', answer({ key: created.key }), { origin: 'http://localhost:3000' }),
        401,
        'key',
      );
      await expectError(
        await widget(
          '/surveys/config',
          { key: created.key, survey_id: surveys.a },
          { origin: 'http://localhost:3000' },
        ),
        401,
        'key',
      );
      await expectError(await widget('/responses', answer({ key: 'pk_unknownunknownunknown1' })), 401, 'key');
      await expectError(await widget('/responses', answer({ key: 'plk_secret' })), 401, 'key');
      const list2 = (await (await api(keys.a, 'GET', '/publishable-keys')).json()) as Json;
      expect(list2.data.find((k: Json) => k.id === created.id).revoked_at).not.toBeNull();
      expect(list2.data.find((k: Json) => k.id === pkId).revoked_at).toBeNull();
    });

    it("answers only the key's allowed origins, with Access-Control-Allow-Origin and Vary: Origin", async () => {
      const before = (await responsesOf(surveys.a)).length;
      for (const origin of [ORIGIN, 'https://shop.example.org', 'https://a.b.example.org']) {
        const res = await widget('/surveys/config', { key: pk, survey_id: surveys.a }, { origin });
        expect(res.status, origin).toBe(200);
        expect(res.headers.get('access-control-allow-origin')).toBe(origin);
        expect(res.headers.get('vary')).toMatch(/Origin/);
      }
      for (const origin of [
        'https://evil.example.com',
        'http://app.example.com',
        'https://app.example.com:8443',
        'https://example.org',
        'https://app.example.com.evil.net',
        'null',
      ]) {
        const res = await widget('/responses', answer(), { origin });
        expect(res.headers.get('access-control-allow-origin'), origin).toBeNull();
        const body = await expectError(res, 403, 'origin');
        expect(body.error.code).toBe('origin_not_allowed');
      }
      await expectError(await widget('/responses', answer(), { origin: null }), 403, 'origin');

      // A preflight (which browsers skip for text/plain) is answered for allowed origins only.
      const preflight = (origin: string) =>
        main.app.request('/w/v1/responses', {
          method: 'OPTIONS',
          headers: {
            origin,
            'access-control-request-method': 'POST',
            'access-control-request-headers': 'content-type',
          },
        });
      const allowed = await preflight('https://shop.example.org');
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://shop.example.org');
      expect(allowed.headers.get('access-control-allow-methods')).toMatch(/POST/);
      expect(allowed.headers.get('access-control-allow-headers')?.toLowerCase()).toMatch(/content-type/);
      const refused = await preflight('https://evil.example.com');
      expect(refused.status).toBe(403);
      expect(refused.headers.get('access-control-allow-origin')).toBeNull();
      // A key created later answers preflights of its origins at once.
      expect((await preflight('https://later.example.com')).status).toBe(403);
      await api(keys.b, 'POST', '/publishable-keys', {
        name: 'B',
        allowed_origins: ['https://later.example.com'],
      });
      expect((await preflight('https://later.example.com')).status).toBe(204);
      // ...but B's key does not let a page of B's origin use A's key.
      await expectError(
        await widget('/responses', answer(), { origin: 'https://later.example.com' }),
        403,
        'origin',
      );
      expect(await responsesOf(surveys.a)).toHaveLength(before);
    });

    it('takes JSON as text/plain (no preflight needed) or application/json, nothing else', async () => {
      // text/plain is a CORS-safelisted content type: a cross-origin fetch with it sends no preflight.
      const plain = await widget(
        '/surveys/config',
        { key: pk, survey_id: surveys.a },
        { contentType: 'text/plain' },
      );
      expect(plain.status).toBe(200);
      const json = await widget(
        '/surveys/config',
        { key: pk, survey_id: surveys.a },
        { contentType: 'application/json' },
      );
      expect(json.status).toBe(200);
      const form = await widget('/surveys/config', 'key=pk', {
        contentType: 'application/x-www-form-urlencoded',
      });
      expect(form.status).toBe(415);
      for (const text of ['{"key":', '', 'null', '[]', '42']) {
        const res = await widget('/surveys/config', text);
        expect(res.status, text).toBe(400);
        expect(((await res.json()) as Json).error.code).toBe('invalid_json');
      }
    });

    it('resolves the texts of the survey in German and English, else its default locale', async () => {
      const config = async (locale?: string) => {
        const res = await widget('/surveys/config', { key: pk, survey_id: surveys.a, locale });
        expect(res.status).toBe(200);
        return (await res.json()) as Json;
      };
      const de = await config('de-DE');
      expect(de).toEqual({
        survey_id: surveys.a,
        locale: 'de',
        question: 'Wie wahrscheinlich ist es, dass Sie Taskwerk einem Freund oder Kollegen weiterempfehlen?',
        follow_up_promoter: 'Was ist der Hauptgrund für Ihre Bewertung?',
        follow_up_passive: 'Was ist der Hauptgrund für Ihre Bewertung?',
        follow_up_detractor: 'Was ist der Hauptgrund für Ihre Bewertung?',
        thank_you: 'Vielen Dank für Ihr Feedback!',
        low_label: 'Überhaupt nicht wahrscheinlich',
        high_label: 'Äußerst wahrscheinlich',
        close_label: 'Schließen',
        send_label: 'Senden',
        comment_placeholder: 'Ihr Kommentar (optional)',
        testimonial_consent: null,
        widget: {
          triggers: [],
          sampling_percent: 100,
          delay_seconds: 0,
          position: 'bottom-right',
          // The whole palette, derived on the server (core/widget-settings.ts widgetPalette).
          colors: {
            brand: '#0b57d0',
            background: '#ffffff',
            text: '#1f2328',
            on_brand: '#ffffff',
            muted: '#6d7073',
            line: '#8f9194',
          },
        },
        eligibility: { ask: true },
      });
      const en = await config('en-US');
      expect(en.locale).toBe('en');
      expect(en.question).toBe(
        'How likely is it that you would recommend Taskwerk to a friend or colleague?',
      );
      expect(en.send_label).toBe('Send');
      expect(en.low_label).toBe('Not at all likely');
      // French is not among the survey's texts: its default locale (German) is used.
      expect((await config('fr')).locale).toBe('de');
      expect((await config()).question).toBe(de.question);

      // Unknown, archived and other workspaces' surveys are all simply not found.
      for (const id of [randomUUID(), surveys.archived, surveys.b]) {
        await expectError(await widget('/surveys/config', { key: pk, survey_id: id }), 404, 'survey_id');
      }
      await expectError(await widget('/surveys/config', { key: pk, survey_id: 'x' }), 400, 'survey_id');
      await expectError(
        await widget('/surveys/config', { key: pk, survey_id: surveys.a, locale: 'not a locale' }),
        400,
        'locale',
      );
    });

    it('stores an answer once per widget id (201, then 200), with channel widget and the identified contact', async () => {
      const nBefore = (await responsesOf(surveys.a)).length;
      const body = answer({
        score: 10,
        locale: 'en-GB',
        url: 'https://app.example.com/settings/billing?token=secret#plans',
        user: {
          id: 'user-4711',
          email: 'Anna@Example.de',
          name: 'Anna Müller',
          locale: 'de',
          traits: { plan: 'pro', seats: 12, trial: false },
        },
      });
      const first = await widget('/responses', body);
      expect(first.status).toBe(201);
      expect(await first.json()).toEqual({ id: body.id, duplicate: false });
      expect(first.headers.get('access-control-allow-origin')).toBe(ORIGIN);
      const again = await widget('/responses', body);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ id: body.id, duplicate: true });

      const rows = (await responsesOf(surveys.a)).filter(
        (r: Json) => r.idempotency_key === `widget:${body.id}`,
      );
      expect(rows).toHaveLength(1);
      const row = rows[0];
      expect(row.channel).toBe('widget');
      expect(row.score).toBe(10);
      expect(row.locale).toBe('en');
      expect(row.contact_external_id).toBe('user-4711');
      expect(row.attributes).toMatchObject({
        visitor_id: 'visitor_abcdefgh1234',
        page_url: '/settings/billing',
        plan: 'pro',
        seats: 12,
        trial: false,
      });
      expect(JSON.stringify(row.attributes)).not.toContain('secret');
      const [contact] = await db.query<Json>('SELECT * FROM contact WHERE id = $1', [row.contact_id]);
      expect(contact).toMatchObject({
        external_id: 'user-4711',
        email: 'anna@example.de',
        name: 'Anna Müller',
        locale: 'de',
      });
      expect(contact.attributes).toEqual({ plan: 'pro', seats: 12, trial: false });

      // The same user again is the same contact, updated; the metrics count the widget channel.
      const second = answer({ score: 3, user: { id: 'user-4711', traits: { plan: 'enterprise' } } });
      expect((await widget('/responses', second)).status).toBe(201);
      const contacts = await db.query<Json>("SELECT * FROM contact WHERE external_id = 'user-4711'");
      expect(contacts).toHaveLength(1);
      expect(contacts[0].attributes.plan).toBe('enterprise');
      expect(contacts[0].email).toBe('anna@example.de');

      // Without a user: no contact, the visitor id kept as a property.
      const anonymous = answer({ score: 7 });
      expect((await widget('/responses', anonymous)).status).toBe(201);
      const [anon] = (await responsesOf(surveys.a)).filter(
        (r: Json) => r.idempotency_key === `widget:${anonymous.id}`,
      );
      expect(anon.contact_id).toBeNull();
      expect(anon.attributes).toEqual({ visitor_id: 'visitor_abcdefgh1234' });

      const metrics = (await (
        await api(keys.a, 'GET', `/metrics/nps?survey_id=${surveys.a}&channel=widget`)
      ).json()) as Json;
      expect(metrics.n).toBe(nBefore + 3);
    });

    it('adds the comment to the stored answer within 30 minutes, not after', async () => {
      const body = answer({ score: 4 });
      expect((await widget('/responses', body)).status).toBe(201);
      nowMs += 10 * MINUTE;
      const res = await widget('/responses', { ...body, comment: '  Zu langsam beim Export  ' });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ id: body.id, duplicate: true, updated: true });
      const rows = (await responsesOf(surveys.a)).filter(
        (r: Json) => r.idempotency_key === `widget:${body.id}`,
      );
      expect(rows).toHaveLength(1);
      expect(rows[0].comment).toBe('Zu langsam beim Export');
      expect(rows[0].score).toBe(4);

      nowMs += 21 * MINUTE;
      const late = await widget('/responses', { ...body, comment: 'changed my mind' });
      const error = await expectError(late, 409, 'comment');
      expect(error.error.code).toBe('edit_window_over');
      const [after] = (await responsesOf(surveys.a)).filter(
        (r: Json) => r.idempotency_key === `widget:${body.id}`,
      );
      expect(after.comment).toBe('Zu langsam beim Export');
      // A retry without a comment is still just a duplicate.
      expect((await widget('/responses', body)).status).toBe(200);
    });

    it('asks promoters of a consent survey for testimonial consent and stores it with the comment, only for 9-10', async () => {
      expect(
        (await (await widget('/surveys/config', { key: pk, survey_id: surveys.a })).json())
          .testimonial_consent,
      ).toBeNull();
      const res = await api(keys.a, 'POST', '/surveys', {
        name: 'Consent',
        product_name: 'Taskwerk',
        ask_testimonial_consent: true,
      });
      expect(res.status).toBe(201);
      const survey = ((await res.json()) as Json).id as string;
      const config = async (locale: string) =>
        ((await (await widget('/surveys/config', { key: pk, survey_id: survey, locale })).json()) as Json)
          .testimonial_consent;
      expect(await config('de')).toBe(
        'Sie dürfen meinen Kommentar mit meinem Vornamen und Initial öffentlich zitieren.',
      );
      expect(await config('en')).toBe('You may quote my comment publicly with my first name and initial.');

      const promoter = answer({ survey_id: survey, score: 10 });
      expect((await widget('/responses', promoter)).status).toBe(201);
      const withComment = { ...promoter, comment: 'Best onboarding ever', testimonial_consent: true };
      expect((await widget('/responses', withComment)).status).toBe(200);
      const passive = answer({ survey_id: survey, score: 8 });
      expect((await widget('/responses', passive)).status).toBe(201);
      expect(
        (await widget('/responses', { ...passive, comment: 'ok', testimonial_consent: true })).status,
      ).toBe(200);
      const rows = await responsesOf(survey);
      const of = (id: string) => rows.find((r: Json) => r.idempotency_key === `widget:${id}`)!;
      expect(of(promoter.id)).toMatchObject({ comment: 'Best onboarding ever', testimonial_consent: true });
      expect(of(promoter.id).testimonial_consent_at).not.toBeNull();
      // Consent is only asked of promoters: a passive's is not stored.
      expect(of(passive.id)).toMatchObject({ comment: 'ok', testimonial_consent: null });
      await expectError(
        await widget('/responses', { ...answer(), testimonial_consent: 'yes' }),
        400,
        'testimonial_consent',
      );
    });

    it('refuses wrong fields with a 400 naming the field, writing nothing', async () => {
      const before = (await responsesOf(surveys.a)).length;
      const cases: [Record<string, unknown>, string][] = [
        [{ score: 11 }, 'score'],
        [{ score: 7.5 }, 'score'],
        [{ score: '9' }, 'score'],
        [{ id: 'not-a-uuid' }, 'id'],
        [{ survey_id: 42 }, 'survey_id'],
        [{ visitor_id: 'short' }, 'visitor_id'],
        [{ visitor_id: 'has spaces in it' }, 'visitor_id'],
        [{ comment: 'x'.repeat(5001) }, 'comment'],
        [{ url: `https://app.example.com/${'a'.repeat(2000)}` }, 'url'],
        [{ locale: 42 }, 'locale'],
        [{ user: { email: 'a@b.de' } }, 'user.id'],
        [{ user: { id: 'u1', email: 'not an email' } }, 'user.email'],
        [{ user: { id: 'u1', traits: { nested: { a: 1 } } } }, 'user.traits.nested'],
        [{ user: { id: 'u1', password: 'x' } }, 'user.password'],
        [{ honeypot: '' }, 'honeypot'],
        [{ comment: 'a\u0000b' }, 'comment'],
        [{ key: 42 }, 'key'],
      ];
      for (const [extra, field] of cases) {
        await expectError(await widget('/responses', answer(extra)), 400, field);
      }
      for (const field of ['id', 'survey_id', 'visitor_id', 'score', 'key']) {
        const body: Record<string, unknown> = answer();
        delete body[field];
        await expectError(await widget('/responses', body), 400, field);
      }
      expect(await responsesOf(surveys.a)).toHaveLength(before);
    });

    it("keeps other workspaces' surveys out of reach (404) and writes nothing there", async () => {
      await expectError(await widget('/responses', answer({ survey_id: surveys.b })), 404, 'survey_id');
      await expectError(
        await widget('/responses', answer({ survey_id: surveys.archived })),
        404,
        'survey_id',
      );
      expect(await responsesOf(surveys.b)).toHaveLength(0);
      expect(await responsesOf(surveys.archived)).toHaveLength(0);
    });

    it('refuses bodies over 16 KB with 413', async () => {
      const res = await widget('/responses', answer({ comment: 'x'.repeat(17 * 1024) }));
      expect(res.status).toBe(413);
      expect(((await res.json()) as Json).error.code).toBe('payload_too_large');
      // Just under the limit is read (and refused for the comment's length, not the body's size).
      await expectError(
        await widget('/responses', answer({ comment: 'x'.repeat(15 * 1024) })),
        400,
        'comment',
      );
    });

    it('drops crawlers with 202 and writes nothing', async () => {
      const before = (await responsesOf(surveys.a)).length;
      for (const ua of [
        null,
        'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
        'facebookexternalhit/1.1',
      ]) {
        const res = await widget('/responses', answer(), { ua });
        expect(res.status, String(ua)).toBe(202);
        expect(await res.json()).toEqual({ dropped: true });
      }
      expect(await responsesOf(surveys.a)).toHaveLength(before);
      // Headless Chrome and curl are not crawlers.
      const headless = CHROME_UA.replace('Chrome/', 'HeadlessChrome/');
      expect((await widget('/responses', answer(), { ua: headless })).status).toBe(201);
      expect((await widget('/responses', answer(), { ua: 'curl/8.5.0' })).status).toBe(201);
    });

    it('accepts the first N of a burst of 1,000 from one address and refuses the rest with 429 before the database', async () => {
      const LIMIT = 50;
      const counted = counting(db);
      const { app } = makeApp({ widgetRateLimit: LIMIT }, counted.db);
      const send = (ip: string) =>
        widget('/responses', answer({ survey_id: surveys.burst }), { app, ip, origin: ORIGIN });
      const results = await Promise.all(Array.from({ length: 1000 }, () => send('203.0.113.9')));
      const statuses = results.map((r) => r.status);
      expect(statuses.filter((s) => s === 201)).toHaveLength(LIMIT);
      expect(statuses.filter((s) => s === 429)).toHaveLength(1000 - LIMIT);
      for (const res of results.filter((r) => r.status === 429)) {
        expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      const refused = results.find((r) => r.status === 429)!;
      expect(((await refused.json()) as Json).error.code).toBe('rate_limited');
      expect(await responsesOf(surveys.burst)).toHaveLength(LIMIT);

      // Once the limit is reached, refused requests never reach the database.
      const queriesBefore = counted.count();
      const more = await Promise.all(Array.from({ length: 200 }, () => send('203.0.113.9')));
      expect(more.every((r) => r.status === 429)).toBe(true);
      expect(counted.count()).toBe(queriesBefore);
      // Another address has its own allowance; and the window passes.
      expect((await send('203.0.113.10')).status).toBe(201);
      nowMs += 2 * MINUTE;
      expect((await send('203.0.113.9')).status).toBe(201);
      expect(await responsesOf(surveys.burst)).toHaveLength(LIMIT + 2);
    });

    it('stores tracked events once per id, of the visitor and the identified contact, and runs no trigger rules', async () => {
      // A trigger rule for the event name: an API event would queue an email; a widget event must not.
      const rule = await api(keys.a, 'POST', '/trigger-rules', {
        name: 'After checkout',
        event_name: 'checkout_completed',
        survey_id: surveys.a,
        delay_minutes: 0,
      });
      expect(rule.status, await rule.clone().text()).toBe(201);
      const event = (extra: Json = {}) => ({
        key: pk,
        id: randomUUID(),
        name: 'checkout_completed',
        visitor_id: 'visitor_events_1234',
        ...extra,
      });
      const anonymous = event({
        properties: { total: 49.9, coupon: 'SPRING' },
        url: 'https://app.example.com/cart?x=secret#y',
      });
      const first = await widget('/events', anonymous);
      expect(first.status, await first.clone().text()).toBe(201);
      expect(await first.json()).toEqual({ id: anonymous.id, duplicate: false });
      const again = await widget('/events', anonymous);
      expect(again.status).toBe(200);
      expect(await again.json()).toEqual({ id: anonymous.id, duplicate: true });

      const identified = event({
        user: { id: 'cust-events-1', email: 'events@example.com', traits: { plan: 'pro' } },
      });
      expect((await widget('/events', identified)).status).toBe(201);

      const rows = await db.query<Json>(
        `SELECT e.*, c.external_id AS contact_external_id FROM event e LEFT JOIN contact c ON c.id = e.contact_id
         WHERE e.visitor_id = 'visitor_events_1234' ORDER BY e.received_at, e.external_id`,
      );
      expect(rows).toHaveLength(2);
      const byId = new Map(rows.map((r) => [r.external_id, r]));
      const a = byId.get(`widget:${anonymous.id}`)!;
      expect(a).toMatchObject({ name: 'checkout_completed', source: 'widget', contact_id: null });
      // The page path only: query string and fragment may carry personal data.
      expect(a.properties).toEqual({ total: 49.9, coupon: 'SPRING', page_url: '/cart' });
      expect(a.outcomes).toEqual([]);
      const b = byId.get(`widget:${identified.id}`)!;
      expect(b.contact_external_id).toBe('cust-events-1');
      expect(b.outcomes).toEqual([]);
      // No invitation was queued by the rule.
      const invitations = await db.query('SELECT 1 FROM invitation WHERE event_id = ANY($1::uuid[])', [
        rows.map((r) => r.id),
      ]);
      expect(invitations).toHaveLength(0);

      // The API lists them with their source and visitor; workspace B sees none.
      const listed = (await (await api(keys.a, 'GET', '/events?name=checkout_completed')).json()) as Json;
      const mine = listed.data.filter((e: Json) => e.visitor_id === 'visitor_events_1234');
      expect(mine.map((e: Json) => e.source)).toEqual(['widget', 'widget']);
      expect(((await (await api(keys.b, 'GET', '/events')).json()) as Json).data).toEqual([]);

      // Bad fields are a 400 naming them; nothing is written.
      for (const [body, field] of [
        [event({ name: 'has space' }), 'name'],
        [event({ name: '' }), 'name'],
        [event({ id: 'nope' }), 'id'],
        [event({ properties: { nested: { a: 1 } } }), 'properties.nested'],
        [event({ visitor_id: 'x' }), 'visitor_id'],
        [{ ...event(), extra: 1 }, 'extra'],
      ] as const) {
        await expectError(await widget('/events', body), 400, field);
      }
      const count = await db.query<Json>("SELECT count(*)::int AS n FROM event WHERE source = 'widget'");
      expect(count[0]!.n).toBe(2);
    });

    it('gives events their own per-address allowance, so tracking never locks a visitor out of answering', async () => {
      const { app } = makeApp({ widgetRateLimit: 3 });
      const ip = '203.0.113.77';
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) {
        const res = await widget(
          '/events',
          { key: pk, id: randomUUID(), name: 'page_seen', visitor_id: 'visitor_limit_1234' },
          { app, ip },
        );
        statuses.push(res.status);
      }
      expect(statuses).toEqual([201, 201, 201, 429, 429]);
      expect((await widget('/responses', answer(), { app, ip })).status).toBe(201);
    });

    it('limits requests per key across addresses', async () => {
      const { app } = makeApp({ widgetKeyRateLimit: 5 });
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++) {
        const res = await widget(
          '/surveys/config',
          { key: pk, survey_id: surveys.a },
          { app, ip: `192.0.2.${i}` },
        );
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    });

    it('works over real HTTP: a text/plain POST with an Origin, and 413 for a streamed large body', async () => {
      const created = makeApp({});
      const server = serve({ fetch: created.app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      try {
        const body = answer({ score: 8 });
        const post = (text: string) =>
          fetch(`${base}/w/v1/responses`, {
            method: 'POST',
            headers: { 'content-type': 'text/plain;charset=UTF-8', origin: ORIGIN, 'user-agent': CHROME_UA },
            body: text,
          });
        const res = await post(JSON.stringify(body));
        expect(res.status).toBe(201);
        expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect(await res.json()).toEqual({ id: body.id, duplicate: false });
        const large = await post(JSON.stringify(answer({ comment: 'y'.repeat(20_000) })));
        expect(large.status).toBe(413);
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    // Last in this block: these tests move the clock by weeks.
    describe('widget settings, eligibility and dismissals', () => {
      let survey = '';
      let pkB = '';
      const DAY = 24 * 60 * MINUTE;
      const config = async (extra: Record<string, unknown> = {}, surveyId = survey) => {
        const res = await widget('/surveys/config', { key: pk, survey_id: surveyId, ...extra });
        const text = await res.text();
        expect(res.status, text).toBe(200);
        return JSON.parse(text) as Json;
      };
      const dismiss = (extra: Record<string, unknown> = {}) =>
        widget('/dismissals', { key: pk, survey_id: survey, visitor_id: 'dismisser_0001', ...extra });
      const dismissalsOf = (surveyId: string) =>
        db.query<Json>('SELECT * FROM widget_dismissal WHERE survey_id = $1', [surveyId]);

      beforeAll(async () => {
        const res = await api(keys.a, 'POST', '/surveys', {
          name: 'Widget',
          product_name: 'Taskwerk',
          default_locale: 'en',
        });
        survey = ((await res.json()) as Json).id;
        const created = await api(keys.b, 'POST', '/publishable-keys', {
          name: 'B site',
          allowed_origins: [ORIGIN],
        });
        pkB = ((await created.json()) as Json).key;
      });

      it('GET gives the defaults, PUT stores validated settings with contrast warnings', async () => {
        const defaults = await api(keys.a, 'GET', `/surveys/${survey}/widget`);
        expect(defaults.status).toBe(200);
        expect(await defaults.json()).toEqual({
          triggers: [],
          sampling_percent: 100,
          delay_seconds: 0,
          position: 'bottom-right',
          texts: {},
          colors: { brand: '#0b57d0', background: '#ffffff', text: '#1f2328' },
          dismiss_cooldown_days: 30,
          warnings: [],
        });

        const settings = {
          triggers: [
            { kind: 'page_view', url_pattern: '/checkout/*' },
            { kind: 'event', name: 'order.completed' },
            { kind: 'seconds_on_page', seconds: 20 },
            { kind: 'scroll_depth', percent: 60 },
          ],
          delay_seconds: 3,
          position: 'bottom-left',
          texts: { en: { question: 'How was checkout?' }, de: { thank_you: 'Danke!' } },
          colors: { brand: '#FFFF00', background: '#ffffff', text: '#999999' },
        };
        const put = await api(keys.a, 'PUT', `/surveys/${survey}/widget`, settings);
        const stored = (await put.json()) as Json;
        expect(put.status, JSON.stringify(stored)).toBe(200);
        expect(stored).toMatchObject({
          ...settings,
          sampling_percent: 100,
          dismiss_cooldown_days: 30,
          colors: { brand: '#ffff00', background: '#ffffff', text: '#999999' },
        });
        expect(stored.warnings).toEqual([
          { field: 'colors.text', message: 'text on background has contrast 2.8:1; WCAG 2.2 AA needs 4.5:1' },
          {
            field: 'colors.brand',
            message: expect.stringMatching(/^brand colour on background has contrast 1\.0:1/),
          },
        ]);
        expect(await (await api(keys.a, 'GET', `/surveys/${survey}/widget`)).json()).toEqual(stored);

        for (const [body, field] of [
          [{ triggers: [{ kind: 'page_view', url_pattern: 'checkout' }] }, 'triggers.0.url_pattern'],
          [
            {
              triggers: [
                { kind: 'event', name: 'x' },
                { kind: 'scroll_depth', percent: 0 },
              ],
            },
            'triggers.1.percent',
          ],
          [{ triggers: [{ kind: 'nope' }] }, 'triggers.0.kind'],
          [{ sampling_percent: 101 }, 'sampling_percent'],
          [{ sampling_percent: '5' }, 'sampling_percent'],
          [{ delay_seconds: 601 }, 'delay_seconds'],
          [{ position: 'top' }, 'position'],
          [{ colors: { text: 'black' } }, 'colors.text'],
          [{ texts: { en: { question: '' } } }, 'texts.en.question'],
          [{ dismiss_cooldown_days: 400 }, 'dismiss_cooldown_days'],
          [{ colour: {} }, 'colour'],
        ] as const) {
          await expectError(await api(keys.a, 'PUT', `/surveys/${survey}/widget`, body), 400, field);
        }
        // Refused PUTs changed nothing.
        expect(await (await api(keys.a, 'GET', `/surveys/${survey}/widget`)).json()).toEqual(stored);

        // The config carries the settings and the widget's texts over the survey's.
        const en = await config({ locale: 'en' });
        expect(en.widget).toEqual({
          triggers: settings.triggers,
          sampling_percent: 100,
          delay_seconds: 3,
          position: 'bottom-left',
          // Text that fails AA stays as it is for the end labels and borders (the PUT warned).
          colors: { ...stored.colors, on_brand: '#000000', muted: '#999999', line: '#999999' },
        });
        expect(en.question).toBe('How was checkout?');
        expect(en.thank_you).toBe('Thank you for your feedback!');
        const de = await config({ locale: 'de' });
        expect(de.thank_you).toBe('Danke!');
        expect(de.question).toMatch(/^Wie wahrscheinlich/);
        expect(Object.keys(de).sort()).toContain('eligibility');
      });

      it('asks a fresh visitor, not one who answered (recently_surveyed until the policy allows)', async () => {
        const visitor = 'fresh_visitor_0001';
        expect((await config({ visitor_id: visitor })).eligibility).toEqual({ ask: true });
        const answered = await widget('/responses', answer({ survey_id: survey, visitor_id: visitor }));
        expect(answered.status).toBe(201);
        expect((await config({ visitor_id: visitor })).eligibility).toEqual({
          ask: false,
          reason: 'recently_surveyed',
          until: new Date(nowMs + 90 * DAY).toISOString(),
        });
        // Another visitor is not affected.
        expect((await config({ visitor_id: 'other_visitor_0001' })).eligibility).toEqual({ ask: true });
        await expectError(
          await widget('/surveys/config', { key: pk, survey_id: survey, visitor_id: 'x' }),
          400,
          'visitor_id',
        );
        await expectError(
          await widget('/surveys/config', { key: pk, survey_id: survey, user: { name: 'x' } }),
          400,
          'user.id',
        );
      });

      it('stores dismissals and waits the cooldown after one, across devices of a known user', async () => {
        const before = (await dismissalsOf(survey)).length;
        const res = await dismiss();
        expect(res.status).toBe(201);
        expect(res.headers.get('access-control-allow-origin')).toBe(ORIGIN);
        expect(await res.json()).toEqual({ survey_id: survey, dismissed_at: new Date(nowMs).toISOString() });
        expect(await dismissalsOf(survey)).toHaveLength(before + 1);
        const until = new Date(nowMs + 30 * DAY).toISOString();
        expect((await config({ visitor_id: 'dismisser_0001' })).eligibility).toEqual({
          ask: false,
          reason: 'recently_dismissed',
          until,
        });

        // A known user's dismissal counts for the same user on another device.
        await api(keys.a, 'POST', '/contacts', { external_id: 'dismiss-user', email: 'dismiss@example.com' });
        expect((await dismiss({ visitor_id: 'device_one_0001', user: { id: 'dismiss-user' } })).status).toBe(
          201,
        );
        expect(
          (await config({ visitor_id: 'device_two_0001', user: { id: 'dismiss-user' } })).eligibility,
        ).toMatchObject({ ask: false, reason: 'recently_dismissed' });

        // Refused like every widget request: fields, origin, bots, other workspaces' surveys.
        await expectError(await dismiss({ visitor_id: undefined }), 400, 'visitor_id');
        await expectError(await dismiss({ extra: 1 }), 400, 'extra');
        await expectError(await dismiss({ survey_id: surveys.archived }), 404, 'survey_id');
        await expectError(
          await widget(
            '/dismissals',
            { key: pk, survey_id: survey, visitor_id: 'dismisser_0001' },
            { origin: 'https://evil.example.com' },
          ),
          403,
          'origin',
        );
        const bot = await widget(
          '/dismissals',
          { key: pk, survey_id: survey, visitor_id: 'dismisser_0001' },
          { ua: 'Googlebot/2.1' },
        );
        expect(bot.status).toBe(202);
        expect(await dismissalsOf(survey)).toHaveLength(before + 2);

        // Past the cooldown, asked again.
        nowMs += 30 * DAY + MINUTE;
        expect((await config({ visitor_id: 'dismisser_0001' })).eligibility).toEqual({ ask: true });
      });

      it('does not ask an identified contact surveyed by email 10 days ago (any channel counts)', async () => {
        const created = await api(keys.a, 'POST', '/contacts', {
          external_id: 'user-42',
          email: 'u42@example.com',
        });
        expect(created.status).toBeLessThan(300);
        const contact = (await created.json()) as Json;
        const sentAt = new Date(nowMs - 10 * DAY);
        await db.query(
          `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, sent_at, created_at)
           SELECT workspace_id, id, $2, $3, 'email', $4, 'sent', $5, $5 FROM survey WHERE id = $1`,
          [surveys.a, contact.id, `tok-${randomUUID()}`, new Date(nowMs + 20 * DAY), sentAt],
        );
        const eligibility = (await config({ visitor_id: 'new_device_0042', user: { id: 'user-42' } }))
          .eligibility;
        expect(eligibility).toEqual({
          ask: false,
          reason: 'recently_surveyed',
          until: new Date(sentAt.getTime() + 90 * DAY).toISOString(),
        });
        // The same browser without identify knows nothing of the email.
        expect((await config({ visitor_id: 'new_device_0042' })).eligibility).toEqual({ ask: true });
        // A survey's fatigue policy of 0 days turns the rule off.
        expect((await api(keys.a, 'PATCH', `/surveys/${survey}`, { fatigue_days: 0 })).status).toBe(200);
        expect(
          (await config({ visitor_id: 'new_device_0042', user: { id: 'user-42' } })).eligibility,
        ).toEqual({ ask: true });
        expect((await api(keys.a, 'PATCH', `/surveys/${survey}`, { fatigue_days: null })).status).toBe(200);
      });

      it('samples visitors: 0 % asks nobody', async () => {
        const put = await api(keys.a, 'PUT', `/surveys/${survey}/widget`, { sampling_percent: 0 });
        expect(put.status).toBe(200);
        for (const visitor of ['sample_a_0001', 'sample_b_0002', 'sample_c_0003']) {
          expect((await config({ visitor_id: visitor })).eligibility).toEqual({
            ask: false,
            reason: 'not_sampled',
          });
        }
        expect((await config({ visitor_id: 'sample_a_0001' })).widget.sampling_percent).toBe(0);
      });

      it("keeps the settings and dismissals of one workspace out of another's reach", async () => {
        const before = await api(keys.a, 'GET', `/surveys/${survey}/widget`);
        await expectError(await api(keys.b, 'GET', `/surveys/${survey}/widget`), 404, 'id');
        await expectError(
          await api(keys.b, 'PUT', `/surveys/${survey}/widget`, { sampling_percent: 100 }),
          404,
          'id',
        );
        await expectError(await api(keys.a, 'GET', `/surveys/${randomUUID()}/widget`), 404, 'id');
        await expectError(await api(keys.a, 'GET', '/surveys/not-a-uuid/widget'), 400, 'id');
        expect(await (await api(keys.a, 'GET', `/surveys/${survey}/widget`)).json()).toEqual(
          await before.json(),
        );
        const count = (await dismissalsOf(survey)).length;
        await expectError(
          await widget('/dismissals', { key: pkB, survey_id: survey, visitor_id: 'dismisser_0001' }),
          404,
          'survey_id',
        );
        await expectError(await widget('/surveys/config', { key: pkB, survey_id: survey }), 404, 'survey_id');
        expect(await dismissalsOf(survey)).toHaveLength(count);
      });
    });
  });
}

describe('GET /widget.js', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'plaudit-widget-'));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('answers 503 with a clear text while the bundle is not built', async () => {
    const app = new Hono();
    registerWidgetScriptRoute(app, path.join(dir, 'missing.js'));
    const res = await app.request('/widget.js');
    expect(res.status).toBe(503);
    expect(await res.text()).toBe('widget.js is not built: run npm run build:widget');
  });

  it('serves the built bundle as JavaScript, cacheable and loadable from any page, and follows rebuilds', async () => {
    const file = path.join(dir, 'widget.js');
    await writeFile(file, 'window.plaudit_test = 1;\n');
    const app = new Hono();
    registerWidgetScriptRoute(app, file);
    const res = await app.request('/widget.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/javascript; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(await res.text()).toBe('window.plaudit_test = 1;\n');
    await writeFile(file, 'window.plaudit_test = 22;\n');
    expect(await (await app.request('/widget.js')).text()).toBe('window.plaudit_test = 22;\n');
  });
});
