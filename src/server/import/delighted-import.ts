/**
 * Delighted's CSV export of responses, imported as Plaudit responses: each row is translated to a
 * row of Plaudit's own responses CSV (response-import.ts), so validation, batching, contacts,
 * rollups, idempotency and line-numbered errors are the same. Re-importing the same export is a
 * no-op (the key is Delighted's response id).
 *
 * Columns, matched case-insensitively (spaces, `_` and `-` alike):
 * - Response ID → the idempotency key; Score → score (0-10); Comment → comment;
 * - Date (also Response date, Created at, Response timestamp, Timestamp) → created_at: the
 *   original date. "2024-03-05 14:22:11 -0800", "… UTC", ISO 8601, a day "2024-03-05" (midnight in
 *   the workspace's time zone) or Unix seconds;
 * - Email, Name (also Person email, Person name) → the contact; Locale or Language → locale;
 * - Survey type: rows other than NPS are refused (CSAT, CES… use other scales);
 * - Tags, Notes, Person ID, Phone number, Source → properties delighted_tags, delighted_notes,
 *   delighted_person_id, phone_number, delighted_source;
 * - Permalink, Last updated, Updated at: not imported;
 * - any other column (also "Properties: Plan" / "Property: Plan") → a property named after it.
 */
import { ApiError } from '../http/errors';
import { attributeNameOf } from '../http/routes/delighted';
import { type ImporterFactory, normaliseHeader, RowProblem } from './csv-import';
import { type ResponseImportContext, type ResponseImportItem, responseImporter } from './response-import';

type Known = 'id' | 'score' | 'comment' | 'created_at' | 'email' | 'name' | 'locale' | 'survey_type';

const KNOWN: Record<string, Known> = {
  response_id: 'id',
  id: 'id',
  score: 'score',
  rating: 'score',
  comment: 'comment',
  date: 'created_at',
  response_date: 'created_at',
  created_at: 'created_at',
  response_timestamp: 'created_at',
  timestamp: 'created_at',
  email: 'email',
  person_email: 'email',
  email_address: 'email',
  name: 'name',
  person_name: 'name',
  locale: 'locale',
  language: 'locale',
  survey_type: 'survey_type',
};
/** Delighted columns kept as properties under a fixed name. */
const RENAMED: Record<string, string> = {
  tags: 'delighted_tags',
  notes: 'delighted_notes',
  person_id: 'delighted_person_id',
  delighted_person_id: 'delighted_person_id',
  phone_number: 'phone_number',
  source: 'delighted_source',
  delighted_source: 'delighted_source',
  channel: 'delighted_source',
};
const DROPPED = new Set(['permalink', 'last_updated', 'updated_at']);
const PROPERTY_PREFIX = /^(person[ _-]?)?propert(y|ies)\s*[:.]\s*/i;
const MAX_PROPERTY_LENGTH = 500;

const keyOf = (cell: string) => normaliseHeader(cell).toLowerCase().replace(/-/g, '_');

/**
 * A Delighted date as ISO 8601 (or a plain day, left to the response importer); undefined when it
 * is none of the accepted forms.
 */
export function delightedDateOf(text: string): string | undefined {
  if (text === '') return '';
  if (/^\d{9,11}$/.test(text)) return new Date(Number(text) * 1000).toISOString();
  if (/^\d{4}-\d{2}-\d{2}$/.test(text)) return text;
  const m =
    /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)\s*(Z|UTC|GMT|[+-]\d{2}:?\d{2})?$/i.exec(text);
  if (!m) return undefined;
  const zone = m[3];
  const offset =
    zone === undefined || /^(Z|UTC|GMT)$/i.test(zone)
      ? 'Z'
      : zone.includes(':')
        ? zone
        : `${zone.slice(0, 3)}:${zone.slice(3)}`;
  const time = m[2]!.length === 5 ? `${m[2]}:00` : m[2];
  const date = new Date(`${m[1]}T${time}${offset}`);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString();
}

export function delightedImporter(ctx: ResponseImportContext): ImporterFactory<ResponseImportItem> {
  const inner = responseImporter(ctx);
  return async (header, db) => {
    // Where each canonical column comes from, and the original column name for error messages.
    const known: Partial<Record<Known, number>> = {};
    const properties: { name: string; index: number; original: string }[] = [];
    const originalOf = new Map<string, string>();
    const used = new Set<string>();
    header.forEach((cell, index) => {
      const original = cell.trim();
      const key = keyOf(original);
      const canonical = KNOWN[key];
      if (canonical !== undefined) {
        if (known[canonical] !== undefined) {
          throw new ApiError(400, 'invalid_header', `Column "${original}" appears twice`, original);
        }
        known[canonical] = index;
        originalOf.set(canonical, original);
        return;
      }
      if (DROPPED.has(key) || original === '') return;
      let name = RENAMED[key] ?? attributeNameOf(original.replace(PROPERTY_PREFIX, ''));
      for (let n = 2; used.has(name.toLowerCase()) || KNOWN[name.toLowerCase()]; n++) {
        name = `${attributeNameOf(original.replace(PROPERTY_PREFIX, ''))}_${n}`;
      }
      used.add(name.toLowerCase());
      properties.push({ name, index, original });
      originalOf.set(name, original);
    });
    if (known.score === undefined) {
      throw new ApiError(400, 'invalid_header', 'The header has no "Score" column', 'Score');
    }
    const columns: Known[] = ['id', 'score', 'comment', 'created_at', 'email', 'name', 'locale'];
    const importer = await inner([...columns, ...properties.map((p) => p.name)], db);
    const cell = (fields: readonly string[], index: number | undefined) =>
      index === undefined ? '' : (fields[index] ?? '').trim();

    return {
      parse(fields, line) {
        const surveyType = cell(fields, known.survey_type).toLowerCase();
        if (surveyType !== '' && surveyType !== 'nps') {
          throw new RowProblem(
            originalOf.get('survey_type') ?? 'survey_type',
            'invalid_value',
            `${originalOf.get('survey_type')}: only NPS responses can be imported, not ${surveyType}`,
          );
        }
        const dateText = cell(fields, known.created_at);
        const created = delightedDateOf(dateText);
        const dateColumn = originalOf.get('created_at') ?? 'Date';
        if (created === undefined) {
          throw new RowProblem(
            dateColumn,
            'invalid_value',
            `${dateColumn}: must be a date such as "2024-03-05 14:22:11 -0800", ISO 8601 or Unix seconds`,
          );
        }
        const id = cell(fields, known.id);
        const row = [
          id ? `delighted:${id}` : '',
          cell(fields, known.score),
          cell(fields, known.comment),
          created,
          cell(fields, known.email),
          cell(fields, known.name),
          cell(fields, known.locale).replace('_', '-'),
          ...properties.map((p) => cell(fields, p.index).slice(0, MAX_PROPERTY_LENGTH)),
        ];
        return Promise.resolve(importer.parse(row, line)).catch((error: unknown) => {
          // Errors name the column of the Delighted file.
          if (!(error instanceof RowProblem) || error.field === null) throw error;
          const original = originalOf.get(error.field) ?? error.field;
          throw new RowProblem(
            original,
            error.code,
            error.message.startsWith(`${error.field}:`)
              ? `${original}${error.message.slice(error.field.length)}`
              : error.message,
          );
        });
      },
      write: (tx, items, inOneTransaction) => importer.write(tx, items, inOneTransaction),
      ...(importer.finish ? { finish: (tx) => importer.finish!(tx) } : {}),
    };
  };
}
