/**
 * The website widget's rows (migration 0016): a survey's widget settings (`survey.widget`), the
 * visitors who closed the widget (`widget_dismissal`), and the facts the config endpoint needs to
 * decide whether a visitor may be asked.
 */
import { defaultWidgetSettings, type WidgetSettings } from '../../core/widget-settings';
import type { Queryable } from '../db/port';

const dateOrNull = (value: Date | string | null | undefined): Date | null =>
  value === null || value === undefined ? null : value instanceof Date ? value : new Date(value);

/**
 * The widget settings of a survey of the workspace, the defaults filled in (stored settings are
 * complete; defaults added later fill fields older rows lack). Undefined when there is no such survey.
 */
export async function getWidgetSettings(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
): Promise<WidgetSettings | undefined> {
  const rows = await db.query<{ widget: Partial<WidgetSettings> | string | null }>(
    'SELECT widget FROM survey WHERE workspace_id = $1 AND id = $2',
    [workspaceId, surveyId],
  );
  const row = rows[0];
  if (!row) return undefined;
  const stored =
    typeof row.widget === 'string' ? (JSON.parse(row.widget) as Partial<WidgetSettings>) : row.widget;
  const defaults = defaultWidgetSettings();
  return stored ? { ...defaults, ...stored, colors: { ...defaults.colors, ...stored.colors } } : defaults;
}

/** Stores the settings of a survey of the workspace; false when there is no such survey. */
export async function setWidgetSettings(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
  settings: WidgetSettings,
  now: Date,
): Promise<boolean> {
  const rows = await db.query<{ id: string }>(
    'UPDATE survey SET widget = $3::jsonb, updated_at = $4 WHERE workspace_id = $1 AND id = $2 RETURNING id',
    [workspaceId, surveyId, JSON.stringify(settings), now],
  );
  return rows.length > 0;
}

export async function insertDismissal(
  db: Queryable,
  input: { workspaceId: string; surveyId: string; visitorId: string; contactId: string | null; at: Date },
): Promise<void> {
  await db.query(
    `INSERT INTO widget_dismissal (workspace_id, survey_id, visitor_id, contact_id, dismissed_at)
     VALUES ($1, $2, $3, $4, $5)`,
    [input.workspaceId, input.surveyId, input.visitorId, input.contactId, input.at],
  );
}

/** The latest dismissal of the survey by the visitor or (when given) the contact. */
export async function lastDismissal(
  db: Queryable,
  workspaceId: string,
  surveyId: string,
  visitorId: string | null,
  contactId: string | null,
): Promise<Date | null> {
  if (visitorId === null && contactId === null) return null;
  const rows = await db.query<{ at: Date | string | null }>(
    `SELECT greatest(
       (SELECT max(dismissed_at) FROM widget_dismissal
        WHERE workspace_id = $1 AND survey_id = $2 AND visitor_id = $3),
       (SELECT max(dismissed_at) FROM widget_dismissal
        WHERE workspace_id = $1 AND survey_id = $2 AND contact_id = $4::uuid AND contact_id IS NOT NULL)
     ) AS at`,
    [workspaceId, surveyId, visitorId, contactId],
  );
  return dateOrNull(rows[0]?.at);
}

/** The latest widget answer of an anonymous visitor (any survey of the workspace). */
export async function lastWidgetAnswerOfVisitor(
  db: Queryable,
  workspaceId: string,
  visitorId: string,
): Promise<Date | null> {
  const rows = await db.query<{ at: Date | string | null }>(
    `SELECT max(created_at) AS at FROM response
     WHERE workspace_id = $1 AND channel = 'widget' AND attributes ->> 'visitor_id' = $2`,
    [workspaceId, visitorId],
  );
  return dateOrNull(rows[0]?.at);
}

/** The id of the workspace's contact with this external_id, if any. */
export async function contactIdByExternalId(
  db: Queryable,
  workspaceId: string,
  externalId: string,
): Promise<string | undefined> {
  const rows = await db.query<{ id: string }>(
    'SELECT id FROM contact WHERE workspace_id = $1 AND external_id = $2',
    [workspaceId, externalId],
  );
  return rows[0]?.id;
}
