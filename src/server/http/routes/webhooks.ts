/**
 * Webhook endpoints, their delivery log and redelivery, and Zapier-style REST hooks
 * (docs/API.md "Webhooks"). Changing anything needs `manage`; reading, `read`.
 */
import { z } from 'zod';
import { WEBHOOK_EVENT_TYPES } from '../../../core/webhooks';
import {
  createEndpoint,
  deleteEndpoint,
  getDelivery,
  getEndpoint,
  listDeliveries,
  listEndpoints,
  redeliver,
  rotateSecret,
  updateEndpoint,
  type WebhookDelivery,
  type WebhookEndpoint,
} from '../../webhooks/repo';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { notFound } from '../errors';
import { pageSchema } from '../response-schemas';
import { decodeCursor, idParams, pageOf, paginationQuery } from '../schemas';

const TAG = 'Webhooks';
const timestamp = z.iso.datetime({ offset: true });

const targetUrl = z
  .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
  .max(2000)
  .refine((u) => !/[\s\0]/.test(u), 'must be an http(s) URL');
const eventType = z.enum(WEBHOOK_EVENT_TYPES);
const eventList = z
  .array(eventType)
  .min(1, 'subscribe to at least one event')
  .max(WEBHOOK_EVENT_TYPES.length * 2);
const description = z.string().trim().max(500).nullable();

const endpointSchema = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(z.string()),
  source: z.enum(['api', 'rest_hook']).describe('rest_hook: subscribed through POST /hooks'),
  active: z.boolean(),
  disabled_at: timestamp.nullable(),
  disabled_reason: z
    .string()
    .nullable()
    .describe('Why it was disabled: a 410 Gone, a streak of failures, or a user'),
  consecutive_failures: z.number().int(),
  created_at: timestamp,
  updated_at: timestamp,
});
const endpointWithSecretSchema = endpointSchema.extend({
  secret: z.string().describe('whsec_…: signs every delivery (Plaudit-Signature). Shown only now.'),
});
const deliverySchema = z.object({
  id: z.uuid(),
  endpoint_id: z.uuid(),
  event_type: z.string(),
  event_id: z.uuid(),
  payload: z.record(z.string(), z.unknown()).describe('The body that is posted'),
  status: z.enum(['pending', 'succeeded', 'failed', 'gave_up']),
  attempts: z.number().int(),
  last_status_code: z.number().int().nullable(),
  last_response_body: z.string().nullable().describe('The first 1 KB of the last answer'),
  last_error: z.string().nullable(),
  last_attempt_at: timestamp.nullable(),
  next_attempt_at: timestamp.nullable(),
  created_at: timestamp,
  updated_at: timestamp,
});

const endpointJson = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  description: e.description,
  events: e.events,
  source: e.source,
  active: e.active,
  disabled_at: e.disabled_at,
  disabled_reason: e.disabled_reason,
  consecutive_failures: e.consecutive_failures,
  created_at: e.created_at,
  updated_at: e.updated_at,
});
const deliveryJson = (d: WebhookDelivery) => {
  const { workspace_id: _w, seq: _s, ...rest } = d;
  return rest;
};

