import { z } from 'zod';
import { isExpired } from '../../../core/expiry';
import { invitationState } from '../../../core/invitation-lifecycle';
import { DEFAULT_REMINDER_PLAN, type ReminderPlan, validateReminderPlan } from '../../../core/reminders';
import {
  decideInvitation,
  type InvitationDecision,
  loadContactFacts,
  sendSettings,
} from '../../jobs/fatigue-facts';
import { enqueue } from '../../jobs/queue';
import { SEND_INVITATION_QUEUE } from '../../jobs/send-invitation';
import { getContact } from '../../repo/contacts';
import { eventExists } from '../../repo/events';
import { createInvitation, getInvitation, type Invitation, listInvitations } from '../../repo/invitations';
import { getSurvey } from '../../repo/surveys';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import { invitationSchema, pageSchema } from '../response-schemas';
import { decodeCursor, idParams, pageOf, paginationQuery, uuid } from '../schemas';
import { contactInput, upsertContactFromRequest } from './contacts';

const DAY_MS = 86_400_000;

const invitationCreate = z
  .strictObject({
    survey_id: uuid,
    contact_id: uuid.optional(),
    contact: contactInput.optional(),
    channel: z.enum(['link', 'email', 'sms', 'widget', 'api']).default('link'),
    expires_in_days: z
      .number()
      .int()
      .min(1)
      .max(365)
      .optional()
      .describe("Days until the link expires. Default: the workspace's invitation_expiry_days"),
    send: z
      .boolean()
      .default(false)
      .describe('Send the survey by email now (or at send_at); needs channel email'),
    send_at: z.iso
      .datetime({ offset: true })
      .optional()
      .describe('When to send the email (with send: true); not in the past. Default: now'),
    reminders: z
      .record(z.string(), z.unknown())
      .optional()
      .describe(
        'Reminders when the contact has not answered (with send: true): { "count": 0-5, "after_days": 1-30 }; ' +
          'the k-th is sent k × after_days days after the invitation, before it expires. Default: { "count": 1, "after_days": 3 }',
      ),
  })
  .refine((i) => !!i.contact_id !== !!i.contact, {
    message: 'give contact_id or contact (one of them)',
    path: ['contact_id'],
  })
  .refine((i) => !i.send || i.channel === 'email', {
    message: "send: true needs channel 'email'",
    path: ['channel'],
  })
  .refine((i) => i.send || i.send_at === undefined, {
    message: 'send_at needs send: true',
    path: ['send_at'],
  })
  .refine((i) => i.send || i.reminders === undefined, {
    message: 'reminders needs send: true',
    path: ['reminders'],
  });

/**
 * Checks a reminder plan from a request body with the core validator; the error names the field
 * (`reminders.count`).
 * @throws ApiError 400.
 */
