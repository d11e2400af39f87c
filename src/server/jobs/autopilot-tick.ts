/**
 * The `autopilot-tick` job: the hourly scheduler run of one autopilot (migration 0011).
 *
 * A run reads the autopilot's audience in keyset pages (by contact id) with each contact's latest
 * due day under this autopilot, and decides each contact with the pure core (core/autopilot.ts):
 * due when its next due day is its local today. The due contacts of a page are decided by the
 * fatigue rules (jobs/fatigue-facts.ts, the same as campaigns and triggers) and get an invitation
 * with `due_day`: queued at the contact's spot in the business hours (postponed ones re-placed in
 * the hours of the allowed day), or skipped with the reason. Each page's invitations and send jobs
 * are written in one transaction.
 *
 * Hourly, so every time zone's midnight is seen within the hour, and cheap when nothing is due (one
 * indexed look-up per contact). Idempotent under the queue's at-least-once contract: invitations
 * insert ON CONFLICT (autopilot_id, contact_id, due_day) DO NOTHING and send jobs have unique keys
 * `send:<invitation id>`, so a repeated run adds only what is missing.
 *
 * The chain: each run first enqueues the next one at the next full hour (unique key
 * `tick:<autopilot id>:<hour>`), so a run that fails for good does not stop the schedule. A paused
 * or deleted autopilot's run does nothing and enqueues nothing; creating or resuming one enqueues a
 * run at once (`startAutopilot`).
 */
import { randomBytes } from 'node:crypto';
import { type Audience, audienceToSql } from '../../core/audience';
import { type AutopilotContact, type DueSurvey, dueSurvey } from '../../core/autopilot';
import { type BusinessHours, nextSlot, spreadOf } from '../../core/business-hours';
import type { CadenceRule } from '../../core/cadence';
import { HOUR_MS } from '../../core/calendar';
import { invitationExpiresAt } from '../../core/expiry';
import type { ReminderPlan } from '../../core/reminders';
import type { Database, Queryable } from '../db/port';
import { type AutopilotRun, recordAutopilotRun } from '../repo/autopilots';
import type { CampaignFatigue } from '../repo/campaigns';
import { newTokens } from '../repo/surveys';
import { decideInvitation, loadContactFacts, sendPolicy, sendSettings } from './fatigue-facts';
import { enqueue, enqueueMany, type NewJob } from './queue';
import { SEND_INVITATION_QUEUE } from './send-invitation';
import { type JobHandler, PermanentJobError } from './worker';

export const AUTOPILOT_TICK_QUEUE = 'autopilot-tick';
/** Contacts per page: one select, one facts query and one insert per page. */
export const AUTOPILOT_PAGE_SIZE = 5_000;

export interface AutopilotTickPayload {
  autopilot_id: string;
}

interface AutopilotRow {
  id: string;
  workspace_id: string;
  survey_id: string;
  cadence: CadenceRule;
  audience: Audience;
  business_hours: BusinessHours;
  reminders: ReminderPlan | null;
  fatigue: CampaignFatigue | null;
  status: 'active' | 'paused';
  time_zone: string;
  survey_status: 'active' | 'archived';
}

interface ContactRow {
  id: string;
  attributes: Record<string, unknown>;
  created_at: Date | string;
  time_zone: string | null;
  last_due_day: string | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));

/** The next full UTC hour strictly after `now`. */
export function nextTickAt(now: Date): Date {
  return new Date((Math.floor(now.getTime() / HOUR_MS) + 1) * HOUR_MS);
}

/** Enqueues the run at the next full hour (once, whoever asks). */
export async function scheduleNextTick(
  db: Queryable,
  autopilot: { id: string; workspace_id: string },
  now: Date,
): Promise<void> {
  const runAt = nextTickAt(now);
  await enqueue(
    db,
    {
      queue: AUTOPILOT_TICK_QUEUE,
      payload: { autopilot_id: autopilot.id },
      workspaceId: autopilot.workspace_id,
      runAt,
    },
    { now, uniqueKey: `tick:${autopilot.id}:${runAt.toISOString()}` },
  );
}

/**
 * Enqueues a run now: after creating or resuming an autopilot (pass the transaction that did, so
 * neither exists without the other). The key is per call, so a resume within the hour of an
 * earlier run still runs.
 */
