/**
 * Audiences: who a survey goes to. Everyone, a list of contact ids, or a filter on the contacts'
 * attributes such as "plan = pro and country in (DE, AT, CH)":
 *
 *   { "all": [ { "attribute": "plan", "op": "eq", "value": "pro" },
 *              { "attribute": "country", "op": "in", "values": ["DE", "AT", "CH"] } ] }
 *
 * A filter has two meanings that must agree: `matches` (the reference, in TypeScript) and `toSql`
 * (a parameterised condition over the `attributes` jsonb column, for selecting contacts in the
 * database). A test runs both on random filters and attributes.
 *
 * Semantics, the same in both:
 * - Values are typed: "42" (a string) does not equal 42 (a number). An attribute that is missing
 *   or null does not exist.
 * - eq / in need the attribute to exist and equal (one of) the value(s); neq / not_in are their
 *   negations, so they include contacts without the attribute (combine with exists to exclude them).
 * - gt / gte / lt / lte with a number compare number attributes; with a day ('YYYY-MM-DD') they
 *   compare date attributes, as do before (< day) and after (> day). A date attribute is a string
 *   that is a day or begins with one followed by 'T' or a space (an ISO timestamp); its day is
 *   taken as written, without time-zone conversion. Other attributes never compare.
 * - all: every part holds; any: at least one does.
 */
import { isValidDay } from './trend';
import {
  ATTRIBUTE_NAME,
  describeValue,
  type FieldError,
  isRecord,
  unknownKeyErrors,
  type Validated,
} from './validation';

export type ScalarValue = string | number | boolean;

export type ComparisonOp = 'gt' | 'gte' | 'lt' | 'lte';

export type Condition =
  | { attribute: string; op: 'eq' | 'neq'; value: ScalarValue }
  | { attribute: string; op: 'in' | 'not_in'; values: ScalarValue[] }
  | { attribute: string; op: 'exists' | 'not_exists' }
  | { attribute: string; op: ComparisonOp; value: number | string }
  | { attribute: string; op: 'before' | 'after'; value: string };

export type Operator = Condition['op'];

/** A group of conditions (or nested groups): all of them must hold, or any one of them. */
export type AttributeFilter = { all: FilterPart[] } | { any: FilterPart[] };
export type FilterPart = Condition | AttributeFilter;

/** Who a survey goes to. */
export type Audience = { everyone: true } | { contact_ids: string[] } | AttributeFilter;

export const OPERATORS: readonly Operator[] = Object.freeze([
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
]);

/** Limits that keep a filter a filter (and its SQL small). */
export const AUDIENCE_LIMITS = Object.freeze({
  conditions: 50,
  depth: 3,
  values: 500,
  valueLength: 500,
  contactIds: 10_000,
});

// A day, alone or followed by the time of an ISO timestamp. Written so that JavaScript and
// PostgreSQL read it alike, as it goes into the SQL too (no quotes in it, so it stays a literal).
const DATE_ATTRIBUTE = /^[0-9]{4}-[0-9]{2}-[0-9]{2}($|[T ])/;
const SQL_DATE_ATTRIBUTE = `'${DATE_ATTRIBUTE.source}'`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// PostgreSQL's jsonb refuses \u0000 and lone surrogates; a value it cannot store can never match.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Checks an audience from untrusted JSON and returns a clean copy, or every problem with the exact
 * field it is in.
 * @example validateAudience({ all: [{ attribute: 'plan', op: 'eq', value: 'pro' }, { attribute: 'name', op: 'like', value: 'A%' }] })
 * // { ok: false, errors: [{ path: 'audience.all.1.op', message: 'unknown operator "like"' }] }
 */
