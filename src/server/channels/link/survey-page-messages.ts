/**
 * UI strings of the hosted survey page (`/s/<token>`), per locale. The survey's own texts (the
 * question, follow-up, thank-you) come from the survey; these are the words around them.
 *
 * To add a locale, add an entry to {@link surveyPageCatalog}. It may be partial: every string it
 * lacks falls back to English (see {@link messagesFor}). Placeholders in braces (`{product}`,
 * `{score}`, `{time}`, `{max}`) are replaced by the renderer; keep them in the translation.
 */

/** The kinds of status page; each has a title and an explanation in every locale. */
export type StatusKind =
  | 'not-found'
  | 'expired'
  | 'closed'
  | 'edit-window-over'
  | 'rate-limited'
  | 'bad-request';

export interface StatusMessage {
  title: string;
  text: string;
}

export interface SurveyPageMessages {
  /** `<title>` of the question and follow-up pages; `{product}` is the product name. */
  pageTitle: string;
  /** `<title>` of the thank-you page. */
  thanksTitle: string;
  /** Prefixed to `<title>` when the page shows an error, so screen readers hear it first. */
  errorTitlePrefix: string;
  /** Meaning of 0, without the number (used in the accessible name "0 – …"). */
  lowAnchor: string;
  /** Meaning of 10, without the number (used in the accessible name "10 – …"). */
  highAnchor: string;
  /** Visible label under the scale, left. */
  notLikely: string;
  /** Visible label under the scale, right. */
  extremelyLikely: string;
  submit: string;
  /** `{score}` is the number. */
  yourScore: string;
  yourScoreLabel: string;
  yourCommentLabel: string;
  changeScore: string;
  /** Label of the comment box when the survey has no follow-up text. */
  commentLabel: string;
  optional: string;
  /** `{max}` is the maximum length. */
  commentHint: string;
  skip: string;
  saved: string;
  /** `{time}` is the end of the edit window. */
  editUntil: string;
  changeComment: string;
  addComment: string;
  errorPickScore: string;
  /** `{max}` is the maximum length. */
  errorCommentTooLong: string;
  status: Record<StatusKind, StatusMessage>;
}

/** A locale's entry in the catalogue: anything missing is taken from English. */
export type SurveyPageMessagesInput = Partial<Omit<SurveyPageMessages, 'status'>> & {
  status?: Partial<Record<StatusKind, StatusMessage>>;
};

const en: SurveyPageMessages = {
  pageTitle: 'Your feedback on {product}',
  thanksTitle: 'Thank you',
  errorTitlePrefix: 'Error: ',
  lowAnchor: 'not at all likely',
  highAnchor: 'extremely likely',
  notLikely: '0 = not at all likely',
  extremelyLikely: '10 = extremely likely',
  submit: 'Submit',
  yourScore: 'Your score: {score}',
  yourScoreLabel: 'Your score',
  yourCommentLabel: 'Your comment',
  changeScore: 'Change score',
  commentLabel: 'Your comment',
  optional: '(optional)',
  commentHint: 'Up to {max} characters.',
  skip: 'Skip',
  saved: 'Saved',
  editUntil: 'You can change your comment until {time}.',
  changeComment: 'Change your comment',
  addComment: 'Add a comment',
  errorPickScore: 'Please choose a number from 0 to 10.',
  errorCommentTooLong: 'Your comment is too long (at most {max} characters).',
  status: {
    'not-found': {
      title: 'We could not find this survey',
      text: 'Please check that you opened the complete link from your invitation.',
    },
    expired: {
      title: 'This link has expired',
      text: 'The invitation is no longer valid. Thank you for your interest.',
    },
    closed: {
      title: 'This survey is closed',
      text: 'It no longer accepts answers. Thank you for your interest.',
    },
    'edit-window-over': {
      title: 'Your answer can no longer be changed',
      text: 'The time for changes is over. Your answer has been saved as it was.',
    },
    'rate-limited': {
      title: 'Too many requests',
      text: 'Please wait a moment and try again.',
    },
    'bad-request': {
      title: 'That did not work',
      text: 'Please open the link from your invitation again.',
    },
  },
};

