// The card's markup and style sheet as pure functions of the config (no DOM): openView (view.ts) puts
// them into the shadow root, and the dashboard's preview (GET /api/v1/surveys/preview?view=widget)
// renders the very same markup, so the two cannot drift apart.
import { followUp, hexColor, scoreName } from './labels';
import type { WidgetConfig } from './types';

// Every colour comes from the server (core/widget-settings.ts widgetPalette, WCAG 2.2 AA checked there)
// as custom properties on the card: --text, --background, --muted, --line, --brand, --on_brand.
export const CSS =
  `:host{all:initial!important}` +
  `*{box-sizing:border-box;margin:0;font:inherit;color:inherit}` +
  `.c{position:fixed;z-index:2147483000;right:16px;bottom:16px;width:calc(100vw - 32px);max-width:380px;` +
  `padding:16px 12px 12px;background:var(--background,#fff);color:var(--text);text-align:left;` +
  `font:15px/1.4 system-ui,sans-serif;` +
  `border:1px solid var(--line);border-radius:12px;box-shadow:0 6px 24px #0003}` +
  `p,label{display:block;margin:0 32px 12px 0;font-weight:600}` +
  `.t:empty{margin:0}` +
  `button{cursor:pointer;min-width:24px;min-height:32px;padding:4px 14px;border:1px solid var(--line);` +
  `border-radius:6px;background:var(--background)}` +
  `button:hover,button:active{background:var(--brand);border-color:var(--brand);color:var(--on_brand)}` +
  `:focus-visible{outline:2px solid var(--text);outline-offset:2px}` +
  `.s{display:flex;gap:2px}` +
  `.s button{flex:1 1 0;height:40px;padding:0}` +
  `.l{display:flex;justify-content:space-between;margin-top:6px;font-size:13px;color:var(--muted)}` +
  `.x{position:absolute;top:6px;right:6px;width:32px;padding:0;border-color:transparent;font-size:20px;line-height:1}` +
  `textarea{display:block;width:100%;min-height:72px;padding:8px;border:1px solid var(--line);border-radius:6px;` +
  `background:var(--background);resize:vertical}` +
  `.o{display:flex;gap:8px;margin:10px 0 0;font-weight:400}input{width:20px;height:20px;flex:none}` +
  `.a{display:flex;justify-content:flex-end;gap:8px;margin-top:10px}` +
  `.p{background:var(--text);border-color:var(--text);color:var(--background)}` +
  `.L{left:16px;right:auto}.C{right:auto;left:50%;bottom:50%;transform:translate(-50%,50%)}` +
  `@media(max-width:480px){.c{left:0;right:0;bottom:0;transform:none;width:auto;max-width:none;max-height:50vh;overflow:auto;` +
  `border-width:1px 0 0;border-radius:12px 12px 0 0;padding-bottom:calc(12px + env(safe-area-inset-bottom))}}`;

/** Text for HTML content and quoted attribute values. */
export const esc = (s: unknown): string =>
  String(s ?? '').replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The card: close button and `main`, by default the question step (see questionHtml), then the status
 * line; the colours as custom properties, the position as a class.
 */
export const cardHtml = (c: WidgetConfig, main = questionHtml(c)): string => {
  let style = '';
  for (const [k, v] of Object.entries(c.widget?.colors ?? {}))
    if (/^\w+$/.test(k) && hexColor(v)) style += `--${k}:${v};`;
  return (
    `<div class="c ${({ 'bottom-left': 'L', center: 'C' } as Record<string, string>)[c.widget?.position ?? ''] ?? ''}" role=dialog aria-labelledby=q style="${style}">` +
    `<button class=x aria-label="${esc(c.close_label)}">×</button><div class=m>${main}</div><p class=t role=status></p></div>`
  );
};

/** The question step: the question, the eleven scores (roving tabindex, end points named by their labels), end labels. */
export const questionHtml = (c: WidgetConfig): string => {
  let scores = '';
  // Only the end points have a name of their own (scoreName: "0 – not at all likely").
  for (let i = 0; i < 11; i++)
    scores += `<button tabindex=${i ? -1 : 0}${i % 10 ? '' : ` aria-label="${esc(scoreName(i, c.low_label, c.high_label))}"`}>${i}</button>`;
  return (
    `<p id=q>${esc(c.question)}</p><div class=s role=group aria-labelledby=q>${scores}</div>` +
    `<div class=l aria-hidden=true><span>${esc(c.low_label)}</span><span>${esc(c.high_label)}</span></div>`
  );
};

/**
 * The follow-up step that replaces the scores (the contents of `.m`): the question for the score's
 * category, the comment field, and for promoters of a survey that asks it the consent checkbox (an
 * active opt-in, unticked).
 */
export const followUpHtml = (c: WidgetConfig, score: number): string =>
  `<label for=t>${esc(followUp(c, score))}</label>` +
  `<textarea id=t maxlength=5000 placeholder="${esc(c.comment_placeholder)}"></textarea>` +
  (score > 8 && c.testimonial_consent
    ? `<label class=o><input type=checkbox>${esc(c.testimonial_consent)}</label>`
    : '') +
  `<div class=a><button class=k>${esc(c.close_label)}</button><button class=p>${esc(c.send_label)}</button></div>`;
