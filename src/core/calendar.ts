/**
 * Local wall-clock time in IANA time zones, and calendar arithmetic on days.
 *
 * Days are 'YYYY-MM-DD' strings as in `trend.ts` (whose helpers this builds on). A wall-clock time
 * is a day plus milliseconds since local midnight. Turning one into an instant is where time zones
 * bite, twice a year in most zones:
 *
 * - a wall time inside a spring-forward gap does not exist (Berlin, 2024-03-31 02:30): it is moved
 *   forward by the length of the gap (→ 03:30 CEST), as a clock that was not adjusted would read;
 * - a wall time inside a fall-back overlap happens twice (Berlin, 2024-10-27 02:30): the earlier
 *   instant is taken (02:30 CEST, 00:30Z), so nothing scheduled for then is ever late by an hour.
 *
 * This is the `compatible` disambiguation of Temporal and of RFC 5545 (iCalendar). Everything uses
 * Intl, which ships the IANA database with Node, so no date library is needed for it.
 */
import { dayNumberOf, dayOfNumber, daysInMonth, isValidDay } from './trend';

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;
/** Milliseconds in a 24-hour day (not every local day has that many: DST days have 23 or 25 hours). */
export const DAY_MS = 86_400_000;

/** ISO weekday: 1 = Monday … 7 = Sunday. */
export type Weekday = 1 | 2 | 3 | 4 | 5 | 6 | 7;

/**
 * The ISO weekday of a day (1 = Monday … 7 = Sunday).
 * @throws RangeError when `day` is not a real 'YYYY-MM-DD' day.
 * @example weekdayOf('2024-03-31') // 7 (a Sunday)
 */
export function weekdayOf(day: string): Weekday {
  // 1970-01-01 was a Thursday (4).
  return (((((dayNumberOf(day) + 3) % 7) + 7) % 7) + 1) as Weekday;
}

/**
 * Calendar days from `from` to `to` (negative when `to` is earlier).
 * @example daysBetween('2024-02-28', '2024-03-01') // 2
 */
export function daysBetween(from: string, to: string): number {
  return dayNumberOf(to) - dayNumberOf(from);
}

/**
 * The same day of the month `months` months later (earlier when negative), clamped to the end of
 * a shorter month, as people count months: 31 January + 1 month is the last day of February.
 * Always count from the original day: adding 1 month twice to 31 January gives 28 March, adding 2
 * months once gives 31 March.
 * @throws RangeError on an invalid day or a non-integer number of months.
 * @example addMonths('2024-01-31', 1) // '2024-02-29' (leap year)
 */
