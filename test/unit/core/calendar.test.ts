import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonths,
  DAY_MS,
  daysBetween,
  HOUR_MS,
  instantAt,
  startOfDay,
  wallClockOf,
  weekdayOf,
  zoneOffsetMs,
} from '../../../src/core/calendar';
import { addDays, dayNumberOf, dayOfNumber } from '../../../src/core/trend';

const at = (iso: string): Date => new Date(iso);
const iso = (date: Date): string => date.toISOString();
const H = HOUR_MS;

/** Days between 1990 and 2060, via Date as an independent reference. */
const dayArb = fc
  .integer({ min: Date.UTC(1990, 0, 1) / DAY_MS, max: Date.UTC(2060, 11, 31) / DAY_MS })
  .map((n) => new Date(n * DAY_MS).toISOString().slice(0, 10));

const ZONES = [
  'UTC',
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago', // switches at midnight: some days start at 01:00
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kolkata', // +05:30, no DST
  'Pacific/Chatham', // +12:45 / +13:45
  'Pacific/Apia', // skipped 2011-12-30
];

describe('dayNumberOf / dayOfNumber', () => {
  it('counts days from 1970-01-01 and back', () => {
    expect(dayNumberOf('1970-01-01')).toBe(0);
    expect(dayNumberOf('1969-12-31')).toBe(-1);
    expect(dayNumberOf('2024-03-01')).toBe(19_783);
    expect(dayOfNumber(19_783)).toBe('2024-03-01');
    expect(dayOfNumber(-1)).toBe('1969-12-31');
    expect(() => dayNumberOf('2023-02-29')).toThrow(RangeError);
    expect(() => dayOfNumber(1.5)).toThrow(RangeError);
  });

  it('agrees with Date and round-trips', () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        expect(dayNumberOf(day)).toBe(Date.parse(`${day}T00:00:00Z`) / DAY_MS);
        expect(dayOfNumber(dayNumberOf(day))).toBe(day);
      }),
    );
  });
});

describe('weekdayOf', () => {
  it('gives ISO weekdays', () => {
    expect(weekdayOf('2024-01-01')).toBe(1); // Monday
    expect(weekdayOf('2024-03-29')).toBe(5); // Friday
    expect(weekdayOf('2024-03-31')).toBe(7); // Sunday (Berlin's spring switch)
    expect(weekdayOf('2000-02-29')).toBe(2); // Tuesday
    expect(weekdayOf('1969-12-31')).toBe(3); // Wednesday, before day 0
  });

  it('agrees with Date.getUTCDay', () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        expect(weekdayOf(day) % 7).toBe(new Date(`${day}T00:00:00Z`).getUTCDay());
      }),
    );
  });
});

describe('daysBetween', () => {
  it('counts calendar days across a leap day', () => {
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2023-02-28', '2023-03-01')).toBe(1);
    expect(daysBetween('2024-03-01', '2024-02-28')).toBe(-2);
  });

  it('is the inverse of addDays', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -5000, max: 5000 }), (day, n) => {
        expect(daysBetween(day, addDays(day, n))).toBe(n);
      }),
    );
  });
});

