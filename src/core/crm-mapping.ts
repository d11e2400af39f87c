/**
 * What the CRM sync writes and reads (docs/INTEGRATIONS.md "CRM sync"): pure functions, no I/O.
 *
 * Push: a contact's latest response becomes four fields on the CRM contact (HubSpot) or person
 * (Pipedrive): the score, its category, the comment and the local day it was given. A response
 * without a comment clears the comment field, so an older comment never stands next to a newer score.
 *
 * Pull: CRM contacts/persons and companies/organizations become Plaudit contacts and accounts,
 * identified by `<provider>:<remote id>` external ids.
 */
import { type Category, categoryOf } from './nps';

export type CrmProvider = 'hubspot' | 'pipedrive' | 'salesforce';
export const CRM_PROVIDERS: readonly CrmProvider[] = Object.freeze(['hubspot', 'pipedrive', 'salesforce']);

/** The four fields the push writes, by their logical name. */
export type CrmField = 'score' | 'category' | 'comment' | 'date';
export const CRM_FIELDS: readonly CrmField[] = Object.freeze(['score', 'category', 'comment', 'date']);

/** The latest response of a contact, as the push needs it. */
export interface LatestResponse {
  readonly score: number;
  readonly comment: string | null;
  /** The local day of the answer in the workspace's time zone, YYYY-MM-DD. */
  readonly day: string;
}

/** The values of the four fields for a response. */
export interface CrmValues {
  readonly score: number;
  readonly category: Category;
  readonly comment: string | null;
  readonly date: string;
}

/** HubSpot text properties hold up to 65,536 characters; Pipedrive's long text 65k. */
export const CRM_COMMENT_MAX = 65_000;

/** @example crmValuesOf({ score: 9, comment: ' Great ', day: '2026-06-01' }) // { score: 9, category: 'promoter', comment: 'Great', date: '2026-06-01' } */
export function crmValuesOf(response: LatestResponse): CrmValues {
  const comment = response.comment?.trim() ?? '';
  return {
    score: response.score,
    category: categoryOf(response.score),
    comment: comment === '' ? null : comment.slice(0, CRM_COMMENT_MAX),
    date: response.day,
  };
}

/** HubSpot contact properties Plaudit creates (internal names are fixed, so no mapping is stored). */
export const HUBSPOT_PROPERTY_NAMES: Readonly<Record<CrmField, string>> = Object.freeze({
  score: 'plaudit_nps_score',
  category: 'plaudit_nps_category',
  comment: 'plaudit_nps_comment',
  date: 'plaudit_nps_date',
});

/** A property definition as POST /crm/v3/properties/contacts takes it. */
export interface HubspotPropertyDefinition {
  readonly name: string;
  readonly label: string;
  readonly description: string;
  readonly groupName: string;
  readonly type: 'number' | 'enumeration' | 'string' | 'date';
  readonly fieldType: 'number' | 'select' | 'textarea' | 'date';
  readonly options?: readonly { label: string; value: string; displayOrder: number }[];
}

/** The definitions of the four properties, in the default "contactinformation" group. */
export function hubspotPropertyDefinitions(): HubspotPropertyDefinition[] {
  const groupName = 'contactinformation';
  return [
    {
      name: HUBSPOT_PROPERTY_NAMES.score,
      label: 'NPS score (Plaudit)',
      description: 'The 0-10 answer of the latest NPS response, written by Plaudit',
      groupName,
      type: 'number',
      fieldType: 'number',
    },
    {
      name: HUBSPOT_PROPERTY_NAMES.category,
      label: 'NPS category (Plaudit)',
      description: 'Promoter (9-10), passive (7-8) or detractor (0-6), written by Plaudit',
      groupName,
      type: 'enumeration',
      fieldType: 'select',
      options: [
        { label: 'Promoter', value: 'promoter', displayOrder: 0 },
        { label: 'Passive', value: 'passive', displayOrder: 1 },
        { label: 'Detractor', value: 'detractor', displayOrder: 2 },
      ],
    },
    {
      name: HUBSPOT_PROPERTY_NAMES.comment,
      label: 'NPS comment (Plaudit)',
      description: 'The comment of the latest NPS response, written by Plaudit',
      groupName,
      type: 'string',
      fieldType: 'textarea',
    },
    {
      name: HUBSPOT_PROPERTY_NAMES.date,
      label: 'NPS date (Plaudit)',
      description: 'The day of the latest NPS response, written by Plaudit',
      groupName,
      type: 'date',
      fieldType: 'date',
    },
  ];
}

