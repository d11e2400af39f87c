/**
 * `GET /surveys/preview`: how a survey looks, as its respondents will see it, for the dashboard's
 * live preview while a survey is edited: the hosted page (question, follow-up for a score, thanks),
 * the survey email or the website widget (question, follow-up for a score), rendered by the same
 * code that renders the real ones, from a draft that need not be saved (`draft`: the survey fields
 * as base64url JSON) or from a saved survey (`survey_id`). With both, the draft is shown and the
 * saved survey's widget settings (colours, position, widget texts) style the widget views. The
 * answer is HTML for an <iframe> of the dashboard: it may only be framed by Plaudit itself, runs no
 * script (CSP sandbox) and its forms and links go nowhere.
 */
import { z } from 'zod';
import { CATEGORIES } from '../../../core/nps';
import { DEFAULT_SURVEY_TEXTS, questionFor, type SurveyTexts, textsFor } from '../../../core/survey-texts';
import { defaultWidgetSettings, POSITIONS, type WidgetPosition } from '../../../core/widget-settings';
import { renderSurveyEmail } from '../../channels/email/render-survey-email';
import { pickLocale } from '../../channels/link/pick-locale';
import {
  renderFollowUpPage,
  renderQuestionPage,
  renderThanksPage,
} from '../../channels/link/render-survey-page';
import { pageSurveyFor } from '../../channels/link/survey-page-routes';
import { renderWidgetPreview } from '../../channels/widget/render-widget-preview';
import { widgetConfigFor } from '../../channels/widget/widget-config';
import { getSurvey } from '../../repo/surveys';
import { getWidgetSettings } from '../../repo/widget';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { hexColor, localeSchema, uuid } from '../schemas';

/** The preview's own policy: styles inline (as in emails), images from anywhere https, nothing else. */
export const PREVIEW_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; form-action 'none'; " +
  "frame-ancestors 'self'; sandbox";

const text = (max: number) => z.string().max(max);
const draftSchema = z.strictObject({
  name: text(200).optional(),
  product_name: text(200).optional(),
  default_locale: localeSchema.optional(),
  brand_color: hexColor.optional(),
  logo_url: z
    .url({ protocol: /^https?$/ })
    .max(2000)
    .nullable()
    .optional(),
  ask_testimonial_consent: z.boolean().optional(),
  texts: z
    .record(
      localeSchema,
      z.strictObject({
        question: text(500).optional(),
        follow_up: text(500).optional(),
        follow_up_by_category: z
          .partialRecord(z.enum(CATEGORIES as [string, ...string[]]), text(500))
          .optional(),
        thank_you: text(1000).optional(),
        testimonial_consent: text(500).optional(),
      }),
    )
    .optional(),
  /** Unsaved widget look for the widget views, over the saved survey's (or the default) settings. */
  widget: z
    .strictObject({
      colors: z.strictObject({ brand: hexColor, background: hexColor, text: hexColor }).partial().optional(),
      position: z.enum(POSITIONS as [WidgetPosition, ...WidgetPosition[]]).optional(),
    })
    .optional(),
});
type Draft = z.infer<typeof draftSchema>;

/** `draft` as base64url JSON, decoded and validated; errors name `draft.<field>`. */
const draftParam = z
  .string()
  .max(16_000)
  .transform((value, ctx) => {
    try {
      return JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    } catch {
      ctx.addIssue({ code: 'custom', message: 'must be base64url-encoded JSON of the survey fields' });
      return z.NEVER;
    }
  })
  .pipe(draftSchema);

/** Empty texts fall back to the built-in ones, as a saved survey's would. */
function completeTexts(texts: Draft['texts'], locale: string): SurveyTexts {
  const own = texts?.[locale] ?? {};
  const base = locale.startsWith('de') ? DEFAULT_SURVEY_TEXTS.de : DEFAULT_SURVEY_TEXTS.en;
  const pick = (v: string | undefined, fallback: string) => (v?.trim() ? v : fallback);
  const byCategory = Object.fromEntries(
    Object.entries(own.follow_up_by_category ?? {}).filter(([, v]) => v?.trim()),
  ) as SurveyTexts['follow_up_by_category'];
  return {
    question: pick(own.question, base.question),
    follow_up: pick(own.follow_up, base.follow_up),
    ...(byCategory && Object.keys(byCategory).length ? { follow_up_by_category: byCategory } : {}),
    thank_you: pick(own.thank_you, base.thank_you),
    ...(own.testimonial_consent?.trim() ? { testimonial_consent: own.testimonial_consent } : {}),
  };
}

