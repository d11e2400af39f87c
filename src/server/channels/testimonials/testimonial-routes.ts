/**
 * The public side of testimonials (docs/TESTIMONIALS.md):
 *
 * - `GET /t/v1/testimonials?key=pk_…&limit=&locale=`: what the testimonial widget shows, for a
 *   publishable key: the published testimonials (approved on the comment as it is, consent still
 *   given, still a promoter), the aggregate rating over every response of the validity window, the
 *   reviewed item, and the schema.org JSON-LD of it all. Per-IP and per-key rate limits (the widget's
 *   budgets); an `Origin` the key does not allow gets a 403, an allowed one
 *   `Access-Control-Allow-Origin: <origin>`; a request without `Origin` (a server rendering the page)
 *   is answered without CORS headers. `Cache-Control: no-store`: a withdrawn or rejected testimonial
 *   is gone with the next request, no cache keeps it.
 * - `GET /t/withdraw/<token>` shows the customer's testimonial with one button (a GET changes
 *   nothing: mail scanners open links), `POST` withdraws consent and answers 303 to the page, which
 *   then says so. No JavaScript, rate-limited like the other public pages.
 * - `GET /testimonials.js`: the widget bundle (dist/widget/testimonials.js).
 */
import { fileURLToPath } from 'node:url';
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { currentNpsWindow } from '../../../core/expiry';
import { originAllowed } from '../../../core/origins';
import { aggregateRating, type ItemType, testimonialJsonLd } from '../../../core/testimonials';
import { hashToken } from '../../auth/session-cookie';
import type { AppContext } from '../../http/app';
import { ApiError, errorBody, validationError } from '../../http/errors';
import { withdrawConsent } from '../../http/routes/testimonials';
import { PUBLISHABLE_KEY_PATTERN } from '../../repo/publishable-keys';
import { findWithdrawTarget, listPublished, publicContext, scoreTotals } from '../../repo/testimonials';
import { clientIpOf } from '../link/client-ip';
import { pickLocale } from '../link/pick-locale';
import { publicRateLimiter, rateLimitKeyOf, type SlidingWindowRateLimiter } from '../link/rate-limiter';
import { renderStatusPage } from '../link/render-survey-page';
import { serveBuiltScript } from '../widget/widget-script-route';
import { renderWithdrawPage, WITHDRAW_PAGE_LOCALES, type WithdrawPageState } from './render-withdraw-page';

export const TESTIMONIALS_PREFIX = '/t/v1';
export const TESTIMONIALS_SCRIPT_PATH = fileURLToPath(
  new URL('../../../../dist/widget/testimonials.js', import.meta.url),
);
/** The aggregate and the names change slowly; they are read at most this often per workspace. */
const CONTEXT_TTL_MS = 30_000;
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

