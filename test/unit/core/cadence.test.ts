import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  AFTER_WINNING_CUSTOMER,
  anchorDayOf,
  type CadenceRule,
  MAX_MILESTONES,
  nextDueDate,
  QUARTERLY_FOR_ALL,
  validateCadenceRule,
} from '../../../src/core/cadence';
import { addMonths, DAY_MS } from '../../../src/core/calendar';
import { formatFieldError } from '../../../src/core/validation';

function errorsOf(input: unknown): string[] {
  const result = validateCadenceRule(input);
  return result.ok ? [] : result.errors.map(formatFieldError);
}

const rule = (milestones: number[], every: number | null): CadenceRule => ({
  anchor: { kind: 'first_seen' },
  milestones_months: milestones,
  then_every_months: every,
});

describe('validateCadenceRule', () => {
  it('accepts the presets and returns a copy', () => {
    for (const preset of [AFTER_WINNING_CUSTOMER, QUARTERLY_FOR_ALL]) {
      const result = validateCadenceRule(preset);
      expect(result).toEqual({ ok: true, value: preset });
      if (result.ok) expect(result.value.milestones_months).not.toBe(preset.milestones_months);
    }
    expect(
      validateCadenceRule({
        anchor: { kind: 'fixed', day: '2024-02-29' },
        milestones_months: [1],
        then_every_months: null,
      }).ok,
    ).toBe(true);
  });

  it('names the field of every problem with months', () => {
    expect(
      errorsOf({ anchor: { kind: 'first_seen' }, milestones_months: [6, 3], then_every_months: 0 }),
    ).toEqual([
      'cadence.milestones_months.1: must be greater than the milestone before it (6)',
      'cadence.then_every_months: must be a whole number of months from 1 to 1200, or null',
    ]);
    expect(
      errorsOf({
        anchor: { kind: 'first_seen' },
        milestones_months: [0, 3, 3, 2.5, '6'],
        then_every_months: 12,
      }),
    ).toEqual([
      'cadence.milestones_months.0: must be a whole number of months from 1 to 1200: 0',
      'cadence.milestones_months.2: must be greater than the milestone before it (3)',
      'cadence.milestones_months.3: must be a whole number of months from 1 to 1200: 2.5',
      'cadence.milestones_months.4: must be a whole number of months from 1 to 1200: "6"',
    ]);
    const many = Array.from({ length: MAX_MILESTONES + 1 }, (_, i) => i + 1);
    expect(
      errorsOf({ anchor: { kind: 'first_seen' }, milestones_months: many, then_every_months: null }),
    ).toEqual(['cadence.milestones_months: at most 24 milestones']);
    expect(
      errorsOf({ anchor: { kind: 'first_seen' }, milestones_months: [], then_every_months: null }),
    ).toEqual([
      'cadence.then_every_months: a rule without milestones needs a period, or it would never send',
    ]);
    expect(errorsOf({ anchor: { kind: 'first_seen' }, then_every_months: 3 })).toEqual([
      'cadence.milestones_months: must be a list of months, e.g. [3, 6, 12]',
    ]);
  });

  it('names the field of every problem with the anchor', () => {
    expect(
      errorsOf({ anchor: { kind: 'attribute' }, milestones_months: [3], then_every_months: null }),
    ).toEqual(['cadence.anchor.attribute: must be an attribute name such as customer_since']);
    expect(
      errorsOf({
        anchor: { kind: 'fixed', day: '2023-02-29' },
        milestones_months: [3],
        then_every_months: null,
      }),
    ).toEqual(['cadence.anchor.day: must be a day written YYYY-MM-DD']);
    expect(errorsOf({ anchor: { kind: 'signup' }, milestones_months: [3], then_every_months: null })).toEqual(
      ['cadence.anchor.kind: must be attribute, first_seen or fixed, not "signup"'],
    );
    expect(
      errorsOf({
        anchor: { kind: 'first_seen', day: '2024-01-01' },
        milestones_months: [3],
        then_every_months: null,
        every: 3,
      }),
    ).toEqual(['cadence.every: unknown field', 'cadence.anchor.day: unknown field']);
    expect(errorsOf('quarterly')).toEqual(['cadence: must be an object']);
  });
});

