/**
 * The allowed origins of a publishable key (the website widget): validating a pattern an admin
 * gives, and matching a browser's `Origin` header against a key's patterns. Pure, no I/O.
 *
 * A pattern is `scheme://host[:port]`: scheme `http` or `https`, no path, query, fragment or user
 * info (one trailing `/` is tolerated and dropped). The host is a DNS name, an IPv4 address or a
 * bracketed IPv6 address, or `*.` followed by a DNS name of at least two labels: a wildcard for
 * any subdomain (one label or more) of that name, never the name itself. `*` is allowed only as
 * the whole first label. Case does not matter (stored lower-case); the default port (80 for
 * http, 443 for https) is dropped, since browsers never send it.
 *
 * Internationalised domain names are compared as given: browsers send the punycode form
 * (`xn--mnchen-3ya.de`), so that is what a pattern must say; a host with non-ASCII characters is
 * refused with a hint instead of being converted (it could never match).
 */

export type OriginPatternResult = { ok: true; pattern: string } | { ok: false; reason: string };

interface ParsedOrigin {
  scheme: 'http' | 'https';
  /** Lower-case; for a wildcard, the part after `*.`. */
  host: string;
  wildcard: boolean;
  /** '' for the scheme's default port. */
  port: string;
}

const DEFAULT_PORT: Record<ParsedOrigin['scheme'], string> = { http: '80', https: '443' };
const SHAPE = /^([a-z][a-z0-9+.-]*):\/\/([^/?#]*)(\/?)(.*)$/s;
const HOST_PORT = /^(\[[^\]]*\]|[^:]*)(?::(\d*))?$/;
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const IPV6 = /^\[[0-9a-f:.]+\]$/;

function isDnsName(host: string): boolean {
  if (host.length > 253) return false;
  return host.split('.').every((label) => LABEL.test(label));
}

function parse(input: string, allowWildcard: boolean): ParsedOrigin | string {
  const text = input.trim().toLowerCase();
  if (text === '' || text === 'null') return 'must be an origin such as https://app.example.com';
  if (text === '*') return 'must name a host: "*" alone is not allowed (use https://*.example.com)';
  const shape = SHAPE.exec(text);
  if (!shape) return 'must be scheme://host[:port], e.g. https://app.example.com';
  const [, scheme = '', authority = '', , rest = ''] = shape;
  if (scheme !== 'http' && scheme !== 'https') return 'the scheme must be http or https';
  if (rest !== '') return 'must not have a path, query or fragment (an origin is scheme://host[:port])';
  if (authority.includes('@')) return 'must not contain user information (@)';
  if (/[^\x21-\x7e]/.test(authority)) {
    return 'the host must be ASCII: give an internationalised name in its punycode form (xn--…)';
  }
  const hostPort = HOST_PORT.exec(authority);
  if (!hostPort) return 'must be scheme://host[:port], e.g. https://app.example.com';
  let host = hostPort[1] ?? '';
  const portText = hostPort[2];
  let port = '';
  if (portText !== undefined) {
    const n = Number(portText);
    if (!/^\d{1,5}$/.test(portText) || n < 1 || n > 65535) return 'the port must be a number from 1 to 65535';
    port = String(n) === DEFAULT_PORT[scheme] ? '' : String(n);
  }
  let wildcard = false;
  if (host.startsWith('*.')) {
    if (!allowWildcard) return 'must not contain a wildcard';
    wildcard = true;
    host = host.slice(2);
    if (!isDnsName(host) || !host.includes('.') || /^\d+$/.test(host.split('.').pop() ?? '')) {
      return 'a wildcard must be followed by a domain of at least two labels, e.g. https://*.example.com';
    }
  } else if (host.includes('*')) {
    return allowWildcard
      ? '"*" is allowed only as the whole first label, e.g. https://*.example.com'
      : 'must not contain a wildcard';
  } else if (host === '') {
    return 'must name a host';
  } else if (host.startsWith('[')) {
    if (!IPV6.test(host) || (host.match(/:/g) ?? []).length < 2) return 'not a valid IPv6 address';
  } else if (!isDnsName(host)) {
    return 'not a valid host name (letters, digits and hyphens, dot-separated)';
  }
  return { scheme, host, wildcard, port };
}

function format(origin: ParsedOrigin): string {
  return `${origin.scheme}://${origin.wildcard ? '*.' : ''}${origin.host}${origin.port ? `:${origin.port}` : ''}`;
}

/**
 * Validates an allowed-origin pattern and returns it normalised (lower-case, no default port,
 * no trailing slash), or the reason it is refused.
 *
 * @example validateOriginPattern('HTTPS://*.Example.com:443/') // { ok: true, pattern: 'https://*.example.com' }
 */
export function validateOriginPattern(input: string): OriginPatternResult {
  const parsed = parse(input, true);
  return typeof parsed === 'string' ? { ok: false, reason: parsed } : { ok: true, pattern: format(parsed) };
}

/**
 * Whether a request's `Origin` header is allowed by one of `patterns` (as validateOriginPattern
 * accepts them). No header, `null` (sandboxed frames, file: pages) and anything that is not an
 * http(s) origin are never allowed.
 */
export function originAllowed(origin: string | null | undefined, patterns: readonly string[]): boolean {
  if (origin === null || origin === undefined) return false;
  const request = parse(origin, false);
  if (typeof request === 'string') return false;
  return patterns.some((pattern) => {
    const allowed = parse(pattern, true);
    if (typeof allowed === 'string') return false;
    if (allowed.scheme !== request.scheme || allowed.port !== request.port) return false;
    if (!allowed.wildcard) return allowed.host === request.host;
    return request.host.endsWith(`.${allowed.host}`);
  });
}
