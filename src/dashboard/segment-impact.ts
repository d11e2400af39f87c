/**
 * What a segment does to the overall NPS, from counts alone (no statistics library, no DOM):
 * impact = NPS(total) − NPS(total without the segment). A segment below the rest pulls the total
 * down, so its impact is negative ("costs points"); above the rest, positive ("adds points").
 * The rest is the total minus the segment's counts, so segments need not cover the total
 * (responses without a value stay in every rest, as in the breakdown's z-test).
 */
export interface Counts {
  n: number;
  promoters: number;
  detractors: number;
}

export type SegmentSort = 'impact' | 'nps' | 'size';
export const SEGMENT_SORTS: readonly SegmentSort[] = ['impact', 'nps', 'size'];

/** The NPS of counts in [-100, 100]; null without responses. */
export function npsOfCounts(c: Counts): number | null {
  if (c.n <= 0) return null;
  return (100 * (c.promoters - c.detractors)) / c.n;
}

/** The total without the segment; throws when the segment is not part of the total. */
export function restOf(total: Counts, segment: Counts): Counts {
  const rest = {
    n: total.n - segment.n,
    promoters: total.promoters - segment.promoters,
    detractors: total.detractors - segment.detractors,
  };
  if (rest.n < 0 || rest.promoters < 0 || rest.detractors < 0 || rest.promoters + rest.detractors > rest.n)
    throw new RangeError('segment is not part of the total');
  return rest;
}

/**
 * NPS points the segment adds (> 0) or costs (< 0) the total; null when the total has no
 * responses or the segment is all of it (there is no "without" to compare with).
 */
export function impactOf(total: Counts, segment: Counts): number | null {
  const all = npsOfCounts(total);
  const without = npsOfCounts(restOf(total, segment));
  if (all === null || without === null) return null;
  const impact = all - without;
  // -0 and float dust around 0 read as "no effect".
  return Math.abs(impact) < 1e-9 ? 0 : impact;
}

export interface RankedSegment {
  value: string | null;
  n: number;
  nps: number | null;
  impact: number | null;
}

const byValue = (a: RankedSegment, b: RankedSegment) =>
  (a.value ?? '').localeCompare(b.value ?? '', 'en', { numeric: true });

/**
 * Segments in the order asked: impact = largest effect either way first (|impact| descending,
 * costs before gains of equal size), nps = highest first, size = most responses first. Missing
 * values come last; ties go by size, then by value, so the order is stable.
 */
export function sortSegments<T extends RankedSegment>(segments: readonly T[], sort: SegmentSort): T[] {
  const last = (v: number | null) => (v === null ? 1 : 0);
  return [...segments].sort((a, b) => {
    if (sort === 'impact') {
      const d = last(a.impact) - last(b.impact);
      if (d !== 0) return d;
      if (a.impact !== null && b.impact !== null) {
        const size = Math.abs(b.impact) - Math.abs(a.impact);
        if (size !== 0) return size;
        if (a.impact !== b.impact) return a.impact - b.impact;
      }
    } else if (sort === 'nps') {
      const d = last(a.nps) - last(b.nps);
      if (d !== 0) return d;
      if (a.nps !== null && b.nps !== null && a.nps !== b.nps) return b.nps - a.nps;
    }
    return b.n - a.n || byValue(a, b);
  });
}

/** A sort from the URL, else the default (impact). */
export function segmentSortOf(value: string | null): SegmentSort {
  return SEGMENT_SORTS.includes(value as SegmentSort) ? (value as SegmentSort) : 'impact';
}
