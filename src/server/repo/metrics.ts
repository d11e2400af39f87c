import { addDays } from '../../core/trend';
import type { Queryable } from '../db/port';
import { journeyStageCondition, type ResponseFilter, scoresOf, whereOf } from './responses';

/** A breakdown or trend dimension. Attribute keys address the response's attribute snapshot. */
export type Dimension =
  | { kind: 'day' }
  | { kind: 'survey' }
  | { kind: 'channel' }
  | { kind: 'journey_stage' }
  | { kind: 'none' }
  | { kind: 'attribute'; key: string }
  /** A date attribute grouped by its month, quarter or year: signup cohorts (`customer_since`). */
  | { kind: 'cohort'; key: string; unit: CohortUnit };

export type CohortUnit = 'month' | 'quarter' | 'year';
const COHORT_FORMAT: Record<CohortUnit, string> = { month: 'YYYY-MM', quarter: 'YYYY-"Q"Q', year: 'YYYY' };

export interface GroupedDistribution {
  key: string | null;
  distribution: number[];
}

export type MetricsSource = 'rollup' | 'raw';

interface CountRow {
  key: string | null;
  score: number;
  n: number;
}

function fold(rows: readonly CountRow[]): GroupedDistribution[] {
  const byKey = new Map<string | null, number[]>();
  for (const row of rows) {
    let d = byKey.get(row.key);
    if (!d) {
      d = new Array<number>(11).fill(0);
      byKey.set(row.key, d);
    }
    d[row.score] = (d[row.score] ?? 0) + row.n;
  }
  return [...byKey].map(([key, distribution]) => ({ key, distribution }));
}

/**
 * Which rollup answers a query, or none. The daily rollup knows survey, day, channel and score;
 * the attribute rollup knows survey, day, one attribute value and score, for the workspace's
 * segment attributes. Anything else (contact, category, comment, search, two attributes …) reads raw rows.
 */
export function rollupFor(
  filter: ResponseFilter,
  dimension: Dimension,
  segmentAttributes: readonly string[],
): 'daily' | 'attribute' | null {
  if (
    scoresOf(filter) ||
    filter.contact_id ||
    filter.account_id ||
    filter.has_comment !== undefined ||
    filter.q !== undefined
  )
    return null;
  // Cohorts are computed from the raw date values.
  if (dimension.kind === 'cohort') return null;
  const attributeKeys = Object.keys(filter.attributes ?? {});
  const dimensionKey = dimension.kind === 'attribute' ? dimension.key : null;
  const keys = new Set([...attributeKeys, ...(dimensionKey ? [dimensionKey] : [])]);
  if (keys.size === 0) return 'daily';
  if (keys.size > 1 || filter.channel?.length || dimension.kind === 'channel') return null;
  const [key] = keys;
  return segmentAttributes.includes(key!) ? 'attribute' : null;
}

/**
 * Score distributions grouped by `dimension`, from a rollup when one can answer exactly and from
 * raw responses otherwise. Both paths return the same numbers (a test checks this on random data).
 */
export async function groupedDistributions(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
  dimension: Dimension,
  options: { segmentAttributes: readonly string[]; source?: MetricsSource },
): Promise<{ groups: GroupedDistribution[]; source: MetricsSource }> {
  const rollup = options.source === 'raw' ? null : rollupFor(filter, dimension, options.segmentAttributes);
  if (rollup === 'daily')
    return { groups: fold(await fromDailyRollup(db, workspaceId, filter, dimension)), source: 'rollup' };
  if (rollup === 'attribute') {
    return { groups: fold(await fromAttributeRollup(db, workspaceId, filter, dimension)), source: 'rollup' };
  }
  return { groups: fold(await fromRaw(db, workspaceId, filter, dimension)), source: 'raw' };
}

