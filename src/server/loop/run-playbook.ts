/**
 * The `run-playbook` job: carries out the playbook (core/playbook.ts) for newly stored responses.
 *
 * The response writer enqueues ONE job per batch, in the batch's transaction
 * (`enqueuePlaybookRun`), so a stored response always gets its run and a busy second costs a few
 * job rows, not one per response. Imports and demo data never enqueue one: they bring history.
 *
 * A run decides each response's actions from the playbook that applies (the survey's, else the
 * workspace's, else the default) and the contact's previous answer, then writes in ONE
 * transaction (which also takes over the runs still queued, see `TAKE_OVER_LIMIT`): the `playbook_run` row (inserted first, ON CONFLICT DO NOTHING: a rerun after a
 * crash, or a second worker, finds it and does nothing), the cases with their `case.opened`
 * webhooks, and a durable job per message (alert, thank-you, testimonial request at its delay)
 * with a unique key per response. Nothing is lost on a restart and nothing is sent twice.
 */
import { dueAt, ownerFor } from '../../core/cases';
import { categoryOf } from '../../core/nps';
import {
  actionsFor,
  DEFAULT_PLAYBOOK,
  matchingRules,
  type Playbook,
  type PlaybookAction,
} from '../../core/playbook';
import { newDetractorAlertJob } from '../alerts/alert-jobs';
import type { Queryable } from '../db/port';
import { enqueue, enqueueMany, type NewJob, takeQueued } from '../jobs/queue';
import type { JobHandler } from '../jobs/worker';
import { insertCases, type NewCase, toApiCase } from '../repo/cases';
import { emitEvents } from '../webhooks/emit';
import { FOLLOW_UP_EMAIL_QUEUE, type FollowUpEmailPayload } from './follow-up-email';

export const RUN_PLAYBOOK_QUEUE = 'run-playbook';
const DAY_MS = 86_400_000;
/**
 * Answers older than this when the playbook first sees them (an API client sending history, a
 * worker that was down for a week) are recorded without actions: an alert or a thank-you weeks
 * late does more harm than good.
 */
export const STALE_AFTER_DAYS = 7;

export type RunPlaybookPayload = { response_ids: string[] };

/** Enqueues the playbook run of a batch of new responses (call in the batch's transaction). */
export async function enqueuePlaybookRun(tx: Queryable, responseIds: readonly string[], now: Date) {
  if (responseIds.length === 0) return;
  await enqueue<RunPlaybookPayload>(
    tx,
    { queue: RUN_PLAYBOOK_QUEUE, payload: { response_ids: [...responseIds] }, maxAttempts: 10 },
    { now },
  );
}

interface Facts {
  id: string;
  workspace_id: string;
  survey_id: string;
  contact_id: string | null;
  account_id: string | null;
  score: number;
  attributes: Record<string, unknown>;
  comment: string | null;
  editable_until: Date | null;
  created_at: Date;
  own: Playbook | string | null;
  workspace_playbook: Playbook | string | null;
  previous_score: number | null;
}

const parsed = (v: Playbook | string | null): Playbook | null =>
  v === null ? null : typeof v === 'string' ? (JSON.parse(v) as Playbook) : v;

/** The responses of `ids` the playbook has not run for, with what the rules need. */
async function loadFacts(db: Queryable, ids: readonly string[]): Promise<Facts[]> {
  return db.query<Facts>(
    `SELECT r.id, r.workspace_id, r.survey_id, r.contact_id, r.account_id, r.score, r.attributes, r.comment,
       r.editable_until, r.created_at,
       s.playbook AS own, w.playbook AS workspace_playbook,
       (SELECT p.score FROM response p
        WHERE r.contact_id IS NOT NULL AND p.contact_id = r.contact_id AND p.id <> r.id
          AND (p.created_at, p.id) < (r.created_at, r.id)
        ORDER BY p.created_at DESC, p.id DESC LIMIT 1) AS previous_score
     FROM response r JOIN survey s ON s.id = r.survey_id JOIN workspace w ON w.id = r.workspace_id
     WHERE r.id = ANY($1::uuid[])
       AND NOT EXISTS (SELECT 1 FROM playbook_run pr WHERE pr.response_id = r.id)
     ORDER BY r.created_at, r.id`,
    [ids],
  );
}

interface Decision {
  facts: Facts;
  rules: string[];
  actions: PlaybookAction[];
  /** The rule whose `open_case` won (the earliest due): the case's title. */
  caseRule: string | null;
}

function decide(facts: Facts): Decision {
  const playbook = parsed(facts.own) ?? parsed(facts.workspace_playbook) ?? DEFAULT_PLAYBOOK;
  const input = { score: facts.score, previousScore: facts.previous_score, attributes: facts.attributes };
  const rules = matchingRules(playbook, input);
  let caseRule: { name: string; due: number } | null = null;
  for (const rule of rules)
    for (const a of rule.actions)
      if (a.kind === 'open_case' && (caseRule === null || a.due_hours < caseRule.due))
        caseRule = { name: rule.name, due: a.due_hours };
  return {
    facts,
    rules: rules.map((r) => r.name),
    actions: actionsFor(playbook, input),
    caseRule: caseRule?.name ?? null,
  };
}

/**
 * When the alert goes out. An answer that arrived without its comment while the respondent can
 * still add one (the email's one-click score, the hosted page, the widget: the comment follows in
 * a second request) waits for it up to `ALERT_COMMENT_GRACE_MS`, so the owner reads what went
 * wrong; a complete answer alerts at once.
 */
export const ALERT_COMMENT_GRACE_MS = 60_000;

