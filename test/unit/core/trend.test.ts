import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addDays,
  bucketOf,
  bucketsBetween,
  buildTrend,
  type Granularity,
  isValidDay,
  localDay,
} from '../../../src/core/trend';

const GRANULARITIES: Granularity[] = ['day', 'week', 'month'];

/** Days between 1990 and 2060, via Date as an independent reference. */
const dayArb = fc
  .integer({ min: Date.UTC(1990, 0, 1) / 86_400_000, max: Date.UTC(2060, 11, 31) / 86_400_000 })
  .map((dayNumber) => new Date(dayNumber * 86_400_000).toISOString().slice(0, 10));

const at = (iso: string): Date => new Date(iso);

describe('localDay', () => {
  it('follows Europe/Berlin across the spring switch (CET → CEST, 2024-03-31)', () => {
    // before: UTC+1, midnight = 23:00Z the day before; after: UTC+2, midnight = 22:00Z
    expect(localDay(at('2024-03-30T22:59:59Z'), 'Europe/Berlin')).toBe('2024-03-30');
    expect(localDay(at('2024-03-30T23:00:00Z'), 'Europe/Berlin')).toBe('2024-03-31');
    expect(localDay(at('2024-03-31T01:30:00Z'), 'Europe/Berlin')).toBe('2024-03-31'); // 03:30 CEST
    expect(localDay(at('2024-03-31T21:59:59Z'), 'Europe/Berlin')).toBe('2024-03-31');
    expect(localDay(at('2024-03-31T22:00:00Z'), 'Europe/Berlin')).toBe('2024-04-01');
  });

  it('follows Europe/Berlin across the autumn switch (CEST → CET, 2024-10-27)', () => {
    expect(localDay(at('2024-10-26T21:59:59Z'), 'Europe/Berlin')).toBe('2024-10-26');
    expect(localDay(at('2024-10-26T22:00:00Z'), 'Europe/Berlin')).toBe('2024-10-27');
    expect(localDay(at('2024-10-27T22:59:59Z'), 'Europe/Berlin')).toBe('2024-10-27'); // 23:59:59 CET
    expect(localDay(at('2024-10-27T23:00:00Z'), 'Europe/Berlin')).toBe('2024-10-28');
  });

  it('follows America/New_York (negative offset) across both switches of 2024', () => {
    // EST = UTC−5 until 2024-03-10 07:00Z, then EDT = UTC−4 until 2024-11-03 06:00Z
    expect(localDay(at('2024-03-10T04:59:59Z'), 'America/New_York')).toBe('2024-03-09');
    expect(localDay(at('2024-03-10T05:00:00Z'), 'America/New_York')).toBe('2024-03-10');
    expect(localDay(at('2024-03-11T03:59:59Z'), 'America/New_York')).toBe('2024-03-10');
    expect(localDay(at('2024-03-11T04:00:00Z'), 'America/New_York')).toBe('2024-03-11');
    expect(localDay(at('2024-11-03T03:59:59Z'), 'America/New_York')).toBe('2024-11-02');
    expect(localDay(at('2024-11-03T04:00:00Z'), 'America/New_York')).toBe('2024-11-03');
    expect(localDay(at('2024-11-04T04:59:59Z'), 'America/New_York')).toBe('2024-11-03');
    expect(localDay(at('2024-11-04T05:00:00Z'), 'America/New_York')).toBe('2024-11-04');
  });

  it('handles UTC, fractional offsets and a skipped day', () => {
    expect(localDay(at('2024-01-01T00:00:00Z'), 'UTC')).toBe('2024-01-01');
    // Asia/Kolkata is UTC+5:30: 18:30Z is local midnight
    expect(localDay(at('2024-01-01T18:29:59Z'), 'Asia/Kolkata')).toBe('2024-01-01');
    expect(localDay(at('2024-01-01T18:30:00Z'), 'Asia/Kolkata')).toBe('2024-01-02');
    // Samoa moved across the date line and skipped 2011-12-30 entirely
    expect(localDay(at('2011-12-30T09:59:59Z'), 'Pacific/Apia')).toBe('2011-12-29');
    expect(localDay(at('2011-12-30T10:00:00Z'), 'Pacific/Apia')).toBe('2011-12-31');
  });

  it('never goes backwards within a zone, and stays within ±14 h of the UTC day', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'America/St_Johns', 'Pacific/Chatham', 'Asia/Tokyo'];
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: 0, max: 3 * 86_400_000 }),
        (zone, t, step) => {
          const a = localDay(new Date(t), zone);
          const b = localDay(new Date(t + step), zone);
          expect(a <= b).toBe(true);
          expect(isValidDay(a)).toBe(true);
          const earliest = new Date(t - 14 * 3_600_000).toISOString().slice(0, 10);
          const latest = new Date(t + 14 * 3_600_000).toISOString().slice(0, 10);
          expect(a >= earliest && a <= latest).toBe(true);
        },
      ),
    );
  });

  it('changes day exactly once per local midnight through DST weeks', () => {
    for (const [zone, start] of [
      ['Europe/Berlin', '2024-03-28T00:00:00Z'],
      ['Europe/Berlin', '2024-10-24T00:00:00Z'],
      ['America/New_York', '2024-03-07T00:00:00Z'],
      ['America/New_York', '2024-10-31T00:00:00Z'],
    ] as const) {
      const seen: string[] = [];
      for (let t = Date.parse(start); t < Date.parse(start) + 7 * 86_400_000; t += 15 * 60_000) {
        const day = localDay(new Date(t), zone);
        if (seen.at(-1) !== day) seen.push(day);
      }
      // consecutive calendar days, none repeated or skipped
      for (let i = 1; i < seen.length; i++) expect(seen[i]).toBe(addDays(seen[i - 1]!, 1));
    }
  });

  it('throws RangeError on an unknown zone or an invalid date', () => {
    expect(() => localDay(new Date(), 'Mars/Olympus_Mons')).toThrow(RangeError);
    expect(() => localDay(new Date(Number.NaN), 'UTC')).toThrow(RangeError);
  });
});

