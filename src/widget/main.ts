// The widget's entry (bundled by scripts/build-widget.js into dist/widget/widget.js, an IIFE).
// It reads its own <script> tag, sends answers left over from earlier page views, then replaces the
// snippet's stub window.plaudit and replays the queued calls.
import { createApi } from './api';
import { pickLocale } from './labels';
import { createPlaudit, install } from './plaudit';
import { createStore } from './store';
import { openView } from './view';

const d = document;
const me =
  (d.currentScript as HTMLScriptElement | null) ??
  Array.from(d.scripts)
    .filter((s) => /\/widget\.js([?#]|$)/.test(s.src))
    .pop();
const w = window as { plaudit?: { show?: unknown } };
// Loaded twice (two snippets): the first copy runs, the second does nothing.
if (me?.src && !w.plaudit?.show) {
  const data = me.dataset;
  const store = createStore(() => localStorage);
  const api = createApi((url, init) => fetch(url, init), new URL(me.src).origin, data.key ?? '', store);
  api.flush();
  const plaudit = createPlaudit({
    key: data.key,
    locale: pickLocale(data.locale, navigator.language),
    store,
    api,
    open: openView,
    url: () => location.origin + location.pathname,
  });
  if (install(w, plaudit) && data.survey) {
    const survey = data.survey;
    setTimeout(() => plaudit.show(survey, false), (Number(data.delay) || 0) * 1000);
  }
}
