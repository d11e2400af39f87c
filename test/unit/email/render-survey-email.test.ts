import { describe, expect, it } from 'vitest';
import { DEFAULT_SURVEY_TEXTS } from '../../../src/core/survey-texts';
import { emailCatalog, emailMessagesFor } from '../../../src/server/channels/email/email-messages';
import {
  type EmailSurvey,
  renderSurveyEmail,
  type SurveyEmailInput,
} from '../../../src/server/channels/email/render-survey-email';
import { renderUnsubscribePage } from '../../../src/server/channels/email/render-unsubscribe-page';

const XSS = '<img src=x onerror=alert(1)>';
const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
const PAGE = 'https://nps.example.com/s/tok_123';
const UNSUBSCRIBE = 'https://nps.example.com/u/tok_123';

const survey = (locale: 'de' | 'en', extra: Partial<EmailSurvey> = {}): EmailSurvey => ({
  productName: 'Taskwerk',
  question: DEFAULT_SURVEY_TEXTS[locale].question,
  brandColor: '#1e3a8a',
  ...extra,
});
const input = (overrides: Partial<SurveyEmailInput> = {}): SurveyEmailInput => ({
  survey: survey('en'),
  locale: 'en',
  contactName: 'Anna',
  pageUrl: PAGE,
  unsubscribeUrl: UNSUBSCRIBE,
  reminder: false,
  ...overrides,
});

/** The href of every `<a>` in the HTML, decoded as a browser would read the attribute. */
function hrefsOf(html: string): string[] {
  return [...html.matchAll(/<a\b[^>]*\bhref="([^"]*)"/g)].map((m) => m[1]!.replaceAll('&amp;', '&'));
}

