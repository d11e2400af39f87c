/**
 * Reminders: a nudge to a contact who has not answered an invitation yet.
 *
 * A plan sends up to `count` reminders, each `after_days` days after the one before, counted from
 * the invitation: the k-th reminder is due k × after_days days after it was sent. Counting from
 * the invitation rather than from the previous reminder keeps the plan's shape when a reminder went
 * out late (the worker was down): the next one does not slip as well.
 */
import { DAY_MS } from './calendar';
import { type FieldError, isIntegerIn, isRecord, unknownKeyErrors, type Validated } from './validation';

export interface ReminderPlan {
  /** Reminders at most, 0-5 (0: none). */
  count: number;
  /** Days (of 24 hours) between the invitation and the first reminder, and between reminders, 1-30. */
  after_days: number;
}

/** One reminder, three days after the invitation. */
export const DEFAULT_REMINDER_PLAN: ReminderPlan = Object.freeze({ count: 1, after_days: 3 });

export const MAX_REMINDERS = 5;
export const MAX_REMINDER_DAYS = 30;

/**
 * Checks a reminder plan from untrusted JSON.
 * @example validateReminderPlan({ count: 6, after_days: 3 })
 * // { ok: false, errors: [{ path: 'reminders.count', message: 'must be a whole number from 0 to 5' }] }
 */
export function validateReminderPlan(input: unknown, path = 'reminders'): Validated<ReminderPlan> {
  if (!isRecord(input)) return { ok: false, errors: [{ path, message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeyErrors(input, ['count', 'after_days'], path);
  const { count, after_days: days } = input;
  if (!isIntegerIn(count, 0, MAX_REMINDERS)) {
    errors.push({ path: `${path}.count`, message: `must be a whole number from 0 to ${MAX_REMINDERS}` });
  }
  if (!isIntegerIn(days, 1, MAX_REMINDER_DAYS)) {
    errors.push({
      path: `${path}.after_days`,
      message: `must be a whole number of days from 1 to ${MAX_REMINDER_DAYS}`,
    });
  }
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, value: { count: count as number, after_days: days as number } };
}

/**
 * When the next reminder of an invitation is due, or null when none is: the plan's reminders are
 * all sent, the contact answered (at any time: an answer ends the reminders), or the reminder
 * would come at or after the invitation expires (a reminder for a dead link only annoys).
 *
 * The caller still places the instant in business hours (`nextSlot`), and should check the
 * expiry again for the placed instant.
 * @throws RangeError on an invalid plan, count or date.
 * @example reminderDueAt(new Date('2024-03-01T09:00:00Z'), 0, DEFAULT_REMINDER_PLAN, null, new Date('2024-03-31T09:00:00Z'))
 * // 2024-03-04T09:00:00.000Z
 */
export function reminderDueAt(
  sentAt: Date,
  remindersSent: number,
  plan: ReminderPlan,
  answeredAt: Date | null,
  expiresAt: Date | null,
): Date | null {
  const checked = validateReminderPlan(plan);
  if (!checked.ok) throw new RangeError(`invalid reminder plan: ${checked.errors[0]!.path}`);
  if (!Number.isInteger(remindersSent) || remindersSent < 0) {
    throw new RangeError(`not a number of reminders: ${remindersSent}`);
  }
  const sent = sentAt.getTime();
  if (Number.isNaN(sent)) throw new RangeError('invalid date: sentAt');
  if (answeredAt !== null || remindersSent >= plan.count) return null;
  const due = sent + (remindersSent + 1) * plan.after_days * DAY_MS;
  if (expiresAt !== null && due >= expiresAt.getTime()) return null;
  return new Date(due);
}
