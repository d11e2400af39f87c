import { z } from 'zod';
import { currentNpsWindow } from '../../../core/expiry';
import { compareNps, summarize, verdictText } from '../../../core/stats';
import { addDays, buildTrend, localDay } from '../../../core/trend';
import { type Dimension, groupedDistributions } from '../../repo/metrics';
import type { ResponseFilter } from '../../repo/responses';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import {
  breakdownSchema,
  compareSchema,
  npsMetricSchema,
  summaryJson,
  trendSchema,
} from '../response-schemas';
import { daySchema, responseFilterQuery } from '../schemas';
import { filterFromQuery } from './responses';

const sumOf = (groups: { distribution: number[] }[]) =>
  groups.reduce((acc, g) => acc.map((v, i) => v + (g.distribution[i] ?? 0)), new Array<number>(11).fill(0));

/**
 * z is ±Infinity when both samples have no variance yet differ (all 10s against all 0s); JSON has
 * no Infinity (it would print null, which means "no responses"), so it is capped at ±1e9.
 */
function finiteZ(z: number | null): number | null {
  return z === null || Number.isFinite(z) ? z : Math.sign(z) * 1e9;
}

const BUILT_IN_DIMENSIONS = ['survey', 'channel', 'journey_stage'] as const;

function dimensionOf(by: string): Dimension {
  if ((BUILT_IN_DIMENSIONS as readonly string[]).includes(by)) return { kind: by as 'survey' };
  return { kind: 'attribute', key: by.replace(/^attr\./, '') };
}