export function validateAudience(input: unknown, path = 'audience'): Validated<Audience> {
  if (!isRecord(input)) return { ok: false, errors: [{ path, message: 'must be an object' }] };
  const kinds = ['everyone', 'contact_ids', 'all', 'any'].filter((key) => Object.hasOwn(input, key));
  if (kinds.length !== 1) {
    const unknown = unknownKeyErrors(input, ['everyone', 'contact_ids', 'all', 'any'], path);
    if (unknown.length > 0) return { ok: false, errors: unknown };
    return {
      ok: false,
      errors: [{ path, message: 'must have exactly one of everyone, contact_ids, all, any' }],
    };
  }
  const kind = kinds[0]!;
  const errors = unknownKeyErrors(input, [kind], path);
  if (kind === 'everyone') {
    if (input['everyone'] !== true) errors.push({ path: `${path}.everyone`, message: 'must be true' });
    return errors.length > 0 ? { ok: false, errors } : { ok: true, value: { everyone: true } };
  }
  if (kind === 'contact_ids') {
    const ids = input['contact_ids'];
    if (!Array.isArray(ids) || ids.length === 0 || ids.length > AUDIENCE_LIMITS.contactIds) {
      errors.push({
        path: `${path}.contact_ids`,
        message: `must be a list of 1 to ${AUDIENCE_LIMITS.contactIds} contact ids`,
      });
      return { ok: false, errors };
    }
    ids.forEach((id, i) => {
      if (typeof id !== 'string' || !UUID.test(id)) {
        errors.push({
          path: `${path}.contact_ids.${i}`,
          message: `not a contact id (UUID): ${describeValue(id)}`,
        });
      }
    });
    if (errors.length > 0) return { ok: false, errors };
    return {
      ok: true,
      value: { contact_ids: [...new Set((ids as string[]).map((id) => id.toLowerCase()))] },
    };
  }
  return validateFilter(input, path);
}

/**
 * Checks an attribute filter (a group `{ all: [...] }` or `{ any: [...] }`) from untrusted JSON.
 * @example validateFilter({ any: [] }, 'filter') // { ok: false, errors: [{ path: 'filter.any', message: 'must list 1 to 50 conditions' }] }
 */
export function validateFilter(input: unknown, path = 'filter'): Validated<AttributeFilter> {
  const errors: FieldError[] = [];
  const counter = { conditions: 0 };
  const value = checkGroup(input, path, 1, errors, counter);
  if (counter.conditions > AUDIENCE_LIMITS.conditions) {
    errors.push({ path, message: `at most ${AUDIENCE_LIMITS.conditions} conditions in all` });
  }
  return errors.length > 0 || value === null ? { ok: false, errors } : { ok: true, value };
}

function checkGroup(
  input: unknown,
  path: string,
  depth: number,
  errors: FieldError[],
  counter: { conditions: number },
): AttributeFilter | null {
  if (!isRecord(input)) {
    errors.push({ path, message: 'must be an object with all or any' });
    return null;
  }
  const joins = ['all', 'any'].filter((key) => Object.hasOwn(input, key));
  if (joins.length !== 1) {
    const unknown = unknownKeyErrors(input, ['all', 'any'], path);
    errors.push(...(unknown.length > 0 ? unknown : [{ path, message: 'must have exactly one of all, any' }]));
    return null;
  }
  const join = joins[0] as 'all' | 'any';
  const before = errors.length;
  errors.push(...unknownKeyErrors(input, [join], path));
  const parts = input[join];
  if (!Array.isArray(parts) || parts.length === 0 || parts.length > AUDIENCE_LIMITS.conditions) {
    errors.push({
      path: `${path}.${join}`,
      message: `must list 1 to ${AUDIENCE_LIMITS.conditions} conditions`,
    });
    return null;
  }
  const checked: FilterPart[] = [];
  parts.forEach((part, i) => {
    const partPath = `${path}.${join}.${i}`;
    if (isRecord(part) && (Object.hasOwn(part, 'all') || Object.hasOwn(part, 'any'))) {
      if (depth >= AUDIENCE_LIMITS.depth) {
        errors.push({ path: partPath, message: `groups nest at most ${AUDIENCE_LIMITS.depth} deep` });
        return;
      }
      const group = checkGroup(part, partPath, depth + 1, errors, counter);
      if (group !== null) checked.push(group);
    } else {
      counter.conditions++;
      const condition = checkCondition(part, partPath, errors);
      if (condition !== null) checked.push(condition);
    }
  });
  if (errors.length > before) return null;
  return join === 'all' ? { all: checked } : { any: checked };
}

