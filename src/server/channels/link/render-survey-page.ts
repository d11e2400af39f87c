/**
 * The hosted survey page (`/s/<token>`) as plain HTML strings: pure functions, no I/O, no clock.
 *
 * The pages work without JavaScript (plain `<form method="post">`, no `<script>` at all), on a
 * 375px phone, with a keyboard and a screen reader. They are served under a CSP of
 * `default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'`, so all
 * CSS is inline in one `<style>` and nothing is loaded from elsewhere.
 *
 * Every untrusted string (survey texts, product name, comments, error texts, URLs) goes through
 * `escapeHtml`; the brand colour is only used after checking it is `#rrggbb`, because it is
 * written into CSS where escaping would not help.
 */
import { escapeHtml } from '../../http/escape-html';
import {
  catalogEntryFor,
  MESSAGES_FALLBACK_LOCALE,
  messagesFor,
  type StatusKind,
  type SurveyPageMessages,
} from './survey-page-messages';

export type { StatusKind } from './survey-page-messages';

export interface PageSurvey {
  name: string;
  productName: string;
  /** `#rrggbb`; anything else is replaced by {@link DEFAULT_BRAND_COLOR}. */
  brandColor: string;
  /** May contain `{product}` (or `{Produkt}`), replaced by the product name. */
  question: string;
  followUp: string;
  thankYou: string;
  /**
   * The testimonial-consent question, set only when the survey asks it and the score is a
   * promoter's: the follow-up form then has an (unticked unless consented before) checkbox.
   */
  consentQuestion?: string;
}

export interface PageContext {
  survey: PageSurvey;
  locale: string;
  /** Where the forms post to. */
  action: string;
}

/** Longest comment the page accepts (the `maxlength` of the text box). */
export const COMMENT_MAX_LENGTH = 5000;
export const DEFAULT_BRAND_COLOR = '#2563eb';
/** Names of the testimonial-consent checkbox and of the hidden field saying the form showed it. */
export const CONSENT_FIELD = 'testimonial_consent';
export const CONSENT_SHOWN_FIELD = 'consent_asked';

const LIGHT_BG = '#ffffff';
const LIGHT_FG = '#1f2328';
const DARK_BG = '#14171b';
const DARK_FG = '#e8eaed';
const RTL_LANGUAGES = new Set(['ar', 'dv', 'fa', 'he', 'ku', 'ps', 'sd', 'ug', 'ur', 'yi']);
const HEX_COLOR = /^#[0-9a-f]{6}$/i;

// ---------------------------------------------------------------------------------------------
// Colour

/**
 * WCAG 2 relative luminance of a `#rrggbb` colour, from 0 (black) to 1 (white).
 *
 * @example relativeLuminance('#ffffff') // 1
 */