describe('renderSurveyEmail', () => {
  it('renders the English email: subject, lang, question with the product, anchors, unsubscribe', () => {
    const email = renderSurveyEmail(input());
    expect(email.subject).toBe('How likely are you to recommend Taskwerk?');
    expect(email.html).toMatch(/^<!doctype html><html lang="en"/);
    expect(email.html).toContain(
      'How likely is it that you would recommend Taskwerk to a friend or colleague?',
    );
    expect(email.html).toContain('Hello Anna,');
    expect(email.html).toContain('0 = not at all likely');
    expect(email.html).toContain('10 = extremely likely');
    expect(email.html).toContain('You are receiving this email because you use Taskwerk.');
    expect(email.html).toContain(`href="${UNSUBSCRIBE}"`);
    expect(email.html).toContain('Unsubscribe from these surveys');
    // Preheader, responsive column, presentation tables, dark mode.
    expect(email.html).toContain('One click on a number from 0 to 10 is all it takes.');
    expect(email.html).toContain('max-width:600px');
    expect(email.html).toContain('role="presentation"');
    expect(email.html).not.toMatch(/<table(?![^>]*role="presentation")/);
    expect(email.html).toContain('prefers-color-scheme:dark');
    expect(email.html).toContain('<meta name="color-scheme" content="light dark">');
    expect(email.html).not.toContain('<script');
  });

  it('renders the German email with German subject, strings and question', () => {
    const email = renderSurveyEmail(input({ survey: survey('de'), locale: 'de' }));
    expect(email.subject).toBe('Wie wahrscheinlich würden Sie Taskwerk weiterempfehlen?');
    expect(email.html).toMatch(/<html lang="de"/);
    expect(email.html).toContain(
      'Wie wahrscheinlich ist es, dass Sie Taskwerk einem Freund oder Kollegen weiterempfehlen?',
    );
    expect(email.html).toContain('Guten Tag Anna,');
    expect(email.html).toContain('0 = überhaupt nicht wahrscheinlich');
    expect(email.html).toContain('10 = äußerst wahrscheinlich');
    expect(email.html).toContain('Von diesen Umfragen abmelden');
    expect(email.html).toContain('Sie erhalten diese E-Mail, weil Sie Taskwerk nutzen.');
    expect(email.text).toContain('Abmelden: https://nps.example.com/u/tok_123');
    expect(email.text).not.toContain('Unsubscribe');
  });

  it('uses the reminder subject and intro for a reminder, in both languages', () => {
    expect(renderSurveyEmail(input({ reminder: true })).subject).toBe('Reminder: your opinion on Taskwerk');
    const de = renderSurveyEmail(input({ locale: 'de', survey: survey('de'), reminder: true }));
    expect(de.subject).toBe('Erinnerung: Ihre Meinung zu Taskwerk');
    expect(de.html).toContain('vor einigen Tagen haben wir Ihnen eine Frage gestellt');
    expect(de.text).toContain('vor einigen Tagen haben wir Ihnen eine Frage gestellt');
  });

  it('has eleven one-click buttons 0..10 in order, each a link to the page with its score', () => {
    const { html } = renderSurveyEmail(input());
    const scoreLinks = hrefsOf(html).filter((href) => href.startsWith(PAGE));
    expect(scoreLinks).toEqual(Array.from({ length: 11 }, (_, n) => `${PAGE}?score=${n}`));
    // The visible number of each button matches its link.
    const buttons = [...html.matchAll(/<a href="[^"]*\?score=(\d+)"[^>]*>.*?<span[^>]*>(\d+)<\/span><\/a>/g)];
    expect(buttons.map((b) => [b[1], b[2]])).toEqual(
      Array.from({ length: 11 }, (_, n) => [String(n), String(n)]),
    );
    expect(html).toContain('aria-label="0 – not at all likely"');
    expect(html).toContain('aria-label="10 – extremely likely"');
    expect(html.match(/aria-label=/g)).toHaveLength(2);
  });

  it('keeps a query the page URL already has and sets only score', () => {
    const { html, text } = renderSurveyEmail(input({ pageUrl: `${PAGE}?lang=de` }));
    expect(hrefsOf(html)).toContain(`${PAGE}?lang=de&score=7`);
    expect(text).toContain(`7: ${PAGE}?lang=de&score=7`);
  });

  it('writes the text part: greeting, question, the 11 links with anchors, reason, unsubscribe link', () => {
    const { text } = renderSurveyEmail(input());
    const lines = text.split('\n');
    expect(lines[0]).toBe('Hello Anna,');
    expect(text).toContain('How likely is it that you would recommend Taskwerk to a friend or colleague?');
    const links = lines.filter((line) => /^\d+( \(.*\))?: https:/.test(line));
    expect(links).toHaveLength(11);
    expect(links[0]).toBe(`0 (not at all likely): ${PAGE}?score=0`);
    expect(links[9]).toBe(`9: ${PAGE}?score=9`);
    expect(links[10]).toBe(`10 (extremely likely): ${PAGE}?score=10`);
    expect(text).toContain(`Unsubscribe: ${UNSUBSCRIBE}`);
    expect(text).toContain('You are receiving this email because you use Taskwerk.');
    expect(text).not.toMatch(/<[a-z]/i);
  });

  it('escapes hostile product names, contact names and questions in the HTML', () => {
    const email = renderSurveyEmail(
      input({
        survey: survey('en', { productName: XSS, question: `${XSS} {product}?` }),
        contactName: `"><script>alert(1)</script>`,
      }),
    );
    expect(email.html).not.toContain(XSS);
    expect(email.html).not.toContain('<script');
    expect(email.html).toContain(`${XSS_ESCAPED} ${XSS_ESCAPED}?`);
    expect(email.html).toContain('Hello &quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;,');
    expect(email.html).toContain(`You are receiving this email because you use ${XSS_ESCAPED}.`);
    // Plain text stays plain: the subject and text part carry the name as it is, on one line.
    expect(email.subject).toBe(`How likely are you to recommend ${XSS}?`);
  });

  it('keeps names on one line so they cannot add lines to the subject or the text part', () => {
    const email = renderSurveyEmail(
      input({ survey: survey('en', { productName: 'Task\r\nBcc: x@evil.example' }), contactName: 'A\nB' }),
    );
    expect(email.subject).toBe('How likely are you to recommend Task Bcc: x@evil.example?');
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.text.split('\n')[0]).toBe('Hello A B,');
  });

  it('refuses page and unsubscribe URLs that are not http(s), and drops such a logo', () => {
    expect(() => renderSurveyEmail(input({ pageUrl: 'javascript:alert(1)' }))).toThrow(RangeError);
    expect(() => renderSurveyEmail(input({ pageUrl: '/s/relative' }))).toThrow(RangeError);
    expect(() => renderSurveyEmail(input({ unsubscribeUrl: 'data:text/html,hi' }))).toThrow(RangeError);
    const withBadLogo = renderSurveyEmail(
      input({ survey: survey('en', { logoUrl: 'javascript:alert(1)' }) }),
    );
    expect(withBadLogo.html).not.toContain('javascript:');
    expect(withBadLogo.html).not.toContain('<img');
    const withLogo = renderSurveyEmail(
      input({ survey: survey('en', { logoUrl: 'https://cdn.example.com/logo.png?a=1&b="2"' }) }),
    );
    expect(withLogo.html).toContain(
      '<img src="https://cdn.example.com/logo.png?a=1&amp;b=%222%22" alt="Taskwerk"',
    );
  });

  it('uses the brand colour only when valid, with readable button text', () => {
    const dark = renderSurveyEmail(input({ survey: survey('en', { brandColor: '#1E3A8A' }) })).html;
    expect(dark).toContain(
      'background-color:#1e3a8a;border:1px solid #1e3a8a;border-radius:6px;color:#ffffff',
    );
    const light = renderSurveyEmail(input({ survey: survey('en', { brandColor: '#ffd400' }) })).html;
    expect(light).toContain(
      'background-color:#ffd400;border:1px solid #ffd400;border-radius:6px;color:#000000',
    );
    for (const bad of ['red;background:url(x)', '#12345', 'expression(alert(1))', '']) {
      const html = renderSurveyEmail(input({ survey: survey('en', { brandColor: bad }) })).html;
      expect(html).not.toContain(bad === '' ? 'background-color:;' : bad);
      expect(html).toContain(
        'background-color:#2563eb;border:1px solid #2563eb;border-radius:6px;color:#ffffff',
      );
    }
  });

  it('greets without a name and falls back to English strings for other locales', () => {
    const email = renderSurveyEmail(input({ contactName: null, locale: 'fr' }));
    expect(email.html).toContain('>Hello,</p>');
    expect(email.html).toMatch(/<html lang="fr"/);
    expect(email.subject).toBe('How likely are you to recommend Taskwerk?');
    const austrian = renderSurveyEmail(input({ locale: 'de-AT', survey: survey('de'), contactName: ' ' }));
    expect(austrian.text.split('\n')[0]).toBe('Guten Tag,');
  });

  it('ends the HTML part with the open-tracking pixel only when given one, never in the text part', () => {
    const pixelUrl = 'https://nps.example.com/o/tok_123.gif';
    for (const reminder of [false, true]) {
      const tracked = renderSurveyEmail(input({ openPixelUrl: pixelUrl, reminder }));
      const img =
        `<img src="${pixelUrl}" alt="" width="1" height="1" border="0" ` +
        'style="display:block;width:1px;height:1px;border:0;margin:0;padding:0;outline:none;text-decoration:none;">';
      expect(tracked.html.endsWith(`${img}</body></html>`)).toBe(true);
      expect(tracked.html.split('/o/')).toHaveLength(2);
      expect(tracked.text).not.toContain('/o/');
      // Nothing else changes: the email without the pixel is the same but for it.
      const untracked = renderSurveyEmail(input({ reminder }));
      expect(tracked.html.replace(img, '')).toBe(untracked.html);
      expect(tracked.text).toBe(untracked.text);
    }
    for (const off of [undefined, null]) {
      const html = renderSurveyEmail(input({ openPixelUrl: off })).html;
      expect(html).not.toContain('/o/');
      expect(html).not.toContain('<img');
    }
    expect(() => renderSurveyEmail(input({ openPixelUrl: 'javascript:alert(1)' }))).toThrow(RangeError);
  });
});

