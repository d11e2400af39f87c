/**
 * GET /surveys/preview on both databases: the dashboard's live preview renders a draft (unsaved)
 * or a saved survey with the real page and email renderers, escapes the draft's text, and may
 * only be framed by Plaudit (sandboxed, no script).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

const encode = (draft: unknown) => Buffer.from(JSON.stringify(draft)).toString('base64url');

for (const kind of databaseKinds()) {
  describe(`survey preview on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let otherKey = '';
    const get = (path: string, k = key) =>
      app.request(`/api/v1${path}`, { headers: { authorization: `Bearer ${k}` } });

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      ({ app } = createApp({ config: loadConfig({}), db, clock: () => new Date() }));
      key = (await createApiKey(db, (await createWorkspace(db, { name: 'A' })).id, 'k')).secret;
      otherKey = (await createApiKey(db, (await createWorkspace(db, { name: 'B' })).id, 'k')).secret;
    });
    afterAll(() => drop());

    it('renders an unsaved draft with the real renderers, in the asked language, escaped', async () => {
      const draft = {
        product_name: 'Taskwerk <b>Pro</b>',
        brand_color: '#0b7a75',
        ask_testimonial_consent: true,
        texts: { de: { question: 'Würden Sie {product} empfehlen?', follow_up: '', thank_you: 'Danke <3' } },
      };
      const res = await get(`/surveys/preview?view=question&locale=de&draft=${encode(draft)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'self'");
      const html = await res.text();
      expect(html).toContain('Würden Sie Taskwerk &lt;b&gt;Pro&lt;/b&gt; empfehlen?');
      expect(html).not.toContain('<b>Pro</b>');
      expect(html.match(/name="score"/g)?.length).toBe(11);
      expect(html).toContain('lang="de"');

      // An empty follow-up falls back to the built-in German one; a promoter sees the consent box.
      const follow = await (
        await get(`/surveys/preview?view=follow_up&score=10&locale=de&draft=${encode(draft)}`)
      ).text();
      expect(follow).toContain('Was ist der Hauptgrund für Ihre Bewertung?');
      expect(follow).toContain('type="checkbox"');
      const passive = await (
        await get(`/surveys/preview?view=follow_up&score=8&locale=de&draft=${encode(draft)}`)
      ).text();
      expect(passive).not.toContain('type="checkbox"');
      const thanks = await (
        await get(`/surveys/preview?view=thanks&locale=de&draft=${encode(draft)}`)
      ).text();
      expect(thanks).toContain('Danke &lt;3');

      const email = await (await get(`/surveys/preview?view=email&locale=de&draft=${encode(draft)}`)).text();
      expect(email).toContain('?score=10');
      expect(email).toContain('Würden Sie Taskwerk &lt;b&gt;Pro&lt;/b&gt; empfehlen?');
    });

    it('renders a saved survey of the own workspace only, and names bad fields', async () => {
      const created = await app.request('/api/v1/surveys', {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'Saved', product_name: 'Saved Product' }),
      });
      const survey = ((await created.json()) as { id: string }).id;
      const html = await (await get(`/surveys/preview?survey_id=${survey}&locale=en`)).text();
      expect(html).toContain('How likely is it that you would recommend Saved Product');
      expect((await get(`/surveys/preview?survey_id=${survey}`, otherKey)).status).toBe(404);

      const bad = async (qs: string, field: RegExp) => {
        const res = await get(`/surveys/preview?${qs}`);
        expect(res.status, qs).toBe(400);
        expect(((await res.json()) as { error: { field: string } }).error.field).toMatch(field);
      };
      await bad('view=question', /^draft$/);
      await bad('draft=not-json', /^draft/);
      await bad(`draft=${encode({ brand_color: 'red' })}`, /^draft\.brand_color$/);
      await bad(`draft=${encode({ nope: 1 })}`, /^draft/);
      await bad(`view=poster&draft=${encode({})}`, /^view$/);
    });
  });
}
