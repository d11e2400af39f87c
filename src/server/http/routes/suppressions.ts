/**
 * The suppression list over the API: a mail provider's bounce or complaint webhook (or a script
 * reading one) records addresses here; the sender consults the list before every survey email.
 */
import { z } from 'zod';
import { listSuppressions, recordSuppression, SUPPRESSION_REASONS } from '../../repo/suppressions';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { pageSchema, suppressionSchema } from '../response-schemas';
import { decodeCursor, emailSchema, pageOf, paginationQuery, withoutWorkspace } from '../schemas';

const reason = z.enum(SUPPRESSION_REASONS, { message: 'must be unsubscribed, bounced or complained' });

export function registerSuppressionRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'post',
      path: '/suppressions',
      summary: 'Record a bounce, complaint or unsubscribe reported by a mail provider (idempotent)',
      tag: 'Suppressions',
      body: z.strictObject({
        email: emailSchema,
        reason,
        detail: z.string().max(2000).optional().describe('e.g. the SMTP diagnostic of the bounce'),
        source: z
          .string()
          .trim()
          .min(1)
          .max(100)
          .optional()
          .describe('Who reported it, e.g. the provider (default: api)'),
      }),
      responses: {
        201: { description: 'Recorded', schema: suppressionSchema },
        200: {
          description: 'Already recorded for this address and reason: unchanged',
          schema: suppressionSchema,
        },
      },
    },
    async ({ c, auth, body }) => {
      const { suppression, created } = await recordSuppression(
        ctx.db,
        auth.workspaceId,
        { email: body.email, reason: body.reason, detail: body.detail, source: body.source ?? 'api' },
        ctx.clock(),
      );
      return c.json(withoutWorkspace(suppression), created ? 201 : 200);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/suppressions',
      summary: 'List suppressed addresses, oldest first',
      tag: 'Suppressions',
      query: z.object({ ...paginationQuery, reason: reason.optional(), email: emailSchema.optional() }),
      responses: { 200: { description: 'A page of suppressions', schema: pageSchema(suppressionSchema) } },
    },
    async ({ c, auth, query }) => {
      const rows = await listSuppressions(
        ctx.db,
        auth.workspaceId,
        { reason: query.reason, email: query.email },
        { after: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      return c.json(pageOf(rows, query.limit, withoutWorkspace));
    },
  );
}
