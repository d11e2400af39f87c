/**
 * The public endpoints of the website widget (`/w/v1/*`, no API key; the wire contract is in
 * docs/API.md, "Widget endpoints"):
 *
 * - `POST /w/v1/surveys/config`: a survey's texts in the visitor's language, and the widget's labels;
 *   the survey's widget settings (triggers, sampling, delay, position, colours) and whether this
 *   visitor may be asked now (`eligibility`, core/widget-settings.ts `mayAsk`);
 * - `POST /w/v1/dismissals`: the visitor closed the widget without answering (not asked again for
 *   the survey's dismiss_cooldown_days);
 * - `POST /w/v1/events`: `plaudit('track', name, properties)`, stored as an event of the visitor
 *   (and of the identified user's contact) once per widget-made id; it runs no trigger rules, since
 *   anyone can send one with the public key (transactional email surveys come from POST /api/v1/events);
 * - `POST /w/v1/responses`: an answer, stored once per widget-made id through the same
 *   group-committed writer as `POST /api/v1/responses` (idempotency key `widget:<id>`); the same id
 *   again with a comment updates it within the 30-minute edit window of the hosted survey page.
 *
 * Bodies are JSON sent as `text/plain` (a "simple" request: no CORS preflight), 16 KB at most.
 * Each request passes, in this order, before anything is stored: the per-IP rate limit (no
 * database), the crawler check (202, nothing written), the body (413/415/400), the Origin header
 * (403 without one), the per-key rate limit (no database), the key (401 unknown or revoked; cached),
 * the key's allowed origins (403), then the fields (400 naming the field). Answers carry
 * `Access-Control-Allow-Origin: <origin>` once the origin is known to be allowed for the key.
 */
import type { Context, Hono } from 'hono';
import { z } from 'zod';
import { originAllowed } from '../../../core/origins';
import { mayAsk, sampleKeyOf, type WidgetSettings } from '../../../core/widget-settings';
import { nulError, pathWithNul } from '../../http/api-router';
import type { AppContext } from '../../http/app';
import { ApiError, errorBody, validationError } from '../../http/errors';
import { readBodyText } from '../../http/read-body';
import { attributesSchema, emailSchema, localeSchema, scoreSchema, uuid } from '../../http/schemas';
import { loadContactFacts, sendSettings } from '../../jobs/fatigue-facts';
import { ContactConflictError, type ContactInput, upsertContacts } from '../../repo/contacts';
import { getEventByExternalId, insertEvent } from '../../repo/events';
import { PUBLISHABLE_KEY_PATTERN, type PublishableKey } from '../../repo/publishable-keys';
import { getResponse, updateResponse } from '../../repo/responses';
import { getSurvey, type Survey } from '../../repo/surveys';
import {
  contactIdByExternalId,
  getWidgetSettings,
  insertDismissal,
  lastDismissal,
  lastWidgetAnswerOfVisitor,
} from '../../repo/widget';
import { clientIpOf } from '../link/client-ip';
import { pickLocale } from '../link/pick-locale';
import { publicRateLimiter, rateLimitKeyOf, type SlidingWindowRateLimiter } from '../link/rate-limiter';
import { EDIT_WINDOW_MS } from '../link/survey-page-state';
import { isBotUserAgent } from './bots';
import { widgetConfigFor } from './widget-config';

export const WIDGET_PREFIX = '/w/v1';
/** A widget body is a few hundred bytes; 16 KB leaves room for a 5,000-character comment. */
export const WIDGET_BODY_LIMIT = 16 * 1024;
const COMMENT_MAX = 5000;
const SURVEY_CACHE_TTL_MS = 10_000;

export interface WidgetRouteOptions {
  /** Defaults to `config.widgetRateLimit` requests per minute per client IP, on the app's clock. */
  ipRateLimiter?: SlidingWindowRateLimiter;
  /** For POST /w/v1/events; defaults to `config.widgetRateLimit` requests per minute per client IP. */
  eventIpRateLimiter?: SlidingWindowRateLimiter;
  /** Defaults to `config.widgetKeyRateLimit` requests per minute per publishable key. */
  keyRateLimiter?: SlidingWindowRateLimiter;
}

