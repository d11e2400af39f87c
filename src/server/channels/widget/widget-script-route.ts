/**
 * `GET /widget.js`: the widget bundle built by `npm run build:widget` (dist/widget/widget.js),
 * read from disk again whenever the file changes. Cached by browsers for 5 minutes and loadable
 * from any page (`Access-Control-Allow-Origin: *`; the file holds no secret). Without a build the
 * answer is a 503 saying how to make one.
 */
import { readFile, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';

/** dist/widget/widget.js of the checkout this server runs from. */
export const WIDGET_SCRIPT_PATH = fileURLToPath(
  new URL('../../../../dist/widget/widget.js', import.meta.url),
);

export function registerWidgetScriptRoute(app: Hono, scriptPath = WIDGET_SCRIPT_PATH): void {
  serveBuiltScript(app, '/widget.js', scriptPath);
}

/**
 * `GET <route>` (e.g. `/widget.js`): a script built by `npm run build:widget`, read from disk again
 * whenever the file changes; cached by browsers for 5 minutes and loadable from any page. Without
 * a build the answer is a 503 (not cached) saying how to make one.
 */
export function serveBuiltScript(app: Hono, route: string, scriptPath: string): void {
  let cached: { mtimeMs: number; size: number; body: Buffer } | undefined;
  const name = route.replace(/^\//, '');

  app.get(route, async (c) => {
    let info: Awaited<ReturnType<typeof stat>>;
    try {
      info = await stat(scriptPath);
    } catch {
      c.header('Cache-Control', 'no-store');
      return c.text(`${name} is not built: run npm run build:widget`, 503);
    }
    if (!cached || cached.mtimeMs !== info.mtimeMs || cached.size !== info.size) {
      cached = { mtimeMs: info.mtimeMs, size: info.size, body: await readFile(scriptPath) };
    }
    return c.body(new Uint8Array(cached.body), 200, {
      'Content-Type': 'application/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=300',
      'Access-Control-Allow-Origin': '*',
    });
  });
}
