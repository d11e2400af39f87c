/**
 * What the survey-fatigue rules (core/fatigue.ts) need to know about contacts, and the decision
 * that turns it into an invitation: shared by campaigns (jobs/expand-campaign.ts) and transactional
 * triggers (http/routes/events.ts), so every channel counts a contact's surveys the same way.
 *
 * - unsubscribed: contact.unsubscribed_at, or an `unsubscribed` or `complained` suppression of the
 *   address;
 * - bounced: a `bounced` suppression of the address;
 * - last surveyed: the latest of the contact's queued, sending or sent invitations (by sent_at, or
 *   else created_at) and of its responses.
 *
 * The policy is resolved in layers (`sendSettings`, `sendPolicy`): the campaign's or rule's
 * override, else the survey's (migration 0010), else the workspace's; invitations expire after the
 * workspace's `invitation_expiry_days`.
 */

import { decideSend, type FatiguePolicy, resolveFatiguePolicy } from '../../core/fatigue';
import type { Queryable } from '../db/port';
import type { CampaignFatigue } from '../repo/campaigns';

/** What a sender needs of the workspace and the survey: their fatigue policy, and the expiry. */
export interface SendSettings {
  /** The survey's override over the workspace's policy (before a campaign's or rule's override). */
  policy: FatiguePolicy;
  /** Days after which the invitations expire (the workspace's invitation_expiry_days). */
  expiryDays: number;
}

/**
 * The send settings of one survey of the workspace: the survey's fatigue settings where it has
 * them, the workspace's otherwise. Undefined when the survey is not the workspace's.
 */
export async function sendSettings(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
): Promise<SendSettings | undefined> {
  const rows = await db.query<{
    ws_days: number;
    ws_on_blocked: 'drop' | 'postpone';
    expiry_days: number;
    survey_days: number | null;
    survey_on_blocked: 'drop' | 'postpone' | null;
  }>(
    `SELECT w.fatigue_days AS ws_days, w.fatigue_on_blocked AS ws_on_blocked,
            w.invitation_expiry_days AS expiry_days,
            s.fatigue_days AS survey_days, s.fatigue_on_blocked AS survey_on_blocked
     FROM survey s JOIN workspace w ON w.id = s.workspace_id
     WHERE s.workspace_id = $1 AND s.id = $2`,
    [workspaceId, surveyId],
  );
  const row = rows[0];
  if (!row) return undefined;
  return {
    policy: resolveFatiguePolicy(
      { minDaysBetween: row.ws_days, onBlocked: row.ws_on_blocked },
      {
        minDaysBetween: row.survey_days ?? undefined,
        onBlocked: row.survey_on_blocked ?? undefined,
      },
    ),
    expiryDays: row.expiry_days,
  };
}

/**
 * The policy of one campaign or trigger rule: its own override (`fatigue`; null: none) over the
 * survey's and workspace's policy (`base`, from `sendSettings`).
 * @example sendPolicy({ minDaysBetween: 30, onBlocked: 'postpone' }, { min_days_between: 60 })
 * // { minDaysBetween: 60, onBlocked: 'postpone' }
 */
export function sendPolicy(base: FatiguePolicy, fatigue: CampaignFatigue | null): FatiguePolicy {
  return resolveFatiguePolicy(
    base,
    fatigue === null ? null : { minDaysBetween: fatigue.min_days_between, onBlocked: fatigue.on_blocked },
  );
}

export interface ContactFacts {
  id: string;
  email: string | null;
  unsubscribed: boolean;
  bounced: boolean;
  last_surveyed_at: Date | string | null;
}

export type InvitationSkipReason = 'unsubscribed' | 'bounced' | 'recently_surveyed' | 'no_email';

export interface InvitationDecision {
  status: 'queued' | 'skipped';
  /** When the email is due (queued); null when skipped. */
  due: Date | null;
  reason: InvitationSkipReason | null;
}

