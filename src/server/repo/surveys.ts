import { randomBytes } from 'node:crypto';
import type { SurveyTexts } from '../../core/survey-texts';
import type { Queryable } from '../db/port';

export interface Survey {
  id: string;
  workspace_id: string;
  name: string;
  kind: 'relational' | 'transactional';
  journey_stage: string;
  product_name: string;
  default_locale: string;
  texts: Record<string, SurveyTexts>;
  brand_color: string;
  /** The logo of its emails (migration 0014); null: the product name instead. */
  logo_url: string | null;
  public_token: string;
  status: 'active' | 'archived';
  /** Overrides the workspace's fatigue_days (migration 0010); null: the workspace's. */
  fatigue_days: number | null;
  /** Overrides the workspace's fatigue_on_blocked; null: the workspace's. */
  fatigue_on_blocked: 'drop' | 'postpone' | null;
  /** Whether promoters are asked to consent to being quoted (migration 0017). */
  ask_testimonial_consent: boolean;
  created_at: Date;
  updated_at: Date;
}

export type SurveyInput = Pick<
  Survey,
  'name' | 'kind' | 'journey_stage' | 'product_name' | 'default_locale' | 'texts' | 'brand_color'
> &
  Partial<Pick<Survey, 'fatigue_days' | 'fatigue_on_blocked' | 'logo_url' | 'ask_testimonial_consent'>>;

const COLUMNS =
  'id, workspace_id, name, kind, journey_stage, product_name, default_locale, texts, brand_color, logo_url, public_token, status, ' +
  'fatigue_days, fatigue_on_blocked, ask_testimonial_consent, created_at, updated_at';

export function newToken(bytes = 18): string {
  return randomBytes(bytes).toString('base64url');
}

/** `n` tokens as `newToken` makes them, from one call to randomBytes (a page of invitations). */
export function newTokens(n: number, bytes = 18): string[] {
  const random = randomBytes(bytes * n);
  const out: string[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = random.subarray(i * bytes, (i + 1) * bytes).toString('base64url');
  return out;
}

export async function createSurvey(db: Queryable, workspaceId: string, input: SurveyInput): Promise<Survey> {
  const rows = await db.query<Survey>(
    `INSERT INTO survey (workspace_id, name, kind, journey_stage, product_name, default_locale, texts, brand_color, public_token,
                         fatigue_days, fatigue_on_blocked, logo_url, ask_testimonial_consent)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING ${COLUMNS}`,
    [
      workspaceId,
      input.name,
      input.kind,
      input.journey_stage,
      input.product_name,
      input.default_locale,
      JSON.stringify(input.texts),
      input.brand_color,
      newToken(),
      input.fatigue_days ?? null,
      input.fatigue_on_blocked ?? null,
      input.logo_url ?? null,
      input.ask_testimonial_consent ?? false,
    ],
  );
  return rows[0]!;
}

export async function getSurvey(db: Queryable, workspaceId: string, id: string): Promise<Survey | undefined> {
  const rows = await db.query<Survey>(`SELECT ${COLUMNS} FROM survey WHERE workspace_id = $1 AND id = $2`, [
    workspaceId,
    id,
  ]);
  return rows[0];
}

export async function getSurveyByPublicToken(db: Queryable, token: string): Promise<Survey | undefined> {
  const rows = await db.query<Survey>(`SELECT ${COLUMNS} FROM survey WHERE public_token = $1`, [token]);
  return rows[0];
}

export async function getSurveyById(db: Queryable, id: string): Promise<Survey | undefined> {
  const rows = await db.query<Survey>(`SELECT ${COLUMNS} FROM survey WHERE id = $1`, [id]);
  return rows[0];
}

export async function listSurveys(
  db: Queryable,
  workspaceId: string,
  filter: { status?: Survey['status'] } = {},
): Promise<Survey[]> {
  return db.query<Survey>(
    `SELECT ${COLUMNS} FROM survey WHERE workspace_id = $1 AND ($2::text IS NULL OR status = $2)
     ORDER BY created_at, id`,
    [workspaceId, filter.status ?? null],
  );
}

export async function updateSurvey(
  db: Queryable,
  workspaceId: string,
  id: string,
  patch: Partial<SurveyInput & { status: Survey['status'] }>,
): Promise<Survey | undefined> {
  const rows = await db.query<Survey>(
    `UPDATE survey SET
       name = coalesce($3, name), kind = coalesce($4, kind), journey_stage = coalesce($5, journey_stage),
       product_name = coalesce($6, product_name), default_locale = coalesce($7, default_locale),
       texts = coalesce($8::jsonb, texts), brand_color = coalesce($9, brand_color),
       status = coalesce($10, status),
       fatigue_days = CASE WHEN $11::boolean THEN $12::int ELSE fatigue_days END,
       fatigue_on_blocked = CASE WHEN $13::boolean THEN $14::text ELSE fatigue_on_blocked END,
       logo_url = CASE WHEN $15::boolean THEN $16::text ELSE logo_url END,
       ask_testimonial_consent = coalesce($17::boolean, ask_testimonial_consent),
       updated_at = now()
     WHERE workspace_id = $1 AND id = $2 RETURNING ${COLUMNS}`,
    [
      workspaceId,
      id,
      patch.name ?? null,
      patch.kind ?? null,
      patch.journey_stage ?? null,
      patch.product_name ?? null,
      patch.default_locale ?? null,
      patch.texts ? JSON.stringify(patch.texts) : null,
      patch.brand_color ?? null,
      patch.status ?? null,
      // undefined keeps the override, null removes it
      patch.fatigue_days !== undefined,
      patch.fatigue_days ?? null,
      patch.fatigue_on_blocked !== undefined,
      patch.fatigue_on_blocked ?? null,
      patch.logo_url !== undefined,
      patch.logo_url ?? null,
      patch.ask_testimonial_consent ?? null,
    ],
  );
  return rows[0];
}
