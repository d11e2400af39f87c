/**
 * The playbook of the workspace and a survey's override (core/playbook.ts; docs/API.md
 * "Playbook"). Reading needs `read`, changing `manage`.
 */
import { z } from 'zod';
import { DEFAULT_PLAYBOOK, type Playbook, validatePlaybook } from '../../../core/playbook';
import {
  getWorkspacePlaybook,
  playbookLayers,
  setSurveyPlaybook,
  setWorkspacePlaybook,
} from '../../repo/playbooks';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { ApiError, notFound } from '../errors';
import { idParams } from '../schemas';

const playbookSchema = z.object({ rules: z.array(z.record(z.string(), z.unknown())) });
const answerSchema = z.object({
  playbook: playbookSchema,
  source: z.enum(['default', 'workspace', 'survey']).describe('Where the playbook that applies comes from'),
});

/** The body as a playbook, or a 400 naming the first wrong field (`rules.0.actions.1.due_hours`). */
function checked(body: unknown): Playbook {
  const result = validatePlaybook(body, '');
  if (result.ok) return result.value;
  const first = result.errors[0]!;
  const field = first.path.replace(/^\./, '');
  throw new ApiError(400, 'invalid_request', `${field}: ${first.message}`, field);
}

/** The playbook that applies, and where it comes from. */
function applying(layers: { survey: Playbook | null; workspace: Playbook | null }) {
  if (layers.survey) return { playbook: layers.survey, source: 'survey' as const };
  if (layers.workspace) return { playbook: layers.workspace, source: 'workspace' as const };
  return { playbook: DEFAULT_PLAYBOOK, source: 'default' as const };
}

export function registerPlaybookRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/playbook',
      summary: "The workspace's playbook (what happens after each response); the default when none is set",
      tag: 'Playbook',
      responses: { 200: { description: 'The playbook', schema: answerSchema } },
    },
    async ({ c, auth }) => {
      return c.json(
        applying({ survey: null, workspace: await getWorkspacePlaybook(ctx.db, auth.workspaceId) }),
      );
    },
  );

  api.route(
    {
      method: 'put',
      path: '/playbook',
      summary: "Replace the workspace's playbook",
      tag: 'Playbook',
      body: z.object({ rules: z.array(z.unknown()) }).passthrough(),
      responses: { 200: { description: 'The stored playbook', schema: answerSchema } },
    },
    async ({ c, auth, body }) => {
      const playbook = checked(body);
      await setWorkspacePlaybook(ctx.db, auth.workspaceId, playbook);
      return c.json({ playbook, source: 'workspace' as const });
    },
  );

  api.route(
    {
      method: 'delete',
      path: '/playbook',
      summary: 'Go back to the default playbook',
      tag: 'Playbook',
      responses: { 200: { description: 'The default playbook', schema: answerSchema } },
    },
    async ({ c, auth }) => {
      await setWorkspacePlaybook(ctx.db, auth.workspaceId, null);
      return c.json({ playbook: DEFAULT_PLAYBOOK, source: 'default' as const });
    },
  );

  api.route(
    {
      method: 'get',
      path: '/surveys/{id}/playbook',
      summary:
        "The playbook that applies to a survey's responses (its own, else the workspace's, else the default)",
      tag: 'Playbook',
      params: idParams,
      responses: { 200: { description: 'The playbook', schema: answerSchema } },
    },
    async ({ c, auth, params }) => {
      const layers = await playbookLayers(ctx.db, auth.workspaceId, params.id);
      if (!layers) throw notFound('Survey', 'id');
      return c.json(applying(layers));
    },
  );

  api.route(
    {
      method: 'put',
      path: '/surveys/{id}/playbook',
      summary: "Give a survey its own playbook (overrides the workspace's); `null` rules inherit again",
      tag: 'Playbook',
      params: idParams,
      body: z.object({ rules: z.array(z.unknown()).nullable() }).passthrough(),
      responses: { 200: { description: 'The playbook that now applies', schema: answerSchema } },
    },
    async ({ c, auth, params, body }) => {
      const playbook = body.rules === null ? null : checked(body);
      if (!(await setSurveyPlaybook(ctx.db, auth.workspaceId, params.id, playbook)))
        throw notFound('Survey', 'id');
      if (playbook) return c.json({ playbook, source: 'survey' as const });
      const workspace = await getWorkspacePlaybook(ctx.db, auth.workspaceId);
      return c.json({
        playbook: workspace ?? DEFAULT_PLAYBOOK,
        source: workspace ? ('workspace' as const) : ('default' as const),
      });
    },
  );
}
