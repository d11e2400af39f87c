import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decideGet,
  decidePost,
  EDIT_WINDOW_MS,
  editableUntilFor,
  isEditable,
  type PageResponse,
  type PageTarget,
  parseScore,
  parseSurveyForm,
  type SurveyForm,
} from '../../../src/server/channels/link/survey-page-state';

const now = new Date('2026-07-03T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);
const answer = (overrides: Partial<PageResponse> = {}): PageResponse => ({
  score: 9,
  comment: null,
  editableUntil: later(10 * 60_000),
  ...overrides,
});
const open = (response: PageResponse | null = null): Extract<PageTarget, { kind: 'invitation' }> => ({
  kind: 'invitation',
  surveyActive: true,
  expiresAt: later(86_400_000),
  response,
});
const form = (fields: Record<string, string>) => parseSurveyForm(Object.entries(fields));

describe('parseScore', () => {
  it('accepts the integers 0 to 10 written plainly', () => {
    for (let s = 0; s <= 10; s++) expect(parseScore(String(s))).toBe(s);
  });
  it('refuses everything else', () => {
    for (const bad of ['', ' 9', '9 ', '09', '11', '-1', '7.5', '1e1', 'abc', '٩', '10\n', undefined, null]) {
      expect(parseScore(bad)).toBeUndefined();
    }
  });
  it('never accepts a string that is not one of the eleven', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const score = parseScore(s);
        return score === undefined || String(score) === s;
      }),
    );
  });
});

describe('edit window', () => {
  it('is 30 minutes, open before its end and closed at it', () => {
    const until = editableUntilFor(now);
    expect(until.getTime() - now.getTime()).toBe(EDIT_WINDOW_MS);
    expect(EDIT_WINDOW_MS).toBe(30 * 60_000);
    expect(isEditable(answer({ editableUntil: until }), later(EDIT_WINDOW_MS - 1))).toBe(true);
    expect(isEditable(answer({ editableUntil: until }), until)).toBe(false);
    expect(isEditable(answer({ editableUntil: null }), now)).toBe(false);
  });
});

describe('parseSurveyForm', () => {
  it('reads the scale form', () => {
    expect(form({ score: '7' })).toEqual({ kind: 'score', score: 7 });
    for (const bad of ['abc', '11', '7.5', '', '-0'])
      expect(form({ score: bad })).toEqual({ kind: 'invalid-score' });
  });
  it('reads the comment and skip forms, trimming, empty meaning none', () => {
    expect(form({ step: 'comment', comment: '  Schnell \n' })).toEqual({
      kind: 'comment',
      comment: 'Schnell',
      skip: false,
    });
    expect(form({ step: 'comment', comment: '', skip: '1' })).toEqual({
      kind: 'comment',
      comment: null,
      skip: true,
    });
    expect(form({ step: 'comment', comment: '   ' })).toEqual({
      kind: 'comment',
      comment: null,
      skip: false,
    });
  });
  it('drops NUL and replaces lone surrogates so the comment can be stored', () => {
    expect(form({ step: 'comment', comment: 'a\u0000b\ud800c😀' })).toEqual({
      kind: 'comment',
      comment: 'ab\ufffdc😀',
      skip: false,
    });
  });
  it('refuses a comment over 5000 characters but keeps it for the page', () => {
    expect(form({ step: 'comment', comment: 'x'.repeat(5000) }).kind).toBe('comment');
    expect(form({ step: 'comment', comment: 'x'.repeat(5001) })).toEqual({
      kind: 'comment-too-long',
      comment: 'x'.repeat(5001),
    });
  });
  it('reads the testimonial-consent checkbox only when the form says it showed it', () => {
    expect(form({ step: 'comment', comment: 'Top', consent_asked: '1', testimonial_consent: '1' })).toEqual({
      kind: 'comment',
      comment: 'Top',
      skip: false,
      consent: true,
    });
    // An unticked checkbox posts nothing: consent is false only because the form showed it.
    const unticked = form({ step: 'comment', comment: '', consent_asked: '1' });
    expect(unticked).toEqual({ kind: 'comment', comment: null, skip: false, consent: false });
    expect(form({ step: 'comment', comment: 'x' })).not.toHaveProperty('consent');
    expect(
      form({ step: 'comment', comment: 'x'.repeat(5001), consent_asked: '1', testimonial_consent: '1' }),
    ).toEqual({ kind: 'comment-too-long', comment: 'x'.repeat(5001), consent: true });
    for (const fields of [
      { step: 'comment', comment: 'x', testimonial_consent: '1' },
      { step: 'comment', comment: 'x', consent_asked: '1', testimonial_consent: 'on' },
      { step: 'comment', comment: 'x', consent_asked: 'yes' },
      { score: '9', consent_asked: '1', testimonial_consent: '1' },
    ] as Record<string, string>[]) {
      expect(form(fields), JSON.stringify(fields)).toEqual({ kind: 'malformed' });
    }
    expect(
      parseSurveyForm([
        ['step', 'comment'],
        ['comment', 'x'],
        ['consent_asked', '1'],
        ['testimonial_consent', '1'],
        ['testimonial_consent', '1'],
      ]),
    ).toEqual({ kind: 'malformed' });
  });

  it('calls anything but the page forms malformed', () => {
    const malformed: [string, string][][] = [
      [],
      [['foo', 'bar']],
      [
        ['score', '9'],
        ['score', '9'],
      ],
      [
        ['score', '9'],
        ['foo', '1'],
      ],
      [
        ['score', '9'],
        ['step', 'comment'],
        ['comment', 'x'],
      ],
      [['step', 'comment']],
      [
        ['step', 'other'],
        ['comment', 'x'],
      ],
      [
        ['step', 'comment'],
        ['comment', 'x'],
        ['skip', 'yes'],
      ],
      [['comment', 'x']],
      [['skip', '1']],
      [['__proto__', '1']],
    ];
    for (const fields of malformed) expect(parseSurveyForm(fields)).toEqual({ kind: 'malformed' });
  });
});

