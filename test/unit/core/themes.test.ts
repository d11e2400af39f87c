import { describe, expect, it } from 'vitest';
import {
  candidatesOf,
  languageOf,
  POSTGRES_STOP_WORDS,
  STOP_WORDS_DE,
  STOP_WORDS_EN,
  stemEnglish,
  stemGerman,
  type ThemeComment,
  themesOf,
  tokenize,
} from '../../../src/core/themes';

const de = (text: string, score: number): ThemeComment => ({ text, score, locale: 'de' });
const en = (text: string, score: number): ThemeComment => ({ text, score, locale: 'en' });
const keysOf = (text: string, language: 'german' | 'english' = 'german') => [
  ...candidatesOf(text, language).keys(),
];

describe('languageOf', () => {
  it('is German for de…, English for anything else', () => {
    expect(languageOf('de')).toBe('german');
    expect(languageOf('de-AT')).toBe('german');
    expect(languageOf('en')).toBe('english');
    expect(languageOf('fr')).toBe('english');
    expect(languageOf(null)).toBe('english');
  });
});

describe('stemmers', () => {
  it('groups German plurals and inflections', () => {
    expect(stemGerman('rechnungen')).toBe(stemGerman('rechnung'));
    expect(stemGerman('langsamen')).toBe(stemGerman('langsame'));
    expect(stemGerman('langsamer')).toBe(stemGerman('langsam'));
    expect(stemGerman('preise')).toBe(stemGerman('preis'));
    expect(stemGerman('tickets')).toBe(stemGerman('ticket'));
    expect(stemGerman('funktionen')).toBe(stemGerman('funktion'));
    expect(stemGerman('ladezeiten')).toBe('ladezeit');
    expect(stemGerman('änderungen')).toBe(stemGerman('anderung'));
  });
  it('groups English plurals', () => {
    expect(stemEnglish('invoices')).toBe(stemEnglish('invoice'));
    expect(stemEnglish('companies')).toBe(stemEnglish('company'));
    expect(stemEnglish('processes')).toBe(stemEnglish('process'));
    expect(stemEnglish('features')).toBe(stemEnglish('feature'));
    expect(stemEnglish("customer's")).toBe(stemEnglish('customer'));
    expect(stemEnglish('status')).toBe('status');
    expect(stemEnglish('analysis')).toBe('analysis');
  });
  it('lets the same loan word meet across languages', () => {
    expect(stemGerman('features')).toBe(stemEnglish('features'));
    expect(stemGerman('updates')).toBe(stemEnglish('update'));
    expect(stemGerman('service')).toBe(stemEnglish('service'));
  });
});

describe('stop words', () => {
  it("contain PostgreSQL's own lists, so every kept word is searchable", () => {
    for (const w of POSTGRES_STOP_WORDS.german) expect(STOP_WORDS_DE.has(w), w).toBe(true);
    for (const w of POSTGRES_STOP_WORDS.english) expect(STOP_WORDS_EN.has(w), w).toBe(true);
    expect(POSTGRES_STOP_WORDS.german).toHaveLength(231);
    expect(POSTGRES_STOP_WORDS.english).toHaveLength(127);
  });
  it('drop function words and NPS filler in both languages', () => {
    expect(keysOf('Der Support ist sehr gut und wirklich super!')).toEqual(['support']);
    expect(keysOf('The support is really great and very good.', 'english')).toEqual(['support']);
    expect(keysOf('Ich würde es weiterempfehlen, toll!')).toEqual([]);
    expect(keysOf('I would highly recommend it, awesome!', 'english')).toEqual([]);
  });
});