describe('days', () => {
  it('validates real calendar days only', () => {
    for (const day of ['2024-02-29', '2000-02-29', '1999-12-31', '0099-01-01'])
      expect(isValidDay(day)).toBe(true);
    for (const day of [
      '2023-02-29',
      '1900-02-29',
      '2024-13-01',
      '2024-04-31',
      '2024-1-01',
      '2024-01-01T00:00',
      '',
    ]) {
      expect(isValidDay(day)).toBe(false);
    }
  });

  it('adds days across months, leap days and centuries', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2024-02-28', 2)).toBe('2024-03-01');
    expect(addDays('1900-02-28', 1)).toBe('1900-03-01');
    expect(addDays('2000-02-28', 1)).toBe('2000-02-29');
    expect(addDays('2024-12-31', 1)).toBe('2025-01-01');
    expect(addDays('2025-01-01', -1)).toBe('2024-12-31');
    expect(addDays('0099-12-31', 1)).toBe('0100-01-01'); // no two-digit-year surprise
    expect(() => addDays('2024-02-30', 1)).toThrow(RangeError);
    expect(() => addDays('2024-02-01', 1.5)).toThrow(RangeError);
    expect(() => addDays('9999-12-31', 1)).toThrow(RangeError);
  });

  it('agrees with Date arithmetic and round-trips', () => {
    fc.assert(
      fc.property(dayArb, fc.integer({ min: -2000, max: 2000 }), (day, n) => {
        const expected = new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
        expect(addDays(day, n)).toBe(expected);
        expect(addDays(addDays(day, n), -n)).toBe(day);
      }),
    );
  });
});

