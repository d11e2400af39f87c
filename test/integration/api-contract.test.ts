/**
 * The API contract on every registered route, found by enumerating the router (a new route without
 * an entry in VALID_REQUESTS fails the suite):
 * - a battery of malformed requests gets a 4xx `{ error: { code, message, field } }` naming the
 *   field, never a 500, and writes nothing;
 * - a key of workspace B can neither read nor change anything of workspace A.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { can, type Permission, ROLES } from '../../src/core/roles';
import { hashToken, newCsrfToken, newSessionToken } from '../../src/server/auth/session-cookie';
import { loadConfig } from '../../src/server/config';
import type { Database } from '../../src/server/db/port';
import type { RegisteredRoute } from '../../src/server/http/api-router';
import { permissionOf } from '../../src/server/http/api-router';
import { createApp } from '../../src/server/http/app';
import { createApiKey } from '../../src/server/repo/api-keys';
import {
  addMembership,
  createMemberInvitation,
  createSession,
  createUser,
} from '../../src/server/repo/users';
import { createWorkspace } from '../../src/server/repo/workspaces';
import { databaseKinds } from './databases';

interface Ids {
  survey: string;
  account: string;
  contact: string;
  invitation: string;
  campaign: string;
  autopilot: string;
  triggerRule: string;
  response: string;
  apiKey: string;
  publishableKey: string;
  member: string;
  memberInvitation: string;
  webhook: string;
  hook: string;
  webhookDelivery: string;
  crmConnection: string;
  testimonial: string;
  case: string;
}

interface RequestParts {
  query?: Record<string, string>;
  body?: unknown;
  /** For text/csv routes. */
  csv?: string;
}

const DAY = '2026-06-01';

