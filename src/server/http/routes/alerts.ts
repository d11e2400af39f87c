/**
 * Alert settings (where alerts go: Slack, extra addresses, which alerts) and the signed-in user's
 * own digest email. Reading the settings needs `read`, changing them and the Slack test `manage`;
 * the digest is the caller's own choice (a dashboard session; an API key has no user).
 */
import { z } from 'zod';
import {
  MAX_ALERT_EMAILS,
  MAX_BASELINE_DAYS,
  MAX_RECENT_DAYS,
  maskSlackUrl,
  type StoredAlertSettings,
  testMessage,
  validateAlertSettings,
} from '../../../core/alerts';
import { getAlertWorkspace, getDigest, setDigest, updateAlertSettings } from '../../alerts/alert-repo';
import { describeSlackResult, postToSlack } from '../../alerts/slack';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import type { AuthContext } from '../auth';
import { ApiError, notFound } from '../errors';

const TAG = 'Alerts';

const npsDropSchema = z.object({
  enabled: z.boolean(),
  recent_days: z.number().int().describe('The recent window: the last N full days'),
  baseline_days: z.number().int().describe('The baseline: the N full days before the recent window'),
});

const settingsSchema = z.object({
  slack_webhook_url: z
    .string()
    .nullable()
    .describe('The Slack incoming-webhook URL, masked (only its host and last 4 characters); null: no Slack'),
  slack_failure: z
    .object({ at: z.string(), reason: z.string() })
    .nullable()
    .describe(
      'Set when Slack refused the URL for good (404, 410, invalid_token …): nothing is posted until a new URL is set',
    ),
  emails: z
    .array(z.string())
    .describe(
      'Alert addresses: they get alerts whose owner is not a member’s address (or one of these); an owner here is emailed too',
    ),
  new_detractor: z.boolean(),
  sla_breach: z.boolean(),
  nps_drop: npsDropSchema,
});

/**
 * The body is checked in one place, core/alerts.ts `validateAlertSettings` (it needs the current
 * settings: fields left out keep their value, and baseline_days must be at least recent_days);
 * the schema only documents it.
 */
const settingsBody = z
  .record(z.string(), z.unknown())
  .describe(
    `Any of: slack_webhook_url (an http(s) incoming-webhook URL; null removes Slack; leave it out to keep the current one), ` +
      `emails (at most ${MAX_ALERT_EMAILS} addresses), new_detractor, sla_breach (true or false), ` +
      `nps_drop ({enabled, recent_days (1-${MAX_RECENT_DAYS}), baseline_days (recent_days-${MAX_BASELINE_DAYS})}, any of them)`,
  );

const digestSchema = z.object({
  digest: z
    .enum(['off', 'daily', 'weekly'])
    .describe('daily: every morning at 8; weekly: Monday at 8 (workspace time)'),
});

const settingsJson = (s: StoredAlertSettings) => ({
  slack_webhook_url: maskSlackUrl(s.slack_webhook_url),
  slack_failure: s.slack_failure,
  emails: s.emails,
  new_detractor: s.new_detractor,
  sla_breach: s.sla_breach,
  nps_drop: s.nps_drop,
});

function requireUser(auth: AuthContext): string {
  if (!auth.session) {
    throw new ApiError(
      400,
      'session_required',
      'The digest is a signed-in user’s own choice: call this from a dashboard session, not with an API key',
      null,
    );
  }
  return auth.session.user_id;
}

export function registerAlertRoutes(api: ApiRouter, ctx: AppContext): void {
  const load = async (workspaceId: string) => {
    const workspace = await getAlertWorkspace(ctx.db, workspaceId);
    if (!workspace) throw notFound('Workspace');
    return workspace;
  };

  api.route(
    {
      method: 'get',
      path: '/alert-settings',
      summary: 'Where alerts go (the Slack URL masked) and which alerts are on',
      tag: TAG,
      responses: { 200: { description: 'The alert settings', schema: settingsSchema } },
    },
    async ({ c, auth }) => c.json(settingsJson((await load(auth.workspaceId)).settings)),
  );

  api.route(
    {
      method: 'put',
      path: '/alert-settings',
      summary: 'Change the alert settings (fields left out keep their value)',
      tag: TAG,
      body: settingsBody,
      responses: { 200: { description: 'The alert settings', schema: settingsSchema } },
    },
    async ({ c, auth, body }) => {
      const saved = await updateAlertSettings(
        ctx.db,
        auth.workspaceId,
        (current) => {
          const checked = validateAlertSettings(body, current);
          if (checked.ok) return checked.value;
          const first = checked.errors[0]!;
          throw new ApiError(400, 'invalid_request', `${first.path}: ${first.message}`, first.path);
        },
        ctx.clock(),
      );
      if (!saved) throw notFound('Workspace');
      return c.json(settingsJson(saved));
    },
  );

  api.route(
    {
      method: 'post',
      path: '/alert-settings/test',
      summary: 'Post a test message to the Slack URL and report what Slack answered',
      tag: TAG,
      responses: {
        200: {
          description: 'What Slack answered (delivered or not)',
          schema: z.object({
            delivered: z.boolean(),
            status_code: z.number().int().nullable(),
            detail: z.string().describe('Slack’s answer or the network error'),
          }),
        },
        422: { description: 'No Slack URL is set' },
      },
    },
    async ({ c, auth }) => {
      const workspace = await load(auth.workspaceId);
      const url = workspace.settings.slack_webhook_url;
      if (!url)
        throw new ApiError(
          422,
          'no_slack_url',
          'slack_webhook_url: no Slack URL is set',
          'slack_webhook_url',
        );
      const result = await postToSlack(
        url,
        testMessage({ locale: workspace.locale, workspaceName: workspace.name }),
      );
      return c.json({
        delivered: result.outcome === 'delivered',
        status_code: result.statusCode,
        detail: result.outcome === 'delivered' ? result.detail : describeSlackResult(result),
      });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/auth/me/digest',
      summary: 'Your digest email in this workspace (a dashboard session only)',
      tag: 'Sign-in',
      access: 'read',
      responses: { 200: { description: 'Your choice', schema: digestSchema } },
    },
    async ({ c, auth }) => {
      const digest = await getDigest(ctx.db, auth.workspaceId, requireUser(auth));
      return c.json({ digest: digest ?? 'off' });
    },
  );

  api.route(
    {
      method: 'put',
      path: '/auth/me/digest',
      summary: 'Choose your digest email in this workspace: off, daily or weekly',
      tag: 'Sign-in',
      access: 'read',
      body: z.strictObject({ digest: digestSchema.shape.digest }),
      responses: { 200: { description: 'Your choice', schema: digestSchema } },
    },
    async ({ c, auth, body }) => {
      const userId = requireUser(auth);
      await setDigest(ctx.db, auth.workspaceId, userId, body.digest);
      return c.json({ digest: body.digest });
    },
  );
}
