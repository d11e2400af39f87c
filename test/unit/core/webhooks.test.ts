import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  DELIVERY_TIMEOUT_MS,
  disableReason,
  nextAttemptAt,
  RETRY_WINDOW_MS,
  retryDelayMs,
  signatureHeader,
  verifySignature,
} from '../../../src/core/webhooks';

const MIN = 60_000;
const H = 60 * MIN;

describe('signatureHeader', () => {
  it('is t=<seconds>,v1=<hex HMAC-SHA256 of "t.body">', () => {
    const at = new Date('2026-06-01T10:00:00.900Z');
    const t = 1780308000;
    const expected = createHmac('sha256', 'whsec_x').update(`${t}.{"a":1}`).digest('hex');
    expect(signatureHeader('whsec_x', '{"a":1}', at)).toBe(`t=${t},v1=${expected}`);
  });
  it('verifies its own header, and refuses another secret, body, or an old timestamp', () => {
    const at = new Date();
    const header = signatureHeader('s', 'body', at);
    expect(verifySignature('s', 'body', header, at)).toBe(true);
    expect(verifySignature('t', 'body', header, at)).toBe(false);
    expect(verifySignature('s', 'body!', header, at)).toBe(false);
    expect(verifySignature('s', 'body', header, new Date(at.getTime() + 301_000))).toBe(false);
    expect(verifySignature('s', 'body', 'garbage', at)).toBe(false);
    expect(verifySignature('s', 'body', `${header.split(',')[0]},v1=zz`, at)).toBe(false);
  });
});

describe('retry schedule', () => {
  it('is 1 min, 5 min, 30 min, 2 h, 5 h, then 10 h', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((a) => retryDelayMs(a, () => 0.5))).toEqual([
      MIN,
      5 * MIN,
      30 * MIN,
      2 * H,
      5 * H,
      10 * H,
      10 * H,
      10 * H,
    ]);
  });
  it('jitters by ±10 %', () => {
    expect(retryDelayMs(1, () => 0)).toBe(0.9 * MIN);
    expect(retryDelayMs(1, () => 0.999999)).toBeCloseTo(1.1 * MIN, -1);
  });
  it('keeps retrying for at least 3 days, then gives up', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    for (const random of [() => 0, () => 0.5, () => 0.9999]) {
      let at = created;
      let attempt = 1;
      const times: number[] = [0];
      for (;;) {
        const next = nextAttemptAt(created, attempt, at, random);
        if (!next) break;
        at = next;
        attempt++;
        times.push(at.getTime() - created.getTime());
      }
      expect(times.at(-1)!).toBeGreaterThanOrEqual(RETRY_WINDOW_MS);
      expect(times.at(-2)!).toBeLessThan(RETRY_WINDOW_MS);
      expect(attempt).toBeGreaterThanOrEqual(12);
    }
  });
  it('times out after 10 s', () => expect(DELIVERY_TIMEOUT_MS).toBe(10_000));
});

describe('disableReason', () => {
  const now = new Date('2026-01-03T00:00:00Z');
  const since = (ms: number) => new Date(now.getTime() - ms);
  it('disables on 410 at once', () => {
    expect(disableReason({ statusCode: 410, consecutiveFailures: 1, failingSince: now, now })).toMatch(/410/);
  });
  it('needs 10 failures in a row spanning more than 24 h', () => {
    expect(
      disableReason({ statusCode: 500, consecutiveFailures: 10, failingSince: since(25 * H), now }),
    ).toMatch(/10 failed attempts/);
    expect(
      disableReason({ statusCode: 500, consecutiveFailures: 9, failingSince: since(48 * H), now }),
    ).toBeNull();
    expect(
      disableReason({ statusCode: 500, consecutiveFailures: 500, failingSince: since(23 * H), now }),
    ).toBeNull();
    expect(
      disableReason({ statusCode: null, consecutiveFailures: 10, failingSince: since(24 * H), now }),
    ).toBeNull();
    expect(disableReason({ statusCode: null, consecutiveFailures: 10, failingSince: null, now })).toBeNull();
  });
});
