/**
 * The playbook: what happens after each response, as data evaluated by pure functions.
 *
 * A playbook is a list of rules. A rule matches a response by its score band (the categories),
 * optionally by a change from the contact's previous answer ("was a promoter, now a detractor")
 * and by the response's attributes (core/audience.ts filters, e.g. plan = enterprise); every rule
 * that matches contributes its actions. Actions:
 * - `alert_owner`: tell the contact's owner (else the account's owner, else `fallback`) at once;
 * - `open_case`: a follow-up case due `due_hours` after the response;
 * - `send_thanks`: a thank-you email at once;
 * - `request_testimonial`: after `delay_days`, ask for a testimonial or a public review
 *   (`review_url`). No review gating: it goes to everyone the rule names, never filtered by
 *   anything the respondent said beyond the rule itself.
 *
 * The default is PRODUCT.md's table: detractors (0-6) alert the owner and open a case due in 24
 * hours; passives (7-8) open a case due in 7 days; promoters (9-10) get thanks at once and a
 * testimonial request 14 days later.
 */
import { type AttributeFilter, matches, validateFilter } from './audience';
import { CATEGORIES, type Category, categoryOf } from './nps';
import { type FieldError, isRecord, unknownKeyErrors, type Validated } from './validation';

export type PlaybookAction =
  | { kind: 'alert_owner'; fallback?: string | null }
  | { kind: 'open_case'; due_hours: number }
  | { kind: 'send_thanks' }
  | { kind: 'request_testimonial'; delay_days: number; review_url?: string | null };

export interface PlaybookRule {
  name: string;
  /** The score bands the rule applies to (all three: any score). */
  categories: Category[];
  /** Only when the contact's previous answer was in one of these categories. */
  previous_categories?: Category[];
  /** Only responses whose attributes match (their snapshot: contact, account.*, properties). */
  attributes?: AttributeFilter;
  actions: PlaybookAction[];
}

export interface Playbook {
  rules: PlaybookRule[];
}

export const ACTION_KINDS = ['alert_owner', 'open_case', 'send_thanks', 'request_testimonial'] as const;
export const MAX_RULES = 50;
export const MAX_DUE_HOURS = 24 * 90;
export const MAX_DELAY_DAYS = 365;

export const DEFAULT_PLAYBOOK: Playbook = Object.freeze({
  rules: [
    {
      name: 'Detractors: alert and follow up within 24 hours',
      categories: ['detractor'],
      actions: [{ kind: 'alert_owner' }, { kind: 'open_case', due_hours: 24 }],
    },
    {
      name: 'Passives: learn what would make it a 9 or 10 within 7 days',
      categories: ['passive'],
      actions: [{ kind: 'open_case', due_hours: 24 * 7 }],
    },
    {
      name: 'Promoters: thank, then ask for a testimonial after 14 days',
      categories: ['promoter'],
      actions: [{ kind: 'send_thanks' }, { kind: 'request_testimonial', delay_days: 14 }],
    },
  ],
}) as Playbook;

export interface ResponseFacts {
  score: number;
  /** The contact's previous answer's score (any survey), null for a first answer or no contact. */
  previousScore: number | null;
  attributes: Readonly<Record<string, unknown>>;
}

/** The rules that match, in playbook order. */
export function matchingRules(playbook: Playbook, facts: ResponseFacts): PlaybookRule[] {
  const category = categoryOf(facts.score);
  const previous = facts.previousScore === null ? null : categoryOf(facts.previousScore);
  return playbook.rules.filter(
    (rule) =>
      rule.categories.includes(category) &&
      (rule.previous_categories === undefined ||
        (previous !== null && rule.previous_categories.includes(previous))) &&
      (rule.attributes === undefined || matches(rule.attributes, facts.attributes)),
  );
}

/**
 * What to do for a response: the actions of every matching rule, each kind once. When several
 * rules ask for the same kind, the most urgent wins: the earliest case due, the shortest delay,
 * an alert with a fallback over one without.
 */
export function actionsFor(playbook: Playbook, facts: ResponseFacts): PlaybookAction[] {
  const byKind = new Map<PlaybookAction['kind'], PlaybookAction>();
  for (const rule of matchingRules(playbook, facts)) {
    for (const action of rule.actions) {
      const before = byKind.get(action.kind);
      if (!before || moreUrgent(action, before)) byKind.set(action.kind, action);
    }
  }
  return ACTION_KINDS.flatMap((kind) => (byKind.has(kind) ? [byKind.get(kind)!] : []));
}

function moreUrgent(a: PlaybookAction, b: PlaybookAction): boolean {
  if (a.kind === 'open_case' && b.kind === 'open_case') return a.due_hours < b.due_hours;
  if (a.kind === 'request_testimonial' && b.kind === 'request_testimonial')
    return a.delay_days < b.delay_days;
  if (a.kind === 'alert_owner' && b.kind === 'alert_owner') return !b.fallback && !!a.fallback;
  return false;
}

