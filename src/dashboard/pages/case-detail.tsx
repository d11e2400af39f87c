/**
 * One follow-up case (GET /cases/{id}): the answer, the customer, the contact's answers over time
 * and what the playbook did; for members and up, working it: status, owner, team and due time
 * (PATCH), root-cause tags, notes and logged contacts (POST …/notes), closing with a resolution
 * (the API's 400 shown at the field) and the "you told us, we did" message with the optional
 * recovery survey (POST …/follow-up, once). `?close=1` (from the board) focuses the resolution.
 *
 * The comment, names, notes and everything else people typed are rendered as JSX text only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, patch, post } from '../api';
import { FieldError, problemOf } from '../components/problem';
import { defineMessages, useI18n, useMessages } from '../i18n';
import { BASE, onLinkClick } from '../router';
import type { PageContext } from '../routes';
import {
  CASE_STATUSES,
  type Case,
  type CaseStatus,
  CM,
  canRespond,
  categoryOf,
  customerOf,
  ScoreBadge,
  SlaBadge,
  StatusBadge,
  useDateTime,
} from './cases-shared';

const M = defineMessages({
  en: {
    back: 'Back to the cases',
    not_found: 'There is no such case in this workspace.',
    answer: 'The answer',
    no_comment: 'No comment',
    open_response: 'Open the response',
    opened: 'Opened {date}',
    first_contact: 'First contact {date}',
    no_first_contact: 'Nobody has contacted the customer yet.',
    customer: 'Customer',
    name: 'Name',
    email: 'Email',
    account: 'Account',
    no_contact: 'The case has no contact.',
    work: 'Work on the case',
    due_at: 'Due',
    owner_hint: 'An email address or a name.',
    save: 'Save changes',
    saved: 'Saved.',
    root_causes: 'Root causes',
    root_causes_none: 'No root cause tagged yet.',
    tag_new: 'New root cause',
    tag_add: 'Add',
    tag_remove: 'Remove root cause {tag}',
    close_title: 'Close the case',
    resolution: 'Resolution',
    resolution_hint: 'What was done, and how it ended. Required to close the case.',
    resolution_required: 'Write a resolution to close the case.',
    close: 'Close case',
    closed_on: 'Closed {date}.',
    closed_reopen: 'To reopen it, choose another status above.',
    follow_up: '“You told us, we did”',
    follow_up_lead: 'Tell the customer what changed because of their answer.',
    follow_up_message: 'Message to the customer',
    follow_up_recovery: 'Ask the recommendation question again (a one-question recovery survey)',
    follow_up_send: 'Send to {email}',
    follow_up_sent: 'Sent. It goes out with the next run of the email queue.',
    follow_up_done_survey: 'The recovery survey was sent already; a case sends it once.',
    follow_up_done: 'The follow-up message was sent already; a case sends it once.',
    follow_up_no_email: 'The contact has no email address, so Plaudit cannot send the message.',
    timeline: 'Notes and contacts',
    timeline_none: 'Nothing noted yet.',
    note_body: 'Note',
    note_hint: 'A note for colleagues, or what was said when you reached the customer.',
    add_note: 'Add note',
    log_contact: 'Log a contact',
    kind_note: 'Note',
    kind_contact: 'Contact with the customer',
    kind_event: 'Change',
    event_status: 'Status: {from} → {to}',
    event_due: 'Due: {from} → {to}',
    event_owner: 'Owner: {from} → {to}',
    by: 'by {name}',
    history: 'Answers of this contact',
    history_none: 'No answers.',
    this_case: 'this case',
    playbook: 'What the playbook did',
    playbook_none: 'This case was opened by hand.',
    rules: 'Rules that matched',
    actions: 'Actions',
    act_alert_owner: 'Alerted the owner',
    act_alert_owner_fallback: 'Alerted the owner (else {fallback})',
    act_open_case: 'Opened this case, due in {n} hours',
    act_send_thanks: 'Sent a thank-you',
    act_request_testimonial: 'Asks for a testimonial after {n} days',
  },
  de: {
    back: 'Zurück zu den Fällen',
    not_found: 'Diesen Fall gibt es in diesem Arbeitsbereich nicht.',
    answer: 'Die Antwort',
    no_comment: 'Kein Kommentar',
    open_response: 'Antwort öffnen',
    opened: 'Eröffnet {date}',
    first_contact: 'Erster Kontakt {date}',
    no_first_contact: 'Noch hat niemand den Kunden kontaktiert.',
    customer: 'Kunde',
    name: 'Name',
    email: 'E-Mail',
    account: 'Firma',
    no_contact: 'Der Fall hat keinen Kontakt.',
    work: 'Fall bearbeiten',
    due_at: 'Fällig',
    owner_hint: 'Eine E-Mail-Adresse oder ein Name.',
    save: 'Änderungen speichern',
    saved: 'Gespeichert.',
    root_causes: 'Ursachen',
    root_causes_none: 'Noch keine Ursache vermerkt.',
    tag_new: 'Neue Ursache',
    tag_add: 'Hinzufügen',
    tag_remove: 'Ursache {tag} entfernen',
    close_title: 'Fall abschließen',
    resolution: 'Lösung',
    resolution_hint: 'Was getan wurde und wie es ausging. Zum Abschließen nötig.',
    resolution_required: 'Schreiben Sie eine Lösung, um den Fall abzuschließen.',
    close: 'Fall abschließen',
    closed_on: 'Abgeschlossen {date}.',
    closed_reopen: 'Zum Wiedereröffnen wählen Sie oben einen anderen Status.',
    follow_up: '„Sie haben es uns gesagt, wir haben gehandelt“',
    follow_up_lead: 'Sagen Sie dem Kunden, was sich durch seine Antwort geändert hat.',
    follow_up_message: 'Nachricht an den Kunden',
    follow_up_recovery: 'Die Empfehlungsfrage noch einmal stellen (eine Umfrage mit einer Frage)',
    follow_up_send: 'An {email} senden',
    follow_up_sent: 'Gesendet. Sie geht mit dem nächsten Lauf der E-Mail-Warteschlange hinaus.',
    follow_up_done_survey: 'Die Umfrage zur Rückgewinnung wurde schon gesendet; ein Fall sendet sie einmal.',
    follow_up_done: 'Die Nachricht wurde schon gesendet; ein Fall sendet sie einmal.',
    follow_up_no_email: 'Der Kontakt hat keine E-Mail-Adresse, daher kann Plaudit nichts senden.',
    timeline: 'Notizen und Kontakte',
    timeline_none: 'Noch nichts vermerkt.',
    note_body: 'Notiz',
    note_hint: 'Eine Notiz für Kollegen oder was beim Kontakt mit dem Kunden besprochen wurde.',
    add_note: 'Notiz hinzufügen',
    log_contact: 'Kontakt vermerken',
    kind_note: 'Notiz',
    kind_contact: 'Kontakt mit dem Kunden',
    kind_event: 'Änderung',
    event_status: 'Status: {from} → {to}',
    event_due: 'Fällig: {from} → {to}',
    event_owner: 'Zuständig: {from} → {to}',
    by: 'von {name}',
    history: 'Antworten dieses Kontakts',
    history_none: 'Keine Antworten.',
    this_case: 'dieser Fall',
    playbook: 'Was das Playbook getan hat',
    playbook_none: 'Dieser Fall wurde von Hand eröffnet.',
    rules: 'Passende Regeln',
    actions: 'Aktionen',
    act_alert_owner: 'Zuständige benachrichtigt',
    act_alert_owner_fallback: 'Zuständige benachrichtigt (sonst {fallback})',
    act_open_case: 'Diesen Fall eröffnet, fällig in {n} Stunden',
    act_send_thanks: 'Dank gesendet',
    act_request_testimonial: 'Bittet nach {n} Tagen um eine Empfehlung',
  },
});

interface Note {
  id: string;
  kind: 'note' | 'contact' | 'event';
  body: string;
  author_name: string | null;
  created_at: string;
}

interface HistoryItem {
  id: string;
  survey_id: string;
  score: number;
  comment: string | null;
  channel: string;
  created_at: string;
}

interface Detail {
  case: Case;
  notes: Note[];
  history: HistoryItem[];
  playbook: { rules: string[]; actions: Record<string, unknown>[] } | null;
}

type Form = 'work' | 'tags' | 'close' | 'note' | 'follow';
interface Problem {
  form: Form;
  field: string | null;
  message: string;
}

/** A local date-time input's value (YYYY-MM-DDTHH:mm) of an ISO time. */
function localInput(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

export function CaseDetailPage(ctx: PageContext) {
  const { t } = useI18n();
  const m = useMessages(M);
  const c = useMessages(CM);
  const id = ctx.params.id!;
  const [data, setData] = useState<Detail | null>(null);
  const [failed, setFailed] = useState<'not-found' | 'error' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const load = () =>
    get<Detail>(`/cases/${encodeURIComponent(id)}`)
      .then((d) => {
        setData(d);
        setFailed(null);
      })
      .catch((e) =>
        setFailed(e instanceof ApiError && (e.status === 404 || e.status === 400) ? 'not-found' : 'error'),
      );
  useEffect(() => {
    setData(null);
    void load();
  }, [id]);
  const wantsClose = ctx.location.query.get('close') === '1';
  useEffect(() => {
    if (!data) return;
    if (wantsClose) document.getElementById('case-resolution')?.focus();
    else heading.current?.focus();
  }, [data === null]);

  const back = (() => {
    const q = new URLSearchParams(ctx.location.query);
    q.delete('close');
    const s = q.toString();
    return `/cases${s ? `?${s}` : ''}`;
  })();

  return (
    <div class="case-detail">
      <p class="inbox-back">
        <a href={`${BASE}${back}`} onClick={(e) => onLinkClick(e, back)}>
          ← {m('back')}
        </a>
      </p>
      {failed === 'not-found' && <p class="card">{m('not_found')}</p>}
      {failed === 'error' && <p class="error">{t('error_generic')}</p>}
      {!data && !failed && <p aria-busy="true">{t('loading')}</p>}
      {data && (
        <>
          <div class="case-head">
            <h1 tabIndex={-1} ref={heading}>
              {c('case_n', { n: data.case.number })}: {data.case.title}
            </h1>
            <div class="case-badges" data-testid="case-badges">
              <StatusBadge status={data.case.status} />
              <SlaBadge sla={data.case.sla} />
            </div>
          </div>
          {!canRespond(ctx.session.role) && <p class="muted">{c('read_only')}</p>}
          <CaseBody
            data={data}
            editable={canRespond(ctx.session.role)}
            onChanged={load}
            onCase={(k) => setData((d) => (d ? { ...d, case: k } : d))}
          />
        </>
      )}
    </div>
  );
}

function CaseBody(props: {
  data: Detail;
  editable: boolean;
  onChanged: () => Promise<void>;
  onCase: (k: Case) => void;
}) {
  const m = useMessages(M);
  const c = useMessages(CM);
  const date = useDateTime();
  const k = props.data.case;
  const answeredAt = props.data.history.find((h) => h.id === k.response_id)?.created_at ?? k.created_at;
  return (
    <div class="case-grid">
      <div class="case-main">
        <section class="card case-section" aria-labelledby="case-answer-title">
          <h2 id="case-answer-title">{m('answer')}</h2>
          <div class="inbox-detail-head">
            <ScoreBadge score={k.score} category={k.category} />
            {k.category && <span class={`inbox-cat ${k.category}`}>{c(`cat_${k.category}`)}</span>}
            <span class="muted">
              <time dateTime={answeredAt}>{date(answeredAt)}</time>
            </span>
          </div>
          <blockquote
            class={k.comment ? 'inbox-full-comment' : 'inbox-full-comment muted'}
            data-testid="case-comment"
          >
            {k.comment ?? m('no_comment')}
          </blockquote>
          <dl class="inbox-facts">
            <dt>{c('due')}</dt>
            <dd>
              <time dateTime={k.due_at}>{date(k.due_at)}</time>
            </dd>
            <dt>{c('owner')}</dt>
            <dd data-testid="case-owner">{k.owner ?? c('nobody')}</dd>
            {k.team && (
              <>
                <dt>{c('team')}</dt>
                <dd>{k.team}</dd>
              </>
            )}
          </dl>
          <p class="muted small">
            {m('opened', { date: date(k.created_at) })} ·{' '}
            {k.first_contact_at
              ? m('first_contact', { date: date(k.first_contact_at) })
              : m('no_first_contact')}
          </p>
          {k.response_id && (
            <p>
              <a
                href={`${BASE}/responses/${k.response_id}`}
                onClick={(e) => onLinkClick(e, `/responses/${k.response_id}`)}
              >
                {m('open_response')}
              </a>
            </p>
          )}
        </section>
        {props.editable && <WorkForm k={k} onCase={props.onCase} onChanged={props.onChanged} />}
        <RootCauses k={k} editable={props.editable} onCase={props.onCase} onChanged={props.onChanged} />
        <CloseSection k={k} editable={props.editable} onChanged={props.onChanged} />
        {props.editable && <FollowUp k={k} onChanged={props.onChanged} />}
        <Timeline
          notes={props.data.notes}
          editable={props.editable}
          caseId={k.id}
          onChanged={props.onChanged}
        />
      </div>
      <div class="case-side">
        <CustomerCard k={k} />
        <History items={props.data.history} responseId={k.response_id} />
        <PlaybookCard playbook={props.data.playbook} />
      </div>
    </div>
  );
}

/** The message of an API error in the user's language where we know it. */
function useProblem() {
  const { t } = useI18n();
  const m = useMessages(M);
  return (form: Form, error: unknown): Problem => {
    const p = problemOf(error, t('error_generic'));
    if (p.field === 'resolution') return { form, field: 'resolution', message: m('resolution_required') };
    return { form, ...p };
  };
}

function WorkForm({
  k,
  onCase,
  onChanged,
}: {
  k: Case;
  onCase: (k: Case) => void;
  onChanged: () => Promise<void>;
}) {
  const m = useMessages(M);
  const c = useMessages(CM);
  const toProblem = useProblem();
  const [status, setStatus] = useState<CaseStatus>(k.status);
  const [owner, setOwner] = useState(k.owner ?? '');
  const [team, setTeam] = useState(k.team ?? '');
  const [due, setDue] = useState(localInput(k.due_at));
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saved, setSaved] = useState(false);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    setStatus(k.status);
    setOwner(k.owner ?? '');
    setTeam(k.team ?? '');
    setDue(localInput(k.due_at));
  }, [k.updated_at]);
  // Closing is the close section's job (it needs a resolution); a closed case can be reopened here.
  const statuses = CASE_STATUSES.filter((s) => s !== 'closed' || k.status === 'closed');
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setSaved(false);
    const change: Record<string, unknown> = {};
    if (status !== k.status) change.status = status;
    if (owner.trim() !== (k.owner ?? '')) change.owner = owner.trim() || null;
    if (team.trim() !== (k.team ?? '')) change.team = team.trim() || null;
    if (due && due !== localInput(k.due_at)) {
      const d = new Date(due);
      if (Number.isNaN(d.getTime())) change.due_at = due;
      else change.due_at = d.toISOString();
    }
    if (Object.keys(change).length === 0) {
      setSaved(true);
      return;
    }
    setBusy(true);
    try {
      onCase(await patch<Case>(`/cases/${k.id}`, change));
      setSaved(true);
      await onChanged();
    } catch (error) {
      setProblem(toProblem('work', error));
    } finally {
      setBusy(false);
    }
  };
  const err = (field: string) => (problem?.field === field ? problem.message : null);
  return (
    <section class="card case-section" aria-labelledby="case-work-title">
      <h2 id="case-work-title">{m('work')}</h2>
      <form class="case-form" onSubmit={submit} noValidate>
        <div class="case-fields">
          <div class="case-field">
            <label for="case-status">{c('status')}</label>
            <select
              id="case-status"
              value={status}
              aria-invalid={err('status') ? true : undefined}
              onChange={(e) => setStatus((e.target as HTMLSelectElement).value as CaseStatus)}
            >
              {statuses.map((s) => (
                <option key={s} value={s}>
                  {c(`status_${s}`)}
                </option>
              ))}
            </select>
            <FieldError id="case-status-error" problem={err('status')} />
          </div>
          <div class="case-field">
            <label for="case-owner">{c('owner')}</label>
            <input
              id="case-owner"
              value={owner}
              maxLength={200}
              aria-describedby="case-owner-hint"
              aria-invalid={err('owner') ? true : undefined}
              onInput={(e) => setOwner((e.target as HTMLInputElement).value)}
            />
            <span id="case-owner-hint" class="muted small">
              {m('owner_hint')}
            </span>
            <FieldError id="case-owner-error" problem={err('owner')} />
          </div>
          <div class="case-field">
            <label for="case-team">{c('team')}</label>
            <input
              id="case-team"
              value={team}
              maxLength={200}
              aria-invalid={err('team') ? true : undefined}
              onInput={(e) => setTeam((e.target as HTMLInputElement).value)}
            />
            <FieldError id="case-team-error" problem={err('team')} />
          </div>
          <div class="case-field">
            <label for="case-due">{m('due_at')}</label>
            <input
              id="case-due"
              type="datetime-local"
              value={due}
              aria-invalid={err('due_at') ? true : undefined}
              onInput={(e) => setDue((e.target as HTMLInputElement).value)}
            />
            <FieldError id="case-due-error" problem={err('due_at')} />
          </div>
        </div>
        {problem && !['status', 'owner', 'team', 'due_at'].includes(problem.field ?? '') && (
          <p class="error" role="alert">
            {problem.message}
          </p>
        )}
        <div class="actions">
          <button type="submit" disabled={busy}>
            {m('save')}
          </button>
          {saved && (
            <span class="ok" role="status">
              {m('saved')}
            </span>
          )}
        </div>
      </form>
    </section>
  );
}

