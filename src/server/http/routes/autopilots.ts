/**
 * Autopilots over the API: a survey sent on a relational cadence (every 3, 6 or 12 months, or 3, 6
 * and 12 months after `customer_since` …) inside business hours in each contact's time zone. The
 * hourly scheduler is jobs/autopilot-tick.ts; `/autopilots/{id}/schedule` shows each contact's
 * next due day.
 */
import { z } from 'zod';
import { type Audience, audienceToSql, validateAudience } from '../../../core/audience';
import { contactSchedule, validateCadence } from '../../../core/autopilot';
import {
  DEFAULT_BUSINESS_HOURS,
  nextSlot,
  spreadOf,
  validateBusinessHours,
} from '../../../core/business-hours';
import type { CadenceRule } from '../../../core/cadence';
import { startOfDay } from '../../../core/calendar';
import { DEFAULT_REMINDER_PLAN } from '../../../core/reminders';
import type { FieldError, Validated } from '../../../core/validation';
import { startAutopilot } from '../../jobs/autopilot-tick';
import {
  type Autopilot,
  autopilotCounts,
  createAutopilot,
  deleteAutopilot,
  getAutopilot,
  listAutopilots,
  updateAutopilot,
} from '../../repo/autopilots';
import { getSurvey } from '../../repo/surveys';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import {
  autopilotScheduleEntrySchema,
  autopilotSchema,
  autopilotWithCountsSchema,
  pageSchema,
} from '../response-schemas';
import {
  decodeCursor,
  encodeCursor,
  idParams,
  pageOf,
  paginationQuery,
  uuid,
  withoutWorkspace,
} from '../schemas';
import { checkFatigue } from './campaigns';
import { checkReminders } from './invitations';

const jsonObject = z.record(z.string(), z.unknown());
const status = z.enum(['active', 'paused'], { message: 'must be active or paused' });
const name = z.string().trim().min(1).max(200);
const cadence = z
  .union([z.string(), jsonObject], { message: 'must be a preset name or a rule object' })
  .describe(
    'A preset ("after_winning_customer": 3, 6 and 12 months after customer_since, then yearly; ' +
      '"quarterly_for_all": 1 January, April, July, October) or a rule ' +
      '{ "anchor": { "kind": "attribute", "attribute": "customer_since" } | { "kind": "first_seen" } | ' +
      '{ "kind": "fixed", "day": "YYYY-MM-DD" }, "milestones_months": [3, 6, 12], "then_every_months": 12 | null }',
  );
const audience = jsonObject.describe(
  '{ "everyone": true } (default), { "contact_ids": [...] }, or a filter on contact attributes { all | any: [...] }',
);
const businessHours = jsonObject.describe(
  'When emails may go out, in the contact\'s time zone (else the workspace\'s): { "weekdays": [1-7], ' +
    '"start_hour": 0-23, "end_hour": 1-24 }. Default: Monday-Friday 9-17',
);
const reminders = jsonObject.describe(
  '{ "count": 0-5, "after_days": 1-30 }. Default: 1 reminder after 3 days',
);
const fatigue = jsonObject.describe(
  'Override of the survey-fatigue rule: { "min_days_between": 0-365, "on_blocked": "drop" | "postpone" }',
);

const autopilotCreate = z.strictObject({
  survey_id: uuid,
  name,
  cadence,
  audience: audience.optional(),
  business_hours: businessHours.optional(),
  reminders: reminders.nullable().optional(),
  fatigue: fatigue.optional(),
  status: status.optional().describe('Default: active (the first run is at once)'),
});

const autopilotPatch = z.strictObject({
  name: name.optional(),
  cadence: cadence.optional(),
  audience: audience.optional(),
  business_hours: businessHours.optional(),
  reminders: reminders.nullable().optional(),
  fatigue: fatigue.nullable().optional(),
  status: status.optional().describe('paused stops the runs; active resumes them (a run at once)'),
});

/** The first error of a core validator as the API's 400 naming the field. */
function valid<T>(checked: Validated<T>): T {
  if (!checked.ok) {
    const error: FieldError = checked.errors[0]!;
    throw new ApiError(400, 'invalid_request', `${error.path}: ${error.message}`, error.path);
  }
  return checked.value;
}

const checkCadence = (input: unknown): CadenceRule => valid(validateCadence(input, 'cadence'));
const checkAudience = (input: unknown): Audience => valid(validateAudience(input, 'audience'));

export const autopilotJson = withoutWorkspace<Autopilot>;

