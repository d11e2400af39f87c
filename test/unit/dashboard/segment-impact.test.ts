/**
 * The segment impact of the Segments page: NPS(total) − NPS(total without the segment), from the
 * counts. Expected values are computed by hand in the comments.
 */
import { describe, expect, it } from 'vitest';
import {
  type Counts,
  impactOf,
  npsOfCounts,
  type RankedSegment,
  restOf,
  segmentSortOf,
  sortSegments,
} from '../../../src/dashboard/segment-impact';

const c = (n: number, promoters: number, detractors: number): Counts => ({ n, promoters, detractors });

describe('npsOfCounts', () => {
  it('is 100 × (promoters − detractors) / n', () => {
    expect(npsOfCounts(c(100, 50, 20))).toBe(30);
    expect(npsOfCounts(c(4, 4, 0))).toBe(100);
    expect(npsOfCounts(c(4, 0, 4))).toBe(-100);
    expect(npsOfCounts(c(3, 0, 0))).toBe(0); // passives only
    expect(npsOfCounts(c(3, 2, 1))).toBeCloseTo(33.3333, 4); // 100 / 3
  });

  it('is null without responses', () => {
    expect(npsOfCounts(c(0, 0, 0))).toBeNull();
  });
});

describe('restOf', () => {
  it('subtracts the segment from the total', () => {
    expect(restOf(c(100, 50, 20), c(20, 4, 10))).toEqual(c(80, 46, 10));
    expect(restOf(c(100, 50, 20), c(0, 0, 0))).toEqual(c(100, 50, 20));
    expect(restOf(c(100, 50, 20), c(100, 50, 20))).toEqual(c(0, 0, 0));
  });

  it('refuses a segment that is not part of the total', () => {
    expect(() => restOf(c(10, 5, 2), c(11, 5, 2))).toThrow(RangeError);
    expect(() => restOf(c(10, 5, 2), c(5, 6, 0))).toThrow(RangeError);
    expect(() => restOf(c(10, 5, 2), c(5, 0, 3))).toThrow(RangeError);
    // 4 responses left but 5 promoters/detractors among them: inconsistent counts.
    expect(() => restOf(c(10, 5, 5), c(6, 3, 2))).toThrow(RangeError);
  });
});

