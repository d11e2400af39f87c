/**
 * Rows of a responses CSV: validated with the JSON API's rules and written in batches with
 * `insertResponses`, which keeps the rollups current. Reads back Plaudit's own export.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { startOfDay } from '../../core/calendar';
import { parseScore } from '../../csv/csv-records';
import type { Queryable } from '../db/port';
import { ApiError } from '../http/errors';
import { COMMENT_MAX, responseChannel } from '../http/routes/responses';
import { daySchema, emailSchema, localeSchema, uuid } from '../http/schemas';
import {
  type Attributes,
  ContactConflictError,
  type ContactInput,
  normaliseEmail,
  upsertContacts,
} from '../repo/contacts';
import { ImportRollups } from '../repo/import-rollups';
import { insertResponses, type NewResponse } from '../repo/responses';
import { getSurvey } from '../repo/surveys';
import { type ImporterFactory, RowProblem, type WriteCounts } from './csv-import';
import { cellOf, mapHeader } from './header';

const COLUMNS = [
  'score',
  'comment',
  'created_at',
  'survey_id',
  'email',
  'external_id',
  'name',
  'locale',
  'channel',
  'id',
] as const;
type Column = (typeof COLUMNS)[number];
const ALIASES: Record<string, Column> = { response_id: 'id', contact_name: 'name' };
/**
 * Columns of Plaudit's export that are derived or belong to the source workspace. The testimonial
 * consent is not imported: it was given for the survey that asked it.
 */
const EXPORT_ONLY = [
  'day',
  'survey_name',
  'category',
  'testimonial_consent',
  'contact_id',
  'account_id',
  'account_name',
];

/** Responses may be dated a little ahead: clocks differ. */
const FUTURE_TOLERANCE_MS = 5 * 60_000;
const dateTime = z.iso.datetime({ offset: true });

export interface ResponseImportItem {
  line: number;
  surveyId: string;
  contact: ContactInput | null;
  score: number;
  comment: string | null;
  locale: string | null;
  channel: string;
  properties: Attributes;
  key: string;
  createdAt: Date;
}

/** Fails the row with a message naming the column. */
function fail(field: string, message: string, code = 'invalid_value'): never {
  throw new RowProblem(field, code, `${field}: ${message}`);
}

function checked<T>(schema: z.ZodType<T>, field: string, value: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) fail(field, parsed.error.issues[0]!.message);
  return parsed.data;
}

export interface ResponseImportContext {
  workspaceId: string;
  timeZone: string;
  /** `?survey_id=`: every row goes to this survey (a survey_id column is then ignored). */
  surveyId: string | undefined;
  now: () => Date;
}

/** Upserts contacts, retrying when a concurrent writer created one of them meanwhile. */
async function upsertContactsRetrying(db: Queryable, workspaceId: string, inputs: ContactInput[]) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await upsertContacts(db, workspaceId, inputs);
    } catch (error) {
      if (!(error instanceof ContactConflictError) || attempt === 3) throw error;
    }
  }
}

/** Contact ids remembered per import; a bound keeps memory flat on files with millions of customers. */
const MAX_CACHED_CONTACTS = 200_000;

const identityOnly = (c: ContactInput) => c.name === undefined && c.locale === undefined;
const identityOf = (c: ContactInput) =>
  c.external_id ? `x:${c.external_id}` : `e:${normaliseEmail(c.email ?? '')}`;

