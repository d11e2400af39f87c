/**
 * HTTP routes of the hosted survey page: `/s/<token>` (an invitation token or a survey's public
 * token) and `/r/<edit token>` (an answer given through a public link). The decisions are made
 * by the pure state machine in survey-page-state.ts; the handlers here resolve the token, call
 * it, and carry out what it decided (render, or write and answer 303 See Other so a reload never
 * posts again).
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { categoryOf } from '../../../core/nps';
import { asksConsentAt, consentQuestionFor, followUpFor, textsFor } from '../../../core/survey-texts';
import type { AppContext } from '../../http/app';
import { updateResponse } from '../../repo/responses';
import {
  findSurveyPageByEditToken,
  findSurveyPageByToken,
  getResponseEditToken,
  type SurveyPageRecord,
  type SurveyPageSurvey,
} from '../../repo/survey-pages';
import { newToken } from '../../repo/surveys';
import { clientIpOf } from './client-ip';
import { pickLocale } from './pick-locale';
import { publicRateLimiter, rateLimitKeyOf, type SlidingWindowRateLimiter } from './rate-limiter';
import {
  COMMENT_MAX_LENGTH,
  httpStatusFor,
  type PageSurvey,
  renderFollowUpPage,
  renderQuestionPage,
  renderStatusPage,
  renderThanksPage,
  type StatusKind,
} from './render-survey-page';
import { messagesFor, surveyPageCatalog } from './survey-page-messages';
import {
  decideGet,
  decidePost,
  editableUntilFor,
  type PageDecision,
  type PageTarget,
  parseSurveyForm,
} from './survey-page-state';

/** A page form is a few kilobytes at most (5000 characters percent-encoded stay below 64 KiB). */
const FORM_BODY_LIMIT = 64 * 1024;
/** Tokens are base64url; anything else is answered without asking the database. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
/** The nonce of a public-link form, used as its idempotency key. */
const NONCE = /^[A-Za-z0-9_-]{16,64}$/;

type Route = 's' | 'r';

export interface SurveyPageOptions {
  /** Defaults to `config.publicRateLimit` requests per minute per client, on the app's clock. */
  rateLimiter?: SlidingWindowRateLimiter;
}

export function registerSurveyPageRoutes(app: Hono, ctx: AppContext, options: SurveyPageOptions = {}): void {
  const limiter = publicRateLimiter(options.rateLimiter, ctx.config.publicRateLimit, ctx.clock);

  for (const route of ['s', 'r'] as const) {
    app.use(`/${route}/*`, async (c, next) => {
      const { allowed, retryAfterSeconds } = limiter.hit(
        rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)),
      );
      if (allowed) return next();
      c.header('Retry-After', String(retryAfterSeconds));
      return statusPage(c, 'rate-limited', visitorLocale(c));
    });
    app.use(
      `/${route}/*`,
      bodyLimit({
        maxSize: FORM_BODY_LIMIT,
        onError: (c) => statusPage(c, 'bad-request', visitorLocale(c), 413),
      }),
    );
    app.get(`/${route}/:token`, (c) => showPage(c, ctx, route));
    app.post(`/${route}/:token`, (c) => submitPage(c, ctx, route));
  }
}

async function findTarget(ctx: AppContext, route: Route, token: string) {
  if (!TOKEN.test(token)) return undefined;
  return route === 's' ? findSurveyPageByToken(ctx.db, token) : findSurveyPageByEditToken(ctx.db, token);
}

function targetOf(record: SurveyPageRecord | undefined): PageTarget {
  if (!record) return { kind: 'unknown' };
  const surveyActive = record.survey.status === 'active';
  const answer = record.answer && {
    score: record.answer.score,
    comment: record.answer.comment,
    editableUntil: record.answer.editable_until,
  };
  if (record.via === 'public') return { kind: 'public', surveyActive };
  if (record.via === 'response') return { kind: 'response', surveyActive, response: answer! };
  return { kind: 'invitation', surveyActive, expiresAt: record.invitation!.expires_at, response: answer };
}

async function showPage(c: Context, ctx: AppContext, route: Route) {
  const token = c.req.param('token') ?? '';
  const record = await findTarget(ctx, route, token);
  let decision = decideGet(
    targetOf(record),
    { score: c.req.query('score'), done: c.req.query('done') === '1' },
    ctx.clock(),
  );
  // HEAD (link checkers, previews) must never record an answer.
  if (decision.do === 'record' && c.req.method === 'HEAD') decision = { do: 'question', error: null };
  return carryOut(c, ctx, route, token, record, decision);
}

