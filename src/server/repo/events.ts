/**
 * Transactional triggers (migration 0009): events a client reports and the rules that send a
 * survey after one. SQL and nothing else; the decisions are in http/routes/events.ts.
 */
import type { AttributeFilter } from '../../core/audience';
import type { ReminderPlan } from '../../core/reminders';
import type { Queryable } from '../db/port';
import type { CampaignFatigue } from './campaigns';

export interface TriggerRule {
  id: string;
  workspace_id: string;
  name: string;
  event_name: string;
  /** A filter on the event's properties (core/audience.ts); null: every event of the name. */
  filter: AttributeFilter | null;
  survey_id: string;
  delay_minutes: number;
  reminders: ReminderPlan | null;
  fatigue: CampaignFatigue | null;
  active: boolean;
  created_at: Date;
}

/** What one matching rule did with an event. */
export interface EventOutcome {
  rule_id: string;
  survey_id: string;
  /** The invitation created, or for duplicate_event the one the event already has of the survey. */
  invitation_id: string | null;
  status: 'queued' | 'skipped';
  skip_reason: string | null;
  send_at: Date | string | null;
}

export interface StoredEvent {
  id: string;
  workspace_id: string;
  external_id: string;
  name: string;
  /** Null only for an anonymous widget visitor's event. */
  contact_id: string | null;
  /** The widget's visitor id (events reported by the widget). */
  visitor_id: string | null;
  /** `api` (POST /api/v1/events) or `widget` (POST /w/v1/events, never runs trigger rules). */
  source: 'api' | 'widget';
  properties: Record<string, unknown>;
  occurred_at: Date;
  received_at: Date;
  outcomes: EventOutcome[];
}

const RULE_COLUMNS =
  'id, workspace_id, name, event_name, filter, survey_id, delay_minutes, reminders, fatigue, active, created_at';
const EVENT_COLUMNS =
  'id, workspace_id, external_id, name, contact_id, visitor_id, source, properties, occurred_at, received_at, outcomes';

const jsonOrNull = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));

export async function createTriggerRule(
  db: Queryable,
  workspaceId: string,
  input: {
    name: string;
    event_name: string;
    filter: AttributeFilter | null;
    survey_id: string;
    delay_minutes: number;
    reminders: ReminderPlan | null;
    fatigue: CampaignFatigue | null;
    active: boolean;
    created_at: Date;
  },
): Promise<TriggerRule> {
  const rows = await db.query<TriggerRule>(
    `INSERT INTO trigger_rule (workspace_id, name, event_name, filter, survey_id, delay_minutes, reminders, fatigue,
                               active, created_at)
     VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7::jsonb, $8::jsonb, $9, date_trunc('milliseconds', $10::timestamptz))
     RETURNING ${RULE_COLUMNS}`,
    [
      workspaceId,
      input.name,
      input.event_name,
      jsonOrNull(input.filter),
      input.survey_id,
      input.delay_minutes,
      jsonOrNull(input.reminders),
      jsonOrNull(input.fatigue),
      input.active,
      input.created_at,
    ],
  );
  return rows[0]!;
}

