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

    it('renders the website widget from its own markup: scores, labels per language, escaped', async () => {
      const draft = {
        product_name: 'Taskwerk',
        ask_testimonial_consent: true,
        texts: {
          de: { question: 'Frage <img src=x onerror=alert(1)>', follow_up: 'Warum "so"?' },
          en: { question: 'Question <img src=x onerror=alert(1)>' },
        },
      };
      const res = await get(`/surveys/preview?view=widget&locale=de&draft=${encode(draft)}`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain('sandbox');
      const html = await res.text();
      expect(html).toContain('lang="de"');
      expect(html).toContain('<p id=q>Frage &#60;img src=x onerror=alert(1)&#62;</p>');
      expect(html).not.toContain('<img');
      expect(html.match(/<button tabindex=/g)?.length).toBe(11);
      expect(html).toContain('aria-label="0 – Überhaupt nicht wahrscheinlich"');
      expect(html).toContain('<span>Äußerst wahrscheinlich</span>');
      expect(html).toContain('aria-label="Schließen"');
      // The widget's own style sheet, the shadow host's rule on the wrapper; the default colours.
      expect(html).toContain('plaudit-widget{all:initial!important}');
      expect(html).not.toContain(':host');
      expect(html).toMatch(/style="--brand:#0b57d0;--background:#ffffff;--text:#1f2328;--on_brand:#ffffff;/);
      expect(html).not.toContain('class=o');

      const en = await (await get(`/surveys/preview?view=widget&locale=en&draft=${encode(draft)}`)).text();
      expect(en).toContain('lang="en"');
      expect(en).toContain('Question &#60;img src=x onerror=alert(1)&#62;');
      expect(en).toContain('aria-label="10 – Extremely likely"');
      expect(en).toContain('<span>Not at all likely</span>');

      // The follow-up step: a promoter of a consent survey sees the checkbox, a passive does not.
      const promoter = await (
        await get(`/surveys/preview?view=widget_follow_up&score=10&locale=de&draft=${encode(draft)}`)
      ).text();
      expect(promoter).toContain('<label for=t>Warum &#34;so&#34;?</label>');
      expect(promoter).toContain('<input type=checkbox>');
      expect(promoter).toContain('placeholder="Ihr Kommentar (optional)"');
      expect(promoter).toContain('<button class=p>Senden</button>');
      expect(promoter).not.toContain('<button tabindex=');
      const passive = await (
        await get(`/surveys/preview?view=widget_follow_up&score=8&locale=de&draft=${encode(draft)}`)
      ).text();
      expect(passive).not.toContain('type=checkbox');

      // Unsaved colours and position in the draft.
      const look = await (
        await get(
          `/surveys/preview?view=widget&draft=${encode({ widget: { colors: { brand: '#ffcc00' }, position: 'bottom-left' } })}`,
        )
      ).text();
      expect(look).toContain('--brand:#ffcc00;');
      expect(look).toContain('--on_brand:#000000;');
      expect(look).toContain('class="c L"');
    });

    it("styles the widget preview with the saved survey's widget settings", async () => {
      const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
      const created = await app.request('/api/v1/surveys', {
        method: 'POST',
        headers,
        body: JSON.stringify({ name: 'Widget', product_name: 'Shop', ask_testimonial_consent: true }),
      });
      const survey = ((await created.json()) as { id: string }).id;
      const put = await app.request(`/api/v1/surveys/${survey}/widget`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({
          position: 'center',
          colors: { brand: '#0b7a75', background: '#fafafa', text: '#111111' },
          texts: { de: { question: 'Widget-Frage für <Shop>?' } },
        }),
      });
      expect(put.status).toBe(200);
      const html = await (await get(`/surveys/preview?view=widget&survey_id=${survey}&locale=de`)).text();
      expect(html).toMatch(
        /style="--brand:#0b7a75;--background:#fafafa;--text:#111111;--on_brand:#ffffff;--muted:#[0-9a-f]{6};--line:#[0-9a-f]{6};"/,
      );
      expect(html).toContain('class="c C"');
      expect(html).toContain('Widget-Frage für &#60;Shop&#62;?');
      expect(html.match(/<button tabindex=/g)?.length).toBe(11);
      const consent = await (
        await get(`/surveys/preview?view=widget_follow_up&score=9&survey_id=${survey}&locale=de`)
      ).text();
      expect(consent).toContain('<label class=o><input type=checkbox>');
      // A draft with the saved survey's id: the draft's texts, the saved survey's colours.
      const both = await (
        await get(
          `/surveys/preview?view=widget&survey_id=${survey}&locale=en&draft=${encode({ product_name: 'Draft Shop' })}`,
        )
      ).text();
      expect(both).toContain('recommend Draft Shop');
      expect(both).toContain('--brand:#0b7a75;');
      expect((await get(`/surveys/preview?view=widget&survey_id=${survey}`, otherKey)).status).toBe(404);
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
      await bad(
        `view=widget&draft=${encode({ widget: { colors: { brand: 'red' } } })}`,
        /^draft\.widget\.colors\.brand$/,
      );
      await bad(`view=widget&draft=${encode({ widget: { position: 'top' } })}`, /^draft\.widget\.position$/);
    });
  });
}