export async function startAutopilot(
  db: Queryable,
  autopilot: { id: string; workspace_id: string },
  now: Date,
): Promise<void> {
  await enqueue(
    db,
    {
      queue: AUTOPILOT_TICK_QUEUE,
      payload: { autopilot_id: autopilot.id },
      workspaceId: autopilot.workspace_id,
    },
    { now, uniqueKey: `start:${autopilot.id}:${now.getTime()}:${randomBytes(4).toString('hex')}` },
  );
}

/**
 * One scheduler run of an autopilot at `now`. Returns null when there is nothing to do: no such
 * autopilot in the workspace, paused, or its survey archived or gone.
 */
export async function runAutopilot(
  db: Database,
  workspaceId: string,
  autopilotId: string,
  options: { now: Date; pageSize?: number },
): Promise<AutopilotRun | null> {
  const now = options.now;
  const pageSize = options.pageSize ?? AUTOPILOT_PAGE_SIZE;
  const found = await db.query<AutopilotRow>(
    `SELECT a.id, a.workspace_id, a.survey_id, a.cadence, a.audience, a.business_hours, a.reminders,
            a.fatigue, a.status, w.time_zone, s.status AS survey_status
     FROM autopilot a
     JOIN workspace w ON w.id = a.workspace_id
     JOIN survey s ON s.workspace_id = a.workspace_id AND s.id = a.survey_id
     WHERE a.workspace_id = $1 AND a.id = $2`,
    [workspaceId, autopilotId],
  );
  const autopilot = found[0];
  if (autopilot?.status !== 'active' || autopilot.survey_status !== 'active') return null;
  const settings = await sendSettings(db, workspaceId, autopilot.survey_id);
  if (!settings) return null;
  const policy = sendPolicy(settings.policy, autopilot.fatigue);
  const anchorAttribute =
    autopilot.cadence.anchor.kind === 'attribute' ? autopilot.cadence.anchor.attribute : null;
  const audience = audienceToSql(autopilot.audience, 5, { id: 'c.id', attributes: 'c.attributes' });
  // Contacts without the anchor attribute are not on the cadence: left out by the query. The latest
  // due day is one look-up on invitation_autopilot_due per contact.
  const selectPage = `SELECT c.id, c.attributes, c.created_at, c.time_zone,
           (SELECT max(i.due_day) FROM invitation i
            WHERE i.autopilot_id = $2 AND i.contact_id = c.id)::text AS last_due_day
    FROM contact c
    WHERE c.workspace_id = $1 AND c.id > $3::uuid AND ($5::text IS NULL OR c.attributes ? $5::text)
      AND ${audience.sql}
    ORDER BY c.id
    LIMIT $4`;

  const run: AutopilotRun = { contacts: 0, due: 0, queued: 0, skipped: 0 };
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const page = await db.query<ContactRow>(selectPage, [
      workspaceId,
      autopilot.id,
      after,
      pageSize,
      anchorAttribute,
      ...audience.params,
    ]);
    if (page.length === 0) break;
    after = page[page.length - 1]!.id;
    run.contacts += page.length;

    const due = new Map<string, DueSurvey>();
    for (const row of page) {
      const contact: AutopilotContact = {
        id: row.id,
        attributes: row.attributes,
        createdAt: dateOf(row.created_at),
        timeZone: row.time_zone,
      };
      const survey = dueSurvey(
        autopilot.cadence,
        autopilot.business_hours,
        contact,
        row.last_due_day,
        now,
        autopilot.time_zone,
      );
      if (survey) due.set(row.id, survey);
    }
    if (due.size > 0) await writeDueInvitations(db, autopilot, due, { now, policy, settings, run });
    if (page.length < pageSize) break;
  }
  await recordAutopilotRun(db, autopilot.id, run, now);
  return run;
}