export function addMonths(day: string, months: number): string {
  if (!Number.isInteger(months)) throw new RangeError(`not a whole number of months: ${months}`);
  if (!isValidDay(day)) throw new RangeError(`not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  const monthIndex = Number(day.slice(0, 4)) * 12 + (Number(day.slice(5, 7)) - 1) + months;
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12 + 1;
  const date = Math.min(Number(day.slice(8, 10)), daysInMonth(year, month));
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} is outside 0000-9999`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(date).padStart(2, '0')}`;
}

// One formatter per zone, as in trend.ts: creating one costs far more than using it.
const wallClockFormatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = wallClockFormatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      hourCycle: 'h23',
      era: 'short',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
    wallClockFormatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * The offset of a zone from UTC at an instant, in milliseconds (Berlin in summer: +7 200 000).
 * @throws RangeError on an invalid date or an unknown time zone.
 * @example zoneOffsetMs(new Date('2024-07-01T12:00:00Z'), 'Europe/Berlin') // 7_200_000
 */
export function zoneOffsetMs(instant: Date, timeZone: string): number {
  const time = instant.getTime();
  if (Number.isNaN(time)) throw new RangeError('invalid date');
  const parts: Record<string, string> = {};
  for (const part of wallClockFormatter(timeZone).formatToParts(instant)) parts[part.type] = part.value;
  let year = Number(parts['year']);
  if (parts['era'] === 'BC' || parts['era'] === 'B') year = 1 - year;
  const monthIndex = year * 12 + Number(parts['month']) - 1;
  const wallYear = Math.floor(monthIndex / 12);
  const wall =
    civilDayNumber(wallYear, monthIndex - wallYear * 12 + 1, Number(parts['day'])) * DAY_MS +
    Number(parts['hour']) * HOUR_MS +
    Number(parts['minute']) * 60_000 +
    Number(parts['second']) * 1000;
  // Intl shows whole seconds; compare with the instant cut to its second (floor, also before 1970).
  return wall - (time - (((time % 1000) + 1000) % 1000));
}

/** Day number of a civil date without the 0000-9999 limit of day strings (zones cover all years). */
function civilDayNumber(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

/** A local wall-clock reading: the day and the milliseconds since its midnight. */
export interface WallClock {
  day: string;
  msOfDay: number;
}

/**
 * What a wall clock in `timeZone` shows at `instant`.
 * @throws RangeError on an invalid date or an unknown time zone.
 * @example wallClockOf(new Date('2024-03-31T01:30:00Z'), 'Europe/Berlin') // { day: '2024-03-31', msOfDay: 12_600_000 } (03:30)
 */
export function wallClockOf(instant: Date, timeZone: string): WallClock {
  const wall = instant.getTime() + zoneOffsetMs(instant, timeZone);
  const dayNumber = Math.floor(wall / DAY_MS);
  return { day: dayOfNumber(dayNumber), msOfDay: wall - dayNumber * DAY_MS };
}

/**
 * The instant at which a wall clock in `timeZone` shows `msOfDay` on `day`. `msOfDay` may be a
 * full day (24:00, the next midnight), for windows that end at midnight. A time in a
 * spring-forward gap moves forward by the gap (02:30 → 03:30 in Berlin); a time that happens
 * twice in a fall-back overlap is its earlier occurrence (see the module comment).
 * @throws RangeError on an invalid day, time of day or time zone.
 * @example instantAt('2024-03-31', 9 * HOUR_MS, 'Europe/Berlin') // 2024-03-31T07:00:00.000Z
 */
export function instantAt(day: string, msOfDay: number, timeZone: string): Date {
  if (!Number.isInteger(msOfDay) || msOfDay < 0 || msOfDay > DAY_MS) {
    throw new RangeError(`not a time of day in milliseconds (0-${DAY_MS}): ${msOfDay}`);
  }
  const key = `${day}|${msOfDay}|${timeZone}`;
  const known = instants.get(key);
  if (known !== undefined) return new Date(known);
  const instant = computeInstantAt(day, msOfDay, timeZone);
  if (instants.size >= MAX_REMEMBERED_INSTANTS) instants.clear();
  instants.set(key, instant.getTime());
  return instant;
}

// instantAt reads the zone's rules through Intl about six times (some 50 µs); the scheduler asks
// for the same few window edges (one per zone and day) for thousands of contacts.
const instants = new Map<string, number>();
const MAX_REMEMBERED_INSTANTS = 10_000;

function computeInstantAt(day: string, msOfDay: number, timeZone: string): Date {
  const wall = dayNumberOf(day) * DAY_MS + msOfDay;
  // Offsets range from -12 h to +14 h, so the instant lies within 26 h of `wall` read as UTC. The
  // offsets in force at both ends and in the middle include those around any transition nearby
  // (zones change offset at most about twice a year, never twice within a day).
  const offsets = [
    ...new Set([-26 * HOUR_MS, 0, 26 * HOUR_MS].map((d) => zoneOffsetMs(new Date(wall + d), timeZone))),
  ];
  let earliest: number | null = null;
  for (const offset of offsets) {
    const candidate = wall - offset;
    // A candidate is real when the clock there shows the wanted wall time.
    if (
      zoneOffsetMs(new Date(candidate), timeZone) === offset &&
      (earliest === null || candidate < earliest)
    ) {
      earliest = candidate;
    }
  }
  if (earliest !== null) return new Date(earliest);
  // In a gap: with the offset from before the jump (the smallest), the clock after the jump shows
  // the wanted time plus the length of the gap.
  return new Date(wall - Math.min(...offsets));
}

/**
 * The instant at which `day` begins in `timeZone` (usually midnight; 01:00 where midnight is skipped).
 * @example startOfDay('2024-07-01', 'Europe/Berlin') // 2024-06-30T22:00:00.000Z
 */
export function startOfDay(day: string, timeZone: string): Date {
  return instantAt(day, 0, timeZone);
}
