import { describe, expect, it } from 'vitest';
import { originAllowed, validateOriginPattern } from '../../../src/core/origins';

const valid = (input: string) => {
  const result = validateOriginPattern(input);
  if (!result.ok) throw new Error(`${input} refused: ${result.reason}`);
  return result.pattern;
};
const reason = (input: string) => {
  const result = validateOriginPattern(input);
  if (result.ok) throw new Error(`${input} accepted as ${result.pattern}`);
  return result.reason;
};

describe('validateOriginPattern', () => {
  it('accepts exact origins and normalises them', () => {
    expect(valid('https://app.example.com')).toBe('https://app.example.com');
    expect(valid('http://localhost:3000')).toBe('http://localhost:3000');
    expect(valid('HTTPS://App.Example.COM')).toBe('https://app.example.com');
    expect(valid('  https://app.example.com  ')).toBe('https://app.example.com');
    expect(valid('https://app.example.com/')).toBe('https://app.example.com');
    expect(valid('http://127.0.0.1:8080')).toBe('http://127.0.0.1:8080');
    expect(valid('http://[::1]:8080')).toBe('http://[::1]:8080');
    expect(valid('https://my-shop.example.co.uk')).toBe('https://my-shop.example.co.uk');
  });

  it('drops default ports, keeps others, refuses impossible ones', () => {
    expect(valid('https://app.example.com:443')).toBe('https://app.example.com');
    expect(valid('http://app.example.com:80')).toBe('http://app.example.com');
    expect(valid('http://app.example.com:443')).toBe('http://app.example.com:443');
    expect(valid('https://app.example.com:80')).toBe('https://app.example.com:80');
    expect(valid('https://app.example.com:08443')).toBe('https://app.example.com:8443');
    for (const port of ['0', '65536', '99999', 'abc', '', '-1', '123456']) {
      expect(reason(`https://app.example.com:${port}`)).toMatch(/port|host/);
    }
  });

  it('accepts a wildcard only as the whole first label of a domain of two labels or more', () => {
    expect(valid('https://*.example.com')).toBe('https://*.example.com');
    expect(valid('https://*.Example.com:8443/')).toBe('https://*.example.com:8443');
    expect(valid('https://*.shop.example.co.uk')).toBe('https://*.shop.example.co.uk');
    expect(reason('https://*.com')).toMatch(/two labels/);
    expect(reason('https://*.1.2.3')).toMatch(/two labels/);
    expect(reason('https://app.*.example.com')).toMatch(/first label/);
    expect(reason('https://*example.com')).toMatch(/first label/);
    expect(reason('https://*.*.example.com')).toMatch(/two labels/);
    expect(reason('https://ex*ample.com')).toMatch(/first label/);
    expect(reason('*')).toMatch(/"\*" alone/);
    expect(reason('https://*')).toMatch(/first label/);
    expect(reason('*.example.com')).toMatch(/scheme/);
  });

  it('refuses other schemes, paths, queries, fragments, user info and bad hosts', () => {
    expect(reason('ftp://example.com')).toMatch(/http or https/);
    expect(reason('file://example.com')).toMatch(/http or https/);
    expect(reason('javascript://example.com')).toMatch(/http or https/);
    expect(reason('example.com')).toMatch(/scheme/);
    expect(reason('//example.com')).toMatch(/scheme/);
    expect(reason('https://example.com/path')).toMatch(/path/);
    expect(reason('https://example.com//')).toMatch(/path/);
    expect(reason('https://example.com?x=1')).toMatch(/path, query/);
    expect(reason('https://example.com#top')).toMatch(/fragment/);
    expect(reason('https://user:pw@example.com')).toMatch(/user information/);
    expect(reason('https://')).toMatch(/host/);
    expect(reason('https://:443')).toMatch(/host/);
    expect(reason('https://-bad.example.com')).toMatch(/host name/);
    expect(reason('https://bad-.example.com')).toMatch(/host name/);
    expect(reason('https://exa mple.com')).toMatch(/ASCII/);
    expect(reason('https://example..com')).toMatch(/host name/);
    expect(reason('https://example.com.')).toMatch(/host name/);
    expect(reason('https://under_score.example.com')).toMatch(/host name/);
    expect(reason(`https://${'a'.repeat(64)}.example.com`)).toMatch(/host name/);
    expect(reason('http://[zz::1]')).toMatch(/IPv6/);
    expect(reason('null')).toMatch(/origin/);
    expect(reason('')).toMatch(/origin/);
  });

  it('keeps punycode as given and refuses Unicode hosts with a hint', () => {
    expect(valid('https://xn--mnchen-3ya.de')).toBe('https://xn--mnchen-3ya.de');
    expect(valid('https://*.XN--MNCHEN-3YA.de')).toBe('https://*.xn--mnchen-3ya.de');
    expect(reason('https://münchen.de')).toMatch(/punycode/);
  });
});

