import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  contrastRatio,
  DEFAULT_BRAND_COLOR,
  httpStatusFor,
  type PageSurvey,
  relativeLuminance,
  renderFollowUpPage,
  renderQuestionPage,
  renderStatusPage,
  renderThanksPage,
  type StatusKind,
  safeBrandColor,
  textColorOn,
} from '../../../src/server/channels/link/render-survey-page';

const XSS = '<img src=x onerror=alert(1)>';
const XSS_ESCAPED = '&lt;img src=x onerror=alert(1)&gt;';
const STATUS_KINDS: StatusKind[] = [
  'not-found',
  'expired',
  'closed',
  'edit-window-over',
  'rate-limited',
  'bad-request',
];

const germanSurvey: PageSurvey = {
  name: 'Relational Q3',
  productName: 'Acme Shop',
  brandColor: '#1e3a8a',
  question: 'Wie wahrscheinlich ist es, dass Sie {product} einem Freund oder Kollegen weiterempfehlen?',
  followUp: 'Was ist der Hauptgrund für Ihre Bewertung?',
  thankYou: 'Vielen Dank für Ihr Feedback!',
};
const englishSurvey: PageSurvey = {
  ...germanSurvey,
  question: 'How likely is it that you would recommend {product} to a friend or colleague?',
  followUp: 'What is the main reason for your score?',
  thankYou: 'Thanks for your feedback!',
};
const hostileSurvey: PageSurvey = {
  name: XSS,
  productName: XSS,
  brandColor: '#ffd400',
  question: `${XSS} {product}`,
  followUp: XSS,
  thankYou: XSS,
};
const until = new Date('2026-07-03T12:35:00Z');

function question(overrides: Partial<Parameters<typeof renderQuestionPage>[0]> = {}): string {
  return renderQuestionPage({ survey: germanSurvey, locale: 'de', action: '/s/tok123', ...overrides });
}
function followUp(overrides: Partial<Parameters<typeof renderFollowUpPage>[0]> = {}): string {
  return renderFollowUpPage({
    survey: germanSurvey,
    locale: 'de',
    action: '/s/tok123',
    score: 9,
    comment: null,
    editableUntil: until,
    ...overrides,
  });
}
function thanks(overrides: Partial<Parameters<typeof renderThanksPage>[0]> = {}): string {
  return renderThanksPage({
    survey: germanSurvey,
    locale: 'de',
    score: 9,
    comment: 'Schnelle Lieferung',
    editAction: '/s/tok123/comment',
    ...overrides,
  });
}

/** Every page in both locales, with hostile texts, for checks that must hold everywhere. */
function allPages(survey: PageSurvey): string[] {
  const pages: string[] = [];
  for (const locale of ['de', 'en', 'fr']) {
    pages.push(
      question({ survey, locale, error: XSS, selected: 3 }),
      followUp({ survey, locale, comment: XSS, error: XSS, saved: true }),
      followUp({ survey, locale }),
      // The testimonial-consent checkbox, with a survey text that may be hostile too.
      followUp({ survey: { ...survey, consentQuestion: `${survey.name} {product}` }, locale, consent: true }),
      thanks({ survey, locale, comment: XSS }),
      thanks({ survey, locale, comment: null, editAction: null }),
      ...STATUS_KINDS.map((kind) =>
        renderStatusPage({ kind, locale, detail: XSS, brandColor: survey.brandColor }),
      ),
    );
  }
  return pages;
}

interface ScoreButton {
  value: string;
  name: string;
  attributes: string;
}
function scoreButtons(html: string): ScoreButton[] {
  return [...html.matchAll(/<button([^>]*\bname="score"[^>]*)>([^<]*)<\/button>/g)].map((match) => {
    const attributes = match[1] ?? '';
    const label = /aria-label="([^"]*)"/.exec(attributes)?.[1];
    return {
      value: /value="([^"]*)"/.exec(attributes)?.[1] ?? '',
      name: label ?? match[2] ?? '',
      attributes,
    };
  });
}
/** The document without its <head> (whose CSS mentions attribute selectors). */
function bodyOf(html: string): string {
  return html.slice(html.indexOf('</head>'));
}
function cssVar(html: string, name: string, dark = false): string {
  const style = /<style>(.*)<\/style>/s.exec(html)?.[1] ?? '';
  const [light, darkPart = ''] = style.split('@media (prefers-color-scheme:dark)');
  const value = new RegExp(`--${name}:(#[0-9a-f]{6})`).exec(dark ? darkPart : (light ?? ''))?.[1];
  if (!value) throw new Error(`--${name} not found`);
  return value;
}

