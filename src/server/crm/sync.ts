/**
 * The `crm-sync` job: one run of a CRM connection (migration 0029, docs/INTEGRATIONS.md "CRM sync").
 *
 * A run pulls (when due: never pulled, an hour since the last pull, or asked for by "sync now")
 * the CRM's companies and then its contacts into Plaudit accounts and contacts, page by page, and
 * then pushes: every contact with an email whose latest response is not what `crm_push` says was
 * last written (another response, or the same one edited since), in pages of the client's batch
 * size, at most `MAX_PUSH_PER_RUN` per run (the next run goes on). Each batch's outcome is recorded
 * right after the CRM answered, so a run that dies later does not write it again, and a batch the
 * CRM did not take is not recorded, so the next run writes it (nothing twice, nothing missed). A
 * crash between the CRM's answer and the record writes the same values once more: harmless.
 *
 * Errors do not fail the job: the run records them as the connection's last_error and the chain's
 * next run (within 5 minutes) tries again; 429s are waited out inside the run first (http.ts).
 *
 * One run at a time per connection (migration 0033): a run first takes the connection's lease
 * (`claimCrmRun`), renews it at every page and batch and before every rate-limit wait, and gives it
 * back at the end. A run that cannot take it (another one is working) does nothing; a run that lost
 * it (it lapsed after `CRM_RUN_LEASE_MS` without renewal and another run took it) stops without
 * recording anything. What a run learnt with its credentials (a Salesforce session, field keys) is
 * written back only while the connection still has those credentials.
 *
 * The chain: each run first enqueues the next one at the next full 5 minutes (unique key
 * `sync:<connection id>:<time>`), so a run that fails does not end the schedule. A paused or deleted
 * connection's run does nothing and enqueues nothing; creating, resuming or "sync now" enqueues a
 * run at once.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { type CrmField, crmValuesOf, nextCrmRunAt, pullIsDue } from '../../core/crm-mapping';
import type { Database, Queryable } from '../db/port';
import { enqueue } from '../jobs/queue';
import { type JobHandler, PermanentJobError } from '../jobs/worker';
import { type CrmClient, type PushOutcome, partialOutcomesOf } from './client';
import { CrmHttpError, crmHttp, defaultSleep } from './http';
import { HUBSPOT_API_URL, hubspotClient } from './hubspot';
import { PIPEDRIVE_API_URL, pipedriveClient } from './pipedrive';
import {
  accountIdsOfRemote,
  type CrmConnectionWithToken,
  type CrmRunCounts,
  claimCrmRun,
  deleteContactLinks,
  getCrmConnectionWithToken,
  listPushCandidates,
  type PushCandidate,
  recordCrmRun,
  recordPushes,
  releaseCrmRun,
  remoteIdsOfContacts,
  renewCrmRun,
  saveCrmSession,
  saveFieldKeys,
  saveLinks,
  upsertPulledAccounts,
  upsertPulledContacts,
} from './repo';
import { salesforceClient } from './salesforce';

export const CRM_SYNC_QUEUE = 'crm-sync';
/** Contacts pushed per run at most; the rest go in the next run. */
export const MAX_PUSH_PER_RUN = 2_000;

export const DEFAULT_CRM_URLS = { hubspot: HUBSPOT_API_URL, pipedrive: PIPEDRIVE_API_URL } as const;

export interface CrmSyncPayload {
  connection_id: string;
  /** "Sync now": pull even if the last pull was less than an hour ago. */
  pull?: boolean;
}

