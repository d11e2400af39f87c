import { z } from 'zod';
import { CATEGORIES } from '../../core/nps';
import { isValidDay } from '../../core/trend';
import { ApiError } from './errors';

export const uuid = z.uuid({ message: 'must be a UUID' });
export const idParams = z.object({ id: uuid });

export const localeSchema = z
  .string()
  .regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a locale such as "de", "en" or "de-AT"');

export const daySchema = z.string().refine(isValidDay, 'must be a date YYYY-MM-DD');

export const hexColor = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour #rrggbb');

export const scoreSchema = z
  .number({ message: 'must be an integer from 0 to 10' })
  .int('must be an integer from 0 to 10')
  .min(0, 'must be an integer from 0 to 10')
  .max(10, 'must be an integer from 0 to 10');

export const attributeKey = z
  .string()
  .regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'attribute names are letters, digits, _ . - (max 64)');

/** Free attributes: flat scalars only, so they can be filtered and rolled up. null removes one. */
export const attributesSchema = z
  .record(attributeKey, z.union([z.string().max(500), z.number().finite(), z.boolean(), z.null()]))
  .refine((o) => Object.keys(o).length <= 50, 'at most 50 attributes');

export const emailSchema = z.email({ message: 'must be an email address' }).max(320);

/** A comma-separated or repeated query parameter. */
export function listOf<O>(item: z.ZodType<O, string>) {
  return z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(',')).filter((s) => s !== ''))
    .pipe(z.array(item));
}

export const paginationQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(200).optional(),
};

export interface Cursor {
  created_at: string;
  id: string;
}

export function encodeCursor(row: { created_at: Date; id: string }): string {
  return Buffer.from(JSON.stringify([row.created_at.toISOString(), row.id])).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): Cursor | undefined {
  if (cursor === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(createdAt)) || !uuid.safeParse(id).success) throw new Error('bad cursor');
    return { created_at: createdAt, id };
  } catch {
    throw new ApiError(400, 'invalid_request', 'cursor: not a cursor returned by this API', 'cursor');
  }
}

/** Builds a page: fetch `limit + 1` rows, return `limit` and a cursor when there are more. */
export function pageOf<T extends { created_at: Date; id: string }, O>(
  rows: T[],
  limit: number,
  map: (row: T) => O,
) {
  const more = rows.length > limit;
  const data = more ? rows.slice(0, limit) : rows;
  return { data: data.map(map), next_cursor: more ? encodeCursor(data[data.length - 1]!) : null };
}

/** Response filters as query parameters; attributes as `attr.plan=pro` or `attr[plan]=pro`. */
export const responseFilterQuery = z
  .object({
    survey_id: listOf(uuid).optional(),
    journey_stage: listOf(z.string().max(60)).optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    category: listOf(z.enum(CATEGORIES as [string, ...string[]])).optional(),
    score: listOf(
      z
        .string()
        .regex(/^(10|[0-9])$/, 'scores are 0-10')
        .transform(Number),
    ).optional(),
    channel: listOf(z.string().max(40)).optional(),
    contact_id: uuid.optional(),
    account_id: uuid.optional(),
    has_comment: z.enum(['true', 'false']).optional(),
  })
  .catchall(z.union([z.string(), z.array(z.string())]));

const ATTRIBUTE_PARAM = /^attr(?:\.(.+)|\[(.+)\])$/;

/** The attribute filters of a parsed query: `attr.plan=pro` → { plan: 'pro' }. Unknown keys are errors. */
export function attributeFiltersOf(
  query: Record<string, unknown>,
  known: readonly string[],
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [param, value] of Object.entries(query)) {
    if (known.includes(param)) continue;
    const match = ATTRIBUTE_PARAM.exec(param);
    if (!match) throw new ApiError(400, 'invalid_request', `${param}: unknown query parameter`, param);
    if (typeof value !== 'string')
      throw new ApiError(400, 'invalid_request', `${param}: give it once`, param);
    const key = (match[1] ?? match[2])!;
    if (!attributeKey.safeParse(key).success) {
      throw new ApiError(400, 'invalid_request', `${param}: not a valid attribute name`, param);
    }
    out[key] = value;
  }
  return out;
}

/**
 * `q`: full-text search in comments, for the routes that offer it (list, export, themes). Not part
 * of `responseFilterQuery`, so a route that does not search refuses it instead of ignoring it.
 */
export const searchParam = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'at most 500 characters')
  .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters')
  .describe(
    "Full-text search in comments, stemmed in each response's language (German for locale de…, else English): " +
      'words must all occur, "a phrase" in quotes, or between alternatives, -word excludes',
  );

export const FILTER_KEYS = [
  'survey_id',
  'journey_stage',
  'from',
  'to',
  'category',
  'score',
  'channel',
  'contact_id',
  'account_id',
  'has_comment',
] as const;

/** API output omits the tenant id: the key already says which workspace it is. */
export function withoutWorkspace<T extends { workspace_id: string }>(row: T): Omit<T, 'workspace_id'> {
  const { workspace_id: _, ...rest } = row;
  return rest;
}
