import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addMonths, DAY_MS } from '../../../src/core/calendar';
import {
  currentNpsWindow,
  DEFAULT_INVITATION_EXPIRY_DAYS,
  DEFAULT_VALIDITY_MONTHS,
  invitationExpiresAt,
  isExpired,
} from '../../../src/core/expiry';
import { addDays, localDay } from '../../../src/core/trend';

const at = (iso: string): Date => new Date(iso);

describe('invitation expiry', () => {
  it('expires 30 days after sending by default', () => {
    expect(DEFAULT_INVITATION_EXPIRY_DAYS).toBe(30);
    expect(invitationExpiresAt(at('2024-03-01T09:00:00Z'))).toEqual(at('2024-03-31T09:00:00Z'));
    expect(invitationExpiresAt(at('2024-02-15T09:00:00Z'), 14)).toEqual(at('2024-02-29T09:00:00Z'));
  });

  it('refuses invalid days and dates', () => {
    expect(() => invitationExpiresAt(at('2024-03-01T09:00:00Z'), 0)).toThrow(RangeError);
    expect(() => invitationExpiresAt(at('2024-03-01T09:00:00Z'), 2.5)).toThrow(RangeError);
    expect(() => invitationExpiresAt(at('2024-03-01T09:00:00Z'), 3651)).toThrow(RangeError);
    expect(() => invitationExpiresAt(new Date(Number.NaN))).toThrow(RangeError);
  });

  it('is expired from the expiry instant on', () => {
    const expiresAt = at('2024-03-31T09:00:00Z');
    expect(isExpired(expiresAt, new Date(expiresAt.getTime() - 1))).toBe(false);
    expect(isExpired(expiresAt, expiresAt)).toBe(true);
    expect(isExpired(null, at('2099-01-01T00:00:00Z'))).toBe(false);
  });
});

describe('currentNpsWindow', () => {
  it('covers the last 12 months up to today in the workspace zone', () => {
    expect(DEFAULT_VALIDITY_MONTHS).toBe(12);
    expect(currentNpsWindow(at('2025-03-15T10:00:00Z'), 12, 'Europe/Berlin')).toEqual({
      fromDay: '2024-03-16',
      toDay: '2025-03-15',
      from: at('2024-03-15T23:00:00Z'), // midnight CET
    });
  });

  it('takes today from the workspace zone, not UTC', () => {
    // 23:30Z on 14 March is already 15 March in Berlin, still 14 March in New York
    expect(currentNpsWindow(at('2025-03-14T23:30:00Z'), 12, 'Europe/Berlin').toDay).toBe('2025-03-15');
    expect(currentNpsWindow(at('2025-03-14T23:30:00Z'), 12, 'America/New_York')).toEqual({
      fromDay: '2024-03-15',
      toDay: '2025-03-14',
      from: at('2024-03-15T04:00:00Z'), // midnight EDT (New York switched on 10 March 2024)
    });
  });

  it('clamps month ends as calendar months do', () => {
    // 29 February 2024 - 12 months = 28 February 2023: the window starts on 1 March 2023
    expect(currentNpsWindow(at('2024-02-29T12:00:00Z'), 12, 'UTC').fromDay).toBe('2023-03-01');
    // 31 March - 1 month = 29 February (leap year): the window is 1-31 March
    expect(currentNpsWindow(at('2024-03-31T12:00:00Z'), 1, 'UTC').fromDay).toBe('2024-03-01');
    // a window starting on a DST day begins at that day's midnight in the zone
    expect(currentNpsWindow(at('2025-03-30T12:00:00Z'), 12, 'Europe/Berlin').from).toEqual(
      at('2024-03-30T23:00:00Z'),
    );
  });

  it('refuses invalid months', () => {
    expect(() => currentNpsWindow(at('2025-03-15T10:00:00Z'), 0, 'UTC')).toThrow(RangeError);
    expect(() => currentNpsWindow(at('2025-03-15T10:00:00Z'), 121, 'UTC')).toThrow(RangeError);
    expect(() => currentNpsWindow(at('2025-03-15T10:00:00Z'), 12, 'Not/AZone')).toThrow(RangeError);
  });

  it('starts the day after today minus the months, at that day’s start in the zone', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) }),
        fc.integer({ min: 1, max: 120 }),
        fc.constantFrom('UTC', 'Europe/Berlin', 'America/New_York', 'Pacific/Chatham'),
        (now, months, zone) => {
          const window = currentNpsWindow(new Date(now), months, zone);
          expect(window.toDay).toBe(localDay(new Date(now), zone));
          expect(window.fromDay).toBe(addDays(addMonths(window.toDay, -months), 1));
          expect(localDay(window.from, zone)).toBe(window.fromDay);
          expect(localDay(new Date(window.from.getTime() - 1), zone)).toBe(addDays(window.fromDay, -1));
          expect(now - window.from.getTime()).toBeLessThanOrEqual((months * 31 + 1) * DAY_MS);
        },
      ),
    );
  });
});
