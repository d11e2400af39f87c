import type { ThemeComment } from '../../core/themes';
import type { Queryable } from '../db/port';
import { type ResponseFilter, whereOf } from './responses';

/**
 * At most this many comments, the newest, feed one themes request. Themes are computed in the
 * request (core/themes.ts, about 20 ms per 1,000 comments) from comments held in memory (about
 * 3 MB at 20,000): the cap keeps both bounded however large the workspace. Beyond it the answer
 * says `sampled`; the newest comments are the relevant ones for what customers say now, and a
 * narrower filter (a date range, a survey) analyses everything again.
 */
export const THEME_COMMENT_CAP = 20_000;

/** The newest non-empty comments the filter matches, up to `cap`; `sampled` when there are more. */
export async function listThemeComments(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
  cap: number = THEME_COMMENT_CAP,
): Promise<{ comments: ThemeComment[]; sampled: boolean }> {
  const params: unknown[] = [];
  const where = whereOf(workspaceId, { ...filter, has_comment: true }, params);
  params.push(cap + 1);
  const rows = await db.query<ThemeComment>(
    `SELECT r.comment AS text, r.score, r.locale FROM response r WHERE ${where}
     ORDER BY r.created_at DESC, r.id DESC LIMIT $${params.length}`,
    params as never,
  );
  return { comments: rows.slice(0, cap), sampled: rows.length > cap };
}

/** The product names of the workspace's surveys: words that are no theme of its comments. */
export async function listProductNames(db: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await db.query<{ product_name: string }>(
    'SELECT DISTINCT product_name FROM survey WHERE workspace_id = $1 AND product_name IS NOT NULL',
    [workspaceId],
  );
  return rows.map((r) => r.product_name);
}
