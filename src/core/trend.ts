/**
 * Calendar days and trend buckets.
 *
 * A day is a plain 'YYYY-MM-DD' string in the workspace's time zone: responses are assigned to
 * the day on which they happened *there* (`localDay`), and everything after that is calendar
 * arithmetic on those strings, free of time zones and DST.
 */
import { emptyDistribution } from './nps';
import { type NpsSummary, summarize } from './stats';

/** Width of one trend bucket. */
export type Granularity = 'day' | 'week' | 'month';

// Creating an Intl.DateTimeFormat costs far more than formatting with it, and localDay runs once
// per response when bucketing, so keep one per zone. Only valid zones get here (the constructor
// throws on others), which bounds the cache at the few hundred IANA names.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      calendar: 'gregory',
      numberingSystem: 'latn',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

const US_DATE = /^(\d{2})\/(\d{2})\/(\d{1,4})$/;

/** Whether `value` is an IANA time zone this runtime knows, e.g. Europe/Berlin. */
export function isTimeZone(value: string): boolean {
  // A known zone is answered from the formatter cache: the constructor costs about 0.1 ms, and the
  // scheduler asks once per contact.
  if (formatters.has(value)) return true;
  try {
    formatterFor(value);
    return true;
  } catch {
    return false;
  }
}

/**
 * The calendar day ('YYYY-MM-DD') of an instant in an IANA time zone.
 * @throws RangeError on an invalid date or an unknown time zone.
 * @example localDay(new Date('2024-03-31T22:30:00Z'), 'Europe/Berlin') // '2024-04-01'
 */
export function localDay(instant: Date, timeZone: string): string {
  const formatter = formatterFor(timeZone);
  // format() is about three times faster than formatToParts(); en-US 'MM/DD/YYYY' has been stable for
  // decades, but should an ICU update change it, formatToParts() still gives the right answer.
  const text = formatter.format(instant);
  const match = US_DATE.exec(text);
  if (match !== null) return `${match[3]!.padStart(4, '0')}-${match[1]}-${match[2]}`;
  const parts: Record<string, string> = {};
  for (const part of formatter.formatToParts(instant)) parts[part.type] = part.value;
  return `${(parts['year'] ?? '').padStart(4, '0')}-${parts['month']}-${parts['day']}`;
}

// Days are converted to a day number (days since 1970-01-01) with Howard Hinnant's civil-calendar
// algorithms: pure integer arithmetic on the proleptic Gregorian calendar, without Date's
// two-digit-year quirk (Date.UTC(99, …) is 1999) and without allocating.

function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146097 + dayOfEra - 719468;
}

