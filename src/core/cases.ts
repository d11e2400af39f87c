/**
 * Follow-up cases: who owns one, whether its SLA holds, and what a change to it means. Pure; the
 * SQL is in server/repo/cases.ts and the playbook runner in server/loop/run-playbook.ts.
 *
 * A case is opened by the playbook's `open_case` action (or by hand) and moves between `open`,
 * `in_progress`, `waiting_on_customer` and `closed`. Closing needs a resolution. The first time
 * someone reaches the customer (a note of kind `contact`, or the status leaving `open`) is the
 * case's first contact, the start of "time to first contact".
 */
import type { FieldError, Validated } from './validation';
import { isRecord, unknownKeyErrors } from './validation';

export const CASE_STATUSES = ['open', 'in_progress', 'waiting_on_customer', 'closed'] as const;
export type CaseStatus = (typeof CASE_STATUSES)[number];
export const NOTE_KINDS = ['note', 'contact'] as const;
export type NoteKind = (typeof NOTE_KINDS)[number];

export const MAX_ROOT_CAUSES = 10;
export const MAX_ROOT_CAUSE_LENGTH = 40;
export const MAX_NOTE_LENGTH = 10_000;
export const MAX_RESOLUTION_LENGTH = 5_000;
/** "Due soon" when less than this share of the SLA time is left. */
export const DUE_SOON_SHARE = 0.25;

/**
 * Who follows a response up: the contact's `owner` attribute, else the account's (`account.owner`
 * in the response's attribute snapshot), else the rule's fallback; the team is the contact's or
 * account's `team` attribute, else the fallback when it is not an address (a team name).
 */
export function ownerFor(
  attributes: Readonly<Record<string, unknown>>,
  fallback: string | null | undefined,
): { owner: string | null; team: string | null } {
  const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null);
  const fb = text(fallback);
  const owner = normalizeOwner(text(attributes.owner) ?? text(attributes['account.owner']) ?? fb);
  const team =
    text(attributes.team) ?? text(attributes['account.team']) ?? (fb && !isEmailAddress(fb) ? fb : null);
  return { owner, team };
}

/** An owner as stored: an email address in lower case (so filters and "mine" match), else as given. */
export function normalizeOwner(owner: string | null): string | null {
  return owner !== null && isEmailAddress(owner) ? owner.toLowerCase() : owner;
}

export function isEmailAddress(value: string): boolean {
  return /^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value);
}

export type SlaState = 'on_track' | 'due_soon' | 'breached' | 'met' | 'missed';

/** Where a case stands against its due time at `now`. */
export function slaState(c: { created_at: Date; due_at: Date; closed_at: Date | null }, now: Date): SlaState {
  const due = c.due_at.getTime();
  if (c.closed_at) return c.closed_at.getTime() <= due ? 'met' : 'missed';
  const t = now.getTime();
  if (t > due) return 'breached';
  const span = due - c.created_at.getTime();
  return span > 0 && (due - t) / span < DUE_SOON_SHARE ? 'due_soon' : 'on_track';
}

/** The case's due time: `due_hours` after the response. */
export function dueAt(respondedAt: Date, dueHours: number): Date {
  return new Date(respondedAt.getTime() + dueHours * 3_600_000);
}

/** Root-cause tags as stored: trimmed, lower case, without repeats, in the given order. */
export function normalizeRootCauses(tags: readonly string[]): string[] {
  const seen = new Set<string>();
  for (const tag of tags) {
    const t = tag.trim().toLowerCase().replace(/\s+/g, ' ');
    if (t !== '') seen.add(t);
  }
  return [...seen];
}

export interface CaseChange {
  status?: CaseStatus;
  owner?: string | null;
  team?: string | null;
  due_at?: Date;
  root_causes?: string[];
  resolution?: string | null;
}

export interface CaseState {
  status: CaseStatus;
  resolution: string | null;
  first_contact_at: Date | null;
  closed_at: Date | null;
}

