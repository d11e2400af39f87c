import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import { registerOpenPixelRoutes } from '../channels/email/open-pixel-routes';
import { registerUnsubscribeRoutes } from '../channels/email/unsubscribe-routes';
import { registerSurveyPageRoutes } from '../channels/link/survey-page-routes';
import { registerTestimonialPublicRoutes } from '../channels/testimonials/testimonial-routes';
import { PublishableKeyCache } from '../channels/widget/publishable-key-cache';
import { registerWidgetRoutes } from '../channels/widget/widget-routes';
import { registerWidgetScriptRoute } from '../channels/widget/widget-script-route';
import type { Config } from '../config';
import type { Database } from '../db/port';
import { ResponseWriter } from '../repo/response-writer';
import { ApiRouter } from './api-router';
import { ApiKeyAuthenticator, RequestAuthenticator, SessionAuthenticator } from './auth';
import { registerDashboardRoutes } from './dashboard-routes';
import { ApiError, errorBody } from './errors';
import { buildOpenApiDocument } from './openapi';
import { registerAccountRoutes } from './routes/accounts';
import { registerAlertRoutes } from './routes/alerts';
import { registerApiKeyRoutes } from './routes/api-keys';
import { registerAttributeRoutes } from './routes/attributes';
import { registerAuthRoutes } from './routes/auth';
import { registerAutopilotRoutes } from './routes/autopilots';
import { registerCampaignRoutes } from './routes/campaigns';
import { registerCaseRoutes } from './routes/cases';
import { registerContactRoutes } from './routes/contacts';
import { registerCrmRoutes } from './routes/crm';
import { registerDelightedRoutes } from './routes/delighted';
import { registerEventRoutes } from './routes/events';
import { registerImportRoutes } from './routes/imports';
import { registerInvitationRoutes } from './routes/invitations';
import { registerMemberRoutes } from './routes/members';
import { registerMetricsRoutes } from './routes/metrics';
import { registerPlaybookRoutes } from './routes/playbook';
import { registerPublishableKeyRoutes } from './routes/publishable-keys';
import { registerResponseExportRoutes } from './routes/response-export';
import { registerResponseRateRoutes } from './routes/response-rate';
import { registerResponseRoutes } from './routes/responses';
import { registerSuppressionRoutes } from './routes/suppressions';
import { registerSurveyPreviewRoutes } from './routes/survey-preview';
import { registerSurveyRoutes } from './routes/surveys';
import { registerTestimonialRoutes } from './routes/testimonials';
import { registerWebhookRoutes } from './routes/webhooks';
import { registerWorkspaceRoutes } from './routes/workspace';

export interface AppDeps {
  config: Config;
  db: Database;
  clock: () => Date;
}

/** Everything a route needs, built once per app. */
export interface AppContext extends AppDeps {
  writer: ResponseWriter;
  /** API keys (Authorization header) and dashboard sessions (cookie). */
  authenticator: RequestAuthenticator;
  /** Publishable keys as the widget endpoints see them; the key routes tell it about changes. */
  publishableKeys: PublishableKeyCache;
}

export const API_PREFIX = '/api/v1';
export const CSV_BODY_LIMIT = 1024 * 1024 * 1024;