/** A request that succeeds for each route, given workspace A's resources. */
const VALID_REQUESTS: Record<string, (ids: Ids) => RequestParts> = {
  'GET /members': () => ({}),
  'PATCH /members/{id}': () => ({ body: { role: 'member' } }),
  'DELETE /members/{id}': () => ({}),
  'GET /member-invitations': () => ({}),
  'POST /member-invitations': () => ({ body: { email: 'colleague@example.com', role: 'viewer' } }),
  'DELETE /member-invitations/{id}': () => ({}),
  'GET /workspace': () => ({}),
  'PATCH /workspace': () => ({ body: { name: 'Renamed workspace' } }),
  'GET /api-keys': () => ({}),
  'POST /api-keys': () => ({ body: { name: 'second key' } }),
  'DELETE /api-keys/{id}': () => ({}),
  'GET /publishable-keys': () => ({}),
  'POST /publishable-keys': () => ({
    body: { name: 'website', allowed_origins: ['https://app.example.com', 'https://*.example.org'] },
  }),
  'PATCH /publishable-keys/{id}': () => ({ body: { allowed_origins: ['https://*.example.com'] } }),
  'DELETE /publishable-keys/{id}': () => ({}),
  'GET /surveys': () => ({ query: { status: 'active' } }),
  'POST /surveys': () => ({
    body: {
      name: 'Another survey',
      product_name: 'Taskwerk',
      ask_testimonial_consent: true,
      texts: { en: { testimonial_consent: 'You may quote me.' } },
    },
  }),
  'GET /surveys/{id}': () => ({}),
  'GET /surveys/preview': (ids) => ({ query: { survey_id: ids.survey, view: 'email', locale: 'de' } }),
  'PATCH /surveys/{id}': () => ({ body: { name: 'Renamed survey', ask_testimonial_consent: true } }),
  'GET /surveys/{id}/widget': () => ({}),
  'PUT /surveys/{id}/widget': () => ({
    body: {
      triggers: [{ kind: 'page_view', url_pattern: '/checkout/*' }],
      sampling_percent: 50,
      colors: { brand: '#0b57d0', background: '#ffffff', text: '#1f2328' },
    },
  }),
  'GET /accounts': () => ({}),
  'POST /accounts': () => ({ body: { name: 'Globex', external_id: 'globex', revenue: 1000 } }),
  'GET /accounts/{id}': () => ({}),
  'PATCH /accounts/{id}': () => ({ body: { revenue: 5000 } }),
  'GET /accounts/{id}/trend': () => ({ query: { interval: 'month', from: '2026-01-01', to: '2026-06-30' } }),
  'GET /contacts': () => ({ query: { limit: '10' } }),
  'POST /contacts': () => ({ body: { email: 'new@example.com', attributes: { plan: 'pro' } } }),
  'GET /contacts/{id}': () => ({}),
  'PATCH /contacts/{id}': () => ({ body: { name: 'Renamed contact' } }),
  'POST /invitations': (ids) => ({ body: { survey_id: ids.survey, contact_id: ids.contact } }),
  'GET /invitations': (ids) => ({ query: { survey_id: ids.survey } }),
  'GET /invitations/{id}': () => ({}),
  'POST /campaigns': (ids) => ({
    body: {
      survey_id: ids.survey,
      name: 'Quarterly',
      audience: { all: [{ attribute: 'plan', op: 'eq', value: 'secret-plan-a' }] },
      fatigue: { min_days_between: 30 },
    },
  }),
  'GET /campaigns': (ids) => ({ query: { survey_id: ids.survey } }),
  'GET /campaigns/{id}': () => ({}),
  'POST /autopilots': (ids) => ({
    body: {
      survey_id: ids.survey,
      name: 'Relationship',
      cadence: 'after_winning_customer',
      audience: { all: [{ attribute: 'plan', op: 'eq', value: 'secret-plan-a' }] },
      business_hours: { weekdays: [1, 2, 3, 4, 5], start_hour: 8, end_hour: 18 },
      fatigue: { min_days_between: 60, on_blocked: 'postpone' },
    },
  }),
  'GET /autopilots': (ids) => ({ query: { survey_id: ids.survey, status: 'active' } }),
  'GET /autopilots/{id}': () => ({}),
  'PATCH /autopilots/{id}': () => ({
    body: { cadence: { anchor: { kind: 'first_seen' }, milestones_months: [], then_every_months: 6 } },
  }),
  'DELETE /autopilots/{id}': () => ({}),
  'GET /autopilots/{id}/schedule': () => ({ query: { limit: '10' } }),
  'POST /trigger-rules': (ids) => ({
    body: {
      survey_id: ids.survey,
      name: 'After a purchase',
      event_name: 'purchase',
      filter: { all: [{ attribute: 'amount', op: 'gt', value: 100 }] },
      delay_minutes: 120,
      fatigue: { min_days_between: 30 },
    },
  }),
  'GET /trigger-rules': (ids) => ({
    query: { event_name: 'purchase', survey_id: ids.survey, active: 'true' },
  }),
  'PATCH /trigger-rules/{id}': () => ({ body: { delay_minutes: 60 } }),
  'POST /events': () => ({
    body: {
      id: 'order-contract-1',
      name: 'purchase',
      contact: { email: 'buyer-contract@example.com' },
      properties: { amount: 120 },
    },
  }),
  'GET /events': () => ({ query: { name: 'purchase' } }),
  'POST /responses': (ids) => ({
    body: { survey_id: ids.survey, score: 9, contact_id: ids.contact, testimonial_consent: true },
  }),
  'GET /responses': (ids) => ({ query: { survey_id: ids.survey } }),
  'GET /responses/{id}': () => ({}),
  'PATCH /responses/{id}': () => ({ body: { comment: 'changed', testimonial_consent: false } }),
  'GET /metrics/nps': (ids) => ({ query: { survey_id: ids.survey, current: 'true' } }),
  'GET /metrics/trend': (ids) => ({ query: { survey_id: ids.survey, granularity: 'month' } }),
  'GET /metrics/breakdown': (ids) => ({ query: { survey_id: ids.survey, by: 'plan' } }),
  'GET /metrics/attributes': () => ({}),
  'GET /playbook': () => ({}),
  'PUT /playbook': () => ({
    body: {
      rules: [
        {
          name: 'Detractors',
          categories: ['detractor'],
          actions: [{ kind: 'alert_owner' }, { kind: 'open_case', due_hours: 12 }],
        },
      ],
    },
  }),
  'DELETE /playbook': () => ({}),
  'GET /surveys/{id}/playbook': () => ({}),
  'PUT /surveys/{id}/playbook': () => ({
    body: {
      rules: [
        {
          name: 'Enterprise',
          categories: ['passive'],
          attributes: { all: [{ attribute: 'plan', op: 'eq', value: 'secret-plan-a' }] },
          actions: [{ kind: 'open_case', due_hours: 48 }],
        },
      ],
    },
  }),
  'GET /metrics/response-rate': (ids) => ({ query: { survey_id: ids.survey, from: DAY } }),
  'GET /cases': () => ({ query: { status: 'open,in_progress', category: 'detractor' } }),
  'GET /cases/{id}': () => ({}),
  'POST /cases': (ids) => ({ body: { contact_id: ids.contact, title: 'secret-case-A2', due_hours: 48 } }),
  'PATCH /cases/{id}': () => ({ body: { status: 'in_progress', root_causes: ['secret-cause-a'] } }),
  'POST /cases/{id}/notes': () => ({ body: { kind: 'contact', body: 'secret-note-A' } }),
  'POST /cases/{id}/follow-up': () => ({ body: { message: 'secret-message-A', recovery_survey: false } }),
  'GET /metrics/cases': () => ({ query: { from: '2026-01-01', group_by: 'owner' } }),
  'GET /metrics/themes': (ids) => ({ query: { survey_id: ids.survey, min_count: '1', q: 'comment' } }),
  'GET /metrics/accounts': (ids) => ({
    query: { survey_id: ids.survey, from: '2026-01-01', to: '2026-06-30', sort: 'nps', limit: '10' },
  }),
  'GET /metrics/leaderboard': (ids) => ({ query: { survey_id: ids.survey, by: 'plan', min_n: '1' } }),
  'GET /responses/export': (ids) => ({ query: { survey_id: ids.survey } }),
  'POST /imports/contacts': () => ({ csv: 'email,plan\nimported@example.com,pro\n' }),
  'POST /imports/responses': (ids) => ({
    query: { survey_id: ids.survey },
    csv: 'score,email,comment\n9,imported-r@example.com,Gut\n',
  }),
  'POST /imports/delighted': (ids) => ({
    query: { survey_id: ids.survey },
    csv: 'Response ID,Date,Score,Comment,Email\n77,2026-01-02 10:00:00 -0800,10,Great,delighted@example.com\n',
  }),
  'POST /metrics/compare': (ids) => ({
    body: { current: { survey_id: [ids.survey], from: DAY, to: '2026-06-30' } },
  }),
  'POST /suppressions': () => ({
    body: {
      email: 'bounced@example.com',
      reason: 'bounced',
      detail: '550 5.1.1 no such user',
      source: 'postmark',
    },
  }),
  'GET /suppressions': () => ({ query: { reason: 'bounced', limit: '10' } }),
  'GET /webhooks': () => ({}),
  'POST /webhooks': () => ({
    body: { url: 'https://hooks.example.com/plaudit', events: ['response.created'], description: 'CRM' },
  }),
  'GET /webhooks/{id}': () => ({}),
  'PATCH /webhooks/{id}': () => ({
    body: { events: ['response.created', 'response.updated'], active: true },
  }),
  'DELETE /webhooks/{id}': () => ({}),
  'POST /webhooks/{id}/rotate-secret': () => ({}),
  'GET /webhooks/{id}/deliveries': () => ({ query: { limit: '10', status: 'pending' } }),
  'POST /webhooks/deliveries/{id}/redeliver': () => ({}),
  'POST /hooks': () => ({
    body: { target_url: 'https://hooks.zapier.example/abc', event: 'response.created' },
  }),
  'DELETE /hooks/{id}': () => ({}),
  'GET /crm-connections': () => ({}),
  'POST /crm-connections': () => ({
    body: { provider: 'pipedrive', token: 'pd-token-0123456789', push: true },
  }),
  'GET /crm-connections/{id}': () => ({}),
  'PATCH /crm-connections/{id}': () => ({ body: { pull: false, push: true } }),
  'DELETE /crm-connections/{id}': () => ({}),
  'POST /crm-connections/{id}/sync': () => ({}),
  'GET /alert-settings': () => ({}),
  // Port 9 refuses connections at once: the test message reports delivered: false.
  'PUT /alert-settings': () => ({
    body: {
      slack_webhook_url: 'http://127.0.0.1:9/services/T000/B000/contract',
      emails: ['alerts@example.com'],
      new_detractor: true,
      sla_breach: false,
      nps_drop: { enabled: true, recent_days: 7, baseline_days: 90 },
    },
  }),
  'POST /alert-settings/test': () => ({}),
  'GET /testimonials': () => ({ query: { status: 'pending', limit: '10' } }),
  'GET /testimonial-settings': () => ({}),
  'PUT /testimonial-settings': () => ({
    body: { item_name: 'Taskwerk', item_type: 'SoftwareApplication', item_url: 'https://taskwerk.example' },
  }),
  'POST /testimonials/{id}/approve': () => ({ body: { display_name: 'Anna B.' } }),
  'POST /testimonials/{id}/reject': () => ({}),
  'PATCH /testimonials/{id}': () => ({ body: { display_name: 'Anna Becker' } }),
  'POST /testimonials/{id}/withdraw': () => ({}),
};

