/**
 * JSON bodies over a real socket: under @hono/node-server they are read straight from the Node
 * request (read-body.ts), a different path from `app.request()`, so its limits are checked here.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { JSON_BODY_LIMIT } from '../../src/server/http/read-body';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

/** A POST whose body is sent in chunks without Content-Length (Transfer-Encoding: chunked). */
function postChunked(
  url: string,
  key: string,
  chunks: (string | Buffer)[],
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      let body = '';
      res.on('data', (d) => {
        body += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    // The server may answer 413 and stop reading before the body is complete.
    req.on('error', (error) =>
      (error as NodeJS.ErrnoException).code === 'EPIPE' ? undefined : reject(error),
    );
    for (const chunk of chunks) req.write(chunk);
    req.end();
  });
}

for (const kind of databaseKinds()) {
  describe(`JSON bodies over a real HTTP server on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let server: ReturnType<typeof serve>;
    let base = '';
    let key = '';
    let surveyId = '';

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      const ws = await createWorkspace(db, { name: 'HTTP' });
      key = (await createApiKey(db, ws.id, 'k')).secret;
      const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
      server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
      await new Promise<void>((resolve) => server.once('listening', () => resolve()));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
      const res = await fetch(`${base}/surveys`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'S', product_name: 'P' }),
      });
      surveyId = ((await res.json()) as { id: string }).id;
    });
    afterAll(async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await drop();
    });

    const post = (body: string) =>
      fetch(`${base}/responses`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body,
      });

    it('stores a response and reads UTF-8 split across chunks', async () => {
      const comment = 'Grüße aus Köln – äußerst zufrieden 👍';
      const text = JSON.stringify({ survey_id: surveyId, score: 10, comment });
      // Split inside a multi-byte character.
      const bytes = Buffer.from(text);
      const cut = bytes.indexOf(Buffer.from('ü')) + 1;
      const res = await postChunked(`${base}/responses`, key, [bytes.subarray(0, cut), bytes.subarray(cut)]);
      expect(res.status).toBe(201);
      const stored = await fetch(`${base}/responses?survey_id=${surveyId}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      const list = (await stored.json()) as { data: { comment: string }[] };
      expect(list.data.map((r) => r.comment)).toContain(comment);
    });

    it('refuses a declared oversized body with 413 before reading it', async () => {
      const res = await post(
        JSON.stringify({ survey_id: surveyId, score: 9, comment: 'x'.repeat(JSON_BODY_LIMIT) }),
      );
      expect(res.status).toBe(413);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('payload_too_large');
    });

    it('refuses a chunked body that grows past the limit with 413', async () => {
      const chunk = 'x'.repeat(64 * 1024);
      const chunks = [`{"survey_id":"${surveyId}","score":9,"comment":"`, ...Array(6).fill(chunk), '"}'];
      const res = await postChunked(`${base}/responses`, key, chunks);
      expect(res.status).toBe(413);
      expect(JSON.parse(res.body).error.code).toBe('payload_too_large');
    });

    it('answers invalid JSON with 400 and an empty body with 400', async () => {
      const bad = await post('{"score":');
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_json');
      const empty = await post('');
      expect(empty.status).toBe(400);
    });
  });
}
