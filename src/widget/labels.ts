import type { Scalar, WidgetConfig, WidgetUser } from './types';

/** Accessible name of a score button: the end points carry their labels ("10 – extremely likely"). */
export const scoreName = (score: number, low: string, high: string): string =>
  score === 0 ? `0 – ${low}` : score === 10 ? `10 – ${high}` : String(score);

/** The follow-up question for the score's category: promoters 9-10, passives 7-8, detractors 0-6. */
export const followUp = (c: WidgetConfig, score: number): string =>
  score > 8 ? c.follow_up_promoter : score > 6 ? c.follow_up_passive : c.follow_up_detractor;

/** data-locale as given, else the browser's language without region ("de-AT" → "de"). */
export const pickLocale = (attr: string | null | undefined, nav: string | undefined): string =>
  attr || (nav || 'en').split('-')[0]!.toLowerCase();

/** `#rgb` or `#rrggbb`, else null: nothing else is put into the style sheet. */
export const hexColor = (c: unknown): string | null =>
  typeof c === 'string' && /^#([\da-f]{3}){1,2}$/i.test(c) ? c : null;

/** The flat scalar entries of an object (what traits and event properties may hold). */
export const scalars = (props: unknown): Record<string, Scalar> => {
  const out: Record<string, Scalar> = {};
  for (const [k, v] of Object.entries(props && typeof props === 'object' ? props : {}))
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[k] = v;
  return out;
};

/** plaudit('identify', id, { email, name, locale, ...traits }) → the contract's `user` (flat scalar traits only). */
export const toUser = (id: unknown, props: unknown): WidgetUser | undefined => {
  if ((typeof id !== 'string' && typeof id !== 'number') || id === '') return undefined;
  const user: WidgetUser = { id: String(id).slice(0, 200) };
  const traits = scalars(props);
  for (const k of ['email', 'name', 'locale'] as const) {
    if (typeof traits[k] === 'string') user[k] = traits[k];
    delete traits[k];
  }
  if (Object.keys(traits).length) user.traits = traits;
  return user;
};
