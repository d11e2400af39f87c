/**
 * HubSpot CRM v3 (https://developers.hubspot.com/docs/api-reference, the parts the sync uses):
 *
 * - auth: `Authorization: Bearer <private app access token>` (scopes crm.objects.contacts.read/write,
 *   crm.objects.companies.read, crm.schemas.contacts.read/write);
 * - GET  /crm/v3/properties/contacts                    → { results: [{ name, … }] }
 * - POST /crm/v3/properties/contacts { name, label, type, fieldType, groupName, options? } → 201; 409 when it exists
 * - POST /crm/v3/objects/contacts/batch/read { idProperty: 'email', properties, inputs: [{ id: email }] }
 *   → 200, or 207 with `errors` for the emails it has no contact for; at most 100 inputs
 * - POST /crm/v3/objects/contacts/batch/update { inputs: [{ id, properties }] } → 200, or 207 with `errors`;
 *   at most 100 inputs; an unknown property is a 400
 * - GET  /crm/v3/objects/contacts?limit=100&after=…&properties=… → { results, paging: { next: { after } } }
 * - GET  /crm/v3/objects/companies?limit=100&after=…&properties=…  (the same shape)
 * - 429 when over the burst or daily limit (the wait comes from Retry-After when sent, else backoff).
 */
import {
  type CrmField,
  HUBSPOT_PROPERTY_NAMES,
  hubspotCompanyOf,
  hubspotContactOf,
  hubspotProperties,
  hubspotPropertyDefinitions,
  normaliseCrmEmail,
  type RemoteCompany,
  type RemoteContact,
} from '../../core/crm-mapping';
import type { CrmClient, CrmPage, PushItem, PushOutcome } from './client';
import { CrmHttpError, type CrmRequest } from './http';

export const HUBSPOT_API_URL = 'https://api.hubapi.com';
const BATCH = 100;

interface HubspotObject {
  id: string;
  properties?: Record<string, unknown>;
}
interface HubspotList {
  results?: HubspotObject[];
  paging?: { next?: { after?: string } };
}
interface HubspotBatch {
  status?: string;
  results?: HubspotObject[];
  errors?: { message?: string; category?: string; context?: { ids?: string[] } }[];
}

export function hubspotClient(request: CrmRequest): CrmClient {
  async function list(object: 'contacts' | 'companies', properties: string[], cursor: string | null) {
    const { body } = await request<HubspotList>('GET', `/crm/v3/objects/${object}`, {
      query: {
        limit: String(BATCH),
        after: cursor ?? undefined,
        properties: properties.join(','),
        archived: 'false',
      },
    });
    return { results: body?.results ?? [], next: body?.paging?.next?.after ?? null };
  }

  return {
    provider: 'hubspot',
    pushBatchSize: BATCH,

    async ensureFields() {
      const { body } = await request<{ results?: { name?: string }[] }>('GET', '/crm/v3/properties/contacts');
      const have = new Set((body?.results ?? []).map((p) => p.name));
      for (const definition of hubspotPropertyDefinitions()) {
        if (have.has(definition.name)) continue;
        try {
          await request('POST', '/crm/v3/properties/contacts', { body: definition });
        } catch (error) {
          // Created meanwhile (another run): fine.
          if (!(error instanceof CrmHttpError && error.status === 409)) throw error;
        }
      }
      return { ...HUBSPOT_PROPERTY_NAMES } as Record<CrmField, string>;
    },

    async push(items: readonly PushItem[], fieldKeys): Promise<PushOutcome[]> {
      // Look the emails up now (a contact deleted in HubSpot is simply not found).
      let read: HubspotBatch | null = null;
      try {
        read = (
          await request<HubspotBatch>('POST', '/crm/v3/objects/contacts/batch/read', {
            body: {
              idProperty: 'email',
              properties: ['email'],
              inputs: [...new Set(items.map((i) => i.email))].map((email) => ({ id: email })),
            },
          })
        ).body;
      } catch (error) {
        // None of the emails is a HubSpot contact: some answers say so with a 404 instead of a 207.
        if (!(error instanceof CrmHttpError && error.status === 404)) throw error;
      }
      const idOfEmail = new Map<string, string>();
      for (const r of read?.results ?? []) {
        const email = normaliseCrmEmail(r.properties?.email);
        if (email && r.id) idOfEmail.set(email, String(r.id));
      }
      const found = items.filter((i) => idOfEmail.has(i.email));
      const failed = new Map<string, string>();
      if (found.length > 0) {
        // One HubSpot contact per input: items sharing an email cannot occur (Plaudit emails are unique).
        const update = await request<HubspotBatch>('POST', '/crm/v3/objects/contacts/batch/update', {
          body: {
            inputs: found.map((i) => ({
              id: idOfEmail.get(i.email)!,
              properties: hubspotProperties(i.values, fieldKeys),
            })),
          },
        });
        for (const e of update.body?.errors ?? [])
          for (const id of e.context?.ids ?? [])
            failed.set(id, e.message ?? e.category ?? 'refused by HubSpot');
      }
      return items.map((i) => {
        const remoteId = idOfEmail.get(i.email) ?? null;
        if (remoteId === null) return { contactId: i.contactId, status: 'not_found', remoteId, error: null };
        const error = failed.get(remoteId);
        return error === undefined
          ? { contactId: i.contactId, status: 'pushed', remoteId, error: null }
          : { contactId: i.contactId, status: 'failed', remoteId, error: error.slice(0, 500) };
      });
    },

    async listContacts(cursor): Promise<CrmPage<RemoteContact>> {
      const page = await list('contacts', ['email', 'firstname', 'lastname', 'associatedcompanyid'], cursor);
      return { items: page.results.map(hubspotContactOf).filter((c) => c !== null), next: page.next };
    },

    async listCompanies(cursor): Promise<CrmPage<RemoteCompany>> {
      const page = await list('companies', ['name', 'domain'], cursor);
      return { items: page.results.map(hubspotCompanyOf).filter((c) => c !== null), next: page.next };
    },
  };
}
