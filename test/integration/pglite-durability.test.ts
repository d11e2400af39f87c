import { fork } from 'node:child_process';
import fs, { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openDatabase } from '../../src/server/db/open-database';

const CHILD = fileURLToPath(new URL('./helpers/pglite-server-child.ts', import.meta.url));

describe('embedded database durability (PGlite in a data dir)', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'plaudit-durability-'));
    dirs.push(dir);
    return dir;
  };
  afterEach(() => {
    vi.restoreAllMocks();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every acknowledged response through kill -9, and syncs commits to disk', async () => {
    const dataDir = tempDir();
    const child = fork(CHILD, [], {
      execArgv: ['--import', 'tsx'],
      env: { ...process.env, PLAUDIT_DATA_DIR: dataDir },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    const { port, secret, surveyId } = await new Promise<{ port: number; secret: string; surveyId: string }>(
      (resolve, reject) => {
        child.once('message', (m) => resolve(m as { port: number; secret: string; surveyId: string }));
        child.once('exit', (code) => reject(new Error(`child exited with ${code}`)));
      },
    );
    const post = (score: number) =>
      fetch(`http://127.0.0.1:${port}/api/v1/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
        body: JSON.stringify({ survey_id: surveyId, score, properties: { plan: 'pro' } }),
      });
    const responses = await Promise.all(Array.from({ length: 120 }, (_, i) => post(i % 11)));
    expect(responses.map((r) => r.status)).toEqual(responses.map(() => 201));
    const ids = await Promise.all(responses.map(async (r) => ((await r.json()) as { id: string }).id));
    // No shutdown code runs: whatever was acknowledged must already be in the files.
    child.kill('SIGKILL');
    await exited;

    const db = await openDatabase({ dataDir });
    try {
      const stored = await db.query<{ id: string }>('SELECT id FROM response WHERE id = ANY($1::uuid[])', [
        ids,
      ]);
      expect(stored).toHaveLength(ids.length);
      // The rollup was written in the same statement, so it survived with the rows.
      const [rollup] = await db.query<{ n: number }>('SELECT sum(count)::int AS n FROM response_daily');
      expect(rollup!.n).toBe(ids.length);

      // Power loss is not testable here; what protects against it is fsync being on and reaching
      // the disk (PGlite's own default is off, and its file system layer would skip the call).
      expect(await db.query('SHOW fsync')).toEqual([{ fsync: 'on' }]);
      const sync = vi.spyOn(fs, 'fdatasyncSync');
      await db.query('UPDATE workspace SET name = $1', ['After the crash']);
      expect(sync).toHaveBeenCalled();
    } finally {
      await db.close();
    }
  });
});
