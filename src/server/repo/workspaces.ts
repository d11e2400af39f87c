import type { Queryable } from '../db/port';

export interface WorkspaceBenchmark {
  nps: number;
  source: string;
  url?: string | null;
  year?: number | null;
}

export interface Workspace {
  id: string;
  name: string;
  time_zone: string;
  default_locale: string;
  industry: string | null;
  validity_months: number;
  /** At most one survey per contact per this many days (0: off); a survey may override it (migration 0010). */
  fatigue_days: number;
  /** What happens to a send the fatigue rule stops: dropped, or postponed to the first allowed day. */
  fatigue_on_blocked: 'drop' | 'postpone';
  /** Invitations of campaigns and trigger rules (and by default of POST /invitations) expire after this. */
  invitation_expiry_days: number;
  /** Survey emails carry a tracking pixel recording the first open (migration 0012); off by default. */
  track_opens: boolean;
  /** Attributes rolled up per day for fast breakdowns (see migration 0001). */
  segment_attributes: string[];
  /** The currency of account revenue, ISO 4217 (migration 0023). */
  currency: string;
  /** The NPS the workspace compares itself with and its source (migration 0022); null: none. */
  benchmark: WorkspaceBenchmark | null;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS =
  'id, name, time_zone, default_locale, industry, validity_months, fatigue_days, fatigue_on_blocked, ' +
  'invitation_expiry_days, track_opens, segment_attributes, benchmark, currency, created_at, updated_at';

export async function createWorkspace(
  db: Queryable,
  input: { name: string; time_zone?: string; default_locale?: string; industry?: string | null },
): Promise<Workspace> {
  const rows = await db.query<Workspace>(
    `INSERT INTO workspace (name, time_zone, default_locale, industry)
     VALUES ($1, coalesce($2, 'Europe/Berlin'), coalesce($3, 'en'), $4) RETURNING ${COLUMNS}`,
    [input.name, input.time_zone ?? null, input.default_locale ?? null, input.industry ?? null],
  );
  return rows[0]!;
}

export async function getWorkspace(db: Queryable, id: string): Promise<Workspace | undefined> {
  const rows = await db.query<Workspace>(`SELECT ${COLUMNS} FROM workspace WHERE id = $1`, [id]);
  return rows[0];
}

export async function countWorkspaces(db: Queryable): Promise<number> {
  const rows = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM workspace');
  return rows[0]!.n;
}

export async function updateWorkspace(
  db: Queryable,
  id: string,
  patch: Partial<
    Pick<
      Workspace,
      | 'name'
      | 'time_zone'
      | 'default_locale'
      | 'industry'
      | 'validity_months'
      | 'fatigue_days'
      | 'fatigue_on_blocked'
      | 'invitation_expiry_days'
      | 'track_opens'
      | 'segment_attributes'
      | 'benchmark'
      | 'currency'
    >
  >,
): Promise<Workspace | undefined> {
  const rows = await db.query<Workspace>(
    `UPDATE workspace SET
       name = coalesce($2, name),
       time_zone = coalesce($3, time_zone),
       default_locale = coalesce($4, default_locale),
       industry = CASE WHEN $5::boolean THEN $6 ELSE industry END,
       validity_months = coalesce($7, validity_months),
       segment_attributes = coalesce($8, segment_attributes),
       fatigue_days = coalesce($9, fatigue_days),
       fatigue_on_blocked = coalesce($10, fatigue_on_blocked),
       invitation_expiry_days = coalesce($11, invitation_expiry_days),
       track_opens = coalesce($12, track_opens),
       benchmark = CASE WHEN $13::boolean THEN $14::jsonb ELSE benchmark END,
       currency = coalesce($15, currency),
       updated_at = now()
     WHERE id = $1 RETURNING ${COLUMNS}`,
    [
      id,
      patch.name ?? null,
      patch.time_zone ?? null,
      patch.default_locale ?? null,
      patch.industry !== undefined,
      patch.industry ?? null,
      patch.validity_months ?? null,
      patch.segment_attributes ?? null,
      patch.fatigue_days ?? null,
      patch.fatigue_on_blocked ?? null,
      patch.invitation_expiry_days ?? null,
      patch.track_opens ?? null,
      patch.benchmark !== undefined,
      patch.benchmark ? JSON.stringify(patch.benchmark) : null,
      patch.currency ?? null,
    ],
  );
  return rows[0];
}

export async function listWorkspaces(db: Queryable): Promise<Workspace[]> {
  return db.query<Workspace>(`SELECT ${COLUMNS} FROM workspace ORDER BY created_at, id`);
}
