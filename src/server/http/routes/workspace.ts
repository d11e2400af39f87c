import { z } from 'zod';
import { MAX_MIN_DAYS_BETWEEN } from '../../../core/fatigue';
import { isTimeZone } from '../../../core/trend';
import { rebuildRollups } from '../../repo/metrics';
import { getWorkspace, updateWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { workspaceSchema } from '../response-schemas';
import { localeSchema } from '../schemas';

/** At most one survey per contact per this many days; 0 turns the rule off (core/fatigue.ts). */
export const fatigueDaysSchema = z
  .number()
  .int()
  .min(0)
  .max(MAX_MIN_DAYS_BETWEEN)
  .describe('At most one survey per contact per this many days (0 turns the rule off)');
/** What happens to a send the fatigue rule stops. */
export const onBlockedSchema = z
  .enum(['drop', 'postpone'])
  .describe('A send the fatigue rule stops is dropped, or postponed to the first allowed instant');

export const timeZoneSchema = z
  .string()
  .max(64)
  .refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin');

export const benchmarkSchema = z.strictObject({
  nps: z.number().min(-100).max(100),
  source: z.string().trim().min(1, 'must name where the figure comes from').max(200),
  url: z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .max(2000)
    .nullable()
    .optional(),
  year: z.number().int().min(1990).max(2100).nullable().optional(),
});

const workspacePatch = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  time_zone: timeZoneSchema.optional(),
  default_locale: localeSchema.optional(),
  industry: z.string().max(100).nullable().optional(),
  validity_months: z.number().int().min(1).max(120).optional(),
  fatigue_days: fatigueDaysSchema.optional(),
  fatigue_on_blocked: onBlockedSchema.optional(),
  invitation_expiry_days: z
    .number()
    .int()
    .min(1)
    .max(365)
    .optional()
    .describe('Invitations of campaigns and trigger rules expire this many days after they are due'),
  track_opens: z
    .boolean()
    .optional()
    .describe(
      'Put a 1×1 tracking image into survey and reminder emails and record the first open of each ' +
        '(off by default; Apple Mail Privacy Protection preloads images, so opens are an upper bound)',
    ),
  segment_attributes: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'not a valid attribute name'))
    .max(30)
    .optional(),
  currency: z
    .string()
    .regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as EUR, CHF or USD')
    .optional()
    .describe('The currency of account revenue'),
  benchmark: benchmarkSchema
    .nullable()
    .optional()
    .describe('The NPS to compare with on the dashboard, with its source; null removes it'),
});

async function readWorkspace(ctx: AppContext, id: string) {
  const workspace = await getWorkspace(ctx.db, id);
  if (!workspace) throw notFound('Workspace');
  return workspace;
}

export function registerWorkspaceRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/workspace',
      summary: 'The workspace of the API key',
      tag: 'Workspace',
      responses: { 200: { description: 'The workspace', schema: workspaceSchema } },
    },
    async ({ c, auth }) => c.json(await readWorkspace(ctx, auth.workspaceId)),
  );

  api.route(
    {
      method: 'patch',
      path: '/workspace',
      summary: 'Change workspace settings (changing time zone or segment attributes rebuilds the rollups)',
      tag: 'Workspace',
      body: workspacePatch,
      responses: { 200: { description: 'The updated workspace', schema: workspaceSchema } },
    },
    async ({ c, auth, body }) => {
      if (Object.keys(body).length === 0)
        throw new ApiError(400, 'invalid_request', 'Nothing to change', null);
      await ctx.db.transaction(async (tx) => {
        await updateWorkspace(tx, auth.workspaceId, body);
        if (body.time_zone) {
          // Local days move with the zone; recompute them before the rollups that group by them.
          await tx.query(
            `UPDATE response r SET day = (r.created_at AT TIME ZONE w.time_zone)::date
             FROM workspace w WHERE w.id = r.workspace_id AND r.workspace_id = $1`,
            [auth.workspaceId],
          );
        }
        if (body.segment_attributes || body.time_zone) await rebuildRollups(tx, auth.workspaceId);
      });
      return c.json(await readWorkspace(ctx, auth.workspaceId));
    },
  );
}
