import type { Trigger } from './types';

/** A URL-path pattern with `*` for any run of characters, e.g. "/checkout/*". */
export const matchesPath = (pattern: string, path: string): boolean =>
  new RegExp(
    `^${pattern
      .split('*')
      .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
      .join('.*')}$`,
  ).test(path);

/**
 * Resolves `delayMs` after the first of the triggers fires (at once without triggers): a page view
 * whose path matches, a tracked event (its name is registered in `events`), seconds on the page, or
 * scrolling past a share of the page.
 */
export const armed = (triggers: Trigger[], events: Map<string, () => void>, delayMs: number): Promise<void> =>
  new Promise((resolve) => {
    let done = false;
    const fire = (): void => {
      if (!done) setTimeout(resolve, delayMs);
      done = true;
    };
    if (!triggers.length) fire();
    for (const t of triggers) {
      if (t.kind === 'page_view' && matchesPath(t.url_pattern, location.pathname)) fire();
      else if (t.kind === 'event') events.set(t.name, fire);
      else if (t.kind === 'seconds_on_page') setTimeout(fire, t.seconds * 1000);
      else if (t.kind === 'scroll_depth') {
        const onScroll = (): void => {
          const e = document.documentElement;
          if ((scrollY + innerHeight) * 100 >= e.scrollHeight * t.percent) fire();
        };
        addEventListener('scroll', onScroll, { passive: true });
      }
    }
  });