export function registerMetricsRoutes(api: ApiRouter, ctx: AppContext): void {
  async function workspaceOf(id: string) {
    const workspace = await getWorkspace(ctx.db, id);
    if (!workspace) throw notFound('Workspace');
    return workspace;
  }

  api.route(
    {
      method: 'get',
      path: '/metrics/nps',
      summary:
        'NPS, category counts and shares, the 0-10 distribution and the 95% margin of error ' +
        "(current=true: only responses inside the workspace's validity window)",
      tag: 'Metrics',
      query: responseFilterQuery.extend({
        current: z
          .enum(['true', 'false'])
          .optional()
          .describe(
            "true: the current NPS, only responses of the workspace's last validity_months months " +
              '(intersected with from/to)',
          ),
      }),
      responses: { 200: { description: 'The summary', schema: npsMetricSchema } },
    },
    async ({ c, auth, query }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      const filter = filterFromQuery(query, ['current']);
      await checkReferences(ctx.db, auth.workspaceId, filter);
      let window: { from: string; to: string; validity_months: number } | null = null;
      if (query.current === 'true') {
        // Local days of the workspace, as the from/to filters: the window's days intersected with them.
        const valid = currentNpsWindow(ctx.clock(), workspace.validity_months, workspace.time_zone);
        window = { from: valid.fromDay, to: valid.toDay, validity_months: workspace.validity_months };
        filter.from = filter.from !== undefined && filter.from > valid.fromDay ? filter.from : valid.fromDay;
        filter.to = filter.to !== undefined && filter.to < valid.toDay ? filter.to : valid.toDay;
      }
      // A from/to outside the window leaves from after to: no response matches, the summary is empty.
      const { groups, source } = await groupedDistributions(
        ctx.db,
        auth.workspaceId,
        filter,
        { kind: 'none' },
        { segmentAttributes: workspace.segment_attributes },
      );
      return c.json({ ...summaryJson(summarize(sumOf(groups))), source, window });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/metrics/trend',
      summary: 'NPS per day, week (ISO, Monday) or month in the workspace time zone; empty buckets included',
      tag: 'Metrics',
      query: responseFilterQuery.extend({ granularity: z.enum(['day', 'week', 'month']).default('week') }),
      responses: { 200: { description: 'Trend points', schema: trendSchema } },
    },
    async ({ c, auth, query }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      const filter = filterFromQuery(query, ['granularity']);
      await checkReferences(ctx.db, auth.workspaceId, filter);
      const to = filter.to ?? localDay(ctx.clock(), workspace.time_zone);
      const from = filter.from ?? addDays(to, -364);
      if (from > to) throw new ApiError(400, 'invalid_request', 'from: must not be after to', 'from');
      const { groups, source } = await groupedDistributions(
        ctx.db,
        auth.workspaceId,
        { ...filter, from, to },
        { kind: 'day' },
        { segmentAttributes: workspace.segment_attributes },
      );
      const rows = groups.map((g) => ({ day: g.key!, distribution: g.distribution }));
      return c.json({
        granularity: query.granularity,
        from,
        to,
        source,
        points: buildTrend(rows, from, to, query.granularity).map((p) => ({
          bucket: p.bucket,
          summary: summaryJson(p.summary),
        })),
      });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/metrics/breakdown',
      summary:
        'NPS per value of a dimension (survey, channel, journey_stage or any attribute), each against the rest',
      tag: 'Metrics',
      query: responseFilterQuery.extend({
        by: z.string().regex(/^(attr\.)?[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a dimension or attribute name'),
        min_n: z.coerce.number().int().min(1).max(100_000).default(30),
      }),
      responses: { 200: { description: 'Segments, largest first', schema: breakdownSchema } },
    },
    async ({ c, auth, query }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      const filter = filterFromQuery(query, ['by', 'min_n']);
      await checkReferences(ctx.db, auth.workspaceId, filter);
      const dimension = dimensionOf(query.by);
      const options = { segmentAttributes: workspace.segment_attributes };
      const { groups, source } = await groupedDistributions(
        ctx.db,
        auth.workspaceId,
        filter,
        dimension,
        options,
      );
      // "The rest" is every other response, also those without a value for the attribute, which
      // appear in no segment: the total comes from all responses the filter matches.
      const total = sumOf(
        (await groupedDistributions(ctx.db, auth.workspaceId, filter, { kind: 'none' }, options)).groups,
      );
      const withoutValue = total.map((v, i) => v - sumOf(groups)[i]!);
      const segments = groups
        .map((g) => {
          const rest = total.map((v, i) => v - (g.distribution[i] ?? 0));
          const comparison = compareNps(g.distribution, rest, { minN: query.min_n });
          return {
            value: g.key,
            ...summaryJson(summarize(g.distribution)),
            vs_rest: {
              difference: comparison.difference,
              z: finiteZ(comparison.z),
              p_value: comparison.pValue,
              significant: comparison.significant,
              verdict: comparison.verdict,
            },
          };
        })
        .sort((a, b) => b.n - a.n);
      return c.json({
        by: query.by,
        source,
        total: summaryJson(summarize(total)),
        without_value: summaryJson(summarize(withoutValue)),
        segments,
      });
    },
  );

  const filterBody = z.strictObject({
    survey_id: z.array(z.uuid()).optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    channel: z.array(z.string().max(40)).optional(),
    attributes: z.record(z.string().max(64), z.string().max(500)).optional(),
  });

  api.route(
    {
      method: 'post',
      path: '/metrics/compare',
      summary:
        'Compare two periods or two segments: z-test of the NPS difference with a verdict; the baseline defaults to the previous period of equal length',
      tag: 'Metrics',
      body: z.strictObject({
        current: filterBody,
        baseline: filterBody.optional(),
        min_n: z.number().int().min(1).max(100_000).default(30),
        locale: z.enum(['de', 'en']).default('en'),
      }),
      responses: { 200: { description: 'The comparison', schema: compareSchema } },
    },
    async ({ c, auth, body }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      await checkReferences(ctx.db, auth.workspaceId, {
        survey_id: [...(body.current.survey_id ?? []), ...(body.baseline?.survey_id ?? [])],
      });
      let baseline: ResponseFilter | undefined = body.baseline;
      if (!baseline) {
        const { from, to } = body.current;
        if (!from || !to) {
          throw new ApiError(
            400,
            'invalid_request',
            'baseline: give a baseline, or current.from and current.to',
            'baseline',
          );
        }
        if (from > to)
          throw new ApiError(400, 'invalid_request', 'current.from: must not be after to', 'current.from');
        const days = Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1;
        baseline = { ...body.current, from: addDays(from, -days), to: addDays(from, -1) };
      }
      const distributionOf = async (filter: ResponseFilter) =>
        sumOf(
          (
            await groupedDistributions(
              ctx.db,
              auth.workspaceId,
              filter,
              { kind: 'none' },
              {
                segmentAttributes: workspace.segment_attributes,
              },
            )
          ).groups,
        );
      const comparison = compareNps(await distributionOf(body.current), await distributionOf(baseline), {
        minN: body.min_n,
      });
      return c.json({
        current: { filter: body.current, ...summaryJson(comparison.current) },
        baseline: { filter: baseline, ...summaryJson(comparison.baseline) },
        difference: comparison.difference,
        standard_error: comparison.standardError,
        z: finiteZ(comparison.z),
        p_value: comparison.pValue,
        significant: comparison.significant,
        verdict: comparison.verdict,
        verdict_text: verdictText(comparison, body.locale),
        min_n: comparison.minN,
      });
    },
  );
}