export function responseImporter(ctx: ResponseImportContext): ImporterFactory<ResponseImportItem> {
  return async (header, db) => {
    const { known, attributes } = mapHeader(header, COLUMNS, ALIASES, EXPORT_ONLY);
    if (known.score === undefined) {
      throw new ApiError(400, 'invalid_header', 'The header has no "score" column', 'score');
    }
    if (ctx.surveyId === undefined && known.survey_id === undefined) {
      throw new ApiError(
        400,
        'invalid_request',
        'survey_id: give ?survey_id= or a survey_id column',
        'survey_id',
      );
    }
    if (ctx.surveyId !== undefined && !(await getSurvey(db, ctx.workspaceId, ctx.surveyId))) {
      throw new ApiError(
        422,
        'unknown_reference',
        'survey_id: no such survey in this workspace',
        'survey_id',
      );
    }
    // Surveys named in the file, checked once each.
    const surveyKnown = new Map<string, boolean>();
    const surveyOf = async (fields: readonly string[]): Promise<string> => {
      if (ctx.surveyId !== undefined) return ctx.surveyId;
      const text = cellOf(fields, known.survey_id);
      if (text === '') fail('survey_id', 'required (or give ?survey_id=)', 'required');
      const id = checked(uuid, 'survey_id', text);
      let ok = surveyKnown.get(id);
      if (ok === undefined) {
        ok = (await getSurvey(db, ctx.workspaceId, id)) !== undefined;
        if (surveyKnown.size < 10_000) surveyKnown.set(id, ok);
      }
      if (!ok) fail('survey_id', 'no such survey in this workspace', 'unknown_reference');
      return id;
    };

    const contactIds = new Map<string, string>();
    let lookForDuplicates = true;
    const rollups = new ImportRollups();

    return {
      async parse(fields, line) {
        const get = (column: Column) => cellOf(fields, known[column]);
        const scoreText = get('score');
        if (scoreText === '') fail('score', 'required', 'required');
        const score = parseScore(scoreText);
        if (score === null) fail('score', 'must be an integer from 0 to 10');

        const comment = get('comment');
        if (comment.length > COMMENT_MAX) fail('comment', `at most ${COMMENT_MAX} characters`);

        const now = ctx.now();
        let createdAt = now;
        const created = get('created_at');
        if (created !== '') {
          if (/^\d{4}-\d{2}-\d{2}$/.test(created)) {
            createdAt = startOfDay(checked(daySchema, 'created_at', created), ctx.timeZone);
          } else {
            createdAt = new Date(checked(dateTime, 'created_at', created));
            if (Number.isNaN(createdAt.getTime())) fail('created_at', 'must be an ISO 8601 date-time');
          }
          if (createdAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
            fail('created_at', 'must not be in the future');
          }
        }

        const email = get('email');
        const externalId = get('external_id');
        const name = get('name');
        const locale = get('locale');
        if (externalId.length > 200) fail('external_id', 'at most 200 characters');
        if (name.length > 300) fail('name', 'at most 300 characters');
        const contact: ContactInput | null =
          email || externalId
            ? {
                email: email ? checked(emailSchema, 'email', email) : undefined,
                external_id: externalId || undefined,
                name: name || undefined,
                locale: locale ? checked(localeSchema, 'locale', locale) : undefined,
              }
            : null;
        if (locale) checked(localeSchema, 'locale', locale);
        const channelText = get('channel');
        const channel = channelText ? checked(responseChannel, 'channel', channelText) : 'import';

        const properties: Attributes = {};
        for (const { name: key, index } of attributes) {
          const value = cellOf(fields, index);
          if (value === '') continue;
          if (value.length > 500) fail(key, 'at most 500 characters');
          properties[key] = value;
        }

        const surveyId = await surveyOf(fields);
        const id = get('id');
        if (id.length > 190) fail('id', 'at most 190 characters');
        // Without an id, the line is part of the key: re-importing the same file is a no-op, yet two
        // equal rows (same score, same day, no comment) stay two responses.
        const key = id
          ? `import:${id}`
          : `import:sha256:${createHash('sha256')
              .update(JSON.stringify([line, surveyId, fields]))
              .digest('base64url')}`;
        return {
          line,
          surveyId,
          contact,
          score,
          comment: comment || null,
          locale: locale || null,
          channel,
          properties,
          key,
          createdAt,
        };
      },

      async write(tx, items, inOneTransaction): Promise<WriteCounts> {
        // A contact named only by email/external_id that this import has already resolved needs
        // no statement: history files name the same customers again and again.
        const contactOf = new Map<ResponseImportItem, string>();
        const toUpsert: ResponseImportItem[] = [];
        for (const item of items) {
          if (!item.contact) continue;
          const known = identityOnly(item.contact) ? contactIds.get(identityOf(item.contact)) : undefined;
          if (known) contactOf.set(item, known);
          else toUpsert.push(item);
        }
        const upserted = await upsertContactsRetrying(
          tx,
          ctx.workspaceId,
          toUpsert.map((item) => item.contact!),
        );
        if (contactIds.size > MAX_CACHED_CONTACTS) contactIds.clear();
        // Remembered only once this batch is written: a batch that fails is rolled back with the
        // contacts it created, and its rows retried one by one must create them again.
        const learned = new Map<string, string>();
        toUpsert.forEach((item, i) => {
          contactOf.set(item, upserted[i]!);
          learned.set(identityOf(item.contact!), upserted[i]!);
        });
        // Looking for earlier imports of these rows costs a query per batch; once a batch finds
        // none (a new file), leave duplicates to insertResponses, which reports them too.
        const seen = new Set<string>();
        if (lookForDuplicates) {
          const stored = await tx.query<{ idempotency_key: string }>(
            'SELECT idempotency_key FROM response WHERE workspace_id = $1 AND idempotency_key = ANY($2::text[])',
            [ctx.workspaceId, items.map((item) => item.key)],
          );
          for (const r of stored) seen.add(r.idempotency_key);
          lookForDuplicates = stored.length > 0;
        }
        const fresh: NewResponse[] = [];
        for (const item of items) {
          if (seen.has(item.key)) continue;
          seen.add(item.key);
          fresh.push({
            workspace_id: ctx.workspaceId,
            survey_id: item.surveyId,
            contact_id: contactOf.get(item) ?? null,
            invitation_id: null,
            score: item.score,
            comment: item.comment,
            locale: item.locale,
            channel: item.channel,
            properties: item.properties,
            idempotency_key: item.key,
            edit_token: null,
            editable_until: null,
            created_at: item.createdAt,
          });
        }
        let inserted: number;
        if (inOneTransaction) {
          inserted = await rollups.insert(tx, ctx.workspaceId, fresh);
        } else {
          // Each batch commits on its own: the rollups must be current with it.
          inserted = (await insertResponses(tx, fresh)).filter((r) => r.inserted).length;
        }
        if (inserted < fresh.length) lookForDuplicates = true;
        for (const [identity, id] of learned) contactIds.set(identity, id);
        return { inserted, updated: 0, unchanged: items.length - inserted };
      },

      async finish(tx) {
        await rollups.flush(tx, ctx.workspaceId);
      },
    };
  };
}
