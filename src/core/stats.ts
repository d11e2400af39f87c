/**
 * Margins of error, intervals and significance of NPS differences, exactly as PRODUCT.md
 * ("The statistics") specifies them.
 *
 * With n responses, p = promoters / n and d = detractors / n:
 *   NPS = 100 (p − d), SE = 100 √((p + d − (p − d)²) / n), 95% margin of error = 1.96 SE.
 */
import { type Counts, countsOf, npsOf, roundNps, totalOf } from './nps';

/** z of a two-sided 95% interval. */
const Z_95 = 1.96;

/** A confidence interval of the NPS, in NPS points. */
export interface NpsInterval {
  method: 'wald' | 'adjusted-wald';
  /** Centre of the interval: the raw NPS for Wald, the adjusted NPS for adjusted-Wald. */
  estimate: number;
  standardError: number;
  /** z × standardError, the half-width before clamping. */
  marginOfError: number;
  /** Lower bound, clamped to [-100, 100]. */
  low: number;
  /** Upper bound, clamped to [-100, 100]. */
  high: number;
}

function clampNps(value: number): number {
  return Math.min(100, Math.max(-100, value));
}

/** Interval around the NPS of (possibly fractional) counts; the shared core of both methods. */
function intervalOf(
  method: NpsInterval['method'],
  promoters: number,
  detractors: number,
  n: number,
  z: number,
): NpsInterval {
  const p = promoters / n;
  const d = detractors / n;
  // Same expression as npsOf, so the Wald centre is bit-for-bit the NPS reported beside it.
  const estimate = (100 * (promoters - detractors)) / n;
  // p + d − (p − d)² ≥ 0 in exact arithmetic; rounding can leave -1e-17 at p = 1, which √ turns to NaN.
  const variance = Math.max(0, p + d - (p - d) ** 2);
  const standardError = 100 * Math.sqrt(variance / n);
  const marginOfError = z * standardError;
  return {
    method,
    estimate,
    standardError,
    marginOfError,
    low: clampNps(estimate - marginOfError),
    high: clampNps(estimate + marginOfError),
  };
}

/**
 * The Wald interval: NPS ± z·SE with the SE of PRODUCT.md. Null when there are no responses.
 * @example waldInterval({ promoters: 50, passives: 30, detractors: 20 }) // estimate 30, SE 7.81, ±15.31
 */
export function waldInterval(counts: Counts, z: number = Z_95): NpsInterval | null {
  const n = totalOf(counts);
  if (n === 0) return null;
  return intervalOf('wald', counts.promoters, counts.detractors, n, z);
}

/**
 * The adjusted-Wald interval (Rocks 2016): add 0.75 to promoters and detractors and 3 to n, then
 * compute the estimate and SE as for Wald. It is centred on the adjusted estimate, not on the raw
 * NPS. Null when there are no responses (the adjustment alone is not evidence of anything).
 * @example adjustedWaldInterval({ promoters: 8, passives: 1, detractors: 1 }) // estimate 53.85, ±36.6
 */
export function adjustedWaldInterval(counts: Counts, z: number = Z_95): NpsInterval | null {
  const n = totalOf(counts);
  if (n === 0) return null;
  return intervalOf('adjusted-wald', counts.promoters + 0.75, counts.detractors + 0.75, n + 3, z);
}

/** Everything shown about one set of responses. */
export interface NpsSummary {
  n: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** Share of responses in percent, 0..100, exact (not rounded); 0 when n = 0. */
  promoterPct: number;
  passivePct: number;
  detractorPct: number;
  /** Exact NPS; null when n = 0. */
  nps: number | null;
  /** `roundNps(nps)`, the number to display. */
  npsRounded: number | null;
  /** Margin of error of the recommended `interval`. */
  marginOfError: number | null;
  /** The recommended 95% interval; always contains `nps`. */
  interval: NpsInterval | null;
  wald: NpsInterval | null;
  adjustedWald: NpsInterval | null;
  /** Counts of the scores 0..10. */
  distribution: number[];
}

