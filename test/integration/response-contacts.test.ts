import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// Concurrent submissions naming contacts go through the contact batcher: one upsert for many.
for (const kind of databaseKinds()) {
  describe(`responses naming contacts on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let call: (method: string, path: string, body?: unknown) => Promise<Response>;
    let surveyId: string;

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      const { app } = createApp({ config: loadConfig({}), db, clock: () => new Date() });
      const workspace = await createWorkspace(db, { name: 'Contacts' });
      const { secret } = await createApiKey(db, workspace.id, 'test');
      call = async (method, path, body) =>
        app.request(`/api/v1${path}`, {
          method,
          headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const survey = await call('POST', '/surveys', { name: 'S', product_name: 'P' });
      surveyId = ((await survey.json()) as { id: string }).id;
    });
    afterAll(() => drop());

    it('creates each contact once, links every response and snapshots its attributes', async () => {
      const emails = ['ada@example.com', 'Bob@Example.com', 'ada@example.com', 'cy@example.com'];
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          call('POST', '/responses', {
            survey_id: surveyId,
            score: i % 11,
            contact: { email: emails[i % emails.length], attributes: { plan: i % 2 ? 'pro' : 'free' } },
          }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
      const contacts = await db.query<{ email: string }>('SELECT email FROM contact ORDER BY email');
      expect(contacts.map((c) => c.email)).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com']);
      // Each response is linked to the contact it named, not to a neighbour in the same batch.
      const ids = await Promise.all(results.map(async (r) => ((await r.json()) as { id: string }).id));
      const rows = await db.query<{ id: string; email: string; plan: string | null }>(
        `SELECT r.id, c.email, r.attributes ->> 'plan' AS plan FROM response r JOIN contact c ON c.id = r.contact_id`,
      );
      const byId = new Map(rows.map((r) => [r.id, r]));
      ids.forEach((id, i) => {
        expect(byId.get(id)?.email).toBe(emails[i % emails.length]!.toLowerCase());
        expect(['pro', 'free']).toContain(byId.get(id)?.plan);
      });
    });

    it('still resolves a contact that names an account, and refuses an unknown account', async () => {
      const ok = await call('POST', '/responses', {
        survey_id: surveyId,
        score: 9,
        contact: { email: 'dee@example.com', account: { external_id: 'acme', name: 'Acme' } },
      });
      expect(ok.status).toBe(201);
      const [row] = await db.query<{ account_id: string | null }>(
        `SELECT r.account_id FROM response r JOIN contact c ON c.id = r.contact_id WHERE c.email = 'dee@example.com'`,
      );
      expect(row?.account_id).toBeTruthy();
      const bad = await call('POST', '/responses', {
        survey_id: surveyId,
        score: 9,
        contact: { email: 'eve@example.com', account_id: '00000000-0000-4000-8000-000000000000' },
      });
      expect(bad.status).toBe(422);
    });
  });
}
