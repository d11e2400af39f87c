import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { categoryOf } from '../../../core/nps';
import { localDay } from '../../../core/trend';
import { groupedDistributions } from '../../repo/metrics';
import { type ExportRow, listAttributeKeys, listResponsesForExport } from '../../repo/response-export';
import { getWorkspace } from '../../repo/workspaces';
import type { ApiRouter } from '../api-router';
import type { AppContext } from '../app';
import { checkReferences } from '../check-references';
import { ApiError, notFound } from '../errors';
import { attributeKey, responseFilterQuery, searchParam } from '../schemas';
import { filterFromQuery } from './responses';

const FIXED_COLUMNS = [
  'id',
  'created_at',
  'day',
  'survey_id',
  'survey_name',
  'score',
  'category',
  'comment',
  'testimonial_consent',
  'channel',
  'locale',
  'contact_id',
  'email',
  'external_id',
  'contact_name',
  'account_id',
  'account_name',
] as const;

/** Rows per query: large enough to keep round trips few, small enough to keep memory flat. */
const EXPORT_BATCH = 2000;

/**
 * OWASP's advice against CSV (formula) injection: a cell a spreadsheet would read as a formula
 * gets a leading apostrophe, which spreadsheets show as text and do not display.
 */
export function escapeFormula(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const exportQuery = responseFilterQuery.extend({
  attributes: z.string().max(2000).optional(),
  raw: z.enum(['true', 'false']).default('false'),
  q: searchParam.optional(),
});

export function registerResponseExportRoutes(api: ApiRouter, ctx: AppContext): void {
  api.route(
    {
      method: 'get',
      path: '/responses/export',
      summary:
        'Export responses as CSV (same filters and q as the list; attributes=plan,country picks attribute columns; raw=true turns off formula escaping)',
      tag: 'Responses',
      query: exportQuery,
      responses: {
        200: {
          description: 'The CSV, streamed; X-Total-Count has the number of rows',
          contentType: 'text/csv',
        },
      },
    },
    async ({ auth, query }) => {
      const filter = { ...filterFromQuery(query, ['attributes', 'raw', 'q']), q: query.q };
      await checkReferences(ctx.db, auth.workspaceId, filter);
      const workspace = await getWorkspace(ctx.db, auth.workspaceId);
      if (!workspace) throw notFound('Workspace');
      let keys: string[];
      if (query.attributes !== undefined) {
        keys = [
          ...new Set(
            query.attributes
              .split(',')
              .map((k) => k.trim())
              .filter((k) => k !== ''),
          ),
        ];
        for (const key of keys) {
          if (!attributeKey.safeParse(key).success) {
            throw new ApiError(
              400,
              'invalid_request',
              `attributes: "${key}" is not a valid attribute name`,
              'attributes',
            );
          }
        }
      } else {
        keys = await listAttributeKeys(ctx.db, auth.workspaceId, filter);
      }
      const fixed = new Set<string>(FIXED_COLUMNS);
      // An attribute named like a fixed column would make the header ambiguous on re-import.
      keys = keys.filter((k) => !fixed.has(k));
      const columns = [...FIXED_COLUMNS, ...keys];
      const { groups } = await groupedDistributions(
        ctx.db,
        auth.workspaceId,
        filter,
        { kind: 'none' },
        {
          segmentAttributes: workspace.segment_attributes,
        },
      );
      const total = groups.reduce((n, g) => n + g.distribution.reduce((a, b) => a + b, 0), 0);

      const text = query.raw === 'true' ? (v: string) => v : escapeFormula;
      const optional = (v: string | null) => (v === null ? '' : text(v));
      const recordOf = (row: ExportRow): string[] => [
        row.id,
        row.created_at.toISOString(),
        row.day,
        row.survey_id,
        text(row.survey_name),
        String(row.score),
        categoryOf(row.score),
        optional(row.comment),
        // true, false, or empty: not asked (not a promoter) or not answered
        row.testimonial_consent === null ? '' : String(row.testimonial_consent),
        text(row.channel),
        optional(row.locale),
        row.contact_id ?? '',
        optional(row.email),
        optional(row.external_id),
        optional(row.contact_name),
        row.account_id ?? '',
        optional(row.account_name),
        ...keys.map((key) => {
          const value = row.attributes[key];
          if (value === undefined || value === null) return '';
          // Numbers and booleans are ours, not typed by a customer: no formula to defuse.
          return typeof value === 'string' ? text(value) : String(value);
        }),
      ];

      const encoder = new TextEncoder();
      let before: { cursor_at: string; id: string } | undefined;
      let started = false;
      let cancelled = false;
      // pull() runs only when the client has taken the previous chunk: backpressure, one batch ahead.
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          const rows = await listResponsesForExport(ctx.db, auth.workspaceId, filter, {
            before,
            limit: EXPORT_BATCH,
          });
          if (cancelled) return;
          const chunk = stringify(rows.map(recordOf), {
            header: !started,
            columns,
            bom: !started,
          });
          started = true;
          if (chunk !== '') controller.enqueue(encoder.encode(chunk));
          const last = rows[rows.length - 1];
          if (rows.length < EXPORT_BATCH || !last) controller.close();
          else before = { cursor_at: last.cursor_at, id: last.id };
        },
        cancel() {
          // The client went away: no further queries.
          cancelled = true;
        },
      });
      const day = localDay(ctx.clock(), workspace.time_zone);
      return new Response(body, {
        status: 200,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': `attachment; filename="plaudit-responses-${day}.csv"`,
          'x-total-count': String(total),
          'cache-control': 'no-store',
        },
      });
    },
  );
}
