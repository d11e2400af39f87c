/**
 * Webhooks end to end against real HTTP receivers started here (node:http): one that fails the
 * first N times, one that never answers in time, one that answers 410, one that is down. Time is
 * driven: jobs are claimed with an explicit `now` and the handler runs on that clock. Signatures
 * are checked with `verify` below, written from docs/API.md, not with the code under test.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { claim, complete } from '../../src/server/jobs/queue';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { webhookDeliveryHandler } from '../../src/server/webhooks/deliver';
import { emitEvent, WEBHOOK_QUEUE } from '../../src/server/webhooks/emit';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

/** The receiver's check, as docs/API.md describes it. */
function verify(secret: string, rawBody: string, header: string, nowSeconds: number): boolean {
  const fields = Object.fromEntries(header.split(',').map((kv) => kv.split('=') as [string, string]));
  const t = Number(fields.t);
  if (!Number.isFinite(t) || Math.abs(nowSeconds - t) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(fields.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** One server; the path picks the behaviour. */
async function startReceiver() {
  const received: Received[] = [];
  const failuresLeft = new Map<string, number>();
  const state = { down: false, failFirst: 3 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.down) {
        req.socket.destroy();
        return;
      }
      const body = Buffer.concat(chunks).toString('utf8');
      const path = req.url ?? '';
      received.push({ path, headers: req.headers, body });
      if (path.startsWith('/flaky')) {
        const id = String(req.headers['plaudit-delivery']);
        const left = failuresLeft.get(id) ?? state.failFirst;
        failuresLeft.set(id, left - 1);
        if (left > 0) {
          res.writeHead(500, { 'content-type': 'text/plain' }).end(`boom ${'x'.repeat(3000)}`);
          return;
        }
      }
      if (path.startsWith('/slow')) return; // never answers
      if (path.startsWith('/gone')) {
        res.writeHead(410).end('gone');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    state,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

for (const kind of databaseKinds()) {
  describe(`webhooks on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let key = '';
    let otherKey = '';
    let surveyId = '';
    let workspaceId = '';
    const logs: string[] = [];

    const api = (k: string, method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${k}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const json = async (res: Response | Promise<Response>) => (await res).json() as Promise<Json>;

    /** Runs every webhook job due at `now` (and the jobs they schedule for `now` or earlier). */
    async function runDue(now: Date, timeoutMs = 10_000): Promise<number> {
      const handler = webhookDeliveryHandler({
        clock: () => now,
        random: () => 0.5,
        timeoutMs,
        log: (l) => logs.push(l),
      });
      let ran = 0;
      for (;;) {
        const jobs = await claim(db, WEBHOOK_QUEUE, 'test-worker', 200, { now, leaseMs: 60_000 });
        if (jobs.length === 0) return ran;
        await Promise.all(
          jobs.map(async (job) => {
            await handler({ job, db, signal: new AbortController().signal });
            await complete(db, job, 'test-worker', now);
          }),
        );
        ran += jobs.length;
      }
    }
    const deliveriesOf = async (endpointId: string) =>
      (await json(api(key, 'GET', `/webhooks/${endpointId}/deliveries?limit=500`))).data as Json[];
    const createHook = async (path: string, events: string[]) => {
      const res = await api(key, 'POST', '/webhooks', { url: `${receiver.base}${path}`, events });
      expect(res.status).toBe(201);
      return (await res.json()) as Json;
    };
    const at = (base: Date, ms: number) => new Date(base.getTime() + ms);
    const MIN = 60_000;

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => new Date() }).app;
      receiver = await startReceiver();
      const ws = await createWorkspace(db, { name: 'Hooks' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 'main')).secret;
      otherKey = (await createApiKey(db, (await createWorkspace(db, { name: 'Other' })).id, 'main')).secret;
      surveyId = (await json(api(key, 'POST', '/surveys', { name: 'S', product_name: 'P' }))).id;
    });
    afterAll(async () => {
      await receiver.close();
      await drop();
    });

    it('delivers response.created and response.updated, signed, retrying a receiver that fails 3 times on the backoff schedule', async () => {
      const hook = await createHook('/flaky', ['response.created', 'response.updated']);
      expect(hook.secret).toMatch(/^whsec_/);
      expect(JSON.stringify(await json(api(key, 'GET', `/webhooks/${hook.id}`)))).not.toContain(hook.secret);
      const t0 = new Date(Date.now() + 1000);
      const created = await json(
        api(key, 'POST', '/responses', { survey_id: surveyId, score: 4, comment: 'meh' }),
      );
      await api(key, 'PATCH', `/responses/${created.id}`, { comment: 'better' });
      let [updated, first] = await deliveriesOf(hook.id);
      expect(first.event_type).toBe('response.created');
      expect(updated.event_type).toBe('response.updated');
      expect(first.status).toBe('pending');

      expect(await runDue(t0)).toBe(2);
      [, first] = await deliveriesOf(hook.id);
      expect(first).toMatchObject({ status: 'failed', attempts: 1, last_status_code: 500 });
      expect(first.last_response_body.length).toBeLessThanOrEqual(1024);
      expect(new Date(first.next_attempt_at).getTime()).toBe(t0.getTime() + MIN);
      // Not before its time; then 1 min, 5 min, 30 min after each failure (jitter 0.5 = nominal).
      expect(await runDue(at(t0, MIN - 1000))).toBe(0);
      expect(await runDue(at(t0, MIN))).toBe(2);
      expect(await runDue(at(t0, 6 * MIN - 1000))).toBe(0);
      expect(await runDue(at(t0, 6 * MIN))).toBe(2);
      expect(await runDue(at(t0, 36 * MIN))).toBe(2);
      [updated, first] = await deliveriesOf(hook.id);
      expect(first).toMatchObject({
        status: 'succeeded',
        attempts: 4,
        last_status_code: 200,
        next_attempt_at: null,
      });
      expect(updated.status).toBe('succeeded');

      const mine = receiver.received.filter((r) => r.path === '/flaky');
      expect(mine).toHaveLength(8);
      for (const r of mine) {
        const t = Number(/t=(\d+)/.exec(String(r.headers['plaudit-signature']))![1]);
        expect(verify(hook.secret, r.body, String(r.headers['plaudit-signature']), t)).toBe(true);
        expect(verify('whsec_wrong', r.body, String(r.headers['plaudit-signature']), t)).toBe(false);
        expect(verify(hook.secret, `${r.body} `, String(r.headers['plaudit-signature']), t)).toBe(false);
      }
      const bodies = mine.map((r) => JSON.parse(r.body) as Json);
      const createdBody = bodies.find((b) => b.type === 'response.created');
      expect(createdBody.data.response).toMatchObject({ id: created.id, score: 4, comment: 'meh' });
      expect(createdBody.data.response.edit_token).toBeUndefined();
      expect(bodies.find((b) => b.type === 'response.updated').data.response.comment).toBe('better');
      expect(new Set(mine.map((r) => r.headers['plaudit-delivery']))).toEqual(
        new Set([first.id, updated.id]),
      );
      expect(mine.every((r) => r.headers['plaudit-event'] === JSON.parse(r.body).type)).toBe(true);
      await api(key, 'DELETE', `/webhooks/${hook.id}`);
    });

    it('counts a receiver that does not answer in time as a failure, and retries it', async () => {
      const hook = await createHook('/slow', ['contact.unsubscribed']);
      const t0 = new Date(Date.now() + 1000);
      await db.transaction((tx) =>
        emitEvent(tx, workspaceId, 'contact.unsubscribed', { contact: { id: 'c1' } }, { now: t0 }),
      );
      await runDue(t0, 300);
      const [d] = await deliveriesOf(hook.id);
      expect(d).toMatchObject({ status: 'failed', attempts: 1, last_status_code: null });
      expect(d.last_error).toMatch(/No answer within/);
      expect(new Date(d.next_attempt_at).getTime()).toBe(t0.getTime() + MIN);
      await api(key, 'DELETE', `/webhooks/${hook.id}`);
    });

    it('disables an endpoint at once on 410 Gone, and sends it nothing more', async () => {
      const hook = await createHook('/gone', ['response.created']);
      const t0 = new Date(Date.now() + 1000);
      await api(key, 'POST', '/responses', { survey_id: surveyId, score: 9 });
      await runDue(t0);
      const endpoint = await json(api(key, 'GET', `/webhooks/${hook.id}`));
      expect(endpoint.active).toBe(false);
      expect(endpoint.disabled_reason).toMatch(/410/);
      expect(logs.some((l) => l.includes(hook.id) && l.includes('disabled'))).toBe(true);
      const [d] = await deliveriesOf(hook.id);
      expect(d).toMatchObject({ status: 'gave_up', last_status_code: 410 });
      await api(key, 'POST', '/responses', { survey_id: surveyId, score: 10 });
      expect(await deliveriesOf(hook.id)).toHaveLength(1);
      // Enabling again works; a manual redelivery goes out (and is refused again).
      expect((await json(api(key, 'PATCH', `/webhooks/${hook.id}`, { active: true }))).active).toBe(true);
      await api(key, 'DELETE', `/webhooks/${hook.id}`);
    });

    it('loses no delivery while the receiver is down for 10 minutes, and redelivers by hand', async () => {
      // The retries still scheduled by earlier tests (their endpoints are deleted: they do nothing).
      await runDue(at(new Date(), 4 * 24 * 60 * MIN));
      const hook = await createHook('/ok', ['response.created']);
      const t0 = new Date(Date.now() + 1000);
      receiver.state.down = true;
      for (let i = 0; i < 30; i++)
        await api(key, 'POST', '/responses', { survey_id: surveyId, score: i % 11 });
      // Down from t0 to t0 + 10 min: attempts at 0, 1 and 6 minutes fail.
      for (const m of [0, 1, 6]) expect(await runDue(at(t0, m * MIN))).toBe(30);
      expect(
        (await deliveriesOf(hook.id)).every((d: Json) => d.status === 'failed' && d.attempts === 3),
      ).toBe(true);
      receiver.state.down = false;
      expect(await runDue(at(t0, 10 * MIN))).toBe(0);
      expect(await runDue(at(t0, 36 * MIN))).toBe(30);
      const deliveries = await deliveriesOf(hook.id);
      expect(deliveries.every((d: Json) => d.status === 'succeeded')).toBe(true);
      const got = new Set(
        receiver.received.filter((r) => r.path === '/ok').map((r) => r.headers['plaudit-delivery']),
      );
      expect(got.size).toBe(30);
      expect((await json(api(key, 'GET', `/webhooks/${hook.id}`))).consecutive_failures).toBe(0);

      // Redelivery by hand: the same delivery id again.
      const before = receiver.received.length;
      const res = await api(key, 'POST', `/webhooks/deliveries/${deliveries[0].id}/redeliver`);
      expect(res.status).toBe(202);
      expect((await res.json()).status).toBe('pending');
      expect(await runDue(new Date(Date.now() + 1000))).toBe(1);
      expect(receiver.received.length).toBe(before + 1);
      expect(receiver.received.at(-1)!.headers['plaudit-delivery']).toBe(deliveries[0].id);
      const again = (await deliveriesOf(hook.id)).find((d: Json) => d.id === deliveries[0].id);
      expect(again).toMatchObject({ status: 'succeeded', attempts: 5 });
      await api(key, 'DELETE', `/webhooks/${hook.id}`);
    });

    it('disables an endpoint that fails 10 times in a row over more than 24 hours', async () => {
      const hook = await createHook('/gone-not', ['response.created']);
      receiver.state.down = true;
      const t0 = new Date(Date.now() + 1000);
      await api(key, 'POST', '/responses', { survey_id: surveyId, score: 2 });
      let now = t0;
      for (let i = 0; i < 20; i++) {
        await runDue(now);
        const [d] = await deliveriesOf(hook.id);
        if (d.status !== 'failed') break;
        now = new Date(d.next_attempt_at);
      }
      receiver.state.down = false;
      const [d] = await deliveriesOf(hook.id);
      const endpoint = await json(api(key, 'GET', `/webhooks/${hook.id}`));
      expect(endpoint.active).toBe(false);
      expect(endpoint.disabled_reason).toMatch(/10 failed attempts in a row/);
      expect(d).toMatchObject({ status: 'gave_up', attempts: 10 });
      // 0, 1 m, 6 m, 36 m, 2 h 36, 7 h 36, 17 h 36, 27 h 36, 37 h 36, 47 h 36.
      expect(now.getTime() - t0.getTime()).toBe((47 * 60 + 36) * MIN);
      await api(key, 'DELETE', `/webhooks/${hook.id}`);
    });

    it('REST hooks subscribe and unsubscribe on the same mechanism', async () => {
      const res = await api(key, 'POST', '/hooks', {
        target_url: `${receiver.base}/ok`,
        event: 'response.created',
      });
      expect(res.status).toBe(201);
      const { id } = (await res.json()) as Json;
      await api(key, 'POST', '/responses', { survey_id: surveyId, score: 8 });
      expect(await runDue(new Date(Date.now() + 1000))).toBe(1);
      expect((await deliveriesOf(id))[0].status).toBe('succeeded');
      expect((await api(key, 'DELETE', `/hooks/${id}`)).status).toBe(200);
      expect((await api(key, 'GET', `/webhooks/${id}`)).status).toBe(404);
    });

    it("keeps one workspace's endpoints and deliveries from another", async () => {
      const hook = await createHook('/ok', ['response.created']);
      await api(key, 'POST', '/responses', { survey_id: surveyId, score: 8 });
      const [d] = await deliveriesOf(hook.id);
      expect((await json(api(otherKey, 'GET', '/webhooks'))).data).toEqual([]);
      for (const [method, path] of [
        ['GET', `/webhooks/${hook.id}`],
        ['GET', `/webhooks/${hook.id}/deliveries`],
        ['POST', `/webhooks/${hook.id}/rotate-secret`],
        ['DELETE', `/webhooks/${hook.id}`],
        ['DELETE', `/hooks/${hook.id}`],
        ['POST', `/webhooks/deliveries/${d.id}/redeliver`],
      ] as const)
        expect((await api(otherKey, method, path)).status, `${method} ${path}`).toBe(404);
      // A response in the other workspace is not sent to this one's endpoint.
      const otherSurvey = await json(api(otherKey, 'POST', '/surveys', { name: 'S', product_name: 'P' }));
      await api(otherKey, 'POST', '/responses', { survey_id: otherSurvey.id, score: 1 });
      expect(await deliveriesOf(hook.id)).toHaveLength(1);
      // Rotating the secret: the old one no longer verifies.
      const rotated = await json(api(key, 'POST', `/webhooks/${hook.id}/rotate-secret`));
      expect(rotated.secret).not.toBe(hook.secret);
      await runDue(new Date(Date.now() + 1000));
      const last = receiver.received.at(-1)!;
      const sig = String(last.headers['plaudit-signature']);
      const t = Number(/t=(\d+)/.exec(sig)![1]);
      expect(verify(rotated.secret, last.body, sig, t)).toBe(true);
      expect(verify(hook.secret, last.body, sig, t)).toBe(false);
    });
  });
}
