import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DAY_MS } from '../../../src/core/calendar';
import {
  type AskFacts,
  contrastRatio,
  contrastWarnings,
  DEFAULT_WIDGET_COLORS,
  defaultWidgetSettings,
  isSampled,
  mayAsk,
  relativeLuminance,
  sampleKeyOf,
  urlPatternMatches,
  validateWidgetSettings,
  widgetPalette,
} from '../../../src/core/widget-settings';

function errorsOf(input: unknown): Record<string, string> {
  const result = validateWidgetSettings(input);
  return result.ok ? {} : Object.fromEntries(result.errors.map((e) => [e.path, e.message]));
}

describe('validateWidgetSettings', () => {
  it('fills every default for an empty object', () => {
    expect(validateWidgetSettings({})).toEqual({
      ok: true,
      value: {
        triggers: [],
        sampling_percent: 100,
        delay_seconds: 0,
        position: 'bottom-right',
        texts: {},
        colors: { brand: '#0b57d0', background: '#ffffff', text: '#1f2328' },
        dismiss_cooldown_days: 30,
      },
    });
    expect(defaultWidgetSettings().colors).toEqual(DEFAULT_WIDGET_COLORS);
  });

  it('accepts complete settings and returns a clean copy (colours lower-cased, texts trimmed)', () => {
    const input = {
      triggers: [
        { kind: 'page_view', url_pattern: '/checkout/*' },
        { kind: 'event', name: 'order.completed' },
        { kind: 'seconds_on_page', seconds: 3600 },
        { kind: 'scroll_depth', percent: 1 },
      ],
      sampling_percent: 0,
      delay_seconds: 600,
      position: 'center',
      texts: { de: { question: ' Wie? ', thank_you: 'Danke' }, 'de-AT': { follow_up: 'Warum?' } },
      colors: { brand: '#ABCDEF', text: '#000000' },
      dismiss_cooldown_days: 365,
    };
    const result = validateWidgetSettings(input);
    expect(result).toEqual({
      ok: true,
      value: {
        ...input,
        texts: { de: { question: 'Wie?', thank_you: 'Danke' }, 'de-AT': { follow_up: 'Warum?' } },
        colors: { brand: '#abcdef', background: '#ffffff', text: '#000000' },
      },
    });
    expect(result.ok && result.value.triggers).not.toBe(input.triggers);
  });

  it('names the field of every problem', () => {
    expect(
      errorsOf({
        triggers: [
          { kind: 'page_view', url_pattern: 'checkout' },
          { kind: 'event', name: '' },
          { kind: 'seconds_on_page', seconds: 0 },
          { kind: 'scroll_depth', percent: 101 },
          { kind: 'hover' },
          'x',
          { kind: 'page_view', url_pattern: '/a', extra: 1 },
        ],
        sampling_percent: 101,
        delay_seconds: 1.5,
        position: 'top',
        texts: { german: {}, de: { question: '', title: 'x' }, en: 'x' },
        colors: { brand: 'blue', shadow: '#000000' },
        dismiss_cooldown_days: -1,
        extra: true,
      }),
    ).toEqual({
      extra: 'unknown field',
      'triggers.0.url_pattern': expect.stringContaining('must be a URL path starting with /'),
      'triggers.1.name': expect.stringContaining('event name'),
      'triggers.2.seconds': 'must be a whole number from 1 to 3600',
      'triggers.3.percent': 'must be a whole number from 1 to 100',
      'triggers.4.kind': expect.stringContaining('must be one of page_view, event'),
      'triggers.5': 'must be an object with a kind',
      'triggers.6.extra': 'unknown field',
      sampling_percent: 'must be a whole number from 0 to 100',
      delay_seconds: 'must be a whole number from 0 to 600',
      position: 'must be one of bottom-right, bottom-left, center',
      'texts.german': expect.stringContaining('locale'),
      'texts.de.title': 'unknown field',
      'texts.de.question': 'must be a text of 1 to 500 characters',
      'texts.en': expect.stringContaining('must be an object'),
      'colors.brand': 'must be a colour #rrggbb: "blue"',
      'colors.shadow': 'unknown field',
      dismiss_cooldown_days: 'must be a whole number from 0 to 365',
    });
  });

  it('limits triggers to 10 and patterns to 200 characters, without query or spaces', () => {
    const trigger = { kind: 'scroll_depth', percent: 50 };
    expect(validateWidgetSettings({ triggers: Array(10).fill(trigger) }).ok).toBe(true);
    expect(errorsOf({ triggers: Array(11).fill(trigger) })).toEqual({ triggers: 'at most 10 triggers' });
    expect(errorsOf({ triggers: 'x' })).toEqual({ triggers: 'must be a list of triggers' });
    const pattern = (url_pattern: unknown) => errorsOf({ triggers: [{ kind: 'page_view', url_pattern }] });
    expect(pattern(`/${'a'.repeat(199)}`)).toEqual({});
    expect(Object.keys(pattern(`/${'a'.repeat(200)}`))).toEqual(['triggers.0.url_pattern']);
    for (const bad of ['/a b', '/a?b=1', '/a#x', '', 'https://x.com/a', 5, null]) {
      expect(Object.keys(pattern(bad)), String(bad)).toEqual(['triggers.0.url_pattern']);
    }
    expect(errorsOf({ texts: [] })).toEqual({ texts: expect.stringContaining('object') });
    expect(errorsOf({ colors: '#000000' })).toEqual({ colors: expect.stringContaining('object') });
    expect(errorsOf({ texts: { en: { thank_you: 'x'.repeat(1001) } } })).toEqual({
      'texts.en.thank_you': 'must be a text of 1 to 1000 characters',
    });
  });

  it('refuses anything but an object, and prefixes a given path', () => {
    for (const input of [null, [], 'x', 3]) expect(validateWidgetSettings(input).ok).toBe(false);
    expect(validateWidgetSettings({ position: 'x' }, 'widget')).toEqual({
      ok: false,
      errors: [{ path: 'widget.position', message: 'must be one of bottom-right, bottom-left, center' }],
    });
  });
});

