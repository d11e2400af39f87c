/**
 * Testimonials for the demo: of the promoters who consented to be quoted (the demo's consent
 * survey), the eight most recent with a comment long enough to quote are approved under their
 * default display name ("Anna B."), and the next two rejected, so the moderation page has all three
 * tabs filled and the testimonial widget shows something at once. The rest stay pending.
 */
import { defaultDisplayName } from '../../core/testimonials';
import type { Database } from '../db/port';
import { saveDecision } from '../repo/testimonials';

const APPROVED = 8;
const REJECTED = 2;

export async function addDemoTestimonials(db: Database, workspaceId: string, now: Date): Promise<number> {
  const candidates = await db.query<{
    id: string;
    comment: string;
    name: string | null;
    locale: string | null;
  }>(
    `SELECT r.id, r.comment, c.name, coalesce(c.locale, r.locale) AS locale
     FROM response r LEFT JOIN contact c ON c.id = r.contact_id
     WHERE r.workspace_id = $1 AND r.testimonial_consent AND r.score >= 9 AND length(r.comment) >= 40
     ORDER BY r.created_at DESC, r.id LIMIT $2`,
    [workspaceId, APPROVED + REJECTED],
  );
  for (const [i, c] of candidates.entries()) {
    const approved = i < APPROVED;
    await saveDecision(db, workspaceId, c.id, {
      status: approved ? 'approved' : 'rejected',
      display_name: defaultDisplayName(c.name, c.locale),
      quote: c.comment,
      moderated_by: null,
      now,
      approved_at: approved ? new Date(now.getTime() - i * 3_600_000) : null,
    });
  }
  return candidates.length;
}
