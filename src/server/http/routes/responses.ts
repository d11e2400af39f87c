import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { categoryOf } from '../../../core/nps';
import { getContact } from '../../repo/contacts';
import {
  getResponse,
  listResponses,
  type ResponseFilter,
  toApiResponse,
  updateResponse,
} from '../../repo/responses';
import { getSurveyById } from '../../repo/surveys';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ContactBatcher } from '../contact-batcher';
import { ApiError, notFound } from '../errors';
import { pageSchema, responseCreatedSchema, responseSchema } from '../response-schemas';
import {
  attributeFiltersOf,
  attributesSchema,
  decodeCursor,
  FILTER_KEYS,
  idParams,
  localeSchema,
  pageOf,
  paginationQuery,
  responseFilterQuery,
  scoreSchema,
  searchParam,
  uuid,
} from '../schemas';
import { contactInput, upsertContactFromRequest } from './contacts';

export const COMMENT_MAX = 5000;
export const responseChannel = z.enum(['api', 'link', 'email', 'widget', 'sms', 'import', 'in-app', 'other']);

const testimonialConsent = z
  .boolean()
  .describe(
    'May the comment be quoted publicly: stored only for a promoter (9-10) of a survey with ask_testimonial_consent, else null',
  );

const responseCreate = z
  .strictObject({
    survey_id: uuid,
    score: scoreSchema,
    comment: z.string().max(COMMENT_MAX).nullable().optional(),
    contact_id: uuid.optional(),
    contact: contactInput.optional(),
    locale: localeSchema.optional(),
    channel: responseChannel.default('api'),
    properties: attributesSchema.optional(),
    created_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    idempotency_key: z.string().min(1).max(200).optional(),
    testimonial_consent: testimonialConsent.optional(),
  })
  .refine((r) => !(r.contact_id && r.contact), {
    message: 'give contact_id or contact, not both',
    path: ['contact'],
  });

/** Survey ownership is checked on every submission; a short cache keeps that off the database. */
class SurveyOwnerCache {
  private readonly entries = new Map<string, { workspaceId: string; active: boolean; expiresAt: number }>();
  constructor(private readonly ctx: AppContext) {}

  async check(workspaceId: string, surveyId: string): Promise<void> {
    const now = this.ctx.clock().getTime();
    let entry = this.entries.get(surveyId);
    if (!entry || entry.expiresAt <= now) {
      const survey = await getSurveyById(this.ctx.db, surveyId);
      if (!survey) throw new ApiError(422, 'unknown_reference', 'survey_id: no such survey', 'survey_id');
      entry = {
        workspaceId: survey.workspace_id,
        active: survey.status === 'active',
        expiresAt: now + 10_000,
      };
      if (this.entries.size > 10_000) this.entries.clear();
      this.entries.set(surveyId, entry);
    }
    if (entry.workspaceId !== workspaceId) {
      throw new ApiError(422, 'unknown_reference', 'survey_id: no such survey', 'survey_id');
    }
  }
}

/** Parses the shared filter query (`survey_id`, `from`, `to`, `category`, … and `attr.<name>`). */
export function filterFromQuery(
  query: z.infer<typeof responseFilterQuery>,
  extraKeys: readonly string[] = [],
): ResponseFilter {
  const attributes = attributeFiltersOf(query, [...FILTER_KEYS, ...extraKeys]);
  if (query.from && query.to && query.from > query.to) {
    throw new ApiError(400, 'invalid_request', 'from: must not be after to', 'from');
  }
  return {
    survey_id: query.survey_id,
    journey_stage: query.journey_stage,
    from: query.from,
    to: query.to,
    category: query.category as ResponseFilter['category'],
    score: query.score,
    channel: query.channel,
    contact_id: query.contact_id,
    account_id: query.account_id,
    attributes,
    has_comment: query.has_comment === undefined ? undefined : query.has_comment === 'true',
  };
}

