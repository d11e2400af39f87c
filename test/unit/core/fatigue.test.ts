import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/core/calendar';
import {
  DEFAULT_FATIGUE_POLICY,
  decideSend,
  type FatiguePolicy,
  resolveFatiguePolicy,
  type SendCandidate,
  validateFatigueOverride,
  validateFatiguePolicy,
} from '../../../src/core/fatigue';
import { formatFieldError } from '../../../src/core/validation';

const at = (iso: string): Date => new Date(iso);
const NOW = at('2024-03-01T09:00:00Z');
const POSTPONE: FatiguePolicy = { minDaysBetween: 90, onBlocked: 'postpone' };
const DROP: FatiguePolicy = { minDaysBetween: 90, onBlocked: 'drop' };

function candidate(
  overrides: Partial<SendCandidate['contact']> = {},
  extra: Partial<SendCandidate> = {},
): SendCandidate {
  return {
    contact: { unsubscribed: false, bounced: false, lastSurveyedAt: null, ...overrides },
    alreadySentForEvent: false,
    policy: POSTPONE,
    ...extra,
  };
}

describe('decideSend', () => {
  it('sends to a contact never surveyed', () => {
    expect(decideSend(candidate(), NOW)).toEqual({ send: true });
  });

  it('never sends to unsubscribed or bounced contacts, and never postpones them', () => {
    expect(decideSend(candidate({ unsubscribed: true }), NOW)).toEqual({
      send: false,
      reason: 'unsubscribed',
      postponeUntil: null,
    });
    expect(decideSend(candidate({ bounced: true }), NOW)).toEqual({
      send: false,
      reason: 'bounced',
      postponeUntil: null,
    });
    // both: unsubscribing is the contact's own wish, reported first
    expect(decideSend(candidate({ unsubscribed: true, bounced: true }), NOW)).toMatchObject({
      reason: 'unsubscribed',
    });
  });

  it('never sends twice for the same event, even when the contact was also surveyed recently', () => {
    const recent = candidate({ lastSurveyedAt: at('2024-02-20T09:00:00Z') }, { alreadySentForEvent: true });
    expect(decideSend(recent, NOW)).toEqual({ send: false, reason: 'duplicate-event', postponeUntil: null });
    expect(decideSend(candidate({ bounced: true }, { alreadySentForEvent: true }), NOW)).toMatchObject({
      reason: 'bounced',
    });
  });

  it('blocks a contact surveyed within minDaysBetween, postponed to the first allowed instant', () => {
    const last = at('2024-01-10T09:00:00Z'); // 51 days before NOW
    expect(decideSend(candidate({ lastSurveyedAt: last }), NOW)).toEqual({
      send: false,
      reason: 'recently-surveyed',
      postponeUntil: at('2024-04-09T09:00:00Z'), // 90 days of 24 h; 2024 is a leap year
    });
    expect(decideSend(candidate({ lastSurveyedAt: last }, { policy: DROP }), NOW)).toEqual({
      send: false,
      reason: 'recently-surveyed',
      postponeUntil: null,
    });
  });

  it('allows the send from exactly minDaysBetween days on', () => {
    const last = at('2023-12-02T09:00:00Z'); // exactly 90 days before NOW
    expect(decideSend(candidate({ lastSurveyedAt: last }), NOW)).toEqual({ send: true });
    expect(decideSend(candidate({ lastSurveyedAt: last }), new Date(NOW.getTime() - 1))).toMatchObject({
      reason: 'recently-surveyed',
      postponeUntil: NOW,
    });
  });

  it('turns the rule off with minDaysBetween 0, and waits out a last survey in the future', () => {
    const justNow = new Date(NOW.getTime() - 1000);
    expect(
      decideSend(
        candidate({ lastSurveyedAt: justNow }, { policy: { minDaysBetween: 0, onBlocked: 'postpone' } }),
        NOW,
      ),
    ).toEqual({
      send: true,
    });
    // clock skew between processes: a survey "in the future" still counts
    const future = at('2024-03-02T09:00:00Z');
    expect(decideSend(candidate({ lastSurveyedAt: future }), NOW)).toMatchObject({
      postponeUntil: new Date(future.getTime() + 90 * DAY_MS),
    });
  });

  it('refuses an invalid policy or date', () => {
    expect(() =>
      decideSend(candidate({}, { policy: { minDaysBetween: -1, onBlocked: 'drop' } }), NOW),
    ).toThrow(/minDaysBetween/);
    expect(() => decideSend(candidate(), new Date(Number.NaN))).toThrow(RangeError);
    expect(() => decideSend(candidate({ lastSurveyedAt: new Date(Number.NaN) }), NOW)).toThrow(RangeError);
  });

  it('postpones to >= lastSurveyedAt + minDays, at which point the send is allowed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
        fc.integer({ min: -400 * DAY_MS, max: 400 * DAY_MS }),
        fc.integer({ min: 0, max: 365 }),
        (now, sinceLast, minDaysBetween) => {
          const contact = { unsubscribed: false, bounced: false, lastSurveyedAt: new Date(now - sinceLast) };
          const policy: FatiguePolicy = { minDaysBetween, onBlocked: 'postpone' };
          const decision = decideSend({ contact, alreadySentForEvent: false, policy }, new Date(now));
          if (decision.send) {
            // 0 turns the rule off, even for a last survey stamped in the future
            if (minDaysBetween > 0) {
              expect(now - contact.lastSurveyedAt.getTime()).toBeGreaterThanOrEqual(minDaysBetween * DAY_MS);
            }
            return;
          }
          expect(decision.reason).toBe('recently-surveyed');
          const until = decision.postponeUntil!;
          expect(until.getTime()).toBeGreaterThanOrEqual(
            contact.lastSurveyedAt.getTime() + minDaysBetween * DAY_MS,
          );
          expect(until.getTime()).toBeGreaterThan(now);
          expect(decideSend({ contact, alreadySentForEvent: false, policy }, until)).toEqual({ send: true });
        },
      ),
    );
  });
});

