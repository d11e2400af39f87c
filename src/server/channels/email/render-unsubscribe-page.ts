/**
 * The unsubscribe page (`/u/<token>`) as plain HTML strings: pure functions, no I/O. The same look
 * and rules as the hosted survey page: no JavaScript (a plain `<form method="post">`), phone-sized,
 * one inline `<style>` (the CSP allows nothing else), every untrusted string escaped, the brand
 * colour used only when it is `#rrggbb` and with black or white text, whichever contrasts more.
 */
import { escapeHtml } from '../../http/escape-html';
import { contrastRatio, safeBrandColor, textColorOn } from '../link/render-survey-page';
import { emailMessagesFor } from './email-messages';

export type UnsubscribePageState = 'confirm' | 'done' | 'not-found';

export interface UnsubscribePageInput {
  state: UnsubscribePageState;
  locale: string;
  productName?: string;
  brandColor?: string;
  /** Where the form posts to (`confirm` only): a same-site path. */
  action?: string;
}

const LIGHT_BG = '#ffffff';
const LIGHT_FG = '#1f2328';
const DARK_BG = '#14171b';
const DARK_FG = '#e8eaed';

function css(brand: string): string {
  const onBrand = textColorOn(brand);
  const accent = (bg: string, fg: string) => (contrastRatio(brand, bg) >= 3 ? brand : fg);
  return (
    `:root{color-scheme:light dark;--bg:${LIGHT_BG};--fg:${LIGHT_FG};--muted:#57606a;--brand:${brand};` +
    `--on-brand:${onBrand};--accent:${accent(LIGHT_BG, LIGHT_FG)}}` +
    `@media (prefers-color-scheme:dark){:root{--bg:${DARK_BG};--fg:${DARK_FG};--muted:#a8b0b8;` +
    `--accent:${accent(DARK_BG, DARK_FG)}}}` +
    '*{box-sizing:border-box}' +
    'body{margin:0;background:var(--bg);color:var(--fg);font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;' +
    '-webkit-text-size-adjust:100%;border-top:6px solid var(--brand)}' +
    'main{max-width:40rem;margin:0 auto;padding:1.5rem .75rem 3rem}' +
    '@media (min-width:30rem){main{padding:2.5rem 1rem 3rem}}' +
    '.brand{margin:0 0 1.25rem;font-weight:600;color:var(--muted)}' +
    'h1{font-size:1.375rem;line-height:1.3;margin:0 0 1rem}' +
    'button{font:inherit;cursor:pointer;min-height:2.75rem;border-radius:.5rem;background:var(--brand);' +
    'color:var(--on-brand);border:2px solid var(--accent);padding:.5rem 1.5rem;font-weight:600}' +
    ':focus-visible{outline:3px solid var(--accent);outline-offset:2px}'
  );
}

/** Only same-site paths end up in `action`. */
function safePath(path: string | undefined): string {
  return path !== undefined && /^\/(?!\/)/.test(path) ? escapeHtml(path) : '';
}

function langAttribute(locale: string): string {
  const tag = locale.trim().replace(/_/g, '-');
  return /^[A-Za-z]{2,8}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : 'en';
}

/**
 * The unsubscribe page: `confirm` asks (one button; a GET never unsubscribes, because link
 * scanners open every link), `done` confirms, `not-found` explains an unknown link.
 */
export function renderUnsubscribePage(input: UnsubscribePageInput): string {
  const m = emailMessagesFor(input.locale);
  const product = (input.productName ?? '').trim();
  let title: string;
  let body: string;
  switch (input.state) {
    case 'confirm':
      title = m.unsubscribeTitle.split('{product}').map(escapeHtml).join(escapeHtml(product));
      body =
        `<h1>${title}</h1><p>${escapeHtml(m.unsubscribeQuestion)}</p>` +
        `<form method="post" action="${safePath(input.action)}">` +
        '<input type="hidden" name="source" value="page">' +
        `<button type="submit">${escapeHtml(m.unsubscribeButton)}</button></form>`;
      break;
    case 'done':
      title = escapeHtml(m.unsubscribedTitle);
      body = `<h1 role="status">${title}</h1><p>${escapeHtml(m.unsubscribedText)}</p>`;
      break;
    case 'not-found':
      title = escapeHtml(m.unsubscribeNotFoundTitle);
      body = `<h1>${title}</h1><p>${escapeHtml(m.unsubscribeNotFoundText)}</p>`;
      break;
  }
  const brandLine = product === '' ? '' : `<p class="brand">${escapeHtml(product)}</p>`;
  return (
    `<!doctype html><html lang="${escapeHtml(langAttribute(input.locale))}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="color-scheme" content="light dark"><meta name="robots" content="noindex,nofollow">' +
    '<meta name="referrer" content="same-origin"><link rel="icon" href="data:,">' +
    `<title>${title}</title><style>${css(safeBrandColor(input.brandColor))}</style></head>` +
    `<body><main>${brandLine}${body}</main></body></html>`
  );
}
