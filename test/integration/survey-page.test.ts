import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked by the assertions
const json = (res: Response): Promise<any> => res.json();
const MINUTE = 60_000;
const XSS = '<img src=x onerror=alert(1)>';

for (const kind of databaseKinds()) {
  describe(`hosted survey pages on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let key = '';
    let survey: { id: string; public_url: string };
    let publicToken = '';
    // The app's clock: tests move it to walk through the edit window.
    let now = new Date('2026-07-03T10:00:00Z');

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      app = createApp({ config: loadConfig({}), db, clock: () => now }).app;
      const ws = await createWorkspace(db, { name: 'Pages' });
      key = (await createApiKey(db, ws.id, 't')).secret;
      survey = await json(
        await api('POST', '/surveys', {
          name: 'Relationship',
          product_name: 'Taskwerk',
          texts: { en: { follow_up_by_category: { detractor: 'What could we do better?' } } },
        }),
      );
      publicToken = survey.public_url.split('/s/')[1]!;
    });
    afterAll(() => drop());

    const api = (method: string, path: string, body?: unknown) =>
      app.request(`/api/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    const get = (path: string, headers: Record<string, string> = {}) => app.request(path, { headers });
    const post = (
      path: string,
      body: string | Record<string, string>,
      headers: Record<string, string> = {},
    ) =>
      app.request(path, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
        body: typeof body === 'string' ? body : new URLSearchParams(body).toString(),
      });
    const invite = async (contact: Record<string, unknown>, extra: Record<string, unknown> = {}) => {
      const res = await api('POST', '/invitations', { survey_id: survey.id, contact, ...extra });
      expect(res.status).toBe(201);
      return new URL((await json(res)).url).pathname;
    };
    const responsesOf = async (surveyId = survey.id) =>
      (await json(await api('GET', `/responses?survey_id=${surveyId}&limit=200`))).data;
    const responseOfInvitation = async (path: string) => {
      const invitations = (await json(await api('GET', `/invitations?survey_id=${survey.id}&limit=200`)))
        .data;
      const invitation = invitations.find((i: { token: string }) => path.endsWith(i.token));
      return (await responsesOf()).filter(
        (r: { invitation_id: string }) => r.invitation_id === invitation.id,
      );
    };
    const nps = async (surveyId: string) =>
      json(await api('GET', `/metrics/nps?survey_id=${surveyId}`)) as Promise<{
        n: number;
        distribution: number[];
      }>;

    it('records a one-click score, then the comment, a change within 30 minutes, refuses after', async () => {
      const path = await invite({ email: 'anna@example.de', locale: 'de' }, { channel: 'email' });
      const start = now;
      const click = await get(`${path}?score=9`);
      expect(click.status).toBe(303);
      expect(click.headers.get('location')).toBe(path);
      expect(click.headers.get('cache-control')).toBe('no-store');

      const followUp = await get(path, { 'accept-language': 'en' });
      expect(followUp.status).toBe(200);
      expect(followUp.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(followUp.headers.get('cache-control')).toBe('no-store');
      expect(followUp.headers.get('vary')).toContain('Accept-Language');
      expect(followUp.headers.get('content-security-policy')).toContain("default-src 'none'");
      const html = await followUp.text();
      expect(html).toContain('lang="de"');
      expect(html).toContain('Ihre Bewertung: <strong>9</strong>');
      expect(html).toContain('Was ist der Hauptgrund für Ihre Bewertung?');
      expect(html).toContain(`action="${path}"`);

      let [stored] = await responseOfInvitation(path);
      expect(stored).toMatchObject({ score: 9, channel: 'email', locale: 'de', comment: null });
      expect(new Date(stored.editable_until).getTime()).toBe(start.getTime() + 30 * MINUTE);

      const comment = await post(path, { step: 'comment', comment: 'Schneller Support' });
      expect(comment.status).toBe(303);
      expect(comment.headers.get('location')).toBe(`${path}?done=1`);
      const thanks = await (await get(`${path}?done=1`)).text();
      expect(thanks).toContain('Vielen Dank für Ihr Feedback!');
      expect(thanks).toContain('Schneller Support');
      expect(thanks).toContain(`href="${path}"`);
      [stored] = await responseOfInvitation(path);
      expect(stored.comment).toBe('Schneller Support');

      const before = await nps(survey.id);
      now = new Date(start.getTime() + 29 * MINUTE);
      expect((await post(path, { score: '3' })).status).toBe(303);
      [stored] = await responseOfInvitation(path);
      expect(stored.score).toBe(3);
      const after = await nps(survey.id);
      expect(after.n).toBe(before.n);
      expect(after.distribution[9]).toBe(before.distribution[9]! - 1);
      expect(after.distribution[3]).toBe(before.distribution[3]! + 1);

      now = new Date(start.getTime() + 30 * MINUTE);
      const late = await post(path, { step: 'comment', comment: 'Doch nicht' });
      expect(late.status).toBe(409);
      expect(await late.text()).toContain('Ihre Antwort kann nicht mehr geändert werden');
      expect((await post(path, { score: '10' })).status).toBe(409);
      [stored] = await responseOfInvitation(path);
      expect(stored).toMatchObject({ score: 3, comment: 'Schneller Support' });

      const closed = await get(path);
      expect(closed.status).toBe(200);
      const closedHtml = await closed.text();
      expect(closedHtml).toContain('Schneller Support');
      expect(closedHtml).not.toContain('<form');
      expect(closedHtml).not.toContain(`href="${path}"`);
      now = start;
    });

    it('never lets a one-click link change a given answer (mail scanners open every button)', async () => {
      const path = await invite({ email: 'scanner@example.com' });
      expect((await get(`${path}?score=10`)).status).toBe(303);
      const again = await get(`${path}?score=0`);
      expect(again.status).toBe(200);
      expect(await again.text()).toContain('Your score: <strong>10</strong>');
      const stored = await responseOfInvitation(path);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ score: 10, channel: 'link', locale: 'en' });
    });

    it('makes double submits one response', async () => {
      const viaPost = await invite({ email: 'double-post@example.com' });
      const first = await post(viaPost, { score: '8' });
      const second = await post(viaPost, { score: '8' });
      expect([first.status, second.status]).toEqual([303, 303]);
      expect(await responseOfInvitation(viaPost)).toHaveLength(1);

      const viaGet = await invite({ email: 'double-get@example.com' });
      const clicks = await Promise.all([get(`${viaGet}?score=9`), get(`${viaGet}?score=9`)]);
      expect(clicks.map((r) => r.status)).toEqual([303, 303]);
      const stored = await responseOfInvitation(viaGet);
      expect(stored).toHaveLength(1);
      expect(stored[0].score).toBe(9);

      const concurrent = await invite({ email: 'double-concurrent@example.com' });
      const posts = await Promise.all([post(concurrent, { score: '7' }), post(concurrent, { score: '7' })]);
      expect(posts.map((r) => r.status)).toEqual([303, 303]);
      expect(await responseOfInvitation(concurrent)).toHaveLength(1);
    });

    it('does not record on HEAD', async () => {
      const path = await invite({ email: 'head@example.com' });
      const head = await app.request(`${path}?score=9`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      expect(await responseOfInvitation(path)).toHaveLength(0);
    });

    it('answers an expired invitation, an unknown token and an archived survey with clear pages', async () => {
      const path = await invite({ email: 'late@example.com' }, { expires_in_days: 1 });
      const start = now;
      now = new Date(start.getTime() + 24 * 60 * MINUTE);
      const expired = await get(`${path}?score=9`);
      expect(expired.status).toBe(410);
      expect(await expired.text()).toContain('This link has expired');
      expect((await post(path, { score: '9' })).status).toBe(410);
      expect(await responseOfInvitation(path)).toHaveLength(0);
      now = start;

      for (const unknown of ['/s/nope', `/s/${'x'.repeat(300)}`, '/s/%3Cscript%3E', '/r/nope']) {
        const res = await get(unknown, { 'accept-language': 'de-DE' });
        expect(res.status).toBe(404);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(await res.text()).toContain('Diese Umfrage wurde nicht gefunden');
      }
      expect((await post('/s/nope', { score: '9' })).status).toBe(404);

      const other = await json(await api('POST', '/surveys', { name: 'Old', product_name: 'P' }));
      const invitation = await json(
        await api('POST', '/invitations', { survey_id: other.id, contact: { email: 'x@example.com' } }),
      );
      expect((await api('PATCH', `/surveys/${other.id}`, { status: 'archived' })).status).toBe(200);
      const invitationPath = new URL(invitation.url).pathname;
      const publicPath = new URL(other.public_url).pathname;
      for (const path of [invitationPath, `${invitationPath}?score=9`, publicPath, `${publicPath}?score=9`]) {
        const res = await get(path);
        expect(res.status).toBe(410);
        expect(await res.text()).toContain('This survey is closed');
      }
      expect((await post(publicPath, { score: '9' })).status).toBe(410);
      expect(await responsesOf(other.id)).toHaveLength(0);
    });

    it('speaks German to a contact with locale de and to Accept-Language de-AT, English otherwise', async () => {
      const german = await invite({ email: 'de@example.com', locale: 'de' });
      expect(await (await get(german, { 'accept-language': 'en' })).text()).toContain('weiterempfehlen');
      const austrian = await invite({ email: 'at@example.com' });
      const page = await (await get(austrian, { 'accept-language': 'de-AT,en;q=0.5' })).text();
      expect(page).toContain('lang="de"');
      expect(page).toContain('Wie wahrscheinlich ist es, dass Sie Taskwerk');
      expect(await (await get(austrian)).text()).toContain(
        'How likely is it that you would recommend Taskwerk',
      );
      expect(await (await get(`${austrian}?lang=en`, { 'accept-language': 'de' })).text()).toContain(
        'lang="en"',
      );
      expect((await get(`${austrian}?score=10`, { 'accept-language': 'de-AT' })).status).toBe(303);
      expect((await responseOfInvitation(austrian))[0].locale).toBe('de');
    });

    it('asks a detractor the detractor follow-up question', async () => {
      const path = await invite({ email: 'unhappy@example.com' });
      await get(`${path}?score=3`);
      const page = await (await get(path)).text();
      expect(page).toContain('What could we do better?');
      expect(page).not.toContain('What is the main reason');
    });

    it('escapes a hostile comment', async () => {
      const path = await invite({ email: 'xss@example.com' });
      await get(`${path}?score=5`);
      await post(path, { step: 'comment', comment: XSS });
      const thanks = await (await get(`${path}?done=1`)).text();
      expect(thanks).toContain('&lt;img src=x onerror=alert(1)&gt;');
      expect(thanks).not.toContain(XSS);
      expect((await responseOfInvitation(path))[0].comment).toBe(XSS);
    });

    it('public link: every visitor answers anew, a double submit of one form is one answer', async () => {
      const question = await get(`/s/${publicToken}`);
      expect(question.status).toBe(200);
      const action = /action="([^"]+)"/.exec(await question.text())![1]!.replaceAll('&amp;', '&');
      expect(action).toMatch(new RegExp(`^/s/${publicToken}\\?n=[\\w-]{16,}$`));
      const otherAction = /action="([^"]+)"/.exec(await (await get(`/s/${publicToken}`)).text())![1]!;
      expect(otherAction).not.toBe(action);

      const before = (await responsesOf()).length;
      const first = await post(action, { score: '10' });
      const again = await post(action, { score: '10' });
      expect(first.status).toBe(303);
      expect(again.headers.get('location')).toBe(first.headers.get('location'));
      expect(first.headers.get('location')).toMatch(/^\/r\/[\w-]+$/);
      const second = await post(otherAction.replaceAll('&amp;', '&'), { score: '6' });
      expect(second.headers.get('location')).not.toBe(first.headers.get('location'));
      const oneClick = await get(`/s/${publicToken}?score=8`);
      expect(oneClick.status).toBe(303);
      const after = await responsesOf();
      expect(after.length).toBe(before + 3);
      expect(after.filter((r: { channel: string }) => r.channel === 'link').length).toBeGreaterThanOrEqual(3);

      expect((await post(`/s/${publicToken}?n=bad`, { score: '1' })).status).toBe(400);
      expect((await post(`/s/${publicToken}`, { step: 'comment', comment: 'x' })).status).toBe(400);
      expect((await responsesOf()).length).toBe(before + 3);
    });

    it('public link: /r/<edit token> takes the comment for 30 minutes', async () => {
      const start = now;
      const recorded = await get(`/s/${publicToken}?score=2`, { 'accept-language': 'de' });
      const page = recorded.headers.get('location')!;
      expect(page).toMatch(/^\/r\//);
      const followUp = await (await get(page)).text();
      expect(followUp).toContain('Ihre Bewertung: <strong>2</strong>');
      expect(followUp).toContain(`action="${page}"`);
      expect((await get(`${page}?score=9`)).status).toBe(200);

      const saved = await post(page, { step: 'comment', comment: 'Zu langsam' });
      expect(saved.headers.get('location')).toBe(`${page}?done=1`);
      expect(await (await get(`${page}?done=1`)).text()).toContain('Zu langsam');
      expect((await post(page, { score: '4' })).status).toBe(303);
      const stored = (await responsesOf()).find(
        (r: { comment: string | null }) => r.comment === 'Zu langsam',
      );
      expect(stored).toMatchObject({ score: 4, locale: 'de', channel: 'link', contact_id: null });

      now = new Date(start.getTime() + 31 * MINUTE);
      expect((await post(page, { step: 'comment', comment: 'later' })).status).toBe(409);
      expect((await get(page)).status).toBe(200);
      now = start;
      const after = (await responsesOf()).find((r: { id: string }) => r.id === stored.id);
      expect(after.comment).toBe('Zu langsam');
    });

    it('answers malformed posts with a 4xx page, never a 500, and writes nothing', async () => {
      const path = await invite({ email: 'fuzz@example.com' });
      const form = 'application/x-www-form-urlencoded';
      const cases: { body: string; type?: string }[] = [
        { body: 'score=abc' },
        { body: 'score=11' },
        { body: 'score=7.5' },
        { body: 'score=' },
        { body: 'score=-1' },
        { body: 'score=9&score=9' },
        { body: 'score=9&admin=1' },
        { body: 'foo=bar' },
        { body: '' },
        { body: '%%%' },
        { body: 'score=%E0%A4%A' },
        { body: 'step=comment&comment=hi' },
        { body: `step=comment&comment=${'x'.repeat(5001)}` },
        { body: 'step=comment&comment=a&skip=maybe' },
        { body: '\u0000\u0001' },
        { body: '{"score":9}', type: 'application/json' },
        { body: 'score=9', type: 'text/plain' },
        { body: 'score=9', type: 'multipart/form-data; boundary=x' },
        { body: 'score=9', type: '' },
        { body: `score=9&pad=${'a'.repeat(70 * 1024)}`, type: form },
      ];
      for (const { body, type = form } of cases) {
        const res = await app.request(path, {
          method: 'POST',
          headers: type ? { 'content-type': type } : {},
          body,
        });
        expect(res.status, body.slice(0, 40)).toBeGreaterThanOrEqual(400);
        expect(res.status, body.slice(0, 40)).toBeLessThan(500);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      }
      expect(await responseOfInvitation(path)).toHaveLength(0);

      // Answered: a too-long comment comes back with an error and the stored answer stays.
      await post(path, { score: '9' });
      const tooLong = await post(path, { step: 'comment', comment: 'y'.repeat(5001) });
      expect(tooLong.status).toBe(400);
      const html = await tooLong.text();
      expect(html).toContain('role="alert"');
      expect(html).toContain('y'.repeat(5001));
      for (const body of ['score=abc', 'score=9&score=1', 'comment=x', '%%%']) {
        const res = await post(path, body);
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
      }
      const stored = await responseOfInvitation(path);
      expect(stored).toHaveLength(1);
      expect(stored[0]).toMatchObject({ score: 9, comment: null });
    });

    it('asks promoters for testimonial consent with an unticked checkbox and stores their choice', async () => {
      const asking = await json(
        await api('POST', '/surveys', {
          name: 'Consent',
          product_name: 'Taskwerk',
          ask_testimonial_consent: true,
          texts: { en: { testimonial_consent: 'Quote me on {product} <b>now</b>' } },
        }),
      );
      const inviteTo = async (email: string, locale = 'en') => {
        const res = await api('POST', '/invitations', { survey_id: asking.id, contact: { email, locale } });
        return new URL((await json(res)).url).pathname;
      };
      const storedOf = async (path: string) => {
        const token = path.split('/s/')[1];
        const invitations = (await json(await api('GET', `/invitations?survey_id=${asking.id}&limit=200`)))
          .data;
        const invitation = invitations.find((i: { token: string }) => i.token === token);
        return (await responsesOf(asking.id)).find(
          (r: { invitation_id: string }) => r.invitation_id === invitation.id,
        );
      };
      const checkbox = /<input type="checkbox" id="consent" name="testimonial_consent" value="1"( checked)?>/;

      // A promoter who ticks the box: stored true, with the time.
      const ticks = await inviteTo('ticks@example.com');
      expect((await get(`${ticks}?score=10`)).status).toBe(303);
      const page = await (await get(ticks)).text();
      expect(page).toMatch(checkbox);
      expect(checkbox.exec(page)![1]).toBeUndefined();
      expect(page).toContain('<label for="consent">Quote me on Taskwerk &lt;b&gt;now&lt;/b&gt;</label>');
      expect(page).toContain('<input type="hidden" name="consent_asked" value="1">');
      const saved = await post(ticks, {
        step: 'comment',
        comment: 'Love it',
        consent_asked: '1',
        testimonial_consent: '1',
      });
      expect(saved.status).toBe(303);
      let stored = await storedOf(ticks);
      expect(stored).toMatchObject({ score: 10, comment: 'Love it', testimonial_consent: true });
      // Stamped by the database, like updated_at, when the comment step stores it.
      expect(stored.testimonial_consent_at).toEqual(expect.any(String));
      // Back on the page within the window, the box shows the consent given.
      expect(checkbox.exec(await (await get(ticks)).text())![1]).toBe(' checked');
      // Lowering the score to a passive's clears it; no checkbox for a passive.
      expect((await post(ticks, { score: '8' })).status).toBe(303);
      stored = await storedOf(ticks);
      expect(stored).toMatchObject({ score: 8, testimonial_consent: null, testimonial_consent_at: null });
      expect(await (await get(ticks)).text()).not.toContain('type="checkbox"');

      // A promoter who leaves it unticked: stored false.
      const unticked = await inviteTo('unticked@example.com');
      await get(`${unticked}?score=9`);
      expect((await post(unticked, { step: 'comment', comment: 'Fine', consent_asked: '1' })).status).toBe(
        303,
      );
      expect(await storedOf(unticked)).toMatchObject({
        score: 9,
        comment: 'Fine',
        testimonial_consent: false,
      });

      // A detractor sees no checkbox and stores NULL, even if a consent is posted.
      const detractor = await inviteTo('detractor@example.com');
      await get(`${detractor}?score=3`);
      expect(await (await get(detractor)).text()).not.toContain('type="checkbox"');
      await post(detractor, {
        step: 'comment',
        comment: 'Slow',
        consent_asked: '1',
        testimonial_consent: '1',
      });
      expect(await storedOf(detractor)).toMatchObject({
        score: 3,
        comment: 'Slow',
        testimonial_consent: null,
      });

      // The built-in German text for a German page; a too-long comment keeps the ticked box.
      const german = await inviteTo('deutsch@example.de', 'de');
      await get(`${german}?score=10`);
      expect(await (await get(german)).text()).toContain(
        '<label for="consent">Sie dürfen meinen Kommentar mit meinem Vornamen und Initial öffentlich zitieren.</label>',
      );
      const tooLong = await post(german, {
        step: 'comment',
        comment: 'z'.repeat(5001),
        consent_asked: '1',
        testimonial_consent: '1',
      });
      expect(tooLong.status).toBe(400);
      expect(checkbox.exec(await tooLong.text())![1]).toBe(' checked');
      expect((await storedOf(german)).testimonial_consent).toBeNull();

      // The public link: /r/<edit token> takes the consent with the comment too.
      const publicPath = new URL(asking.public_url).pathname;
      const answerPage = (await get(`${publicPath}?score=9`)).headers.get('location')!;
      expect(await (await get(answerPage)).text()).toMatch(checkbox);
      await post(answerPage, {
        step: 'comment',
        comment: 'Public',
        consent_asked: '1',
        testimonial_consent: '1',
      });
      expect(
        (await responsesOf(asking.id)).find((r: { comment: string }) => r.comment === 'Public'),
      ).toMatchObject({ score: 9, channel: 'link', testimonial_consent: true });
    });

    it('shows no consent checkbox for a survey that does not ask it', async () => {
      const path = await invite({ email: 'no-ask@example.com' });
      await get(`${path}?score=10`);
      const page = await (await get(path)).text();
      expect(page).not.toContain('type="checkbox"');
      expect(page).not.toContain('consent_asked');
      await post(path, { step: 'comment', comment: 'Nice' });
      expect((await responseOfInvitation(path))[0]).toMatchObject({
        score: 10,
        comment: 'Nice',
        testimonial_consent: null,
        testimonial_consent_at: null,
      });
    });

    it('limits requests per client with a 429 page and Retry-After', async () => {
      const limited = createApp({
        config: loadConfig({ PLAUDIT_PUBLIC_RATE_LIMIT: '3', PLAUDIT_TRUST_PROXY: '1' }),
        db,
        clock: () => now,
      }).app;
      const from = (ip: string, accept = 'en') =>
        limited.request(`/s/${publicToken}`, {
          headers: { 'x-forwarded-for': `198.51.100.9, ${ip}`, 'accept-language': accept },
        });
      for (let i = 0; i < 3; i++) expect((await from('203.0.113.1')).status).toBe(200);
      const refused = await from('203.0.113.1', 'de');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(await refused.text()).toContain('Zu viele Anfragen');
      expect(
        (await limited.request('/r/whatever', { headers: { 'x-forwarded-for': '203.0.113.1' } })).status,
      ).toBe(429);
      expect((await from('203.0.113.2')).status).toBe(200);
      // The API is not behind this limit.
      const apiCall = await limited.request('/api/v1/surveys', {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(apiCall.status).toBe(200);
      now = new Date(now.getTime() + 2 * MINUTE);
      expect((await from('203.0.113.1')).status).toBe(200);
    });
  });
}