describe('impactOf', () => {
  it('is negative for a segment below the rest: it costs points', () => {
    // total 100: 50 P, 20 D → 30. Segment 20: 4 P, 10 D → −30. Rest 80: 46 P, 10 D → 45.
    // 30 − 45 = −15 (= 20/100 × (−30 − 45)).
    expect(impactOf(c(100, 50, 20), c(20, 4, 10))).toBeCloseTo(-15, 10);
  });

  it('is positive for a segment above the rest: it adds points', () => {
    // Segment 40: 30 P, 2 D → 70. Rest 60: 20 P, 18 D → 3.333…; 30 − 3.333… = 26.666…
    expect(impactOf(c(100, 50, 20), c(40, 30, 2))).toBeCloseTo(26.6667, 4);
  });

  it('is 0 when the segment has the NPS of the rest, or no responses', () => {
    // Segment 10: 5 P, 2 D → 30; rest 90: 45 P, 18 D → 30.
    expect(impactOf(c(100, 50, 20), c(10, 5, 2))).toBe(0);
    expect(Object.is(impactOf(c(100, 50, 20), c(10, 5, 2)), 0)).toBe(true); // not −0
    expect(impactOf(c(100, 50, 20), c(0, 0, 0))).toBe(0);
  });

  it('counts the size: a small segment moves the total less than a large one of the same NPS', () => {
    // Both segments all detractors (−100). Total 200: 100 P, 40 D → 30.
    // 10 of them: rest 190: 100 P, 30 D → 36.842…; impact −6.842…
    // 40 of them: rest 160: 100 P, 0 D → 62.5; impact −32.5
    const small = impactOf(c(200, 100, 40), c(10, 0, 10))!;
    const large = impactOf(c(200, 100, 40), c(40, 0, 40))!;
    expect(small).toBeCloseTo(-6.8421, 4);
    expect(large).toBeCloseTo(-32.5, 10);
  });

  it('is null when there is no total or no rest', () => {
    expect(impactOf(c(0, 0, 0), c(0, 0, 0))).toBeNull();
    expect(impactOf(c(100, 50, 20), c(100, 50, 20))).toBeNull();
  });

  it('matches the demo breakdown by plan', () => {
    // total 17401: 9140 P, 3257 D → 33.808…; enterprise 1490: 1054 P, 144 D.
    // rest 15911: 8086 P, 3113 D → 31.255…; impact 2.553…
    expect(impactOf(c(17401, 9140, 3257), c(1490, 1054, 144))).toBeCloseTo(2.5533, 4);
    // free 4267: 1989 P, 955 D; rest 13134: 7151 P, 2302 D → 36.919…; impact −3.111…
    expect(impactOf(c(17401, 9140, 3257), c(4267, 1989, 955))).toBeCloseTo(-3.111, 3);
  });

  it('leaves the impacts of segments that do not cover the total independent of each other', () => {
    // Responses without a value stay in every rest: total 100 (50 P, 20 D), a: 30 (20 P, 5 D),
    // b: 30 (10 P, 10 D), 40 without a value (20 P, 5 D).
    // a: rest 70: 30 P, 15 D → 21.428…; 30 − 21.428… = 8.571…
    // b: rest 70: 40 P, 10 D → 42.857…; 30 − 42.857… = −12.857…
    expect(impactOf(c(100, 50, 20), c(30, 20, 5))).toBeCloseTo(8.5714, 4);
    expect(impactOf(c(100, 50, 20), c(30, 10, 10))).toBeCloseTo(-12.8571, 4);
  });
});

describe('sortSegments', () => {
  const seg = (
    value: string | null,
    n: number,
    nps: number | null,
    impact: number | null,
  ): RankedSegment => ({
    value,
    n,
    nps,
    impact,
  });
  const rows = [
    seg('a', 100, 40, 2),
    seg('b', 300, 10, -5),
    seg('c', 50, 70, 5),
    seg('d', 20, null, null),
    seg('e', 200, 25, 0.5),
  ];
  const values = (list: RankedSegment[]) => list.map((r) => r.value);

  it('by impact: largest effect either way first, costs before equal gains, unknown last', () => {
    expect(values(sortSegments(rows, 'impact'))).toEqual(['b', 'c', 'a', 'e', 'd']);
  });

  it('by NPS: highest first, no NPS last', () => {
    expect(values(sortSegments(rows, 'nps'))).toEqual(['c', 'a', 'e', 'b', 'd']);
  });

  it('by size: most responses first', () => {
    expect(values(sortSegments(rows, 'size'))).toEqual(['b', 'e', 'a', 'c', 'd']);
  });

  it('breaks ties by size, then by value (numbers in order), and keeps the input', () => {
    const tied = [seg('10', 5, 20, 1), seg('9', 5, 20, 1), seg('x', 8, 20, 1), seg(null, 5, 20, 1)];
    expect(values(sortSegments(tied, 'nps'))).toEqual(['x', null, '9', '10']);
    expect(values(sortSegments(tied, 'impact'))).toEqual(['x', null, '9', '10']);
    expect(values(tied)).toEqual(['10', '9', 'x', null]);
  });

  it('returns an empty list for no segments', () => {
    expect(sortSegments([], 'impact')).toEqual([]);
  });
});

describe('segmentSortOf', () => {
  it('reads a known sort and defaults to impact', () => {
    expect(segmentSortOf('nps')).toBe('nps');
    expect(segmentSortOf('size')).toBe('size');
    expect(segmentSortOf('impact')).toBe('impact');
    expect(segmentSortOf(null)).toBe('impact');
    expect(segmentSortOf('revenue')).toBe('impact');
  });
});
