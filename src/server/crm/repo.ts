/**
 * CRM connections, links and push records in the database (migrations 0029, 0032, 0033): SQL and
 * nothing else. Every statement is scoped by workspace_id, also where the connection id alone would do.
 */
import type { CrmField, CrmProvider, RemoteCompany, RemoteContact } from '../../core/crm-mapping';
import { externalIdOf } from '../../core/crm-mapping';
import type { Queryable } from '../db/port';
import { upsertAccounts } from '../repo/accounts';
import { upsertContacts } from '../repo/contacts';

export interface CrmRunCounts {
  pushed: number;
  not_found: number;
  failed: number;
  contacts: number;
  accounts: number;
}

export interface CrmConnection {
  id: string;
  workspace_id: string;
  provider: CrmProvider;
  base_url: string;
  push_enabled: boolean;
  pull_enabled: boolean;
  status: 'active' | 'paused';
  token_last4: string;
  /** Salesforce: the last four characters of the client id (never returned whole); null otherwise. */
  client_id_last4: string | null;
  field_keys: Record<CrmField, string> | null;
  last_push_at: Date | null;
  last_pull_at: Date | null;
  last_run: CrmRunCounts | null;
  last_error: string | null;
  last_error_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

/** The token only where the sync needs it; every other read leaves it out. */
export type CrmConnectionWithToken = CrmConnection & {
  token: string;
  /** Salesforce only (migration 0032): the client id, and the cached session of the token endpoint. */
  client_id: string | null;
  access_token: string | null;
  instance_url: string | null;
};

const COLUMNS = `id, workspace_id, provider, base_url, push_enabled, pull_enabled, status, right(token, 4) AS token_last4,
  right(client_id, 4) AS client_id_last4, field_keys, last_push_at, last_pull_at, last_run, last_error, last_error_at, created_at, updated_at`;

export async function createCrmConnection(
  db: Queryable,
  workspaceId: string,
  input: {
    provider: CrmProvider;
    token: string;
    base_url: string;
    push_enabled: boolean;
    pull_enabled: boolean;
    /** Salesforce only (the token is then the client secret). */
    client_id?: string | null;
  },
  now: Date,
): Promise<CrmConnection | undefined> {
  const rows = await db.query<CrmConnection>(
    `INSERT INTO crm_connection (workspace_id, provider, token, base_url, push_enabled, pull_enabled, created_at, updated_at,
                                 client_id)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)
     ON CONFLICT (workspace_id, provider) DO NOTHING RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.provider,
      input.token,
      input.base_url,
      input.push_enabled,
      input.pull_enabled,
      now,
      input.client_id ?? null,
    ],
  );
  return rows[0];
}

export async function listCrmConnections(db: Queryable, workspaceId: string): Promise<CrmConnection[]> {
  return db.query<CrmConnection>(
    `SELECT ${COLUMNS} FROM crm_connection WHERE workspace_id = $1 ORDER BY created_at, id`,
    [workspaceId],
  );
}

export async function getCrmConnection(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<CrmConnection | undefined> {
  const rows = await db.query<CrmConnection>(
    `SELECT ${COLUMNS} FROM crm_connection WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

/** For the sync only. */
export async function getCrmConnectionWithToken(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<CrmConnectionWithToken | undefined> {
  const rows = await db.query<CrmConnectionWithToken>(
    `SELECT ${COLUMNS}, token, client_id, access_token, instance_url FROM crm_connection
     WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

/**
 * Changes what is given. A new token or base URL clears the last error and the remembered field
 * keys (another account may have other fields).
 */
export async function updateCrmConnection(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: {
    token?: string;
    base_url?: string;
    push_enabled?: boolean;
    pull_enabled?: boolean;
    active?: boolean;
    /** Salesforce only. */
    client_id?: string;
  },
  now: Date,
): Promise<CrmConnection | undefined> {
  const newAccount =
    patch.token !== undefined || patch.base_url !== undefined || patch.client_id !== undefined;
  const rows = await db.query<CrmConnection>(
    `UPDATE crm_connection SET
       token = coalesce($3, token), base_url = coalesce($4, base_url),
       push_enabled = coalesce($5, push_enabled), pull_enabled = coalesce($6, pull_enabled),
       status = CASE WHEN $7::boolean IS NULL THEN status WHEN $7 THEN 'active' ELSE 'paused' END,
       field_keys = CASE WHEN $8::boolean THEN NULL ELSE field_keys END,
       last_error = CASE WHEN $8::boolean THEN NULL ELSE last_error END,
       last_error_at = CASE WHEN $8::boolean THEN NULL ELSE last_error_at END,
       client_id = coalesce($10, client_id),
       access_token = CASE WHEN $8::boolean THEN NULL ELSE access_token END,
       instance_url = CASE WHEN $8::boolean THEN NULL ELSE instance_url END,
       updated_at = $9
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      workspaceId,
      id,
      patch.token ?? null,
      patch.base_url ?? null,
      patch.push_enabled ?? null,
      patch.pull_enabled ?? null,
      patch.active ?? null,
      newAccount,
      now,
      patch.client_id ?? null,
    ],
  );
  return rows[0];
}

/**
 * The credentials a run read at its start. What the run learnt with them (a Salesforce session,
 * the field keys) is written back only while the connection still has them: a PATCH in between
 * (another account, another URL) must not get a session or keys of the old one.
 */
export interface CrmCredentials {
  readonly token: string;
  readonly client_id: string | null;
  readonly base_url: string;
}

/** Salesforce: keeps the session the token endpoint gave, for the next runs (see `CrmCredentials`). */
export async function saveCrmSession(
  db: Queryable,
  connection: { id: string; workspace_id: string } & CrmCredentials,
  session: { access_token: string; instance_url: string },
): Promise<void> {
  await db.query(
    `UPDATE crm_connection SET access_token = $3, instance_url = $4
     WHERE workspace_id = $1 AND id = $2 AND token = $5 AND client_id IS NOT DISTINCT FROM $6 AND base_url = $7`,
    [
      connection.workspace_id,
      connection.id,
      session.access_token,
      session.instance_url,
      connection.token,
      connection.client_id,
      connection.base_url,
    ],
  );
}

/** How long a run's lease lasts unless renewed; a run renews it at every page and before every wait. */
export const CRM_RUN_LEASE_MS = 30 * 60_000;

/**
 * Takes the run lease of an active connection (migration 0033): true when this run holds it now,
 * false when another run does (or the connection is paused or gone).
 */
export async function claimCrmRun(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  runId: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE crm_connection SET running_until = $4, run_id = $3
     WHERE workspace_id = $1 AND id = $2 AND status = 'active' AND (running_until IS NULL OR running_until < $5)
     RETURNING id`,
    [connection.workspace_id, connection.id, runId, new Date(now.getTime() + CRM_RUN_LEASE_MS), now],
  );
  return rows.length === 1;
}

/** Extends the lease held by `runId`; false when the run lost it (it lapsed and another run took it). */
export async function renewCrmRun(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  runId: string,
  now: Date,
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE crm_connection SET running_until = $4 WHERE workspace_id = $1 AND id = $2 AND run_id = $3
     RETURNING id`,
    [connection.workspace_id, connection.id, runId, new Date(now.getTime() + CRM_RUN_LEASE_MS)],
  );
  return rows.length === 1;
}

/** Gives the lease back (if `runId` still holds it). */
export async function releaseCrmRun(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  runId: string,
): Promise<void> {
  await db.query(
    `UPDATE crm_connection SET running_until = NULL, run_id = NULL
     WHERE workspace_id = $1 AND id = $2 AND run_id = $3`,
    [connection.workspace_id, connection.id, runId],
  );
}

/** Deletes a connection with its links and push records (the Plaudit contacts and accounts stay). */
export async function deleteCrmConnection(
  db: Queryable,
  workspaceId: string,
  id: string,
): Promise<CrmConnection | undefined> {
  const rows = await db.query<CrmConnection>(
    `DELETE FROM crm_connection WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [workspaceId, id],
  );
  return rows[0];
}

/** The remote field keys, for the credentials they were found with (see `CrmCredentials`). */
export async function saveFieldKeys(
  db: Queryable,
  connection: { id: string; workspace_id: string } & CrmCredentials,
  keys: Record<CrmField, string> | null,
): Promise<void> {
  await db.query(
    `UPDATE crm_connection SET field_keys = $3::jsonb
     WHERE workspace_id = $1 AND id = $2 AND token = $4 AND client_id IS NOT DISTINCT FROM $5 AND base_url = $6`,
    [
      connection.workspace_id,
      connection.id,
      keys === null ? null : JSON.stringify(keys),
      connection.token,
      connection.client_id,
      connection.base_url,
    ],
  );
}

/** The outcome of a run: its counts, the phases that finished, and the error (null clears it). */
export async function recordCrmRun(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  run: { counts: CrmRunCounts; pushed: boolean; pulled: boolean; error: string | null },
  now: Date,
): Promise<void> {
  await db.query(
    `UPDATE crm_connection SET last_run = $3::jsonb,
       last_push_at = CASE WHEN $4::boolean THEN $7 ELSE last_push_at END,
       last_pull_at = CASE WHEN $5::boolean THEN $7 ELSE last_pull_at END,
       last_error = $6, last_error_at = CASE WHEN $6::text IS NULL THEN NULL ELSE $7 END
     WHERE workspace_id = $1 AND id = $2`,
    [
      connection.workspace_id,
      connection.id,
      JSON.stringify(run.counts),
      run.pushed,
      run.pulled,
      run.error,
      now,
    ],
  );
}

/** A contact whose latest response is not yet in the CRM (or failed there). */
export interface PushCandidate {
  contact_id: string;
  email: string;
  response_id: string;
  /** As text, so the microseconds of an edited response survive the round trip. */
  response_updated_at: string;
  score: number;
  comment: string | null;
  day: string;
}

/**
 * Contacts with an email whose latest response (by answer time) differs from what was last pushed
 * for this connection, or whose last push failed; keyset pages by contact id. One index look-up
 * per contact on response_contact.
 */
export async function listPushCandidates(
  db: Queryable,
  workspaceId: string,
  connectionId: string,
  page: { after: string; limit: number },
): Promise<PushCandidate[]> {
  return db.query<PushCandidate>(
    `SELECT c.id AS contact_id, c.email, l.id AS response_id, l.updated_at::text AS response_updated_at, l.score,
            l.comment, l.day::text AS day
     FROM contact c
     CROSS JOIN LATERAL (
       SELECT r.id, r.updated_at, r.score, r.comment, r.day FROM response r
       WHERE r.contact_id = c.id AND r.workspace_id = c.workspace_id
       ORDER BY r.created_at DESC, r.id DESC LIMIT 1
     ) l
     LEFT JOIN crm_push p ON p.workspace_id = c.workspace_id AND p.connection_id = $2 AND p.contact_id = c.id
     WHERE c.workspace_id = $1 AND c.email IS NOT NULL AND c.id > $3::uuid
       AND (p.contact_id IS NULL OR p.status = 'failed' OR p.response_id <> l.id
            OR p.response_updated_at <> l.updated_at)
     ORDER BY c.id LIMIT $4`,
    [workspaceId, connectionId, page.after, page.limit],
  );
}

export interface PushRecord {
  contact_id: string;
  response_id: string;
  response_updated_at: string;
  status: 'pushed' | 'not_found' | 'failed';
  remote_id: string | null;
  error: string | null;
}

/** Records what a batch did, in one statement. */
export async function recordPushes(
  db: Queryable,
  workspaceId: string,
  connectionId: string,
  records: readonly PushRecord[],
  now: Date,
): Promise<void> {
  if (records.length === 0) return;
  await db.query(
    `INSERT INTO crm_push (connection_id, contact_id, workspace_id, response_id, response_updated_at, status,
                           remote_id, error, pushed_at)
     SELECT $1, u.contact_id, $2, u.response_id, u.response_updated_at, u.status, u.remote_id, u.error, $9
     FROM unnest($3::uuid[], $4::uuid[], $5::timestamptz[], $6::text[], $7::text[], $8::text[])
       AS u(contact_id, response_id, response_updated_at, status, remote_id, error)
     ON CONFLICT (connection_id, contact_id) DO UPDATE SET response_id = excluded.response_id,
       response_updated_at = excluded.response_updated_at, status = excluded.status,
       remote_id = excluded.remote_id, error = excluded.error, pushed_at = excluded.pushed_at
     WHERE crm_push.workspace_id = excluded.workspace_id`,
    [
      connectionId,
      workspaceId,
      records.map((r) => r.contact_id),
      records.map((r) => r.response_id),
      records.map((r) => r.response_updated_at),
      records.map((r) => r.status),
      records.map((r) => r.remote_id),
      records.map((r) => r.error),
      now,
    ],
  );
}

/** The remote record linked to each contact, where one is. */
export async function remoteIdsOfContacts(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  contactIds: readonly string[],
): Promise<Map<string, string>> {
  const rows = await db.query<{ local_id: string; remote_id: string }>(
    `SELECT DISTINCT ON (local_id) local_id, remote_id FROM crm_link
     WHERE workspace_id = $1 AND connection_id = $2 AND kind = 'contact' AND local_id = ANY($3::uuid[])
     ORDER BY local_id, updated_at DESC, remote_id`,
    [connection.workspace_id, connection.id, contactIds],
  );
  return new Map(rows.map((r) => [r.local_id, r.remote_id]));
}

export async function saveLinks(
  db: Queryable,
  workspaceId: string,
  connectionId: string,
  kind: 'contact' | 'account',
  links: readonly { remote_id: string; local_id: string }[],
  now: Date,
): Promise<void> {
  if (links.length === 0) return;
  // One statement may touch a row once: the last link of a remote id wins.
  const unique = [...new Map(links.map((l) => [l.remote_id, l])).values()];
  await db.query(
    `INSERT INTO crm_link (connection_id, kind, remote_id, local_id, workspace_id, updated_at)
     SELECT $1, $2, u.remote_id, u.local_id, $3, $6
     FROM unnest($4::text[], $5::uuid[]) AS u(remote_id, local_id)
     ON CONFLICT (connection_id, kind, remote_id) DO UPDATE SET local_id = excluded.local_id,
       updated_at = excluded.updated_at
     WHERE crm_link.workspace_id = excluded.workspace_id`,
    [connectionId, kind, workspaceId, unique.map((l) => l.remote_id), unique.map((l) => l.local_id), now],
  );
}

export async function deleteContactLinks(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  remoteIds: readonly string[],
): Promise<void> {
  if (remoteIds.length === 0) return;
  await db.query(
    `DELETE FROM crm_link
     WHERE workspace_id = $1 AND connection_id = $2 AND kind = 'contact' AND remote_id = ANY($3::text[])`,
    [connection.workspace_id, connection.id, remoteIds],
  );
}

/**
 * Writes a page of pulled companies as accounts: the linked account, else the one with the external
 * id `<provider>:<id>`, else the oldest with the same name, else a new one. Returns remote id →
 * account id.
 */
export async function upsertPulledAccounts(
  db: Queryable,
  connection: { id: string; workspace_id: string; provider: CrmProvider },
  companies: readonly RemoteCompany[],
  now: Date,
): Promise<Map<string, string>> {
  const ws = connection.workspace_id;
  const byRemote = new Map<string, string>();
  if (companies.length === 0) return byRemote;
  const linked = await db.query<{ remote_id: string; id: string }>(
    `SELECT l.remote_id, a.id FROM crm_link l JOIN account a ON a.id = l.local_id AND a.workspace_id = l.workspace_id
     WHERE l.workspace_id = $1 AND l.connection_id = $2 AND l.kind = 'account' AND l.remote_id = ANY($3::text[])`,
    [ws, connection.id, companies.map((c) => c.id)],
  );
  for (const r of linked) byRemote.set(r.remote_id, r.id);
  const unlinked = companies.filter((c) => !byRemote.has(c.id));
  const names = unlinked.map((c) => c.name).filter((n): n is string => n !== null);
  const sameName = await db.query<{ id: string; name: string }>(
    `SELECT DISTINCT ON (name) id, name FROM account
     WHERE workspace_id = $1 AND name = ANY($2::text[]) AND (external_id IS NULL OR external_id NOT LIKE $3)
     ORDER BY name, created_at, id`,
    [ws, names, `${connection.provider}:%`],
  );
  const idOfName = new Map(sameName.map((r) => [r.name, r.id]));
  const toUpsert: RemoteCompany[] = [];
  for (const company of unlinked) {
    const id = company.name === null ? undefined : idOfName.get(company.name);
    if (id) byRemote.set(company.id, id);
    else toUpsert.push(company);
  }
  // By external id: creates the missing ones, renames the ones that exist.
  const ids = await upsertAccounts(
    db,
    ws,
    toUpsert.map((c) => ({
      external_id: externalIdOf(connection.provider, c.id),
      name: c.name ?? undefined,
    })),
  );
  toUpsert.forEach((c, i) => {
    byRemote.set(c.id, ids[i]!);
  });
  // Linked accounts follow a rename in the CRM.
  const renamed = companies.filter((c) => c.name !== null && linked.some((l) => l.remote_id === c.id));
  if (renamed.length > 0) {
    await db.query(
      `UPDATE account a SET name = u.name, updated_at = now()
       FROM unnest($2::uuid[], $3::text[]) AS u(id, name)
       WHERE a.workspace_id = $1 AND a.id = u.id AND a.name IS DISTINCT FROM u.name`,
      [ws, renamed.map((c) => byRemote.get(c.id)!), renamed.map((c) => c.name!)],
    );
  }
  await saveLinks(
    db,
    ws,
    connection.id,
    'account',
    companies.map((c) => ({ remote_id: c.id, local_id: byRemote.get(c.id)! })),
    now,
  );
  return byRemote;
}

/**
 * Writes a page of pulled contacts: the linked contact, else the one with the same email, else the
 * one with the external id `<provider>:<id>`, else a new one with that external id. A match keeps
 * its email and external id; its name and account follow the CRM. Returns the contact ids that
 * were linked for the first time.
 */
export async function upsertPulledContacts(
  db: Queryable,
  connection: { id: string; workspace_id: string; provider: CrmProvider },
  contacts: readonly RemoteContact[],
  accountOf: ReadonlyMap<string, string>,
  now: Date,
): Promise<string[]> {
  const ws = connection.workspace_id;
  if (contacts.length === 0) return [];
  const byRemote = new Map<string, string>();
  const linked = await db.query<{ remote_id: string; id: string }>(
    `SELECT l.remote_id, c.id FROM crm_link l JOIN contact c ON c.id = l.local_id AND c.workspace_id = l.workspace_id
     WHERE l.workspace_id = $1 AND l.connection_id = $2 AND l.kind = 'contact' AND l.remote_id = ANY($3::text[])`,
    [ws, connection.id, contacts.map((c) => c.id)],
  );
  for (const r of linked) byRemote.set(r.remote_id, r.id);
  const unlinked = contacts.filter((c) => !byRemote.has(c.id));
  const existing = await db.query<{ id: string; email: string | null; external_id: string | null }>(
    `SELECT id, email, external_id FROM contact
     WHERE workspace_id = $1 AND (email = ANY($2::text[]) OR external_id = ANY($3::text[]))`,
    [
      ws,
      unlinked.map((c) => c.email).filter((e): e is string => e !== null),
      unlinked.map((c) => externalIdOf(connection.provider, c.id)),
    ],
  );
  const idOfEmail = new Map(existing.filter((r) => r.email).map((r) => [r.email!, r.id]));
  const idOfExternal = new Map(existing.filter((r) => r.external_id).map((r) => [r.external_id!, r.id]));
  const newlyLinked: string[] = [];
  // New contacts, one per email (the CRM may hold duplicates; they all link to one contact).
  const toCreate = new Map<string, RemoteContact[]>();
  for (const c of unlinked) {
    const id =
      (c.email ? idOfEmail.get(c.email) : undefined) ??
      idOfExternal.get(externalIdOf(connection.provider, c.id));
    if (id) {
      byRemote.set(c.id, id);
      newlyLinked.push(id);
    } else {
      const key = c.email ? `e:${c.email}` : `x:${c.id}`;
      toCreate.set(key, [...(toCreate.get(key) ?? []), c]);
    }
  }
  const firsts = [...toCreate.values()].map((group) => group[0]!);
  const created = await upsertContacts(
    db,
    ws,
    firsts.map((c) => ({
      email: c.email,
      external_id: externalIdOf(connection.provider, c.id),
      name: c.name,
      account_id: c.companyId ? (accountOf.get(c.companyId) ?? null) : null,
    })),
  );
  [...toCreate.values()].forEach((group, i) => {
    for (const c of group) byRemote.set(c.id, created[i]!);
  });
  // Name and account follow the CRM (a missing one keeps what Plaudit has).
  const matched = contacts.filter((c) => !firsts.includes(c));
  if (matched.length > 0) {
    await db.query(
      `UPDATE contact c SET name = coalesce(u.name, c.name), account_id = coalesce(u.account_id, c.account_id),
         updated_at = now()
       FROM unnest($2::uuid[], $3::text[], $4::uuid[]) AS u(id, name, account_id)
       WHERE c.workspace_id = $1 AND c.id = u.id
         AND (c.name IS DISTINCT FROM coalesce(u.name, c.name)
              OR c.account_id IS DISTINCT FROM coalesce(u.account_id, c.account_id))`,
      [
        ws,
        matched.map((c) => byRemote.get(c.id)!),
        matched.map((c) => c.name),
        matched.map((c) => (c.companyId ? (accountOf.get(c.companyId) ?? null) : null)),
      ],
    );
  }
  await saveLinks(
    db,
    ws,
    connection.id,
    'contact',
    contacts.map((c) => ({ remote_id: c.id, local_id: byRemote.get(c.id)! })),
    now,
  );
  // A contact the push could not find in the CRM is tried again now that the CRM has it.
  if (newlyLinked.length > 0) {
    await db.query(
      `DELETE FROM crm_push
       WHERE workspace_id = $1 AND connection_id = $2 AND status = 'not_found' AND contact_id = ANY($3::uuid[])`,
      [ws, connection.id, newlyLinked],
    );
  }
  return newlyLinked;
}

/** Account ids of remote companies linked earlier (for contacts whose company is on another page). */
export async function accountIdsOfRemote(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  remoteIds: readonly string[],
): Promise<Map<string, string>> {
  if (remoteIds.length === 0) return new Map();
  const rows = await db.query<{ remote_id: string; local_id: string }>(
    `SELECT l.remote_id, l.local_id FROM crm_link l JOIN account a ON a.id = l.local_id AND a.workspace_id = l.workspace_id
     WHERE l.workspace_id = $1 AND l.connection_id = $2 AND l.kind = 'account' AND l.remote_id = ANY($3::text[])`,
    [connection.workspace_id, connection.id, remoteIds],
  );
  return new Map(rows.map((r) => [r.remote_id, r.local_id]));
}
