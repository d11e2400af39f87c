import type { Labels } from './labels';
import type { Answer, Testimonial } from './types';

/**
 * Renders the testimonials into an open shadow root on `host`: a responsive wall (a grid of cards)
 * or an accessible carousel (previous/next buttons, the current card in a polite live region, no
 * autoplay). Every text of the answer is set with textContent only: comments are untrusted, and
 * markup in them stays inert text.
 */
const CSS =
  ':host{all:initial;display:block;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2328}' +
  'ul{list-style:none;margin:0;padding:0;display:grid;gap:16px;grid-template-columns:repeat(auto-fill,minmax(min(100%,260px),1fr))}' +
  'figure{margin:0;padding:16px;border:1px solid #d0d7de;border-radius:8px;background:#fff;height:100%;box-sizing:border-box}' +
  'blockquote{margin:0 0 8px;white-space:pre-wrap;overflow-wrap:anywhere}' +
  'blockquote:before{content:"\\201C"}blockquote:after{content:"\\201D"}' +
  'figcaption{font-weight:600}.r,time,p{color:#57606a;font-weight:400}time{display:block;font-size:13px}' +
  '.b{display:flex;align-items:center;gap:8px;margin-top:8px}' +
  'button{font:inherit;min-width:44px;min-height:44px;border:1px solid #8c959f;border-radius:8px;background:#fff;color:inherit;cursor:pointer}' +
  ':focus-visible{outline:3px solid #0b57d0;outline-offset:2px}p{font-size:13px;margin:8px 0 0}';

const d = document;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  parent: Node,
  text?: string,
  cls?: string,
): HTMLElementTagNameMap[K] {
  const e = d.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  parent.appendChild(e);
  return e;
}

const fill = (s: string, v: Record<string, string | number>) =>
  s.replace(/\{(\w)\}/g, (_, k) => String(v[k]));

function card(t: Testimonial, parent: Node, lang: string): void {
  const f = el('figure', parent);
  el('blockquote', f, t.quote);
  const c = el('figcaption', f, t.display_name);
  el('span', c, ` · ${t.score}/10`, 'r');
  const time = el('time', c, new Date(`${t.date}T12:00:00Z`).toLocaleDateString(lang));
  time.dateTime = t.date;
}

export function render(host: HTMLElement, a: Answer, carousel: boolean, l: Labels, lang: string): void {
  const root = host.attachShadow({ mode: 'open' });
  el('style', root, CSS);
  const s = el('section', root);
  s.setAttribute('aria-label', l.title);
  const list = a.testimonials;
  const n = list.length;
  if (carousel) {
    s.setAttribute('aria-roledescription', 'carousel');
    const view = el('div', s);
    view.setAttribute('aria-live', 'polite');
    const bar = el('div', s, undefined, 'b');
    const prev = el('button', bar, '\u2039');
    const pos = el('span', bar);
    const next = el('button', bar, '\u203A');
    prev.type = next.type = 'button';
    prev.setAttribute('aria-label', l.prev);
    next.setAttribute('aria-label', l.next);
    let i = 0;
    const show = (to: number): void => {
      i = (to + n) % n;
      view.textContent = '';
      const slide = el('div', view);
      slide.setAttribute('role', 'group');
      slide.setAttribute('aria-roledescription', 'slide');
      pos.textContent = fill(l.slide, { i: i + 1, n });
      slide.setAttribute('aria-label', pos.textContent);
      card(list[i]!, slide, lang);
    };
    prev.onclick = () => show(i - 1);
    next.onclick = () => show(i + 1);
    show(0);
  } else {
    const ul = el('ul', s);
    for (const t of list) card(t, el('li', ul), lang);
  }
  const g = a.aggregate;
  if (g.rating !== null && g.count > 0)
    el('p', s, fill(l.avg, { r: g.rating.toLocaleString(lang), n: g.count.toLocaleString(lang) }));
}