async function submitPage(c: Context, ctx: AppContext, route: Route) {
  const token = c.req.param('token') ?? '';
  const contentType = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (contentType !== 'application/x-www-form-urlencoded') {
    return statusPage(c, 'bad-request', visitorLocale(c), 415);
  }
  // URLSearchParams never throws: bad percent-encoding becomes U+FFFD, which the form check sees.
  const form = parseSurveyForm(new URLSearchParams(await c.req.text()));
  const record = await findTarget(ctx, route, token);
  const nonce = c.req.query('n');
  if (record?.via === 'public' && nonce !== undefined && !NONCE.test(nonce)) {
    return statusPage(c, 'bad-request', localeOf(c, record), 400);
  }
  return carryOut(c, ctx, route, token, record, decidePost(targetOf(record), form, ctx.clock()));
}

/** Renders or writes what the state machine decided. */
async function carryOut(
  c: Context,
  ctx: AppContext,
  route: Route,
  token: string,
  record: SurveyPageRecord | undefined,
  decision: PageDecision,
) {
  if (decision.do === 'status' || !record) {
    const kind = decision.do === 'status' ? decision.kind : 'not-found';
    return statusPage(c, kind, record ? localeOf(c, record) : visitorLocale(c), undefined, record);
  }
  const locale = localeOf(c, record);
  const lang = requestedLang(c, record);
  const path = withQuery(`/${route}/${token}`, { lang });
  const messages = messagesFor(locale);
  const answer = record.answer;

  switch (decision.do) {
    case 'question': {
      const nonce = record.via === 'public' ? newToken(16) : undefined;
      const page = renderQuestionPage({
        survey: pageSurveyOf(record, locale),
        locale,
        action: withQuery(`/${route}/${token}`, { n: nonce, lang }),
        error: decision.error ? messages.errorPickScore : undefined,
      });
      return htmlPage(c, page, decision.error ? 400 : 200);
    }
    case 'follow-up': {
      const error =
        decision.error === 'comment-too-long'
          ? messages.errorCommentTooLong.replace('{max}', String(COMMENT_MAX_LENGTH))
          : decision.error === 'pick-score'
            ? messages.errorPickScore
            : undefined;
      const page = renderFollowUpPage({
        survey: pageSurveyOf(record, locale, answer!.score),
        locale,
        action: path,
        score: answer!.score,
        // After a too-long comment the text comes back, so nothing typed is lost.
        comment: decision.comment ?? answer!.comment,
        consent: decision.consent ?? answer!.testimonial_consent,
        editableUntil: answer!.editable_until!,
        error,
        timeZone: record.time_zone,
      });
      return htmlPage(c, page, error ? 400 : 200);
    }
    case 'thanks':
      return htmlPage(
        c,
        renderThanksPage({
          survey: pageSurveyOf(record, locale, answer!.score),
          locale,
          score: answer!.score,
          comment: answer!.comment,
          editAction: decision.editable ? path : null,
        }),
        200,
      );
    case 'record':
      return seeOther(c, await recordAnswer(c, ctx, record, decision.score, locale, lang));
    case 'change-score':
    case 'set-comment': {
      // The consent only when the form showed its checkbox; updateResponse keeps it for promoters
      // of a survey that asks it, and a score below 9 clears it.
      const patch =
        decision.do === 'change-score'
          ? { score: decision.score }
          : { comment: decision.comment, testimonial_consent: decision.consent };
      // In a transaction: a score change moves the rollup counts with it.
      await ctx.db.transaction((tx) => updateResponse(tx, record.survey.workspace_id, answer!.id, patch));
      return seeOther(c, decision.do === 'set-comment' ? withQuery(path, { done: '1' }) : path);
    }
    case 'skip':
      return seeOther(c, withQuery(path, { done: '1' }));
  }
}

/**
 * Stores a new answer through the group-commit writer and returns where to go next. A double
 * submit is one answer: an invitation has at most one (`invitation_id` is unique; the first wins,
 * a second one-click never overwrites it), and a public-link form carries a nonce that becomes
 * the idempotency key.
 */
