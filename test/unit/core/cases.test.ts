import { describe, expect, it } from 'vitest';
import {
  applyCaseChange,
  type CaseState,
  dueAt,
  normalizeRootCauses,
  ownerFor,
  slaState,
  validateCaseChange,
} from '../../../src/core/cases';

const t = (iso: string) => new Date(iso);

describe('ownerFor', () => {
  it('takes the contact owner, then the account owner, then the fallback', () => {
    expect(ownerFor({ owner: 'a@x.com', 'account.owner': 'b@x.com' }, 'c@x.com').owner).toBe('a@x.com');
    expect(ownerFor({ 'account.owner': 'b@x.com' }, 'c@x.com').owner).toBe('b@x.com');
    expect(ownerFor({ owner: '  ' }, 'c@x.com').owner).toBe('c@x.com');
    expect(ownerFor({}, null)).toEqual({ owner: null, team: null });
  });
  it('takes the team attribute, else a fallback that is a team name, never an address', () => {
    expect(ownerFor({ team: 'EMEA' }, 'Support').team).toBe('EMEA');
    expect(ownerFor({ 'account.team': 'DACH' }, 'Support').team).toBe('DACH');
    expect(ownerFor({}, 'Support')).toEqual({ owner: 'Support', team: 'Support' });
    expect(ownerFor({}, 'cs@x.com')).toEqual({ owner: 'cs@x.com', team: null });
    expect(ownerFor({ owner: 42 }, null).owner).toBeNull();
  });
});

describe('slaState', () => {
  const created = t('2026-11-01T00:00:00Z');
  const due = dueAt(created, 24);
  it('is on track, due soon in the last quarter, and breached after the due time', () => {
    expect(due.toISOString()).toBe('2026-11-02T00:00:00.000Z');
    const c = { created_at: created, due_at: due, closed_at: null };
    expect(slaState(c, t('2026-11-01T17:59:00Z'))).toBe('on_track');
    expect(slaState(c, t('2026-11-01T18:01:00Z'))).toBe('due_soon');
    expect(slaState(c, t('2026-11-02T00:00:00Z'))).toBe('due_soon');
    expect(slaState(c, t('2026-11-02T00:00:01Z'))).toBe('breached');
  });
  it('is met or missed once closed, whatever the time now', () => {
    expect(
      slaState({ created_at: created, due_at: due, closed_at: t('2026-11-01T12:00:00Z') }, t('2027-01-01')),
    ).toBe('met');
    expect(
      slaState({ created_at: created, due_at: due, closed_at: t('2026-11-03T00:00:00Z') }, t('2026-11-03')),
    ).toBe('missed');
  });
});

describe('case changes', () => {
  const open: CaseState = { status: 'open', resolution: null, first_contact_at: null, closed_at: null };
  const now = t('2026-11-05T10:00:00Z');
  it('needs a resolution to close, given now or before', () => {
    const r = applyCaseChange(open, { status: 'closed' }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.errors[0]!.path).toBe('resolution');
    expect(applyCaseChange(open, { status: 'closed', resolution: '  ' }, now).ok).toBe(false);
    const closed = applyCaseChange(open, { status: 'closed', resolution: 'Refunded' }, now);
    expect(closed).toEqual({
      ok: true,
      value: {
        status: 'closed',
        resolution: 'Refunded',
        first_contact_at: now,
        closed_at: now,
        events: ['status: open → closed'],
      },
    });
    const withEarlier = applyCaseChange({ ...open, resolution: 'Fixed' }, { status: 'closed' }, now);
    expect(withEarlier.ok).toBe(true);
  });
  it('leaving open is the first contact, kept from then on; reopening clears closed_at only', () => {
    const working = applyCaseChange(open, { status: 'in_progress' }, now);
    expect(working.ok && working.value.first_contact_at).toEqual(now);
    const later = t('2026-11-06T10:00:00Z');
    const closed: CaseState = {
      status: 'closed',
      resolution: 'Done',
      first_contact_at: now,
      closed_at: later,
    };
    const reopened = applyCaseChange(closed, { status: 'open' }, t('2026-11-07'));
    expect(reopened).toMatchObject({
      ok: true,
      value: { status: 'open', closed_at: null, first_contact_at: now, resolution: 'Done' },
    });
    // Closing again keeps a still-closed case's time; staying open changes nothing.
    expect(applyCaseChange(closed, { root_causes: ['x'] }, t('2026-11-08'))).toMatchObject({
      value: { closed_at: later },
    });
    expect(applyCaseChange(open, {}, now)).toMatchObject({ value: { first_contact_at: null, events: [] } });
  });
});

describe('validateCaseChange', () => {
  it('accepts each field and normalises root causes', () => {
    expect(
      validateCaseChange({
        status: 'waiting_on_customer',
        owner: '',
        team: 'EMEA',
        due_at: '2026-12-01T10:00:00Z',
        root_causes: ['Billing', ' billing', 'Slow  support'],
        resolution: null,
      }),
    ).toEqual({
      ok: true,
      value: {
        status: 'waiting_on_customer',
        owner: null,
        team: 'EMEA',
        due_at: t('2026-12-01T10:00:00Z'),
        root_causes: ['billing', 'slow support'],
        resolution: null,
      },
    });
  });
  it('names each wrong field', () => {
    const paths = (input: unknown) => {
      const r = validateCaseChange(input);
      return r.ok ? [] : r.errors.map((e) => e.path);
    };
    expect(paths({ status: 'done' })).toEqual(['status']);
    expect(paths({ owner: 5 })).toEqual(['owner']);
    expect(paths({ due_at: 'tomorrow' })).toEqual(['due_at']);
    expect(paths({ due_at: '2026-12-01' })).toEqual(['due_at']);
    expect(paths({ root_causes: 'billing' })).toEqual(['root_causes']);
    expect(paths({ root_causes: ['x'.repeat(41)] })).toEqual(['root_causes']);
    expect(paths({ root_causes: Array.from({ length: 11 }, (_, i) => `t${i}`) })).toEqual(['root_causes']);
    expect(paths({ resolution: 'x'.repeat(5001) })).toEqual(['resolution']);
    expect(paths({ colour: 'red' })).toEqual(['.colour']);
    expect(paths([])).toEqual(['']);
  });
  it('normalises tags', () => {
    expect(normalizeRootCauses(['A', 'a', '', ' b  c '])).toEqual(['a', 'b c']);
  });
});

describe('owners and closed cases', () => {
  it('stores an owner address in lower case, a name as given', () => {
    expect(ownerFor({ owner: 'Rep@Example.COM' }, null).owner).toBe('rep@example.com');
    expect(ownerFor({}, 'Support Team').owner).toBe('Support Team');
    expect(validateCaseChange({ owner: ' Anna@X.com ' })).toEqual({
      ok: true,
      value: { owner: 'anna@x.com' },
    });
  });
  it('a closed case keeps its resolution', () => {
    const closed: CaseState = {
      status: 'closed',
      resolution: 'Done',
      first_contact_at: t('2026-11-01'),
      closed_at: t('2026-11-02'),
    };
    const r = applyCaseChange(closed, { resolution: null }, t('2026-11-03'));
    expect(r.ok).toBe(false);
    expect(applyCaseChange(closed, { resolution: 'Done better' }, t('2026-11-03')).ok).toBe(true);
  });
});
