import { describe, expect, it } from 'vitest';
import { ALERT_COMMENT_GRACE_MS, alertDueAt } from '../../../src/server/loop/run-playbook';

describe('alertDueAt', () => {
  const created = new Date('2026-11-01T10:00:00Z');
  const now = new Date('2026-11-01T10:00:01Z');
  it('alerts at once for a complete answer or one that can no longer change', () => {
    expect(
      alertDueAt(
        { comment: 'slow', editable_until: new Date('2026-11-01T10:30:00Z'), created_at: created },
        now,
      ),
    ).toEqual(now);
    expect(alertDueAt({ comment: null, editable_until: null, created_at: created }, now)).toEqual(now);
  });
  it('waits for the comment of an answer that is still being written, within the edit window', () => {
    const due = alertDueAt(
      { comment: null, editable_until: new Date('2026-11-01T10:30:00Z'), created_at: created },
      now,
    );
    expect(due.getTime()).toBe(created.getTime() + ALERT_COMMENT_GRACE_MS);
    const shortWindow = alertDueAt(
      { comment: null, editable_until: new Date('2026-11-01T10:00:20Z'), created_at: created },
      now,
    );
    expect(shortWindow.toISOString()).toBe('2026-11-01T10:00:20.000Z');
    // A run that starts late never schedules into the past.
    const late = new Date('2026-11-01T11:00:00Z');
    expect(
      alertDueAt(
        { comment: null, editable_until: new Date('2026-11-01T10:30:00Z'), created_at: created },
        late,
      ),
    ).toEqual(late);
  });
});
