/**
 * Unsubscribing from survey emails, without login: `/u/<token>`, the link in every survey email
 * (the invitation's token) and every follow-up email (a contact-level token minted for that email,
 * repo/unsubscribe-tokens.ts), and in their `List-Unsubscribe` header. Either kind unsubscribes
 * the contact the same way.
 *
 * - `GET` shows a page with one button and changes nothing: mail scanners and link previews open
 *   every link in an email, and must not unsubscribe anyone.
 * - `POST` unsubscribes: the RFC 8058 one-click POST a mail client sends (body
 *   `List-Unsubscribe=One-Click`, form-encoded or multipart) and the page's form alike. The token
 *   is the secret; any POST carrying it is a deliberate act, so the body only tells the source.
 *   Idempotent: a second POST changes nothing and answers the same.
 *
 * Rate-limited per client like the survey pages.
 */
import type { Context, Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { AppContext } from '../../http/app';
import { findUnsubscribeTarget, type UnsubscribeTarget, unsubscribeContact } from '../../repo/suppressions';
import { findContactUnsubscribeTarget } from '../../repo/unsubscribe-tokens';
import { emitEvent } from '../../webhooks/emit';
import { clientIpOf } from '../link/client-ip';
import { pickLocale } from '../link/pick-locale';
import { publicRateLimiter, rateLimitKeyOf, type SlidingWindowRateLimiter } from '../link/rate-limiter';
import { renderStatusPage } from '../link/render-survey-page';
import { emailCatalog } from './email-messages';
import { renderUnsubscribePage, type UnsubscribePageState } from './render-unsubscribe-page';

/** Tokens are base64url; anything else is answered without asking the database. */
const TOKEN = /^[A-Za-z0-9_-]{1,64}$/;
const FORM_BODY_LIMIT = 64 * 1024;

export interface UnsubscribeRouteOptions {
  /** Defaults to `config.publicRateLimit` requests per minute per client, on the app's clock. */
  rateLimiter?: SlidingWindowRateLimiter;
}

/** Registers `GET /u/:token` and `POST /u/:token`. */
export function registerUnsubscribeRoutes(
  app: Hono,
  ctx: AppContext,
  options: UnsubscribeRouteOptions = {},
): void {
  const limiter = publicRateLimiter(options.rateLimiter, ctx.config.publicRateLimit, ctx.clock);

  app.use('/u/*', async (c, next) => {
    const { allowed, retryAfterSeconds } = limiter.hit(rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)));
    if (allowed) return next();
    c.header('Retry-After', String(retryAfterSeconds));
    noStore(c);
    return c.html(renderStatusPage({ kind: 'rate-limited', locale: localeOf(c) }), 429);
  });
  app.use(
    '/u/*',
    bodyLimit({
      maxSize: FORM_BODY_LIMIT,
      onError: (c) => {
        noStore(c);
        return c.html(renderStatusPage({ kind: 'bad-request', locale: localeOf(c) }), 413);
      },
    }),
  );

  app.get('/u/:token', async (c) => {
    const target = await findTarget(ctx, c.req.param('token'));
    if (!target) return page(c, 'not-found', undefined, 404);
    return page(c, target.unsubscribed_at === null ? 'confirm' : 'done', target, 200);
  });

  app.post('/u/:token', async (c) => {
    const token = c.req.param('token');
    const target = await findTarget(ctx, token);
    if (!target) return page(c, 'not-found', undefined, 404);
    const fromPage = await isPageForm(c);
    const source = fromPage ? 'page' : 'one-click';
    await ctx.db.transaction(async (tx) => {
      await unsubscribeContact(tx, target.workspace_id, target.contact_id, { source }, ctx.clock());
      // Only the first unsubscription is an event (a repeated POST changes nothing).
      if (target.unsubscribed_at === null)
        await emitEvent(tx, target.workspace_id, 'contact.unsubscribed', {
          contact: { id: target.contact_id, email: target.email },
          source,
          unsubscribed_at: ctx.clock().toISOString(),
        });
    });
    if (fromPage) {
      // The page's form: 303 to the page, which now says "unsubscribed"; a reload posts nothing.
      noStore(c);
      const lang = c.req.query('lang');
      return c.redirect(`/u/${token}${lang && /^[A-Za-z-]{2,20}$/.test(lang) ? `?lang=${lang}` : ''}`, 303);
    }
    return page(c, 'done', { ...target, unsubscribed_at: ctx.clock() }, 200);
  });
}

async function findTarget(ctx: AppContext, token: string): Promise<UnsubscribeTarget | undefined> {
  if (!TOKEN.test(token)) return undefined;
  return (await findUnsubscribeTarget(ctx.db, token)) ?? (await findContactUnsubscribeTarget(ctx.db, token));
}

/** The page's own form posts `source=page`; a mail client's one-click POST does not. */
async function isPageForm(c: Context): Promise<boolean> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') return false;
  return new URLSearchParams(await c.req.text()).get('source') === 'page';
}

/** `?lang`, the contact's locale, `Accept-Language`, the survey's default locale, English. */
function localeOf(c: Context, target?: UnsubscribeTarget): string {
  return pickLocale({
    requested: c.req.query('lang'),
    contactLocale: target?.contact_locale,
    acceptLanguage: c.req.header('accept-language'),
    available: Object.keys(emailCatalog),
    fallback: target?.default_locale ?? 'en',
  });
}

function noStore(c: Context): void {
  c.header('Cache-Control', 'no-store');
  c.header('Vary', 'Accept-Language');
}

function page(
  c: Context,
  state: UnsubscribePageState,
  target: UnsubscribeTarget | undefined,
  status: 200 | 404,
) {
  noStore(c);
  const lang = c.req.query('lang');
  const action = `/u/${c.req.param('token')}${lang && /^[A-Za-z-]{2,20}$/.test(lang) ? `?lang=${lang}` : ''}`;
  return c.html(
    renderUnsubscribePage({
      state,
      locale: localeOf(c, target),
      productName: target?.product_name,
      brandColor: target?.brand_color,
      action,
    }),
    status,
  );
}
