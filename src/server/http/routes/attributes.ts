import { z } from 'zod';
import { ATTRIBUTE_SAMPLE, attributeCatalog } from '../../repo/attribute-catalog';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';

export function registerAttributeRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/metrics/attributes',
      summary: `The attributes responses carry, with counts and their most frequent values (newest ${ATTRIBUTE_SAMPLE.toLocaleString('en')} responses)`,
      tag: 'Metrics',
      responses: {
        200: {
          description: 'Attributes, most frequent first',
          schema: z.object({
            sample: z.number().int().describe('Responses looked at (the newest ones)'),
            attributes: z.array(
              z.object({
                key: z.string(),
                count: z.number().int(),
                values: z.array(z.object({ value: z.string(), count: z.number().int() })),
                rolled_up: z
                  .boolean()
                  .describe("One of the workspace's segment_attributes (fast breakdowns)"),
              }),
            ),
          }),
        },
      },
    },
    async ({ c, auth }) => c.json(await attributeCatalog(ctx.db, auth.workspaceId)),
  );
}