export function registerAutopilotRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/autopilots',
      summary: 'Survey contacts on a relational cadence, inside business hours in their time zone',
      tag: 'Autopilots',
      body: autopilotCreate,
      responses: {
        201: { description: 'The autopilot; its first run is queued at once', schema: autopilotSchema },
      },
    },
    async ({ c, auth, body }) => {
      const now = ctx.clock();
      const settings = {
        name: body.name,
        cadence: checkCadence(body.cadence),
        audience: body.audience === undefined ? { everyone: true as const } : checkAudience(body.audience),
        business_hours:
          body.business_hours === undefined
            ? { ...DEFAULT_BUSINESS_HOURS, weekdays: [...DEFAULT_BUSINESS_HOURS.weekdays] }
            : valid(validateBusinessHours(body.business_hours, 'business_hours')),
        reminders:
          body.reminders === undefined
            ? { ...DEFAULT_REMINDER_PLAN }
            : body.reminders === null
              ? null
              : checkReminders(body.reminders),
        fatigue: body.fatigue === undefined ? null : checkFatigue(body.fatigue),
        status: body.status ?? 'active',
      };
      if (settings.fatigue !== null && Object.keys(settings.fatigue).length === 0) settings.fatigue = null;
      const autopilot = await ctx.db.transaction(async (tx) => {
        const survey = await getSurvey(tx, auth.workspaceId, body.survey_id);
        if (!survey) throw new ApiError(422, 'unknown_reference', 'survey_id: no such survey', 'survey_id');
        if (survey.status !== 'active') {
          throw new ApiError(422, 'survey_archived', 'survey_id: the survey is archived', 'survey_id');
        }
        const created = await createAutopilot(tx, auth.workspaceId, {
          ...settings,
          survey_id: survey.id,
          created_at: now,
        });
        // In the same transaction: an active autopilot never exists without its first run.
        if (created.status === 'active') await startAutopilot(tx, created, now);
        return created;
      });
      return c.json(autopilotJson(autopilot), 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/autopilots',
      summary: 'List autopilots',
      tag: 'Autopilots',
      query: z.object({ ...paginationQuery, survey_id: uuid.optional(), status: status.optional() }),
      responses: { 200: { description: 'A page of autopilots', schema: pageSchema(autopilotSchema) } },
    },
    async ({ c, auth, query }) => {
      await checkReferences(ctx.db, auth.workspaceId, {
        survey_id: query.survey_id ? [query.survey_id] : [],
      });
      const rows = await listAutopilots(
        ctx.db,
        auth.workspaceId,
        { survey_id: query.survey_id, status: query.status },
        { after: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      return c.json(pageOf(rows, query.limit, autopilotJson));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/autopilots/{id}',
      summary: 'Get an autopilot with the counts of its invitations',
      tag: 'Autopilots',
      params: idParams,
      responses: { 200: { description: 'The autopilot and its counts', schema: autopilotWithCountsSchema } },
    },
    async ({ c, auth, params }) => {
      const autopilot = await getAutopilot(ctx.db, auth.workspaceId, params.id);
      if (!autopilot) throw notFound('Autopilot', 'id');
      const counts = await autopilotCounts(ctx.db, auth.workspaceId, autopilot.id);
      return c.json({
        ...autopilotJson(autopilot),
        counts,
        response_rate: counts.sent > 0 ? Math.round((counts.answered / counts.sent) * 10_000) / 10_000 : null,
      });
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/autopilots/{id}',
      summary: 'Change an autopilot (from its next run on), pause or resume it',
      tag: 'Autopilots',
      params: idParams,
      body: autopilotPatch,
      responses: { 200: { description: 'The autopilot', schema: autopilotSchema } },
    },
    async ({ c, auth, params, body }) => {
      const now = ctx.clock();
      const patch = {
        name: body.name,
        cadence: body.cadence === undefined ? undefined : checkCadence(body.cadence),
        audience: body.audience === undefined ? undefined : checkAudience(body.audience),
        business_hours:
          body.business_hours === undefined
            ? undefined
            : valid(validateBusinessHours(body.business_hours, 'business_hours')),
        reminders:
          body.reminders === undefined || body.reminders === null
            ? body.reminders
            : checkReminders(body.reminders),
        fatigue:
          body.fatigue === undefined || body.fatigue === null
            ? body.fatigue
            : (() => {
                const checked = checkFatigue(body.fatigue);
                return Object.keys(checked).length > 0 ? checked : null;
              })(),
        status: body.status,
      };
      const autopilot = await ctx.db.transaction(async (tx) => {
        const before = await getAutopilot(tx, auth.workspaceId, params.id);
        if (!before) throw notFound('Autopilot', 'id');
        const after = await updateAutopilot(tx, auth.workspaceId, params.id, patch, now);
        // Resumed: its runs start again at once (a paused autopilot's chain of runs has ended).
        if (after && before.status === 'paused' && after.status === 'active') {
          await startAutopilot(tx, after, now);
        }
        return after!;
      });
      return c.json(autopilotJson(autopilot));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/autopilots/{id}',
      summary: 'Delete an autopilot (its invitations stay, detached from it)',
      tag: 'Autopilots',
      params: idParams,
      responses: { 200: { description: 'The deleted autopilot', schema: autopilotSchema } },
    },
    async ({ c, auth, params }) => {
      const autopilot = await getAutopilot(ctx.db, auth.workspaceId, params.id);
      if (!autopilot || !(await deleteAutopilot(ctx.db, auth.workspaceId, params.id))) {
        throw notFound('Autopilot', 'id');
      }
      return c.json(autopilotJson(autopilot));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/autopilots/{id}/schedule',
      summary: "Each contact's place on the cadence: anchor day, last and next due day, next send time",
      tag: 'Autopilots',
      params: idParams,
      query: z.object({ ...paginationQuery }),
      responses: {
        200: {
          description: 'A page of contacts on the cadence',
          schema: pageSchema(autopilotScheduleEntrySchema),
        },
      },
    },
    async ({ c, auth, params, query }) => {
      const autopilot = await getAutopilot(ctx.db, auth.workspaceId, params.id);
      if (!autopilot) throw notFound('Autopilot', 'id');
      const workspace = (await getWorkspace(ctx.db, auth.workspaceId))!;
      const anchorAttribute =
        autopilot.cadence.anchor.kind === 'attribute' ? autopilot.cadence.anchor.attribute : null;
      const condition = audienceToSql(autopilot.audience, 6, { id: 'c.id', attributes: 'c.attributes' });
      const after = decodeCursor(query.cursor);
      const rows = await ctx.db.query<{
        id: string;
        email: string | null;
        attributes: Record<string, unknown>;
        created_at: Date;
        time_zone: string | null;
        last_due_day: string | null;
      }>(
        `SELECT c.id, c.email, c.attributes, c.created_at, c.time_zone,
                (SELECT max(i.due_day) FROM invitation i
                 WHERE i.autopilot_id = $2 AND i.contact_id = c.id)::text AS last_due_day
         FROM contact c
         WHERE c.workspace_id = $1 AND ($3::text IS NULL OR c.attributes ? $3::text)
           AND ($4::timestamptz IS NULL OR (c.created_at, c.id) > ($4::timestamptz, $5::uuid))
           AND ${condition.sql}
         ORDER BY c.created_at, c.id
         LIMIT $6`,
        [
          auth.workspaceId,
          autopilot.id,
          anchorAttribute,
          after?.created_at ?? null,
          after?.id ?? null,
          query.limit + 1,
          ...condition.params,
        ],
      );
      const now = ctx.clock();
      const more = rows.length > query.limit;
      const data = (more ? rows.slice(0, query.limit) : rows).map((row) => {
        const schedule = contactSchedule(
          autopilot.cadence,
          {
            id: row.id,
            attributes: row.attributes,
            createdAt: new Date(row.created_at),
            timeZone: row.time_zone,
          },
          row.last_due_day,
          now,
          workspace.time_zone,
        );
        const sendAt =
          schedule.nextDueDay === null
            ? null
            : nextSlot(
                schedule.nextDueDay === schedule.today
                  ? now
                  : startOfDay(schedule.nextDueDay, schedule.timeZone),
                schedule.timeZone,
                autopilot.business_hours,
                spreadOf(row.id),
              );
        return {
          contact_id: row.id,
          email: row.email,
          time_zone: schedule.timeZone,
          anchor_day: schedule.anchorDay,
          last_due_day: row.last_due_day,
          next_due_day: schedule.nextDueDay,
          next_send_at: sendAt?.toISOString() ?? null,
        };
      });
      const last = more ? rows[query.limit - 1]! : null;
      return c.json({
        data,
        next_cursor: last ? encodeCursor({ created_at: new Date(last.created_at), id: last.id }) : null,
      });
    },
  );
}
