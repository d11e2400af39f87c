/**
 * The `alert-digest` job: one member's daily or weekly digest email (started by the sweep once per
 * local day). NPS with its margin for the period, its change against the period before in plain
 * words (the dashboard's significance test), the open and overdue cases and the oldest of them.
 * The Message-ID comes from the job's unique key (per member, workspace and day).
 */
import { digestMessage, digestWindows } from '../../core/alerts';
import type { Mailer } from '../channels/email/mailer';
import { MailSendError } from '../channels/email/mailer';
import { type JobHandler, PermanentJobError } from '../jobs/worker';
import { alertMessageId } from './alert-email';
import { digestMember, distributionOfDays, getAlertWorkspace, openCases } from './alert-repo';
import type { DigestJobPayload } from './alert-sweep';

/** The oldest open cases a digest lists. */
export const DIGEST_CASES = 5;

export function alertDigestHandler(deps: {
  publicUrl: string;
  mailer: Mailer;
  clock: () => Date;
}): JobHandler {
  return async ({ job, db }) => {
    if (job.workspaceId === null) throw new PermanentJobError(`job ${job.id}: no workspace`);
    const payload = job.payload as unknown as DigestJobPayload;
    const [workspace, member] = await Promise.all([
      getAlertWorkspace(db, job.workspaceId),
      digestMember(db, job.workspaceId, payload.user_id),
    ]);
    // Left the workspace, or turned the digest off since: nothing to send.
    if (!workspace || !member || member.digest === 'off') return;
    const now = deps.clock();
    const windows = digestWindows(payload.day, payload.period);
    const [current, previous, cases] = await Promise.all([
      distributionOfDays(db, workspace.id, windows.current.from, windows.current.to),
      distributionOfDays(db, workspace.id, windows.previous.from, windows.previous.to),
      openCases(db, workspace.id, now, DIGEST_CASES),
    ]);
    const base = deps.publicUrl;
    const message = digestMessage({
      locale: member.locale,
      workspaceName: workspace.name,
      period: payload.period,
      from: windows.current.from,
      to: windows.current.to,
      current,
      previous,
      openCases: cases.open,
      overdueCases: cases.overdue,
      oldest: cases.oldest.map((c) => ({
        number: c.number,
        title: c.title,
        owner: c.owner,
        createdAt: c.created_at,
        dueAt: c.due_at,
        url: `${base}/app/cases/${c.id}`,
      })),
      dashboardUrl: `${base}/app/?from=${windows.current.from}&to=${windows.current.to}`,
      casesUrl: `${base}/app/cases`,
      now,
    });
    try {
      await deps.mailer.send({
        to: { address: member.email, name: member.name },
        subject: message.subject,
        text: message.text,
        html: message.html,
        messageId: alertMessageId(job, base),
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (error) {
      if (error instanceof MailSendError && !error.retryable) throw new PermanentJobError(error.message);
      throw error;
    }
  };
}
