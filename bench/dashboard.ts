/**
 * Dashboard first load in Chromium (/usr/bin/chromium), against the real server on PGlite in
 * process with the demo data (about 17,000 responses), signed in as the demo user:
 *
 * - JavaScript and CSS shipped, gzip -9 (dist/dashboard/sizes.json, what the build printed);
 * - time from navigation start to the overview's NPS being shown (a MutationObserver installed
 *   before any page script records `performance.now()` when `[data-testid=nps-value]` appears),
 *   median of --loads (10) fresh browser contexts with the cache disabled: HTML, script, styles,
 *   the session check and the overview's three API requests, and rendering.
 * Baseline, in the same run and page: the overview's three API requests alone (fetch in
 * parallel, as the page makes them), median of the same number: what the data costs; the rest is
 * the dashboard's own overhead.
 *
 *   node --import tsx bench/dashboard.ts [--loads 10]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { migrate } from '../src/server/db/migrate';
import { createPgliteDatabase } from '../src/server/db/pglite-adapter';
import { ensureDemoUser } from '../src/server/demo/demo-user';
import { loadDemoData } from '../src/server/demo/load-demo-data';
import { startAppServer } from '../test/integration/helpers/app-server';
import { printTable } from './print-table';

const { values } = parseArgs({ options: { loads: { type: 'string', default: '10' } } });
const loads = Number(values.loads);
const sizes = JSON.parse(readFileSync('dist/dashboard/sizes.json', 'utf8')) as {
  js_gzip: number;
  css_gzip: number;
};

const db = await createPgliteDatabase(undefined);
await migrate(db);
const demo = await loadDemoData(db, { now: new Date() });
const credentials = await ensureDemoUser(db, 10);
const server = await startAppServer({ db, clock: () => new Date(), config: { passwordCost: 10 } });

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu'],
});
const localDay = (daysAgo: number) => {
  const d = new Date();
  d.setDate(d.getDate() - daysAgo);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

try {
  const shown: number[] = [];
  const dataOnly: number[] = [];
  for (let i = 0; i < loads; i++) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
    // Sign in through the API (sets the session cookie in this context), then measure a cold load.
    const res = await context.request.post(`${server.publicUrl}/api/v1/auth/sign-in`, { data: credentials });
    if (!res.ok()) throw new Error(`sign-in failed: ${res.status()}`);
    await context.addInitScript(() => {
      const w = window as unknown as { __shown: number | null };
      w.__shown = null;
      new MutationObserver(() => {
        if (w.__shown === null && document.querySelector('[data-testid=nps-value]'))
          w.__shown = performance.now();
      }).observe(document, { childList: true, subtree: true });
    });
    const page = await context.newPage();
    const cdp = await context.newCDPSession(page);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    await page.goto(`${server.publicUrl}/app/`);
    await page.waitForFunction(
      () => (window as unknown as { __shown: number | null }).__shown !== null,
      undefined,
      {
        timeout: 20_000,
      },
    );
    shown.push(await page.evaluate(() => (window as unknown as { __shown: number }).__shown));
    // Plain arguments only: under tsx, helper functions inside evaluate() would need esbuild's __name.
    dataOnly.push(
      await page.evaluate(
        async ([from, to]) => {
          const q = `from=${from}&to=${to}`;
          const csrf = (await (await fetch('/api/v1/auth/session')).json()).csrf_token as string;
          const start = performance.now();
          await Promise.all([
            fetch(`/api/v1/metrics/nps?${q}`, { cache: 'no-store' }).then((r) => r.json()),
            fetch(`/api/v1/metrics/trend?${q}&granularity=week`, { cache: 'no-store' }).then((r) => r.json()),
            fetch('/api/v1/metrics/compare', {
              method: 'POST',
              headers: { 'content-type': 'application/json', 'x-csrf-token': csrf },
              body: JSON.stringify({ current: { from, to }, locale: 'en' }),
            }).then((r) => r.json()),
          ]);
          return performance.now() - start;
        },
        [localDay(89), localDay(0)],
      ),
    );
    await context.close();
  }
  const load = median(shown);
  const data = median(dataOnly);
  printTable([
    {
      figure: 'dashboard JavaScript + CSS shipped',
      target: 'small',
      measured: `${sizes.js_gzip.toLocaleString('en')} B + ${sizes.css_gzip.toLocaleString('en')} B gzip -9`,
      baseline: '',
      ratio: '',
    },
    {
      figure: `first load → overview NPS shown (median of ${loads}, cache off)`,
      target: '',
      measured: `${load.toFixed(0)} ms (${demo.responses.toLocaleString('en')} demo responses)`,
      baseline: `the overview's 3 API requests alone: ${data.toFixed(0)} ms`,
      ratio: `+${(load - data).toFixed(0)} ms`,
    },
  ]);
} finally {
  await browser.close();
  await server.close();
  await db.close();
}
