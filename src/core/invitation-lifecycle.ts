/**
 * The visible life of an invitation: one state computed from its delivery status and what happened
 * to it since (opened, reminded, answered, expired). Pure: no I/O, no clock (`now` is a parameter).
 *
 * `status` (the delivery status the send job writes) stays what it is; `state` is what a person
 * looking at the invitation wants to know, by this precedence (the first that holds wins):
 *
 * | state       | when                                                                  |
 * | ----------- | --------------------------------------------------------------------- |
 * | `answered`  | the contact answered (by any channel, also before the email went out) |
 * | `bounced`   | the address refused the email for good                                |
 * | `failed`    | the email could not be sent (set-up error, retries exhausted)         |
 * | `skipped`   | no email was sent (unsubscribed, recently surveyed …; `skip_reason`)  |
 * | `expired`   | not answered and past `expires_at`                                    |
 * | `reminded`  | at least one reminder went out                                        |
 * | `opened`    | the tracking pixel was fetched (only with the workspace's track_opens) |
 * | `sent`      | the email was accepted by the mail server                             |
 * | `sending`   | an attempt is under way (or is being retried)                         |
 * | `scheduled` | the email is queued, due at `send_at` (in the future, or due now)     |
 * | `created`   | a link only: nothing is sent by email                                 |
 *
 * The campaign counts (repo/campaigns.ts) compute the same precedence in SQL; an integration test
 * checks that both agree.
 */
import { isExpired } from './expiry';

/** The delivery status of an invitation (migration 0006). */
export const DELIVERY_STATUSES = [
  'created',
  'queued',
  'sending',
  'sent',
  'bounced',
  'skipped',
  'failed',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

/** The lifecycle states, in order of precedence (the first that holds wins). */
export const INVITATION_STATES = [
  'answered',
  'bounced',
  'failed',
  'skipped',
  'expired',
  'reminded',
  'opened',
  'sent',
  'sending',
  'scheduled',
  'created',
] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

/** What the state is computed from. */
export interface InvitationFacts {
  status: DeliveryStatus;
  answered_at: Date | null;
  /** null: never expires. */
  expires_at: Date | null;
  reminders_sent: number;
  opened_at: Date | null;
}

/**
 * The lifecycle state of an invitation at `now`.
 *
 * @example invitationState({ status: 'sent', answered_at: null, expires_at: null, reminders_sent: 1, opened_at: new Date() }, new Date()) // 'reminded'
 */
export function invitationState(facts: InvitationFacts, now: Date): InvitationState {
  if (facts.answered_at !== null) return 'answered';
  switch (facts.status) {
    case 'bounced':
    case 'failed':
    case 'skipped':
      return facts.status;
  }
  if (isExpired(facts.expires_at, now)) return 'expired';
  if (facts.reminders_sent > 0) return 'reminded';
  if (facts.opened_at !== null) return 'opened';
  switch (facts.status) {
    case 'sent':
    case 'sending':
    case 'created':
      return facts.status;
    case 'queued':
      return 'scheduled';
  }
}
