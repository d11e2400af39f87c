import type { Api } from './api';
import { uuid } from './ids';
import { scalars, toUser } from './labels';
import type { Store } from './store';
import { armed } from './triggers';
import type { ResponseBody, WidgetConfig, WidgetUser } from './types';

/** What the view reports: the score at once, later maybe a comment (same response id). */
export interface Session {
  score(score: number): void;
  /** `consent`: the testimonial-consent checkbox, when it was shown. */
  comment(text: string, consent?: boolean): void;
}

export type Open = (config: WidgetConfig, focus: boolean, session: Session, closed: () => void) => void;

export interface Deps {
  key: string | undefined;
  locale: string;
  store: Store;
  api: Api;
  open: Open;
  /** The page's address without query string or fragment (privacy). */
  url: () => string;
}

export type Plaudit = ((command: string, ...args: unknown[]) => void) & {
  /** Opens a survey; `focus` moves keyboard focus into it (plaudit('show') does, data-survey does not). */
  show(surveyId: string, focus: boolean): Promise<void>;
};

export const createPlaudit = (deps: Deps): Plaudit => {
  let user: WidgetUser | undefined;
  let showing = false;
  /** Event triggers waiting for plaudit('track', name). */
  const events = new Map<string, () => void>();
  const show = async (surveyId: string, focus: boolean): Promise<void> => {
    if (!deps.key || typeof surveyId !== 'string' || !surveyId || showing) return;
    showing = true;
    const config = await deps.api.config(surveyId, deps.locale, user);
    // Shown by itself (data-survey): only when the server allows it, and when a trigger fires.
    if (!config || (!focus && config.eligibility?.ask === false)) {
      showing = false;
      return;
    }
    const w = config.widget ?? {};
    if (!focus) await armed(w.triggers ?? [], events, (w.delay_seconds ?? 0) * 1000);
    let body: ResponseBody | undefined;
    deps.open(
      config,
      focus,
      {
        score: (score) => {
          body = {
            key: deps.key!,
            id: uuid(),
            survey_id: surveyId,
            visitor_id: deps.store.vid(),
            score,
            locale: deps.locale,
            url: deps.url(),
          };
          if (user) body.user = user;
          deps.api.answer(body);
        },
        comment: (text, consent) => {
          if (body && (text || consent))
            deps.api.answer({ ...body, comment: text.slice(0, 5000), testimonial_consent: consent });
        },
      },
      () => {
        showing = false;
        if (!body) deps.api.dismiss(surveyId, user);
      },
    );
  };
  const plaudit = ((command: string, ...args: unknown[]) => {
    if (command === 'identify') user = toUser(args[0], args[1]);
    else if (command === 'show') show(args[0] as string, true);
    else if (command === 'reset') {
      user = undefined;
      deps.store.resetVid();
    } else if (command === 'track' && typeof args[0] === 'string' && args[0]) {
      events.get(args[0])?.();
      if (deps.key)
        deps.api.track({ id: uuid(), name: args[0], properties: scalars(args[1]), url: deps.url(), user });
    }
    // Unknown commands are ignored.
  }) as Plaudit;
  plaudit.show = show;
  return plaudit;
};

/**
 * Replaces the snippet's stub `window.plaudit` by the real function, then replays the calls the stub
 * queued in `plaudit.q`, in order. Returns false (and changes nothing) when the widget already runs.
 */
export const install = (w: { plaudit?: unknown }, plaudit: Plaudit): boolean => {
  const stub = w.plaudit as { q?: ArrayLike<unknown>[]; show?: unknown } | undefined;
  if (stub?.show) return false;
  w.plaudit = plaudit;
  for (const args of Array.from(stub?.q ?? [])) plaudit(...(Array.from(args) as [string, ...unknown[]]));
  return true;
};
