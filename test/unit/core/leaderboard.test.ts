import { describe, expect, it } from 'vitest';
import { buildLeaderboard } from '../../../src/core/leaderboard';

/** A distribution of p promoters (10), a passives (8) and d detractors (0). */
const dist = (p: number, a: number, d: number) => {
  const out = new Array<number>(11).fill(0);
  out[10] = p;
  out[8] = a;
  out[0] = d;
  return out;
};

describe('buildLeaderboard', () => {
  it('lists entries below min_n apart, most responses first, with the answers still missing', () => {
    const board = buildLeaderboard(
      [
        { value: 'tiny', distribution: dist(3, 0, 0) },
        { value: 'small', distribution: dist(10, 5, 5) },
        { value: 'big', distribution: dist(20, 10, 10) },
      ],
      { minN: 30 },
    );
    expect(board.ranked.map((e) => e.value)).toEqual(['big']);
    expect(board.notRanked.map((e) => [e.value, e.summary.n, e.missing])).toEqual([
      ['small', 20, 10],
      ['tiny', 3, 27],
    ]);
    // The NPS 100 of three answers is not ranked first.
    expect(board.ranked[0]!.rank).toBe(1);
    expect(board.total.n).toBe(63);
  });

  it('defaults to a minimum of 30 responses', () => {
    const board = buildLeaderboard([
      { value: 'a', distribution: dist(29, 0, 0) },
      { value: 'b', distribution: dist(15, 15, 0) },
    ]);
    expect(board.minN).toBe(30);
    expect(board.ranked.map((e) => e.value)).toEqual(['b']);
  });

  it('ranks by NPS, equal displayed NPS sharing a rank (1, 2, 2, 4)', () => {
    const board = buildLeaderboard(
      [
        { value: 'c', distribution: dist(20, 10, 10) }, // 25
        { value: 'a', distribution: dist(30, 10, 0) }, // 75
        { value: 'b', distribution: dist(20, 10, 10) }, // 25
        { value: 'd', distribution: dist(10, 10, 20) }, // −25
      ],
      { minN: 30 },
    );
    expect(board.ranked.map((e) => [e.value, e.summary.nps, e.rank, e.tied])).toEqual([
      ['a', 75, 1, false],
      ['b', 25, 2, true],
      ['c', 25, 2, true],
      ['d', -25, 4, false],
    ]);
  });

  it('gives overlapping intervals a rank range instead of a false precision', () => {
    const board = buildLeaderboard(
      [
        { value: 'x', distribution: dist(16, 8, 6) }, // 33.3, n 30
        { value: 'y', distribution: dist(15, 8, 7) }, // 26.7, n 30
        { value: 'z', distribution: dist(300, 100, 0) }, // 75, n 400
        { value: 'w', distribution: dist(0, 100, 300) }, // −75, n 400
      ],
      { minN: 30 },
    );
    const byValue = Object.fromEntries(board.ranked.map((e) => [e.value, e]));
    expect(byValue.z!.rank).toBe(1);
    expect(byValue.z!.rankRange).toEqual({ best: 1, worst: 1 });
    expect(byValue.w!.rankRange).toEqual({ best: 4, worst: 4 });
    // x and y cannot be told apart: each could be 2nd or 3rd.
    expect(byValue.x!.rank).toBe(2);
    expect(byValue.x!.rankRange).toEqual({ best: 2, worst: 3 });
    expect(byValue.y!.rankRange).toEqual({ best: 2, worst: 3 });
  });

  it('flags entries significantly above or below the rest, and not the ones in between', () => {
    const board = buildLeaderboard(
      [
        { value: 'star', distribution: dist(90, 10, 0) }, // 90
        { value: 'mid1', distribution: dist(40, 30, 30) }, // 10
        { value: 'mid2', distribution: dist(45, 30, 25) }, // 20
        { value: 'weak', distribution: dist(10, 20, 70) }, // −60
      ],
      { minN: 30 },
    );
    const flags = board.ranked.map((e) => [e.value, e.significantlyAboveRest, e.significantlyBelowRest]);
    expect(flags).toEqual([
      ['star', true, false],
      ['mid2', false, false],
      ['mid1', false, false],
      ['weak', false, true],
    ]);
    const star = board.ranked[0]!;
    // rest = mid1 + mid2 + weak: 95 promoters, 125 detractors of 300 → NPS −10.
    expect(star.vsRest.baseline.nps).toBeCloseTo(-10, 10);
    expect(star.vsRest.difference).toBeCloseTo(100, 10);
  });

  it('compares against all other responses, unranked ones included', () => {
    const board = buildLeaderboard(
      [
        { value: 'a', distribution: dist(30, 0, 0) },
        { value: 'b', distribution: dist(0, 0, 5) },
      ],
      { minN: 5 },
    );
    expect(board.ranked.map((e) => e.value)).toEqual(['a', 'b']);
    expect(board.ranked[0]!.vsRest.baseline.n).toBe(5);
    const onlyA = buildLeaderboard(
      [
        { value: 'a', distribution: dist(30, 0, 0) },
        { value: 'b', distribution: dist(0, 0, 5) },
      ],
      { minN: 30 },
    );
    expect(onlyA.notRanked.map((e) => e.value)).toEqual(['b']);
    // b has too few answers for a verdict, so a gets no flag either.
    expect(onlyA.ranked[0]!.vsRest.verdict).toBe('too-few-responses');
    expect(onlyA.ranked[0]!.significantlyAboveRest).toBe(false);
  });

  it('handles an empty leaderboard and a single entry', () => {
    const empty = buildLeaderboard([]);
    expect(empty.ranked).toEqual([]);
    expect(empty.notRanked).toEqual([]);
    expect(empty.total.n).toBe(0);
    const one = buildLeaderboard([{ value: 'solo', distribution: dist(20, 10, 10) }]);
    expect(one.ranked[0]!.rank).toBe(1);
    expect(one.ranked[0]!.rankRange).toEqual({ best: 1, worst: 1 });
    expect(one.ranked[0]!.vsRest.verdict).toBe('too-few-responses');
  });

  it('refuses duplicates, a bad minimum and malformed distributions', () => {
    expect(() =>
      buildLeaderboard([
        { value: 'a', distribution: dist(1, 0, 0) },
        { value: 'a', distribution: dist(1, 0, 0) },
      ]),
    ).toThrow(RangeError);
    expect(() => buildLeaderboard([], { minN: 0 })).toThrow(RangeError);
    expect(() => buildLeaderboard([{ value: 'a', distribution: [1, 2] }])).toThrow(RangeError);
  });
});