describe('originAllowed', () => {
  const patterns = ['https://app.example.com', 'https://*.shop.example.org', 'http://localhost:3000'];

  it('allows an exact match, case-insensitively, with or without the default port', () => {
    expect(originAllowed('https://app.example.com', patterns)).toBe(true);
    expect(originAllowed('HTTPS://APP.EXAMPLE.COM', patterns)).toBe(true);
    expect(originAllowed('https://app.example.com:443', patterns)).toBe(true);
    expect(originAllowed('https://app.example.com/', patterns)).toBe(true);
    expect(originAllowed('http://localhost:3000', patterns)).toBe(true);
  });

  it('refuses another scheme, port or host', () => {
    expect(originAllowed('http://app.example.com', patterns)).toBe(false);
    expect(originAllowed('https://app.example.com:8443', patterns)).toBe(false);
    expect(originAllowed('http://localhost:3001', patterns)).toBe(false);
    expect(originAllowed('http://localhost', patterns)).toBe(false);
    expect(originAllowed('https://www.example.com', patterns)).toBe(false);
    expect(originAllowed('https://app.example.com.evil.com', patterns)).toBe(false);
    expect(originAllowed('https://evilapp.example.com', patterns)).toBe(false);
    expect(originAllowed('https://example.com', patterns)).toBe(false);
  });

  it('matches a wildcard on any subdomain depth, never the bare domain or a look-alike', () => {
    expect(originAllowed('https://a.shop.example.org', patterns)).toBe(true);
    expect(originAllowed('https://a.b.shop.example.org', patterns)).toBe(true);
    expect(originAllowed('https://shop.example.org', patterns)).toBe(false);
    expect(originAllowed('https://evilshop.example.org', patterns)).toBe(false);
    expect(originAllowed('https://a.shop.example.org.evil.com', patterns)).toBe(false);
    expect(originAllowed('http://a.shop.example.org', patterns)).toBe(false);
    expect(originAllowed('https://a.shop.example.org:8443', patterns)).toBe(false);
    expect(originAllowed('https://a.shop.example.org:8443', ['https://*.shop.example.org:8443'])).toBe(true);
  });

  it('refuses no origin, "null", wildcards and anything that is not an http(s) origin', () => {
    expect(originAllowed(undefined, patterns)).toBe(false);
    expect(originAllowed(null, patterns)).toBe(false);
    expect(originAllowed('', patterns)).toBe(false);
    expect(originAllowed('null', patterns)).toBe(false);
    expect(originAllowed('null', ['null'])).toBe(false);
    expect(originAllowed('https://*.shop.example.org', patterns)).toBe(false);
    expect(originAllowed('file://app.example.com', patterns)).toBe(false);
    expect(originAllowed('https://app.example.com/path', patterns)).toBe(false);
    expect(originAllowed('https://app.example.com', [])).toBe(false);
    expect(originAllowed('https://app.example.com', ['not a pattern'])).toBe(false);
  });

  it('compares punycode as given', () => {
    expect(originAllowed('https://xn--mnchen-3ya.de', ['https://xn--mnchen-3ya.de'])).toBe(true);
    expect(originAllowed('https://shop.xn--mnchen-3ya.de', ['https://*.xn--mnchen-3ya.de'])).toBe(true);
    expect(originAllowed('https://münchen.de', ['https://xn--mnchen-3ya.de'])).toBe(false);
  });
});
