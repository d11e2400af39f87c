import type { StakeholderResponse } from '../../core/account-nps';
import type { Queryable } from '../db/port';
import { type ResponseFilter, whereOf } from './responses';

/** A response of an account's contact, with its account, day and the stakeholder's role. */
export interface AccountResponseRow extends StakeholderResponse {
  accountId: string;
  /** Local day 'YYYY-MM-DD' in the workspace time zone. */
  day: string;
}

interface Row {
  account_id: string;
  contact_id: string;
  id: string;
  score: number;
  at: number;
  day: string;
  role: string | null;
}

/**
 * Responses given for accounts (the account at answer time, `response.account_id`) by a known
 * contact, matching `filter`. The role is the response's attribute snapshot `role`, else `title`.
 * Raw rows, because the one-voice-per-stakeholder rule (core/account-nps.ts) needs each contact's
 * latest answer.
 */
export async function accountResponses(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
): Promise<AccountResponseRow[]> {
  const params: unknown[] = [];
  const where = whereOf(workspaceId, filter, params);
  const rows = await db.query<Row>(
    `SELECT r.account_id::text AS account_id, r.contact_id::text AS contact_id, r.id::text AS id, r.score,
       (extract(epoch FROM r.created_at) * 1000)::float8 AS at, r.day::text AS day,
       coalesce(r.attributes ->> 'role', r.attributes ->> 'title') AS role
     FROM response r
     WHERE ${where} AND r.account_id IS NOT NULL AND r.contact_id IS NOT NULL`,
    params as never,
  );
  return rows.map((r) => ({
    accountId: r.account_id,
    contactId: r.contact_id,
    responseId: r.id,
    score: r.score,
    at: Number(r.at),
    day: r.day,
    role: r.role,
  }));
}

export interface AccountFacts {
  id: string;
  name: string;
  external_id: string | null;
  revenue: number | null;
  owner: string | null;
}

/**
 * Name, external id, revenue and owner of the given accounts of a workspace. The owner is the
 * account attribute `owner`, else `account_owner`.
 */
export async function accountFacts(
  db: Queryable,
  workspaceId: string,
  ids: readonly string[],
): Promise<Map<string, AccountFacts>> {
  if (ids.length === 0) return new Map();
  const rows = await db.query<Omit<AccountFacts, 'revenue'> & { revenue: string | number | null }>(
    `SELECT id::text AS id, name, external_id, revenue,
       coalesce(attributes ->> 'owner', attributes ->> 'account_owner') AS owner
     FROM account WHERE workspace_id = $1 AND id = ANY($2::uuid[])`,
    [workspaceId, ids],
  );
  return new Map(
    rows.map((r) => [r.id, { ...r, revenue: r.revenue === null ? null : Number(r.revenue) }] as const),
  );
}

/** Number of accounts of a workspace. */
export async function countAccounts(db: Queryable, workspaceId: string): Promise<number> {
  const rows = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM account WHERE workspace_id = $1',
    [workspaceId],
  );
  return rows[0]?.n ?? 0;
}