/** `navigator.language` as browsers write it: `de`, `de-DE`, `es-419`, `zh-Hant-TW`. */
const browserLocale = z
  .string()
  .max(35)
  .regex(/^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag such as "de" or "en-US"');

const keyField = z.string({ message: 'must be a publishable key pk_…' }).min(1).max(100);

/** The key alone, checked before the rest of the body (which only its key's origins may send). */
const keyOnly = z.object({ key: keyField });

const visitorId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'must be 8-64 characters of A-Z a-z 0-9 _ -');

const userBody = z.strictObject({
  id: z.string().trim().min(1, 'must not be empty').max(200),
  email: emailSchema.nullable().optional(),
  name: z.string().trim().max(300).nullable().optional(),
  locale: localeSchema.nullable().optional(),
  traits: attributesSchema.optional(),
});

const configBody = z.strictObject({
  key: keyField,
  survey_id: uuid,
  locale: browserLocale.optional(),
  visitor_id: visitorId.optional(),
  user: userBody.optional(),
});

const dismissalBody = z.strictObject({
  key: keyField,
  survey_id: uuid,
  visitor_id: visitorId,
  user: userBody.optional(),
});

/** Event names as POST /api/v1/events and the widget's event triggers accept them. */
const eventName = z
  .string()
  .min(1, 'must not be empty')
  .max(100)
  .regex(/^[A-Za-z0-9_.:-]+$/, 'must be letters, digits and _ . : - only');

const eventBody = z.strictObject({
  key: keyField,
  id: uuid,
  name: eventName,
  visitor_id: visitorId,
  properties: attributesSchema.optional(),
  url: z.string().max(2000).optional(),
  user: userBody.optional(),
});

const responseBody = z.strictObject({
  key: keyField,
  id: uuid,
  survey_id: uuid,
  visitor_id: visitorId,
  score: scoreSchema,
  comment: z.string().max(COMMENT_MAX).nullable().optional(),
  testimonial_consent: z.boolean().optional(),
  locale: browserLocale.optional(),
  url: z.string().max(2000).optional(),
  user: userBody.optional(),
});

/** Surveys by id for a few seconds: every submission needs its workspace, status and locales. */
class SurveyCache {
  private readonly entries = new Map<string, { survey: Survey | undefined; expiresAt: number }>();
  constructor(private readonly ctx: AppContext) {}

  /** The survey if it belongs to `workspaceId` and is active. */
  async activeSurvey(workspaceId: string, id: string): Promise<Survey | undefined> {
    const now = performance.now();
    let entry = this.entries.get(`${workspaceId}:${id}`);
    if (!entry || entry.expiresAt <= now) {
      entry = { survey: await getSurvey(this.ctx.db, workspaceId, id), expiresAt: now + SURVEY_CACHE_TTL_MS };
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(`${workspaceId}:${id}`, entry);
    }
    return entry.survey?.status === 'active' ? entry.survey : undefined;
  }
}