export function alertDueAt(facts: Pick<Facts, 'comment' | 'editable_until' | 'created_at'>, now: Date): Date {
  if (facts.comment !== null || !facts.editable_until) return now;
  const until = Math.min(
    new Date(facts.created_at).getTime() + ALERT_COMMENT_GRACE_MS,
    new Date(facts.editable_until).getTime(),
  );
  return new Date(Math.max(until, now.getTime()));
}

/** Writes one workspace's decisions: runs, cases, webhooks and message jobs, in `tx`. */
async function carryOut(tx: Queryable, workspaceId: string, decisions: readonly Decision[], now: Date) {
  const fresh = (d: Decision) =>
    now.getTime() - new Date(d.facts.created_at).getTime() <= STALE_AFTER_DAYS * DAY_MS;
  const claimed = await tx.query<{ response_id: string }>(
    `INSERT INTO playbook_run (response_id, workspace_id, rules, actions, created_at)
     SELECT response_id, workspace_id, rules::text[], actions, created_at
     FROM unnest($1::uuid[], $2::uuid[], $3::text[], $4::jsonb[], $5::timestamptz[])
       AS t(response_id, workspace_id, rules, actions, created_at)
     ON CONFLICT (response_id) DO NOTHING RETURNING response_id`,
    [
      decisions.map((d) => d.facts.id),
      decisions.map(() => workspaceId),
      // A text[] per row does not fit unnest; the rule names travel as one joined text.
      decisions.map((d) => `{${d.rules.map((r) => JSON.stringify(r)).join(',')}}`),
      decisions.map((d) => JSON.stringify(fresh(d) ? d.actions : [])),
      decisions.map(() => now),
    ],
  );
  const mine = new Set(claimed.map((c) => c.response_id));
  const todo = decisions.filter((d) => mine.has(d.facts.id) && fresh(d));

  const newCases: NewCase[] = [];
  const jobs: NewJob[] = [];
  const caseOwner = new Map<string, string | null>();
  for (const { facts, actions, caseRule } of todo) {
    const alert = actions.find((a) => a.kind === 'alert_owner');
    const open = actions.find((a) => a.kind === 'open_case');
    const fallback = alert?.kind === 'alert_owner' ? alert.fallback : null;
    const { owner, team } = ownerFor(facts.attributes, fallback);
    caseOwner.set(facts.id, owner);
    if (open?.kind === 'open_case')
      newCases.push({
        response_id: facts.id,
        survey_id: facts.survey_id,
        contact_id: facts.contact_id,
        account_id: facts.account_id,
        score: facts.score,
        category: categoryOf(facts.score),
        title: caseRule ?? 'Follow-up',
        owner,
        team,
        due_at: dueAt(new Date(facts.created_at), open.due_hours),
        // The customer's clock: the SLA and the time to first contact run from the answer.
        created_at: new Date(facts.created_at),
      });
    for (const action of actions) {
      if (action.kind === 'send_thanks')
        jobs.push(followUpJob(workspaceId, { kind: 'thanks', response_id: facts.id }, now));
      if (action.kind === 'request_testimonial')
        jobs.push(
          followUpJob(
            workspaceId,
            {
              kind: 'testimonial_request',
              response_id: facts.id,
              review_url: action.review_url ?? null,
              category: categoryOf(facts.score),
            },
            new Date(new Date(facts.created_at).getTime() + action.delay_days * DAY_MS),
          ),
        );
    }
  }

  const opened = await insertCases(tx, workspaceId, newCases);
  const caseOf = new Map(opened.map((c) => [c.response_id, c.id]));
  for (const { facts, actions } of todo)
    if (actions.some((a) => a.kind === 'alert_owner'))
      jobs.push(
        newDetractorAlertJob(
          workspaceId,
          {
            response_id: facts.id,
            case_id: caseOf.get(facts.id) ?? null,
            owner: caseOwner.get(facts.id) ?? null,
          },
          alertDueAt(facts, now),
        ),
      );
  await enqueueMany(tx, jobs, { now });
  await emitEvents(
    tx,
    opened.map((c) => ({ workspaceId, type: 'case.opened' as const, data: { case: toApiCase(c, now) } })),
    { now },
  );
}

function followUpJob(workspaceId: string, payload: FollowUpEmailPayload, runAt: Date): NewJob {
  return {
    queue: FOLLOW_UP_EMAIL_QUEUE,
    workspaceId,
    payload: payload as unknown as Record<string, unknown>,
    runAt,
    uniqueKey: `${payload.kind}:${payload.response_id}`,
  };
}

/**
 * Most queued runs one job takes over. Under load the writer commits many small batches a second,
 * each with its run; the first job to start does the waiting ones' work in its transaction, so
 * the database sees a few larger transactions instead of a hundred small ones (and the alerts do
 * not wait behind a queue of runs).
 */
export const TAKE_OVER_LIMIT = 50;

export function runPlaybookHandler(deps: { clock: () => Date }): JobHandler {
  return async ({ job, db }) => {
    const own = (job.payload as unknown as RunPlaybookPayload).response_ids;
    await db.transaction(async (tx) => {
      const now = deps.clock();
      const taken = await takeQueued<RunPlaybookPayload>(tx, RUN_PLAYBOOK_QUEUE, TAKE_OVER_LIMIT, now);
      const ids = [...new Set([...own, ...taken.flatMap((p) => p.response_ids)])];
      const byWorkspace = new Map<string, Decision[]>();
      for (const f of await loadFacts(tx, ids)) {
        const list = byWorkspace.get(f.workspace_id) ?? [];
        list.push(decide(f));
        byWorkspace.set(f.workspace_id, list);
      }
      // In one order everywhere: two runs lock the workspaces' case counters in the same order.
      for (const workspaceId of [...byWorkspace.keys()].sort())
        await carryOut(tx, workspaceId, byWorkspace.get(workspaceId)!, now);
    });
  };
}