/**
 * Checks a change against the case as it is and returns the columns to write: closing needs a
 * resolution (given now or before); reopening clears `closed_at` (the resolution stays, for the
 * record); leaving `open` for the first time is the first contact.
 */
export function applyCaseChange(
  before: CaseState,
  change: CaseChange,
  now: Date,
): Validated<CaseState & { events: string[] }> {
  const errors: FieldError[] = [];
  const status = change.status ?? before.status;
  const resolution = change.resolution !== undefined ? change.resolution : before.resolution;
  if (status === 'closed' && !(resolution && resolution.trim() !== ''))
    errors.push({
      path: 'resolution',
      message:
        before.status === 'closed' ? 'a closed case keeps its resolution' : 'is required to close a case',
    });
  if (change.root_causes && change.root_causes.length > MAX_ROOT_CAUSES)
    errors.push({ path: 'root_causes', message: `at most ${MAX_ROOT_CAUSES} tags` });
  if (errors.length > 0) return { ok: false, errors };
  const events: string[] = [];
  if (status !== before.status) events.push(`status: ${before.status} → ${status}`);
  const closed_at = status === 'closed' ? (before.closed_at ?? now) : null;
  const first_contact_at = before.first_contact_at ?? (status !== 'open' ? now : null);
  return { ok: true, value: { status, resolution: resolution ?? null, first_contact_at, closed_at, events } };
}

/** Checks a case change from untrusted JSON (the API's PATCH body). */
export function validateCaseChange(input: unknown): Validated<CaseChange> {
  if (!isRecord(input)) return { ok: false, errors: [{ path: '', message: 'must be an object' }] };
  const errors = unknownKeyErrors(
    input,
    ['status', 'owner', 'team', 'due_at', 'root_causes', 'resolution'],
    '',
  );
  const change: CaseChange = {};
  if (input.status !== undefined) {
    if (CASE_STATUSES.includes(input.status as CaseStatus)) change.status = input.status as CaseStatus;
    else errors.push({ path: 'status', message: `must be one of ${CASE_STATUSES.join(', ')}` });
  }
  for (const key of ['owner', 'team'] as const) {
    const v = input[key];
    if (v === undefined) continue;
    if (v === null || (typeof v === 'string' && v.length <= 200)) {
      const given = v === null || v.trim() === '' ? null : v.trim();
      change[key] = key === 'owner' ? normalizeOwner(given) : given;
    } else errors.push({ path: key, message: 'must be a text of at most 200 characters or null' });
  }
  if (input.due_at !== undefined) {
    const d = typeof input.due_at === 'string' ? new Date(input.due_at) : null;
    if (d && !Number.isNaN(d.getTime()) && /^\d{4}-\d{2}-\d{2}T/.test(input.due_at as string))
      change.due_at = d;
    else errors.push({ path: 'due_at', message: 'must be an ISO 8601 date-time' });
  }
  if (input.root_causes !== undefined) {
    const tags = input.root_causes;
    if (
      Array.isArray(tags) &&
      tags.every((t) => typeof t === 'string' && t.trim().length <= MAX_ROOT_CAUSE_LENGTH)
    ) {
      change.root_causes = normalizeRootCauses(tags as string[]);
      if (change.root_causes.length > MAX_ROOT_CAUSES)
        errors.push({ path: 'root_causes', message: `at most ${MAX_ROOT_CAUSES} tags` });
    } else
      errors.push({
        path: 'root_causes',
        message: `must be a list of tags of at most ${MAX_ROOT_CAUSE_LENGTH} characters`,
      });
  }
  if (input.resolution !== undefined) {
    const v = input.resolution;
    if (v === null || (typeof v === 'string' && v.length <= MAX_RESOLUTION_LENGTH)) change.resolution = v;
    else
      errors.push({
        path: 'resolution',
        message: `must be a text of at most ${MAX_RESOLUTION_LENGTH} characters`,
      });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, value: change };
}
