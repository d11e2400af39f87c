/**
 * Local HTTP servers that implement the subset of the HubSpot CRM v3 and Pipedrive API v2 REST
 * contracts the CRM sync uses, written from the providers' documentation (docs/INTEGRATIONS.md
 * lists the pages), not from the code under test. They refuse what the real services refuse as far
 * as the documentation says: a missing or wrong token (401), a property/field that does not exist
 * (400), values of the wrong type, more than 100 batch inputs or a page limit above the maximum
 * (400), an unknown record (404). They can answer 429 with Retry-After, and be down (the connection
 * is reset). Every request is logged.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// biome-ignore lint/suspicious/noExplicitAny: JSON bodies of the fakes
type Json = any;

export interface LoggedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage['headers'];
  body: Json;
}

interface FakeState {
  token: string;
  down: boolean;
  /** The next N requests get 429 with `Retry-After: retryAfter`. */
  rateLimitNext: number;
  retryAfter: string;
  /** Records per list page at most (below the requested limit, as real services may answer). */
  pageSize: number;
  /**
   * Answers a request instead of the fake when it returns an answer (before the token is checked):
   * a redirect, a body echoing the request's headers, … Null: the fake answers.
   */
  intercept: ((req: LoggedRequest) => FakeAnswer | undefined) | null;
}

export interface FakeAnswer {
  status: number;
  /** JSON, or a string sent as it is (text/plain). */
  body: Json;
  headers?: Record<string, string>;
}

