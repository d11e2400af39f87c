import type { Fetch } from '../../../src/widget/api';
import type { KeyValue } from '../../../src/widget/store';

/** localStorage in memory; `blocked` makes every access throw, `full` makes writes throw (quota). */
export class FakeStorage implements KeyValue {
  data = new Map<string, string>();
  blocked = false;
  full = false;
  getItem(key: string): string | null {
    if (this.blocked) throw new Error('SecurityError');
    return this.data.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    if (this.blocked || this.full) throw new Error('QuotaExceededError');
    this.data.set(key, value);
  }
}

export interface Call {
  url: string;
  init: RequestInit;
  body: Record<string, unknown>;
}

/** A fetch that records calls and answers with `status(call)` (a thrown error is a network failure). */
export const fakeFetch = (status: (call: Call) => number | Error = () => 201) => {
  const calls: Call[] = [];
  const f: Fetch = async (url, init) => {
    const call = { url, init, body: JSON.parse(String(init.body)) };
    calls.push(call);
    const s = status(call);
    if (s instanceof Error) throw s;
    return { ok: s >= 200 && s < 300, status: s, json: async () => ({ question: 'Q?' }) };
  };
  return { f, calls };
};