describe('anchorDayOf', () => {
  const contact = (attributes: Record<string, unknown>) => ({ attributes, firstSeenDay: '2023-05-02' });
  const since = { kind: 'attribute', attribute: 'customer_since' } as const;

  it('reads a date attribute, a first-seen day or a fixed day', () => {
    expect(anchorDayOf(since, contact({ customer_since: '2024-01-15' }))).toBe('2024-01-15');
    expect(anchorDayOf(since, contact({ customer_since: '2024-01-15T23:30:00Z' }))).toBe('2024-01-15');
    expect(anchorDayOf({ kind: 'first_seen' }, contact({}))).toBe('2023-05-02');
    expect(anchorDayOf({ kind: 'fixed', day: '2000-01-01' }, contact({}))).toBe('2000-01-01');
  });

  it('gives null when the attribute is missing or not a date', () => {
    expect(anchorDayOf(since, contact({}))).toBeNull();
    expect(anchorDayOf(since, contact({ customer_since: null }))).toBeNull();
    expect(anchorDayOf(since, contact({ customer_since: 20240115 }))).toBeNull();
    expect(anchorDayOf(since, contact({ customer_since: '2024-02-30' }))).toBeNull();
    expect(anchorDayOf(since, contact({ customer_since: '2024-01-15x' }))).toBeNull();
    expect(anchorDayOf({ kind: 'attribute', attribute: 'constructor' }, contact({}))).toBeNull();
  });
});