async function startFake(
  initial: Partial<FakeState> & { token: string },
  route: (
    req: LoggedRequest,
    state: FakeState,
  ) => { status: number; body: Json; headers?: Record<string, string> },
  unauthorized: (req: LoggedRequest, state: FakeState) => boolean,
  unauthorizedBody: Json,
) {
  const state: FakeState = {
    down: false,
    rateLimitNext: 0,
    retryAfter: '1',
    pageSize: 100,
    intercept: null,
    ...initial,
  };
  const requests: LoggedRequest[] = [];
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (state.down) {
        req.socket.destroy();
        return;
      }
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Json = null;
      try {
        body = text === '' ? null : JSON.parse(text);
      } catch {
        body = text;
      }
      const logged: LoggedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers: req.headers,
        body,
      };
      requests.push(logged);
      const send = (status: number, payload: Json, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(payload === undefined ? '' : JSON.stringify(payload));
      };
      const intercepted = state.intercept?.(logged);
      if (intercepted) {
        if (typeof intercepted.body !== 'string')
          return send(intercepted.status, intercepted.body, intercepted.headers);
        res.writeHead(intercepted.status, { 'content-type': 'text/plain', ...intercepted.headers });
        res.end(intercepted.body);
        return;
      }
      if (unauthorized(logged, state)) return send(401, unauthorizedBody);
      if (state.rateLimitNext > 0) {
        state.rateLimitNext -= 1;
        return send(
          429,
          { status: 'error', message: 'You have reached your secondly limit.', errorType: 'RATE_LIMIT' },
          {
            'retry-after': state.retryAfter,
          },
        );
      }
      const form = String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
      if (text !== '' && typeof body === 'string' && !form) return send(400, { message: 'Invalid JSON' });
      const answer = route(logged, state);
      send(answer.status, answer.body, answer.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Pages an id-sorted array by an opaque cursor (the index of the next record). */
function pageOf<T>(all: T[], cursor: string | null, limit: number, pageSize: number) {
  const start = cursor === null ? 0 : Number(Buffer.from(cursor, 'base64url').toString('utf8'));
  const size = Math.min(limit, pageSize);
  const items = all.slice(start, start + size);
  const next = start + size < all.length ? Buffer.from(String(start + size)).toString('base64url') : null;
  return { items, next };
}

// ---------------------------------------------------------------------------------------------
// HubSpot CRM v3
// ---------------------------------------------------------------------------------------------

export interface HubspotProperty {
  name: string;
  label: string;
  type: string;
  fieldType: string;
  groupName: string;
  options?: { label: string; value: string }[];
}

export interface HubspotRecord {
  id: string;
  properties: Record<string, string | null>;
}

const HUBSPOT_TYPES: Record<string, string[]> = {
  string: ['text', 'textarea', 'html', 'phonenumber', 'file', 'select', 'radio'],
  number: ['number'],
  date: ['date'],
  datetime: ['date'],
  enumeration: ['select', 'radio', 'checkbox', 'booleancheckbox'],
  bool: ['booleancheckbox'],
};

/** A fake HubSpot portal. */
export async function startFakeHubspot(token: string) {
  const properties = new Map<string, HubspotProperty>();
  for (const name of ['email', 'firstname', 'lastname', 'associatedcompanyid', 'hs_object_id'])
    properties.set(name, {
      name,
      label: name,
      type: 'string',
      fieldType: 'text',
      groupName: 'contactinformation',
    });
  properties.get('associatedcompanyid')!.type = 'number';
  properties.get('associatedcompanyid')!.fieldType = 'number';
  const groups = new Set(['contactinformation']);
  const contacts = new Map<string, HubspotRecord>();
  const companies = new Map<string, HubspotRecord>();
  const error = (status: number, category: string, message: string, context?: Json) => ({
    status,
    body: { status: 'error', message, correlationId: randomBytes(8).toString('hex'), category, context },
  });
  const sorted = (m: Map<string, HubspotRecord>) =>
    [...m.values()].sort((a, b) => Number(a.id) - Number(b.id));
  const withProperties = (r: HubspotRecord, names: string[]) => ({
    id: r.id,
    properties: Object.fromEntries(names.map((n) => [n, r.properties[n] ?? null])),
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    archived: false,
  });
  const contactByEmail = (email: string) =>
    [...contacts.values()].find((c) => (c.properties.email ?? '').toLowerCase() === email.toLowerCase());

  function validValue(property: HubspotProperty, value: unknown): string | null {
    if (typeof value !== 'string') return `Property values must be strings (${property.name})`;
    if (value === '') return null;
    if (property.type === 'number' && !Number.isFinite(Number(value)))
      return `${value} is not a valid number`;
    if (property.type === 'date' && !ISO_DAY.test(value) && !/^\d+$/.test(value))
      return `${value} is not a valid date`;
    if (property.type === 'enumeration' && !(property.options ?? []).some((o) => o.value === value))
      return `${value} was not one of the allowed options`;
    return null;
  }

  const fake = await startFake(
    { token },
    (req, state) => {
      const { method, path, body } = req;
      if (method === 'GET' && path === '/crm/v3/properties/contacts')
        return { status: 200, body: { results: [...properties.values()] } };
      if (method === 'POST' && path === '/crm/v3/properties/contacts') {
        for (const field of ['name', 'label', 'type', 'fieldType', 'groupName'])
          if (typeof body?.[field] !== 'string' || body[field] === '')
            return error(400, 'VALIDATION_ERROR', `Property ${field} is required`);
        if (!/^[a-z][a-z0-9_]*$/.test(body.name))
          return error(400, 'VALIDATION_ERROR', 'Invalid property name');
        if (!HUBSPOT_TYPES[body.type]?.includes(body.fieldType))
          return error(
            400,
            'VALIDATION_ERROR',
            `fieldType ${body.fieldType} is not valid for type ${body.type}`,
          );
        if (!groups.has(body.groupName))
          return error(400, 'VALIDATION_ERROR', `group ${body.groupName} does not exist`);
        if (body.type === 'enumeration' && (!Array.isArray(body.options) || body.options.length === 0))
          return error(400, 'VALIDATION_ERROR', 'enumeration properties need options');
        if (properties.has(body.name))
          return error(409, 'OBJECT_ALREADY_EXISTS', `Property ${body.name} already exists`);
        const created: HubspotProperty = {
          name: body.name,
          label: body.label,
          type: body.type,
          fieldType: body.fieldType,
          groupName: body.groupName,
          options: body.options,
        };
        properties.set(body.name, created);
        return { status: 201, body: created };
      }
      if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/read') {
        const inputs: Json[] = body?.inputs;
        if (!Array.isArray(inputs) || inputs.length > 100)
          return error(400, 'VALIDATION_ERROR', 'inputs: 1 to 100');
        if (body.idProperty !== undefined && !properties.has(body.idProperty))
          return error(400, 'VALIDATION_ERROR', `idProperty ${body.idProperty} does not exist`);
        const names: string[] = body.properties ?? [];
        const found: Json[] = [];
        const missing: string[] = [];
        for (const input of inputs) {
          const record =
            body.idProperty === 'email' ? contactByEmail(String(input.id)) : contacts.get(String(input.id));
          if (record) found.push(withProperties(record, names));
          else missing.push(String(input.id));
        }
        const result: Json = { status: 'COMPLETE', results: found, startedAt: '', completedAt: '' };
        if (missing.length === 0) return { status: 200, body: result };
        result.numErrors = 1;
        result.errors = [
          {
            status: 'error',
            category: 'OBJECT_NOT_FOUND',
            message: 'Could not get some CONTACT objects',
            context: { ids: missing },
          },
        ];
        return { status: 207, body: result };
      }
      if (method === 'POST' && path === '/crm/v3/objects/contacts/batch/update') {
        const inputs: Json[] = body?.inputs;
        if (!Array.isArray(inputs) || inputs.length === 0 || inputs.length > 100)
          return error(400, 'VALIDATION_ERROR', 'inputs: 1 to 100');
        // Validated as a whole first: an unknown property or a bad value refuses the batch.
        for (const input of inputs) {
          if (typeof input.id !== 'string') return error(400, 'VALIDATION_ERROR', 'id must be a string');
          for (const [name, value] of Object.entries(input.properties ?? {})) {
            const property = properties.get(name);
            if (!property)
              return error(400, 'VALIDATION_ERROR', `Property "${name}" does not exist`, {
                propertyName: [name],
              });
            const problem = validValue(property, value);
            if (problem) return error(400, 'VALIDATION_ERROR', problem);
          }
        }
        const results: Json[] = [];
        const missing: string[] = [];
        for (const input of inputs) {
          const record = contacts.get(input.id);
          if (!record) {
            missing.push(input.id);
            continue;
          }
          Object.assign(record.properties, input.properties);
          results.push(withProperties(record, Object.keys(input.properties)));
        }
        if (missing.length === 0) return { status: 200, body: { status: 'COMPLETE', results } };
        return {
          status: 207,
          body: {
            status: 'COMPLETE',
            results,
            numErrors: 1,
            errors: [
              {
                status: 'error',
                category: 'OBJECT_NOT_FOUND',
                message: 'Object not found',
                context: { ids: missing },
              },
            ],
          },
        };
      }
      const list = /^\/crm\/v3\/objects\/(contacts|companies)$/.exec(path);
      if (method === 'GET' && list) {
        const limit = Number(req.query.get('limit') ?? 10);
        if (!Number.isInteger(limit) || limit < 1 || limit > 100)
          return error(400, 'VALIDATION_ERROR', 'limit must be between 1 and 100');
        const names = (req.query.get('properties') ?? '').split(',').filter(Boolean);
        const all = sorted(list[1] === 'contacts' ? contacts : companies);
        const page = pageOf(all, req.query.get('after'), limit, state.pageSize);
        return {
          status: 200,
          body: {
            results: page.items.map((r) => withProperties(r, names)),
            ...(page.next
              ? { paging: { next: { after: page.next, link: `${path}?after=${page.next}` } } }
              : {}),
          },
        };
      }
      return error(404, 'OBJECT_NOT_FOUND', `No route ${method} ${path}`);
    },
    (req, state) => req.headers.authorization !== `Bearer ${state.token}`,
    {
      status: 'error',
      message: 'Authentication credentials not found.',
      category: 'INVALID_AUTHENTICATION',
    },
  );
  return { ...fake, properties, contacts, companies };
}