function RootCauses(props: {
  k: Case;
  editable: boolean;
  onCase: (k: Case) => void;
  onChanged: () => Promise<void>;
}) {
  const m = useMessages(M);
  const toProblem = useProblem();
  const [tag, setTag] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const save = async (tags: string[]) => {
    setProblem(null);
    setBusy(true);
    try {
      props.onCase(await patch<Case>(`/cases/${props.k.id}`, { root_causes: tags }));
      await props.onChanged();
      return true;
    } catch (error) {
      setProblem(toProblem('tags', error));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card case-section" aria-labelledby="case-tags-title">
      <h2 id="case-tags-title">{m('root_causes')}</h2>
      {props.k.root_causes.length === 0 ? (
        <p class="muted">{m('root_causes_none')}</p>
      ) : (
        <ul class="chips case-tags" data-testid="case-tags">
          {props.k.root_causes.map((r) => (
            <li key={r}>
              <span>{r}</span>
              {props.editable && (
                <button
                  type="button"
                  class="chip-remove"
                  aria-label={m('tag_remove', { tag: r })}
                  disabled={busy}
                  onClick={() => void save(props.k.root_causes.filter((x) => x !== r))}
                >
                  ×
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {props.editable && (
        <form
          class="case-inline"
          onSubmit={async (e) => {
            e.preventDefault();
            const value = tag.trim();
            if (!value) return;
            if (await save([...props.k.root_causes, value])) setTag('');
          }}
        >
          <label for="case-tag">{m('tag_new')}</label>
          <div class="case-inline-row">
            <input
              id="case-tag"
              value={tag}
              maxLength={40}
              aria-invalid={problem ? true : undefined}
              onInput={(e) => setTag((e.target as HTMLInputElement).value)}
            />
            <button type="submit" class="secondary" disabled={busy || !tag.trim()}>
              {m('tag_add')}
            </button>
          </div>
          <FieldError id="case-tag-error" problem={problem?.message ?? null} />
        </form>
      )}
    </section>
  );
}

function CloseSection(props: { k: Case; editable: boolean; onChanged: () => Promise<void> }) {
  const m = useMessages(M);
  const date = useDateTime();
  const toProblem = useProblem();
  const [resolution, setResolution] = useState(props.k.resolution ?? '');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const k = props.k;
  if (k.status === 'closed')
    return (
      <section class="card case-section" aria-labelledby="case-close-title" data-testid="case-closed">
        <h2 id="case-close-title">{m('resolution')}</h2>
        <p class="case-text">{k.resolution}</p>
        <p class="muted small">
          {k.closed_at ? m('closed_on', { date: date(k.closed_at) }) : ''}{' '}
          {props.editable ? m('closed_reopen') : ''}
        </p>
      </section>
    );
  if (!props.editable) return null;
  const close = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      // Sent as typed: the API says when a resolution is missing, and the form shows it at the field.
      const text = resolution.trim();
      await patch<Case>(
        `/cases/${k.id}`,
        text ? { status: 'closed', resolution: text } : { status: 'closed' },
      );
      await props.onChanged();
    } catch (error) {
      setProblem(toProblem('close', error));
      document.getElementById('case-resolution')?.focus();
    } finally {
      setBusy(false);
    }
  };
  const err = problem ? problem.message : null;
  return (
    <section class="card case-section" aria-labelledby="case-close-title">
      <h2 id="case-close-title">{m('close_title')}</h2>
      <form class="case-form" onSubmit={close} noValidate>
        <div class="case-field">
          <label for="case-resolution">{m('resolution')}</label>
          <textarea
            id="case-resolution"
            rows={3}
            maxLength={5000}
            value={resolution}
            aria-describedby={err ? 'case-resolution-hint case-resolution-error' : 'case-resolution-hint'}
            aria-invalid={err ? true : undefined}
            onInput={(e) => setResolution((e.target as HTMLTextAreaElement).value)}
          />
          <span id="case-resolution-hint" class="muted small">
            {m('resolution_hint')}
          </span>
          <FieldError id="case-resolution-error" problem={err} />
        </div>
        <div class="actions">
          <button type="submit" disabled={busy}>
            {m('close')}
          </button>
        </div>
      </form>
    </section>
  );
}

function FollowUp({ k, onChanged }: { k: Case; onChanged: () => Promise<void> }) {
  const m = useMessages(M);
  const toProblem = useProblem();
  const [message, setMessage] = useState('');
  const [recovery, setRecovery] = useState(true);
  const [sent, setSent] = useState<'now' | 'before' | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const email = k.contact?.email ?? null;
  const blocked = !email
    ? m('follow_up_no_email')
    : k.recovery_invitation_id
      ? m('follow_up_done_survey')
      : k.follow_up_sent_at || sent === 'before'
        ? m('follow_up_done')
        : null;
  const send = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      await post(`/cases/${k.id}/follow-up`, { message: message.trim(), recovery_survey: recovery });
      setSent('now');
      setMessage('');
      await onChanged();
    } catch (error) {
      if (error instanceof ApiError && error.status === 409) setSent('before');
      else setProblem(toProblem('follow', error));
    } finally {
      setBusy(false);
    }
  };
  const disabled = !!blocked || sent === 'now';
  return (
    <section class="card case-section" aria-labelledby="case-follow-title" data-testid="case-follow-up">
      <h2 id="case-follow-title">{m('follow_up')}</h2>
      <p class="muted">{m('follow_up_lead')}</p>
      {sent === 'now' && (
        <p class="ok" role="status">
          {m('follow_up_sent')}
        </p>
      )}
      {blocked && (
        <p class="note-box" id="case-follow-blocked">
          {blocked}
        </p>
      )}
      <form class="case-form" onSubmit={send} noValidate>
        <div class="case-field">
          <label for="case-follow-message">{m('follow_up_message')}</label>
          <textarea
            id="case-follow-message"
            rows={4}
            maxLength={5000}
            value={message}
            disabled={disabled}
            aria-describedby={blocked ? 'case-follow-blocked' : undefined}
            aria-invalid={problem ? true : undefined}
            onInput={(e) => setMessage((e.target as HTMLTextAreaElement).value)}
          />
          <FieldError id="case-follow-error" problem={problem?.message ?? null} />
        </div>
        <label class="case-check">
          <input
            type="checkbox"
            checked={recovery}
            disabled={disabled}
            onChange={(e) => setRecovery((e.target as HTMLInputElement).checked)}
          />
          {m('follow_up_recovery')}
        </label>
        <div class="actions">
          <button type="submit" disabled={disabled || busy || !message.trim()}>
            {m('follow_up_send', { email: email ?? '–' })}
          </button>
        </div>
      </form>
    </section>
  );
}

function Timeline(props: {
  notes: Note[];
  editable: boolean;
  caseId: string;
  onChanged: () => Promise<void>;
}) {
  const m = useMessages(M);
  const c = useMessages(CM);
  const date = useDateTime();
  const toProblem = useProblem();
  const [body, setBody] = useState('');
  const [problem, setProblem] = useState<Problem | null>(null);
  const [busy, setBusy] = useState(false);
  const statusName = (s: string) =>
    (CASE_STATUSES as readonly string[]).includes(s) ? c(`status_${s as CaseStatus}`) : s;
  const dateOr = (s: string) => (/^\d{4}-\d{2}-\d{2}T/.test(s) ? date(s) : s);
  /** Plaudit's change lines ("status: open → closed") in the user's language. */
  const eventLine = (line: string) => {
    const match = /^(status|due|owner): (.*) → (.*)$/.exec(line);
    if (!match) return line;
    const [, what, from, to] = match as unknown as [string, 'status' | 'due' | 'owner', string, string];
    if (what === 'status') return m('event_status', { from: statusName(from), to: statusName(to) });
    if (what === 'due') return m('event_due', { from: dateOr(from), to: dateOr(to) });
    return m('event_owner', { from, to });
  };
  const add = (kind: 'note' | 'contact') => async () => {
    setProblem(null);
    if (!body.trim()) {
      document.getElementById('case-note')?.focus();
      return;
    }
    setBusy(true);
    try {
      await post(`/cases/${props.caseId}/notes`, { kind, body: body.trim() });
      setBody('');
      await props.onChanged();
    } catch (error) {
      setProblem(toProblem('note', error));
    } finally {
      setBusy(false);
    }
  };
  return (
    <section class="card case-section" aria-labelledby="case-timeline-title">
      <h2 id="case-timeline-title">{m('timeline')}</h2>
      {props.notes.length === 0 ? (
        <p class="muted">{m('timeline_none')}</p>
      ) : (
        <ol class="case-timeline" data-testid="case-timeline">
          {props.notes.map((n) => (
            <li key={n.id} class={`case-note ${n.kind}`} data-kind={n.kind}>
              <div class="case-note-head">
                <strong>{m(`kind_${n.kind}`)}</strong>{' '}
                <span class="muted">
                  <time dateTime={n.created_at}>{date(n.created_at)}</time>
                  {n.author_name ? ` · ${m('by', { name: n.author_name })}` : ''}
                </span>
              </div>
              <p class="case-text">
                {n.kind === 'event' ? n.body.split('\n').map(eventLine).join('\n') : n.body}
              </p>
            </li>
          ))}
        </ol>
      )}
      {props.editable && (
        <form
          class="case-form"
          onSubmit={(e) => {
            e.preventDefault();
            void add('note')();
          }}
        >
          <div class="case-field">
            <label for="case-note">{m('note_body')}</label>
            <textarea
              id="case-note"
              rows={3}
              maxLength={10000}
              value={body}
              aria-describedby="case-note-hint"
              aria-invalid={problem ? true : undefined}
              onInput={(e) => setBody((e.target as HTMLTextAreaElement).value)}
            />
            <span id="case-note-hint" class="muted small">
              {m('note_hint')}
            </span>
            <FieldError id="case-note-error" problem={problem?.message ?? null} />
          </div>
          <div class="actions">
            <button type="submit" disabled={busy}>
              {m('add_note')}
            </button>
            <button type="button" class="secondary" disabled={busy} onClick={() => void add('contact')()}>
              {m('log_contact')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function CustomerCard({ k }: { k: Case }) {
  const m = useMessages(M);
  const c = useMessages(CM);
  return (
    <section class="card case-section" aria-labelledby="case-customer-title" data-testid="case-customer">
      <h2 id="case-customer-title">{m('customer')}</h2>
      {!k.contact && !k.account && <p class="muted">{m('no_contact')}</p>}
      <dl class="inbox-facts">
        {k.contact && (
          <>
            <dt>{m('name')}</dt>
            <dd>{k.contact.name ?? c('anonymous')}</dd>
            {k.contact.email && (
              <>
                <dt>{m('email')}</dt>
                <dd>
                  <a href={`mailto:${k.contact.email}`}>{k.contact.email}</a>
                </dd>
              </>
            )}
          </>
        )}
        {k.account && (
          <>
            <dt>{m('account')}</dt>
            <dd>
              <a
                href={`${BASE}/accounts/${k.account.id}`}
                onClick={(e) => onLinkClick(e, `/accounts/${k.account!.id}`)}
              >
                {k.account.name || customerOf(k, c('anonymous'))}
              </a>
            </dd>
          </>
        )}
      </dl>
    </section>
  );
}

function History({ items, responseId }: { items: HistoryItem[]; responseId: string | null }) {
  const m = useMessages(M);
  const date = useDateTime();
  return (
    <section class="card case-section" aria-labelledby="case-history-title" data-testid="case-history">
      <h2 id="case-history-title">{m('history')}</h2>
      {items.length === 0 ? (
        <p class="muted">{m('history_none')}</p>
      ) : (
        <ol class="inbox-history">
          {items.map((h) => (
            <li key={h.id} class={h.id === responseId ? 'inbox-history-item current' : 'inbox-history-item'}>
              <ScoreBadge score={h.score} category={categoryOf(h.score)} />
              <span class="inbox-history-main">
                <a href={`${BASE}/responses/${h.id}`} onClick={(e) => onLinkClick(e, `/responses/${h.id}`)}>
                  <time dateTime={h.created_at}>{date(h.created_at)}</time>
                </a>
                {h.id === responseId && <span class="muted">({m('this_case')})</span>}
                <span class="inbox-comment">{h.comment ?? m('no_comment')}</span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function PlaybookCard({ playbook }: { playbook: Detail['playbook'] }) {
  const m = useMessages(M);
  const action = (a: Record<string, unknown>) => {
    switch (a.kind) {
      case 'alert_owner':
        return a.fallback
          ? m('act_alert_owner_fallback', { fallback: String(a.fallback) })
          : m('act_alert_owner');
      case 'open_case':
        return m('act_open_case', { n: Number(a.due_hours) });
      case 'send_thanks':
        return m('act_send_thanks');
      case 'request_testimonial':
        return m('act_request_testimonial', { n: Number(a.delay_days) });
      default:
        return String(a.kind);
    }
  };
  return (
    <section class="card case-section" aria-labelledby="case-playbook-title" data-testid="case-playbook">
      <h2 id="case-playbook-title">{m('playbook')}</h2>
      {!playbook ? (
        <p class="muted">{m('playbook_none')}</p>
      ) : (
        <>
          <h3>{m('rules')}</h3>
          <ul class="an-list">
            {playbook.rules.map((r) => (
              <li key={r}>{r}</li>
            ))}
          </ul>
          <h3>{m('actions')}</h3>
          <ul class="an-list">
            {playbook.actions.map((a, i) => (
              <li key={i}>{action(a)}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
