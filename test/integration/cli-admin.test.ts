import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { runDemoCommand } from '../../src/cli/commands/demo';
import { runRollupsCommand } from '../../src/cli/commands/rollups';
import { runWorkspaceCommand } from '../../src/cli/commands/workspace';
import { loadConfig } from '../../src/server/config';
import { DataDirInUseError } from '../../src/server/db/data-dir-lock';
import { openDatabase } from '../../src/server/db/open-database';
import { hashSecret } from '../../src/server/repo/api-keys';

function captureIo() {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => {
    out += d;
  });
  stderr.on('data', (d) => {
    err += d;
  });
  return { io: { stdout, stderr, isTTY: false }, out: () => out, err: () => err };
}

describe('plaudit workspace and plaudit demo on an embedded data folder', () => {
  it('creates a workspace whose key is printed once and stored hashed, then adds the demo', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'plaudit-cli-'));
    const config = loadConfig({ PLAUDIT_DATA_DIR: dataDir });

    const create = captureIo();
    expect(await runWorkspaceCommand(['create', '--name', 'Acme GmbH'], config, create.io)).toBe(0);
    const secret = /plk_[\w-]+/.exec(create.out())?.[0];
    expect(secret).toBeTruthy();

    const badZone = captureIo();
    expect(
      await runWorkspaceCommand(['create', '--name', 'X', '--time-zone', 'Mars/Base'], config, badZone.io),
    ).toBe(2);
    expect(badZone.err()).toContain('time zone');

    const demo = captureIo();
    expect(await runDemoCommand(['--seed', '7'], config, demo.io)).toBe(0);
    expect(demo.out()).toMatch(/with \d{4,} responses/);

    // The rollups as the server kept them are right: a rebuild finds nothing to correct. After a
    // change behind the server's back (a raw UPDATE), it corrects them.
    const rebuild = captureIo();
    expect(await runRollupsCommand(['rebuild'], config, rebuild.io)).toBe(0);
    expect(rebuild.out()).toMatch(/Taskwerk \(demo\): unchanged/);
    expect(rebuild.out()).toContain('2 workspace(s); 0 had differed');
    const raw = await openDatabase({ dataDir });
    try {
      await raw.query(
        'UPDATE response SET score = 0 WHERE id = (SELECT id FROM response WHERE score = 10 LIMIT 1)',
      );
    } finally {
      await raw.close();
    }
    const again = captureIo();
    expect(await runRollupsCommand(['rebuild'], config, again.io)).toBe(0);
    expect(again.out()).toMatch(/Taskwerk \(demo\): corrected/);
    expect(await runRollupsCommand(['rebuild', '--workspace', 'nope'], config, captureIo().io)).toBe(2);

    const list = captureIo();
    expect(await runWorkspaceCommand(['list'], config, list.io)).toBe(0);
    expect(list.out()).toContain('Acme GmbH');
    expect(list.out()).toContain('Taskwerk (demo)');

    const db = await openDatabase({ dataDir });
    try {
      const keys = await db.query<{ secret_hash: string }>('SELECT secret_hash FROM api_key');
      expect(keys.map((k) => k.secret_hash)).toContain(hashSecret(secret!));
      const text = JSON.stringify(await db.query('SELECT * FROM api_key'));
      expect(text).not.toContain(secret!);
      // While this process holds the folder, a second opener is refused instead of corrupting it.
      await expect(runWorkspaceCommand(['list'], config, captureIo().io)).rejects.toThrow(DataDirInUseError);
    } finally {
      await db.close();
    }
  }, 60_000);
});