export async function getTriggerRule(db: Queryable, workspaceId: string, id: string) {
  const rows = await db.query<TriggerRule>(
    `SELECT ${RULE_COLUMNS} FROM trigger_rule WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, id],
  );
  return rows[0];
}

/** Changes the given fields; undefined leaves a field as it is (filter null removes the filter). */
export async function updateTriggerRule(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: { active?: boolean; delay_minutes?: number; filter?: AttributeFilter | null },
): Promise<TriggerRule | undefined> {
  const rows = await db.query<TriggerRule>(
    `UPDATE trigger_rule SET
       active = coalesce($3, active),
       delay_minutes = coalesce($4, delay_minutes),
       filter = CASE WHEN $5::boolean THEN $6::jsonb ELSE filter END
     WHERE workspace_id = $1 AND id = $2
     RETURNING ${RULE_COLUMNS}`,
    [
      workspaceId,
      id,
      patch.active ?? null,
      patch.delay_minutes ?? null,
      patch.filter !== undefined,
      jsonOrNull(patch.filter),
    ],
  );
  return rows[0];
}

export async function listTriggerRules(
  db: Queryable,
  workspaceId: string,
  filter: { event_name?: string; active?: boolean; survey_id?: string },
  page: { after?: { created_at: string; id: string }; limit: number },
): Promise<TriggerRule[]> {
  return db.query<TriggerRule>(
    `SELECT ${RULE_COLUMNS} FROM trigger_rule WHERE workspace_id = $1
       AND ($2::text IS NULL OR event_name = $2) AND ($3::boolean IS NULL OR active = $3)
       AND ($4::timestamptz IS NULL OR (created_at, id) > ($4::timestamptz, $5::uuid))
       AND ($7::uuid IS NULL OR survey_id = $7)
     ORDER BY created_at, id LIMIT $6`,
    [
      workspaceId,
      filter.event_name ?? null,
      filter.active ?? null,
      page.after?.created_at ?? null,
      page.after?.id ?? null,
      page.limit,
      filter.survey_id ?? null,
    ],
  );
}

/** The active rules of an event name, oldest first (the order their outcomes are listed in). */
export async function activeRulesFor(db: Queryable, workspaceId: string, eventName: string) {
  return db.query<TriggerRule>(
    `SELECT ${RULE_COLUMNS} FROM trigger_rule WHERE workspace_id = $1 AND event_name = $2 AND active
     ORDER BY created_at, id`,
    [workspaceId, eventName],
  );
}

/**
 * Stores an event unless the workspace already has one with its external id. Returns the new event,
 * or null when it existed (the caller reads the stored one).
 */
export async function insertEvent(
  db: Queryable,
  workspaceId: string,
  input: {
    external_id: string;
    name: string;
    contact_id: string | null;
    visitor_id?: string | null;
    source?: 'api' | 'widget';
    properties: Record<string, unknown>;
    occurred_at: Date;
    received_at: Date;
  },
): Promise<StoredEvent | null> {
  const rows = await db.query<StoredEvent>(
    `INSERT INTO event (workspace_id, external_id, name, contact_id, properties, occurred_at, received_at,
                        visitor_id, source)
     VALUES ($1, $2, $3, $4, $5::jsonb, date_trunc('milliseconds', $6::timestamptz),
             date_trunc('milliseconds', $7::timestamptz), $8, $9)
     ON CONFLICT (workspace_id, external_id) DO NOTHING
     RETURNING ${EVENT_COLUMNS}`,
    [
      workspaceId,
      input.external_id,
      input.name,
      input.contact_id,
      JSON.stringify(input.properties),
      input.occurred_at,
      input.received_at,
      input.visitor_id ?? null,
      input.source ?? 'api',
    ],
  );
  return rows[0] ?? null;
}

export async function getEventByExternalId(db: Queryable, workspaceId: string, externalId: string) {
  const rows = await db.query<StoredEvent>(
    `SELECT ${EVENT_COLUMNS} FROM event WHERE workspace_id = $1 AND external_id = $2`,
    [workspaceId, externalId],
  );
  return rows[0];
}

export async function setEventOutcomes(
  db: Queryable,
  eventId: string,
  outcomes: readonly EventOutcome[],
): Promise<StoredEvent> {
  const rows = await db.query<StoredEvent>(
    `UPDATE event SET outcomes = $2::jsonb WHERE id = $1 RETURNING ${EVENT_COLUMNS}`,
    [eventId, JSON.stringify(outcomes)],
  );
  return rows[0]!;
}

/** Newest first, by received_at; `before` is the last row of the previous page. */
export async function listEvents(
  db: Queryable,
  workspaceId: string,
  filter: { name?: string; contact_id?: string },
  page: { before?: { created_at: string; id: string }; limit: number },
): Promise<StoredEvent[]> {
  return db.query<StoredEvent>(
    `SELECT ${EVENT_COLUMNS} FROM event WHERE workspace_id = $1
       AND ($2::text IS NULL OR name = $2) AND ($3::uuid IS NULL OR contact_id = $3)
       AND ($4::timestamptz IS NULL OR (received_at, id) < ($4::timestamptz, $5::uuid))
     ORDER BY received_at DESC, id DESC LIMIT $6`,
    [
      workspaceId,
      filter.name ?? null,
      filter.contact_id ?? null,
      page.before?.created_at ?? null,
      page.before?.id ?? null,
      page.limit,
    ],
  );
}

export async function eventExists(db: Queryable, workspaceId: string, id: string): Promise<boolean> {
  const rows = await db.query('SELECT 1 FROM event WHERE workspace_id = $1 AND id = $2', [workspaceId, id]);
  return rows.length > 0;
}