/** The resource each `{id}` path refers to. */
function idFor(route: RegisteredRoute, ids: Ids): string {
  if (route.spec.path.startsWith('/webhooks/deliveries/')) return ids.webhookDelivery;
  const resource = route.spec.path.split('/')[1];
  const map: Record<string, string> = {
    'api-keys': ids.apiKey,
    'publishable-keys': ids.publishableKey,
    surveys: ids.survey,
    accounts: ids.account,
    contacts: ids.contact,
    invitations: ids.invitation,
    campaigns: ids.campaign,
    autopilots: ids.autopilot,
    'trigger-rules': ids.triggerRule,
    responses: ids.response,
    members: ids.member,
    'member-invitations': ids.memberInvitation,
    webhooks: ids.webhook,
    hooks: ids.hook,
    'crm-connections': ids.crmConnection,
    testimonials: ids.testimonial,
    cases: ids.case,
  };
  const id = map[resource ?? ''];
  if (!id) throw new Error(`no fixture for ${route.spec.path}`);
  return id;
}

const routeName = (route: RegisteredRoute) => `${route.spec.method.toUpperCase()} ${route.spec.path}`;

type JsonSchema = {
  type?: string | string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  pattern?: string;
  format?: string;
};

function inputSchemaOf(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
}

function typesOf(schema: JsonSchema): Set<string> {
  const out = new Set<string>();
  const add = (t: string) => out.add(t === 'integer' ? 'number' : t);
  if (schema.type) for (const t of [schema.type].flat()) add(t);
  for (const member of [...(schema.anyOf ?? []), ...(schema.oneOf ?? [])])
    for (const t of typesOf(member)) out.add(t);
  if (schema.enum) for (const v of schema.enum) add(v === null ? 'null' : typeof v);
  return out;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A body value of a type the property does not accept, or undefined when it accepts anything. */
function wrongValueFor(schema: JsonSchema): unknown {
  const types = typesOf(schema);
  if (types.size === 0) return undefined;
  if (schema.enum && types.size === 1 && types.has('string')) return '__not_an_option__';
  return [12345, 'not valid', true, [], {}].find((v) => !types.has(jsonType(v)));
}

/** A query value the parameter refuses, when its schema restricts strings at all. */
function wrongQueryValueFor(schema: JsonSchema): string | undefined {
  const types = typesOf(schema);
  if (types.has('array')) return undefined; // lists: checked by their own tests
  if (schema.enum) return '__not_an_option__';
  if (types.has('number')) return 'abc';
  if (schema.pattern || schema.format) return '%% <not valid>';
  return undefined;
}

// Response bodies are checked by the assertions, not by the compiler.
// biome-ignore lint/suspicious/noExplicitAny: see above
type Json = any;

async function expectClientError(res: Response, what: string, field?: string | RegExp): Promise<Json> {
  const text = await res.text();
  expect(res.status, `${what}: status (body ${text.slice(0, 300)})`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: status (body ${text.slice(0, 300)})`).toBeLessThan(500);
  expect(res.headers.get('content-type') ?? '', `${what}: content type`).toMatch(/application\/json/);
  const body = JSON.parse(text) as Json;
  expect(typeof body.error?.code, `${what}: error.code`).toBe('string');
  expect(typeof body.error?.message, `${what}: error.message`).toBe('string');
  expect(body.error && 'field' in body.error, `${what}: error.field present`).toBe(true);
  if (field !== undefined) {
    if (typeof field === 'string') expect(body.error.field, `${what}: error.field`).toBe(field);
    else expect(body.error.field, `${what}: error.field`).toMatch(field);
  }
  return body;
}

/**
 * The answer matches the schema its route documents for that status. Parsing strips keys the
 * schema does not know, so equality after parsing also proves nothing undocumented is returned.
 */
async function expectDocumentedAnswer(route: RegisteredRoute, res: Response): Promise<void> {
  const documented = route.spec.responses[res.status];
  expect(documented, `${routeName(route)} documents status ${res.status}`).toBeTruthy();
  if (documented?.contentType && documented.contentType !== 'application/json') return;
  expect(
    documented?.schema,
    `${routeName(route)} documents the shape of its ${res.status} answer`,
  ).toBeTruthy();
  const body = (await res.json()) as unknown;
  const parsed = documented!.schema!.safeParse(body);
  expect(parsed.error?.issues ?? [], `${routeName(route)} answer matches its schema`).toEqual([]);
  expect(parsed.data, `${routeName(route)} answers only documented fields`).toEqual(body);
}

/** The tables a workspace owns, and which volatile columns to ignore when comparing. */
const TENANT_TABLES: [table: string, key: string, ignore: string[]][] = [
  ['workspace', 'id', []],
  ['api_key', 'workspace_id', ['last_used_at']],
  ['publishable_key', 'workspace_id', []],
  ['survey', 'workspace_id', []],
  ['account', 'workspace_id', []],
  ['contact', 'workspace_id', []],
  ['invitation', 'workspace_id', []],
  ['campaign', 'workspace_id', []],
  ['autopilot', 'workspace_id', []],
  ['trigger_rule', 'workspace_id', []],
  ['event', 'workspace_id', []],
  ['response', 'workspace_id', []],
  ['response_daily', 'workspace_id', []],
  ['response_attribute_daily', 'workspace_id', []],
  ['response_attribute_monthly', 'workspace_id', []],
  ['suppression', 'workspace_id', []],
  ['membership', 'workspace_id', []],
  ['member_invitation', 'workspace_id', []],
  ['user_session', 'workspace_id', ['last_seen_at', 'expires_at']],
  ['webhook_endpoint', 'workspace_id', []],
  ['webhook_delivery', 'workspace_id', []],
  ['crm_connection', 'workspace_id', []],
  ['crm_link', 'workspace_id', []],
  ['crm_push', 'workspace_id', []],
  ['playbook_run', 'workspace_id', []],
  ['follow_up_case', 'workspace_id', []],
  ['case_note', 'workspace_id', []],
  ['testimonial', 'workspace_id', []],
  ['testimonial_settings', 'workspace_id', []],
];

/** A digest of everything a workspace owns: equal digests mean nothing was written. */
async function digestOf(db: Database, workspaceId: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const [table, key, ignore] of TENANT_TABLES) {
    const minus = ignore.map((c) => ` - '${c}'`).join('');
    const rows = await db.query<{ digest: string; n: number }>(
      `SELECT count(*)::int AS n, md5(coalesce(string_agg((to_jsonb(t)${minus})::text, '|' ORDER BY (to_jsonb(t)${minus})::text), '')) AS digest
       FROM ${table} t WHERE ${key} = $1`,
      [workspaceId],
    );
    out[table] = `${rows[0]!.n}:${rows[0]!.digest}`;
  }
  return out;
}

for (const kind of databaseKinds()) {
  describe(`API contract on ${kind.name}`, () => {
    let db: Database;
    let drop: () => Promise<void>;
    let app: ReturnType<typeof createApp>['app'];
    let routes: RegisteredRoute[];
    const keys = { a: '', b: '' };
    const workspaces = { a: '', b: '' };
    let ids: Ids;
    let publishableKeyValue = '';

    const send = (
      key: string | null,
      method: string,
      path: string,
      init: { query?: Record<string, string>; body?: string; contentType?: string } = {},
    ) => {
      const qs = init.query ? `?${new URLSearchParams(init.query)}` : '';
      const headers: Record<string, string> = {};
      if (key !== null) headers.authorization = `Bearer ${key}`;
      if (init.contentType) headers['content-type'] = init.contentType;
      return app.request(`/api/v1${path}${qs}`, { method, headers, body: init.body });
    };
    const sendJson = (
      key: string,
      method: string,
      path: string,
      body?: unknown,
      query?: Record<string, string>,
    ) =>
      send(key, method, path, {
        query,
        body: body === undefined ? undefined : JSON.stringify(body),
        contentType: body === undefined ? undefined : 'application/json',
      });
    const pathOf = (route: RegisteredRoute, id?: string) =>
      route.spec.path.replace('{id}', id ?? (route.spec.params ? idFor(route, ids) : ''));
    const validFor = (route: RegisteredRoute) => {
      const make = VALID_REQUESTS[routeName(route)];
      if (!make) throw new Error(`${routeName(route)} has no entry in VALID_REQUESTS: add one`);
      return make(ids);
    };
    /** Sends the route's valid request with `key`, with parts replaced as given. */
    const sendValid = (
      key: string,
      route: RegisteredRoute,
      override: RequestParts & { id?: string } = {},
    ) => {
      const valid = { ...validFor(route), ...override };
      if (route.spec.bodyType === 'csv') {
        return send(key, route.spec.method.toUpperCase(), pathOf(route, override.id), {
          query: valid.query,
          body: valid.csv,
          contentType: 'text/csv',
        });
      }
      return sendJson(
        key,
        route.spec.method.toUpperCase(),
        pathOf(route, override.id),
        valid.body,
        valid.query,
      );
    };

    beforeAll(async () => {
      ({ db, drop } = await kind.create());
      const created = createApp({ config: loadConfig({}), db, clock: () => new Date() });
      app = created.app;
      // The sign-in routes are public or need a session, not an API key: test/integration/auth.test.ts.
      routes = created.routes.filter((r) => r.spec.tag !== 'Sign-in');
      for (const name of ['a', 'b'] as const) {
        const ws = await createWorkspace(db, { name: `Workspace ${name}` });
        workspaces[name] = ws.id;
        keys[name] = (await createApiKey(db, ws.id, 'main')).secret;
      }
      // Workspace A's resources, with marker strings the isolation test looks for in B's answers.
      const post = async (path: string, body: unknown) => {
        const res = await sendJson(keys.a, 'POST', path, body);
        expect(res.status, `${path} fixture`).toBeLessThan(300);
        return (await res.json()) as Json;
      };
      const survey = await post('/surveys', { name: 'secret-survey-A', product_name: 'SecretProductA' });
      const account = await post('/accounts', { name: 'secret-account-A', external_id: 'secret-acc-a' });
      const contact = await post('/contacts', {
        email: 'secret-a@example.com',
        account_id: account.id,
        attributes: { plan: 'secret-plan-a' },
      });
      const invitation = await post('/invitations', { survey_id: survey.id, contact_id: contact.id });
      const campaign = await post('/campaigns', {
        survey_id: survey.id,
        name: 'secret-campaign-A',
        audience: { everyone: true },
      });
      const autopilot = await post('/autopilots', {
        survey_id: survey.id,
        name: 'secret-autopilot-A',
        cadence: 'quarterly_for_all',
      });
      const triggerRule = await post('/trigger-rules', {
        survey_id: survey.id,
        name: 'secret-rule-A',
        event_name: 'purchase',
        delay_minutes: 60,
      });
      await post('/events', {
        id: 'secret-event-A',
        name: 'purchase',
        contact: { email: 'secret-a@example.com' },
        properties: { amount: 'secret-amount-A' },
      });
      // Before the response: its response.created delivery is the fixture of the delivery routes.
      const webhook = await post('/webhooks', {
        url: 'https://secret-hook-a.example.com/in',
        events: ['response.created'],
        description: 'secret-webhook-A',
      });
      const hook = await post('/hooks', {
        target_url: 'https://secret-hook-a.example.com/zap',
        event: 'case.opened',
      });
      const response = await post('/responses', {
        survey_id: survey.id,
        score: 3,
        comment: 'secret comment A',
        contact_id: contact.id,
        created_at: `${DAY}T10:00:00Z`,
      });
      // A promoter who consented to be quoted: the fixture of the testimonial routes.
      expect(
        (await sendJson(keys.a, 'PATCH', `/surveys/${survey.id}`, { ask_testimonial_consent: true })).status,
      ).toBe(200);
      const praise = await post('/responses', {
        survey_id: survey.id,
        score: 10,
        comment: 'secret praise A',
        contact_id: contact.id,
        testimonial_consent: true,
        created_at: `${DAY}T11:00:00Z`,
      });
      const followUp = await post('/cases', {
        response_id: response.id,
        title: 'secret-case-A',
        owner: 'secret-owner-a@example.com',
      });
      const apiKey = await post('/api-keys', { name: 'secret-key-A' });
      const crmConnection = await post('/crm-connections', {
        provider: 'hubspot',
        token: 'secret-crm-token-A-1234',
        base_url: 'https://secret-crm-a.example.com',
      });
      // Salesforce: the client id and secret are never returned either.
      await post('/crm-connections', {
        provider: 'salesforce',
        client_id: 'secret-sf-client-A-1234',
        client_secret: 'secret-sf-secret-A-1234',
        base_url: 'https://secret-crm-a.example.com',
      });
      const publishableKey = await post('/publishable-keys', {
        name: 'secret-pk-A',
        allowed_origins: ['https://secret-a.example.com'],
      });
      publishableKeyValue = publishableKey.key;
      const member = await createUser(db, {
        email: 'secret-member-a@example.com',
        name: 'Secret Member A',
        password_hash: 'scrypt$unused',
      });
      await addMembership(db, workspaces.a, member.id, 'viewer');
      const memberInvitation = await createMemberInvitation(db, {
        workspace_id: workspaces.a,
        email: 'secret-invitee-a@example.com',
        role: 'viewer',
        token_hash: hashToken(newSessionToken().token),
        invited_by: null,
        now: new Date(),
        expires_at: new Date(Date.now() + 86_400_000),
      });
      const [delivery] = await db.query<{ id: string }>(
        'SELECT id FROM webhook_delivery WHERE workspace_id = $1 LIMIT 1',
        [workspaces.a],
      );
      ids = {
        webhook: webhook.id,
        hook: hook.id,
        webhookDelivery: delivery!.id,
        crmConnection: crmConnection.id,
        member: member.id,
        memberInvitation: memberInvitation.id,
        survey: survey.id,
        account: account.id,
        contact: contact.id,
        invitation: invitation.id,
        campaign: campaign.id,
        autopilot: autopilot.id,
        triggerRule: triggerRule.id,
        response: response.id,
        apiKey: apiKey.id,
        publishableKey: publishableKey.id,
        testimonial: praise.id,
        case: followUp.id,
      };
    });
    afterAll(() => drop());

    it('has a valid request for every route, and each succeeds', async () => {
      expect(routes.length).toBeGreaterThan(20);
      for (const route of routes) {
        // Revoking the fixture key would spoil later tests; its success is covered by its own test.
        if (route.spec.method === 'delete') continue;
        const res = await sendValid(keys.a, route);
        expect(res.status, `${routeName(route)}: ${await res.clone().text()}`).toBeLessThan(300);
        await expectDocumentedAnswer(route, res);
      }
      // The same metrics requests that must show B nothing do show A its responses.
      const trend = (await (
        await sendValid(keys.a, routes.find((r) => r.spec.path === '/metrics/trend')!)
      ).json()) as Json;
      expect(trend.points.some((p: Json) => p.summary.n > 0)).toBe(true);
    });

    it('answers malformed requests on every route with a 4xx naming the field, and writes nothing', async () => {
      const before = await digestOf(db, workspaces.a);
      for (const route of routes) {
        const name = routeName(route);
        const method = route.spec.method.toUpperCase();
        const valid = validFor(route);

        await expectClientError(
          await send(null, method, pathOf(route)),
          `${name} without a key`,
          'authorization',
        );
        await expectClientError(
          await send('plk_not_a_real_key', method, pathOf(route)),
          `${name} with an unknown key`,
        );
        expect((await send('plk_not_a_real_key', method, pathOf(route))).status).toBe(401);

        if (route.spec.params) {
          await expectClientError(
            await sendValid(keys.a, route, { id: 'not-a-uuid' }),
            `${name} with a malformed id`,
            'id',
          );
          const res = await sendValid(keys.a, route, { id: randomUUID() });
          expect(res.status, `${name} with an unknown id`).toBe(404);
          await expectClientError(res, `${name} with an unknown id`, 'id');
        }

        if (route.spec.query) {
          await expectClientError(
            await sendValid(keys.a, route, { query: { ...valid.query, no_such_parameter: '1' } }),
            `${name} with an unknown query parameter`,
            'no_such_parameter',
          );
          const properties = inputSchemaOf(route.spec.query).properties ?? {};
          for (const [param, schema] of Object.entries(properties)) {
            const wrong = wrongQueryValueFor(schema);
            if (wrong === undefined) continue;
            await expectClientError(
              await sendValid(keys.a, route, { query: { ...valid.query, [param]: wrong } }),
              `${name} with ?${param}=${wrong}`,
              param,
            );
          }
        }

        if (route.spec.body && route.spec.bodyType === 'csv') {
          const res = await send(keys.a, method, pathOf(route), {
            query: valid.query,
            body: '{"score": 9}',
            contentType: 'application/json',
          });
          expect(res.status, `${name} with JSON instead of CSV`).toBe(415);
          await expectClientError(res, `${name} with JSON instead of CSV`);
          await expectClientError(
            await send(keys.a, method, pathOf(route), {
              query: valid.query,
              body: '',
              contentType: 'text/csv',
            }),
            `${name} with an empty CSV`,
          );
        } else if (route.spec.body) {
          const path = pathOf(route);
          const raw = (body: string | undefined, contentType?: string) =>
            send(keys.a, method, path, { query: valid.query, body, contentType });
          const wrongType = await raw(JSON.stringify(valid.body), 'text/plain');
          expect(wrongType.status, `${name} as text/plain`).toBe(415);
          await expectClientError(wrongType, `${name} as text/plain`);
          for (const text of ['{"name":', '', 'null', '[]', '42', '"text"', '{"a":1}{']) {
            await expectClientError(
              await raw(text, 'application/json'),
              `${name} with body ${JSON.stringify(text)}`,
            );
          }
          const huge = await raw(JSON.stringify({ name: 'x'.repeat(300 * 1024) }), 'application/json');
          expect(huge.status, `${name} with a 300 KB body`).toBe(413);
          await expectClientError(huge, `${name} with a 300 KB body`);
          await expectClientError(
            await sendValid(keys.a, route, { body: { ...(valid.body as object), no_such_field: 1 } }),
            `${name} with an unknown field`,
            'no_such_field',
          );
          const schema = inputSchemaOf(route.spec.body);
          for (const [property, propertySchema] of Object.entries(schema.properties ?? {})) {
            const wrong = wrongValueFor(propertySchema);
            if (wrong === undefined) continue;
            await expectClientError(
              await sendValid(keys.a, route, { body: { ...(valid.body as object), [property]: wrong } }),
              `${name} with ${property}=${JSON.stringify(wrong)}`,
              new RegExp(`^${property.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\.|$)`),
            );
          }
          for (const property of schema.required ?? []) {
            const body = { ...(valid.body as Record<string, unknown>) };
            delete body[property];
            await expectClientError(
              await sendValid(keys.a, route, { body }),
              `${name} without ${property}`,
              new RegExp(`^${property}(\\.|$)`),
            );
          }
        }
      }
      expect(await digestOf(db, workspaces.a)).toEqual(before);
    });

    it('enforces each role on every route for dashboard sessions, and needs the CSRF token for changes', async () => {
      // One signed-in user per role in workspace A.
      const sessions = {} as Record<(typeof ROLES)[number], { cookie: string; csrf: string }>;
      for (const role of ROLES) {
        const user = await createUser(db, {
          email: `${role}-matrix@example.com`,
          name: role,
          password_hash: 'x',
        });
        await addMembership(db, workspaces.a, user.id, role);
        const { token, hash } = newSessionToken();
        const csrf = newCsrfToken();
        const now = new Date();
        await createSession(db, {
          token_hash: hash,
          user_id: user.id,
          workspace_id: workspaces.a,
          csrf_token: csrf,
          now,
          expires_at: new Date(now.getTime() + 86_400_000),
        });
        sessions[role] = { cookie: `plaudit_session=${token}`, csrf };
      }
      const sendAs = (role: (typeof ROLES)[number], route: RegisteredRoute, csrf = true) => {
        const valid = validFor(route);
        const qs = valid.query ? `?${new URLSearchParams(valid.query)}` : '';
        const headers: Record<string, string> = { cookie: sessions[role].cookie };
        if (csrf) headers['x-csrf-token'] = sessions[role].csrf;
        let body: string | undefined;
        if (route.spec.bodyType === 'csv') {
          headers['content-type'] = 'text/csv';
          body = valid.csv;
        } else if (valid.body !== undefined) {
          headers['content-type'] = 'application/json';
          body = JSON.stringify(valid.body);
        }
        return app.request(`/api/v1${pathOf(route)}${qs}`, {
          method: route.spec.method.toUpperCase(),
          headers,
          body,
        });
      };
      // Removing someone else needs `manage` (anyone may remove themselves: auth.test.ts).
      const effective = (route: RegisteredRoute): Permission =>
        routeName(route) === 'DELETE /members/{id}' ? 'manage' : (permissionOf(route.spec) as Permission);

      const before = await digestOf(db, workspaces.a);
      for (const route of routes) {
        for (const role of ROLES) {
          if (can(role, effective(route))) continue;
          const res = await sendAs(role, route);
          const text = await res.text();
          expect(res.status, `${routeName(route)} as ${role}: ${text.slice(0, 200)}`).toBe(403);
          expect(JSON.parse(text).error.code).toBe('forbidden');
        }
        if (route.spec.method !== 'get') {
          const res = await sendAs('owner', route, false);
          expect(res.status, `${routeName(route)} without the CSRF token`).toBe(403);
          expect(((await res.json()) as Json).error.code).toBe('csrf_failed');
        }
      }
      expect(await digestOf(db, workspaces.a)).toEqual(before);

      // Allowed: never refused for the role (deletions are left out: they would remove the fixtures).
      for (const route of routes) {
        if (route.spec.method === 'delete') continue;
        for (const role of ROLES) {
          if (!can(role, effective(route))) continue;
          const res = await sendAs(role, route);
          expect([401, 403], `${routeName(route)} as ${role}: ${await res.clone().text()}`).not.toContain(
            res.status,
          );
        }
      }
    });

    it('rejects scores outside 0-10, fractions and strings', async () => {
      for (const score of [-1, 11, 7.5, '9', null, 1e9]) {
        await expectClientError(
          await sendJson(keys.a, 'POST', '/responses', { survey_id: ids.survey, score }),
          `score ${JSON.stringify(score)}`,
          'score',
        );
      }
      await expectClientError(
        await sendJson(keys.a, 'POST', '/responses', { survey_id: randomUUID(), score: 9 }),
        'unknown survey',
        'survey_id',
      );
    });

    it("keeps workspace A's data out of reach of workspace B's key on every route", async () => {
      const before = await digestOf(db, workspaces.a);
      const secrets = [
        ...Object.values(ids),
        'secret-survey-A',
        'SecretProductA',
        'secret-account-A',
        'secret-a@example.com',
        'secret-plan-a',
        'secret comment A',
        'secret-key-A',
        'secret-pk-A',
        'secret-a.example.com',
        publishableKeyValue,
        'secret-campaign-A',
        'secret-autopilot-A',
        'secret-rule-A',
        'secret-event-A',
        'secret-amount-A',
        'secret-member-a@example.com',
        'secret-invitee-a@example.com',
        'secret-hook-a.example.com',
        'secret-webhook-A',
        'secret-crm-token-A',
        'secret-sf-client-A',
        'secret-sf-secret-A',
        'secret-crm-a.example.com',
        'secret praise A',
        workspaces.a,
      ];
      for (const route of routes) {
        const name = routeName(route);
        const res = await sendValid(keys.b, route);
        const text = await res.text();
        for (const secret of secrets) {
          expect(text.includes(secret), `${name} as B reveals ${secret}: ${text.slice(0, 300)}`).toBe(false);
        }
        if (route.spec.params) {
          expect(res.status, `${name} as B on A's resource`).toBe(404);
        } else if (Object.values(ids).some((id) => JSON.stringify(validFor(route)).includes(id))) {
          // A body or filter naming A's survey or contact must be refused, not applied or answered.
          expect(
            res.status,
            `${name} as B naming A's resources: ${text.slice(0, 200)}`,
          ).toBeGreaterThanOrEqual(400);
          expect(res.status).toBeLessThan(500);
        } else {
          expect(res.status, `${name} as B: ${text.slice(0, 200)}`).toBeLessThan(500);
        }
        if (route.spec.path.startsWith('/metrics/') && res.status === 200) {
          const body = JSON.parse(text) as Json;
          const n = body.n ?? body.total?.n ?? body.current?.n;
          if (n !== undefined) expect(n, `${name} as B counts A's responses`).toBe(0);
          if (body.points) expect(body.points.every((p: Json) => p.summary.n === 0)).toBe(true);
        }
      }
      expect(await digestOf(db, workspaces.a)).toEqual(before);
      // A's key still works after B tried to revoke it.
      expect((await sendJson(keys.a, 'GET', '/workspace')).status).toBe(200);
    });

    it('revokes an API key, after which it is refused', async () => {
      const created = (await (
        await sendJson(keys.a, 'POST', '/api-keys', { name: 'short-lived' })
      ).json()) as Json;
      expect((await sendJson(created.secret, 'GET', '/workspace')).status).toBe(200);
      expect((await sendJson(keys.a, 'DELETE', `/api-keys/${created.id}`)).status).toBe(200);
      expect((await sendJson(created.secret, 'GET', '/workspace')).status).toBe(401);
    });
  });
}