/**
 * Below this many responses the adjusted-Wald interval is the recommended one.
 *
 * Why: at small n the Wald interval covers the true NPS noticeably less often than the 95% it
 * claims and collapses to zero width when everyone gives the same category; Rocks (2016) found the
 * adjusted-Wald interval much closer to nominal coverage there. From about 100 responses the two
 * agree closely (the adjustment moves the estimate by at most 300 / (n + 3) points, under 3 at
 * n = 100 and far less for typical splits), so we then show the Wald interval, which anyone can
 * check by hand with the formula in PRODUCT.md.
 */
export const SMALL_SAMPLE_THRESHOLD = 100;

/**
 * The interval to show. Adjusted-Wald below `SMALL_SAMPLE_THRESHOLD`, and also above it when the Wald
 * interval is degenerate (SE = 0: every answer in one category), since "±0" would claim a certainty
 * no sample has.
 *
 * The adjusted interval is centred on the shrunken estimate, so at tiny n it can exclude the NPS we
 * report (1 promoter: NPS 100, adjusted interval up to 98.5). An interval that excludes the number
 * printed next to it reads as a contradiction, and the data are certainly consistent with their own
 * observed NPS, so the bound is widened to reach the NPS. Only that bound moves; the estimate, SE
 * and margin of error stay those of the method, and `summary.adjustedWald` keeps the unwidened one.
 */
function recommendedInterval(nps: number, n: number, wald: NpsInterval, adjusted: NpsInterval): NpsInterval {
  if (n >= SMALL_SAMPLE_THRESHOLD && wald.standardError > 0) return wald;
  return { ...adjusted, low: Math.min(adjusted.low, nps), high: Math.max(adjusted.high, nps) };
}

/**
 * Summarises an 11-count distribution: counts, shares, NPS, both intervals and the recommended one.
 * @throws RangeError when the distribution is not 11 non-negative integer counts.
 */
export function summarize(distribution: readonly number[]): NpsSummary {
  const counts = countsOf(distribution);
  const n = totalOf(counts);
  const pct = (count: number): number => (n === 0 ? 0 : (100 * count) / n);
  const nps = npsOf(counts);
  const wald = waldInterval(counts);
  const adjustedWald = adjustedWaldInterval(counts);
  const interval =
    nps === null || wald === null || adjustedWald === null
      ? null
      : recommendedInterval(nps, n, wald, adjustedWald);
  return {
    n,
    promoters: counts.promoters,
    passives: counts.passives,
    detractors: counts.detractors,
    promoterPct: pct(counts.promoters),
    passivePct: pct(counts.passives),
    detractorPct: pct(counts.detractors),
    nps,
    npsRounded: nps === null ? null : roundNps(nps),
    marginOfError: interval === null ? null : interval.marginOfError,
    interval,
    wald,
    adjustedWald,
    distribution: [...distribution],
  };
}

// ---------------------------------------------------------------------------------------------
// Normal distribution

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * Complementary error function, erfc(x) = 1 − erf(x), with an absolute error below 1e-15.
 *
 * Two classical expansions, each used where it converges fast and without cancellation:
 * - |x| < 2.5: the all-positive series erf(x) = 2/√π · e^(−x²) · Σ (2x²)ⁿ x / (1·3·…·(2n+1));
 * - x ≥ 2.5: the continued fraction erfc(x) = e^(−x²)/√π · 1/(x + ½/(x + 1/(x + 3⁄2/(x + …)))),
 *   evaluated with the modified Lentz algorithm, which keeps full relative accuracy in the tail
 *   (p-values of 1e-20 stay meaningful).
 */
