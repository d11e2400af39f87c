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

/**
 * Creates or updates many accounts with a fixed number of statements (CSV import): by external_id
 * when given, else by exact name (creating one when no account has it). Missing or null fields keep
 * their stored values (an import cell left empty clobbers nothing). Returns the account id for each input, in input order.
 */
export async function upsertAccounts(
  db: Queryable,
  workspaceId: string,
  inputs: readonly AccountInput[],
): Promise<string[]> {
  const ids: string[] = new Array<string>(inputs.length);
  // One statement may touch a row once: later inputs for the same account win field by field.
  const byExternal = new Map<string, { input: AccountInput; at: number[] }>();
  const byName = new Map<string, number[]>();
  inputs.forEach((input, i) => {
    if (input.external_id) {
      const seen = byExternal.get(input.external_id);
      if (!seen) byExternal.set(input.external_id, { input, at: [i] });
      else {
        const defined = Object.entries(input).filter(([, v]) => v !== undefined);
        seen.input = {
          ...seen.input,
          ...Object.fromEntries(defined),
          attributes: { ...seen.input.attributes, ...input.attributes },
        };
        seen.at.push(i);
      }
    } else if (input.name) {
      byName.set(input.name, [...(byName.get(input.name) ?? []), i]);
    } else {
      throw new TypeError('an account needs a name or an external_id');
    }
  });

  if (byExternal.size > 0) {
    const merged = [...byExternal.values()].sort((a, b) =>
      a.input.external_id! < b.input.external_id! ? -1 : 1,
    );
    const rows = await db.query<{ id: string; external_id: string }>(
      `INSERT INTO account (workspace_id, external_id, name, revenue, attributes)
       SELECT $1, u.external_id, coalesce(u.name, u.external_id), u.revenue, jsonb_strip_nulls(u.attributes)
       FROM unnest($2::text[], $3::text[], $4::numeric[], $5::jsonb[]) AS u(external_id, name, revenue, attributes)
       ON CONFLICT (workspace_id, external_id) DO UPDATE SET
         name = coalesce(excluded.name, account.name),
         revenue = CASE WHEN excluded.revenue IS NOT NULL THEN excluded.revenue ELSE account.revenue END,
         attributes = jsonb_strip_nulls(account.attributes || excluded.attributes), updated_at = now()
       RETURNING id, external_id`,
      [
        workspaceId,
        merged.map((m) => m.input.external_id!),
        merged.map((m) => m.input.name ?? null),
        merged.map((m) => m.input.revenue ?? null),
        merged.map((m) => JSON.stringify(m.input.attributes ?? {})),
      ],
    );
    const idOf = new Map(rows.map((r) => [r.external_id, r.id]));
    for (const m of merged) for (const i of m.at) ids[i] = idOf.get(m.input.external_id!)!;
  }

  if (byName.size > 0) {
    const names = [...byName.keys()];
    const existing = await db.query<{ id: string; name: string }>(
      `SELECT DISTINCT ON (name) id, name FROM account WHERE workspace_id = $1 AND name = ANY($2::text[])
       ORDER BY name, created_at, id`,
      [workspaceId, names],
    );
    const idOf = new Map(existing.map((r) => [r.name, r.id]));
    const missing = names.filter((n) => !idOf.has(n));
    if (missing.length > 0) {
      const created = await db.query<{ id: string; name: string }>(
        `INSERT INTO account (workspace_id, name) SELECT $1, n FROM unnest($2::text[]) AS n RETURNING id, name`,
        [workspaceId, missing],
      );
      for (const r of created) idOf.set(r.name, r.id);
    }
    const updates = inputs
      .map((input, i) => ({ input, id: idOf.get(input.name ?? '') ?? '', i }))
      .filter((u) => !u.input.external_id && u.input.name);
    for (const u of updates) ids[u.i] = u.id;
    const withValues = [...new Map(updates.map((u) => [u.id, u.input])).entries()].filter(
      ([, input]) => input.revenue !== undefined || Object.keys(input.attributes ?? {}).length > 0,
    );
    if (withValues.length > 0) {
      await db.query(
        `UPDATE account a SET
           revenue = CASE WHEN u.revenue IS NOT NULL THEN u.revenue ELSE a.revenue END,
           attributes = jsonb_strip_nulls(a.attributes || u.attributes), updated_at = now()
         FROM unnest($2::uuid[], $3::numeric[], $4::jsonb[]) AS u(id, revenue, attributes)
         WHERE a.workspace_id = $1 AND a.id = u.id`,
        [
          workspaceId,
          withValues.map(([id]) => id),
          withValues.map(([, input]) => input.revenue ?? null),
          withValues.map(([, input]) => JSON.stringify(input.attributes ?? {})),
        ],
      );
    }
  }
  return ids;
}
