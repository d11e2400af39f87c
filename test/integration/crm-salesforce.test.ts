/**
 * CRM sync with Salesforce end to end against a local fake org (helpers/fake-crm.ts
 * `startFakeSalesforce`, written from Salesforce's documented REST contract): the client
 * credentials flow with a cached token refreshed on INVALID_SESSION_ID, the Contact describe check of
 * the custom fields, SOQL paging through nextRecordsUrl, composite sObject collection updates with a
 * record that fails, and REQUEST_LIMIT_EXCEEDED. The real service could not be reached from here
 * (docs/INTEGRATIONS.md says which parts that leaves untried).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import { saveCrmSession } from '../../src/server/crm/repo';
import { CRM_SYNC_QUEUE, crmSyncHandler } from '../../src/server/crm/sync';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { claim, complete } from '../../src/server/jobs/queue';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';
import { startFakeSalesforce } from './helpers/fake-crm';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by assertions
type Json = any;

const CLIENT_ID = '3MVG9FAKEconsumerKeyForPlauditTests.0123456789abcdefCLID';
const CLIENT_SECRET = 'FAKEconsumerSecret0123456789secretSF';
const MIN = 60_000;
const cid = (n: number) => `003FAKE${String(n).padStart(8, '0')}AAA`;
const aid = (n: number) => `001FAKE${String(n).padStart(8, '0')}AAA`;

for (const kind of databaseKinds()) {
  describe(`CRM sync with Salesforce on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let surveyId = '';
    let clock = new Date('2026-06-01T10:00:00Z');
    const sleeps: number[] = [];
    let sf: Awaited<ReturnType<typeof startFakeSalesforce>>;
    let connectionId = '';
    const ids = { alice: '', bob: '', quote: '', nobody: '' };

    const api = (method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    /** The answer's JSON; neither credential (nor a cached access token) may be in it. */
    const json = async (res: Response | Promise<Response>, status?: number) => {
      const r = await res;
      const text = await r.text();
      if (status !== undefined) expect(r.status, text).toBe(status);
      expect(text).not.toContain(CLIENT_SECRET);
      expect(text).not.toContain('secretSF');
      expect(text).not.toContain(CLIENT_ID);
      expect(text).not.toContain('00DFAKE!');
      return JSON.parse(text) as Json;
    };
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
    const connection = () => json(api('GET', `/crm-connections/${connectionId}`), 200);
    const patches = () => sf.requests.filter((r) => r.method === 'PATCH');
    const tokenRequests = () => sf.requests.filter((r) => r.path === '/services/oauth2/token');

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => clock }).app;
      const ws = await createWorkspace(db, { name: 'Salesforce test', time_zone: 'Europe/Berlin' });
      key = (await createApiKey(db, ws.id, 'main')).secret;
      surveyId = (
        await json(api('POST', '/surveys', { name: 'Relationship', product_name: 'Taskwerk' }), 201)
      ).id;

      sf = await startFakeSalesforce(CLIENT_ID, CLIENT_SECRET);
      sf.state.pageSize = 2; // batches of two: nextRecordsUrl paging is exercised
      sf.accounts.set(aid(1), { Id: aid(1), Name: 'Acme GmbH' });
      sf.accounts.set(aid(2), { Id: aid(2), Name: 'Globex' });
      sf.accounts.set(aid(3), { Id: aid(3), Name: 'Initech' });
      sf.contacts.set(cid(1), {
        Id: cid(1),
        Email: 'Alice@Example.com',
        FirstName: 'Alice',
        LastName: 'Adams',
        AccountId: aid(1),
      });
      sf.contacts.set(cid(2), {
        Id: cid(2),
        Email: 'dave@example.com',
        FirstName: 'Dave',
        LastName: 'Doe',
        AccountId: aid(2),
      });
      sf.contacts.set(cid(3), {
        Id: cid(3),
        Email: null,
        FirstName: null,
        LastName: 'Nomail',
        AccountId: aid(2),
      });
      ids.alice = (await contact('alice@example.com')).id;
      ids.bob = (await contact('bob@example.com')).id; // created in Salesforce after the first pull
      ids.quote = (await contact("o'brien@example.com")).id; // a quote in SOQL
      ids.nobody = (await contact('nobody@example.com')).id; // not in Salesforce
      await respond(ids.alice, 6, 'Too slow', new Date('2026-05-01T09:00:00Z'));
      await respond(ids.alice, 10, 'Great support', new Date('2026-05-31T23:30:00Z')); // 1 June in Berlin
      await respond(ids.bob, 3, undefined, new Date('2026-05-20T12:00:00Z'));
      await respond(ids.quote, 8, 'ok', new Date('2026-05-21T12:00:00Z'));
      await respond(ids.nobody, 9, undefined, new Date('2026-05-22T12:00:00Z'));
    });
    afterAll(async () => {
      await sf.close();
      await drop();
    });

    it('connects with client id and secret, refusing what does not fit and never returning either', async () => {
      const refused = async (body: Json) =>
        (await json(api('POST', '/crm-connections', body), 400)).error.field as string;
      const base = { provider: 'salesforce', base_url: sf.url };
      expect(await refused({ ...base, client_secret: CLIENT_SECRET })).toBe('client_id');
      expect(await refused({ ...base, client_id: CLIENT_ID })).toBe('client_secret');
      expect(
        await refused({ provider: 'salesforce', client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
      ).toBe('base_url');
      expect(
        await refused({ ...base, client_id: CLIENT_ID, client_secret: CLIENT_SECRET, token: 'abcdefgh12' }),
      ).toBe('token');
      expect(await refused({ provider: 'hubspot', token: 'pat-na1-abcdefgh', client_id: CLIENT_ID })).toBe(
        'client_id',
      );
      const created = await json(
        api('POST', '/crm-connections', { ...base, client_id: CLIENT_ID, client_secret: CLIENT_SECRET }),
        201,
      );
      connectionId = created.id;
      expect(created).toMatchObject({
        provider: 'salesforce',
        base_url: sf.url,
        token_hint: '…etSF',
        client_id_hint: '…CLID',
        push: true,
        pull: true,
        active: true,
        last_error: null,
      });
      const stored = await db.query<{ token: string; client_id: string }>(
        'SELECT token, client_id FROM crm_connection WHERE id = $1',
        [connectionId],
      );
      expect(stored[0]).toEqual({ token: CLIENT_SECRET, client_id: CLIENT_ID });
      // The others have no client id.
      expect(
        (await json(api('GET', '/crm-connections'), 200)).data.map((c: Json) => c.client_id_hint),
      ).toEqual(['…CLID']);
      // Salesforce connections take a secret, not a token.
      expect(
        (await json(api('PATCH', `/crm-connections/${connectionId}`, { token: 'abcdefgh12' }), 400)).error
          .field,
      ).toBe('token');
    });

    it('pulls every batch, and names the custom fields an admin must create instead of pushing', async () => {
      expect(await runDue(clock)).toBe(1);
      // The client credentials flow, form-encoded, once.
      expect(tokenRequests()).toHaveLength(1);
      expect(tokenRequests()[0]!.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
      expect(Object.fromEntries(new URLSearchParams(tokenRequests()[0]!.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
      });
      // Every data call with the bearer token, none with the secret.
      for (const r of sf.requests.filter((x) => x.path !== '/services/oauth2/token')) {
        expect(r.headers.authorization).toMatch(/^Bearer 00DFAKE!/);
        expect(JSON.stringify(r.body ?? '') + r.query.toString()).not.toContain(CLIENT_SECRET);
      }
      // Accounts and contacts in batches of two through nextRecordsUrl.
      const more = sf.requests.filter((r) => /\/query\/01g/.test(r.path));
      expect(more.length).toBe(2);
      const acme = (
        await db.query<{ id: string; name: string }>('SELECT id, name FROM account WHERE external_id = $1', [
          `salesforce:${aid(1)}`,
        ])
      )[0];
      expect(acme?.name).toBe('Acme GmbH');
      const alice = (
        await db.query<Json>('SELECT id, external_id, name, account_id FROM contact WHERE email = $1', [
          'alice@example.com',
        ])
      )[0];
      expect(alice).toEqual({ id: ids.alice, external_id: null, name: 'Alice Adams', account_id: acme!.id });
      const dave = (
        await db.query<Json>('SELECT external_id, name, account_id FROM contact WHERE email = $1', [
          'dave@example.com',
        ])
      )[0];
      expect(dave.external_id).toBe(`salesforce:${cid(2)}`);
      const globex = await db.query<{ id: string }>('SELECT id FROM account WHERE external_id = $1', [
        `salesforce:${aid(2)}`,
      ]);
      expect(dave.account_id).toBe(globex[0]!.id);
      expect(
        await db.query('SELECT name FROM contact WHERE external_id = $1', [`salesforce:${cid(3)}`]),
      ).toEqual([{ name: 'Nomail' }]);

      // The fields do not exist: nothing written, and the error says what to create.
      expect(patches()).toEqual([]);
      const state = await connection();
      expect(state.last_error).toMatch(/^push: Salesforce Contact lacks the custom fields/);
      for (const field of [
        'Plaudit_NPS_Score__c (Number(2, 0))',
        'Plaudit_NPS_Category__c (Picklist',
        'Plaudit_NPS_Comment__c (Long Text Area(32768))',
        'Plaudit_NPS_Date__c (Date)',
      ])
        expect(state.last_error).toContain(field);
      expect(state.last_run).toEqual({ pushed: 0, not_found: 0, failed: 0, contacts: 3, accounts: 3 });
      expect(state.last_pull_at).toBe(clock.toISOString());
      expect(state.last_push_at).toBeNull();
    });

    it('once the fields exist, writes by link or by SOQL email look-up in one composite call; one refused record fails alone', async () => {
      sf.createPlauditFields();
      sf.contacts.set(cid(4), {
        Id: cid(4),
        Email: 'Bob@example.com',
        FirstName: 'Bob',
        LastName: 'Brown',
        AccountId: null,
      });
      sf.contacts.set(cid(5), {
        Id: cid(5),
        Email: "O'Brien@example.com",
        FirstName: 'Orla',
        LastName: "O'Brien",
        AccountId: null,
      });
      sf.validationFailures.add(cid(4));
      const before = sf.requests.length;
      expect(await runDue(at(5 * MIN))).toBe(1);
      const run = sf.requests.slice(before);
      // The cached token was used: no new token request.
      expect(run.filter((r) => r.path === '/services/oauth2/token')).toEqual([]);
      expect(run.filter((r) => r.path.endsWith('/sobjects/Contact/describe'))).toHaveLength(1);
      // Alice was linked by the pull: only the others are looked up, the quote escaped.
      const soql = run.filter((r) => r.path.endsWith('/query')).map((r) => r.query.get('q')!);
      expect(soql).toHaveLength(1);
      const inList = /^SELECT Id, Email FROM Contact WHERE Email IN \((.*)\) ORDER BY Id$/.exec(soql[0]!);
      expect(inList![1]!.split(', ').sort()).toEqual([
        "'bob@example.com'",
        "'nobody@example.com'",
        "'o\\'brien@example.com'",
      ]);
      const [patch] = run.filter((r) => r.method === 'PATCH');
      expect(patch!.path).toBe('/services/data/v62.0/composite/sobjects');
      expect(patch!.body.allOrNone).toBe(false);
      expect(patch!.body.records).toHaveLength(3);
      expect(patch!.body.records.every((r: Json) => r.attributes.type === 'Contact')).toBe(true);

      expect(sf.contacts.get(cid(1))).toMatchObject({
        Plaudit_NPS_Score__c: 10,
        Plaudit_NPS_Category__c: 'promoter',
        Plaudit_NPS_Comment__c: 'Great support',
        Plaudit_NPS_Date__c: '2026-06-01',
      });
      expect(sf.contacts.get(cid(5))).toMatchObject({
        Plaudit_NPS_Score__c: 8,
        Plaudit_NPS_Category__c: 'passive',
        Plaudit_NPS_Comment__c: 'ok',
        Plaudit_NPS_Date__c: '2026-05-21',
      });
      expect(sf.contacts.get(cid(4))!.Plaudit_NPS_Score__c).toBeUndefined();
      const state = await connection();
      expect(state.last_run).toMatchObject({ pushed: 2, not_found: 1, failed: 1 });
      expect(state.last_error).toBe('push: 1 contact(s) refused by the CRM');
      const failed = await db.query<{ status: string; error: string; remote_id: string }>(
        'SELECT status, error, remote_id FROM crm_push WHERE contact_id = $1',
        [ids.bob],
      );
      expect(failed[0]).toMatchObject({ status: 'failed', remote_id: cid(4) });
      expect(failed[0]!.error).toMatch(/^FIELD_CUSTOM_VALIDATION_EXCEPTION: /);

      // The refused one is tried again (by its link now), the rest is not written twice.
      sf.validationFailures.delete(cid(4));
      const next = sf.requests.length;
      expect(await runDue(at(5 * MIN))).toBe(1);
      const again = sf.requests.slice(next).filter((r) => r.method === 'PATCH');
      expect(again.map((r) => r.body.records.map((x: Json) => x.id))).toEqual([[cid(4)]]);
      expect(sf.contacts.get(cid(4))).toMatchObject({
        Plaudit_NPS_Score__c: 3,
        Plaudit_NPS_Category__c: 'detractor',
        Plaudit_NPS_Comment__c: null,
      });
      expect((await connection()).last_error).toBeNull();
    });

    it('asks for a new token when Salesforce answers INVALID_SESSION_ID, and keeps it for the next runs', async () => {
      const old = (
        await db.query<{ access_token: string }>('SELECT access_token FROM crm_connection WHERE id = $1', [
          connectionId,
        ])
      )[0]!.access_token;
      sf.expireSessions();
      await respond(ids.alice, 7, 'Fine', at(1 * MIN));
      const before = sf.requests.length;
      expect(await runDue(at(5 * MIN))).toBe(1);
      const run = sf.requests.slice(before);
      expect(run.map((r) => `${r.method} ${r.path.replace(/v\d+\.\d/, 'vX')}`)).toEqual([
        'PATCH /services/data/vX/composite/sobjects', // 401 INVALID_SESSION_ID
        'POST /services/oauth2/token',
        'PATCH /services/data/vX/composite/sobjects',
      ]);
      expect(sf.contacts.get(cid(1))).toMatchObject({
        Plaudit_NPS_Score__c: 7,
        Plaudit_NPS_Category__c: 'passive',
      });
      const renewed = (
        await db.query<{ access_token: string }>('SELECT access_token FROM crm_connection WHERE id = $1', [
          connectionId,
        ])
      )[0]!.access_token;
      expect(renewed).not.toBe(old);
      expect((await connection()).last_error).toBeNull();
    });

    it('stops at REQUEST_LIMIT_EXCEEDED (403) without waiting, and the next run goes on', async () => {
      await respond(ids.alice, 9, 'Back to great', at(1 * MIN));
      sf.extra.requestLimitNext = 1;
      sleeps.length = 0;
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sleeps).toEqual([]);
      const limited = await connection();
      expect(limited.last_error).toMatch(
        /^push: Salesforce answered 403 \(rate limit\) to PATCH .*REQUEST_LIMIT_EXCEEDED/,
      );
      expect(sf.contacts.get(cid(1))!.Plaudit_NPS_Score__c).toBe(7);
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sf.contacts.get(cid(1))!.Plaudit_NPS_Score__c).toBe(9);
      expect((await connection()).last_error).toBeNull();
    });

    it('finds the contact again by email when the linked one was deleted (merged) in Salesforce', async () => {
      sf.deleted.add(cid(5));
      sf.contacts.set(cid(6), {
        Id: cid(6),
        Email: "o'brien@example.com",
        FirstName: 'Orla',
        LastName: 'OBrien',
        AccountId: null,
      });
      await respond(ids.quote, 2, 'Worse', at(1 * MIN));
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sf.contacts.get(cid(6))).toMatchObject({
        Plaudit_NPS_Score__c: 2,
        Plaudit_NPS_Comment__c: 'Worse',
      });
      const links = await db.query<{ remote_id: string }>(
        "SELECT remote_id FROM crm_link WHERE kind = 'contact' AND local_id = $1 ORDER BY remote_id",
        [ids.quote],
      );
      expect(links.map((l) => l.remote_id)).toContain(cid(6));
      expect((await connection()).last_run).toMatchObject({ pushed: 1, failed: 0 });
    });

    it('shows refused client credentials as the last error; a new secret fixes it and drops the cached session', async () => {
      sf.state.token = 'FAKEconsumerSecretRotated000000NEW1';
      sf.expireSessions();
      await respond(ids.alice, 5, undefined, at(1 * MIN));
      expect(await runDue(at(5 * MIN))).toBe(1);
      const refused = await connection();
      expect(refused.last_error).toMatch(/Salesforce refused the client credentials .*invalid_client/);
      expect(refused.last_error).not.toContain('FAKEconsumerSecret');
      const patched = await json(
        api('PATCH', `/crm-connections/${connectionId}`, {
          client_secret: 'FAKEconsumerSecretRotated000000NEW1',
        }),
        200,
      );
      expect(patched).toMatchObject({ token_hint: '…NEW1', client_id_hint: '…CLID', last_error: null });
      const cached = await db.query<{ access_token: string | null }>(
        'SELECT access_token FROM crm_connection WHERE id = $1',
        [connectionId],
      );
      expect(cached[0]!.access_token).toBeNull();
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sf.contacts.get(cid(1))).toMatchObject({
        Plaudit_NPS_Score__c: 5,
        Plaudit_NPS_Comment__c: null,
      });
      expect((await connection()).last_error).toBeNull();
    });

    it('asks again for the fields when one was deleted in Salesforce', async () => {
      sf.fields.delete('Plaudit_NPS_Date__c');
      await respond(ids.alice, 10, undefined, at(1 * MIN));
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect((await connection()).last_error).toMatch(/answered 400 .*INVALID_FIELD/);
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect((await connection()).last_error).toMatch(
        /lacks the custom fields .*Plaudit_NPS_Date__c \(Date\)$/,
      );
      sf.createPlauditFields();
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sf.contacts.get(cid(1))!.Plaudit_NPS_Score__c).toBe(10);
      expect((await connection()).last_error).toBeNull();
    });

    it('asks for client_id and client_secret again with a new base_url', async () => {
      const refused = async (body: Json) =>
        (await json(api('PATCH', `/crm-connections/${connectionId}`, body), 400)).error.field as string;
      const evil = 'https://evil.example';
      expect(await refused({ base_url: evil })).toBe('client_id');
      expect(await refused({ base_url: evil, client_secret: CLIENT_SECRET })).toBe('client_id');
      expect(await refused({ base_url: evil, client_id: CLIENT_ID })).toBe('client_secret');
      expect((await connection()).base_url).toBe(sf.url);
    });

    it('keeps a session only for the credentials it was issued for', async () => {
      const before = (
        await db.query<{ workspace_id: string; token: string; client_id: string; base_url: string }>(
          'SELECT workspace_id, token, client_id, base_url FROM crm_connection WHERE id = $1',
          [connectionId],
        )
      )[0]!;
      const secret = 'FAKEconsumerSecretRotated000000NEW2';
      sf.state.token = secret;
      await json(api('PATCH', `/crm-connections/${connectionId}`, { client_secret: secret }), 200);
      // A run that started with the old secret gets its session late: it is not kept.
      await saveCrmSession(
        db,
        { id: connectionId, ...before },
        { access_token: '00DFAKE!stale', instance_url: sf.url },
      );
      const cached = await db.query<{ access_token: string | null }>(
        'SELECT access_token FROM crm_connection WHERE id = $1',
        [connectionId],
      );
      expect(cached[0]!.access_token).toBeNull();
      // Nor in another workspace.
      await saveCrmSession(
        db,
        { id: connectionId, ...before, token: secret, workspace_id: '00000000-0000-0000-0000-000000000000' },
        { access_token: '00DFAKE!other', instance_url: sf.url },
      );
      expect(
        (
          await db.query<{ access_token: string | null }>(
            'SELECT access_token FROM crm_connection WHERE id = $1',
            [connectionId],
          )
        )[0]!.access_token,
      ).toBeNull();
      await respond(ids.alice, 4, undefined, at(1 * MIN));
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sf.contacts.get(cid(1))!.Plaudit_NPS_Score__c).toBe(4);
      const renewed = await db.query<{ access_token: string | null }>(
        'SELECT access_token FROM crm_connection WHERE id = $1',
        [connectionId],
      );
      expect(renewed[0]!.access_token).toMatch(/^00DFAKE!/);
    });

    it('never shows the client secret or id in the last error, also when the token endpoint echoes them', async () => {
      const secret = 'FAKEconsumerSecretRotated000000NEW2';
      sf.expireSessions();
      sf.state.intercept = (req) => {
        if (req.path !== '/services/oauth2/token') return undefined;
        const form = new URLSearchParams(String(req.body));
        return {
          status: 400,
          body: {
            error: 'invalid_client',
            error_description: `client ${form.get('client_id')} with secret ${form.get('client_secret')}\u0007 refused`,
          },
        };
      };
      try {
        await respond(ids.alice, 3, undefined, at(1 * MIN));
        expect(await runDue(at(5 * MIN))).toBe(1);
        const refused = await connection(); // asserts neither credential is in it
        expect(refused.last_error).toMatch(
          /Salesforce refused the client credentials .*client \[redacted\] with secret \[redacted\]\S* refused/,
        );
        expect(refused.last_error).not.toContain(secret);
        expect(refused.last_error).not.toContain('NEW2');
      } finally {
        sf.state.intercept = null;
      }
      expect(await runDue(at(5 * MIN))).toBe(1);
      expect(sf.contacts.get(cid(1))!.Plaudit_NPS_Score__c).toBe(3);
      expect((await connection()).last_error).toBeNull();
    });
  });
}
