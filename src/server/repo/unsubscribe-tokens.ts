/**
 * Contact-level unsubscribe tokens (migration 0034): the `/u/<token>` link of emails that have no
 * invitation token, i.e. the follow-ups of the playbook and of cases. Each email mints its own
 * random token (256 bits, base64url); only its SHA-256 is stored, so a token exists only in the
 * email it was minted for. Any of a contact's tokens unsubscribes that contact.
 */
import { randomBytes } from 'node:crypto';
import type { Queryable } from '../db/port';
import { hashSecret } from './api-keys';
import type { UnsubscribeTarget } from './suppressions';

/**
 * Mints a new unsubscribe token for a contact and returns it (the only copy). `surveyId` only
 * brands the unsubscribe page (product name, colour, language); without it the workspace's name
 * and default language are used.
 */
export async function mintUnsubscribeToken(
  db: Queryable,
  input: { workspaceId: string; contactId: string; surveyId: string | null },
  now: Date,
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.query(
    `INSERT INTO contact_unsubscribe_token (token_hash, workspace_id, contact_id, survey_id, created_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [hashSecret(token), input.workspaceId, input.contactId, input.surveyId, now],
  );
  return token;
}

/** The contact (and the page's branding) behind a contact-level unsubscribe token. */
export async function findContactUnsubscribeTarget(
  db: Queryable,
  token: string,
): Promise<UnsubscribeTarget | undefined> {
  const rows = await db.query<UnsubscribeTarget>(
    `SELECT t.workspace_id, t.contact_id, c.email, c.locale AS contact_locale, c.unsubscribed_at,
       coalesce(s.product_name, w.name) AS product_name, coalesce(s.brand_color, '#0b57d0') AS brand_color,
       coalesce(s.default_locale, w.default_locale) AS default_locale
     FROM contact_unsubscribe_token t
     JOIN contact c ON c.id = t.contact_id AND c.workspace_id = t.workspace_id
     JOIN workspace w ON w.id = t.workspace_id
     LEFT JOIN survey s ON s.id = t.survey_id AND s.workspace_id = t.workspace_id
     WHERE t.token_hash = $1`,
    [hashSecret(token)],
  );
  return rows[0];
}
