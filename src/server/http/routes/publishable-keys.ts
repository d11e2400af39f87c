import { z } from 'zod';
import { validateOriginPattern } from '../../../core/origins';
import {
  createPublishableKey,
  listPublishableKeys,
  revokePublishableKey,
  updatePublishableKey,
} from '../../repo/publishable-keys';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { notFound } from '../errors';
import { publishableKeySchema } from '../response-schemas';
import { idParams, withoutWorkspace } from '../schemas';

/** An allowed-origin pattern (core/origins.ts), normalised: lower-case, no default port, no trailing slash. */
const originPattern = z
  .string()
  .max(300)
  .transform((value, ctx) => {
    const result = validateOriginPattern(value);
    if (result.ok) return result.pattern;
    ctx.addIssue({ code: 'custom', message: result.reason });
    return z.NEVER;
  });

const allowedOrigins = z
  .array(originPattern)
  .min(1, 'give at least one origin')
  .max(50, 'at most 50 origins')
  .transform((origins) => [...new Set(origins)]);

const keyName = z.string().trim().min(1).max(100);

export function registerPublishableKeyRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/publishable-keys',
      summary: 'List publishable keys of the website widget (with their keys)',
      tag: 'Publishable keys',
      responses: { 200: { description: 'Keys', schema: z.object({ data: z.array(publishableKeySchema) }) } },
    },
    async ({ c, auth }) =>
      c.json({ data: (await listPublishableKeys(ctx.db, auth.workspaceId)).map(withoutWorkspace) }),
  );

  api.route(
    {
      method: 'post',
      path: '/publishable-keys',
      summary: 'Create a publishable key for the website widget, limited to the given origins',
      tag: 'Publishable keys',
      body: z.strictObject({ name: keyName, allowed_origins: allowedOrigins }),
      responses: { 201: { description: 'The key', schema: publishableKeySchema } },
    },
    async ({ c, auth, body }) => {
      const key = await createPublishableKey(ctx.db, auth.workspaceId, body);
      ctx.publishableKeys.forget(); // its origins may answer CORS preflights from now on
      return c.json(withoutWorkspace(key), 201);
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/publishable-keys/{id}',
      summary: 'Rename a publishable key or change its allowed origins',
      tag: 'Publishable keys',
      params: idParams,
      body: z.strictObject({ name: keyName.optional(), allowed_origins: allowedOrigins.optional() }),
      responses: { 200: { description: 'The key', schema: publishableKeySchema } },
    },
    async ({ c, auth, params, body }) => {
      const key = await updatePublishableKey(ctx.db, auth.workspaceId, params.id, body);
      if (!key) throw notFound('Publishable key', 'id');
      ctx.publishableKeys.forget(key.key);
      return c.json(withoutWorkspace(key));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/publishable-keys/{id}',
      summary: 'Revoke a publishable key: the widget endpoints refuse it from then on',
      tag: 'Publishable keys',
      params: idParams,
      responses: { 200: { description: 'The revoked key', schema: publishableKeySchema } },
    },
    async ({ c, auth, params }) => {
      const key = await revokePublishableKey(ctx.db, auth.workspaceId, params.id);
      if (!key) throw notFound('Publishable key', 'id');
      ctx.publishableKeys.forget(key.key);
      return c.json(withoutWorkspace(key));
    },
  );
}
