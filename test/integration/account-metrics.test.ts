/**
 * Account analytics and leaderboards over HTTP, on PGlite and PostgreSQL, with hand-computed
 * expectations (the numbers in the comments).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SURVEY_TEXTS } from '../../src/core/survey-texts';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { upsertAccount } from '../../src/server/repo/accounts';
import { createApiKey } from '../../src/server/repo/api-keys';
import { type ContactInput, upsertContacts } from '../../src/server/repo/contacts';
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
  product_name: 'P',
  default_locale: 'en',
  texts: { ...DEFAULT_SURVEY_TEXTS },
  brand_color: '#2f6fed',
};

// The period asked for: 2026-04-01..2026-06-30 (91 days); previous: 2025-12-31..2026-03-31.
const PERIOD = 'from=2026-04-01&to=2026-06-30';

for (const kind of databaseKinds()) {
  describe(`account metrics and leaderboards on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    const keys = { a: '', b: '' };
    const accounts: Record<string, string> = {};

    const get = async (key: string, path: string): Promise<{ status: number; body: Json }> => {
      const res = await app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });
      return { status: res.status, body: await res.json() };
    };
    const ok = async (path: string): Promise<Json> => {
      const { status, body } = await get(keys.a, path);
      expect(status, JSON.stringify(body).slice(0, 300)).toBe(200);
      return body;
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => new Date('2026-06-30T12:00:00Z') }).app;
      const ws = await createWorkspace(db, { name: 'A' });
      const other = await createWorkspace(db, { name: 'B' });
      keys.a = (await createApiKey(db, ws.id, 'a')).secret;
      keys.b = (await createApiKey(db, other.id, 'b')).secret;
      const survey = (await createSurvey(db, ws.id, surveyInput)).id;
      const makeAccount = async (
        name: string,
        revenue: number | null,
        attributes: Record<string, string> = {},
      ) => {
        accounts[name] = (await upsertAccount(db, ws.id, { name, revenue, attributes })).id;
      };
      await makeAccount('Acme', 100_000, { owner: 'Olga' });
      await makeAccount('Beta', 50_000, { account_owner: 'Ben' });
      await makeAccount('Gamma', null);
      await makeAccount('Delta', 20_000);
      await makeAccount('Epsilon', 9_000); // no responses: not listed
      const people: { key: string; account_id?: string; attributes?: Record<string, string> }[] = [
        { key: 'a1', account_id: accounts.Acme!, attributes: { role: 'decision_maker' } },
        { key: 'a2', account_id: accounts.Acme!, attributes: { role: 'user' } },
        { key: 'a3', account_id: accounts.Acme!, attributes: { title: 'CFO' } },
        { key: 'b1', account_id: accounts.Beta!, attributes: { role: 'champion' } },
        { key: 'b2', account_id: accounts.Beta!, attributes: { role: 'user' } },
        { key: 'g1', account_id: accounts.Gamma! },
        { key: 'g2', account_id: accounts.Gamma! },
        { key: 'g3', account_id: accounts.Gamma! },
        { key: 'd1', account_id: accounts.Delta! },
        { key: 'solo' }, // no account
      ];
      const contactInputs: (ContactInput & { key: string })[] = people.map((c) => ({
        ...c,
        email: `${c.key}@example.com`,
      }));
      const ids = await upsertContacts(db, ws.id, contactInputs);
      const contactOf = Object.fromEntries(contactInputs.map((c, i) => [c.key, ids[i]!]));
      let seq = 0;
      const response = (
        contact: string | null,
        score: number,
        day: string,
        properties = {},
      ): NewResponse => ({
        workspace_id: ws.id,
        survey_id: survey,
        contact_id: contact === null ? null : (contactOf[contact] ?? null),
        invitation_id: null,
        score,
        comment: null,
        locale: 'en',
        channel: 'email',
        properties,
        idempotency_key: `k${seq++}`,
        edit_token: null,
        editable_until: null,
        created_at: new Date(`${day}T10:00:${String(seq % 60).padStart(2, '0')}Z`),
      });
      const rows: NewResponse[] = [
        // Acme, previous: 10, 9, 8 → NPS 66.67. Current: a1 10 then 3 (latest 3), a2 2, a3 6 → NPS −100.
        response('a1', 10, '2026-02-01'),
        response('a2', 9, '2026-02-02'),
        response('a3', 8, '2026-02-03'),
        response('a1', 10, '2026-04-05'),
        response('a1', 3, '2026-05-10'),
        response('a2', 2, '2026-05-01'),
        response('a3', 6, '2026-06-01'),
        // Beta, current only: b1 answers 10 ten times, b2 9 → NPS 100 from 2 stakeholders, 11 responses.
        ...Array.from({ length: 10 }, (_, i) => response('b1', 10, `2026-04-${String(10 + i)}`)),
        response('b2', 9, '2026-06-02'),
        // Gamma, previous 9, 9, 9 → 100; current 8, 7, 10 → 33.33 (mean 8.33: passive).
        response('g1', 9, '2026-01-10'),
        response('g2', 9, '2026-01-11'),
        response('g3', 9, '2026-01-12'),
        response('g1', 8, '2026-04-20'),
        response('g2', 7, '2026-04-21'),
        response('g3', 10, '2026-04-22'),
        // Delta: previous 10, current 0 → change −200, but one stakeholder: not "falling".
        response('d1', 10, '2026-02-10'),
        response('d1', 0, '2026-05-05'),
        // Before the previous period: counted nowhere.
        response('a1', 0, '2025-06-01'),
        // No account: not an account response.
        response('solo', 0, '2026-05-05'),
      ];
      // Leaderboard by team, on contacts without account: North 30×10 + 10×0 → 50 (n 40);
      // South 10×10, 10×8, 20×0 → −25 (n 40); East 5×10 → 100 but n 5: not ranked.
      const team = (name: string, scores: number[]) =>
        scores.map((score, i) =>
          response('solo', score, `2026-05-${String(1 + (i % 28)).padStart(2, '0')}`, { team: name }),
        );
      rows.push(
        ...team('North', [...Array(30).fill(10), ...Array(10).fill(0)]),
        ...team('South', [...Array(10).fill(10), ...Array(10).fill(8), ...Array(20).fill(0)]),
        ...team('East', Array(5).fill(10)),
      );
      await insertResponses(db, rows);
    });
    afterAll(() => drop());

    it("computes each account from its stakeholders' latest answers, with the previous period", async () => {
      const body = await ok(`/metrics/accounts?${PERIOD}`);
      expect(body.from).toBe('2026-04-01');
      expect(body.to).toBe('2026-06-30');
      expect(body.previous).toEqual({ from: '2025-12-31', to: '2026-03-31' });
      expect(body.sort).toBe('revenue');
      const rows = body.data.map((a: Json) => [a.name, a.revenue, a.owner, a.n, a.responses, a.category]);
      expect(rows).toEqual([
        ['Acme', 100_000, 'Olga', 3, 4, 'detractor'],
        ['Beta', 50_000, 'Ben', 2, 11, 'promoter'],
        ['Delta', 20_000, null, 1, 1, 'detractor'],
        ['Gamma', null, null, 3, 3, 'passive'],
      ]);
      const acme = body.data[0];
      expect(acme.id).toBe(accounts.Acme);
      expect(acme.nps).toBe(-100);
      expect(acme.stakeholders).toBe(3);
      expect(acme.roles).toEqual(['CFO', 'decision_maker', 'user']);
      expect(acme.mean_score).toBeCloseTo(11 / 3, 10);
      expect(acme.previous.n).toBe(3);
      expect(acme.previous.nps).toBeCloseTo(200 / 3, 10);
      expect(acme.change).toBeCloseTo(-100 - 200 / 3, 10);
      expect(acme.falling).toBe(true);
      expect(acme.margin_of_error).toBeGreaterThan(0);
      const beta = body.data[1];
      expect(beta.nps).toBe(100); // not 11 answers of one fan: two stakeholders
      expect(beta.roles).toEqual(['champion', 'user']);
      expect(beta.previous).toEqual({ n: 0, nps: null, nps_rounded: null });
      expect(beta.change).toBeNull();
      const gamma = body.data[3];
      expect(gamma.nps).toBeCloseTo(100 / 3, 10);
      expect(gamma.change).toBeCloseTo(100 / 3 - 100, 10);
      expect(gamma.falling).toBe(true);
      const delta = body.data[2];
      expect(delta.change).toBe(-200);
      expect(delta.falling).toBe(false);
    });

    it('summarises revenue-weighted NPS, revenue at risk, upsell candidates and falling accounts', async () => {
      const { summary } = await ok(`/metrics/accounts?${PERIOD}`);
      expect(summary.accounts).toBe(4);
      expect([summary.promoter_accounts, summary.passive_accounts, summary.detractor_accounts]).toEqual([
        1, 1, 2,
      ]);
      // (−100·100,000 + 100·50,000 − 100·20,000) / 170,000; Gamma has no revenue.
      expect(summary.revenue_weighted_nps).toBeCloseTo(-7_000_000 / 170_000, 10);
      expect(summary.revenue_weighted_accounts).toBe(3);
      expect(summary.accounts_without_revenue).toBe(1);
      expect(summary.revenue_at_risk).toBe(120_000);
      expect(summary.upsell_candidates.count).toBe(1);
      expect(summary.upsell_candidates.top.map((a: Json) => a.name)).toEqual(['Beta']);
      expect(summary.falling.threshold).toBe(-10);
      expect(summary.falling.min_responses).toBe(3);
      expect(summary.falling.top.map((a: Json) => [a.name, Math.round(a.change)])).toEqual([
        ['Acme', -167],
        ['Gamma', -67],
      ]);
      expect(summary.falling.top[0].previous_nps).toBeCloseTo(200 / 3, 10);
    });

    it('sorts, pages and applies min_responses and the response filters', async () => {
      const names = (body: Json) => body.data.map((a: Json) => a.name);
      expect(names(await ok(`/metrics/accounts?${PERIOD}&sort=nps`))).toEqual([
        'Beta',
        'Gamma',
        'Acme',
        'Delta',
      ]);
      expect(names(await ok(`/metrics/accounts?${PERIOD}&sort=change&order=asc`))).toEqual([
        'Delta',
        'Acme',
        'Gamma',
        'Beta',
      ]);
      expect(names(await ok(`/metrics/accounts?${PERIOD}&sort=responses`))).toEqual([
        'Beta',
        'Acme',
        'Gamma',
        'Delta',
      ]);
      const first = await ok(`/metrics/accounts?${PERIOD}&limit=3`);
      expect(names(first)).toEqual(['Acme', 'Beta', 'Delta']);
      expect(first.next_cursor).toEqual(expect.any(String));
      const second = await ok(`/metrics/accounts?${PERIOD}&limit=3&cursor=${first.next_cursor}`);
      expect(names(second)).toEqual(['Gamma']);
      expect(second.next_cursor).toBeNull();
      // Beta has 11 responses but 2 stakeholders: min_responses counts stakeholders.
      const big = await ok(`/metrics/accounts?${PERIOD}&min_responses=3`);
      expect(names(big)).toEqual(['Acme', 'Gamma']);
      expect(big.summary.accounts).toBe(2);
      const users = await ok(`/metrics/accounts?${PERIOD}&attr.role=user`);
      expect(users.data.map((a: Json) => [a.name, a.nps])).toEqual([
        ['Acme', -100],
        ['Beta', 100],
      ]);
      // Default period: the last 365 days up to today (2026-06-30) and the 365 before.
      const all = await ok('/metrics/accounts');
      expect([all.from, all.to, all.previous.from]).toEqual(['2025-07-01', '2026-06-30', '2024-07-01']);
      // Acme: a1's latest of the year is 3 (the 0 of 2025-06-01 is in the previous period).
      expect(all.data[0].previous).toEqual({ n: 1, nps: -100, nps_rounded: -100 });
    });

    it("gives an account's trend with one voice per stakeholder per bucket", async () => {
      const body = await ok(`/accounts/${accounts.Acme}/trend?interval=month&from=2026-01-01&to=2026-06-30`);
      expect(body.account_id).toBe(accounts.Acme);
      expect(
        body.points.map((p: Json) => [p.bucket, p.summary.n, p.summary.nps_rounded, p.responses]),
      ).toEqual([
        ['2026-01-01', 0, null, 0],
        ['2026-02-01', 3, 67, 3],
        ['2026-03-01', 0, null, 0],
        ['2026-04-01', 1, 100, 1],
        ['2026-05-01', 2, -100, 2],
        ['2026-06-01', 1, -100, 1],
      ]);
      const beta = await ok(`/accounts/${accounts.Beta}/trend?interval=week&from=2026-04-06&to=2026-04-19`);
      // b1's ten answers (04-10..04-19): three in the week of 04-06, seven in the next, one voice each.
      expect(beta.points.map((p: Json) => [p.bucket, p.summary.n, p.responses])).toEqual([
        ['2026-04-06', 1, 3],
        ['2026-04-13', 1, 7],
      ]);
      const year = await ok(`/accounts/${accounts.Acme}/trend`);
      expect(year.interval).toBe('month');
      expect(year.points).toHaveLength(12); // 2025-07-01..2026-06-30: twelve months
    });

    it('ranks a leaderboard with minimum samples, rank ranges and significance', async () => {
      const body = await ok('/metrics/leaderboard?by=team&from=2026-05-01&to=2026-05-31');
      expect(body.min_n).toBe(30);
      expect(body.total.n).toBe(85);
      expect(
        body.ranked.map((e: Json) => [
          e.value,
          e.n,
          e.nps,
          e.rank,
          e.rank_range,
          e.significantly_above_rest,
          e.significantly_below_rest,
        ]),
      ).toEqual([
        ['North', 40, 50, 1, { best: 1, worst: 1 }, true, false],
        ['South', 40, -25, 2, { best: 2, worst: 2 }, false, true],
      ]);
      expect(body.not_ranked.map((e: Json) => [e.value, e.n, e.reason, e.missing])).toEqual([
        ['East', 5, 'too few answers', 25],
      ]);
      // North against South + East: 15 promoters, 20 detractors of 45.
      expect(body.ranked[0].vs_rest.difference).toBeCloseTo(50 - (100 * (15 - 20)) / 45, 10);
      const loose = await ok('/metrics/leaderboard?by=attr.team&min_n=5');
      expect(loose.ranked.map((e: Json) => [e.value, e.rank])).toEqual([
        ['East', 1],
        ['North', 2],
        ['South', 3],
      ]);
      // With min_n lowered to 5 the z-test (Wald SE, 0 for five 10s) calls East's lead certain:
      // the reason the default minimum is 30.
      expect(loose.ranked[0].rank_range).toEqual({ best: 1, worst: 1 });
      const roles = await ok('/metrics/leaderboard?by=role&min_n=1');
      expect(roles.ranked.length).toBeGreaterThan(0);
    });

    it("never shows workspace A's accounts to workspace B", async () => {
      const list = await get(keys.b, `/metrics/accounts?${PERIOD}`);
      expect(list.status).toBe(200);
      expect(list.body.data).toEqual([]);
      expect(list.body.summary.accounts).toBe(0);
      expect(list.body.summary.revenue_at_risk).toBe(0);
      expect(JSON.stringify(list.body)).not.toContain('Acme');
      const trend = await get(keys.b, `/accounts/${accounts.Acme}/trend`);
      expect(trend.status).toBe(404);
      expect(trend.body.error.field).toBe('id');
      const board = await get(keys.b, '/metrics/leaderboard?by=team&min_n=1');
      expect(board.body.ranked).toEqual([]);
      expect(board.body.total.n).toBe(0);
      const filtered = await get(keys.b, `/metrics/accounts?account_id=${accounts.Acme}`);
      expect(filtered.status).toBe(422);
    });

    it('answers bad input with a 400 naming the field', async () => {
      const cases: [string, string][] = [
        ['/metrics/accounts?sort=name', 'sort'],
        ['/metrics/accounts?order=up', 'order'],
        ['/metrics/accounts?min_responses=0', 'min_responses'],
        ['/metrics/accounts?limit=0', 'limit'],
        ['/metrics/accounts?cursor=bm90LWEtY3Vyc29y', 'cursor'],
        ['/metrics/accounts?from=2026-06-30&to=2026-01-01', 'from'],
        ['/metrics/accounts?from=2026-13-01', 'from'],
        ['/metrics/accounts?colour=red', 'colour'],
        ['/metrics/leaderboard', 'by'],
        ['/metrics/leaderboard?by=team&min_n=abc', 'min_n'],
        ['/metrics/leaderboard?by=-bad', 'by'],
        [`/accounts/${'0'.repeat(8)}-0000-4000-8000-000000000000/trend?interval=year`, 'interval'],
        ['/accounts/not-a-uuid/trend', 'id'],
      ];
      for (const [path, field] of cases) {
        const { status, body } = await get(keys.a, path);
        expect(status, path).toBe(400);
        expect(body.error.field, path).toBe(field);
      }
      const trend = await get(keys.a, `/accounts/${accounts.Acme}/trend?from=2026-06-30&to=2026-01-01`);
      expect([trend.status, trend.body.error.field]).toEqual([400, 'from']);
      const tooLong = await get(
        keys.a,
        `/accounts/${accounts.Acme}/trend?interval=day&from=2020-01-01&to=2026-01-01`,
      );
      expect([tooLong.status, tooLong.body.error.field]).toEqual([400, 'from']);
      const unknown = await get(keys.a, `/accounts/${'0'.repeat(8)}-0000-4000-8000-000000000000/trend`);
      expect(unknown.status).toBe(404);
    });
  });
}
