import { z } from 'zod';
import { CATEGORIES } from '../../../core/nps';
import { DEFAULT_SURVEY_TEXTS, type SurveyTexts } from '../../../core/survey-texts';
import { contrastWarnings, validateWidgetSettings, type WidgetSettings } from '../../../core/widget-settings';
import { createSurvey, getSurvey, listSurveys, type Survey, updateSurvey } from '../../repo/surveys';
import { getWidgetSettings, setWidgetSettings } from '../../repo/widget';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { surveySchema, widgetSettingsSchema } from '../response-schemas';
import { hexColor, idParams, localeSchema } from '../schemas';
import { fatigueDaysSchema, onBlockedSchema } from './workspace';

const text = (max: number) => z.string().trim().min(1).max(max);
const textsPatch = z.strictObject({
  question: text(500).optional(),
  follow_up: text(500).optional(),
  follow_up_by_category: z.partialRecord(z.enum(CATEGORIES as [string, ...string[]]), text(500)).optional(),
  thank_you: text(1000).optional(),
  testimonial_consent: text(500)
    .optional()
    .describe('The testimonial-consent checkbox label; absent: the built-in German or English text'),
});

const surveyFields = {
  name: text(200),
  kind: z.enum(['relational', 'transactional']),
  journey_stage: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,59}$/, 'lower-case identifier, e.g. loyalty, service, acquisition'),
  product_name: text(200),
  default_locale: localeSchema,
  texts: z.record(localeSchema, textsPatch),
  brand_color: hexColor,
  logo_url: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .max(2000)
    .nullable()
    .describe('The logo shown in its emails (at most 200×48); null: the product name instead'),
  fatigue_days: fatigueDaysSchema
    .nullable()
    .describe("Overrides the workspace's fatigue_days; null: the workspace's"),
  fatigue_on_blocked: onBlockedSchema
    .nullable()
    .describe("Overrides the workspace's fatigue_on_blocked; null: the workspace's"),
  ask_testimonial_consent: z
    .boolean()
    .describe('Ask promoters (9-10) whether their comment may be quoted publicly (an opt-in checkbox)'),
};

const surveyCreate = z.strictObject({
  ...surveyFields,
  kind: surveyFields.kind.default('relational'),
  journey_stage: surveyFields.journey_stage.default('loyalty'),
  default_locale: surveyFields.default_locale.default('en'),
  texts: surveyFields.texts.default({}),
  brand_color: surveyFields.brand_color.default('#2f6fed'),
  logo_url: surveyFields.logo_url.optional(),
  fatigue_days: surveyFields.fatigue_days.optional(),
  fatigue_on_blocked: surveyFields.fatigue_on_blocked.optional(),
  ask_testimonial_consent: surveyFields.ask_testimonial_consent.default(false),
});

const surveyPatch = z.strictObject({
  name: surveyFields.name.optional(),
  kind: surveyFields.kind.optional(),
  journey_stage: surveyFields.journey_stage.optional(),
  product_name: surveyFields.product_name.optional(),
  default_locale: surveyFields.default_locale.optional(),
  texts: surveyFields.texts.optional(),
  brand_color: surveyFields.brand_color.optional(),
  logo_url: surveyFields.logo_url.optional(),
  status: z.enum(['active', 'archived']).optional(),
  fatigue_days: surveyFields.fatigue_days.optional(),
  fatigue_on_blocked: surveyFields.fatigue_on_blocked.optional(),
  ask_testimonial_consent: surveyFields.ask_testimonial_consent.optional(),
});

/**
 * The widget settings as a PUT gives them. Types only: ranges, patterns and field paths inside
 * triggers, texts and colours are checked by core/widget-settings.ts (`validateWidgetSettings`).
 * Omitted fields take their defaults (a PUT replaces all settings).
 */
const widgetSettingsBody = z.strictObject({
  triggers: z
    .array(z.unknown())
    .optional()
    .describe('At most 10: page_view, event, seconds_on_page, scroll_depth'),
  sampling_percent: z.number().optional().describe('0-100, default 100'),
  delay_seconds: z.number().optional().describe('0-600, default 0'),
  position: z.string().optional().describe('bottom-right (default), bottom-left or center'),
  texts: z.record(z.string(), z.unknown()).optional().describe('Per locale: question, follow_up, thank_you'),
  colors: z.record(z.string(), z.unknown()).optional().describe('brand, background, text as #rrggbb'),
  dismiss_cooldown_days: z.number().optional().describe('0-365, default 30'),
});

const widgetJson = (settings: WidgetSettings) => ({
  ...settings,
  warnings: contrastWarnings(settings.colors),
});

/**
 * Completes texts per locale: German and English start from the built-in texts, any other locale
 * must give all of question, follow_up and thank_you (testimonial_consent is optional everywhere:
 * `consentQuestionFor` falls back to the built-in text). The default locale must have texts.
 */