/**
 * HubSpot property values are strings; an empty string clears a property.
 * @example hubspotProperties({ score: 3, category: 'detractor', comment: null, date: '2026-06-01' }, HUBSPOT_PROPERTY_NAMES)
 * // { plaudit_nps_score: '3', plaudit_nps_category: 'detractor', plaudit_nps_comment: '', plaudit_nps_date: '2026-06-01' }
 */
export function hubspotProperties(values: CrmValues, names: Readonly<Record<CrmField, string>>) {
  return {
    [names.score]: String(values.score),
    [names.category]: values.category,
    [names.comment]: values.comment ?? '',
    [names.date]: values.date,
  };
}

/** Pipedrive person fields Plaudit creates: their names and types (the keys are Pipedrive's hashes). */
export const PIPEDRIVE_FIELD_DEFINITIONS: Readonly<
  Record<
    CrmField,
    { readonly field_name: string; readonly field_type: 'double' | 'varchar' | 'text' | 'date' }
  >
> = Object.freeze({
  score: { field_name: 'NPS score (Plaudit)', field_type: 'double' },
  category: { field_name: 'NPS category (Plaudit)', field_type: 'varchar' },
  comment: { field_name: 'NPS comment (Plaudit)', field_type: 'text' },
  date: { field_name: 'NPS date (Plaudit)', field_type: 'date' },
});

/**
 * Pipedrive v2 `custom_fields` of a person update; null clears a field.
 * @example pipedriveCustomFields(values, { score: 'abc…', … }) // { 'abc…': 9, … }
 */
export function pipedriveCustomFields(
  values: CrmValues,
  keys: Readonly<Record<CrmField, string>>,
): Record<string, string | number | null> {
  return {
    [keys.score]: values.score,
    [keys.category]: values.category,
    [keys.comment]: values.comment,
    [keys.date]: values.date,
  };
}

/** A contact read from a CRM, before it becomes a Plaudit contact. */
export interface RemoteContact {
  readonly id: string;
  readonly email: string | null;
  readonly name: string | null;
  /** The remote id of its company/organization, if any. */
  readonly companyId: string | null;
}

/** A company/organization read from a CRM. */
export interface RemoteCompany {
  readonly id: string;
  readonly name: string | null;
}

/** The external id a pulled record gets in Plaudit. @example externalIdOf('hubspot', '123') // 'hubspot:123' */
export const externalIdOf = (provider: CrmProvider, remoteId: string) => `${provider}:${remoteId}`;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const MAX_NAME = 500;

/** A CRM email as Plaudit stores it (trimmed, lower case), or null when it is not an address. */
export function normaliseCrmEmail(email: unknown): string | null {
  if (typeof email !== 'string') return null;
  const trimmed = email.trim().toLowerCase();
  return trimmed.length <= 320 && EMAIL.test(trimmed) ? trimmed : null;
}

function cleanName(...parts: unknown[]): string | null {
  const name = parts
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => p.trim())
    .join(' ');
  return name === '' ? null : name.slice(0, MAX_NAME);
}

const idOf = (value: unknown): string | null =>
  typeof value === 'number' && Number.isFinite(value)
    ? String(value)
    : typeof value === 'string' && value.trim() !== ''
      ? value.trim()
      : null;

/**
 * A HubSpot CRM v3 contact object (`{ id, properties: { email, firstname, lastname, associatedcompanyid } }`).
 * Returns null for a record without an id.
 */
