/**
 * Comment themes: the words and two-word phrases customers mention most, per NPS category
 * (what promoters praise, what passives miss, what detractors complain about). Pure and local: no
 * model, no service, the same answer for the same comments on any database.
 *
 * How, in order:
 * 1. **Tokens.** A comment is plain text: tags (`<b>`) and character entities (`&amp;`) are
 *    skipped, as PostgreSQL's text-search parser skips them; so are URLs, email addresses and host
 *    names. Words are runs of letters; a word with digits is no topic. Words are compared in lower
 *    case. Punctuation, emoji and skipped pieces separate phrases (see 3).
 * 2. **Content words.** Stop words are dropped: German and English function words (a superset of
 *    PostgreSQL's German and English stop-word lists, so every word kept is also one that full-text
 *    search finds) and NPS filler that carries sentiment but no topic ("gut", "super", "great",
 *    "really", "recommend"). Both lists apply to every comment: German comments are full of English
 *    words and the other way round. Words shorter than two letters are dropped.
 * 3. **Candidates.** Each content word, and each pair of content words that stand next to each
 *    other with only spaces between them (a bigram: "langsame Ladezeiten"). A comment counts once
 *    per candidate, however often it repeats it.
 * 4. **Grouping.** Inflected forms share a key: a light stemmer per language (the comment's locale:
 *    'de…' German, anything else English) strips plural and case endings, so "Rechnung" and
 *    "Rechnungen", "invoice" and "invoices" are one theme. German umlauts fold (ä → a). The label is
 *    the form written most often.
 * 5. **Themes.** Candidates mentioned in at least `minCount` comments. A single word that only
 *    ever occurs inside one phrase (every comment with "Ladezeiten" says "langsame Ladezeiten") is
 *    dropped in favour of the phrase.
 * 6. **Ranking.** Overall: by the number of comments. Per category: by lift, how much more often
 *    the category's comments mention the theme than all comments do (share in the category ÷ share
 *    overall), weighted by how many of the category's comments mention it:
 *    score = count in category × ln(lift). Only themes with lift ≥ 1 (mentioned at least as often
 *    in the category as overall) and at least `minCount` comments in the category are listed. So
 *    promoters get what they praise, detractors what they complain about, and a word everybody
 *    uses ("Support") ranks in no category unless one mentions it distinctly more.
 *
 * Every theme carries `search`: a query for PostgreSQL's `websearch_to_tsquery` (the `q` of
 * GET /responses) that finds every comment the theme counted. It ORs the theme's written forms
 * (phrases quoted), so each counted comment contains one of them verbatim, and the database stems
 * both sides with the comment's own language. The tokenizer errs on the side of fewer phrases
 * (it breaks at every punctuation mark, PostgreSQL at none), so a phrase counted here is always
 * adjacent for PostgreSQL too. Search may find more than `count` (its stemmer is more aggressive).
 */
import { CATEGORIES, type Category, categoryOf } from './nps';
import { type NpsSummary, summarize } from './stats';

/** One comment to analyse. */
export interface ThemeComment {
  text: string;
  score: number;
  /** The response's locale; 'de…' is German, anything else (also null) English. */
  locale: string | null;
}

export interface ThemeOptions {
  /** A candidate becomes a theme from this many comments on (also per category list). Default 3. */
  minCount?: number;
  /** Themes per list. Default 10. */
  limit?: number;
  /** More words that are no topic, e.g. the product's own name ("Taskwerk"). Any case. */
  ignore?: readonly string[];
}

export interface ThemeCategoryStats {
  /** Comments of the category that mention the theme. */
  count: number;
  /** Percent of the category's comments that mention it (0 when the category has none). */
  pct: number;
  /** Share in the category ÷ share overall; null when the category has no comments. */
  lift: number | null;
}

