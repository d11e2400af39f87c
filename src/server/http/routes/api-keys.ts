import { z } from 'zod';
import { createApiKey, listApiKeys, revokeApiKey } from '../../repo/api-keys';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { notFound } from '../errors';
import { apiKeySchema } from '../response-schemas';
import { idParams, withoutWorkspace } from '../schemas';

export function registerApiKeyRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/api-keys',
      summary: 'List API keys (secrets are never shown again)',
      tag: 'API keys',
      access: 'manage',
      responses: { 200: { description: 'Keys', schema: z.object({ data: z.array(apiKeySchema) }) } },
    },
    async ({ c, auth }) =>
      c.json({ data: (await listApiKeys(ctx.db, auth.workspaceId)).map(withoutWorkspace) }),
  );

  api.route(
    {
      method: 'post',
      path: '/api-keys',
      summary: 'Create an API key; the response carries its secret once',
      tag: 'API keys',
      body: z.strictObject({ name: z.string().trim().min(1).max(100) }),
      responses: {
        201: {
          description: 'The key with its secret (shown only in this response)',
          schema: apiKeySchema.extend({ secret: z.string() }),
        },
      },
    },
    async ({ c, auth, body }) => {
      const { key, secret } = await createApiKey(ctx.db, auth.workspaceId, body.name);
      return c.json({ ...withoutWorkspace(key), secret }, 201);
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/api-keys/{id}',
      summary: 'Revoke an API key',
      tag: 'API keys',
      params: idParams,
      responses: { 200: { description: 'The revoked key', schema: apiKeySchema } },
    },
    async ({ c, auth, params }) => {
      const key = await revokeApiKey(ctx.db, auth.workspaceId, params.id);
      if (!key) throw notFound('API key', 'id');
      ctx.authenticator.apiKeys.forgetKey(key.id);
      return c.json(withoutWorkspace(key));
    },
  );
}
