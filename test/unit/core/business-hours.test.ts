import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BusinessHours,
  DEFAULT_BUSINESS_HOURS,
  isWithinBusinessHours,
  nextSlot,
  spreadOf,
  validateBusinessHours,
} from '../../../src/core/business-hours';
import { DAY_MS, HOUR_MS, type Weekday, wallClockOf, weekdayOf } from '../../../src/core/calendar';
import { formatFieldError } from '../../../src/core/validation';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();
const BERLIN = 'Europe/Berlin';

function errorsOf(input: unknown): string[] {
  const result = validateBusinessHours(input);
  return result.ok ? [] : result.errors.map(formatFieldError);
}

describe('validateBusinessHours', () => {
  it('accepts the default and sorts weekdays', () => {
    expect(validateBusinessHours(DEFAULT_BUSINESS_HOURS)).toEqual({
      ok: true,
      value: { weekdays: [1, 2, 3, 4, 5], start_hour: 9, end_hour: 17 },
    });
    expect(validateBusinessHours({ weekdays: [7, 6], start_hour: 0, end_hour: 24 })).toEqual({
      ok: true,
      value: { weekdays: [6, 7], start_hour: 0, end_hour: 24 },
    });
  });

  it('names the field of every problem', () => {
    expect(errorsOf({ weekdays: [1, 2, 3, 4, 5], start_hour: 17, end_hour: 9 })).toEqual([
      'business_hours.end_hour: must be after start_hour (17)',
    ]);
    expect(errorsOf({ weekdays: [1], start_hour: 9, end_hour: 9 })).toEqual([
      'business_hours.end_hour: must be after start_hour (9)',
    ]);
    expect(errorsOf({ weekdays: [], start_hour: 9, end_hour: 17 })).toEqual([
      'business_hours.weekdays: must be a non-empty list of weekdays (1 = Monday … 7 = Sunday)',
    ]);
    expect(errorsOf({ weekdays: [1, 0, 1, '2'], start_hour: 9.5, end_hour: 25, extra: 1 })).toEqual([
      'business_hours.extra: unknown field',
      'business_hours.weekdays.1: not a weekday 1-7: 0',
      'business_hours.weekdays.2: weekday 1 is listed twice',
      'business_hours.weekdays.3: not a weekday 1-7: "2"',
      'business_hours.start_hour: must be a whole hour from 0 to 23',
      'business_hours.end_hour: must be a whole hour from 1 to 24',
    ]);
    expect(errorsOf(null)).toEqual(['business_hours: must be an object']);
  });
});