export function resolveTexts(
  given: Record<string, z.infer<typeof textsPatch>>,
  defaultLocale: string,
  base: Record<string, SurveyTexts> = DEFAULT_SURVEY_TEXTS,
): Record<string, SurveyTexts> {
  const out: Record<string, SurveyTexts> = { ...base };
  for (const [locale, patch] of Object.entries(given)) {
    const merged = { ...(base[locale] ?? {}), ...patch } as Partial<SurveyTexts>;
    for (const field of ['question', 'follow_up', 'thank_you'] as const) {
      if (!merged[field]) {
        throw new ApiError(
          400,
          'invalid_request',
          `texts.${locale}.${field}: required for a new locale`,
          `texts.${locale}.${field}`,
        );
      }
    }
    out[locale] = merged as SurveyTexts;
  }
  if (!out[defaultLocale]) {
    throw new ApiError(
      400,
      'invalid_request',
      `default_locale: no texts for "${defaultLocale}"`,
      'default_locale',
    );
  }
  return out;
}

export function surveyJson(ctx: AppContext, survey: Survey) {
  const { workspace_id: _, ...rest } = survey;
  return { ...rest, public_url: `${ctx.config.publicUrl}/s/${survey.public_token}` };
}

export function registerSurveyRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/surveys',
      summary: 'List surveys',
      tag: 'Surveys',
      query: z.object({ status: z.enum(['active', 'archived']).optional() }),
      responses: { 200: { description: 'Surveys', schema: z.object({ data: z.array(surveySchema) }) } },
    },
    async ({ c, auth, query }) =>
      c.json({ data: (await listSurveys(ctx.db, auth.workspaceId, query)).map((s) => surveyJson(ctx, s)) }),
  );

  api.route(
    {
      method: 'post',
      path: '/surveys',
      summary: 'Create an NPS survey (texts default to the built-in German and English ones)',
      tag: 'Surveys',
      body: surveyCreate,
      responses: { 201: { description: 'The survey, with its public link', schema: surveySchema } },
    },
    async ({ c, auth, body }) => {
      const texts = resolveTexts(body.texts, body.default_locale);
      const survey = await createSurvey(ctx.db, auth.workspaceId, { ...body, texts });
      return c.json(surveyJson(ctx, survey), 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/surveys/{id}',
      summary: 'Get a survey',
      tag: 'Surveys',
      params: idParams,
      responses: { 200: { description: 'The survey', schema: surveySchema } },
    },
    async ({ c, auth, params }) => {
      const survey = await getSurvey(ctx.db, auth.workspaceId, params.id);
      if (!survey) throw notFound('Survey', 'id');
      return c.json(surveyJson(ctx, survey));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/surveys/{id}',
      summary: 'Edit a survey (texts are merged per locale); archive with status=archived',
      tag: 'Surveys',
      params: idParams,
      body: surveyPatch,
      responses: { 200: { description: 'The updated survey', schema: surveySchema } },
    },
    async ({ c, auth, params, body }) => {
      const survey = await ctx.db.transaction(async (tx) => {
        const current = await getSurvey(tx, auth.workspaceId, params.id);
        if (!current) throw notFound('Survey', 'id');
        const texts =
          body.texts || body.default_locale
            ? resolveTexts(body.texts ?? {}, body.default_locale ?? current.default_locale, current.texts)
            : undefined;
        return updateSurvey(tx, auth.workspaceId, params.id, { ...body, texts });
      });
      return c.json(surveyJson(ctx, survey!));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/surveys/{id}/widget',
      summary: "The survey's website-widget settings (defaults where none are set), with contrast warnings",
      tag: 'Surveys',
      params: idParams,
      responses: { 200: { description: 'The widget settings', schema: widgetSettingsSchema } },
    },
    async ({ c, auth, params }) => {
      const settings = await getWidgetSettings(ctx.db, auth.workspaceId, params.id);
      if (!settings) throw notFound('Survey', 'id');
      return c.json(widgetJson(settings));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/surveys/{id}/widget',
      summary: "Replace the survey's website-widget settings (omitted fields: their defaults)",
      tag: 'Surveys',
      params: idParams,
      body: widgetSettingsBody,
      responses: {
        200: { description: 'The stored settings, with contrast warnings', schema: widgetSettingsSchema },
      },
    },
    async ({ c, auth, params, body }) => {
      const checked = validateWidgetSettings(body);
      if (!checked.ok) {
        const error = checked.errors[0]!;
        throw new ApiError(400, 'invalid_request', `${error.path}: ${error.message}`, error.path);
      }
      if (!(await setWidgetSettings(ctx.db, auth.workspaceId, params.id, checked.value, ctx.clock()))) {
        throw notFound('Survey', 'id');
      }
      return c.json(widgetJson(checked.value));
    },
  );
}
