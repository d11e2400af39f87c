/**
 * The journey-stage filter (on every response and metrics route, from rollups and raw rows
 * alike) and the attribute catalog (GET /metrics/attributes), on both databases.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
type Json = any;

for (const kind of databaseKinds()) {
  describe(`journey stage filter and attribute catalog on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    const keys = { a: '', b: '' };
    const call = async (key: string, method: string, path: string, body?: unknown) => {
      const res = await app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      ({ app } = createApp({ config: loadConfig({}), db, clock: () => new Date() }));
      for (const name of ['a', 'b'] as const) {
        keys[name] = (await createApiKey(db, (await createWorkspace(db, { name })).id, 'k')).secret;
      }
      // plan is a segment attribute (rolled up), region is not.
      expect((await call(keys.a, 'PATCH', '/workspace', { segment_attributes: ['plan'] })).status).toBe(200);
      const survey = async (journey_stage: string) =>
        (await call(keys.a, 'POST', '/surveys', { name: journey_stage, product_name: 'P', journey_stage }))
          .body.id;
      const onboarding = await survey('onboarding');
      const service = await survey('service');
      const post = (survey_id: string, score: number, plan: string, since: string) =>
        call(keys.a, 'POST', '/responses', {
          survey_id,
          score,
          properties: { plan, region: 'dach', customer_since: since },
          created_at: '2026-05-04T10:00:00Z',
        });
      for (let i = 0; i < 6; i++) await post(onboarding, 10, 'pro', '2025-02-10');
      for (let i = 0; i < 4; i++) await post(onboarding, 2, 'free', '2025-05-01T08:00:00Z');
      for (let i = 0; i < 5; i++) await post(service, 8, 'pro', i < 4 ? '2025-03-31' : 'unknown');
      await call(keys.b, 'POST', '/responses', {
        survey_id: (
          await call(keys.b, 'POST', '/surveys', {
            name: 'B',
            product_name: 'P',
            journey_stage: 'onboarding',
          })
        ).body.id,
        score: 0,
        properties: { secret_b: 'x' },
      });
    });
    afterAll(() => drop());

    it('filters responses and every metric by journey stage, from rollups and raw rows alike', async () => {
      const listed = await call(keys.a, 'GET', '/responses?journey_stage=onboarding&limit=100');
      expect(listed.body.data).toHaveLength(10);
      const nps = await call(keys.a, 'GET', '/metrics/nps?journey_stage=onboarding');
      expect(nps.body).toMatchObject({ n: 10, promoters: 6, detractors: 4, nps: 20 });
      // A raw-only filter (has_comment) with the same stage gives the same counts.
      const raw = await call(keys.a, 'GET', '/metrics/nps?journey_stage=onboarding&has_comment=false');
      expect(raw.body).toMatchObject({ n: 10, nps: 20 });
      const both = await call(keys.a, 'GET', '/metrics/nps?journey_stage=onboarding&journey_stage=service');
      expect(both.body.n).toBe(15);
      const byPlan = await call(keys.a, 'GET', '/metrics/breakdown?by=plan&journey_stage=onboarding&min_n=1');
      expect(byPlan.body.source).toBe('rollup');
      expect(byPlan.body.total.n).toBe(10);
      const trend = await call(
        keys.a,
        'GET',
        '/metrics/trend?journey_stage=service&from=2026-05-01&to=2026-05-31&granularity=month',
      );
      expect(trend.body.points.reduce((n: number, p: Json) => n + p.summary.n, 0)).toBe(5);
      const compared = await call(keys.a, 'POST', '/metrics/compare', {
        current: { journey_stage: ['onboarding'] },
        baseline: { journey_stage: ['service'] },
        min_n: 1,
      });
      expect(compared.status).toBe(200);
      expect([compared.body.current.n, compared.body.baseline.n]).toEqual([10, 5]);
      // Another workspace's onboarding response never counts.
      expect((await call(keys.b, 'GET', '/metrics/nps?journey_stage=onboarding')).body.n).toBe(1);
    });

    it('groups a date attribute into signup cohorts by month, quarter and year', async () => {
      const quarters = await call(
        keys.a,
        'GET',
        '/metrics/breakdown?by=customer_since&cohort=quarter&min_n=1',
      );
      expect(quarters.status).toBe(200);
      expect(quarters.body.source).toBe('raw');
      const byValue = Object.fromEntries(quarters.body.segments.map((s: Json) => [s.value, s.n]));
      expect(byValue).toEqual({ '2025-Q1': 10, '2025-Q2': 4 });
      // "unknown" is no date: no cohort, counted in without_value (and in every rest).
      expect(quarters.body.without_value.n).toBe(1);
      const months = await call(keys.a, 'GET', '/metrics/breakdown?by=customer_since&cohort=month&min_n=1');
      expect(months.body.segments.map((s: Json) => s.value).sort()).toEqual([
        '2025-02',
        '2025-03',
        '2025-05',
      ]);
      const years = await call(keys.a, 'GET', '/metrics/breakdown?by=customer_since&cohort=year&min_n=1');
      expect(years.body.segments).toHaveLength(1);
      expect(years.body.segments[0]).toMatchObject({ value: '2025', n: 14 });
      const builtIn = await call(keys.a, 'GET', '/metrics/breakdown?by=channel&cohort=month');
      expect(builtIn.status).toBe(400);
      expect(builtIn.body.error.field).toBe('by');
    });

    it('lists the attributes of the responses with counts and values, only of the own workspace', async () => {
      const { status, body } = await call(keys.a, 'GET', '/metrics/attributes');
      expect(status).toBe(200);
      expect(body.sample).toBe(15);
      const plan = body.attributes.find((a: Json) => a.key === 'plan');
      expect(plan).toEqual({
        key: 'plan',
        count: 15,
        values: [
          { value: 'pro', count: 11 },
          { value: 'free', count: 4 },
        ],
        rolled_up: true,
      });
      expect(body.attributes.find((a: Json) => a.key === 'region')).toMatchObject({
        count: 15,
        rolled_up: false,
      });
      expect(JSON.stringify(body)).not.toContain('secret_b');
    });
  });
}
