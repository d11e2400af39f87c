import { type Category, categoryOf } from './nps';

/** The texts of one survey in one locale. `question` may contain `{product}`. */
export interface SurveyTexts {
  question: string;
  follow_up: string;
  /** A different follow-up question per category (e.g. "What could we do better?" for detractors). */
  follow_up_by_category?: Partial<Record<Category, string>>;
  thank_you: string;
  /**
   * The testimonial-consent question (a checkbox label, first person, so ticking it reads as the
   * respondent's consent); shown to promoters when the survey asks it. Absent: the built-in text.
   */
  testimonial_consent?: string;
}

/** Built-in texts (glossary of PRODUCT.md); a survey may override them or add locales. */
export const DEFAULT_SURVEY_TEXTS: Readonly<Record<'de' | 'en', SurveyTexts>> = Object.freeze({
  en: {
    question: 'How likely is it that you would recommend {product} to a friend or colleague?',
    follow_up: 'What is the main reason for your score?',
    thank_you: 'Thank you for your feedback!',
  },
  de: {
    question: 'Wie wahrscheinlich ist es, dass Sie {product} einem Freund oder Kollegen weiterempfehlen?',
    follow_up: 'Was ist der Hauptgrund für Ihre Bewertung?',
    thank_you: 'Vielen Dank für Ihr Feedback!',
  },
});

/**
 * Built-in consent questions. Kept apart from {@link DEFAULT_SURVEY_TEXTS} so surveys made before
 * the question existed, and surveys that never set it, get the current wording.
 */
export const DEFAULT_CONSENT_QUESTIONS: Readonly<Record<'de' | 'en', string>> = Object.freeze({
  en: 'You may quote my comment publicly with my first name and initial.',
  de: 'Sie dürfen meinen Kommentar mit meinem Vornamen und Initial öffentlich zitieren.',
});

/** Texts for `locale`, falling back to the survey's default locale. */
export function textsFor(
  texts: Readonly<Record<string, SurveyTexts>>,
  locale: string,
  defaultLocale: string,
): SurveyTexts {
  return texts[locale] ?? texts[defaultLocale] ?? Object.values(texts)[0] ?? DEFAULT_SURVEY_TEXTS.en;
}

/** The follow-up question for a score's category, if the survey has a specific one. */
export function followUpFor(texts: SurveyTexts, category: Category): string {
  return texts.follow_up_by_category?.[category] ?? texts.follow_up;
}

/** Inserts the product name into the question. */
export function questionFor(texts: SurveyTexts, productName: string): string {
  return texts.question.replaceAll('{product}', productName);
}

/**
 * The testimonial-consent question for a page in `locale`: the survey's own text, else the
 * built-in one of the locale's language (German or English), else English.
 */
export function consentQuestionFor(texts: Pick<SurveyTexts, 'testimonial_consent'>, locale: string): string {
  const own = texts.testimonial_consent?.trim();
  if (own) return own;
  const language = locale.trim().toLowerCase().split(/[-_]/)[0];
  return language === 'de' ? DEFAULT_CONSENT_QUESTIONS.de : DEFAULT_CONSENT_QUESTIONS.en;
}

/** Consent to be quoted is asked only of promoters (9-10): the testimonial widget quotes them. */
export function asksConsentAt(askTestimonialConsent: boolean, score: number): boolean {
  return askTestimonialConsent && categoryOf(score) === 'promoter';
}