const query = z.strictObject({
  key: z.string({ message: 'must be a publishable key pk_…' }).max(100),
  limit: z.coerce.number().int().min(1).max(50).default(12),
  locale: z
    .string()
    .max(35)
    .regex(/^[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*$/, 'must be a language tag such as "de" or "en-US"')
    .optional(),
});

export interface TestimonialRouteOptions {
  ipRateLimiter?: SlidingWindowRateLimiter;
  keyRateLimiter?: SlidingWindowRateLimiter;
  pageRateLimiter?: SlidingWindowRateLimiter;
  scriptPath?: string;
}

interface Context30 {
  item: { type: ItemType; name: string; url: string | null };
  aggregate: ReturnType<typeof aggregateRating>;
  expiresAt: number;
}

export function registerTestimonialPublicRoutes(
  app: Hono,
  ctx: AppContext,
  options: TestimonialRouteOptions = {},
): void {
  const ipLimiter = publicRateLimiter(options.ipRateLimiter, ctx.config.widgetRateLimit, ctx.clock);
  const keyLimiter = publicRateLimiter(options.keyRateLimiter, ctx.config.widgetKeyRateLimit, ctx.clock);
  const pageLimiter = publicRateLimiter(options.pageRateLimiter, ctx.config.publicRateLimit, ctx.clock);
  const contexts = new Map<string, Context30>();

  const contextOf = async (workspaceId: string): Promise<Context30> => {
    const now = performance.now();
    const cached = contexts.get(workspaceId);
    if (cached && cached.expiresAt > now) return cached;
    const w = await publicContext(ctx.db, workspaceId);
    // The key's workspace was deleted since the key was cached.
    if (!w) throw new ApiError(401, 'unauthorized', 'Unknown or revoked publishable key', 'key');
    const window = currentNpsWindow(ctx.clock(), w.validity_months, w.time_zone);
    const totals = await scoreTotals(ctx.db, workspaceId, window.fromDay);
    const entry: Context30 = {
      item: { type: w.item_type, name: w.item_name ?? w.workspace_name, url: w.item_url },
      aggregate: aggregateRating(totals.n, totals.sum),
      expiresAt: now + CONTEXT_TTL_MS,
    };
    if (contexts.size > 10_000) contexts.clear();
    contexts.set(workspaceId, entry);
    return entry;
  };

  app.get(`${TESTIMONIALS_PREFIX}/testimonials`, async (c) => {
    c.header('Vary', 'Origin');
    c.header('Cache-Control', 'no-store');
    try {
      const ip = ipLimiter.hit(rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)));
      if (!ip.allowed) throw rateLimited(c, ip.retryAfterSeconds, 'this address');
      const parsed = query.safeParse(c.req.query());
      if (!parsed.success) throw validationError(parsed.error, 'query');
      const perKey = keyLimiter.hit(`testimonials:${parsed.data.key}`);
      if (!perKey.allowed) throw rateLimited(c, perKey.retryAfterSeconds, 'this key');
      const key = PUBLISHABLE_KEY_PATTERN.test(parsed.data.key)
        ? await ctx.publishableKeys.find(parsed.data.key)
        : undefined;
      if (!key) throw new ApiError(401, 'unauthorized', 'Unknown or revoked publishable key', 'key');
      const origin = c.req.header('origin');
      if (origin !== undefined) {
        if (!originAllowed(origin, key.allowed_origins)) {
          throw new ApiError(
            403,
            'origin_not_allowed',
            `The key does not allow the origin ${origin}`,
            'origin',
          );
        }
        c.header('Access-Control-Allow-Origin', origin);
      }
      const language = (parsed.data.locale ?? '').toLowerCase().split(/[-_]/)[0]!;
      const [context, rows] = await Promise.all([
        contextOf(key.workspace_id),
        listPublished(ctx.db, key.workspace_id, parsed.data.limit, language),
      ]);
      const testimonials = rows.map((r) => ({
        display_name: r.display_name,
        quote: r.quote,
        score: r.score,
        date: r.day,
      }));
      return c.json({
        item: context.item,
        aggregate: {
          rating: context.aggregate.ratingValue,
          count: context.aggregate.ratingCount,
          best: 10,
          worst: 0,
        },
        testimonials,
        json_ld: testimonialJsonLd(context.item, context.aggregate, testimonials),
      });
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
      return c.json(errorBody(error.code, error.message, error.field), error.status);
    }
  });

  app.use('/t/withdraw/*', async (c, next) => {
    const { allowed, retryAfterSeconds } = pageLimiter.hit(
      rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)),
    );
    if (allowed) return next();
    c.header('Retry-After', String(retryAfterSeconds));
    c.header('Cache-Control', 'no-store');
    return c.html(renderStatusPage({ kind: 'rate-limited', locale: localeOf(c) }), 429);
  });
  app.use(
    '/t/withdraw/*',
    bodyLimit({
      maxSize: 16 * 1024,
      onError: (c) => c.html(renderStatusPage({ kind: 'bad-request', locale: localeOf(c) }), 413),
    }),
  );

  const targetOf = async (token: string) =>
    TOKEN.test(token) ? findWithdrawTarget(ctx.db, hashToken(token)) : undefined;

  app.get('/t/withdraw/:token', async (c) => {
    const token = c.req.param('token');
    const target = await targetOf(token);
    if (!target) return page(c, { state: 'not-found', locale: localeOf(c) }, 404);
    const withdrawn = target.testimonial_consent !== true || target.withdrawn_at !== null;
    return page(
      c,
      {
        state: withdrawn ? 'done' : 'confirm',
        locale: localeOf(c, target.locale ?? target.contact_locale ?? target.default_locale),
        workspaceName: target.workspace_name,
        quote: target.comment,
        displayName: target.display_name,
        action: `/t/withdraw/${token}`,
      },
      200,
    );
  });

  app.post('/t/withdraw/:token', async (c) => {
    const token = c.req.param('token');
    const target = await targetOf(token);
    if (!target) return page(c, { state: 'not-found', locale: localeOf(c) }, 404);
    await ctx.db.transaction((tx) =>
      withdrawConsent(tx, target.workspace_id, target.response_id, target.testimonial_consent, ctx.clock()),
    );
    c.header('Cache-Control', 'no-store');
    return c.redirect(`/t/withdraw/${token}`, 303);
  });

  serveBuiltScript(app, '/testimonials.js', options.scriptPath ?? TESTIMONIALS_SCRIPT_PATH);
}

function rateLimited(c: Context, retryAfterSeconds: number, who: string): ApiError {
  c.header('Retry-After', String(retryAfterSeconds));
  return new ApiError(429, 'rate_limited', `Too many requests from ${who}; try again later`, null);
}

/** `?lang`, the response's language, `Accept-Language`, English. */
function localeOf(c: Context, known?: string | null): string {
  return pickLocale({
    requested: c.req.query('lang'),
    contactLocale: known,
    acceptLanguage: c.req.header('accept-language'),
    available: WITHDRAW_PAGE_LOCALES,
    fallback: 'en',
  });
}

function page(
  c: Context,
  input: Parameters<typeof renderWithdrawPage>[0] & { state: WithdrawPageState },
  status: 200 | 404,
): Response {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept-Language');
  return c.html(renderWithdrawPage(input), status);
}