export function registerSurveyPreviewRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/surveys/preview',
      summary: 'HTML preview of a survey (hosted page steps, email or widget) from a draft or a saved survey',
      tag: 'Surveys',
      query: z.object({
        view: z
          .enum(['question', 'follow_up', 'thanks', 'email', 'widget', 'widget_follow_up'])
          .default('question'),
        locale: localeSchema.default('en'),
        score: z.coerce.number().int().min(0).max(10).default(9),
        survey_id: uuid.optional(),
        draft: draftParam.optional(),
      }),
      responses: {
        200: { description: 'The preview as an HTML document (for an iframe)', contentType: 'text/html' },
      },
    },
    async ({ c, auth, query }) => {
      let survey: {
        id: string;
        name: string;
        product_name: string;
        brand_color: string;
        default_locale: string;
        ask_testimonial_consent: boolean;
        logo_url: string | null;
        texts: Record<string, SurveyTexts>;
      };
      const saved = query.survey_id ? await getSurvey(ctx.db, auth.workspaceId, query.survey_id) : undefined;
      if (query.survey_id && !saved) throw notFound('Survey', 'survey_id');
      if (query.draft) {
        const d = query.draft;
        survey = {
          id: saved?.id ?? '',
          name: d.name ?? '',
          product_name: d.product_name ?? '',
          brand_color: d.brand_color ?? '#2f6fed',
          default_locale: d.default_locale ?? 'en',
          ask_testimonial_consent: d.ask_testimonial_consent ?? false,
          logo_url: d.logo_url ?? null,
          texts: { [query.locale]: completeTexts(d.texts, query.locale) },
        };
      } else if (saved) {
        survey = saved;
      } else {
        throw new ApiError(400, 'invalid_request', 'draft or survey_id: one of them is required', 'draft');
      }
      const base = ctx.config.publicUrl;
      let html: string;
      if (query.view === 'email') {
        const texts = textsFor(survey.texts, query.locale, survey.default_locale);
        html = renderSurveyEmail({
          survey: {
            productName: survey.product_name,
            question: questionFor(texts, survey.product_name),
            brandColor: survey.brand_color,
            logoUrl: survey.logo_url,
          },
          locale: query.locale,
          contactName: null,
          pageUrl: `${base}/s/preview`,
          unsubscribeUrl: `${base}/u/preview`,
          reminder: false,
        }).html;
      } else if (query.view === 'widget' || query.view === 'widget_follow_up') {
        // What POST /w/v1/surveys/config would answer, in the language the widget would pick.
        const widget =
          (saved && (await getWidgetSettings(ctx.db, auth.workspaceId, saved.id))) ?? defaultWidgetSettings();
        const look = query.draft?.widget;
        if (look) widget.colors = { ...widget.colors, ...look.colors };
        if (look?.position) widget.position = look.position;
        const locale = pickLocale({
          requested: query.locale,
          available: Object.keys(survey.texts),
          fallback: survey.default_locale,
        });
        const config = widgetConfigFor(survey, widget, locale);
        html = renderWidgetPreview(config, query.view === 'widget' ? undefined : query.score);
      } else {
        const page = pageSurveyFor(survey, query.locale, query.view === 'question' ? undefined : query.score);
        const common = { survey: page, locale: query.locale, action: '#' };
        html =
          query.view === 'question'
            ? renderQuestionPage(common)
            : query.view === 'follow_up'
              ? renderFollowUpPage({
                  ...common,
                  score: query.score,
                  comment: null,
                  editableUntil: new Date(ctx.clock().getTime() + 30 * 60_000),
                })
              : renderThanksPage({ ...common, score: query.score, comment: null, editAction: null });
      }
      c.header('Content-Security-Policy', PREVIEW_CSP);
      c.header('Cache-Control', 'no-store');
      return c.html(html);
    },
  );
}
