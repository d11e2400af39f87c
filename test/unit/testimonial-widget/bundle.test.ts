import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../../..');
let code = '';
let inputs: string[] = [];

beforeAll(() => {
  // The real build script: it exits 1 when a bundle is over budget or imports from outside its folder
  // (and writes atomically, so the survey widget's bundle test reading its file meanwhile is safe).
  execFileSync(process.execPath, [path.join(root, 'scripts/build-widget.js')], { cwd: root, stdio: 'pipe' });
  code = readFileSync(path.join(root, 'dist/widget/testimonials.js'), 'utf8');
  inputs = Object.keys(
    JSON.parse(readFileSync(path.join(root, 'dist/widget/testimonials-meta.json'), 'utf8')).inputs,
  );
});

describe('testimonial widget bundle', () => {
  it('is at most 3072 bytes gzip (level 9)', () => {
    const size = gzipSync(code, { level: 9 }).length;
    expect(size).toBeGreaterThan(800);
    expect(size).toBeLessThanOrEqual(3072);
  });

  it('bundles only src/testimonial-widget/ (nothing from src/core, src/server or packages)', () => {
    expect(inputs).toContain('src/testimonial-widget/main.ts');
    expect(inputs.filter((p) => !p.startsWith('src/testimonial-widget/'))).toEqual([]);
  });

  it('is one self-contained IIFE without innerHTML, eval or an external URL', () => {
    expect(code).not.toMatch(/\bimport\s*\(/);
    expect(code).not.toMatch(/\brequire\s*\(/);
    expect(code).not.toMatch(/https?:\/\//);
    expect(code).not.toMatch(/console\.|debugger/);
    // Untrusted comments are set as text only.
    expect(code).not.toMatch(/innerHTML|outerHTML|insertAdjacentHTML|document\.write|\beval\(|new Function/);
    expect(code.trimStart()).toMatch(/^("use strict";)?\(\(\)=>\{/);
  });

  it('speaks the wire contract: its endpoint, one JSON-LD script, a shadow root, a polite live region', () => {
    for (const s of [
      '/t/v1/testimonials',
      'application/ld+json',
      'data-plaudit-ld',
      'attachShadow',
      'polite',
    ])
      expect(code).toContain(s);
  });
});