describe('addMonths', () => {
  it('clamps to the end of shorter months', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29'); // leap year
    expect(addMonths('2023-01-31', 1)).toBe('2023-02-28');
    expect(addMonths('2024-01-31', 2)).toBe('2024-03-31'); // counted from the 31st, no drift
    expect(addMonths('2024-01-31', 3)).toBe('2024-04-30');
    expect(addMonths('2024-03-31', -1)).toBe('2024-02-29');
    expect(addMonths('2024-02-29', 12)).toBe('2025-02-28');
    expect(addMonths('2024-02-29', 48)).toBe('2028-02-29');
    expect(addMonths('1900-01-31', 1)).toBe('1900-02-28'); // 1900 is not a leap year
    expect(addMonths('2000-01-31', 1)).toBe('2000-02-29'); // 2000 is
  });

  it('crosses years in both directions', () => {
    expect(addMonths('2024-12-15', 1)).toBe('2025-01-15');
    expect(addMonths('2024-01-10', -13)).toBe('2022-12-10');
    expect(addMonths('2024-05-20', 0)).toBe('2024-05-20');
    expect(addMonths('2024-05-20', 120)).toBe('2034-05-20');
  });

  it('refuses invalid input', () => {
    expect(() => addMonths('2024-02-30', 1)).toThrow(RangeError);
    expect(() => addMonths('2024-01-01', 1.5)).toThrow(RangeError);
    expect(() => addMonths('9999-12-01', 1)).toThrow(RangeError);
  });

  it('moves the month index by n and keeps the day unless the month is shorter', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -600, max: 600 }), (day, n) => {
        const result = addMonths(day, n);
        const monthIndex = (d: string) => Number(d.slice(0, 4)) * 12 + Number(d.slice(5, 7)) - 1;
        expect(monthIndex(result) - monthIndex(day)).toBe(n);
        const date = Number(day.slice(8, 10));
        const resultDate = Number(result.slice(8, 10));
        if (resultDate !== date) {
          // clamped: the result is the last day of its month
          expect(resultDate).toBeLessThan(date);
          expect(addDays(result, 1).slice(8, 10)).toBe('01');
        }
        if (date <= 28) expect(addMonths(result, -n)).toBe(day);
      }),
    );
  });
});

