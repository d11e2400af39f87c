/**
 * Salesforce REST API (https://developer.salesforce.com/docs/platform/api-rest/guide, the parts the
 * sync uses), with the OAuth 2.0 client credentials flow of a connected app / external client app:
 *
 * - POST {My Domain}/services/oauth2/token, form-encoded grant_type=client_credentials, client_id,
 *   client_secret → { access_token, instance_url, token_type: 'Bearer', issued_at, … }; 400
 *   { error: 'invalid_client' | 'invalid_grant', error_description } when refused. The flow needs the
 *   org's My Domain URL (login.salesforce.com does not serve it).
 * - every other call goes to `instance_url` with `Authorization: Bearer <access_token>`; an expired
 *   or revoked session is a 401 `[{ message, errorCode: 'INVALID_SESSION_ID' }]`: a new token is
 *   asked for once and the call repeated. The token is cached on the connection between runs.
 * - GET  /services/data/vXX.X/sobjects/Contact/describe → { fields: [{ name, type, updateable, length }] }
 * - GET  /services/data/vXX.X/query?q=<SOQL> → { totalSize, done, nextRecordsUrl?, records: [{ attributes, … }] };
 *   while `done` is false, GET nextRecordsUrl (a path such as /services/data/vXX.X/query/01g…-2000) for the next batch
 * - PATCH /services/data/vXX.X/composite/sobjects { allOrNone: false, records: [{ attributes: { type }, id, … }] }
 *   (at most 200) → 200 with one SaveResult per record, in order: { id, success, errors: [{ statusCode, message, fields }] };
 *   400 `[{ errorCode, message }]` when the request is malformed (e.g. an unknown field: INVALID_FIELD)
 * - limits: the daily API request limit answers 403 `[{ errorCode: 'REQUEST_LIMIT_EXCEEDED' }]`
 *   (not 429): the run stops with it as the last error and the next run tries again (http.ts waits
 *   only when a Retry-After is sent).
 *
 * The four custom fields are not created here (that needs the Metadata or Tooling API and an admin):
 * `ensureFields` checks them with a describe and names what an admin must create.
 */
import {
  type CrmField,
  normaliseCrmEmail,
  type RemoteCompany,
  type RemoteContact,
  SALESFORCE_ACCOUNT_QUERY,
  SALESFORCE_CONTACT_QUERY,
  SALESFORCE_FIELD_NAMES,
  type SalesforceDescribedField,
  salesforceAccountOf,
  salesforceContactOf,
  salesforceErrorCode,
  salesforceFieldProblems,
  salesforceFieldValues,
  soqlContactsByEmail,
} from '../../core/crm-mapping';
import { type CrmClient, type CrmPage, type PushItem, type PushOutcome, withPartialOutcomes } from './client';
import { CrmHttpError, type CrmHttpOptions, type CrmRequest, crmHttp } from './http';

/** Winter '25; every org of today serves it (versions are kept for years). */
export const SALESFORCE_API_VERSION = 'v62.0';
const DATA = `/services/data/${SALESFORCE_API_VERSION}`;
/** sObject collections take up to 200 records per call. */
const BATCH = 200;
/** Per-record error codes that mean the linked Contact is gone (deleted, merged away, or never was). */
const GONE = new Set([
  'ENTITY_IS_DELETED',
  'INVALID_CROSS_REFERENCE_KEY',
  'INVALID_ID_FIELD',
  'MALFORMED_ID',
  'NOT_FOUND',
]);

export interface SalesforceSession {
  readonly accessToken: string;
  readonly instanceUrl: string;
}

/** The four fields are missing or unusable: an admin has to act (the message says what). */
export class SalesforceFieldsError extends Error {
  override readonly name = 'SalesforceFieldsError';
}

export interface SalesforceClientOptions {
  /** The org's My Domain URL (https://<name>.my.salesforce.com): the token endpoint. */
  readonly baseUrl: string;
  readonly clientId: string;
  readonly clientSecret: string;
  /** The session cached from an earlier run, if any. */
  readonly session: SalesforceSession | null;
  /** Keeps a new session for the next runs. */
  readonly saveSession?: (session: SalesforceSession) => Promise<void>;
  readonly http?: Omit<CrmHttpOptions, 'baseUrl' | 'headers' | 'service' | 'isRateLimit' | 'secrets'>;
}

