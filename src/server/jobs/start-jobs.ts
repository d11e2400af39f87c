/**
 * The job handlers of Plaudit and the worker that runs them: `plaudit serve` starts it inside the
 * server process (the only option on the embedded database), `plaudit worker` runs it alone next to
 * servers that share a PostgreSQL database (`plaudit serve --no-worker`).
 */
import { alertEmailHandler } from '../alerts/alert-email';
import {
  ALERT_DIGEST_QUEUE,
  ALERT_EMAIL_QUEUE,
  ALERT_SLACK_QUEUE,
  ALERT_SWEEP_QUEUE,
  SEND_ALERT_QUEUE,
} from '../alerts/alert-jobs';
import { alertSweepHandler, keepAlertSchedules } from '../alerts/alert-sweep';
import { alertDigestHandler } from '../alerts/digest';
import { sendAlertHandler } from '../alerts/send-alert';
import { alertSlackHandler } from '../alerts/slack';
import type { Mailer } from '../channels/email/mailer';
import { CRM_SYNC_QUEUE, crmSyncHandler } from '../crm/sync';
import type { Database } from '../db/port';
import { FOLLOW_UP_EMAIL_QUEUE, followUpEmailHandler } from '../loop/follow-up-email';
import { RUN_PLAYBOOK_QUEUE, runPlaybookHandler } from '../loop/run-playbook';
import { webhookDeliveryHandler } from '../webhooks/deliver';
import { WEBHOOK_QUEUE } from '../webhooks/emit';
import { AUTOPILOT_TICK_QUEUE, autopilotTickHandler } from './autopilot-tick';
import { EXPAND_CAMPAIGN_QUEUE, expandCampaignHandler } from './expand-campaign';
import { SEND_INVITATION_QUEUE, sendInvitationHandler } from './send-invitation';
import { SEND_MEMBER_INVITATION_QUEUE, sendMemberInvitationHandler } from './send-member-invitation';
import { SEND_REMINDER_QUEUE, sendReminderHandler } from './send-reminder';
import { SEND_TESTIMONIAL_NOTICE_QUEUE, sendTestimonialNoticeHandler } from './send-testimonial-notice';
import { type JobHandler, startWorker, type Worker, type WorkerOptions } from './worker';

export interface JobDeps {
  readonly db: Database;
  /** `PLAUDIT_PUBLIC_URL` without a trailing slash. */
  readonly publicUrl: string;
  readonly mailer: Mailer;
  readonly clock?: () => Date;
}

/** One handler per queue. */
export function jobHandlers(deps: JobDeps): Record<string, JobHandler> {
  const clock = deps.clock ?? (() => new Date());
  return {
    [SEND_INVITATION_QUEUE]: sendInvitationHandler({ publicUrl: deps.publicUrl, mailer: deps.mailer, clock }),
    [SEND_REMINDER_QUEUE]: sendReminderHandler({ publicUrl: deps.publicUrl, mailer: deps.mailer, clock }),
    [EXPAND_CAMPAIGN_QUEUE]: expandCampaignHandler({ clock }),
    [AUTOPILOT_TICK_QUEUE]: autopilotTickHandler({ clock }),
    [SEND_MEMBER_INVITATION_QUEUE]: sendMemberInvitationHandler({
      publicUrl: deps.publicUrl,
      mailer: deps.mailer,
      clock,
    }),
    [WEBHOOK_QUEUE]: webhookDeliveryHandler({ clock }),
    [SEND_ALERT_QUEUE]: sendAlertHandler({ publicUrl: deps.publicUrl, clock }),
    [ALERT_EMAIL_QUEUE]: alertEmailHandler({ publicUrl: deps.publicUrl, mailer: deps.mailer }),
    [ALERT_SLACK_QUEUE]: alertSlackHandler({ clock }),
    [ALERT_DIGEST_QUEUE]: alertDigestHandler({ publicUrl: deps.publicUrl, mailer: deps.mailer, clock }),
    [ALERT_SWEEP_QUEUE]: alertSweepHandler({ clock }),
    [CRM_SYNC_QUEUE]: crmSyncHandler({ clock }),
    [RUN_PLAYBOOK_QUEUE]: runPlaybookHandler({ clock }),
    [FOLLOW_UP_EMAIL_QUEUE]: followUpEmailHandler({ publicUrl: deps.publicUrl, mailer: deps.mailer, clock }),
    [SEND_TESTIMONIAL_NOTICE_QUEUE]: sendTestimonialNoticeHandler({
      publicUrl: deps.publicUrl,
      mailer: deps.mailer,
    }),
  };
}

/** Starts a worker for every queue; errors of the worker itself go to `log`. */
export function startJobs(
  deps: JobDeps,
  options: Omit<WorkerOptions, 'db' | 'handlers'> & {
    log?: (line: string) => void;
    /**
     * Keep the recurring schedules running (the alert sweep, alerts/alert-sweep.ts): start its
     * chain now and restart it every few minutes should it have died; `plaudit serve` and `worker` do.
     */
    schedules?: boolean;
    /** How often the schedules are ensured; default alert-sweep.ts ENSURE_SCHEDULES_EVERY_MS. */
    schedulesEveryMs?: number;
  } = {},
): Worker {
  const { log = console.error, schedules = false, schedulesEveryMs, ...workerOptions } = options;
  const keeper = schedules
    ? keepAlertSchedules(deps.db, {
        clock: deps.clock ?? (() => new Date()),
        everyMs: schedulesEveryMs,
        log,
      })
    : null;
  const worker = startWorker({
    onEvent: (event) => {
      if (event.type === 'error') log(`Job worker: ${event.during} failed: ${event.error}`);
      else if (event.type === 'failed' && event.state === 'failed')
        log(`Job ${event.job.id} (${event.job.queue}) failed for good: ${event.error.split('\n')[0]}`);
    },
    ...workerOptions,
    db: deps.db,
    clock: deps.clock,
    handlers: jobHandlers(deps),
  });
  if (!keeper) return worker;
  return {
    id: worker.id,
    wake: () => worker.wake(),
    running: () => worker.running(),
    stop: (stopOptions) => {
      keeper.stop();
      return worker.stop(stopOptions);
    },
  };
}
