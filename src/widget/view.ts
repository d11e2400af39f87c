import { CSS, cardHtml, followUpHtml } from './card';
import type { Open } from './plaudit';

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
  root.innerHTML = `<style>${CSS}</style>${cardHtml(c)}`;
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
    main.innerHTML = followUpHtml(c, score);
    const text = $<HTMLTextAreaElement>('textarea');
    text.focus();
    $('.k').addEventListener('click', close);
    $('.p').addEventListener('click', () => {
      // The consent checkbox is there only for promoters of a survey that asks it.
      session.comment(text.value.trim(), ($('input') as HTMLInputElement | null)?.checked);
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