describe('urlPatternMatches', () => {
  it('matches * over any characters, the rest literally, the whole path', () => {
    expect(urlPatternMatches('/checkout/*', '/checkout/done')).toBe(true);
    expect(urlPatternMatches('/checkout/*', '/checkout/a/b')).toBe(true);
    expect(urlPatternMatches('/checkout/*', '/checkout')).toBe(false);
    expect(urlPatternMatches('/checkout/*', '/x/checkout/done')).toBe(false);
    expect(urlPatternMatches('/a.b', '/aXb')).toBe(false);
    expect(urlPatternMatches('/*/settings', '/team/settings')).toBe(true);
    expect(urlPatternMatches('/pricing', '/pricing')).toBe(true);
  });
});

describe('contrast', () => {
  it('computes WCAG luminance and ratios', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#ffffff')).toBeCloseTo(1, 10);
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 10);
    expect(contrastRatio('#ffffff', '#000000')).toBeCloseTo(21, 10);
    expect(contrastRatio('#777777', '#777777')).toBe(1);
    // Well-known values: #767676 on white is the lightest grey passing 4.5:1.
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(() => relativeLuminance('red')).toThrow(RangeError);
  });

  it('ratios are symmetric and within 1..21', () => {
    const color = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);
    fc.assert(
      fc.property(color, color, (a, b) => {
        const r = contrastRatio(a, b);
        expect(r).toBeGreaterThanOrEqual(1);
        expect(r).toBeLessThanOrEqual(21.000001);
        expect(contrastRatio(b, a)).toBeCloseTo(r, 12);
      }),
    );
  });

  it('warns about text below 4.5:1 and a brand colour below 3:1, the ratio rounded down', () => {
    expect(contrastWarnings(DEFAULT_WIDGET_COLORS)).toEqual([]);
    expect(contrastWarnings({ brand: '#0b57d0', background: '#ffffff', text: '#777777' })).toEqual([
      { field: 'colors.text', message: 'text on background has contrast 4.4:1; WCAG 2.2 AA needs 4.5:1' },
    ]);
    expect(contrastWarnings({ brand: '#767676', background: '#ffffff', text: '#767676' })).toEqual([]);
    const both = contrastWarnings({ brand: '#ffff00', background: '#ffffff', text: '#aaaaaa' });
    expect(both.map((w) => w.field)).toEqual(['colors.text', 'colors.brand']);
    expect(both[0]!.message).toBe('text on background has contrast 2.3:1; WCAG 2.2 AA needs 4.5:1');
    expect(both[1]!.message).toMatch(
      /^brand colour on background has contrast 1\.0:1; WCAG 2\.2 AA needs 3:1/,
    );
  });
});

