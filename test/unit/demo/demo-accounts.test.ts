/** The demo's B2B story as account analytics see it (one voice per stakeholder, last 365 days). */
import { describe, expect, it } from 'vitest';
import {
  accountNpsOf,
  isFalling,
  revenueAtRisk,
  type StakeholderResponse,
} from '../../../src/core/account-nps';
import { generateDemoData } from '../../../src/server/demo/generate-demo-data';

const DAY_MS = 86_400_000;
const NOW = new Date('2026-03-15T10:30:00.000Z');
const data = generateDemoData({ now: NOW });

function accountsBetween(fromMs: number, toMs: number) {
  const accountOf = new Map(data.contacts.map((c) => [c.key, c.accountKey]));
  const byAccount = new Map<string, StakeholderResponse[]>();
  data.responses.forEach((r, i) => {
    const account = r.contactKey === null ? null : accountOf.get(r.contactKey);
    const at = r.createdAt.getTime();
    if (!account || at < fromMs || at >= toMs) return;
    const list = byAccount.get(account) ?? [];
    list.push({ contactId: r.contactKey!, responseId: String(i), score: r.score, at });
    byAccount.set(account, list);
  });
  return new Map([...byAccount].map(([key, rows]) => [key, accountNpsOf(rows)]));
}

describe('demo accounts', () => {
  const now = NOW.getTime();
  const current = accountsBetween(now - 365 * DAY_MS, now + 1);
  const previous = accountsBetween(now - 730 * DAY_MS, now - 365 * DAY_MS);

  it('have revenue, an owner and contacts with roles', () => {
    for (const account of data.accounts) {
      expect(account.revenue).toBeGreaterThan(0);
      expect(typeof account.attributes['account_owner']).toBe('string');
    }
    const b2b = data.contacts.filter((c) => c.accountKey !== null);
    expect(b2b.every((c) => typeof c.attributes['role'] === 'string')).toBe(true);
  });

  it('show detractor accounts with revenue at risk, promoter accounts and falling accounts', () => {
    const rows = data.accounts.map((a) => ({
      revenue: a.revenue,
      category: current.get(a.key)?.category ?? null,
    }));
    const risk = revenueAtRisk(rows);
    expect(risk.accounts).toBeGreaterThanOrEqual(3);
    expect(risk.revenue).toBeGreaterThan(50_000);
    expect(rows.filter((r) => r.category === 'promoter').length).toBeGreaterThanOrEqual(5);
    const falling = data.accounts.filter((a) => {
      const c = current.get(a.key);
      const p = previous.get(a.key);
      return c && p && isFalling(c.summary, p.summary);
    });
    expect(falling.length).toBeGreaterThanOrEqual(3);
  });
});
