/**
 * The result shape of the domain validators (cadence rules, reminder plans, business hours,
 * audiences). They take untrusted JSON and either return a clean copy or every problem found,
 * each naming the exact field, so the API can answer with a 4xx that points at it.
 */

/** One problem, e.g. `{ path: 'audience.all.1.op', message: 'unknown operator "like"' }`. */
export interface FieldError {
  path: string;
  message: string;
}

/** A validated copy of the input, or the problems found in it (never an empty list). */
export type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/**
 * One line for an error message or a log.
 * @example formatFieldError({ path: 'audience.all.1.op', message: 'unknown operator "like"' })
 * // 'audience.all.1.op: unknown operator "like"'
 */
export function formatFieldError(error: FieldError): string {
  return `${error.path}: ${error.message}`;
}

/** Attribute names, as the API accepts them: letters, digits, _ . - (at most 64), from a letter. */
export const ATTRIBUTE_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/** A plain JSON object (not an array, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reports every key of `input` that is not in `known`: a typo such as `milestone_months` would
 * otherwise be ignored and the rule would silently run with a default.
 */
export function unknownKeyErrors(
  input: Record<string, unknown>,
  known: readonly string[],
  path: string,
): FieldError[] {
  return Object.keys(input)
    .filter((key) => !known.includes(key))
    .map((key) => ({ path: `${path}.${key}`, message: 'unknown field' }));
}

/** Whether `value` is an integer number within min..max (inclusive). */
export function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

/** Renders a value for an error message: strings quoted, everything else as JSON. */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  try {
    const text = JSON.stringify(value);
    return text.length > 60 ? `${text.slice(0, 57)}...` : text;
  } catch {
    return typeof value;
  }
}
