import { describe, expect, it } from 'vitest';
import {
  messagesFor,
  type SurveyPageMessages,
  surveyPageCatalog,
} from '../../../src/server/channels/link/survey-page-messages';

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\w+\}/g)].map((match) => match[0]).sort();
}

describe('messagesFor', () => {
  it('has German and English strings', () => {
    expect(messagesFor('de').submit).toBe('Absenden');
    expect(messagesFor('de').notLikely).toBe('0 = überhaupt nicht wahrscheinlich');
    expect(messagesFor('de').status.expired.title).toBe('Dieser Link ist abgelaufen');
    expect(messagesFor('en').submit).toBe('Submit');
  });

  it('uses the language for a regional locale and English for an unknown one', () => {
    expect(messagesFor('de-AT').saved).toBe('Gespeichert');
    expect(messagesFor('DE_ch').saved).toBe('Gespeichert');
    expect(messagesFor('fr')).toEqual(messagesFor('en'));
    expect(messagesFor('__proto__').submit).toBe('Submit');
  });

  it('keeps the same placeholders in every translation', () => {
    const en = messagesFor('en');
    for (const locale of Object.keys(surveyPageCatalog)) {
      const messages = messagesFor(locale);
      for (const key of Object.keys(en) as (keyof SurveyPageMessages)[]) {
        if (key === 'status') continue;
        expect(placeholders(messages[key]), `${locale}.${key}`).toEqual(placeholders(en[key]));
      }
      for (const [kind, { title, text }] of Object.entries(messages.status)) {
        expect(title.length, `${locale}.${kind}`).toBeGreaterThan(0);
        expect(text.length, `${locale}.${kind}`).toBeGreaterThan(0);
      }
    }
  });
});