export interface Theme {
  /** Normalised (stemmed, lower-case) word or "word word"; stable across runs. */
  key: string;
  /** The form written most often, e.g. "Rechnungen", "langsame Ladezeiten". */
  label: string;
  words: 1 | 2;
  /** Comments that mention it. */
  count: number;
  /** Percent of all analysed comments that mention it. */
  pct: number;
  categories: Record<Category, ThemeCategoryStats>;
  /** The NPS of the responses whose comment mentions it, with its margin of error. */
  summary: NpsSummary;
  /** A `q` for GET /responses that finds (at least) every comment counted here. */
  search: string;
}

export interface ThemesResult {
  /** Comments analysed (non-empty ones). */
  comments: number;
  commentsByCategory: Record<Category, number>;
  minCount: number;
  /** The most mentioned themes, by count. */
  overall: Theme[];
  /** Per category, by lift × count (see the module comment). */
  byCategory: Record<Category, Theme[]>;
}

// ---------------------------------------------------------------------------------------------
// Stop words

/** PostgreSQL's English stop words (tsearch_data/english.stop, the Snowball list). */
const POSTGRES_EN = `i me my myself we our ours ourselves you your yours yourself yourselves he him his himself she
her hers herself it its itself they them their theirs themselves what which who whom this that these those am is are
was were be been being have has had having do does did doing a an the and but if or because as until while of at by
for with about against between into through during before after above below to from up down in out on off over under
again further then once here there when where why how all any both each few more most other some such no nor not
only own same so than too very s t can will just don should now`;

/** PostgreSQL's German stop words (tsearch_data/german.stop, the Snowball list). */
const POSTGRES_DE = `aber alle allem allen aller alles als also am an ander andere anderem anderen anderer anderes
anderm andern anderr anders auch auf aus bei bin bis bist da damit dann der den des dem die das daß derselbe
derselben denselben desselben demselben dieselbe dieselben dasselbe dazu dein deine deinem deinen deiner deines denn
derer dessen dich dir du dies diese diesem diesen dieser dieses doch dort durch ein eine einem einen einer eines einig
einige einigem einigen einiger einiges einmal er ihn ihm es etwas euer eure eurem euren eurer eures für gegen gewesen
hab habe haben hat hatte hatten hier hin hinter ich mich mir ihr ihre ihrem ihren ihrer ihres euch im in indem ins
ist jede jedem jeden jeder jedes jene jenem jenen jener jenes jetzt kann kein keine keinem keinen keiner keines können
könnte machen man manche manchem manchen mancher manches mein meine meinem meinen meiner meines mit muss musste nach
nicht nichts noch nun nur ob oder ohne sehr sein seine seinem seinen seiner seines selbst sich sie ihnen sind so
solche solchem solchen solcher solches soll sollte sondern sonst über um und uns unse unsem unsen unser unses unter
viel vom von vor während war waren warst was weg weil weiter welche welchem welchen welcher welches wenn werde werden
wie wieder will wir wird wirst wo wollen wollte würde würden zu zum zur zwar zwischen`;

/** More English function words, contractions and NPS filler (sentiment without a topic). */
const EXTRA_EN = `i'm im i've ive i'd i'll you're we're we've they're it's its isn't aren't wasn't weren't don't doesn't
didn't can't cannot couldn't won't wouldn't shouldn't haven't hasn't hadn't let's that's there's what's ve ll re d m
would could might must shall may also yet still even ever never always often sometimes usually already almost quite
rather really truly pretty totally absolutely definitely certainly simply just actually basically generally overall
much many lot lots bit little less least enough several another every everything something anything nothing someone
anyone everyone everybody somebody nobody thing things stuff way ways kind sort one ones two three first last
get gets got getting make makes made making go goes going went gone come comes came take takes took give gives gave
keep keeps use uses used using see seen say says said tell know think thought feel felt want wants wanted need needs
needed like liked likes love loved loves hate try tried well though although however since thanks thank please yes
no ok okay oh hi hey etc via per within without upon around across along among toward towards unless whether
good great nice fine bad poor best better worse worst excellent awesome amazing fantastic wonderful brilliant perfect
superb terrible awful horrible happy satisfied unhappy disappointed disappointing recommend recommended recommending
recommendation highly experience product company pleased glad thrilled delighted frustrated frustrating annoying
annoyed shame sad sorry honestly frankly decent mixed feelings feeling acceptable unacceptable big small huge overall
mostly generally fairly kinda sure wow lol friend friends colleague colleagues work works worked working
hour hours day days week weeks month months year years minute minutes today yesterday tomorrow time times
mr mrs ms dear hello regards cheers`;