export interface CrmSyncDeps {
  readonly clock: () => Date;
  /** How 429 waits sleep (tests record them instead). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const NIL_UUID = '00000000-0000-0000-0000-000000000000';

/** Enqueues the run at the next full 5 minutes (once, whoever asks). */
export async function scheduleNextCrmRun(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  now: Date,
): Promise<void> {
  const runAt = nextCrmRunAt(now);
  await enqueue(
    db,
    {
      queue: CRM_SYNC_QUEUE,
      payload: { connection_id: connection.id },
      workspaceId: connection.workspace_id,
      runAt,
      maxAttempts: 1,
    },
    { now, uniqueKey: `sync:${connection.id}:${runAt.toISOString()}` },
  );
}

/** Enqueues a run now (after creating or resuming a connection, or "sync now"); it pulls too. */
export async function startCrmSync(
  db: Queryable,
  connection: { id: string; workspace_id: string },
  now: Date,
): Promise<void> {
  await enqueue(
    db,
    {
      queue: CRM_SYNC_QUEUE,
      payload: { connection_id: connection.id, pull: true } satisfies CrmSyncPayload,
      workspaceId: connection.workspace_id,
      maxAttempts: 1,
    },
    { now, uniqueKey: `now:${connection.id}:${now.getTime()}:${randomBytes(4).toString('hex')}` },
  );
}

export function clientFor(
  connection: Pick<CrmConnectionWithToken, 'provider' | 'token' | 'base_url'> &
    Partial<Pick<CrmConnectionWithToken, 'client_id' | 'access_token' | 'instance_url'>>,
  options: {
    clock: () => Date;
    sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
    signal?: AbortSignal;
    /** Salesforce: keeps a new session for the next runs. */
    saveSession?: (session: { access_token: string; instance_url: string }) => Promise<void>;
  },
): CrmClient {
  const { saveSession, ...http } = options;
  if (connection.provider === 'salesforce') {
    return salesforceClient({
      baseUrl: connection.base_url,
      clientId: connection.client_id ?? '',
      clientSecret: connection.token,
      session:
        connection.access_token && connection.instance_url
          ? { accessToken: connection.access_token, instanceUrl: connection.instance_url }
          : null,
      saveSession: saveSession
        ? (s) => saveSession({ access_token: s.accessToken, instance_url: s.instanceUrl })
        : undefined,
      http,
    });
  }
  if (connection.provider === 'hubspot') {
    return hubspotClient(
      crmHttp({
        baseUrl: connection.base_url,
        headers: { authorization: `Bearer ${connection.token}` },
        service: 'HubSpot',
        ...http,
      }),
    );
  }
  return pipedriveClient(
    crmHttp({
      baseUrl: connection.base_url,
      headers: { 'x-api-token': connection.token },
      service: 'Pipedrive',
      ...http,
    }),
  );
}

export interface CrmRunResult {
  counts: CrmRunCounts;
  pulled: boolean;
  pushed: boolean;
  error: string | null;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** The run's lease lapsed and another run holds it now: this run stops and records nothing. */
export class CrmLeaseLostError extends Error {
  override readonly name = 'CrmLeaseLostError';
}

/** Renews the run's lease (throws `CrmLeaseLostError` when it is gone). */
type Renew = () => Promise<void>;

/**
 * One run of a connection at `now`. Returns null when there is nothing to do (no such connection in
 * the workspace, paused, or another run of it is working) or the run lost its lease.
 */
export async function runCrmSync(
  db: Database,
  workspaceId: string,
  connectionId: string,
  options: {
    now: Date;
    pull?: boolean;
    clock?: () => Date;
    sleep?: CrmSyncDeps['sleep'];
    signal?: AbortSignal;
  },
): Promise<CrmRunResult | null> {
  const { now } = options;
  const clock = options.clock ?? (() => now);
  const target = { id: connectionId, workspace_id: workspaceId };
  const runId = randomUUID();
  if (!UUID.test(connectionId) || !(await claimCrmRun(db, target, runId, now))) return null;
  const renew: Renew = async () => {
    if (!(await renewCrmRun(db, target, runId, clock())))
      throw new CrmLeaseLostError(`run ${runId} lost the lease of connection ${connectionId}`);
  };
  try {
    return await runLeased(db, workspaceId, connectionId, { ...options, clock }, renew);
  } catch (error) {
    if (error instanceof CrmLeaseLostError) return null;
    throw error;
  } finally {
    await releaseCrmRun(db, target, runId);
  }
}

async function runLeased(
  db: Database,
  workspaceId: string,
  connectionId: string,
  options: {
    now: Date;
    pull?: boolean;
    clock: () => Date;
    sleep?: CrmSyncDeps['sleep'];
    signal?: AbortSignal;
  },
  renew: Renew,
): Promise<CrmRunResult | null> {
  const connection = await getCrmConnectionWithToken(db, workspaceId, connectionId);
  if (connection?.status !== 'active') return null;
  const { now } = options;
  const sleep = options.sleep ?? defaultSleep;
  const client = clientFor(connection, {
    clock: options.clock,
    // A wait for a rate limit first makes sure the lease outlasts it.
    sleep: async (ms, signal) => {
      await renew();
      await sleep(ms, signal);
    },
    signal: options.signal,
    saveSession: (session) => saveCrmSession(db, connection, session),
  });
  const counts: CrmRunCounts = { pushed: 0, not_found: 0, failed: 0, contacts: 0, accounts: 0 };
  const errors: string[] = [];
  let pulled = false;
  let pushed = false;

  if (connection.pull_enabled && pullIsDue(connection.last_pull_at, now, options.pull === true)) {
    try {
      await pull(db, connection, client, counts, now, renew);
      pulled = true;
    } catch (error) {
      if (error instanceof CrmLeaseLostError) throw error;
      errors.push(`pull: ${messageOf(error)}`);
    }
  }
  if (connection.push_enabled) {
    try {
      await push(db, connection, client, counts, now, renew);
      pushed = true;
    } catch (error) {
      if (error instanceof CrmLeaseLostError) throw error;
      // A 400 may mean a field was deleted in the CRM: the next run makes sure of them again.
      if (error instanceof CrmHttpError && error.status === 400) await saveFieldKeys(db, connection, null);
      errors.push(`push: ${messageOf(error)}`);
    }
  }
  if (counts.failed > 0 && errors.length === 0)
    errors.push(`push: ${counts.failed} contact(s) refused by the CRM`);
  const error = errors.length === 0 ? null : errors.join('; ').slice(0, 2000);
  await renew();
  await recordCrmRun(db, connection, { counts, pushed, pulled, error }, now);
  return { counts, pulled, pushed, error };
}

async function pull(
  db: Database,
  connection: CrmConnectionWithToken,
  client: CrmClient,
  counts: CrmRunCounts,
  now: Date,
  renew: Renew,
): Promise<void> {
  let cursor: string | null = null;
  do {
    await renew();
    const page = await client.listCompanies(cursor);
    await db.transaction((tx) => upsertPulledAccounts(tx, connection, page.items, now));
    counts.accounts += page.items.length;
    cursor = page.next;
  } while (cursor);
  cursor = null;
  do {
    await renew();
    const page = await client.listContacts(cursor);
    const companyIds = [
      ...new Set(page.items.map((c) => c.companyId).filter((id): id is string => id !== null)),
    ];
    await db.transaction(async (tx) => {
      const accountOf = await accountIdsOfRemote(tx, connection, companyIds);
      await upsertPulledContacts(tx, connection, page.items, accountOf, now);
    });
    counts.contacts += page.items.length;
    cursor = page.next;
  } while (cursor);
}

async function push(
  db: Database,
  connection: CrmConnectionWithToken,
  client: CrmClient,
  counts: CrmRunCounts,
  now: Date,
  renew: Renew,
): Promise<void> {
  let fieldKeys: Record<CrmField, string> | null = connection.field_keys;
  let after = NIL_UUID;
  let done = 0;
  while (done < MAX_PUSH_PER_RUN) {
    await renew();
    const page = await listPushCandidates(db, connection.workspace_id, connection.id, {
      after,
      limit: Math.min(client.pushBatchSize, MAX_PUSH_PER_RUN - done),
    });
    if (page.length === 0) break;
    after = page[page.length - 1]!.contact_id;
    if (fieldKeys === null) {
      // Once per connection (again only after the CRM said a field is gone).
      fieldKeys = await client.ensureFields();
      await saveFieldKeys(db, connection, fieldKeys);
    }
    const links = await remoteIdsOfContacts(
      db,
      connection,
      page.map((c) => c.contact_id),
    );
    const items = page.map((c) => ({
      contactId: c.contact_id,
      email: c.email,
      values: crmValuesOf({ score: c.score, comment: c.comment, day: c.day }),
      remoteId: links.get(c.contact_id) ?? null,
    }));
    let outcomes: PushOutcome[];
    try {
      outcomes = await client.push(items, fieldKeys);
    } catch (error) {
      await recordOutcomes(db, connection, page, partialOutcomesOf(error), links, counts, now);
      throw error;
    }
    await recordOutcomes(db, connection, page, outcomes, links, counts, now);
    done += page.length;
    if (page.length < client.pushBatchSize) break;
  }
}

async function recordOutcomes(
  db: Database,
  connection: CrmConnectionWithToken,
  page: readonly PushCandidate[],
  outcomes: readonly PushOutcome[],
  links: ReadonlyMap<string, string>,
  counts: CrmRunCounts,
  now: Date,
): Promise<void> {
  if (outcomes.length === 0) return;
  const candidate = new Map(page.map((c) => [c.contact_id, c]));
  await db.transaction(async (tx) => {
    await recordPushes(
      tx,
      connection.workspace_id,
      connection.id,
      outcomes.map((o) => {
        const c = candidate.get(o.contactId)!;
        return {
          contact_id: o.contactId,
          response_id: c.response_id,
          response_updated_at: c.response_updated_at,
          status: o.status,
          remote_id: o.remoteId,
          error: o.error,
        };
      }),
      now,
    );
    // Found by email: linked from now on. Linked but gone from the CRM: unlinked.
    await saveLinks(
      tx,
      connection.workspace_id,
      connection.id,
      'contact',
      outcomes
        .filter((o) => o.remoteId !== null && links.get(o.contactId) !== o.remoteId)
        .map((o) => ({ remote_id: o.remoteId!, local_id: o.contactId })),
      now,
    );
    await deleteContactLinks(
      tx,
      connection,
      outcomes
        .filter((o) => o.status === 'not_found' && links.has(o.contactId))
        .map((o) => links.get(o.contactId)!),
    );
  });
  for (const o of outcomes) counts[o.status] += 1;
}

/**
 * The handler of the `crm-sync` queue.
 * @example startWorker({ db, handlers: { [CRM_SYNC_QUEUE]: crmSyncHandler({ clock }) } })
 */
export function crmSyncHandler(deps: CrmSyncDeps): JobHandler {
  return async ({ job, db, signal }) => {
    const payload = job.payload as Partial<CrmSyncPayload>;
    const connectionId = payload.connection_id;
    if (typeof connectionId !== 'string' || !UUID.test(connectionId)) {
      throw new PermanentJobError(`job ${job.id}: payload.connection_id is not a connection id`);
    }
    if (job.workspaceId === null) throw new PermanentJobError(`job ${job.id}: no workspace`);
    const now = deps.clock();
    const rows = await db.query<{ id: string; workspace_id: string; status: string }>(
      'SELECT id, workspace_id, status FROM crm_connection WHERE workspace_id = $1 AND id = $2',
      [job.workspaceId, connectionId],
    );
    const connection = rows[0];
    // Deleted or paused: the chain ends here (resuming starts a new one).
    if (connection?.status !== 'active') return;
    await scheduleNextCrmRun(db, connection, now);
    // Another run of this connection is working: this one does nothing (the chain goes on).
    await runCrmSync(db, job.workspaceId, connectionId, {
      now,
      pull: payload.pull === true,
      clock: deps.clock,
      sleep: deps.sleep,
      signal,
    });
  };
}
