import type { Queryable } from '../db/port';

export type Attributes = Record<string, string | number | boolean | null>;

export interface Contact {
  id: string;
  workspace_id: string;
  email: string | null;
  external_id: string | null;
  name: string | null;
  locale: string | null;
  time_zone: string | null;
  account_id: string | null;
  attributes: Attributes;
  created_at: Date;
  updated_at: Date;
}

/** What an upsert may say about a contact; identified by external_id first, else by email. */
export interface ContactInput {
  email?: string | null;
  external_id?: string | null;
  name?: string | null;
  locale?: string | null;
  time_zone?: string | null;
  account_id?: string | null;
  /** Merged into the stored attributes; a null value removes the attribute. */
  attributes?: Attributes;
}

const COLUMNS =
  'id, workspace_id, email, external_id, name, locale, time_zone, account_id, attributes, created_at, updated_at';

export class ContactConflictError extends Error {}

export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function identityOf(input: ContactInput): string {
  if (input.external_id) return `x:${input.external_id}`;
  if (input.email) return `e:${normaliseEmail(input.email)}`;
  throw new TypeError('a contact needs an email or an external_id');
}

/** Merges inputs that name the same contact, later ones winning, so one statement touches a row once. */
function mergeDuplicates(inputs: readonly ContactInput[]): { merged: ContactInput[]; indexOf: number[] } {
  const byIdentity = new Map<string, number>();
  const merged: ContactInput[] = [];
  const indexOf: number[] = [];
  for (const raw of inputs) {
    const input = { ...raw, email: raw.email ? normaliseEmail(raw.email) : raw.email };
    const key = identityOf(input);
    const at = byIdentity.get(key);
    if (at === undefined) {
      byIdentity.set(key, merged.length);
      indexOf.push(merged.length);
      merged.push(input);
    } else {
      const prev = merged[at]!;
      merged[at] = {
        ...prev,
        ...Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)),
        attributes: { ...prev.attributes, ...input.attributes },
      };
      indexOf.push(at);
    }
  }
  return { merged, indexOf };
}

/**
 * Creates or updates many contacts with a fixed number of statements (import and ingestion call
 * this with hundreds at once). Returns the contact id for each input, in input order.
 */
export async function upsertContacts(
  db: Queryable,
  workspaceId: string,
  inputs: readonly ContactInput[],
): Promise<string[]> {
  if (inputs.length === 0) return [];
  const { merged, indexOf } = mergeDuplicates(inputs);
  const externalIds = merged.map((c) => c.external_id).filter((x): x is string => !!x);
  const emails = merged.map((c) => c.email).filter((x): x is string => !!x);
  const existing = await db.query<{ id: string; email: string | null; external_id: string | null }>(
    `SELECT id, email, external_id FROM contact
     WHERE workspace_id = $1 AND (external_id = ANY($2::text[]) OR email = ANY($3::text[]))`,
    [workspaceId, externalIds, emails],
  );
  const byExternal = new Map(existing.filter((r) => r.external_id).map((r) => [r.external_id!, r.id]));
  const byEmail = new Map(existing.filter((r) => r.email).map((r) => [r.email!, r.id]));
  const ids: (string | undefined)[] = merged.map(
    (c) =>
      (c.external_id ? byExternal.get(c.external_id) : undefined) ??
      (c.email ? byEmail.get(c.email) : undefined),
  );

  const toUpdate = merged.map((c, i) => ({ c, id: ids[i] })).filter((x) => x.id !== undefined);
  if (toUpdate.length > 0) {
    await db.query(
      `UPDATE contact c SET
         email = coalesce(u.email, c.email), external_id = coalesce(u.external_id, c.external_id),
         name = coalesce(u.name, c.name), locale = coalesce(u.locale, c.locale),
         time_zone = coalesce(u.time_zone, c.time_zone), account_id = coalesce(u.account_id, c.account_id),
         attributes = jsonb_strip_nulls(c.attributes || u.attributes), updated_at = now()
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::jsonb[])
         AS u(id, email, external_id, name, locale, time_zone, account_id, attributes)
       WHERE c.workspace_id = $1 AND c.id = u.id`,
      [workspaceId, ...columnsOf(toUpdate.map((x) => ({ ...x.c, id: x.id! })))],
    );
  }

  const toInsert = merged.map((c, i) => ({ c, i })).filter((x) => ids[x.i] === undefined);
  if (toInsert.length > 0) {
    const inserted = await db.query<{ id: string; email: string | null; external_id: string | null }>(
      `INSERT INTO contact (workspace_id, email, external_id, name, locale, time_zone, account_id, attributes)
       SELECT $1, u.email, u.external_id, u.name, u.locale, u.time_zone, u.account_id, jsonb_strip_nulls(u.attributes)
       FROM unnest($2::uuid[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::uuid[], $9::jsonb[])
         AS u(id, email, external_id, name, locale, time_zone, account_id, attributes)
       ON CONFLICT DO NOTHING
       RETURNING id, email, external_id`,
      [workspaceId, ...columnsOf(toInsert.map((x) => ({ ...x.c, id: null })))],
    );
    const newByExternal = new Map(inserted.filter((r) => r.external_id).map((r) => [r.external_id!, r.id]));
    const newByEmail = new Map(inserted.filter((r) => r.email).map((r) => [r.email!, r.id]));
    for (const { c, i } of toInsert) {
      ids[i] =
        (c.external_id ? newByExternal.get(c.external_id) : undefined) ??
        (c.email ? newByEmail.get(c.email) : undefined);
      // Another writer created the same contact between our SELECT and INSERT: the caller retries.
      if (ids[i] === undefined) throw new ContactConflictError('contact was created concurrently');
    }
  }
  return indexOf.map((i) => ids[i]!);
}

