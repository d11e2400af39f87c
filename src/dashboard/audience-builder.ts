/**
 * Pure helpers of the survey editor's distribution section: the simple audience builder (rows of
 * attribute / operator / value, combined with all | any) to the API's audience or filter JSON and
 * back, where an API error field such as `audience.all.1.value` belongs in the builder, and the
 * small text fields (months, send time) as the API takes them. A value the builder cannot read is
 * passed on as written, so the API refuses it naming the exact field.
 */

export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'not_in',
  'exists',
  'not_exists',
  'gt',
  'gte',
  'lt',
  'lte',
  'before',
  'after',
] as const;
export type Operator = (typeof OPERATORS)[number];

export interface ConditionRow {
  attribute: string;
  op: Operator;
  /** As typed: one value, or a comma-separated list for in / not_in; unused for exists. */
  value: string;
}

export interface BuilderState {
  /** everyone: no condition (a campaign's everyone, a trigger rule without filter). */
  mode: 'everyone' | 'filter';
  combine: 'all' | 'any';
  rows: ConditionRow[];
}

export type Scalar = string | number | boolean;

export const emptyRow = (): ConditionRow => ({ attribute: '', op: 'eq', value: '' });
export const everyone = (): BuilderState => ({ mode: 'everyone', combine: 'all', rows: [emptyRow()] });

/** Whether an operator takes no value, one, or a list. */
export function valueKind(op: Operator): 'none' | 'one' | 'list' {
  if (op === 'exists' || op === 'not_exists') return 'none';
  if (op === 'in' || op === 'not_in') return 'list';
  return 'one';
}

const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/**
 * A typed value: `12` and `-3.5` are numbers, `true` / `false` booleans, everything else text;
 * double quotes keep a value text (`"12"`).
 */
export function parseScalar(text: string): Scalar {
  const t = text.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1);
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (NUMBER.test(t)) return Number(t);
  return t;
}

/** A value as the builder shows it: text that would read as something else is quoted. */
export function formatScalar(value: unknown): string {
  if (typeof value === 'string') {
    const plain = parseScalar(value) === value && !value.includes(',') && !value.startsWith('"');
    return plain ? value : `"${value}"`;
  }
  return String(value);
}

/** A comma-separated list; commas inside double quotes belong to the value. */
export function parseList(text: string): Scalar[] {
  const out: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    if (ch === ',' && !quoted) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.filter((v) => v.trim() !== '').map(parseScalar);
}

export function formatList(values: unknown[]): string {
  return values.map(formatScalar).join(', ');
}

/** One row as the API's condition. */
export function rowToCondition(row: ConditionRow): Record<string, unknown> {
  const attribute = row.attribute.trim();
  switch (valueKind(row.op)) {
    case 'none':
      return { attribute, op: row.op };
    case 'list':
      return { attribute, op: row.op, values: parseList(row.value) };
    default:
      return {
        attribute,
        op: row.op,
        value: row.op === 'before' || row.op === 'after' ? row.value.trim() : parseScalar(row.value),
      };
  }
}

/** The builder as a campaign's or autopilot's `audience`. */
export function toAudience(state: BuilderState): Record<string, unknown> {
  if (state.mode === 'everyone') return { everyone: true };
  return { [state.combine]: state.rows.map(rowToCondition) };
}

