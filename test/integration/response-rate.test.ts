/**
 * GET /metrics/response-rate on both databases: invitations delivered on local days of the
 * workspace in the period, and how many of them were answered; other workspaces never count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

for (const kind of databaseKinds()) {
  describe(`response rate on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    const keys = { a: '', b: '' };
    const surveys = { a: '', a2: '', b: '' };
    const call = (key: string, path: string) =>
      app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${key}` } });

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      ({ app } = createApp({ config: loadConfig({}), db, clock: () => new Date() }));
      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name, time_zone: 'Europe/Berlin' });
        keys[name] = (await createApiKey(db, ws.id, 'k')).secret;
      }
      const survey = async (key: string) =>
        (
          (await (
            await app.request('/api/v1/surveys', {
              method: 'POST',
              headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
              body: JSON.stringify({ name: 'S', product_name: 'P' }),
            })
          ).json()) as { id: string }
        ).id;
      surveys.a = await survey(keys.a);
      surveys.a2 = await survey(keys.a);
      surveys.b = await survey(keys.b);
      // Invitations: [survey, status, sent_at, answered, channel].
      const rows: [string, string, string | null, boolean, string][] = [
        [surveys.a, 'sent', '2026-03-01T10:00:00Z', true, 'email'],
        [surveys.a, 'sent', '2026-03-02T10:00:00Z', false, 'email'],
        [surveys.a, 'sent', '2026-03-03T10:00:00Z', true, 'email'],
        // 23:30 UTC on 31 March is 1 April in Berlin: outside a March period.
        [surveys.a, 'sent', '2026-03-31T23:30:00Z', true, 'email'],
        [surveys.a, 'bounced', null, false, 'email'],
        [surveys.a, 'skipped', null, false, 'email'],
        [surveys.a2, 'sent', '2026-03-05T10:00:00Z', false, 'link'],
        [surveys.b, 'sent', '2026-03-05T10:00:00Z', true, 'email'],
      ];
      for (const [i, [surveyId, status, sentAt, answered, channel]] of rows.entries()) {
        await db.query(
          `WITH c AS (
             INSERT INTO contact (workspace_id, email)
             SELECT workspace_id, $1 FROM survey WHERE id = $2 RETURNING id, workspace_id)
           INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, sent_at, answered_at)
           SELECT c.workspace_id, $2, c.id, $3, $4, '2027-01-01', $5, $6::timestamptz,
                  CASE WHEN $7::boolean THEN $6::timestamptz + interval '1 day' END
           FROM c`,
          [`c${i}@example.com`, surveyId, `tok-rate-${i}`, channel, status, sentAt, answered],
        );
      }
    });
    afterAll(() => drop());

    it('counts delivered invitations of the period on local days, and the answered ones', async () => {
      const march = await (await call(keys.a, '/metrics/response-rate?from=2026-03-01&to=2026-03-31')).json();
      expect(march).toEqual({ delivered: 4, answered: 2, response_rate: 0.5 });
      const all = await (await call(keys.a, '/metrics/response-rate')).json();
      expect(all).toEqual({ delivered: 5, answered: 3, response_rate: 0.6 });
      const one = await (
        await call(
          keys.a,
          `/metrics/response-rate?survey_id=${surveys.a}&channel=email&from=2026-03-01&to=2026-03-31`,
        )
      ).json();
      expect(one).toEqual({ delivered: 3, answered: 2, response_rate: 2 / 3 });
      const none = await (await call(keys.a, '/metrics/response-rate?from=2025-01-01&to=2025-01-31')).json();
      expect(none).toEqual({ delivered: 0, answered: 0, response_rate: null });
    });

    it('keeps other workspaces out and names bad fields', async () => {
      expect(await (await call(keys.b, '/metrics/response-rate')).json()).toEqual({
        delivered: 1,
        answered: 1,
        response_rate: 1,
      });
      expect((await call(keys.b, `/metrics/response-rate?survey_id=${surveys.a}`)).status).toBe(422);
      const backwards = await call(keys.a, '/metrics/response-rate?from=2026-03-02&to=2026-03-01');
      expect(backwards.status).toBe(400);
      expect(((await backwards.json()) as { error: { field: string } }).error.field).toBe('to');
    });
  });
}
