import { followUp, hexColor, scoreName } from './labels';
import type { Open } from './plaudit';

// Every colour comes from the server (core/widget-settings.ts widgetPalette, WCAG 2.2 AA checked there)
// as custom properties on the card: --text, --background, --muted, --line, --brand, --on_brand.
const CSS =
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
  `button:focus-visible,textarea:focus-visible,input:focus-visible{outline:2px solid var(--text);outline-offset:2px}` +
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

const esc = (s: unknown): string => String(s ?? '').replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`);

/**
 * The survey card in an open shadow root: its styles cannot leak out, and `:host{all:initial}` plus an
 * explicit font keep the page's styles out. Open rather than closed: a closed root protects nothing from
 * scripts of the same page (they could wrap attachShadow), while an open one lets browser tests and
 * assistive tooling reach the controls.
 */
export const openView: Open = (c, focus, session, closed) => {
  const d = document;
  const host = d.createElement('plaudit-widget');
  const root = host.attachShadow({ mode: 'open' });
  let style = '';
  for (const [k, v] of Object.entries(c.widget?.colors ?? {}))
    if (/^\w+$/.test(k) && hexColor(v)) style += `--${k}:${v};`;
  let scores = '';
  for (let i = 0; i < 11; i++) {
    const name = scoreName(i, c.low_label, c.high_label);
    scores += `<button tabindex=${i ? -1 : 0}${name === String(i) ? '' : ` aria-label="${esc(name)}"`}>${i}</button>`;
  }
  root.innerHTML =
    `<style>${CSS}</style><div class="c ${({ 'bottom-left': 'L', center: 'C' } as Record<string, string>)[c.widget?.position ?? ''] ?? ''}" role=dialog aria-labelledby=q style="${style}">` +
    `<button class=x aria-label="${esc(c.close_label)}">×</button><div class=m><p id=q>${esc(c.question)}</p>` +
    `<div class=s role=group aria-labelledby=q>${scores}</div>` +
    `<div class=l aria-hidden=true><span>${esc(c.low_label)}</span><span>${esc(c.high_label)}</span></div></div>` +
    `<p class=t role=status></p></div>`;
  const $ = <T extends Element>(s: string) => root.querySelector(s) as T;
  const main = $<HTMLElement>('.m');
  const close$ = $<HTMLButtonElement>('.x');
  const buttons = Array.from(root.querySelectorAll<HTMLButtonElement>('.s button'));
  // Where focus goes back to on close: the element focused before focus entered the widget.
  let back = d.activeElement as HTMLElement | null;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const close = (): void => {
    d.removeEventListener('keydown', onKey);
    clearTimeout(timer);
    const inside = d.activeElement === host;
    host.remove();
    if (inside) back?.focus();
    closed();
  };
  // Esc anywhere closes (so the card never hides the page's focused control); never preventDefault.
  const onKey = (e: KeyboardEvent): void => {
    if (e.key === 'Escape' && !e.defaultPrevented) close();
  };
  const thanks = (): void => {
    main.remove();
    $('.t').textContent = c.thank_you;
    close$.focus();
    timer = setTimeout(close, 6000);
  };
  const choose = (score: number): void => {
    session.score(score);
    // Promoters of a survey that asks it may tick consent to quote them (an active opt-in, unticked).
    const consent = score > 8 && c.testimonial_consent;
    main.innerHTML =
      `<label for=t>${esc(followUp(c, score))}</label>` +
      `<textarea id=t maxlength=5000 placeholder="${esc(c.comment_placeholder)}"></textarea>` +
      (consent ? `<label class=o><input type=checkbox>${esc(consent)}</label>` : '') +
      `<div class=a><button class=k>${esc(c.close_label)}</button><button class=p>${esc(c.send_label)}</button></div>`;
    const text = $<HTMLTextAreaElement>('textarea');
    text.focus();
    $('.k').addEventListener('click', close);
    $('.p').addEventListener('click', () => {
      session.comment(text.value.trim(), consent ? $<HTMLInputElement>('input').checked : undefined);
      thanks();
    });
  };

  buttons.forEach((b, i) => {
    b.addEventListener('click', () => choose(i));
    // Roving tabindex: Tab enters and leaves the scale at one button, the arrow keys move between scores.
    b.addEventListener('keydown', (e) => {
      const k = e.key;
      const to =
        k === 'Home' ? 0 : k === 'End' ? 10 : /Right|Down/.test(k) ? i + 1 : /Left|Up/.test(k) ? i - 1 : -1;
      const next = buttons[to];
      if (!next) return;
      e.preventDefault();
      b.tabIndex = -1;
      next.tabIndex = 0;
      next.focus();
    });
  });
  close$.addEventListener('click', close);
  host.addEventListener('focusin', (e) => {
    const from = e.relatedTarget as HTMLElement | null;
    if (from && from !== host) back = from;
  });
  d.addEventListener('keydown', onKey);
  (d.body ?? d.documentElement).append(host);
  if (focus) buttons[0]!.focus();
};
