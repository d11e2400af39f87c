/**
 * The page of the withdrawal link (`/t/withdraw/<token>`) as a plain HTML string: pure, no I/O. Like
 * the unsubscribe page: no JavaScript (a plain `<form method="post">`), phone-sized, one inline
 * `<style>`, every untrusted string (the quote, the names) escaped.
 */
import { escapeHtml } from '../../http/escape-html';

export type WithdrawPageState = 'confirm' | 'done' | 'not-found';

export interface WithdrawPageInput {
  state: WithdrawPageState;
  locale: string;
  workspaceName?: string;
  quote?: string | null;
  displayName?: string | null;
  /** Where the form posts to (`confirm` only): a same-site path. */
  action?: string;
}

const TEXTS = {
  en: {
    confirmTitle: 'Your testimonial',
    confirmText: (ws: string) =>
      `With your consent, ${ws} shows these words of yours on its website. You can withdraw your consent; the testimonial then disappears at once.`,
    shownAs: 'Shown as',
    button: 'Withdraw my consent',
    doneTitle: 'Consent withdrawn',
    doneText: (ws: string) =>
      `${ws} no longer shows your testimonial. Thank you for your feedback all the same.`,
    notFoundTitle: 'This link is not valid',
    notFoundText: 'The link is unknown. Please use the link from the email exactly as it was sent.',
  },
  de: {
    confirmTitle: 'Ihre Kundenstimme',
    confirmText: (ws: string) =>
      `Mit Ihrer Einwilligung zeigt ${ws} diese Worte von Ihnen auf der eigenen Website. Sie können Ihre Einwilligung widerrufen; die Kundenstimme verschwindet dann sofort.`,
    shownAs: 'Angezeigt als',
    button: 'Einwilligung widerrufen',
    doneTitle: 'Einwilligung widerrufen',
    doneText: (ws: string) =>
      `${ws} zeigt Ihre Kundenstimme nicht mehr. Danke trotzdem für Ihre Rückmeldung.`,
    notFoundTitle: 'Dieser Link ist ungültig',
    notFoundText:
      'Der Link ist unbekannt. Bitte verwenden Sie den Link aus der E-Mail genau so, wie er gesendet wurde.',
  },
};

export const WITHDRAW_PAGE_LOCALES = Object.keys(TEXTS);

const CSS =
  ':root{color-scheme:light dark;--bg:#fff;--fg:#1f2328;--muted:#57606a;--brand:#0b57d0}' +
  '@media (prefers-color-scheme:dark){:root{--bg:#14171b;--fg:#e8eaed;--muted:#a8b0b8;--brand:#8ab4f8}}' +
  '*{box-sizing:border-box}body{margin:0;background:var(--bg);color:var(--fg);' +
  'font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;border-top:6px solid var(--brand)}' +
  'main{max-width:40rem;margin:0 auto;padding:1.5rem .75rem 3rem}h1{font-size:1.375rem;margin:0 0 1rem}' +
  '.brand{margin:0 0 1.25rem;font-weight:600;color:var(--muted)}' +
  'blockquote{margin:0 0 .5rem;padding:.5rem 1rem;border-left:4px solid var(--brand);white-space:pre-wrap;overflow-wrap:anywhere}' +
  'button{font:inherit;cursor:pointer;min-height:2.75rem;border-radius:.5rem;background:var(--brand);color:var(--bg);' +
  'border:0;padding:.5rem 1.5rem;font-weight:600}:focus-visible{outline:3px solid var(--brand);outline-offset:2px}';

const textsFor = (locale: string) => (locale.toLowerCase().startsWith('de') ? TEXTS.de : TEXTS.en);

export function renderWithdrawPage(input: WithdrawPageInput): string {
  const t = textsFor(input.locale);
  const ws = input.workspaceName ?? '';
  let title: string;
  let body: string;
  switch (input.state) {
    case 'confirm': {
      title = t.confirmTitle;
      const action = input.action && /^\/(?!\/)/.test(input.action) ? escapeHtml(input.action) : '';
      body =
        `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(t.confirmText(ws))}</p>` +
        `<blockquote>${escapeHtml(input.quote ?? '')}</blockquote>` +
        `<p>${escapeHtml(t.shownAs)}: ${escapeHtml(input.displayName ?? '')}</p>` +
        `<form method="post" action="${action}"><button type="submit">${escapeHtml(t.button)}</button></form>`;
      break;
    }
    case 'done':
      title = t.doneTitle;
      body = `<h1 role="status">${escapeHtml(title)}</h1><p>${escapeHtml(t.doneText(ws))}</p>`;
      break;
    case 'not-found':
      title = t.notFoundTitle;
      body = `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(t.notFoundText)}</p>`;
      break;
  }
  const lang = input.locale.toLowerCase().startsWith('de') ? 'de' : 'en';
  const brand = ws === '' ? '' : `<p class="brand">${escapeHtml(ws)}</p>`;
  return (
    `<!doctype html><html lang="${lang}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width,initial-scale=1">' +
    '<meta name="robots" content="noindex,nofollow"><meta name="referrer" content="no-referrer">' +
    `<link rel="icon" href="data:,"><title>${escapeHtml(title)}</title><style>${CSS}</style></head>` +
    `<body><main>${brand}${body}</main></body></html>`
  );
}
