/**
 * The testimonial notice job never leaves a live withdrawal link in a job that will not run again:
 * removed after the 250, after a permanent mail error and after the last attempt's transient error;
 * kept for the retry of an earlier transient error.
 */
import { describe, expect, it } from 'vitest';
import { type Mailer, MailSendError, type OutgoingEmail } from '../../../src/server/channels/email/mailer';
import type { Database } from '../../../src/server/db/port';
import type { Job } from '../../../src/server/jobs/queue';
import { sendTestimonialNoticeHandler } from '../../../src/server/jobs/send-testimonial-notice';
import { PermanentJobError } from '../../../src/server/jobs/worker';

const URL_ = 'https://plaudit.test/t/withdraw/abc';

function fakeDb() {
  const statements: string[] = [];
  const db = {
    kind: 'pglite',
    async query(sql: string) {
      statements.push(sql);
      if (sql.includes('FROM testimonial t'))
        return [
          {
            email: 'anna@example.com',
            contact_name: 'Anna Becker',
            contact_locale: null,
            response_locale: 'de',
            default_locale: 'en',
            workspace_name: 'Taskwerk',
            comment: 'Toll <b>',
            quote: 'Toll <b>',
            display_name: 'Anna B.',
            status: 'approved',
            testimonial_consent: true,
            undeliverable: false,
          },
        ];
      return [];
    },
    async exec() {},
    async transaction() {
      throw new Error('not used');
    },
    async close() {},
  } as unknown as Database;
  const removedLink = () => statements.some((s) => s.includes("payload - 'withdraw_url'"));
  return { db, removedLink };
}

function jobOf(attempts: number, maxAttempts = 5): Job {
  return {
    id: 1,
    queue: 'send-testimonial-notice',
    workspaceId: 'ws',
    payload: { workspace_id: 'ws', response_id: 'r1', withdraw_url: URL_ },
    state: 'active',
    runAt: new Date(),
    attempts,
    maxAttempts,
    uniqueKey: 'r1',
    lockedBy: 'w',
    lockedUntil: new Date(),
    lastError: null,
    createdAt: new Date(),
    finishedAt: null,
  };
}

const mailer = (send: (m: OutgoingEmail) => Promise<never> | ReturnType<Mailer['send']>): Mailer => ({
  description: 'fake',
  send,
  close: async () => {},
});

const run = (m: Mailer, job: Job, db: Database) =>
  sendTestimonialNoticeHandler({ publicUrl: 'https://plaudit.test', mailer: m })({
    job,
    db,
    signal: new AbortController().signal,
  });

describe('send-testimonial-notice', () => {
  it('sends the German notice with the escaped quote and the link, then forgets the link', async () => {
    const { db, removedLink } = fakeDb();
    const sent: OutgoingEmail[] = [];
    await run(
      mailer(async (m) => {
        sent.push(m);
        return { status: 'accepted', messageId: m.messageId, response: '250 ok' };
      }),
      jobOf(1),
      db,
    );
    expect(sent).toHaveLength(1);
    expect(sent[0]!.subject).toBe('Danke: Taskwerk zeigt jetzt Ihre Worte');
    expect(sent[0]!.html).toContain('Toll &lt;b&gt;</blockquote>');
    expect(sent[0]!.html).toContain(`<a href="${URL_}"`);
    expect(sent[0]!.text).toContain(`Einwilligung widerrufen: ${URL_}`);
    expect(removedLink()).toBe(true);
  });

  it('forgets the link when the mail server refuses for good, and fails the job at once', async () => {
    const { db, removedLink } = fakeDb();
    const refused = mailer(async () => {
      throw new MailSendError('535 authentication failed', false, 535);
    });
    await expect(run(refused, jobOf(1), db)).rejects.toBeInstanceOf(PermanentJobError);
    expect(removedLink()).toBe(true);
  });

  it('keeps the link for the retry of a transient error, but not after the last attempt', async () => {
    const busy = mailer(async () => {
      throw new MailSendError('451 try later', true, 451);
    });
    const first = fakeDb();
    await expect(run(busy, jobOf(1), first.db)).rejects.toBeInstanceOf(MailSendError);
    expect(first.removedLink()).toBe(false);
    const last = fakeDb();
    await expect(run(busy, jobOf(5, 5), last.db)).rejects.toBeInstanceOf(MailSendError);
    expect(last.removedLink()).toBe(true);
  });
});
