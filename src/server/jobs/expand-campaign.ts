/**
 * The `expand-campaign` job: turns a campaign (migration 0007) into one invitation per contact of
 * its audience. Enqueued by `POST /api/v1/campaigns` in the transaction that creates the campaign
 * (unique key `expand:<campaign id>`).
 *
 * The audience's contacts are read in keyset pages (by id, over the (workspace_id, id) index) of
 * `EXPAND_PAGE_SIZE`. One query per page selects the contacts together with what the fatigue rules
 * need (core/fatigue.ts): unsubscribed (contact.unsubscribed_at, or an `unsubscribed` or
 * `complained` suppression of the address), bounced (a `bounced` suppression) and when the contact
 * was last surveyed on any channel (the latest of its queued, sending or sent invitations of other
 * campaigns, by sent_at or else created_at, and of its responses). Each contact is then decided with
 * `decideSend` at the campaign's send_at under the campaign's policy (the campaign's override, else
 * the survey's, else the workspace's fatigue_days and fatigue_on_blocked; jobs/fatigue-facts.ts):
 * - allowed: invitation 'queued' (channel email, send_at = the campaign's), plus a send-invitation
 *   job at send_at;
 * - recently surveyed under 'postpone': invitation 'queued' at the first allowed instant, its job
 *   due then;
 * - otherwise: invitation 'skipped' with skip_reason unsubscribed, bounced, recently_surveyed or
 *   no_email (a contact without an address that is neither unsubscribed nor bounced).
 *
 * Each page's invitations and jobs are written in one transaction. Idempotent under the queue's
 * at-least-once contract: invitations insert ON CONFLICT (campaign_id, contact_id) DO NOTHING, and
 * the jobs of the page's queued invitations are enqueued with unique keys `send:<invitation id>`,
 * so a run after a crash adds only what is missing. The campaign is 'done' at the end. Queued
 * invitations get the campaign's reminder plan (jobs/send-reminder.ts). Every invitation expires the
 * workspace's invitation_expiry_days after it is due.
 */
import { type Audience, audienceToSql } from '../../core/audience';
import { invitationExpiresAt } from '../../core/expiry';
import type { ReminderPlan } from '../../core/reminders';
import type { Database } from '../db/port';
import type { CampaignFatigue } from '../repo/campaigns';
import { newTokens } from '../repo/surveys';
import {
  type ContactFacts,
  contactFactsSql,
  decideInvitation,
  type InvitationSkipReason,
  sendPolicy,
  sendSettings,
} from './fatigue-facts';
import { enqueueMany, type NewJob } from './queue';
import { SEND_INVITATION_QUEUE } from './send-invitation';
import { type JobHandler, PermanentJobError } from './worker';

export const EXPAND_CAMPAIGN_QUEUE = 'expand-campaign';
/** Contacts per page: one select, one insert and one enqueue per page. */
export const EXPAND_PAGE_SIZE = 5_000;

export interface ExpandCampaignPayload {
  campaign_id: string;
}

export type CampaignSkipReason = InvitationSkipReason;

export interface ExpandResult {
  /** Contacts of the audience. */
  contacts: number;
  /** Invitations this run inserted (a re-run inserts only the missing ones). */
  inserted: number;
  /** Send jobs this run enqueued. */
  jobs: number;
}

