import { z } from 'zod';
import { contactImporter } from '../../import/contact-import';
import { type ImportResult, runCsvImport } from '../../import/csv-import';
import { delightedImporter } from '../../import/delighted-import';
import { responseImporter } from '../../import/response-import';
import { defaultSurveyId } from '../../repo/delighted';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter, RouteInput } from '../api-router';
import { type AppContext, CSV_BODY_LIMIT } from '../app';
import { ApiError, notFound } from '../errors';
import { importRefusedSchema, importResultSchema } from '../response-schemas';
import { uuid } from '../schemas';

const DELIMITERS: Record<string, string> = {
  ',': ',',
  ';': ';',
  '\t': '\t',
  tab: '\t',
  comma: ',',
  semicolon: ';',
};

const importQuery = z.object({
  mode: z.enum(['atomic', 'partial']).default('atomic'),
  dry_run: z.enum(['true', 'false']).default('false'),
  delimiter: z
    .string()
    .refine((d) => d in DELIMITERS, 'must be , ; or tab')
    .optional(),
});

const CSV_TYPE = /^(text\/csv|application\/csv|text\/plain|text\/tab-separated-values)\s*(;|$)/i;

const resultDescription =
  'rows_read, valid, skipped, imported {inserted, updated, unchanged}, error_count, errors [{line, field, code, message}] (first 100), committed';

/** The request body as a stream, after checking it is CSV; never buffered whole. */
function csvBody(input: RouteInput<unknown, unknown, unknown>): AsyncIterable<Uint8Array> {
  const type = input.c.req.header('content-type') ?? '';
  if (!CSV_TYPE.test(type)) {
    throw new ApiError(415, 'unsupported_media_type', 'Content-Type must be text/csv');
  }
  const charset = /charset\s*=\s*"?([\w-]+)/i.exec(type)?.[1];
  if (charset && !/^utf-?8$/i.test(charset)) {
    throw new ApiError(415, 'unsupported_media_type', 'The CSV must be UTF-8 encoded');
  }
  const body = input.c.req.raw.body;
  if (!body)
    throw new ApiError(400, 'empty_file', 'The file is empty: a header row naming the columns is required');
  return body as unknown as AsyncIterable<Uint8Array>;
}

/** 422 when an atomic import was refused for bad rows, else 200. */
function respond(input: RouteInput<unknown, unknown, unknown>, result: ImportResult) {
  const first = result.errors[0];
  if (result.mode === 'atomic' && first) {
    const error = {
      code: 'invalid_rows' as const,
      message:
        `${result.error_count} row(s) are invalid, nothing was imported. ` +
        `First: line ${first.line}: ${first.message}`,
      field: first.field,
    };
    return input.c.json({ error, ...result }, 422);
  }
  return input.c.json(result, 200);
}

export function registerImportRoutes(api: ApiRouter, ctx: AppContext): void {
  const options = (query: z.infer<typeof importQuery>) => ({
    mode: query.mode,
    dryRun: query.dry_run === 'true',
    ...(query.delimiter ? { delimiter: DELIMITERS[query.delimiter]! } : {}),
    maxBytes: CSV_BODY_LIMIT,
  });

  api.route(
    {
      method: 'post',
      path: '/imports/contacts',
      summary:
        'Import contacts from CSV (email and/or external_id, name, locale, time_zone, account_external_id, account_name, account_revenue; other columns become attributes)',
      tag: 'Imports',
      query: importQuery,
      body: z.string(),
      bodyType: 'csv',
      responses: {
        200: { description: resultDescription, schema: importResultSchema },
        422: {
          description: 'Atomic import refused: the row errors, nothing written',
          schema: importRefusedSchema,
        },
      },
    },
    async (input) => {
      const body = csvBody(input);
      const result = await runCsvImport(
        ctx.db,
        body,
        contactImporter(input.auth.workspaceId),
        options(input.query),
      );
      return respond(input, result);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/imports/responses',
      summary:
        'Import responses from CSV (score; comment, created_at, survey_id, email, external_id, name, locale, channel, id; other columns become response properties)',
      tag: 'Imports',
      query: importQuery.extend({ survey_id: uuid.optional() }),
      body: z.string(),
      bodyType: 'csv',
      responses: {
        200: { description: resultDescription, schema: importResultSchema },
        422: {
          description: 'Atomic import refused: the row errors, nothing written',
          schema: importRefusedSchema,
        },
      },
    },
    async (input) => {
      const body = csvBody(input);
      const workspace = await getWorkspace(ctx.db, input.auth.workspaceId);
      if (!workspace) throw notFound('Workspace');
      const result = await runCsvImport(
        ctx.db,
        body,
        responseImporter({
          workspaceId: workspace.id,
          timeZone: workspace.time_zone,
          surveyId: input.query.survey_id,
          now: ctx.clock,
        }),
        options(input.query),
      );
      return respond(input, result);
    },
  );

  api.route(
    {
      method: 'post',
      path: '/imports/delighted',
      summary:
        "Import Delighted's CSV export of responses (Response ID, Date, Score, Comment, Email, Name, Tags, Notes; other columns become properties) into survey_id, default: the oldest active survey",
      tag: 'Imports',
      query: importQuery.extend({ survey_id: uuid.optional() }),
      body: z.string(),
      bodyType: 'csv',
      responses: {
        200: { description: resultDescription, schema: importResultSchema },
        422: {
          description: 'Atomic import refused: the row errors, nothing written',
          schema: importRefusedSchema,
        },
      },
    },
    async (input) => {
      const body = csvBody(input);
      const workspace = await getWorkspace(ctx.db, input.auth.workspaceId);
      if (!workspace) throw notFound('Workspace');
      const surveyId = input.query.survey_id ?? (await defaultSurveyId(ctx.db, workspace.id));
      if (!surveyId) {
        throw new ApiError(
          422,
          'unknown_reference',
          'survey_id: the workspace has no active survey',
          'survey_id',
        );
      }
      const result = await runCsvImport(
        ctx.db,
        body,
        delightedImporter({
          workspaceId: workspace.id,
          timeZone: workspace.time_zone,
          surveyId,
          now: ctx.clock,
        }),
        options(input.query),
      );
      return respond(input, result);
    },
  );
}
