import { z } from 'zod';
import {
  type AccountNps,
  accountNpsOf,
  FALL_MIN_RESPONSES,
  FALL_THRESHOLD,
  isFalling,
  npsChange,
  revenueAtRisk,
  revenueWeightedNps,
  sortAccounts,
} from '../../../core/account-nps';
import { currentNpsWindow } from '../../../core/expiry';
import { buildLeaderboard, DEFAULT_LEADERBOARD_MIN_N } from '../../../core/leaderboard';
import { compareNps, summarize, verdictText } from '../../../core/stats';
import { type Theme, themesOf } from '../../../core/themes';
import { addDays, buildTrend, dayNumberOf, localDay } from '../../../core/trend';
import { type AccountResponseRow, accountFacts, accountResponses } from '../../repo/account-metrics';
import { type Dimension, groupedDistributions } from '../../repo/metrics';
import type { ResponseFilter } from '../../repo/responses';
import { listProductNames, listThemeComments, THEME_COMMENT_CAP } from '../../repo/themes';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import {
  accountMetricsSchema,
  breakdownSchema,
  compareSchema,
  leaderboardSchema,
  npsMetricSchema,
  summaryJson,
  themesSchema,
  trendSchema,
} from '../response-schemas';
import { daySchema, responseFilterQuery, searchParam } from '../schemas';
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

const themeJson = (t: Theme) => ({
  key: t.key,
  label: t.label,
  words: t.words,
  count: t.count,
  pct: t.pct,
  categories: t.categories,
  summary: summaryJson(t.summary),
  search: t.search,
});

const BUILT_IN_DIMENSIONS = ['survey', 'channel', 'journey_stage'] as const;

function dimensionOf(by: string): Dimension {
  if ((BUILT_IN_DIMENSIONS as readonly string[]).includes(by)) return { kind: by as 'survey' };
  return { kind: 'attribute', key: by.replace(/^attr\./, '') };
}

/** The account list is computed and sorted in memory, so its cursor is an offset (opaque to clients). */
function encodeOffset(offset: number): string {
  return Buffer.from(`offset:${offset}`).toString('base64url');
}

function decodeOffset(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw new ApiError(400, 'invalid_request', 'cursor: not a cursor returned by this API', 'cursor');
  return Number(match[1]);
}