export function registerWidgetRoutes(app: Hono, ctx: AppContext, options: WidgetRouteOptions = {}): void {
  const ipLimiter = publicRateLimiter(options.ipRateLimiter, ctx.config.widgetRateLimit, ctx.clock);
  // Events have their own per-IP budget, so a page that tracks a lot never locks its visitors out of
  // answering.
  const eventIpLimiter = publicRateLimiter(options.eventIpRateLimiter, ctx.config.widgetRateLimit, ctx.clock);
  const keyLimiter = publicRateLimiter(options.keyRateLimiter, ctx.config.widgetKeyRateLimit, ctx.clock);
  const surveys = new SurveyCache(ctx);

  /** Runs the checks every widget request passes, then `handle` with the key and the raw body. */
  const endpoint =
    (handle: (c: Context, key: PublishableKey, raw: unknown) => Promise<Response>, perIp = ipLimiter) =>
    async (c: Context) => {
      c.header('Vary', 'Origin');
      c.header('Cache-Control', 'no-store');
      try {
        const ip = perIp.hit(rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)));
        if (!ip.allowed) throw rateLimited(c, ip.retryAfterSeconds, 'this address');
        if (isBotUserAgent(c.req.header('user-agent'))) return c.json({ dropped: true }, 202);
        const raw = await readWidgetJson(c);
        const origin = c.req.header('origin');
        if (!origin || origin === 'null') {
          throw new ApiError(403, 'origin_not_allowed', 'An Origin header is required', 'origin');
        }
        const keyValue = keyOnly.safeParse(raw);
        if (!keyValue.success) throw validationError(keyValue.error, 'body');
        const perKey = keyLimiter.hit(`key:${keyValue.data.key}`);
        if (!perKey.allowed) throw rateLimited(c, perKey.retryAfterSeconds, 'this key');
        // A value that cannot be a key is refused without a look-up (and without filling the cache).
        const key = PUBLISHABLE_KEY_PATTERN.test(keyValue.data.key)
          ? await ctx.publishableKeys.find(keyValue.data.key)
          : undefined;
        if (!key) throw new ApiError(401, 'unauthorized', 'Unknown or revoked publishable key', 'key');
        if (!originAllowed(origin, key.allowed_origins)) {
          throw new ApiError(
            403,
            'origin_not_allowed',
            `The key does not allow the origin ${origin}`,
            'origin',
          );
        }
        c.header('Access-Control-Allow-Origin', origin);
        return await handle(c, key, raw);
      } catch (error) {
        if (!(error instanceof ApiError)) throw error;
        return c.json(errorBody(error.code, error.message, error.field), error.status);
      }
    };

  // Browsers send the widget's text/plain POSTs without a preflight; should one come anyway, it
  // carries no body and so no key: it is allowed when some active key allows the origin.
  app.options(`${WIDGET_PREFIX}/*`, async (c) => {
    c.header('Vary', 'Origin');
    const origin = c.req.header('origin');
    if (!origin || !(await ctx.publishableKeys.anyKeyAllows(origin))) return c.body(null, 403);
    c.header('Access-Control-Allow-Origin', origin);
    c.header('Access-Control-Allow-Methods', 'POST, OPTIONS');
    c.header('Access-Control-Allow-Headers', 'Content-Type');
    c.header('Access-Control-Max-Age', '600');
    return c.body(null, 204);
  });

  app.post(
    `${WIDGET_PREFIX}/surveys/config`,
    endpoint(async (c, key, raw) => {
      const body = parseBody(configBody, raw);
      const survey = await surveys.activeSurvey(key.workspace_id, body.survey_id);
      if (!survey) throw new ApiError(404, 'not_found', 'Survey not found', 'survey_id');
      const locale = localeOf(survey, body.locale, body.user?.locale);
      const widget = await getWidgetSettings(ctx.db, key.workspace_id, survey.id);
      if (!widget) throw new ApiError(404, 'not_found', 'Survey not found', 'survey_id');
      const eligibility = await eligibilityOf(ctx, key.workspace_id, survey.id, widget, body);
      return c.json({
        ...widgetConfigFor(survey, widget, locale),
        eligibility,
      });
    }),
  );

  app.post(
    `${WIDGET_PREFIX}/dismissals`,
    endpoint(async (c, key, raw) => {
      const body = parseBody(dismissalBody, raw);
      const survey = await surveys.activeSurvey(key.workspace_id, body.survey_id);
      if (!survey) throw new ApiError(404, 'not_found', 'Survey not found', 'survey_id');
      // An identified user's dismissal counts on every device; an unknown user is not created.
      const contactId = body.user
        ? ((await contactIdByExternalId(ctx.db, key.workspace_id, body.user.id)) ?? null)
        : null;
      const at = ctx.clock();
      await insertDismissal(ctx.db, {
        workspaceId: key.workspace_id,
        surveyId: survey.id,
        visitorId: body.visitor_id,
        contactId,
        at,
      });
      return c.json({ survey_id: survey.id, dismissed_at: at.toISOString() }, 201);
    }),
  );

  app.post(
    `${WIDGET_PREFIX}/events`,
    endpoint(async (c, key, raw) => {
      const body = parseBody(eventBody, raw);
      const workspaceId = key.workspace_id;
      const externalId = `widget:${body.id}`;
      const stored = await getEventByExternalId(ctx.db, workspaceId, externalId);
      if (stored) return c.json({ id: body.id, duplicate: true }, 200);
      const contactId = body.user ? await upsertWidgetContact(ctx, workspaceId, body.user) : null;
      const properties: Record<string, unknown> = { ...body.properties };
      const pagePath = body.url === undefined ? undefined : pathOf(body.url);
      if (pagePath) properties.page_url = pagePath;
      const now = ctx.clock();
      const inserted = await insertEvent(ctx.db, workspaceId, {
        external_id: externalId,
        name: body.name,
        contact_id: contactId,
        visitor_id: body.visitor_id,
        source: 'widget',
        properties,
        occurred_at: now,
        received_at: now,
      });
      return c.json({ id: body.id, duplicate: inserted === null }, inserted === null ? 200 : 201);
    }, eventIpLimiter),
  );

  app.post(
    `${WIDGET_PREFIX}/responses`,
    endpoint(async (c, key, raw) => {
      const body = parseBody(responseBody, raw);
      const workspaceId = key.workspace_id;
      const survey = await surveys.activeSurvey(workspaceId, body.survey_id);
      if (!survey) throw new ApiError(404, 'not_found', 'Survey not found', 'survey_id');
      const contactId = body.user ? await upsertWidgetContact(ctx, workspaceId, body.user) : null;
      const now = ctx.clock();
      const properties: Record<string, string> = { visitor_id: body.visitor_id };
      const pagePath = body.url === undefined ? undefined : pathOf(body.url);
      if (pagePath) properties.page_url = pagePath;
      const comment = body.comment?.trim() || null;
      const result = await ctx.writer.submit({
        workspace_id: workspaceId,
        survey_id: survey.id,
        contact_id: contactId,
        invitation_id: null,
        score: body.score,
        comment,
        testimonial_consent: body.testimonial_consent ?? null,
        locale: localeOf(survey, body.locale, body.user?.locale),
        channel: 'widget',
        properties,
        idempotency_key: `widget:${body.id}`,
        edit_token: null,
        editable_until: new Date(now.getTime() + EDIT_WINDOW_MS),
        created_at: now,
      });
      if (result.inserted) return c.json({ id: body.id, duplicate: false }, 201);
      if (body.comment === undefined) return c.json({ id: body.id, duplicate: true }, 200);
      // The same id with a comment: the comment (and a changed score) that follows the score.
      const stored = await getResponse(ctx.db, workspaceId, result.id);
      if (!stored || stored.survey_id !== survey.id) {
        throw new ApiError(409, 'conflict', 'id: already used for an answer to another survey', 'id');
      }
      if (!stored.editable_until || new Date(stored.editable_until).getTime() <= now.getTime()) {
        throw new ApiError(
          409,
          'edit_window_over',
          'The answer can no longer be changed (30 minutes after it was given)',
          'comment',
        );
      }
      await ctx.db.transaction((tx) =>
        updateResponse(tx, workspaceId, stored.id, {
          score: body.score,
          comment,
          ...(body.testimonial_consent === undefined
            ? {}
            : { testimonial_consent: body.testimonial_consent }),
        }),
      );
      return c.json({ id: body.id, duplicate: true, updated: true }, 200);
    }),
  );
}