export function registerWebhookRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/webhooks',
      summary: 'List webhook endpoints (without their secrets)',
      tag: TAG,
      responses: { 200: { description: 'Endpoints', schema: z.object({ data: z.array(endpointSchema) }) } },
    },
    async ({ c, auth }) =>
      c.json({ data: (await listEndpoints(ctx.db, auth.workspaceId)).map(endpointJson) }),
  );

  api.route(
    {
      method: 'post',
      path: '/webhooks',
      summary: 'Create a webhook endpoint; its signing secret is in this answer only',
      tag: TAG,
      body: z.strictObject({ url: targetUrl, events: eventList, description: description.optional() }),
      responses: { 201: { description: 'The endpoint with its secret', schema: endpointWithSecretSchema } },
    },
    async ({ c, auth, body }) => {
      const endpoint = await createEndpoint(ctx.db, auth.workspaceId, body, ctx.clock());
      return c.json({ ...endpointJson(endpoint), secret: endpoint.secret }, 201);
    },
  );

  api.route(
    {
      method: 'get',
      path: '/webhooks/{id}',
      summary: 'Get a webhook endpoint',
      tag: TAG,
      params: idParams,
      responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
    },
    async ({ c, auth, params }) => {
      const endpoint = await getEndpoint(ctx.db, auth.workspaceId, params.id);
      if (!endpoint) throw notFound('Webhook', 'id');
      return c.json(endpointJson(endpoint));
    },
  );

  api.route(
    {
      method: 'patch',
      path: '/webhooks/{id}',
      summary: 'Change a webhook endpoint; active: true enables a disabled one again, false disables it',
      tag: TAG,
      params: idParams,
      body: z.strictObject({
        url: targetUrl.optional(),
        events: eventList.optional(),
        description: description.optional(),
        active: z.boolean().optional(),
      }),
      responses: { 200: { description: 'The endpoint', schema: endpointSchema } },
    },
    async ({ c, auth, params, body }) => {
      const endpoint = await updateEndpoint(ctx.db, auth.workspaceId, params.id, body, ctx.clock());
      if (!endpoint) throw notFound('Webhook', 'id');
      return c.json(endpointJson(endpoint));
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/webhooks/{id}',
      summary: 'Delete a webhook endpoint and its delivery log',
      tag: TAG,
      params: idParams,
      responses: { 200: { description: 'The deleted endpoint', schema: endpointSchema } },
    },
    async ({ c, auth, params }) => {
      const endpoint = await deleteEndpoint(ctx.db, auth.workspaceId, params.id);
      if (!endpoint) throw notFound('Webhook', 'id');
      return c.json(endpointJson(endpoint));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/webhooks/{id}/rotate-secret',
      summary: 'Replace the signing secret; the new one is in this answer only and signs from now on',
      tag: TAG,
      params: idParams,
      responses: {
        200: { description: 'The endpoint with its new secret', schema: endpointWithSecretSchema },
      },
    },
    async ({ c, auth, params }) => {
      const endpoint = await rotateSecret(ctx.db, auth.workspaceId, params.id, ctx.clock());
      if (!endpoint) throw notFound('Webhook', 'id');
      return c.json({ ...endpointJson(endpoint), secret: endpoint.secret });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/webhooks/{id}/deliveries',
      summary: 'The delivery log of an endpoint, newest first: status, attempts, last answer',
      tag: TAG,
      params: idParams,
      query: z.object({
        ...paginationQuery,
        status: z.enum(['pending', 'succeeded', 'failed', 'gave_up']).optional(),
      }),
      responses: { 200: { description: 'A page of deliveries', schema: pageSchema(deliverySchema) } },
    },
    async ({ c, auth, params, query }) => {
      if (!(await getEndpoint(ctx.db, auth.workspaceId, params.id))) throw notFound('Webhook', 'id');
      const rows = await listDeliveries(ctx.db, auth.workspaceId, params.id, {
        limit: query.limit + 1,
        status: query.status,
        before: decodeCursor(query.cursor),
      });
      return c.json(pageOf(rows, query.limit, deliveryJson));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/webhooks/deliveries/{id}/redeliver',
      summary: 'Send a delivery again now (also to a disabled endpoint); scheduled retries are replaced',
      tag: TAG,
      params: idParams,
      responses: { 202: { description: 'The delivery, pending', schema: deliverySchema } },
    },
    async ({ c, auth, params }) => {
      const now = ctx.clock();
      const delivery = await ctx.db.transaction(async (tx) =>
        (await getDelivery(tx, auth.workspaceId, params.id))
          ? redeliver(tx, auth.workspaceId, params.id, now)
          : undefined,
      );
      if (!delivery) throw notFound('Delivery', 'id');
      return c.json(deliveryJson(delivery), 202);
    },
  );

  // Zapier-style REST hooks: a subscription is an endpoint of one event, without signature checks
  // on Zapier's side (the deliveries are signed all the same).
  api.route(
    {
      method: 'post',
      path: '/hooks',
      summary: 'Subscribe a URL to one event (REST hooks, as Zapier uses them)',
      tag: TAG,
      body: z.strictObject({ target_url: targetUrl, event: eventType }),
      responses: { 201: { description: 'The subscription', schema: z.object({ id: z.uuid() }) } },
    },
    async ({ c, auth, body }) => {
      const endpoint = await createEndpoint(
        ctx.db,
        auth.workspaceId,
        { url: body.target_url, events: [body.event], source: 'rest_hook' },
        ctx.clock(),
      );
      return c.json({ id: endpoint.id }, 201);
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/hooks/{id}',
      summary: 'Unsubscribe a REST hook',
      tag: TAG,
      params: idParams,
      responses: { 200: { description: 'Unsubscribed', schema: z.object({ id: z.uuid() }) } },
    },
    async ({ c, auth, params }) => {
      const endpoint = await deleteEndpoint(ctx.db, auth.workspaceId, params.id, 'rest_hook');
      if (!endpoint) throw notFound('Hook', 'id');
      return c.json({ id: endpoint.id });
    },
  );
}
