/**
 * The `send-alert` job: reads the facts of one alert, renders it in the workspace's language and
 * fans it out into one `alert-email` job per recipient and one `alert-slack` job (when Slack is set
 * up and working), in one statement. Their unique keys derive from this job's, so a rerun adds
 * nothing and each channel retries on its own.
 *
 * Email recipients: the owner (new detractor, SLA breach) when it is the address of a member of
 * the workspace or one of its alert addresses, else the alert addresses (settings `emails`), else
 * the owners and admins. An owner can come from a contact's or account's `owner` attribute, which
 * an anonymous widget visitor can set: any other address is never emailed.
 *
 * A new-detractor alert is dropped when, at send time, its response is gone or no longer a
 * detractor (the respondent corrected the score within the edit window).
 */
import {
  type AlertMessage,
  compareAlertWindows,
  endpointDisabledMessage,
  newDetractorMessage,
  npsDropMessage,
  slaBreachMessage,
  slackFailedMessage,
} from '../../core/alerts';
import { isEmailAddress } from '../../core/cases';
import { categoryOf } from '../../core/nps';
import type { Queryable } from '../db/port';
import { enqueueMany, type NewJob } from '../jobs/queue';
import { type JobHandler, PermanentJobError } from '../jobs/worker';
import {
  ALERT_EMAIL_QUEUE,
  ALERT_SLACK_QUEUE,
  type AlertEmailPayload,
  type AlertSlackPayload,
  type SendAlertPayload,
} from './alert-jobs';
import {
  type AlertWorkspace,
  adminEmails,
  caseFacts,
  detractorFacts,
  distributionOfDays,
  getAlertWorkspace,
  isMemberEmail,
} from './alert-repo';
import { SLACK_MAX_ATTEMPTS } from './slack';

export interface SendAlertDeps {
  /** `PLAUDIT_PUBLIC_URL` without a trailing slash: the links in alerts. */
  readonly publicUrl: string;
  readonly clock: () => Date;
}

interface Rendered {
  message: AlertMessage;
  emails: string[];
  slack: boolean;
}

/**
 * Who gets the email: the owner if it is a member's address or an alert address, else the alert
 * addresses, else the owners and admins.
 */
export async function alertRecipients(
  db: Queryable,
  workspace: AlertWorkspace,
  owner: string | null,
): Promise<string[]> {
  const address = owner?.trim().toLowerCase() ?? '';
  if (
    isEmailAddress(address) &&
    (workspace.settings.emails.some((e) => e.toLowerCase() === address) ||
      (await isMemberEmail(db, workspace.id, address)))
  )
    return [address];
  if (workspace.settings.emails.length > 0) return workspace.settings.emails;
  return adminEmails(db, workspace.id);
}

