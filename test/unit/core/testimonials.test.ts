import { describe, expect, it } from 'vitest';
import {
  aggregateRating,
  cleanDisplayName,
  defaultDisplayName,
  isCandidate,
  testimonialJsonLd,
} from '../../../src/core/testimonials';

describe('defaultDisplayName', () => {
  it('is the first name and the initial of the last name', () => {
    expect(defaultDisplayName('Anna Becker', 'de')).toBe('Anna B.');
    expect(defaultDisplayName('  Anna   Maria  von Becker ', 'en')).toBe('Anna B.');
    expect(defaultDisplayName('Becker, Anna', 'en')).toBe('Anna B.');
    expect(defaultDisplayName('Dr. Jürgen Özdemir', 'de')).toBe('Jürgen Ö.');
    expect(defaultDisplayName('émile zola', 'en')).toBe('émile Z.');
    expect(defaultDisplayName('Anna', 'de')).toBe('Anna');
    expect(defaultDisplayName('Anna 42', 'de')).toBe('Anna');
  });

  it('is a neutral label in German or English without a usable name', () => {
    expect(defaultDisplayName(null, 'de')).toBe('Eine Kundin oder ein Kunde');
    expect(defaultDisplayName('', 'de-AT')).toBe('Eine Kundin oder ein Kunde');
    expect(defaultDisplayName('   ', 'en')).toBe('A customer');
    expect(defaultDisplayName('anna@example.com', 'en')).toBe('A customer');
    expect(defaultDisplayName('Dr.', 'fr')).toBe('A customer');
    expect(defaultDisplayName(undefined, null)).toBe('A customer');
  });

  it('cleans a typed name', () => {
    expect(cleanDisplayName('  Anna \n B. ')).toBe('Anna B.');
  });
});

describe('isCandidate', () => {
  it('needs a promoter, consent and a comment', () => {
    expect(isCandidate({ score: 9, testimonial_consent: true, comment: 'Great' })).toBe(true);
    expect(isCandidate({ score: 10, testimonial_consent: true, comment: 'Great' })).toBe(true);
    expect(isCandidate({ score: 8, testimonial_consent: true, comment: 'Great' })).toBe(false);
    expect(isCandidate({ score: 10, testimonial_consent: false, comment: 'Great' })).toBe(false);
    expect(isCandidate({ score: 10, testimonial_consent: null, comment: 'Great' })).toBe(false);
    expect(isCandidate({ score: 10, testimonial_consent: true, comment: '  ' })).toBe(false);
    expect(isCandidate({ score: 10, testimonial_consent: true, comment: null })).toBe(false);
  });
});

describe('aggregateRating', () => {
  it('is the mean of every score with one decimal, on a 0-10 scale', () => {
    // 10, 9, 3, 0: a detractor counts as much as a promoter (no review gating).
    expect(aggregateRating(4, 22)).toEqual({
      ratingValue: 5.5,
      ratingCount: 4,
      bestRating: 10,
      worstRating: 0,
    });
    expect(aggregateRating(3, 26).ratingValue).toBe(8.7);
    expect(aggregateRating(0, 0)).toEqual({
      ratingValue: null,
      ratingCount: 0,
      bestRating: 10,
      worstRating: 0,
    });
  });
});

describe('testimonialJsonLd', () => {
  const reviews = [
    { display_name: 'Anna B.', quote: 'Sehr gut <b>wirklich</b>', score: 10, date: '2026-05-01' },
    { display_name: 'A customer', quote: 'Great', score: 9, date: '2026-04-01' },
  ];

  it('names the item, its AggregateRating and one Review per testimonial', () => {
    const ld = testimonialJsonLd(
      { type: 'SoftwareApplication', name: 'Taskwerk', url: 'https://taskwerk.example' },
      aggregateRating(4, 22),
      reviews,
    );
    expect(ld).toEqual({
      '@context': 'https://schema.org',
      '@type': 'SoftwareApplication',
      name: 'Taskwerk',
      url: 'https://taskwerk.example',
      aggregateRating: {
        '@type': 'AggregateRating',
        ratingValue: 5.5,
        bestRating: 10,
        worstRating: 0,
        ratingCount: 4,
      },
      review: [
        {
          '@type': 'Review',
          author: { '@type': 'Person', name: 'Anna B.' },
          reviewBody: 'Sehr gut <b>wirklich</b>',
          reviewRating: { '@type': 'Rating', ratingValue: 10, bestRating: 10, worstRating: 0 },
          datePublished: '2026-05-01',
        },
        {
          '@type': 'Review',
          author: { '@type': 'Person', name: 'A customer' },
          reviewBody: 'Great',
          reviewRating: { '@type': 'Rating', ratingValue: 9, bestRating: 10, worstRating: 0 },
          datePublished: '2026-04-01',
        },
      ],
    });
  });

  it('leaves out the aggregate without ratings and the url when unset', () => {
    const ld = testimonialJsonLd({ type: 'Organization', name: 'Acme' }, aggregateRating(0, 0), []);
    expect(ld).toEqual({
      '@context': 'https://schema.org',
      '@type': 'Organization',
      name: 'Acme',
      review: [],
    });
  });
});