/** The builder as a trigger rule's `filter` (null: every event of the name). */
export function toFilter(state: BuilderState): Record<string, unknown> | null {
  return state.mode === 'everyone' ? null : { [state.combine]: state.rows.map(rowToCondition) };
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An audience or filter from the API back into the builder; null when the builder cannot show it
 * (a list of contact ids, or nested groups).
 */
export function fromAudience(audience: unknown): BuilderState | null {
  if (audience === null || audience === undefined) return everyone();
  if (!isRecord(audience)) return null;
  if (audience['everyone'] === true) return everyone();
  const combine = Array.isArray(audience['all']) ? 'all' : Array.isArray(audience['any']) ? 'any' : null;
  if (!combine) return null;
  const rows: ConditionRow[] = [];
  for (const part of audience[combine] as unknown[]) {
    if (!isRecord(part) || typeof part['attribute'] !== 'string' || typeof part['op'] !== 'string')
      return null;
    const op = part['op'] as Operator;
    if (!(OPERATORS as readonly string[]).includes(op)) return null;
    const kind = valueKind(op);
    const value =
      kind === 'none'
        ? ''
        : kind === 'list'
          ? formatList(Array.isArray(part['values']) ? part['values'] : [])
          : op === 'before' || op === 'after'
            ? String(part['value'] ?? '')
            : formatScalar(part['value']);
    rows.push({ attribute: part['attribute'], op, value });
  }
  return { mode: 'filter', combine, rows: rows.length ? rows : [emptyRow()] };
}

export interface DescribeWords {
  everyone: string;
  and: string;
  or: string;
  /** "{n} chosen contacts" */
  contacts: (n: number) => string;
  op: (op: Operator) => string;
}

/** An audience or filter in one line ("plan = pro and country in DE, AT"). */
export function describeAudience(audience: unknown, words: DescribeWords): string {
  if (audience === null || audience === undefined || (isRecord(audience) && audience['everyone'] === true))
    return words.everyone;
  if (!isRecord(audience)) return JSON.stringify(audience);
  if (Array.isArray(audience['contact_ids'])) return words.contacts(audience['contact_ids'].length);
  const combine = Array.isArray(audience['all']) ? 'all' : Array.isArray(audience['any']) ? 'any' : null;
  if (!combine) return JSON.stringify(audience);
  const joiner = ` ${combine === 'all' ? words.and : words.or} `;
  const parts = (audience[combine] as unknown[]).map((part) => {
    if (!isRecord(part)) return JSON.stringify(part);
    if ('all' in part || 'any' in part) return `(${describeAudience(part, words)})`;
    const op = part['op'] as Operator;
    const value =
      valueKind(op) === 'none'
        ? ''
        : valueKind(op) === 'list'
          ? ` ${formatList(Array.isArray(part['values']) ? part['values'] : [])}`
          : ` ${formatScalar(part['value'])}`;
    return `${String(part['attribute'])} ${words.op(op)}${value}`;
  });
  return parts.join(joiner);
}

export interface BuilderTarget {
  /** The row the error is in; null: the builder as a whole. */
  row: number | null;
  part: 'attribute' | 'op' | 'value' | null;
}

/**
 * Where an API error field belongs in a builder whose JSON is under `prefix` ("audience",
 * "filter"): `audience.all.1.values.0` is row 1's value; `audience.any` the builder. Null when the
 * field is not the builder's.
 */
export function builderTarget(field: string | null | undefined, prefix: string): BuilderTarget | null {
  if (!field || (field !== prefix && !field.startsWith(`${prefix}.`))) return null;
  const rest = field.slice(prefix.length + 1).split('.');
  const index = rest[1] === undefined ? Number.NaN : Number(rest[1]);
  if ((rest[0] !== 'all' && rest[0] !== 'any') || !Number.isInteger(index)) return { row: null, part: null };
  const key = rest[2];
  const part =
    key === 'attribute' || key === 'op' ? key : key === 'value' || key === 'values' ? 'value' : null;
  return { row: index, part };
}

/** "3, 6, 12" as months; a word that is no whole number is passed on for the API to name. */
export function parseMonths(text: string): (number | string)[] {
  return text
    .split(/[\s,;]+/)
    .filter(Boolean)
    .map((t) => (/^-?[0-9]+$/.test(t) ? Number(t) : t));
}

/** A datetime-local value (the browser's time) as an ISO instant; what it cannot read, as written. */
export function localToIso(value: string): string {
  const date = new Date(value);
  return value && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
}
