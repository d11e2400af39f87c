/**
 * The state machine of the hosted survey page: which page or which write follows from what a
 * token points at, what the request asks for, and the time. Pure functions over plain data (the
 * caller passes `now`), so every branch is unit-tested without a database or HTTP.
 */
import {
  COMMENT_MAX_LENGTH,
  CONSENT_FIELD,
  CONSENT_SHOWN_FIELD,
  type StatusKind,
} from './render-survey-page';

/** How long after the score a respondent may change the score and the comment. */
export const EDIT_WINDOW_MS = 30 * 60_000;

/** A stored answer as far as the page cares. */
export interface PageResponse {
  score: number;
  comment: string | null;
  editableUntil: Date | null;
}

/**
 * What a token resolved to:
 * - `invitation`: a personal link (`/s/<invitation token>`), answered or not;
 * - `public`: a survey's public link (`/s/<public token>`), where every visitor answers anew;
 * - `response`: the page of one answer given through the public link (`/r/<edit token>`).
 */
export type PageTarget =
  | { kind: 'unknown' }
  | { kind: 'invitation'; surveyActive: boolean; expiresAt: Date; response: PageResponse | null }
  | { kind: 'public'; surveyActive: boolean }
  | { kind: 'response'; surveyActive: boolean; response: PageResponse };

/**
 * A parsed form post (see {@link parseSurveyForm}). `consent` is the testimonial-consent checkbox:
 * true or false when the form showed it, absent when it did not (the stored consent stays).
 */
export type SurveyForm =
  | { kind: 'score'; score: number }
  | { kind: 'comment'; comment: string | null; skip: boolean; consent?: boolean }
  | { kind: 'invalid-score' }
  | { kind: 'comment-too-long'; comment: string; consent?: boolean }
  | { kind: 'malformed' };

/** What the route does next: render a page, or write and redirect (post/redirect/get). */
export type PageDecision =
  | { do: 'status'; kind: StatusKind }
  | { do: 'question'; error: 'pick-score' | null }
  | { do: 'follow-up'; error: 'pick-score' | 'comment-too-long' | null; comment?: string; consent?: boolean }
  | { do: 'thanks'; editable: boolean }
  | { do: 'record'; score: number }
  | { do: 'change-score'; score: number }
  | { do: 'set-comment'; comment: string | null; consent?: boolean }
  | { do: 'skip' };

/**
 * A score as the page accepts it: the integers 0 to 10 written plainly ("9", "10"); anything
 * else ("09", "7.5", "1e1", " 9") is not a score.
 */
export function parseScore(value: string | null | undefined): number | undefined {
  return value != null && /^(?:10|[0-9])$/.test(value) ? Number(value) : undefined;
}

/** Whether an answer may still be changed at `now`. */
export function isEditable(response: PageResponse, now: Date): boolean {
  return response.editableUntil !== null && now.getTime() < response.editableUntil.getTime();
}

/** The end of the edit window of an answer recorded at `now`. */
export function editableUntilFor(now: Date): Date {
  return new Date(now.getTime() + EDIT_WINDOW_MS);
}

const FORM_FIELDS = new Set(['score', 'step', 'comment', 'skip', CONSENT_FIELD, CONSENT_SHOWN_FIELD]);
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Reads the fields of a posted page form. Only the page's own forms are accepted:
 * `score=N` (the scale), `step=comment&comment=…` (the follow-up) and the latter with `skip=1`.
 * A follow-up that shows the testimonial-consent checkbox also posts `consent_asked=1`, and
 * `testimonial_consent=1` when it is ticked (an unticked checkbox posts nothing): `consent` is then
 * true or false. A repeated or unknown field, a mix of both forms, or a consent field without
 * `consent_asked` (or with any value but 1) is `malformed`. The comment is trimmed
 * (empty means none), NUL characters are dropped (PostgreSQL text cannot hold them) and lone
 * surrogates are replaced, so whatever passes can be stored.
 */
