/**
 * Testimonials, the pure part (docs/TESTIMONIALS.md): who is a candidate, the default display name
 * of the author, the honest aggregate rating, and the schema.org JSON-LD the testimonial widget puts
 * in the page. No I/O, no clock.
 */

/** A moderator's decision; a candidate without one is `pending`. */
export const TESTIMONIAL_STATUSES = ['pending', 'approved', 'rejected'] as const;
export type TestimonialStatus = (typeof TESTIMONIAL_STATUSES)[number];

/**
 * schema.org types the markup may name as the reviewed item. Google shows review snippets for some
 * of them only, and never for an Organization or LocalBusiness reviewing itself on its own site
 * ("self-serving reviews", docs/TESTIMONIALS.md).
 */
export const ITEM_TYPES = [
  'Organization',
  'LocalBusiness',
  'Product',
  'SoftwareApplication',
  'Service',
] as const;
export type ItemType = (typeof ITEM_TYPES)[number];

export const DISPLAY_NAME_MAX = 80;

/** Whether a response may become a testimonial: a promoter (9-10) who consented and wrote something. */
export function isCandidate(response: {
  score: number;
  testimonial_consent: boolean | null;
  comment: string | null;
}): boolean {
  return (
    response.score >= 9 && response.testimonial_consent === true && (response.comment ?? '').trim() !== ''
  );
}

/** The author label when the contact has no usable name. */
const ANONYMOUS: Record<string, string> = { en: 'A customer', de: 'Eine Kundin oder ein Kunde' };

/** Titles and particles that are not a first name ("Dr. Anna Becker" is "Anna B."). */
const TITLES = /^(dr|prof|mr|mrs|ms|herr|frau|dipl|ing|mag)\.?$/i;

/**
 * The default display name: first name and the initial of the last name ("Anna Becker" → "Anna B.",
 * "Becker, Anna" → "Anna B.", "Anna" → "Anna"), so a customer is not fully named on a public site
 * unless a moderator decides so. Without a usable name (none, or an email address) a neutral label
 * in `locale` (German or English).
 */
export function defaultDisplayName(
  name: string | null | undefined,
  locale: string | null | undefined,
): string {
  const anonymous = ANONYMOUS[(locale ?? '').slice(0, 2).toLowerCase()] ?? ANONYMOUS.en!;
  let text = (name ?? '').replace(/\s+/g, ' ').trim();
  if (text === '' || text.includes('@')) return anonymous;
  const comma = text.indexOf(',');
  if (comma > 0) text = `${text.slice(comma + 1)} ${text.slice(0, comma)}`.trim();
  const words = text.split(' ').filter((w) => w !== '' && !TITLES.test(w));
  if (words.length === 0) return anonymous;
  const first = words[0]!.slice(0, DISPLAY_NAME_MAX - 3);
  if (words.length === 1) return first;
  const initial = Array.from(words[words.length - 1]!)[0]!.toLocaleUpperCase();
  return /\p{L}/u.test(initial) ? `${first} ${initial}.` : first;
}

/** A display name a moderator typed, trimmed and with inner whitespace collapsed. */
export function cleanDisplayName(name: string): string {
  return name.replace(/\s+/g, ' ').trim();
}

export interface AggregateRating {
  /** Mean score, one decimal; null without ratings. */
  ratingValue: number | null;
  ratingCount: number;
  bestRating: 10;
  worstRating: 0;
}

/**
 * The aggregate rating over ALL responses counted (every score, detractors included), never over
 * the approved testimonials alone: those are promoters by definition, and an average of them would
 * be review gating in disguise.
 */
export function aggregateRating(count: number, sum: number): AggregateRating {
  return {
    ratingValue: count > 0 ? Math.round((sum / count) * 10) / 10 : null,
    ratingCount: count,
    bestRating: 10,
    worstRating: 0,
  };
}

export interface PublishedTestimonial {
  display_name: string;
  quote: string;
  score: number;
  /** ISO date (YYYY-MM-DD) the customer wrote it. */
  date: string;
}

export interface ReviewedItem {
  type: ItemType;
  name: string;
  url?: string | null;
}

/**
 * The schema.org markup of the testimonials shown: the reviewed item with its AggregateRating
 * (omitted when there is no rating at all) and one Review per testimonial (author, body, rating,
 * date). The widget inserts it as it is into one `<script type="application/ld+json">`.
 */
export function testimonialJsonLd(
  item: ReviewedItem,
  aggregate: AggregateRating,
  testimonials: readonly PublishedTestimonial[],
): Record<string, unknown> {
  const ld: Record<string, unknown> = {
    '@context': 'https://schema.org',
    '@type': item.type,
    name: item.name,
  };
  if (item.url) ld.url = item.url;
  if (aggregate.ratingValue !== null && aggregate.ratingCount > 0) {
    ld.aggregateRating = {
      '@type': 'AggregateRating',
      ratingValue: aggregate.ratingValue,
      bestRating: aggregate.bestRating,
      worstRating: aggregate.worstRating,
      ratingCount: aggregate.ratingCount,
    };
  }
  ld.review = testimonials.map((t) => ({
    '@type': 'Review',
    author: { '@type': 'Person', name: t.display_name },
    reviewBody: t.quote,
    reviewRating: { '@type': 'Rating', ratingValue: t.score, bestRating: 10, worstRating: 0 },
    datePublished: t.date,
  }));
  return ld;
}
