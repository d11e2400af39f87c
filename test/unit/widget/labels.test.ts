import { describe, expect, it } from 'vitest';
import {
  contrast,
  followUp,
  hexColor,
  pickLocale,
  question,
  scoreName,
  textOn,
  toUser,
} from '../../../src/widget/labels';
import type { WidgetConfig } from '../../../src/widget/types';
import { DEFAULT_BRAND, INK, LINE, MUTED, PAPER } from '../../../src/widget/view';

const c = {
  question: 'How likely is it that you would recommend {product} to a friend or colleague?',
  product_name: 'Taskwerk',
  follow_up_promoter: 'What do you like most?',
  follow_up_passive: 'What is missing?',
  follow_up_detractor: 'What disappointed you?',
} as WidgetConfig;

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

  it('fills in {product}', () => {
    expect(question(c)).toBe('How likely is it that you would recommend Taskwerk to a friend or colleague?');
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
});

describe('colours (WCAG 2.2 AA)', () => {
  it('default text reaches 4.5:1 and control borders 3:1 on the card', () => {
    expect(contrast(INK, PAPER)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(MUTED, PAPER)).toBeGreaterThanOrEqual(4.5);
    expect(contrast(LINE, PAPER)).toBeGreaterThanOrEqual(3);
    expect(contrast(DEFAULT_BRAND, PAPER)).toBeGreaterThanOrEqual(3);
    expect(contrast(textOn(DEFAULT_BRAND), DEFAULT_BRAND)).toBeGreaterThanOrEqual(4.5);
  });

  it('computes known ratios', () => {
    expect(contrast('#000', '#fff')).toBeCloseTo(21, 5);
    expect(contrast('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
  });

  it('puts readable text on any brand colour', () => {
    for (let i = 0; i < 4096; i += 7) {
      const hex = `#${i.toString(16).padStart(3, '0')}`;
      expect(contrast(textOn(hex), hex)).toBeGreaterThanOrEqual(4.5);
    }
  });

  it('accepts only hex colours into the style sheet', () => {
    expect(hexColor('#0B57D0')).toBe('#0B57D0');
    expect(hexColor('#abc')).toBe('#abc');
    expect(hexColor('red;}*{display:none')).toBeNull();
    expect(hexColor('#abcd')).toBeNull();
    expect(hexColor(null)).toBeNull();
  });
});
