import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AutopilotContact,
  CADENCE_PRESETS,
  contactSchedule,
  contactZone,
  dueSurvey,
  validateCadence,
} from '../../../src/core/autopilot';
import { DEFAULT_BUSINESS_HOURS, isWithinBusinessHours } from '../../../src/core/business-hours';
import { AFTER_WINNING_CUSTOMER, type CadenceRule, QUARTERLY_FOR_ALL } from '../../../src/core/cadence';
import { DAY_MS, HOUR_MS } from '../../../src/core/calendar';
import { localDay } from '../../../src/core/trend';

const BERLIN = 'Europe/Berlin';

function contact(overrides: Partial<AutopilotContact> = {}): AutopilotContact {
  return {
    id: '0b5e9c1a-1111-4222-8333-444455556666',
    attributes: { customer_since: '2024-01-15' },
    createdAt: new Date('2023-05-02T10:00:00Z'),
    timeZone: null,
    ...overrides,
  };
}

describe('validateCadence', () => {
  it('accepts a preset by name and a rule object', () => {
    expect(validateCadence('after_winning_customer')).toEqual({ ok: true, value: AFTER_WINNING_CUSTOMER });
    expect(validateCadence('quarterly_for_all')).toEqual({ ok: true, value: QUARTERLY_FOR_ALL });
    const rule = { anchor: { kind: 'first_seen' }, milestones_months: [], then_every_months: 6 };
    expect(validateCadence(rule)).toEqual({ ok: true, value: rule });
  });

  it('refuses unknown presets (also inherited names) and bad rules, naming the field', () => {
    for (const name of ['monthly', 'toString', '__proto__', '']) {
      const result = validateCadence(name);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.errors[0]!.path).toBe('cadence');
    }
    const result = validateCadence({
      anchor: { kind: 'first_seen' },
      milestones_months: [],
      then_every_months: 0,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.errors[0]!.path).toBe('cadence.then_every_months');
    expect(Object.keys(CADENCE_PRESETS)).toEqual(['after_winning_customer', 'quarterly_for_all']);
  });
});

describe('contactZone', () => {
  it("uses the contact's zone when valid, else the workspace's", () => {
    expect(contactZone({ timeZone: 'America/New_York' }, BERLIN)).toBe('America/New_York');
    expect(contactZone({ timeZone: null }, BERLIN)).toBe(BERLIN);
    expect(contactZone({ timeZone: 'Mars/Olympus_Mons' }, BERLIN)).toBe(BERLIN);
  });
});

describe('contactSchedule', () => {
  it("follows the seeds' example: 3, 6 and 12 months after winning the customer", () => {
    const now = new Date('2024-02-01T08:00:00Z');
    expect(contactSchedule(AFTER_WINNING_CUSTOMER, contact(), null, now, BERLIN)).toEqual({
      timeZone: BERLIN,
      today: '2024-02-01',
      anchorDay: '2024-01-15',
      nextDueDay: '2024-04-15',
    });
    const after3 = contactSchedule(AFTER_WINNING_CUSTOMER, contact(), '2024-04-15', now, BERLIN);
    expect(after3.nextDueDay).toBe('2024-07-15');
    expect(contactSchedule(AFTER_WINNING_CUSTOMER, contact(), '2024-07-15', now, BERLIN).nextDueDay).toBe(
      '2025-01-15',
    );
    expect(contactSchedule(AFTER_WINNING_CUSTOMER, contact(), '2025-01-15', now, BERLIN).nextDueDay).toBe(
      '2026-01-15',
    );
  });

  it('leaves out a contact without the anchor attribute (or with one that is not a date)', () => {
    const now = new Date('2024-02-01T08:00:00Z');
    for (const attributes of [{}, { customer_since: 'soon' }, { customer_since: 20240115 }]) {
      expect(
        contactSchedule(AFTER_WINNING_CUSTOMER, contact({ attributes }), null, now, BERLIN),
      ).toMatchObject({
        anchorDay: null,
        nextDueDay: null,
      });
    }
  });

  it("counts the first_seen anchor from the contact's creation in its own zone", () => {
    const rule: CadenceRule = { anchor: { kind: 'first_seen' }, milestones_months: [], then_every_months: 3 };
    // 23:30 UTC on 31 March is already 1 April in Berlin and still 31 March in New York.
    const created = new Date('2024-03-31T23:30:00Z');
    const now = new Date('2024-04-02T12:00:00Z');
    expect(contactSchedule(rule, contact({ createdAt: created }), null, now, BERLIN)).toMatchObject({
      anchorDay: '2024-04-01',
      nextDueDay: '2024-07-01',
    });
    expect(
      contactSchedule(rule, contact({ createdAt: created, timeZone: 'America/New_York' }), null, now, BERLIN),
    ).toMatchObject({ anchorDay: '2024-03-31', nextDueDay: '2024-06-30' });
  });
});

