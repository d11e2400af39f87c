import { describe, expect, it } from 'vitest';
import {
  accountCategoryOf,
  accountNpsOf,
  accountTrend,
  isFalling,
  latestPerContact,
  npsChange,
  revenueAtRisk,
  revenueWeightedNps,
  type StakeholderResponse,
  sortAccounts,
} from '../../../src/core/account-nps';

const r = (contactId: string, score: number, at: number, extra: Partial<StakeholderResponse> = {}) => ({
  contactId,
  responseId: `${contactId}-${at}`,
  score,
  at,
  ...extra,
});

describe('latestPerContact', () => {
  it('keeps one response per contact, the latest', () => {
    const out = latestPerContact([r('a', 10, 1), r('b', 3, 2), r('a', 4, 5), r('a', 9, 3)]);
    expect(out.map((x) => [x.contactId, x.score])).toEqual([
      ['a', 4],
      ['b', 3],
    ]);
  });
  it('breaks ties of the same instant by response id', () => {
    const out = latestPerContact([
      { contactId: 'a', responseId: 'b', score: 1, at: 7 },
      { contactId: 'a', responseId: 'c', score: 2, at: 7 },
      { contactId: 'a', responseId: 'a', score: 3, at: 7 },
    ]);
    expect(out).toEqual([{ contactId: 'a', responseId: 'c', score: 2, at: 7 }]);
  });
  it('is empty for no responses and refuses a non-finite time', () => {
    expect(latestPerContact([])).toEqual([]);
    expect(() => latestPerContact([r('a', 1, Number.NaN)])).toThrow(RangeError);
  });
  it('does not depend on input order', () => {
    const rows = [r('a', 10, 1), r('a', 2, 9), r('b', 8, 4), r('b', 6, 3), r('c', 9, 2)];
    const sorted = (xs: StakeholderResponse[]) =>
      latestPerContact(xs).sort((x, y) => (x.contactId < y.contactId ? -1 : 1));
    expect(sorted([...rows].reverse())).toEqual(sorted(rows));
  });
});

describe('accountNpsOf', () => {
  it('one enthusiastic contact answering ten times counts once', () => {
    const rows = [
      ...Array.from({ length: 10 }, (_, i) => r('fan', 10, i)),
      r('critic', 2, 3),
      r('neutral', 7, 4),
    ];
    const account = accountNpsOf(rows);
    // Latest per contact: 10, 2, 7 → 1 promoter, 1 detractor, 1 passive: NPS 0 (not 9/12 promoters).
    expect(account.summary.n).toBe(3);
    expect(account.summary.nps).toBe(0);
    expect(account.responses).toBe(12);
    expect(account.stakeholders).toBe(3);
    expect(account.meanScore).toBeCloseTo(19 / 3, 12);
    expect(account.category).toBe('passive');
  });
  it('uses the latest score of a contact who changed their mind', () => {
    const account = accountNpsOf([r('a', 10, 1), r('a', 3, 2), r('b', 4, 1)]);
    expect(account.summary.nps).toBe(-100);
    expect(account.category).toBe('detractor');
    expect(account.meanScore).toBe(3.5);
  });
  it('lists the distinct roles of the counted answers, sorted, without empty ones', () => {
    const account = accountNpsOf([
      r('a', 9, 1, { role: 'user' }),
      r('a', 9, 2, { role: 'finance' }),
      r('b', 9, 1, { role: 'champion' }),
      r('c', 9, 1, { role: null }),
      r('d', 9, 1, { role: '' }),
      r('e', 9, 1, { role: 'champion' }),
    ]);
    expect(account.roles).toEqual(['champion', 'finance']);
    expect(account.category).toBe('promoter');
  });
  it('has no NPS, mean or category without responses', () => {
    const account = accountNpsOf([]);
    expect(account).toMatchObject({
      responses: 0,
      stakeholders: 0,
      roles: [],
      meanScore: null,
      category: null,
    });
    expect(account.summary.nps).toBeNull();
    expect(account.summary.marginOfError).toBeNull();
  });
  it('gives a margin of error from the counted responses', () => {
    const account = accountNpsOf([r('a', 10, 1), r('b', 0, 1), r('c', 8, 1), r('c', 10, 0)]);
    expect(account.summary.n).toBe(3);
    expect(account.summary.marginOfError).toBeGreaterThan(0);
  });
});

describe('accountCategoryOf', () => {
  it.each([
    [10, 'promoter'],
    [9, 'promoter'],
    [8.99, 'passive'],
    [7, 'passive'],
    [6.5, 'passive'],
    [6.01, 'passive'],
    [6, 'detractor'],
    [0, 'detractor'],
  ] as const)('mean %s → %s', (mean, category) => {
    expect(accountCategoryOf(mean)).toBe(category);
  });
  it('is null without a mean and refuses impossible means', () => {
    expect(accountCategoryOf(null)).toBeNull();
    expect(() => accountCategoryOf(10.5)).toThrow(RangeError);
    expect(() => accountCategoryOf(-1)).toThrow(RangeError);
    expect(() => accountCategoryOf(Number.NaN)).toThrow(RangeError);
  });
});

