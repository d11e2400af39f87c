/** What the sync needs from a CRM; one implementation per provider (hubspot.ts, pipedrive.ts). */
import type { CrmField, CrmProvider, CrmValues, RemoteCompany, RemoteContact } from '../../core/crm-mapping';

export interface CrmPage<T> {
  readonly items: T[];
  /** Pass to get the next page; null after the last one. */
  readonly next: string | null;
}

export interface PushItem {
  readonly contactId: string;
  readonly email: string;
  readonly values: CrmValues;
  /** The remote record the pull linked to this contact, if any. */
  readonly remoteId: string | null;
}

export interface PushOutcome {
  readonly contactId: string;
  readonly status: 'pushed' | 'not_found' | 'failed';
  readonly remoteId: string | null;
  readonly error: string | null;
}

export interface CrmClient {
  readonly provider: CrmProvider;
  /** Contacts written per `push` call. */
  readonly pushBatchSize: number;
  /** Makes sure the four fields exist on contacts/persons (creating the missing ones); their remote keys. */
  ensureFields(): Promise<Record<CrmField, string>>;
  /**
   * Writes the values of each item to the CRM record with its email (or its linked record). A
   * thrown error means nothing of the batch is known to be written; an outcome per item otherwise.
   */
  push(items: readonly PushItem[], fieldKeys: Readonly<Record<CrmField, string>>): Promise<PushOutcome[]>;
  listContacts(cursor: string | null): Promise<CrmPage<RemoteContact>>;
  listCompanies(cursor: string | null): Promise<CrmPage<RemoteCompany>>;
}

/** An error of a push call that wrote some items before it failed: those are recorded all the same. */
export function withPartialOutcomes(error: unknown, outcomes: readonly PushOutcome[]): unknown {
  if (outcomes.length > 0 && error instanceof Error) Object.assign(error, { partialOutcomes: [...outcomes] });
  return error;
}

export function partialOutcomesOf(error: unknown): PushOutcome[] {
  const partial = (error as { partialOutcomes?: PushOutcome[] } | null)?.partialOutcomes;
  return Array.isArray(partial) ? partial : [];
}
