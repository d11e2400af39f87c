/**
 * The website widget as a page of its own, for the dashboard's preview (GET /api/v1/surveys/preview
 * ?view=widget|widget_follow_up): the card's markup and style sheet come from the widget itself
 * (src/widget/card.ts, what widget.js puts into its shadow root), so the preview cannot drift from
 * what visitors see. There is no shadow root here: the host's rule (`:host`) applies to the
 * <plaudit-widget> element around the card, on a neutral page background. Every text is escaped by
 * the widget's own `esc`.
 */
import { CSS, cardHtml, esc, followUpHtml } from '../../../widget/card';
import type { WidgetConfig } from '../../../widget/types';

/** The widget's style sheet as plain page CSS. */
export const WIDGET_PAGE_CSS = CSS.replace(':host{', 'plaudit-widget{');

/** The card's question step, or with `score` its follow-up step (consent checkbox for promoters). */
export function renderWidgetPreview(config: WidgetConfig, score?: number): string {
  const card = score === undefined ? cardHtml(config) : cardHtml(config, followUpHtml(config, score));
  return (
    `<!doctype html><html lang="${esc(config.locale)}"><head><meta charset="utf-8">` +
    '<meta name="viewport" content="width=device-width, initial-scale=1"><title>Widget</title>' +
    `<style>html{min-height:100%;background:#eef0f3}${WIDGET_PAGE_CSS}</style></head>` +
    `<body><plaudit-widget>${card}</plaudit-widget></body></html>`
  );
}
