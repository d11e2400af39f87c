// Builds the website widget: src/widget/main.ts → dist/widget/widget.js (one minified IIFE), prints its
// raw, gzip (level 9) and brotli sizes, and fails when gzip exceeds the 4 KB budget or when the bundle
// pulls in anything from outside src/widget/ (server code, src/core, a package).
// Usage: node scripts/build-widget.js [--if-stale]   (--if-stale: skip when the bundle is newer than every source)
import { mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = 'src/widget/main.ts';
export const OUTFILE = 'dist/widget/widget.js';
export const GZIP_BUDGET = 4096;

/** Bundles the widget in memory; returns the code and esbuild's metafile (nothing is written). */
export async function bundleWidget() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [ENTRY],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2020',
    minify: true,
    legalComments: 'none',
    drop: ['console', 'debugger'],
    charset: 'utf8',
    metafile: true,
    write: false,
    outfile: OUTFILE,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { code, metafile: result.metafile };
}

export const gzipSize = (code) => gzipSync(code, { level: 9 }).length;

/** Inputs of the bundle outside src/widget/ (should be none). */
export const foreignInputs = (metafile) =>
  Object.keys(metafile.inputs).filter((p) => !p.replaceAll('\\', '/').startsWith('src/widget/'));

/** The newest modification time of any file below `dir` (the bundles rebuild when a source is newer). */
export const newestSource = (dir) =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
    ),
  );

export function isStale() {
  try {
    const built = statSync(path.join(ROOT, OUTFILE)).mtimeMs;
    return (
      built <
      Math.max(newestSource(path.join(ROOT, 'src/widget')), statSync(fileURLToPath(import.meta.url)).mtimeMs)
    );
  } catch {
    return true;
  }
}

async function main() {
  if (process.argv.includes('--if-stale') && !isStale()) {
    console.log(`widget: ${OUTFILE} is up to date`);
    return 0;
  }
  const { code, metafile } = await bundleWidget();
  const foreign = foreignInputs(metafile);
  if (foreign.length > 0) {
    console.error(`widget: the bundle imports code outside src/widget/: ${foreign.join(', ')}`);
    return 1;
  }
  const gz = gzipSize(code);
  const br = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  console.log(
    `widget: ${OUTFILE} ${code.length} B raw, ${gz} B gzip -9, ${br} B brotli (budget ${GZIP_BUDGET} B gzip)`,
  );
  if (gz > GZIP_BUDGET) {
    console.error(`widget: over budget by ${gz - GZIP_BUDGET} B gzip`);
    return 1;
  }
  mkdirSync(path.dirname(path.join(ROOT, OUTFILE)), { recursive: true });
  writeFileSync(path.join(ROOT, OUTFILE), code);
  writeFileSync(path.join(ROOT, 'dist/widget/meta.json'), JSON.stringify(metafile));
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
