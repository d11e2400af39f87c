/**
 * Relational cadence ("Autopilot"): when each contact is next due for a relationship survey.
 *
 * A rule counts months from an anchor day of the contact: a date attribute such as
 * `customer_since`, the day the contact was first seen, or one fixed day for everyone. The
 * contact is due at each milestone (e.g. 3, 6 and 12 months after the anchor) and then every
 * `then_every_months` months. Dates are always counted from the anchor, never from the previous
 * date, so 31 January + 1, 2, 3 months is 29 February, 31 March, 30 April (no drift to the 28th).
 *
 * Due dates are local days ('YYYY-MM-DD' in the workspace's or the contact's zone); the hour comes
 * from the business hours (`business-hours.ts`), the permission from the fatigue rules (`fatigue.ts`).
 */
import { addMonths } from './calendar';
import { isValidDay } from './trend';
import {
  ATTRIBUTE_NAME,
  describeValue,
  type FieldError,
  isIntegerIn,
  isRecord,
  unknownKeyErrors,
  type Validated,
} from './validation';

/** What the months of a cadence are counted from. */
export type CadenceAnchor =
  | { kind: 'attribute'; attribute: string }
  | { kind: 'first_seen' }
  | { kind: 'fixed'; day: string };

export interface CadenceRule {
  anchor: CadenceAnchor;
  /** Months after the anchor, strictly increasing, e.g. [3, 6, 12]. May be empty. */
  milestones_months: readonly number[];
  /** After the last milestone (or the anchor, without milestones), every so many months; null: stop. */
  then_every_months: number | null;
}

/** At most this many milestones: a longer list is a periodic rule written out by hand. */
export const MAX_MILESTONES = 24;
/** Months are limited to 100 years, far beyond any sensible rule, to keep the arithmetic in range. */
const MAX_MONTHS = 1200;

/**
 * 3, 6 and 12 months after the customer was won (the `customer_since` attribute), then yearly.
 * @example nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', null, '2024-02-01') // '2024-04-15'
 */
export const AFTER_WINNING_CUSTOMER: CadenceRule = Object.freeze({
  anchor: Object.freeze({ kind: 'attribute', attribute: 'customer_since' }) as CadenceAnchor,
  milestones_months: Object.freeze([3, 6, 12]),
  then_every_months: 12,
});

/**
 * Everyone at the start of each calendar quarter (1 January, 1 April, 1 July, 1 October).
 * @example nextDueDate(QUARTERLY_FOR_ALL, '2000-01-01', '2024-01-02', '2024-02-01') // '2024-04-01'
 */
export const QUARTERLY_FOR_ALL: CadenceRule = Object.freeze({
  anchor: Object.freeze({ kind: 'fixed', day: '2000-01-01' }) as CadenceAnchor,
  milestones_months: Object.freeze([] as number[]),
  then_every_months: 3,
});

/**
 * Checks a cadence rule from untrusted JSON and returns a clean copy, or every problem with the
 * field it is in: months are whole numbers from 1 to 1200, milestones strictly increasing and at
 * most 24, and a rule must be due at least once (milestones or a period).
 * @example validateCadenceRule({ anchor: { kind: 'first_seen' }, milestones_months: [6, 3], then_every_months: 0 })
 * // errors: cadence.milestones_months.1: must be greater than the milestone before it (6),
 * //         cadence.then_every_months: must be a whole number of months from 1 to 1200, or null
 */
