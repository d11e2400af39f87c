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

for (const kind of databaseKinds()) {
  describe(`CSV import on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    const keys: Record<'a' | 'b', string> = { a: '', b: '' };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => NOW }).app;
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
    const upload = (key: 'a' | 'b', path: string, csv: string, type = 'text/csv') =>
      app.request(`/api/v1${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${keys[key]}`, 'content-type': type },
        body: csv,
      });
    const newSurvey = async (key: 'a' | 'b' = 'a') =>
      (await json(await call(key, 'POST', '/surveys', { name: 'Imported', product_name: 'P' }))).id as string;
    const countResponses = async (surveyId: string) =>
      (await json(await call('a', 'GET', `/metrics/nps?survey_id=${surveyId}`))).n as number;

    it('imports contacts with attributes and accounts, and updates them on re-import', async () => {
      const csv = [
        'email;external_id;name;locale;time_zone;account_external_id;account_name;account_revenue;plan;Sales Rep',
        'anna@example.de;;Anna;de;Europe/Berlin;acme;ACME GmbH;120000;pro;Kai',
        ';u-2;Bob;en;;acme;;;free;',
        'carl@example.com;;;;;;Solo AG;;;Eva',
      ].join('\n');
      const res = await upload('a', '/imports/contacts', csv);
      expect(res.status).toBe(200);
      const result = await json(res);
      expect(result).toMatchObject({
        delimiter: ';',
        rows_read: 3,
        valid: 3,
        skipped: 0,
        imported: { inserted: 3, updated: 0 },
        error_count: 0,
        committed: true,
      });
      const anna = (await json(await call('a', 'GET', '/contacts?email=anna@example.de'))).data[0];
      expect(anna).toMatchObject({ name: 'Anna', locale: 'de', time_zone: 'Europe/Berlin' });
      expect(anna.attributes).toEqual({ plan: 'pro', Sales_Rep: 'Kai' });
      const bob = (await json(await call('a', 'GET', '/contacts?external_id=u-2'))).data[0];
      expect(bob.account_id).toBe(anna.account_id);
      const account = await json(await call('a', 'GET', `/accounts/${anna.account_id}`));
      expect(account).toMatchObject({ external_id: 'acme', name: 'ACME GmbH', revenue: 120000 });
      const carl = (await json(await call('a', 'GET', '/contacts?email=carl@example.com'))).data[0];
      expect((await json(await call('a', 'GET', `/accounts/${carl.account_id}`))).name).toBe('Solo AG');

      // Re-import: changed values win, empty cells keep what is stored.
      const again = await upload(
        'a',
        '/imports/contacts',
        'email,name,plan,Sales Rep\nanna@example.de,,enterprise,\nnew@example.de,Neu,,\n',
      );
      expect(await json(again)).toMatchObject({ imported: { inserted: 1, updated: 1 }, committed: true });
      const anna2 = (await json(await call('a', 'GET', '/contacts?email=anna@example.de'))).data[0];
      expect(anna2).toMatchObject({ id: anna.id, name: 'Anna', account_id: anna.account_id });
      expect(anna2.attributes).toEqual({ plan: 'enterprise', Sales_Rep: 'Kai' });
    });

    it('imports responses into the survey named by the query, with contacts and properties', async () => {
      const survey = await newSurvey();
      const csv = [
        '\uFEFFscore,comment,created_at,email,name,plan,country',
        '10,Great,2026-03-01T10:00:00Z,resp1@example.de,Rita,pro,DE',
        '9.0,,2026-03-02,resp1@example.de,,pro,AT',
        '3,"Slow, very slow",2026-02-01T08:00:00+01:00,,,free,DE',
        '7,,,resp2@example.de,,,',
      ].join('\r\n');
      const res = await upload('a', `/imports/responses?survey_id=${survey}`, csv);
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({
        rows_read: 4,
        imported: { inserted: 4, unchanged: 0 },
        error_count: 0,
        committed: true,
      });
      const list = await json(await call('a', 'GET', `/responses?survey_id=${survey}`));
      expect(list.data.map((r: { score: number }) => r.score)).toEqual([7, 9, 10, 3]);
      const [noDate, dayOnly] = list.data;
      expect(noDate.created_at).toBe(NOW.toISOString());
      expect(noDate.channel).toBe('import');
      // A bare date lands on that day in the workspace's time zone.
      expect(dayOnly.day).toBe('2026-03-02');
      expect(dayOnly.attributes).toEqual({ plan: 'pro', country: 'AT' });
      const rita = (await json(await call('a', 'GET', '/contacts?email=resp1@example.de'))).data[0];
      expect(rita.name).toBe('Rita');
      expect(list.data[2].contact_id).toBe(rita.id);

      // Metrics read the rollups right after the import.
      const nps = await json(await call('a', 'GET', `/metrics/nps?survey_id=${survey}`));
      expect(nps).toMatchObject({ n: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
      const breakdown = await json(
        await call('a', 'GET', `/metrics/breakdown?by=plan&survey_id=${survey}&min_n=1`),
      );
      const byPlan = Object.fromEntries(
        breakdown.segments.map((s: { value: string; n: number; nps: number }) => [s.value, [s.n, s.nps]]),
      );
      expect(byPlan).toEqual({ pro: [2, 100], free: [1, -100] });
    });

    it('takes the survey from a column and refuses a survey of another workspace by name', async () => {
      const mine = await newSurvey('a');
      const theirs = await newSurvey('b');
      const ok = await upload('a', '/imports/responses', `survey_id,score\n${mine},9\n${mine},8\n`);
      expect(await json(ok)).toMatchObject({ imported: { inserted: 2 }, committed: true });
      const bad = await upload('a', '/imports/responses', `survey_id,score\n${mine},9\n${theirs},8\n`);
      expect(bad.status).toBe(422);
      expect((await json(bad)).errors).toEqual([
        {
          line: 3,
          field: 'survey_id',
          code: 'unknown_reference',
          message: 'survey_id: no such survey in this workspace',
        },
      ]);
      const byQuery = await upload('a', `/imports/responses?survey_id=${theirs}`, 'score\n9\n');
      expect(byQuery.status).toBe(422);
      expect((await json(byQuery)).error.field).toBe('survey_id');
      expect(await countResponses(mine)).toBe(2);
    });

    const withBadRows = (survey: string) =>
      [
        'score,comment,created_at',
        '9,fine,2026-01-01', // line 2
        '8,"a comment', // line 3: a quoted comment over three lines
        'over several',
        'lines",2026-01-02',
        '11,too high,2026-01-03', // line 6
        '', // line 7: blank
        '10,,2030-01-01', // line 8: future
        '7,,yesterday', // line 9
        `${survey},x`, // line 10: not a score
        '6,ok,2026-01-04', // line 11
      ].join('\n');

    it('atomic mode writes nothing when a row is bad and reports exact line numbers', async () => {
      const survey = await newSurvey();
      const res = await upload('a', `/imports/responses?survey_id=${survey}`, withBadRows(survey));
      expect(res.status).toBe(422);
      const result = await json(res);
      expect(result).toMatchObject({
        rows_read: 7,
        valid: 3,
        skipped: 4,
        error_count: 4,
        committed: false,
        imported: { inserted: 0, updated: 0, unchanged: 0 },
      });
      expect(result.errors.map((e: { line: number; field: string }) => [e.line, e.field])).toEqual([
        [6, 'score'],
        [8, 'created_at'],
        [9, 'created_at'],
        [10, 'score'],
      ]);
      expect(result.errors[1].message).toBe('created_at: must not be in the future');
      expect(await countResponses(survey)).toBe(0);
    });

    it('partial mode keeps the good rows and reports the bad ones', async () => {
      const survey = await newSurvey();
      const res = await upload(
        'a',
        `/imports/responses?survey_id=${survey}&mode=partial`,
        withBadRows(survey),
      );
      expect(res.status).toBe(200);
      const result = await json(res);
      expect(result).toMatchObject({ valid: 3, skipped: 4, error_count: 4, committed: true });
      expect(result.imported.inserted).toBe(3);
      expect(result.errors.map((e: { line: number }) => e.line)).toEqual([6, 8, 9, 10]);
      const list = await json(await call('a', 'GET', `/responses?survey_id=${survey}`));
      expect(list.data.map((r: { comment: string }) => r.comment)).toEqual([
        'ok',
        'a comment\nover several\nlines',
        'fine',
      ]);
    });

    it('partial mode also isolates rows the database refuses', async () => {
      await call('a', 'POST', '/contacts', { email: 'taken@example.de' });
      await call('a', 'POST', '/contacts', { external_id: 'owner' });
      // Line 3 asks to give contact "owner" an email another contact has.
      const csv =
        'email,external_id,name\nfree@example.de,,A\ntaken@example.de,owner,B\nother@example.de,,C\n';
      const atomic = await upload('a', '/imports/contacts', csv);
      expect(atomic.status).toBe(422);
      expect((await json(atomic)).errors[0]).toMatchObject({ line: 2, code: 'rejected_by_database' });
      expect((await json(await call('a', 'GET', '/contacts?email=free@example.de'))).data).toHaveLength(0);
      const partial = await json(await upload('a', '/imports/contacts?mode=partial', csv));
      expect(partial).toMatchObject({ error_count: 1, imported: { inserted: 2 }, committed: true });
      expect(partial.errors[0]).toMatchObject({ line: 3, code: 'rejected_by_database' });
    });

    it('refuses a NUL character as a row error and keeps the contacts of the good rows', async () => {
      const survey = await newSurvey();
      const csv =
        'score,email,comment\n9,nul-a@example.de,ok\n7,nul-b@example.de,bad\u0000nul\n8,nul-a@example.de,second\n';
      for (const mode of ['atomic', 'partial']) {
        const res = await upload('a', `/imports/responses?survey_id=${survey}&mode=${mode}`, csv);
        const result = await json(res);
        expect(result.errors[0]).toMatchObject({ line: 3, field: 'comment' });
        expect(res.status).toBe(mode === 'atomic' ? 422 : 200);
      }
      const contact = (await json(await call('a', 'GET', '/contacts?email=nul-a@example.de'))).data[0];
      expect(contact).toBeTruthy();
      const list = await json(
        await call('a', 'GET', `/responses?survey_id=${survey}&contact_id=${contact.id}`),
      );
      expect(list.data.map((r: { score: number }) => r.score).sort()).toEqual([8, 9]);
    });

    it('a dry run validates and writes nothing', async () => {
      const survey = await newSurvey();
      const res = await upload(
        'a',
        `/imports/responses?survey_id=${survey}&dry_run=true`,
        'score,email\n9,dry@example.de\n',
      );
      expect(res.status).toBe(200);
      expect(await json(res)).toMatchObject({ dry_run: true, valid: 1, committed: false });
      expect(await countResponses(survey)).toBe(0);
      expect((await json(await call('a', 'GET', '/contacts?email=dry@example.de'))).data).toHaveLength(0);
      const bad = await upload('a', `/imports/responses?survey_id=${survey}&dry_run=true`, 'score\n12\n');
      expect(bad.status).toBe(422);
    });

    it('re-importing the same file does not count twice (with and without an id column)', async () => {
      const survey = await newSurvey();
      const withIds = 'id,score\nr-1,10\nr-2,0\nr-2,0\n';
      const first = await json(await upload('a', `/imports/responses?survey_id=${survey}`, withIds));
      expect(first.imported).toEqual({ inserted: 2, updated: 0, unchanged: 1 });
      const second = await json(await upload('a', `/imports/responses?survey_id=${survey}`, withIds));
      expect(second.imported).toEqual({ inserted: 0, updated: 0, unchanged: 3 });
      // Without ids, equal rows on different lines are different responses.
      const noIds = 'score;created_at\n9;2026-01-05\n9;2026-01-05\n';
      expect(
        (await json(await upload('a', `/imports/responses?survey_id=${survey}`, noIds))).imported,
      ).toEqual({
        inserted: 2,
        updated: 0,
        unchanged: 0,
      });
      expect(
        (await json(await upload('a', `/imports/responses?survey_id=${survey}`, noIds))).imported,
      ).toEqual({
        inserted: 0,
        updated: 0,
        unchanged: 2,
      });
      expect(await countResponses(survey)).toBe(4);
    });

    it('refuses header problems with a 400 naming the column, before writing', async () => {
      const survey = await newSurvey();
      const cases: [string, string | null][] = [
        ['comment,plan\nx,pro\n', 'score'],
        ['score,Score\n9,9\n', 'Score'],
        ['score,bad name!\n9,x\n', 'bad_name!'],
        ['score,\n9,x\n', null],
        ['', null],
        ['\n\n', null],
      ];
      for (const [csv, field] of cases) {
        const res = await upload('a', `/imports/responses?survey_id=${survey}`, csv);
        expect(res.status, csv).toBe(400);
        expect((await json(res)).error.field, csv).toBe(field);
      }
      const contacts = await upload('a', '/imports/contacts', 'name,plan\nA,pro\n');
      expect(contacts.status).toBe(400);
      expect((await json(contacts)).error.field).toBe('email');
      const noSurvey = await upload('a', '/imports/responses', 'score\n9\n');
      expect(noSurvey.status).toBe(400);
      expect((await json(noSurvey)).error.field).toBe('survey_id');
      expect(await countResponses(survey)).toBe(0);
    });

    it('refuses a body that is not CSV with 415, and reports too many fields and broken CSV by line', async () => {
      const survey = await newSurvey();
      const res = await upload(
        'a',
        `/imports/responses?survey_id=${survey}`,
        '{"score":9}',
        'application/json',
      );
      expect(res.status).toBe(415);
      const ragged = await json(
        await upload('a', `/imports/responses?survey_id=${survey}&mode=partial`, 'score,comment\n9,a,b\n8\n'),
      );
      expect(ragged).toMatchObject({ error_count: 1, imported: { inserted: 1 } });
      expect(ragged.errors[0]).toMatchObject({ line: 2, code: 'too_many_fields' });
      const broken = await upload(
        'a',
        `/imports/responses?survey_id=${survey}`,
        'score,comment\n9,ok\n8,"never closed\n',
      );
      expect(broken.status).toBe(422);
      expect((await json(broken)).errors[0]).toMatchObject({ line: 3, code: 'invalid_csv' });
      expect(await countResponses(survey)).toBe(1);
    });

    it('honours ?delimiter= and detects tabs', async () => {
      const survey = await newSurvey();
      const tab = await json(
        await upload('a', `/imports/responses?survey_id=${survey}`, 'score\tplan\n9\tpro\n'),
      );
      expect(tab).toMatchObject({ delimiter: '\t', imported: { inserted: 1 } });
      const forced = await json(
        await upload('a', `/imports/responses?survey_id=${survey}&delimiter=;`, 'score;comment\n8;a, b\n'),
      );
      expect(forced).toMatchObject({ delimiter: ';', imported: { inserted: 1 } });
    });
  });
}