describe('zoneOffsetMs / wallClockOf', () => {
  it('reads offsets, including fractional ones', () => {
    expect(zoneOffsetMs(at('2024-01-15T12:00:00Z'), 'Europe/Berlin')).toBe(1 * H);
    expect(zoneOffsetMs(at('2024-07-15T12:00:00Z'), 'Europe/Berlin')).toBe(2 * H);
    expect(zoneOffsetMs(at('2024-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * H);
    expect(zoneOffsetMs(at('2024-01-15T12:00:00Z'), 'Asia/Kolkata')).toBe(5.5 * H);
    expect(zoneOffsetMs(at('2024-01-15T12:00:00Z'), 'Pacific/Chatham')).toBe(13.75 * H);
    expect(zoneOffsetMs(at('2024-01-15T12:00:00.999Z'), 'UTC')).toBe(0);
    expect(zoneOffsetMs(new Date(-1), 'UTC')).toBe(0); // before 1970, milliseconds floor the right way
    expect(() => zoneOffsetMs(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
    expect(() => zoneOffsetMs(at('2024-01-15T12:00:00Z'), 'Mars/Olympus')).toThrow(RangeError);
  });

  it('switches at the exact instant of Berlin’s DST changes', () => {
    expect(zoneOffsetMs(at('2024-03-31T00:59:59.999Z'), 'Europe/Berlin')).toBe(1 * H);
    expect(zoneOffsetMs(at('2024-03-31T01:00:00Z'), 'Europe/Berlin')).toBe(2 * H);
    expect(zoneOffsetMs(at('2024-10-27T00:59:59.999Z'), 'Europe/Berlin')).toBe(2 * H);
    expect(zoneOffsetMs(at('2024-10-27T01:00:00Z'), 'Europe/Berlin')).toBe(1 * H);
  });

  it('shows the local day and time, with milliseconds', () => {
    expect(wallClockOf(at('2024-03-31T01:30:00Z'), 'Europe/Berlin')).toEqual({
      day: '2024-03-31',
      msOfDay: 3.5 * H,
    });
    expect(wallClockOf(at('2024-03-29T15:59:59.250Z'), 'Europe/Berlin')).toEqual({
      day: '2024-03-29',
      msOfDay: 17 * H - 750,
    });
    expect(wallClockOf(at('2024-01-01T03:00:00Z'), 'America/New_York')).toEqual({
      day: '2023-12-31',
      msOfDay: 22 * H,
    });
  });
});

/**
 * Either the wanted wall time was shown (shift 0), or it fell in a gap and the result is shifted by
 * exactly the gap: the offset jumped by `shift` between just before the shifted-back instant and the
 * instant itself.
 */
function expectGapOrExact(zone: string, instant: Date, shift: number): void {
  if (shift === 0) return;
  expect(shift).toBeGreaterThan(0);
  const before = zoneOffsetMs(new Date(instant.getTime() - shift - 1), zone);
  expect(zoneOffsetMs(instant, zone) - before).toBe(shift);
}

describe('instantAt', () => {
  it('converts ordinary wall times in winter and summer', () => {
    expect(iso(instantAt('2024-01-15', 9 * H, 'Europe/Berlin'))).toBe('2024-01-15T08:00:00.000Z');
    expect(iso(instantAt('2024-07-15', 9 * H, 'Europe/Berlin'))).toBe('2024-07-15T07:00:00.000Z');
    expect(iso(instantAt('2024-07-15', 9 * H, 'America/New_York'))).toBe('2024-07-15T13:00:00.000Z');
    expect(iso(instantAt('2024-01-15', 0, 'Asia/Kolkata'))).toBe('2024-01-14T18:30:00.000Z');
    expect(iso(instantAt('2024-01-15', 24 * H, 'Europe/Berlin'))).toBe('2024-01-15T23:00:00.000Z');
  });

  it('moves a wall time in a spring-forward gap forward by the gap', () => {
    // Berlin 2024-03-31: 02:00 CET jumps to 03:00 CEST; 02:00-02:59 do not exist.
    expect(iso(instantAt('2024-03-31', 2.5 * H, 'Europe/Berlin'))).toBe('2024-03-31T01:30:00.000Z'); // 03:30 CEST
    expect(iso(instantAt('2024-03-31', 2 * H, 'Europe/Berlin'))).toBe('2024-03-31T01:00:00.000Z'); // 03:00 CEST
    expect(iso(instantAt('2024-03-31', 1.5 * H, 'Europe/Berlin'))).toBe('2024-03-31T00:30:00.000Z'); // before: CET
    expect(iso(instantAt('2024-03-31', 3 * H, 'Europe/Berlin'))).toBe('2024-03-31T01:00:00.000Z'); // after: CEST
    // New York 2024-03-10: 02:00 EST jumps to 03:00 EDT.
    expect(iso(instantAt('2024-03-10', 2.5 * H, 'America/New_York'))).toBe('2024-03-10T07:30:00.000Z');
    // Lord Howe 2024-10-06: 02:00 jumps to 02:30 (+10:30 → +11).
    expect(iso(instantAt('2024-10-06', 2.25 * H, 'Australia/Lord_Howe'))).toBe('2024-10-05T15:45:00.000Z');
    // Santiago 2024-09-08: midnight does not exist, the day begins at 01:00 (-03).
    expect(iso(startOfDay('2024-09-08', 'America/Santiago'))).toBe('2024-09-08T04:00:00.000Z');
    // Samoa skipped 2011-12-30 entirely (-10 → +14): noon that day is noon of the next.
    expect(iso(instantAt('2011-12-30', 12 * H, 'Pacific/Apia'))).toBe('2011-12-30T22:00:00.000Z');
    expect(wallClockOf(at('2011-12-30T22:00:00Z'), 'Pacific/Apia')).toEqual({
      day: '2011-12-31',
      msOfDay: 12 * H,
    });
  });

  it('takes the earlier instant of a wall time that happens twice', () => {
    // Berlin 2024-10-27: 03:00 CEST goes back to 02:00 CET; 02:00-02:59 happen twice.
    expect(iso(instantAt('2024-10-27', 2.5 * H, 'Europe/Berlin'))).toBe('2024-10-27T00:30:00.000Z'); // CEST
    expect(iso(instantAt('2024-10-27', 2 * H, 'Europe/Berlin'))).toBe('2024-10-27T00:00:00.000Z');
    expect(iso(instantAt('2024-10-27', 3 * H, 'Europe/Berlin'))).toBe('2024-10-27T02:00:00.000Z'); // only CET
    // New York 2024-11-03: 01:00-01:59 happen twice, EDT first.
    expect(iso(instantAt('2024-11-03', 1.5 * H, 'America/New_York'))).toBe('2024-11-03T05:30:00.000Z');
  });

  it('refuses invalid times, days and zones', () => {
    expect(() => instantAt('2024-01-15', -1, 'UTC')).toThrow(RangeError);
    expect(() => instantAt('2024-01-15', 24 * H + 1, 'UTC')).toThrow(RangeError);
    expect(() => instantAt('2024-01-15', 0.5, 'UTC')).toThrow(RangeError);
    expect(() => instantAt('2024-02-30', 0, 'UTC')).toThrow(RangeError);
    expect(() => instantAt('2024-01-15', 0, 'Nowhere/Town')).toThrow(RangeError);
  });

  it('round-trips: the wall clock at any instant converts back to that instant or its earlier twin', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        (zone, t) => {
          const wall = wallClockOf(new Date(t), zone);
          const back = instantAt(wall.day, wall.msOfDay, zone).getTime();
          expect(back).toBeLessThanOrEqual(t);
          // only in a fall-back overlap is there an earlier twin, at most an hour before
          expect(t - back).toBeLessThanOrEqual(H);
          expect(wallClockOf(new Date(back), zone)).toEqual(wall);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('shows the wanted wall time, or one later by a gap, never an earlier one', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...ZONES),
        dayArb,
        fc.integer({ min: 0, max: DAY_MS - 1 }),
        (zone, day, msOfDay) => {
          const instant = instantAt(day, msOfDay, zone);
          const wall = wallClockOf(instant, zone);
          const wanted = dayNumberOf(day) * DAY_MS + msOfDay;
          const shown = dayNumberOf(wall.day) * DAY_MS + wall.msOfDay;
          expect(shown).toBeGreaterThanOrEqual(wanted);
          expect(shown - wanted).toBeLessThanOrEqual(DAY_MS); // Samoa's skipped day is the largest gap
          expectGapOrExact(zone, instant, shown - wanted);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('is exact or shifted by the gap at every 10 minutes of every day with a switch (2011 and 2024)', () => {
    let gaps = 0;
    let overlaps = 0;
    for (const zone of ZONES) {
      for (const year of [2011, 2024]) {
        for (let day = `${year}-01-01`; day <= `${year}-12-31`; day = addDays(day, 1)) {
          const noon = Date.parse(`${day}T12:00:00Z`);
          if (zoneOffsetMs(new Date(noon - DAY_MS), zone) === zoneOffsetMs(new Date(noon + DAY_MS), zone))
            continue;
          for (let msOfDay = 0; msOfDay < DAY_MS; msOfDay += 10 * 60_000) {
            const instant = instantAt(day, msOfDay, zone);
            const wall = wallClockOf(instant, zone);
            const shift =
              dayNumberOf(wall.day) * DAY_MS + wall.msOfDay - (dayNumberOf(day) * DAY_MS + msOfDay);
            expectGapOrExact(zone, instant, shift);
            if (shift > 0) gaps++;
            // a twin one offset-change later shows the same wall time: we must have taken the earlier
            const later =
              instant.getTime() +
              (zoneOffsetMs(instant, zone) - zoneOffsetMs(new Date(instant.getTime() + DAY_MS), zone));
            if (later > instant.getTime() && shift === 0) {
              const twin = wallClockOf(new Date(later), zone);
              if (twin.day === wall.day && twin.msOfDay === wall.msOfDay) overlaps++;
            }
          }
        }
      }
    }
    // Berlin, New York, Santiago, Lord Howe, Chatham each spring forward once in 2024, and Apia skipped a day in 2011
    expect(gaps).toBeGreaterThan(25);
    expect(overlaps).toBeGreaterThan(25);
  });
});