describe('dueSurvey', () => {
  it('is due on the local due day only, inside the business hours of that day', () => {
    // 15 April 2024 is a Monday.
    const early = new Date('2024-04-14T22:30:00Z'); // 00:30 on 15 April in Berlin
    const due = dueSurvey(AFTER_WINNING_CUSTOMER, DEFAULT_BUSINESS_HOURS, contact(), null, early, BERLIN);
    expect(due).not.toBeNull();
    expect(due!.dueDay).toBe('2024-04-15');
    expect(due!.timeZone).toBe(BERLIN);
    expect(localDay(due!.sendAt, BERLIN)).toBe('2024-04-15');
    expect(isWithinBusinessHours(due!.sendAt, BERLIN, DEFAULT_BUSINESS_HOURS)).toBe(true);
    // The day before, and after the survey of the day was given: not due.
    expect(
      dueSurvey(
        AFTER_WINNING_CUSTOMER,
        DEFAULT_BUSINESS_HOURS,
        contact(),
        null,
        new Date('2024-04-14T12:00:00Z'),
        BERLIN,
      ),
    ).toBeNull();
    expect(
      dueSurvey(AFTER_WINNING_CUSTOMER, DEFAULT_BUSINESS_HOURS, contact(), '2024-04-15', early, BERLIN),
    ).toBeNull();
  });

  it("uses the contact's own calendar: due in Tokyo while Berlin is still on the day before", () => {
    const now = new Date('2024-04-14T16:00:00Z'); // Tokyo: 15 April 01:00; Berlin: 14 April 18:00
    const tokyo = contact({ timeZone: 'Asia/Tokyo' });
    const due = dueSurvey(AFTER_WINNING_CUSTOMER, DEFAULT_BUSINESS_HOURS, tokyo, null, now, BERLIN);
    expect(due?.dueDay).toBe('2024-04-15');
    expect(isWithinBusinessHours(due!.sendAt, 'Asia/Tokyo', DEFAULT_BUSINESS_HOURS)).toBe(true);
    expect(
      dueSurvey(AFTER_WINNING_CUSTOMER, DEFAULT_BUSINESS_HOURS, contact(), null, now, BERLIN),
    ).toBeNull();
  });

  it('moves a due day on a weekend to the next business day, never before now', () => {
    // 1 June 2024 is a Saturday; a quarterly rule from 1 March.
    const rule: CadenceRule = {
      anchor: { kind: 'fixed', day: '2024-03-01' },
      milestones_months: [],
      then_every_months: 3,
    };
    const now = new Date('2024-06-01T09:00:00Z');
    const due = dueSurvey(rule, DEFAULT_BUSINESS_HOURS, contact(), '2024-03-01', now, BERLIN);
    expect(due?.dueDay).toBe('2024-06-01');
    expect(localDay(due!.sendAt, BERLIN)).toBe('2024-06-03');
    // Inside today's window already: between now and the close.
    const monday = new Date('2024-06-03T12:00:00Z'); // 14:00 in Berlin
    const late = dueSurvey(rule, DEFAULT_BUSINESS_HOURS, contact(), '2024-03-01', monday, BERLIN);
    expect(late!.sendAt.getTime()).toBeGreaterThanOrEqual(monday.getTime());
    expect(late!.sendAt.getTime()).toBeLessThan(new Date('2024-06-03T15:00:00Z').getTime());
  });

  it('spreads many contacts due on one day over the whole window, each always at its own spot', () => {
    const rule: CadenceRule = {
      anchor: { kind: 'fixed', day: '2024-01-01' },
      milestones_months: [],
      then_every_months: 3,
    };
    const now = new Date('2024-03-31T22:05:00Z'); // 00:05 on Monday 1 April in Berlin
    const hours = new Array(8).fill(0);
    for (let i = 0; i < 2000; i++) {
      const id = `0b5e9c1a-1111-4222-8333-${String(i).padStart(12, '0')}`;
      const due = dueSurvey(rule, DEFAULT_BUSINESS_HOURS, contact({ id }), '2024-01-01', now, BERLIN)!;
      const again = dueSurvey(rule, DEFAULT_BUSINESS_HOURS, contact({ id }), '2024-01-01', now, BERLIN)!;
      expect(again.sendAt).toEqual(due.sendAt);
      const hour = Math.floor((due.sendAt.getTime() - new Date('2024-04-01T07:00:00Z').getTime()) / HOUR_MS);
      hours[hour]++;
    }
    // Each of the eight hours 9-17 gets about an eighth (250); none is empty or crowded.
    for (const n of hours) expect(n).toBeGreaterThan(180);
    for (const n of hours) expect(n).toBeLessThan(320);
  });

  it('never owes a survey twice for one date, and owes every date once (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 3000 }),
        fc.constantFrom(...['Europe/Berlin', 'America/Los_Angeles', 'Asia/Kolkata', 'Pacific/Auckland']),
        (offsetDays, zone) => {
          // Walk every 4 hours (each local day is seen) over 400 days; count the surveys owed.
          const start = new Date(Date.UTC(2020, 0, 1) + offsetDays * DAY_MS);
          const who = contact({ attributes: { customer_since: localDay(start, zone) }, timeZone: zone });
          let last: string | null = null;
          const days: string[] = [];
          for (let t = start.getTime(); t < start.getTime() + 400 * DAY_MS; t += 4 * HOUR_MS) {
            const due = dueSurvey(
              AFTER_WINNING_CUSTOMER,
              DEFAULT_BUSINESS_HOURS,
              who,
              last,
              new Date(t),
              BERLIN,
            );
            if (due) {
              days.push(due.dueDay);
              last = due.dueDay;
            }
          }
          // 3, 6 and 12 months after the anchor: exactly three surveys, on distinct days, in order.
          expect(days).toHaveLength(3);
          expect(new Set(days).size).toBe(3);
          expect([...days].sort()).toEqual(days);
        },
      ),
      { numRuns: 12 },
    );
  });
});