export function validateCadenceRule(input: unknown, path = 'cadence'): Validated<CadenceRule> {
  if (!isRecord(input)) return { ok: false, errors: [{ path, message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeyErrors(
    input,
    ['anchor', 'milestones_months', 'then_every_months'],
    path,
  );
  const anchor = validateAnchor(input['anchor'], `${path}.anchor`, errors);

  const milestones = input['milestones_months'];
  if (!Array.isArray(milestones)) {
    errors.push({ path: `${path}.milestones_months`, message: 'must be a list of months, e.g. [3, 6, 12]' });
  } else if (milestones.length > MAX_MILESTONES) {
    errors.push({ path: `${path}.milestones_months`, message: `at most ${MAX_MILESTONES} milestones` });
  } else {
    milestones.forEach((months, i) => {
      if (!isIntegerIn(months, 1, MAX_MONTHS)) {
        errors.push({
          path: `${path}.milestones_months.${i}`,
          message: `must be a whole number of months from 1 to ${MAX_MONTHS}: ${describeValue(months)}`,
        });
      } else if (i > 0 && isIntegerIn(milestones[i - 1], 1, MAX_MONTHS) && months <= milestones[i - 1]) {
        errors.push({
          path: `${path}.milestones_months.${i}`,
          message: `must be greater than the milestone before it (${milestones[i - 1]})`,
        });
      }
    });
  }

  const every = input['then_every_months'];
  if (every !== null && !isIntegerIn(every, 1, MAX_MONTHS)) {
    errors.push({
      path: `${path}.then_every_months`,
      message: `must be a whole number of months from 1 to ${MAX_MONTHS}, or null`,
    });
  } else if (every === null && Array.isArray(milestones) && milestones.length === 0) {
    errors.push({
      path: `${path}.then_every_months`,
      message: 'a rule without milestones needs a period, or it would never send',
    });
  }

  if (errors.length > 0 || anchor === null) return { ok: false, errors };
  return {
    ok: true,
    value: {
      anchor,
      milestones_months: [...(milestones as number[])],
      then_every_months: every as number | null,
    },
  };
}

function validateAnchor(input: unknown, path: string, errors: FieldError[]): CadenceAnchor | null {
  if (!isRecord(input)) {
    errors.push({ path, message: 'must be an object with kind attribute, first_seen or fixed' });
    return null;
  }
  switch (input['kind']) {
    case 'attribute': {
      const before = errors.length;
      errors.push(...unknownKeyErrors(input, ['kind', 'attribute'], path));
      const attribute = input['attribute'];
      if (typeof attribute !== 'string' || !ATTRIBUTE_NAME.test(attribute)) {
        errors.push({
          path: `${path}.attribute`,
          message: 'must be an attribute name such as customer_since',
        });
      }
      return errors.length === before ? { kind: 'attribute', attribute: attribute as string } : null;
    }
    case 'first_seen': {
      const unknown = unknownKeyErrors(input, ['kind'], path);
      errors.push(...unknown);
      return unknown.length === 0 ? { kind: 'first_seen' } : null;
    }
    case 'fixed': {
      const before = errors.length;
      errors.push(...unknownKeyErrors(input, ['kind', 'day'], path));
      const day = input['day'];
      if (typeof day !== 'string' || !isValidDay(day)) {
        errors.push({ path: `${path}.day`, message: 'must be a day written YYYY-MM-DD' });
      }
      return errors.length === before ? { kind: 'fixed', day: day as string } : null;
    }
    default:
      errors.push({
        path: `${path}.kind`,
        message: `must be attribute, first_seen or fixed, not ${describeValue(input['kind'])}`,
      });
      return null;
  }
}

/**
 * The anchor day of one contact under a rule, or null when the contact has none (the attribute is
 * missing or not a date): such a contact is not on this cadence. A date attribute may be a day or
 * an ISO timestamp; its day is taken as written ('2024-01-15T23:30:00Z' → '2024-01-15').
 * @example anchorDayOf({ kind: 'attribute', attribute: 'customer_since' }, { attributes: { customer_since: '2024-01-15' }, firstSeenDay: '2023-05-02' }) // '2024-01-15'
 */
export function anchorDayOf(
  anchor: CadenceAnchor,
  contact: { attributes: Readonly<Record<string, unknown>>; firstSeenDay: string },
): string | null {
  switch (anchor.kind) {
    case 'fixed':
      return anchor.day;
    case 'first_seen':
      return contact.firstSeenDay;
    case 'attribute': {
      const value = Object.hasOwn(contact.attributes, anchor.attribute)
        ? contact.attributes[anchor.attribute]
        : null;
      if (typeof value !== 'string') return null;
      const day = value.slice(0, 10);
      return isValidDay(day) && (value.length === 10 || value[10] === 'T' || value[10] === ' ') ? day : null;
    }
  }
}

/**
 * The `index`-th date of a rule (0-based): the milestones first, then the periodic dates. Null past
 * the end of a rule without a period.
 */
function scheduledDate(rule: CadenceRule, anchorDay: string, index: number): string | null {
  const milestones = rule.milestones_months;
  if (index < milestones.length) return addMonths(anchorDay, milestones[index]!);
  if (rule.then_every_months === null) return null;
  const last = milestones.length > 0 ? milestones[milestones.length - 1]! : 0;
  return addMonths(anchorDay, last + (index - milestones.length + 1) * rule.then_every_months);
}

/** Whole months from `from` to `to`, ignoring the day of the month (an estimate to skip ahead). */
function monthDistance(from: string, to: string): number {
  const months = (day: string) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7));
  return months(to) - months(from);
}

// Rules already found valid: the scheduler asks about one rule once per contact, and checking it
// each time costs more than the answer. Rules are plain data nobody mutates after checking.
const checkedRules = new WeakSet<CadenceRule>();

/**
 * The next local day on which a contact is due for a survey under `rule`, or null when never again.
 *
 * It is the first scheduled date after the contact's last survey (every scheduled date when never
 * surveyed). When that date has already passed without a survey (the contact joined the cadence
 * late, or sends were stopped), the contact is due today: once, not once per missed date. A
 * survey on a scheduled date itself counts for that date. Never earlier than `today`.
 * @throws RangeError on an invalid day or rule.
 * @example
 * // customer since 15 January 2024, never surveyed, today 20 August 2024: the 3- and 6-month dates
 * // passed, so the contact is due today; surveyed today, the next date is the 12-month one.
 * nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', null, '2024-08-20') // '2024-08-20'
 * nextDueDate(AFTER_WINNING_CUSTOMER, '2024-01-15', '2024-08-20', '2024-08-21') // '2025-01-15'
 */
export function nextDueDate(
  rule: CadenceRule,
  anchorDay: string,
  lastSurveyedDay: string | null,
  today: string,
): string | null {
  if (!checkedRules.has(rule)) {
    const checked = validateCadenceRule(rule);
    if (!checked.ok) throw new RangeError(`invalid cadence rule: ${checked.errors[0]!.path}`);
    checkedRules.add(rule);
  }
  for (const [name, day] of [
    ['anchorDay', anchorDay],
    ['lastSurveyedDay', lastSurveyedDay ?? anchorDay],
    ['today', today],
  ] as const) {
    if (!isValidDay(day)) throw new RangeError(`${name} is not a day (YYYY-MM-DD): ${JSON.stringify(day)}`);
  }
  const next = firstDateAfter(rule, anchorDay, lastSurveyedDay);
  if (next === null) return null;
  return next < today ? today : next;
}

/** The first scheduled date strictly after `after` (the first of all when `after` is null). */
function firstDateAfter(rule: CadenceRule, anchorDay: string, after: string | null): string | null {
  const milestones = rule.milestones_months;
  let index = 0;
  if (after !== null && rule.then_every_months !== null && milestones.length > 0) {
    // Skip whole periods at once: a yearly rule anchored in 1990 should not walk 35 dates.
    const last = milestones[milestones.length - 1]!;
    const periods = Math.floor((monthDistance(anchorDay, after) - last) / rule.then_every_months) - 1;
    if (periods > 0) index = milestones.length + periods - 1;
  } else if (after !== null && rule.then_every_months !== null) {
    index = Math.max(0, Math.floor(monthDistance(anchorDay, after) / rule.then_every_months) - 2);
  }
  // Clamped dates (31st → 28th) never overtake the next date, so the dates are non-decreasing and
  // the first one after `after` is found by walking forward from the estimate.
  for (;;) {
    const date = scheduledDate(rule, anchorDay, index);
    if (date === null) return null;
    if (after === null || date > after) return date;
    index++;
  }
}
