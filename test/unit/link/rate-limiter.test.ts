import { describe, expect, it } from 'vitest';
import { rateLimitKeyOf, SlidingWindowRateLimiter } from '../../../src/server/channels/link/rate-limiter';

function limiterAt(start: number, limit = 3, maxClients?: number) {
  let now = start;
  const limiter = new SlidingWindowRateLimiter({
    limit,
    windowMs: 60_000,
    clock: () => new Date(now),
    maxClients,
  });
  return { limiter, advance: (ms: number) => (now += ms) };
}

describe('SlidingWindowRateLimiter', () => {
  it('allows `limit` requests per client and window, then refuses with a retry time', () => {
    const { limiter } = limiterAt(Date.UTC(2026, 0, 1, 12, 0, 15));
    expect([1, 2, 3].map(() => limiter.hit('a').allowed)).toEqual([true, true, true]);
    const refused = limiter.hit('a');
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterSeconds).toBe(45);
    expect(limiter.hit('b').allowed).toBe(true);
  });

  it('weighs the previous window, so a burst at a window edge is not doubled', () => {
    const { limiter, advance } = limiterAt(Date.UTC(2026, 0, 1, 12, 0, 50), 4);
    for (let i = 0; i < 4; i++) expect(limiter.hit('a').allowed).toBe(true);
    advance(15_000); // 5 s into the next window: 11/12 of the previous 4 still count
    expect(limiter.hit('a').allowed).toBe(false);
    advance(30_000); // 35 s in: 25/60 * 4 = 1.67 still count, so two more fit
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(false);
  });

  it('forgets everything after two quiet windows', () => {
    const { limiter, advance } = limiterAt(Date.UTC(2026, 0, 1, 12, 0, 0), 1);
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('a').allowed).toBe(false);
    advance(120_000);
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.size).toBe(1);
  });

  it('keeps memory bounded when addresses are sprayed', () => {
    const { limiter } = limiterAt(Date.UTC(2026, 0, 1, 12, 0, 0), 5, 100);
    for (let i = 0; i < 10_000; i++) limiter.hit(`10.0.${i >> 8}.${i & 255}`);
    expect(limiter.size).toBeLessThanOrEqual(200);
  });

  it('refuses a nonsensical configuration', () => {
    expect(() => new SlidingWindowRateLimiter({ limit: 0, windowMs: 1, clock: () => new Date() })).toThrow(
      RangeError,
    );
  });
});

describe('rateLimitKeyOf', () => {
  it('keeps IPv4, unwraps IPv4-mapped IPv6, groups IPv6 by /64', () => {
    expect(rateLimitKeyOf('203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKeyOf('::ffff:203.0.113.7')).toBe('203.0.113.7');
    expect(rateLimitKeyOf('2001:db8:1:2:aaaa::1')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKeyOf('2001:DB8:1:2:bbbb:cccc:dddd:eeee')).toBe('2001:db8:1:2::/64');
    expect(rateLimitKeyOf('2001:db8::1')).toBe('2001:db8:0:0::/64');
    expect(rateLimitKeyOf('::1')).toBe('0:0:0:0::/64');
    expect(rateLimitKeyOf('unknown')).toBe('unknown');
  });
});

describe('rateLimitKeyOf with a port', () => {
  it('ignores the port a proxy may append, so each connection does not get a fresh limit', () => {
    expect(rateLimitKeyOf('203.0.113.5:51234')).toBe(rateLimitKeyOf('203.0.113.5'));
    expect(rateLimitKeyOf('[2001:db8::1]:443')).toBe(rateLimitKeyOf('2001:db8::1'));
    expect(rateLimitKeyOf('[2001:db8::1]')).toBe(rateLimitKeyOf('2001:db8::ffff'));
  });
});
