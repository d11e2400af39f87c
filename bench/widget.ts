/**
 * Website widget benchmark in Chromium (/usr/bin/chromium), on PGlite in process:
 *
 * - widget.js size: raw, gzip -9 and brotli of dist/widget/widget.js (budget 4 KB gzip);
 * - time from the start of the script's load to the survey being shown (its eleven buttons in the
 *   page), from Chromium's performance timings (Resource Timing `startTime` of widget.js to a
 *   MutationObserver's `performance.now()` when the card is attached), median of --loads (20) fresh
 *   page loads with the cache disabled. It includes fetching the script and the survey's config.
 * Baseline, in the same run: the same measurement for a script of the same server that only
 * attaches an element (no config request): what any script tag costs here.
 *
 *   node --import tsx bench/widget.ts [--loads 20]
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { migrate } from '../src/server/db/migrate';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import { startAppServer } from '../test/integration/helpers/app-server';
import { benchWorkspace } from './bench-setup';
import { printTable } from './print-table';

const { values } = parseArgs({ options: { loads: { type: 'string', default: '20' } } });
const loads = Number(values.loads);
const bundle = readFileSync('dist/widget/widget.js');
const gzip = gzipSync(bundle, { level: 9 }).length;
const brotli = brotliCompressSync(bundle).length;

const db = await createPgliteDatabase(undefined);
await migrate(db);
const api = await startAppServer({ db, clock: () => new Date() });
const { post } = await benchWorkspace(db, (path, init) => fetch(`${api.publicUrl}${path}`, init));
const survey = await post('/surveys', { name: 'Website', product_name: 'Taskwerk' });

// The baseline script: served by a plain server on the API's host, it only attaches an element.
const baselineScript = `(function(){var e=document.createElement('plaudit-widget');var b=document.createElement('button');e.attachShadow({mode:'open'}).append(b);document.body.append(e)})()`;
const pages = new Map<string, string>();
const fixture = createServer((req, res) => {
  if (req.url === '/baseline.js') {
    res.writeHead(200, { 'content-type': 'application/javascript', 'cache-control': 'no-store' });
    res.end(baselineScript);
    return;
  }
  const html = pages.get(req.url ?? '/');
  res.writeHead(html ? 200 : 404, { 'content-type': 'text/html; charset=utf-8' });
  res.end(html ?? '');
});
await new Promise<void>((resolve) => fixture.listen(0, '127.0.0.1', resolve));
const fixtureOrigin = `http://localhost:${(fixture.address() as AddressInfo).port}`;
const key = (await post('/publishable-keys', {
  name: 'Bench',
  allowed_origins: [fixtureOrigin],
})) as unknown as {
  key: string;
};

// Records when the card's buttons appear (a MutationObserver over the document and open shadow roots).
const observer = `<script>window.__shown=null;new MutationObserver(function(){var w=document.querySelector('plaudit-widget');
if(window.__shown===null&&w&&w.shadowRoot&&w.shadowRoot.querySelector('button'))window.__shown=performance.now()})
.observe(document.documentElement,{childList:true,subtree:true});</script>`;
pages.set(
  '/widget',
  `<!doctype html><html><head>${observer}</head><body><h1>Shop</h1>
<script async src="${api.publicUrl}/widget.js" data-key="${key.key}" data-locale="en" data-survey="${survey.id}"></script></body></html>`,
);
pages.set(
  '/baseline',
  `<!doctype html><html><head>${observer}</head><body><h1>Shop</h1><script async src="${fixtureOrigin}/baseline.js"></script></body></html>`,
);

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
async function measure(path: string, script: string): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto(`${fixtureOrigin}${path}`);
    await page.waitForFunction('window.__shown !== null', undefined, { timeout: 10_000 });
    const ms = await page.evaluate((name) => {
      const entry = performance.getEntriesByType('resource').find((e) => e.name.includes(name));
      return (window as unknown as { __shown: number }).__shown - (entry?.startTime ?? Number.NaN);
    }, script);
    times.push(ms);
    await context.close();
  }
  return times;
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
try {
  const widget = median(await measure('/widget', '/widget.js'));
  const baseline = median(await measure('/baseline', '/baseline.js'));
  printTable([
    {
      figure: 'widget.js size',
      target: '≤ 4,096 B gzip',
      measured: `${bundle.length.toLocaleString('en')} B raw, ${gzip.toLocaleString('en')} B gzip -9, ${brotli.toLocaleString('en')} B brotli`,
      baseline: '',
      ratio: `${((gzip / 4096) * 100).toFixed(0)}% of the budget`,
    },
    {
      figure: `script load → survey shown (median of ${loads}, cache off)`,
      target: '',
      measured: `${widget.toFixed(1)} ms (script + config request + render)`,
      baseline: `a script that only attaches an element: ${baseline.toFixed(1)} ms`,
      ratio: `+${(widget - baseline).toFixed(1)} ms`,
    },
  ]);
} finally {
  await browser.close();
  await new Promise<void>((resolve) => fixture.close(() => resolve()));
  await api.close();
  await db.close();
}