export function checkReminders(input: unknown): ReminderPlan {
  const checked = validateReminderPlan(input, 'reminders');
  if (!checked.ok) {
    const error = checked.errors[0]!;
    throw new ApiError(400, 'invalid_request', `${error.path}: ${error.message}`, error.path);
  }
  return checked.value;
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

/**
 * The invitation as the API shows it, with its url, `expired` (never answered and past expires_at
 * at the clock's now) and its lifecycle `state` (core/invitation-lifecycle.ts), both computed on
 * read, so they are exact whatever the send job did.
 */
export function invitationJson(ctx: AppContext, invitation: Invitation) {
  const { workspace_id: _, ...rest } = invitation;
  const now = ctx.clock();
  const expired = invitation.answered_at === null && isExpired(new Date(invitation.expires_at), now);
  const state = invitationState(
    {
      status: invitation.status,
      answered_at: dateOrNull(invitation.answered_at),
      expires_at: new Date(invitation.expires_at),
      reminders_sent: invitation.reminders_sent,
      opened_at: dateOrNull(invitation.opened_at),
    },
    now,
  );
  return { ...rest, url: `${ctx.config.publicUrl}/s/${invitation.token}`, expired, state };
}

export function registerInvitationRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/invitations',
      summary: 'Create a personal survey link for a contact (upserted when given by email/external_id)',
      tag: 'Invitations',
      body: invitationCreate,
      responses: { 201: { description: 'The invitation with its url', schema: invitationSchema } },
    },
    async ({ c, auth, body }) => {
      const now = ctx.clock();
      const sendAt = body.send_at === undefined ? null : new Date(body.send_at);
      if (sendAt && sendAt.getTime() < now.getTime()) {
        throw new ApiError(400, 'invalid_request', 'send_at: must not be in the past', 'send_at');
      }
      const reminders = !body.send
        ? null
        : body.reminders === undefined
          ? { ...DEFAULT_REMINDER_PLAN }
          : checkReminders(body.reminders);
      const invitation = await ctx.db.transaction(async (tx) => {
        const survey = await getSurvey(tx, auth.workspaceId, body.survey_id);
        if (!survey) throw new ApiError(422, 'unknown_reference', 'survey_id: no such survey', 'survey_id');
        if (survey.status !== 'active') {
          throw new ApiError(422, 'survey_archived', 'survey_id: the survey is archived', 'survey_id');
        }
        let contactId = body.contact_id;
        if (contactId && !(await getContact(tx, auth.workspaceId, contactId))) {
          throw new ApiError(422, 'unknown_reference', 'contact_id: no such contact', 'contact_id');
        }
        if (body.contact) contactId = await upsertContactFromRequest(tx, auth.workspaceId, body.contact);
        if (body.send && !(await getContact(tx, auth.workspaceId, contactId!))?.email) {
          const field = body.contact ? 'contact' : 'contact_id';
          throw new ApiError(
            422,
            'contact_without_email',
            `${field}: the contact has no email address`,
            field,
          );
        }
        const expiresInDays =
          body.expires_in_days ?? (await getWorkspace(tx, auth.workspaceId))!.invitation_expiry_days;
        // A send obeys the survey-fatigue rules like campaigns and events do: a stopped send is an
        // invitation 'skipped' with its reason (no job), a postponed one waits for its first day.
        let decision: InvitationDecision | null = null;
        if (body.send) {
          const [facts] = await loadContactFacts(tx, auth.workspaceId, [contactId!]);
          const settings = await sendSettings(tx, auth.workspaceId, survey.id);
          decision = decideInvitation(facts!, settings!.policy, sendAt ?? now);
        }
        const created = await createInvitation(tx, auth.workspaceId, {
          survey_id: survey.id,
          contact_id: contactId!,
          channel: body.channel,
          expires_at: new Date((decision?.due ?? now).getTime() + expiresInDays * DAY_MS),
          status: decision?.status ?? 'created',
          skip_reason: decision?.reason ?? null,
          send_at: decision?.due ?? null,
          reminder_plan: decision?.status === 'queued' ? reminders : null,
        });
        // In the same transaction: neither the queued invitation nor its job exists without the other.
        if (decision?.status === 'queued') {
          await enqueue(
            tx,
            {
              queue: SEND_INVITATION_QUEUE,
              payload: { invitation_id: created.id },
              workspaceId: auth.workspaceId,
            },
            { now, uniqueKey: `send:${created.id}`, runAt: decision.due! },
          );
        }
        return created;
      });
      return c.json(invitationJson(ctx, invitation), 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/invitations',
      summary: 'List invitations',
      tag: 'Invitations',
      query: z.object({
        ...paginationQuery,
        survey_id: uuid.optional(),
        contact_id: uuid.optional(),
        event_id: uuid.optional().describe('The invitations a trigger rule created for this event'),
      }),
      responses: { 200: { description: 'A page of invitations', schema: pageSchema(invitationSchema) } },
    },
    async ({ c, auth, query }) => {
      await checkReferences(ctx.db, auth.workspaceId, {
        survey_id: query.survey_id ? [query.survey_id] : [],
        contact_id: query.contact_id,
      });
      if (query.event_id && !(await eventExists(ctx.db, auth.workspaceId, query.event_id))) {
        throw new ApiError(422, 'unknown_reference', 'event_id: no such event in this workspace', 'event_id');
      }
      const rows = await listInvitations(
        ctx.db,
        auth.workspaceId,
        { survey_id: query.survey_id, contact_id: query.contact_id, event_id: query.event_id },
        { after: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      return c.json(pageOf(rows, query.limit, (row) => invitationJson(ctx, row)));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/invitations/{id}',
      summary: 'Get an invitation',
      tag: 'Invitations',
      params: idParams,
      responses: { 200: { description: 'The invitation', schema: invitationSchema } },
    },
    async ({ c, auth, params }) => {
      const invitation = await getInvitation(ctx.db, auth.workspaceId, params.id);
      if (!invitation) throw notFound('Invitation', 'id');
      return c.json(invitationJson(ctx, invitation));
    },
  );
}
