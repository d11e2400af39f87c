/**
 * What `POST /w/v1/surveys/config` answers about a survey (without the visitor's eligibility): its
 * texts in `locale` with the widget settings' overrides, the widget's labels, the consent question
 * when the survey asks it, and the widget settings with the card's full colour palette. Shared with
 * the dashboard's widget preview (GET /api/v1/surveys/preview?view=widget), so both show the same.
 */
import type { Category } from '../../../core/nps';
import {
  consentQuestionFor,
  followUpFor,
  questionFor,
  type SurveyTexts,
  textsFor,
} from '../../../core/survey-texts';
import { type WidgetSettings, widgetPalette } from '../../../core/widget-settings';
import type { Survey } from '../../repo/surveys';
import { widgetLabelsFor } from './widget-messages';

export type WidgetConfigSurvey = Pick<
  Survey,
  'id' | 'product_name' | 'default_locale' | 'texts' | 'ask_testimonial_consent'
>;

export function widgetConfigFor(survey: WidgetConfigSurvey, widget: WidgetSettings, locale: string) {
  const surveyTexts = textsFor(survey.texts, locale, survey.default_locale);
  const texts = withWidgetTexts(surveyTexts, widget, locale);
  const followUp = (category: Category) => followUpFor(texts, category);
  return {
    survey_id: survey.id,
    locale,
    question: questionFor(texts, survey.product_name),
    follow_up_promoter: followUp('promoter'),
    follow_up_passive: followUp('passive'),
    follow_up_detractor: followUp('detractor'),
    thank_you: texts.thank_you,
    ...widgetLabelsFor(locale),
    testimonial_consent: survey.ask_testimonial_consent ? consentQuestionFor(surveyTexts, locale) : null,
    widget: {
      triggers: widget.triggers,
      sampling_percent: widget.sampling_percent,
      delay_seconds: widget.delay_seconds,
      position: widget.position,
      colors: { ...widgetPalette(widget.colors) },
    },
  };
}

/** The survey's texts for `locale` with the widget's overrides for that locale over them. */
function withWidgetTexts(texts: SurveyTexts, widget: WidgetSettings, locale: string): SurveyTexts {
  const own = widget.texts[locale];
  if (!own) return texts;
  return {
    question: own.question ?? texts.question,
    // The widget's follow-up replaces the survey's per-category ones too.
    follow_up: own.follow_up ?? texts.follow_up,
    follow_up_by_category: own.follow_up === undefined ? texts.follow_up_by_category : undefined,
    thank_you: own.thank_you ?? texts.thank_you,
  };
}