describe('decideGet', () => {
  const get = (target: PageTarget, score?: string, done = false, at = now) =>
    decideGet(target, { score, done }, at);

  it('says not found, closed, expired', () => {
    expect(get({ kind: 'unknown' })).toEqual({ do: 'status', kind: 'not-found' });
    expect(get({ ...open(), surveyActive: false })).toEqual({ do: 'status', kind: 'closed' });
    expect(get({ kind: 'public', surveyActive: false }, '9')).toEqual({ do: 'status', kind: 'closed' });
    expect(get({ ...open(), expiresAt: now })).toEqual({ do: 'status', kind: 'expired' });
    expect(get({ ...open(), expiresAt: now }, '9')).toEqual({ do: 'status', kind: 'expired' });
  });
  it('asks the question, records a one-click score, refuses a bad one', () => {
    expect(get(open())).toEqual({ do: 'question', error: null });
    expect(get(open(), '9')).toEqual({ do: 'record', score: 9 });
    expect(get(open(), '0')).toEqual({ do: 'record', score: 0 });
    expect(get(open(), '11')).toEqual({ do: 'question', error: 'pick-score' });
    expect(get({ kind: 'public', surveyActive: true }, '10')).toEqual({ do: 'record', score: 10 });
    expect(get({ kind: 'public', surveyActive: true })).toEqual({ do: 'question', error: null });
  });
  it('shows the follow-up within the window and never lets a one-click change an answer', () => {
    expect(get(open(answer()))).toEqual({ do: 'follow-up', error: null });
    expect(get(open(answer()), '2')).toEqual({ do: 'follow-up', error: null });
    expect(get({ kind: 'response', surveyActive: true, response: answer() }, '2')).toEqual({
      do: 'follow-up',
      error: null,
    });
  });
  it('thanks after the comment step (with edit link) and after the window (without)', () => {
    expect(get(open(answer()), undefined, true)).toEqual({ do: 'thanks', editable: true });
    const closed = answer({ editableUntil: now });
    expect(get(open(closed))).toEqual({ do: 'thanks', editable: false });
    expect(get(open(closed), '3')).toEqual({ do: 'thanks', editable: false });
  });
  it('shows an answered invitation even after the invitation expired', () => {
    expect(get({ ...open(answer()), expiresAt: later(-1) })).toEqual({ do: 'follow-up', error: null });
  });
});

