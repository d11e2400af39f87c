/**
 * CRM connections (docs/API.md "CRM sync", docs/INTEGRATIONS.md). The token is written, never read:
 * answers show its last four characters only. Changing anything needs `manage`; reading, `read`.
 */
import { z } from 'zod';
import { CRM_PROVIDERS, tokenHint } from '../../../core/crm-mapping';
import {
  type CrmConnection,
  createCrmConnection,
  deleteCrmConnection,
  getCrmConnection,
  listCrmConnections,
  updateCrmConnection,
} from '../../crm/repo';
import { DEFAULT_CRM_URLS, startCrmSync } from '../../crm/sync';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { idParams } from '../schemas';

const TAG = 'CRM sync';
const timestamp = z.iso.datetime({ offset: true });

const token = z
  .string()
  .trim()
  .min(8, 'must be the API token (at least 8 characters)')
  .max(1000)
  .regex(/^[\x21-\x7e]+$/, 'must be the API token (printable characters, no spaces)');
/** Salesforce connected app credentials (the client credentials flow). */
const clientId = z
  .string()
  .trim()
  .min(8, "must be the connected app's consumer key (client id)")
  .max(1000)
  .regex(/^[\x21-\x7e]+$/, 'must be the consumer key (printable characters, no spaces)')
  .describe('Salesforce only: the consumer key (client id) of the connected app; never returned');
const clientSecret = z
  .string()
  .trim()
  .min(8, "must be the connected app's consumer secret (client secret)")
  .max(1000)
  .regex(/^[\x21-\x7e]+$/, 'must be the consumer secret (printable characters, no spaces)')
  .describe('Salesforce only: the consumer secret (client secret) of the connected app; never returned');
const baseUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(500)
  .refine((u) => !/[\s\0?#]/.test(u), 'must be an http(s) URL without query or fragment')
  .describe(
    "The API root; default the official one (https://api.hubapi.com, https://api.pipedrive.com); Salesforce: required, the org's My Domain URL (https://<name>.my.salesforce.com)",
  );

const countsSchema = z.object({
  pushed: z.number().int(),
  not_found: z.number().int(),
  failed: z.number().int(),
  contacts: z.number().int(),
  accounts: z.number().int(),
});

const connectionSchema = z.object({
  id: z.uuid(),
  provider: z.enum(CRM_PROVIDERS as ['hubspot', 'pipedrive', 'salesforce']),
  base_url: z.string(),
  token_hint: z
    .string()
    .describe(
      'The last four characters of the token (Salesforce: of the client secret), e.g. "…a1b2"; it is never returned',
    ),
  client_id_hint: z
    .string()
    .nullable()
    .describe('Salesforce: the last four characters of the client id (never returned); null for the others'),
  push: z.boolean().describe('Writes the latest score, category, comment and date to the CRM contact/person'),
  pull: z.boolean().describe('Reads contacts/persons and companies/organizations into Plaudit every hour'),
  active: z.boolean(),
  last_push_at: timestamp.nullable(),
  last_pull_at: timestamp.nullable(),
  last_run: countsSchema
    .nullable()
    .describe(
      'What the last run did: contacts pushed, not found in the CRM, refused; contacts and accounts read',
    ),
  last_error: z
    .string()
    .nullable()
    .describe('Why the last run did not finish (retried at the next run); null when it did'),
  last_error_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

const iso = (d: Date | string | null) => (d === null ? null : new Date(d).toISOString());

const connectionJson = (c: CrmConnection) => ({
  id: c.id,
  provider: c.provider,
  base_url: c.base_url,
  token_hint: tokenHint(c.token_last4),
  client_id_hint: c.client_id_last4 === null ? null : tokenHint(c.client_id_last4),
  push: c.push_enabled,
  pull: c.pull_enabled,
  active: c.status === 'active',
  last_push_at: iso(c.last_push_at),
  last_pull_at: iso(c.last_pull_at),
  last_run: c.last_run,
  last_error: c.last_error,
  last_error_at: iso(c.last_error_at),
  created_at: iso(c.created_at)!,
  updated_at: iso(c.updated_at)!,
});

export function registerCrmRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/crm-connections',
      summary: 'List CRM connections (without their tokens)',
      tag: TAG,
      responses: {
        200: { description: 'Connections', schema: z.object({ data: z.array(connectionSchema) }) },
      },
    },
    async ({ c, auth }) =>
      c.json({ data: (await listCrmConnections(ctx.db, auth.workspaceId)).map(connectionJson) }),
  );

  api.route(
    {
      method: 'post',
      path: '/crm-connections',
      summary:
        'Connect HubSpot, Pipedrive or Salesforce (one connection per CRM); the first sync starts at once',
      tag: TAG,
      body: z
        .strictObject({
          provider: z.enum(CRM_PROVIDERS as ['hubspot', 'pipedrive', 'salesforce']),
          token: token
            .optional()
            .describe(
              'HubSpot: a private app access token; Pipedrive: the personal API token (required for both; not for Salesforce)',
            ),
          client_id: clientId.optional(),
          client_secret: clientSecret.optional(),
          base_url: baseUrl.optional(),
          push: z.boolean().optional().describe('Default true'),
          pull: z.boolean().optional().describe('Default true'),
        })
        .superRefine((b, ctx) => {
          const issue = (path: string, message: string) =>
            ctx.addIssue({ code: 'custom', path: [path], message });
          if (b.provider === 'salesforce') {
            if (b.token !== undefined)
              issue('token', 'Salesforce connects with client_id and client_secret, not a token');
            else if (b.client_id === undefined)
              issue('client_id', "required for Salesforce: the connected app's consumer key");
            else if (b.client_secret === undefined)
              issue('client_secret', "required for Salesforce: the connected app's consumer secret");
            else if (b.base_url === undefined)
              issue(
                'base_url',
                "required for Salesforce: the org's My Domain URL (https://<name>.my.salesforce.com)",
              );
          } else if (b.client_id !== undefined || b.client_secret !== undefined) {
            issue(
              b.client_id !== undefined ? 'client_id' : 'client_secret',
              `${b.provider} connects with a token`,
            );
          } else if (b.token === undefined) {
            issue('token', `required for ${b.provider}`);
          }
        }),
      responses: {
        201: { description: 'The connection', schema: connectionSchema },
        409: { description: 'The workspace has a connection to this CRM already' },
      },
    },
    async ({ c, auth, body }) => {
      const now = ctx.clock();
      const connection = await ctx.db.transaction(async (tx) => {
        const created = await createCrmConnection(
          tx,
          auth.workspaceId,
          {
            provider: body.provider,
            // Salesforce: the client secret is kept where the others keep their token.
            token: (body.provider === 'salesforce' ? body.client_secret : body.token) ?? '',
            client_id: body.provider === 'salesforce' ? (body.client_id ?? null) : null,
            base_url: (
              body.base_url ?? (body.provider === 'salesforce' ? '' : DEFAULT_CRM_URLS[body.provider])
            ).replace(/\/+$/, ''),
            push_enabled: body.push ?? true,
            pull_enabled: body.pull ?? true,
          },
          now,
        );
        if (created) await startCrmSync(tx, created, now);
        return created;
      });
      if (!connection) {
        throw new ApiError(
          409,
          'already_connected',
          `provider: this workspace is connected to ${body.provider} already; change or delete that connection`,
          'provider',
        );
      }
      return c.json(connectionJson(connection), 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/crm-connections/{id}',
      summary: 'Get a CRM connection with the outcome of its last run',
      tag: TAG,
      params: idParams,
      responses: { 200: { description: 'The connection', schema: connectionSchema } },
    },
    async ({ c, auth, params }) => {
      const connection = await getCrmConnection(ctx.db, auth.workspaceId, params.id);
      if (!connection) throw notFound('CRM connection', 'id');
      return c.json(connectionJson(connection));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/crm-connections/{id}',
      summary:
        'Change the token (Salesforce: client id/secret), URL or directions; a new base_url needs the token (client_id and client_secret) again; active: false pauses the sync, true resumes it',
      tag: TAG,
      params: idParams,
      body: z.strictObject({
        token: token.optional(),
        client_id: clientId.optional(),
        client_secret: clientSecret.optional(),
        base_url: baseUrl.optional(),
        push: z.boolean().optional(),
        pull: z.boolean().optional(),
        active: z.boolean().optional(),
      }),
      responses: {
        200: { description: 'The connection', schema: connectionSchema },
        400: {
          description:
            'A field that does not fit, or a new base_url without the credential (`token`; Salesforce: `client_id` and `client_secret`)',
        },
      },
    },
    async ({ c, auth, params, body }) => {
      const now = ctx.clock();
      const connection = await ctx.db.transaction(async (tx) => {
        const before = await getCrmConnection(tx, auth.workspaceId, params.id);
        if (!before) return undefined;
        const salesforce = before.provider === 'salesforce';
        const wrong = salesforce
          ? body.token !== undefined && 'token'
          : (body.client_id !== undefined && 'client_id') ||
            (body.client_secret !== undefined && 'client_secret');
        if (wrong) {
          throw new ApiError(
            400,
            'invalid_request',
            salesforce
              ? 'token: Salesforce connections take client_id and client_secret'
              : `${wrong}: ${before.provider} connections take a token`,
            wrong,
          );
        }
        // The stored credential goes to base_url: another URL needs it given again (else anyone
        // who may manage connections could send it to a server of theirs).
        const newBaseUrl = body.base_url?.replace(/\/+$/, '');
        if (newBaseUrl !== undefined && newBaseUrl !== before.base_url) {
          const missing = salesforce
            ? (body.client_id === undefined && 'client_id') ||
              (body.client_secret === undefined && 'client_secret')
            : body.token === undefined && 'token';
          if (missing) {
            throw new ApiError(
              400,
              'invalid_request',
              `${missing}: required with a new base_url (the stored credentials are not sent to another URL)`,
              missing,
            );
          }
        }
        const after = await updateCrmConnection(
          tx,
          auth.workspaceId,
          params.id,
          {
            token: salesforce ? body.client_secret : body.token,
            client_id: salesforce ? body.client_id : undefined,
            base_url: newBaseUrl,
            push_enabled: body.push,
            pull_enabled: body.pull,
            active: body.active,
          },
          now,
        );
        // Resumed: a new chain of runs starts now.
        if (after && before.status === 'paused' && after.status === 'active')
          await startCrmSync(tx, after, now);
        return after;
      });
      if (!connection) throw notFound('CRM connection', 'id');
      return c.json(connectionJson(connection));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/crm-connections/{id}',
      summary: 'Disconnect a CRM: its sync stops; contacts and accounts it brought stay in Plaudit',
      tag: TAG,
      params: idParams,
      responses: { 200: { description: 'The deleted connection', schema: connectionSchema } },
    },
    async ({ c, auth, params }) => {
      const connection = await deleteCrmConnection(ctx.db, auth.workspaceId, params.id);
      if (!connection) throw notFound('CRM connection', 'id');
      return c.json(connectionJson(connection));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/crm-connections/{id}/sync',
      summary:
        'Sync now: push what is not in the CRM yet and pull contacts and companies (a job, within seconds)',
      tag: TAG,
      params: idParams,
      responses: { 202: { description: 'The connection; its run is queued', schema: connectionSchema } },
    },
    async ({ c, auth, params }) => {
      const connection = await getCrmConnection(ctx.db, auth.workspaceId, params.id);
      if (!connection) throw notFound('CRM connection', 'id');
      if (connection.status !== 'active') {
        throw new ApiError(
          409,
          'paused',
          'id: this connection is paused; PATCH {"active": true} resumes it',
          'id',
        );
      }
      await startCrmSync(ctx.db, connection, ctx.clock());
      return c.json(connectionJson(connection), 202);
    },
  );
}
