import { describe, expect, it } from 'vitest';
import {
  asksConsentAt,
  consentQuestionFor,
  DEFAULT_CONSENT_QUESTIONS,
  DEFAULT_SURVEY_TEXTS,
} from '../../../src/core/survey-texts';

describe('consentQuestionFor', () => {
  it("takes the survey's own text", () => {
    const texts = { ...DEFAULT_SURVEY_TEXTS.en, testimonial_consent: '  Quote me, {product}!  ' };
    expect(consentQuestionFor(texts, 'en')).toBe('Quote me, {product}!');
    expect(consentQuestionFor(texts, 'de')).toBe('Quote me, {product}!');
  });
  it('falls back to the built-in German or English text by language', () => {
    expect(consentQuestionFor(DEFAULT_SURVEY_TEXTS.de, 'de')).toBe(DEFAULT_CONSENT_QUESTIONS.de);
    expect(consentQuestionFor({}, 'de-AT')).toBe(DEFAULT_CONSENT_QUESTIONS.de);
    expect(consentQuestionFor({}, 'DE_ch')).toBe(DEFAULT_CONSENT_QUESTIONS.de);
    expect(consentQuestionFor({ testimonial_consent: '   ' }, 'de')).toBe(DEFAULT_CONSENT_QUESTIONS.de);
    expect(consentQuestionFor(DEFAULT_SURVEY_TEXTS.en, 'en')).toBe(DEFAULT_CONSENT_QUESTIONS.en);
  });
  it('speaks English in any other locale', () => {
    for (const locale of ['fr', 'es-MX', '', 'deu']) {
      expect(consentQuestionFor({}, locale)).toBe(DEFAULT_CONSENT_QUESTIONS.en);
    }
  });
  it("words the built-in texts as the respondent's own consent", () => {
    expect(DEFAULT_CONSENT_QUESTIONS.en).toBe(
      'You may quote my comment publicly with my first name and initial.',
    );
    expect(DEFAULT_CONSENT_QUESTIONS.de).toBe(
      'Sie dürfen meinen Kommentar mit meinem Vornamen und Initial öffentlich zitieren.',
    );
    // Surveys store their texts; the built-in consent question stays out of them.
    expect(DEFAULT_SURVEY_TEXTS.en.testimonial_consent).toBeUndefined();
  });
});

describe('asksConsentAt', () => {
  it('asks only promoters (9-10), and only when the survey asks', () => {
    for (let score = 0; score <= 10; score++) {
      expect(asksConsentAt(true, score)).toBe(score >= 9);
      expect(asksConsentAt(false, score)).toBe(false);
    }
  });
});