/** Builds the HTTP application without listening, so tests can call `app.request()`. */
export function createApp(deps: AppDeps) {
  const app = new Hono();
  const ctx: AppContext = {
    ...deps,
    writer: new ResponseWriter(deps.db, undefined, deps.clock),
    authenticator: new RequestAuthenticator(
      new ApiKeyAuthenticator(deps.db, deps.clock),
      new SessionAuthenticator(deps.db, deps.clock, deps.config.publicUrl, deps.config.sessionDays),
    ),
    publishableKeys: new PublishableKeyCache(deps.db),
  };

  app.onError((error, c) => {
    if (error instanceof ApiError)
      return c.json(errorBody(error.code, error.message, error.field), error.status);
    console.error('Unhandled error', c.req.method, c.req.path, error);
    return c.json(errorBody('internal_error', 'Something went wrong on our side'), 500);
  });
  app.notFound((c) => c.json(errorBody('not_found', `No route ${c.req.method} ${c.req.path}`), 404));

  app.use(
    '*',
    secureHeaders({
      // A route's own header wins (the dashboard's stricter Content-Security-Policy).
      overwrite: false,
      crossOriginResourcePolicy: false,
      contentSecurityPolicy: {
        defaultSrc: ["'none'"],
        styleSrc: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  // CSV uploads are streamed: refuse a declared oversize body at once, and let the import count a
  // chunked one as it reads (hono's bodyLimit would buffer a body without content-length whole).
  // JSON bodies are limited where they are read (read-body.ts).
  app.use(`${API_PREFIX}/imports/*`, async (c, next) =>
    Number(c.req.header('content-length') ?? 0) > CSV_BODY_LIMIT
      ? c.json(errorBody('payload_too_large', `The request body is larger than ${CSV_BODY_LIMIT} bytes`), 413)
      : next(),
  );

  const api = new ApiRouter(app, API_PREFIX, (c) => ctx.authenticator.authenticate(c));
  registerAuthRoutes(api, ctx);
  registerMemberRoutes(api, ctx);
  registerWorkspaceRoutes(api, ctx);
  registerApiKeyRoutes(api, ctx);
  registerPublishableKeyRoutes(api, ctx);
  // Before the survey routes: /surveys/preview must not be taken for /surveys/{id}.
  registerSurveyPreviewRoutes(api, ctx);
  registerSurveyRoutes(api, ctx);
  registerAccountRoutes(api, ctx);
  registerContactRoutes(api, ctx);
  registerInvitationRoutes(api, ctx);
  registerCampaignRoutes(api, ctx);
  registerAutopilotRoutes(api, ctx);
  registerEventRoutes(api, ctx);
  // Before the response routes: /responses/export must not be taken for /responses/{id}.
  registerResponseExportRoutes(api, ctx);
  registerResponseRoutes(api, ctx);
  registerImportRoutes(api, ctx);
  registerMetricsRoutes(api, ctx);
  registerResponseRateRoutes(api, ctx);
  registerPlaybookRoutes(api, ctx);
  registerCaseRoutes(api, ctx);
  registerAttributeRoutes(api, ctx);
  registerSuppressionRoutes(api, ctx);
  registerWebhookRoutes(api, ctx);
  registerAlertRoutes(api, ctx);
  registerCrmRoutes(api, ctx);
  registerTestimonialRoutes(api, ctx);

  // Delighted-compatible API (/delighted/v1): its own formats, outside the OpenAPI router.
  registerDelightedRoutes(app, ctx);
  registerSurveyPageRoutes(app, ctx);
  registerUnsubscribeRoutes(app, ctx);
  registerOpenPixelRoutes(app, ctx);
  registerWidgetRoutes(app, ctx);
  registerWidgetScriptRoute(app);
  registerTestimonialPublicRoutes(app, ctx);
  registerDashboardRoutes(app);

  const openApi = buildOpenApiDocument(api.routes, { serverUrl: deps.config.publicUrl + API_PREFIX });
  app.get(`${API_PREFIX}/openapi.json`, (c) => c.json(openApi));
  app.get('/healthz', async (c) => {
    await deps.db.query('SELECT 1');
    return c.json({ ok: true });
  });
  // A browser goes to the dashboard; API clients get the pointers.
  app.get('/', (c) =>
    (c.req.header('accept') ?? '').includes('text/html')
      ? c.redirect('/app/')
      : c.json({ name: 'Plaudit', dashboard: '/app/', openapi: `${API_PREFIX}/openapi.json` }),
  );

  return { app, ctx, routes: api.routes, close: () => ctx.writer.drain() };
}
