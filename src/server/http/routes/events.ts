/**
 * Transactional triggers: `POST /events` stores an event a client reports (purchase, deal_won,
 * ticket_solved …) for a contact (upserted), once per client event id, and in the same transaction
 * lets every active trigger rule of its name whose property filter matches create an invitation:
 * queued with a send-invitation job at occurred_at + the rule's delay, or skipped with the reason a
 * survey-fatigue rule gave (unsubscribed, bounced, recently_surveyed, no_email). "Never twice for
 * the same event" is the (event_id, survey_id) unique index: a second rule of the same survey is
 * reported as duplicate_event. What each rule did is stored with the event and answered, also to a
 * repeated request.
 */
import { z } from 'zod';
import { matches, validateFilter } from '../../../core/audience';
import { invitationExpiresAt } from '../../../core/expiry';
import { DEFAULT_REMINDER_PLAN } from '../../../core/reminders';
import { decideInvitation, loadContactFacts, sendPolicy, sendSettings } from '../../jobs/fatigue-facts';
import { enqueue } from '../../jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../jobs/send-invitation';
import {
  activeRulesFor,
  createTriggerRule,
  type EventOutcome,
  getEventByExternalId,
  insertEvent,
  listEvents,
  listTriggerRules,
  type StoredEvent,
  setEventOutcomes,
  type TriggerRule,
  updateTriggerRule,
} from '../../repo/events';
import { createEventInvitation } from '../../repo/invitations';
import { getSurvey } from '../../repo/surveys';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import { eventSchema, pageSchema, triggerRuleSchema } from '../response-schemas';
import { attributeKey, decodeCursor, encodeCursor, idParams, paginationQuery, uuid } from '../schemas';
import { checkFatigue } from './campaigns';
import { contactInput, upsertContactFromRequest } from './contacts';
import { checkReminders } from './invitations';

const MINUTE_MS = 60_000;
/** How far in the future occurred_at may be: clocks of the client and the server differ. */
const MAX_CLOCK_SKEW_MS = 5 * MINUTE_MS;
export const MAX_DELAY_MINUTES = 43_200;

const eventName = z
  .string()
  .regex(
    /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/,
    'must be an identifier: a letter, then letters, digits, _ . : - (max 100)',
  );

const eventCreate = z.strictObject({
  id: z
    .string()
    .trim()
    .min(1)
    .max(200)
    .describe('Your id of the event: the same id again is the same event (answered 200, nothing new)'),
  name: eventName.describe('The event, such as purchase, deal_won, ticket_solved, meeting_held'),
  contact: contactInput.describe('The contact, upserted by email or external_id'),
  properties: z
    .record(attributeKey, z.union([z.string().max(500), z.number().finite(), z.boolean(), z.null()]))
    .refine((o) => Object.keys(o).length <= 50, 'at most 50 properties')
    .default({})
    .describe(
      'Flat scalar properties, matched by the rules\' filters, e.g. { "amount": 120, "plan": "pro" }',
    ),
  occurred_at: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When it happened; at most 5 minutes in the future. Default: now'),
});

const filterField = z
  .record(z.string(), z.unknown())
  .describe(
    "A filter on the event's properties, in the audience filter language: " +
      '{ "all": [{ "attribute": "amount", "op": "gt", "value": 100 }] }',
  );

const delayField = z
  .number()
  .int()
  .min(0)
  .max(MAX_DELAY_MINUTES)
  .describe('Minutes after the event at which the survey is sent (0 to 43200, 30 days)');

const ruleCreate = z.strictObject({
  name: z.string().trim().min(1).max(200),
  event_name: eventName.describe('The event name the rule reacts to'),
  filter: filterField.optional(),
  survey_id: uuid,
  delay_minutes: delayField.default(0),
  reminders: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('{ "count": 0-5, "after_days": 1-30 }. Default: { "count": 1, "after_days": 3 }'),
  fatigue: z
    .record(z.string(), z.unknown())
    .optional()
    .describe('{ "min_days_between": 0-365 (default 90), "on_blocked": "drop" | "postpone" }'),
  active: z.boolean().default(true),
});

const rulePatch = z.strictObject({
  active: z.boolean().optional(),
  delay_minutes: delayField.optional(),
  filter: filterField.nullable().optional().describe('A new filter; null removes it'),
});

function checkFilter(input: Record<string, unknown>) {
  const checked = validateFilter(input, 'filter');
  if (!checked.ok) {
    const error = checked.errors[0]!;
    throw new ApiError(400, 'invalid_request', `${error.path}: ${error.message}`, error.path);
  }
  return checked.value;
}

