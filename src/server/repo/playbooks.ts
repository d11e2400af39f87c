/** Where the playbooks are kept (migration 0027): the workspace's, and a survey's override. */
import { DEFAULT_PLAYBOOK, type Playbook } from '../../core/playbook';
import type { Queryable } from '../db/port';

const parse = (v: unknown): Playbook | null =>
  v === null || v === undefined ? null : ((typeof v === 'string' ? JSON.parse(v) : v) as Playbook);

export async function getWorkspacePlaybook(db: Queryable, workspaceId: string): Promise<Playbook | null> {
  const rows = await db.query<{ playbook: unknown }>('SELECT playbook FROM workspace WHERE id = $1', [
    workspaceId,
  ]);
  return parse(rows[0]?.playbook);
}

export async function setWorkspacePlaybook(db: Queryable, workspaceId: string, playbook: Playbook | null) {
  await db.query('UPDATE workspace SET playbook = $2::jsonb, updated_at = now() WHERE id = $1', [
    workspaceId,
    playbook === null ? null : JSON.stringify(playbook),
  ]);
}

export async function setSurveyPlaybook(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
  playbook: Playbook | null,
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    `UPDATE survey SET playbook = $3::jsonb, updated_at = now() WHERE workspace_id = $1 AND id = $2 RETURNING id`,
    [workspaceId, surveyId, playbook === null ? null : JSON.stringify(playbook)],
  );
  return rows.length > 0;
}

/** A survey's own playbook and its workspace's (either null); undefined when no such survey. */
export async function playbookLayers(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
): Promise<{ survey: Playbook | null; workspace: Playbook | null } | undefined> {
  const rows = await db.query<{ own: unknown; workspace: unknown }>(
    `SELECT s.playbook AS own, w.playbook AS workspace FROM survey s JOIN workspace w ON w.id = s.workspace_id
     WHERE s.workspace_id = $1 AND s.id = $2`,
    [workspaceId, surveyId],
  );
  const row = rows[0];
  return row ? { survey: parse(row.own), workspace: parse(row.workspace) } : undefined;
}

/** The playbook that applies to a survey's responses: its own, else the workspace's, else the default. */
export async function effectivePlaybook(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
): Promise<Playbook> {
  const layers = await playbookLayers(db, workspaceId, surveyId);
  return layers?.survey ?? layers?.workspace ?? DEFAULT_PLAYBOOK;
}
