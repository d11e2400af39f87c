import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Counts, countsOf, totalOf } from '../../../src/core/nps';
import {
  adjustedWaldInterval,
  compareNps,
  erfc,
  normalCdf,
  SMALL_SAMPLE_THRESHOLD,
  summarize,
  verdictText,
  waldInterval,
} from '../../../src/core/stats';

/** A distribution with P nines, Pa sevens and D zeros (the scores inside a category do not matter). */
function dist(promoters: number, passives: number, detractors: number): number[] {
  return [detractors, 0, 0, 0, 0, 0, 0, passives, 0, promoters, 0];
}

const distributionArb = fc.array(fc.nat({ max: 2_000 }), { minLength: 11, maxLength: 11 });
const nonEmptyDistributionArb = distributionArb.filter((d) => d.some((count) => count > 0));
/** Small samples too, where the adjusted interval and the raw NPS part ways. */
const smallDistributionArb = fc
  .array(fc.nat({ max: 4 }), { minLength: 11, maxLength: 11 })
  .filter((d) => d.some((count) => count > 0));

describe('waldInterval', () => {
  it('matches the hand computation for 50 P / 30 Pa / 20 D', () => {
    // n = 100, p = 0.5, d = 0.2, NPS = 100 × 0.3 = 30
    // SE = 100 × √((0.5 + 0.2 − 0.3²) / 100) = 100 × √(0.61 / 100) = 100 × √0.0061 = 7.8102497
    // MOE = 1.96 × 7.8102497 = 15.3080894; interval 30 ± 15.308 = [14.6919, 45.3081]
    const wald = waldInterval({ promoters: 50, passives: 30, detractors: 20 })!;
    expect(wald.method).toBe('wald');
    expect(wald.estimate).toBe(30);
    expect(wald.standardError).toBeCloseTo(7.8102497, 6);
    expect(wald.marginOfError).toBeCloseTo(15.3080894, 6);
    expect(wald.low).toBeCloseTo(14.6919106, 6);
    expect(wald.high).toBeCloseTo(45.3080894, 6);
  });

  it('clamps to [-100, 100] and uses the z given', () => {
    // 8 P / 1 Pa / 1 D: NPS 70, SE = 100 × √((0.9 − 0.49) / 10) = 100 × √0.041 = 20.2484567
    // 70 + 1.96 × 20.248 = 109.687 → clamped to 100; low 70 − 39.687 = 30.313
    const wald = waldInterval({ promoters: 8, passives: 1, detractors: 1 })!;
    expect(wald.standardError).toBeCloseTo(20.2484567, 6);
    expect(wald.low).toBeCloseTo(30.3130248, 6);
    expect(wald.high).toBe(100);
    // z = 1: MOE = SE
    expect(waldInterval({ promoters: 8, passives: 1, detractors: 1 }, 1)!.marginOfError).toBeCloseTo(
      20.2484567,
      6,
    );
  });

  it('has zero width when every answer is in one category, and is null without answers', () => {
    expect(waldInterval({ promoters: 7, passives: 0, detractors: 0 })).toMatchObject({
      estimate: 100,
      standardError: 0,
      low: 100,
      high: 100,
    });
    expect(waldInterval({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });
});

describe('adjustedWaldInterval', () => {
  it('adds 0.75 to P and D and 3 to n (50 P / 30 Pa / 20 D)', () => {
    // P' = 50.75, D' = 20.75, n' = 103; estimate = 100 × 30 / 103 = 29.1262136
    // p' + d' = 71.5 / 103 = 0.6941748, (p' − d')² = (30 / 103)² = 0.0848336
    // SE = 100 × √((0.6941748 − 0.0848336) / 103) = 100 × √0.0059159 = 7.6915104; MOE = 15.0753604
    const adjusted = adjustedWaldInterval({ promoters: 50, passives: 30, detractors: 20 })!;
    expect(adjusted.method).toBe('adjusted-wald');
    expect(adjusted.estimate).toBeCloseTo(29.1262136, 6);
    expect(adjusted.standardError).toBeCloseTo(7.6915104, 6);
    expect(adjusted.marginOfError).toBeCloseTo(15.0753604, 6);
    expect(adjusted.low).toBeCloseTo(14.0508532, 6);
    expect(adjusted.high).toBeCloseTo(44.201574, 6);
  });

  it('matches the hand computation for 8 P / 1 Pa / 1 D', () => {
    // P' = 8.75, D' = 1.75, n' = 13; estimate = 100 × 7 / 13 = 53.8461538
    // p' + d' = 10.5 / 13 = 0.8076923, (7 / 13)² = 0.2899408
    // SE = 100 × √(0.5177515 / 13) = 100 × √0.0398270 = 19.9567124; MOE = 39.1151562
    const adjusted = adjustedWaldInterval({ promoters: 8, passives: 1, detractors: 1 })!;
    expect(adjusted.estimate).toBeCloseTo(53.8461538, 6);
    expect(adjusted.standardError).toBeCloseTo(19.9567124, 6);
    expect(adjusted.low).toBeCloseTo(14.7309976, 6);
    expect(adjusted.high).toBeCloseTo(92.9613101, 6);
  });

  it('is null without answers', () => {
    expect(adjustedWaldInterval({ promoters: 0, passives: 0, detractors: 0 })).toBeNull();
  });
});

describe('summarize', () => {
  it('reports counts, exact shares and the NPS', () => {
    // 50 P / 30 Pa / 20 D spread over several scores
    const s = summarize([5, 0, 0, 5, 0, 5, 5, 10, 20, 25, 25]);
    expect(s).toMatchObject({
      n: 100,
      promoters: 50,
      passives: 30,
      detractors: 20,
      promoterPct: 50,
      passivePct: 30,
      detractorPct: 20,
      nps: 30,
      npsRounded: 30,
    });
    expect(s.distribution).toEqual([5, 0, 0, 5, 0, 5, 5, 10, 20, 25, 25]);
  });

  it(`recommends Wald from ${SMALL_SAMPLE_THRESHOLD} responses and adjusted-Wald below`, () => {
    // n = 100 → Wald, MOE 15.308 as computed above
    const large = summarize(dist(50, 30, 20));
    expect(large.interval).toEqual(large.wald);
    expect(large.marginOfError).toBeCloseTo(15.3080894, 6);
    // n = 10 → adjusted-Wald; it contains NPS 70 ([14.73, 92.96]), so it is returned unchanged
    const small = summarize(dist(8, 1, 1));
    expect(small.interval).toEqual(small.adjustedWald);
    expect(small.marginOfError).toBeCloseTo(39.1151562, 6);
  });

  it('widens the recommended interval to the NPS when the adjusted one misses it', () => {
    // 1 promoter: NPS 100. Adjusted: P' = 1.75, D' = 0.75, n' = 4 → p' = 0.4375, d' = 0.1875,
    // estimate 25, SE = 100 × √((0.625 − 0.0625) / 4) = 100 × √0.140625 = 37.5, MOE 73.5,
    // interval [−48.5, 98.5], which excludes 100. The recommended one reaches up to 100.
    const s = summarize(dist(1, 0, 0));
    expect(s.adjustedWald).toMatchObject({ estimate: 25, standardError: 37.5, low: -48.5, high: 98.5 });
    expect(s.adjustedWald!.marginOfError).toBeCloseTo(73.5, 12);
    expect(s.interval).toMatchObject({ method: 'adjusted-wald', estimate: 25, low: -48.5, high: 100 });
    expect(s.marginOfError).toBeCloseTo(73.5, 12);
  });

  it('uses adjusted-Wald above the threshold when Wald would claim ±0', () => {
    // 200 promoters: Wald SE = 0. Adjusted: P' = 200.75, D' = 0.75, n' = 203,
    // estimate = 100 × 200 / 203 = 98.5221675, p' + d' = 201.5 / 203 = 0.9926108,
    // (200 / 203)² = 0.9706618, SE = 100 × √(0.0219490 / 203) = 1.0398249, MOE 2.0380569,
    // interval [96.484, 100.560 → 100]
    const s = summarize(dist(200, 0, 0));
    expect(s.wald!.marginOfError).toBe(0);
    expect(s.interval!.method).toBe('adjusted-wald');
    expect(s.interval!.standardError).toBeCloseTo(1.0398249, 6);
    expect(s.interval!.low).toBeCloseTo(96.4841106, 6);
    expect(s.interval!.high).toBe(100);
    // 200 passives: NPS 0, adjusted SE = 100 × √((1.5 / 203) / 203) = 0.6033226, MOE 1.1825123
    expect(summarize(dist(0, 200, 0)).marginOfError).toBeCloseTo(1.1825123, 6);
  });

  it('is all zeros and nulls without responses', () => {
    expect(summarize(dist(0, 0, 0))).toMatchObject({
      n: 0,
      promoterPct: 0,
      passivePct: 0,
      detractorPct: 0,
      nps: null,
      npsRounded: null,
      marginOfError: null,
      interval: null,
      wald: null,
      adjustedWald: null,
    });
  });

  it('copies the distribution it was given', () => {
    const input = dist(1, 2, 3);
    const s = summarize(input);
    input[0] = 99;
    expect(s.distribution[0]).toBe(3);
  });

  it('has percentages summing to 100', () => {
    fc.assert(
      fc.property(nonEmptyDistributionArb, (d) => {
        const s = summarize(d);
        expect(s.promoterPct + s.passivePct + s.detractorPct).toBeCloseTo(100, 9);
      }),
    );
  });

  it('has every interval contain its estimate, within [-100, 100], for any z', () => {
    fc.assert(
      fc.property(
        fc.oneof(nonEmptyDistributionArb, smallDistributionArb),
        fc.double({ min: 0.1, max: 4, noNaN: true }),
        (d, z) => {
          const counts: Counts = countsOf(d);
          for (const interval of [waldInterval(counts, z)!, adjustedWaldInterval(counts, z)!]) {
            expect(interval.low).toBeLessThanOrEqual(interval.estimate);
            expect(interval.estimate).toBeLessThanOrEqual(interval.high);
            expect(interval.low).toBeGreaterThanOrEqual(-100);
            expect(interval.high).toBeLessThanOrEqual(100);
            expect(interval.standardError).toBeGreaterThanOrEqual(0);
          }
        },
      ),
    );
  });

  it('has the recommended interval contain the reported NPS', () => {
    fc.assert(
      fc.property(fc.oneof(nonEmptyDistributionArb, smallDistributionArb), (d) => {
        const s = summarize(d);
        expect(s.interval!.low).toBeLessThanOrEqual(s.nps!);
        expect(s.nps!).toBeLessThanOrEqual(s.interval!.high);
        expect(s.interval!.method).toBe(
          s.n < SMALL_SAMPLE_THRESHOLD || s.wald!.standardError === 0 ? 'adjusted-wald' : 'wald',
        );
        expect(s.nps).toBe(s.wald!.estimate);
      }),
    );
  });
});

describe('normal distribution', () => {
  it('computes erfc to within 1e-15 (reference: Python math.erfc)', () => {
    const reference: [number, number][] = [
      [0, 1],
      [0.1, 0.8875370839817152],
      [0.5, 0.4795001221869535],
      [1, 0.15729920705028513],
      [2, 0.004677734981047265],
      [2.4999, 0.0004071699003334514],
      [2.5, 0.0004069520174449589],
      [3, 2.2090496998585438e-5],
      [-0.5, 1.5204998778130465],
    ];
    for (const [x, expected] of reference) expect(Math.abs(erfc(x) - expected)).toBeLessThan(1e-15);
  });

  it('keeps relative accuracy far into the tail', () => {
    const tail: [number, number][] = [
      [4.5, 1.9661604415428873e-10],
      [6, 2.1519736712498916e-17],
      [10, 2.088487583762545e-45],
      [20, 5.3958656116079005e-176],
      [26, 5.663192408856143e-296],
    ];
    for (const [x, expected] of tail) expect(Math.abs(erfc(x) / expected - 1)).toBeLessThan(1e-12);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erfc(Number.NaN)).toBeNaN();
  });

  it('gives the familiar normal quantiles', () => {
    expect(normalCdf(0)).toBe(0.5);
    expect(Math.abs(normalCdf(1.96) - 0.9750021048517795)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(1) - 0.8413447460685429)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(-1.5) - 0.06680720126885809)).toBeLessThan(1e-12);
    expect(Math.abs(normalCdf(2.5758293035489004) - 0.995)).toBeLessThan(1e-12);
  });

  it('is monotonic and symmetric', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -8, max: 8, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (z, h) => {
          expect(normalCdf(z + h)).toBeGreaterThanOrEqual(normalCdf(z));
          expect(normalCdf(z) + normalCdf(-z)).toBeCloseTo(1, 14);
        },
      ),
    );
  });
});