describe('widgetPalette', () => {
  const color = fc.integer({ min: 0, max: 0xffffff }).map((n) => `#${n.toString(16).padStart(6, '0')}`);

  it('paints the default card in WCAG 2.2 AA: text and end labels 4.5:1, borders 3:1, text on brand 4.5:1', () => {
    const p = widgetPalette(DEFAULT_WIDGET_COLORS);
    expect(contrastRatio(p.text, p.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(p.muted, p.background)).toBeGreaterThanOrEqual(4.5);
    expect(contrastRatio(p.line, p.background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(p.brand, p.background)).toBeGreaterThanOrEqual(3);
    expect(contrastRatio(p.on_brand, p.brand)).toBeGreaterThanOrEqual(4.5);
    // Muted and line are lighter than the text (they are blends towards the background), not equal to it.
    expect(p.muted).not.toBe(p.text);
    expect(p.line).not.toBe(p.muted);
  });

  it('puts readable text on any brand colour', () => {
    fc.assert(
      fc.property(color, (brand) => {
        const p = widgetPalette({ ...DEFAULT_WIDGET_COLORS, brand });
        expect(contrastRatio(p.on_brand, brand)).toBeGreaterThanOrEqual(4.5);
      }),
    );
  });

  it('keeps muted text and borders at AA whenever the text colour itself passes, on any background', () => {
    fc.assert(
      fc.property(color, color, (text, background) => {
        const p = widgetPalette({ brand: '#0b57d0', text, background });
        const base = contrastRatio(text, background);
        if (base >= 4.5) expect(contrastRatio(p.muted, background)).toBeGreaterThanOrEqual(4.5);
        if (base >= 3) expect(contrastRatio(p.line, background)).toBeGreaterThanOrEqual(3);
        // Never worse than the text colour: a failing text colour is kept as it is.
        expect(contrastRatio(p.muted, background)).toBeGreaterThanOrEqual(Math.min(base, 4.5) - 1e-9);
        for (const c of [p.muted, p.line]) expect(c).toMatch(/^#[0-9a-f]{6}$/);
      }),
    );
  });

  it('derives from dark colours too', () => {
    const p = widgetPalette({ brand: '#ffcc00', background: '#111111', text: '#eeeeee' });
    expect(p.on_brand).toBe('#000000');
    expect(contrastRatio(p.muted, '#111111')).toBeGreaterThanOrEqual(4.5);
  });
});

describe('mayAsk', () => {
  const now = new Date('2026-05-04T10:00:00Z');
  const daysAgo = (days: number) => new Date(now.getTime() - days * DAY_MS);
  const facts = (over: Partial<AskFacts> = {}): AskFacts => ({
    lastSurveyedAt: null,
    lastDismissedAt: null,
    unsubscribed: false,
    policy: { minDaysBetween: 90 },
    cooldownDays: 30,
    samplingPercent: 100,
    sampleKey: sampleKeyOf('visitor_1', 'survey_1'),
    ...over,
  });

  it('asks a fresh visitor', () => {
    expect(mayAsk(facts(), now)).toEqual({ ask: true });
  });

  it('waits minDaysBetween after the last survey, until exactly then', () => {
    expect(mayAsk(facts({ lastSurveyedAt: daysAgo(10) }), now)).toEqual({
      ask: false,
      reason: 'recently_surveyed',
      until: new Date(daysAgo(10).getTime() + 90 * DAY_MS).toISOString(),
    });
    expect(mayAsk(facts({ lastSurveyedAt: daysAgo(90) }), now)).toEqual({ ask: true });
    expect(mayAsk(facts({ lastSurveyedAt: new Date(daysAgo(90).getTime() + 1) }), now).ask).toBe(false);
    expect(mayAsk(facts({ lastSurveyedAt: daysAgo(0), policy: { minDaysBetween: 0 } }), now)).toEqual({
      ask: true,
    });
  });

  it('waits cooldownDays after a dismissal', () => {
    expect(mayAsk(facts({ lastDismissedAt: daysAgo(1) }), now)).toEqual({
      ask: false,
      reason: 'recently_dismissed',
      until: '2026-06-02T10:00:00.000Z',
    });
    expect(mayAsk(facts({ lastDismissedAt: daysAgo(30) }), now)).toEqual({ ask: true });
    expect(mayAsk(facts({ lastDismissedAt: daysAgo(0), cooldownDays: 0 }), now)).toEqual({ ask: true });
  });

  it('of two waits, gives the one ending later', () => {
    const surveyed = mayAsk(facts({ lastSurveyedAt: daysAgo(89), lastDismissedAt: daysAgo(1) }), now);
    expect(surveyed).toMatchObject({ reason: 'recently_dismissed', until: '2026-06-02T10:00:00.000Z' });
    const dismissed = mayAsk(facts({ lastSurveyedAt: daysAgo(10), lastDismissedAt: daysAgo(1) }), now);
    expect(dismissed).toMatchObject({ reason: 'recently_surveyed' });
  });

  it('never asks an unsubscribed contact, nor a visitor outside the sample (no until)', () => {
    expect(mayAsk(facts({ unsubscribed: true, lastDismissedAt: daysAgo(1) }), now)).toEqual({
      ask: false,
      reason: 'unsubscribed',
    });
    expect(mayAsk(facts({ samplingPercent: 0 }), now)).toEqual({ ask: false, reason: 'not_sampled' });
  });

  it('samples deterministically, about the given share, nested across percentages', () => {
    const keys = Array.from({ length: 4000 }, (_, i) => sampleKeyOf(`visitor-${i}`, 'survey-a'));
    const share = (percent: number) => keys.filter((k) => isSampled(k, percent)).length / keys.length;
    expect(share(0)).toBe(0);
    expect(share(100)).toBe(1);
    expect(share(10)).toBeGreaterThan(0.08);
    expect(share(10)).toBeLessThan(0.12);
    expect(share(50)).toBeGreaterThan(0.47);
    expect(share(50)).toBeLessThan(0.53);
    for (const key of keys.slice(0, 200)) {
      expect(mayAsk(facts({ sampleKey: key, samplingPercent: 30 }), now)).toEqual(
        mayAsk(facts({ sampleKey: key, samplingPercent: 30 }), now),
      );
      if (isSampled(key, 10)) expect(isSampled(key, 11)).toBe(true);
    }
    // The same visitor is sampled independently for another survey.
    const other = Array.from({ length: 4000 }, (_, i) => sampleKeyOf(`visitor-${i}`, 'survey-b'));
    const both = keys.filter((k, i) => isSampled(k, 50) === isSampled(other[i]!, 50)).length / keys.length;
    expect(both).toBeGreaterThan(0.45);
    expect(both).toBeLessThan(0.55);
  });

  it('throws on invalid input', () => {
    expect(() => mayAsk(facts(), new Date(Number.NaN))).toThrow(RangeError);
    expect(() => mayAsk(facts({ samplingPercent: 101 }), now)).toThrow(RangeError);
    expect(() => mayAsk(facts({ cooldownDays: -1 }), now)).toThrow(RangeError);
    expect(() => mayAsk(facts({ lastSurveyedAt: new Date(Number.NaN) }), now)).toThrow(RangeError);
  });
});
