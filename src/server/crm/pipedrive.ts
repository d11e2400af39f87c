/**
 * Pipedrive API v2 (https://developers.pipedrive.com/docs/api/v1 and the v2 migration guide; API v1
 * is being retired, so only v2 endpoints are used):
 *
 * - auth: the personal API token in the `x-api-token` header (v2 takes no `api_token` query parameter);
 * - GET  /api/v2/personFields?limit=500&cursor=… → { success, data: [{ field_code, field_name, field_type }],
 *   additional_data: { next_cursor } }; custom fields are keyed by 40-character hashes (field_code)
 * - POST /api/v2/personFields { field_name, field_type } → { success, data: { field_code, … } }
 * - GET  /api/v2/persons/search?term=…&fields=email&exact_match=true → { success, data: { items: [{ item: { id } }] } }
 * - PATCH /api/v2/persons/{id} { custom_fields: { <hash>: value } } → { success, data }; 404 for a deleted person
 * - GET  /api/v2/persons?limit=500&cursor=…  → { success, data: [{ id, name, emails: [{ value, primary }], org_id }],
 *   additional_data: { next_cursor } }
 * - GET  /api/v2/organizations?limit=500&cursor=… → { success, data: [{ id, name }], additional_data: { next_cursor } }
 * - 429 when the token budget is spent (waited out by Retry-After when sent, else backoff).
 *
 * There is no batch update of persons: the push writes one person per request.
 */
import {
  CRM_FIELDS,
  type CrmField,
  PIPEDRIVE_FIELD_DEFINITIONS,
  pipedriveCustomFields,
  pipedriveOrganizationOf,
  pipedrivePersonOf,
  type RemoteCompany,
  type RemoteContact,
} from '../../core/crm-mapping';
import { type CrmClient, type CrmPage, type PushItem, type PushOutcome, withPartialOutcomes } from './client';
import { CrmHttpError, type CrmRequest } from './http';

export const PIPEDRIVE_API_URL = 'https://api.pipedrive.com';
const PAGE = 500;

interface PipedriveList<T> {
  success?: boolean;
  data?: T[] | null;
  additional_data?: { next_cursor?: string | null } | null;
}

export function pipedriveClient(request: CrmRequest): CrmClient {
  async function list<T>(path: string, cursor: string | null) {
    const { body } = await request<PipedriveList<T>>('GET', path, {
      query: { limit: String(PAGE), cursor: cursor ?? undefined },
    });
    return { data: body?.data ?? [], next: body?.additional_data?.next_cursor ?? null };
  }

  async function findPerson(email: string): Promise<string | null> {
    const { body } = await request<{ data?: { items?: { item?: { id?: number | string } }[] } }>(
      'GET',
      '/api/v2/persons/search',
      { query: { term: email, fields: 'email', exact_match: 'true', limit: '1' } },
    );
    const id = body?.data?.items?.[0]?.item?.id;
    return id === undefined || id === null ? null : String(id);
  }

  async function pushOne(
    item: PushItem,
    fieldKeys: Readonly<Record<CrmField, string>>,
    lookedUp = false,
  ): Promise<PushOutcome> {
    const remoteId = item.remoteId ?? (await findPerson(item.email));
    if (remoteId === null)
      return { contactId: item.contactId, status: 'not_found', remoteId: null, error: null };
    try {
      await request('PATCH', `/api/v2/persons/${encodeURIComponent(remoteId)}`, {
        body: { custom_fields: pipedriveCustomFields(item.values, fieldKeys) },
      });
      return { contactId: item.contactId, status: 'pushed', remoteId, error: null };
    } catch (error) {
      if (!(error instanceof CrmHttpError)) throw error;
      if (error.status === 404 && item.remoteId !== null && !lookedUp) {
        // The linked person is gone: look the email up once more.
        return pushOne({ ...item, remoteId: null }, fieldKeys, true);
      }
      if (error.status === 404)
        return { contactId: item.contactId, status: 'not_found', remoteId: null, error: null };
      // A person the token's user may not see or edit: this one contact fails, the rest go on.
      if (error.status === 403)
        return { contactId: item.contactId, status: 'failed', remoteId, error: error.message.slice(0, 500) };
      throw error;
    }
  }

  return {
    provider: 'pipedrive',
    pushBatchSize: 50,

    async ensureFields() {
      const keys: Partial<Record<CrmField, string>> = {};
      let cursor: string | null = null;
      do {
        const page: { data: { field_code?: string; field_name?: string }[]; next: string | null } =
          await list('/api/v2/personFields', cursor);
        for (const field of CRM_FIELDS) {
          const found = page.data.find((f) => f.field_name === PIPEDRIVE_FIELD_DEFINITIONS[field].field_name);
          if (found?.field_code && !keys[field]) keys[field] = found.field_code;
        }
        cursor = page.next;
      } while (cursor);
      for (const field of CRM_FIELDS) {
        if (keys[field]) continue;
        const { body } = await request<{ data?: { field_code?: string } }>('POST', '/api/v2/personFields', {
          body: PIPEDRIVE_FIELD_DEFINITIONS[field],
        });
        const code = body?.data?.field_code;
        if (!code)
          throw new CrmHttpError(0, 'Pipedrive created a person field but returned no field_code', body);
        keys[field] = code;
      }
      return keys as Record<CrmField, string>;
    },

    async push(items: readonly PushItem[], fieldKeys): Promise<PushOutcome[]> {
      const outcomes: PushOutcome[] = [];
      for (const item of items) {
        try {
          outcomes.push(await pushOne(item, fieldKeys));
        } catch (error) {
          // What was written so far travels with the error, so it is recorded (never pushed twice).
          throw withPartialOutcomes(error, outcomes);
        }
      }
      return outcomes;
    },

    async listContacts(cursor): Promise<CrmPage<RemoteContact>> {
      const page = await list<unknown>('/api/v2/persons', cursor);
      return { items: page.data.map(pipedrivePersonOf).filter((c) => c !== null), next: page.next };
    },

    async listCompanies(cursor): Promise<CrmPage<RemoteCompany>> {
      const page = await list<unknown>('/api/v2/organizations', cursor);
      return { items: page.data.map(pipedriveOrganizationOf).filter((c) => c !== null), next: page.next };
    },
  };
}
