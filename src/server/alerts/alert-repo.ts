/** The SQL of alerts and digests: settings, recipients, the facts messages are made of. */
import {
  type AlertLocale,
  type AlertSettings,
  alertSettingsOf,
  type SlackFailure,
  type StoredAlertSettings,
} from '../../core/alerts';
import { emptyDistribution } from '../../core/nps';
import type { Database, Queryable } from '../db/port';

export interface AlertWorkspace {
  id: string;
  name: string;
  locale: AlertLocale;
  timeZone: string;
  settings: StoredAlertSettings;
}

const localeOf = (value: string | null | undefined): AlertLocale => (value?.startsWith('de') ? 'de' : 'en');
const dateOf = (value: Date | string) => (value instanceof Date ? value : new Date(value));

export async function getAlertWorkspace(
  db: Queryable,
  workspaceId: string,
): Promise<AlertWorkspace | undefined> {
  const rows = await db.query<{
    id: string;
    name: string;
    default_locale: string;
    time_zone: string;
    alert_settings: unknown;
  }>('SELECT id, name, default_locale, time_zone, alert_settings FROM workspace WHERE id = $1', [
    workspaceId,
  ]);
  const row = rows[0];
  if (!row) return undefined;
  return {
    id: row.id,
    name: row.name,
    locale: localeOf(row.default_locale),
    timeZone: row.time_zone,
    settings: alertSettingsOf(row.alert_settings),
  };
}

/**
 * Changes the settings in one transaction: reads them with `SELECT … FOR UPDATE`, applies `change`
 * (which may throw to refuse it: nothing is written) and writes the result. The row lock keeps a
 * concurrent write (a Slack failure recorded by `recordSlackFailure`, another change) from being
 * lost between the read and the write. A new or removed Slack URL clears a recorded Slack failure
 * (the user fixed it); the same URL keeps it. Undefined when the workspace does not exist.
 */
export async function updateAlertSettings(
  db: Database,
  workspaceId: string,
  change: (current: StoredAlertSettings) => AlertSettings,
  now: Date,
): Promise<StoredAlertSettings | undefined> {
  return db.transaction(async (tx) => {
    const rows = await tx.query<{ alert_settings: unknown }>(
      'SELECT alert_settings FROM workspace WHERE id = $1 FOR UPDATE',
      [workspaceId],
    );
    if (!rows[0]) return undefined;
    const previous = alertSettingsOf(rows[0].alert_settings);
    const settings = change(previous);
    const stored: StoredAlertSettings = {
      ...settings,
      slack_failure:
        settings.slack_webhook_url === previous.slack_webhook_url ? previous.slack_failure : null,
    };
    await tx.query('UPDATE workspace SET alert_settings = $2::jsonb, updated_at = $3 WHERE id = $1', [
      workspaceId,
      JSON.stringify(stored),
      now,
    ]);
    return stored;
  });
}

/**
 * Records that Slack refused `url` for good, if it is still the workspace's URL and no failure is
 * recorded yet. True when this call recorded it (then, and only then, the caller sends the email).
 */
export async function recordSlackFailure(
  tx: Queryable,
  workspaceId: string,
  url: string,
  failure: SlackFailure,
): Promise<boolean> {
  const rows = await tx.query(
    `UPDATE workspace SET alert_settings = jsonb_set(alert_settings, '{slack_failure}', $3::jsonb)
     WHERE id = $1 AND alert_settings ->> 'slack_webhook_url' = $2
       AND coalesce(alert_settings -> 'slack_failure', 'null'::jsonb) = 'null'::jsonb
     RETURNING id`,
    [workspaceId, url, JSON.stringify(failure)],
  );
  return rows.length > 0;
}

/** The email addresses of the workspace's owners and admins. */
export async function adminEmails(db: Queryable, workspaceId: string): Promise<string[]> {
  const rows = await db.query<{ email: string }>(
    `SELECT u.email FROM membership m JOIN app_user u ON u.id = m.user_id
     WHERE m.workspace_id = $1 AND m.role IN ('owner', 'admin') ORDER BY m.role DESC, u.email`,
    [workspaceId],
  );
  return rows.map((r) => r.email);
}

/**
 * Whether `email` (lower case) is the address of a member of the workspace. Owners named by
 * contact or account attributes are untrusted (a widget visitor can set them): only members' and
 * the alert addresses are ever emailed.
 */
export async function isMemberEmail(db: Queryable, workspaceId: string, email: string): Promise<boolean> {
  const rows = await db.query(
    `SELECT 1 FROM membership m JOIN app_user u ON u.id = m.user_id
     WHERE m.workspace_id = $1 AND lower(u.email) = $2 LIMIT 1`,
    [workspaceId, email],
  );
  return rows.length > 0;
}

export interface DetractorRow {
  /** The response's score now (the respondent may have corrected it since the alert was raised). */
  score: number;
  comment: string | null;
  created_at: Date;
  contact_name: string | null;
  contact_email: string | null;
  account_name: string | null;
  survey_name: string | null;
  case_number: number | null;
  case_id: string | null;
  due_at: Date | null;
  case_owner: string | null;
}

