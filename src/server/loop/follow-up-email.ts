/**
 * The `send-follow-up-email` job: the messages the playbook and a case's owner send a customer,
 * in the customer's language (German or English):
 * - `thanks`: the playbook's `send_thanks`, at once after a response;
 * - `testimonial_request`: the playbook's `request_testimonial`, `delay_days` later: a link to
 *   a public review or testimonial page when the rule names one, else an invitation to reply
 *   with a few sentences that may be quoted. No review gating: every response the rule matched
 *   gets it; it is only dropped when the answer itself is gone, when its category changed since the
 *   playbook decided (the payload's `category`; older jobs without it: when the score is below 9),
 *   or when the customer unsubscribed;
 * - `you_told_us`: a case's "you told us, we did" message without a survey (with a survey it is
 *   an invitation email, see the recovery survey in routes/cases.ts).
 *
 * Every one carries an unsubscribe link: a footer link and the RFC 8058 `List-Unsubscribe` /
 * `List-Unsubscribe-Post` headers, to `/u/<token>` with a contact-level token minted for this email
 * (repo/unsubscribe-tokens.ts; a follow-up may have no invitation, so no invitation token). It
 * unsubscribes the contact from follow-ups and survey emails alike. Never to an unsubscribed
 * contact or a suppressed address (deliverSurveyEmail). Queries are scoped to the job's workspace.
 * The job's unique key (`<kind>:<response id>`, `you_told_us:<case id>`) makes each message one
 * job; a retry after a lost 250 may repeat it, the at-least-once contract of every email here,
 * with the same Message-ID so that mail clients show one (its unsubscribe token differs; both work).
 */

import { categoryOf } from '../../core/nps';
import { deliverSurveyEmail } from '../channels/email/deliver-survey-email';
import { listUnsubscribeHeaders, unsubscribeUrlFor } from '../channels/email/email-headers';
import type { Mailer } from '../channels/email/mailer';
import {
  germanOrEnglish,
  mailErrorToJobError,
  type NoticeBlock,
  renderNoticeEmail,
} from '../channels/email/notice-email';
import { type JobHandler, PermanentJobError } from '../jobs/worker';
import { mintUnsubscribeToken } from '../repo/unsubscribe-tokens';

export const FOLLOW_UP_EMAIL_QUEUE = 'send-follow-up-email';

export type FollowUpEmailPayload =
  | { kind: 'thanks'; response_id: string }
  | {
      kind: 'testimonial_request';
      response_id: string;
      review_url: string | null;
      /** The answer's category when the playbook decided; absent in jobs enqueued before it was added. */
      category?: 'promoter' | 'passive' | 'detractor';
    }
  | { kind: 'you_told_us'; case_id: string; response_id?: undefined; message: string };

interface Recipient {
  workspace_id: string;
  contact_id: string | null;
  survey_id: string | null;
  email: string | null;
  name: string | null;
  locale: string | null;
  score: number | null;
  product_name: string;
  survey_locale: string;
  brand_color: string;
  unsubscribed: boolean;
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
    unsubscribeText: (p: string) => `You no longer want emails like this from ${p}?`,
    unsubscribe: 'Unsubscribe',
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
    unsubscribeText: (p: string) => `Sie möchten solche E-Mails von ${p} nicht mehr erhalten?`,
    unsubscribe: 'Abmelden',
  },
};

/** The email of a follow-up, with its unsubscribe footer link and headers. Pure. */
export function composeFollowUpEmail(
  payload: FollowUpEmailPayload,
  r: Pick<Recipient, 'name' | 'locale' | 'survey_locale' | 'product_name' | 'brand_color'>,
  messageId: string,
  unsubscribeUrl: string,
): { subject: string; text: string; html: string; messageId: string; headers: Record<string, string> } {
  const t = TEXTS[germanOrEnglish(r.locale ?? r.survey_locale)];
  const p = r.product_name;
  let subject: string;
  let paragraphs: string[];
  let button: NoticeBlock | null = null;
  if (payload.kind === 'thanks') {
    subject = t.thanksSubject(p);
    paragraphs = [t.thanks(p)];
  } else if (payload.kind === 'testimonial_request') {
    subject = t.requestSubject(p);
    paragraphs = [t.request(p)];
    if (payload.review_url)
      button = { button: { label: t.reviewButton, url: payload.review_url, color: r.brand_color } };
    else paragraphs.push(t.replyInstead);
  } else {
    subject = t.toldUsSubject(p);
    paragraphs = payload.message.split(/\n{2,}/);
  }
  const { html, text } = renderNoticeEmail({
    blocks: [t.hello(r.name), ...paragraphs, ...(button ? [button] : []), t.signature(p)],
    footer: { text: t.unsubscribeText(p), link: { label: t.unsubscribe, url: unsubscribeUrl } },
  });
  return { subject, text, html, messageId, headers: listUnsubscribeHeaders(unsubscribeUrl) };
}

