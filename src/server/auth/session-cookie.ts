/**
 * The dashboard's session cookie. HttpOnly (no script reads it), SameSite=Lax (not sent on
 * cross-site subrequests or form posts; a link from an email still arrives signed in), Path=/.
 * Over HTTPS it is Secure and carries the `__Host-` prefix, which browsers only accept from a
 * secure origin without a Domain attribute, so no sibling subdomain can set or shadow it.
 */
import { randomBytes } from 'node:crypto';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { hashSecret } from '../repo/api-keys';

const NAME = 'plaudit_session';

export interface SessionToken {
  token: string;
  hash: string;
}

export function newSessionToken(): SessionToken {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashToken(token) };
}

/** SHA-256 hex, as for API keys: tokens are 256 random bits, so a fast hash is enough. */
export const hashToken = hashSecret;

export const newCsrfToken = (): string => randomBytes(24).toString('base64url');

const isSecure = (publicUrl: string): boolean => publicUrl.startsWith('https:');

export function readSessionCookie(c: Context, publicUrl: string): string | undefined {
  const value = isSecure(publicUrl) ? getCookie(c, NAME, 'host') : getCookie(c, NAME);
  return value && /^[\w-]{43}$/.test(value) ? value : undefined;
}

export function writeSessionCookie(
  c: Context,
  publicUrl: string,
  token: string,
  maxAgeSeconds: number,
): void {
  const options = { path: '/', httpOnly: true, sameSite: 'Lax' as const, maxAge: maxAgeSeconds };
  if (isSecure(publicUrl)) setCookie(c, NAME, token, { ...options, secure: true, prefix: 'host' });
  else setCookie(c, NAME, token, options);
}

export function clearSessionCookie(c: Context, publicUrl: string): void {
  if (isSecure(publicUrl)) deleteCookie(c, NAME, { path: '/', secure: true, prefix: 'host' });
  else deleteCookie(c, NAME, { path: '/' });
}