describe('revenueWeightedNps', () => {
  it('weights each account NPS by its revenue', () => {
    // (50·100 + (−50)·300) / 400 = −25
    expect(
      revenueWeightedNps([
        { nps: 50, revenue: 100 },
        { nps: -50, revenue: 300 },
      ]),
    ).toEqual({ nps: -25, accounts: 2, withoutRevenue: 0, revenue: 400 });
  });
  it('excludes and counts accounts without a positive revenue, ignores accounts without NPS', () => {
    expect(
      revenueWeightedNps([
        { nps: 100, revenue: 1000 },
        { nps: -100, revenue: null },
        { nps: -100, revenue: 0 },
        { nps: -100, revenue: -5 },
        { nps: null, revenue: 9999 },
      ]),
    ).toEqual({ nps: 100, accounts: 1, withoutRevenue: 3, revenue: 1000 });
  });
  it('is null when no account can be weighted', () => {
    expect(revenueWeightedNps([])).toEqual({ nps: null, accounts: 0, withoutRevenue: 0, revenue: 0 });
    expect(revenueWeightedNps([{ nps: 10, revenue: null }]).nps).toBeNull();
  });
  it('equals the plain mean for equal revenues', () => {
    expect(
      revenueWeightedNps([
        { nps: 10, revenue: 5 },
        { nps: 40, revenue: 5 },
      ]).nps,
    ).toBe(25);
  });
});

describe('revenueAtRisk', () => {
  it('sums the revenue of detractor accounts only', () => {
    expect(
      revenueAtRisk([
        { category: 'detractor', revenue: 1000 },
        { category: 'detractor', revenue: null },
        { category: 'passive', revenue: 5000 },
        { category: 'promoter', revenue: 7000 },
        { category: null, revenue: 3000 },
        { category: 'detractor', revenue: 250.5 },
      ]),
    ).toEqual({ revenue: 1250.5, accounts: 3 });
  });
});

describe('falling accounts', () => {
  it('npsChange is null when either period has no NPS', () => {
    expect(npsChange(10, 30)).toBe(-20);
    expect(npsChange(null, 30)).toBeNull();
    expect(npsChange(10, null)).toBeNull();
  });
  it.each([
    [{ nps: 20, n: 3 }, { nps: 30, n: 3 }, true], // exactly −10
    [{ nps: 20.01, n: 3 }, { nps: 30, n: 3 }, false], // −9.99
    [{ nps: -50, n: 10 }, { nps: 50, n: 10 }, true],
    [{ nps: -50, n: 2 }, { nps: 50, n: 10 }, false], // too few now
    [{ nps: -50, n: 10 }, { nps: 50, n: 2 }, false], // too few before
    [{ nps: 60, n: 10 }, { nps: 50, n: 10 }, false], // rose
    [{ nps: null, n: 0 }, { nps: 50, n: 10 }, false],
  ])('%o after %o → %s', (current, previous, expected) => {
    expect(isFalling(current, previous)).toBe(expected);
  });
  it('takes other thresholds', () => {
    expect(isFalling({ nps: 25, n: 1 }, { nps: 30, n: 1 }, { threshold: -5, minResponses: 1 })).toBe(true);
  });
});

describe('accountTrend', () => {
  it('counts each stakeholder once per bucket, and every bucket of the range', () => {
    const day = (d: string, contactId: string, score: number, at: number) => ({
      ...r(contactId, score, at),
      day: d,
    });
    const points = accountTrend(
      [
        day('2026-01-05', 'a', 10, 1),
        day('2026-01-20', 'a', 0, 2), // a's latest in January
        day('2026-01-21', 'b', 9, 3),
        day('2026-03-02', 'a', 10, 4),
        day('2025-12-31', 'a', 0, 0), // outside
      ],
      '2026-01-01',
      '2026-03-31',
      'month',
    );
    expect(points.map((p) => [p.bucket, p.summary.n, p.summary.nps, p.responses])).toEqual([
      ['2026-01-01', 2, 0, 3],
      ['2026-02-01', 0, null, 0],
      ['2026-03-01', 1, 100, 1],
    ]);
  });
});

describe('sortAccounts', () => {
  const a = (
    id: string,
    name: string,
    revenue: number | null,
    nps: number | null,
    change: number | null,
    responses: number,
  ) => ({
    id,
    name,
    revenue,
    nps,
    change,
    responses,
  });
  const rows = [
    a('1', 'Beta', 100, 10, -5, 3),
    a('2', 'Alpha', null, 50, null, 9),
    a('3', 'Gamma', 300, -20, -30, 1),
    a('4', 'Delta', 100, null, 4, 3),
  ];
  it('sorts descending by default with nulls last and ties by name', () => {
    expect(sortAccounts(rows, 'revenue').map((x) => x.id)).toEqual(['3', '1', '4', '2']);
    expect(sortAccounts(rows, 'nps').map((x) => x.id)).toEqual(['2', '1', '3', '4']);
    expect(sortAccounts(rows, 'responses').map((x) => x.id)).toEqual(['2', '1', '4', '3']);
  });
  it('sorts ascending with nulls still last', () => {
    expect(sortAccounts(rows, 'change', 'asc').map((x) => x.id)).toEqual(['3', '1', '4', '2']);
    expect(sortAccounts(rows, 'revenue', 'asc').map((x) => x.id)).toEqual(['1', '4', '3', '2']);
  });
  it('does not change its input', () => {
    const copy = [...rows];
    sortAccounts(rows, 'nps');
    expect(rows).toEqual(copy);
  });
});
