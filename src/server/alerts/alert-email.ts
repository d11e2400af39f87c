/**
 * The `alert-email` job: one rendered alert (or digest) to one address. The Message-ID comes from
 * the job's unique key, so a retry after a crash carries the same id. A bounce is the end of it
 * (alerts go to colleagues, not to contacts: nothing to suppress); a permanent error of the set-up
 * fails the job, a transient one is retried by the queue.
 */
import { createHash } from 'node:crypto';
import type { Mailer } from '../channels/email/mailer';
import { MailSendError } from '../channels/email/mailer';
import type { JobHandler } from '../jobs/worker';
import { PermanentJobError } from '../jobs/worker';
import type { AlertEmailPayload } from './alert-jobs';

/** A stable `<alert.<hash>@host>` for the job (by unique key, else id). */
export function alertMessageId(job: { id: number; uniqueKey: string | null }, publicUrl: string): string {
  const key = job.uniqueKey ?? `job:${job.id}`;
  const hash = createHash('sha256').update(key).digest('hex').slice(0, 32);
  return `<alert.${hash}@${new URL(publicUrl).hostname}>`;
}

export function alertEmailHandler(deps: { publicUrl: string; mailer: Mailer }): JobHandler {
  return async ({ job }) => {
    const payload = job.payload as unknown as AlertEmailPayload;
    try {
      await deps.mailer.send({
        to: { address: payload.to },
        subject: payload.subject,
        text: payload.text,
        html: payload.html,
        messageId: alertMessageId(job, deps.publicUrl),
        headers: { 'Auto-Submitted': 'auto-generated' },
      });
    } catch (error) {
      if (error instanceof MailSendError && !error.retryable) throw new PermanentJobError(error.message);
      throw error;
    }
  };
}