export function hubspotContactOf(record: unknown): RemoteContact | null {
  const r = record as { id?: unknown; properties?: Record<string, unknown> } | null;
  const id = idOf(r?.id);
  if (!id) return null;
  const p = r?.properties ?? {};
  return {
    id,
    email: normaliseCrmEmail(p.email),
    name: cleanName(p.firstname, p.lastname),
    companyId: idOf(p.associatedcompanyid),
  };
}

/** A HubSpot CRM v3 company object (`{ id, properties: { name, domain } }`); its domain names it when it has no name. */
export function hubspotCompanyOf(record: unknown): RemoteCompany | null {
  const r = record as { id?: unknown; properties?: Record<string, unknown> } | null;
  const id = idOf(r?.id);
  if (!id) return null;
  const p = r?.properties ?? {};
  return { id, name: cleanName(p.name) ?? cleanName(p.domain) };
}

/**
 * A Pipedrive API v2 person (`{ id, name, emails: [{ value, primary }], org_id }`): the primary
 * email, else the first valid one.
 */
export function pipedrivePersonOf(record: unknown): RemoteContact | null {
  const r = record as {
    id?: unknown;
    name?: unknown;
    first_name?: unknown;
    last_name?: unknown;
    emails?: unknown;
    org_id?: unknown;
  } | null;
  const id = idOf(r?.id);
  if (!id) return null;
  const emails = Array.isArray(r?.emails) ? (r.emails as { value?: unknown; primary?: unknown }[]) : [];
  const primary = emails.find((e) => e?.primary === true && normaliseCrmEmail(e.value));
  const email =
    normaliseCrmEmail(primary?.value) ?? emails.map((e) => normaliseCrmEmail(e?.value)).find(Boolean) ?? null;
  return {
    id,
    email,
    name: cleanName(r?.name) ?? cleanName(r?.first_name, r?.last_name),
    companyId: idOf(r?.org_id),
  };
}

/** A Pipedrive API v2 organization (`{ id, name }`). */
export function pipedriveOrganizationOf(record: unknown): RemoteCompany | null {
  const r = record as { id?: unknown; name?: unknown } | null;
  const id = idOf(r?.id);
  if (!id) return null;
  return { id, name: cleanName(r?.name) };
}

/**
 * How long to wait after a 429 (or 503): the Retry-After header (seconds or an HTTP date), else
 * `fallbackMs`; never less than 1 s. Returns milliseconds.
 * @example retryAfterMs('2', new Date(), 10_000) // 2000
 */
export function retryAfterMs(header: string | null, now: Date, fallbackMs: number): number {
  if (header !== null && header.trim() !== '') {
    const seconds = Number(header.trim());
    if (Number.isFinite(seconds) && seconds >= 0) return Math.max(1000, Math.ceil(seconds * 1000));
    const at = Date.parse(header);
    if (!Number.isNaN(at)) return Math.max(1000, at - now.getTime());
  }
  return Math.max(1000, fallbackMs);
}

/** Push every 5 minutes; pull contacts and companies every hour (docs/INTEGRATIONS.md). */
export const CRM_PUSH_EVERY_MS = 5 * 60_000;
export const CRM_PULL_EVERY_MS = 60 * 60_000;

/** The next run of the chain: the next full 5 minutes strictly after `now`. */
export function nextCrmRunAt(now: Date): Date {
  return new Date((Math.floor(now.getTime() / CRM_PUSH_EVERY_MS) + 1) * CRM_PUSH_EVERY_MS);
}

/** Whether a run at `now` pulls: never pulled, asked for, or the last pull an hour ago or more. */
export function pullIsDue(lastPullAt: Date | null, now: Date, forced = false): boolean {
  return forced || lastPullAt === null || now.getTime() - lastPullAt.getTime() >= CRM_PULL_EVERY_MS;
}

/** The last four characters of a token, for display. @example tokenHint('pat-na1-abcd1234') // '…1234' */
export const tokenHint = (token: string) => `…${token.slice(-4)}`;

