/** Input to {@link pickLocale}. Every candidate is optional; `available` and `fallback` are not. */
export interface PickLocaleInput {
  /** An explicit choice, e.g. from `?lang=de`. */
  requested?: string | null;
  /** The locale stored on the contact the invitation was sent to. */
  contactLocale?: string | null;
  /** The raw `Accept-Language` request header. */
  acceptLanguage?: string | null;
  /** The locales the survey has texts for, spelled as the caller wants them returned. */
  available: readonly string[];
  /** The survey's default locale, returned when nothing else matches. */
  fallback: string;
}

/** Longer headers are cut here: a browser sends a few dozen bytes, never kilobytes. */
const MAX_ACCEPT_LANGUAGE_LENGTH = 1024;
const MAX_ACCEPT_LANGUAGE_ENTRIES = 32;
const LANGUAGE_TAG = /^[a-z]{1,8}(?:-[a-z0-9]{1,8})*$/;

/**
 * Chooses the locale in which to show the hosted survey page. The first candidate that matches one
 * of `available` wins, in this order:
 * 1. `requested` (the visitor picked a language, e.g. `?lang=en`),
 * 2. the contact's stored locale,
 * 3. the `Accept-Language` ranges, highest q-value first (ties keep header order, `q=0` is ignored),
 * 4. otherwise `fallback` (the survey's default locale).
 *
 * A candidate matches exactly (case-insensitive, `_` read as `-`), else by dropping subtags from the
 * end (`de-AT` → `de`), else any available locale of the same language (`de` → `de-CH`). The value
 * returned is always an element of `available` as spelled there, or `fallback`.
 *
 * @example pickLocale({ acceptLanguage: 'de-AT,de;q=0.9,en;q=0.8', available: ['en', 'de'], fallback: 'en' }) // 'de'
 */
export function pickLocale(input: PickLocaleInput): string {
  const { available } = input;
  const fromRequested = matchLocale(input.requested, available);
  if (fromRequested !== undefined) return fromRequested;
  const fromContact = matchLocale(input.contactLocale, available);
  if (fromContact !== undefined) return fromContact;
  for (const range of parseAcceptLanguage(input.acceptLanguage)) {
    const match = matchLocale(range, available);
    if (match !== undefined) return match;
  }
  return input.fallback;
}

/**
 * The language ranges of an `Accept-Language` header, best first: sorted by q-value (stable, so
 * equal weights keep the header's order), without `*`, `q=0` and malformed entries.
 *
 * @example parseAcceptLanguage('en;q=0.5, de-AT') // ['de-at', 'en']
 */
export function parseAcceptLanguage(header: string | null | undefined): string[] {
  if (!header) return [];
  const ranges: { tag: string; q: number }[] = [];
  const entries = header.slice(0, MAX_ACCEPT_LANGUAGE_LENGTH).split(',');
  for (const entry of entries.slice(0, MAX_ACCEPT_LANGUAGE_ENTRIES)) {
    const [rawTag = '', ...params] = entry.split(';');
    const tag = normalizeTag(rawTag);
    if (tag === '*' || !LANGUAGE_TAG.test(tag)) continue;
    let q = 1;
    for (const param of params) {
      const [key = '', value = ''] = param.split('=');
      if (key.trim().toLowerCase() !== 'q') continue;
      q = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/.test(value.trim()) ? Number(value) : 0;
    }
    if (q > 0) ranges.push({ tag, q });
  }
  return ranges.sort((a, b) => b.q - a.q).map((range) => range.tag);
}

function normalizeTag(tag: string): string {
  return tag.trim().replace(/_/g, '-').toLowerCase();
}

function matchLocale(candidate: string | null | undefined, available: readonly string[]): string | undefined {
  if (!candidate) return undefined;
  const wanted = normalizeTag(candidate);
  if (!LANGUAGE_TAG.test(wanted)) return undefined;
  const normalized = available.map(normalizeTag);
  // Exact, then RFC 4647 "lookup": de-ch-1996 → de-ch → de.
  const subtags = wanted.split('-');
  for (let length = subtags.length; length > 0; length--) {
    const index = normalized.indexOf(subtags.slice(0, length).join('-'));
    if (index !== -1) return available[index];
  }
  // Same language, other region: a German speaker is better served by de-CH than by the fallback.
  const language = subtags[0];
  const index = normalized.findIndex((tag) => tag.split('-')[0] === language);
  return index === -1 ? undefined : available[index];
}