export function triggerRuleJson(rule: TriggerRule) {
  const { workspace_id: _, ...rest } = rule;
  return rest;
}

export function eventJson(event: StoredEvent) {
  const { workspace_id: _, ...rest } = event;
  return rest;
}

/**
 * Lets every active rule of the event's name whose filter matches create its invitation (and send
 * job), in the caller's transaction. Returns what each rule did, in the rules' order.
 */
async function applyRules(
  tx: Parameters<Parameters<AppContext['db']['transaction']>[0]>[0],
  workspaceId: string,
  event: StoredEvent & { contact_id: string },
  now: Date,
): Promise<EventOutcome[]> {
  const outcomes: EventOutcome[] = [];
  /** The invitation of each survey this event already has. */
  const sentSurveys = new Map<string, string>();
  const rules = await activeRulesFor(tx, workspaceId, event.name);
  for (const rule of rules) {
    if (rule.filter !== null && !matches(rule.filter, event.properties)) continue;
    const sendAt = new Date(new Date(event.occurred_at).getTime() + rule.delay_minutes * MINUTE_MS);
    const existing = sentSurveys.get(rule.survey_id);
    if (existing !== undefined) {
      outcomes.push({
        rule_id: rule.id,
        survey_id: rule.survey_id,
        invitation_id: existing,
        status: 'skipped',
        skip_reason: 'duplicate_event',
        send_at: null,
      });
      continue;
    }
    // Read again for every rule: an invitation queued by an earlier rule counts as a survey.
    const [facts] = await loadContactFacts(tx, workspaceId, [event.contact_id]);
    const settings = await sendSettings(tx, workspaceId, rule.survey_id);
    if (!settings) continue; // the rule's survey is gone with it (ON DELETE CASCADE)
    const decision = decideInvitation(facts!, sendPolicy(settings.policy, rule.fatigue), sendAt);
    const invitation = await createEventInvitation(tx, workspaceId, {
      survey_id: rule.survey_id,
      contact_id: event.contact_id,
      event_id: event.id,
      expires_at: invitationExpiresAt(decision.due ?? sendAt, settings.expiryDays),
      status: decision.status,
      send_at: decision.due,
      skip_reason: decision.reason,
      reminder_plan: decision.status === 'queued' ? rule.reminders : null,
      created_at: now,
    });
    if (invitation === null) continue; // cannot happen for a new event; kept safe by the index
    sentSurveys.set(rule.survey_id, invitation.id);
    if (decision.status === 'queued') {
      // In the same transaction: neither the queued invitation nor its job exists without the other.
      await enqueue(
        tx,
        { queue: SEND_INVITATION_QUEUE, payload: { invitation_id: invitation.id }, workspaceId },
        { now, uniqueKey: `send:${invitation.id}`, runAt: decision.due! },
      );
    }
    outcomes.push({
      rule_id: rule.id,
      survey_id: rule.survey_id,
      invitation_id: invitation.id,
      status: decision.status,
      skip_reason: decision.reason,
      send_at: decision.due,
    });
  }
  return outcomes;
}

