import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
let code = '';
let inputs: string[] = [];

beforeAll(() => {
  // The real build script: it exits 1 when over budget or importing from outside src/widget/.
  execFileSync(process.execPath, [path.join(root, 'scripts/build-widget.js')], { cwd: root, stdio: 'pipe' });
  code = readFileSync(path.join(root, 'dist/widget/widget.js'), 'utf8');
  inputs = Object.keys(JSON.parse(readFileSync(path.join(root, 'dist/widget/meta.json'), 'utf8')).inputs);
});

describe('widget bundle', () => {
  it('is at most 4096 bytes gzip (level 9)', () => {
    const size = gzipSync(code, { level: 9 }).length;
    expect(size).toBeGreaterThan(1000);
    expect(size).toBeLessThanOrEqual(4096);
  });

  it('bundles only src/widget/ (nothing from src/core, src/server or packages)', () => {
    expect(inputs).toContain('src/widget/main.ts');
    expect(inputs.filter((p) => !p.startsWith('src/widget/'))).toEqual([]);
  });

  it('is one self-contained IIFE: no dynamic import, no require, no external URL', () => {
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/https?:\/\//);
    expect(code).not.toMatch(/console\.|debugger/);
    expect(code.trimStart()).toMatch(/^("use strict";)?\(\(\)=>\{/);
  });

  it('speaks the wire contract: its endpoints, string bodies with keepalive and no header, the storage keys', () => {
    for (const s of [
      '/w/v1/responses',
      '/w/v1/surveys/config',
      '/w/v1/dismissals',
      'body:JSON.stringify',
      'keepalive',
      'plaudit:outbox',
      'plaudit:vid',
    ])
      expect(code).toContain(s);
    // A header (even Content-Type: application/json) would make every request preflighted.
    expect(code).not.toContain('application/json');
    expect(code).not.toContain('headers:');
  });
});