describe('fatigue policies', () => {
  it('defaults to 90 days and dropping', () => {
    expect(DEFAULT_FATIGUE_POLICY).toEqual({ minDaysBetween: 90, onBlocked: 'drop' });
  });

  it('resolves a survey override over the workspace default, field by field', () => {
    expect(resolveFatiguePolicy(DEFAULT_FATIGUE_POLICY, null)).toEqual({
      minDaysBetween: 90,
      onBlocked: 'drop',
    });
    expect(resolveFatiguePolicy(DEFAULT_FATIGUE_POLICY, { minDaysBetween: 30 })).toEqual({
      minDaysBetween: 30,
      onBlocked: 'drop',
    });
    expect(resolveFatiguePolicy(DEFAULT_FATIGUE_POLICY, { onBlocked: 'postpone' })).toEqual({
      minDaysBetween: 90,
      onBlocked: 'postpone',
    });
    // 0 is an override (no limit for this survey), not a missing value
    expect(
      resolveFatiguePolicy(DEFAULT_FATIGUE_POLICY, { minDaysBetween: 0, onBlocked: 'postpone' }),
    ).toEqual({
      minDaysBetween: 0,
      onBlocked: 'postpone',
    });
  });

  it('validates a policy and an override, naming the field', () => {
    expect(validateFatiguePolicy({ minDaysBetween: 90, onBlocked: 'postpone' })).toEqual({
      ok: true,
      value: POSTPONE,
    });
    const bad = validateFatiguePolicy({ minDaysBetween: 400, onBlocked: 'later', days: 3 });
    expect(bad.ok ? [] : bad.errors.map(formatFieldError)).toEqual([
      'fatigue.days: unknown field',
      'fatigue.minDaysBetween: must be a whole number of days from 0 to 365',
      'fatigue.onBlocked: must be "drop" or "postpone"',
    ]);
    const missing = validateFatiguePolicy({ minDaysBetween: 30 });
    expect(missing.ok ? [] : missing.errors.map(formatFieldError)).toEqual([
      'fatigue.onBlocked: must be "drop" or "postpone"',
    ]);
    expect(validateFatigueOverride({ minDaysBetween: 30 })).toEqual({
      ok: true,
      value: { minDaysBetween: 30 },
    });
    expect(validateFatigueOverride({})).toEqual({ ok: true, value: {} });
    expect(validateFatigueOverride({ minDaysBetween: 1.5 }, 'survey.fatigue')).toEqual({
      ok: false,
      errors: [
        { path: 'survey.fatigue.minDaysBetween', message: 'must be a whole number of days from 0 to 365' },
      ],
    });
  });
});
