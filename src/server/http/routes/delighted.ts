/**
 * A Delighted-compatible API under /delighted/v1, so an existing Delighted integration (its
 * official client libraries included) keeps working by changing its base URL. Delighted's formats
 * differ from /api/v1 (Unix timestamps, page numbers, `{status, message, errors}` errors, paths
 * with or without `.json`), so these are plain Hono routes outside the OpenAPI router; they use
 * the same API keys (HTTP Basic with the key as user name, as Delighted does; an API key acts as
 * admin) and the same repository functions. See docs/MIGRATING-FROM-DELIGHTED.md.
 */
import { randomUUID } from 'node:crypto';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { DEFAULT_REMINDER_PLAN } from '../../../core/reminders';
import type { Queryable } from '../../db/port';
import { decideInvitation, loadContactFacts, sendSettings } from '../../jobs/fatigue-facts';
import { enqueue } from '../../jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../jobs/send-invitation';
import type { Attributes } from '../../repo/contacts';
import { getContact, upsertContacts } from '../../repo/contacts';
import {
  type DelightedPersonRow,
  type DelightedResponseRow,
  defaultSurveyId,
  delightedCounts,
  getDelightedPerson,
  listDelightedPeople,
  listDelightedResponses,
  listDelightedSuppressions,
} from '../../repo/delighted';
import { createInvitation } from '../../repo/invitations';
import { recordSuppression } from '../../repo/suppressions';
import { getSurvey } from '../../repo/surveys';
import { getWorkspace } from '../../repo/workspaces';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth';
import { ApiError } from '../errors';
import { readBodyText } from '../read-body';
import { decodeCursor, emailSchema, encodeCursor, localeSchema, uuid } from '../schemas';
import { COMMENT_MAX } from './responses';

export const DELIGHTED_PREFIX = '/delighted/v1';

const DAY_MS = 86_400_000;
const MAX_DELAY_SECONDS = 365 * 86_400;
const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  500: 'Internal Server Error',
};

/** A Delighted-style error: `{ "status": 422, "message": "Unprocessable Entity", "errors": { field: [..] } }`. */
export class DelightedError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly errors: Record<string, string[]> | undefined = undefined,
  ) {
    super(STATUS_TEXT[status] ?? 'Error');
  }
}

const invalid = (field: string, message: string) => new DelightedError(422, { [field]: [message] });

type Env = { Variables: { auth: AuthContext } };

/** Unix seconds, or null. */
const unix = (value: Date | string | null | undefined): number | null =>
  value === null || value === undefined ? null : Math.floor(new Date(value).getTime() / 1000);

/** A Delighted property key as a Plaudit attribute name (letters, digits, _ . -; at most 64). */
export function attributeNameOf(key: string): string {
  let name = key.trim().replace(/[^A-Za-z0-9_.-]+/g, '_');
  if (!/^[A-Za-z]/.test(name)) name = `p_${name}`;
  return name.slice(0, 64);
}

/** Delighted properties as Plaudit attributes: scalars, strings at most 500 characters, at most 50. */
function attributesOf(field: string, properties: Record<string, unknown>): Attributes {
  const out: Attributes = {};
  for (const [key, value] of Object.entries(properties)) {
    if (value === null || value === undefined) continue;
    if (typeof value === 'object') throw invalid(`${field}.${key}`, 'must be a string, number or boolean');
    const v = typeof value === 'string' ? value : (value as number | boolean);
    if (typeof v === 'string' && v.length > 500)
      throw invalid(`${field}.${key}`, 'is too long (maximum is 500 characters)');
    if (typeof v === 'number' && !Number.isFinite(v)) throw invalid(`${field}.${key}`, 'is invalid');
    out[attributeNameOf(key)] = v;
  }
  if (Object.keys(out).length > 50) throw invalid(field, 'has more than 50 properties');
  return out;
}

/**
 * A request body as an object: JSON, or form parameters as Delighted's curl examples send them
 * (`properties[plan]=pro`).
 */
async function bodyOf(c: Context): Promise<Record<string, unknown>> {
  const text = await readBodyText(c);
  const type = c.req.header('content-type') ?? '';
  if (/application\/x-www-form-urlencoded/i.test(type)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) {
      const nested = /^([^[\]]+)\[([^[\]]*)\]$/.exec(key);
      if (nested) {
        const inner = (out[nested[1]!] ?? {}) as Record<string, unknown>;
        inner[nested[2]!] = value;
        out[nested[1]!] = inner;
      } else out[key] = value;
    }
    return out;
  }
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch {
    // reported below
  }
  throw new DelightedError(400, { body: ['must be a JSON object'] });
}

