/**
 * Everything of one invitation's survey email, from stored records to an {@link OutgoingEmail}:
 * the contact's language, the survey's texts in it, the rendered parts, the stable Message-ID and
 * the one-click unsubscribe headers. Pure: the sender (a job) loads the records and passes them.
 */
import { type SurveyTexts, textsFor } from '../../../core/survey-texts';
import { pickLocale } from '../link/pick-locale';
import {
  listUnsubscribeHeaders,
  messageIdFor,
  openPixelUrlFor,
  surveyPageUrlFor,
  unsubscribeUrlFor,
} from './email-headers';
import type { OutgoingEmail } from './mailer';
import { renderSurveyEmail } from './render-survey-email';

export interface SurveyEmailRecords {
  /** `PLAUDIT_PUBLIC_URL` without a trailing slash. */
  publicUrl: string;
  invitation: { id: string; token: string };
  contact: { email: string; name: string | null; locale: string | null };
  survey: {
    product_name: string;
    brand_color: string;
    default_locale: string;
    texts: Readonly<Record<string, SurveyTexts>>;
    logo_url?: string | null;
  };
  /** A reminder gets its own subject, intro and Message-ID (`<id>.r<n>@host`). */
  reminder?: { number: number } | null;
  /** A case's "you told us, we did" message, which opens a recovery survey's email. */
  followUpMessage?: string | null;
  /** The workspace's `track_opens`: the HTML part ends with the open-tracking pixel. Default false. */
  trackOpens?: boolean;
}

/**
 * Builds the email of an invitation in the contact's language (else the survey's default).
 *
 * @example composeSurveyEmail({ publicUrl, invitation, contact, survey }).messageId // '<invitation-id@nps.example.com>'
 */
export function composeSurveyEmail(records: SurveyEmailRecords): OutgoingEmail & { locale: string } {
  const { publicUrl, invitation, contact, survey } = records;
  const locale = pickLocale({
    contactLocale: contact.locale,
    available: Object.keys(survey.texts),
    fallback: survey.default_locale,
  });
  const texts = textsFor(survey.texts, locale, survey.default_locale);
  const unsubscribeUrl = unsubscribeUrlFor(publicUrl, invitation.token);
  const rendered = renderSurveyEmail({
    survey: {
      productName: survey.product_name,
      question: texts.question,
      brandColor: survey.brand_color,
      logoUrl: survey.logo_url,
    },
    locale,
    contactName: contact.name,
    pageUrl: surveyPageUrlFor(publicUrl, invitation.token),
    unsubscribeUrl,
    followUpMessage: records.followUpMessage ?? null,
    reminder: records.reminder != null,
    openPixelUrl: records.trackOpens ? openPixelUrlFor(publicUrl, invitation.token) : null,
  });
  return {
    locale,
    to: { address: contact.email, name: contact.name },
    ...rendered,
    messageId: messageIdFor(
      invitation.id,
      publicUrl,
      records.reminder ? `r${records.reminder.number}` : undefined,
    ),
    headers: listUnsubscribeHeaders(unsubscribeUrl),
  };
}