function columnsOf(rows: ReadonlyArray<ContactInput & { id: string | null }>) {
  return [
    rows.map((r) => r.id),
    rows.map((r) => r.email ?? null),
    rows.map((r) => r.external_id ?? null),
    rows.map((r) => r.name ?? null),
    rows.map((r) => r.locale ?? null),
    rows.map((r) => r.time_zone ?? null),
    rows.map((r) => r.account_id ?? null),
    rows.map((r) => JSON.stringify(r.attributes ?? {})),
  ];
}

export async function getContact(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<Contact | undefined> {
  const rows = await db.query<Contact>(`SELECT ${COLUMNS} FROM contact WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0];
}

export interface ContactFilter {
  email?: string;
  external_id?: string;
  account_id?: string;
  attributes?: Record<string, string>;
}

/** Keyset pagination ordered by (created_at, id). */
export async function listContacts(
  db: Queryable,
  workspaceId: string,
  filter: ContactFilter,
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<Contact[]> {
  return db.query<Contact>(
    `SELECT ${COLUMNS} FROM contact
     WHERE workspace_id = $1
       AND ($2::text IS NULL OR email = $2) AND ($3::text IS NULL OR external_id = $3)
       AND ($4::uuid IS NULL OR account_id = $4) AND attributes @> $5::jsonb
       AND ($6::timestamptz IS NULL OR (created_at, id) > ($6::timestamptz, $7::uuid))
     ORDER BY created_at, id LIMIT $8`,
    [
      workspaceId,
      filter.email ? normaliseEmail(filter.email) : null,
      filter.external_id ?? null,
      filter.account_id ?? null,
      JSON.stringify(filter.attributes ?? {}),
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
    ],
  );
}

/** Changes one contact; undefined fields stay, attributes merge (null removes one). */
export async function updateContact(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: ContactInput,
): Promise<Contact | undefined> {
  const has = (k: keyof ContactInput) => patch[k] !== undefined;
  const rows = await db.query<Contact>(
    `UPDATE contact SET
       email = CASE WHEN $3::boolean THEN $4 ELSE email END,
       external_id = CASE WHEN $5::boolean THEN $6 ELSE external_id END,
       name = CASE WHEN $7::boolean THEN $8 ELSE name END,
       locale = CASE WHEN $9::boolean THEN $10 ELSE locale END,
       time_zone = CASE WHEN $11::boolean THEN $12 ELSE time_zone END,
       account_id = CASE WHEN $13::boolean THEN $14::uuid ELSE account_id END,
       attributes = jsonb_strip_nulls(attributes || $15::jsonb), updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      workspaceId,
      id,
      has('email'),
      patch.email ? normaliseEmail(patch.email) : null,
      has('external_id'),
      patch.external_id ?? null,
      has('name'),
      patch.name ?? null,
      has('locale'),
      patch.locale ?? null,
      has('time_zone'),
      patch.time_zone ?? null,
      has('account_id'),
      patch.account_id ?? null,
      JSON.stringify(patch.attributes ?? {}),
    ],
  );
  return rows[0];
}
