/**
 * Follow-up cases (docs/API.md "Cases"; core/cases.ts, repo/cases.ts). Reading needs `read`;
 * working a case (changing it, notes, the follow-up message) needs `respond`, so members can
 * close the loop without managing the workspace.
 */
import { z } from 'zod';
import { startOfDay } from '../../../core/calendar';
import {
  applyCaseChange,
  CASE_STATUSES,
  dueAt,
  MAX_NOTE_LENGTH,
  NOTE_KINDS,
  normalizeOwner,
  validateCaseChange,
} from '../../../core/cases';
import { invitationExpiresAt } from '../../../core/expiry';
import { CATEGORIES, type Category, categoryOf } from '../../../core/nps';
import { addDays, localDay } from '../../../core/trend';
import { enqueue } from '../../jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../jobs/send-invitation';
import { FOLLOW_UP_EMAIL_QUEUE, type FollowUpEmailPayload } from '../../loop/follow-up-email';
import {
  addNote,
  caseMetrics,
  contactHistory,
  getCase,
  getCaseForUpdate,
  insertCases,
  listCases,
  listNotes,
  toApiCase,
  updateCase,
} from '../../repo/cases';
import { newTokens } from '../../repo/surveys';
import { getWorkspace } from '../../repo/workspaces';
import { emitEvent } from '../../webhooks/emit';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth';
import { ApiError, notFound } from '../errors';
import {
  caseDetailSchema,
  caseMetricsSchema,
  caseNoteSchema,
  caseSchema,
  pageSchema,
} from '../response-schemas';
import { daySchema, decodeCursor, idParams, listOf, pageOf, paginationQuery, uuid } from '../schemas';

function fieldError(path: string, message: string): never {
  const field = path.replace(/^\./, '');
  throw new ApiError(400, 'invalid_request', `${field}: ${message}`, field);
}

function author(auth: AuthContext) {
  return auth.session
    ? { author_user_id: auth.session.user_id, author_name: auth.session.name || auth.session.email }
    : { author_user_id: null, author_name: 'API' };
}

