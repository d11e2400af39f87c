import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SURVEY_TEXTS } from '../../src/core/survey-texts';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { upsertContacts } from '../../src/server/repo/contacts';
import { type Dimension, groupedDistributions } from '../../src/server/repo/metrics';
import { insertResponses } from '../../src/server/repo/responses';
import { createSurvey } from '../../src/server/repo/surveys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();

const surveyInput = {
  name: 'S',
  kind: 'relational' as const,
  journey_stage: 'loyalty',
  product_name: 'P',
  default_locale: 'en',
  texts: { ...DEFAULT_SURVEY_TEXTS },
  brand_color: '#2f6fed',
};

for (const kind of databaseKinds()) {
  describe(`metrics on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let workspaceId = '';
    let surveyIds: string[] = [];

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => new Date('2026-06-30T12:00:00Z') }).app;
      const ws = await createWorkspace(db, { name: 'M' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 't')).secret;
      surveyIds = [
        (await createSurvey(db, ws.id, surveyInput)).id,
        (await createSurvey(db, ws.id, surveyInput)).id,
      ];
      // Random responses over half a year, with attributes through contacts and properties.
      const contacts = await upsertContacts(
        db,
        ws.id,
        Array.from({ length: 40 }, (_, i) => ({
          email: `c${i}@example.com`,
          attributes: {
            plan: ['free', 'pro', 'enterprise'][i % 3]!,
            country: ['DE', 'AT', 'US', 'CH'][i % 4]!,
          },
        })),
      );
      const items = fc.sample(
        fc.record({
          score: fc.integer({ min: 0, max: 10 }),
          contact: fc.integer({ min: 0, max: 40 }),
          survey: fc.integer({ min: 0, max: 1 }),
          channel: fc.constantFrom('email', 'link', 'widget'),
          minute: fc.integer({ min: 0, max: 180 * 24 * 60 }),
          release: fc.constantFrom('4.0', '4.1', null),
        }),
        { numRuns: 1500, seed: 42 },
      );
      await insertResponses(
        db,
        items.map((it, i) => ({
          workspace_id: ws.id,
          survey_id: surveyIds[it.survey]!,
          contact_id: contacts[it.contact] ?? null,
          invitation_id: null,
          score: it.score,
          comment: null,
          locale: 'de',
          channel: it.channel,
          properties: it.release ? { release: it.release } : ({} as Record<string, string>),
          idempotency_key: `k${i}`,
          edit_token: null,
          editable_until: null,
          created_at: new Date(Date.parse('2026-01-01T00:00:00Z') + it.minute * 60_000),
        })),
      );
    });
    afterAll(() => drop());

    const get = async (path: string) =>
      json(await app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } }));

    it('rollups give exactly what the raw responses give', async () => {
      const cases: [Parameters<typeof groupedDistributions>[2], Dimension][] = [
        [{}, { kind: 'none' }],
        [{ from: '2026-02-01', to: '2026-03-15' }, { kind: 'day' }],
        [{ survey_id: [surveyIds[0]!], channel: ['email'] }, { kind: 'channel' }],
        [{}, { kind: 'attribute', key: 'plan' }],
        [{ from: '2026-03-01' }, { kind: 'attribute', key: 'release' }],
        [{ attributes: { country: 'DE' } }, { kind: 'survey' }],
        [{}, { kind: 'journey_stage' }],
        // Whole months from the monthly attribute rollup, the edges from the daily one.
        [
          { from: '2026-01-17', to: '2026-05-09' },
          { kind: 'attribute', key: 'plan' },
        ],
        [
          { from: '2026-01-01', to: '2026-03-31' },
          { kind: 'attribute', key: 'country' },
        ],
        [
          { from: '2026-02-10', to: '2026-02-20' },
          { kind: 'attribute', key: 'plan' },
        ],
        [{ to: '2026-04-12', attributes: { country: 'AT' } }, { kind: 'none' }],
        [
          { from: '2026-02-15', survey_id: [surveyIds[1]!] },
          { kind: 'attribute', key: 'release' },
        ],
      ];
      for (const [filter, dimension] of cases) {
        const options = { segmentAttributes: ['plan', 'country', 'release'] };
        const rollup = await groupedDistributions(db, workspaceId, filter, dimension, options);
        const raw = await groupedDistributions(db, workspaceId, filter, dimension, {
          ...options,
          source: 'raw',
        });
        expect(rollup.source).toBe('rollup');
        const sort = (g: { key: string | null }[]) =>
          [...g].sort((a, b) => String(a.key).localeCompare(String(b.key)));
        expect(sort(rollup.groups)).toEqual(sort(raw.groups));
      }
    });

    it('reports NPS with its margin of error, a weekly trend and a breakdown', async () => {
      const nps = await get('/metrics/nps');
      expect(nps.n).toBe(1500);
      expect(nps.nps).toBeCloseTo((100 * (nps.promoters - nps.detractors)) / nps.n, 10);
      expect(nps.margin_of_error).toBeGreaterThan(0);
      const trend = await get('/metrics/trend?granularity=week&from=2026-01-01&to=2026-06-30');
      const total = trend.points.reduce((s: number, p: { summary: { n: number } }) => s + p.summary.n, 0);
      expect(total).toBe(1500);
      expect(trend.points[0].bucket).toBe('2025-12-29');
      const byPlan = await get('/metrics/breakdown?by=plan');
      expect(byPlan.segments.map((s: { value: string }) => s.value).sort()).toEqual([
        'enterprise',
        'free',
        'pro',
      ]);
      const byNonSegment = await get('/metrics/breakdown?by=attr.email_domain');
      expect(byNonSegment.source).toBe('raw');
    });

    it('compares two periods with a verdict', async () => {
      const res = await app.request('/api/v1/metrics/compare', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ current: { from: '2026-04-01', to: '2026-06-30' } }),
      });
      const body = await json(res);
      expect(res.status).toBe(200);
      expect(body.baseline.filter.to).toBe('2026-03-31');
      expect(['increase', 'decrease', 'no-significant-change', 'too-few-responses']).toContain(body.verdict);
      expect(body.z).toBeCloseTo(-((await comparedBackwards()) as number), 10);

      async function comparedBackwards() {
        const r = await app.request('/api/v1/metrics/compare', {
          method: 'POST',
          headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
          body: JSON.stringify({ current: body.baseline.filter, baseline: body.current.filter }),
        });
        return (await json(r)).z;
      }
    });
  });
}
