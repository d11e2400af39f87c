// Builds the dashboard: src/dashboard/main.tsx (Preact) → dist/dashboard/, with content-hashed
// assets (app-<hash>.js, app-<hash>.css) and an index.html that loads them without any inline
// script or style (the dashboard's Content-Security-Policy allows only 'self'). Prints the sizes;
// fails when the bundle takes in anything but src/dashboard/ and preact.
// Usage: node scripts/build-dashboard.js [--if-stale]
import { mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { newestSource } from './build-widget.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUTDIR = 'dist/dashboard';
const ENTRY = 'src/dashboard/main.tsx';

export async function bundleDashboard() {
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { app: ENTRY },
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
    minify: true,
    legalComments: 'none',
    drop: ['debugger'],
    charset: 'utf8',
    metafile: true,
    write: false,
    outdir: `${OUTDIR}/assets`,
    entryNames: '[name]-[hash]',
    // Pages other than the overview are import()ed when opened: their own files.
    splitting: true,
    chunkNames: '[name]-[hash]',
    logLevel: 'silent',
  });
  return result;
}

const allowed = (p) => {
  const f = p.replaceAll('\\', '/');
  return f.startsWith('src/dashboard/') || f.startsWith('node_modules/preact/');
};

function isStale() {
  try {
    const built = statSync(path.join(ROOT, OUTDIR, 'index.html')).mtimeMs;
    return (
      built <
      Math.max(
        newestSource(path.join(ROOT, 'src/dashboard')),
        statSync(fileURLToPath(import.meta.url)).mtimeMs,
      )
    );
  } catch {
    return true;
  }
}

async function main() {
  if (process.argv.includes('--if-stale') && !isStale()) {
    console.log(`dashboard: ${OUTDIR} is up to date`);
    return 0;
  }
  const result = await bundleDashboard();
  const foreign = Object.keys(result.metafile.inputs).filter((p) => !allowed(p));
  if (foreign.length > 0) {
    console.error(
      `dashboard: the bundle imports code outside src/dashboard/ and preact: ${foreign.join(', ')}`,
    );
    return 1;
  }
  const out = path.join(ROOT, OUTDIR);
  rmSync(out, { recursive: true, force: true });
  mkdirSync(path.join(out, 'assets'), { recursive: true });
  const names = {};
  // The first load: the entry and the chunks it imports statically (not the lazily loaded pages).
  const outputs = result.metafile.outputs;
  const entry = Object.keys(outputs).find((o) => outputs[o].entryPoint === ENTRY && o.endsWith('.js'));
  const firstLoad = new Set([entry]);
  for (const o of [...firstLoad]) {
    for (const imp of outputs[o]?.imports ?? []) if (imp.kind === 'import-statement') firstLoad.add(imp.path);
  }
  let jsGzip = 0;
  let jsGzipAll = 0;
  let cssGzip = 0;
  for (const file of result.outputFiles) {
    writeFileSync(file.path, file.contents);
    const name = path.basename(file.path);
    const relative = path.relative(ROOT, file.path).replaceAll('\\', '/');
    const gz = gzipSync(file.contents, { level: 9 }).length;
    if (name.endsWith('.js')) {
      if (relative === entry) names.js = name;
      jsGzipAll += gz;
      if (firstLoad.has(relative)) jsGzip += gz;
    } else if (name.endsWith('.css')) {
      names.css = name;
      cssGzip += gz;
    }
  }
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<title>Plaudit</title>
<link rel="icon" href="data:,">
${names.css ? `<link rel="stylesheet" href="/app/assets/${names.css}">` : ''}
<script type="module" src="/app/assets/${names.js}"></script>
${[...firstLoad]
  .filter((o) => o !== entry)
  .map((o) => `<link rel="modulepreload" href="/app/assets/${path.basename(o)}">`)
  .join('\n')}
</head>
<body>
<div id="app"></div>
<noscript>Plaudit's dashboard needs JavaScript. / Das Dashboard von Plaudit braucht JavaScript.</noscript>
</body>
</html>
`;
  writeFileSync(path.join(out, 'index.html'), html);
  writeFileSync(
    path.join(out, 'sizes.json'),
    JSON.stringify({ js_gzip: jsGzip, js_gzip_all: jsGzipAll, css_gzip: cssGzip, ...names }),
  );
  console.log(
    `dashboard: ${OUTDIR} first load ${jsGzip} B JS + ${cssGzip} B CSS gzip (all pages: ${jsGzipAll} B JS)`,
  );
  return 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main();
}
