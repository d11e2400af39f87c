/**
 * The survey email as subject, HTML and plain text: a pure function, no I/O, no clock.
 *
 * The HTML is the conservative kind mail clients agree on: `role="presentation"` tables, inline
 * styles on every element that matters (Gmail drops `<style>` in some views, Outlook on Windows
 * renders with Word), a 600px column, and a `<style>` block only for enhancements: the eleven
 * buttons wrap into two rows on a phone and the colours follow a dark mode where the client
 * supports `prefers-color-scheme`. Without those enhancements the email still reads well: the
 * buttons sit in one row of eleven cells.
 *
 * Each button is a link to the hosted page with `?score=N`: one click records the answer (the page
 * never overwrites an existing answer, because mail scanners open every link).
 *
 * Every untrusted string (survey question, product and contact names) is escaped; URLs must be
 * absolute http(s) (a `javascript:` link must never reach an inbox); the brand colour is used only
 * when it is `#rrggbb`, with black or white text, whichever contrasts more.
 */
import { escapeHtml } from '../../http/escape-html';
import { contrastRatio, safeBrandColor, surveyText, textColorOn } from '../link/render-survey-page';
import { type EmailMessages, emailMessagesFor } from './email-messages';

export interface EmailSurvey {
  productName: string;
  /** May contain `{product}` (or `{Produkt}`), replaced by the product name. */
  question: string;
  /** `#rrggbb`; anything else is replaced by the default brand colour. */
  brandColor: string;
  /** An absolute http(s) URL of the logo (shown at most 200×48); anything else is left out. */
  logoUrl?: string | null;
}

export interface SurveyEmailInput {
  survey: EmailSurvey;
  /** The contact's language, e.g. `de` or `en-GB`; strings it lacks are English. */
  locale: string;
  contactName?: string | null;
  /** The invitation's hosted page, `https://…/s/<token>`; each button adds `?score=N`. */
  pageUrl: string;
  /** The one-click unsubscribe page, `https://…/u/<token>`. */
  unsubscribeUrl: string;
  reminder: boolean;
  /**
   * A case's "you told us, we did" message (a recovery survey, routes/cases.ts): it replaces the
   * intro line, and the subject says so. Untrusted text: escaped, line breaks kept.
   */
  followUpMessage?: string | null;
  /**
   * The open-tracking pixel, `https://…/o/<token>.gif`, when the workspace tracks opens: a 1×1
   * image at the end of the HTML part (never in the plain text). Absent or null: no pixel at all.
   */
  openPixelUrl?: string | null;
}

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
}

const PAGE_BG = '#f3f4f6';
const CARD_BG = '#ffffff';
const TEXT = '#1f2328';
const MUTED = '#57606a';
const DARK_PAGE_BG = '#0d1117';
const DARK_CARD_BG = '#161b22';
const DARK_TEXT = '#e6edf3';
const DARK_MUTED = '#9da7b3';
const FONT = "-apple-system,BlinkMacSystemFont,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";

/**
 * Renders the survey email of one invitation.
 *
 * @throws RangeError when `pageUrl`, `unsubscribeUrl` or `openPixelUrl` is not an absolute http(s)
 *   URL: an email whose buttons or unsubscribe link do not work must not be sent.
 * @example renderSurveyEmail({ survey, locale: 'de', pageUrl: 'https://nps.example.com/s/abc', unsubscribeUrl: 'https://nps.example.com/u/abc', reminder: false }).subject
 *   // 'Wie wahrscheinlich würden Sie Taskwerk weiterempfehlen?'
 */
export function renderSurveyEmail(input: SurveyEmailInput): RenderedEmail {
  const m = emailMessagesFor(input.locale);
  const pageUrl = httpUrl(input.pageUrl, 'pageUrl');
  const unsubscribeUrl = httpUrl(input.unsubscribeUrl, 'unsubscribeUrl').toString();
  const openPixelUrl = input.openPixelUrl ? httpUrl(input.openPixelUrl, 'openPixelUrl').toString() : null;
  const product = oneLine(input.survey.productName);
  const name = oneLine(input.contactName ?? '');
  const scoreUrls = Array.from({ length: 11 }, (_, score) => scoreUrl(pageUrl, score));
  const subject = fill(
    input.followUpMessage ? m.followUpSubject : input.reminder ? m.reminderSubject : m.subject,
    { product },
  );
  return {
    subject,
    html: renderHtml({ ...input, m, product, name, scoreUrls, unsubscribeUrl, subject, openPixelUrl }),
    text: renderText({ ...input, m, product, name, scoreUrls, unsubscribeUrl }),
  };
}

/** The page URL with `score=N` set (other query parameters, e.g. `lang`, are kept). */
function scoreUrl(pageUrl: URL, score: number): string {
  const url = new URL(pageUrl);
  url.searchParams.set('score', String(score));
  return url.toString();
}