function commonRollupConditions(
  workspaceId: string,
  filter: ResponseFilter,
  params: unknown[],
  alias: string,
  granularity: 'daily' | 'monthly' = 'daily',
) {
  const add = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const column = `${alias}.${granularity === 'daily' ? 'day' : 'month'}`;
  const c = [`${alias}.workspace_id = ${add(workspaceId)}`];
  if (filter.survey_id?.length) c.push(`${alias}.survey_id = ANY(${add(filter.survey_id)}::uuid[])`);
  if (filter.journey_stage?.length) c.push(journeyStageCondition(alias, add(filter.journey_stage)));
  if (filter.from) c.push(`${column} >= ${add(filter.from)}::date`);
  if (filter.to) c.push(`${column} <= ${add(filter.to)}::date`);
  return { c, add };
}

function keyExpression(dimension: Dimension, alias: string): { select: string; join: string } {
  switch (dimension.kind) {
    case 'day':
      return { select: `${alias}.day::text`, join: '' };
    case 'survey':
      return { select: `${alias}.survey_id::text`, join: '' };
    case 'channel':
      return { select: `${alias}.channel`, join: '' };
    case 'journey_stage':
      return { select: 's.journey_stage', join: `JOIN survey s ON s.id = ${alias}.survey_id` };
    case 'none':
      return { select: 'NULL::text', join: '' };
    case 'attribute':
      return { select: `${alias}.value`, join: '' };
    case 'cohort':
      throw new Error('cohorts are answered from raw responses only');
  }
}

async function fromDailyRollup(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
  dimension: Dimension,
) {
  const params: unknown[] = [];
  const { c, add } = commonRollupConditions(workspaceId, filter, params, 'd');
  if (filter.channel?.length) c.push(`d.channel = ANY(${add(filter.channel)}::text[])`);
  const key = keyExpression(dimension, 'd');
  return db.query<CountRow>(
    `SELECT ${key.select} AS key, d.score, sum(d.count)::int AS n FROM response_daily d ${key.join}
     WHERE ${c.join(' AND ')} GROUP BY 1, 2`,
    params as never,
  );
}

/**
 * The parts of [from, to] that the attribute rollups answer: whole calendar months from the
 * monthly rollup, the days before the first and after the last whole month from the daily one.
 * No whole month inside (a short range): the daily rollup alone. Bounds left open stay open.
 */
export function attributeRollupParts(
  from: string | undefined,
  to: string | undefined,
): { table: 'daily' | 'monthly'; from?: string; to?: string }[] {
  // The first month that starts inside the range, and the last one that ends inside it.
  const firstMonth = from === undefined || from.endsWith('-01') ? from : addDays(monthOf(from), 32);
  const firstMonthStart = firstMonth === undefined ? undefined : monthOf(firstMonth);
  const lastMonthEnd =
    to === undefined || monthOf(addDays(to, 1)) !== monthOf(to) ? to : addDays(monthOf(to), -1);
  if (firstMonthStart !== undefined && lastMonthEnd !== undefined && firstMonthStart > lastMonthEnd) {
    return [{ table: 'daily', from, to }];
  }
  const parts: { table: 'daily' | 'monthly'; from?: string; to?: string }[] = [];
  if (from !== undefined && firstMonthStart !== undefined && from < firstMonthStart) {
    parts.push({ table: 'daily', from, to: addDays(firstMonthStart, -1) });
  }
  parts.push({
    table: 'monthly',
    from: firstMonthStart,
    to: lastMonthEnd === undefined ? undefined : monthOf(lastMonthEnd),
  });
  if (to !== undefined && lastMonthEnd !== undefined && to > lastMonthEnd) {
    parts.push({ table: 'daily', from: addDays(lastMonthEnd, 1), to });
  }
  return parts;
}

/** The first day of the month of a 'YYYY-MM-DD' day. */
const monthOf = (day: string) => `${day.slice(0, 8)}01`;