describe('buckets', () => {
  it('starts weeks on the ISO Monday and months on the first', () => {
    expect(bucketOf('2024-03-31', 'day')).toBe('2024-03-31');
    expect(bucketOf('2024-03-31', 'week')).toBe('2024-03-25'); // a Sunday belongs to the week before
    expect(bucketOf('2024-04-01', 'week')).toBe('2024-04-01'); // a Monday starts its own week
    expect(bucketOf('2021-01-03', 'week')).toBe('2020-12-28'); // ISO week 53 of 2020
    expect(bucketOf('2024-02-29', 'month')).toBe('2024-02-01');
    expect(() => bucketOf('2024-02-30', 'week')).toThrow(RangeError);
  });

  it('puts every day in a bucket that starts on or before it, on a Monday or a first', () => {
    fc.assert(
      fc.property(dayArb, (day) => {
        const week = bucketOf(day, 'week');
        expect(new Date(`${week}T00:00:00Z`).getUTCDay()).toBe(1);
        expect(week <= day && addDays(week, 6) >= day).toBe(true);
        expect(bucketOf(day, 'month')).toBe(`${day.slice(0, 7)}-01`);
      }),
    );
  });

  it('lists the buckets covering a range, inclusive and ascending', () => {
    expect(bucketsBetween('2024-02-27', '2024-03-01', 'day')).toEqual([
      '2024-02-27',
      '2024-02-28',
      '2024-02-29',
      '2024-03-01',
    ]);
    expect(bucketsBetween('2024-03-27', '2024-04-08', 'week')).toEqual([
      '2024-03-25',
      '2024-04-01',
      '2024-04-08',
    ]);
    expect(bucketsBetween('2023-11-30', '2024-02-01', 'month')).toEqual([
      '2023-11-01',
      '2023-12-01',
      '2024-01-01',
      '2024-02-01',
    ]);
    expect(bucketsBetween('2024-03-05', '2024-03-05', 'month')).toEqual(['2024-03-01']);
    expect(bucketsBetween('9999-12-01', '9999-12-31', 'month')).toEqual(['9999-12-01']);
  });

  it('is empty when the range is inverted, even within one bucket', () => {
    expect(bucketsBetween('2024-03-02', '2024-03-01', 'day')).toEqual([]);
    expect(bucketsBetween('2024-03-27', '2024-03-26', 'week')).toEqual([]);
    expect(bucketsBetween('2024-03-27', '2024-03-26', 'month')).toEqual([]);
  });

  it('covers every day of the range with exactly one bucket', () => {
    fc.assert(
      fc.property(
        dayArb,
        fc.integer({ min: 0, max: 400 }),
        fc.constantFrom(...GRANULARITIES),
        (from, span, g) => {
          const to = addDays(from, span);
          const buckets = bucketsBetween(from, to, g);
          expect([...buckets].sort()).toEqual(buckets);
          expect(new Set(buckets).size).toBe(buckets.length);
          for (let day = from; day <= to; day = addDays(day, 1)) expect(buckets).toContain(bucketOf(day, g));
          expect(buckets[0]).toBe(bucketOf(from, g));
          expect(buckets.at(-1)).toBe(bucketOf(to, g));
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('buildTrend', () => {
  const one = (score: number, count = 1): number[] => {
    const d = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    d[score] = count;
    return d;
  };

  it('sums days into weeks and fills empty weeks', () => {
    const trend = buildTrend(
      [
        { day: '2024-03-04', distribution: one(10, 2) }, // Monday, week 1
        { day: '2024-03-10', distribution: one(0) }, // Sunday, week 1
        { day: '2024-03-10', distribution: one(9) }, // a second row for the same day
        { day: '2024-03-25', distribution: one(8) }, // week 4
      ],
      '2024-03-04',
      '2024-03-31',
      'week',
    );
    expect(trend.map((point) => point.bucket)).toEqual([
      '2024-03-04',
      '2024-03-11',
      '2024-03-18',
      '2024-03-25',
    ]);
    // week 1: 3 promoters, 1 detractor → NPS 100 × (3 − 1) / 4 = 50
    expect(trend[0]!.summary).toMatchObject({ n: 4, promoters: 3, detractors: 1, nps: 50 });
    expect(trend[1]!.summary).toMatchObject({ n: 0, nps: null, interval: null });
    expect(trend[3]!.summary).toMatchObject({ n: 1, passives: 1, nps: 0 });
  });

  it('ignores rows outside the range, also inside a partial first or last bucket', () => {
    const trend = buildTrend(
      [
        { day: '2024-02-29', distribution: one(10) }, // before the range, in no bucket
        { day: '2024-03-04', distribution: one(10) }, // Monday of the first week, but before fromDay
        { day: '2024-03-06', distribution: one(3) },
        { day: '2024-03-11', distribution: one(10) }, // after toDay, in the last week
      ],
      '2024-03-06',
      '2024-03-10',
      'week',
    );
    expect(trend).toHaveLength(1);
    expect(trend[0]!.summary).toMatchObject({ n: 1, detractors: 1 });
  });

  it('rejects invalid days and distributions', () => {
    expect(() =>
      buildTrend([{ day: '2024-3-6', distribution: one(1) }], '2024-03-01', '2024-03-31', 'day'),
    ).toThrow(RangeError);
    expect(() =>
      buildTrend([{ day: '2024-03-06', distribution: [1, 2] }], '2024-03-01', '2024-03-31', 'day'),
    ).toThrow(RangeError);
    const negative = one(1, -1);
    expect(() =>
      buildTrend([{ day: '2024-03-06', distribution: negative }], '2024-03-01', '2024-03-31', 'day'),
    ).toThrow(RangeError);
  });

  it('partitions the responses: the buckets add up to the rows in range', () => {
    const rowArb = fc.record({
      day: fc.integer({ min: 0, max: 120 }).map((offset) => addDays('2024-01-20', offset)),
      distribution: fc.array(fc.nat({ max: 5 }), { minLength: 11, maxLength: 11 }),
    });
    fc.assert(
      fc.property(
        fc.array(rowArb, { maxLength: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 80 }),
        fc.constantFrom(...GRANULARITIES),
        (rows, start, span, g) => {
          const from = addDays('2024-01-25', start);
          const to = addDays(from, span);
          const trend = buildTrend(rows, from, to, g);
          const inRange = rows.filter((row) => row.day >= from && row.day <= to);
          const total = (d: readonly number[]) => d.reduce((a, b) => a + b, 0);
          expect(trend.reduce((sum, point) => sum + point.summary.n, 0)).toBe(
            inRange.reduce((sum, row) => sum + total(row.distribution), 0),
          );
          for (let score = 0; score <= 10; score++) {
            expect(trend.reduce((sum, p) => sum + p.summary.distribution[score]!, 0)).toBe(
              inRange.reduce((sum, row) => sum + row.distribution[score]!, 0),
            );
          }
          expect(trend.map((p) => p.bucket)).toEqual(bucketsBetween(from, to, g));
        },
      ),
    );
  });
});
