/**
 * Posting to a Slack incoming webhook, and the `alert-slack` job.
 *
 * A post has 10 s to be answered. The answer is classified by core/alerts.ts `slackOutcome`:
 * delivered (2xx); retried with the queue's backoff (429, 5xx, timeouts, network errors: the
 * handler throws, up to SLACK_MAX_ATTEMPTS); refused for good (404, 410, `invalid_token`,
 * `no_service`, …): the failure is recorded on the workspace's settings (the UI shows it, nothing is
 * posted to that URL again until it is changed) and an email says that Slack alerts stopped, in
 * the same transaction; the job then fails without retrying.
 *
 * The URL is read from the settings when the job runs, never stored in the job: it is a secret,
 * and a URL changed meanwhile is the one to use.
 */
import { type SlackOutcome, type SlackPayload, slackOutcome } from '../../core/alerts';
import { enqueue } from '../jobs/queue';
import { type JobHandler, PermanentJobError } from '../jobs/worker';
import { postJson } from '../outbound/post-json';
import { type AlertSlackPayload, slackFailedAlertJob } from './alert-jobs';
import { getAlertWorkspace, recordSlackFailure } from './alert-repo';

export const SLACK_TIMEOUT_MS = 10_000;
/** Attempts of an `alert-slack` job: the queue's backoff (10 s, 20 s, … ) covers about 20 minutes. */
export const SLACK_MAX_ATTEMPTS = 8;

export interface SlackPostResult {
  outcome: SlackOutcome;
  statusCode: number | null;
  /** The first 500 bytes of the answer, or the network error. */
  detail: string;
}

/** Posts one message; never throws for what Slack (or the network) answered, only when `signal` aborts. */
export async function postToSlack(
  url: string,
  message: SlackPayload,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<SlackPostResult> {
  const result = await postJson(
    url,
    JSON.stringify(message),
    { 'content-type': 'application/json; charset=utf-8', 'user-agent': 'Plaudit-Alerts/1' },
    { timeoutMs: options.timeoutMs ?? SLACK_TIMEOUT_MS, maxBodyBytes: 500, signal: options.signal },
  );
  if (result.status === null)
    return { outcome: 'retry', statusCode: null, detail: result.error.slice(0, 500) };
  const body = result.body ?? '';
  return { outcome: slackOutcome(result.status, body), statusCode: result.status, detail: body };
}

/** A line naming what Slack answered, for errors and the recorded failure. */
export function describeSlackResult(result: SlackPostResult): string {
  return result.statusCode === null
    ? result.detail
    : `HTTP ${result.statusCode}${result.detail ? `: ${result.detail.slice(0, 200)}` : ''}`;
}

export function alertSlackHandler(deps: { clock: () => Date; timeoutMs?: number }): JobHandler {
  return async ({ job, db, signal }) => {
    if (job.workspaceId === null) throw new PermanentJobError(`job ${job.id}: no workspace`);
    const { message } = job.payload as unknown as AlertSlackPayload;
    const workspace = await getAlertWorkspace(db, job.workspaceId);
    const url = workspace?.settings.slack_webhook_url;
    // Removed, or refused for good: nothing to post to (a new URL clears the failure).
    if (!workspace || !url || workspace.settings.slack_failure) return;
    const result = await postToSlack(url, message, { timeoutMs: deps.timeoutMs, signal });
    if (result.outcome === 'delivered') return;
    const what = describeSlackResult(result);
    if (result.outcome === 'retry') throw new Error(`Slack: ${what}`);
    if (result.outcome === 'gone') {
      const now = deps.clock();
      await db.transaction(async (tx) => {
        const recorded = await recordSlackFailure(tx, job.workspaceId!, url, {
          at: now.toISOString(),
          reason: what,
        });
        if (recorded) await enqueue(tx, slackFailedAlertJob(job.workspaceId!, what, now), { now });
      });
    }
    throw new PermanentJobError(`Slack refused the message: ${what}`);
  };
}
