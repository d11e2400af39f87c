import type { Queryable } from '../db/port';
import { findMissingReference, type References } from '../repo/references';
import { ApiError } from './errors';

/**
 * Refuses a filter or body that names a survey, contact or account the workspace does not have
 * (422), instead of silently answering with nothing: a mistyped id should be noticed, and another
 * workspace's id must look exactly like one that does not exist.
 */
export async function checkReferences(db: Queryable, workspaceId: string, refs: References): Promise<void> {
  const missing = await findMissingReference(db, workspaceId, refs);
  if (missing) {
    const what = missing.replace('_id', '');
    throw new ApiError(422, 'unknown_reference', `${missing}: no such ${what} in this workspace`, missing);
  }
}