async function recordAnswer(
  c: Context,
  ctx: AppContext,
  record: SurveyPageRecord,
  score: number,
  locale: string,
  lang: string | undefined,
): Promise<string> {
  const now = ctx.clock();
  const { survey, invitation } = record;
  const base = {
    workspace_id: survey.workspace_id,
    survey_id: survey.id,
    score,
    comment: null,
    locale,
    properties: {},
    editable_until: editableUntilFor(now),
    created_at: now,
  };
  if (invitation) {
    await ctx.writer.submit({
      ...base,
      contact_id: invitation.contact_id,
      invitation_id: invitation.id,
      channel: invitation.channel === 'email' ? 'email' : 'link',
      idempotency_key: null,
      edit_token: null,
    });
    return withQuery(`/s/${c.req.param('token')}`, { lang });
  }
  const nonce = c.req.query('n');
  const editToken = newToken();
  const result = await ctx.writer.submit({
    ...base,
    contact_id: null,
    invitation_id: null,
    channel: 'link',
    // Scoped to the survey; without a (valid) nonce, e.g. a one-click `?score=`, each visit counts.
    idempotency_key: `public:${survey.id}:${nonce !== undefined && NONCE.test(nonce) ? nonce : newToken(16)}`,
    edit_token: editToken,
  });
  const token = result.inserted ? editToken : await getResponseEditToken(ctx.db, result.id);
  return withQuery(`/r/${token}`, { lang });
}

function pageSurveyOf(record: SurveyPageRecord, locale: string, score?: number): PageSurvey {
  return pageSurveyFor(record.survey, locale, score);
}

/** A survey's page texts in `locale` for `score` (also for the dashboard's preview of a draft). */
export function pageSurveyFor(
  survey: Pick<
    SurveyPageSurvey,
    'name' | 'product_name' | 'brand_color' | 'texts' | 'default_locale' | 'ask_testimonial_consent'
  >,
  locale: string,
  score?: number,
): PageSurvey {
  const texts = textsFor(survey.texts, locale, survey.default_locale);
  return {
    name: survey.name,
    productName: survey.product_name,
    brandColor: survey.brand_color,
    question: texts.question,
    // The follow-up may differ per category, e.g. "What could we do better?" for detractors.
    followUp: score === undefined ? texts.follow_up : followUpFor(texts, categoryOf(score)),
    thankYou: texts.thank_you,
    // Asked only of promoters, on the comment step, when the survey asks it.
    ...(score !== undefined && asksConsentAt(survey.ask_testimonial_consent, score)
      ? { consentQuestion: consentQuestionFor(texts, locale) }
      : {}),
  };
}

/** The page's locale: `?lang`, the answer's or contact's locale, Accept-Language, the survey default. */
function localeOf(c: Context, record: SurveyPageRecord): string {
  return pickLocale({
    requested: c.req.query('lang'),
    contactLocale: record.answer?.locale ?? record.contact_locale,
    acceptLanguage: c.req.header('accept-language'),
    available: Object.keys(record.survey.texts),
    fallback: record.survey.default_locale,
  });
}

/** The `?lang` the visitor chose, if the survey has it: kept in form actions and redirects. */
function requestedLang(c: Context, record: SurveyPageRecord): string | undefined {
  const lang = c.req.query('lang');
  if (!lang) return undefined;
  return (
    pickLocale({ requested: lang, available: Object.keys(record.survey.texts), fallback: '' }) || undefined
  );
}

/** For pages without a survey (unknown token, rate limit): the visitor's language, else English. */
function visitorLocale(c: Context): string {
  return pickLocale({
    requested: c.req.query('lang'),
    acceptLanguage: c.req.header('accept-language'),
    available: Object.keys(surveyPageCatalog),
    fallback: 'en',
  });
}

function withQuery(path: string, params: Record<string, string | undefined>): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.set(key, value);
  const text = query.toString();
  return text === '' ? path : `${path}?${text}`;
}

function noStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept-Language');
}

function htmlPage(c: Context, html: string, status: 200 | 400 | 404 | 409 | 410 | 413 | 415 | 429) {
  noStore(c);
  return c.body(html, status, { 'Content-Type': 'text/html; charset=utf-8' });
}

function statusPage(
  c: Context,
  kind: StatusKind,
  locale: string,
  status?: 400 | 413 | 415,
  record?: SurveyPageRecord,
) {
  const page = renderStatusPage({ kind, locale, brandColor: record?.survey.brand_color });
  return htmlPage(c, page, status ?? httpStatusFor(kind));
}

function seeOther(c: Context, location: string) {
  noStore(c);
  return c.redirect(location, 303);
}
