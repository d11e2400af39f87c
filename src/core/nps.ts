/**
 * Scores, categories and the Net Promoter Score itself.
 *
 * Everything here works on counts, never on percentages, so that the NPS can be computed
 * exactly (see `npsOf`) and summed across days, segments and accounts without drift.
 */

/** The three NPS categories of a 0-10 answer. */
export type Category = 'promoter' | 'passive' | 'detractor';

/** All categories, best first (the order used in tables and charts). */
export const CATEGORIES: readonly Category[] = Object.freeze(['promoter', 'passive', 'detractor']);

/** Number of possible answers on the 0-10 scale (the length of every distribution). */
const SCALE_SIZE = 11;

const SCORE_RANGES: Readonly<Record<Category, { readonly min: number; readonly max: number }>> = {
  promoter: { min: 9, max: 10 },
  passive: { min: 7, max: 8 },
  detractor: { min: 0, max: 6 },
};

/**
 * Whether `value` is a valid answer: an integer 0-10 of type number.
 * Strings such as `"9"` are not scores; parse them at the edge.
 */
export function isScore(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10;
}

/**
 * The category of a score: 9-10 promoter, 7-8 passive, 0-6 detractor.
 * @throws RangeError when `score` is not an integer 0-10.
 * @example categoryOf(9) // 'promoter'
 */
export function categoryOf(score: number): Category {
  if (!isScore(score)) throw new RangeError(`not a score (integer 0-10): ${String(score)}`);
  if (score >= 9) return 'promoter';
  if (score >= 7) return 'passive';
  return 'detractor';
}

/**
 * The inclusive score range of a category.
 * @example scoreRangeOf('passive') // { min: 7, max: 8 }
 */
export function scoreRangeOf(category: Category): { min: number; max: number } {
  const range = SCORE_RANGES[category];
  if (range === undefined) throw new RangeError(`unknown category: ${String(category)}`);
  // A copy, so a caller mutating it cannot change the definition for everyone.
  return { min: range.min, max: range.max };
}

/** A fresh distribution of 11 zero counts; index = score. */
export function emptyDistribution(): number[] {
  return new Array<number>(SCALE_SIZE).fill(0);
}

/**
 * Counts how often each score occurs.
 * @throws RangeError on the first value that is not an integer 0-10.
 * @example distributionOf([10, 9, 3]) // [0,0,0,1,0,0,0,0,0,1,1]
 */
export function distributionOf(scores: Iterable<number>): number[] {
  const distribution = emptyDistribution();
  for (const score of scores) {
    if (!isScore(score)) throw new RangeError(`not a score (integer 0-10): ${String(score)}`);
    distribution[score]! += 1;
  }
  return distribution;
}

/** Responses per category. */
export interface Counts {
  promoters: number;
  passives: number;
  detractors: number;
}

/**
 * Collapses an 11-score distribution into category counts.
 * @throws RangeError when the distribution does not have 11 non-negative integer counts.
 */
export function countsOf(distribution: readonly number[]): Counts {
  if (distribution.length !== SCALE_SIZE) {
    throw new RangeError(`a distribution has ${SCALE_SIZE} counts, got ${distribution.length}`);
  }
  const counts: Counts = { promoters: 0, passives: 0, detractors: 0 };
  for (let score = 0; score < SCALE_SIZE; score++) {
    const count = distribution[score]!;
    // Checked here because every statistic downstream trusts these numbers.
    if (!Number.isInteger(count) || count < 0) {
      throw new RangeError(`count for score ${score} is not a non-negative integer: ${String(count)}`);
    }
    if (score >= 9) counts.promoters += count;
    else if (score >= 7) counts.passives += count;
    else counts.detractors += count;
  }
  return counts;
}

/** Number of responses n = promoters + passives + detractors. */
export function totalOf(counts: Counts): number {
  return counts.promoters + counts.passives + counts.detractors;
}

/**
 * The exact NPS, 100 × (promoters − detractors) / n, in [-100, 100]; null when there are no responses.
 * @example npsOf({ promoters: 50, passives: 30, detractors: 20 }) // 30
 */
export function npsOf(counts: Counts): number | null {
  const n = totalOf(counts);
  if (n === 0) return null;
  // One division of integers: the result is the correctly rounded value of the exact fraction,
  // so a true half (e.g. 12.5) stays exactly half and `roundNps` rounds it the documented way.
  // 100 * (p - d) with p and d already divided could land on 12.499999….
  return (100 * (counts.promoters - counts.detractors)) / n;
}

/**
 * The NPS as shown to people: an integer, halves rounded away from zero (12.5 → 13, -12.5 → -13),
 * never -0.
 */
export function roundNps(nps: number): number {
  // Math.round rounds halves towards +∞, which would make -12.5 → -12 but 12.5 → 13.
  const rounded = Math.sign(nps) * Math.round(Math.abs(nps));
  return rounded === 0 ? 0 : rounded;
}
