import type { Scalar, WidgetConfig, WidgetUser } from './types';

/** Accessible name of a score button: the end points carry their labels ("10 – extremely likely"). */
export const scoreName = (score: number, low: string, high: string): string =>
  score === 0 ? `0 – ${low}` : score === 10 ? `10 – ${high}` : String(score);

/** The follow-up question for the score's category: promoters 9-10, passives 7-8, detractors 0-6. */
export const followUp = (c: WidgetConfig, score: number): string =>
  score > 8 ? c.follow_up_promoter : score > 6 ? c.follow_up_passive : c.follow_up_detractor;

/** The question with `{product}` filled in, in case the server left it. */
export const question = (c: WidgetConfig): string => c.question.replace(/\{product\}/g, c.product_name ?? '');

/** data-locale as given, else the browser's language without region ("de-AT" → "de"). */
export const pickLocale = (attr: string | null | undefined, nav: string | undefined): string =>
  attr || (nav || 'en').split('-')[0]!.toLowerCase();

/** `#rgb` or `#rrggbb`, else null: nothing else is put into the style sheet. */
export const hexColor = (c: unknown): string | null =>
  typeof c === 'string' && /^#([\da-f]{3}){1,2}$/i.test(c) ? c : null;

const luminance = (hex: string): number => {
  const h = hex.length === 4 ? hex.replace(/\w/g, '$&$&') : hex;
  const [r, g, b] = [1, 3, 5].map((i) => {
    const v = Number.parseInt(h.slice(i, i + 2), 16) / 255;
    return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};

/** WCAG contrast ratio of two colours. */
export const contrast = (a: string, b: string): number => {
  const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
};

/** Black or white text, whichever contrasts more with the brand colour (always at least 4.58:1). */
export const textOn = (bg: string): string => (contrast(bg, '#000') > contrast(bg, '#fff') ? '#000' : '#fff');

/** plaudit('identify', id, { email, name, locale, ...traits }) → the contract's `user` (flat scalar traits only). */
export const toUser = (id: unknown, props: unknown): WidgetUser | undefined => {
  if ((typeof id !== 'string' && typeof id !== 'number') || id === '') return undefined;
  const user: WidgetUser = { id: String(id).slice(0, 200) };
  const traits: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(props && typeof props === 'object' ? props : {})) {
    if (k === 'email' || k === 'name' || k === 'locale') {
      if (typeof v === 'string') user[k] = v;
    } else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') traits[k] = v;
  }
  if (Object.keys(traits).length) user.traits = traits;
  return user;
};