export function registerResponseRoutes(api: ApiRouter, ctx: AppContext): void {
  const surveys = new SurveyOwnerCache(ctx);
  const contacts = new ContactBatcher(ctx.db, (workspaceId, input) =>
    upsertContactFromRequest(ctx.db, workspaceId, input),
  );

  api.route(
    {
      method: 'post',
      path: '/responses',
      summary: 'Record a response (acknowledged only once committed; idempotent with idempotency_key)',
      tag: 'Responses',
      access: 'respond',
      body: responseCreate,
      responses: {
        201: { description: 'Stored', schema: responseCreatedSchema },
        200: { description: 'Already stored with this idempotency_key', schema: responseCreatedSchema },
      },
    },
    async ({ c, auth, body }) => {
      await surveys.check(auth.workspaceId, body.survey_id);
      let contactId = body.contact_id ?? null;
      if (contactId && !(await getContact(ctx.db, auth.workspaceId, contactId))) {
        throw new ApiError(422, 'unknown_reference', 'contact_id: no such contact', 'contact_id');
      }
      if (body.contact) {
        // A contact that names an account needs that account resolved first: the single path.
        const { account, account_id, ...plain } = body.contact;
        contactId =
          account || account_id !== undefined
            ? await upsertContactFromRequest(ctx.db, auth.workspaceId, body.contact)
            : await contacts.upsert(auth.workspaceId, plain);
      }
      const now = ctx.clock();
      const createdAt = body.created_at ? new Date(body.created_at) : now;
      if (createdAt.getTime() > now.getTime() + 5 * 60_000) {
        throw new ApiError(400, 'invalid_request', 'created_at: must not be in the future', 'created_at');
      }
      const result = await ctx.writer.submit({
        workspace_id: auth.workspaceId,
        survey_id: body.survey_id,
        contact_id: contactId,
        invitation_id: null,
        score: body.score,
        comment: body.comment?.trim() || null,
        locale: body.locale ?? null,
        channel: body.channel,
        properties: body.properties ?? {},
        // Every row gets a key so the batch writer can match it back; the client's key makes retries safe.
        idempotency_key: body.idempotency_key ?? `auto:${randomUUID()}`,
        edit_token: null,
        editable_until: null,
        created_at: createdAt,
        testimonial_consent: body.testimonial_consent ?? null,
      });
      return c.json(
        {
          id: result.id,
          survey_id: body.survey_id,
          score: body.score,
          category: categoryOf(body.score),
          created_at: createdAt,
          testimonial_consent: result.testimonial_consent,
          testimonial_consent_at: result.testimonial_consent_at,
          duplicate: !result.inserted,
        },
        result.inserted ? 201 : 200,
      );
    },
  );

  api.route(
    {
      method: 'get',
      path: '/responses',
      summary:
        'List responses, newest first, with filters, full-text search in comments (q) and cursor pagination',
      tag: 'Responses',
      query: responseFilterQuery.extend({ ...paginationQuery, q: searchParam.optional() }),
      responses: { 200: { description: 'A page of responses', schema: pageSchema(responseSchema) } },
    },
    async ({ c, auth, query }) => {
      const filter = { ...filterFromQuery(query, ['limit', 'cursor', 'q']), q: query.q };
      await checkReferences(ctx.db, auth.workspaceId, filter);
      const rows = await listResponses(ctx.db, auth.workspaceId, filter, {
        before: decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      return c.json(pageOf(rows, query.limit, toApiResponse));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/responses/{id}',
      summary: 'Get a response',
      tag: 'Responses',
      params: idParams,
      responses: { 200: { description: 'The response', schema: responseSchema } },
    },
    async ({ c, auth, params }) => {
      const row = await getResponse(ctx.db, auth.workspaceId, params.id);
      if (!row) throw notFound('Response', 'id');
      return c.json(toApiResponse(row));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/responses/{id}',
      access: 'respond',
      summary:
        'Change the score, comment or testimonial consent of a response (the metrics follow; a score below 9 clears the consent)',
      tag: 'Responses',
      params: idParams,
      body: z.strictObject({
        score: scoreSchema.optional(),
        comment: z.string().max(COMMENT_MAX).nullable().optional(),
        testimonial_consent: testimonialConsent.nullable().optional(),
      }),
      responses: { 200: { description: 'The response', schema: responseSchema } },
    },
    async ({ c, auth, params, body }) => {
      const row = await ctx.db.transaction((tx) => updateResponse(tx, auth.workspaceId, params.id, body));
      if (!row) throw notFound('Response', 'id');
      return c.json(toApiResponse(row));
    },
  );
}
