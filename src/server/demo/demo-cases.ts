/**
 * Follow-up cases for the demo: the detractors of the last 60 days each got the case the default
 * playbook opens (due 24 hours after the answer), owned by the contact's sales rep (every fifth by
 * the demo user, so "Only mine" shows something). Older cases are mostly worked: a first contact,
 * then closed with a resolution and root causes, some late; recent ones are open, in progress or
 * waiting on the customer, a few overdue. Deterministic (by the answer's order), set-based SQL.
 */
import { DEFAULT_PLAYBOOK } from '../../core/playbook';
import type { Database } from '../db/port';
import { insertCases, type NewCase } from '../repo/cases';
import { DEMO_EMAIL } from './demo-user';

const DAY = 86_400_000;
const HOUR = 3_600_000;
const WINDOW_DAYS = 60;
const MAX_CASES = 160;

const RESOLUTIONS: { text: string; causes: string[] }[] = [
  {
    text: 'Called the customer; the export bug is fixed in 4.2 and they confirmed it works.',
    causes: ['bug', 'export'],
  },
  { text: 'Rechnung korrigiert und einen Monat gutgeschrieben; Kunde ist zufrieden.', causes: ['billing'] },
  { text: 'Walked them through the new board view in a 30-minute session.', causes: ['onboarding', 'ux'] },
  {
    text: 'Performance issue traced to a large import; fixed by support, customer informed.',
    causes: ['performance'],
  },
  {
    text: 'Ticket eskaliert, Antwortzeit im Support erklärt und Ansprechpartner benannt.',
    causes: ['support'],
  },
  {
    text: 'Feature request logged (calendar sync); customer will be told when it ships.',
    causes: ['missing feature'],
  },
  { text: 'Price concern: moved them to the annual plan with the usual discount.', causes: ['pricing'] },
];

const NOTES = [
  'Called, left a voicemail; sent a short email as well.',
  'Kurz telefoniert: das Problem tritt seit dem letzten Update auf.',
  'Spoke with the customer; they will send screenshots.',
];

export async function addDemoCases(db: Database, workspaceId: string, now: Date): Promise<number> {
  const answers = await db.query<{
    id: string;
    survey_id: string;
    contact_id: string;
    account_id: string | null;
    score: number;
    created_at: Date | string;
    rep: string | null;
    team: string | null;
  }>(
    `SELECT r.id, r.survey_id, r.contact_id, r.account_id, r.score, r.created_at,
            c.attributes->>'sales_rep' AS rep, c.attributes->>'team' AS team
     FROM response r JOIN contact c ON c.id = r.contact_id
     WHERE r.workspace_id = $1 AND r.score <= 6 AND r.created_at >= $2 AND r.created_at <= $3
     ORDER BY r.created_at DESC, r.id LIMIT $4`,
    [workspaceId, new Date(now.getTime() - WINDOW_DAYS * DAY), now, MAX_CASES],
  );
  if (answers.length === 0) return 0;
  const title = DEFAULT_PLAYBOOK.rules[0]!.name;
  const oldestFirst = [...answers].reverse();
  const cases: NewCase[] = oldestFirst.map((a, i) => {
    const created = new Date(a.created_at);
    return {
      response_id: a.id,
      survey_id: a.survey_id,
      contact_id: a.contact_id,
      account_id: a.account_id,
      score: a.score,
      category: 'detractor',
      title,
      owner: i % 5 === 2 ? DEMO_EMAIL : a.rep,
      team: a.team,
      due_at: new Date(created.getTime() + 24 * HOUR),
      created_at: created,
    };
  });
  const opened = await db.transaction((tx) => insertCases(tx, workspaceId, cases));

  // How each case went, decided by its position: ids, statuses and times as parallel arrays.
  const ids: string[] = [];
  const statuses: string[] = [];
  const firstContacts: (Date | null)[] = [];
  const closedAts: (Date | null)[] = [];
  const resolutions: (string | null)[] = [];
  const causes: string[] = [];
  opened.forEach((k, i) => {
    const created = new Date(k.created_at).getTime();
    const age = (now.getTime() - created) / DAY;
    const spread = (i * 7919) % 100; // a stable pseudo-random 0-99
    let status = 'open';
    let first: number | null = null;
    let closed: number | null = null;
    if (age > 4 && spread < 90) {
      status = 'closed';
      first = created + (2 + (spread % 30)) * HOUR;
      // Most within the day, some late.
      closed = created + (spread % 4 === 0 ? 30 + spread : 6 + (spread % 17)) * HOUR;
      first = Math.min(first, closed);
    } else if (spread < 40) {
      status = 'in_progress';
      first = created + (1 + (spread % 20)) * HOUR;
    } else if (spread < 55) {
      status = 'waiting_on_customer';
      first = created + (3 + (spread % 10)) * HOUR;
    }
    const clip = (t: number | null) => (t === null ? null : new Date(Math.min(t, now.getTime() - HOUR)));
    const resolution = status === 'closed' ? RESOLUTIONS[i % RESOLUTIONS.length]! : null;
    ids.push(k.id);
    statuses.push(status);
    firstContacts.push(clip(first));
    closedAts.push(clip(closed));
    resolutions.push(resolution?.text ?? null);
    causes.push(JSON.stringify(resolution?.causes ?? []));
  });
  await db.query(
    `UPDATE follow_up_case k SET status = t.status, first_contact_at = t.first_contact_at,
       closed_at = t.closed_at, resolution = t.resolution,
       root_causes = ARRAY(SELECT jsonb_array_elements_text(t.causes::jsonb)),
       updated_at = coalesce(t.closed_at, t.first_contact_at, k.created_at)
     FROM unnest($2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[], $6::text[], $7::text[])
       AS t(id, status, first_contact_at, closed_at, resolution, causes)
     WHERE k.workspace_id = $1 AND k.id = t.id`,
    [workspaceId, ids, statuses, firstContacts, closedAts, resolutions, causes],
  );
  // The first contact of each worked case, as the timeline shows it.
  const noted = firstContacts.flatMap((at, i) => (at ? [i] : []));
  await db.query(
    `INSERT INTO case_note (case_id, workspace_id, kind, body, author_user_id, author_name, created_at)
     SELECT t.id, $1, 'contact', t.body, NULL, t.author, t.at
     FROM unnest($2::uuid[], $3::text[], $4::text[], $5::timestamptz[]) AS t(id, body, author, at)`,
    [
      workspaceId,
      noted.map((i) => ids[i]!),
      noted.map((i) => NOTES[i % NOTES.length]!),
      noted.map((i) => opened[i]!.owner ?? 'Demo'),
      noted.map((i) => firstContacts[i]!),
    ],
  );
  return opened.length;
}
