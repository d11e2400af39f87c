// The testimonial widget's entry (bundled by scripts/build-widget.js into dist/widget/testimonials.js,
// an IIFE of at most 3 KB gzip). One script tag:
//   <script async src="https://plaudit.example/testimonials.js" data-key="pk_…" data-layout="carousel"></script>
// It fetches the published testimonials of the key's workspace, renders them into the first
// `[data-plaudit-testimonials]` element of the page (else right after the script) and adds ONE
// `<script type="application/ld+json">` with their schema.org markup to the document's head.
import { labelsFor } from './labels';
import type { Answer } from './types';
import { render } from './view';

const d = document;
const me =
  (d.currentScript as HTMLScriptElement | null) ??
  Array.from(d.scripts)
    .filter((s) => /\/testimonials\.js([?#]|$)/.test(s.src))
    .pop();

if (me?.src) {
  const data = me.dataset;
  const lang = data.locale || navigator.language || 'en';
  const q = new URLSearchParams({ key: data.key || '', locale: lang });
  if (data.limit) q.set('limit', data.limit);
  fetch(`${new URL(me.src).origin}/t/v1/testimonials?${q}`)
    .then((r) => (r.ok ? r.json() : null))
    .then((a: Answer | null) => {
      if (!a || a.testimonials.length === 0) return;
      let host = d.querySelector<HTMLElement>('[data-plaudit-testimonials]');
      if (!host || host.shadowRoot) {
        host = d.createElement('div');
        me.after(host);
      }
      render(host, a, data.layout === 'carousel', labelsFor(lang), lang);
      if (!d.querySelector('script[data-plaudit-ld]')) {
        const ld = d.createElement('script');
        ld.type = 'application/ld+json';
        ld.setAttribute('data-plaudit-ld', '');
        // `<` escaped: the markup stays inert even where the DOM is serialised back to HTML.
        ld.textContent = JSON.stringify(a.json_ld).replace(/</g, '\\u003c');
        d.head.appendChild(ld);
      }
    })
    .catch(() => {});
}