describe('tokenize', () => {
  it('reads markup as plain text: tags and entities are skipped, their text counts', () => {
    expect(keysOf('<b>Rechnung</b> &amp; <div class="x">Support</div>')).toEqual(['rechnung', 'support']);
    expect(keysOf('<script>alert("Export")</script>')).toEqual(['alert', 'export']);
  });
  it('ignores emoji, punctuation and numbers, and skips URLs and email addresses whole', () => {
    expect(keysOf('Export 😀 Import!!! 42 Dashboards')).toEqual(['export', 'import', 'dashboard']);
    expect(keysOf('siehe https://example.com/rechnung oder info@example.com z.B. Export')).toEqual([
      'sieh',
      'export',
    ]);
    expect(keysOf('v2 Mp3 Rechnung')).toEqual(['rechnung']);
  });
  it('marks phrase breaks at punctuation and before hyphenated compounds', () => {
    const tokens = tokenize('Neue Self-Service Funktion, Rechnung', 'german');
    expect(tokens.map((t) => [t.lower, t.breakBefore])).toEqual([
      ['neue', true],
      ['self', true],
      ['service', false],
      ['funktion', false],
      ['rechnung', true],
    ]);
  });
});

describe('candidatesOf', () => {
  it('gives words and bigrams of adjacent content words, not across stop words or punctuation', () => {
    expect(keysOf('Langsame Ladezeiten beim Export. Rechnung falsch')).toEqual([
      'langsam',
      'ladezeit',
      'langsam ladezeit',
      'export',
      'rechnung',
      'falsch',
      'rechnung falsch',
    ]);
    expect(keysOf('Rechnung ist falsch')).toEqual(['rechnung', 'falsch']);
  });
  it('counts a word once per comment and keeps its first written form', () => {
    const c = candidatesOf('Rechnungen, Rechnung, RECHNUNG', 'german');
    expect([...c]).toEqual([['rechnung', { surface: 'Rechnungen', words: 1 }]]);
  });
});

