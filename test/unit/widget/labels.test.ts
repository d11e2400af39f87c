import { describe, expect, it } from 'vitest';
import { followUp, hexColor, pickLocale, scalars, scoreName, toUser } from '../../../src/widget/labels';
import type { WidgetConfig } from '../../../src/widget/types';

const c = {
  follow_up_promoter: 'What do you like most?',
  follow_up_passive: 'What is missing?',
  follow_up_detractor: 'What disappointed you?',
} as unknown as WidgetConfig;

describe('labels', () => {
  it('names the end points of the scale with their labels', () => {
    expect(scoreName(0, 'not at all likely', 'extremely likely')).toBe('0 – not at all likely');
    expect(scoreName(10, 'not at all likely', 'extremely likely')).toBe('10 – extremely likely');
    expect(scoreName(9, 'not at all likely', 'extremely likely')).toBe('9');
  });

  it('asks the follow-up question of the score category', () => {
    const asked = Array.from({ length: 11 }, (_, s) => followUp(c, s));
    expect(asked.slice(0, 7).every((q) => q === c.follow_up_detractor)).toBe(true);
    expect(asked.slice(7, 9)).toEqual([c.follow_up_passive, c.follow_up_passive]);
    expect(asked.slice(9)).toEqual([c.follow_up_promoter, c.follow_up_promoter]);
  });

  it('takes data-locale as given, else the language of the browser without region', () => {
    expect(pickLocale('de', 'en-US')).toBe('de');
    expect(pickLocale(null, 'de-AT')).toBe('de');
    expect(pickLocale(undefined, 'EN')).toBe('en');
    expect(pickLocale('', undefined)).toBe('en');
  });

  it('turns identify arguments into the contract user, flat scalar traits only', () => {
    expect(
      toUser(42, { email: 'a@b.c', name: 'Ann', locale: 'de', plan: 'pro', seats: 3, nested: { x: 1 } }),
    ).toEqual({ id: '42', email: 'a@b.c', name: 'Ann', locale: 'de', traits: { plan: 'pro', seats: 3 } });
    expect(toUser('u', undefined)).toEqual({ id: 'u' });
    expect(toUser('', {})).toBeUndefined();
    expect(toUser({}, {})).toBeUndefined();
  });

  it('keeps only flat scalar event properties', () => {
    expect(
      scalars({ total: 99.5, plan: 'pro', paid: true, items: [1], nested: { a: 1 }, none: null }),
    ).toEqual({
      total: 99.5,
      plan: 'pro',
      paid: true,
    });
    expect(scalars('x')).toEqual({});
    expect(scalars(undefined)).toEqual({});
  });
});

describe('colours', () => {
  it('accepts only hex colours into the style sheet', () => {
    expect(hexColor('#0B57D0')).toBe('#0B57D0');
    expect(hexColor('#abc')).toBe('#abc');
    expect(hexColor('red;}*{display:none')).toBeNull();
    expect(hexColor('#abcd')).toBeNull();
    expect(hexColor(null)).toBeNull();
  });
});
