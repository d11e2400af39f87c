// Builds the website widget: src/widget/main.ts → dist/widget/widget.js (one minified IIFE), prints its
// raw, gzip (level 9) and brotli sizes, and fails when gzip exceeds the 4 KB budget or when the bundle
// pulls in anything from outside src/widget/ (server code, src/core, a package). The same for the
// testimonial widget: src/testimonial-widget/main.ts → dist/widget/testimonials.js, 3 KB budget.
// Files are written atomically (a temporary file renamed), so a test reading one never sees half of it.
// Usage: node scripts/build-widget.js [--if-stale]   (--if-stale: skip when the bundle is newer than every source)
import { mkdirSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { build } from 'esbuild';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const ENTRY = 'src/widget/main.ts';
export const OUTFILE = 'dist/widget/widget.js';
export const GZIP_BUDGET = 4096;
export const TESTIMONIALS_ENTRY = 'src/testimonial-widget/main.ts';
export const TESTIMONIALS_OUTFILE = 'dist/widget/testimonials.js';
export const TESTIMONIALS_GZIP_BUDGET = 3072;

/** The bundles this script builds: entry, output, the folder they may import from, budget. */
export const BUNDLES = [
  {
    name: 'widget',
    entry: ENTRY,
    outfile: OUTFILE,
    dir: 'src/widget/',
    budget: GZIP_BUDGET,
    meta: 'meta.json',
  },
  {
    name: 'testimonials',
    entry: TESTIMONIALS_ENTRY,
    outfile: TESTIMONIALS_OUTFILE,
    dir: 'src/testimonial-widget/',
    budget: TESTIMONIALS_GZIP_BUDGET,
    meta: 'testimonials-meta.json',
  },
];

/** Bundles the widget in memory; returns the code and esbuild's metafile (nothing is written). */
export async function bundleWidget(entry = ENTRY, outfile = OUTFILE) {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: [entry],
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
    outfile,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0].contents;
  return { code, metafile: result.metafile };
}

export const gzipSize = (code) => gzipSync(code, { level: 9 }).length;

/** Inputs of the bundle outside src/widget/ (should be none). */
export const foreignInputs = (metafile, dir = 'src/widget/') =>
  Object.keys(metafile.inputs).filter((p) => !p.replaceAll('\\', '/').startsWith(dir));

/** The newest modification time of any file below `dir` (the bundles rebuild when a source is newer). */
export const newestSource = (dir) =>
  Math.max(
    ...readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? newestSource(path.join(dir, e.name)) : statSync(path.join(dir, e.name)).mtimeMs,
    ),
  );

export function isStale() {
  return BUNDLES.some(({ outfile, dir }) => {
    try {
      const built = statSync(path.join(ROOT, outfile)).mtimeMs;
      return (
        built < Math.max(newestSource(path.join(ROOT, dir)), statSync(fileURLToPath(import.meta.url)).mtimeMs)
      );
    } catch {
      return true;
    }
  });
}

/** Writes `file` (below ROOT) atomically: readers see the old or the new content, never a part. */
function writeAtomically(file, content) {
  const target = path.join(ROOT, file);
  mkdirSync(path.dirname(target), { recursive: true });
  const temporary = `${target}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  renameSync(temporary, target);
}

async function main() {
  if (process.argv.includes('--if-stale') && !isStale()) {
    console.log(`widget: ${OUTFILE} and ${TESTIMONIALS_OUTFILE} are up to date`);
    return 0;
  }
  // Every bundle is checked before any is written: one over budget fails the build as a whole.
  const built = [];
  for (const bundle of BUNDLES) {
    const { code, metafile } = await bundleWidget(bundle.entry, bundle.outfile);
    const foreign = foreignInputs(metafile, bundle.dir);
    if (foreign.length > 0) {
      console.error(`${bundle.name}: the bundle imports code outside ${bundle.dir}: ${foreign.join(', ')}`);
      return 1;
    }
    const gz = gzipSize(code);
    const br = brotliCompressSync(code, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
    console.log(
      `${bundle.name}: ${bundle.outfile} ${code.length} B raw, ${gz} B gzip -9, ${br} B brotli (budget ${bundle.budget} B gzip)`,
    );
    if (gz > bundle.budget) {
      console.error(`${bundle.name}: over budget by ${gz - bundle.budget} B gzip`);
      return 1;
    }
    built.push({ bundle, code, metafile });
  }
  for (const { bundle, code, metafile } of built) {
    writeAtomically(bundle.outfile, code);
    writeAtomically(path.join(path.dirname(bundle.outfile), bundle.meta), JSON.stringify(metafile));
  }
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