function httpUrl(value: string, what: string): URL {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw new RangeError(`${what} is not a URL: ${value}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new RangeError(`${what} must be an http(s) URL: ${value}`);
  }
  return url;
}

/** The logo URL when it is an absolute http(s) URL, else undefined (the product name shows instead). */
function logoUrlOf(value: string | null | undefined): string | undefined {
  if (!value) return undefined;
  try {
    return httpUrl(value, 'logoUrl').toString();
  } catch {
    return undefined;
  }
}

/** Control characters and line breaks become one space: names go into a subject line and a greeting. */
function oneLine(value: string): string {
  return value.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ').trim();
}

/** Replaces `{name}` holes with plain-text values (no escaping: for the subject and text part). */
function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/\{(\w+)\}/g, (hole, key: string) =>
    Object.hasOwn(vars, key) ? vars[key]! : hole,
  );
}

/** Escapes a template and puts escaped values into its holes (for HTML). */
function fillHtml(template: string, vars: Record<string, string> = {}): string {
  return template
    .split(/(\{\w+\})/)
    .map((part) => {
      const key = /^\{(\w+)\}$/.exec(part)?.[1];
      return key !== undefined && Object.hasOwn(vars, key) ? escapeHtml(vars[key]!) : escapeHtml(part);
    })
    .join('');
}

/** A well-formed BCP 47-ish tag for `lang`, or English. */
function langAttribute(locale: string): string {
  const tag = locale.trim().replace(/_/g, '-');
  return /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : 'en';
}

function greetingOf(m: EmailMessages, name: string): string {
  return name === '' ? m.greeting : fill(m.greetingNamed, { name });
}

/** The plain-text part: greeting, question, the eleven links, why, and how to unsubscribe. */
function renderText(input: {
  survey: EmailSurvey;
  m: EmailMessages;
  product: string;
  name: string;
  scoreUrls: string[];
  unsubscribeUrl: string;
  reminder: boolean;
  followUpMessage?: string | null;
}): string {
  const { m, product } = input;
  const question = oneLine(input.survey.question.replace(/\{(?:product|produkt)\}/gi, () => product));
  const links = input.scoreUrls.map((url, score) => {
    const anchor = score === 0 ? ` (${m.lowAnchor})` : score === 10 ? ` (${m.highAnchor})` : '';
    return `${score}${anchor}: ${url}`;
  });
  return [
    greetingOf(m, input.name),
    input.followUpMessage ?? (input.reminder ? m.reminderIntro : m.intro),
    '',
    question,
    '',
    m.textLinksIntro,
    ...links,
    '',
    '-- ',
    fill(m.reason, { product }),
    `${m.textUnsubscribe}: ${input.unsubscribeUrl}`,
    '',
  ].join('\n');
}

function renderHtml(input: {
  survey: EmailSurvey;
  locale: string;
  m: EmailMessages;
  product: string;
  name: string;
  scoreUrls: string[];
  unsubscribeUrl: string;
  subject: string;
  reminder: boolean;
  followUpMessage?: string | null;
  openPixelUrl: string | null;
}): string {
  const { m, product } = input;
  const brand = safeBrandColor(input.survey.brandColor);
  const onBrand = textColorOn(brand);
  // A thin brand line needs ≥ 3:1 against the card to be seen (WCAG 1.4.11); else use the text colour.
  const accent = contrastRatio(brand, CARD_BG) >= 3 ? brand : TEXT;
  const lang = escapeHtml(langAttribute(input.locale));
  const logoUrl = logoUrlOf(input.survey.logoUrl);
  const header = logoUrl
    ? `<img src="${escapeHtml(logoUrl)}" alt="${escapeHtml(product)}" height="48" style="display:block;height:48px;max-width:200px;width:auto;border:0;outline:none;text-decoration:none;">`
    : product === ''
      ? ''
      : `<p class="mu" style="margin:0;font:600 15px/22px ${FONT};color:${MUTED};">${escapeHtml(product)}</p>`;
  const buttons = input.scoreUrls
    .map((url, score) => {
      const anchor = score === 0 ? m.lowAnchor : score === 10 ? m.highAnchor : '';
      const label =
        anchor === '' ? '' : ` aria-label="${score} – ${escapeHtml(anchor)}" title="${escapeHtml(anchor)}"`;
      return (
        `<td class="sb" width="9%" align="center" style="padding:3px;">` +
        `<a href="${escapeHtml(url)}"${label} target="_blank" style="display:block;min-width:28px;padding:12px 0;` +
        `background-color:${brand};border:1px solid ${brand};border-radius:6px;color:${onBrand};` +
        `font:700 17px/20px ${FONT};text-align:center;text-decoration:none;mso-padding-alt:12px 0;">` +
        `<span style="color:${onBrand};">${score}</span></a></td>`
      );
    })
    .join('');
  const preheader =
    escapeHtml(m.preheader) +
    // Padding so clients do not pull body text into the preview after the preheader.
    '&#8199;&#65279;&#847;'.repeat(40);

  const css =
    ':root{color-scheme:light dark;supported-color-schemes:light dark}' +
    'body{margin:0;padding:0;width:100%!important;-webkit-text-size-adjust:100%;-ms-text-size-adjust:100%}' +
    'table{border-collapse:collapse}img{-ms-interpolation-mode:bicubic}' +
    'a.ul{color:inherit}' +
    '@media only screen and (max-width:480px){' +
    '.pad{padding:20px 16px!important}' +
    '.sb{display:inline-block!important;width:15%!important;box-sizing:border-box}' +
    '.sr{text-align:center!important}' +
    '}' +
    '@media (prefers-color-scheme:dark){' +
    `.pg{background-color:${DARK_PAGE_BG}!important}` +
    `.cd{background-color:${DARK_CARD_BG}!important}` +
    `.tx,.tx p,.tx h1{color:${DARK_TEXT}!important}` +
    `.mu,.mu a{color:${DARK_MUTED}!important}` +
    '}';

  return (
    `<!doctype html><html lang="${lang}" xmlns="http://www.w3.org/1999/xhtml"><head>` +
    '<meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta http-equiv="X-UA-Compatible" content="IE=edge"><meta name="x-apple-disable-message-reformatting">' +
    '<meta name="color-scheme" content="light dark"><meta name="supported-color-schemes" content="light dark">' +
    `<title>${escapeHtml(input.subject)}</title><style>${css}</style></head>` +
    `<body class="pg" style="margin:0;padding:0;background-color:${PAGE_BG};">` +
    `<div style="display:none;font-size:1px;line-height:1px;max-height:0;max-width:0;opacity:0;overflow:hidden;mso-hide:all;">${preheader}</div>` +
    `<table role="presentation" class="pg" width="100%" cellpadding="0" cellspacing="0" border="0" style="background-color:${PAGE_BG};">` +
    '<tr><td align="center" style="padding:24px 8px;">' +
    // Outlook on Windows ignores max-width: a fixed 600px table around the card holds it there.
    '<!--[if mso]><table role="presentation" width="600" cellpadding="0" cellspacing="0" border="0"><tr><td><![endif]-->' +
    `<table role="presentation" class="cd" width="100%" cellpadding="0" cellspacing="0" border="0" style="max-width:600px;width:100%;background-color:${CARD_BG};border-top:6px solid ${accent};border-radius:8px;">` +
    `<tr><td class="pad tx" style="padding:28px 32px;font:16px/24px ${FONT};color:${TEXT};text-align:left;">` +
    (header === '' ? '' : `<div style="margin:0 0 20px;">${header}</div>`) +
    `<p style="margin:0 0 8px;font:16px/24px ${FONT};color:${TEXT};">${escapeHtml(greetingOf(m, input.name))}</p>` +
    `<p style="margin:0 0 20px;font:16px/24px ${FONT};color:${TEXT};">${input.followUpMessage ? escapeHtml(input.followUpMessage).replace(/\n/g, '<br>') : escapeHtml(input.reminder ? m.reminderIntro : m.intro)}</p>` +
    `<h1 style="margin:0 0 20px;font:700 21px/28px ${FONT};color:${TEXT};">${surveyText(input.survey.question, product)}</h1>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr><td class="sr" style="font-size:0;text-align:left;">` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0"><tr>${buttons}</tr></table>` +
    '</td></tr></table>' +
    `<table role="presentation" class="mu" width="100%" cellpadding="0" cellspacing="0" border="0" style="margin:8px 0 0;"><tr>` +
    `<td align="left" valign="top" style="padding:0 4px 0 3px;font:13px/18px ${FONT};color:${MUTED};">${escapeHtml(m.notLikely)}</td>` +
    `<td align="right" valign="top" style="padding:0 3px 0 4px;font:13px/18px ${FONT};color:${MUTED};text-align:right;">${escapeHtml(m.extremelyLikely)}</td>` +
    '</tr></table>' +
    `<p class="mu" style="margin:20px 0 0;font:14px/20px ${FONT};color:${MUTED};">${escapeHtml(m.clickHint)}</p>` +
    '</td></tr>' +
    `<tr><td class="pad mu" style="padding:16px 32px 24px;border-top:1px solid #d0d7de;font:13px/19px ${FONT};color:${MUTED};">` +
    `<p style="margin:0 0 6px;">${fillHtml(m.reason, { product })}</p>` +
    `<p style="margin:0;"><a class="ul" href="${escapeHtml(input.unsubscribeUrl)}" target="_blank" style="color:${MUTED};text-decoration:underline;">${escapeHtml(m.unsubscribe)}</a></p>` +
    '</td></tr></table>' +
    '<!--[if mso]></td></tr></table><![endif]-->' +
    '</td></tr></table>' +
    // The open-tracking pixel, last: a transparent 1×1 GIF that takes no room (workspace track_opens).
    (input.openPixelUrl === null
      ? ''
      : `<img src="${escapeHtml(input.openPixelUrl)}" alt="" width="1" height="1" border="0" style="display:block;width:1px;height:1px;border:0;margin:0;padding:0;outline:none;text-decoration:none;">`) +
    '</body></html>'
  );
}