export function registerEventRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/trigger-rules',
      summary: 'Create a rule that sends a survey after an event (with the survey-fatigue rules)',
      tag: 'Events',
      body: ruleCreate,
      responses: { 201: { description: 'The rule', schema: triggerRuleSchema } },
    },
    async ({ c, auth, body }) => {
      const now = ctx.clock();
      const filter = body.filter === undefined ? null : checkFilter(body.filter);
      const fatigue = body.fatigue === undefined ? null : checkFatigue(body.fatigue);
      const reminders =
        body.reminders === undefined ? { ...DEFAULT_REMINDER_PLAN } : checkReminders(body.reminders);
      const rule = await ctx.db.transaction(async (tx) => {
        const survey = await getSurvey(tx, auth.workspaceId, body.survey_id);
        if (!survey) throw new ApiError(422, 'unknown_reference', 'survey_id: no such survey', 'survey_id');
        if (survey.status !== 'active') {
          throw new ApiError(422, 'survey_archived', 'survey_id: the survey is archived', 'survey_id');
        }
        return createTriggerRule(tx, auth.workspaceId, {
          name: body.name,
          event_name: body.event_name,
          filter,
          survey_id: survey.id,
          delay_minutes: body.delay_minutes,
          reminders,
          fatigue: fatigue !== null && Object.keys(fatigue).length > 0 ? fatigue : null,
          active: body.active,
          created_at: now,
        });
      });
      return c.json(triggerRuleJson(rule), 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/trigger-rules',
      summary: 'List trigger rules',
      tag: 'Events',
      query: z.object({
        ...paginationQuery,
        event_name: eventName.optional(),
        survey_id: uuid.optional().describe('Only the rules that send this survey'),
        active: z.enum(['true', 'false']).optional(),
      }),
      responses: { 200: { description: 'A page of rules', schema: pageSchema(triggerRuleSchema) } },
    },
    async ({ c, auth, query }) => {
      if (query.survey_id) await checkReferences(ctx.db, auth.workspaceId, { survey_id: [query.survey_id] });
      const rows = await listTriggerRules(
        ctx.db,
        auth.workspaceId,
        {
          event_name: query.event_name,
          survey_id: query.survey_id,
          active: query.active === undefined ? undefined : query.active === 'true',
        },
        { after: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      const more = rows.length > query.limit;
      const data = more ? rows.slice(0, query.limit) : rows;
      return c.json({
        data: data.map(triggerRuleJson),
        next_cursor: more ? encodeCursor(data[data.length - 1]!) : null,
      });
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/trigger-rules/{id}',
      summary: 'Change a rule: active, delay_minutes, filter (for events from now on)',
      tag: 'Events',
      params: idParams,
      body: rulePatch,
      responses: { 200: { description: 'The rule', schema: triggerRuleSchema } },
    },
    async ({ c, auth, params, body }) => {
      const filter =
        body.filter === undefined || body.filter === null ? body.filter : checkFilter(body.filter);
      const rule = await updateTriggerRule(ctx.db, auth.workspaceId, params.id, {
        active: body.active,
        delay_minutes: body.delay_minutes,
        filter,
      });
      if (!rule) throw notFound('Trigger rule', 'id');
      return c.json(triggerRuleJson(rule));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/events',
      summary: 'Report an event of a contact (upserted); matching trigger rules schedule their surveys',
      tag: 'Events',
      body: eventCreate,
      responses: {
        201: { description: 'The stored event and what each matching rule did', schema: eventSchema },
        200: {
          description: 'An event with this id was already stored: that event, nothing new',
          schema: eventSchema,
        },
      },
    },
    async ({ c, auth, body }) => {
      const now = ctx.clock();
      const occurredAt = body.occurred_at === undefined ? now : new Date(body.occurred_at);
      if (occurredAt.getTime() > now.getTime() + MAX_CLOCK_SKEW_MS) {
        throw new ApiError(
          400,
          'invalid_request',
          'occurred_at: must not be more than 5 minutes in the future',
          'occurred_at',
        );
      }
      const result = await ctx.db.transaction(async (tx) => {
        const stored = await getEventByExternalId(tx, auth.workspaceId, body.id);
        if (stored) return { event: stored, created: false };
        const contactId = await upsertContactFromRequest(tx, auth.workspaceId, body.contact);
        const inserted = await insertEvent(tx, auth.workspaceId, {
          external_id: body.id,
          name: body.name,
          contact_id: contactId,
          properties: body.properties as Record<string, unknown>,
          occurred_at: occurredAt,
          received_at: now,
        });
        // A concurrent request with the same id committed first: that one is the event.
        if (inserted === null) {
          return { event: (await getEventByExternalId(tx, auth.workspaceId, body.id))!, created: false };
        }
        const outcomes = await applyRules(tx, auth.workspaceId, { ...inserted, contact_id: contactId }, now);
        return { event: await setEventOutcomes(tx, inserted.id, outcomes), created: true };
      });
      return c.json(eventJson(result.event), result.created ? 201 : 200);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/events',
      summary: 'List events, newest first',
      tag: 'Events',
      query: z.object({ ...paginationQuery, name: eventName.optional(), contact_id: uuid.optional() }),
      responses: { 200: { description: 'A page of events', schema: pageSchema(eventSchema) } },
    },
    async ({ c, auth, query }) => {
      await checkReferences(ctx.db, auth.workspaceId, { contact_id: query.contact_id });
      const rows = await listEvents(
        ctx.db,
        auth.workspaceId,
        { name: query.name, contact_id: query.contact_id },
        { before: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      const more = rows.length > query.limit;
      const data = more ? rows.slice(0, query.limit) : rows;
      const last = data[data.length - 1];
      return c.json({
        data: data.map(eventJson),
        next_cursor:
          more && last ? encodeCursor({ created_at: new Date(last.received_at), id: last.id }) : null,
      });
    },
  );
}
