import { describe, expect, it } from 'vitest';
import { createApi } from '../../../src/widget/api';
import { createStore } from '../../../src/widget/store';
import type { ResponseBody } from '../../../src/widget/types';
import { FakeStorage, fakeFetch } from './fakes';

const BASE = 'https://plaudit.example.com';
const answer = (n: number, extra: Partial<ResponseBody> = {}): ResponseBody => ({
  key: 'pk_test',
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  survey_id: 's',
  visitor_id: 'v'.repeat(22),
  score: n % 11,
  ...extra,
});

describe('widget api', () => {
  it('posts JSON as text/plain with keepalive and no other header (no CORS preflight)', async () => {
    const { f, calls } = fakeFetch();
    const store = createStore(() => new FakeStorage());
    const api = createApi(f, BASE, 'pk_test', store);
    expect(await api.answer(answer(9))).toBe(true);
    await api.config('s', 'de');
    expect(calls.map((c) => c.url)).toEqual([`${BASE}/w/v1/responses`, `${BASE}/w/v1/surveys/config`]);
    const init = calls[0]!.init;
    expect(init).toMatchObject({ method: 'POST', keepalive: true, credentials: 'omit' });
    // No header at all: a string body goes as text/plain;charset=UTF-8 (a "simple" request).
    expect(init.headers).toBeUndefined();
    expect(new Request('https://x.example', init).headers.get('content-type')).toBe(
      'text/plain;charset=UTF-8',
    );
    expect(typeof init.body).toBe('string');
    // The config request carries the visitor (and the identified user) for the server's decision.
    expect(calls[1]!.body).toEqual({ key: 'pk_test', survey_id: 's', locale: 'de', visitor_id: store.vid() });
    await api.config('s', 'de', { id: 'u-1' });
    expect(calls[2]!.body).toMatchObject({ user: { id: 'u-1' } });
    api.dismiss('s');
    expect(calls[3]!.url).toBe(`${BASE}/w/v1/dismissals`);
    expect(calls[3]!.body).toEqual({ key: 'pk_test', survey_id: 's', visitor_id: store.vid() });
    api.track({ id: 'e-1', name: 'signup', properties: { plan: 'pro' }, url: 'https://a.example/x' });
    expect(calls[4]!.url).toBe(`${BASE}/w/v1/events`);
    expect(calls[4]!.body).toEqual({
      key: 'pk_test',
      visitor_id: store.vid(),
      id: 'e-1',
      name: 'signup',
      properties: { plan: 'pro' },
      url: 'https://a.example/x',
    });
  });

  it('keeps an answer whose POST failed and sends it first on the next page load', async () => {
    const ls = new FakeStorage();
    const offline = fakeFetch(() => new TypeError('Failed to fetch'));
    const page1 = createApi(
      offline.f,
      BASE,
      'pk_test',
      createStore(() => ls),
    );
    expect(await page1.answer(answer(1))).toBe(false);
    expect(await page1.answer(answer(2))).toBe(false);
    expect(
      createStore(() => ls)
        .outbox()
        .map((e) => e.score),
    ).toEqual([1, 2]);

    const online = fakeFetch();
    const page2 = createApi(
      online.f,
      BASE,
      'pk_test',
      createStore(() => ls),
    );
    const flushed = page2.flush();
    const fresh = page2.answer(answer(3));
    await Promise.all([flushed, fresh]);
    expect(online.calls.map((c) => c.body.score)).toEqual([1, 2, 3]);
    expect(createStore(() => ls).outbox()).toEqual([]);
  });

  it('stops flushing at the first failure but still tries the answers of this page view', async () => {
    const ls = new FakeStorage();
    const store = createStore(() => ls);
    for (const n of [1, 2, 3]) store.put(answer(n));
    const { f, calls } = fakeFetch((c) => (c.body.score === 1 ? 503 : 201));
    const api = createApi(
      f,
      BASE,
      'pk_test',
      createStore(() => ls),
    );
    await Promise.all([api.flush(), api.answer(answer(4))]);
    expect(calls.map((c) => c.body.score)).toEqual([1, 4]);
    expect(store.outbox().map((e) => e.score)).toEqual([1, 2, 3]);
  });

  it('keeps answers refused with 429 or 5xx, drops those refused for good (400, 401, 403)', async () => {
    for (const [status, kept] of [
      [429, true],
      [500, true],
      [408, true],
      [400, false],
      [401, false],
      [403, false],
      [200, false],
      [202, false],
    ] as const) {
      const store = createStore(() => new FakeStorage());
      const api = createApi(fakeFetch(() => status).f, BASE, 'pk_test', store);
      await api.answer(answer(5));
      expect([status, store.outbox().length]).toEqual([status, kept ? 1 : 0]);
    }
  });

  it('sends a comment after its score, with the same id, one request at a time', async () => {
    let inFlight = 0;
    let most = 0;
    const calls: Record<string, unknown>[] = [];
    const api = createApi(
      async (_url, init) => {
        inFlight++;
        most = Math.max(most, inFlight);
        await new Promise((r) => setTimeout(r, 5));
        calls.push(JSON.parse(String(init.body)));
        inFlight--;
        return { ok: true, status: 201, json: async () => ({}) };
      },
      BASE,
      'pk_test',
      createStore(() => new FakeStorage()),
    );
    const score = answer(7);
    const a = api.answer(score);
    const b = api.answer({ ...score, comment: 'Faster exports' });
    await Promise.all([a, b]);
    expect(most).toBe(1);
    expect(calls).toEqual([score, { ...score, comment: 'Faster exports' }]);
  });

  it('answers null for a config that cannot be loaded', async () => {
    const store = createStore(() => new FakeStorage());
    expect(await createApi(fakeFetch(() => 404).f, BASE, 'k', store).config('s', 'en')).toBeNull();
    expect(await createApi(fakeFetch(() => new Error('x')).f, BASE, 'k', store).config('s', 'en')).toBeNull();
    expect(await createApi(fakeFetch(() => 200).f, BASE, 'k', store).config('s', 'en')).toEqual({
      question: 'Q?',
    });
  });
});
