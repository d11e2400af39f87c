/**
 * Survey-fatigue rules: whether one survey may be sent to one contact now, across all channels.
 *
 * - never to a contact who unsubscribed or whose address bounced;
 * - never twice for the same event (a retried webhook must not survey twice);
 * - at most one survey per contact per `minDaysBetween` days (workspace default 90, a survey may
 *   override it).
 *
 * Every stopped send is recorded by the caller with the reason returned here. Only a
 * `recently-surveyed` send can wait: under `onBlocked: 'postpone'` it gets the first instant at
 * which it would be allowed. The other reasons do not go away by waiting, so they always drop.
 */
import { DAY_MS } from './calendar';
import { type FieldError, isIntegerIn, isRecord, unknownKeyErrors, type Validated } from './validation';

/** Why a send was stopped, in the order the rules are checked. */
export type BlockReason = 'unsubscribed' | 'bounced' | 'duplicate-event' | 'recently-surveyed';

/** What happens to a send that a rule stops: dropped, or postponed to the first allowed instant. */
export type OnBlocked = 'drop' | 'postpone';

export interface FatiguePolicy {
  /** Days (of 24 hours) that must pass after a contact's last survey; 0 turns the rule off. */
  minDaysBetween: number;
  onBlocked: OnBlocked;
}

/**
 * 90 days between surveys. A stopped send is dropped by default: a relational cadence computes the
 * next due date anyway, and a transactional survey about a delivery is stale three months later.
 */
export const DEFAULT_FATIGUE_POLICY: FatiguePolicy = Object.freeze({ minDaysBetween: 90, onBlocked: 'drop' });

/** A year: a longer pause is "do not survey", which is what unsubscribing is for. */
export const MAX_MIN_DAYS_BETWEEN = 365;

export interface SendCandidate {
  contact: { unsubscribed: boolean; bounced: boolean; lastSurveyedAt: Date | null };
  /** Whether this survey was already sent to this contact for the triggering event. */
  alreadySentForEvent: boolean;
  policy: FatiguePolicy;
}

export type SendDecision = { send: true } | { send: false; reason: BlockReason; postponeUntil: Date | null };

/**
 * Decides whether a survey may go to a contact at `now`.
 * @throws RangeError on an invalid policy or date.
 * @example
 * decideSend({
 *   contact: { unsubscribed: false, bounced: false, lastSurveyedAt: new Date('2024-01-10T09:00:00Z') },
 *   alreadySentForEvent: false,
 *   policy: { minDaysBetween: 90, onBlocked: 'postpone' },
 * }, new Date('2024-03-01T09:00:00Z'))
 * // { send: false, reason: 'recently-surveyed', postponeUntil: 2024-04-09T09:00:00.000Z }
 */
export function decideSend(candidate: SendCandidate, now: Date): SendDecision {
  const { contact, alreadySentForEvent, policy } = candidate;
  const checked = validateFatiguePolicy(policy);
  if (!checked.ok) throw new RangeError(`invalid fatigue policy: ${checked.errors[0]!.path}`);
  if (Number.isNaN(now.getTime())) throw new RangeError('invalid date: now');
  // Permanent reasons first, so a send is only ever postponed when waiting would let it through.
  if (contact.unsubscribed) return { send: false, reason: 'unsubscribed', postponeUntil: null };
  if (contact.bounced) return { send: false, reason: 'bounced', postponeUntil: null };
  if (alreadySentForEvent) return { send: false, reason: 'duplicate-event', postponeUntil: null };
  if (contact.lastSurveyedAt !== null && policy.minDaysBetween > 0) {
    const last = contact.lastSurveyedAt.getTime();
    if (Number.isNaN(last)) throw new RangeError('invalid date: lastSurveyedAt');
    const allowedFrom = last + policy.minDaysBetween * DAY_MS;
    if (now.getTime() < allowedFrom) {
      return {
        send: false,
        reason: 'recently-surveyed',
        postponeUntil: policy.onBlocked === 'postpone' ? new Date(allowedFrom) : null,
      };
    }
  }
  return { send: true };
}

/**
 * The policy for one survey: the survey's own settings where it has them, the workspace's otherwise.
 * @example resolveFatiguePolicy({ minDaysBetween: 90, onBlocked: 'drop' }, { minDaysBetween: 30 })
 * // { minDaysBetween: 30, onBlocked: 'drop' }
 */
export function resolveFatiguePolicy(
  workspaceDefault: FatiguePolicy,
  surveyOverride: Partial<FatiguePolicy> | null | undefined,
): FatiguePolicy {
  return {
    minDaysBetween: surveyOverride?.minDaysBetween ?? workspaceDefault.minDaysBetween,
    onBlocked: surveyOverride?.onBlocked ?? workspaceDefault.onBlocked,
  };
}

/**
 * Checks a policy from untrusted input: `minDaysBetween` a whole number of days 0-365, `onBlocked`
 * 'drop' or 'postpone'. With `partial`, both may be missing (a survey's override).
 * @example validateFatiguePolicy({ minDaysBetween: -1, onBlocked: 'drop' }, 'fatigue')
 * // { ok: false, errors: [{ path: 'fatigue.minDaysBetween', message: 'must be a whole number of days from 0 to 365' }] }
 */
export function validateFatiguePolicy(input: unknown, path = 'fatigue'): Validated<FatiguePolicy> {
  const result = validatePolicyFields(input, path, false);
  return result.ok ? { ok: true, value: result.value as FatiguePolicy } : result;
}

/** As `validateFatiguePolicy`, for a survey's override in which every field is optional. */
export function validateFatigueOverride(input: unknown, path = 'fatigue'): Validated<Partial<FatiguePolicy>> {
  return validatePolicyFields(input, path, true);
}

function validatePolicyFields(
  input: unknown,
  path: string,
  partial: boolean,
): Validated<Partial<FatiguePolicy>> {
  if (!isRecord(input)) return { ok: false, errors: [{ path, message: 'must be an object' }] };
  const errors: FieldError[] = unknownKeyErrors(input, ['minDaysBetween', 'onBlocked'], path);
  const value: Partial<FatiguePolicy> = {};
  const days = input['minDaysBetween'];
  if (days === undefined && partial) {
    // not overridden
  } else if (isIntegerIn(days, 0, MAX_MIN_DAYS_BETWEEN)) {
    value.minDaysBetween = days;
  } else {
    errors.push({
      path: `${path}.minDaysBetween`,
      message: `must be a whole number of days from 0 to ${MAX_MIN_DAYS_BETWEEN}`,
    });
  }
  const onBlocked = input['onBlocked'];
  if (onBlocked === undefined && partial) {
    // not overridden
  } else if (onBlocked === 'drop' || onBlocked === 'postpone') {
    value.onBlocked = onBlocked;
  } else {
    errors.push({ path: `${path}.onBlocked`, message: 'must be "drop" or "postpone"' });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value };
}