/** More German function words, the new spelling, colloquial forms and NPS filler. */
const EXTRA_DE = `dass ja nein naja halt eben mal schon eigentlich wirklich echt ganz gar etwa eher ziemlich recht
total absolut bisher bislang immer nie oft öfter manchmal meist meistens bereits gerade grad sowie sowohl
bzw usw etc ca zb ab bei beim seit seitdem deshalb daher darum trotzdem dennoch jedoch allerdings außerdem ausserdem
zudem leider bitte danke dank vielen vielleicht wohl sicher sicherlich natürlich klar gerne gern mehr weniger wenig
viele vieles vielem mehrere jemand niemand alles etwas nix nichts sachen sache ding dinge art weise mal mals
gibt geben gab gegeben geht gehen ging gegangen kommt kommen kam gekommen macht machen machte gemacht haben hätte
hätten wäre wären sei seid worden wurde wurden kann könnt konnte konnten könnten muss müssen musste mussten müsste
darf dürfen durfte soll sollen sollten möchte möchten mag mögen finde finden fand gefunden sagen sagt gesagt denke
denken glaube glauben bekommen bekommt bekam brauchen braucht lassen lässt
gut gute guter gutes guten gutem super toll tolle toller tolles tollen klasse prima top spitze perfekt perfekte
schlecht schlechte schlechter schlechtes schlechten schön schöne schöner schönes schönen besser beste besten bester
bestes prima okay ok zufrieden unzufrieden begeistert enttäuscht enttäuschend empfehlen empfehle empfehlung
weiterempfehlen weiterempfehlung empfehlenswert insgesamt allgemein produkt firma unternehmen erfahrung
ihnen ihr euch euer wer wen wem wessen welch dessen deren denen diesen jener hierzu dafür dagegen damit darauf daran
darüber davon dabei dadurch dazu hierbei hiermit womit worauf wobei woran eins zwei drei erste ersten erster zweite
unsere unserer unserem unseren unseres leute leuten sogar erst pro ansonsten sonst grundsätzlich gäbe gibt's eigentlich ehrlich gesagt schade ärgerlich frustriert
frustrierend enttäuschend enttäuschung lob großes großen großer große groß kleine kleinen kleiner klein ganze ganzen
ganzer ganzes gemischte gemischt gefühle gefühl ordentlich passabel akzeptabel inakzeptabel erwarte erwarten erwartet
läuft laufen lief freund freunde freunden kollege kollegen kollegin herr herrn frau hallo grüße gruß
nutzen nutze nutzt genutzt benutzen benutze benutzt verwenden verwende verwendet arbeiten arbeite arbeitet gearbeitet
stunde stunden tag tage tagen woche wochen monat monate monaten jahr jahre jahren minute minuten heute gestern morgen
zeit mittlerweile inzwischen momentan aktuell derzeit wegen trotz statt dank
dem des dies dort doch sehr`;

const words = (list: string): string[] => list.split(/\s+/).filter((w) => w !== '');

/** The stop words of each language (the union applies to every comment). Lower case. */
export const STOP_WORDS_EN: ReadonlySet<string> = new Set([...words(POSTGRES_EN), ...words(EXTRA_EN)]);
export const STOP_WORDS_DE: ReadonlySet<string> = new Set([...words(POSTGRES_DE), ...words(EXTRA_DE)]);
/** PostgreSQL's own lists, for the test that ours contain them. */
export const POSTGRES_STOP_WORDS: Readonly<Record<'german' | 'english', readonly string[]>> = {
  german: words(POSTGRES_DE),
  english: words(POSTGRES_EN),
};
const STOP_WORDS: ReadonlySet<string> = new Set([...STOP_WORDS_EN, ...STOP_WORDS_DE]);

