/**
 * Business hours: when survey emails may go out, in the contact's own time zone.
 *
 * A window is a set of weekdays and a start and end hour of local time; it covers
 * [start, end) on each of those days. `nextSlot` finds the first allowed instant, and with a
 * `spread` places sends across the window, so that ten thousand sends due on one day leave between
 * 9 and 17 instead of all at 9:00 (and land in ten thousand inboxes at once).
 */
import { DAY_MS, HOUR_MS, instantAt, type Weekday, weekdayOf } from './calendar';
import { addDays, localDay } from './trend';
import {
  describeValue,
  type FieldError,
  isIntegerIn,
  isRecord,
  unknownKeyErrors,
  type Validated,
} from './validation';

/** Weekdays (ISO, 1 = Monday) and the local hours [start_hour, end_hour) on them. */
export interface BusinessHours {
  weekdays: readonly Weekday[];
  start_hour: number;
  end_hour: number;
}

/** Monday to Friday, 09:00-17:00. */
export const DEFAULT_BUSINESS_HOURS: BusinessHours = Object.freeze({
  weekdays: Object.freeze([1, 2, 3, 4, 5] as Weekday[]),
  start_hour: 9,
  end_hour: 17,
});

/**
 * Checks a business-hours definition from untrusted JSON: weekdays 1-7 without repeats (at least
 * one), whole hours with 0 <= start_hour < end_hour <= 24. Weekdays come back sorted.
 * @example validateBusinessHours({ weekdays: [1, 2, 3, 4, 5], start_hour: 17, end_hour: 9 })
 * // { ok: false, errors: [{ path: 'business_hours.end_hour', message: 'must be after start_hour (17)' }] }
 */
export function validateBusinessHours(input: unknown, path = 'business_hours'): Validated<BusinessHours> {
  if (!isRecord(input)) return { ok: false, errors: [{ path, message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeyErrors(input, ['weekdays', 'start_hour', 'end_hour'], path);
  const { weekdays, start_hour: start, end_hour: end } = input;
  if (!Array.isArray(weekdays) || weekdays.length === 0) {
    errors.push({
      path: `${path}.weekdays`,
      message: 'must be a non-empty list of weekdays (1 = Monday … 7 = Sunday)',
    });
  } else {
    weekdays.forEach((day, i) => {
      if (!isIntegerIn(day, 1, 7)) {
        errors.push({ path: `${path}.weekdays.${i}`, message: `not a weekday 1-7: ${describeValue(day)}` });
      } else if (weekdays.indexOf(day) !== i) {
        errors.push({ path: `${path}.weekdays.${i}`, message: `weekday ${day} is listed twice` });
      }
    });
  }
  if (!isIntegerIn(start, 0, 23)) {
    errors.push({ path: `${path}.start_hour`, message: 'must be a whole hour from 0 to 23' });
  }
  if (!isIntegerIn(end, 1, 24)) {
    errors.push({ path: `${path}.end_hour`, message: 'must be a whole hour from 1 to 24' });
  } else if (isIntegerIn(start, 0, 23) && end <= start) {
    errors.push({ path: `${path}.end_hour`, message: `must be after start_hour (${start})` });
  }
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      weekdays: [...(weekdays as Weekday[])].sort((a, b) => a - b),
      start_hour: start as number,
      end_hour: end as number,
    },
  };
}

/**
 * A stable fraction in [0, 1) for an id, to spread sends over a window: the same contact gets the
 * same place in the day, and many contacts spread evenly. FNV-1a over the UTF-16 code units,
 * finished with MurmurHash3's mixer so ids that differ in one character land far apart.
 * @example spreadOf('0b5e9c1a-1111-4222-8333-444455556666') // 0.1324876353610307 (13 % into the window: 10:03 in 9-17)
 */
export function spreadOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) {
    hash ^= id.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return (hash >>> 0) / 2 ** 32;
}

// Windows already found valid (the scheduler places thousands of sends in one window).
const checkedWindows = new WeakSet<BusinessHours>();

// A matching weekday comes within 7 days; the margin covers days a zone skipped (Samoa, 2011-12-30).
const MAX_DAYS_AHEAD = 14;

/**
 * The first instant >= `after` inside the window, in `timeZone`'s local time.
 *
 * With a `spread` in [0, 1), the instant is that fraction of the way through the window instead of
 * its first moment: through the whole day's window when `after` is before it opens, through what
 * is left of it when `after` falls inside (so a send is never earlier than `after`, never outside
 * the window, and late arrivals still spread instead of piling up at `after`). Without a spread
 * (or 0) it is `after` itself when that is inside the window, else the next opening.
 *
 * The window is local wall-clock time on each day: on DST days it is still 9-17 by the clock. A
 * window edge in a DST gap moves forward by the gap (see `instantAt`).
 * @throws RangeError on an invalid window, spread, date or time zone.
 * @example nextSlot(new Date('2024-03-29T16:00:00Z'), 'Europe/Berlin', DEFAULT_BUSINESS_HOURS)
 * // Friday 17:00 in Berlin is closed: 2024-04-01T07:00:00.000Z (Monday 09:00 CEST)
 */
export function nextSlot(after: Date, timeZone: string, window: BusinessHours, spread = 0): Date {
  if (!checkedWindows.has(window)) {
    const checked = validateBusinessHours(window);
    if (!checked.ok) throw new RangeError(`invalid business hours: ${checked.errors[0]!.message}`);
    checkedWindows.add(window);
  }
  if (!(spread >= 0 && spread < 1)) throw new RangeError(`spread must be in [0, 1): ${spread}`);
  const from = after.getTime();
  if (Number.isNaN(from)) throw new RangeError('invalid date');
  const startMs = window.start_hour * HOUR_MS;
  const endMs = Math.min(window.end_hour * HOUR_MS, DAY_MS);
  // The window of the previous local day cannot still be open (it ends by midnight), so start with
  // the day `after` falls on.
  let day = localDay(after, timeZone);
  for (let i = 0; i < MAX_DAYS_AHEAD; i++, day = addDays(day, 1)) {
    if (!window.weekdays.includes(weekdayOf(day))) continue;
    const opens = instantAt(day, startMs, timeZone).getTime();
    const closes = instantAt(day, endMs, timeZone).getTime();
    if (closes <= from || closes <= opens) continue;
    const base = Math.max(from, opens);
    // floor keeps the result a whole millisecond strictly before `closes`.
    return new Date(base + Math.floor(spread * (closes - base)));
  }
  throw new RangeError(`no business hours within ${MAX_DAYS_AHEAD} days in ${timeZone}`);
}

/** Whether `instant` lies inside the window in `timeZone`. */
export function isWithinBusinessHours(instant: Date, timeZone: string, window: BusinessHours): boolean {
  return nextSlot(instant, timeZone, window).getTime() === instant.getTime();
}