/**
 * Whether the visitor may be asked now: the facts of the identified contact (by user.id =
 * external_id: its last survey on any channel, unsubscribed) and of the visitor (its last widget
 * answer), the latest dismissal of either, under the survey's fatigue policy and widget settings.
 */
async function eligibilityOf(
  ctx: AppContext,
  workspaceId: string,
  surveyId: string,
  widget: WidgetSettings,
  body: z.infer<typeof configBody>,
) {
  const settings = await sendSettings(ctx.db, workspaceId, surveyId);
  if (!settings) throw new ApiError(404, 'not_found', 'Survey not found', 'survey_id');
  const visitor = body.visitor_id ?? null;
  const contactId = body.user
    ? ((await contactIdByExternalId(ctx.db, workspaceId, body.user.id)) ?? null)
    : null;
  const [facts] = contactId === null ? [] : await loadContactFacts(ctx.db, workspaceId, [contactId]);
  const visitorAnswer =
    visitor === null ? null : await lastWidgetAnswerOfVisitor(ctx.db, workspaceId, visitor);
  const contactSurveyed = facts?.last_surveyed_at ? new Date(facts.last_surveyed_at) : null;
  const lastSurveyedAt =
    contactSurveyed && visitorAnswer
      ? new Date(Math.max(contactSurveyed.getTime(), visitorAnswer.getTime()))
      : (contactSurveyed ?? visitorAnswer);
  return mayAsk(
    {
      lastSurveyedAt,
      lastDismissedAt: await lastDismissal(ctx.db, workspaceId, surveyId, visitor, contactId),
      unsubscribed: facts?.unsubscribed ?? false,
      policy: settings.policy,
      cooldownDays: widget.dismiss_cooldown_days,
      samplingPercent: widget.sampling_percent,
      // Without a visitor id the identified user is the unit of the sample (else the whole survey).
      sampleKey: sampleKeyOf(visitor ?? (body.user ? `user:${body.user.id}` : ''), surveyId),
    },
    ctx.clock(),
  );
}

