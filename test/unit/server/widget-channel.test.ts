import { describe, expect, it } from 'vitest';
import { isBotUserAgent } from '../../../src/server/channels/widget/bots';
import { widgetLabelsFor } from '../../../src/server/channels/widget/widget-messages';
import { pathOf } from '../../../src/server/channels/widget/widget-routes';
import { loadConfig } from '../../../src/server/config';

describe('isBotUserAgent', () => {
  it('drops requests without a User-Agent and crawlers by name', () => {
    for (const ua of [
      undefined,
      null,
      '',
      '   ',
      'Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)',
      'Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)',
      'Mozilla/5.0 (compatible; Yahoo! Slurp; http://help.yahoo.com/help/us/ysearch/slurp)',
      'facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)',
      'Mozilla/5.0 (compatible; SemrushSpider)',
      'SomeCrawler/1.0',
      'Slack-LinkPreview/1.0',
    ]) {
      expect(isBotUserAgent(ua), String(ua)).toBe(true);
    }
  });

  it('keeps browsers, headless Chrome and curl', () => {
    for (const ua of [
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36',
      'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/126.0 Safari/537.36',
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 Version/17.5 Mobile Safari/604.1',
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:127.0) Gecko/20100101 Firefox/127.0',
      'curl/8.5.0',
    ]) {
      expect(isBotUserAgent(ua), ua).toBe(false);
    }
  });
});

describe('widgetLabelsFor', () => {
  it('has German and English labels, by language, falling back to English', () => {
    expect(widgetLabelsFor('de').send_label).toBe('Senden');
    expect(widgetLabelsFor('de-AT').close_label).toBe('Schließen');
    expect(widgetLabelsFor('DE_ch').send_label).toBe('Senden');
    expect(widgetLabelsFor('en').send_label).toBe('Send');
    expect(widgetLabelsFor('fr').send_label).toBe('Send');
    expect(Object.keys(widgetLabelsFor('de')).sort()).toEqual([
      'close_label',
      'comment_placeholder',
      'high_label',
      'low_label',
      'send_label',
    ]);
    for (const value of Object.values(widgetLabelsFor('de'))) expect(value).not.toBe('');
  });
});

describe('pathOf (the page_url property)', () => {
  it('keeps the path only: no origin, query or fragment', () => {
    expect(pathOf('https://app.example.com/billing?token=secret&email=a@b.de#x')).toBe('/billing');
    expect(pathOf('https://app.example.com')).toBe('/');
    expect(pathOf('/pricing?x=1')).toBe('/pricing');
    expect(pathOf(`https://app.example.com/${'a'.repeat(900)}`)).toHaveLength(500);
  });
});

describe('widget rate-limit configuration', () => {
  it('defaults to 60 per IP and 6000 per key per minute, and reads the environment', () => {
    const defaults = loadConfig({});
    expect(defaults.widgetRateLimit).toBe(60);
    expect(defaults.widgetKeyRateLimit).toBe(6000);
    const set = loadConfig({ PLAUDIT_WIDGET_RATE_LIMIT: '5', PLAUDIT_WIDGET_KEY_RATE_LIMIT: '100' });
    expect(set.widgetRateLimit).toBe(5);
    expect(set.widgetKeyRateLimit).toBe(100);
    expect(() => loadConfig({ PLAUDIT_WIDGET_RATE_LIMIT: '0' })).toThrow(/PLAUDIT_WIDGET_RATE_LIMIT/);
  });
});
