/**
 * The `send-follow-up-email` job: the messages the playbook and a case's owner send a customer,
 * in the customer's language (German or English):
 * - `thanks`: the playbook's `send_thanks`, at once after a response;
 * - `testimonial_request`: the playbook's `request_testimonial`, `delay_days` later: a link to
 *   a public review or testimonial page when the rule names one, else an invitation to reply
 *   with a few sentences that may be quoted. No review gating: every response the rule matched
 *   gets it; it is only dropped when the answer itself is gone or no longer matches the rule's
 *   band (the customer lowered the score), or the customer unsubscribed;
 * - `you_told_us`: a case's "you told us, we did" message without a survey (with a survey it is
 *   an invitation email, see the recovery survey in routes/cases.ts).
 *
 * Never to a suppressed address (deliverSurveyEmail). The job's unique key (`<kind>:<response
 * id>`, `you_told_us:<case id>`) makes each message one job; a retry after a lost 250 may repeat
 * it, the at-least-once contract of every email here, with the same Message-ID so that mail
 * clients show one.
 */

import { deliverSurveyEmail } from '../channels/email/deliver-survey-email';
import type { Mailer } from '../channels/email/mailer';
import { MailSendError } from '../channels/email/mailer';
import { escapeHtml } from '../http/escape-html';
import type { JobHandler } from '../jobs/worker';
import { PermanentJobError } from '../jobs/worker';

export const FOLLOW_UP_EMAIL_QUEUE = 'send-follow-up-email';

export type FollowUpEmailPayload =
  | { kind: 'thanks'; response_id: string }
  | { kind: 'testimonial_request'; response_id: string; review_url: string | null }
  | { kind: 'you_told_us'; case_id: string; response_id?: undefined; message: string };

interface Recipient {
  workspace_id: string;
  contact_id: string | null;
  email: string | null;
  name: string | null;
  locale: string | null;
  score: number | null;
  product_name: string;
  survey_locale: string;
  brand_color: string;
}

const TEXTS = {
  en: {
    hello: (name: string | null) => (name ? `Hello ${name},` : 'Hello,'),
    thanksSubject: (p: string) => `Thank you for your feedback on ${p}`,
    thanks: (p: string) =>
      `thank you for taking the time to tell us what you think of ${p}. Every answer is read, and it helps us decide what to improve next.`,
    requestSubject: (p: string) => `Would you share your experience with ${p}?`,
    request: (p: string) =>
      `a little while ago you told us you would recommend ${p}. Would you share your experience in a few sentences? It helps others decide, and it means a lot to our team.`,
    reviewButton: 'Write a review',
    replyInstead: 'Just reply to this email with a few sentences; we will ask before we quote you anywhere.',
    toldUsSubject: (p: string) => `You told us, we did: ${p}`,
    signature: (p: string) => `Your ${p} team`,
  },
  de: {
    hello: (name: string | null) => (name ? `Hallo ${name},` : 'Hallo,'),
    thanksSubject: (p: string) => `Vielen Dank für Ihr Feedback zu ${p}`,
    thanks: (p: string) =>
      `vielen Dank, dass Sie sich die Zeit genommen haben, uns Ihre Meinung zu ${p} zu sagen. Wir lesen jede Antwort, und sie hilft uns zu entscheiden, was wir als Nächstes verbessern.`,
    requestSubject: (p: string) => `Möchten Sie Ihre Erfahrung mit ${p} teilen?`,
    request: (p: string) =>
      `vor Kurzem haben Sie uns gesagt, dass Sie ${p} weiterempfehlen würden. Möchten Sie Ihre Erfahrung in ein paar Sätzen teilen? Das hilft anderen bei der Entscheidung und bedeutet unserem Team viel.`,
    reviewButton: 'Bewertung schreiben',
    replyInstead:
      'Antworten Sie einfach auf diese E-Mail mit ein paar Sätzen; wir fragen Sie, bevor wir Sie irgendwo zitieren.',
    toldUsSubject: (p: string) => `Sie haben es uns gesagt, wir haben gehandelt: ${p}`,
    signature: (p: string) => `Ihr ${p}-Team`,
  },
};

