/**
 * Moderating testimonials (docs/TESTIMONIALS.md, docs/API.md "Testimonials"). A testimonial's id is
 * its response's id. Reading needs `read`; deciding (approve, reject, display name, withdrawing on
 * the customer's behalf) needs `respond`, as other work on responses does; the widget's settings
 * need `manage`.
 *
 * The quote is the customer's own words: no route edits it. An approval is recorded on the comment
 * as it is, emits `testimonial.approved` in its transaction and, the first time, mails the customer
 * a withdrawal link through the durable queue (jobs/send-testimonial-notice.ts).
 */
import { z } from 'zod';
import {
  cleanDisplayName,
  DISPLAY_NAME_MAX,
  defaultDisplayName,
  ITEM_TYPES,
  isCandidate,
  TESTIMONIAL_STATUSES,
} from '../../../core/testimonials';
import { newSessionToken } from '../../auth/session-cookie';
import type { Queryable } from '../../db/port';
import { enqueue } from '../../jobs/queue';
import { SEND_TESTIMONIAL_NOTICE_QUEUE } from '../../jobs/send-testimonial-notice';
import { updateResponse } from '../../repo/responses';
import {
  getTestimonial,
  getTestimonialSettings,
  listTestimonials,
  markWithdrawn,
  saveDecision,
  setTestimonialSettings,
  type TestimonialRow,
} from '../../repo/testimonials';
import { emitEvent } from '../../webhooks/emit';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth';
import { ApiError, notFound } from '../errors';
import { decodeCursor, idParams, pageOf, paginationQuery } from '../schemas';

const timestamp = z.iso.datetime({ offset: true });

export const testimonialSchema = z.object({
  id: z.uuid().describe("The response's id"),
  status: z.enum(TESTIMONIAL_STATUSES),
  display_name: z.string().describe('The author as shown: the stored name, else the default'),
  default_display_name: z
    .string()
    .describe('First name and last initial of the contact, else a neutral label'),
  quote: z.string().describe("The customer's comment, never edited"),
  score: z.number().int(),
  locale: z.string().nullable(),
  survey_id: z.uuid(),
  contact_id: z.uuid().nullable(),
  contact_name: z.string().nullable(),
  responded_at: timestamp,
  consented_at: timestamp.nullable(),
  moderated_at: timestamp.nullable(),
  moderated_by: z.uuid().nullable().describe('The user who decided; null for an API key'),
  approved_at: timestamp.nullable(),
});
export type TestimonialJson = z.infer<typeof testimonialSchema>;