export function erfc(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  if (x < 0) return 2 - erfc(-x);
  if (x < 2.5) {
    const twoXSquared = 2 * x * x;
    let term = x;
    let sum = x;
    for (let k = 1; term > 1e-17 * sum; k++) {
      term *= twoXSquared / (2 * k + 1);
      sum += term;
    }
    return 1 - (2 / SQRT_PI) * Math.exp(-x * x) * sum;
  }
  if (x > 27) return 0; // e^(−729) underflows anyway.
  const tiny = 1e-300;
  let f = x;
  let c = x;
  let d = 0;
  for (let k = 1; k < 500; k++) {
    const a = k / 2;
    d = x + a * d;
    if (d === 0) d = tiny;
    c = x + a / c;
    if (c === 0) c = tiny;
    d = 1 / d;
    const delta = c * d;
    f *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/** Standard normal cumulative distribution function Φ(z). */
export function normalCdf(z: number): number {
  return 0.5 * erfc(-z / Math.SQRT2);
}

// ---------------------------------------------------------------------------------------------
// Comparing two periods or segments

/** Outcome of a comparison in words a dashboard can show. */
export type Verdict = 'increase' | 'decrease' | 'no-significant-change' | 'too-few-responses';

/** Difference between two independent samples and whether it is likely real. */
export interface NpsComparison {
  current: NpsSummary;
  baseline: NpsSummary;
  /** current NPS − baseline NPS (exact); null when either has no responses. */
  difference: number | null;
  /** √(SE₁² + SE₂²) with Wald SEs. */
  standardError: number | null;
  /** difference / standardError; ±Infinity when the SE is 0 but the NPS differ. */
  z: number | null;
  /** Two-sided p-value of z under the normal approximation. */
  pValue: number | null;
  significant: boolean;
  verdict: Verdict;
  /** The minimum n each sample needed for a verdict other than too-few-responses. */
  minN: number;
}

/**
 * Compares two distributions (e.g. this month against last month):
 * z = (NPS₁ − NPS₂) / √(SE₁² + SE₂²) with Wald SEs. The difference is significant only when
 * |z| ≥ 1.96 (or `options.z`) and both samples have at least `minN` (default 30) responses.
 * z and the p-value are reported even below `minN`, for transparency; the verdict is not.
 */
export function compareNps(
  current: readonly number[],
  baseline: readonly number[],
  options: { minN?: number; z?: number } = {},
): NpsComparison {
  const minN = options.minN ?? 30;
  const zCritical = options.z ?? Z_95;
  const a = summarize(current);
  const b = summarize(baseline);
  let difference: number | null = null;
  let standardError: number | null = null;
  let z: number | null = null;
  let pValue: number | null = null;
  if (a.nps !== null && b.nps !== null && a.wald !== null && b.wald !== null) {
    difference = a.nps - b.nps;
    standardError = Math.sqrt(a.wald.standardError ** 2 + b.wald.standardError ** 2);
    if (standardError > 0) z = difference / standardError;
    // SE = 0 only when both samples are unanimous within one category; then any difference is
    // total certainty under the model and no difference is no evidence at all.
    else z = difference === 0 ? 0 : difference > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
    pValue = erfc(Math.abs(z) / Math.SQRT2);
  }
  const enough = a.n >= minN && b.n >= minN && a.n > 0 && b.n > 0;
  const significant = enough && z !== null && Math.abs(z) >= zCritical;
  let verdict: Verdict;
  if (!enough) verdict = 'too-few-responses';
  else if (!significant) verdict = 'no-significant-change';
  else verdict = difference! > 0 ? 'increase' : 'decrease';
  return { current: a, baseline: b, difference, standardError, z, pValue, significant, verdict, minN };
}

/**
 * The comparison in plain words, e.g. "up 6 points, likely real" / "um 6 Punkte gestiegen,
 * wahrscheinlich echt", "no significant change", "too few responses to tell".
 *
 * The points are the difference of the displayed (rounded) NPS values, so the sentence agrees with
 * the two numbers a reader sees next to it.
 */
export function verdictText(comparison: NpsComparison, locale: 'de' | 'en'): string {
  const de = locale === 'de';
  switch (comparison.verdict) {
    case 'too-few-responses':
      return de ? 'zu wenige Antworten für eine Aussage' : 'too few responses to tell';
    case 'no-significant-change':
      return de ? 'keine signifikante Veränderung' : 'no significant change';
    case 'increase':
    case 'decrease': {
      const up = comparison.verdict === 'increase';
      const points = Math.abs((comparison.current.npsRounded ?? 0) - (comparison.baseline.npsRounded ?? 0));
      if (de) {
        const amount = points === 0 ? 'weniger als 1 Punkt' : points === 1 ? '1 Punkt' : `${points} Punkte`;
        return `um ${amount} ${up ? 'gestiegen' : 'gesunken'}, wahrscheinlich echt`;
      }
      const amount = points === 0 ? 'less than 1 point' : points === 1 ? '1 point' : `${points} points`;
      return `${up ? 'up' : 'down'} ${amount}, likely real`;
    }
  }
}