// ---------------------------------------------------------------------------------------------
// Pipedrive API v2
// ---------------------------------------------------------------------------------------------

export interface PipedriveField {
  field_code: string;
  field_name: string;
  field_type: string;
  is_custom_field: boolean;
}

export interface PipedrivePerson {
  id: number;
  name: string;
  emails: { value: string; primary: boolean; label: string }[];
  org_id: number | null;
  custom_fields: Record<string, unknown>;
}

const PIPEDRIVE_FIELD_TYPES = [
  'varchar',
  'varchar_auto',
  'text',
  'double',
  'monetary',
  'date',
  'set',
  'enum',
  'user',
  'org',
  'people',
  'phone',
  'time',
  'timerange',
  'daterange',
  'address',
];

/** A fake Pipedrive company account. */
export async function startFakePipedrive(token: string) {
  const fields: PipedriveField[] = [
    { field_code: 'name', field_name: 'Name', field_type: 'varchar', is_custom_field: false },
    { field_code: 'emails', field_name: 'Email', field_type: 'varchar', is_custom_field: false },
    { field_code: 'org_id', field_name: 'Organization', field_type: 'org', is_custom_field: false },
  ];
  const persons = new Map<number, PipedrivePerson>();
  const organizations = new Map<number, { id: number; name: string }>();
  const fail = (status: number, message: string) => ({
    status,
    body: { success: false, error: message, code: status === 404 ? 'not_found' : 'validation_error' },
  });
  const listed = <T extends { id: number }>(all: T[], req: LoggedRequest, state: FakeState) => {
    const limit = Number(req.query.get('limit') ?? 100);
    if (!Number.isInteger(limit) || limit < 1 || limit > 500) return fail(400, 'limit must be 1-500');
    const page = pageOf(all, req.query.get('cursor'), limit, state.pageSize);
    return {
      status: 200,
      body: { success: true, data: page.items, additional_data: { next_cursor: page.next } },
    };
  };

  function validValue(field: PipedriveField, value: unknown): string | null {
    if (value === null) return null;
    switch (field.field_type) {
      case 'double':
        return typeof value === 'number' ? null : `${field.field_code} must be a number`;
      case 'date':
        return typeof value === 'string' && ISO_DAY.test(value)
          ? null
          : `${field.field_code} must be YYYY-MM-DD`;
      case 'varchar':
        return typeof value === 'string' && value.length <= 255
          ? null
          : `${field.field_code} must be text up to 255`;
      case 'text':
        return typeof value === 'string' && value.length <= 65_535
          ? null
          : `${field.field_code} must be text`;
      default:
        return `${field.field_type} fields are not in this fake`;
    }
  }

  const fake = await startFake(
    { token },
    (req, state) => {
      const { method, path, body } = req;
      if (method === 'GET' && path === '/api/v2/personFields')
        return listed(
          fields.map((f, i) => ({ ...f, id: i })),
          req,
          state,
        );
      if (method === 'POST' && path === '/api/v2/personFields') {
        if (typeof body?.field_name !== 'string' || body.field_name.trim() === '')
          return fail(400, 'field_name is required');
        if (!PIPEDRIVE_FIELD_TYPES.includes(body.field_type)) return fail(400, 'field_type is not valid');
        const field: PipedriveField = {
          field_code: randomBytes(20).toString('hex'),
          field_name: body.field_name,
          field_type: body.field_type,
          is_custom_field: true,
        };
        fields.push(field);
        return { status: 200, body: { success: true, data: field } };
      }
      if (method === 'GET' && path === '/api/v2/persons/search') {
        const term = req.query.get('term') ?? '';
        const exact = req.query.get('exact_match') === 'true';
        if (term.length < (exact ? 1 : 2)) return fail(400, 'term must be at least 2 characters');
        const items = [...persons.values()]
          .filter((p) =>
            p.emails.some((e) =>
              exact
                ? e.value.toLowerCase() === term.toLowerCase()
                : e.value.toLowerCase().includes(term.toLowerCase()),
            ),
          )
          .map((p) => ({
            result_score: 1,
            item: {
              id: p.id,
              type: 'person',
              name: p.name,
              emails: p.emails.map((e) => e.value),
              custom_fields: [],
            },
          }));
        return {
          status: 200,
          body: { success: true, data: { items }, additional_data: { next_cursor: null } },
        };
      }
      const one = /^\/api\/v2\/persons\/(\d+)$/.exec(path);
      if (method === 'PATCH' && one) {
        const person = persons.get(Number(one[1]));
        if (!person) return fail(404, 'Person not found');
        const custom = body?.custom_fields;
        if (custom === undefined || typeof custom !== 'object' || custom === null || Array.isArray(custom))
          return fail(400, 'custom_fields must be an object');
        for (const [code, value] of Object.entries(custom)) {
          const field = fields.find((f) => f.field_code === code && f.is_custom_field);
          if (!field) return fail(400, `Unknown custom field: ${code}`);
          const problem = validValue(field, value);
          if (problem) return fail(400, problem);
        }
        for (const [code, value] of Object.entries(custom)) {
          if (value === null) delete person.custom_fields[code];
          else person.custom_fields[code] = value;
        }
        return { status: 200, body: { success: true, data: person } };
      }
      if (method === 'GET' && path === '/api/v2/persons')
        return listed(
          [...persons.values()].sort((a, b) => a.id - b.id),
          req,
          state,
        );
      if (method === 'GET' && path === '/api/v2/organizations')
        return listed(
          [...organizations.values()].sort((a, b) => a.id - b.id),
          req,
          state,
        );
      return fail(404, `No route ${method} ${path}`);
    },
    // API v2 takes the token in the x-api-token header only.
    (req, state) => req.headers['x-api-token'] !== state.token,
    {
      success: false,
      error: 'unauthorized access',
      errorCode: 401,
      error_info: 'Please check developers.pipedrive.com',
    },
  );
  return { ...fake, fields, persons, organizations };
}

