/**
 * Reads of the hosted survey page: everything one page view needs (survey, invitation, answer,
 * the contact's locale and time zone, the workspace's time zone) in one query per token. Writes
 * go through the response writer and `updateResponse` (repo/responses.ts).
 */
import type { SurveyTexts } from '../../core/survey-texts';
import type { Queryable } from '../db/port';

export interface SurveyPageSurvey {
  id: string;
  workspace_id: string;
  name: string;
  product_name: string;
  default_locale: string;
  texts: Record<string, SurveyTexts>;
  brand_color: string;
  status: 'active' | 'archived';
  /** Whether promoters are asked to consent to being quoted (a checkbox on the comment step). */
  ask_testimonial_consent: boolean;
}

export interface SurveyPageAnswer {
  id: string;
  score: number;
  comment: string | null;
  locale: string | null;
  editable_until: Date | null;
  testimonial_consent: boolean | null;
}

/** What a page token points at, with what is needed to show and record. */
export interface SurveyPageRecord {
  /** `invitation`: a personal link; `public`: a survey's public link; `response`: `/r/<edit token>`. */
  via: 'invitation' | 'public' | 'response';
  survey: SurveyPageSurvey;
  invitation: { id: string; channel: string; expires_at: Date; contact_id: string } | null;
  answer: SurveyPageAnswer | null;
  contact_locale: string | null;
  /** The contact's time zone, else the workspace's. */
  time_zone: string;
}

interface Row {
  survey_id: string;
  workspace_id: string;
  survey_name: string;
  product_name: string;
  default_locale: string;
  texts: Record<string, SurveyTexts>;
  brand_color: string;
  survey_status: 'active' | 'archived';
  ask_testimonial_consent: boolean;
  invitation_id: string | null;
  invitation_channel: string | null;
  expires_at: Date | null;
  contact_id: string | null;
  answer_id: string | null;
  score: number | null;
  comment: string | null;
  answer_locale: string | null;
  editable_until: Date | null;
  testimonial_consent: boolean | null;
  contact_locale: string | null;
  time_zone: string;
}

const SURVEY_COLUMNS = `s.id AS survey_id, s.workspace_id, s.name AS survey_name, s.product_name, s.default_locale,
  s.texts, s.brand_color, s.status AS survey_status, s.ask_testimonial_consent`;
const ANSWER_COLUMNS = `r.id AS answer_id, r.score, r.comment, r.locale AS answer_locale, r.editable_until,
  r.testimonial_consent`;

function recordOf(via: SurveyPageRecord['via'], row: Row): SurveyPageRecord {
  return {
    via,
    survey: {
      id: row.survey_id,
      workspace_id: row.workspace_id,
      name: row.survey_name,
      product_name: row.product_name,
      default_locale: row.default_locale,
      texts: row.texts,
      brand_color: row.brand_color,
      status: row.survey_status,
      ask_testimonial_consent: row.ask_testimonial_consent,
    },
    invitation:
      row.invitation_id === null
        ? null
        : {
            id: row.invitation_id,
            channel: row.invitation_channel!,
            expires_at: row.expires_at!,
            contact_id: row.contact_id!,
          },
    answer:
      row.answer_id === null
        ? null
        : {
            id: row.answer_id,
            score: row.score!,
            comment: row.comment,
            locale: row.answer_locale,
            editable_until: row.editable_until,
            testimonial_consent: row.testimonial_consent,
          },
    contact_locale: row.contact_locale,
    time_zone: row.time_zone,
  };
}

/** `/s/<token>`: an invitation token first, else a survey's public token. */
export async function findSurveyPageByToken(
  db: Queryable,
  token: string,
): Promise<SurveyPageRecord | undefined> {
  const invitation = await db.query<Row>(
    `SELECT ${SURVEY_COLUMNS}, i.id AS invitation_id, i.channel AS invitation_channel, i.expires_at, i.contact_id,
       ${ANSWER_COLUMNS}, c.locale AS contact_locale, coalesce(c.time_zone, w.time_zone) AS time_zone
     FROM invitation i
     JOIN survey s ON s.id = i.survey_id
     JOIN workspace w ON w.id = i.workspace_id
     LEFT JOIN contact c ON c.id = i.contact_id
     LEFT JOIN response r ON r.invitation_id = i.id
     WHERE i.token = $1`,
    [token],
  );
  if (invitation[0]) return recordOf('invitation', invitation[0]);
  const survey = await db.query<Row>(
    `SELECT ${SURVEY_COLUMNS}, NULL AS invitation_id, NULL AS invitation_channel, NULL AS expires_at,
       NULL AS contact_id, NULL AS answer_id, NULL AS score, NULL AS comment, NULL AS answer_locale,
       NULL AS editable_until, NULL AS testimonial_consent, NULL AS contact_locale, w.time_zone
     FROM survey s JOIN workspace w ON w.id = s.workspace_id
     WHERE s.public_token = $1`,
    [token],
  );
  return survey[0] ? recordOf('public', survey[0]) : undefined;
}

/** `/r/<edit token>`: one answer given through a public link. */
export async function findSurveyPageByEditToken(
  db: Queryable,
  editToken: string,
): Promise<SurveyPageRecord | undefined> {
  const rows = await db.query<Row>(
    `SELECT ${SURVEY_COLUMNS}, NULL AS invitation_id, NULL AS invitation_channel, NULL AS expires_at,
       r.contact_id, ${ANSWER_COLUMNS}, c.locale AS contact_locale, coalesce(c.time_zone, w.time_zone) AS time_zone
     FROM response r
     JOIN survey s ON s.id = r.survey_id
     JOIN workspace w ON w.id = r.workspace_id
     LEFT JOIN contact c ON c.id = r.contact_id
     WHERE r.edit_token = $1`,
    [editToken],
  );
  return rows[0] ? recordOf('response', rows[0]) : undefined;
}

/** The edit token of a response (for a public-link double submit, which returns the first answer). */
export async function getResponseEditToken(db: Queryable, responseId: string): Promise<string | undefined> {
  const rows = await db.query<{ edit_token: string | null }>(
    'SELECT edit_token FROM response WHERE id = $1',
    [responseId],
  );
  return rows[0]?.edit_token ?? undefined;
}