function checkCondition(input: unknown, path: string, errors: FieldError[]): Condition | null {
  if (!isRecord(input)) {
    errors.push({
      path,
      message: 'must be a condition { attribute, op, value } or a group { all } / { any }',
    });
    return null;
  }
  const before = errors.length;
  const { attribute, op } = input;
  if (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute)) {
    errors.push({
      path: `${path}.attribute`,
      message: `must be an attribute name (letters, digits, _ . -, at most 64): ${describeValue(attribute)}`,
    });
  }
  if (typeof op !== 'string' || !(OPERATORS as readonly string[]).includes(op)) {
    errors.push({
      path: `${path}.op`,
      message:
        typeof op === 'string'
          ? `unknown operator ${JSON.stringify(op)}`
          : `must be one of ${OPERATORS.join(', ')}`,
    });
    return null;
  }
  const name = attribute as string;
  const valuePath = `${path}.value`;
  switch (op as Operator) {
    case 'eq':
    case 'neq': {
      errors.push(...unknownKeyErrors(input, ['attribute', 'op', 'value'], path));
      const value = input['value'];
      if (!isScalar(value)) errors.push({ path: valuePath, message: scalarProblem(value) });
      return errors.length > before
        ? null
        : { attribute: name, op: op as 'eq' | 'neq', value: value as ScalarValue };
    }
    case 'in':
    case 'not_in': {
      errors.push(...unknownKeyErrors(input, ['attribute', 'op', 'values'], path));
      const values = input['values'];
      if (!Array.isArray(values) || values.length === 0 || values.length > AUDIENCE_LIMITS.values) {
        errors.push({
          path: `${path}.values`,
          message: `must be a list of 1 to ${AUDIENCE_LIMITS.values} values`,
        });
      } else {
        values.forEach((value, i) => {
          if (!isScalar(value)) errors.push({ path: `${path}.values.${i}`, message: scalarProblem(value) });
        });
      }
      return errors.length > before
        ? null
        : { attribute: name, op: op as 'in' | 'not_in', values: [...(values as ScalarValue[])] };
    }
    case 'exists':
    case 'not_exists':
      errors.push(...unknownKeyErrors(input, ['attribute', 'op'], path));
      return errors.length > before ? null : { attribute: name, op: op as 'exists' | 'not_exists' };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      errors.push(...unknownKeyErrors(input, ['attribute', 'op', 'value'], path));
      const value = input['value'];
      const ok =
        (typeof value === 'number' && Number.isFinite(value)) ||
        (typeof value === 'string' && isValidDay(value));
      if (!ok)
        errors.push({
          path: valuePath,
          message: `must be a number or a day (YYYY-MM-DD): ${describeValue(value)}`,
        });
      return errors.length > before
        ? null
        : { attribute: name, op: op as ComparisonOp, value: value as number | string };
    }
    case 'before':
    case 'after': {
      errors.push(...unknownKeyErrors(input, ['attribute', 'op', 'value'], path));
      const value = input['value'];
      if (typeof value !== 'string' || !isValidDay(value)) {
        errors.push({ path: valuePath, message: `must be a day (YYYY-MM-DD): ${describeValue(value)}` });
      }
      return errors.length > before
        ? null
        : { attribute: name, op: op as 'before' | 'after', value: value as string };
    }
  }
}