/** Upsell candidates and falling accounts list at most this many accounts (with the full count). */
const TOP_ACCOUNTS = 20;

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
        cohort: z
          .enum(['month', 'quarter', 'year'])
          .optional()
          .describe('Group a date attribute (e.g. customer_since) by its month, quarter or year: cohorts'),
      }),
      responses: { 200: { description: 'Segments, largest first', schema: breakdownSchema } },
    },
    async ({ c, auth, query }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      const filter = filterFromQuery(query, ['by', 'min_n', 'cohort']);
      await checkReferences(ctx.db, auth.workspaceId, filter);
      let dimension = dimensionOf(query.by);
      if (query.cohort) {
        if (dimension.kind !== 'attribute') {
          throw new ApiError(
            400,
            'invalid_request',
            'by: cohorts group a date attribute, not a built-in dimension',
            'by',
          );
        }
        dimension = { kind: 'cohort', key: dimension.key, unit: query.cohort };
      }
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

  api.route(
    {
      method: 'get',
      path: '/metrics/themes',
      summary:
        'Themes of the comments: the words and two-word phrases mentioned most, overall and per category ' +
        '(what promoters praise, detractors complain about), each with its NPS and a search for its comments; ' +
        `computed locally from the newest ${THEME_COMMENT_CAP.toLocaleString('en')} matching comments`,
      tag: 'Metrics',
      query: responseFilterQuery.extend({
        q: searchParam.optional(),
        limit: z.coerce.number().int().min(1).max(100).default(10).describe('Themes per list'),
        min_count: z.coerce
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(3)
          .describe('A theme needs this many comments (per category list: this many of the category)'),
      }),
      responses: { 200: { description: 'The themes', schema: themesSchema } },
    },
    async ({ c, auth, query }) => {
      const filter = { ...filterFromQuery(query, ['q', 'limit', 'min_count']), q: query.q };
      await checkReferences(ctx.db, auth.workspaceId, filter);
      // Only comments carry themes: has_comment=false leaves nothing to analyse.
      const { comments, sampled } =
        filter.has_comment === false
          ? { comments: [], sampled: false }
          : await listThemeComments(ctx.db, auth.workspaceId, filter);
      const result = themesOf(comments, {
        minCount: query.min_count,
        limit: query.limit,
        // The product's own name is in half the comments and says nothing about them.
        ignore: await listProductNames(ctx.db, auth.workspaceId),
      });
      return c.json({
        comments: result.comments,
        sampled,
        sample_limit: THEME_COMMENT_CAP,
        comments_by_category: result.commentsByCategory,
        min_count: result.minCount,
        themes: result.overall.map(themeJson),
        by_category: {
          promoter: result.byCategory.promoter.map(themeJson),
          passive: result.byCategory.passive.map(themeJson),
          detractor: result.byCategory.detractor.map(themeJson),
        },
      });
    },
  );

  const filterBody = z.strictObject({
    survey_id: z.array(z.uuid()).optional(),
    journey_stage: z.array(z.string().max(60)).optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    channel: z.array(z.string().max(40)).optional(),
    attributes: z.record(z.string().max(64), z.string().max(500)).optional(),
  });

  api.route(
    {
      method: 'post',
      path: '/metrics/compare',
      // A read, sent as POST for its structured body: viewers may compare.
      access: 'read',
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
  api.route(
    {
      method: 'get',
      path: '/metrics/accounts',
      summary:
        "B2B account NPS (each stakeholder's latest answer counts once), change against the previous period, " +
        'revenue-weighted NPS, revenue at risk, upsell candidates and falling accounts',
      tag: 'Metrics',
      query: responseFilterQuery.extend({
        sort: z.enum(['revenue', 'nps', 'change', 'responses']).default('revenue'),
        order: z.enum(['asc', 'desc']).default('desc'),
        min_responses: z.coerce
          .number()
          .int()
          .min(1)
          .max(100_000)
          .default(1)
          .describe('Accounts with fewer counted responses (stakeholders) in the period are left out'),
        limit: z.coerce.number().int().min(1).max(500).default(50),
        cursor: z.string().max(200).optional(),
      }),
      responses: { 200: { description: 'Accounts and the workspace summary', schema: accountMetricsSchema } },
    },
    async ({ c, auth, query }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      const filter = filterFromQuery(query, ['sort', 'order', 'min_responses', 'limit', 'cursor']);
      const offset = decodeOffset(query.cursor);
      await checkReferences(ctx.db, auth.workspaceId, filter);
      const to = filter.to ?? localDay(ctx.clock(), workspace.time_zone);
      const from = filter.from ?? addDays(to, -364);
      if (from > to) throw new ApiError(400, 'invalid_request', 'from: must not be after to', 'from');
      const days = dayNumberOf(to) - dayNumberOf(from) + 1;
      const previous = { from: addDays(from, -days), to: addDays(from, -1) };
      const rows = await accountResponses(ctx.db, auth.workspaceId, { ...filter, from: previous.from, to });
      const byAccount = new Map<string, { current: AccountResponseRow[]; previous: AccountResponseRow[] }>();
      for (const row of rows) {
        let entry = byAccount.get(row.accountId);
        if (!entry) {
          entry = { current: [], previous: [] };
          byAccount.set(row.accountId, entry);
        }
        (row.day >= from ? entry.current : entry.previous).push(row);
      }
      const computed: { id: string; current: AccountNps; previous: AccountNps }[] = [];
      for (const [id, entry] of byAccount) {
        const current = accountNpsOf(entry.current);
        if (current.stakeholders < query.min_responses) continue;
        computed.push({ id, current, previous: accountNpsOf(entry.previous) });
      }
      const facts = await accountFacts(
        ctx.db,
        auth.workspaceId,
        computed.map((a) => a.id),
      );
      const accounts = computed.map(({ id, current, previous: before }) => {
        const fact = facts.get(id)!;
        const nps = current.summary.nps;
        return {
          id,
          name: fact.name,
          external_id: fact.external_id,
          revenue: fact.revenue,
          owner: fact.owner,
          nps,
          n: current.summary.n,
          responses: current.responses,
          change: npsChange(nps, before.summary.nps),
          category: current.category,
          falling: isFalling(current.summary, before.summary),
          current,
          before,
        };
      });
      const ref = (a: (typeof accounts)[number]) => ({
        id: a.id,
        name: a.name,
        external_id: a.external_id,
        revenue: a.revenue,
        owner: a.owner,
        nps: a.nps,
        nps_rounded: a.current.summary.npsRounded,
        n: a.n,
      });
      const weighted = revenueWeightedNps(accounts);
      const risk = revenueAtRisk(accounts);
      const upsell = sortAccounts(
        accounts.filter((a) => a.category === 'promoter'),
        'revenue',
      );
      const falling = accounts
        .filter((a) => a.falling)
        .sort((a, b) => a.change! - b.change! || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const sorted = sortAccounts(accounts, query.sort, query.order);
      const page = sorted.slice(offset, offset + query.limit);
      return c.json({
        from,
        to,
        previous,
        sort: query.sort,
        order: query.order,
        min_responses: query.min_responses,
        summary: {
          accounts: accounts.length,
          promoter_accounts: accounts.filter((a) => a.category === 'promoter').length,
          passive_accounts: accounts.filter((a) => a.category === 'passive').length,
          detractor_accounts: risk.accounts,
          revenue_weighted_nps: weighted.nps,
          revenue_weighted_accounts: weighted.accounts,
          accounts_without_revenue: weighted.withoutRevenue,
          revenue_at_risk: risk.revenue,
          upsell_candidates: { count: upsell.length, top: upsell.slice(0, TOP_ACCOUNTS).map(ref) },
          falling: {
            threshold: FALL_THRESHOLD,
            min_responses: FALL_MIN_RESPONSES,
            count: falling.length,
            top: falling
              .slice(0, TOP_ACCOUNTS)
              .map((a) => ({ ...ref(a), previous_nps: a.before.summary.nps!, change: a.change! })),
          },
        },
        data: page.map((a) => ({
          ...summaryJson(a.current.summary),
          id: a.id,
          name: a.name,
          external_id: a.external_id,
          revenue: a.revenue,
          owner: a.owner,
          responses: a.current.responses,
          stakeholders: a.current.stakeholders,
          roles: a.current.roles,
          mean_score: a.current.meanScore,
          category: a.category,
          previous: {
            n: a.before.summary.n,
            nps: a.before.summary.nps,
            nps_rounded: a.before.summary.npsRounded,
          },
          change: a.change,
          falling: a.falling,
        })),
        next_cursor: offset + query.limit < sorted.length ? encodeOffset(offset + query.limit) : null,
      });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/metrics/leaderboard',
      summary:
        'NPS per team, owner or rep (any response attribute, e.g. sales_rep, team, account.account_owner), ' +
        'ranked only with at least min_n responses, with rank ranges and significance against the rest',
      tag: 'Metrics',
      query: responseFilterQuery.extend({
        by: z
          .string()
          .regex(/^(attr\.)?[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'an attribute name such as sales_rep or team'),
        min_n: z.coerce.number().int().min(1).max(100_000).default(DEFAULT_LEADERBOARD_MIN_N),
      }),
      responses: { 200: { description: 'Ranked and not ranked entries', schema: leaderboardSchema } },
    },
    async ({ c, auth, query }) => {
      const workspace = await workspaceOf(auth.workspaceId);
      const filter = filterFromQuery(query, ['by', 'min_n']);
      await checkReferences(ctx.db, auth.workspaceId, filter);
      const key = query.by.replace(/^attr\./, '');
      const { groups, source } = await groupedDistributions(
        ctx.db,
        auth.workspaceId,
        filter,
        { kind: 'attribute', key },
        { segmentAttributes: workspace.segment_attributes },
      );
      const board = buildLeaderboard(
        groups.filter((g) => g.key !== null).map((g) => ({ value: g.key!, distribution: g.distribution })),
        { minN: query.min_n },
      );
      return c.json({
        by: query.by,
        min_n: board.minN,
        source,
        total: summaryJson(board.total),
        ranked: board.ranked.map((e) => ({
          ...summaryJson(e.summary),
          value: e.value,
          rank: e.rank,
          tied: e.tied,
          rank_range: e.rankRange,
          significantly_above_rest: e.significantlyAboveRest,
          significantly_below_rest: e.significantlyBelowRest,
          vs_rest: {
            difference: e.vsRest.difference,
            z: finiteZ(e.vsRest.z),
            p_value: e.vsRest.pValue,
            significant: e.vsRest.significant,
            verdict: e.vsRest.verdict,
          },
        })),
        not_ranked: board.notRanked.map((e) => ({
          ...summaryJson(e.summary),
          value: e.value,
          reason: 'too few answers' as const,
          missing: e.missing,
        })),
      });
    },
  );
}