// ---------------------------------------------------------------------------------------------
// Salesforce (REST API; src/server/crm/salesforce.ts)
// ---------------------------------------------------------------------------------------------

/**
 * The Contact custom fields the push writes. Salesforce fields can only be created through the
 * Metadata/Tooling API with admin rights, so an admin creates them (docs/INTEGRATIONS.md) and the
 * push checks them with a describe call.
 */
export const SALESFORCE_FIELD_NAMES: Readonly<Record<CrmField, string>> = Object.freeze({
  score: 'Plaudit_NPS_Score__c',
  category: 'Plaudit_NPS_Category__c',
  comment: 'Plaudit_NPS_Comment__c',
  date: 'Plaudit_NPS_Date__c',
});

/** Comments are cut to this length: the Long Text Area the docs ask for holds 32,768 characters. */
export const SALESFORCE_COMMENT_MAX = 32_768;

/**
 * What each field must be (the describe `type`s accepted), and how an admin creates it.
 * Number(2, 0) describes as `double`; Text as `string`; Long Text Area as `textarea`.
 */
export const SALESFORCE_FIELD_SPECS: Readonly<
  Record<
    CrmField,
    { readonly types: readonly string[]; readonly create: string; readonly minLength?: number }
  >
> = Object.freeze({
  score: { types: ['double', 'int'], create: 'Number(2, 0)' },
  category: { types: ['picklist', 'string'], create: 'Picklist (promoter, passive, detractor) or Text(20)' },
  comment: {
    types: ['textarea'],
    create: `Long Text Area(${SALESFORCE_COMMENT_MAX})`,
    minLength: SALESFORCE_COMMENT_MAX,
  },
  date: { types: ['date'], create: 'Date' },
});

/** A field of `GET /sobjects/Contact/describe` (`fields: [{ name, type, updateable, length }]`). */
export interface SalesforceDescribedField {
  readonly name?: unknown;
  readonly type?: unknown;
  readonly updateable?: unknown;
  readonly length?: unknown;
}

/**
 * What is wrong with the four Contact fields, as a message an admin can act on; null when they are
 * all there, of a usable type and writable by the integration user.
 * @example salesforceFieldProblems([]) // 'Salesforce Contact lacks the custom fields … Plaudit_NPS_Score__c (Number(2, 0)), …'
 */
export function salesforceFieldProblems(fields: readonly SalesforceDescribedField[]): string | null {
  const byName = new Map(fields.map((f) => [String(f?.name ?? '').toLowerCase(), f]));
  const missing: string[] = [];
  const wrong: string[] = [];
  const readOnly: string[] = [];
  for (const field of CRM_FIELDS) {
    const name = SALESFORCE_FIELD_NAMES[field];
    const spec = SALESFORCE_FIELD_SPECS[field];
    const found = byName.get(name.toLowerCase());
    if (!found) missing.push(`${name} (${spec.create})`);
    else if (
      !spec.types.includes(String(found.type)) ||
      (spec.minLength !== undefined && typeof found.length === 'number' && found.length < spec.minLength)
    )
      wrong.push(
        `${name} is ${String(found.type)}${typeof found.length === 'number' && found.length > 0 ? `(${found.length})` : ''}, must be ${spec.create}`,
      );
    else if (found.updateable !== true) readOnly.push(name);
  }
  const problems: string[] = [];
  if (missing.length > 0)
    problems.push(
      `Salesforce Contact lacks the custom fields Plaudit writes; an admin must create them (Setup → Object Manager → Contact → Fields & Relationships): ${missing.join(', ')}`,
    );
  if (wrong.length > 0) problems.push(`Salesforce Contact fields of the wrong type: ${wrong.join('; ')}`);
  if (readOnly.length > 0)
    problems.push(
      `the integration user may not edit ${readOnly.join(', ')} (field-level security: make them editable for its profile or permission set)`,
    );
  return problems.length === 0 ? null : problems.join('; ');
}