/** A response with its contact, account, survey and (optional) case. */
export async function detractorFacts(
  db: Queryable,
  workspaceId: string,
  responseId: string,
  caseId: string | null,
): Promise<DetractorRow | undefined> {
  const rows = await db.query<DetractorRow>(
    `SELECT r.score, r.comment, r.created_at, c.name AS contact_name, c.email AS contact_email,
            a.name AS account_name, s.name AS survey_name, k.number AS case_number, k.id AS case_id,
            k.due_at, k.owner AS case_owner
     FROM response r
     LEFT JOIN contact c ON c.id = r.contact_id
     LEFT JOIN account a ON a.id = r.account_id
     LEFT JOIN survey s ON s.id = r.survey_id
     LEFT JOIN follow_up_case k ON k.workspace_id = r.workspace_id
       AND (k.id = $3::uuid OR ($3::uuid IS NULL AND k.response_id = r.id))
     WHERE r.workspace_id = $1 AND r.id = $2`,
    [workspaceId, responseId, caseId],
  );
  const row = rows[0];
  return row && { ...row, created_at: dateOf(row.created_at), due_at: row.due_at && dateOf(row.due_at) };
}

export interface CaseFacts {
  id: string;
  number: number;
  title: string;
  owner: string | null;
  team: string | null;
  score: number | null;
  status: string;
  due_at: Date;
  closed_at: Date | null;
}

export async function caseFacts(
  db: Queryable,
  workspaceId: string,
  caseId: string,
): Promise<CaseFacts | undefined> {
  const rows = await db.query<CaseFacts>(
    `SELECT id, number, title, owner, team, score, status, due_at, closed_at
     FROM follow_up_case WHERE workspace_id = $1 AND id = $2`,
    [workspaceId, caseId],
  );
  const row = rows[0];
  return row && { ...row, due_at: dateOf(row.due_at), closed_at: row.closed_at && dateOf(row.closed_at) };
}

/** The 0-10 distribution of the workspace's responses on the local days `from`..`to` (inclusive), from the rollup. */
export async function distributionOfDays(
  db: Queryable,
  workspaceId: string,
  from: string,
  to: string,
): Promise<number[]> {
  const rows = await db.query<{ score: number; n: number }>(
    `SELECT score, sum(count)::int AS n FROM response_daily
     WHERE workspace_id = $1 AND day >= $2::date AND day <= $3::date GROUP BY score`,
    [workspaceId, from, to],
  );
  const out = emptyDistribution();
  for (const row of rows) out[row.score] = Number(row.n);
  return out;
}

export interface OpenCases {
  open: number;
  overdue: number;
  oldest: {
    id: string;
    number: number;
    title: string;
    owner: string | null;
    created_at: Date;
    due_at: Date;
  }[];
}

/** Open cases: how many, how many overdue at `now`, and the oldest `limit`. */
export async function openCases(
  db: Queryable,
  workspaceId: string,
  now: Date,
  limit = 5,
): Promise<OpenCases> {
  const counts = await db.query<{ open: number; overdue: number }>(
    `SELECT count(*)::int AS open, count(*) FILTER (WHERE due_at < $2)::int AS overdue
     FROM follow_up_case WHERE workspace_id = $1 AND closed_at IS NULL`,
    [workspaceId, now],
  );
  const oldest = await db.query<OpenCases['oldest'][number]>(
    `SELECT id, number, title, owner, created_at, due_at FROM follow_up_case
     WHERE workspace_id = $1 AND closed_at IS NULL ORDER BY created_at, number LIMIT $2`,
    [workspaceId, limit],
  );
  return {
    open: Number(counts[0]?.open ?? 0),
    overdue: Number(counts[0]?.overdue ?? 0),
    oldest: oldest.map((c) => ({ ...c, created_at: dateOf(c.created_at), due_at: dateOf(c.due_at) })),
  };
}

export interface DigestMember {
  email: string;
  name: string;
  locale: AlertLocale;
  digest: 'off' | 'daily' | 'weekly';
}

/** A member's address, language (their own, else the workspace's) and digest choice. */
export async function digestMember(
  db: Queryable,
  workspaceId: string,
  userId: string,
): Promise<DigestMember | undefined> {
  const rows = await db.query<{
    email: string;
    name: string;
    locale: string | null;
    default_locale: string;
    digest: DigestMember['digest'];
  }>(
    `SELECT u.email, u.name, u.locale, w.default_locale, m.digest
     FROM membership m JOIN app_user u ON u.id = m.user_id JOIN workspace w ON w.id = m.workspace_id
     WHERE m.workspace_id = $1 AND m.user_id = $2`,
    [workspaceId, userId],
  );
  const row = rows[0];
  return (
    row && {
      email: row.email,
      name: row.name,
      locale: localeOf(row.locale ?? row.default_locale),
      digest: row.digest,
    }
  );
}

export async function getDigest(db: Queryable, workspaceId: string, userId: string) {
  const rows = await db.query<{ digest: DigestMember['digest'] }>(
    'SELECT digest FROM membership WHERE workspace_id = $1 AND user_id = $2',
    [workspaceId, userId],
  );
  return rows[0]?.digest;
}

export async function setDigest(
  db: Queryable,
  workspaceId: string,
  userId: string,
  digest: DigestMember['digest'],
) {
  await db.query('UPDATE membership SET digest = $3 WHERE workspace_id = $1 AND user_id = $2', [
    workspaceId,
    userId,
    digest,
  ]);
}

/**
 * Moves the schedule of (workspace, subject) to `day` unless it is there already. True when this
 * call moved it: the caller enqueues the day's job in the same transaction.
 */
export async function claimScheduleDay(
  tx: Queryable,
  workspaceId: string,
  subject: string,
  day: string,
  now: Date,
): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO alert_schedule (workspace_id, subject, last_day, updated_at) VALUES ($1, $2, $3::date, $4)
     ON CONFLICT (workspace_id, subject) DO UPDATE SET last_day = EXCLUDED.last_day, updated_at = EXCLUDED.updated_at
       WHERE alert_schedule.last_day < EXCLUDED.last_day
     RETURNING workspace_id`,
    [workspaceId, subject, day, now],
  );
  return rows.length > 0;
}