function isScalar(value: unknown): value is ScalarValue {
  if (typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  return typeof value === 'string' && value.length <= AUDIENCE_LIMITS.valueLength && !UNSTORABLE.test(value);
}

function scalarProblem(value: unknown): string {
  if (typeof value === 'string') {
    return value.length > AUDIENCE_LIMITS.valueLength
      ? `at most ${AUDIENCE_LIMITS.valueLength} characters`
      : 'contains a character that cannot be stored (NUL or a lone surrogate)';
  }
  return `must be a string, a finite number or a boolean: ${describeValue(value)}`;
}

// ---------------------------------------------------------------------------------------------
// Matching (the reference)

/**
 * Whether a contact with these attributes passes the filter. The reference meaning of a filter:
 * `toSql` must select exactly the contacts for which this is true.
 * @example matches({ all: [{ attribute: 'plan', op: 'eq', value: 'pro' }] }, { plan: 'pro', seats: 12 }) // true
 */
export function matches(filter: AttributeFilter, attributes: Readonly<Record<string, unknown>>): boolean {
  if ('all' in filter) return filter.all.every((part) => partMatches(part, attributes));
  return filter.any.some((part) => partMatches(part, attributes));
}

/**
 * Whether an audience includes a contact.
 * @example audienceIncludes({ contact_ids: ['0b5e9c1a-1111-4222-8333-444455556666'] }, { id: '0b5e9c1a-1111-4222-8333-444455556666', attributes: {} }) // true
 */
export function audienceIncludes(
  audience: Audience,
  contact: { id: string; attributes: Readonly<Record<string, unknown>> },
): boolean {
  if ('everyone' in audience) return true;
  if ('contact_ids' in audience) return audience.contact_ids.includes(contact.id.toLowerCase());
  return matches(audience, contact.attributes);
}

function partMatches(part: FilterPart, attributes: Readonly<Record<string, unknown>>): boolean {
  if ('all' in part || 'any' in part) return matches(part, attributes);
  // hasOwn: an attribute named "constructor" must not find Object.prototype's.
  const raw = Object.hasOwn(attributes, part.attribute) ? attributes[part.attribute] : undefined;
  const value = raw === null ? undefined : raw;
  switch (part.op) {
    case 'eq':
      return value === part.value;
    case 'neq':
      return value !== part.value;
    case 'in':
      return part.values.includes(value as ScalarValue);
    case 'not_in':
      return !part.values.includes(value as ScalarValue);
    case 'exists':
      return value !== undefined;
    case 'not_exists':
      return value === undefined;
    case 'before':
      return compareDate(value, part.value, 'lt');
    case 'after':
      return compareDate(value, part.value, 'gt');
    default: {
      const { op, value: bound } = part;
      if (typeof bound === 'number') return typeof value === 'number' && compare(value, bound, op);
      return compareDate(value, bound, op);
    }
  }
}

function compareDate(value: unknown, day: string, op: ComparisonOp): boolean {
  return typeof value === 'string' && DATE_ATTRIBUTE.test(value) && compare(value.slice(0, 10), day, op);
}

function compare<T extends number | string>(a: T, b: T, op: ComparisonOp): boolean {
  switch (op) {
    case 'gt':
      return a > b;
    case 'gte':
      return a >= b;
    case 'lt':
      return a < b;
    case 'lte':
      return a <= b;
  }
}

// ---------------------------------------------------------------------------------------------
// SQL

/** A condition to put after WHERE, and its parameters ($offset+1 …, all text). */
export interface SqlCondition {
  sql: string;
  params: string[];
}

// Column expressions come from code, never from input; this keeps them that way.
const COLUMN = /^[a-z_][a-z0-9_]*(\.[a-z_][a-z0-9_]*)?$/;

const SQL_COMPARISON: Record<ComparisonOp, string> = { gt: '>', gte: '>=', lt: '<', lte: '<=' };

/**
 * Compiles a filter to a parameterised SQL condition over a jsonb column of attributes. Attribute
 * names and values are parameters (values as JSON text), never part of the SQL text; the
 * placeholders start at $(paramsOffset + 1). Every condition is true or false, never NULL.
 * @throws RangeError on an invalid filter or column.
 * @example toSql({ all: [{ attribute: 'plan', op: 'eq', value: 'pro' }] }, 0)
 * // { sql: '(coalesce((contact.attributes -> $1::text) = $2::jsonb, false))', params: ['plan', '"pro"'] }
 */
export function toSql(
  filter: AttributeFilter,
  paramsOffset: number,
  column = 'contact.attributes',
): SqlCondition {
  if (!COLUMN.test(column)) throw new RangeError(`not a column: ${column}`);
  if (!Number.isInteger(paramsOffset) || paramsOffset < 0)
    throw new RangeError(`not a parameter offset: ${paramsOffset}`);
  const checked = validateFilter(filter);
  if (!checked.ok)
    throw new RangeError(`invalid filter: ${checked.errors[0]!.path}: ${checked.errors[0]!.message}`);
  const params: string[] = [];
  const param = (value: string): string => {
    params.push(value);
    return `$${paramsOffset + params.length}`;
  };
  const sql = groupSql(checked.value, column, param);
  return { sql, params };
}

/**
 * Compiles an audience to a SQL condition over a contact row (its id and attributes columns).
 * @example audienceToSql({ everyone: true }, 1) // { sql: 'TRUE', params: [] }
 */
export function audienceToSql(
  audience: Audience,
  paramsOffset: number,
  columns: { id: string; attributes: string } = { id: 'contact.id', attributes: 'contact.attributes' },
): SqlCondition {
  if ('everyone' in audience) return { sql: 'TRUE', params: [] };
  if ('contact_ids' in audience) {
    if (!COLUMN.test(columns.id)) throw new RangeError(`not a column: ${columns.id}`);
    const checked = validateAudience(audience);
    if (!checked.ok) throw new RangeError(`invalid audience: ${checked.errors[0]!.path}`);
    const ids = (checked.value as { contact_ids: string[] }).contact_ids;
    return {
      sql: `(${columns.id}::text IN (SELECT jsonb_array_elements_text($${paramsOffset + 1}::jsonb)))`,
      params: [JSON.stringify(ids)],
    };
  }
  return toSql(audience, paramsOffset, columns.attributes);
}

function groupSql(filter: AttributeFilter, column: string, param: (value: string) => string): string {
  const [parts, joiner] = 'all' in filter ? [filter.all, ' AND '] : [filter.any, ' OR '];
  const sqlParts = parts.map((part) =>
    'all' in part || 'any' in part ? groupSql(part, column, param) : conditionSql(part, column, param),
  );
  return `(${sqlParts.join(joiner)})`;
}

function conditionSql(condition: Condition, column: string, param: (value: string) => string): string {
  const key = param(condition.attribute);
  const attribute = `(${column} -> ${key}::text)`;
  const text = `(${column} ->> ${key}::text)`;
  const isDate = `jsonb_typeof(${attribute}) = 'string' AND ${text} ~ ${SQL_DATE_ATTRIBUTE}`;
  const dateSql = (op: ComparisonOp, day: string) =>
    `(CASE WHEN ${isDate} THEN left(${text}, 10) COLLATE "C" ${SQL_COMPARISON[op]} ${param(day)}::text ELSE false END)`;
  switch (condition.op) {
    case 'eq':
      return `coalesce(${attribute} = ${param(JSON.stringify(condition.value))}::jsonb, false)`;
    case 'neq':
      return `NOT coalesce(${attribute} = ${param(JSON.stringify(condition.value))}::jsonb, false)`;
    // Containment of a one-element array: [values] @> [attribute] holds when the attribute equals one
    // of the values by jsonb equality (typed, numbers by value). A missing attribute is [null].
    case 'in':
      return `coalesce(${param(JSON.stringify(condition.values))}::jsonb @> jsonb_build_array(${attribute}), false)`;
    case 'not_in':
      return `NOT coalesce(${param(JSON.stringify(condition.values))}::jsonb @> jsonb_build_array(${attribute}), false)`;
    case 'exists':
      return `coalesce(jsonb_typeof(${attribute}), 'null') <> 'null'`;
    case 'not_exists':
      return `coalesce(jsonb_typeof(${attribute}), 'null') = 'null'`;
    case 'before':
      return dateSql('lt', condition.value);
    case 'after':
      return dateSql('gt', condition.value);
    default: {
      const { op, value } = condition;
      if (typeof value === 'string') return dateSql(op, value);
      // CASE, not AND: PostgreSQL may evaluate AND's operands in any order, and the cast of a
      // string attribute to numeric would fail.
      return `(CASE WHEN jsonb_typeof(${attribute}) = 'number' THEN ${text}::numeric ${SQL_COMPARISON[op]} ${param(JSON.stringify(value))}::numeric ELSE false END)`;
    }
  }
}
