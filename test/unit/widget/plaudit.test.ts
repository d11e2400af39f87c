import { describe, expect, it } from 'vitest';
import type { Api } from '../../../src/widget/api';
import { createPlaudit, install, type Open, type Session } from '../../../src/widget/plaudit';
import { createStore } from '../../../src/widget/store';
import { matchesPath } from '../../../src/widget/triggers';
import type { ResponseBody, TrackedEvent, WidgetConfig } from '../../../src/widget/types';
import { FakeStorage } from './fakes';

const config = { survey_id: 'survey-1', question: 'Q?' } as WidgetConfig;

/** A plaudit function with a fake api and a fake view that records what was opened. */
const setup = (key = 'pk_test', extra: Partial<WidgetConfig> = {}) => {
  const answers: ResponseBody[] = [];
  const dismissed: string[] = [];
  const tracked: TrackedEvent[] = [];
  const configs: string[] = [];
  const opened: { survey: string; focus: boolean; session: Session; closed: () => void }[] = [];
  const api: Api = {
    config: async (surveyId) => {
      configs.push(surveyId);
      return surveyId === 'missing' ? null : { ...config, ...extra, survey_id: surveyId };
    },
    dismiss: (surveyId) => {
      dismissed.push(surveyId);
    },
    answer: async (body) => {
      answers.push(body);
      return true;
    },
    track: (event) => {
      tracked.push(event);
    },
    flush: async () => {},
  };
  const open: Open = (c, focus, session, closed) =>
    opened.push({ survey: c.survey_id, focus, session, closed });
  const store = createStore(() => new FakeStorage());
  const plaudit = createPlaudit({
    key,
    locale: 'de',
    store,
    api,
    open,
    url: () => 'https://app.example.com/p',
  });
  return { plaudit, answers, configs, opened, store, dismissed, tracked };
};
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('queue replay', () => {
  it('replaces the stub, then replays the queued calls in order', async () => {
    const { plaudit, opened, answers } = setup();
    const order: string[] = [];
    const stub = Object.assign(() => {}, {
      q: [
        ['identify', 'u-1', { email: 'a@example.com', plan: 'pro' }],
        ['track', 'signup', {}],
        ['show', 'survey-1'],
      ].map((a) => {
        // the snippet queues `arguments` objects, not arrays
        return (function (..._: unknown[]) {
          order.push(String(a[0]));
          // biome-ignore lint/complexity/noArguments: the snippet pushes the arguments object
          return arguments;
        })(...a);
      }),
    });
    const w: { plaudit?: unknown } = { plaudit: stub };
    expect(install(w, plaudit)).toBe(true);
    expect(w.plaudit).toBe(plaudit);
    await tick();
    expect(opened.map((o) => [o.survey, o.focus])).toEqual([['survey-1', true]]);
    opened[0]!.session.score(9);
    expect(answers[0]!.user).toEqual({ id: 'u-1', email: 'a@example.com', traits: { plan: 'pro' } });
  });

  it('applies identify and reset in queue order', async () => {
    const { plaudit, opened, answers, store } = setup();
    const vid = store.vid();
    install(
      {
        plaudit: {
          q: [['identify', 'u-1', {}], ['reset'], ['show', 'survey-1']],
        },
      },
      plaudit,
    );
    await tick();
    opened[0]!.session.score(3);
    expect(answers[0]!.user).toBeUndefined();
    expect(answers[0]!.visitor_id).not.toBe(vid);
  });

  it('installs without a stub and refuses to install twice', () => {
    const { plaudit } = setup();
    const w: { plaudit?: unknown } = {};
    expect(install(w, plaudit)).toBe(true);
    expect(install(w, setup().plaudit)).toBe(false);
    expect(w.plaudit).toBe(plaudit);
  });
});