function civilFromDays(dayNumber: number): [year: number, month: number, day: number] {
  const z = dayNumber + 719468;
  const era = Math.floor(z / 146097);
  const dayOfEra = z - era * 146097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36524) - Math.floor(dayOfEra / 146096)) /
      365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const mp = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return [yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day];
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Number of days of a month (1-12) in the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Parses a day, or null when it is not a real 'YYYY-MM-DD' date. */
function parseDay(s: string): [year: number, month: number, day: number] | null {
  const match = DAY.exec(s);
  if (match === null) return null;
  const year = Number(match[1]);
  const month = Number(match[2]);
  const day = Number(match[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  return [year, month, day];
}

function requireDay(s: string): [year: number, month: number, day: number] {
  const parsed = parseDay(s);
  if (parsed === null) throw new RangeError(`not a day (YYYY-MM-DD): ${JSON.stringify(s)}`);
  return parsed;
}

function formatDay(year: number, month: number, day: number): string {
  if (year < 0 || year > 9999) throw new RangeError(`year ${year} is outside 0000-9999`);
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * Days since 1970-01-01 (negative before), the form in which days are compared and subtracted.
 * @throws RangeError when `day` is not a real 'YYYY-MM-DD' day.
 * @example dayNumberOf('1970-01-02') // 1
 */
export function dayNumberOf(day: string): number {
  return daysFromCivil(...requireDay(day));
}

/**
 * The day ('YYYY-MM-DD') of a day number, the inverse of `dayNumberOf`.
 * @example dayOfNumber(19_783) // '2024-03-01'
 */
export function dayOfNumber(dayNumber: number): string {
  if (!Number.isInteger(dayNumber)) throw new RangeError(`not a day number: ${dayNumber}`);
  return formatDay(...civilFromDays(dayNumber));
}

/** Whether `s` is a real calendar day written 'YYYY-MM-DD' (so '2023-02-29' is not). */
export function isValidDay(s: string): boolean {
  return typeof s === 'string' && parseDay(s) !== null;
}

/**
 * The day `n` days after `day` (before, when n is negative).
 * @example addDays('2024-02-28', 2) // '2024-03-01'
 */
export function addDays(day: string, n: number): string {
  if (!Number.isInteger(n)) throw new RangeError(`not a whole number of days: ${n}`);
  const [year, month, date] = requireDay(day);
  return formatDay(...civilFromDays(daysFromCivil(year, month, date) + n));
}

/**
 * The first day of the bucket that contains `day`: the day itself, the Monday of its ISO week, or
 * the first of its month.
 * @example bucketOf('2024-03-31', 'week') // '2024-03-25' (a Sunday belongs to the week before)
 */
export function bucketOf(day: string, granularity: Granularity): string {
  const [year, month, date] = requireDay(day);
  switch (granularity) {
    case 'day':
      return day;
    case 'week': {
      const dayNumber = daysFromCivil(year, month, date);
      // 1970-01-01 was a Thursday: (dayNumber + 3) mod 7 counts days since Monday.
      const sinceMonday = (((dayNumber + 3) % 7) + 7) % 7;
      return formatDay(...civilFromDays(dayNumber - sinceMonday));
    }
    case 'month':
      return formatDay(year, month, 1);
    default:
      throw new RangeError(`unknown granularity: ${String(granularity)}`);
  }
}

/**
 * The starts of all buckets that overlap fromDay..toDay (inclusive), ascending. The first may start
 * before `fromDay` (a week starts on Monday). Empty when `fromDay` is after `toDay`.
 * @example bucketsBetween('2024-01-31', '2024-03-01', 'month') // ['2024-01-01', '2024-02-01', '2024-03-01']
 */
export function bucketsBetween(fromDay: string, toDay: string, granularity: Granularity): string[] {
  const first = requireDay(bucketOf(fromDay, granularity));
  const [toYear, toMonth, toDate] = requireDay(toDay);
  const last = daysFromCivil(toYear, toMonth, toDate);
  const buckets: string[] = [];
  if (daysFromCivil(...requireDay(fromDay)) > last) return buckets;
  // Stepping on day numbers rather than strings keeps the loop independent of formatting.
  if (granularity === 'month') {
    let [year, month] = first;
    while (daysFromCivil(year, month, 1) <= last) {
      buckets.push(formatDay(year, month, 1));
      if (month === 12) [year, month] = [year + 1, 1];
      else month += 1;
    }
    return buckets;
  }
  const step = granularity === 'week' ? 7 : 1;
  for (let dayNumber = daysFromCivil(...first); dayNumber <= last; dayNumber += step) {
    buckets.push(formatDay(...civilFromDays(dayNumber)));
  }
  return buckets;
}

/** One bucket of a trend: its first day and the summary of its responses. */
export interface TrendPoint {
  bucket: string;
  summary: NpsSummary;
}

/**
 * Builds a trend from per-day distributions: sums them into buckets and summarises each bucket.
 * Every bucket of the range is present, empty ones with n = 0, so charts show gaps as gaps. Rows
 * outside fromDay..toDay are ignored, also when they fall in the first or last bucket, so a
 * partial bucket counts only the days asked for. Several rows may share a day (e.g. one per segment).
 * @throws RangeError on an invalid day or a distribution that is not 11 non-negative integer counts.
 */
export function buildTrend(
  rows: ReadonlyArray<{ day: string; distribution: readonly number[] }>,
  fromDay: string,
  toDay: string,
  granularity: Granularity,
): TrendPoint[] {
  const buckets = bucketsBetween(fromDay, toDay, granularity);
  const sums = new Map<string, number[]>();
  for (const bucket of buckets) sums.set(bucket, emptyDistribution());
  for (const row of rows) {
    requireDay(row.day);
    if (row.day < fromDay || row.day > toDay) continue;
    const sum = sums.get(bucketOf(row.day, granularity))!;
    const { distribution } = row;
    if (distribution.length !== sum.length) {
      throw new RangeError(`distribution of ${row.day} has ${distribution.length} counts, not ${sum.length}`);
    }
    for (let score = 0; score < sum.length; score++) {
      const count = distribution[score]!;
      // Checked per row: a negative count could otherwise hide inside a valid-looking sum.
      if (!Number.isInteger(count) || count < 0) {
        throw new RangeError(`distribution of ${row.day} has an invalid count: ${String(count)}`);
      }
      sum[score]! += count;
    }
  }
  return buckets.map((bucket) => ({ bucket, summary: summarize(sums.get(bucket)!) }));
}
