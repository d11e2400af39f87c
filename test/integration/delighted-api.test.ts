/**
 * The Delighted-compatible API (/delighted/v1) driven by the official Delighted Node client from
 * npm (`delighted`, a devDependency) pointed at the app on a real HTTP server, plus hand-written
 * requests for the edges the client does not reach; and the importer of Delighted's CSV export.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Database } from '../../src/server/db/port';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { type AppServer, startAppServer } from './helpers/app-server';

// The client is CommonJS without types; its answers are checked by the assertions below.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Any = any;
const delighted: (key: string, options: Record<string, unknown>) => Any = createRequire(import.meta.url)(
  'delighted',
);
const json = (res: Response): Promise<Any> => res.json();

const NOW = new Date('2026-03-15T12:00:00Z');
const unix = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

for (const kind of databaseKinds()) {
  describe(`Delighted-compatible API on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let server: AppServer;
    let now = NOW;
    let key = '';
    let otherKey = '';
    let client: Any;
    let surveyId = '';

    const api = (method: string, path: string, body?: unknown, secret = key) =>
      fetch(`${server.publicUrl}/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const raw = (
      method: string,
      path: string,
      init: { body?: string; type?: string; auth?: string | null } = {},
    ) =>
      fetch(`${server.publicUrl}/delighted/v1${path}`, {
        method,
        headers: {
          ...(init.auth === null
            ? {}
            : { authorization: init.auth ?? `Basic ${Buffer.from(`${key}:`).toString('base64')}` }),
          ...(init.body === undefined ? {} : { 'content-type': init.type ?? 'application/json' }),
        },
        body: init.body,
      });
    const clientFor = (secret: string) =>
      delighted(secret, {
        host: '127.0.0.1',
        port: Number(new URL(server.publicUrl).port),
        base: '/delighted/v1',
        scheme: 'http',
      });

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      server = await startAppServer({ db, clock: () => now });
      const ws = await createWorkspace(db, { name: 'Migrated from Delighted' });
      key = (await createApiKey(db, ws.id, 'delighted')).secret;
      const other = await createWorkspace(db, { name: 'Other' });
      otherKey = (await createApiKey(db, other.id, 'other')).secret;
      client = clientFor(key);
      // The oldest active survey is the one Delighted requests go to.
      surveyId = (await json(await api('POST', '/surveys', { name: 'NPS', product_name: 'Acme' }))).id;
      await api('POST', '/surveys', { name: 'Second', product_name: 'Acme' });
    });
    afterAll(async () => {
      await server?.close();
      await drop();
    });

    it('people.create upserts the person and schedules the survey email after `delay`', async () => {
      const person = await client.person.create({
        email: 'Jony@Appleseed.example',
        name: 'Jony Appleseed',
        delay: 3600,
        properties: { plan: 'basic', 'Customer ID': 42, locale: 'de' },
      });
      expect(person).toMatchObject({
        email: 'jony@appleseed.example',
        name: 'Jony Appleseed',
        survey_scheduled_at: unix(NOW.toISOString()) + 3600,
      });
      const contact = await json(await api('GET', `/contacts/${person.id}`));
      expect(contact).toMatchObject({ locale: 'de', attributes: { plan: 'basic', Customer_ID: 42 } });
      const invitations = (await json(await api('GET', `/invitations?contact_id=${person.id}`))).data;
      expect(invitations).toHaveLength(1);
      expect(invitations[0]).toMatchObject({
        survey_id: surveyId,
        channel: 'email',
        status: 'queued',
        state: 'scheduled',
        send_at: new Date(NOW.getTime() + 3_600_000).toISOString(),
      });

      // send: false only updates the person; properties merge.
      const again = await client.person.create({
        email: 'jony@appleseed.example',
        send: false,
        properties: { plan: 'pro' },
      });
      expect(again).toMatchObject({ id: person.id, survey_scheduled_at: null });
      expect((await json(await api('GET', `/invitations?contact_id=${person.id}`))).data).toHaveLength(1);
      expect((await json(await api('GET', `/contacts/${person.id}`))).attributes).toMatchObject({
        plan: 'pro',
        Customer_ID: 42,
      });
    });

    it('accepts form parameters as in Delighted’s curl examples', async () => {
      const res = await raw('POST', '/people.json', {
        body: 'email=form%40example.com&name=Form&send=false&properties%5Bplan%5D=team',
        type: 'application/x-www-form-urlencoded',
      });
      expect(res.status).toBe(200);
      const person = await json(res);
      expect((await json(await api('GET', `/contacts/${person.id}`))).attributes).toEqual({ plan: 'team' });
    });

    it('surveyResponse.create records a response for a person; list filters since/until/trend and expands the person', async () => {
      const person = await client.person.create({ email: 'resp@example.com', name: 'Resp', send: false });
      const created = await client.surveyResponse.create({
        person: person.id,
        score: 9,
        comment: 'Very good',
        person_properties: { plan: 'pro' },
      });
      expect(created).toMatchObject({
        person: person.id,
        survey_type: 'nps',
        score: 9,
        comment: 'Very good',
        created_at: unix(NOW.toISOString()),
        person_properties: { plan: 'pro' },
        notes: [],
        tags: [],
        additional_answers: [],
      });
      expect(created.permalink).toBe(`${server.publicUrl}/app/responses/${created.id}`);
      // An earlier one, dated by created_at.
      await client.surveyResponse.create({
        person: person.id,
        score: 3,
        created_at: unix('2026-03-01T00:00:00Z'),
      });

      const all = await client.surveyResponse.all({ person_email: 'resp@example.com' });
      expect(all.map((r: Any) => r.score)).toEqual([3, 9]); // oldest first
      const desc = await client.surveyResponse.all({ person_email: 'resp@example.com', order: 'desc' });
      expect(desc.map((r: Any) => r.score)).toEqual([9, 3]);

      const window = await client.surveyResponse.all({
        since: new Date('2026-03-10T00:00:00Z'), // the client sends Dates as Unix seconds
        until: unix('2026-03-16T00:00:00Z'),
        trend: surveyId,
        expand: ['person'],
      });
      expect(window).toHaveLength(1);
      expect(window[0].person).toMatchObject({ id: person.id, email: 'resp@example.com', name: 'Resp' });

      const paged = await client.surveyResponse.all({ person_id: person.id, per_page: 1, page: 2 });
      expect(paged.map((r: Any) => r.score)).toEqual([9]);
      const otherTrend = await client.surveyResponse.all({
        trend: (await json(await api('GET', '/surveys'))).data[1].id,
      });
      expect(otherTrend).toEqual([]);
    });

    it('metrics.retrieve computes the NPS over since/until', async () => {
      const metrics = await client.metrics.retrieve({ since: unix('2026-03-01T00:00:00Z') });
      // Materialized resources carry the client; toJSON gives the attributes the server sent.
      expect(metrics.toJSON()).toEqual({
        nps: 0,
        promoter_count: 1,
        promoter_percent: 50,
        passive_count: 0,
        passive_percent: 0,
        detractor_count: 1,
        detractor_percent: 50,
        response_count: 2,
      });
      const later = await client.metrics.retrieve({
        since: unix('2026-03-10T00:00:00Z'),
        until: unix('2026-03-20T00:00:00Z'),
      });
      expect(later).toMatchObject({ nps: 100, response_count: 1, promoter_percent: 100 });
      // Another workspace sees none of it.
      expect(await clientFor(otherKey).metrics.retrieve()).toMatchObject({ response_count: 0, nps: 0 });
    });

    it('unsubscribe.create and unsubscribe.all; bounce.all lists bounced addresses', async () => {
      expect(await client.unsubscribe.create({ person_email: 'jony@appleseed.example' })).toMatchObject({
        ok: true,
      });
      const unsubscribed = await client.unsubscribe.all();
      expect(unsubscribed).toHaveLength(1);
      expect(unsubscribed[0]).toMatchObject({
        email: 'jony@appleseed.example',
        name: 'Jony Appleseed',
        unsubscribed_at: unix(NOW.toISOString()),
      });
      expect(unsubscribed[0].person_id).toBeTruthy();
      // An unsubscribed person is not surveyed again.
      const person = await client.person.create({ email: 'jony@appleseed.example' });
      expect(person.survey_scheduled_at).toBeNull();

      await api('POST', '/suppressions', { email: 'gone@example.com', reason: 'bounced', detail: '550' });
      expect((await client.bounce.all()).map((b: Any) => b.toJSON())).toEqual([
        { person_id: null, email: 'gone@example.com', name: null, bounced_at: unix(NOW.toISOString()) },
      ]);
    });

    it('person.list pages through everyone with the Link header', async () => {
      for (let i = 0; i < 5; i++)
        await raw('POST', '/people', { body: JSON.stringify({ email: `p${i}@example.com`, send: false }) });
      const first = await raw('GET', '/people.json?per_page=2');
      expect(first.headers.get('link')).toMatch(
        /^<http:\/\/127\.0\.0\.1:\d+\/delighted\/v1\/people\.json\?.*page_info=.*>; rel="next"$/,
      );
      const emails: string[] = [];
      await client.person.list({ per_page: 3 }).autoPagingEach((p: Any) => {
        emails.push(p.email);
      });
      expect(emails).toHaveLength(new Set(emails).size);
      expect(emails).toEqual(
        expect.arrayContaining(['p0@example.com', 'p4@example.com', 'form@example.com']),
      );
      expect(emails.length).toBeGreaterThanOrEqual(8);
    });

    it('answers errors in Delighted’s format, which the client maps to its error types', async () => {
      const bad = await clientFor('plk_not_a_key')
        .metrics.retrieve()
        .then(
          () => null,
          (e: Any) => e,
        );
      expect(bad.type).toBe('AuthenticationError');
      for (const auth of [null, 'Basic ' + Buffer.from('nope:').toString('base64'), `Bearer ${key}x`]) {
        const res = await raw('GET', '/metrics.json', { auth });
        expect(res.status).toBe(401);
        expect(await json(res)).toEqual({ status: 401, message: 'Unauthorized' });
      }
      const invalid = await client.person.create({ name: 'No email' }).then(
        () => null,
        (e: Any) => e,
      );
      expect(invalid.type).toBe('ResourceValidationError');
      expect(JSON.parse(invalid.message)).toEqual({
        status: 422,
        message: 'Unprocessable Entity',
        errors: { email: ["can't be blank"] },
      });
      const cases: [string, string, unknown, string][] = [
        ['POST', '/people.json', { email: 'not-an-email' }, 'email'],
        ['POST', '/people.json', { email: 'a@example.com', delay: -1 }, 'delay'],
        ['POST', '/people.json', { email: 'a@example.com', delay: 'soon' }, 'delay'],
        ['POST', '/people.json', { email: 'a@example.com', channel: 'sms' }, 'channel'],
        [
          'POST',
          '/people.json',
          { email: 'a@example.com', properties: { locale: 'german!' } },
          'properties.locale',
        ],
        [
          'POST',
          '/people.json',
          { email: 'a@example.com', properties: { nested: { a: 1 } } },
          'properties.nested',
        ],
        ['POST', '/survey_responses.json', { score: 9 }, 'person'],
        [
          'POST',
          '/survey_responses.json',
          { person: '00000000-0000-4000-8000-000000000000', score: 9 },
          'person',
        ],
        ['POST', '/survey_responses.json', { person: 'x', score: 11 }, 'score'],
        ['POST', '/unsubscribes.json', {}, 'person_email'],
      ];
      for (const [method, path, body, field] of cases) {
        const res = await raw(method, path, { body: JSON.stringify(body) });
        expect(res.status, `${path} ${JSON.stringify(body)}`).toBe(422);
        expect(Object.keys((await json(res)).errors)).toEqual([field]);
      }
      for (const query of ['per_page=0', 'per_page=101', 'since=yesterday', 'order=sideways']) {
        const res = await raw('GET', `/survey_responses.json?${query}`);
        expect(res.status, query).toBe(422);
      }
      expect((await raw('POST', '/people.json', { body: '{not json' })).status).toBe(400);
      expect((await raw('GET', '/survey_responses.json?trend=42')).status).toBe(404);
      expect((await raw('GET', '/no_such_thing.json')).status).toBe(404);
      // Nothing was written by the refused requests.
      expect((await json(await api('GET', '/contacts?email=a@example.com'))).data).toEqual([]);
    });

    it('GET /people/{id}.json and 422 without an active survey', async () => {
      const person = await client.person.create({ email: 'get@example.com', send: false });
      const res = await raw('GET', `/people/${person.id}.json`);
      expect(await json(res)).toMatchObject({
        id: person.id,
        email: 'get@example.com',
        next_survey_scheduled_at: null,
      });
      expect((await raw('GET', '/people/00000000-0000-4000-8000-000000000000.json')).status).toBe(404);
      const empty = await clientFor(otherKey)
        .person.create({ email: 'x@example.com' })
        .then(
          () => null,
          (e: Any) => e,
        );
      expect(empty.type).toBe('ResourceValidationError');
      expect(JSON.parse(empty.message).errors).toHaveProperty('survey');
    });

    it('imports Delighted’s CSV export with original dates, contacts, properties, tags and notes', async () => {
      now = new Date('2026-03-20T12:00:00Z');
      const csv = await readFile(new URL('../fixtures/delighted-export.csv', import.meta.url), 'utf8');
      const upload = (body: string, query = '') =>
        fetch(`${server.publicUrl}/api/v1/imports/delighted${query}`, {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'text/csv' },
          body,
        });
      const res = await upload(csv);
      const result = await json(res);
      expect(res.status, JSON.stringify(result)).toBe(200);
      expect(result).toMatchObject({
        rows_read: 8,
        valid: 8,
        error_count: 0,
        committed: true,
        imported: { inserted: 8 },
      });
      // Again: nothing new (keyed by Delighted's response id).
      expect((await json(await upload(csv))).imported).toMatchObject({ inserted: 0, unchanged: 8 });

      const bob = await client.surveyResponse.all({
        person_email: 'bob.miller@example.com',
        expand: ['person'],
      });
      expect(bob).toHaveLength(1);
      expect(bob[0]).toMatchObject({
        score: 6,
        comment: 'Price went up again.\nConsidering alternatives.',
        created_at: unix('2025-11-03T19:02:10Z'),
        person: { email: 'bob.miller@example.com', name: 'Bob Miller' },
        person_properties: {
          Plan: 'Starter',
          Customer_ID: 'C-1002',
          Country: 'US',
          delighted_tags: 'pricing',
          delighted_notes: 'Called him on Nov 5 - discount offered',
          delighted_person_id: '3002',
          delighted_source: 'Email',
        },
      });
      const ana = await client.surveyResponse.all({ person_email: 'ana.silva@example.com' });
      expect(ana.map((r: Any) => r.score)).toEqual([10, 10]);
      const november = await client.metrics.retrieve({
        since: unix('2025-11-01T00:00:00Z'),
        until: unix('2025-11-30T23:59:59Z'),
      });
      expect(november).toMatchObject({
        response_count: 6,
        promoter_count: 3,
        passive_count: 1,
        detractor_count: 2,
        nps: 17,
      });

      // Bad rows are reported by line and by the Delighted column name; nothing is written.
      const broken = [
        'Response ID,Date,Score,Comment,Email,Survey type',
        '1,2025-11-03 09:14:22 -0800,11,,a@example.com,nps',
        '2,yesterday,9,,b@example.com,nps',
        '3,2025-11-03,4,,not-an-email,nps',
        '4,2025-11-03,4,,c@example.com,csat',
      ].join('\n');
      const refused = await upload(broken);
      expect(refused.status).toBe(422);
      const report = await json(refused);
      expect(report.errors.map((e: Any) => [e.line, e.field])).toEqual([
        [2, 'Score'],
        [3, 'Date'],
        [4, 'Email'],
        [5, 'Survey type'],
      ]);
      expect(report.committed).toBe(false);
      const noScore = await upload('Response ID,Date,Comment\n1,2025-11-03,Hi\n');
      expect(noScore.status).toBe(400);
    });
  });
}