export function relativeLuminance(hex: string): number {
  if (!HEX_COLOR.test(hex)) throw new RangeError(`not a #rrggbb colour: ${hex}`);
  const value = Number.parseInt(hex.slice(1), 16);
  const [r, g, b] = [(value >> 16) & 255, (value >> 8) & 255, value & 255].map((channel) => {
    const c = channel / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * WCAG 2 contrast ratio of two `#rrggbb` colours, from 1 to 21.
 *
 * @example contrastRatio('#000000', '#ffffff') // 21
 */
export function contrastRatio(a: string, b: string): number {
  const la = relativeLuminance(a);
  const lb = relativeLuminance(b);
  return (Math.max(la, lb) + 0.05) / (Math.min(la, lb) + 0.05);
}

/**
 * The text colour for a background: white or black, whichever contrasts more. For every `#rrggbb`
 * the better of the two reaches at least 4.58:1, so text on the brand colour always meets WCAG AA.
 *
 * @example textColorOn('#ffd400') // '#000000'
 * @example textColorOn('#1e3a8a') // '#ffffff'
 */
export function textColorOn(background: string): '#ffffff' | '#000000' {
  return contrastRatio(background, '#ffffff') >= contrastRatio(background, '#000000') ? '#ffffff' : '#000000';
}

/** The brand colour if it is a valid `#rrggbb`, else the default (it is written into CSS). */
export function safeBrandColor(color: string | null | undefined): string {
  return color && HEX_COLOR.test(color) ? color.toLowerCase() : DEFAULT_BRAND_COLOR;
}

/** Brand colour where it stands out from the page (≥ 3:1, WCAG 1.4.11), else the text colour. */
function accentOn(pageBackground: string, brand: string, text: string): string {
  return contrastRatio(brand, pageBackground) >= 3 ? brand : text;
}

// ---------------------------------------------------------------------------------------------
// Text helpers

type TextKey = Exclude<keyof SurveyPageMessages, 'status'>;

/** UI strings of one locale, escaped, with English fallbacks marked `lang="en"` in element content. */
interface Ui {
  m: SurveyPageMessages;
  /** For element content: escaped, `{name}` replaced by the given (already safe) HTML. */
  html(key: TextKey, vars?: Record<string, string>): string;
  /** For attributes and `<title>`: escaped, `{name}` replaced by the given (already safe) text. */
  attr(key: TextKey, vars?: Record<string, string>): string;
  statusHtml(kind: StatusKind, part: 'title' | 'text'): string;
  /** The locale a string is really in (English where it fell back), e.g. to format a date in it. */
  localeOf(key: TextKey): string;
}

function uiFor(locale: string): Ui {
  const m = messagesFor(locale);
  const entry = catalogEntryFor(locale);
  const ownLanguage = languageOf(locale) === MESSAGES_FALLBACK_LOCALE;
  const mark = (text: string, fellBack: boolean) =>
    fellBack && !ownLanguage ? `<span lang="${MESSAGES_FALLBACK_LOCALE}">${text}</span>` : text;
  return {
    m,
    html: (key, vars) => mark(fill(m[key], vars), entry?.[key] === undefined),
    attr: (key, vars) => fill(m[key], vars),
    statusHtml: (kind, part) => mark(escapeHtml(m.status[kind][part]), entry?.status?.[kind] === undefined),
    localeOf: (key) => (entry?.[key] === undefined ? MESSAGES_FALLBACK_LOCALE : locale),
  };
}

/** Escapes a template and puts pre-escaped values into its `{name}` holes. */
function fill(template: string, vars: Record<string, string> = {}): string {
  return template
    .split(/(\{\w+\})/)
    .map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name !== undefined && Object.hasOwn(vars, name) ? (vars[name] ?? '') : escapeHtml(part);
    })
    .join('');
}

/** A survey text, escaped, with `{product}` / `{Produkt}` replaced by the escaped product name. */
export function surveyText(text: string, productName: string): string {
  return text
    .split(/\{(?:product|produkt)\}/i)
    .map(escapeHtml)
    .join(escapeHtml(productName));
}

function languageOf(locale: string): string {
  return (locale.trim().toLowerCase().split(/[-_]/)[0] ?? '').trim();
}

/** A well-formed BCP 47-ish tag for `lang`, or English. */
function langAttribute(locale: string): string {
  const tag = locale.trim().replace(/_/g, '-');
  return /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : MESSAGES_FALLBACK_LOCALE;
}

/** Only same-site paths and http(s) URLs end up in `action` / `href`. */
function safeUrl(url: string): string {
  const trimmed = url.trim();
  return /^(?:\/(?!\/)|\?|https?:\/\/)/i.test(trimmed) ? escapeHtml(trimmed) : '';
}

function formatTime(date: Date, locale: string, timeZone: string | undefined): string {
  const options: Intl.DateTimeFormatOptions = {
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(langAttribute(locale), { ...options, timeZone: timeZone ?? 'UTC' }).format(
      date,
    );
  } catch {
    return new Intl.DateTimeFormat('en', { ...options, timeZone: 'UTC' }).format(date);
  }
}

// ---------------------------------------------------------------------------------------------
// Layout

function css(brand: string): string {
  const onBrand = textColorOn(brand);
  return (
    `:root{color-scheme:light dark;--bg:${LIGHT_BG};--fg:${LIGHT_FG};--muted:#57606a;--line:#8c959f;--field:#fff;` +
    `--brand:${brand};--on-brand:${onBrand};--accent:${accentOn(LIGHT_BG, brand, LIGHT_FG)};--err:#b42318}` +
    `@media (prefers-color-scheme:dark){:root{--bg:${DARK_BG};--fg:${DARK_FG};--muted:#a8b0b8;--line:#6e7781;` +
    `--field:#1d2228;--accent:${accentOn(DARK_BG, brand, DARK_FG)};--err:#ff8a80}}` +
    '*{box-sizing:border-box}' +
    'body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;' +
    '-webkit-text-size-adjust:100%;border-top:6px solid var(--brand)}' +
    'main{max-width:40rem;margin:0 auto;padding:1.5rem .75rem 3rem}' +
    '@media (min-width:30rem){main{padding:2.5rem 1rem 3rem}}' +
    '.brand{margin:0 0 1.25rem;font-weight:600;color:var(--muted)}' +
    'h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem}' +
    'fieldset{border:0;margin:0;padding:0;min-width:0}legend{padding:0;max-width:100%}' +
    '.sc{display:grid;grid-template-columns:repeat(6,minmax(2.75rem,1fr));gap:.375rem;margin:0}' +
    '@media (min-width:40rem){.sc{grid-template-columns:repeat(11,1fr)}}' +
    'button,summary,textarea{font:inherit}' +
    'button{cursor:pointer;min-height:2.75rem;border-radius:.5rem}' +
    '.sc button{min-height:3rem;padding:0;font-size:1.125rem;font-weight:600;background:var(--field);color:var(--fg);' +
    'border:2px solid var(--line)}' +
    '.sc button:hover,.sc button[aria-current]{background:var(--brand);color:var(--on-brand);border-color:var(--accent)}' +
    '.an{display:flex;flex-wrap:wrap;justify-content:space-between;gap:.25rem 1rem;margin:.5rem 0 0;' +
    'font-size:.875rem;color:var(--muted)}' +
    '.pr{background:var(--brand);color:var(--on-brand);border:2px solid var(--accent);padding:.5rem 1.5rem;font-weight:600}' +
    '.ln{background:none;border:0;padding:.5rem 0;color:var(--fg);text-decoration:underline}' +
    ':focus-visible{outline:3px solid var(--accent);outline-offset:2px}' +
    'textarea{display:block;width:100%;min-height:8rem;padding:.5rem;margin:0 0 1rem;background:var(--field);' +
    'color:var(--fg);border:2px solid var(--line);border-radius:.5rem;resize:vertical}' +
    'textarea[aria-invalid=true]{border-color:var(--err)}' +
    '.cb{display:flex;align-items:flex-start;gap:.625rem;margin:0 0 1rem}' +
    '.cb input{flex:none;width:1.375rem;height:1.375rem;margin:.125rem 0 0;accent-color:var(--accent)}' +
    '.cb label{cursor:pointer}' +
    '.hint{color:var(--muted);margin:0 0 .5rem}' +
    '.err{color:var(--err);font-weight:600;margin:0 0 1rem}' +
    '.ok{font-weight:600;margin:0 0 1rem}' +
    'details{margin:0 0 1.5rem}summary{cursor:pointer;text-decoration:underline;padding:.625rem 0;width:max-content}' +
    'details .sc{margin-top:.5rem}legend.sm{font-weight:600;margin:0 0 .5rem}' +
    'dl{margin:0 0 1.5rem}dt{font-weight:600}dd{margin:0 0 1rem}' +
    '.cm{white-space:pre-wrap;overflow-wrap:anywhere}' +
    'a{color:var(--fg);display:inline-block;padding:.625rem 0}' +
    '@media (forced-colors:active){.sc button[aria-current]{outline:3px solid Highlight}}'
  );
}

function documentHtml(input: { locale: string; title: string; brandColor: string; body: string }): string {
  const lang = langAttribute(input.locale);
  const dir = RTL_LANGUAGES.has(languageOf(lang)) ? 'rtl' : 'ltr';
  return (
    `<!doctype html><html lang="${escapeHtml(lang)}" dir="${dir}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex,nofollow">' +
    '<meta name="referrer" content="same-origin"><link rel="icon" href="data:,">' +
    `<title>${input.title}</title><style>${css(input.brandColor)}</style></head>` +
    `<body><main>${input.body}</main></body></html>`
  );
}

function brandLine(productName: string): string {
  return productName.trim() === '' ? '' : `<p class="brand">${escapeHtml(productName)}</p>`;
}

/** The 11 score buttons plus the visible anchors; `legend` is the group's name. */
function scaleFieldset(
  ui: Ui,
  legend: string,
  selected: number | null | undefined,
  describedBy?: string,
): string {
  const buttons: string[] = [];
  for (let score = 0; score <= 10; score++) {
    const anchor = score === 0 ? ui.attr('lowAnchor') : score === 10 ? ui.attr('highAnchor') : '';
    const label = anchor === '' ? '' : ` aria-label="${score} – ${anchor}"`;
    const current = score === selected ? ' aria-current="true"' : '';
    buttons.push(`<button type="submit" name="score" value="${score}"${label}${current}>${score}</button>`);
  }
  const described = describedBy ? ` aria-describedby="${describedBy}"` : '';
  return (
    `<fieldset${described}>${legend}<div class="sc">${buttons.join('')}</div>` +
    `<p class="an" aria-hidden="true"><span>${ui.html('notLikely')}</span><span>${ui.html('extremelyLikely')}</span></p>` +
    '</fieldset>'
  );
}

function errorParagraph(id: string, error: string | undefined): string {
  return error ? `<p id="${id}" class="err" role="alert">${escapeHtml(error)}</p>` : '';
}

function pageTitle(ui: Ui, survey: PageSurvey, error: string | undefined): string {
  const title = ui.attr('pageTitle', { product: escapeHtml(survey.productName) });
  return error ? ui.attr('errorTitlePrefix') + title : title;
}

// ---------------------------------------------------------------------------------------------
// Pages

/**
 * Step 1: the 0–10 question. One form, eleven submit buttons named `score`; `selected` marks a
 * score given before (e.g. when the page is shown again), `error` is shown with `role="alert"`.
 */
export function renderQuestionPage(ctx: PageContext & { error?: string; selected?: number | null }): string {
  const { survey } = ctx;
  const ui = uiFor(ctx.locale);
  const brand = safeBrandColor(survey.brandColor);
  const legend = `<legend><h1>${surveyText(survey.question, survey.productName)}</h1></legend>`;
  const body =
    brandLine(survey.productName) +
    errorParagraph('error', ctx.error) +
    `<form method="post" action="${safeUrl(ctx.action)}">` +
    scaleFieldset(ui, legend, ctx.selected, ctx.error ? 'error' : undefined) +
    '</form>';
  return documentHtml({
    locale: ctx.locale,
    title: pageTitle(ui, survey, ctx.error),
    brandColor: brand,
    body,
  });
}

/**
 * Step 2: the score is recorded; ask the follow-up question. Shows the score with a way to change
 * it (a `<details>` holding the scale form, posting `score` again to `action`), and a form posting
 * `step=comment` and `comment`. While no comment exists, a separate "skip" form posts an empty
 * comment with `skip=1`. `timeZone` (IANA, optional, default UTC) formats the edit deadline.
 *
 * With `survey.consentQuestion` the comment form also has the testimonial-consent checkbox (posted
 * with the comment, `consent_asked=1` saying it was shown). It is ticked only if `consent` is true
 * (the respondent ticked it before): consent is an active opt-in, never a default.
 */
export function renderFollowUpPage(
  ctx: PageContext & {
    score: number;
    comment: string | null;
    editableUntil: Date;
    saved?: boolean;
    error?: string;
    timeZone?: string;
    /** The testimonial consent given before (or just posted with a comment that came back). */
    consent?: boolean | null;
  },
): string {
  const { survey } = ctx;
  const ui = uiFor(ctx.locale);
  const brand = safeBrandColor(survey.brandColor);
  const action = safeUrl(ctx.action);
  const score = escapeHtml(String(ctx.score));
  const followUp =
    survey.followUp.trim() === '' ? ui.html('commentLabel') : surveyText(survey.followUp, survey.productName);
  const time =
    `<time datetime="${escapeHtml(ctx.editableUntil.toISOString())}">` +
    `${escapeHtml(formatTime(ctx.editableUntil, ui.localeOf('editUntil'), ctx.timeZone))}</time>`;
  const comment = ctx.comment ?? '';
  // The HTML parser drops one newline right after <textarea>; add one so a leading newline survives.
  const textareaValue = (/^[\r\n]/.test(comment) ? '\n' : '') + escapeHtml(comment);
  const describedBy = ctx.error ? 'comment-error hint' : 'hint';
  const changeScore =
    `<details><summary>${ui.html('changeScore')}</summary><form method="post" action="${action}">` +
    scaleFieldset(
      ui,
      `<legend class="sm">${surveyText(survey.question, survey.productName)}</legend>`,
      ctx.score,
    ) +
    '</form></details>';
  const skip =
    ctx.comment === null
      ? `<form method="post" action="${action}"><input type="hidden" name="step" value="comment">` +
        `<input type="hidden" name="comment" value=""><button type="submit" class="ln" name="skip" value="1">` +
        `${ui.html('skip')}</button></form>`
      : '';
  const consent =
    survey.consentQuestion === undefined
      ? ''
      : `<input type="hidden" name="${CONSENT_SHOWN_FIELD}" value="1"><p class="cb">` +
        `<input type="checkbox" id="consent" name="${CONSENT_FIELD}" value="1"${ctx.consent === true ? ' checked' : ''}>` +
        `<label for="consent">${surveyText(survey.consentQuestion, survey.productName)}</label></p>`;
  const body =
    brandLine(survey.productName) +
    `<p>${ui.html('yourScore', { score: `<strong>${score}</strong>` })}</p>` +
    changeScore +
    (ctx.saved ? `<p class="ok" role="status">${ui.html('saved')}</p>` : '') +
    errorParagraph('comment-error', ctx.error) +
    `<form method="post" action="${action}"><input type="hidden" name="step" value="comment">` +
    `<h1><label for="comment">${followUp}</label></h1>` +
    `<p id="hint" class="hint">${ui.html('optional')} ${ui.html('commentHint', { max: String(COMMENT_MAX_LENGTH) })} ` +
    `${ui.html('editUntil', { time })}</p>` +
    `<textarea id="comment" name="comment" maxlength="${COMMENT_MAX_LENGTH}" rows="5" aria-describedby="${describedBy}"` +
    `${ctx.error ? ' aria-invalid="true"' : ''}>${textareaValue}</textarea>` +
    consent +
    `<button type="submit" class="pr">${ui.html('submit')}</button></form>` +
    skip;
  return documentHtml({
    locale: ctx.locale,
    title: pageTitle(ui, survey, ctx.error),
    brandColor: brand,
    body,
  });
}

/**
 * Step 3: thank you. Shows the score and comment; while the edit window is open (`editAction`
 * set) a link lets the respondent change (or add) the comment.
 */
export function renderThanksPage(ctx: {
  survey: PageSurvey;
  locale: string;
  score: number;
  comment: string | null;
  editAction: string | null;
}): string {
  const { survey } = ctx;
  const ui = uiFor(ctx.locale);
  const brand = safeBrandColor(survey.brandColor);
  const hasComment = ctx.comment !== null && ctx.comment.trim() !== '';
  const href = ctx.editAction === null ? '' : safeUrl(ctx.editAction);
  const thankYou =
    survey.thankYou.trim() === '' ? ui.html('thanksTitle') : surveyText(survey.thankYou, survey.productName);
  const body =
    brandLine(survey.productName) +
    `<h1>${thankYou}</h1>` +
    `<dl><dt>${ui.html('yourScoreLabel')}</dt><dd>${escapeHtml(String(ctx.score))}</dd>` +
    (hasComment
      ? `<dt>${ui.html('yourCommentLabel')}</dt><dd class="cm">${escapeHtml(ctx.comment ?? '')}</dd>`
      : '') +
    '</dl>' +
    (href === ''
      ? ''
      : `<p><a href="${href}">${ui.html(hasComment ? 'changeComment' : 'addComment')}</a></p>`);
  return documentHtml({
    locale: ctx.locale,
    title:
      ui.attr('thanksTitle') +
      (survey.productName.trim() === '' ? '' : ` – ${escapeHtml(survey.productName)}`),
    brandColor: brand,
    body,
  });
}

/**
 * A calm page for when the survey cannot be shown: a title and an explanation in the locale, plus
 * an optional `detail` (plain text). Never includes error internals.
 */
export function renderStatusPage(input: {
  kind: StatusKind;
  locale: string;
  brandColor?: string;
  detail?: string;
}): string {
  const ui = uiFor(input.locale);
  const body =
    `<h1>${ui.statusHtml(input.kind, 'title')}</h1><p>${ui.statusHtml(input.kind, 'text')}</p>` +
    (input.detail ? `<p>${escapeHtml(input.detail)}</p>` : '');
  return documentHtml({
    locale: input.locale,
    title: escapeHtml(ui.m.status[input.kind].title),
    brandColor: safeBrandColor(input.brandColor),
    body,
  });
}

/** The HTTP status that goes with each status page. */
export function httpStatusFor(kind: StatusKind): 400 | 404 | 409 | 410 | 429 {
  switch (kind) {
    case 'not-found':
      return 404;
    case 'expired':
    case 'closed':
      return 410;
    case 'edit-window-over':
      return 409;
    case 'rate-limited':
      return 429;
    case 'bad-request':
      return 400;
  }
}
