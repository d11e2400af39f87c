/**
 * CRM sync end to end against local HubSpot and Pipedrive fakes (helpers/fake-crm.ts, written from
 * the providers' documented REST contracts): connections through the API, runs through the job
 * queue with a driven clock, and what the fakes hold afterwards. The real services could not be
 * reached from here (docs/INTEGRATIONS.md says which parts that leaves untried).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { CRM_SYNC_QUEUE, crmSyncHandler } from '../../src/server/crm/sync';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { claim, complete } from '../../src/server/jobs/queue';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { startFakeHubspot, startFakePipedrive } from './helpers/fake-crm';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

const HUBSPOT_TOKEN = 'pat-na1-11111111-2222-3333-4444-5555secretHS';
const PIPEDRIVE_TOKEN = 'a1b2c3d4e5f6a7b8c9d0secretPD0000deadbeef';
const MIN = 60_000;

for (const kind of databaseKinds()) {
  describe(`CRM sync on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let surveyId = '';
    let clock = new Date('2026-06-01T10:00:00Z');
    const sleeps: number[] = [];

    const api = (method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    /** The answer's JSON; the token must never be in it. */
    const json = async (res: Response | Promise<Response>, status?: number) => {
      const r = await res;
      const text = await r.text();
      if (status !== undefined) expect(r.status, text).toBe(status);
      expect(text).not.toContain(HUBSPOT_TOKEN);
      expect(text).not.toContain(PIPEDRIVE_TOKEN);
      expect(text).not.toContain('secretHS');
      expect(text).not.toContain('secretPD');
      return JSON.parse(text) as Json;
    };

    /** Runs every crm-sync job due at `now` (not the ones it schedules for later). */
    async function runDue(now: Date): Promise<number> {
      clock = now;
      const handler = crmSyncHandler({
        clock: () => now,
        sleep: async (ms) => {
          sleeps.push(ms);
        },
      });
      let ran = 0;
      for (;;) {
        const jobs = await claim(db, CRM_SYNC_QUEUE, 'test-worker', 50, { now, leaseMs: 60_000 });
        if (jobs.length === 0) return ran;
        for (const job of jobs) {
          await handler({ job, db, signal: new AbortController().signal });
          await complete(db, job, 'test-worker', now);
        }
        ran += jobs.length;
      }
    }
    const at = (ms: number) => new Date(clock.getTime() + ms);
    const contact = async (email: string) =>
      (await json(api('POST', '/contacts', { email }), 200)) as { id: string };
    const respond = async (contactId: string, score: number, comment: string | undefined, createdAt: Date) =>
      json(
        api('POST', '/responses', {
          survey_id: surveyId,
          contact_id: contactId,
          score,
          ...(comment === undefined ? {} : { comment }),
          created_at: createdAt.toISOString(),
        }),
        201,
      );
    const contactByEmail = async (email: string) =>
      (
        await db.query<{
          id: string;
          email: string;
          external_id: string | null;
          name: string | null;
          account_id: string | null;
        }>('SELECT id, email, external_id, name, account_id FROM contact WHERE email = $1', [email])
      )[0];
    const accountByExternal = async (externalId: string) =>
      (
        await db.query<{ id: string; name: string }>('SELECT id, name FROM account WHERE external_id = $1', [
          externalId,
        ])
      )[0];

    /** A workspace of its own per CRM, so one CRM's contacts are not pushed to the other. */
    async function useNewWorkspace(name: string) {
      const ws = await createWorkspace(db, { name, time_zone: 'Europe/Berlin' });
      key = (await createApiKey(db, ws.id, 'main')).secret;
      surveyId = (
        await json(api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }), 201)
      ).id;
    }

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => clock }).app;
    });
    afterAll(() => drop());

    describe('HubSpot', () => {
      let hubspot: Awaited<ReturnType<typeof startFakeHubspot>>;
      let connectionId = '';
      const ids = { alice: '', bob: '', carol: '' };

      beforeAll(async () => {
        await useNewWorkspace('HubSpot test');
        hubspot = await startFakeHubspot(HUBSPOT_TOKEN);
        hubspot.state.pageSize = 2; // pages of two, whatever the limit: paging is exercised
        hubspot.companies.set('201', {
          id: '201',
          properties: { name: 'Acme GmbH', domain: 'acme.example' },
        });
        hubspot.companies.set('202', { id: '202', properties: { name: null, domain: 'globex.example' } });
        hubspot.companies.set('203', { id: '203', properties: { name: 'Initech', domain: null } });
        hubspot.contacts.set('101', {
          id: '101',
          properties: {
            email: 'Alice@Example.com',
            firstname: 'Alice',
            lastname: 'Adams',
            associatedcompanyid: '201',
          },
        });
        hubspot.contacts.set('102', {
          id: '102',
          properties: { email: 'bob@example.com', firstname: 'Bob', lastname: null },
        });
        hubspot.contacts.set('103', {
          id: '103',
          properties: {
            email: 'dave@example.com',
            firstname: 'Dave',
            lastname: 'Doe',
            associatedcompanyid: '202',
          },
        });
        hubspot.contacts.set('104', {
          id: '104',
          properties: { email: null, firstname: 'No', lastname: 'Email' },
        });
        ids.alice = (await contact('alice@example.com')).id;
        ids.bob = (await contact('bob@example.com')).id;
        ids.carol = (await contact('carol@example.com')).id; // not in HubSpot
        await respond(ids.alice, 6, 'Too slow', new Date('2026-05-01T09:00:00Z'));
        await respond(ids.alice, 10, 'Great support', new Date('2026-05-31T23:30:00Z')); // 1 June in Berlin
        await respond(ids.bob, 3, undefined, new Date('2026-05-20T12:00:00Z'));
        await respond(ids.carol, 8, 'ok', new Date('2026-05-21T12:00:00Z'));
      });
      afterAll(() => hubspot.close());

      it('creates a connection without ever returning the token, and refuses bad input naming the field', async () => {
        const bad = await json(
          api('POST', '/crm-connections', { provider: 'zoho', token: HUBSPOT_TOKEN }),
          400,
        );
        expect(bad.error.field).toBe('provider');
        expect(
          (await json(api('POST', '/crm-connections', { provider: 'hubspot', token: 'short' }), 400)).error
            .field,
        ).toBe('token');
        expect(
          (
            await json(
              api('POST', '/crm-connections', {
                provider: 'hubspot',
                token: HUBSPOT_TOKEN,
                base_url: 'ftp://x.example',
              }),
              400,
            )
          ).error.field,
        ).toBe('base_url');
        const created = await json(
          api('POST', '/crm-connections', {
            provider: 'hubspot',
            token: HUBSPOT_TOKEN,
            base_url: `${hubspot.url}/`,
          }),
          201,
        );
        connectionId = created.id;
        expect(created).toMatchObject({
          provider: 'hubspot',
          base_url: hubspot.url,
          token_hint: '…etHS',
          push: true,
          pull: true,
          active: true,
          last_run: null,
          last_error: null,
        });
        const again = await json(
          api('POST', '/crm-connections', { provider: 'hubspot', token: HUBSPOT_TOKEN }),
          409,
        );
        expect(again.error.field).toBe('provider');
        expect((await json(api('GET', '/crm-connections'), 200)).data.map((c: Json) => c.id)).toEqual([
          connectionId,
        ]);
        // Its first run is queued at once.
        const jobs = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM job WHERE queue = $1 AND state = 'queued' AND run_at <= $2",
          [CRM_SYNC_QUEUE, clock],
        );
        expect(jobs[0]!.n).toBe(1);
      });

      it('pulls companies and contacts page by page, creates the properties once, and pushes the latest response', async () => {
        hubspot.state.rateLimitNext = 1; // the first request gets a 429 with Retry-After: 1
        sleeps.length = 0;
        expect(await runDue(clock)).toBe(1);
        expect(sleeps).toEqual([1000]);
        expect(hubspot.requests[0]!.headers.authorization).toBe(`Bearer ${HUBSPOT_TOKEN}`);

        // Properties: created once each, with the documented fields.
        const created = hubspot.requests.filter(
          (r) => r.method === 'POST' && r.path === '/crm/v3/properties/contacts',
        );
        expect(created.map((r) => r.body.name).sort()).toEqual([
          'plaudit_nps_category',
          'plaudit_nps_comment',
          'plaudit_nps_date',
          'plaudit_nps_score',
        ]);
        expect(hubspot.properties.get('plaudit_nps_category')).toMatchObject({
          type: 'enumeration',
          fieldType: 'select',
        });

        // Pushed: the latest response of each contact HubSpot has, found by email.
        expect(hubspot.contacts.get('101')!.properties).toMatchObject({
          plaudit_nps_score: '10',
          plaudit_nps_category: 'promoter',
          plaudit_nps_comment: 'Great support',
          plaudit_nps_date: '2026-06-01',
        });
        expect(hubspot.contacts.get('102')!.properties).toMatchObject({
          plaudit_nps_score: '3',
          plaudit_nps_category: 'detractor',
          plaudit_nps_comment: '',
          plaudit_nps_date: '2026-05-20',
        });
        expect(hubspot.contacts.get('103')!.properties.plaudit_nps_score).toBeUndefined();

        // Pulled: every page of companies and contacts.
        const pages = hubspot.requests.filter(
          (r) => r.method === 'GET' && r.path === '/crm/v3/objects/contacts',
        );
        expect(pages.length).toBe(2);
        expect(pages[1]!.query.get('after')).toBeTruthy();
        const acme = await accountByExternal('hubspot:201');
        expect(acme?.name).toBe('Acme GmbH');
        expect((await accountByExternal('hubspot:202'))?.name).toBe('globex.example');
        expect((await accountByExternal('hubspot:203'))?.name).toBe('Initech');
        const alice = await contactByEmail('alice@example.com');
        expect(alice).toMatchObject({
          id: ids.alice,
          external_id: null,
          name: 'Alice Adams',
          account_id: acme!.id,
        });
        const dave = await contactByEmail('dave@example.com');
        expect(dave).toMatchObject({ external_id: 'hubspot:103', name: 'Dave Doe' });
        expect(dave!.account_id).toBe((await accountByExternal('hubspot:202'))!.id);
        const noEmail = await db.query<{ name: string }>(
          "SELECT name FROM contact WHERE external_id = 'hubspot:104'",
        );
        expect(noEmail).toEqual([{ name: 'No Email' }]);

        const connection = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(connection.last_run).toEqual({ pushed: 2, not_found: 1, failed: 0, contacts: 4, accounts: 3 });
        expect(connection.last_error).toBeNull();
        expect(connection.last_push_at).toBe(clock.toISOString());
        expect(connection.last_pull_at).toBe(clock.toISOString());
      });

      it('pushes nothing twice: the next run writes nothing and does not pull within the hour', async () => {
        const before = hubspot.requests.length;
        expect(await runDue(at(5 * MIN))).toBe(1);
        // Not even a look-up: the contact HubSpot does not have waits for a new response or the hourly pull.
        expect(hubspot.requests.slice(before)).toEqual([]);
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_run).toMatchObject({
          pushed: 0,
          contacts: 0,
        });
      });

      it('keeps a response given while HubSpot is down and pushes it on the next run; shows the error meanwhile', async () => {
        hubspot.state.down = true;
        await respond(ids.bob, 9, 'Much better now', at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        const failed = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(failed.last_error).toMatch(/^push: HubSpot could not be reached/);
        expect(failed.last_error_at).toBe(clock.toISOString());
        expect(hubspot.contacts.get('102')!.properties.plaudit_nps_score).toBe('3');

        hubspot.state.down = false;
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(hubspot.contacts.get('102')!.properties).toMatchObject({
          plaudit_nps_score: '9',
          plaudit_nps_category: 'promoter',
          plaudit_nps_comment: 'Much better now',
        });
        const ok = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(ok.last_error).toBeNull();
        expect(ok.last_run.pushed).toBe(1);
      });

      it('pushes an edited response again, and a contact once the hourly pull found it in HubSpot', async () => {
        const latest = await json(api('GET', `/responses?contact_id=${ids.bob}&limit=1`), 200);
        await json(
          api('PATCH', `/responses/${latest.data[0].id}`, { comment: 'Much better now, thanks' }),
          200,
        );
        hubspot.contacts.set('105', {
          id: '105',
          properties: { email: 'carol@example.com', firstname: 'Carol' },
        });
        expect(await runDue(at(60 * MIN))).toBe(1);
        expect(hubspot.contacts.get('102')!.properties.plaudit_nps_comment).toBe('Much better now, thanks');
        expect(hubspot.contacts.get('105')!.properties).toMatchObject({
          plaudit_nps_score: '8',
          plaudit_nps_category: 'passive',
        });
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_run.pushed).toBe(2);
      });

      it('shows a refused token as the last error, and a new token fixes it', async () => {
        hubspot.state.token = 'pat-na1-rotated-token-0000';
        await respond(ids.alice, 7, undefined, at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        const refused = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(refused.last_error).toMatch(/HubSpot answered 401/);
        const patched = await json(
          api('PATCH', `/crm-connections/${connectionId}`, { token: 'pat-na1-rotated-token-0000' }),
          200,
        );
        expect(patched.token_hint).toBe('…0000');
        expect(patched.last_error).toBeNull();
        // A new token may be another portal: the properties are checked again (not created twice).
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(hubspot.contacts.get('101')!.properties.plaudit_nps_score).toBe('7');
        expect(
          hubspot.requests.filter((r) => r.method === 'POST' && r.path === '/crm/v3/properties/contacts')
            .length,
        ).toBe(4);
      });

      it('asks for the token again with a new base_url, so the stored one is never sent elsewhere', async () => {
        const refused = await json(
          api('PATCH', `/crm-connections/${connectionId}`, { base_url: 'https://evil.example' }),
          400,
        );
        expect(refused.error.field).toBe('token');
        expect(refused.error.message).toMatch(/^token: required with a new base_url/);
        // The same URL (a trailing slash aside) is no change.
        expect(
          (await json(api('PATCH', `/crm-connections/${connectionId}`, { base_url: `${hubspot.url}/` }), 200))
            .base_url,
        ).toBe(hubspot.url);
        const stored = await db.query<{ base_url: string }>(
          'SELECT base_url FROM crm_connection WHERE id = $1',
          [connectionId],
        );
        expect(stored[0]!.base_url).toBe(hubspot.url);
      });

      it('follows no redirect (the token would go along) and shows it as the last error', async () => {
        const elsewhere = await startFakeHubspot('pat-na1-elsewhere-0000');
        try {
          hubspot.state.intercept = (req) => ({
            status: 307,
            body: null,
            headers: { location: `${elsewhere.url}${req.path}` },
          });
          await respond(ids.alice, 8, 'Redirected?', at(1 * MIN));
          expect(await runDue(at(5 * MIN))).toBe(1);
          expect(elsewhere.requests).toEqual([]);
          const redirected = await json(api('GET', `/crm-connections/${connectionId}`), 200);
          expect(redirected.last_error).toMatch(
            /^push: HubSpot answered 307 \(a redirect to http:\/\/127\.0\.0\.1:\d+\) to [A-Z]+ \/crm\/v3\/\S+; redirects are not followed: check base_url$/,
          );
        } finally {
          hubspot.state.intercept = null;
          await elsewhere.close();
        }
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(hubspot.contacts.get('101')!.properties.plaudit_nps_score).toBe('8');
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_error).toBeNull();
      });

      it('keeps 200 clean characters of an error answer, with an echoed token redacted', async () => {
        const token = 'pat-na1-rotated-token-0000';
        try {
          hubspot.state.intercept = (req) => ({
            status: 400,
            body: `Bad request\u0000\u001b[31m\r\nAuthorization: ${req.headers.authorization}\n${'x'.repeat(400)}`,
          });
          await respond(ids.alice, 9, undefined, at(1 * MIN));
          expect(await runDue(at(5 * MIN))).toBe(1);
          const echoed = await json(api('GET', `/crm-connections/${connectionId}`), 200);
          expect(echoed.last_error).not.toContain(token);
          expect(echoed.last_error).not.toMatch(/[\u0000-\u001f\u007f]/);
          const detail = /^push: HubSpot answered 400 to [A-Z]+ \S+: (.*)$/.exec(echoed.last_error)?.[1];
          expect(
            detail?.startsWith('Bad request [31m Authorization: [redacted] xxx'),
            echoed.last_error,
          ).toBe(true);
          expect(detail).toHaveLength(201); // 200 and "…"

          hubspot.state.intercept = (req) => ({ status: 500, body: { echo: { headers: req.headers } } });
          expect(await runDue(at(5 * MIN))).toBe(1);
          const json500 = await json(api('GET', `/crm-connections/${connectionId}`), 200);
          expect(json500.last_error).toMatch(/answered 500 .*"authorization":"\[redacted\]"/);
        } finally {
          hubspot.state.intercept = null;
        }
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(hubspot.contacts.get('101')!.properties.plaudit_nps_score).toBe('9');
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_error).toBeNull();
      });

      it('runs one connection once at a time: a run during another does nothing, the chain goes on', async () => {
        await respond(ids.bob, 4, 'Overlap', at(1 * MIN));
        await json(api('POST', `/crm-connections/${connectionId}/sync`), 202);
        await json(api('POST', `/crm-connections/${connectionId}/sync`), 202);
        const now = at(5 * MIN);
        clock = now;
        const jobs = await claim(db, CRM_SYNC_QUEUE, 'test-worker', 50, { now, leaseMs: 60_000 });
        expect(jobs).toHaveLength(3); // the chain's run and two "sync now"
        // The first run waits out a 429 (a long pull) until released.
        let waiting: () => void = () => {};
        const inWait = new Promise<void>((resolve) => {
          waiting = resolve;
        });
        let release: () => void = () => {};
        const released = new Promise<void>((resolve) => {
          release = resolve;
        });
        hubspot.state.rateLimitNext = 1;
        hubspot.state.intercept = null;
        const blocked = crmSyncHandler({
          clock: () => now,
          sleep: async () => {
            waiting();
            await released;
          },
        });
        const first = blocked({ job: jobs[0]!, db, signal: new AbortController().signal });
        await inWait;
        const lease = await db.query<{ running_until: Date | null }>(
          'SELECT running_until FROM crm_connection WHERE id = $1',
          [connectionId],
        );
        expect(lease[0]!.running_until).not.toBeNull();
        const before = hubspot.requests.length;
        const free = crmSyncHandler({ clock: () => now, sleep: async () => {} });
        for (const job of jobs.slice(1)) await free({ job, db, signal: new AbortController().signal });
        expect(hubspot.requests.length).toBe(before);
        // The chain goes on: the next run is queued.
        const next = await db.query<{ n: number }>(
          "SELECT count(*)::int AS n FROM job WHERE queue = $1 AND state = 'queued' AND run_at > $2",
          [CRM_SYNC_QUEUE, now],
        );
        expect(next[0]!.n).toBe(1);

        release();
        await first;
        for (const job of jobs) await complete(db, job, 'test-worker', now);
        expect(hubspot.contacts.get('102')!.properties.plaudit_nps_comment).toBe('Overlap');
        const after = await db.query<{ running_until: Date | null; run_id: string | null }>(
          'SELECT running_until, run_id FROM crm_connection WHERE id = $1',
          [connectionId],
        );
        expect(after[0]).toEqual({ running_until: null, run_id: null });
        const state = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(state.last_error).toBeNull();
        expect(state.last_run).toMatchObject({ pushed: 1 });
      });

      it('takes over a lease that lapsed (a run that died), and a run that lost its lease records nothing', async () => {
        await db.query(
          'UPDATE crm_connection SET running_until = $2, run_id = gen_random_uuid() WHERE id = $1',
          [connectionId, new Date(at(5 * MIN).getTime() - 1000)],
        );
        await respond(ids.alice, 6, 'After a crash', at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(hubspot.contacts.get('101')!.properties.plaudit_nps_comment).toBe('After a crash');

        // While a run waits, its lease lapses and another run takes it: the first ends the batch in
        // flight (its outcome is recorded: nothing twice) and stops at the next page, recording no run.
        await respond(ids.alice, 5, 'Lost lease', at(1 * MIN));
        const now = at(5 * MIN);
        clock = now;
        const recorded = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        hubspot.state.rateLimitNext = 1;
        const jobs = await claim(db, CRM_SYNC_QUEUE, 'test-worker', 50, { now, leaseMs: 60_000 });
        expect(jobs).toHaveLength(1);
        await crmSyncHandler({
          clock: () => now,
          sleep: async () => {
            await db.query('UPDATE crm_connection SET run_id = gen_random_uuid() WHERE id = $1', [
              connectionId,
            ]);
          },
        })({ job: jobs[0]!, db, signal: new AbortController().signal });
        await complete(db, jobs[0]!, 'test-worker', now);
        expect(hubspot.contacts.get('101')!.properties.plaudit_nps_comment).toBe('Lost lease');
        const untouched = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(untouched.last_run).toEqual(recorded.last_run);
        expect(untouched.last_push_at).toBe(recorded.last_push_at);
        // The other run's lease stays until it ends (or lapses).
        const held = await db.query<{ run_id: string | null }>(
          'SELECT run_id FROM crm_connection WHERE id = $1',
          [connectionId],
        );
        expect(held[0]!.run_id).not.toBeNull();
        await db.query('UPDATE crm_connection SET running_until = NULL, run_id = NULL WHERE id = $1', [
          connectionId,
        ]);
        const before = hubspot.requests.length;
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(hubspot.requests.slice(before).filter((r) => r.path.includes('batch/update'))).toEqual([]);
      });

      it('sync now queues a run that pulls; pausing ends the chain; deleting keeps the contacts', async () => {
        hubspot.contacts.set('106', {
          id: '106',
          properties: { email: 'erin@example.com', firstname: 'Erin' },
        });
        await json(api('POST', `/crm-connections/${connectionId}/sync`), 202);
        expect(await runDue(clock)).toBe(1);
        expect(await contactByEmail('erin@example.com')).toMatchObject({
          external_id: 'hubspot:106',
          name: 'Erin',
        });

        expect(
          (await json(api('PATCH', `/crm-connections/${connectionId}`, { active: false }), 200)).active,
        ).toBe(false);
        expect((await json(api('POST', `/crm-connections/${connectionId}/sync`), 409)).error.field).toBe(
          'id',
        );
        const before = hubspot.requests.length;
        expect(await runDue(at(5 * MIN))).toBe(1); // the queued chain run ends itself
        expect(await runDue(at(5 * MIN))).toBe(0);
        expect(hubspot.requests.length).toBe(before);

        const deleted = await json(api('DELETE', `/crm-connections/${connectionId}`), 200);
        expect(deleted.id).toBe(connectionId);
        await json(api('GET', `/crm-connections/${connectionId}`), 404);
        expect(await contactByEmail('dave@example.com')).toBeTruthy();
        const left = await db.query<{ n: number }>(
          'SELECT (SELECT count(*) FROM crm_link)::int + (SELECT count(*) FROM crm_push)::int AS n',
        );
        expect(left[0]!.n).toBe(0);
      });
    });

    describe('Pipedrive', () => {
      let pipedrive: Awaited<ReturnType<typeof startFakePipedrive>>;
      let connectionId = '';
      const ids = { frank: '', gina: '', hank: '' };
      const valuesOf = (personId: number) => {
        const person = pipedrive.persons.get(personId)!;
        const byName = Object.fromEntries(
          pipedrive.fields
            .filter((f) => f.is_custom_field)
            .map((f) => [f.field_name, person.custom_fields[f.field_code]]),
        );
        return byName;
      };

      beforeAll(async () => {
        await useNewWorkspace('Pipedrive test');
        pipedrive = await startFakePipedrive(PIPEDRIVE_TOKEN);
        pipedrive.state.pageSize = 2;
        pipedrive.organizations.set(301, { id: 301, name: 'Umbrella AG' });
        pipedrive.persons.set(401, {
          id: 401,
          name: 'Frank Fischer',
          emails: [
            { value: 'frank.old@example.com', primary: false, label: 'home' },
            { value: 'Frank@Example.com', primary: true, label: 'work' },
          ],
          org_id: 301,
          custom_fields: {},
        });
        pipedrive.persons.set(402, {
          id: 402,
          name: 'Gina Graf',
          emails: [{ value: 'gina@example.com', primary: true, label: 'work' }],
          org_id: null,
          custom_fields: {},
        });
        pipedrive.persons.set(403, { id: 403, name: 'Ivo Ilic', emails: [], org_id: 301, custom_fields: {} });
        ids.frank = (await contact('frank@example.com')).id;
        ids.gina = (await contact('gina@example.com')).id;
        ids.hank = (await contact('hank@example.com')).id;
        await respond(ids.frank, 0, 'Nothing works', new Date('2026-05-10T08:00:00Z'));
        await respond(ids.gina, 9, 'Gern wieder', new Date('2026-05-11T08:00:00Z'));
        await respond(ids.hank, 10, 'Super', new Date('2026-05-12T08:00:00Z'));
      });
      afterAll(() => pipedrive.close());

      it('pulls persons and organizations, creates the person fields once and writes them by their hash keys', async () => {
        const created = await json(
          api('POST', '/crm-connections', {
            provider: 'pipedrive',
            token: PIPEDRIVE_TOKEN,
            base_url: pipedrive.url,
          }),
          201,
        );
        connectionId = created.id;
        expect(created.token_hint).toBe('…beef');
        pipedrive.state.rateLimitNext = 1;
        pipedrive.state.retryAfter = '2';
        sleeps.length = 0;
        expect(await runDue(clock)).toBe(1);
        expect(sleeps).toEqual([2000]);
        expect(pipedrive.requests.every((r) => r.headers['x-api-token'] === PIPEDRIVE_TOKEN)).toBe(true);
        expect(pipedrive.requests.some((r) => r.query.has('api_token'))).toBe(false);

        const custom = pipedrive.fields.filter((f) => f.is_custom_field);
        expect(custom.map((f) => [f.field_name, f.field_type])).toEqual([
          ['NPS score (Plaudit)', 'double'],
          ['NPS category (Plaudit)', 'varchar'],
          ['NPS comment (Plaudit)', 'text'],
          ['NPS date (Plaudit)', 'date'],
        ]);
        expect(valuesOf(401)).toEqual({
          'NPS score (Plaudit)': 0,
          'NPS category (Plaudit)': 'detractor',
          'NPS comment (Plaudit)': 'Nothing works',
          'NPS date (Plaudit)': '2026-05-10',
        });
        expect(valuesOf(402)['NPS category (Plaudit)']).toBe('promoter');
        // Persons were linked by the pull: no search was needed for them; hank was searched, not found.
        const searches = pipedrive.requests.filter((r) => r.path === '/api/v2/persons/search');
        expect(searches.map((r) => r.query.get('term'))).toEqual(['hank@example.com']);
        expect(searches[0]!.query.get('exact_match')).toBe('true');

        const umbrella = await accountByExternal('pipedrive:301');
        expect(umbrella?.name).toBe('Umbrella AG');
        expect(await contactByEmail('frank@example.com')).toMatchObject({
          id: ids.frank,
          name: 'Frank Fischer',
          account_id: umbrella!.id,
        });
        const ivo = await db.query<{ account_id: string }>(
          "SELECT account_id FROM contact WHERE external_id = 'pipedrive:403'",
        );
        expect(ivo).toEqual([{ account_id: umbrella!.id }]);
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_run).toEqual({
          pushed: 2,
          not_found: 1,
          failed: 0,
          contacts: 3,
          accounts: 1,
        });
      });

      it('writes nothing twice, finds a new person by email, and pushes what waited while Pipedrive was down', async () => {
        const before = pipedrive.requests.length;
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(pipedrive.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([]);

        pipedrive.state.down = true;
        await respond(ids.gina, 5, 'Leider schlechter', at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_error).toMatch(
          /Pipedrive could not be reached/,
        );
        pipedrive.state.down = false;
        pipedrive.persons.set(404, {
          id: 404,
          name: 'Hank Huber',
          emails: [{ value: 'hank@example.com', primary: true, label: 'work' }],
          org_id: null,
          custom_fields: {},
        });
        // Hank is tried again only with a new response (or once the hourly pull links him).
        await respond(ids.hank, 10, 'Immer noch super', at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(valuesOf(402)).toMatchObject({
          'NPS score (Plaudit)': 5,
          'NPS category (Plaudit)': 'detractor',
        });
        expect(valuesOf(404)).toMatchObject({
          'NPS score (Plaudit)': 10,
          'NPS comment (Plaudit)': 'Immer noch super',
        });
        const state = await json(api('GET', `/crm-connections/${connectionId}`), 200);
        expect(state.last_error).toBeNull();
        expect(state.last_run).toMatchObject({ pushed: 2, not_found: 0 });
        // The field keys were kept: no field was created twice.
        expect(
          pipedrive.requests.filter((r) => r.method === 'POST' && r.path === '/api/v2/personFields').length,
        ).toBe(4);
      });

      it('creates the fields again when one was deleted in Pipedrive', async () => {
        const comment = pipedrive.fields.findIndex((f) => f.field_name === 'NPS comment (Plaudit)');
        pipedrive.fields.splice(comment, 1);
        await respond(ids.frank, 6, 'Etwas besser', at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_error).toMatch(
          /answered 400/,
        );
        expect(await runDue(at(5 * MIN))).toBe(1);
        expect(valuesOf(401)).toMatchObject({
          'NPS score (Plaudit)': 6,
          'NPS comment (Plaudit)': 'Etwas besser',
        });
        expect((await json(api('GET', `/crm-connections/${connectionId}`), 200)).last_error).toBeNull();
      });

      it('never shows the token in any answer, also not in the list or after a change', async () => {
        await json(api('GET', '/crm-connections'), 200);
        await json(api('PATCH', `/crm-connections/${connectionId}`, { pull: false }), 200);
        const stored = await db.query<{ token: string }>('SELECT token FROM crm_connection WHERE id = $1', [
          connectionId,
        ]);
        expect(stored[0]!.token).toBe(PIPEDRIVE_TOKEN);
        const openapi = await (await app.request('/api/v1/openapi.json')).text();
        expect(openapi).toContain('/crm-connections/{id}/sync');
      });
    });
  });
}