const de: SurveyPageMessages = {
  pageTitle: 'Ihre Meinung zu {product}',
  thanksTitle: 'Vielen Dank',
  errorTitlePrefix: 'Fehler: ',
  lowAnchor: 'überhaupt nicht wahrscheinlich',
  highAnchor: 'äußerst wahrscheinlich',
  notLikely: '0 = überhaupt nicht wahrscheinlich',
  extremelyLikely: '10 = äußerst wahrscheinlich',
  submit: 'Absenden',
  yourScore: 'Ihre Bewertung: {score}',
  yourScoreLabel: 'Ihre Bewertung',
  yourCommentLabel: 'Ihr Kommentar',
  changeScore: 'Bewertung ändern',
  commentLabel: 'Ihr Kommentar',
  optional: '(optional)',
  commentHint: 'Höchstens {max} Zeichen.',
  skip: 'Überspringen',
  saved: 'Gespeichert',
  editUntil: 'Sie können Ihren Kommentar bis {time} ändern.',
  changeComment: 'Kommentar ändern',
  addComment: 'Kommentar hinzufügen',
  errorPickScore: 'Bitte wählen Sie einen Wert von 0 bis 10.',
  errorCommentTooLong: 'Ihr Kommentar ist zu lang (höchstens {max} Zeichen).',
  status: {
    'not-found': {
      title: 'Diese Umfrage wurde nicht gefunden',
      text: 'Bitte prüfen Sie, ob Sie den vollständigen Link aus Ihrer Einladung geöffnet haben.',
    },
    expired: {
      title: 'Dieser Link ist abgelaufen',
      text: 'Die Einladung ist nicht mehr gültig. Vielen Dank für Ihr Interesse.',
    },
    closed: {
      title: 'Diese Umfrage ist beendet',
      text: 'Sie nimmt keine Antworten mehr an. Vielen Dank für Ihr Interesse.',
    },
    'edit-window-over': {
      title: 'Ihre Antwort kann nicht mehr geändert werden',
      text: 'Die Zeit für Änderungen ist vorbei. Ihre Antwort ist so gespeichert, wie sie war.',
    },
    'rate-limited': {
      title: 'Zu viele Anfragen',
      text: 'Bitte warten Sie einen Moment und versuchen Sie es dann erneut.',
    },
    'bad-request': {
      title: 'Das hat nicht geklappt',
      text: 'Bitte öffnen Sie den Link aus Ihrer Einladung erneut.',
    },
  },
};

/** The built-in catalogue, keyed by lower-case language tag. English must stay complete. */
export const surveyPageCatalog: Readonly<Record<string, SurveyPageMessagesInput>> = Object.freeze({ en, de });

/** The locale whose strings fill the gaps of every other locale. */
export const MESSAGES_FALLBACK_LOCALE = 'en';

/**
 * The catalogue entry for `locale`: exact tag first, then its language (`de-AT` → `de`), or
 * `undefined` when the catalogue has nothing for it.
 */
export function catalogEntryFor(locale: string): SurveyPageMessagesInput | undefined {
  const tag = locale.trim().replace(/_/g, '-').toLowerCase();
  if (Object.hasOwn(surveyPageCatalog, tag)) return surveyPageCatalog[tag];
  const language = tag.split('-')[0] ?? '';
  return Object.hasOwn(surveyPageCatalog, language) ? surveyPageCatalog[language] : undefined;
}

/**
 * The complete UI strings for `locale`: its own where the catalogue has them, English otherwise.
 *
 * @example messagesFor('de-AT').submit // 'Absenden'
 * @example messagesFor('fr').submit // 'Submit' (no French strings yet)
 */
export function messagesFor(locale: string): SurveyPageMessages {
  const entry = catalogEntryFor(locale);
  if (entry === undefined || entry === en) return en;
  return { ...en, ...entry, status: { ...en.status, ...entry.status } };
}