export function registerCaseRoutes(api: ApiRouter, ctx: AppContext): void {
  const now = ctx.clock;

  api.route(
    {
      method: 'get',
      path: '/cases',
      summary: 'List follow-up cases, newest first, with filters and cursor pagination',
      tag: 'Cases',
      query: z.object({
        ...paginationQuery,
        status: listOf(z.enum(CASE_STATUSES)).optional(),
        category: listOf(z.enum(CATEGORIES as [Category, ...Category[]])).optional(),
        owner: z.string().max(200).optional(),
        team: z.string().max(200).optional(),
        contact_id: uuid.optional(),
        breached: z.enum(['true', 'false']).optional().describe('Only open cases past their due time'),
      }),
      responses: { 200: { description: 'A page of cases', schema: pageSchema(caseSchema) } },
    },
    async ({ c, auth, query }) => {
      const at = now();
      const rows = await listCases(
        ctx.db,
        auth.workspaceId,
        {
          status: query.status,
          category: query.category,
          owner: query.owner === undefined ? undefined : (normalizeOwner(query.owner) ?? undefined),
          team: query.team,
          contact_id: query.contact_id,
          breached: query.breached === 'true',
        },
        { before: decodeCursor(query.cursor), limit: query.limit + 1 },
        at,
      );
      return c.json(pageOf(rows, query.limit, (r) => toApiCase(r, at)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/cases/{id}',
      summary: "A case with its notes, the contact's answers and what the playbook decided",
      tag: 'Cases',
      params: idParams,
      responses: { 200: { description: 'The case', schema: caseDetailSchema } },
    },
    async ({ c, auth, params }) => {
      const row = await getCase(ctx.db, auth.workspaceId, params.id);
      if (!row) throw notFound('Case', 'id');
      const [notes, history, runs] = await Promise.all([
        listNotes(ctx.db, auth.workspaceId, row.id),
        row.contact_id ? contactHistory(ctx.db, auth.workspaceId, row.contact_id) : Promise.resolve([]),
        row.response_id
          ? ctx.db.query<{ rules: string[]; actions: unknown }>(
              'SELECT rules, actions FROM playbook_run WHERE response_id = $1 AND workspace_id = $2',
              [row.response_id, auth.workspaceId],
            )
          : Promise.resolve([]),
      ]);
      return c.json({ case: toApiCase(row, now()), notes, history, playbook: runs[0] ?? null });
    },
  );

  api.route(
    {
      method: 'post',
      path: '/cases',
      access: 'respond',
      summary: 'Open a case by hand, for a response or a contact',
      tag: 'Cases',
      body: z.strictObject({
        response_id: uuid.optional(),
        contact_id: uuid.optional(),
        title: z.string().min(1).max(200).optional(),
        owner: z.string().max(200).nullable().optional(),
        team: z.string().max(200).nullable().optional(),
        due_hours: z
          .number()
          .int()
          .min(1)
          .max(24 * 90)
          .default(24 * 7),
      }),
      responses: { 201: { description: 'The case', schema: caseSchema } },
    },
    async ({ c, auth, body }) => {
      if (!body.response_id && !body.contact_id)
        fieldError('response_id', 'a response_id or a contact_id is required');
      const at = now();
      const opened = await ctx.db.transaction(async (tx) => {
        let source: {
          survey_id: string | null;
          contact_id: string | null;
          account_id: string | null;
          score: number | null;
        } = {
          survey_id: null,
          contact_id: body.contact_id ?? null,
          account_id: null,
          score: null,
        };
        if (body.response_id) {
          const rows = await tx.query<typeof source>(
            'SELECT survey_id, contact_id, account_id, score FROM response WHERE workspace_id = $1 AND id = $2',
            [auth.workspaceId, body.response_id],
          );
          if (!rows[0]) throw notFound('Response', 'response_id');
          source = rows[0];
        } else {
          const rows = await tx.query<{ account_id: string | null }>(
            'SELECT account_id FROM contact WHERE workspace_id = $1 AND id = $2',
            [auth.workspaceId, body.contact_id ?? null],
          );
          if (!rows[0]) throw notFound('Contact', 'contact_id');
          source.account_id = rows[0].account_id;
        }
        const [row] = await insertCases(tx, auth.workspaceId, [
          {
            response_id: body.response_id ?? null,
            ...source,
            category: source.score === null ? null : categoryOf(source.score),
            title: body.title ?? 'Follow-up',
            owner: normalizeOwner(body.owner ?? auth.session?.email ?? null),
            team: body.team ?? null,
            due_at: dueAt(at, body.due_hours),
            created_at: at,
          },
        ]);
        if (!row)
          throw new ApiError(409, 'conflict', 'response_id: this response has a case already', 'response_id');
        await emitEvent(tx, auth.workspaceId, 'case.opened', { case: toApiCase(row, at) }, { now: at });
        return row;
      });
      return c.json(toApiCase(opened, at), 201);
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/cases/{id}',
      access: 'respond',
      summary: 'Change status, owner, team, due time, root causes or resolution (closing needs a resolution)',
      tag: 'Cases',
      params: idParams,
      body: z
        .record(z.string(), z.unknown())
        .describe(
          'Any of: status (open, in_progress, waiting_on_customer, closed), owner, team (text or null), due_at (ISO 8601), root_causes (list of tags), resolution (text; required to close)',
        ),
      responses: { 200: { description: 'The case as it is now', schema: caseSchema } },
    },
    async ({ c, auth, params, body }) => {
      const checked = validateCaseChange(body);
      if (!checked.ok) fieldError(checked.errors[0]!.path, checked.errors[0]!.message);
      const change = checked.value;
      const at = now();
      const row = await ctx.db.transaction(async (tx) => {
        const before = await getCaseForUpdate(tx, auth.workspaceId, params.id);
        if (!before) throw notFound('Case', 'id');
        const next = applyCaseChange(before, change, at);
        if (!next.ok) fieldError(next.errors[0]!.path, next.errors[0]!.message);
        const events = [...next.value.events];
        if (change.owner !== undefined && change.owner !== before.owner)
          events.push(`owner: ${before.owner ?? '–'} → ${change.owner ?? '–'}`);
        if (change.due_at && change.due_at.getTime() !== new Date(before.due_at).getTime())
          events.push(`due: ${new Date(before.due_at).toISOString()} → ${change.due_at.toISOString()}`);
        const after = await updateCase(tx, auth.workspaceId, params.id, { ...change, ...next.value }, at);
        if (events.length > 0)
          await addNote(
            tx,
            auth.workspaceId,
            params.id,
            { kind: 'event', body: events.join('\n'), ...author(auth) },
            at,
          );
        if (before.status !== 'closed' && after.status === 'closed')
          await emitEvent(tx, auth.workspaceId, 'case.closed', { case: toApiCase(after, at) }, { now: at });
        return after;
      });
      return c.json(toApiCase(row, at));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/cases/{id}/notes',
      access: 'respond',
      summary:
        "Add a note, or record a contact with the customer (kind 'contact': the first one is the case's first contact)",
      tag: 'Cases',
      params: idParams,
      body: z.strictObject({
        kind: z.enum(NOTE_KINDS).default('note'),
        body: z.string().trim().min(1).max(MAX_NOTE_LENGTH),
      }),
      responses: { 201: { description: 'The note', schema: caseNoteSchema } },
    },
    async ({ c, auth, params, body }) => {
      const at = now();
      const note = await ctx.db.transaction(async (tx) => {
        if (!(await getCaseForUpdate(tx, auth.workspaceId, params.id))) throw notFound('Case', 'id');
        return addNote(
          tx,
          auth.workspaceId,
          params.id,
          { kind: body.kind, body: body.body, ...author(auth) },
          at,
        );
      });
      return c.json(note, 201);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/cases/{id}/follow-up',
      access: 'respond',
      summary:
        'Send the customer a "you told us, we did" message, optionally with a one-question recovery survey (once per case)',
      tag: 'Cases',
      params: idParams,
      body: z.strictObject({
        message: z.string().trim().min(1).max(5_000),
        recovery_survey: z.boolean().default(true),
        survey_id: uuid
          .optional()
          .describe("The recovery survey; default: the survey the case's answer came from"),
      }),
      responses: {
        202: {
          description: 'Queued',
          schema: z.object({ sent: z.enum(['message', 'survey']), invitation_id: z.uuid().optional() }),
        },
      },
    },
    async ({ c, auth, params, body }) => {
      const at = now();
      const result = await ctx.db.transaction(async (tx) => {
        const k = await getCaseForUpdate(tx, auth.workspaceId, params.id);
        if (!k) throw notFound('Case', 'id');
        const contact = k.contact_id
          ? (
              await tx.query<{ email: string | null }>(
                'SELECT email FROM contact WHERE workspace_id = $1 AND id = $2',
                [auth.workspaceId, k.contact_id],
              )
            )[0]
          : undefined;
        if (k.follow_up_sent_at)
          throw new ApiError(409, 'conflict', 'id: the follow-up was sent already', 'id');
        if (!contact?.email)
          throw new ApiError(422, 'no_email', 'id: the case has no contact with an email address', 'id');
        await tx.query(
          'UPDATE follow_up_case SET follow_up_sent_at = $3, updated_at = $3 WHERE workspace_id = $1 AND id = $2',
          [auth.workspaceId, k.id, at],
        );
        if (!body.recovery_survey) {
          const payload: FollowUpEmailPayload = { kind: 'you_told_us', case_id: k.id, message: body.message };
          await enqueue(
            tx,
            {
              queue: FOLLOW_UP_EMAIL_QUEUE,
              workspaceId: auth.workspaceId,
              payload: payload as unknown as Record<string, unknown>,
            },
            { now: at, uniqueKey: `you_told_us:${k.id}` },
          );
          await addNote(
            tx,
            auth.workspaceId,
            k.id,
            { kind: 'contact', body: body.message, ...author(auth) },
            at,
          );
          return { sent: 'message' as const };
        }
        const surveyId = body.survey_id ?? k.survey_id;
        if (!surveyId) fieldError('survey_id', 'is required for a case without a survey');
        const survey = (
          await tx.query<{ id: string; status: string }>(
            'SELECT id, status FROM survey WHERE workspace_id = $1 AND id = $2',
            [auth.workspaceId, surveyId],
          )
        )[0];
        if (!survey) throw notFound('Survey', 'survey_id');
        if (survey.status !== 'active') fieldError('survey_id', 'the survey is archived');
        const [invitation] = await tx.query<{ id: string }>(
          `INSERT INTO invitation (workspace_id, survey_id, contact_id, token, channel, expires_at, status, send_at,
             follow_up_case_id, follow_up_message)
           VALUES ($1, $2, $3, $4, 'email', $5, 'queued', $6, $7, $8) RETURNING id`,
          [
            auth.workspaceId,
            surveyId,
            k.contact_id,
            newTokens(1)[0]!,
            invitationExpiresAt(at),
            at,
            k.id,
            body.message,
          ],
        );
        await enqueue(
          tx,
          {
            queue: SEND_INVITATION_QUEUE,
            workspaceId: auth.workspaceId,
            payload: { invitation_id: invitation!.id },
          },
          { now: at, uniqueKey: `send:${invitation!.id}` },
        );
        await tx.query(
          'UPDATE follow_up_case SET recovery_invitation_id = $3, updated_at = $4 WHERE workspace_id = $1 AND id = $2',
          [auth.workspaceId, k.id, invitation!.id, at],
        );
        await addNote(
          tx,
          auth.workspaceId,
          k.id,
          { kind: 'contact', body: body.message, ...author(auth) },
          at,
        );
        return { sent: 'survey' as const, invitation_id: invitation!.id };
      });
      return c.json(result, 202);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/metrics/cases',
      summary:
        'Closed-loop metrics of the cases opened in a period: closed-loop rate, median hours to first contact and to close, recovery rate; overall or by owner or team',
      tag: 'Cases',
      query: z.object({
        from: daySchema
          .optional()
          .describe("First day (the workspace's time zone), default 89 days before to"),
        to: daySchema.optional().describe("Last day (the workspace's time zone), default today"),
        group_by: z.enum(['owner', 'team']).optional(),
      }),
      responses: { 200: { description: 'The metrics', schema: caseMetricsSchema } },
    },
    async ({ c, auth, query }) => {
      const at = now();
      // Days of the workspace's calendar, like every other metric.
      const zone = (await getWorkspace(ctx.db, auth.workspaceId))!.time_zone;
      const to = query.to ?? localDay(at, zone);
      const from = query.from ?? addDays(to, -89);
      if (from > to) fieldError('from', 'must be on or before to');
      const range = { from: startOfDay(from, zone), to: startOfDay(addDays(to, 1), zone) };
      const [overall] = await caseMetrics(ctx.db, auth.workspaceId, range, null, at);
      const groups = query.group_by
        ? await caseMetrics(ctx.db, auth.workspaceId, range, query.group_by, at)
        : [];
      return c.json({
        from,
        to,
        overall: overall ?? emptyMetrics(),
        group_by: query.group_by ?? null,
        groups,
      });
    },
  );
}

function emptyMetrics() {
  return {
    group: null,
    opened: 0,
    closed: 0,
    closed_loop_rate: null,
    closed_within_sla_rate: null,
    open_breached: 0,
    median_hours_to_first_contact: null,
    median_hours_to_close: null,
    recovery_base: 0,
    recovered: 0,
    recovery_rate: null,
  };
}