const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/**
 * The statement selecting `ContactFacts` for the contacts of `pageSql` (a SELECT of `c.id, c.email,
 * c.unsubscribed_at` whose workspace is `$1`), set-based: one pass over each table's index for the
 * page rather than four correlated look-ups per contact. Invitations of `excludeCampaign` (an SQL
 * expression of a campaign id; null: none) do not count as surveys. Ordered by contact id.
 */
export function contactFactsSql(pageSql: string, excludeCampaign: string | null): string {
  const notOfCampaign =
    excludeCampaign === null ? '' : `AND i.campaign_id IS DISTINCT FROM ${excludeCampaign}`;
  return `WITH page AS (${pageSql}), suppressed AS (
      SELECT s.email, bool_or(s.reason IN ('unsubscribed', 'complained')) AS unsubscribed,
             bool_or(s.reason = 'bounced') AS bounced
      FROM suppression s
      WHERE s.workspace_id = $1 AND s.email = ANY (ARRAY(SELECT email FROM page WHERE email IS NOT NULL))
      GROUP BY s.email
    ), invited AS (
      SELECT i.contact_id, max(coalesce(i.sent_at, i.created_at)) AS at
      FROM invitation i
      WHERE i.contact_id = ANY (ARRAY(SELECT id FROM page)) AND i.status IN ('queued', 'sending', 'sent')
        ${notOfCampaign}
      GROUP BY i.contact_id
    ), answered AS (
      SELECT r.contact_id, max(r.created_at) AS at
      FROM response r
      WHERE r.contact_id = ANY (ARRAY(SELECT id FROM page))
      GROUP BY r.contact_id
    )
    SELECT p.id, p.email,
           (p.unsubscribed_at IS NOT NULL OR coalesce(su.unsubscribed, false)) AS unsubscribed,
           coalesce(su.bounced, false) AS bounced,
           greatest(iv.at, an.at) AS last_surveyed_at
    FROM page p
    LEFT JOIN suppressed su ON su.email = p.email
    LEFT JOIN invited iv ON iv.contact_id = p.id
    LEFT JOIN answered an ON an.contact_id = p.id
    ORDER BY p.id`;
}

/** The fatigue facts of the given contacts of the workspace (contacts not in it are left out). */
export async function loadContactFacts(
  db: Queryable,
  workspaceId: string,
  contactIds: readonly string[],
): Promise<ContactFacts[]> {
  if (contactIds.length === 0) return [];
  return db.query<ContactFacts>(
    contactFactsSql(
      'SELECT c.id, c.email, c.unsubscribed_at FROM contact c WHERE c.workspace_id = $1 AND c.id = ANY($2::uuid[])',
      null,
    ),
    [workspaceId, [...contactIds]],
  );
}

/**
 * The invitation of one contact due at `sendAt` under `policy`:
 * - allowed: queued at sendAt;
 * - recently surveyed under 'postpone': queued at the first allowed instant;
 * - otherwise skipped with the reason: unsubscribed, bounced, recently_surveyed, or no_email (a
 *   contact without an address that is neither unsubscribed nor bounced: waiting gives no address,
 *   so it is dropped whatever the policy).
 * "Never twice for the same event" is the caller's check (an invitation of the event and survey).
 */
export function decideInvitation(
  contact: ContactFacts,
  policy: FatiguePolicy,
  sendAt: Date,
): InvitationDecision {
  const decision = decideSend(
    {
      contact: {
        unsubscribed: contact.unsubscribed,
        bounced: contact.bounced,
        lastSurveyedAt: contact.last_surveyed_at === null ? null : dateOf(contact.last_surveyed_at),
      },
      alreadySentForEvent: false,
      policy,
    },
    sendAt,
  );
  if (!decision.send && (decision.reason === 'unsubscribed' || decision.reason === 'bounced')) {
    return { status: 'skipped', due: null, reason: decision.reason };
  }
  if (contact.email === null) return { status: 'skipped', due: null, reason: 'no_email' };
  if (decision.send) return { status: 'queued', due: sendAt, reason: null };
  if (decision.postponeUntil !== null) return { status: 'queued', due: decision.postponeUntil, reason: null };
  return { status: 'skipped', due: null, reason: 'recently_surveyed' };
}