// ---------------------------------------------------------------------------------------------
// Language and stemming

export type ThemeLanguage = 'german' | 'english';

/** The text-search language of a locale: 'de…' German, everything else English (as in SQL). */
export function languageOf(locale: string | null): ThemeLanguage {
  return locale?.toLowerCase().startsWith('de') ? 'german' : 'english';
}

const FOLD: Record<string, string> = {
  ä: 'a',
  à: 'a',
  á: 'a',
  â: 'a',
  ö: 'o',
  ò: 'o',
  ó: 'o',
  ô: 'o',
  ü: 'u',
  ù: 'u',
  ú: 'u',
  û: 'u',
  é: 'e',
  è: 'e',
  ê: 'e',
  ë: 'e',
  ï: 'i',
  î: 'i',
  í: 'i',
  ß: 'ss',
};

/** Letters after which a German final "s" is an ending (Savoy's light stemmer). */
const ST_ENDING = new Set([...'bdfghklmnt']);

/**
 * A light German stemmer (Jacques Savoy's, as in Lucene's GermanLightStemmer): folds umlauts and
 * accents, then strips one case or plural ending (-ern, -em, -en, -er, -es, -e, -s) and one more
 * (-est, -er, -en, -st). "Rechnungen" → "rechnung", "langsamen" → "langsam", "Preise" → "preis".
 * Expects a lower-case word.
 */
export function stemGerman(word: string): string {
  let s = '';
  for (const ch of word) s += FOLD[ch] ?? ch;
  const ends = (suffix: string) => s.endsWith(suffix);
  // step 1
  if (s.length > 5 && ends('ern')) s = s.slice(0, -3);
  else if (s.length > 4 && (ends('em') || ends('en') || ends('er') || ends('es'))) s = s.slice(0, -2);
  else if (s.length > 3 && ends('e')) s = s.slice(0, -1);
  else if (s.length > 3 && ends('s') && ST_ENDING.has(s[s.length - 2]!)) s = s.slice(0, -1);
  // step 2
  if (s.length > 5 && ends('est')) s = s.slice(0, -3);
  else if (s.length > 4 && (ends('er') || ends('en'))) s = s.slice(0, -2);
  else if (s.length > 4 && ends('st') && ST_ENDING.has(s[s.length - 3]!)) s = s.slice(0, -2);
  return s;
}

/**
 * A minimal English stemmer: a possessive 's, the plural (Harman's S-stemmer: -ies → -y, -ches/
 * -shes/-sses/-xes → drop -es, else -s), then a final silent e, so "invoices", "invoice" → "invoic"
 * and the English "features" meets the German "Features". Expects a lower-case word.
 */
