/**
 * The words of the website widget around the survey's own texts (question, follow-ups, thanks):
 * sent by `POST /w/v1/surveys/config` so widget.js carries no strings of its own. To add a
 * language, add an entry; anything it lacks is taken from English.
 */
export interface WidgetLabels {
  /** Under 0 on the scale. */
  low_label: string;
  /** Under 10 on the scale. */
  high_label: string;
  /** The accessible name of the close button. */
  close_label: string;
  /** The button that sends the comment. */
  send_label: string;
  comment_placeholder: string;
}

const en: WidgetLabels = {
  low_label: 'Not at all likely',
  high_label: 'Extremely likely',
  close_label: 'Close',
  send_label: 'Send',
  comment_placeholder: 'Your comment (optional)',
};

const de: WidgetLabels = {
  low_label: 'Überhaupt nicht wahrscheinlich',
  high_label: 'Äußerst wahrscheinlich',
  close_label: 'Schließen',
  send_label: 'Senden',
  comment_placeholder: 'Ihr Kommentar (optional)',
};

/** The built-in catalogue by lower-case language. English must stay complete. */
export const widgetLabelCatalog: Readonly<Record<string, Partial<WidgetLabels>>> = Object.freeze({ en, de });

/** The labels for `locale`: exact tag, else its language (`de-AT` → `de`), else English. */
export function widgetLabelsFor(locale: string): WidgetLabels {
  const tag = locale.trim().replace(/_/g, '-').toLowerCase();
  const language = tag.split('-')[0] ?? '';
  const entry = Object.hasOwn(widgetLabelCatalog, tag)
    ? widgetLabelCatalog[tag]
    : Object.hasOwn(widgetLabelCatalog, language)
      ? widgetLabelCatalog[language]
      : undefined;
  return { ...en, ...entry };
}