/** Query parameters; `name[]` and repeated names are arrays. */
function queryOf(c: Context): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(c.req.queries())) {
    const name = key.endsWith('[]') ? key.slice(0, -2) : key;
    out[name] = [...(out[name] ?? []), ...values];
  }
  return out;
}

function intParam(
  query: Record<string, string[]>,
  name: string,
  min: number,
  max: number,
): number | undefined {
  const text = query[name]?.[0];
  if (text === undefined || text === '') return undefined;
  if (!/^-?\d+$/.test(text)) throw invalid(name, 'is not a number');
  const value = Number(text);
  if (value < min || value > max) throw invalid(name, `must be between ${min} and ${max}`);
  return value;
}

function timeParam(query: Record<string, string[]>, name: string): Date | undefined {
  const seconds = intParam(query, name, 0, 32_503_680_000);
  return seconds === undefined ? undefined : new Date(seconds * 1000);
}

function uuidParam(query: Record<string, string[]>, name: string): string | undefined {
  const text = query[name]?.[0];
  if (text === undefined || text === '') return undefined;
  if (!uuid.safeParse(text).success) throw new DelightedError(404, { [name]: ['not found'] });
  return text;
}

function perPageOf(query: Record<string, string[]>): number {
  return intParam(query, 'per_page', 1, 100) ?? 20;
}

/** A boolean body field, also as the strings "true"/"false" of a form post. */
function booleanOf(field: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined || value === null) return fallback;
  if (value === true || value === 'true') return true;
  if (value === false || value === 'false') return false;
  throw invalid(field, 'must be true or false');
}

function integerOf(field: string, value: unknown, min: number, max: number): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const n = typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isInteger(n)) throw invalid(field, 'is not a number');
  if (n < min || n > max) throw invalid(field, `must be between ${min} and ${max}`);
  return n;
}

function stringOf(field: string, value: unknown, max: number): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(field, 'must be a string');
  if (value.length > max) throw invalid(field, `is too long (maximum is ${max} characters)`);
  return value;
}

function personJson(row: DelightedPersonRow) {
  const phone = row.attributes.phone_number;
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    phone_number: typeof phone === 'string' ? phone : null,
    created_at: unix(row.created_at),
    last_sent_at: unix(row.last_sent_at),
    last_responded_at: unix(row.last_responded_at),
    next_survey_scheduled_at: unix(row.next_survey_scheduled_at),
  };
}

/** The person a response names, as Delighted shows it inside `expand[]=person`. */
function expandedPerson(row: DelightedResponseRow) {
  const phone = row.attributes.phone_number;
  return {
    id: row.contact_id,
    email: row.contact_email,
    name: row.contact_name,
    phone_number: typeof phone === 'string' ? phone : null,
    created_at: unix(row.contact_created_at),
  };
}

function surveyResponseJson(ctx: AppContext, row: DelightedResponseRow, expandPerson: boolean) {
  return {
    id: row.id,
    person: expandPerson && row.contact_id ? expandedPerson(row) : row.contact_id,
    survey_type: 'nps',
    score: row.score,
    comment: row.comment,
    permalink: `${ctx.config.publicUrl}/app/responses/${row.id}`,
    created_at: unix(row.created_at),
    updated_at: unix(row.updated_at),
    person_properties: Object.keys(row.attributes).length > 0 ? row.attributes : null,
    notes: [],
    tags: [],
    additional_answers: [],
  };
}

/** The survey Delighted requests go to; 422 when the workspace has no active survey. */
async function surveyOf(db: Queryable, workspaceId: string): Promise<string> {
  const id = await defaultSurveyId(db, workspaceId);
  if (!id) throw invalid('survey', 'no active survey in this workspace: create one first');
  return id;
}

/** `trend` names a Plaudit survey (Delighted's trends are its segments of one survey). */
async function trendOf(ctx: AppContext, workspaceId: string, query: Record<string, string[]>) {
  const trend = uuidParam(query, 'trend');
  if (trend && !(await getSurvey(ctx.db, workspaceId, trend)))
    throw new DelightedError(404, { trend: ['not found'] });
  return trend;
}