describe('email messages', () => {
  it('has every English key in German, with the same placeholders', () => {
    const en = emailMessagesFor('en');
    const de = emailCatalog.de!;
    for (const [key, value] of Object.entries(en)) {
      const german = de[key as keyof typeof en];
      expect(german, key).toBeTruthy();
      expect(german, key).not.toBe(value);
      expect(german!.match(/\{\w+\}/g) ?? [], key).toEqual(value.match(/\{\w+\}/g) ?? []);
    }
  });
});

describe('renderUnsubscribePage', () => {
  it('asks with a form (no JavaScript) and escapes the product name', () => {
    const html = renderUnsubscribePage({
      state: 'confirm',
      locale: 'de',
      productName: XSS,
      brandColor: 'red;}body{display:none',
      action: '/u/tok_123',
    });
    expect(html).toContain('<html lang="de">');
    expect(html).toContain(`Von Umfragen zu ${XSS_ESCAPED} abmelden`);
    expect(html).not.toContain(XSS);
    expect(html).toContain('<form method="post" action="/u/tok_123">');
    expect(html).toContain('<button type="submit">Abmelden</button>');
    expect(html).not.toContain('display:none');
    expect(html).not.toContain('<script');
  });

  it('never puts an off-site action into the form, and says done or not found in English', () => {
    expect(renderUnsubscribePage({ state: 'confirm', locale: 'en', action: '//evil.example/x' })).toContain(
      'action=""',
    );
    expect(renderUnsubscribePage({ state: 'done', locale: 'en' })).toContain('You are unsubscribed');
    expect(renderUnsubscribePage({ state: 'not-found', locale: 'en' })).toContain(
      'We could not find this link',
    );
  });
});
