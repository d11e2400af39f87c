/**
 * Full-text search in comments (GET /responses?q=, the export's q) and comment themes
 * (GET /metrics/themes), on PGlite and on PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SURVEY_TEXTS } from '../../src/core/survey-texts';
import { POSTGRES_STOP_WORDS } from '../../src/core/themes';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { insertResponses, type NewResponse } from '../../src/server/repo/responses';
import { createSurvey } from '../../src/server/repo/surveys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
type Json = any;

const surveyInput = {
  name: 'S',
  kind: 'relational' as const,
  journey_stage: 'loyalty',
  product_name: 'Taskwerk',
  default_locale: 'de',
  texts: { ...DEFAULT_SURVEY_TEXTS },
  brand_color: '#2f6fed',
};

/** [comment, score, locale] */
const COMMENTS: [string, number, string | null][] = [
  ['Die Rechnungen sind jedes Mal falsch.', 2, 'de'],
  ['Rechnung kam doppelt, Taskwerk hat das nicht gemerkt', 3, 'de-AT'],
  ['Die Rechnung ist unverständlich', 5, 'de'],
  ['Langsame Ladezeiten im Dashboard', 4, 'de'],
  ['langsame Ladezeiten, sonst ok', 7, 'de'],
  ['Wirklich langsame Ladezeiten!', 6, 'de'],
  ['Schneller Support, sehr freundlich', 10, 'de'],
  ['Schneller Support und gute <b>Dokumentation</b>', 9, 'de'],
  ['schneller Support 😀', 10, 'de'],
  ['The invoices are always wrong', 1, 'en'],
  ['Invoice arrived twice', 4, 'en'],
  ['Great invoice export to Excel', 9, 'en'],
  ['Fast support, friendly people', 10, null],
  ['Rechnungen', 8, 'en'], // an English comment: English stemming, not found by "Rechnung"
  ['E-Mail-Benachrichtigungen kommen nicht an', 0, 'de'],
  ['Self-Service Portal ist praktisch', 9, 'de'],
];

