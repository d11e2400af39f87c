import { randomId } from './ids';
import type { ResponseBody } from './types';

/** The part of Storage the widget uses; localStorage in the browser, a fake in tests. */
export interface KeyValue {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const VID_KEY = 'plaudit:vid';
export const OUTBOX_KEY = 'plaudit:outbox';
export const OUTBOX_MAX = 20;
const VID = /^[\w-]{22}$/;

export interface Store {
  /** The visitor id, made on first use; kept in memory when storage is blocked. */
  vid(): string;
  /** Forgets the visitor id and makes a new one. */
  resetVid(): string;
  /** Unsent answers, oldest first. */
  outbox(): ResponseBody[];
  /** Adds an answer, or replaces the one with the same id where it stands; keeps the newest OUTBOX_MAX. */
  put(body: ResponseBody): void;
  /** Removes an answer once the server has it, unless it was replaced (e.g. by its comment) meanwhile. */
  done(body: ResponseBody): void;
}

/**
 * `storage` is called on every access: reading `window.localStorage` itself throws where storage is
 * blocked (third-party frames, some privacy modes), and writes throw when the quota is full. Every
 * failure falls back to memory, so the widget works on such pages for the length of the page view.
 */
export const createStore = (storage: () => KeyValue | null | undefined): Store => {
  const memory: Record<string, string> = {};
  const get = (k: string): string | null => {
    try {
      const v = storage()?.getItem(k);
      if (v != null) return v;
    } catch {}
    return memory[k] ?? null;
  };
  const set = (k: string, v: string): void => {
    memory[k] = v;
    try {
      storage()?.setItem(k, v);
    } catch {}
  };
  const outbox = (): ResponseBody[] => {
    try {
      const list = JSON.parse(get(OUTBOX_KEY) ?? '[]');
      return Array.isArray(list) ? list : [];
    } catch {
      return [];
    }
  };
  const save = (list: ResponseBody[]): void => set(OUTBOX_KEY, JSON.stringify(list.slice(-OUTBOX_MAX)));
  const resetVid = (): string => {
    const id = randomId();
    set(VID_KEY, id);
    return id;
  };
  return {
    vid: () => {
      const v = get(VID_KEY);
      return v && VID.test(v) ? v : resetVid();
    },
    resetVid,
    outbox,
    put: (body) => {
      const list = outbox();
      const i = list.findIndex((e) => e.id === body.id);
      if (i < 0) list.push(body);
      else list[i] = body;
      save(list);
    },
    done: (body) => {
      const sent = JSON.stringify(body);
      save(outbox().filter((e) => JSON.stringify(e) !== sent));
    },
  };
};
