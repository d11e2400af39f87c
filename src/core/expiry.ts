/**
 * Expiry: invitations stop accepting answers after some days, and old responses stop counting in
 * the "current NPS" after the workspace's validity window.
 */
import { addMonths, DAY_MS, startOfDay } from './calendar';
import { addDays, localDay } from './trend';

/** Invitations expire 30 days after they were sent, unless the survey says otherwise. */
export const DEFAULT_INVITATION_EXPIRY_DAYS = 30;
/** Responses count in the current NPS for 12 months, unless the workspace says otherwise. */
export const DEFAULT_VALIDITY_MONTHS = 12;

/**
 * When an invitation sent at `sentAt` expires: `days` days of 24 hours later. The link works
 * until just before that instant.
 * @throws RangeError on an invalid date or a number of days that is not a whole number from 1 to 3650.
 * @example invitationExpiresAt(new Date('2024-03-01T09:00:00Z')) // 2024-03-31T09:00:00.000Z
 */
export function invitationExpiresAt(sentAt: Date, days: number = DEFAULT_INVITATION_EXPIRY_DAYS): Date {
  if (!Number.isInteger(days) || days < 1 || days > 3650) {
    throw new RangeError(`not a number of days from 1 to 3650: ${days}`);
  }
  const sent = sentAt.getTime();
  if (Number.isNaN(sent)) throw new RangeError('invalid date: sentAt');
  return new Date(sent + days * DAY_MS);
}

/**
 * Whether an invitation has expired at `now` (an expiry of null never does).
 * @example isExpired(new Date('2024-03-31T09:00:00Z'), new Date('2024-03-31T09:00:00Z')) // true
 */
export function isExpired(expiresAt: Date | null, now: Date): boolean {
  return expiresAt !== null && now.getTime() >= expiresAt.getTime();
}

/** The days whose responses count in the current NPS, and the instant the first of them begins. */
export interface ValidityWindow {
  /** First counted day, inclusive, in the workspace's zone. */
  fromDay: string;
  /** Today in the workspace's zone, inclusive. */
  toDay: string;
  /** When `fromDay` begins in the workspace's zone, for comparing with response timestamps. */
  from: Date;
}

/**
 * The window of the current NPS at `now`: the last `validityMonths` calendar months up to and
 * including today in `timeZone`. On 15 March 2025 with 12 months, responses from 16 March 2024 on
 * count; a response is "older than 12 months" from the day its 12th month-anniversary has passed.
 * A month-end today clamps as calendar months do (29 February 2024 - 12 months = 28 February 2023,
 * so the window starts on 1 March 2023).
 * @throws RangeError on an invalid date, zone, or months not a whole number from 1 to 120.
 * @example currentNpsWindow(new Date('2025-03-15T10:00:00Z'), 12, 'Europe/Berlin')
 * // { fromDay: '2024-03-16', toDay: '2025-03-15', from: 2024-03-15T23:00:00.000Z }
 */
export function currentNpsWindow(now: Date, validityMonths: number, timeZone: string): ValidityWindow {
  if (!Number.isInteger(validityMonths) || validityMonths < 1 || validityMonths > 120) {
    throw new RangeError(`not a number of months from 1 to 120: ${validityMonths}`);
  }
  const toDay = localDay(now, timeZone);
  const fromDay = addDays(addMonths(toDay, -validityMonths), 1);
  return { fromDay, toDay, from: startOfDay(fromDay, timeZone) };
}