const RECIPIENT_SQL = `SELECT r.workspace_id, r.contact_id, r.survey_id, c.email, c.name,
    coalesce(c.locale, r.locale) AS locale, r.score, s.product_name, s.default_locale AS survey_locale,
    s.brand_color, c.unsubscribed_at IS NOT NULL AS unsubscribed
  FROM response r JOIN survey s ON s.id = r.survey_id AND s.workspace_id = r.workspace_id
  LEFT JOIN contact c ON c.id = r.contact_id AND c.workspace_id = r.workspace_id
  WHERE r.id = $1 AND r.workspace_id = $2`;

const CASE_RECIPIENT_SQL = `SELECT k.workspace_id, k.contact_id, k.survey_id, c.email, c.name, c.locale, k.score,
    coalesce(s.product_name, w.name) AS product_name, coalesce(s.default_locale, w.default_locale) AS survey_locale,
    coalesce(s.brand_color, '#0b57d0') AS brand_color, c.unsubscribed_at IS NOT NULL AS unsubscribed
  FROM follow_up_case k JOIN workspace w ON w.id = k.workspace_id
  JOIN contact c ON c.id = k.contact_id AND c.workspace_id = k.workspace_id
  LEFT JOIN survey s ON s.id = k.survey_id AND s.workspace_id = k.workspace_id
  WHERE k.id = $1 AND k.workspace_id = $2`;

/** Whether a testimonial request still fits its answer (no review gating: only a changed answer drops it). */
function stillFits(
  payload: Extract<FollowUpEmailPayload, { kind: 'testimonial_request' }>,
  score: number | null,
) {
  if (score === null) return false;
  if (payload.category === undefined) return score >= 9; // a job from before `category`
  return categoryOf(Number(score)) === payload.category;
}

export function followUpEmailHandler(deps: {
  publicUrl: string;
  mailer: Mailer;
  clock: () => Date;
}): JobHandler {
  return async ({ job, db }) => {
    const payload = job.payload as unknown as FollowUpEmailPayload;
    const workspaceId = job.workspaceId;
    if (!workspaceId) throw new PermanentJobError('a follow-up email job needs its workspace');
    const rows =
      payload.kind === 'you_told_us'
        ? await db.query<Recipient>(CASE_RECIPIENT_SQL, [payload.case_id, workspaceId])
        : await db.query<Recipient>(RECIPIENT_SQL, [payload.response_id, workspaceId]);
    const r = rows[0];
    if (!r?.email || !r.contact_id) return; // the answer or its contact is gone, or anonymous
    if (r.unsubscribed) return;
    if (payload.kind === 'testimonial_request' && !stillFits(payload, r.score)) return;
    const host = new URL(deps.publicUrl).hostname;
    const id = payload.kind === 'you_told_us' ? payload.case_id : payload.response_id;
    const token = await mintUnsubscribeToken(
      db,
      { workspaceId: r.workspace_id, contactId: r.contact_id, surveyId: r.survey_id },
      deps.clock(),
    );
    const email = composeFollowUpEmail(
      payload,
      r,
      `<${payload.kind.replace(/_/g, '-')}.${id}@${host}>`,
      unsubscribeUrlFor(deps.publicUrl, token),
    );
    try {
      await deliverSurveyEmail(
        db,
        deps.mailer,
        { ...email, to: { address: r.email, name: r.name } },
        { workspaceId: r.workspace_id, contactId: r.contact_id },
        deps.clock,
      );
    } catch (error) {
      throw mailErrorToJobError(error);
    }
  };
}