async function fromAttributeRollup(
  db: Queryable,
  workspaceId: string,
  filter: ResponseFilter,
  dimension: Dimension,
) {
  const params: unknown[] = [];
  const [filterKey, filterValue] = Object.entries(filter.attributes ?? {})[0] ?? [];
  const key = dimension.kind === 'attribute' ? dimension.key : filterKey!;
  // A trend needs days; anything else may sum whole months from the monthly rollup.
  const parts: { table: 'daily' | 'monthly'; from?: string; to?: string }[] =
    dimension.kind === 'day'
      ? [{ table: 'daily', from: filter.from, to: filter.to }]
      : attributeRollupParts(filter.from, filter.to);
  const selects = parts.map((part) => {
    const { c, add } = commonRollupConditions(workspaceId, { ...filter, ...part }, params, 'a', part.table);
    c.push(`a.key = ${add(key)}`);
    if (filterValue !== undefined) c.push(`a.value = ${add(filterValue)}`);
    const k = keyExpression(dimension, 'a');
    const table = part.table === 'daily' ? 'response_attribute_daily' : 'response_attribute_monthly';
    return `SELECT ${k.select} AS key, a.score, a.count FROM ${table} a ${k.join} WHERE ${c.join(' AND ')}`;
  });
  return db.query<CountRow>(
    `SELECT key, score, sum(count)::int AS n FROM (${selects.join(' UNION ALL ')}) t GROUP BY 1, 2`,
    params as never,
  );
}

async function fromRaw(db: Queryable, workspaceId: string, filter: ResponseFilter, dimension: Dimension) {
  const params: unknown[] = [];
  const where = whereOf(workspaceId, filter, params);
  let select: string;
  let join = '';
  if (dimension.kind === 'attribute') {
    params.push(dimension.key);
    select = `r.attributes ->> $${params.length}`;
  } else if (dimension.kind === 'cohort') {
    // Values that start with a date (2024-03-15, 2024-03-15T10:00:00Z) fall into their period;
    // anything else has no cohort (like a missing attribute).
    params.push(dimension.key);
    const value = `(r.attributes ->> $${params.length})`;
    select = `CASE WHEN ${value} ~ '^\\d{4}-\\d{2}-\\d{2}' THEN to_char(date_trunc('${dimension.unit}',
      left(${value}, 10)::date), '${COHORT_FORMAT[dimension.unit]}') END`;
  } else {
    const k = keyExpression(dimension, 'r');
    select = k.select;
    join = k.join;
  }
  const rows = await db.query<CountRow>(
    `SELECT ${select} AS key, r.score, count(*)::int AS n FROM response r ${join}
     WHERE ${where} GROUP BY 1, 2`,
    params as never,
  );
  // The attribute rollup has no row for a missing attribute; leave those out here too.
  return dimension.kind === 'attribute' || dimension.kind === 'cohort'
    ? rows.filter((r) => r.key !== null)
    : rows;
}

/** Recomputes the rollups of a workspace from its responses (after changing segment attributes). */
export async function rebuildRollups(db: Queryable, workspaceId: string): Promise<void> {
  await db.query('DELETE FROM response_daily WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM response_attribute_daily WHERE workspace_id = $1', [workspaceId]);
  await db.query('DELETE FROM response_attribute_monthly WHERE workspace_id = $1', [workspaceId]);
  await db.query(
    `INSERT INTO response_daily (workspace_id, day, survey_id, channel, score, count)
     SELECT workspace_id, day, survey_id, channel, score, count(*) FROM response WHERE workspace_id = $1
     GROUP BY 1, 2, 3, 4, 5`,
    [workspaceId],
  );
  await db.query(
    `INSERT INTO response_attribute_daily (workspace_id, key, day, survey_id, value, score, count)
     SELECT r.workspace_id, kv.key, r.day, r.survey_id, kv.value, r.score, count(*)
     FROM response r JOIN workspace w ON w.id = r.workspace_id CROSS JOIN LATERAL jsonb_each_text(r.attributes) kv
     WHERE r.workspace_id = $1 AND kv.value IS NOT NULL AND kv.key = ANY(w.segment_attributes)
     GROUP BY 1, 2, 3, 4, 5, 6`,
    [workspaceId],
  );
  // The monthly rollup is the daily one summed per month.
  await db.query(
    `INSERT INTO response_attribute_monthly (workspace_id, key, month, survey_id, value, score, count)
     SELECT workspace_id, key, date_trunc('month', day::timestamp)::date, survey_id, value, score, sum(count)
     FROM response_attribute_daily WHERE workspace_id = $1
     GROUP BY 1, 2, 3, 4, 5, 6`,
    [workspaceId],
  );
}
