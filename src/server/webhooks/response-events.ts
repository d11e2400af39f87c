/**
 * `response.created` for the responses the group-committed writer just stored (repo/response-writer.ts):
 * one cheap query per batch when no endpoint subscribes, else the rows and one insert of all
 * deliveries and jobs, in the writer's transaction. Imports (CSV, Delighted) emit nothing: they
 * bring history, and replaying years of answers into a CRM or a chat is never wanted.
 */
import type { Queryable } from '../db/port';
import { getResponsesByIds, toApiResponse } from '../repo/responses';
import { emitEvents, subscribedWorkspaces } from './emit';

export async function emitResponsesCreated(
  tx: Queryable,
  created: readonly { workspaceId: string; id: string }[],
  now: Date = new Date(),
): Promise<number> {
  if (created.length === 0) return 0;
  const subscribed = await subscribedWorkspaces(
    tx,
    created.map((c) => c.workspaceId),
    'response.created',
  );
  if (subscribed.size === 0) return 0;
  const rows = await getResponsesByIds(
    tx,
    created.filter((c) => subscribed.has(c.workspaceId)).map((c) => c.id),
  );
  rows.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
  return emitEvents(
    tx,
    rows.map((row) => ({
      workspaceId: row.workspace_id,
      type: 'response.created' as const,
      data: { response: toApiResponse(row) },
    })),
    { now },
  );
}