export function registerDelightedRoutes(app: Hono, ctx: AppContext): void {
  const api = new Hono<Env>();

  api.onError((error, c) => {
    if (error instanceof DelightedError) {
      return c.json(
        { status: error.status, message: error.message, ...(error.errors ? { errors: error.errors } : {}) },
        error.status,
      );
    }
    if (error instanceof ApiError) {
      const status = error.status === 400 && error.field ? 422 : error.status;
      return c.json(
        {
          status,
          message: STATUS_TEXT[status] ?? error.message,
          errors: { [error.field ?? 'base']: [error.message] },
        },
        status,
      );
    }
    console.error('Unhandled error', c.req.method, c.req.path, error);
    return c.json({ status: 500, message: STATUS_TEXT[500] }, 500);
  });

  // The API key as Basic auth user name (or Bearer); sessions do not apply here.
  api.use('*', async (c, next) => {
    if (!c.req.header('authorization')) throw new DelightedError(401);
    try {
      c.set('auth', await ctx.authenticator.apiKeys.authenticate(c));
    } catch (error) {
      if (error instanceof ApiError && error.status === 401) throw new DelightedError(401);
      throw error;
    }
    await next();
  });

  /** Each route answers with and without `.json`, as Delighted's own API does. */
  const route = (
    method: 'get' | 'post' | 'delete',
    path: string,
    handler: (c: Context<Env>) => Promise<Response>,
  ) => {
    api[method](`${path}.json`, handler);
    api[method](path, handler);
  };

  route('post', '/people', async (c) => {
    const auth = c.get('auth');
    const body = await bodyOf(c);
    const channel = stringOf('channel', body.channel, 10) ?? 'email';
    if (channel === 'sms') throw invalid('channel', 'sms is not supported by Plaudit: use email');
    if (channel !== 'email') throw invalid('channel', 'is invalid');
    const emailText = stringOf('email', body.email, 320);
    if (!emailText) throw invalid('email', "can't be blank");
    if (!emailSchema.safeParse(emailText).success) throw invalid('email', 'is invalid');
    const name = stringOf('name', body.name, 300);
    const phone = stringOf('phone_number', body.phone_number, 40);
    const delay = integerOf('delay', body.delay, 0, MAX_DELAY_SECONDS) ?? 0;
    const send = booleanOf('send', body.send, true);
    const lastSentAt = integerOf('last_sent_at', body.last_sent_at, 0, 32_503_680_000);
    const rawProperties = body.properties ?? {};
    if (typeof rawProperties !== 'object' || Array.isArray(rawProperties) || rawProperties === null) {
      throw invalid('properties', 'must be an object');
    }
    const { locale: localeValue, ...other } = rawProperties as Record<string, unknown>;
    let locale: string | undefined;
    if (localeValue !== undefined && localeValue !== null && localeValue !== '') {
      // Delighted takes "en", "de", "pt-BR"…; Plaudit stores "pt-BR" as well.
      const text = String(localeValue).replace('_', '-');
      if (!localeSchema.safeParse(text).success) throw invalid('properties.locale', 'is invalid');
      locale = text;
    }
    const attributes = attributesOf('properties', other);
    if (phone) attributes.phone_number = phone;

    const now = ctx.clock();
    const sendAt = new Date(now.getTime() + delay * 1000);
    const result = await ctx.db.transaction(async (tx) => {
      const [contactId] = await upsertContacts(tx, auth.workspaceId, [
        { email: emailText, name: name ?? undefined, locale, attributes },
      ]);
      let scheduledAt: Date | null = null;
      if (send) {
        const survey = await getSurvey(tx, auth.workspaceId, await surveyOf(tx, auth.workspaceId));
        const workspace = await getWorkspace(tx, auth.workspaceId);
        // The same path as POST /api/v1/invitations with send: true: survey-fatigue rules decide
        // (unsubscribed, bounced, recently surveyed), a skipped send is recorded with its reason.
        const [facts] = await loadContactFacts(tx, auth.workspaceId, [contactId!]);
        const settings = await sendSettings(tx, auth.workspaceId, survey!.id);
        const decision = decideInvitation(facts!, settings!.policy, sendAt);
        const invitation = await createInvitation(tx, auth.workspaceId, {
          survey_id: survey!.id,
          contact_id: contactId!,
          channel: 'email',
          expires_at: new Date(
            (decision.due ?? sendAt).getTime() + workspace!.invitation_expiry_days * DAY_MS,
          ),
          status: decision.status,
          skip_reason: decision.reason ?? null,
          send_at: decision.due ?? null,
          reminder_plan: decision.status === 'queued' ? { ...DEFAULT_REMINDER_PLAN } : null,
        });
        if (decision.status === 'queued') {
          await enqueue(
            tx,
            {
              queue: SEND_INVITATION_QUEUE,
              payload: { invitation_id: invitation.id },
              workspaceId: auth.workspaceId,
            },
            { now, uniqueKey: `send:${invitation.id}`, runAt: decision.due! },
          );
          scheduledAt = decision.due!;
        }
      }
      return { contact: (await getContact(tx, auth.workspaceId, contactId!))!, scheduledAt };
    });
    void lastSentAt; // Accepted for compatibility; Plaudit's fatigue rules use its own send history.
    return c.json(
      {
        id: result.contact.id,
        email: result.contact.email,
        name: result.contact.name,
        phone_number: phone ?? null,
        survey_scheduled_at: unix(result.scheduledAt),
      },
      200,
    );
  });

  route('get', '/people', async (c) => {
    const auth = c.get('auth');
    const query = queryOf(c);
    const perPage = perPageOf(query);
    const pageInfo = query.page_info?.[0];
    let after: { created_at: string; id: string } | undefined;
    try {
      after = pageInfo ? decodeCursor(pageInfo) : undefined;
    } catch {
      throw invalid('page_info', 'is invalid');
    }
    const rows = await listDelightedPeople(
      ctx.db,
      auth.workspaceId,
      { since: timeParam(query, 'since'), until: timeParam(query, 'until') },
      { after, limit: perPage + 1 },
    );
    const page = rows.slice(0, perPage);
    if (rows.length > perPage) {
      // The next page as a Link header, which the official clients follow.
      const next = new URL(c.req.url);
      next.searchParams.set('page_info', encodeCursor(page[page.length - 1]!));
      next.searchParams.set('per_page', String(perPage));
      c.header('Link', `<${next.toString()}>; rel="next"`);
    }
    return c.json(page.map(personJson));
  });

  // One route: the param takes an optional `.json` suffix.
  api.get('/people/:id', async (c) => {
    const auth = c.get('auth');
    const id = c.req.param('id').replace(/\.json$/, '');
    const person = uuid.safeParse(id).success
      ? await getDelightedPerson(ctx.db, auth.workspaceId, id)
      : undefined;
    if (!person) throw new DelightedError(404);
    return c.json(personJson(person));
  });

  route('get', '/survey_responses', async (c) => {
    const auth = c.get('auth');
    const query = queryOf(c);
    const perPage = perPageOf(query);
    const page = intParam(query, 'page', 1, 1_000_000) ?? 1;
    const orderText = query.order?.[0] ?? 'asc';
    // Delighted also takes "asc:updated_at" / "desc:updated_at"; Plaudit orders by creation.
    const order = orderText.split(':')[0];
    if (order !== 'asc' && order !== 'desc') throw invalid('order', 'must be asc or desc');
    const personEmail = query.person_email?.[0];
    const personId = uuidParam(query, 'person_id');
    const rows = await listDelightedResponses(
      ctx.db,
      auth.workspaceId,
      {
        since: timeParam(query, 'since'),
        until: timeParam(query, 'until'),
        updatedSince: timeParam(query, 'updated_since'),
        updatedUntil: timeParam(query, 'updated_until'),
        surveyId: await trendOf(ctx, auth.workspaceId, query),
        contactId: personId,
        email: personEmail ? personEmail.trim().toLowerCase() : undefined,
      },
      { order, limit: perPage, offset: (page - 1) * perPage },
    );
    const expandPerson = (query.expand ?? []).flatMap((e) => e.split(',')).includes('person');
    return c.json(rows.map((row) => surveyResponseJson(ctx, row, expandPerson)));
  });

  route('post', '/survey_responses', async (c) => {
    const auth = c.get('auth');
    const body = await bodyOf(c);
    const personText = body.person === undefined || body.person === null ? '' : String(body.person);
    if (personText === '') throw invalid('person', "can't be blank");
    if (body.score === undefined || body.score === null || body.score === '')
      throw invalid('score', "can't be blank");
    const score = integerOf('score', body.score, 0, 10)!;
    const comment = stringOf('comment', body.comment, COMMENT_MAX)?.trim() || null;
    const rawProps = body.person_properties ?? body.properties ?? {};
    if (typeof rawProps !== 'object' || Array.isArray(rawProps) || rawProps === null) {
      throw invalid('person_properties', 'must be an object');
    }
    const properties = attributesOf('person_properties', rawProps as Record<string, unknown>);
    const now = ctx.clock();
    const createdSeconds = integerOf(
      'created_at',
      body.created_at,
      0,
      Math.floor(now.getTime() / 1000) + 300,
    );
    const createdAt = createdSeconds === undefined ? now : new Date(createdSeconds * 1000);
    const contact = uuid.safeParse(personText).success
      ? await getContact(ctx.db, auth.workspaceId, personText)
      : undefined;
    if (!contact) throw invalid('person', 'not found');
    const surveyId = await surveyOf(ctx.db, auth.workspaceId);
    const result = await ctx.writer.submit({
      workspace_id: auth.workspaceId,
      survey_id: surveyId,
      contact_id: contact.id,
      invitation_id: null,
      score,
      comment,
      locale: contact.locale,
      channel: 'api',
      properties,
      idempotency_key: `auto:${randomUUID()}`,
      edit_token: null,
      editable_until: null,
      created_at: createdAt,
    });
    const [row] = await listDelightedResponses(
      ctx.db,
      auth.workspaceId,
      { id: result.id },
      { order: 'asc', limit: 1, offset: 0 },
    );
    return c.json(surveyResponseJson(ctx, row!, false), 201);
  });

  route('get', '/metrics', async (c) => {
    const auth = c.get('auth');
    const query = queryOf(c);
    const since = timeParam(query, 'since');
    const until = timeParam(query, 'until');
    if (since && until && since > until) throw invalid('since', 'must not be after until');
    const counts = await delightedCounts(ctx.db, auth.workspaceId, {
      since,
      until,
      surveyId: await trendOf(ctx, auth.workspaceId, query),
    });
    return c.json(metricsJson(counts));
  });

  route('post', '/unsubscribes', async (c) => {
    const auth = c.get('auth');
    const body = await bodyOf(c);
    const email = stringOf('person_email', body.person_email, 320);
    if (!email) throw invalid('person_email', "can't be blank");
    if (!emailSchema.safeParse(email).success) throw invalid('person_email', 'is invalid');
    await recordSuppression(
      ctx.db,
      auth.workspaceId,
      { email, reason: 'unsubscribed', source: 'delighted-api' },
      ctx.clock(),
    );
    return c.json({ ok: true });
  });

  for (const [path, reason, field] of [
    ['/unsubscribes', 'unsubscribed', 'unsubscribed_at'],
    ['/bounces', 'bounced', 'bounced_at'],
  ] as const) {
    route('get', path, async (c) => {
      const auth = c.get('auth');
      const query = queryOf(c);
      const perPage = perPageOf(query);
      const page = intParam(query, 'page', 1, 1_000_000) ?? 1;
      const rows = await listDelightedSuppressions(
        ctx.db,
        auth.workspaceId,
        reason,
        { since: timeParam(query, 'since'), until: timeParam(query, 'until') },
        { limit: perPage, offset: (page - 1) * perPage },
      );
      return c.json(
        rows.map((r) => ({
          person_id: r.contact_id,
          email: r.email,
          name: r.name,
          [field]: unix(r.created_at),
        })),
      );
    });
  }

  api.all('*', () => {
    throw new DelightedError(404);
  });

  app.route(DELIGHTED_PREFIX, api);
}

/** Delighted's metrics: NPS as an integer, percentages with two decimals. */
export function metricsJson(counts: { promoters: number; passives: number; detractors: number }) {
  const total = counts.promoters + counts.passives + counts.detractors;
  const percent = (n: number) => (total === 0 ? 0 : Math.round((n / total) * 10_000) / 100);
  return {
    nps: total === 0 ? 0 : Math.round(((counts.promoters - counts.detractors) / total) * 100),
    promoter_count: counts.promoters,
    promoter_percent: percent(counts.promoters),
    passive_count: counts.passives,
    passive_percent: percent(counts.passives),
    detractor_count: counts.detractors,
    detractor_percent: percent(counts.detractors),
    response_count: total,
  };
}
