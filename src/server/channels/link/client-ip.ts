import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context } from 'hono';

/** Used when the address is unknown (`app.request()` in tests has no socket): one shared bucket. */
export const UNKNOWN_CLIENT = 'unknown';

/**
 * The client's IP address. Behind `trustedProxies` reverse proxies (config `PLAUDIT_TRUST_PROXY`)
 * it is the entry that many places from the right of `X-Forwarded-For`: the entries further left
 * were written by the client and can be anything, so they are never trusted. Without trusted
 * proxies the socket's peer address is used and the header ignored.
 */
export function clientIpOf(c: Context, trustedProxies: number): string {
  if (trustedProxies > 0) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((hop) => hop.trim())
      .filter((hop) => hop !== '');
    const ip = hops[hops.length - trustedProxies];
    if (ip) return ip;
  }
  try {
    return getConnInfo(c).remote.address ?? UNKNOWN_CLIENT;
  } catch {
    // No Node socket behind this request (tests, other runtimes).
    return UNKNOWN_CLIENT;
  }
}