/**
 * The four values as fields of a Contact update; null clears a field.
 * @example salesforceFieldValues({ score: 9, category: 'promoter', comment: null, date: '2026-06-01' }, SALESFORCE_FIELD_NAMES)
 * // { Plaudit_NPS_Score__c: 9, Plaudit_NPS_Category__c: 'promoter', Plaudit_NPS_Comment__c: null, Plaudit_NPS_Date__c: '2026-06-01' }
 */
export function salesforceFieldValues(
  values: CrmValues,
  names: Readonly<Record<CrmField, string>>,
): Record<string, string | number | null> {
  return {
    [names.score]: values.score,
    [names.category]: values.category,
    [names.comment]: values.comment === null ? null : values.comment.slice(0, SALESFORCE_COMMENT_MAX),
    [names.date]: values.date,
  };
}

/**
 * A SOQL string literal: backslashes and single quotes escaped (the SOQL reference's escape
 * sequences), in quotes.
 * @example soqlString("o'brien@example.com") // "'o\\'brien@example.com'"
 */
export function soqlString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'").replace(/\n/g, '\\n').replace(/\r/g, '\\r')}'`;
}

/**
 * SOQL queries that find Contacts by email, the emails split so each query stays below `maxChars`
 * (the query travels in the URL: Salesforce allows 100,000 characters of SOQL, but URLs of a
 * GET are safest kept short). Duplicates are dropped.
 * @example soqlContactsByEmail(['a@x.io']) // ["SELECT Id, Email FROM Contact WHERE Email IN ('a@x.io') ORDER BY Id"]
 */
export function soqlContactsByEmail(emails: readonly string[], maxChars = 4_000): string[] {
  const head = 'SELECT Id, Email FROM Contact WHERE Email IN (';
  const tail = ') ORDER BY Id';
  const queries: string[] = [];
  let current: string[] = [];
  let length = head.length + tail.length;
  for (const email of [...new Set(emails)]) {
    const literal = soqlString(email);
    if (current.length > 0 && length + literal.length + 2 > maxChars) {
      queries.push(head + current.join(', ') + tail);
      current = [];
      length = head.length + tail.length;
    }
    current.push(literal);
    length += literal.length + 2;
  }
  if (current.length > 0) queries.push(head + current.join(', ') + tail);
  return queries;
}

/** The pull's queries (every page via nextRecordsUrl). */
export const SALESFORCE_ACCOUNT_QUERY = 'SELECT Id, Name FROM Account ORDER BY Id';
export const SALESFORCE_CONTACT_QUERY =
  'SELECT Id, Email, FirstName, LastName, AccountId FROM Contact ORDER BY Id';

/** A Salesforce Contact record of a query (`{ Id, Email, FirstName, LastName, AccountId }`). */
export function salesforceContactOf(record: unknown): RemoteContact | null {
  const r = record as Record<string, unknown> | null;
  const id = idOf(r?.Id);
  if (!id) return null;
  return {
    id,
    email: normaliseCrmEmail(r?.Email),
    name: cleanName(r?.FirstName, r?.LastName) ?? cleanName(r?.Name),
    companyId: idOf(r?.AccountId),
  };
}

/** A Salesforce Account record of a query (`{ Id, Name }`). */
export function salesforceAccountOf(record: unknown): RemoteCompany | null {
  const r = record as Record<string, unknown> | null;
  const id = idOf(r?.Id);
  if (!id) return null;
  return { id, name: cleanName(r?.Name) };
}

/**
 * The `errorCode` of a Salesforce REST error body (`[{ message, errorCode }]`, or an object with
 * `errorCode`/`error` as the OAuth endpoint answers); null when there is none.
 * @example salesforceErrorCode([{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]) // 'INVALID_SESSION_ID'
 */
export function salesforceErrorCode(body: unknown): string | null {
  const first = Array.isArray(body) ? body[0] : body;
  const code =
    (first as { errorCode?: unknown; error?: unknown } | null)?.errorCode ??
    (first as { error?: unknown } | null)?.error;
  return typeof code === 'string' && code !== '' ? code : null;
}