const settingsSchema = z.object({
  item_name: z.string().nullable().describe("The reviewed item's name; null: the workspace's name"),
  item_type: z.enum(ITEM_TYPES),
  item_url: z.string().nullable(),
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

export function toApiTestimonial(row: TestimonialRow): TestimonialJson {
  const fallback = defaultDisplayName(row.contact_name, row.locale);
  return {
    id: row.id,
    status: row.status,
    display_name: row.display_name ?? fallback,
    default_display_name: fallback,
    quote: row.comment,
    score: row.score,
    locale: row.locale,
    survey_id: row.survey_id,
    contact_id: row.contact_id,
    contact_name: row.contact_name,
    responded_at: iso(row.created_at)!,
    consented_at: iso(row.testimonial_consent_at),
    moderated_at: iso(row.moderated_at),
    moderated_by: row.moderated_by,
    approved_at: row.status === 'approved' ? iso(row.approved_at) : null,
  };
}

const displayName = z
  .string()
  .transform(cleanDisplayName)
  .pipe(z.string().min(1, 'must not be empty').max(DISPLAY_NAME_MAX));

/** The candidate `id`, locked; 404 when the workspace has no such response, 409 when it is no candidate. */
async function candidate(tx: Queryable, workspaceId: string, id: string) {
  const row = await getTestimonial(tx, workspaceId, id, true);
  if (!row) throw notFound('Testimonial', 'id');
  if (!isCandidate(row)) {
    throw new ApiError(
      409,
      'not_a_candidate',
      'Only a promoter (9-10) who consented to be quoted and left a comment can be a testimonial',
      'id',
    );
  }
  return row;
}

const moderator = (auth: AuthContext) => auth.session?.user_id ?? null;

export function registerTestimonialRoutes(api: ApiRouter, ctx: AppContext): void {
  const reread = async (tx: Queryable, workspaceId: string, id: string) =>
    toApiTestimonial((await getTestimonial(tx, workspaceId, id))!);

  api.route(
    {
      method: 'get',
      path: '/testimonials',
      summary:
        'Testimonial candidates (promoters who consented to be quoted and left a comment), newest first, by status',
      tag: 'Testimonials',
      query: z.object({ status: z.enum(TESTIMONIAL_STATUSES).optional(), ...paginationQuery }),
      responses: {
        200: {
          description: 'A page of testimonials',
          schema: z.object({ data: z.array(testimonialSchema), next_cursor: z.string().nullable() }),
        },
      },
    },
    async ({ c, auth, query }) => {
      const rows = await listTestimonials(ctx.db, auth.workspaceId, {
        status: query.status,
        limit: query.limit,
        cursor: decodeCursor(query.cursor),
      });
      return c.json(pageOf(rows, query.limit, toApiTestimonial));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/testimonial-settings',
      summary: "What the testimonial widget's schema.org markup names as the reviewed item",
      tag: 'Testimonials',
      responses: { 200: { description: 'The settings', schema: settingsSchema } },
    },
    async ({ c, auth }) => c.json(await getTestimonialSettings(ctx.db, auth.workspaceId)),
  );

  api.route(
    {
      method: 'put',
      path: '/testimonial-settings',
      summary: "Set the reviewed item of the widget's schema.org markup (name, type, URL)",
      tag: 'Testimonials',
      body: z.strictObject({
        item_name: z.string().trim().min(1, 'must not be empty').max(200).nullable(),
        item_type: z.enum(ITEM_TYPES),
        item_url: z
          .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
          .max(2000)
          .nullable()
          .optional(),
      }),
      responses: { 200: { description: 'The settings', schema: settingsSchema } },
    },
    async ({ c, auth, body }) => {
      const settings = {
        item_name: body.item_name,
        item_type: body.item_type,
        item_url: body.item_url ?? null,
      };
      await setTestimonialSettings(ctx.db, auth.workspaceId, settings, ctx.clock());
      return c.json(settings);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/testimonials/{id}/approve',
      summary:
        'Approve a testimonial (optionally with its display name): it appears in the widget at once, `testimonial.approved` is emitted, and the customer is mailed a withdrawal link',
      tag: 'Testimonials',
      access: 'respond',
      params: idParams,
      body: z.strictObject({ display_name: displayName.optional() }),
      responses: {
        200: { description: 'The approved testimonial', schema: testimonialSchema },
        409: { description: 'Not a candidate (not a promoter, no consent or no comment)' },
      },
    },
    async ({ c, auth, params, body }) => {
      const now = ctx.clock();
      const answer = await ctx.db.transaction(async (tx) => {
        const row = await candidate(tx, auth.workspaceId, params.id);
        const isNew = row.status !== 'approved';
        const name =
          body.display_name ?? row.display_name ?? defaultDisplayName(row.contact_name, row.locale);
        // The withdrawal link: made once, mailed once (the job's unique key), only the hash stored.
        const link = isNew && row.contact_email && !row.withdraw_token_hash ? newSessionToken() : undefined;
        await saveDecision(tx, auth.workspaceId, row.id, {
          status: 'approved',
          display_name: name,
          quote: row.comment!,
          moderated_by: moderator(auth),
          now,
          ...(isNew ? { approved_at: now } : {}),
          ...(link ? { withdraw_token_hash: link.hash } : {}),
        });
        const approved = await reread(tx, auth.workspaceId, row.id);
        if (isNew) {
          await emitEvent(tx, auth.workspaceId, 'testimonial.approved', { testimonial: approved }, { now });
          if (link) {
            await enqueue(
              tx,
              {
                queue: SEND_TESTIMONIAL_NOTICE_QUEUE,
                workspaceId: auth.workspaceId,
                payload: {
                  workspace_id: auth.workspaceId,
                  response_id: row.id,
                  withdraw_url: `${ctx.config.publicUrl}/t/withdraw/${link.token}`,
                },
                uniqueKey: `testimonial-notice:${row.id}`,
              },
              { now },
            );
          }
        }
        return approved;
      });
      return c.json(answer);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/testimonials/{id}/reject',
      summary: 'Reject a testimonial (it is not shown; a published one disappears at once)',
      tag: 'Testimonials',
      access: 'respond',
      params: idParams,
      responses: {
        200: { description: 'The rejected testimonial', schema: testimonialSchema },
        409: { description: 'Not a candidate' },
      },
    },
    async ({ c, auth, params }) => {
      const answer = await ctx.db.transaction(async (tx) => {
        const row = await candidate(tx, auth.workspaceId, params.id);
        await saveDecision(tx, auth.workspaceId, row.id, {
          status: 'rejected',
          display_name: row.display_name,
          quote: row.comment!,
          moderated_by: moderator(auth),
          now: ctx.clock(),
        });
        return reread(tx, auth.workspaceId, row.id);
      });
      return c.json(answer);
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/testimonials/{id}',
      summary:
        'Change the display name (a published testimonial shows it at once); the quote cannot be edited',
      tag: 'Testimonials',
      access: 'respond',
      params: idParams,
      body: z.strictObject({ display_name: displayName }),
      responses: {
        200: { description: 'The testimonial', schema: testimonialSchema },
        409: { description: 'Not a candidate' },
      },
    },
    async ({ c, auth, params, body }) => {
      const answer = await ctx.db.transaction(async (tx) => {
        const row = await candidate(tx, auth.workspaceId, params.id);
        await saveDecision(tx, auth.workspaceId, row.id, {
          status: row.status,
          display_name: body.display_name,
          quote: row.comment!,
          moderated_by: moderator(auth),
          now: ctx.clock(),
        });
        return reread(tx, auth.workspaceId, row.id);
      });
      return c.json(answer);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/testimonials/{id}/withdraw',
      summary:
        "Withdraw the customer's consent on their behalf (they asked by other means): the testimonial disappears at once",
      tag: 'Testimonials',
      access: 'respond',
      params: idParams,
      responses: {
        200: {
          description: 'Consent withdrawn (also when it was withdrawn before)',
          schema: z.object({ id: z.uuid(), withdrawn: z.literal(true), withdrawn_at: timestamp }),
        },
      },
    },
    async ({ c, auth, params }) => {
      const now = ctx.clock();
      await ctx.db.transaction(async (tx) => {
        const row = await getTestimonial(tx, auth.workspaceId, params.id, true);
        if (!row) throw notFound('Testimonial', 'id');
        await withdrawConsent(tx, auth.workspaceId, row.id, row.testimonial_consent, now);
      });
      return c.json({ id: params.id, withdrawn: true as const, withdrawn_at: now.toISOString() });
    },
  );
}

/**
 * Withdraws consent: the response's `testimonial_consent` becomes false (so it is no candidate and
 * the widget endpoint drops it in the same commit) and the testimonial notes when. Idempotent.
 */
export async function withdrawConsent(
  tx: Queryable,
  workspaceId: string,
  responseId: string,
  consent: boolean | null,
  now: Date,
): Promise<void> {
  if (consent !== false) await updateResponse(tx, workspaceId, responseId, { testimonial_consent: false });
  await markWithdrawn(tx, workspaceId, responseId, now);
}