interface CampaignRow {
  id: string;
  workspace_id: string;
  survey_id: string;
  audience: Audience;
  send_at: Date | string;
  fatigue: CampaignFatigue | null;
  /** The reminder plan of its invitations (migration 0008); null: none. */
  reminders: ReminderPlan | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/**
 * Expands one campaign. Returns null when there is nothing to do (no such campaign in the
 * workspace, or done or cancelled).
 */
export async function expandCampaign(
  db: Database,
  workspaceId: string,
  campaignId: string,
  options: { now: Date; pageSize?: number },
): Promise<ExpandResult | null> {
  const now = options.now;
  const pageSize = options.pageSize ?? EXPAND_PAGE_SIZE;
  const started = await db.query<CampaignRow>(
    `UPDATE campaign SET status = 'expanding'
     WHERE id = $1 AND workspace_id = $2 AND status IN ('queued', 'expanding')
     RETURNING id, workspace_id, survey_id, audience, send_at, fatigue, reminders`,
    [campaignId, workspaceId],
  );
  const campaign = started[0];
  if (!campaign) return null;
  const sendAt = dateOf(campaign.send_at);
  const settings = await sendSettings(db, workspaceId, campaign.survey_id);
  if (!settings) return null; // the survey is gone (its campaigns go with it)
  const policy = sendPolicy(settings.policy, campaign.fatigue);
  const audience = audienceToSql(campaign.audience, 4, { id: 'c.id', attributes: 'c.attributes' });
  // The page, then what the fatigue rules need for its contacts (jobs/fatigue-facts.ts).
  const selectPage = contactFactsSql(
    `SELECT c.id, c.email, c.unsubscribed_at FROM contact c
     WHERE c.workspace_id = $1 AND c.id > $3::uuid AND ${audience.sql}
     ORDER BY c.id
     LIMIT $4`,
    '$2::uuid',
  );

  const result: ExpandResult = { contacts: 0, inserted: 0, jobs: 0 };
  // Keyset over the (workspace_id, id) index; the first page starts after the smallest uuid.
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page: ContactFacts[] = await db.query<ContactFacts>(selectPage, [
      workspaceId,
      campaign.id,
      after,
      pageSize,
      ...audience.params,
    ]);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    result.contacts += page.length;

    const contactIds: string[] = [];
    const statuses: string[] = [];
    const sendAts: (Date | null)[] = [];
    const expiries: Date[] = [];
    const reasons: (string | null)[] = [];
    for (const contact of page) {
      const { status, due, reason } = decideInvitation(contact, policy, sendAt);
      contactIds.push(contact.id);
      statuses.push(status);
      sendAts.push(due);
      expiries.push(invitationExpiresAt(due ?? sendAt, settings.expiryDays));
      reasons.push(reason);
    }

    await db.transaction(async (tx) => {
      const inserted = await tx.query(
        `INSERT INTO invitation (workspace_id, survey_id, contact_id, campaign_id, token, channel,
                                 expires_at, status, send_at, skip_reason, created_at, reminder_plan)
         SELECT $1, $2, u.contact_id, $3, u.token, 'email', u.expires_at, u.status, u.send_at, u.skip_reason,
                date_trunc('milliseconds', $4::timestamptz), CASE WHEN u.status = 'queued' THEN $11::jsonb END
         FROM unnest($5::uuid[], $6::text[], $7::timestamptz[], $8::text[], $9::timestamptz[], $10::text[])
           AS u(contact_id, token, expires_at, status, send_at, skip_reason)
         ON CONFLICT (campaign_id, contact_id) WHERE campaign_id IS NOT NULL DO NOTHING
         RETURNING id`,
        [
          workspaceId,
          campaign.survey_id,
          campaign.id,
          now,
          contactIds,
          newTokens(contactIds.length),
          expiries,
          statuses,
          sendAts,
          reasons,
          campaign.reminders === null ? null : JSON.stringify(campaign.reminders),
        ],
      );
      result.inserted += inserted.length;
      // Every queued invitation of the page, not only the new ones: a job missing after a crash is
      // added, an existing one is kept by its unique key.
      const queued = await tx.query<{ id: string; send_at: Date | string }>(
        `SELECT id, send_at FROM invitation
         WHERE campaign_id = $1 AND contact_id = ANY($2::uuid[]) AND status = 'queued'`,
        [campaign.id, contactIds],
      );
      const jobs: NewJob[] = queued.map((row) => ({
        queue: SEND_INVITATION_QUEUE,
        payload: { invitation_id: row.id },
        workspaceId,
        runAt: dateOf(row.send_at),
        uniqueKey: `send:${row.id}`,
      }));
      result.jobs += await enqueueMany(tx, jobs, { now });
    });
    if (page.length < pageSize) break;
  }

  await db.query(
    `UPDATE campaign SET status = 'done', expanded_at = $2 WHERE id = $1 AND status = 'expanding'`,
    [campaign.id, now],
  );
  return result;
}

/**
 * The handler of the `expand-campaign` queue.
 * @example startWorker({ db, handlers: { [EXPAND_CAMPAIGN_QUEUE]: expandCampaignHandler({ clock }) } })
 */
export function expandCampaignHandler(deps: { readonly clock: () => Date }): JobHandler {
  return async ({ job, db }) => {
    const campaignId = (job.payload as Partial<ExpandCampaignPayload>).campaign_id;
    if (typeof campaignId !== 'string' || !UUID.test(campaignId)) {
      throw new PermanentJobError(`job ${job.id}: payload.campaign_id is not a campaign id`);
    }
    if (job.workspaceId === null) throw new PermanentJobError(`job ${job.id}: no workspace`);
    // Deleted, done or cancelled since it was queued: nothing to do.
    await expandCampaign(db, job.workspaceId, campaignId, { now: deps.clock() });
  };
}
