/**
 * Crawlers and link previews that run a page's scripts must not leave answers. The widget
 * endpoints answer them 202 `{"dropped":true}` and write nothing. A short, deliberate list:
 * `curl` and `HeadlessChrome` are not dropped (scripts and our own browser tests use them).
 */
const CRAWLER = /bot|crawler|spider|slurp|facebookexternalhit|preview/i;

/** True for no User-Agent at all, or one naming a crawler. */
export function isBotUserAgent(userAgent: string | null | undefined): boolean {
  if (userAgent === null || userAgent === undefined || userAgent.trim() === '') return true;
  return CRAWLER.test(userAgent);
}
