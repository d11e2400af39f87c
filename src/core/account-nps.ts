/**
 * B2B account analytics: the NPS of an account from its stakeholders, the account's category,
 * revenue weighting, revenue at risk and falling accounts.
 *
 * The rules (docs/API.md, "Account analytics"):
 * - **One voice per stakeholder.** Each contact's latest response in the period counts once
 *   (latest by answer time, ties broken by response id), so one enthusiastic contact who answers
 *   ten times does not outvote the other stakeholders. Responses without a contact (the contact
 *   was deleted) cannot be attributed to a stakeholder and are left out by the caller.
 * - **Account category** from the mean of those latest scores: ≥ 9 promoter account, ≤ 6
 *   detractor account, otherwise passive (a mean between 6 and 7 is passive: it is not a
 *   detractor majority).
 * - **Revenue-weighted NPS** = Σ NPSᵢ · revenueᵢ / Σ revenueᵢ over accounts with an NPS and a
 *   positive revenue; accounts without revenue are excluded and counted.
 * - **Falling** when NPS − previous NPS ≤ −10 points and both periods have at least 3 counted
 *   responses (stakeholders).
 */
import { type Category, distributionOf } from './nps';
import { type NpsSummary, summarize } from './stats';
import { bucketOf, bucketsBetween, type Granularity } from './trend';

/** One response of an account, as far as account analytics need it. */
export interface StakeholderResponse {
  contactId: string;
  responseId: string;
  score: number;
  /** Answer time in epoch milliseconds. */
  at: number;
  /** The stakeholder's role at answer time, if known. */
  role?: string | null;
}

/** A mean of latest scores at or above this makes a promoter account. */
export const PROMOTER_ACCOUNT_MEAN = 9;
/** A mean of latest scores at or below this makes a detractor account. */
export const DETRACTOR_ACCOUNT_MEAN = 6;
/** A change of the NPS at or below this (points) is a fall. */
export const FALL_THRESHOLD = -10;
/** Counted responses (stakeholders) each period needs before a fall is reported. */
export const FALL_MIN_RESPONSES = 3;

/** Whether response a was given after response b (the later one wins; ties by id). */
function isLater(a: StakeholderResponse, b: StakeholderResponse): boolean {
  return a.at !== b.at ? a.at > b.at : a.responseId > b.responseId;
}

/**
 * Each contact's latest response, one per contact, in the order of first appearance of the contact.
 * @throws RangeError on a score that is not an integer 0-10 or an answer time that is not finite.
 */
export function latestPerContact<T extends StakeholderResponse>(responses: Iterable<T>): T[] {
  const latest = new Map<string, T>();
  for (const response of responses) {
    if (!Number.isFinite(response.at)) throw new RangeError(`not an answer time: ${String(response.at)}`);
    const seen = latest.get(response.contactId);
    if (seen === undefined || isLater(response, seen)) latest.set(response.contactId, response);
  }
  return [...latest.values()];
}

/** The category of an account from the mean of its stakeholders' latest scores; null without any. */
export function accountCategoryOf(meanScore: number | null): Category | null {
  if (meanScore === null) return null;
  if (!Number.isFinite(meanScore) || meanScore < 0 || meanScore > 10) {
    throw new RangeError(`not a mean score (0-10): ${String(meanScore)}`);
  }
  if (meanScore >= PROMOTER_ACCOUNT_MEAN) return 'promoter';
  if (meanScore <= DETRACTOR_ACCOUNT_MEAN) return 'detractor';
  return 'passive';
}

/** Everything computed about one account in one period. */
export interface AccountNps {
  /** The summary of the counted (latest per contact) responses; `summary.n` = stakeholders. */
  summary: NpsSummary;
  /** All responses of the period, before the one-per-contact rule. */
  responses: number;
  /** Contacts who answered (= summary.n). */
  stakeholders: number;
  /** Distinct roles of the stakeholders' latest responses, sorted; contacts without a role add none. */
  roles: string[];
  /** Mean of the counted scores; null without responses. */
  meanScore: number | null;
  category: Category | null;
}

/** The NPS of an account from all responses of its contacts in one period. */
export function accountNpsOf(responses: readonly StakeholderResponse[]): AccountNps {
  const counted = latestPerContact(responses);
  const scores = counted.map((r) => r.score);
  const summary = summarize(distributionOf(scores));
  const meanScore = scores.length === 0 ? null : scores.reduce((a, b) => a + b, 0) / scores.length;
  const roles = [
    ...new Set(counted.map((r) => r.role).filter((r): r is string => typeof r === 'string' && r !== '')),
  ].sort();
  return {
    summary,
    responses: responses.length,
    stakeholders: counted.length,
    roles,
    meanScore,
    category: accountCategoryOf(meanScore),
  };
}

/** The change of an account's NPS against the previous period; null when either has no NPS. */
export function npsChange(current: number | null, previous: number | null): number | null {
  return current === null || previous === null ? null : current - previous;
}