for (const kind of databaseKinds()) {
  describe(`comment search and themes on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    const keys = { a: '', b: '' };
    let surveyA = '';
    let surveyA2 = '';

    const get = (key: string, path: string, query: Record<string, string> = {}) =>
      app.request(`/api/v1${path}?${new URLSearchParams(query)}`, {
        headers: { authorization: `Bearer ${key}` },
      });
    const search = async (q: string, query: Record<string, string> = {}, key = keys.a): Promise<string[]> => {
      const res = await get(key, '/responses', { q, limit: '500', ...query });
      expect(res.status, await res.clone().text()).toBe(200);
      return ((await res.json()) as Json).data.map((r: Json) => r.comment);
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => new Date('2026-06-30T12:00:00Z') }).app;
      const wsA = await createWorkspace(db, { name: 'A' });
      const wsB = await createWorkspace(db, { name: 'B' });
      keys.a = (await createApiKey(db, wsA.id, 't')).secret;
      keys.b = (await createApiKey(db, wsB.id, 't')).secret;
      surveyA = (await createSurvey(db, wsA.id, surveyInput)).id;
      surveyA2 = (await createSurvey(db, wsA.id, surveyInput)).id;
      const surveyB = (await createSurvey(db, wsB.id, surveyInput)).id;
      const base = {
        contact_id: null,
        invitation_id: null,
        channel: 'api',
        properties: {},
        edit_token: null,
        editable_until: null,
      };
      const items: NewResponse[] = COMMENTS.map(([comment, score, locale], i) => ({
        ...base,
        workspace_id: wsA.id,
        survey_id: i % 4 === 3 ? surveyA2 : surveyA,
        score,
        comment,
        locale,
        idempotency_key: `a${i}`,
        created_at: new Date(Date.UTC(2026, 5, 1 + i, 10)),
      }));
      // Workspace B says the same things: A must never see them, nor B A's.
      items.push(
        ...COMMENTS.map(([comment, score, locale], i) => ({
          ...base,
          workspace_id: wsB.id,
          survey_id: surveyB,
          score,
          comment: `${comment} geheimB`,
          locale,
          idempotency_key: `b${i}`,
          created_at: new Date(Date.UTC(2026, 5, 1 + i, 11)),
        })),
      );
      await insertResponses(db, items);
    });
    afterAll(() => drop());

    it('stems German comments in German and English ones in English', async () => {
      expect(await search('Rechnung')).toEqual([
        'Die Rechnung ist unverständlich',
        'Rechnung kam doppelt, Taskwerk hat das nicht gemerkt',
        'Die Rechnungen sind jedes Mal falsch.',
      ]);
      expect(await search('invoice')).toEqual([
        'Great invoice export to Excel',
        'Invoice arrived twice',
        'The invoices are always wrong',
      ]);
      // The English comment "Rechnungen" is stemmed in English: only the exact word finds it.
      expect(await search('Rechnungen')).toContain('Rechnungen');
      expect(await search('Rechnung')).not.toContain('Rechnungen');
    });

    it('takes the web search syntax: phrases, or, -word', async () => {
      expect(await search('"schneller Support"')).toHaveLength(3);
      expect(await search('"Support schneller"')).toEqual([]);
      expect((await search('Rechnung or invoice')).length).toBe(6);
      expect(await search('Rechnung -doppelt')).toEqual([
        'Die Rechnung ist unverständlich',
        'Die Rechnungen sind jedes Mal falsch.',
      ]);
      expect(await search('Mail')).toEqual(['E-Mail-Benachrichtigungen kommen nicht an']);
      expect(await search('Dokumentation')).toHaveLength(1);
      // Stop words alone match nothing (rather than everything).
      expect(await search('die und')).toEqual([]);
      expect(await search('the and')).toEqual([]);
    });

    it('combines with the other filters and paginates', async () => {
      expect(await search('Rechnung', { category: 'detractor', score: '2' })).toEqual([
        'Die Rechnungen sind jedes Mal falsch.',
      ]);
      expect(await search('Support', { survey_id: surveyA2 })).toEqual([
        'Schneller Support und gute <b>Dokumentation</b>',
      ]);
      const first = (await (await get(keys.a, '/responses', { q: 'Rechnung', limit: '2' })).json()) as Json;
      expect(first.data).toHaveLength(2);
      const second = (await (
        await get(keys.a, '/responses', { q: 'Rechnung', limit: '2', cursor: first.next_cursor })
      ).json()) as Json;
      expect(second.data.map((r: Json) => r.comment)).toEqual(['Die Rechnungen sind jedes Mal falsch.']);
      expect(second.next_cursor).toBeNull();
    });

    it('follows comment edits', async () => {
      const [row] = (await (await get(keys.a, '/responses', { q: 'Dokumentation' })).json()).data as Json[];
      const patch = await app.request(`/api/v1/responses/${row.id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${keys.a}`, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'Schneller Support und gute Handbücher' }),
      });
      expect(patch.status).toBe(200);
      expect(await search('Dokumentation')).toEqual([]);
      expect(await search('Handbücher')).toHaveLength(1);
    });

    it('filters the CSV export with q, and counts it', async () => {
      const res = await get(keys.a, '/responses/export', { q: 'invoice' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-total-count')).toBe('3');
      const lines = (await res.text()).trim().split('\n');
      expect(lines).toHaveLength(4);
    });

    it('never shows one workspace the comments of another', async () => {
      expect(await search('geheimB')).toEqual([]);
      const b = await search('Rechnung', {}, keys.b);
      expect(b).toHaveLength(3);
      expect(b.every((c) => c.endsWith('geheimB'))).toBe(true);
      const themesB = (await (await get(keys.b, '/metrics/themes', { min_count: '1' })).json()) as Json;
      expect(themesB.themes.some((t: Json) => t.key === 'geheimb')).toBe(true);
      const themesA = (await (
        await get(keys.a, '/metrics/themes', { min_count: '1', limit: '100' })
      ).json()) as Json;
      expect(JSON.stringify(themesA)).not.toMatch(/geheim/i);
    });

    it('answers bad input with a 400 naming the field', async () => {
      const cases: [string, Record<string, string>, string][] = [
        ['/responses', { q: '   ' }, 'q'],
        ['/responses', { q: 'x'.repeat(501) }, 'q'],
        ['/responses', { q: 'a\u0000b' }, 'q'],
        ['/responses/export', { q: '' }, 'q'],
        ['/metrics/themes', { q: '' }, 'q'],
        ['/metrics/themes', { limit: '0' }, 'limit'],
        ['/metrics/themes', { limit: 'many' }, 'limit'],
        ['/metrics/themes', { min_count: '0' }, 'min_count'],
        ['/metrics/themes', { from: '2026-06-30', to: '2026-06-01' }, 'from'],
        // A route without search refuses q rather than ignoring it.
        ['/metrics/nps', { q: 'Rechnung' }, 'q'],
      ];
      for (const [path, query, field] of cases) {
        const res = await get(keys.a, path, query);
        const body = (await res.json()) as Json;
        expect(res.status, `${path} ${JSON.stringify(query)}`).toBe(400);
        expect(body.error.field, `${path} ${JSON.stringify(query)}`).toBe(field);
      }
    });

    it('computes themes per category, with a search that finds every comment counted', async () => {
      const res = await get(keys.a, '/metrics/themes', {});
      expect(res.status).toBe(200);
      const body = (await res.json()) as Json;
      expect(body.comments).toBe(COMMENTS.length);
      expect(body.sampled).toBe(false);
      expect(body.min_count).toBe(3);
      const labels = body.themes.map((t: Json) => t.label);
      expect(labels).toContain('Rechnung');
      expect(labels).toContain('langsame Ladezeiten');
      expect(labels).toContain('Schneller Support');
      expect(labels).not.toContain('Taskwerk'); // the product name
      expect(body.by_category.promoter.map((t: Json) => t.key)).toContain('schnell support');
      expect(body.by_category.detractor.map((t: Json) => t.key)).toContain('rechnung');
      const rechnung = body.themes.find((t: Json) => t.key === 'rechnung');
      expect(rechnung.count).toBe(3);
      expect(rechnung.categories.detractor.count).toBe(3);
      expect(rechnung.summary.nps).toBe(-100);
      expect(rechnung.summary.margin_of_error).toBeGreaterThan(0);

      // The property the dashboard relies on: a theme's search, with the same filters, finds at
      // least the comments it counted; for every theme of several filter sets, at min_count 1.
      const filters: Record<string, string>[] = [
        {},
        { category: 'detractor' },
        { survey_id: surveyA },
        { q: 'Support or Rechnung' },
      ];
      for (const filter of filters) {
        const themes = (await (
          await get(keys.a, '/metrics/themes', { ...filter, min_count: '1', limit: '100' })
        ).json()) as Json;
        expect(themes.themes.length).toBeGreaterThan(0);
        for (const theme of themes.themes) {
          const { q: _, ...rest } = filter;
          const found = await search(theme.search, rest);
          const within = filter.q ? (await search(filter.q, rest)).filter((c) => found.includes(c)) : found;
          expect(
            within.length,
            `${theme.label} (${theme.search}) with ${JSON.stringify(filter)}`,
          ).toBeGreaterThanOrEqual(theme.count);
        }
      }
    });

    it('has no themes without comments, and says when it sampled', async () => {
      const none = (await (await get(keys.a, '/metrics/themes', { has_comment: 'false' })).json()) as Json;
      expect(none.comments).toBe(0);
      expect(none.themes).toEqual([]);
      const later = (await (await get(keys.a, '/metrics/themes', { from: '2027-01-01' })).json()) as Json;
      expect(later.comments).toBe(0);
    });

    it("PostgreSQL's stop words are the ones the themes module drops", async () => {
      for (const config of ['german', 'english'] as const) {
        const rows = await db.query<{ w: string }>(
          `SELECT w FROM unnest($1::text[]) w WHERE to_tsvector($2::regconfig, w) <> ''::tsvector`,
          [POSTGRES_STOP_WORDS[config], config],
        );
        expect(
          rows.map((r) => r.w),
          config,
        ).toEqual([]);
      }
    });
  });
}
