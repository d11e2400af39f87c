/**
 * Leaderboards: NPS per team, owner or rep, ranked honestly.
 *
 * - **Minimum sample.** An entry with fewer than `minN` responses (default 30) is not ranked: it is
 *   listed apart as "too few answers", so nobody is ranked first or last on three answers.
 * - **Rank** by NPS, highest first. Entries whose displayed (rounded) NPS is equal share a rank
 *   (competition ranking: 1, 2, 2, 4) and are marked `tied`.
 * - **Rank range.** Ranks suggest differences the data may not support. For each entry,
 *   `rankRange.best` = 1 + the number of ranked entries significantly above it and
 *   `rankRange.worst` = the number of ranked entries − the number significantly below it
 *   (two-sided z-test of PRODUCT.md, |z| ≥ 1.96). An entry whose interval overlaps everyone's
 *   has the range 1..N: its place could be any.
 * - **Against the rest.** Each ranked entry is compared with all other responses of the
 *   leaderboard (ranked or not); `significantlyAboveRest` / `significantlyBelowRest` say whether
 *   the difference is likely real.
 */
import { compareNps, type NpsComparison, type NpsSummary, summarize } from './stats';

export const DEFAULT_LEADERBOARD_MIN_N = 30;

export interface LeaderboardInput {
  value: string;
  /** Counts of the scores 0..10. */
  distribution: readonly number[];
}

export interface RankedEntry {
  value: string;
  summary: NpsSummary;
  /** 1 = best; entries with the same displayed NPS share a rank. */
  rank: number;
  /** Whether another ranked entry shows the same (rounded) NPS. */
  tied: boolean;
  /** The places the entry could hold given the significance of the differences. */
  rankRange: { best: number; worst: number };
  vsRest: NpsComparison;
  significantlyAboveRest: boolean;
  significantlyBelowRest: boolean;
}

export interface UnrankedEntry {
  value: string;
  summary: NpsSummary;
  /** Responses still missing to be ranked. */
  missing: number;
}

export interface Leaderboard {
  minN: number;
  ranked: RankedEntry[];
  /** Entries with fewer than minN responses, most responses first. */
  notRanked: UnrankedEntry[];
  /** All responses of all entries. */
  total: NpsSummary;
}

/**
 * Builds a leaderboard from per-value distributions. Values must be unique.
 * @throws RangeError on a duplicate value, a minN below 1 or an invalid distribution.
 */
export function buildLeaderboard(
  entries: readonly LeaderboardInput[],
  options: { minN?: number } = {},
): Leaderboard {
  const minN = options.minN ?? DEFAULT_LEADERBOARD_MIN_N;
  if (!Number.isInteger(minN) || minN < 1) throw new RangeError(`minN must be a positive integer: ${minN}`);
  const seen = new Set<string>();
  for (const entry of entries) {
    if (seen.has(entry.value)) throw new RangeError(`duplicate leaderboard value: ${entry.value}`);
    seen.add(entry.value);
  }
  const total = new Array<number>(11).fill(0);
  for (const entry of entries) {
    if (entry.distribution.length !== 11) {
      throw new RangeError(`distribution of ${entry.value} has ${entry.distribution.length} counts, not 11`);
    }
    entry.distribution.forEach((count, score) => {
      total[score]! += count;
    });
  }
  const summarized = entries.map((e) => ({
    value: e.value,
    distribution: e.distribution,
    summary: summarize(e.distribution),
  }));
  const eligible = summarized
    .filter((e) => e.summary.n >= minN)
    .sort(
      (a, b) =>
        b.summary.nps! - a.summary.nps! ||
        b.summary.n - a.summary.n ||
        (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
    );
  const notRanked = summarized
    .filter((e) => e.summary.n < minN)
    .sort((a, b) => b.summary.n - a.summary.n || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
    .map((e) => ({ value: e.value, summary: e.summary, missing: minN - e.summary.n }));

  // Pairwise significance among ranked entries: above[i] = how many are significantly higher.
  const above = new Array<number>(eligible.length).fill(0);
  const below = new Array<number>(eligible.length).fill(0);
  for (let i = 0; i < eligible.length; i++) {
    for (let j = i + 1; j < eligible.length; j++) {
      const comparison = compareNps(eligible[i]!.distribution, eligible[j]!.distribution, { minN });
      if (!comparison.significant) continue;
      if (comparison.difference! > 0) {
        above[j]! += 1;
        below[i]! += 1;
      } else {
        above[i]! += 1;
        below[j]! += 1;
      }
    }
  }

  const ranked = eligible.map((e, i): RankedEntry => {
    const shown = e.summary.npsRounded!;
    const rank = 1 + eligible.filter((o) => o.summary.npsRounded! > shown).length;
    const tied = eligible.some((o, j) => j !== i && o.summary.npsRounded === shown);
    const rest = total.map((count, score) => count - e.distribution[score]!);
    const vsRest = compareNps(e.distribution, rest, { minN });
    return {
      value: e.value,
      summary: e.summary,
      rank,
      tied,
      rankRange: { best: 1 + above[i]!, worst: eligible.length - below[i]! },
      vsRest,
      significantlyAboveRest: vsRest.verdict === 'increase',
      significantlyBelowRest: vsRest.verdict === 'decrease',
    };
  });
  return { minN, ranked, notRanked, total: summarize(total) };
}