describe('themesOf', () => {
  it('is empty for no comments, and ignores empty ones', () => {
    const result = themesOf([]);
    expect(result.comments).toBe(0);
    expect(result.overall).toEqual([]);
    expect(result.byCategory).toEqual({ promoter: [], passive: [], detractor: [] });
    expect(themesOf([de('   ', 3)]).comments).toBe(0);
  });

  it('groups plurals under the form written most often', () => {
    const result = themesOf([
      de('Die Rechnungen sind falsch', 2),
      de('Rechnungen kommen zu spät', 3),
      de('Die Rechnung war falsch', 4),
      en('Invoices are wrong', 1),
      en('The invoice arrived late', 5),
      en('Invoices are confusing', 6),
    ]);
    const labels = Object.fromEntries(result.overall.map((t) => [t.key, [t.label, t.count]]));
    expect(labels.rechnung).toEqual(['Rechnungen', 3]);
    expect(labels.invoic).toEqual(['Invoices', 3]);
    expect(labels.falsch).toBeUndefined(); // 2 comments, below the default min count of 3
  });

  it('needs min_count comments per theme', () => {
    const comments = [de('Export hakt', 2), de('Export hakt', 3), de('Import', 9)];
    expect(themesOf(comments, { minCount: 3 }).overall).toEqual([]);
    expect(themesOf(comments, { minCount: 2 }).overall.map((t) => t.key)).toEqual(['export hakt']);
    expect(themesOf(comments, { minCount: 1 }).overall.map((t) => t.key)).toEqual(['export hakt', 'import']);
  });

  it('drops a word that only occurs inside one phrase, keeps it when it occurs alone too', () => {
    const phrase = [
      de('Langsame Ladezeiten', 3),
      de('langsame Ladezeiten!', 2),
      de('Langsame Ladezeiten', 4),
    ];
    expect(themesOf(phrase).overall.map((t) => t.key)).toEqual(['langsam ladezeit']);
    const alone = [...phrase, de('Ladezeiten', 5)];
    expect(themesOf(alone).overall.map((t) => [t.key, t.count])).toEqual([
      ['ladezeit', 4],
      ['langsam ladezeit', 3],
    ]);
  });

  it('ranks per category by lift weighted by count: promoters praise, detractors complain', () => {
    const comments = [
      ...Array.from({ length: 6 }, () => de('Support schnell und freundlich', 10)),
      ...Array.from({ length: 4 }, () => de('Support antwortet, Oberfläche übersichtlich', 9)),
      ...Array.from({ length: 5 }, () => de('Support lahm, Abrechnung fehlerhaft', 2)),
      ...Array.from({ length: 3 }, () => de('Abrechnung fehlerhaft', 1)),
      ...Array.from({ length: 4 }, () => en('Mobile app lacks offline mode', 7)),
    ];
    const result = themesOf(comments, { limit: 3 });
    expect(result.commentsByCategory).toEqual({ promoter: 10, passive: 4, detractor: 8 });
    // "Support" is in most comments but more often in promoters' (10 of 10 vs 15 of 22): listed
    // there, below the themes only promoters mention. "schnell" only ever follows "Support": the
    // phrase stands for it.
    expect(result.byCategory.promoter.map((t) => t.key)).toEqual([
      'freundlich',
      'support schnell',
      'support',
    ]);
    expect(result.byCategory.detractor.map((t) => t.key)).toEqual(['abrechnung fehlerhaft', 'support lahm']);
    expect(result.byCategory.passive.map((t) => t.key)).toEqual(['app lack', 'lack offlin', 'mobil app']);
    expect(result.overall[0]!.key).toBe('support');
    const support = result.overall[0]!;
    expect(support.count).toBe(15);
    expect(support.categories.promoter).toMatchObject({ count: 10, pct: 100 });
    expect(support.categories.promoter.lift).toBeCloseTo(22 / 15, 12);
    expect(support.categories.detractor.count).toBe(5);
    // 10 promoters, 5 detractors of 15: NPS 33.3 with an adjusted-Wald margin (n < 100).
    expect(support.summary.n).toBe(15);
    expect(support.summary.nps).toBeCloseTo(100 / 3, 10);
    expect(support.summary.interval?.method).toBe('adjusted-wald');
    expect(support.pct).toBeCloseTo((100 * 15) / 22, 10);
  });

  it('lists themes by count when only one category answered (lift 1 everywhere)', () => {
    const comments = [
      ...Array.from({ length: 4 }, () => en('Great reporting', 10)),
      ...Array.from({ length: 3 }, () => en('Calendar sync', 9)),
    ];
    const result = themesOf(comments);
    expect(result.byCategory.promoter.map((t) => t.key)).toEqual(['reporting', 'calendar sync']);
    expect(result.byCategory.detractor).toEqual([]);
    expect(result.overall[0]!.categories.detractor.lift).toBeNull();
  });

  it('ignores the given words (the product name)', () => {
    const comments = Array.from({ length: 3 }, () => de('Taskwerk Export', 8));
    expect(themesOf(comments, { ignore: ['Taskwerk'] }).overall.map((t) => t.key)).toEqual(['export']);
  });

  it('builds a search that names every written form, phrases quoted', () => {
    const result = themesOf([
      de('Rechnungen fehlerhaft', 1),
      de('rechnungen fehlerhaft', 2),
      de('Rechnung fehlerhaft', 3),
      de('Änderungen', 3),
      de('änderungen', 3),
      de('ÄNDERUNGEN', 3),
    ]);
    const byKey = Object.fromEntries(result.overall.map((t) => [t.key, t.search]));
    expect(byKey['rechnung fehlerhaft']).toBe('"Rechnung fehlerhaft" or "Rechnungen fehlerhaft"');
    // Only ASCII case is folded (a database in a C locale folds no other): Ä and ä stay apart.
    expect(byKey.anderung).toBe('ÄNDERUNGEN or änderungen');
  });

  it('does not depend on the order of the comments', () => {
    const comments = [
      de('Export langsam', 2),
      en('Export slow', 3),
      de('Export hakt', 9),
      en('export fails', 10),
      de('Import klappt', 8),
      de('Import hakt', 6),
      de('Import langsam', 9),
    ];
    const a = themesOf(comments, { minCount: 2 });
    const b = themesOf([...comments].reverse(), { minCount: 2 });
    expect(b).toEqual(a);
  });

  it('refuses scores outside 0-10', () => {
    expect(() => themesOf([de('Export', 11)])).toThrow(RangeError);
  });
});
