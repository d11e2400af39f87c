import { describe, expect, it } from 'vitest';
import {
  DELIVERY_STATUSES,
  type DeliveryStatus,
  INVITATION_STATES,
  type InvitationFacts,
  type InvitationState,
  invitationState,
} from '../../../src/core/invitation-lifecycle';

const NOW = new Date('2026-06-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW.getTime() - ms);
const ahead = (ms: number) => new Date(NOW.getTime() + ms);

const facts = (overrides: Partial<InvitationFacts> = {}): InvitationFacts => ({
  status: 'sent',
  answered_at: null,
  expires_at: ahead(86_400_000),
  reminders_sent: 0,
  opened_at: null,
  ...overrides,
});

describe('invitationState', () => {
  it.each<[string, Partial<InvitationFacts>, InvitationState]>([
    ['a link only, never sent by email', { status: 'created' }, 'created'],
    ['queued with a future send_at', { status: 'queued' }, 'scheduled'],
    ['an attempt under way', { status: 'sending' }, 'sending'],
    ['accepted by the mail server', { status: 'sent' }, 'sent'],
    ['sent and opened', { opened_at: ago(1000) }, 'opened'],
    ['sent and reminded once', { reminders_sent: 1 }, 'reminded'],
    ['sent and answered', { answered_at: ago(1000) }, 'answered'],
    ['bounced', { status: 'bounced' }, 'bounced'],
    ['skipped (unsubscribed)', { status: 'skipped' }, 'skipped'],
    ['failed', { status: 'failed' }, 'failed'],
    ['sent, unanswered, past expires_at', { expires_at: ago(1) }, 'expired'],
  ])('%s: %s', (_name, overrides, expected) => {
    expect(invitationState(facts(overrides), NOW)).toBe(expected);
  });

  it('applies the documented precedence: answered > bounced/failed/skipped > expired > reminded > opened', () => {
    const everything = { reminders_sent: 2, opened_at: ago(5000), expires_at: ago(1) };
    expect(invitationState(facts({ ...everything, answered_at: ago(10) }), NOW)).toBe('answered');
    // Answered before the email went out (the send job then skipped it with reason 'answered').
    expect(invitationState(facts({ status: 'skipped', answered_at: ago(10) }), NOW)).toBe('answered');
    expect(invitationState(facts({ status: 'bounced', answered_at: ago(10) }), NOW)).toBe('answered');
    expect(invitationState(facts({ status: 'bounced', expires_at: ago(1) }), NOW)).toBe('bounced');
    expect(invitationState(facts({ status: 'failed', expires_at: ago(1) }), NOW)).toBe('failed');
    expect(invitationState(facts({ status: 'skipped', expires_at: ago(1) }), NOW)).toBe('skipped');
    expect(invitationState(facts(everything), NOW)).toBe('expired');
    expect(invitationState(facts({ ...everything, expires_at: ahead(1) }), NOW)).toBe('reminded');
    expect(invitationState(facts({ opened_at: ago(5000), expires_at: ahead(1) }), NOW)).toBe('opened');
    // A queued invitation whose expiry passed before it was sent shows expired, not scheduled.
    expect(invitationState(facts({ status: 'queued', expires_at: ago(1) }), NOW)).toBe('expired');
    expect(invitationState(facts({ status: 'created', expires_at: ago(1) }), NOW)).toBe('expired');
    // An open recorded while the attempt is still 'sending' (a crash left it there) is an open.
    expect(invitationState(facts({ status: 'sending', opened_at: ago(1) }), NOW)).toBe('opened');
  });

  it('is expired from the instant of expires_at on, as the survey page is; null never expires', () => {
    expect(invitationState(facts({ expires_at: NOW }), NOW)).toBe('expired');
    expect(invitationState(facts({ expires_at: ahead(1) }), NOW)).toBe('sent');
    expect(invitationState(facts({ expires_at: null }), new Date('2999-01-01T00:00:00Z'))).toBe('sent');
  });

  /** The precedence as the issue states it, written as an ordered list of rules. */
  const RULES: [InvitationState, (f: InvitationFacts, now: Date) => boolean][] = [
    ['answered', (f) => f.answered_at !== null],
    ['bounced', (f) => f.status === 'bounced'],
    ['failed', (f) => f.status === 'failed'],
    ['skipped', (f) => f.status === 'skipped'],
    ['expired', (f, now) => f.expires_at !== null && f.expires_at.getTime() <= now.getTime()],
    ['reminded', (f) => f.reminders_sent > 0],
    ['opened', (f) => f.opened_at !== null],
    ['sent', (f) => f.status === 'sent'],
    ['sending', (f) => f.status === 'sending'],
    ['scheduled', (f) => f.status === 'queued'],
    ['created', (f) => f.status === 'created'],
  ];

  it('agrees with the ordered rules on every combination of the facts, and reaches every state', () => {
    const statuses: readonly DeliveryStatus[] = DELIVERY_STATUSES;
    const answered = [null, ago(60_000)];
    const expiries = [null, ahead(1), NOW, ago(1)];
    const reminders = [0, 1, 5];
    const opens = [null, ago(120_000)];
    const seen = new Set<InvitationState>();
    let combinations = 0;
    for (const status of statuses)
      for (const answered_at of answered)
        for (const expires_at of expiries)
          for (const reminders_sent of reminders)
            for (const opened_at of opens) {
              const f: InvitationFacts = { status, answered_at, expires_at, reminders_sent, opened_at };
              const expected = RULES.find(([, holds]) => holds(f, NOW))![0];
              const state = invitationState(f, NOW);
              expect(state, JSON.stringify(f)).toBe(expected);
              seen.add(state);
              combinations++;
            }
    expect(combinations).toBe(7 * 2 * 4 * 3 * 2);
    expect([...seen].sort()).toEqual([...INVITATION_STATES].sort());
  });

  it('lists the states in order of precedence, and the delivery statuses of migration 0006', () => {
    expect(INVITATION_STATES).toEqual(RULES.map(([state]) => state));
    expect(DELIVERY_STATUSES).toEqual([
      'created',
      'queued',
      'sending',
      'sent',
      'bounced',
      'skipped',
      'failed',
    ]);
  });
});