/** Checks a playbook from untrusted JSON: every problem with its field path. */
export function validatePlaybook(input: unknown, path = 'playbook'): Validated<Playbook> {
  const errors: FieldError[] = [];
  if (!isRecord(input)) return { ok: false, errors: [{ path, message: 'must be an object with rules' }] };
  errors.push(...unknownKeyErrors(input, ['rules'], path));
  const rules = input.rules;
  if (!Array.isArray(rules))
    return { ok: false, errors: [...errors, { path: `${path}.rules`, message: 'must be a list' }] };
  if (rules.length > MAX_RULES) errors.push({ path: `${path}.rules`, message: `at most ${MAX_RULES} rules` });
  const out: PlaybookRule[] = [];
  rules.forEach((raw, i) => {
    const at = `${path}.rules.${i}`;
    if (!isRecord(raw)) {
      errors.push({ path: at, message: 'must be an object' });
      return;
    }
    errors.push(
      ...unknownKeyErrors(raw, ['name', 'categories', 'previous_categories', 'attributes', 'actions'], at),
    );
    const name = typeof raw.name === 'string' ? raw.name.trim() : '';
    if (!name || name.length > 200) errors.push({ path: `${at}.name`, message: 'must be 1-200 characters' });
    const categories = categoriesOf(raw.categories, `${at}.categories`, errors, true);
    const previous =
      raw.previous_categories === undefined
        ? undefined
        : categoriesOf(raw.previous_categories, `${at}.previous_categories`, errors, true);
    let attributes: AttributeFilter | undefined;
    if (raw.attributes !== undefined) {
      const checked = validateFilter(raw.attributes, `${at}.attributes`);
      if (checked.ok) attributes = checked.value;
      else errors.push(...checked.errors);
    }
    const actions = actionsOf(raw.actions, `${at}.actions`, errors);
    out.push({
      name,
      categories,
      ...(previous ? { previous_categories: previous } : {}),
      ...(attributes ? { attributes } : {}),
      actions,
    });
  });
  return errors.length ? { ok: false, errors } : { ok: true, value: { rules: out } };
}

function categoriesOf(raw: unknown, path: string, errors: FieldError[], required: boolean): Category[] {
  if (!Array.isArray(raw) || (required && raw.length === 0)) {
    errors.push({ path, message: 'must be a non-empty list of promoter, passive, detractor' });
    return [];
  }
  const out: Category[] = [];
  raw.forEach((c, i) => {
    if ((CATEGORIES as readonly unknown[]).includes(c)) {
      if (!out.includes(c as Category)) out.push(c as Category);
    } else errors.push({ path: `${path}.${i}`, message: 'must be promoter, passive or detractor' });
  });
  return out;
}

function actionsOf(raw: unknown, path: string, errors: FieldError[]): PlaybookAction[] {
  if (!Array.isArray(raw) || raw.length === 0 || raw.length > 10) {
    errors.push({ path, message: 'must be a list of 1-10 actions' });
    return [];
  }
  const out: PlaybookAction[] = [];
  raw.forEach((a, i) => {
    const at = `${path}.${i}`;
    if (!isRecord(a) || !(ACTION_KINDS as readonly unknown[]).includes(a.kind)) {
      errors.push({ path: `${at}.kind`, message: `must be one of ${ACTION_KINDS.join(', ')}` });
      return;
    }
    const integer = (key: string, max: number): number | undefined => {
      const v = a[key];
      if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v <= max) return v;
      errors.push({ path: `${at}.${key}`, message: `must be a whole number from 0 to ${max}` });
      return undefined;
    };
    const optionalText = (key: string, pattern?: RegExp): string | null => {
      const v = a[key];
      if (v === undefined || v === null) return null;
      if (typeof v === 'string' && v.length <= 2000 && (!pattern || pattern.test(v))) return v;
      errors.push({
        path: `${at}.${key}`,
        message: pattern ? 'must be an absolute http(s) URL' : 'must be text',
      });
      return null;
    };
    switch (a.kind) {
      case 'alert_owner':
        errors.push(...unknownKeyErrors(a, ['kind', 'fallback'], at));
        {
          const fallback = optionalText('fallback');
          out.push(fallback ? { kind: 'alert_owner', fallback } : { kind: 'alert_owner' });
        }
        break;
      case 'open_case': {
        errors.push(...unknownKeyErrors(a, ['kind', 'due_hours'], at));
        const due = integer('due_hours', MAX_DUE_HOURS);
        if (due !== undefined) out.push({ kind: 'open_case', due_hours: due });
        break;
      }
      case 'send_thanks':
        errors.push(...unknownKeyErrors(a, ['kind'], at));
        out.push({ kind: 'send_thanks' });
        break;
      case 'request_testimonial': {
        errors.push(...unknownKeyErrors(a, ['kind', 'delay_days', 'review_url'], at));
        const delay = integer('delay_days', MAX_DELAY_DAYS);
        const url = optionalText('review_url', /^https?:\/\/\S+$/);
        if (delay !== undefined) {
          out.push(
            url
              ? { kind: 'request_testimonial', delay_days: delay, review_url: url }
              : { kind: 'request_testimonial', delay_days: delay },
          );
        }
        break;
      }
    }
  });
  return out;
}
