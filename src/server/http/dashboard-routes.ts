/**
 * The dashboard's static files (dist/dashboard, built by scripts/build-dashboard.js):
 * - `GET /app/assets/<name>-<hash>.(js|css)`: cached for a year (the name changes with the content);
 * - `GET /app` and every other path below it: index.html (the app routes in the browser), never
 *   cached, under a Content-Security-Policy that allows scripts, styles and requests from this
 *   origin only: no inline script or style, no eval, no framing; untrusted text (comments, names)
 *   can therefore never run, even if some escaping failed.
 * Without a build the answer is a 503 saying how to make one.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';

export const DASHBOARD_DIR = fileURLToPath(new URL('../../../dist/dashboard', import.meta.url));

export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  // The survey editor's live previews (GET /api/v1/surveys/preview, itself sandboxed).
  "frame-src 'self'",
  "font-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const TYPES: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};

export function registerDashboardRoutes(app: Hono, dir = DASHBOARD_DIR): void {
  const files = new Map<string, Buffer>();
  const read = async (name: string): Promise<Buffer | undefined> => {
    let body = files.get(name);
    if (!body) {
      try {
        body = await readFile(path.join(dir, name));
      } catch {
        return undefined;
      }
      // index.html is read again each time (a rebuild changes it); hashed assets never change.
      if (name !== 'index.html') files.set(name, body);
    }
    return body;
  };

  app.get('/app/assets/:name', async (c) => {
    const name = c.req.param('name');
    const type = TYPES[path.extname(name)];
    if (!/^[\w-]+\.(js|css)$/.test(name) || !type) return c.text('Not found', 404);
    const body = await read(`assets/${name}`);
    if (!body) return c.text('Not found', 404);
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=31536000, immutable',
    });
  });

  const page = async (c: Context) => {
    const body = await read('index.html');
    c.header('Cache-Control', 'no-store');
    if (!body) return c.text('The dashboard is not built: run npm run build:dashboard', 503);
    c.header('Content-Security-Policy', DASHBOARD_CSP);
    c.header('Referrer-Policy', 'same-origin');
    return c.body(new Uint8Array(body), 200, { 'Content-Type': 'text/html; charset=utf-8' });
  };
  app.get('/app', page);
  app.get('/app/*', page);
}