/** Decides the due contacts of a page by the fatigue rules and writes their invitations and jobs. */
async function writeDueInvitations(
  db: Database,
  autopilot: AutopilotRow,
  due: Map<string, DueSurvey>,
  context: {
    now: Date;
    policy: ReturnType<typeof sendPolicy>;
    settings: { expiryDays: number };
    run: AutopilotRun;
  },
): Promise<void> {
  const { now, policy, settings, run } = context;
  const facts = await loadContactFacts(db, autopilot.workspace_id, [...due.keys()]);
  const contactIds: string[] = [];
  const dueDays: string[] = [];
  const statuses: string[] = [];
  const sendAts: (Date | null)[] = [];
  const expiries: Date[] = [];
  const reasons: (string | null)[] = [];
  for (const contact of facts) {
    const survey = due.get(contact.id)!;
    const decision = decideInvitation(contact, policy, survey.sendAt);
    // A postponed send goes out inside the business hours of the day it is allowed on.
    const sendAt =
      decision.due === null || decision.due.getTime() === survey.sendAt.getTime()
        ? decision.due
        : nextSlot(decision.due, survey.timeZone, autopilot.business_hours, spreadOf(contact.id));
    contactIds.push(contact.id);
    dueDays.push(survey.dueDay);
    statuses.push(decision.status);
    sendAts.push(sendAt);
    expiries.push(invitationExpiresAt(sendAt ?? survey.sendAt, settings.expiryDays));
    reasons.push(decision.reason);
  }

  await db.transaction(async (tx) => {
    const inserted = await tx.query<{ id: string; status: string; send_at: Date | string | null }>(
      `INSERT INTO invitation (workspace_id, survey_id, contact_id, autopilot_id, due_day, token, channel,
                               expires_at, status, send_at, skip_reason, created_at, reminder_plan)
       SELECT $1, $2, u.contact_id, $3, u.due_day, u.token, 'email', u.expires_at, u.status, u.send_at,
              u.skip_reason, date_trunc('milliseconds', $4::timestamptz),
              CASE WHEN u.status = 'queued' THEN $12::jsonb END
       FROM unnest($5::uuid[], $6::date[], $7::text[], $8::timestamptz[], $9::text[], $10::timestamptz[], $11::text[])
         AS u(contact_id, due_day, token, expires_at, status, send_at, skip_reason)
       ON CONFLICT (autopilot_id, contact_id, due_day) WHERE autopilot_id IS NOT NULL DO NOTHING
       RETURNING id, status, send_at`,
      [
        autopilot.workspace_id,
        autopilot.survey_id,
        autopilot.id,
        now,
        contactIds,
        dueDays,
        newTokens(contactIds.length),
        expiries,
        statuses,
        sendAts,
        reasons,
        autopilot.reminders === null ? null : JSON.stringify(autopilot.reminders),
      ],
    );
    // Only new invitations can lack their job: the job of an older one was written with it.
    const jobs: NewJob[] = inserted
      .filter((row) => row.status === 'queued')
      .map((row) => ({
        queue: SEND_INVITATION_QUEUE,
        payload: { invitation_id: row.id },
        workspaceId: autopilot.workspace_id,
        runAt: dateOf(row.send_at!),
        uniqueKey: `send:${row.id}`,
      }));
    await enqueueMany(tx, jobs, { now });
    run.due += inserted.length;
    run.queued += jobs.length;
    run.skipped += inserted.length - jobs.length;
  });
}

/**
 * The handler of the `autopilot-tick` queue.
 * @example startWorker({ db, handlers: { [AUTOPILOT_TICK_QUEUE]: autopilotTickHandler({ clock }) } })
 */
export function autopilotTickHandler(deps: { readonly clock: () => Date }): JobHandler {
  return async ({ job, db }) => {
    const autopilotId = (job.payload as Partial<AutopilotTickPayload>).autopilot_id;
    if (typeof autopilotId !== 'string' || !UUID.test(autopilotId)) {
      throw new PermanentJobError(`job ${job.id}: payload.autopilot_id is not an autopilot id`);
    }
    if (job.workspaceId === null) throw new PermanentJobError(`job ${job.id}: no workspace`);
    const now = deps.clock();
    const rows = await db.query<{ id: string; workspace_id: string; status: string }>(
      `SELECT id, workspace_id, status FROM autopilot WHERE workspace_id = $1 AND id = $2`,
      [job.workspaceId, autopilotId],
    );
    const autopilot = rows[0];
    // Deleted or paused: the chain ends here (resuming starts a new one).
    if (autopilot?.status !== 'active') return;
    await scheduleNextTick(db, autopilot, now);
    await runAutopilot(db, job.workspaceId, autopilotId, { now });
  };
}