export function stemEnglish(word: string): string {
  let s = word.replace(/['’]s$/, '');
  if (s.length > 4 && s.endsWith('ies') && !/[ae]ies$/.test(s)) s = `${s.slice(0, -3)}y`;
  else if (s.length > 4 && /(?:ch|sh|ss|x)es$/.test(s)) s = s.slice(0, -2);
  else if (s.length > 3 && s.endsWith('s') && !/(?:ss|us|is|'s)$/.test(s)) s = s.slice(0, -1);
  if (s.length > 3 && s.endsWith('e')) s = s.slice(0, -1);
  return s;
}

const stemmerOf = (language: ThemeLanguage) => (language === 'german' ? stemGerman : stemEnglish);

// ---------------------------------------------------------------------------------------------
// Tokens

export interface Token {
  /** As written. */
  surface: string;
  /** Lower case. */
  lower: string;
  /** Stemmed; '' for a word that is not content. */
  stem: string;
  /** A content word: a topic candidate. */
  content: boolean;
  /** Something other than spaces separates it from the previous token: no phrase across. */
  breakBefore: boolean;
}

/** Tags and character entities: skipped, as PostgreSQL's parser skips them. */
const MARKUP = /<\/?[A-Za-z][^<>]*>|&(?:[A-Za-z][A-Za-z0-9]*|#[0-9]+|#[xX][0-9A-Fa-f]+);/g;
/** URLs, email addresses, host names and paths ("z.B.", "und/oder"): one token for PostgreSQL. */
const OPAQUE = /:\/\/|@|[\p{L}\p{N}][./\\][\p{L}\p{N}]/u;
/** A word: letters, combining marks and digits (a word with digits is no topic). */
const WORD = /[\p{L}\p{M}\p{N}]+/gu;
const HAS_DIGIT = /\p{N}/u;
const NOTHING: ReadonlySet<string> = new Set();

/**
 * Splits a comment into tokens. Words are runs of letters; a hyphen joins the parts of a compound
 * ("E-Mail", "Self-Service"), which PostgreSQL indexes after the compound itself, so no phrase
 * reaches into a compound from before it.
 */
export function tokenize(
  text: string,
  language: ThemeLanguage,
  ignore: ReadonlySet<string> = NOTHING,
): Token[] {
  const stem = stemmerOf(language);
  const cleaned = text
    .replace(MARKUP, ' \u0001 ')
    .replace(/\S+/g, (chunk) => (OPAQUE.test(chunk) ? '\u0001' : chunk));
  const tokens: Token[] = [];
  let end = 0;
  let chainStart = -1;
  for (const match of cleaned.matchAll(WORD)) {
    const separator = cleaned.slice(end, match.index);
    end = match.index + match[0].length;
    const surface = match[0].normalize('NFC');
    const lower = surface.toLowerCase();
    const content =
      !HAS_DIGIT.test(lower) && [...lower].length >= 2 && !STOP_WORDS.has(lower) && !ignore.has(lower);
    const hyphen = separator === '-' && tokens.length > 0;
    if (hyphen) {
      if (chainStart < 0) chainStart = tokens.length - 1;
      tokens[chainStart]!.breakBefore = true;
    } else {
      chainStart = -1;
    }
    tokens.push({
      surface,
      lower,
      stem: content ? stem(lower) : '',
      content,
      breakBefore: tokens.length === 0 || (!hyphen && !/^\s*$/.test(separator)),
    });
  }
  return tokens;
}

/** The candidates of one comment: key → written form (the first, when it repeats). */
export function candidatesOf(
  text: string,
  language: ThemeLanguage,
  ignore: ReadonlySet<string> = NOTHING,
): Map<string, { surface: string; words: 1 | 2 }> {
  const tokens = tokenize(text, language, ignore);
  const out = new Map<string, { surface: string; words: 1 | 2 }>();
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (!token.content) continue;
    if (!out.has(token.stem)) out.set(token.stem, { surface: token.surface, words: 1 });
    const previous = tokens[i - 1];
    if (previous?.content && !token.breakBefore) {
      const key = `${previous.stem} ${token.stem}`;
      if (!out.has(key)) out.set(key, { surface: `${previous.surface} ${token.surface}`, words: 2 });
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Themes

interface Tally {
  key: string;
  words: 1 | 2;
  count: number;
  distribution: number[];
  byCategory: Record<Category, number>;
  /** Written form → comments using it. */
  forms: Map<string, number>;
}

const emptyCounts = (): Record<Category, number> => ({ promoter: 0, passive: 0, detractor: 0 });

/** Most used first; ties alphabetically, so the result never depends on input order. */
const byUse = (a: [string, number], b: [string, number]) =>
  b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/**
 * The `q` that finds every comment with one of the forms: the forms ORed, phrases quoted. Forms
 * differing only in ASCII case are one (PostgreSQL folds ASCII case in any locale).
 */
function searchOf(forms: Map<string, number>, words: 1 | 2): string {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const [form] of [...forms].sort(byUse)) {
    const folded = form.replace(/[A-Z]+/g, (s) => s.toLowerCase());
    if (seen.has(folded)) continue;
    seen.add(folded);
    parts.push(words === 2 ? `"${form}"` : form);
  }
  return parts.join(' or ');
}

/**
 * The themes of a set of comments; see the module comment for the method.
 * @throws RangeError when a score is not an integer 0-10.
 */
export function themesOf(comments: readonly ThemeComment[], options: ThemeOptions = {}): ThemesResult {
  const minCount = Math.max(1, Math.floor(options.minCount ?? 3));
  const limit = Math.max(0, Math.floor(options.limit ?? 10));
  const ignore = new Set((options.ignore ?? []).flatMap((w) => w.toLowerCase().match(WORD) ?? []));
  const tallies = new Map<string, Tally>();
  const commentsByCategory = emptyCounts();
  let n = 0;
  for (const comment of comments) {
    const category = categoryOf(comment.score);
    if (comment.text.trim() === '') continue;
    const candidates = candidatesOf(comment.text, languageOf(comment.locale), ignore);
    n += 1;
    commentsByCategory[category] += 1;
    for (const [key, { surface, words }] of candidates) {
      let tally = tallies.get(key);
      if (!tally) {
        tally = {
          key,
          words,
          count: 0,
          distribution: new Array<number>(11).fill(0),
          byCategory: emptyCounts(),
          forms: new Map(),
        };
        tallies.set(key, tally);
      }
      tally.count += 1;
      tally.distribution[comment.score]! += 1;
      tally.byCategory[category] += 1;
      tally.forms.set(surface, (tally.forms.get(surface) ?? 0) + 1);
    }
  }

  const frequent = [...tallies.values()].filter((t) => t.count >= minCount);
  // A word is explained by a phrase when every comment with the word has the phrase: since the
  // phrase's comments all contain the word, equal counts mean equal sets.
  const phraseCounts = new Map<string, number[]>();
  for (const t of frequent) {
    if (t.words !== 2) continue;
    for (const part of new Set(t.key.split(' '))) {
      const list = phraseCounts.get(part) ?? [];
      list.push(t.count);
      phraseCounts.set(part, list);
    }
  }
  const kept = frequent.filter((t) => t.words === 2 || !phraseCounts.get(t.key)?.includes(t.count));

  const pct = (count: number, of: number) => (of === 0 ? 0 : (100 * count) / of);
  const themes = kept.map((t): Theme => {
    const categories = {} as Record<Category, ThemeCategoryStats>;
    for (const c of CATEGORIES) {
      const inCategory = commentsByCategory[c];
      categories[c] = {
        count: t.byCategory[c],
        pct: pct(t.byCategory[c], inCategory),
        lift: inCategory === 0 ? null : t.byCategory[c] / inCategory / (t.count / n),
      };
    }
    return {
      key: t.key,
      label: [...t.forms].sort(byUse)[0]![0],
      words: t.words,
      count: t.count,
      pct: pct(t.count, n),
      categories,
      summary: summarize(t.distribution),
      search: searchOf(t.forms, t.words),
    };
  });

  const byKey = (a: Theme, b: Theme) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const overall = [...themes].sort((a, b) => b.count - a.count || byKey(a, b)).slice(0, limit);
  const byCategory = {} as Record<Category, Theme[]>;
  for (const c of CATEGORIES) {
    const score = (t: Theme) => t.categories[c].count * Math.log(t.categories[c].lift!);
    byCategory[c] = themes
      .filter((t) => t.categories[c].count >= minCount && t.categories[c].lift! >= 1 - 1e-9)
      .map((t) => ({ t, score: Math.max(0, score(t)) }))
      .sort(
        (a, b) => b.score - a.score || b.t.categories[c].count - a.t.categories[c].count || byKey(a.t, b.t),
      )
      .slice(0, limit)
      .map(({ t }) => t);
  }
  return { comments: n, commentsByCategory, minCount, overall, byCategory };
}