export function parseSurveyForm(fields: Iterable<[string, string]>): SurveyForm {
  const values = new Map<string, string>();
  for (const [name, value] of fields) {
    if (!FORM_FIELDS.has(name) || values.has(name)) return { kind: 'malformed' };
    values.set(name, value);
  }
  const step = values.get('step');
  if (step === undefined) {
    if (values.size !== 1 || !values.has('score')) return { kind: 'malformed' };
    const score = parseScore(values.get('score'));
    return score === undefined ? { kind: 'invalid-score' } : { kind: 'score', score };
  }
  const raw = values.get('comment');
  const skip = values.get('skip');
  if (step !== 'comment' || raw === undefined || values.has('score')) return { kind: 'malformed' };
  if (skip !== undefined && skip !== '1') return { kind: 'malformed' };
  const shown = values.get(CONSENT_SHOWN_FIELD);
  const ticked = values.get(CONSENT_FIELD);
  if (shown !== undefined && shown !== '1') return { kind: 'malformed' };
  if (ticked !== undefined && (ticked !== '1' || shown === undefined)) return { kind: 'malformed' };
  const consent = shown === undefined ? {} : { consent: ticked === '1' };
  const comment = raw.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\ufffd').trim();
  if (comment.length > COMMENT_MAX_LENGTH) return { kind: 'comment-too-long', comment, ...consent };
  return { kind: 'comment', comment: comment === '' ? null : comment, skip: skip === '1', ...consent };
}

/** The page state of an answer that exists: follow-up while editable, else thanks. */
function answeredGet(response: PageResponse, done: boolean, now: Date): PageDecision {
  const editable = isEditable(response, now);
  if (!editable || done) return { do: 'thanks', editable };
  return { do: 'follow-up', error: null };
}

/**
 * `GET /s/<token>` and `GET /r/<edit token>`. `score` is the raw `?score=` (the one-click links of
 * the email buttons), `done` is `?done=1` (after the comment step).
 *
 * A `?score=` on an answer that exists never changes it: mail scanners open every button of a
 * mail, so only a form post may change a score.
 */
export function decideGet(
  target: PageTarget,
  request: { score: string | undefined; done: boolean },
  now: Date,
): PageDecision {
  if (target.kind === 'unknown') return { do: 'status', kind: 'not-found' };
  if (!target.surveyActive) return { do: 'status', kind: 'closed' };
  if (target.kind === 'response') return answeredGet(target.response, request.done, now);
  if (target.kind === 'invitation') {
    if (target.response) return answeredGet(target.response, request.done, now);
    if (target.expiresAt.getTime() <= now.getTime()) return { do: 'status', kind: 'expired' };
  }
  if (request.score === undefined) return { do: 'question', error: null };
  const score = parseScore(request.score);
  return score === undefined ? { do: 'question', error: 'pick-score' } : { do: 'record', score };
}

/** `POST /s/<token>` and `POST /r/<edit token>` with a parsed form. */
export function decidePost(target: PageTarget, form: SurveyForm, now: Date): PageDecision {
  if (target.kind === 'unknown') return { do: 'status', kind: 'not-found' };
  if (!target.surveyActive) return { do: 'status', kind: 'closed' };
  if (form.kind === 'malformed') return { do: 'status', kind: 'bad-request' };
  const response = target.kind === 'public' ? null : target.response;
  if (response === null) {
    if (target.kind === 'invitation' && target.expiresAt.getTime() <= now.getTime()) {
      return { do: 'status', kind: 'expired' };
    }
    if (form.kind === 'score') return { do: 'record', score: form.score };
    // A comment before any score: the public link keeps comments on /r/<edit token>, and an
    // invitation has nothing to attach it to yet. Ask for the score.
    return { do: 'question', error: 'pick-score' };
  }
  if (!isEditable(response, now)) return { do: 'status', kind: 'edit-window-over' };
  switch (form.kind) {
    case 'score':
      // The same score again (a double submit) is a harmless no-op change that still redirects.
      return { do: 'change-score', score: form.score };
    case 'invalid-score':
      return { do: 'follow-up', error: 'pick-score' };
    case 'comment-too-long':
      return {
        do: 'follow-up',
        error: 'comment-too-long',
        comment: form.comment,
        ...(form.consent === undefined ? {} : { consent: form.consent }),
      };
    case 'comment':
      // Skipping keeps a comment (and consent) given before; only an explicit submit replaces them.
      if (form.skip) return { do: 'skip' };
      return form.consent === undefined
        ? { do: 'set-comment', comment: form.comment }
        : { do: 'set-comment', comment: form.comment, consent: form.consent };
  }
}
