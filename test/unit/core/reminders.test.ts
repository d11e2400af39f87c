import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/core/calendar';
import {
  DEFAULT_REMINDER_PLAN,
  type ReminderPlan,
  reminderDueAt,
  validateReminderPlan,
} from '../../../src/core/reminders';
import { formatFieldError } from '../../../src/core/validation';

const at = (iso: string): Date => new Date(iso);
const SENT = at('2024-03-01T09:00:00Z');
const EXPIRES = at('2024-03-31T09:00:00Z');

describe('validateReminderPlan', () => {
  it('accepts 0-5 reminders after 1-30 days', () => {
    expect(validateReminderPlan(DEFAULT_REMINDER_PLAN)).toEqual({
      ok: true,
      value: { count: 1, after_days: 3 },
    });
    expect(validateReminderPlan({ count: 0, after_days: 1 }).ok).toBe(true);
    expect(validateReminderPlan({ count: 5, after_days: 30 }).ok).toBe(true);
  });

  it('names the field of every problem', () => {
    const result = validateReminderPlan({ count: 6, after_days: 0, every: 2 });
    expect(result.ok ? [] : result.errors.map(formatFieldError)).toEqual([
      'reminders.every: unknown field',
      'reminders.count: must be a whole number from 0 to 5',
      'reminders.after_days: must be a whole number of days from 1 to 30',
    ]);
    const fractional = validateReminderPlan({ count: 1.5, after_days: 31 }, 'survey.reminders');
    expect(fractional.ok ? [] : fractional.errors.map((e) => e.path)).toEqual([
      'survey.reminders.count',
      'survey.reminders.after_days',
    ]);
  });
});

describe('reminderDueAt', () => {
  it('is due after_days after the invitation by default, once', () => {
    expect(reminderDueAt(SENT, 0, DEFAULT_REMINDER_PLAN, null, EXPIRES)).toEqual(at('2024-03-04T09:00:00Z'));
    expect(reminderDueAt(SENT, 1, DEFAULT_REMINDER_PLAN, null, EXPIRES)).toBeNull();
  });

  it('counts each reminder from the invitation', () => {
    const plan: ReminderPlan = { count: 3, after_days: 7 };
    expect(reminderDueAt(SENT, 0, plan, null, EXPIRES)).toEqual(at('2024-03-08T09:00:00Z'));
    expect(reminderDueAt(SENT, 1, plan, null, EXPIRES)).toEqual(at('2024-03-15T09:00:00Z'));
    expect(reminderDueAt(SENT, 2, plan, null, EXPIRES)).toEqual(at('2024-03-22T09:00:00Z'));
    expect(reminderDueAt(SENT, 3, plan, null, EXPIRES)).toBeNull();
  });

  it('stops once the contact answered', () => {
    expect(reminderDueAt(SENT, 0, DEFAULT_REMINDER_PLAN, at('2024-03-01T10:00:00Z'), EXPIRES)).toBeNull();
    expect(
      reminderDueAt(SENT, 0, { count: 5, after_days: 1 }, at('2024-03-10T10:00:00Z'), EXPIRES),
    ).toBeNull();
  });

  it('never reminds at or after expiry', () => {
    const plan: ReminderPlan = { count: 5, after_days: 10 };
    expect(reminderDueAt(SENT, 1, plan, null, EXPIRES)).toEqual(at('2024-03-21T09:00:00Z'));
    expect(reminderDueAt(SENT, 2, plan, null, EXPIRES)).toBeNull(); // would be 31 March 09:00, the expiry itself
    expect(reminderDueAt(SENT, 2, plan, null, new Date(EXPIRES.getTime() + 1))).toEqual(EXPIRES);
    expect(reminderDueAt(SENT, 2, plan, null, null)).toEqual(EXPIRES); // no expiry
  });

  it('sends none with a count of 0, and refuses invalid input', () => {
    expect(reminderDueAt(SENT, 0, { count: 0, after_days: 3 }, null, EXPIRES)).toBeNull();
    expect(() => reminderDueAt(SENT, -1, DEFAULT_REMINDER_PLAN, null, EXPIRES)).toThrow(RangeError);
    expect(() => reminderDueAt(SENT, 0, { count: 9, after_days: 3 }, null, EXPIRES)).toThrow(/count/);
    expect(() => reminderDueAt(new Date(Number.NaN), 0, DEFAULT_REMINDER_PLAN, null, EXPIRES)).toThrow(
      RangeError,
    );
  });

  it('is null or a reminder k·after_days after sending, before expiry, only while unanswered', () => {
    fc.assert(
      fc.property(
        fc.record({ count: fc.integer({ min: 0, max: 5 }), after_days: fc.integer({ min: 1, max: 30 }) }),
        fc.integer({ min: 0, max: 6 }),
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 200 * DAY_MS }), { nil: null }),
        (plan, sent, answered, expiresIn) => {
          const expiresAt = expiresIn === null ? null : new Date(SENT.getTime() + expiresIn);
          const due = reminderDueAt(SENT, sent, plan, answered ? SENT : null, expiresAt);
          const expected = SENT.getTime() + (sent + 1) * plan.after_days * DAY_MS;
          const allowed =
            !answered && sent < plan.count && (expiresAt === null || expected < expiresAt.getTime());
          expect(due).toEqual(allowed ? new Date(expected) : null);
        },
      ),
    );
  });
});