describe('compareNps', () => {
  // current 60 P / 20 Pa / 20 D: NPS 40, SE = 100 × √((0.8 − 0.16) / 100) = 100 × √0.0064 = 8
  // baseline 40 P / 20 Pa / 40 D: NPS 0, SE = 100 × √(0.8 / 100) = 8.9442719
  // SE of the difference = √(8² + 8.9442719²) = √(64 + 80) = 12; z = 40 / 12 = 3.3333
  // p = erfc(3.3333 / √2) = 0.000858121
  const up = dist(60, 20, 20);
  const flat = dist(40, 20, 40);

  it('finds a significant increase', () => {
    const c = compareNps(up, flat);
    expect(c.difference).toBe(40);
    expect(c.standardError).toBeCloseTo(12, 10);
    expect(c.z).toBeCloseTo(3.3333333, 6);
    expect(c.pValue!).toBeCloseTo(0.0008581206663936747, 12);
    expect(c).toMatchObject({ significant: true, verdict: 'increase', minN: 30 });
    expect(verdictText(c, 'en')).toBe('up 40 points, likely real');
    expect(verdictText(c, 'de')).toBe('um 40 Punkte gestiegen, wahrscheinlich echt');
  });

  it('finds a significant decrease', () => {
    const c = compareNps(flat, up);
    expect(c.z).toBeCloseTo(-3.3333333, 6);
    expect(c).toMatchObject({ significant: true, verdict: 'decrease' });
    expect(verdictText(c, 'en')).toBe('down 40 points, likely real');
    expect(verdictText(c, 'de')).toBe('um 40 Punkte gesunken, wahrscheinlich echt');
  });

  it('does not call a small difference significant', () => {
    // current 45 P / 25 Pa / 30 D: NPS 15, SE = 100 × √((0.75 − 0.0225) / 100) = 8.5293611
    // SE = √(72.75 + 80) = 12.3592071; z = 15 / 12.359 = 1.2136701 < 1.96; p = 0.2248737
    const c = compareNps(dist(45, 25, 30), flat);
    expect(c.z).toBeCloseTo(1.2136701, 6);
    expect(c.pValue!).toBeCloseTo(0.22487372989602428, 10);
    expect(c).toMatchObject({ significant: false, verdict: 'no-significant-change' });
    expect(verdictText(c, 'en')).toBe('no significant change');
    expect(verdictText(c, 'de')).toBe('keine signifikante Veränderung');
  });

  it('says too few responses below minN, but still reports z', () => {
    // 20 P / 5 Pa / 4 D is n = 29 < 30
    const c = compareNps(dist(20, 5, 4), flat);
    expect(c.z).not.toBeNull();
    expect(Math.abs(c.z!)).toBeGreaterThan(1.96);
    expect(c).toMatchObject({ significant: false, verdict: 'too-few-responses' });
    expect(verdictText(c, 'en')).toBe('too few responses to tell');
    expect(verdictText(c, 'de')).toBe('zu wenige Antworten für eine Aussage');
    // exactly 30 is enough: 21 P / 5 Pa / 4 D, NPS 56.7 vs 0
    expect(compareNps(dist(21, 5, 4), flat).verdict).toBe('increase');
  });

  it('honours minN and the critical z from the options', () => {
    expect(compareNps(up, flat, { minN: 101 }).verdict).toBe('too-few-responses');
    expect(compareNps(up, flat, { z: 3.5 }).verdict).toBe('no-significant-change');
    expect(compareNps(dist(3, 0, 0), dist(0, 0, 3), { minN: 1 }).minN).toBe(1);
  });

  it('has nothing to compare when a sample is empty', () => {
    const c = compareNps(dist(0, 0, 0), flat);
    expect(c).toMatchObject({
      difference: null,
      standardError: null,
      z: null,
      pValue: null,
      significant: false,
      verdict: 'too-few-responses',
    });
    expect(compareNps(dist(0, 0, 0), dist(0, 0, 0), { minN: 0 }).verdict).toBe('too-few-responses');
  });

  it('handles unanimous samples, where the Wald SE is 0', () => {
    const allPromoters = compareNps(dist(40, 0, 0), dist(0, 0, 40));
    expect(allPromoters).toMatchObject({ z: Number.POSITIVE_INFINITY, pValue: 0, verdict: 'increase' });
    const same = compareNps(dist(40, 0, 0), dist(50, 0, 0));
    expect(same).toMatchObject({ z: 0, pValue: 1, verdict: 'no-significant-change' });
  });

  it('counts the points of the displayed (rounded) values', () => {
    // n = 1,000,000 each: 20.4 vs 19.6 → both display as 20, yet z ≈ 7 is significant
    const c = compareNps(dist(452_000, 300_000, 248_000), dist(448_000, 300_000, 252_000));
    expect(c.verdict).toBe('increase');
    expect(verdictText(c, 'en')).toBe('up less than 1 point, likely real');
    expect(verdictText(c, 'de')).toBe('um weniger als 1 Punkt gestiegen, wahrscheinlich echt');
    // 20.6 → 21 vs 19.6 → 20: one point
    const one = compareNps(dist(456_000, 294_000, 250_000), dist(446_000, 304_000, 250_000));
    expect(verdictText(one, 'en')).toBe('up 1 point, likely real');
    expect(verdictText(one, 'de')).toBe('um 1 Punkt gestiegen, wahrscheinlich echt');
  });

  it('is antisymmetric: swapping the samples negates z and keeps the significance', () => {
    fc.assert(
      fc.property(distributionArb, distributionArb, (a, b) => {
        const ab = compareNps(a, b);
        const ba = compareNps(b, a);
        if (ab.z === null) expect(ba.z).toBeNull();
        else expect(ab.z === -ba.z!).toBe(true);
        expect(ab.pValue).toBe(ba.pValue);
        expect(ab.significant).toBe(ba.significant);
        expect(ab.standardError).toBe(ba.standardError);
      }),
    );
  });

  it('only calls a difference significant with enough responses and |z| ≥ 1.96', () => {
    fc.assert(
      fc.property(distributionArb, distributionArb, (a, b) => {
        const c = compareNps(a, b);
        const enough = totalOf(countsOf(a)) >= 30 && totalOf(countsOf(b)) >= 30;
        expect(c.significant).toBe(enough && c.z !== null && Math.abs(c.z) >= 1.96);
        if (c.significant) expect(c.pValue!).toBeLessThanOrEqual(0.05);
      }),
    );
  });
});
