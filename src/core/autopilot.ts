/**
 * Autopilot: the relational survey of one contact, decided from its cadence (`cadence.ts`), its
 * local calendar and the business hours (`business-hours.ts`). Pure: the scheduler
 * (server/jobs/autopilot-tick.ts) loads the facts and writes the invitations.
 *
 * Every contact lives in its own time zone (the contact's, else the workspace's): the contact is due
 * when its next due day (`nextDueDate`) is its local today, and the email is placed in that day's
 * business hours at the contact's own stable spot (`spreadOf`), so ten thousand contacts due on
 * one day leave through the whole window, each at the same hour every time.
 */
import { type BusinessHours, nextSlot, spreadOf } from './business-hours';
import {
  AFTER_WINNING_CUSTOMER,
  anchorDayOf,
  type CadenceRule,
  nextDueDate,
  QUARTERLY_FOR_ALL,
  validateCadenceRule,
} from './cadence';
import { isTimeZone, localDay } from './trend';
import type { Validated } from './validation';

/** Named cadences the API accepts instead of a rule object. */
export const CADENCE_PRESETS: Readonly<Record<string, CadenceRule>> = Object.freeze({
  after_winning_customer: AFTER_WINNING_CUSTOMER,
  quarterly_for_all: QUARTERLY_FOR_ALL,
});

/**
 * A cadence from untrusted JSON: a preset's name or a rule object (`validateCadenceRule`).
 * @example validateCadence('after_winning_customer') // { ok: true, value: AFTER_WINNING_CUSTOMER's copy }
 */
export function validateCadence(input: unknown, path = 'cadence'): Validated<CadenceRule> {
  if (typeof input === 'string') {
    const preset = Object.hasOwn(CADENCE_PRESETS, input) ? CADENCE_PRESETS[input] : undefined;
    if (!preset) {
      return {
        ok: false,
        errors: [
          {
            path,
            message: `unknown preset ${JSON.stringify(input)}: use ${Object.keys(CADENCE_PRESETS).join(' or ')}, or a rule object`,
          },
        ],
      };
    }
    return validateCadenceRule(preset, path);
  }
  return validateCadenceRule(input, path);
}

/** What the scheduler knows of one contact. */
export interface AutopilotContact {
  id: string;
  attributes: Readonly<Record<string, unknown>>;
  /** When the contact was first seen (its creation): the `first_seen` anchor. */
  createdAt: Date;
  /** The contact's own IANA zone; null or unknown: the workspace's. */
  timeZone: string | null;
}

/** A contact's place on the cadence, in its own calendar. */
export interface ContactSchedule {
  /** The zone the contact's days are counted in. */
  timeZone: string;
  /** The contact's local today. */
  today: string;
  /** The day the months are counted from; null: the contact has none (not on this cadence). */
  anchorDay: string | null;
  /** The next day the contact is due (today when it is due now); null: never again, or no anchor. */
  nextDueDay: string | null;
}

/** The zone a contact's days are counted in: its own when it has a valid one, else the workspace's. */
export function contactZone(contact: Pick<AutopilotContact, 'timeZone'>, workspaceZone: string): string {
  return contact.timeZone !== null && isTimeZone(contact.timeZone) ? contact.timeZone : workspaceZone;
}

/**
 * Where a contact stands on a cadence at `now`. `lastDueDay` is the due day of the contact's latest
 * survey under this cadence (null: never surveyed by it), so each date is handled once.
 * @example
 * // Customer since 15 January 2024, never surveyed, on 15 April 2024 in Berlin: due today.
 * contactSchedule(AFTER_WINNING_CUSTOMER, { id, attributes: { customer_since: '2024-01-15' }, createdAt, timeZone: null },
 *   null, new Date('2024-04-15T06:00:00Z'), 'Europe/Berlin')
 * // { timeZone: 'Europe/Berlin', today: '2024-04-15', anchorDay: '2024-01-15', nextDueDay: '2024-04-15' }
 */
export function contactSchedule(
  cadence: CadenceRule,
  contact: AutopilotContact,
  lastDueDay: string | null,
  now: Date,
  workspaceZone: string,
): ContactSchedule {
  const timeZone = contactZone(contact, workspaceZone);
  const today = localDay(now, timeZone);
  const anchorDay = anchorDayOf(cadence.anchor, {
    attributes: contact.attributes,
    firstSeenDay: localDay(contact.createdAt, timeZone),
  });
  const nextDueDay = anchorDay === null ? null : nextDueDate(cadence, anchorDay, lastDueDay, today);
  return { timeZone, today, anchorDay, nextDueDay };
}

/** A survey the scheduler owes a contact now. */
export interface DueSurvey {
  /** The contact's local day it is for: with the contact, the key that makes it happen once. */
  dueDay: string;
  /** When the email goes out: inside the business hours, at the contact's spot in the window. */
  sendAt: Date;
  /** The zone of the contact's days and business hours. */
  timeZone: string;
}

/**
 * The survey a contact is due for at `now`, or null when it is not due today. The send time is
 * never before `now`; when today's window has closed (or today is not a business day), it is the
 * contact's spot in the next window.
 * @example
 * dueSurvey(QUARTERLY_FOR_ALL, DEFAULT_BUSINESS_HOURS, contact, '2024-01-01', new Date('2024-04-01T03:00:00Z'), 'Europe/Berlin')
 * // { dueDay: '2024-04-01', sendAt: <Monday 1 April 2024 between 09:00 and 17:00 Berlin time> }
 */
export function dueSurvey(
  cadence: CadenceRule,
  hours: BusinessHours,
  contact: AutopilotContact,
  lastDueDay: string | null,
  now: Date,
  workspaceZone: string,
): DueSurvey | null {
  const schedule = contactSchedule(cadence, contact, lastDueDay, now, workspaceZone);
  if (schedule.nextDueDay === null || schedule.nextDueDay !== schedule.today) return null;
  return {
    dueDay: schedule.today,
    sendAt: nextSlot(now, schedule.timeZone, hours, spreadOf(contact.id)),
    timeZone: schedule.timeZone,
  };
}