describe('all pages', () => {
  it('contain no script, no event handler and no unescaped untrusted text', () => {
    for (const html of allPages(hostileSurvey)) {
      expect(html).not.toMatch(/<script/i);
      expect(html).not.toContain(XSS);
      expect(html).not.toMatch(/<img/i);
      expect(html).not.toMatch(/<[a-z][^>]*\son\w+=/i);
    }
  });

  it('show escaped survey texts, comment and error instead', () => {
    const html = followUp({ survey: hostileSurvey, comment: XSS, error: XSS });
    expect(html).toContain(`<label for="comment">${XSS_ESCAPED}</label>`);
    expect(html).toContain(`>${XSS_ESCAPED}</textarea>`);
    expect(html).toContain(`role="alert">${XSS_ESCAPED}</p>`);
    expect(thanks({ survey: hostileSurvey, comment: XSS })).toContain(`<dd class="cm">${XSS_ESCAPED}</dd>`);
    expect(renderStatusPage({ kind: 'bad-request', locale: 'en', detail: XSS })).toContain(
      `<p>${XSS_ESCAPED}</p>`,
    );
  });

  it('are complete documents with lang, viewport, title and one inline style', () => {
    for (const html of allPages(germanSurvey)) {
      expect(html.startsWith('<!doctype html><html lang="')).toBe(true);
      expect(html).toContain('<meta name="viewport" content="width=device-width,initial-scale=1">');
      expect(html).toMatch(/<title>[^<]+<\/title>/);
      expect(html.match(/<style>/g)).toHaveLength(1);
      expect(html).not.toMatch(/<link rel="stylesheet"|<img|url\(/);
      expect(html).toContain('prefers-color-scheme:dark');
    }
    expect(question()).toContain('<html lang="de" dir="ltr">');
    expect(question({ locale: 'en' })).toContain('<html lang="en" dir="ltr">');
    expect(question({ locale: 'de-AT' })).toContain('<html lang="de-AT" dir="ltr">');
    expect(question({ locale: 'ar' })).toContain('<html lang="ar" dir="rtl">');
    expect(question({ locale: '"><x' })).toContain('<html lang="en"');
  });

  it('stay under 8 KB', () => {
    for (const html of allPages(germanSurvey)) expect(Buffer.byteLength(html)).toBeLessThan(8 * 1024);
  });
});

describe('renderQuestionPage', () => {
  it('posts a form whose fieldset legend is the question, as the heading', () => {
    const html = question();
    expect(html).toContain('<form method="post" action="/s/tok123"><fieldset><legend><h1>');
    expect(html).toMatch(
      /<legend><h1>Wie wahrscheinlich ist es, dass Sie Acme Shop einem[^<]*<\/h1><\/legend>/,
    );
  });

  it('has 11 submit buttons 0..10 with accessible names including the number and the anchors', () => {
    const buttons = scoreButtons(question());
    expect(buttons.map((button) => button.value)).toEqual([
      '0',
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
      '9',
      '10',
    ]);
    for (const button of buttons) {
      expect(button.attributes).toContain('type="submit"');
      expect(button.name.startsWith(button.value)).toBe(true);
    }
    expect(buttons[0]?.name).toBe('0 – überhaupt nicht wahrscheinlich');
    expect(buttons[10]?.name).toBe('10 – äußerst wahrscheinlich');
    const english = scoreButtons(question({ locale: 'en' }));
    expect(english[0]?.name).toBe('0 – not at all likely');
    expect(english[10]?.name).toBe('10 – extremely likely');
  });

  it('shows the scale anchors under the buttons', () => {
    const html = question();
    expect(html).toContain('0 = überhaupt nicht wahrscheinlich');
    expect(html).toContain('10 = äußerst wahrscheinlich');
    expect(html.indexOf('0 = überhaupt')).toBeGreaterThan(html.indexOf('value="10"'));
  });

  it('has touch targets of at least 44px that wrap to two rows on a phone, and a focus style', () => {
    const html = question();
    expect(html).toContain('.sc{display:grid;grid-template-columns:repeat(6,minmax(2.75rem,1fr))');
    expect(html).toContain('@media (min-width:40rem){.sc{grid-template-columns:repeat(11,1fr)}}');
    expect(html).toMatch(/\.sc button\{min-height:3rem/);
    expect(html).toContain(':focus-visible{outline:3px solid var(--accent)');
  });

  it('substitutes {product} (and {Produkt}) with the escaped product name', () => {
    const html = question({
      survey: { ...germanSurvey, productName: 'A&B <Shop>', question: '{Produkt}? {product}!' },
    });
    expect(html).toContain('<h1>A&amp;B &lt;Shop&gt;? A&amp;B &lt;Shop&gt;!</h1>');
    expect(html).toContain('<title>Ihre Meinung zu A&amp;B &lt;Shop&gt;</title>');
  });

  it('marks the selected score', () => {
    const selected = scoreButtons(question({ selected: 7 })).filter((b) =>
      b.attributes.includes('aria-current'),
    );
    expect(selected.map((b) => b.value)).toEqual(['7']);
    expect(bodyOf(question())).not.toContain('aria-current');
  });

  it('shows an error with role=alert, linked to the fieldset, and says so in the title', () => {
    const html = question({ error: 'Bitte wählen Sie einen Wert von 0 bis 10.' });
    expect(html).toContain(
      '<p id="error" class="err" role="alert">Bitte wählen Sie einen Wert von 0 bis 10.</p>',
    );
    expect(html).toContain('<fieldset aria-describedby="error">');
    expect(html).toContain('<title>Fehler: Ihre Meinung zu Acme Shop</title>');
    expect(question()).not.toContain('role="alert"');
  });

  it('uses German or English UI strings by locale, English (marked lang="en") for a locale it lacks', () => {
    expect(question({ locale: 'de' })).toContain('<title>Ihre Meinung zu Acme Shop</title>');
    expect(question({ locale: 'en' })).toContain('<title>Your feedback on Acme Shop</title>');
    const french = question({
      locale: 'fr',
      survey: { ...germanSurvey, question: 'Recommanderiez-vous {product} ?' },
    });
    expect(french).toContain('<html lang="fr"');
    expect(french).toContain('<h1>Recommanderiez-vous Acme Shop ?</h1>');
    expect(french).toContain('<span lang="en">0 = not at all likely</span>');
    expect(question({ locale: 'en' })).not.toContain('<span lang="en">');
  });

  it('drops an action that is not a same-site path or http(s) URL', () => {
    expect(question({ action: 'javascript:alert(1)' })).toContain('<form method="post" action="">');
    expect(question({ action: '//evil.example/x' })).toContain('<form method="post" action="">');
    expect(question({ action: '/s/a?b=1&c=2' })).toContain('action="/s/a?b=1&amp;c=2"');
  });
});

describe('renderFollowUpPage', () => {
  it('shows the score and a small form to change it, posting score to the same action', () => {
    const html = followUp();
    expect(html).toContain('<p>Ihre Bewertung: <strong>9</strong></p>');
    expect(html).toMatch(
      /<details><summary>Bewertung ändern<\/summary><form method="post" action="\/s\/tok123">/,
    );
    const buttons = scoreButtons(html);
    expect(buttons).toHaveLength(11);
    expect(buttons.filter((b) => b.attributes.includes('aria-current')).map((b) => b.value)).toEqual(['9']);
  });

  it('has a labelled comment box with maxlength, step=comment and a submit button', () => {
    const html = followUp();
    const commentForm =
      /<form method="post" action="\/s\/tok123"><input type="hidden" name="step" value="comment"><h1>.*?<\/form>/.exec(
        html,
      )?.[0];
    expect(commentForm).toBeDefined();
    expect(commentForm).toContain('<label for="comment">Was ist der Hauptgrund für Ihre Bewertung?</label>');
    expect(commentForm).toMatch(/<textarea id="comment" name="comment" maxlength="5000"/);
    expect(commentForm).toContain('<button type="submit" class="pr">Absenden</button>');
    expect(html).toContain('Überspringen');
    expect(html).toContain('name="skip" value="1"');
  });

  it('uses the generic label when the survey has no follow-up text', () => {
    expect(followUp({ survey: { ...germanSurvey, followUp: ' ' } })).toContain(
      '<label for="comment">Ihr Kommentar</label>',
    );
  });

  it('tells until when the comment can be changed, in the given time zone', () => {
    const html = followUp({ timeZone: 'Europe/Berlin' });
    expect(html).toContain('Sie können Ihren Kommentar bis <time datetime="2026-07-03T12:35:00.000Z">');
    expect(html).toMatch(/14:35/);
    expect(followUp({ locale: 'en' })).toMatch(
      /You can change your comment until <time[^>]*>[^<]*12:35[^<]*UTC<\/time>/,
    );
    expect(followUp({ timeZone: 'Not/AZone' })).toMatch(/12:35/);
  });

  it('prefills the existing comment, shows "saved", and offers no skip once a comment exists', () => {
    const html = followUp({ comment: '\nZeile 2 & mehr', saved: true });
    expect(html).toContain('>\n\nZeile 2 &amp; mehr</textarea>');
    expect(html).toContain('<p class="ok" role="status">Gespeichert</p>');
    expect(html).not.toContain('Überspringen');
  });

  it('shows an error with role=alert, linked to the textarea', () => {
    const html = followUp({ error: 'Ihr Kommentar ist zu lang.' });
    expect(html).toContain('<p id="comment-error" class="err" role="alert">Ihr Kommentar ist zu lang.</p>');
    expect(html).toMatch(/<textarea [^>]*aria-describedby="comment-error hint" aria-invalid="true">/);
    expect(bodyOf(followUp())).not.toContain('aria-invalid');
  });

  it('has no consent checkbox unless the survey asks it of this (promoter) score', () => {
    const html = followUp();
    expect(html).not.toContain('type="checkbox"');
    expect(html).not.toContain('consent_asked');
  });

  it('puts an unticked testimonial-consent checkbox with its label into the comment form', () => {
    const consentQuestion = 'Sie dürfen meinen Kommentar zu {product} zitieren & teilen.';
    const html = followUp({ survey: { ...germanSurvey, consentQuestion } });
    const commentForm =
      /<form method="post" action="\/s\/tok123"><input type="hidden" name="step" value="comment">.*?<\/form>/.exec(
        html,
      )?.[0];
    expect(commentForm).toContain('<input type="hidden" name="consent_asked" value="1">');
    expect(commentForm).toContain(
      '<input type="checkbox" id="consent" name="testimonial_consent" value="1">' +
        '<label for="consent">Sie dürfen meinen Kommentar zu Acme Shop zitieren &amp; teilen.</label>',
    );
    // Before the submit button, so it is sent with the comment; the skip form has none.
    expect(commentForm!.indexOf('type="checkbox"')).toBeLessThan(commentForm!.indexOf('class="pr"'));
    expect(html.match(/type="checkbox"/g)).toHaveLength(1);
    for (const consent of [undefined, null, false]) {
      expect(followUp({ survey: { ...germanSurvey, consentQuestion }, consent })).not.toMatch(/checked/);
    }
    expect(followUp({ survey: { ...germanSurvey, consentQuestion }, consent: true })).toContain(
      'name="testimonial_consent" value="1" checked>',
    );
  });

  it('escapes a hostile consent question', () => {
    const html = followUp({ survey: { ...germanSurvey, consentQuestion: XSS } });
    expect(html).toContain(`<label for="consent">${XSS_ESCAPED}</label>`);
    expect(html).not.toContain(XSS);
  });

  it('is in English for locale en', () => {
    const html = followUp({ survey: englishSurvey, locale: 'en' });
    expect(html).toContain('Your score: <strong>9</strong>');
    expect(html).toContain('Change score');
    expect(html).toContain('>Submit</button>');
    expect(html).toContain('>Skip</button>');
  });
});

describe('renderThanksPage', () => {
  it('shows the thank-you text, the score, the comment and an edit link', () => {
    const html = thanks({ comment: 'Zeile 1\nZeile 2' });
    expect(html).toContain('<h1>Vielen Dank für Ihr Feedback!</h1>');
    expect(html).toContain('<dt>Ihre Bewertung</dt><dd>9</dd>');
    expect(html).toContain('<dt>Ihr Kommentar</dt><dd class="cm">Zeile 1\nZeile 2</dd>');
    expect(html).toContain('<a href="/s/tok123/comment">Kommentar ändern</a>');
  });

  it('offers to add a comment when there is none, and no link once the window is closed', () => {
    expect(thanks({ comment: null })).toContain('>Kommentar hinzufügen</a>');
    expect(thanks({ comment: null })).not.toContain('<dt>Ihr Kommentar</dt>');
    expect(thanks({ editAction: null })).not.toContain('<a ');
    expect(thanks({ survey: englishSurvey, locale: 'en' })).toContain('>Change your comment</a>');
  });
});

describe('renderStatusPage', () => {
  it('has a calm title and explanation for every kind, in German and English, without role=alert', () => {
    for (const kind of STATUS_KINDS) {
      const de = renderStatusPage({ kind, locale: 'de' });
      const en = renderStatusPage({ kind, locale: 'en' });
      expect(de).toMatch(/<h1>[^<]+<\/h1><p>[^<]+<\/p>/);
      expect(de).not.toEqual(en);
      expect(de).not.toContain('role="alert"');
      expect(de).not.toMatch(/Error|stack|at \w+ \(/);
    }
    expect(renderStatusPage({ kind: 'expired', locale: 'de' })).toContain(
      '<h1>Dieser Link ist abgelaufen</h1>',
    );
    expect(renderStatusPage({ kind: 'expired', locale: 'en' })).toContain('<h1>This link has expired</h1>');
    expect(renderStatusPage({ kind: 'closed', locale: 'fr' })).toContain(
      '<h1><span lang="en">This survey is closed</span></h1>',
    );
  });

  it('maps each kind to an HTTP status', () => {
    expect(STATUS_KINDS.map(httpStatusFor)).toEqual([404, 410, 410, 409, 429, 400]);
  });
});

describe('colours', () => {
  it('computes WCAG luminance and contrast', () => {
    expect(relativeLuminance('#000000')).toBe(0);
    expect(relativeLuminance('#FFFFFF')).toBe(1);
    expect(contrastRatio('#ffffff', '#000000')).toBe(21);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(() => relativeLuminance('red')).toThrow(RangeError);
  });

  it('picks dark text on a light brand colour and white on a dark one', () => {
    expect(textColorOn('#ffd400')).toBe('#000000');
    expect(textColorOn('#a3e635')).toBe('#000000');
    expect(textColorOn('#1e3a8a')).toBe('#ffffff');
    expect(textColorOn('#b91c1c')).toBe('#ffffff');
  });

  it('reaches WCAG AA (4.5:1) for every possible brand colour', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffff }), (n) => {
        const color = `#${n.toString(16).padStart(6, '0')}`;
        return contrastRatio(color, textColorOn(color)) >= 4.5;
      }),
      { numRuns: 2000 },
    );
  });

  it('uses the brand colour with its text colour for the selected state', () => {
    const light = question({ survey: { ...germanSurvey, brandColor: '#FFD400' } });
    expect(cssVar(light, 'brand')).toBe('#ffd400');
    expect(cssVar(light, 'on-brand')).toBe('#000000');
    expect(light).toContain(
      '.sc button:hover,.sc button[aria-current]{background:var(--brand);color:var(--on-brand)',
    );
    expect(cssVar(question(), 'on-brand')).toBe('#ffffff');
  });

  it('replaces a brand colour that is not #rrggbb, so nothing can break out of the CSS', () => {
    const html = question({
      survey: { ...germanSurvey, brandColor: 'red}</style><script>alert(1)</script>' },
    });
    expect(cssVar(html, 'brand')).toBe(DEFAULT_BRAND_COLOR);
    expect(html).not.toContain('<script');
    expect(safeBrandColor(undefined)).toBe(DEFAULT_BRAND_COLOR);
    expect(safeBrandColor('#ABCDEF')).toBe('#abcdef');
  });

  it('keeps the page palette readable in light and dark mode', () => {
    const html = question({ survey: { ...germanSurvey, brandColor: '#ffd400' } });
    for (const dark of [false, true]) {
      const bg = cssVar(html, 'bg', dark);
      expect(contrastRatio(cssVar(html, 'fg', dark), bg)).toBeGreaterThanOrEqual(7);
      expect(contrastRatio(cssVar(html, 'muted', dark), bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(cssVar(html, 'err', dark), bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(cssVar(html, 'line', dark), bg)).toBeGreaterThanOrEqual(3);
      expect(contrastRatio(cssVar(html, 'accent', dark), bg)).toBeGreaterThanOrEqual(3);
    }
  });
});