describe('decidePost', () => {
  const post = (target: PageTarget, f: SurveyForm, at = now) => decidePost(target, f, at);
  const score = (s: number): SurveyForm => ({ kind: 'score', score: s });
  const comment = (text: string | null, skip = false): SurveyForm => ({
    kind: 'comment',
    comment: text,
    skip,
  });

  it('checks the token and the survey before the form', () => {
    expect(post({ kind: 'unknown' }, { kind: 'malformed' })).toEqual({ do: 'status', kind: 'not-found' });
    expect(post({ ...open(), surveyActive: false }, score(9))).toEqual({ do: 'status', kind: 'closed' });
    expect(post(open(), { kind: 'malformed' })).toEqual({ do: 'status', kind: 'bad-request' });
    expect(post({ ...open(), expiresAt: now }, score(9))).toEqual({ do: 'status', kind: 'expired' });
  });
  it('records a first score, asks again for a bad one or a comment without a score', () => {
    expect(post(open(), score(4))).toEqual({ do: 'record', score: 4 });
    expect(post({ kind: 'public', surveyActive: true }, score(4))).toEqual({ do: 'record', score: 4 });
    expect(post(open(), { kind: 'invalid-score' })).toEqual({ do: 'question', error: 'pick-score' });
    expect(post(open(), comment('hi'))).toEqual({ do: 'question', error: 'pick-score' });
    expect(post({ kind: 'public', surveyActive: true }, comment('hi'))).toEqual({
      do: 'question',
      error: 'pick-score',
    });
  });
  it('changes score and comment within the window', () => {
    const target = open(answer());
    expect(post(target, score(3))).toEqual({ do: 'change-score', score: 3 });
    expect(post(target, comment('Gut'))).toEqual({ do: 'set-comment', comment: 'Gut' });
    expect(post(target, comment(null))).toEqual({ do: 'set-comment', comment: null });
    expect(post(target, comment(null, true))).toEqual({ do: 'skip' });
    expect(post(target, { kind: 'invalid-score' })).toEqual({ do: 'follow-up', error: 'pick-score' });
    expect(post(target, { kind: 'comment-too-long', comment: 'xx' })).toEqual({
      do: 'follow-up',
      error: 'comment-too-long',
      comment: 'xx',
    });
  });
  it('passes the consent on with the comment, and back to the page with a too-long one', () => {
    const target = open(answer({ score: 10 }));
    const withConsent = (consent: boolean): SurveyForm => ({
      kind: 'comment',
      comment: 'Top',
      skip: false,
      consent,
    });
    expect(post(target, withConsent(true))).toEqual({ do: 'set-comment', comment: 'Top', consent: true });
    expect(post(target, withConsent(false))).toEqual({ do: 'set-comment', comment: 'Top', consent: false });
    expect(post(target, comment('Top'))).not.toHaveProperty('consent');
    expect(post(target, { kind: 'comment', comment: null, skip: true, consent: true })).toEqual({
      do: 'skip',
    });
    expect(post(target, { kind: 'comment-too-long', comment: 'xx', consent: true })).toEqual({
      do: 'follow-up',
      error: 'comment-too-long',
      comment: 'xx',
      consent: true,
    });
  });

  it('refuses every change once the window is over', () => {
    const target = open(answer({ editableUntil: later(-1) }));
    for (const f of [score(3), comment('x'), comment(null, true), { kind: 'invalid-score' } as const]) {
      expect(post(target, f)).toEqual({ do: 'status', kind: 'edit-window-over' });
    }
    const exactlyAtEnd = {
      kind: 'response',
      surveyActive: true,
      response: answer({ editableUntil: now }),
    } as const;
    expect(post(exactlyAtEnd, comment('x'))).toEqual({ do: 'status', kind: 'edit-window-over' });
  });
});
