import { describe, expect, it } from 'vitest';
import { uuid } from '../../../src/widget/ids';
import { createStore, OUTBOX_KEY, OUTBOX_MAX, VID_KEY } from '../../../src/widget/store';
import type { ResponseBody } from '../../../src/widget/types';
import { FakeStorage } from './fakes';

const answer = (n: number, extra: Partial<ResponseBody> = {}): ResponseBody => ({
  key: 'pk_test',
  id: `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
  survey_id: 's',
  visitor_id: 'v'.repeat(22),
  score: n % 11,
  ...extra,
});

describe('visitor id', () => {
  it('is 22 base64url characters, kept in plaudit:vid', () => {
    const ls = new FakeStorage();
    const store = createStore(() => ls);
    const vid = store.vid();
    expect(vid).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(ls.data.get(VID_KEY)).toBe(vid);
    expect(createStore(() => ls).vid()).toBe(vid);
  });

  it('differs between visitors and after reset', () => {
    const ids = new Set(Array.from({ length: 200 }, () => createStore(() => new FakeStorage()).vid()));
    expect(ids.size).toBe(200);
    const store = createStore(() => new FakeStorage());
    const first = store.vid();
    const second = store.resetVid();
    expect(second).not.toBe(first);
    expect(store.vid()).toBe(second);
  });

  it('replaces a malformed stored id', () => {
    const ls = new FakeStorage();
    ls.data.set(VID_KEY, 'not valid!');
    expect(createStore(() => ls).vid()).toMatch(/^[\w-]{22}$/);
  });

  it('lives in memory when storage is blocked or full', () => {
    const blocked = new FakeStorage();
    blocked.blocked = true;
    const a = createStore(() => blocked);
    expect(a.vid()).toBe(a.vid());
    const b = createStore(() => {
      throw new Error('SecurityError: window.localStorage');
    });
    expect(b.vid()).toMatch(/^[\w-]{22}$/);
    expect(b.vid()).toBe(b.vid());
    const full = new FakeStorage();
    full.full = true;
    const c = createStore(() => full);
    expect(c.vid()).toBe(c.vid());
  });

  it('makes UUID v4 response ids', () => {
    for (let i = 0; i < 50; i++)
      expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

describe('outbox', () => {
  it('keeps answers oldest first in plaudit:outbox', () => {
    const ls = new FakeStorage();
    const store = createStore(() => ls);
    store.put(answer(1));
    store.put(answer(2));
    expect(store.outbox().map((e) => e.score)).toEqual([1, 2]);
    expect(JSON.parse(ls.data.get(OUTBOX_KEY)!)).toHaveLength(2);
  });

  it(`keeps at most ${OUTBOX_MAX}, dropping the oldest`, () => {
    const store = createStore(() => new FakeStorage());
    for (let i = 1; i <= 25; i++) store.put(answer(i));
    const ids = store.outbox().map((e) => e.id);
    expect(ids).toHaveLength(OUTBOX_MAX);
    expect(ids[0]).toBe(answer(6).id);
    expect(ids.at(-1)).toBe(answer(25).id);
  });

  it('replaces an answer by its commented version where it stands', () => {
    const store = createStore(() => new FakeStorage());
    store.put(answer(1));
    store.put(answer(2));
    store.put(answer(1, { comment: 'later' }));
    expect(store.outbox().map((e) => [e.id, e.comment])).toEqual([
      [answer(1).id, 'later'],
      [answer(2).id, undefined],
    ]);
  });

  it('removes only the version the server acknowledged', () => {
    const store = createStore(() => new FakeStorage());
    const plain = answer(1);
    store.put(plain);
    store.put(answer(1, { comment: 'sent while the score was in flight' }));
    store.done(plain);
    expect(store.outbox()).toHaveLength(1);
    store.done(answer(1, { comment: 'sent while the score was in flight' }));
    expect(store.outbox()).toEqual([]);
  });

  it('survives garbage in storage and blocked storage', () => {
    const ls = new FakeStorage();
    ls.data.set(OUTBOX_KEY, '{not json');
    expect(createStore(() => ls).outbox()).toEqual([]);
    ls.data.set(OUTBOX_KEY, '{"a":1}');
    expect(createStore(() => ls).outbox()).toEqual([]);
    ls.blocked = true;
    const store = createStore(() => ls);
    store.put(answer(3));
    expect(store.outbox().map((e) => e.score)).toEqual([3]);
  });
});
