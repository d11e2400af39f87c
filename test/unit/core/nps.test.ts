import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CATEGORIES,
  type Counts,
  categoryOf,
  countsOf,
  distributionOf,
  emptyDistribution,
  isScore,
  npsOf,
  roundNps,
  scoreRangeOf,
  totalOf,
} from '../../../src/core/nps';

const countsArb = fc.record({
  promoters: fc.nat({ max: 10_000 }),
  passives: fc.nat({ max: 10_000 }),
  detractors: fc.nat({ max: 10_000 }),
});

describe('scores and categories', () => {
  it('accepts only integers 0-10 of type number', () => {
    for (let score = 0; score <= 10; score++) expect(isScore(score)).toBe(true);
    for (const value of [-1, 11, 9.5, Number.NaN, Number.POSITIVE_INFINITY, '9', null, undefined, 9n]) {
      expect(isScore(value)).toBe(false);
    }
  });

  it('puts 9-10 in promoters, 7-8 in passives and 0-6 in detractors', () => {
    expect([0, 6, 7, 8, 9, 10].map(categoryOf)).toEqual([
      'detractor',
      'detractor',
      'passive',
      'passive',
      'promoter',
      'promoter',
    ]);
  });

  it('rejects non-scores with a RangeError', () => {
    expect(() => categoryOf(11)).toThrow(RangeError);
    expect(() => categoryOf(-1)).toThrow(RangeError);
    expect(() => categoryOf(8.5)).toThrow(RangeError);
  });

  it('gives the score range of each category, consistent with categoryOf', () => {
    expect(CATEGORIES).toEqual(['promoter', 'passive', 'detractor']);
    expect(scoreRangeOf('promoter')).toEqual({ min: 9, max: 10 });
    expect(scoreRangeOf('passive')).toEqual({ min: 7, max: 8 });
    expect(scoreRangeOf('detractor')).toEqual({ min: 0, max: 6 });
    for (const category of CATEGORIES) {
      const { min, max } = scoreRangeOf(category);
      for (let score = min; score <= max; score++) expect(categoryOf(score)).toBe(category);
    }
  });

  it('hands out copies, so callers cannot change the definitions', () => {
    scoreRangeOf('promoter').min = 0;
    expect(scoreRangeOf('promoter').min).toBe(9);
    const a = emptyDistribution();
    a[3] = 7;
    expect(emptyDistribution()).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
  });
});

describe('distributions and counts', () => {
  it('counts each score at its index', () => {
    expect(distributionOf([10, 9, 9, 3, 0])).toEqual([1, 0, 0, 1, 0, 0, 0, 0, 0, 2, 1]);
    expect(distributionOf(new Set([7, 8]))).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0]);
  });

  it('throws on a non-score', () => {
    expect(() => distributionOf([9, 11])).toThrow(RangeError);
  });

  it('collapses a distribution into category counts', () => {
    // scores 0..6 → 1+1+1+1+1+1+1 = 7 detractors, 7..8 → 2 passives, 9..10 → 2 promoters
    expect(countsOf([1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])).toEqual({ promoters: 2, passives: 2, detractors: 7 });
    expect(totalOf({ promoters: 2, passives: 2, detractors: 7 })).toBe(11);
  });

  it('rejects distributions of the wrong length or with invalid counts', () => {
    expect(() => countsOf([1, 2, 3])).toThrow(RangeError);
    expect(() => countsOf([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1])).toThrow(RangeError);
    expect(() => countsOf([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0.5])).toThrow(RangeError);
  });
});

describe('npsOf', () => {
  it('is 100 × (P − D) / n', () => {
    // 100 × (50 − 20) / 100 = 30
    expect(npsOf({ promoters: 50, passives: 30, detractors: 20 })).toBe(30);
    // 100 × (1 − 2) / 3 = −33.33…
    expect(npsOf({ promoters: 1, passives: 0, detractors: 2 })).toBeCloseTo(-33.333333333, 9);
    expect(npsOf({ promoters: 3, passives: 0, detractors: 0 })).toBe(100);
    expect(npsOf({ promoters: 0, passives: 0, detractors: 3 })).toBe(-100);
    expect(npsOf({ promoters: 0, passives: 5, detractors: 0 })).toBe(0);
  });

  it('is null without responses', () => {
    expect(npsOf({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });

  it('keeps exact halves exact', () => {
    // 100 × (2 − 1) / 8 = 12.5 exactly; 100 × (1 − 2) / 8 = −12.5
    expect(npsOf({ promoters: 2, passives: 5, detractors: 1 })).toBe(12.5);
    expect(npsOf({ promoters: 1, passives: 5, detractors: 2 })).toBe(-12.5);
  });

  it('stays within [-100, 100]', () => {
    fc.assert(
      fc.property(countsArb, (counts) => {
        const nps = npsOf(counts);
        if (totalOf(counts) === 0) return nps === null;
        return nps !== null && nps >= -100 && nps <= 100;
      }),
    );
  });

  it('never falls when a promoter is added and never rises when a detractor is added', () => {
    fc.assert(
      fc.property(countsArb, (counts: Counts) => {
        const before = npsOf(counts) ?? Number.NEGATIVE_INFINITY;
        const withPromoter = npsOf({ ...counts, promoters: counts.promoters + 1 })!;
        expect(withPromoter).toBeGreaterThanOrEqual(before);
        const beforeD = npsOf(counts) ?? Number.POSITIVE_INFINITY;
        const withDetractor = npsOf({ ...counts, detractors: counts.detractors + 1 })!;
        expect(withDetractor).toBeLessThanOrEqual(beforeD);
      }),
    );
  });
});

describe('roundNps', () => {
  it('rounds halves away from zero', () => {
    expect(roundNps(12.5)).toBe(13);
    expect(roundNps(-12.5)).toBe(-13);
    expect(roundNps(0.5)).toBe(1);
    expect(roundNps(-0.5)).toBe(-1);
    expect(roundNps(32.49)).toBe(32);
    expect(roundNps(-32.51)).toBe(-33);
    expect(roundNps(100)).toBe(100);
  });

  it('never returns -0', () => {
    expect(Object.is(roundNps(-0.4), 0)).toBe(true);
    expect(Object.is(roundNps(-0), 0)).toBe(true);
  });

  it('is symmetric and at most half a point away', () => {
    fc.assert(
      fc.property(fc.double({ min: -100, max: 100, noNaN: true }), (x) => {
        expect(Number.isInteger(roundNps(x))).toBe(true);
        expect(Math.abs(roundNps(x) - x)).toBeLessThanOrEqual(0.5);
        expect(roundNps(-x) === -roundNps(x)).toBe(true);
      }),
    );
  });
});