describe('commands', () => {
  it('sends the score at once and the comment with the same id', async () => {
    const { plaudit, opened, answers, store } = setup();
    plaudit('show', 'survey-1');
    await tick();
    opened[0]!.session.score(6);
    expect(answers).toHaveLength(1);
    const first = answers[0]!;
    expect(first).toMatchObject({
      key: 'pk_test',
      survey_id: 'survey-1',
      visitor_id: store.vid(),
      score: 6,
      locale: 'de',
      url: 'https://app.example.com/p',
    });
    opened[0]!.session.comment('Too slow');
    expect(answers[1]).toEqual({ ...first, comment: 'Too slow' });
    opened[0]!.session.comment('');
    expect(answers).toHaveLength(2);
  });

  it('sends the testimonial consent with the comment, even a consent without comment, never a lone "no"', async () => {
    const { plaudit, opened, answers } = setup();
    plaudit('show', 'survey-1');
    await tick();
    opened[0]!.session.score(10);
    opened[0]!.session.comment('Great support', true);
    expect(answers[1]).toMatchObject({ score: 10, comment: 'Great support', testimonial_consent: true });
    opened[0]!.session.comment('', false);
    expect(answers).toHaveLength(2);
    opened[0]!.session.comment('', true);
    expect(answers[2]).toMatchObject({ comment: '', testimonial_consent: true });
  });

  it('reports tracked events with their flat properties, the page and the identified user', async () => {
    const { plaudit, tracked } = setup();
    plaudit('identify', 'u-7', { plan: 'pro' });
    plaudit('track', 'checkout_completed', { total: 12.5, items: [1, 2], coupon: 'X' });
    plaudit('track', '');
    plaudit('track', 42);
    expect(tracked).toHaveLength(1);
    expect(tracked[0]).toMatchObject({
      name: 'checkout_completed',
      properties: { total: 12.5, coupon: 'X' },
      url: 'https://app.example.com/p',
      user: { id: 'u-7', traits: { plan: 'pro' } },
    });
    expect(tracked[0]!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    // Without a key nothing is reported (and nothing breaks).
    const keyless = setup('');
    keyless.plaudit('track', 'x');
    expect(keyless.tracked).toEqual([]);
  });

  it('opens one survey at a time and again after it closed; data-survey does not take focus', async () => {
    const { plaudit, opened } = setup();
    await plaudit.show('survey-1', false);
    plaudit('show', 'survey-2');
    await tick();
    expect(opened.map((o) => o.survey)).toEqual(['survey-1']);
    expect(opened[0]!.focus).toBe(false);
    opened[0]!.closed();
    plaudit('show', 'survey-2');
    await tick();
    expect(opened.map((o) => o.survey)).toEqual(['survey-1', 'survey-2']);
  });

  it('shows nothing without a key, a survey id or a config', async () => {
    const a = setup('');
    a.plaudit('show', 'survey-1');
    const b = setup();
    b.plaudit('show');
    b.plaudit('show', 'missing');
    b.plaudit('track', 'x', {});
    b.plaudit('nonsense');
    await tick();
    expect(a.configs).toEqual([]);
    expect(b.configs).toEqual(['missing']);
    expect([...a.opened, ...b.opened]).toEqual([]);
    b.plaudit('show', 'survey-1');
    await tick();
    expect(b.opened).toHaveLength(1);
  });
});

describe('server decisions and triggers (data-survey)', () => {
  it('does not open a survey by itself when the server says the visitor may not be asked', async () => {
    const { plaudit, opened } = setup('pk_test', { eligibility: { ask: false } });
    await plaudit.show('survey-1', false);
    expect(opened).toHaveLength(0);
    // plaudit('show') is the page's explicit choice: it opens.
    await plaudit.show('survey-1', true);
    expect(opened).toHaveLength(1);
  });

  it('opens on a tracked event trigger, not before', async () => {
    const { plaudit, opened } = setup('pk_test', {
      eligibility: { ask: true },
      widget: { triggers: [{ kind: 'event', name: 'checkout_completed' }], delay_seconds: 0 },
    });
    const showing = plaudit.show('survey-1', false);
    await tick();
    plaudit('track', 'page_seen');
    await tick();
    expect(opened).toHaveLength(0);
    plaudit('track', 'checkout_completed', { total: 12 });
    await showing;
    expect(opened).toHaveLength(1);
  });

  it('reports a dismissal when closed without an answer, and none after an answer', async () => {
    const { plaudit, opened, dismissed } = setup();
    await plaudit.show('survey-1', true);
    opened[0]!.closed();
    expect(dismissed).toEqual(['survey-1']);
    await plaudit.show('survey-2', true);
    opened[1]!.session.score(8);
    opened[1]!.closed();
    expect(dismissed).toEqual(['survey-1']);
  });
});

describe('matchesPath', () => {
  it('matches * over any run of characters and nothing else', () => {
    expect(matchesPath('/checkout/*', '/checkout/done')).toBe(true);
    expect(matchesPath('/checkout/*', '/checkout/')).toBe(true);
    expect(matchesPath('/checkout/*', '/cart')).toBe(false);
    expect(matchesPath('/a.b', '/aXb')).toBe(false);
    expect(matchesPath('/p(1)?', '/p(1)?')).toBe(true);
    expect(matchesPath('*', '/anything')).toBe(true);
  });
});
