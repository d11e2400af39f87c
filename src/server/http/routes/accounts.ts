import { z } from 'zod';
import { getAccount, listAccounts, updateAccount, upsertAccount } from '../../repo/accounts';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { notFound } from '../errors';
import { accountSchema, pageSchema } from '../response-schemas';
import {
  attributesSchema,
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
}
