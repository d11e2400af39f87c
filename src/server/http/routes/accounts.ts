import { z } from 'zod';
import { accountTrend } from '../../../core/account-nps';
import { addDays, bucketsBetween, localDay } from '../../../core/trend';
import { accountResponses } from '../../repo/account-metrics';
import { getAccount, listAccounts, updateAccount, upsertAccount } from '../../repo/accounts';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { accountSchema, accountTrendSchema, pageSchema, summaryJson } from '../response-schemas';
import {
  attributesSchema,
  daySchema,
  decodeCursor,
  idParams,
  pageOf,
  paginationQuery,
  withoutWorkspace,
} from '../schemas';

export const accountInput = z.strictObject({
  external_id: z.string().trim().min(1).max(200).optional(),
  name: z.string().trim().min(1).max(300).optional(),
  revenue: z.number().finite().min(0).max(1e15).nullable().optional(),
  attributes: attributesSchema.optional(),
});

const accountJson = withoutWorkspace;

/** Most buckets an account trend returns (about ten years of weeks, or three of days). */
const MAX_BUCKETS = 1100;

export function registerAccountRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/accounts',
      summary: 'List accounts (B2B companies)',
      tag: 'Accounts',
      query: z.object(paginationQuery),
      responses: { 200: { description: 'A page of accounts', schema: pageSchema(accountSchema) } },
    },
    async ({ c, auth, query }) => {
      const rows = await listAccounts(ctx.db, auth.workspaceId, {
        after: decodeCursor(query.cursor),
        limit: query.limit + 1,
      });
      return c.json(pageOf(rows, query.limit, accountJson));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/accounts',
      summary: 'Create an account, or update the one with the same external_id',
      tag: 'Accounts',
      body: accountInput.refine((a) => a.external_id || a.name, {
        message: 'give a name or an external_id',
        path: ['name'],
      }),
      responses: { 200: { description: 'The account', schema: accountSchema } },
    },
    async ({ c, auth, body }) => c.json(accountJson(await upsertAccount(ctx.db, auth.workspaceId, body))),
  );

  api.route(
    {
      method: 'get',
      path: '/accounts/{id}',
      summary: 'Get an account',
      tag: 'Accounts',
      params: idParams,
      responses: { 200: { description: 'The account', schema: accountSchema } },
    },
    async ({ c, auth, params }) => {
      const account = await getAccount(ctx.db, auth.workspaceId, params.id);
      if (!account) throw notFound('Account', 'id');
      return c.json(accountJson(account));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/accounts/{id}',
      summary: 'Update an account (attributes are merged; null removes one)',
      tag: 'Accounts',
      params: idParams,
      body: accountInput,
      responses: { 200: { description: 'The account', schema: accountSchema } },
    },
    async ({ c, auth, params, body }) => {
      const account = await updateAccount(ctx.db, auth.workspaceId, params.id, body);
      if (!account) throw notFound('Account', 'id');
      return c.json(accountJson(account));
    },
  );
  api.route(
    {
      method: 'get',
      path: '/accounts/{id}/trend',
      summary:
        "The account's NPS per day, week (ISO) or month; in each bucket each stakeholder's latest answer counts once",
      tag: 'Accounts',
      params: idParams,
      query: z.object({
        interval: z.enum(['day', 'week', 'month']).default('month'),
        from: daySchema.optional().describe('Default: 364 days before to'),
        to: daySchema.optional().describe('Default: today in the workspace time zone'),
      }),
      responses: { 200: { description: 'Trend points', schema: accountTrendSchema } },
    },
    async ({ c, auth, params, query }) => {
      const account = await getAccount(ctx.db, auth.workspaceId, params.id);
      if (!account) throw notFound('Account', 'id');
      const workspace = await getWorkspace(ctx.db, auth.workspaceId);
      if (!workspace) throw notFound('Workspace');
      const to = query.to ?? localDay(ctx.clock(), workspace.time_zone);
      const from = query.from ?? addDays(to, -364);
      if (from > to) throw new ApiError(400, 'invalid_request', 'from: must not be after to', 'from');
      if (bucketsBetween(from, to, query.interval).length > MAX_BUCKETS) {
        throw new ApiError(
          400,
          'invalid_request',
          `from: at most ${MAX_BUCKETS} ${query.interval}s; choose a shorter range or a longer interval`,
          'from',
        );
      }
      const rows = await accountResponses(ctx.db, auth.workspaceId, { account_id: account.id, from, to });
      return c.json({
        account_id: account.id,
        interval: query.interval,
        from,
        to,
        points: accountTrend(rows, from, to, query.interval).map((p) => ({
          bucket: p.bucket,
          responses: p.responses,
          summary: summaryJson(p.summary),
        })),
      });
    },
  );
}
