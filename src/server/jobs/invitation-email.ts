/**
 * What the send jobs (send-invitation.ts, send-reminder.ts) read of an invitation to email it, in
 * one query with its survey, contact and workspace, and the email they compose from it.
 */
import type { ReminderPlan } from '../../core/reminders';
import type { SurveyTexts } from '../../core/survey-texts';
import { composeSurveyEmail } from '../channels/email/compose-survey-email';
import type { Queryable } from '../db/port';

export interface InvitationToEmail {
  id: string;
  workspace_id: string;
  token: string;
  status: string;
  expires_at: Date | string;
  answered_at: Date | string | null;
  reminder_plan: ReminderPlan | null;
  /** Recorded with the first attempt; a later attempt sends with the same one. */
  message_id: string | null;
  sent_at: Date | string | null;
  reminders_sent: number;
  contact_id: string;
  email: string | null;
  name: string | null;
  locale: string | null;
  unsubscribed_at: Date | string | null;
  product_name: string;
  brand_color: string;
  logo_url: string | null;
  default_locale: string;
  texts: Record<string, SurveyTexts>;
  survey_status: 'active' | 'archived';
  /** The workspace's open tracking: the email carries the pixel. */
  track_opens: boolean;
  /** A recovery survey's "you told us, we did" message (routes/cases.ts). */
  follow_up_message: string | null;
}

/** The invitation with its survey, contact and workspace, in one query. */
export async function loadInvitationToEmail(
  db: Queryable,
  id: string,
): Promise<InvitationToEmail | undefined> {
  const rows = await db.query<InvitationToEmail>(
    `SELECT i.id, i.workspace_id, i.token, i.status, i.expires_at, i.answered_at, i.reminder_plan,
            i.message_id, i.sent_at, i.reminders_sent, i.follow_up_message,
            c.id AS contact_id, c.email, c.name, c.locale, c.unsubscribed_at,
            s.product_name, s.brand_color, s.logo_url, s.default_locale, s.texts, s.status AS survey_status,
            w.track_opens
     FROM invitation i
     JOIN workspace w ON w.id = i.workspace_id
     JOIN survey s ON s.id = i.survey_id
     JOIN contact c ON c.id = i.contact_id
     WHERE i.id = $1`,
    [id],
  );
  return rows[0];
}

/** The survey email of the invitation to `email` (its reminder number `reminder`, if one). */
export function composeInvitationEmail(
  publicUrl: string,
  invitation: InvitationToEmail,
  email: string,
  reminder?: number,
): ReturnType<typeof composeSurveyEmail> {
  return composeSurveyEmail({
    publicUrl,
    invitation: { id: invitation.id, token: invitation.token },
    contact: { email, name: invitation.name, locale: invitation.locale },
    survey: {
      product_name: invitation.product_name,
      brand_color: invitation.brand_color,
      logo_url: invitation.logo_url,
      default_locale: invitation.default_locale,
      texts: invitation.texts,
    },
    reminder: reminder === undefined ? undefined : { number: reminder },
    trackOpens: invitation.track_opens,
    followUpMessage: invitation.follow_up_message,
  });
}
