import { z } from 'zod';
import { validateAudience } from '../../../core/audience';
import { validateFatigueOverride } from '../../../core/fatigue';
import { DEFAULT_REMINDER_PLAN } from '../../../core/reminders';
import { EXPAND_CAMPAIGN_QUEUE } from '../../jobs/expand-campaign';
import { enqueue } from '../../jobs/queue';
import {
  type Campaign,
  type CampaignFatigue,
  campaignCounts,
  createCampaign,
  getCampaign,
  listCampaigns,
} from '../../repo/campaigns';
import { getSurvey } from '../../repo/surveys';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import { campaignSchema, campaignWithCountsSchema, pageSchema } from '../response-schemas';
import { decodeCursor, idParams, pageOf, paginationQuery, uuid, withoutWorkspace } from '../schemas';
import { checkReminders } from './invitations';

const campaignCreate = z.strictObject({
  survey_id: uuid,
  name: z.string().trim().min(1).max(200),
  audience: z
    .record(z.string(), z.unknown())
    .describe(
      '{ "everyone": true }, { "contact_ids": [...] }, or a filter on contact attributes such as ' +
        '{ "all": [{ "attribute": "plan", "op": "eq", "value": "pro" }, { "attribute": "country", "op": "in", "values": ["DE", "AT"] }] }',
    ),
  send_at: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the emails are due; not in the past. Default: now'),
  fatigue: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Override of the survey-fatigue rule: { "min_days_between": 0-365 (default 90), "on_blocked": "drop" | "postpone" }',
    ),

  reminders: z
    .record(z.string(), z.unknown())
    .optional()
    .describe(
      'Reminders of the invitations whose contact has not answered: { "count": 0-5, "after_days": 1-30 }. ' +
        'Default: { "count": 1, "after_days": 3 }',
    ),
});

// The API's field names and the core's.
const FATIGUE_FIELDS: Record<string, string> = {
  min_days_between: 'minDaysBetween',
  on_blocked: 'onBlocked',
};
const API_FIELDS: Record<string, string> = { minDaysBetween: 'min_days_between', onBlocked: 'on_blocked' };

/** Checks the fatigue override with the core validator; its errors name the API's fields. */
export function checkFatigue(input: Record<string, unknown>): CampaignFatigue {
  const renamed = Object.fromEntries(Object.entries(input).map(([k, v]) => [FATIGUE_FIELDS[k] ?? k, v]));
  const checked = validateFatigueOverride(renamed, 'fatigue');
  if (!checked.ok) {
    const error = checked.errors[0]!;
    const path = error.path
      .split('.')
      .map((part) => API_FIELDS[part] ?? part)
      .join('.');
    throw new ApiError(400, 'invalid_request', `${path}: ${error.message}`, path);
  }
  const out: CampaignFatigue = {};
  if (checked.value.minDaysBetween !== undefined) out.min_days_between = checked.value.minDaysBetween;
  if (checked.value.onBlocked !== undefined) out.on_blocked = checked.value.onBlocked;
  return out;
}

export const campaignJson = withoutWorkspace<Campaign>;

export function registerCampaignRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/campaigns',
      summary: 'Send a survey by email to an audience (with the survey-fatigue rules)',
      tag: 'Campaigns',
      body: campaignCreate,
      responses: { 201: { description: 'The campaign, queued for expansion', schema: campaignSchema } },
    },
    async ({ c, auth, body }) => {
      const now = ctx.clock();
      const audience = validateAudience(body.audience, 'audience');
      if (!audience.ok) {
        const error = audience.errors[0]!;
        throw new ApiError(400, 'invalid_request', `${error.path}: ${error.message}`, error.path);
      }
      const fatigue = body.fatigue === undefined ? null : checkFatigue(body.fatigue);
      const reminders =
        body.reminders === undefined ? { ...DEFAULT_REMINDER_PLAN } : checkReminders(body.reminders);
      const sendAt = body.send_at === undefined ? now : new Date(body.send_at);
      if (sendAt.getTime() < now.getTime()) {
        throw new ApiError(400, 'invalid_request', 'send_at: must not be in the past', 'send_at');
      }
      const campaign = await ctx.db.transaction(async (tx) => {
        const survey = await getSurvey(tx, auth.workspaceId, body.survey_id);
        if (!survey) throw new ApiError(422, 'unknown_reference', 'survey_id: no such survey', 'survey_id');
        if (survey.status !== 'active') {
          throw new ApiError(422, 'survey_archived', 'survey_id: the survey is archived', 'survey_id');
        }
        const created = await createCampaign(tx, auth.workspaceId, {
          survey_id: survey.id,
          name: body.name,
          audience: audience.value,
          send_at: sendAt,
          fatigue: fatigue !== null && Object.keys(fatigue).length > 0 ? fatigue : null,
          reminders,
          created_at: now,
        });
        // In the same transaction: neither the campaign nor its expansion job exists without the other.
        await enqueue(
          tx,
          {
            queue: EXPAND_CAMPAIGN_QUEUE,
            payload: { campaign_id: created.id },
            workspaceId: auth.workspaceId,
          },
          { now, uniqueKey: `expand:${created.id}` },
        );
        return created;
      });
      return c.json(campaignJson(campaign), 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/campaigns',
      summary: 'List campaigns',
      tag: 'Campaigns',
      query: z.object({ ...paginationQuery, survey_id: uuid.optional() }),
      responses: { 200: { description: 'A page of campaigns', schema: pageSchema(campaignSchema) } },
    },
    async ({ c, auth, query }) => {
      await checkReferences(ctx.db, auth.workspaceId, {
        survey_id: query.survey_id ? [query.survey_id] : [],
      });
      const rows = await listCampaigns(
        ctx.db,
        auth.workspaceId,
        { survey_id: query.survey_id },
        { after: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      return c.json(pageOf(rows, query.limit, campaignJson));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/campaigns/{id}',
      summary: 'Get a campaign with its invitation counts by status and state, response and open rates',
      tag: 'Campaigns',
      params: idParams,
      responses: { 200: { description: 'The campaign and its counts', schema: campaignWithCountsSchema } },
    },
    async ({ c, auth, params }) => {
      const campaign = await getCampaign(ctx.db, auth.workspaceId, params.id);
      if (!campaign) throw notFound('Campaign', 'id');
      const { answered, opened, response_rate, open_rate, ...counts } = await campaignCounts(
        ctx.db,
        auth.workspaceId,
        campaign.id,
        ctx.clock(),
      );
      return c.json({ ...campaignJson(campaign), counts, answered, opened, response_rate, open_rate });
    },
  );
}
