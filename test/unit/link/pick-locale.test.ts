import { describe, expect, it } from 'vitest';
import { parseAcceptLanguage, pickLocale } from '../../../src/server/channels/link/pick-locale';

const available = ['de', 'en'] as const;

describe('pickLocale', () => {
  it('uses the Accept-Language range with the highest q-value, not the first listed', () => {
    expect(pickLocale({ acceptLanguage: 'en;q=0.4, de;q=0.9', available, fallback: 'en' })).toBe('de');
    expect(pickLocale({ acceptLanguage: 'fr, en;q=0.8, de;q=0.7', available, fallback: 'de' })).toBe('en');
  });

  it('keeps header order for equal q-values and ignores q=0', () => {
    expect(pickLocale({ acceptLanguage: 'en, de', available, fallback: 'de' })).toBe('en');
    expect(pickLocale({ acceptLanguage: 'de;q=0, en;q=0.1', available, fallback: 'de' })).toBe('en');
  });

  it('falls back from a region to its language (de-AT → de)', () => {
    expect(pickLocale({ acceptLanguage: 'de-AT,en;q=0.5', available, fallback: 'en' })).toBe('de');
    expect(pickLocale({ requested: 'en_GB', available, fallback: 'de' })).toBe('en');
  });

  it('matches another region of the same language when the exact one is missing', () => {
    expect(pickLocale({ acceptLanguage: 'de-AT', available: ['en', 'de-CH'], fallback: 'en' })).toBe('de-CH');
  });

  it('returns the available spelling, case-insensitively matched', () => {
    expect(pickLocale({ requested: 'PT-br', available: ['en', 'pt-BR'], fallback: 'en' })).toBe('pt-BR');
  });

  it('uses the fallback for unknown, empty, wildcard or malformed input', () => {
    expect(pickLocale({ acceptLanguage: 'fr-FR, it;q=0.5', available, fallback: 'de' })).toBe('de');
    expect(pickLocale({ acceptLanguage: '*', available, fallback: 'de' })).toBe('de');
    expect(
      pickLocale({ acceptLanguage: '', requested: null, contactLocale: null, available, fallback: 'en' }),
    ).toBe('en');
    expect(pickLocale({ requested: '<script>', acceptLanguage: ';;,,q=', available, fallback: 'de' })).toBe(
      'de',
    );
    expect(pickLocale({ acceptLanguage: 'en;q=2', available, fallback: 'de' })).toBe('de');
  });

  it("prefers the contact's locale over the header", () => {
    expect(
      pickLocale({ contactLocale: 'de-DE', acceptLanguage: 'en-US,en', available, fallback: 'en' }),
    ).toBe('de');
  });

  it('prefers the requested locale over everything', () => {
    expect(
      pickLocale({ requested: 'en', contactLocale: 'de', acceptLanguage: 'de', available, fallback: 'de' }),
    ).toBe('en');
  });

  it('skips a requested or contact locale the survey does not have', () => {
    expect(
      pickLocale({ requested: 'fr', contactLocale: 'it', acceptLanguage: 'de', available, fallback: 'en' }),
    ).toBe('de');
  });
});

describe('parseAcceptLanguage', () => {
  it('sorts by q, lower-cases and drops wildcards', () => {
    expect(parseAcceptLanguage('en;q=0.5, de-AT, *;q=0.1, fr;q=0.8')).toEqual(['de-at', 'fr', 'en']);
  });

  it('survives a huge header', () => {
    expect(parseAcceptLanguage(`${'xx,'.repeat(100_000)}de`)).toHaveLength(32);
  });
});
