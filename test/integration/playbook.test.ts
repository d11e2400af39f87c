/**
 * The playbook API on both databases: the default, the workspace's own, a survey's override and
 * inheriting again; bad rules are a 400 naming the field; viewers read, only admins change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLAYBOOK } from '../../src/core/playbook';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { effectivePlaybook } from '../../src/server/repo/playbooks';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
type Json = any;

for (const kind of databaseKinds()) {
  describe(`playbook API on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let workspaceId = '';
    let surveyId = '';
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const escalation = {
      rules: [
        {
          name: 'Fallen promoters',
          categories: ['detractor'],
          previous_categories: ['promoter'],
          actions: [
            { kind: 'alert_owner', fallback: 'success-team' },
            { kind: 'open_case', due_hours: 4 },
          ],
        },
      ],
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      ({ app } = createApp({ config: loadConfig({}), db, clock: () => new Date() }));
      const ws = await createWorkspace(db, { name: 'A' });
      workspaceId = ws.id;
      key = (await createApiKey(db, ws.id, 'k')).secret;
      surveyId = (await call('POST', '/surveys', { name: 'S', product_name: 'P' })).body.id;
    });
    afterAll(() => drop());

    it('answers the default, then the workspace playbook, then a survey override, and inherits again', async () => {
      expect((await call('GET', '/playbook')).body).toEqual({
        playbook: DEFAULT_PLAYBOOK,
        source: 'default',
      });
      const put = await call('PUT', '/playbook', escalation);
      expect(put.status).toBe(200);
      expect(put.body).toEqual({ playbook: escalation, source: 'workspace' });
      expect((await call('GET', `/surveys/${surveyId}/playbook`)).body).toEqual({
        playbook: escalation,
        source: 'workspace',
      });
      const own = {
        rules: [{ name: 'Thanks only', categories: ['promoter'], actions: [{ kind: 'send_thanks' }] }],
      };
      expect((await call('PUT', `/surveys/${surveyId}/playbook`, own)).body.source).toBe('survey');
      expect(await effectivePlaybook(db, workspaceId, surveyId)).toEqual(own);
      expect((await call('PUT', `/surveys/${surveyId}/playbook`, { rules: null })).body).toEqual({
        playbook: escalation,
        source: 'workspace',
      });
      expect((await call('DELETE', '/playbook')).body.source).toBe('default');
      expect(await effectivePlaybook(db, workspaceId, surveyId)).toEqual(DEFAULT_PLAYBOOK);
    });

    it('refuses bad rules with a 400 naming the field, storing nothing', async () => {
      for (const [body, field] of [
        [
          { rules: [{ name: 'x', categories: ['fans'], actions: [{ kind: 'send_thanks' }] }] },
          'rules.0.categories.0',
        ],
        [
          {
            rules: [
              { name: 'x', categories: ['passive'], actions: [{ kind: 'open_case', due_hours: 99999 }] },
            ],
          },
          'rules.0.actions.0.due_hours',
        ],
        [{ rules: [{ name: 'x', categories: ['passive'], actions: [] }] }, 'rules.0.actions'],
        [{ rules: [], extra: 1 }, 'extra'],
        [{ rules: 'all' }, 'rules'],
      ] as const) {
        const res = await call('PUT', '/playbook', body);
        expect(res.status, JSON.stringify(body)).toBe(400);
        expect(res.body.error.field).toBe(field);
      }
      expect((await call('GET', '/playbook')).body.source).toBe('default');
      expect(
        (await call('PUT', `/surveys/00000000-0000-4000-8000-000000000000/playbook`, escalation)).status,
      ).toBe(404);
    });
  });
}
