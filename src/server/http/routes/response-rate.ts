import { z } from 'zod';
import { responseRate } from '../../repo/response-rate';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError } from '../errors';
import { daySchema, listOf, uuid } from '../schemas';

export function registerResponseRateRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/metrics/response-rate',
      summary:
        'Response rate of survey invitations: delivered in the period (local days) and answered since; answers without an invitation are not part of it',
      tag: 'Metrics',
      query: z.object({
        from: daySchema.optional(),
        to: daySchema.optional(),
        survey_id: listOf(uuid).optional(),
        channel: listOf(z.string().max(40)).optional(),
      }),
      responses: {
        200: {
          description: 'Delivered, answered and their ratio',
          schema: z.object({
            delivered: z.number().int(),
            answered: z.number().int(),
            response_rate: z
              .number()
              .nullable()
              .describe('answered ÷ delivered; null when nothing was delivered'),
          }),
        },
      },
    },
    async ({ c, auth, query }) => {
      if (query.from && query.to && query.from > query.to) {
        throw new ApiError(400, 'invalid_request', 'to: must not be before from', 'to');
      }
      await checkReferences(ctx.db, auth.workspaceId, { survey_id: query.survey_id });
      return c.json(await responseRate(ctx.db, auth.workspaceId, query));
    },
  );
}