/**
 * Whether an account fell: change ≤ `threshold` (default −10) with at least `minResponses`
 * (default 3) counted responses in both periods.
 */
export function isFalling(
  current: { nps: number | null; n: number },
  previous: { nps: number | null; n: number },
  options: { threshold?: number; minResponses?: number } = {},
): boolean {
  const threshold = options.threshold ?? FALL_THRESHOLD;
  const minResponses = options.minResponses ?? FALL_MIN_RESPONSES;
  const change = npsChange(current.nps, previous.nps);
  return change !== null && change <= threshold && current.n >= minResponses && previous.n >= minResponses;
}

/** The revenue-weighted NPS of a set of accounts. */
export interface RevenueWeighted {
  /** Σ NPSᵢ · revenueᵢ / Σ revenueᵢ; null when no account has both an NPS and a positive revenue. */
  nps: number | null;
  /** Accounts that took part (NPS and positive revenue). */
  accounts: number;
  /** Accounts with an NPS but without a positive revenue: excluded. */
  withoutRevenue: number;
  /** Σ revenue of the accounts that took part. */
  revenue: number;
}

/**
 * Revenue-weighted NPS. Accounts without an NPS are ignored; accounts whose revenue is null, zero
 * or negative are excluded and counted in `withoutRevenue`.
 */
export function revenueWeightedNps(
  accounts: ReadonlyArray<{ nps: number | null; revenue: number | null }>,
): RevenueWeighted {
  let weighted = 0;
  let revenue = 0;
  let count = 0;
  let withoutRevenue = 0;
  for (const account of accounts) {
    if (account.nps === null) continue;
    if (account.revenue === null || !Number.isFinite(account.revenue) || account.revenue <= 0) {
      withoutRevenue++;
      continue;
    }
    weighted += account.nps * account.revenue;
    revenue += account.revenue;
    count++;
  }
  return { nps: count === 0 ? null : weighted / revenue, accounts: count, withoutRevenue, revenue };
}

/** Σ revenue of the detractor accounts (accounts without revenue add nothing) and their number. */
export function revenueAtRisk(
  accounts: ReadonlyArray<{ category: Category | null; revenue: number | null }>,
): { revenue: number; accounts: number } {
  let revenue = 0;
  let count = 0;
  for (const account of accounts) {
    if (account.category !== 'detractor') continue;
    count++;
    if (account.revenue !== null && Number.isFinite(account.revenue) && account.revenue > 0)
      revenue += account.revenue;
  }
  return { revenue, accounts: count };
}

/** One bucket of an account's trend: each contact's latest response within the bucket counts once. */
export interface AccountTrendPoint {
  bucket: string;
  summary: NpsSummary;
  responses: number;
}

/**
 * An account's NPS per day, week or month, with the one-voice-per-stakeholder rule applied within
 * each bucket. Every bucket of fromDay..toDay is present; responses outside it are ignored.
 */
export function accountTrend(
  responses: ReadonlyArray<StakeholderResponse & { day: string }>,
  fromDay: string,
  toDay: string,
  granularity: Granularity,
): AccountTrendPoint[] {
  const buckets = new Map<string, (StakeholderResponse & { day: string })[]>();
  for (const bucket of bucketsBetween(fromDay, toDay, granularity)) buckets.set(bucket, []);
  for (const response of responses) {
    const bucket = bucketOf(response.day, granularity);
    if (response.day < fromDay || response.day > toDay) continue;
    buckets.get(bucket)!.push(response);
  }
  return [...buckets].map(([bucket, rows]) => {
    const counted = latestPerContact(rows);
    return {
      bucket,
      summary: summarize(distributionOf(counted.map((r) => r.score))),
      responses: rows.length,
    };
  });
}

/** Orders of the account list. */
export type AccountSort = 'revenue' | 'nps' | 'change' | 'responses';

/**
 * Sorts accounts by revenue, NPS, change or responses (all of the period), descending or ascending; accounts
 * without the value (null) come last either way; ties by name, then id, so pages are stable.
 */
export function sortAccounts<
  T extends {
    id: string;
    name: string;
    revenue: number | null;
    nps: number | null;
    change: number | null;
    responses: number;
  },
>(accounts: readonly T[], sort: AccountSort, order: 'asc' | 'desc' = 'desc'): T[] {
  const sortValue = (a: T): number | null =>
    sort === 'revenue' ? a.revenue : sort === 'nps' ? a.nps : sort === 'change' ? a.change : a.responses;
  const sign = order === 'desc' ? -1 : 1;
  return [...accounts].sort((a, b) => {
    const va = sortValue(a);
    const vb = sortValue(b);
    if (va !== vb) {
      if (va === null) return 1;
      if (vb === null) return -1;
      return sign * (va - vb);
    }
    if (a.name !== b.name) return a.name < b.name ? -1 : 1;
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  });
}