// ---------------------------------------------------------------------------------------------
// Salesforce REST API (client credentials flow, describe, SOQL query, sObject collections)
// ---------------------------------------------------------------------------------------------

export interface SalesforceFieldDef {
  name: string;
  type: string;
  updateable: boolean;
  length: number;
  /** Picklists: the allowed values (restricted). */
  picklistValues?: string[];
}

export type SalesforceRecord = Record<string, string | number | null>;

const SF_ERROR = (errorCode: string, message: string) => [{ message, errorCode }];

/**
 * Parses the SOQL subset the sync sends: `SELECT f, … FROM Object [WHERE Email IN ('…', …)] [ORDER BY Id]`,
 * string literals with the documented escapes (\' \" \\ \n \r \t). Null when it is not that shape.
 */
function parseSoql(q: string) {
  const m =
    /^SELECT\s+(.+?)\s+FROM\s+(\w+)(?:\s+WHERE\s+(\w+)\s+IN\s+\((.*)\))?(?:\s+ORDER\s+BY\s+(\w+))?$/is.exec(
      q.trim(),
    );
  if (!m) return null;
  const fields = m[1]!.split(',').map((f) => f.trim());
  let values: string[] | null = null;
  if (m[3] !== undefined) {
    values = [];
    const list = m[4]!;
    let i = 0;
    while (i < list.length) {
      while (list[i] === ' ' || list[i] === ',') i++;
      if (i >= list.length) break;
      if (list[i] !== "'") return null;
      i++;
      let value = '';
      for (;;) {
        if (i >= list.length) return null;
        const ch = list[i]!;
        if (ch === '\\') {
          const next = list[i + 1];
          const escapes: Record<string, string> = {
            "'": "'",
            '"': '"',
            '\\': '\\',
            n: '\n',
            r: '\r',
            t: '\t',
          };
          if (next === undefined || !(next in escapes)) return null;
          value += escapes[next];
          i += 2;
        } else if (ch === "'") {
          i++;
          break;
        } else {
          value += ch;
          i++;
        }
      }
      values.push(value);
    }
  }
  return { fields, object: m[2]!, where: m[3] ?? null, values, orderBy: m[5] ?? null };
}