function rateLimited(c: Context, retryAfterSeconds: number, who: string): ApiError {
  c.header('Retry-After', String(retryAfterSeconds));
  return new ApiError(429, 'rate_limited', `Too many requests from ${who}; try again later`, null);
}

/** The body as JSON: `text/plain` (what the widget sends) or `application/json`, 16 KB at most. */
async function readWidgetJson(c: Context): Promise<Record<string, unknown>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'text/plain' && type !== 'application/json') {
    throw new ApiError(415, 'unsupported_media_type', 'Content-Type must be text/plain or application/json');
  }
  const text = await readBodyText(c, WIDGET_BODY_LIMIT);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ApiError(400, 'invalid_json', 'The request body is not valid JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ApiError(400, 'invalid_json', 'The request body must be a JSON object');
  }
  const field = pathWithNul(parsed);
  if (field !== undefined) throw nulError(field);
  return parsed as Record<string, unknown>;
}

function parseBody<T extends z.ZodType>(schema: T, raw: unknown): z.infer<T> {
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw validationError(parsed.error, 'body');
  return parsed.data;
}

/** The survey locale for the visitor: the requested one if the survey has it, else its default. */
function localeOf(survey: Survey, requested?: string, userLocale?: string | null): string {
  return pickLocale({
    requested,
    contactLocale: userLocale,
    available: Object.keys(survey.texts),
    fallback: survey.default_locale,
  });
}

/** The path of a page URL, without query string and fragment (they may carry personal data). */
export function pathOf(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url, 'https://widget.invalid').pathname;
  } catch {
    return undefined;
  }
  return path.slice(0, 500);
}

/**
 * The identified user as a contact, upserted by external_id (email, name, locale and traits set).
 * An email that another contact already has is left out rather than failing the answer.
 */
async function upsertWidgetContact(
  ctx: AppContext,
  workspaceId: string,
  user: z.infer<typeof userBody>,
): Promise<string> {
  const input: ContactInput = {
    external_id: user.id,
    email: user.email ?? undefined,
    name: user.name ?? undefined,
    locale: user.locale ?? undefined,
    attributes: user.traits,
  };
  for (let attempt = 1; ; attempt++) {
    try {
      const [id] = await upsertContacts(ctx.db, workspaceId, [input]);
      return id!;
    } catch (error) {
      // 23505: the email belongs to another contact; a ContactConflictError: created concurrently.
      const emailTaken = (error as { code?: string }).code === '23505' && input.email !== undefined;
      if (attempt >= 3 || !(emailTaken || error instanceof ContactConflictError)) throw error;
      if (emailTaken) input.email = undefined;
    }
  }
}