interface QueryResult {
  totalSize?: number;
  done?: boolean;
  nextRecordsUrl?: string;
  records?: Record<string, unknown>[];
}

interface SaveResult {
  id?: string | null;
  success?: boolean;
  errors?: { statusCode?: string; message?: string; fields?: string[] }[];
}

const isRequestLimit = (status: number, body: unknown) =>
  status === 403 && salesforceErrorCode(body) === 'REQUEST_LIMIT_EXCEEDED';

export function salesforceClient(options: SalesforceClientOptions): CrmClient {
  let session = options.session;
  const service = 'Salesforce';
  // The client secret (and id) go in the token request's form: never in a message, wherever echoed.
  const secrets = [options.clientSecret, options.clientId];
  const tokenEndpoint = crmHttp({ ...options.http, baseUrl: options.baseUrl, headers: {}, service, secrets });

  async function authenticate(): Promise<SalesforceSession> {
    let body: { access_token?: unknown; instance_url?: unknown } | null;
    try {
      ({ body } = await tokenEndpoint<typeof body>('POST', '/services/oauth2/token', {
        form: {
          grant_type: 'client_credentials',
          client_id: options.clientId,
          client_secret: options.clientSecret,
        },
      }));
    } catch (error) {
      // invalid_client / invalid_grant: the credentials (or the app's set-up) are wrong, not a field.
      if (
        error instanceof CrmHttpError &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429
      ) {
        throw new CrmHttpError(
          401,
          `Salesforce refused the client credentials (${error.message}); check the connected app's client id and secret, that the client credentials flow is enabled and a run-as user is set`,
          error.body,
        );
      }
      throw error;
    }
    const accessToken = typeof body?.access_token === 'string' ? body.access_token : '';
    const instanceUrl = typeof body?.instance_url === 'string' ? body.instance_url.replace(/\/+$/, '') : '';
    if (accessToken === '' || !/^https?:\/\/[^\s/?#]+$/.test(instanceUrl))
      throw new CrmHttpError(0, 'Salesforce answered the token request without access_token or instance_url');
    session = { accessToken, instanceUrl };
    await options.saveSession?.(session);
    return session;
  }

  const requestWith = (s: SalesforceSession): CrmRequest =>
    crmHttp({
      ...options.http,
      baseUrl: s.instanceUrl,
      headers: { authorization: `Bearer ${s.accessToken}` },
      service,
      secrets,
      isRateLimit: isRequestLimit,
    });

  /** A data call; a 401 (INVALID_SESSION_ID: expired or revoked) gets a new token once. */
  const call: CrmRequest = async (method, path, init) => {
    const current = session ?? (await authenticate());
    try {
      return await requestWith(current)(method, path, init);
    } catch (error) {
      if (!(error instanceof CrmHttpError && error.status === 401)) throw error;
      return requestWith(await authenticate())(method, path, init);
    }
  };

  async function query(soql: string, cursor: string | null) {
    if (cursor !== null && !cursor.startsWith(`/services/data/`))
      throw new CrmHttpError(0, `Salesforce gave an unexpected nextRecordsUrl: ${cursor.slice(0, 100)}`);
    const { body } = await call<QueryResult>(
      'GET',
      cursor ?? `${DATA}/query`,
      cursor === null ? { query: { q: soql } } : {},
    );
    const next = body?.done === false && typeof body.nextRecordsUrl === 'string' ? body.nextRecordsUrl : null;
    return { records: body?.records ?? [], next };
  }

  /** Contact ids by (normalised) email; the lowest id wins among duplicates. */
  async function findByEmail(emails: readonly string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const soql of soqlContactsByEmail(emails)) {
      let cursor: string | null = null;
      do {
        const page: { records: Record<string, unknown>[]; next: string | null } = await query(soql, cursor);
        for (const r of page.records) {
          const email = normaliseCrmEmail(r.Email);
          if (email && typeof r.Id === 'string' && !found.has(email)) found.set(email, r.Id);
        }
        cursor = page.next;
      } while (cursor);
    }
    return found;
  }

  /** One composite update; a result per target, in order. */
  async function update(
    targets: readonly { item: PushItem; id: string }[],
    fieldKeys: Readonly<Record<CrmField, string>>,
  ): Promise<SaveResult[]> {
    if (targets.length === 0) return [];
    const { body } = await call<SaveResult[]>('PATCH', `${DATA}/composite/sobjects`, {
      body: {
        allOrNone: false,
        records: targets.map((t) => ({
          attributes: { type: 'Contact' },
          id: t.id,
          ...salesforceFieldValues(t.item.values, fieldKeys),
        })),
      },
    });
    if (!Array.isArray(body) || body.length !== targets.length)
      throw new CrmHttpError(0, 'Salesforce answered the update without one result per record', body);
    return body;
  }

  const errorOf = (result: SaveResult) =>
    (result.errors ?? [])
      .map((e) => [e.statusCode, e.message].filter(Boolean).join(': '))
      .join('; ')
      .slice(0, 500) || 'refused by Salesforce';
  const isGone = (result: SaveResult) => (result.errors ?? []).some((e) => GONE.has(e.statusCode ?? ''));

  return {
    provider: 'salesforce',
    pushBatchSize: BATCH,

    async ensureFields() {
      const { body } = await call<{ fields?: SalesforceDescribedField[] }>(
        'GET',
        `${DATA}/sobjects/Contact/describe`,
      );
      const problem = salesforceFieldProblems(body?.fields ?? []);
      if (problem !== null) throw new SalesforceFieldsError(problem);
      return { ...SALESFORCE_FIELD_NAMES } as Record<CrmField, string>;
    },

    async push(items: readonly PushItem[], fieldKeys): Promise<PushOutcome[]> {
      const outcomes = new Map<string, PushOutcome>();
      const done = () => items.map((i) => outcomes.get(i.contactId)).filter((o) => o !== undefined);
      try {
        // Linked by the pull: written by id. The others: looked up by email first.
        const byEmail = await findByEmail(items.filter((i) => i.remoteId === null).map((i) => i.email));
        const targets: { item: PushItem; id: string }[] = [];
        for (const item of items) {
          const id = item.remoteId ?? byEmail.get(item.email) ?? null;
          if (id === null)
            outcomes.set(item.contactId, {
              contactId: item.contactId,
              status: 'not_found',
              remoteId: null,
              error: null,
            });
          else targets.push({ item, id });
        }
        const gone: PushItem[] = [];
        const record = (
          targets: readonly { item: PushItem; id: string }[],
          results: SaveResult[],
          retry: boolean,
        ) =>
          targets.forEach((t, i) => {
            const result = results[i]!;
            const { contactId } = t.item;
            if (result.success === true)
              outcomes.set(contactId, { contactId, status: 'pushed', remoteId: t.id, error: null });
            else if (isGone(result) && retry && t.item.remoteId !== null) gone.push(t.item);
            else if (isGone(result))
              outcomes.set(contactId, { contactId, status: 'not_found', remoteId: null, error: null });
            else
              outcomes.set(contactId, {
                contactId,
                status: 'failed',
                remoteId: t.id,
                error: errorOf(result),
              });
          });
        record(targets, await update(targets, fieldKeys), true);
        if (gone.length > 0) {
          // The linked Contact is gone (deleted or merged): look its email up once more.
          const again = await findByEmail(gone.map((i) => i.email));
          const retargets: { item: PushItem; id: string }[] = [];
          for (const item of gone) {
            const id = again.get(item.email);
            if (id === undefined || id === item.remoteId)
              outcomes.set(item.contactId, {
                contactId: item.contactId,
                status: 'not_found',
                remoteId: null,
                error: null,
              });
            else retargets.push({ item, id });
          }
          record(retargets, await update(retargets, fieldKeys), false);
        }
      } catch (error) {
        // What was written so far travels with the error, so it is recorded (never pushed twice).
        throw withPartialOutcomes(error, done());
      }
      return items.map((i) => outcomes.get(i.contactId)!);
    },

    async listContacts(cursor): Promise<CrmPage<RemoteContact>> {
      const page = await query(SALESFORCE_CONTACT_QUERY, cursor);
      return { items: page.records.map(salesforceContactOf).filter((c) => c !== null), next: page.next };
    },

    async listCompanies(cursor): Promise<CrmPage<RemoteCompany>> {
      const page = await query(SALESFORCE_ACCOUNT_QUERY, cursor);
      return { items: page.records.map(salesforceAccountOf).filter((c) => c !== null), next: page.next };
    },
  };
}