/** What an alert says and where it goes; null when there is nothing to send. */
export async function renderAlert(
  db: Queryable,
  workspace: AlertWorkspace,
  payload: SendAlertPayload,
  deps: SendAlertDeps,
): Promise<Rendered | null> {
  const s = workspace.settings;
  const slack = s.slack_webhook_url !== null && s.slack_failure === null;
  const base = deps.publicUrl;
  const common = { locale: workspace.locale, timeZone: workspace.timeZone, workspaceName: workspace.name };
  switch (payload.kind) {
    case 'new_detractor': {
      if (!s.new_detractor) return null;
      const facts = await detractorFacts(db, workspace.id, payload.response_id, payload.case_id);
      // Deleted meanwhile, or the respondent corrected the score (to 7 or more) within the edit window.
      if (!facts || categoryOf(Number(facts.score)) !== 'detractor') return null;
      const owner = payload.owner ?? facts.case_owner;
      const message = newDetractorMessage({
        ...common,
        score: facts.score,
        comment: facts.comment,
        contactName: facts.contact_name,
        contactEmail: facts.contact_email,
        accountName: facts.account_name,
        surveyName: facts.survey_name,
        respondedAt: facts.created_at,
        caseNumber: facts.case_number,
        caseUrl: facts.case_id ? `${base}/app/cases/${facts.case_id}` : null,
        dueAt: facts.due_at,
        owner,
        responseUrl: `${base}/app/responses/${payload.response_id}`,
      });
      return { message, emails: await alertRecipients(db, workspace, owner), slack };
    }
    case 'sla_breach': {
      if (!s.sla_breach) return null;
      const found = await caseFacts(db, workspace.id, payload.case_id);
      if (!found || found.closed_at) return null; // closed (or deleted) before the alert went out
      const message = slaBreachMessage({
        ...common,
        caseNumber: found.number,
        title: found.title,
        owner: found.owner,
        team: found.team,
        score: found.score,
        dueAt: found.due_at,
        caseUrl: `${base}/app/cases/${found.id}`,
        status: found.status,
      });
      return { message, emails: await alertRecipients(db, workspace, found.owner), slack };
    }
    case 'nps_drop': {
      if (!s.nps_drop.enabled) return null;
      const windows = compareAlertWindows(payload.day, s.nps_drop.recent_days, s.nps_drop.baseline_days);
      const [recent, baseline] = await Promise.all([
        distributionOfDays(db, workspace.id, windows.recent.from, windows.recent.to),
        distributionOfDays(db, workspace.id, windows.baseline.from, windows.baseline.to),
      ]);
      const message = npsDropMessage({
        locale: workspace.locale,
        workspaceName: workspace.name,
        recent,
        baseline,
        recentDays: s.nps_drop.recent_days,
        baselineDays: s.nps_drop.baseline_days,
        dashboardUrl: `${base}/app/?from=${windows.recent.from}&to=${windows.recent.to}`,
      });
      return message && { message, emails: await alertRecipients(db, workspace, null), slack };
    }
    case 'endpoint_disabled': {
      const message = endpointDisabledMessage({
        locale: workspace.locale,
        workspaceName: workspace.name,
        url: payload.url,
        reason: payload.reason,
        settingsUrl: `${base}/app/settings`,
      });
      return { message, emails: await alertRecipients(db, workspace, null), slack };
    }
    case 'slack_failed': {
      const message = slackFailedMessage({
        locale: workspace.locale,
        workspaceName: workspace.name,
        reason: payload.reason,
        settingsUrl: `${base}/app/settings`,
      });
      return { message, emails: await alertRecipients(db, workspace, null), slack: false };
    }
    default:
      throw new PermanentJobError(
        `unknown alert kind ${JSON.stringify((payload as { kind?: unknown }).kind)}`,
      );
  }
}

/** The channel jobs of a rendered alert, keyed by the alert's key. */
export function channelJobs(workspaceId: string, alertKey: string, rendered: Rendered): NewJob[] {
  const { message } = rendered;
  const jobs: NewJob[] = rendered.emails.map((to) => ({
    queue: ALERT_EMAIL_QUEUE,
    workspaceId,
    payload: {
      to,
      subject: message.subject,
      text: message.text,
      html: message.html,
    } satisfies AlertEmailPayload,
    uniqueKey: `${alertKey}:email:${to}`,
  }));
  if (rendered.slack) {
    jobs.push({
      queue: ALERT_SLACK_QUEUE,
      workspaceId,
      payload: { message: message.slack } satisfies AlertSlackPayload as unknown as Record<string, unknown>,
      uniqueKey: `${alertKey}:slack`,
      maxAttempts: SLACK_MAX_ATTEMPTS,
    });
  }
  return jobs;
}

export function sendAlertHandler(deps: SendAlertDeps): JobHandler {
  return async ({ job, db }) => {
    if (job.workspaceId === null) throw new PermanentJobError(`job ${job.id}: no workspace`);
    const workspace = await getAlertWorkspace(db, job.workspaceId);
    if (!workspace) return;
    const rendered = await renderAlert(db, workspace, job.payload as unknown as SendAlertPayload, deps);
    if (!rendered) return;
    const jobs = channelJobs(workspace.id, job.uniqueKey ?? `alert:job:${job.id}`, rendered);
    await enqueueMany(db, jobs, { now: deps.clock() });
  };
}
