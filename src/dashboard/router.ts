/**
 * A small router over the History API: the page is the path below /app/, the filters are the
 * query string, so every view can be bookmarked and shared. No dependency: the dashboard needs
 * path matching and query state, nothing more.
 */
import { useEffect, useState } from 'preact/hooks';

export const BASE = '/app';

export interface Location {
  /** The path below /app, always starting with "/" ("/", "/responses", "/join/abc"). */
  path: string;
  query: URLSearchParams;
}

const listeners = new Set<() => void>();

function current(): Location {
  const raw = window.location.pathname.startsWith(BASE) ? window.location.pathname.slice(BASE.length) : '/';
  return { path: raw === '' ? '/' : raw, query: new URLSearchParams(window.location.search) };
}

/** Goes to a path below /app (with its query string, if any). */
export function navigate(to: string, options: { replace?: boolean } = {}): void {
  const url = `${BASE}${to.startsWith('/') ? to : `/${to}`}`;
  if (options.replace) history.replaceState(null, '', url);
  else history.pushState(null, '', url);
  for (const listener of listeners) listener();
}

/** Changes query parameters of the current page (undefined or '' removes one). */
export function setQuery(
  changes: Record<string, string | undefined>,
  options: { replace?: boolean } = {},
): void {
  const { path, query } = current();
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined || value === '') query.delete(key);
    else query.set(key, value);
  }
  const qs = query.toString();
  navigate(`${path}${qs ? `?${qs}` : ''}`, options);
}

export function useLocation(): Location {
  const [location, setLocation] = useState(current);
  useEffect(() => {
    const update = () => setLocation(current());
    listeners.add(update);
    window.addEventListener('popstate', update);
    return () => {
      listeners.delete(update);
      window.removeEventListener('popstate', update);
    };
  }, []);
  return location;
}

/** Same-page links without a reload (a real <a href>, so open-in-new-tab works). */
export function onLinkClick(event: MouseEvent, to: string): void {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey)
    return;
  event.preventDefault();
  navigate(to);
}
