/**
 * The `send-testimonial-notice` job: once a testimonial is approved, its customer (when the contact
 * has an email address) is told, in their language (German or English), that their words are now
 * shown, with a link to withdraw consent at any time (`/t/withdraw/<token>`). The payload carries
 * that link, since the database keeps only a hash of its token; the handler removes it as soon as
 * the mail server has taken the message, like the member invitation, and also when sending failed
 * for good or on the last attempt (a dead job keeps no live link); an earlier transient failure
 * keeps it for the retry. Nothing is sent when the testimonial was rejected or withdrawn meanwhile,
 * nor to an address that bounced or complained (an unsubscription from survey emails does not
 * stop it: it is about the customer's own consent). One job per response, ever (its unique key).
 */
import type { Mailer } from '../channels/email/mailer';
import { germanOrEnglish, renderNoticeEmail, sendNotice } from '../channels/email/notice-email';
import { type JobHandler, PermanentJobError } from './worker';

export const SEND_TESTIMONIAL_NOTICE_QUEUE = 'send-testimonial-notice';

export interface SendTestimonialNoticePayload {
  workspace_id: string;
  response_id: string;
  /** Removed once sent. */
  withdraw_url?: string;
}

interface Row {
  email: string | null;
  contact_name: string | null;
  contact_locale: string | null;
  response_locale: string | null;
  default_locale: string;
  workspace_name: string;
  comment: string | null;
  quote: string | null;
  display_name: string | null;
  status: string;
  testimonial_consent: boolean | null;
  undeliverable: boolean;
}

export const NOTICE_TEXTS = {
  en: {
    subject: (ws: string) => `Thank you: ${ws} now shows your words`,
    greeting: (name: string | null) => (name ? `Hello ${name},` : 'Hello,'),
    intro: (ws: string) =>
      `thank you for recommending ${ws}. With your consent, ${ws} now shows your comment as a testimonial on its website:`,
    signed: (who: string) => `Shown as: ${who}`,
    withdraw: 'You can withdraw your consent at any time; the testimonial disappears at once.',
    button: 'Withdraw my consent',
  },
  de: {
    subject: (ws: string) => `Danke: ${ws} zeigt jetzt Ihre Worte`,
    greeting: (name: string | null) => (name ? `Hallo ${name},` : 'Hallo,'),
    intro: (ws: string) =>
      `danke, dass Sie ${ws} weiterempfehlen. Mit Ihrer Einwilligung zeigt ${ws} Ihren Kommentar jetzt als Kundenstimme auf der eigenen Website:`,
    signed: (who: string) => `Angezeigt als: ${who}`,
    withdraw: 'Sie können Ihre Einwilligung jederzeit widerrufen; die Kundenstimme verschwindet dann sofort.',
    button: 'Einwilligung widerrufen',
  },
};

export const noticeTextsFor = (locale: string | null | undefined) => NOTICE_TEXTS[germanOrEnglish(locale)];

export function sendTestimonialNoticeHandler(deps: { publicUrl: string; mailer: Mailer }): JobHandler {
  return async ({ job, db }) => {
    const payload = job.payload as unknown as SendTestimonialNoticePayload;
    const url = payload.withdraw_url;
    if (!url) return; // sent before (the link was removed after the 250)
    const rows = await db.query<Row>(
      `SELECT c.email, c.name AS contact_name, c.locale AS contact_locale, r.locale AS response_locale,
         w.default_locale, w.name AS workspace_name, r.comment, t.quote, t.display_name, t.status,
         r.testimonial_consent,
         EXISTS (SELECT 1 FROM suppression s WHERE s.workspace_id = t.workspace_id AND s.email = lower(c.email)
                 AND s.reason IN ('bounced', 'complained')) AS undeliverable
       FROM testimonial t JOIN response r ON r.id = t.response_id AND r.workspace_id = t.workspace_id
       JOIN workspace w ON w.id = t.workspace_id LEFT JOIN contact c ON c.id = r.contact_id
       WHERE t.workspace_id = $1 AND t.response_id = $2`,
      [payload.workspace_id, payload.response_id],
    );
    const row = rows[0];
    const live = row?.status === 'approved' && row.testimonial_consent === true && row.comment === row.quote;
    if (!row?.email || !live || row.undeliverable) {
      await db.query(`UPDATE job SET payload = payload - 'withdraw_url' WHERE id = $1`, [job.id]);
      return;
    }
    const t = noticeTextsFor(row.response_locale ?? row.contact_locale ?? row.default_locale);
    const firstName = row.contact_name?.trim().split(/\s+/)[0] ?? null;
    const { html, text } = renderNoticeEmail({
      blocks: [
        t.greeting(firstName),
        t.intro(row.workspace_name),
        { quote: row.comment ?? '' },
        t.signed(row.display_name ?? ''),
        t.withdraw,
        { link: { label: t.button, url } },
      ],
    });
    const host = new URL(deps.publicUrl).hostname;
    const forgetLink = () =>
      db.query(`UPDATE job SET payload = payload - 'withdraw_url' WHERE id = $1`, [job.id]);
    try {
      await sendNotice(deps.mailer, {
        to: { address: row.email },
        subject: t.subject(row.workspace_name),
        text,
        html,
        messageId: `<testimonial.${payload.response_id}@${host}>`,
      });
    } catch (error) {
      // A failure that ends the job (permanent, or the last attempt) must not leave a dead job with
      // a live withdrawal link. A transient one before the last attempt keeps it for the retry.
      if (error instanceof PermanentJobError || job.attempts >= job.maxAttempts) await forgetLink();
      throw error;
    }
    await forgetLink();
  };
}
