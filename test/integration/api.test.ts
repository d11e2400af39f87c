import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { insertResponses } from '../../src/server/repo/responses';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// Response bodies are checked by the assertions below, not by the compiler.
// biome-ignore lint/suspicious/noExplicitAny: see above
const json = (res: Response): Promise<any> => res.json();

for (const kind of databaseKinds()) {
  describe(`REST API on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    const keys: Record<'a' | 'b', string> = { a: '', b: '' };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => new Date() }).app;
      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name: `Workspace ${name}` });
        keys[name] = (await createApiKey(db, ws.id, 'test')).secret;
      }
    });
    afterAll(() => drop());

    const call = (key: 'a' | 'b', method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${keys[key]}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });

    it('creates a survey with German and English texts and the product name', async () => {
      const res = await call('a', 'POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' });
      expect(res.status).toBe(201);
      const survey = await json(res);
      expect(survey.texts.de.question).toContain('weiterempfehlen');
      expect(survey.public_url).toMatch(/\/s\/[\w-]+$/);
    });

    it('stores responses, snapshots contact attributes and lists them newest first', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'S', product_name: 'P' }));
      const contact = await json(
        await call('a', 'POST', '/contacts', { email: 'Ada@Example.com', attributes: { plan: 'pro' } }),
      );
      expect(contact.email).toBe('ada@example.com');
      for (const score of [10, 9, 3]) {
        const res = await call('a', 'POST', '/responses', {
          survey_id: survey.id,
          score,
          contact_id: contact.id,
        });
        expect(res.status).toBe(201);
      }
      const list = await json(await call('a', 'GET', `/responses?survey_id=${survey.id}&limit=2`));
      expect(list.data).toHaveLength(2);
      expect(list.data[0].attributes.plan).toBe('pro');
      expect(list.next_cursor).toBeTruthy();
      const rest = await json(
        await call('a', 'GET', `/responses?survey_id=${survey.id}&cursor=${list.next_cursor}`),
      );
      expect(rest.data).toHaveLength(1);
      const detractors = await json(
        await call('a', 'GET', `/responses?survey_id=${survey.id}&category=detractor`),
      );
      expect(detractors.data.map((r: { score: number }) => r.score)).toEqual([3]);
    });

    it('keeps a benchmark with its source, refuses one without a source, and removes it with null', async () => {
      const set = await call('a', 'PATCH', '/workspace', {
        industry: 'B2B software',
        benchmark: {
          nps: 40,
          source: 'Retently NPS Benchmarks',
          year: 2022,
          url: 'https://www.retently.com/',
        },
      });
      expect(set.status).toBe(200);
      expect((await json(set)).benchmark).toEqual({
        nps: 40,
        source: 'Retently NPS Benchmarks',
        year: 2022,
        url: 'https://www.retently.com/',
      });
      const noSource = await call('a', 'PATCH', '/workspace', { benchmark: { nps: 40, source: ' ' } });
      expect(noSource.status).toBe(400);
      expect((await json(noSource)).error.field).toBe('benchmark.source');
      const outOfRange = await call('a', 'PATCH', '/workspace', { benchmark: { nps: 140, source: 'x' } });
      expect((await json(outOfRange)).error.field).toBe('benchmark.nps');
      expect((await json(await call('a', 'PATCH', '/workspace', { name: 'Kept' }))).benchmark.nps).toBe(40);
      expect((await json(await call('a', 'PATCH', '/workspace', { benchmark: null }))).benchmark).toBeNull();
    });

    it('is idempotent with an idempotency key', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'S', product_name: 'P' }));
      const body = { survey_id: survey.id, score: 8, idempotency_key: 'k-1' };
      const first = await call('a', 'POST', '/responses', body);
      const second = await call('a', 'POST', '/responses', body);
      expect(first.status).toBe(201);
      expect(second.status).toBe(200);
      expect((await json(second)).id).toBe((await json(first)).id);
    });

    it('counts two submissions with one key in the same batch as one new and one duplicate', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'S', product_name: 'P' }));
      const workspaceId = (await json(await call('a', 'GET', '/workspace'))).id;
      const item = {
        workspace_id: workspaceId,
        survey_id: survey.id,
        contact_id: null,
        invitation_id: null,
        score: 9,
        comment: null,
        locale: null,
        channel: 'api',
        properties: {},
        idempotency_key: 'same-batch',
        edit_token: null,
        editable_until: null,
        created_at: new Date(),
      };
      const [first, second] = await insertResponses(db, [item, { ...item, score: 3 }]);
      const noConsent = { testimonial_consent: null, testimonial_consent_at: null };
      expect(first).toEqual({ id: first!.id, inserted: true, ...noConsent });
      expect(second).toEqual({ id: first!.id, inserted: false, ...noConsent });
      // The same through the API, at once: one 201 and one 200 with the same id.
      const body = { survey_id: survey.id, score: 10, idempotency_key: 'same-time' };
      const answers = await Promise.all([
        call('a', 'POST', '/responses', body),
        call('a', 'POST', '/responses', body),
      ]);
      expect(answers.map((r) => r.status).sort()).toEqual([200, 201]);
      const [a, b] = await Promise.all(answers.map(json));
      expect(a.id).toBe(b.id);
    });

    it('compares each segment with every other response, also those without the attribute', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'Segments', product_name: 'P' }));
      const post = (score: number, plan?: string) =>
        call('a', 'POST', '/responses', {
          survey_id: survey.id,
          score,
          ...(plan ? { properties: { plan } } : {}),
        });
      for (let i = 0; i < 30; i++) {
        await post(10, 'pro');
        await post(0, 'free');
        await post(8);
        await post(8);
      }
      const breakdown = await json(
        await call('a', 'GET', `/metrics/breakdown?by=plan&survey_id=${survey.id}`),
      );
      expect(breakdown.total.n).toBe(120);
      expect(breakdown.without_value.n).toBe(60);
      const pro = breakdown.segments.find((s: { value: string }) => s.value === 'pro');
      // pro: NPS 100; the other 90 responses: 30 detractors and 60 passives, NPS -33.3.
      expect(pro.vs_rest.difference).toBeCloseTo(100 - -100 / 3, 6);
      expect(pro.vs_rest.verdict).toBe('increase');
    });

    it('refuses a comparison whose period ends before it starts', async () => {
      const res = await call('a', 'POST', '/metrics/compare', {
        current: { from: '2026-06-30', to: '2026-06-01' },
      });
      expect(res.status).toBe(400);
      expect((await json(res)).error.field).toBe('current.from');
    });

    it('refuses a NUL character in a body string or a query value with a 400 naming the field', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'S', product_name: 'P' }));
      const res = await call('a', 'POST', '/responses', {
        survey_id: survey.id,
        score: 9,
        comment: 'a\u0000b',
      });
      expect(res.status).toBe(400);
      expect((await json(res)).error.field).toBe('comment');
      const attr = await call('a', 'POST', '/contacts', {
        email: 'nul@example.com',
        attributes: { plan: 'p\u0000' },
      });
      expect((await json(attr)).error.field).toBe('attributes.plan');
      const query = await call('a', 'GET', '/responses?attr.plan=a%00b');
      expect(query.status).toBe(400);
      expect((await json(query)).error.field).toBe('attr.plan');
    });

    it('answers bad input with a 4xx naming the field', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'S', product_name: 'P' }));
      const cases: [unknown, string | null][] = [
        [{ survey_id: survey.id, score: 11 }, 'score'],
        [{ survey_id: survey.id, score: 7.5 }, 'score'],
        [{ survey_id: survey.id, score: '9' }, 'score'],
        [{ survey_id: 'nope', score: 9 }, 'survey_id'],
        [{ survey_id: '00000000-0000-4000-8000-000000000000', score: 9 }, 'survey_id'],
      ];
      for (const [body, field] of cases) {
        const res = await call('a', 'POST', '/responses', body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        expect((await json(res)).error.field).toBe(field);
      }
      const raw = await app.request('/api/v1/responses', {
        method: 'POST',
        headers: { authorization: `Bearer ${keys.a}`, 'content-type': 'application/json' },
        body: '{"score":',
      });
      expect(raw.status).toBe(400);
      expect((await json(raw)).error.code).toBe('invalid_json');
    });

    it('keeps workspaces apart', async () => {
      const survey = await json(await call('a', 'POST', '/surveys', { name: 'Secret', product_name: 'P' }));
      expect((await call('b', 'GET', `/surveys/${survey.id}`)).status).toBe(404);
      expect((await call('b', 'PATCH', `/surveys/${survey.id}`, { name: 'x' })).status).toBe(404);
      const post = await call('b', 'POST', '/responses', { survey_id: survey.id, score: 1 });
      expect(post.status).toBe(422);
      const listed = await json(await call('b', 'GET', '/surveys'));
      expect(listed.data.map((s: { id: string }) => s.id)).not.toContain(survey.id);
    });

    it('pages through lists without repeating or skipping rows at page boundaries', async () => {
      const created = new Set<string>();
      for (let i = 0; i < 13; i++) {
        const contact = await json(await call('a', 'POST', '/contacts', { email: `page-${i}@example.com` }));
        created.add(contact.id);
        const account = await json(await call('a', 'POST', '/accounts', { name: `Page ${i}` }));
        created.add(account.id);
      }
      for (const list of ['/contacts', '/accounts']) {
        const seen: string[] = [];
        let cursor: string | null = null;
        do {
          const page = await json(
            await call('a', 'GET', `${list}?limit=4${cursor ? `&cursor=${cursor}` : ''}`),
          );
          seen.push(...page.data.map((row: { id: string }) => row.id));
          cursor = page.next_cursor;
        } while (cursor);
        expect(new Set(seen).size, `${list} has no repeats`).toBe(seen.length);
        const mine = seen.filter((id) => created.has(id));
        expect(mine.length, `${list} has every row`).toBe(13);
      }
    });

    it('rejects requests without a valid key', async () => {
      const res = await app.request('/api/v1/surveys');
      expect(res.status).toBe(401);
    });

    it('serves an OpenAPI 3.1 document', async () => {
      const doc = await json(await app.request('/api/v1/openapi.json'));
      expect(doc.openapi).toBe('3.1.0');
      expect(doc.paths['/responses'].post.requestBody).toBeTruthy();
    });

    it('asks testimonial consent only when the survey says so, with its own text per locale', async () => {
      const plain = await json(await call('a', 'POST', '/surveys', { name: 'Plain', product_name: 'P' }));
      expect(plain.ask_testimonial_consent).toBe(false);
      expect(plain.texts.en.testimonial_consent).toBeUndefined();
      const created = await call('a', 'POST', '/surveys', {
        name: 'Asks',
        product_name: 'P',
        ask_testimonial_consent: true,
        texts: { de: { testimonial_consent: 'Sie dürfen mich zitieren.' } },
      });
      expect(created.status).toBe(201);
      const asks = await json(created);
      expect(asks.ask_testimonial_consent).toBe(true);
      expect(asks.texts.de).toMatchObject({ testimonial_consent: 'Sie dürfen mich zitieren.' });
      expect(asks.texts.de.question).toContain('weiterempfehlen');

      const patched = await call('a', 'PATCH', `/surveys/${plain.id}`, {
        ask_testimonial_consent: true,
        texts: { en: { testimonial_consent: 'Quote me on {product}.' } },
      });
      expect(patched.status).toBe(200);
      const got = await json(await call('a', 'GET', `/surveys/${plain.id}`));
      expect(got.ask_testimonial_consent).toBe(true);
      expect(got.texts.en.testimonial_consent).toBe('Quote me on {product}.');
      // Another patch leaves it alone; false turns it off.
      await call('a', 'PATCH', `/surveys/${plain.id}`, { name: 'Plain 2' });
      expect((await json(await call('a', 'GET', `/surveys/${plain.id}`))).ask_testimonial_consent).toBe(true);
      await call('a', 'PATCH', `/surveys/${plain.id}`, { ask_testimonial_consent: false });
      const listed = (await json(await call('a', 'GET', '/surveys'))).data.find(
        (s: { id: string }) => s.id === plain.id,
      );
      expect(listed.ask_testimonial_consent).toBe(false);

      for (const [body, field] of [
        [{ texts: { en: { testimonial_consent: 'x'.repeat(501) } } }, 'texts.en.testimonial_consent'],
        [{ texts: { en: { testimonial_consent: '   ' } } }, 'texts.en.testimonial_consent'],
        [{ ask_testimonial_consent: 'yes' }, 'ask_testimonial_consent'],
        [{ texts: { fr: { testimonial_consent: 'Citez-moi.' } } }, 'texts.fr.question'],
      ] as const) {
        const res = await call('a', 'PATCH', `/surveys/${plain.id}`, body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect((await json(res)).error.field).toBe(field);
      }
    });

    it('keeps testimonial consent only for promoters of a survey that asks it', async () => {
      const asks = await json(
        await call('a', 'POST', '/surveys', { name: 'C', product_name: 'P', ask_testimonial_consent: true }),
      );
      const plain = await json(await call('a', 'POST', '/surveys', { name: 'N', product_name: 'P' }));
      const submit = async (body: Record<string, unknown>) => {
        const res = await call('a', 'POST', '/responses', body);
        expect(res.status).toBe(201);
        return json(res);
      };
      const yes = await submit({ survey_id: asks.id, score: 10, testimonial_consent: true });
      expect(yes.testimonial_consent).toBe(true);
      expect(yes.testimonial_consent_at).toBe(yes.created_at);
      const no = await submit({ survey_id: asks.id, score: 9, testimonial_consent: false });
      expect(no).toMatchObject({ testimonial_consent: false, testimonial_consent_at: no.created_at });
      for (const body of [
        { survey_id: asks.id, score: 8, testimonial_consent: true },
        { survey_id: asks.id, score: 0, testimonial_consent: true },
        { survey_id: asks.id, score: 10 },
        { survey_id: plain.id, score: 10, testimonial_consent: true },
      ]) {
        const answer = await submit(body);
        expect(answer, JSON.stringify(body)).toMatchObject({
          testimonial_consent: null,
          testimonial_consent_at: null,
        });
        const stored = await json(await call('a', 'GET', `/responses/${answer.id}`));
        expect(stored).toMatchObject({ testimonial_consent: null, testimonial_consent_at: null });
      }
      const bad = await call('a', 'POST', '/responses', {
        survey_id: asks.id,
        score: 9,
        testimonial_consent: 1,
      });
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.field).toBe('testimonial_consent');
      // A duplicate answers with what was stored the first time.
      const keyed = {
        survey_id: asks.id,
        score: 10,
        testimonial_consent: true,
        idempotency_key: 'consent-1',
      };
      const first = await json(await call('a', 'POST', '/responses', keyed));
      const again = await call('a', 'POST', '/responses', { ...keyed, testimonial_consent: false });
      expect(again.status).toBe(200);
      expect(await json(again)).toMatchObject({
        id: first.id,
        duplicate: true,
        testimonial_consent: true,
        testimonial_consent_at: first.testimonial_consent_at,
      });

      const listed = (await json(await call('a', 'GET', `/responses?survey_id=${asks.id}&limit=100`))).data;
      expect(listed.find((r: { id: string }) => r.id === yes.id)).toMatchObject({
        testimonial_consent: true,
        testimonial_consent_at: yes.created_at,
      });
      expect(listed.find((r: { id: string }) => r.id === no.id).testimonial_consent).toBe(false);

      const patch = async (id: string, body: Record<string, unknown>) => {
        const res = await call('a', 'PATCH', `/responses/${id}`, body);
        expect(res.status).toBe(200);
        return json(res);
      };
      // A comment change keeps the consent and its time; a change of mind stamps a new time.
      expect(await patch(yes.id, { comment: 'Love it' })).toMatchObject({
        comment: 'Love it',
        testimonial_consent: true,
        testimonial_consent_at: yes.created_at,
      });
      const changed = await patch(no.id, { testimonial_consent: true });
      expect(changed.testimonial_consent).toBe(true);
      expect(changed.testimonial_consent_at).not.toBeNull();
      expect(await patch(no.id, { testimonial_consent: true })).toMatchObject({
        testimonial_consent_at: changed.testimonial_consent_at,
      });
      // 10 → 9 keeps it; 9 → 8 clears it; back to 10 it stays unanswered until given again.
      expect((await patch(yes.id, { score: 9 })).testimonial_consent).toBe(true);
      expect(await patch(yes.id, { score: 8 })).toMatchObject({
        testimonial_consent: null,
        testimonial_consent_at: null,
      });
      expect((await patch(yes.id, { score: 10 })).testimonial_consent).toBeNull();
      expect(await patch(yes.id, { score: 6, testimonial_consent: true })).toMatchObject({
        testimonial_consent: null,
      });
      expect((await patch(yes.id, { score: 10, testimonial_consent: true })).testimonial_consent).toBe(true);
      expect(await patch(yes.id, { testimonial_consent: null })).toMatchObject({
        testimonial_consent: null,
        testimonial_consent_at: null,
      });
      // A survey that stopped asking keeps no new consent.
      await call('a', 'PATCH', `/surveys/${asks.id}`, { ask_testimonial_consent: false });
      expect((await patch(yes.id, { testimonial_consent: true })).testimonial_consent).toBeNull();
      // The metrics followed the score changes (10 → 9 → 8 → 10 → 6 → 10).
      const nps = await json(await call('a', 'GET', `/metrics/nps?survey_id=${asks.id}`));
      expect(nps.distribution).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 1, 3]);
    });
  });
}