describe('nextDueDate', () => {
  it('counts milestones from the anchor, clamped at month ends', () => {
    // won on 31 January 2024: 3 months later is 30 April
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-31', null, '2024-02-01')).toBe('2024-04-30');
    // won on 30 November 2023: 3 months later is 29 February 2024 (leap year)
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2023-11-30', null, '2023-12-01')).toBe('2024-02-29');
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2022-11-30', null, '2022-12-01')).toBe('2023-02-28');
  });

  it('goes from one milestone to the next after a survey on the milestone day', () => {
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', '2024-04-15', '2024-04-15')).toBe('2024-07-15');
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', '2024-07-16', '2024-07-20')).toBe('2025-01-15');
    // after the milestones: every 12 months from the last one
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', '2025-01-15', '2025-01-15')).toBe('2026-01-15');
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2020-01-15', '2024-01-20', '2024-06-01')).toBe('2025-01-15');
  });

  it('makes a contact whose milestones passed without a survey due today, once', () => {
    // 3 and 6 months passed, never surveyed: due today, not twice
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', null, '2024-08-20')).toBe('2024-08-20');
    // surveyed today: the next date is the 12-month one, the missed 6-month one is not owed
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', '2024-08-20', '2024-08-21')).toBe('2025-01-15');
    // a customer since 2010 on a yearly rule, never surveyed
    expect(nextDueDate(rule([], 12), '2010-06-01', null, '2024-03-05')).toBe('2024-03-05');
  });

  it('ends a rule without a period after its last milestone', () => {
    const once = rule([3, 6], null);
    expect(nextDueDate(once, '2024-01-15', '2024-04-15', '2024-05-01')).toBe('2024-07-15');
    expect(nextDueDate(once, '2024-01-15', '2024-04-15', '2024-09-01')).toBe('2024-09-01'); // 6 months missed
    expect(nextDueDate(once, '2024-01-15', '2024-07-15', '2024-09-01')).toBeNull();
    expect(nextDueDate(once, '2024-01-15', '2024-09-01', '2030-01-01')).toBeNull();
  });

  it('runs quarterly for all on the first day of each quarter', () => {
    expect(nextDueDate(QUARTERLY_FOR_ALL, '2000-01-01', '2024-01-02', '2024-02-01')).toBe('2024-04-01');
    expect(nextDueDate(QUARTERLY_FOR_ALL, '2000-01-01', '2024-04-01', '2024-04-01')).toBe('2024-07-01');
    expect(nextDueDate(QUARTERLY_FOR_ALL, '2000-01-01', '2024-12-31', '2024-12-31')).toBe('2025-01-01');
    expect(nextDueDate(QUARTERLY_FOR_ALL, '2000-01-01', null, '2024-02-01')).toBe('2024-02-01'); // new: due now
  });

  it('counts every period from the anchor, so month ends do not drift', () => {
    const monthly = rule([], 1);
    expect(nextDueDate(monthly, '2024-01-31', null, '2024-01-31')).toBe('2024-02-29');
    expect(nextDueDate(monthly, '2024-01-31', '2024-02-29', '2024-02-29')).toBe('2024-03-31'); // not 29 March
    expect(nextDueDate(monthly, '2024-01-31', '2024-03-31', '2024-04-01')).toBe('2024-04-30');
  });

  it('handles an anchor in the future and a survey before the anchor', () => {
    const fixed: CadenceRule = {
      anchor: { kind: 'fixed', day: '2030-01-01' },
      milestones_months: [3],
      then_every_months: null,
    };
    expect(nextDueDate(fixed, '2030-01-01', null, '2024-06-01')).toBe('2030-04-01');
    expect(nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', '2023-12-01', '2024-02-01')).toBe('2024-04-15');
  });

  it('refuses invalid days and rules', () => {
    expect(() => nextDueDate(AFTER_WINNING_CUSTOMER, '2024-02-30', null, '2024-03-01')).toThrow(/anchorDay/);
    expect(() => nextDueDate(AFTER_WINNING_CUSTOMER, '2024-02-01', '2024-13-01', '2024-03-01')).toThrow(
      /lastSurveyedDay/,
    );
    expect(() => nextDueDate(AFTER_WINNING_CUSTOMER, '2024-02-01', null, 'today')).toThrow(/today/);
    expect(() => nextDueDate(rule([3, 3], null), '2024-02-01', null, '2024-03-01')).toThrow(
      /milestones_months/,
    );
  });
});

describe('nextDueDate properties', () => {
  const dayArb = fc
    .integer({ min: Date.UTC(1990, 0, 1) / DAY_MS, max: Date.UTC(2040, 11, 31) / DAY_MS })
    .map((n) => new Date(n * DAY_MS).toISOString().slice(0, 10));
  const ruleArb = fc
    .record({
      milestones: fc.uniqueArray(fc.integer({ min: 1, max: 60 }), { maxLength: 6 }),
      every: fc.option(fc.integer({ min: 1, max: 24 }), { nil: null }),
    })
    .filter(({ milestones, every }) => milestones.length > 0 || every !== null)
    .map(({ milestones, every }) =>
      rule(
        [...milestones].sort((a, b) => a - b),
        every,
      ),
    );

  /** All scheduled dates up to `until`, and the first one after it: the slow, obvious way. */
  function scheduleThrough(r: CadenceRule, anchor: string, until: string): string[] {
    const months = [...r.milestones_months];
    const dates: string[] = [];
    let last = months.length > 0 ? months[months.length - 1]! : 0;
    for (let i = 0; ; i++) {
      if (i >= months.length) {
        if (r.then_every_months === null) return dates;
        last += r.then_every_months;
        months.push(last);
      }
      const date = addMonths(anchor, months[i]!);
      dates.push(date);
      if (date > until) return dates;
    }
  }

  it('is never before today, and is the first scheduled date after the last survey (or today if that passed)', () => {
    fc.assert(
      fc.property(ruleArb, dayArb, fc.option(dayArb, { nil: null }), dayArb, (r, anchor, last, today) => {
        const due = nextDueDate(r, anchor, last, today);
        const dates = scheduleThrough(r, anchor, last ?? '0000-01-01');
        const expected = dates.find((date) => last === null || date > last) ?? null;
        if (expected === null) {
          expect(due).toBeNull();
        } else {
          // biome-ignore lint/complexity/useMathMinMax: days are strings, Math.max would make them NaN
          expect(due).toBe(expected < today ? today : expected);
          expect(due! >= today).toBe(true);
        }
      }),
      { numRuns: 1000 },
    );
  });

  it('is due once: surveyed on the due day, the next due day is later', () => {
    fc.assert(
      fc.property(ruleArb, dayArb, fc.option(dayArb, { nil: null }), dayArb, (r, anchor, last, today) => {
        const due = nextDueDate(r, anchor, last, today);
        if (due === null) return;
        const after = nextDueDate(r, anchor, due, due);
        if (after !== null) expect(after > due).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