/**
 * A fake Salesforce org: the token endpoint of the client credentials flow (form-encoded; 400
 * invalid_client for wrong credentials), data calls only with a token it issued (401
 * INVALID_SESSION_ID otherwise, e.g. after `expireSessions()`), the Contact describe, SOQL queries in
 * batches of `state.pageSize` with `nextRecordsUrl` locators, and PATCH composite/sobjects with
 * per-record SaveResults (unknown field: 400 INVALID_FIELD for the whole request, as a malformed
 * request; a wrong value, a deleted or unknown id, or an id in `validationFailures`: that record
 * fails, the others are saved when allOrNone is false). `requestLimitNext` answers 403
 * REQUEST_LIMIT_EXCEEDED (the daily API limit).
 */
export async function startFakeSalesforce(clientId: string, clientSecret: string) {
  const version = /^\/services\/data\/v\d+\.\d$/;
  const standard = (name: string, type: string, updateable = true): SalesforceFieldDef => ({
    name,
    type,
    updateable,
    length: type === 'id' ? 18 : type === 'string' || type === 'email' ? 80 : 0,
  });
  const fields = new Map<string, SalesforceFieldDef>();
  for (const f of [
    standard('Id', 'id', false),
    standard('Email', 'email'),
    standard('FirstName', 'string'),
    standard('LastName', 'string'),
    standard('Name', 'string', false),
    standard('AccountId', 'reference'),
  ])
    fields.set(f.name, f);
  const contacts = new Map<string, SalesforceRecord>();
  const accounts = new Map<string, SalesforceRecord>();
  const deleted = new Set<string>();
  /** Contact ids a validation rule refuses (FIELD_CUSTOM_VALIDATION_EXCEPTION). */
  const validationFailures = new Set<string>();
  const sessions = new Set<string>();
  const locators = new Map<string, { records: SalesforceRecord[]; object: string }>();
  const extra = { requestLimitNext: 0, url: '' };
  let tokensIssued = 0;

  const fieldOf = (object: string, name: string) =>
    object === 'Contact'
      ? [...fields.values()].find((f) => f.name.toLowerCase() === name.toLowerCase())
      : ['id', 'name'].includes(name.toLowerCase())
        ? { name: name.toLowerCase() === 'id' ? 'Id' : 'Name' }
        : undefined;
  const shaped = (object: string, r: SalesforceRecord, names: string[], apiVersion: string) => ({
    attributes: { type: object, url: `${apiVersion}/sobjects/${object}/${r.Id}` },
    ...Object.fromEntries(names.map((n) => [fieldOf(object, n)!.name, r[fieldOf(object, n)!.name] ?? null])),
  });
  function batch(
    locatorId: string,
    all: SalesforceRecord[],
    start: number,
    apiVersion: string,
    object: string,
    names: string[],
    size: number,
  ) {
    const records = all.slice(start, start + size);
    const done = start + size >= all.length;
    return {
      status: 200,
      body: {
        totalSize: all.length,
        done,
        ...(done ? {} : { nextRecordsUrl: `${apiVersion}/query/${locatorId}-${start + size}` }),
        records: records.map((r) => shaped(object, r, names, apiVersion)),
      },
    };
  }

  function checkValue(def: SalesforceFieldDef, value: unknown): { code: string; message: string } | null {
    if (value === null) return null;
    switch (def.type) {
      case 'double':
      case 'int':
        return typeof value === 'number' && Number.isFinite(value)
          ? null
          : {
              code: 'JSON_PARSER_ERROR',
              message: `Cannot deserialize instance of double from ${typeof value}`,
            };
      case 'date':
        return typeof value === 'string' && ISO_DAY.test(value)
          ? null
          : { code: 'INVALID_TYPE_ON_FIELD_IN_RECORD', message: `${def.name}: value not of required type` };
      case 'picklist':
        return typeof value === 'string' && (def.picklistValues ?? []).includes(value)
          ? null
          : {
              code: 'INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST',
              message: `${def.name}: bad value for restricted picklist field: ${String(value)}`,
            };
      case 'string':
      case 'textarea':
      case 'email':
        if (typeof value !== 'string')
          return {
            code: 'INVALID_TYPE_ON_FIELD_IN_RECORD',
            message: `${def.name}: value not of required type`,
          };
        return value.length > def.length
          ? { code: 'STRING_TOO_LONG', message: `${def.name}: data value too large` }
          : null;
      default:
        return {
          code: 'INVALID_FIELD_FOR_INSERT_UPDATE',
          message: `${def.name} is not writable in this fake`,
        };
    }
  }

  const fake = await startFake(
    { token: clientSecret, pageSize: 2000 },
    (req, state) => {
      const { method, path, body } = req;
      if (path === '/services/oauth2/token') {
        if (method !== 'POST') return { status: 405, body: SF_ERROR('METHOD_NOT_ALLOWED', 'POST only') };
        if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded'))
          return {
            status: 400,
            body: { error: 'invalid_request', error_description: 'unsupported content type' },
          };
        const form = new URLSearchParams(typeof body === 'string' ? body : '');
        if (form.get('grant_type') !== 'client_credentials')
          return {
            status: 400,
            body: { error: 'unsupported_grant_type', error_description: 'grant type not supported' },
          };
        if (form.get('client_id') !== clientId || form.get('client_secret') !== state.token)
          return {
            status: 400,
            body: { error: 'invalid_client', error_description: 'invalid client credentials' },
          };
        tokensIssued += 1;
        const accessToken = `00DFAKE!${randomBytes(24).toString('base64url')}`;
        sessions.add(accessToken);
        return {
          status: 200,
          body: {
            access_token: accessToken,
            signature: randomBytes(16).toString('base64'),
            scope: 'api',
            instance_url: extra.url,
            id: `${extra.url}/id/00DFAKE000000000001/005FAKE000000000001`,
            token_type: 'Bearer',
            issued_at: String(Date.now()),
          },
        };
      }
      if (extra.requestLimitNext > 0) {
        extra.requestLimitNext -= 1;
        return { status: 403, body: SF_ERROR('REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.') };
      }
      const segments = /^(\/services\/data\/v\d+\.\d)(\/.*)$/.exec(path);
      if (!segments || !version.test(segments[1]!))
        return { status: 404, body: SF_ERROR('NOT_FOUND', 'The requested resource does not exist') };
      const [, apiVersion, rest] = segments as unknown as [string, string, string];
      if (method === 'GET' && rest === '/sobjects/Contact/describe')
        return {
          status: 200,
          body: {
            name: 'Contact',
            updateable: true,
            fields: [...fields.values()].map((f) => ({ ...f, label: f.name })),
          },
        };
      if (method === 'GET' && rest === '/query') {
        const q = req.query.get('q') ?? '';
        const parsed = parseSoql(q);
        if (!parsed)
          return {
            status: 400,
            body: SF_ERROR('MALFORMED_QUERY', `unexpected token in: ${q.slice(0, 100)}`),
          };
        const source = parsed.object === 'Contact' ? contacts : parsed.object === 'Account' ? accounts : null;
        if (!source)
          return {
            status: 400,
            body: SF_ERROR('INVALID_TYPE', `sObject type '${parsed.object}' is not supported.`),
          };
        for (const name of [
          ...parsed.fields,
          ...(parsed.where ? [parsed.where] : []),
          ...(parsed.orderBy ? [parsed.orderBy] : []),
        ])
          if (!fieldOf(parsed.object, name))
            return {
              status: 400,
              body: SF_ERROR('INVALID_FIELD', `No such column '${name}' on entity '${parsed.object}'.`),
            };
        let all = [...source.values()].filter((r) => !deleted.has(String(r.Id)));
        if (parsed.values !== null) {
          // Comparisons of text in SOQL are case-insensitive.
          const wanted = new Set(parsed.values.map((v) => v.toLowerCase()));
          all = all.filter((r) =>
            wanted.has(String(r[fieldOf(parsed.object, parsed.where!)!.name] ?? '').toLowerCase()),
          );
        }
        all.sort((a, b) => String(a.Id).localeCompare(String(b.Id)));
        const locatorId = `01gFAKE${randomBytes(6).toString('hex')}`;
        locators.set(locatorId, { records: all, object: parsed.object });
        Object.assign(locators.get(locatorId)!, { names: parsed.fields });
        return batch(locatorId, all, 0, apiVersion, parsed.object, parsed.fields, state.pageSize);
      }
      const more = /^\/query\/(01g\w+)-(\d+)$/.exec(rest);
      if (method === 'GET' && more) {
        const locator = locators.get(more[1]!) as
          | { records: SalesforceRecord[]; object: string; names: string[] }
          | undefined;
        if (!locator)
          return { status: 400, body: SF_ERROR('INVALID_QUERY_LOCATOR', 'invalid query locator') };
        return batch(
          more[1]!,
          locator.records,
          Number(more[2]),
          apiVersion,
          locator.object,
          locator.names,
          state.pageSize,
        );
      }
      if (method === 'PATCH' && rest === '/composite/sobjects') {
        const records: Json[] = body?.records;
        if (!Array.isArray(records) || records.length === 0)
          return { status: 400, body: SF_ERROR('JSON_PARSER_ERROR', 'records is required') };
        if (records.length > 200)
          return {
            status: 400,
            body: SF_ERROR(
              'EXCEEDED_ID_LIMIT',
              'record limit reached. cannot submit more than 200 records into this call',
            ),
          };
        // Malformed requests (no type, no id, an unknown field) refuse the whole call.
        for (const r of records) {
          if (r?.attributes?.type !== 'Contact')
            return {
              status: 400,
              body: SF_ERROR('INVALID_TYPE', 'Each record needs attributes.type (only Contact in this fake)'),
            };
          if (typeof r.id !== 'string')
            return { status: 400, body: SF_ERROR('MISSING_ARGUMENT', 'Id not specified in an update call') };
          for (const name of Object.keys(r))
            if (name !== 'attributes' && name !== 'id' && !fieldOf('Contact', name))
              return {
                status: 400,
                body: SF_ERROR('INVALID_FIELD', `No such column '${name}' on sobject of type Contact`),
              };
        }
        const results = records.map((r) => {
          const fail = (statusCode: string, message: string, failed: string[] = []) => ({
            success: false,
            errors: [{ statusCode, message, fields: failed }],
          });
          if (!/^003[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/.test(r.id))
            return fail('MALFORMED_ID', `Contact ID: id value of incorrect type: ${r.id}`, ['Id']);
          if (deleted.has(r.id)) return fail('ENTITY_IS_DELETED', 'entity is deleted');
          const record = contacts.get(r.id);
          if (!record) return fail('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id');
          for (const [name, value] of Object.entries(r)) {
            if (name === 'attributes' || name === 'id') continue;
            const def = fieldOf('Contact', name) as SalesforceFieldDef;
            if (!def.updateable)
              return fail('INVALID_FIELD_FOR_INSERT_UPDATE', `Unable to create/update fields: ${def.name}`, [
                def.name,
              ]);
            const problem = checkValue(def, value);
            if (problem) return fail(problem.code, problem.message, [def.name]);
          }
          if (validationFailures.has(r.id))
            return fail('FIELD_CUSTOM_VALIDATION_EXCEPTION', 'Contacts of closed accounts may not be edited');
          return {
            success: true,
            errors: [] as Json[],
            apply: () => {
              for (const [name, value] of Object.entries(r))
                if (name !== 'attributes' && name !== 'id')
                  record[(fieldOf('Contact', name) as SalesforceFieldDef).name] = value as
                    | string
                    | number
                    | null;
            },
          };
        });
        const allOrNone = body.allOrNone === true;
        const anyFailed = results.some((x) => !x.success);
        return {
          status: 200,
          body: results.map((x, i) => {
            if (allOrNone && anyFailed)
              return x.success
                ? {
                    id: records[i].id,
                    success: false,
                    errors: [
                      {
                        statusCode: 'ALL_OR_NONE_OPERATION_ROLLED_BACK',
                        message:
                          'Record rolled back because not all records were valid and the request was using AllOrNone header',
                        fields: [],
                      },
                    ],
                  }
                : { success: false, errors: (x as { errors: Json[] }).errors };
            if ('apply' in x) {
              x.apply();
              return { id: records[i].id, success: true, errors: [] };
            }
            return { success: false, errors: x.errors };
          }),
        };
      }
      return {
        status: 404,
        body: SF_ERROR('NOT_FOUND', `The requested resource does not exist: ${method} ${path}`),
      };
    },
    (req) =>
      req.path !== '/services/oauth2/token' &&
      !sessions.has(String(req.headers.authorization ?? '').replace(/^Bearer /, '')),
    SF_ERROR('INVALID_SESSION_ID', 'Session expired or invalid'),
  );
  extra.url = fake.url;
  return {
    ...fake,
    fields,
    contacts,
    accounts,
    deleted,
    validationFailures,
    extra,
    tokensIssued: () => tokensIssued,
    /** Every issued token stops working (expiry, or revoked by an admin). */
    expireSessions: () => sessions.clear(),
    /** What an admin does in Setup: the four custom fields the docs ask for. */
    createPlauditFields: () => {
      for (const f of [
        { name: 'Plaudit_NPS_Score__c', type: 'double', updateable: true, length: 0 },
        {
          name: 'Plaudit_NPS_Category__c',
          type: 'picklist',
          updateable: true,
          length: 255,
          picklistValues: ['promoter', 'passive', 'detractor'],
        },
        { name: 'Plaudit_NPS_Comment__c', type: 'textarea', updateable: true, length: 32_768 },
        { name: 'Plaudit_NPS_Date__c', type: 'date', updateable: true, length: 0 },
      ])
        fields.set(f.name, f);
    },
  };
}
