import { z } from 'zod';
import type { Queryable } from '../../db/port';
import { getAccount, upsertAccount } from '../../repo/accounts';
import {
  type ContactInput,
  getContact,
  listContacts,
  updateContact,
  upsertContacts,
} from '../../repo/contacts';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { contactSchema, pageSchema } from '../response-schemas';
import {
  attributeFiltersOf,
  attributesSchema,
  decodeCursor,
  emailSchema,
  idParams,
  localeSchema,
  pageOf,
  paginationQuery,
  uuid,
  withoutWorkspace,
} from '../schemas';
import { accountInput } from './accounts';
import { timeZoneSchema } from './workspace';

const contactFields = {
  email: emailSchema.nullable().optional(),
  external_id: z.string().trim().min(1).max(200).nullable().optional(),
  name: z.string().trim().max(300).nullable().optional(),
  locale: localeSchema.nullable().optional(),
  time_zone: timeZoneSchema.nullable().optional(),
  attributes: attributesSchema.optional(),
  account_id: uuid.nullable().optional(),
  account: accountInput.optional(),
};

/** A contact named in a request: identified by external_id or email. */
export const contactInput = z
  .strictObject(contactFields)
  .refine((c) => c.email || c.external_id, { message: 'give an email or an external_id', path: ['email'] })
  .refine((c) => !(c.account_id && c.account), {
    message: 'give account_id or account, not both',
    path: ['account'],
  });

export type ContactRequest = z.infer<typeof contactInput>;

/**
 * The account a contact request names, checked to be in the caller's workspace: an existing
 * `account_id` (null detaches), or an `account` that is upserted. Undefined when neither is given.
 */
async function resolveAccountId(
  db: Queryable,
  workspaceId: string,
  accountId: string | null | undefined,
  account: z.infer<typeof accountInput> | undefined,
): Promise<string | null | undefined> {
  if (accountId && !(await getAccount(db, workspaceId, accountId))) {
    throw new ApiError(
      422,
      'unknown_reference',
      'account_id: no such account in this workspace',
      'account_id',
    );
  }
  if (!account) return accountId;
  if (!account.external_id && !account.name) {
    throw new ApiError(400, 'invalid_request', 'account: give a name or an external_id', 'account');
  }
  return (await upsertAccount(db, workspaceId, account)).id;
}

/** Resolves the account of a contact request inside the caller's workspace, then upserts the contact. */
export async function upsertContactFromRequest(db: Queryable, workspaceId: string, input: ContactRequest) {
  const { account, ...contact } = input;
  const accountId = await resolveAccountId(db, workspaceId, contact.account_id, account);
  const [id] = await upsertContacts(db, workspaceId, [{ ...contact, account_id: accountId } as ContactInput]);
  return id!;
}

const contactJson = withoutWorkspace;

const listQuery = z
  .object({
    ...paginationQuery,
    email: z.string().max(320).optional(),
    external_id: z.string().max(200).optional(),
    account_id: uuid.optional(),
  })
  .catchall(z.union([z.string(), z.array(z.string())]));

export function registerContactRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/contacts',
      summary: 'List contacts; filter by email, external_id, account_id or attr.<name>=<value>',
      tag: 'Contacts',
      query: listQuery,
      responses: { 200: { description: 'A page of contacts', schema: pageSchema(contactSchema) } },
    },
    async ({ c, auth, query }) => {
      const attributes = attributeFiltersOf(query, ['limit', 'cursor', 'email', 'external_id', 'account_id']);
      const rows = await listContacts(
        ctx.db,
        auth.workspaceId,
        { email: query.email, external_id: query.external_id, account_id: query.account_id, attributes },
        { after: decodeCursor(query.cursor), limit: query.limit + 1 },
      );
      return c.json(pageOf(rows, query.limit, contactJson));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/contacts',
      summary: 'Create or update a contact by external_id or email (attributes merge; null removes one)',
      tag: 'Contacts',
      body: contactInput,
      responses: { 200: { description: 'The contact', schema: contactSchema } },
    },
    async ({ c, auth, body }) => {
      const contact = await ctx.db.transaction(async (tx) => {
        const id = await upsertContactFromRequest(tx, auth.workspaceId, body);
        return getContact(tx, auth.workspaceId, id);
      });
      return c.json(contactJson(contact!));
    },
  );

  api.route(
    {
      method: 'get',
      path: '/contacts/{id}',
      summary: 'Get a contact',
      tag: 'Contacts',
      params: idParams,
      responses: { 200: { description: 'The contact', schema: contactSchema } },
    },
    async ({ c, auth, params }) => {
      const contact = await getContact(ctx.db, auth.workspaceId, params.id);
      if (!contact) throw notFound('Contact', 'id');
      return c.json(contactJson(contact));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/contacts/{id}',
      summary: 'Update a contact',
      tag: 'Contacts',
      params: idParams,
      body: z.strictObject(contactFields),
      responses: { 200: { description: 'The contact', schema: contactSchema } },
    },
    async ({ c, auth, params, body }) => {
      const contact = await ctx.db.transaction(async (tx) => {
        const { account, ...patch } = body;
        const accountId = await resolveAccountId(tx, auth.workspaceId, patch.account_id, account);
        const updated = await updateContact(tx, auth.workspaceId, params.id, {
          ...patch,
          account_id: accountId,
        });
        if (!updated) throw notFound('Contact', 'id');
        if (!updated.email && !updated.external_id) {
          throw new ApiError(
            400,
            'invalid_request',
            'email: a contact keeps an email or an external_id',
            'email',
          );
        }
        return updated;
      });
      return c.json(contactJson(contact));
    },
  );
}