/** The email of a follow-up, or null when there is nothing to send. Pure. */
export function composeFollowUpEmail(
  payload: FollowUpEmailPayload,
  r: Recipient,
  messageId: string,
): { subject: string; text: string; html: string; messageId: string } | null {
  const locale = (r.locale ?? r.survey_locale).startsWith('de') ? 'de' : 'en';
  const t = TEXTS[locale];
  const p = r.product_name;
  let subject: string;
  let paragraphs: string[];
  let button: { label: string; url: string } | null = null;
  if (payload.kind === 'thanks') {
    subject = t.thanksSubject(p);
    paragraphs = [t.thanks(p)];
  } else if (payload.kind === 'testimonial_request') {
    subject = t.requestSubject(p);
    paragraphs = [t.request(p)];
    if (payload.review_url) button = { label: t.reviewButton, url: payload.review_url };
    else paragraphs.push(t.replyInstead);
  } else {
    subject = t.toldUsSubject(p);
    paragraphs = payload.message.split(/\n{2,}/);
  }
  const hello = t.hello(r.name);
  const sign = t.signature(p);
  const text = [
    hello,
    '',
    ...paragraphs.flatMap((x) => [x, '']),
    ...(button ? [`${button.label}: ${button.url}`, ''] : []),
    sign,
    '',
  ].join('\n');
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328;max-width:560px">` +
    `<p>${escapeHtml(hello)}</p>` +
    paragraphs.map((x) => `<p>${escapeHtml(x).replace(/\n/g, '<br>')}</p>`).join('') +
    (button
      ? `<p><a href="${escapeHtml(button.url)}" style="display:inline-block;padding:10px 16px;background:${escapeHtml(r.brand_color)};color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(button.label)}</a></p>`
      : '') +
    `<p>${escapeHtml(sign)}</p></body></html>`;
  return { subject, text, html, messageId };
}

const RECIPIENT_SQL = `SELECT r.workspace_id, r.contact_id, c.email, c.name, coalesce(c.locale, r.locale) AS locale, r.score,
    s.product_name, s.default_locale AS survey_locale, s.brand_color
  FROM response r JOIN survey s ON s.id = r.survey_id LEFT JOIN contact c ON c.id = r.contact_id`;

export function followUpEmailHandler(deps: {
  publicUrl: string;
  mailer: Mailer;
  clock: () => Date;
}): JobHandler {
  return async ({ job, db }) => {
    const payload = job.payload as unknown as FollowUpEmailPayload;
    const rows =
      payload.kind === 'you_told_us'
        ? await db.query<Recipient>(
            `SELECT k.workspace_id, k.contact_id, c.email, c.name, c.locale, k.score,
               coalesce(s.product_name, w.name) AS product_name, coalesce(s.default_locale, w.default_locale) AS survey_locale,
               coalesce(s.brand_color, '#0b57d0') AS brand_color
             FROM follow_up_case k JOIN workspace w ON w.id = k.workspace_id
             JOIN contact c ON c.id = k.contact_id LEFT JOIN survey s ON s.id = k.survey_id
             WHERE k.id = $1`,
            [payload.case_id],
          )
        : await db.query<Recipient>(`${RECIPIENT_SQL} WHERE r.id = $1`, [payload.response_id]);
    const r = rows[0];
    if (!r?.email) return; // the answer or its contact is gone, or anonymous
    if (payload.kind === 'testimonial_request' && (r.score === null || r.score < 9)) return;
    const host = new URL(deps.publicUrl).hostname;
    const id = payload.kind === 'you_told_us' ? payload.case_id : payload.response_id;
    const email = composeFollowUpEmail(payload, r, `<${payload.kind.replace(/_/g, '-')}.${id}@${host}>`);
    if (!email) return;
    try {
      await deliverSurveyEmail(
        db,
        deps.mailer,
        { ...email, to: { address: r.email, name: r.name } },
        { workspaceId: r.workspace_id, contactId: r.contact_id },
        deps.clock,
      );
    } catch (error) {
      if (error instanceof MailSendError && !error.retryable) throw new PermanentJobError(error.message);
      throw error;
    }
  };
}
