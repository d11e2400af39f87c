/**
 * The queues of alerts and digests, their payloads, and the helpers other parts of Plaudit call to
 * raise an alert (in their own transaction: pass it to `enqueue`).
 *
 * An alert is a `send-alert` job: its handler (send-alert.ts) reads the facts, renders the message
 * in the workspace's language and fans out into one job per channel and recipient (`alert-email`,
 * `alert-slack`), each with a unique key derived from the alert's, so a Slack retry never sends the
 * email again and a rerun of the fan-out adds nothing.
 */
import type { NewJob } from '../jobs/queue';

export const SEND_ALERT_QUEUE = 'send-alert';
export const ALERT_EMAIL_QUEUE = 'alert-email';
export const ALERT_SLACK_QUEUE = 'alert-slack';
export const ALERT_SWEEP_QUEUE = 'alert-sweep';
export const ALERT_DIGEST_QUEUE = 'alert-digest';

export type SendAlertPayload =
  | { kind: 'new_detractor'; case_id: string | null; response_id: string; owner: string | null }
  | { kind: 'sla_breach'; case_id: string }
  | { kind: 'nps_drop'; day: string }
  | { kind: 'endpoint_disabled'; endpoint_id: string; url: string; reason: string }
  | { kind: 'slack_failed'; reason: string };

export type AlertKind = SendAlertPayload['kind'];

/** The payload of an `alert-email` job: one rendered message to one address. */
export interface AlertEmailPayload {
  to: string;
  subject: string;
  text: string;
  html: string;
}

/** The payload of an `alert-slack` job: the message (the URL is read at send time: it is a secret). */
export interface AlertSlackPayload {
  message: { text: string; blocks: Record<string, unknown>[] };
}

/**
 * The alert about a new detractor, for the playbook runner to enqueue in the transaction that
 * records its run. At most one per response (unique key `alert:new_detractor:<response id>`).
 * @example await enqueue(tx, newDetractorAlertJob(workspaceId, { response_id, case_id, owner }), { now })
 */
export function newDetractorAlertJob(
  workspaceId: string,
  alert: { response_id: string; case_id: string | null; owner: string | null },
  runAt?: Date,
): NewJob<SendAlertPayload> {
  return {
    queue: SEND_ALERT_QUEUE,
    workspaceId,
    runAt,
    payload: {
      kind: 'new_detractor',
      case_id: alert.case_id,
      response_id: alert.response_id,
      owner: alert.owner,
    },
    uniqueKey: `alert:new_detractor:${alert.response_id}`,
  };
}

/**
 * The alert of an SLA breach: once per case and due time (the sweep also sets `sla_alerted_at`).
 * The key carries the due time, so a case whose due time was moved later (which clears
 * `sla_alerted_at`, repo/cases.ts `updateCase`) is announced again when it breaches the new one.
 */
export function slaBreachAlertJob(
  workspaceId: string,
  caseId: string,
  dueAt: Date,
): NewJob<SendAlertPayload> {
  return {
    queue: SEND_ALERT_QUEUE,
    workspaceId,
    payload: { kind: 'sla_breach', case_id: caseId },
    uniqueKey: `alert:sla_breach:${caseId}:${dueAt.getTime()}`,
  };
}

/** The daily NPS-drop check of a workspace (it alerts only on a significant decrease). */
export function npsDropCheckJob(workspaceId: string, day: string): NewJob<SendAlertPayload> {
  return {
    queue: SEND_ALERT_QUEUE,
    workspaceId,
    payload: { kind: 'nps_drop', day },
    uniqueKey: `alert:nps_drop:${workspaceId}:${day}`,
  };
}

/** The alert that a webhook endpoint was disabled (written in the transaction that disables it). */
export function endpointDisabledAlertJob(
  workspaceId: string,
  endpoint: { id: string; url: string; reason: string },
  now: Date,
): NewJob<SendAlertPayload> {
  return {
    queue: SEND_ALERT_QUEUE,
    workspaceId,
    payload: {
      kind: 'endpoint_disabled',
      endpoint_id: endpoint.id,
      url: endpoint.url,
      reason: endpoint.reason,
    },
    uniqueKey: `alert:endpoint_disabled:${endpoint.id}:${now.toISOString()}`,
  };
}

/** The email that Slack refused the workspace's webhook URL for good (once per failure). */
export function slackFailedAlertJob(workspaceId: string, reason: string, at: Date): NewJob<SendAlertPayload> {
  return {
    queue: SEND_ALERT_QUEUE,
    workspaceId,
    payload: { kind: 'slack_failed', reason },
    uniqueKey: `alert:slack_failed:${workspaceId}:${at.toISOString()}`,
  };
}
