/**
 * The open-tracking pixel of survey emails: `GET /o/<invitation token>.gif`, in the emails of
 * workspaces that turned `track_opens` on (render-survey-email.ts puts it at the end of the HTML).
 *
 * - Every request answers the same 43-byte transparent GIF, `Cache-Control: no-store, private`:
 *   also for an unknown or malformed token and for a workspace that does not track, so the answer
 *   tells nothing about which tokens exist (no oracle), and a mail client never shows a broken image.
 * - A GET records the invitation's first open (`opened_at`, from the app's clock) when its workspace
 *   tracks opens and its email was sent; later fetches keep the first time. HEAD records nothing.
 * - An open is an upper bound: Apple Mail Privacy Protection and some scanners fetch every image
 *   when the email arrives, whether or not anyone reads it.
 *
 * Rate-limited per client like the survey pages (429 with Retry-After).
 */
import type { Context, Hono } from 'hono';
import type { AppContext } from '../../http/app';
import { recordInvitationOpen } from '../../repo/invitations';
import { clientIpOf } from '../link/client-ip';
import { publicRateLimiter, rateLimitKeyOf, type SlidingWindowRateLimiter } from '../link/rate-limiter';

/** A 1×1 transparent GIF (GIF89a, one transparent colour), 43 bytes. */
export const TRANSPARENT_GIF: Uint8Array<ArrayBuffer> = new Uint8Array(
  Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAICRAEAOw==', 'base64'),
);
/** `<token>.gif`, the token base64url as everywhere else; anything else is not looked up. */
const PIXEL_FILE = /^([A-Za-z0-9_-]{1,64})\.gif$/;

export interface OpenPixelRouteOptions {
  /** Defaults to `config.publicRateLimit` requests per minute per client, on the app's clock. */
  rateLimiter?: SlidingWindowRateLimiter;
}

/** Registers `GET /o/:file` (and so HEAD, which records nothing). */
export function registerOpenPixelRoutes(
  app: Hono,
  ctx: AppContext,
  options: OpenPixelRouteOptions = {},
): void {
  const limiter = publicRateLimiter(options.rateLimiter, ctx.config.publicRateLimit, ctx.clock);

  app.use('/o/*', async (c, next) => {
    const { allowed, retryAfterSeconds } = limiter.hit(rateLimitKeyOf(clientIpOf(c, ctx.config.trustProxy)));
    if (allowed) return next();
    c.header('Retry-After', String(retryAfterSeconds));
    c.header('Cache-Control', 'no-store, private');
    return c.body(null, 429);
  });

  app.get('/o/:file', async (c) => {
    const token = PIXEL_FILE.exec(c.req.param('file'))?.[1];
    // HEAD (link checkers, previews) never records; Hono answers it with this handler, without body.
    if (token !== undefined && c.req.method === 'GET') {
      try {
        await recordInvitationOpen(ctx.db, token, ctx.clock());
      } catch (error) {
        // A lost open is no reason to show a broken image; the error is logged, the pixel served.
        console.error('Recording an email open failed', error);
      }
    }
    return pixel(c);
  });
}

function pixel(c: Context) {
  c.header('Content-Type', 'image/gif');
  c.header('Content-Length', String(TRANSPARENT_GIF.byteLength));
  c.header('Cache-Control', 'no-store, private');
  return c.body(TRANSPARENT_GIF, 200);
}