describe('nextSlot (Europe/Berlin, Mon-Fri 9-17)', () => {
  const slot = (after: string, spread?: number) =>
    iso(nextSlot(at(after), BERLIN, DEFAULT_BUSINESS_HOURS, spread));

  it('keeps an instant that is inside the window', () => {
    expect(slot('2024-03-29T15:59:00Z')).toBe('2024-03-29T15:59:00.000Z'); // Friday 16:59 CET
    expect(slot('2024-03-29T15:59:59.999Z')).toBe('2024-03-29T15:59:59.999Z');
    expect(slot('2024-03-25T08:00:00Z')).toBe('2024-03-25T08:00:00.000Z'); // Monday 09:00 exactly
  });

  it('moves Friday 17:00 over the DST weekend to Monday 09:00 CEST', () => {
    // Berlin switches to summer time on Sunday 2024-03-31: Monday 09:00 is 07:00Z, not 08:00Z
    expect(slot('2024-03-29T16:00:00Z')).toBe('2024-04-01T07:00:00.000Z');
    expect(slot('2024-03-30T10:00:00Z')).toBe('2024-04-01T07:00:00.000Z'); // Saturday
    expect(slot('2024-03-31T01:30:00Z')).toBe('2024-04-01T07:00:00.000Z'); // Sunday 03:30, just after the gap
  });

  it('moves to Monday 09:00 CET after the autumn switch', () => {
    expect(slot('2024-10-25T15:00:00Z')).toBe('2024-10-28T08:00:00.000Z'); // Friday 17:00 CEST
  });

  it('waits for the opening on the same day', () => {
    expect(slot('2024-03-25T05:30:00Z')).toBe('2024-03-25T08:00:00.000Z'); // Monday 06:30 CET
    expect(slot('2024-03-24T23:00:00Z')).toBe('2024-03-25T08:00:00.000Z'); // Monday 00:00 CET
  });

  it('judges the day by the local calendar, not by UTC', () => {
    // Monday 2024-03-25 23:30Z is Tuesday 00:30 in Berlin: Tuesday 09:00
    expect(slot('2024-03-25T23:30:00Z')).toBe('2024-03-26T08:00:00.000Z');
  });

  it('places a spread send at its fraction of the window', () => {
    expect(slot('2024-03-25T05:00:00Z', 0.5)).toBe('2024-03-25T12:00:00.000Z'); // 13:00 CET
    expect(slot('2024-03-25T05:00:00Z', 0.25)).toBe('2024-03-25T10:00:00.000Z'); // 11:00
    // after the opening: spread over what is left (15:00-17:00 → 16:00), never before `after`
    expect(slot('2024-03-25T14:00:00Z', 0.5)).toBe('2024-03-25T15:00:00.000Z');
    expect(slot('2024-03-25T14:00:00Z', 0)).toBe('2024-03-25T14:00:00.000Z');
    // the largest spread stays inside: before 17:00
    expect(
      nextSlot(at('2024-03-25T05:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS, 0.999_999_999).getTime(),
    ).toBe(Date.parse('2024-03-25T16:00:00Z') - 1);
    // Friday after closing: Monday's full window in summer time
    expect(slot('2024-03-29T16:00:00Z', 0.5)).toBe('2024-04-01T11:00:00.000Z'); // 13:00 CEST
  });

  it('refuses an invalid spread, window or date', () => {
    expect(() => nextSlot(at('2024-03-25T05:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS, 1)).toThrow(RangeError);
    expect(() => nextSlot(at('2024-03-25T05:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS, -0.1)).toThrow(
      RangeError,
    );
    expect(() => nextSlot(at('2024-03-25T05:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS, Number.NaN)).toThrow(
      RangeError,
    );
    expect(() =>
      nextSlot(at('2024-03-25T05:00:00Z'), BERLIN, { weekdays: [], start_hour: 9, end_hour: 17 }),
    ).toThrow(RangeError);
    expect(() => nextSlot(new Date(Number.NaN), BERLIN, DEFAULT_BUSINESS_HOURS)).toThrow(RangeError);
  });
});

describe('nextSlot in other zones and windows', () => {
  it('uses the contact’s zone', () => {
    // Friday 2024-03-08 22:00Z: 17:00 in New York (closed), Saturday 03:30 in Kolkata
    expect(iso(nextSlot(at('2024-03-08T22:00:00Z'), 'America/New_York', DEFAULT_BUSINESS_HOURS))).toBe(
      '2024-03-11T13:00:00.000Z', // Monday 09:00 EDT (New York switched on Sunday 2024-03-10)
    );
    expect(iso(nextSlot(at('2024-03-08T22:00:00Z'), 'Asia/Kolkata', DEFAULT_BUSINESS_HOURS))).toBe(
      '2024-03-11T03:30:00.000Z', // Monday 09:00 IST
    );
  });

  it('handles weekend-only and until-midnight windows', () => {
    const weekend: BusinessHours = { weekdays: [6, 7], start_hour: 10, end_hour: 24 };
    expect(iso(nextSlot(at('2024-03-27T12:00:00Z'), BERLIN, weekend))).toBe('2024-03-30T09:00:00.000Z'); // Sat 10:00 CET
    expect(iso(nextSlot(at('2024-03-30T22:59:00Z'), BERLIN, weekend))).toBe('2024-03-30T22:59:00.000Z'); // Sat 23:59
    expect(iso(nextSlot(at('2024-03-30T23:00:00Z'), BERLIN, weekend))).toBe('2024-03-31T08:00:00.000Z'); // Sun 10:00 CEST
  });

  it('skips a day whose whole window falls in a DST gap', () => {
    // Santiago 2024-09-08 (Sunday): 00:00-01:00 does not exist, so a 0-1 window is empty that day
    const window: BusinessHours = { weekdays: [1, 2, 3, 4, 5, 6, 7], start_hour: 0, end_hour: 1 };
    expect(iso(nextSlot(at('2024-09-08T03:00:00Z'), 'America/Santiago', window))).toBe(
      '2024-09-09T03:00:00.000Z',
    );
  });

  it('isWithinBusinessHours: [start, end)', () => {
    expect(isWithinBusinessHours(at('2024-03-29T08:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS)).toBe(true);
    expect(isWithinBusinessHours(at('2024-03-29T07:59:59.999Z'), BERLIN, DEFAULT_BUSINESS_HOURS)).toBe(false);
    expect(isWithinBusinessHours(at('2024-03-29T16:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS)).toBe(false);
    expect(isWithinBusinessHours(at('2024-03-30T10:00:00Z'), BERLIN, DEFAULT_BUSINESS_HOURS)).toBe(false);
  });
});

describe('spreadOf', () => {
  it('is stable and in [0, 1)', () => {
    expect(spreadOf('contact-1')).toBe(spreadOf('contact-1'));
    expect(spreadOf('contact-1')).not.toBe(spreadOf('contact-2'));
    fc.assert(
      fc.property(fc.string(), (id) => {
        const spread = spreadOf(id);
        expect(spread >= 0 && spread < 1).toBe(true);
      }),
    );
  });

  it('spreads 10,000 sends of one day evenly over the eight hours of 9-17', () => {
    const perHour = new Array<number>(8).fill(0);
    const opening = at('2024-03-25T08:00:00Z');
    for (let i = 0; i < 10_000; i++) {
      const id = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
      const slot = nextSlot(opening, BERLIN, DEFAULT_BUSINESS_HOURS, spreadOf(id));
      perHour[Math.floor((slot.getTime() - opening.getTime()) / HOUR_MS)]! += 1;
    }
    // 1,250 expected per hour; ±150 is more than 4 standard deviations (√(10000·⅛·⅞) ≈ 33)
    for (const count of perHour) expect(Math.abs(count - 1250)).toBeLessThan(150);
  });
});

describe('nextSlot properties', () => {
  const windowArb = fc
    .record({
      weekdays: fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
      start: fc.integer({ min: 0, max: 23 }),
      length: fc.integer({ min: 1, max: 24 }),
    })
    .map(
      ({ weekdays, start, length }): BusinessHours => ({
        weekdays: weekdays as Weekday[],
        start_hour: start,
        end_hour: Math.min(24, start + length),
      }),
    );
  const zoneArb = fc.constantFrom('UTC', BERLIN, 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe');
  const instantArb = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });

  function inside(instant: Date, zone: string, window: BusinessHours): boolean {
    const wall = wallClockOf(instant, zone);
    return (
      window.weekdays.includes(weekdayOf(wall.day)) &&
      wall.msOfDay >= window.start_hour * HOUR_MS &&
      wall.msOfDay < window.end_hour * HOUR_MS
    );
  }

  it('is inside the window, >= after, within 8 days, and the first such instant without a spread', () => {
    fc.assert(
      fc.property(instantArb, zoneArb, windowArb, (t, zone, window) => {
        const slot = nextSlot(new Date(t), zone, window);
        expect(slot.getTime()).toBeGreaterThanOrEqual(t);
        expect(slot.getTime() - t).toBeLessThan(8 * DAY_MS);
        expect(inside(slot, zone, window)).toBe(true);
        // the first: either `after` itself, or the moment just before is outside the window
        if (slot.getTime() > t) expect(inside(new Date(slot.getTime() - 1), zone, window)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('with a spread, is inside the window and >= after, on the same day as without', () => {
    fc.assert(
      fc.property(
        instantArb,
        zoneArb,
        windowArb,
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (t, zone, window, spread) => {
          const plain = nextSlot(new Date(t), zone, window);
          const spreadSlot = nextSlot(new Date(t), zone, window, spread);
          expect(spreadSlot.getTime()).toBeGreaterThanOrEqual(plain.getTime());
          expect(inside(spreadSlot, zone, window)).toBe(true);
          expect(wallClockOf(spreadSlot, zone).day).toBe(wallClockOf(plain, zone).day);
        },
      ),
      { numRuns: 300 },
    );
  });
});
