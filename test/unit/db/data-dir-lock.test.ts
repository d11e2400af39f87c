import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DataDirInUseError, lockDataDir } from '../../../src/server/db/data-dir-lock';

const freshDir = () => mkdtempSync(path.join(tmpdir(), 'plaudit-lock-'));

describe('lockDataDir', () => {
  it('writes the pid, refuses a second live owner, and frees the folder on release', () => {
    const dir = freshDir();
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'plaudit.pid'), 'utf8').trim()).toBe(String(process.pid));
    // Another live process, and this process a second time, are both refused.
    expect(() => lockDataDir(dir, process.ppid)).toThrow(DataDirInUseError);
    expect(() => lockDataDir(dir)).toThrow(DataDirInUseError);
    release();
    const again = lockDataDir(dir, process.ppid);
    again();
  });

  it('takes over a lock left by a process that no longer exists', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'plaudit.pid'), '2147483646\n');
    const release = lockDataDir(dir);
    expect(readFileSync(path.join(dir, 'plaudit.pid'), 'utf8').trim()).toBe(String(process.pid));
    release();
  });

  it('takes over a lock file with garbage in it', () => {
    const dir = freshDir();
    writeFileSync(path.join(dir, 'plaudit.pid'), 'not a pid');
    lockDataDir(dir)();
  });
});
