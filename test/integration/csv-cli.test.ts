import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { serve } from '@hono/node-server';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/api-client';
import { runExportCommand } from '../../src/cli/commands/export';
import { runImportCommand } from '../../src/cli/commands/import';
import { loadConfig } from '../../src/server/config';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createSurvey } from '../../src/server/repo/surveys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

/** Enough rows for several import batches and a chunked upload of several hundred kB. */
const MANY = 12_000;

function capture() {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      text += String(chunk);
      callback();
    },
  });
  return { stream, text: () => text };
}

for (const kind of databaseKinds()) {
  describe(`plaudit import/export against a real HTTP server on ${kind.name}`, () => {
    let drop: () => Promise<void>;
    let server: ReturnType<typeof serve>;
    let url = '';
    let key = '';
    let surveyId = '';
    let dir = '';

    beforeAll(async () => {
      const created = await kind.create();
      drop = created.drop;
      const ws = await createWorkspace(created.db, { name: 'CLI' });
      key = (await createApiKey(created.db, ws.id, 'cli')).secret;
      surveyId = (
        await createSurvey(created.db, ws.id, {
          name: 'CLI',
          kind: 'relational',
          journey_stage: 'loyalty',
          product_name: 'P',
          default_locale: 'en',
          texts: {},
          brand_color: '#336699',
        })
      ).id;
      const { app } = createApp({ config: loadConfig({}), db: created.db, clock: () => new Date() });
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      dir = await mkdtemp(path.join(tmpdir(), 'plaudit-cli-'));
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await drop();
      await rm(dir, { recursive: true, force: true });
    });

    const run = async (
      command: typeof runImportCommand,
      args: string[],
      env: CliIo['env'] = { url, key },
    ) => {
      const stdout = capture();
      const stderr = capture();
      const code = await command(args, { stdout: stdout.stream, stderr: stderr.stream, isTTY: false, env });
      return { code, stdout: stdout.text(), stderr: stderr.text() };
    };

    it('imports contacts and many responses, streaming the file', async () => {
      const contacts = path.join(dir, 'contacts.csv');
      await writeFile(contacts, 'email;name;plan\nada@example.de;Ada;pro\nbob@example.de;Bob;free\n');
      const c = await run(runImportCommand, ['contacts', contacts]);
      expect(c.code).toBe(0);
      expect(c.stdout).toContain('2 rows read, 2 valid, 0 rejected');
      expect(c.stdout).toContain('Imported contacts: 2 new, 0 updated.');

      const responses = path.join(dir, 'responses.csv');
      const lines = ['score,comment,created_at,email,country'];
      for (let i = 0; i < MANY; i++) {
        lines.push(
          `${i % 11},${i % 4 === 0 ? `"note ${i}, with comma"` : ''},2026-01-0${1 + (i % 9)},${i % 2 ? 'ada' : 'bob'}@example.de,DE`,
        );
      }
      await writeFile(responses, `${lines.join('\n')}\n`);
      const r = await run(runImportCommand, ['responses', responses, '--survey', surveyId]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toContain(`${MANY.toLocaleString('en-US')} rows read`);
      expect(r.stdout).toContain(
        `Imported responses: ${MANY.toLocaleString('en-US')} new, 0 already imported.`,
      );

      const again = await run(runImportCommand, ['responses', responses, '--survey', surveyId]);
      expect(again.stdout).toContain(`0 new, ${MANY.toLocaleString('en-US')} already imported`);
    });

    it('prints rejected rows by line and exits 1; --partial keeps the good ones', async () => {
      const file = path.join(dir, 'bad.csv');
      await writeFile(file, 'score,comment\n9,"two\nlines"\n12,too high\n8,fine\n');
      const atomic = await run(runImportCommand, ['responses', file, '--survey', surveyId]);
      expect(atomic.code).toBe(1);
      expect(atomic.stdout).toContain('Nothing was written');
      expect(atomic.stdout).toContain('line 4 (score): score: must be an integer from 0 to 10');
      const partial = await run(runImportCommand, ['responses', file, '--survey', surveyId, '--partial']);
      expect(partial.code).toBe(1);
      expect(partial.stdout).toContain('Imported responses: 2 new');
      const dry = await run(runImportCommand, ['responses', file, '--survey', surveyId, '--dry-run']);
      expect(dry.stdout).toContain('Dry run: nothing was written.');
    });

    it('exits 2 on usage errors and 1 when the server refuses', async () => {
      const file = path.join(dir, 'contacts.csv');
      expect((await run(runImportCommand, ['surveys', file])).code).toBe(2);
      expect((await run(runImportCommand, ['contacts', path.join(dir, 'missing.csv')])).code).toBe(2);
      expect((await run(runImportCommand, ['contacts', file, '--bogus'])).code).toBe(2);
      expect((await run(runImportCommand, ['contacts', file], { url })).code).toBe(2);
      const refused = await run(runImportCommand, ['contacts', file], { url, key: 'plk_wrong' });
      expect(refused.code).toBe(1);
      expect(refused.stderr).toMatch(/HTTP 401/);
      const header = path.join(dir, 'header.csv');
      await writeFile(header, 'comment\nhello\n');
      const noScore = await run(runImportCommand, ['responses', header, '--survey', surveyId]);
      expect(noScore.code).toBe(1);
      expect(noScore.stderr).toContain('The header has no "score" column');
      expect((await run(runExportCommand, ['responses', '--from', 'yesterday'])).code).toBe(2);
    });

    it('exports with filters to a file that reads back', async () => {
      const out = path.join(dir, 'export.csv');
      const res = await run(runExportCommand, [
        'responses',
        '--out',
        out,
        '--survey',
        surveyId,
        '--from',
        '2026-01-02',
        '--to',
        '2026-01-03',
        '--category',
        'promoter',
        '--attr',
        'country=DE',
      ]);
      expect(res.code).toBe(0);
      const rows: Record<string, string>[] = parse(await readFile(out, 'utf8'), { bom: true, columns: true });
      const expected = Array.from({ length: MANY }, (_, i) => i).filter(
        (i) => [1, 2].includes(i % 9) && i % 11 >= 9,
      ).length;
      expect(rows).toHaveLength(expected);
      expect(res.stderr).toBe(`Exported ${expected.toLocaleString('en-US')} responses to ${out}.\n`);
      for (const row of rows) {
        expect(row.category).toBe('promoter');
        expect(row.country).toBe('DE');
        expect(['2026-01-02', '2026-01-03']).toContain(row.day);
      }
      const toStdout = await run(runExportCommand, [
        'responses',
        '--category',
        'detractor',
        '--attributes',
        'country',
      ]);
      expect(toStdout.code).toBe(0);
      const header = toStdout.stdout.replace(/^\uFEFF/, '').split('\n')[0];
      expect(header?.endsWith(',account_name,country')).toBe(true);
    });
  });
}
