import type { Store } from './store';
import type { ResponseBody, TrackedEvent, WidgetConfig, WidgetUser } from './types';

export type Fetch = (
  url: string,
  init: RequestInit,
) => Promise<{ ok: boolean; status: number; json(): Promise<unknown> }>;

/**
 * A "simple" cross-origin request: POST with a text/plain body and no custom header, so browsers send
 * no CORS preflight; keepalive lets an answer given just before leaving the page still arrive.
 */
export const post = (f: Fetch, base: string, path: string, body: object) =>
  f(base + path, {
    method: 'POST',
    // A string body is sent as text/plain;charset=UTF-8 by the Fetch standard: no header to set.
    body: JSON.stringify(body),
    keepalive: true,
    credentials: 'omit',
  });

/** 2xx, or a 4xx that will never succeed (bad field, unknown key, origin not allowed): not worth resending. */
const settled = (status: number): boolean => status < 500 && status !== 408 && status !== 429;

export interface Api {
  config(surveyId: string, locale: string, user?: WidgetUser): Promise<WidgetConfig | null>;
  /** Reports that the visitor closed the survey without answering (the server's cooldown). */
  dismiss(surveyId: string, user?: WidgetUser): void;
  /** Reports plaudit('track', …) once, without retry (an event lost offline is not worth an outbox). */
  track(event: TrackedEvent): void;
  /** Keeps the answer in the outbox, then sends it after everything queued before it. */
  answer(body: ResponseBody): Promise<boolean>;
  /** Queues the outbox of earlier page views, oldest first, before anything else; stops at the first failure. */
  flush(): Promise<void>;
}

export const createApi = (f: Fetch, base: string, key: string, store: Store): Api => {
  // One request at a time, in order: a comment never overtakes its score, nor a new answer an old one.
  let chain: Promise<unknown> = Promise.resolve();
  // Set when an outbox entry of an earlier page view fails: the rest of the outbox waits for the next load.
  let stopped = false;
  const send = (body: ResponseBody, old?: boolean): Promise<boolean> => {
    const p = chain.then(async () => {
      if (old && stopped) return false;
      try {
        const r = await post(f, base, '/w/v1/responses', body);
        if (settled(r.status)) {
          store.done(body);
          return true;
        }
      } catch {}
      if (old) stopped = true;
      return false;
    });
    chain = p;
    return p;
  };
  return {
    config: async (surveyId, locale, user) => {
      try {
        const body = { key, survey_id: surveyId, locale, visitor_id: store.vid(), user };
        const r = await post(f, base, '/w/v1/surveys/config', body);
        return r.ok ? ((await r.json()) as WidgetConfig) : null;
      } catch {
        return null;
      }
    },
    dismiss: (surveyId, user) => {
      post(f, base, '/w/v1/dismissals', { key, survey_id: surveyId, visitor_id: store.vid(), user }).catch(
        () => {},
      );
    },
    track: (event) => {
      post(f, base, '/w/v1/events', { key, visitor_id: store.vid(), ...event }).catch(() => {});
    },
    answer: (body) => {
      store.put(body);
      return send(body);
    },
    flush: () => Promise.all(store.outbox().map((body) => send(body, true))).then(() => {}),
  };
};
