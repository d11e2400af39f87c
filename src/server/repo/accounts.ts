import type { Queryable } from '../db/port';
import type { Attributes } from './contacts';

export interface Account {
  id: string;
  workspace_id: string;
  external_id: string | null;
  name: string;
  revenue: number | null;
  attributes: Attributes;
  created_at: Date;
  updated_at: Date;
}

export interface AccountInput {
  external_id?: string | null;
  name?: string;
  revenue?: number | null;
  attributes?: Attributes;
}

const COLUMNS = 'id, workspace_id, external_id, name, revenue, attributes, created_at, updated_at';

// numeric arrives as text from both drivers (it can exceed a double); revenue fits in one.
function fromRow(row: Account & { revenue: string | number | null }): Account {
  return { ...row, revenue: row.revenue === null ? null : Number(row.revenue) };
}

/** Creates an account, or updates the one with the same external_id. */
export async function upsertAccount(
  db: Queryable,
  workspaceId: string,
  input: AccountInput,
): Promise<Account> {
  if (input.external_id) {
    const rows = await db.query<Account>(
      `INSERT INTO account (workspace_id, external_id, name, revenue, attributes)
       VALUES ($1, $2, coalesce($3, $2), $4, jsonb_strip_nulls($5::jsonb))
       ON CONFLICT (workspace_id, external_id) DO UPDATE SET
         name = coalesce($3, account.name),
         revenue = CASE WHEN $6::boolean THEN $4 ELSE account.revenue END,
         attributes = jsonb_strip_nulls(account.attributes || $5::jsonb), updated_at = now()
       RETURNING ${COLUMNS}`,
      [
        workspaceId,
        input.external_id,
        input.name ?? null,
        input.revenue ?? null,
        JSON.stringify(input.attributes ?? {}),
        input.revenue !== undefined,
      ],
    );
    return fromRow(rows[0]!);
  }
  const rows = await db.query<Account>(
    `INSERT INTO account (workspace_id, name, revenue, attributes) VALUES ($1, $2, $3, jsonb_strip_nulls($4::jsonb))
     RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.name ?? 'Unnamed account',
      input.revenue ?? null,
      JSON.stringify(input.attributes ?? {}),
    ],
  );
  return fromRow(rows[0]!);
}

export async function updateAccount(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: AccountInput,
): Promise<Account | undefined> {
  const rows = await db.query<Account>(
    `UPDATE account SET
       external_id = coalesce($3, external_id), name = coalesce($4, name),
       revenue = CASE WHEN $5::boolean THEN $6 ELSE revenue END,
       attributes = jsonb_strip_nulls(attributes || $7::jsonb), updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      workspaceId,
      id,
      patch.external_id ?? null,
      patch.name ?? null,
      patch.revenue !== undefined,
      patch.revenue ?? null,
      JSON.stringify(patch.attributes ?? {}),
    ],
  );
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function getAccount(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<Account | undefined> {
  const rows = await db.query<Account>(`SELECT ${COLUMNS} FROM account WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0] ? fromRow(rows[0]) : undefined;
}

export async function listAccounts(
  db: Queryable,
  workspaceId: string,
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Account[]> {
  const rows = await db.query<Account>(
    `SELECT ${COLUMNS} FROM account WHERE workspace_id = $1
       AND ($2::timestamptz IS NULL OR (created_at, id) > ($2::timestamptz, $3::uuid))
     ORDER BY created_at, id LIMIT $4`,
    [workspaceId, page.after?.created_at ?? null, page.after?.id ?? null, page.limit],
  );
  return rows.map(fromRow);
}
