import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// Response bodies are checked by the assertions below, not by the compiler.
// biome-ignore lint/suspicious/noExplicitAny: see above
const json = (res: Response): Promise<any> => res.json();

const NOW = new Date('2026-03-15T12:00:00Z');
/** More rows than one export batch, so keyset pagination is exercised. */
const BULK = 4500;

const rowsOf = (csv: string): Record<string, string>[] => parse(csv, { bom: true, columns: true });

for (const kind of databaseKinds()) {
  describe(`CSV export on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let exportQueries = 0;
    const keys: Record<'a' | 'b', string> = { a: '', b: '' };
    let survey = '';

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      // Counts the export's page queries, to see that a disconnect stops them.
      const counting: Database = {
        ...db,
        query: (sql, params) => {
          if (sql.includes('AS cursor_at')) exportQueries++;
          return db.query(sql, params);
        },
        transaction: (fn) => db.transaction(fn),
        exec: (sql) => db.exec(sql),
        close: () => db.close(),
      } as Database;
      app = createApp({ config: loadConfig({}), db: counting, clock: () => NOW }).app;
      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name: `Workspace ${name}` });
        keys[name] = (await createApiKey(db, ws.id, 'test')).secret;
      }
      survey = (await json(await call('a', 'POST', '/surveys', { name: 'Export', product_name: 'P' }))).id;
      await call('a', 'POST', '/contacts', {
        email: 'ada@example.de',
        name: '=Ada',
        attributes: { tier: 'gold' },
        account: { external_id: 'acme', name: 'ACME', attributes: { industry: 'saas' } },
      });
      const lines = ['score,comment,created_at,email,plan,country'];
      lines.push('10,"=HYPERLINK(""http://x"")",2026-03-01T10:00:00Z,ada@example.de,pro,DE');
      lines.push('2,"+49 call me",2026-03-02T10:00:00Z,,free,-AT');
      lines.push('6,"@mention\nsecond line",2026-03-03T10:00:00Z,,pro,');
      for (let i = 0; i < BULK; i++) {
        const day = String(1 + (i % 28)).padStart(2, '0');
        lines.push(
          `${i % 11},${i % 3 === 0 ? `comment ${i}` : ''},2026-02-${day}T0${i % 10}:00:00Z,,${i % 2 ? 'pro' : 'free'},DE`,
        );
      }
      const res = await upload('a', `/imports/responses?survey_id=${survey}`, lines.join('\n'));
      expect((await json(res)).imported.inserted).toBe(BULK + 3);
    });
    afterAll(() => drop());

    const call = (key: 'a' | 'b', method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${keys[key]}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const upload = (key: 'a' | 'b', path: string, csv: string) =>
      app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys[key]}`, 'content-type': 'text/csv' },
        body: csv,
      });

    it('streams every response with headers for a download and the total count', async () => {
      const res = await call('a', 'GET', '/responses/export');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      expect(res.headers.get('content-disposition')).toMatch(
        /^attachment; filename="plaudit-responses-2026-03-15\.csv"$/,
      );
      expect(res.headers.get('x-total-count')).toBe(String(BULK + 3));
      const rows = rowsOf(await res.text());
      expect(rows).toHaveLength(BULK + 3);
      expect(new Set(rows.map((r) => r.id)).size).toBe(BULK + 3);
      expect(Object.keys(rows[0]!)).toEqual([
        'id',
        'created_at',
        'day',
        'survey_id',
        'survey_name',
        'score',
        'category',
        'comment',
        'testimonial_consent',
        'channel',
        'locale',
        'contact_id',
        'email',
        'external_id',
        'contact_name',
        'account_id',
        'account_name',
        'account.industry',
        'country',
        'plan',
        'tier',
      ]);
      const newest = rows[0]!;
      expect(newest).toMatchObject({
        created_at: '2026-03-03T10:00:00.000Z',
        day: '2026-03-03',
        survey_name: 'Export',
        score: '6',
        category: 'detractor',
        channel: 'import',
        plan: 'pro',
        country: '',
      });
      const ada = rows[2]!;
      expect(ada).toMatchObject({
        email: 'ada@example.de',
        contact_name: "'=Ada",
        account_name: 'ACME',
        'account.industry': 'saas',
        tier: 'gold',
        category: 'promoter',
      });
    });

    it('defuses formulas in untrusted cells unless raw=true', async () => {
      const filter = `survey_id=${survey}&from=2026-03-01&attributes=plan,country`;
      const escaped = rowsOf(await (await call('a', 'GET', `/responses/export?${filter}`)).text());
      expect(escaped.map((r) => r.comment)).toEqual([
        "'@mention\nsecond line",
        "'+49 call me",
        `'=HYPERLINK("http://x")`,
      ]);
      expect(escaped.map((r) => r.country)).toEqual(['', "'-AT", 'DE']);
      expect(escaped.map((r) => r.score)).toEqual(['6', '2', '10']);
      expect(Object.keys(escaped[0]!).slice(-2)).toEqual(['plan', 'country']);
      const raw = rowsOf(await (await call('a', 'GET', `/responses/export?${filter}&raw=true`)).text());
      expect(raw.map((r) => r.comment)).toEqual([
        '@mention\nsecond line',
        '+49 call me',
        '=HYPERLINK("http://x")',
      ]);
    });

    it('applies the list filters, including attributes', async () => {
      const res = await call('a', 'GET', '/responses/export?category=detractor&attr.plan=pro&to=2026-02-28');
      const rows = rowsOf(await res.text());
      expect(rows.length).toBeGreaterThan(0);
      expect(res.headers.get('x-total-count')).toBe(String(rows.length));
      for (const row of rows) {
        expect(Number(row.score)).toBeLessThanOrEqual(6);
        expect(row.plan).toBe('pro');
        expect(row.day! <= '2026-02-28').toBe(true);
      }
      const expected = Array.from({ length: BULK }, (_, i) => i).filter((i) => i % 11 <= 6 && i % 2 === 1);
      expect(rows).toHaveLength(expected.length);
      const bad = await call('a', 'GET', '/responses/export?attributes=ok,no%20way');
      expect(bad.status).toBe(400);
      expect((await json(bad)).error.field).toBe('attributes');
    });

    it('round-trips into another workspace with the same NPS and distribution', async () => {
      const csv = await (await call('a', 'GET', '/responses/export')).text();
      const target = (await json(await call('b', 'POST', '/surveys', { name: 'Copy', product_name: 'P' })))
        .id;
      const res = await upload('b', `/imports/responses?survey_id=${target}`, csv);
      expect(res.status).toBe(200);
      expect((await json(res)).imported.inserted).toBe(BULK + 3);
      const before = await json(await call('a', 'GET', '/metrics/nps'));
      const after = await json(await call('b', 'GET', '/metrics/nps'));
      expect(after.n).toBe(BULK + 3);
      expect(after.nps).toBe(before.nps);
      expect(after.distribution).toEqual(before.distribution);
      const byPlan = async (key: 'a' | 'b') =>
        (await json(await call(key, 'GET', '/metrics/breakdown?by=plan&min_n=1'))).segments.map(
          (s: { value: string; n: number; nps: number }) => [s.value, s.n, s.nps],
        );
      expect(await byPlan('b')).toEqual(await byPlan('a'));
      // Re-importing the same export counts nothing twice (the id column is the key).
      expect(
        (await json(await upload('b', `/imports/responses?survey_id=${target}`, csv))).imported.unchanged,
      ).toBe(BULK + 3);
    });

    it('stops querying when the client goes away', async () => {
      exportQueries = 0;
      const res = await call('a', 'GET', '/responses/export');
      const reader = res.body!.getReader();
      await reader.read();
      await reader.cancel();
      await new Promise((resolve) => setTimeout(resolve, 200));
      // One page read, at most one read ahead: not the three pages of the whole export.
      expect(exportQueries).toBeLessThanOrEqual(2);
    });

    it('exports the testimonial consent (true, false, empty) and does not import it back', async () => {
      const asks = (
        await json(
          await call('b', 'POST', '/surveys', {
            name: 'Consent',
            product_name: 'P',
            ask_testimonial_consent: true,
          }),
        )
      ).id;
      const answers = [
        { score: 10, comment: 'Great', testimonial_consent: true, created_at: '2026-03-10T10:00:00Z' },
        { score: 9, comment: 'Good', testimonial_consent: false, created_at: '2026-03-10T11:00:00Z' },
        { score: 5, comment: 'Meh', testimonial_consent: true, created_at: '2026-03-10T12:00:00Z' },
      ];
      for (const answer of answers) {
        expect((await call('b', 'POST', '/responses', { survey_id: asks, ...answer })).status).toBe(201);
      }
      const csv = await (await call('b', 'GET', `/responses/export?survey_id=${asks}`)).text();
      const rows = rowsOf(csv);
      expect(rows.map((r) => [r.score, r.testimonial_consent])).toEqual([
        ['5', ''],
        ['9', 'false'],
        ['10', 'true'],
      ]);
      const copy = (await json(await call('b', 'POST', '/surveys', { name: 'Copy 2', product_name: 'P' })))
        .id;
      const res = await upload('b', `/imports/responses?survey_id=${copy}`, csv);
      expect((await json(res)).imported.inserted).toBe(3);
      const imported = (await json(await call('b', 'GET', `/responses?survey_id=${copy}`))).data;
      for (const response of imported) {
        expect(response.attributes).not.toHaveProperty('testimonial_consent');
        expect(response.testimonial_consent).toBeNull();
      }
    });
  });
}
