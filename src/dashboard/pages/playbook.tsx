/**
 * The playbook: what happens after each response (GET/PUT/DELETE /playbook, GET/PUT
 * /surveys/{id}/playbook; core/playbook.ts). Every rule in one line of text (score bands, the
 * score change, the attribute filter, the actions with their parameters); admins and owners edit
 * the rules (name, bands, previous bands, attribute conditions, actions), save (the API's 400
 * shown at its field, e.g. `rules.0.actions.1.due_hours`) and go back to the default, for the
 * workspace or for one survey (`?survey=<id>`: its own rules override the workspace's).
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get } from '../api';
import {
  type BuilderState,
  builderTarget,
  type ConditionRow,
  describeAudience,
  emptyRow,
  fromAudience,
  OPERATORS,
  type Operator,
  toFilter,
  valueKind,
} from '../audience-builder';
import { FieldError, type FieldProblem, FormError, problemOf } from '../components/problem';
import { defineMessages, useI18n, useMessages } from '../i18n';
import { BASE, onLinkClick, setQuery } from '../router';
import type { PageContext } from '../routes';
import type { Survey } from '../types';
import { CATEGORIES, type Category, canManage } from './cases-shared';

const M = defineMessages({
  en: {
    title: 'Playbook',
    lead: 'What Plaudit does after each response. Every rule that matches adds its actions; the same action twice keeps the most urgent.',
    back: 'Back to the cases',
    applies_to: 'Playbook of',
    workspace: 'The workspace (all surveys)',
    source_default: 'This is Plaudit’s default playbook: nobody has changed it.',
    source_workspace: 'This is the workspace’s own playbook.',
    source_survey: 'This survey has its own playbook; it overrides the workspace’s.',
    source_inherited: 'This survey follows the workspace’s playbook. Saving gives it its own.',
    read_only: 'Only admins and owners can change the playbook.',
    rule: 'Rule {n}',
    rule_name: 'Name',
    bands: 'Score bands',
    band_promoter: 'Promoters (9-10)',
    band_passive: 'Passives (7-8)',
    band_detractor: 'Detractors (0-6)',
    previous: 'Only when the previous answer was',
    previous_hint: 'None ticked: any previous answer, or none.',
    prev_promoter: 'a promoter',
    prev_passive: 'a passive',
    prev_detractor: 'a detractor',
    filter: 'Only answers whose attributes match',
    filter_none: 'no attribute condition',
    filter_add: 'Add a condition',
    filter_combine: 'Conditions must',
    combine_all: 'all hold',
    combine_any: 'at least one hold',
    filter_attribute: 'Attribute',
    filter_op: 'Operator',
    filter_value: 'Value',
    filter_remove: 'Remove condition',
    filter_nested: 'This filter has nested groups; it is kept as it is (change it through the API).',
    actions: 'Actions',
    action: 'Action {n}',
    action_kind: 'Action',
    kind_alert_owner: 'Alert the owner',
    kind_open_case: 'Open a case',
    kind_send_thanks: 'Send a thank-you',
    kind_request_testimonial: 'Ask for a testimonial or review',
    due_hours: 'Due in (hours)',
    fallback: 'Fallback owner (a team or address), optional',
    delay_days: 'After (days)',
    review_url: 'Review page (URL), optional',
    action_add: 'Add an action',
    action_remove: 'Remove action {n}',
    rule_add: 'Add a rule',
    rule_remove: 'Remove rule {n}',
    rule_up: 'Move rule {n} up',
    save: 'Save playbook',
    saved: 'Saved.',
    reset_default: 'Reset to the default',
    reset_inherit: 'Follow the workspace’s playbook again',
    reset_done: 'Reset.',
    no_rules: 'No rules: nothing happens after a response.',
    sum_was: 'previous answer:',
    sum_where: 'only if',
    sum_alert: 'alert the owner',
    sum_alert_fallback: 'alert the owner (else {fallback})',
    sum_case: 'open a case due in {n} hours',
    sum_thanks: 'send a thank-you',
    sum_testimonial: 'ask for a testimonial after {n} days',
    sum_testimonial_url: 'ask for a review at {url} after {n} days',
    and: 'and',
    or: 'or',
    op_eq: '=',
    op_neq: '≠',
    op_in: 'is one of',
    op_not_in: 'is none of',
    op_exists: 'is set',
    op_not_exists: 'is not set',
    op_gt: '>',
    op_gte: '≥',
    op_lt: '<',
    op_lte: '≤',
    op_before: 'is before',
    op_after: 'is after',
  },
  de: {
    title: 'Playbook',
    lead: 'Was Plaudit nach jeder Antwort tut. Jede passende Regel steuert ihre Aktionen bei; dieselbe Aktion zweimal behält die dringlichste.',
    back: 'Zurück zu den Fällen',
    applies_to: 'Playbook für',
    workspace: 'Den Arbeitsbereich (alle Umfragen)',
    source_default: 'Das ist das Standard-Playbook von Plaudit: niemand hat es geändert.',
    source_workspace: 'Das ist das eigene Playbook des Arbeitsbereichs.',
    source_survey: 'Diese Umfrage hat ein eigenes Playbook; es ersetzt das des Arbeitsbereichs.',
    source_inherited: 'Diese Umfrage folgt dem Playbook des Arbeitsbereichs. Speichern gibt ihr ein eigenes.',
    read_only: 'Nur Admins und Inhaber können das Playbook ändern.',
    rule: 'Regel {n}',
    rule_name: 'Name',
    bands: 'Bewertungsgruppen',
    band_promoter: 'Promotoren (9-10)',
    band_passive: 'Passive (7-8)',
    band_detractor: 'Kritiker (0-6)',
    previous: 'Nur wenn die vorige Antwort war:',
    previous_hint: 'Nichts angekreuzt: jede vorige Antwort oder keine.',
    prev_promoter: 'ein Promotor',
    prev_passive: 'ein Passiver',
    prev_detractor: 'ein Kritiker',
    filter: 'Nur Antworten, deren Attribute passen',
    filter_none: 'keine Bedingung an Attribute',
    filter_add: 'Bedingung hinzufügen',
    filter_combine: 'Bedingungen müssen',
    combine_all: 'alle gelten',
    combine_any: 'mindestens eine gelten',
    filter_attribute: 'Attribut',
    filter_op: 'Operator',
    filter_value: 'Wert',
    filter_remove: 'Bedingung entfernen',
    filter_nested: 'Dieser Filter hat verschachtelte Gruppen; er bleibt, wie er ist (ändern über die API).',
    actions: 'Aktionen',
    action: 'Aktion {n}',
    action_kind: 'Aktion',
    kind_alert_owner: 'Zuständige benachrichtigen',
    kind_open_case: 'Fall eröffnen',
    kind_send_thanks: 'Dank senden',
    kind_request_testimonial: 'Um Empfehlung oder Bewertung bitten',
    due_hours: 'Fällig in (Stunden)',
    fallback: 'Ersatz-Zuständige (Team oder Adresse), optional',
    delay_days: 'Nach (Tagen)',
    review_url: 'Bewertungsseite (URL), optional',
    action_add: 'Aktion hinzufügen',
    action_remove: 'Aktion {n} entfernen',
    rule_add: 'Regel hinzufügen',
    rule_remove: 'Regel {n} entfernen',
    rule_up: 'Regel {n} nach oben',
    save: 'Playbook speichern',
    saved: 'Gespeichert.',
    reset_default: 'Auf Standard zurücksetzen',
    reset_inherit: 'Wieder dem Playbook des Arbeitsbereichs folgen',
    reset_done: 'Zurückgesetzt.',
    no_rules: 'Keine Regeln: nach einer Antwort passiert nichts.',
    sum_was: 'vorige Antwort:',
    sum_where: 'nur wenn',
    sum_alert: 'Zuständige benachrichtigen',
    sum_alert_fallback: 'Zuständige benachrichtigen (sonst {fallback})',
    sum_case: 'Fall eröffnen, fällig in {n} Stunden',
    sum_thanks: 'Dank senden',
    sum_testimonial: 'nach {n} Tagen um eine Empfehlung bitten',
    sum_testimonial_url: 'nach {n} Tagen um eine Bewertung auf {url} bitten',
    and: 'und',
    or: 'oder',
    op_eq: '=',
    op_neq: '≠',
    op_in: 'ist eines von',
    op_not_in: 'ist keines von',
    op_exists: 'ist gesetzt',
    op_not_exists: 'ist nicht gesetzt',
    op_gt: '>',
    op_gte: '≥',
    op_lt: '<',
    op_lte: '≤',
    op_before: 'liegt vor',
    op_after: 'liegt nach',
  },
});

const ACTION_KINDS = ['alert_owner', 'open_case', 'send_thanks', 'request_testimonial'] as const;
type ActionKind = (typeof ACTION_KINDS)[number];

interface ApiAction {
  kind: ActionKind;
  due_hours?: number;
  fallback?: string | null;
  delay_days?: number;
  review_url?: string | null;
}
interface ApiRule {
  name: string;
  categories: Category[];
  previous_categories?: Category[];
  attributes?: Record<string, unknown>;
  actions: ApiAction[];
}
interface Answer {
  playbook: { rules: ApiRule[] };
  source: 'default' | 'workspace' | 'survey';
}

interface DraftAction {
  kind: ActionKind;
  due_hours: string;
  fallback: string;
  delay_days: string;
  review_url: string;
}
interface DraftRule {
  key: number;
  name: string;
  categories: Category[];
  previous: Category[];
  /** The attribute conditions as builder rows; null with `raw` kept when they cannot be shown. */
  filter: BuilderState | null;
  raw: Record<string, unknown> | undefined;
  actions: DraftAction[];
}

let nextKey = 1;
const draftAction = (a: ApiAction): DraftAction => ({
  kind: a.kind,
  due_hours: a.due_hours === undefined ? '24' : String(a.due_hours),
  fallback: a.fallback ?? '',
  delay_days: a.delay_days === undefined ? '14' : String(a.delay_days),
  review_url: a.review_url ?? '',
});
const draftRule = (r: ApiRule): DraftRule => ({
  key: nextKey++,
  name: r.name,
  categories: [...r.categories],
  previous: [...(r.previous_categories ?? [])],
  filter: fromAudience(r.attributes ?? null),
  raw: r.attributes,
  actions: r.actions.map(draftAction),
});
/** A whole number as a number; anything else as typed, for the API to name. */
const numberOr = (text: string): number | string => (/^\d+$/.test(text.trim()) ? Number(text.trim()) : text);

function toApiRule(d: DraftRule): Record<string, unknown> {
  const attributes = d.filter ? toFilter(d.filter) : (d.raw ?? null);
  return {
    name: d.name,
    categories: d.categories,
    ...(d.previous.length ? { previous_categories: d.previous } : {}),
    ...(attributes ? { attributes } : {}),
    actions: d.actions.map((a) => {
      switch (a.kind) {
        case 'alert_owner':
          return a.fallback.trim() ? { kind: a.kind, fallback: a.fallback.trim() } : { kind: a.kind };
        case 'open_case':
          return { kind: a.kind, due_hours: numberOr(a.due_hours) };
        case 'send_thanks':
          return { kind: a.kind };
        default:
          return a.review_url.trim()
            ? { kind: a.kind, delay_days: numberOr(a.delay_days), review_url: a.review_url.trim() }
            : { kind: a.kind, delay_days: numberOr(a.delay_days) };
      }
    }),
  };
}

/** One rule in one line of text. */
function useSummary() {
  const m = useMessages(M);
  return (r: ApiRule) => {
    const parts = [r.categories.map((x) => m(`band_${x}`)).join(', ')];
    if (r.previous_categories?.length)
      parts.push(`${m('sum_was')} ${r.previous_categories.map((x) => m(`prev_${x}`)).join(` ${m('or')} `)}`);
    if (r.attributes)
      parts.push(
        `${m('sum_where')} ${describeAudience(r.attributes, {
          everyone: m('filter_none'),
          and: m('and'),
          or: m('or'),
          contacts: (n) => String(n),
          op: (op) => m(`op_${op}`),
        })}`,
      );
    const actions = r.actions.map((a) => {
      switch (a.kind) {
        case 'alert_owner':
          return a.fallback ? m('sum_alert_fallback', { fallback: a.fallback }) : m('sum_alert');
        case 'open_case':
          return m('sum_case', { n: a.due_hours ?? 0 });
        case 'send_thanks':
          return m('sum_thanks');
        case 'request_testimonial':
          return a.review_url
            ? m('sum_testimonial_url', { n: a.delay_days ?? 0, url: a.review_url })
            : m('sum_testimonial', { n: a.delay_days ?? 0 });
        default:
          return String((a as { kind: unknown }).kind);
      }
    });
    return `${parts.join('; ')} → ${actions.join(', ')}.`;
  };
}

export function PlaybookPage(ctx: PageContext) {
  const { t } = useI18n();
  const m = useMessages(M);
  const surveyId = ctx.location.query.get('survey') ?? '';
  const manage = canManage(ctx.session.role);
  const summary = useSummary();
  const [surveys, setSurveys] = useState<Survey[]>([]);
  const [answer, setAnswer] = useState<Answer | null>(null);
  const [rules, setRules] = useState<DraftRule[]>([]);
  const [failed, setFailed] = useState(false);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const path = surveyId ? `/surveys/${encodeURIComponent(surveyId)}/playbook` : '/playbook';

  const show = (a: Answer) => {
    setAnswer(a);
    setRules(a.playbook.rules.map(draftRule));
  };
  useEffect(() => {
    get<{ data: Survey[] }>('/surveys')
      .then((r) => setSurveys(r.data))
      .catch(() => setSurveys([]));
  }, []);
  useEffect(() => {
    let live = true;
    setAnswer(null);
    setProblem(null);
    setStatus('');
    get<Answer>(path)
      .then((a) => live && show(a))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [path]);

  const update = (i: number, change: Partial<DraftRule>) =>
    setRules((rs) => rs.map((r, j) => (j === i ? { ...r, ...change } : r)));
  const save = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    setBusy(true);
    try {
      show(await api<Answer>('PUT', path, { body: { rules: rules.map(toApiRule) } }));
      setStatus(m('saved'));
    } catch (error) {
      const p = problemOf(error, t('error_generic'));
      setProblem(p);
      // Focus the field the API named, else the first invalid one.
      requestAnimationFrame(() => {
        const el =
          (p.field && document.getElementById(fieldId(p.field))) ||
          document.querySelector<HTMLElement>('.playbook [aria-invalid="true"]');
        el?.focus();
      });
    } finally {
      setBusy(false);
    }
  };
  const reset = async () => {
    setProblem(null);
    setBusy(true);
    try {
      show(
        surveyId
          ? await api<Answer>('PUT', path, { body: { rules: null } })
          : await api<Answer>('DELETE', path),
      );
      setStatus(m('reset_done'));
    } catch (error) {
      setProblem(problemOf(error, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const source = !answer
    ? null
    : surveyId && answer.source !== 'survey'
      ? m('source_inherited')
      : m(`source_${answer.source}`);

  return (
    <div class="playbook">
      <p class="inbox-back">
        <a href={`${BASE}/cases`} onClick={(e) => onLinkClick(e, '/cases')}>
          ← {m('back')}
        </a>
      </p>
      <h1>{m('title')}</h1>
      <p class="muted">{m('lead')}</p>
      <div class="cases-field playbook-scope">
        <label for="playbook-survey">{m('applies_to')}</label>
        <select
          id="playbook-survey"
          value={surveyId}
          onChange={(e) => setQuery({ survey: (e.target as HTMLSelectElement).value || undefined })}
        >
          <option value="">{m('workspace')}</option>
          {surveys.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name}
            </option>
          ))}
        </select>
      </div>
      {failed && <p class="error">{t('error_generic')}</p>}
      {!answer && !failed && <p aria-busy="true">{t('loading')}</p>}
      {answer && (
        <>
          <p class="note-box" data-testid="playbook-source">
            {source}
          </p>
          {!manage && <p class="muted">{m('read_only')}</p>}
          <ol class="playbook-summary" data-testid="playbook-summary">
            {answer.playbook.rules.length === 0 && <li>{m('no_rules')}</li>}
            {answer.playbook.rules.map((r, i) => (
              <li key={i}>
                <strong>{r.name}</strong>: {summary(r)}
              </li>
            ))}
          </ol>
          {manage && (
            <form class="playbook-form" onSubmit={save} noValidate>
              {rules.map((r, i) => (
                <RuleEditor
                  key={r.key}
                  rule={r}
                  index={i}
                  count={rules.length}
                  problem={problem}
                  onChange={(change) => update(i, change)}
                  onRemove={() => setRules((rs) => rs.filter((_, j) => j !== i))}
                  onUp={() =>
                    setRules((rs) => {
                      const next = [...rs];
                      [next[i - 1], next[i]] = [next[i]!, next[i - 1]!];
                      return next;
                    })
                  }
                />
              ))}
              <p>
                <button
                  type="button"
                  class="secondary"
                  onClick={() =>
                    setRules((rs) => [
                      ...rs,
                      draftRule({
                        name: '',
                        categories: ['detractor'],
                        actions: [{ kind: 'open_case', due_hours: 24 }],
                      }),
                    ])
                  }
                >
                  {m('rule_add')}
                </button>
              </p>
              {problem && !placed(problem.field, rules.length) && <FormError problem={problem} />}
              <div class="actions">
                <button type="submit" disabled={busy}>
                  {m('save')}
                </button>
                {(answer.source === 'workspace' || (surveyId && answer.source === 'survey')) && (
                  <button type="button" class="secondary" disabled={busy} onClick={reset}>
                    {surveyId ? m('reset_inherit') : m('reset_default')}
                  </button>
                )}
                {status && (
                  <span class="ok" role="status">
                    {status}
                  </span>
                )}
              </div>
            </form>
          )}
        </>
      )}
    </div>
  );
}

/** The id of the input of an API field ("rules.0.actions.1.due_hours" → "pb-rules-0-actions-1-due_hours"). */
const fieldId = (field: string) => `pb-${field.replaceAll('.', '-')}`;

/** Whether an error field is shown at a field of the editor (else it is shown under the rules). */
function placed(field: string | null, rules: number): boolean {
  const m = field
    ? /^rules\.(\d+)\.(name|categories|previous_categories|attributes|actions)/.exec(field)
    : null;
  return !!m && Number(m[1]) < rules;
}

function RuleEditor(props: {
  rule: DraftRule;
  index: number;
  count: number;
  problem: FieldProblem | null;
  onChange: (change: Partial<DraftRule>) => void;
  onRemove: () => void;
  onUp: () => void;
}) {
  const m = useMessages(M);
  const { rule: r, index: i } = props;
  const base = `rules.${i}`;
  /** The error at this field or inside it (`rules.0.categories.1` is the bands' error). */
  const err = (path: string, exact = false) => {
    const f = props.problem?.field;
    if (!f) return null;
    return f === path || (!exact && f.startsWith(`${path}.`)) ? props.problem!.message : null;
  };
  const toggle = (list: Category[], c: Category) =>
    list.includes(c) ? list.filter((x) => x !== c) : CATEGORIES.filter((x) => x === c || list.includes(x));
  const setAction = (j: number, change: Partial<DraftAction>) =>
    props.onChange({ actions: r.actions.map((a, k) => (k === j ? { ...a, ...change } : a)) });
  const filterErr = err(`${base}.attributes`);
  const target = builderTarget(props.problem?.field, `${base}.attributes`);
  return (
    <fieldset class="playbook-rule" data-testid={`rule-${i}`}>
      <legend>{m('rule', { n: i + 1 })}</legend>
      <div class="case-field">
        <label for={fieldId(`${base}.name`)}>{m('rule_name')}</label>
        <input
          id={fieldId(`${base}.name`)}
          value={r.name}
          maxLength={200}
          aria-invalid={err(`${base}.name`) ? true : undefined}
          onInput={(e) => props.onChange({ name: (e.target as HTMLInputElement).value })}
        />
        <FieldError id={`${fieldId(`${base}.name`)}-error`} problem={err(`${base}.name`)} />
      </div>
      <fieldset class="playbook-group" id={fieldId(`${base}.categories`)} tabIndex={-1}>
        <legend>{m('bands')}</legend>
        {CATEGORIES.map((c) => (
          <label key={c} class="case-check">
            <input
              type="checkbox"
              checked={r.categories.includes(c)}
              aria-invalid={err(`${base}.categories`) ? true : undefined}
              onChange={() => props.onChange({ categories: toggle(r.categories, c) })}
            />
            {m(`band_${c}`)}
          </label>
        ))}
        <FieldError id={`${fieldId(`${base}.categories`)}-error`} problem={err(`${base}.categories`)} />
      </fieldset>
      <fieldset class="playbook-group" id={fieldId(`${base}.previous_categories`)} tabIndex={-1}>
        <legend>{m('previous')}</legend>
        {CATEGORIES.map((c) => (
          <label key={c} class="case-check">
            <input
              type="checkbox"
              checked={r.previous.includes(c)}
              onChange={() => props.onChange({ previous: toggle(r.previous, c) })}
            />
            {m(`prev_${c}`)}
          </label>
        ))}
        <span class="muted small">{m('previous_hint')}</span>
        <FieldError
          id={`${fieldId(`${base}.previous_categories`)}-error`}
          problem={err(`${base}.previous_categories`)}
        />
      </fieldset>
      <fieldset class="playbook-group" id={fieldId(`${base}.attributes`)} tabIndex={-1}>
        <legend>{m('filter')}</legend>
        {!r.filter ? (
          <p class="muted">{m('filter_nested')}</p>
        ) : (
          <FilterRows
            id={fieldId(`${base}.attributes`)}
            state={r.filter}
            errorRow={target?.row ?? null}
            onChange={(filter) => props.onChange({ filter })}
          />
        )}
        <FieldError id={`${fieldId(`${base}.attributes`)}-error`} problem={filterErr} />
      </fieldset>
      <fieldset class="playbook-group" id={fieldId(`${base}.actions`)} tabIndex={-1}>
        <legend>{m('actions')}</legend>
        <FieldError id={`${fieldId(`${base}.actions`)}-error`} problem={err(`${base}.actions`, true)} />
        {r.actions.map((a, j) => {
          const at = `${base}.actions.${j}`;
          return (
            <div class="playbook-action" key={j} data-testid={`rule-${i}-action-${j}`}>
              <div class="case-field">
                <label for={fieldId(`${at}.kind`)}>{m('action', { n: j + 1 })}</label>
                <select
                  id={fieldId(`${at}.kind`)}
                  value={a.kind}
                  aria-invalid={err(`${at}.kind`) ? true : undefined}
                  onChange={(e) =>
                    setAction(j, { kind: (e.target as HTMLSelectElement).value as ActionKind })
                  }
                >
                  {ACTION_KINDS.map((k) => (
                    <option key={k} value={k}>
                      {m(`kind_${k}`)}
                    </option>
                  ))}
                </select>
                <FieldError id={`${fieldId(`${at}.kind`)}-error`} problem={err(`${at}.kind`)} />
              </div>
              {a.kind === 'open_case' && (
                <NumberField
                  id={fieldId(`${at}.due_hours`)}
                  label={m('due_hours')}
                  value={a.due_hours}
                  error={err(`${at}.due_hours`)}
                  onInput={(v) => setAction(j, { due_hours: v })}
                />
              )}
              {a.kind === 'alert_owner' && (
                <TextField
                  id={fieldId(`${at}.fallback`)}
                  label={m('fallback')}
                  value={a.fallback}
                  error={err(`${at}.fallback`)}
                  onInput={(v) => setAction(j, { fallback: v })}
                />
              )}
              {a.kind === 'request_testimonial' && (
                <>
                  <NumberField
                    id={fieldId(`${at}.delay_days`)}
                    label={m('delay_days')}
                    value={a.delay_days}
                    error={err(`${at}.delay_days`)}
                    onInput={(v) => setAction(j, { delay_days: v })}
                  />
                  <TextField
                    id={fieldId(`${at}.review_url`)}
                    label={m('review_url')}
                    value={a.review_url}
                    url
                    error={err(`${at}.review_url`)}
                    onInput={(v) => setAction(j, { review_url: v })}
                  />
                </>
              )}
              <button
                type="button"
                class="link"
                onClick={() => props.onChange({ actions: r.actions.filter((_, k) => k !== j) })}
              >
                {m('action_remove', { n: j + 1 })}
              </button>
            </div>
          );
        })}
        <button
          type="button"
          class="secondary"
          onClick={() =>
            props.onChange({ actions: [...r.actions, draftAction({ kind: 'open_case', due_hours: 24 })] })
          }
        >
          {m('action_add')}
        </button>
      </fieldset>
      <div class="actions">
        {i > 0 && (
          <button type="button" class="secondary" onClick={props.onUp}>
            {m('rule_up', { n: i + 1 })}
          </button>
        )}
        <button type="button" class="secondary danger" onClick={props.onRemove}>
          {m('rule_remove', { n: i + 1 })}
        </button>
      </div>
    </fieldset>
  );
}

function NumberField(props: {
  id: string;
  label: string;
  value: string;
  error: string | null;
  onInput: (v: string) => void;
}) {
  return (
    <div class="case-field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        class="narrow-number"
        inputMode="numeric"
        value={props.value}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      <FieldError id={`${props.id}-error`} problem={props.error} />
    </div>
  );
}

function TextField(props: {
  id: string;
  label: string;
  value: string;
  url?: boolean;
  error: string | null;
  onInput: (v: string) => void;
}) {
  return (
    <div class="case-field">
      <label for={props.id}>{props.label}</label>
      <input
        id={props.id}
        inputMode={props.url ? 'url' : 'text'}
        value={props.value}
        maxLength={2000}
        aria-invalid={props.error ? true : undefined}
        aria-describedby={props.error ? `${props.id}-error` : undefined}
        onInput={(e) => props.onInput((e.target as HTMLInputElement).value)}
      />
      <FieldError id={`${props.id}-error`} problem={props.error} />
    </div>
  );
}

function FilterRows(props: {
  id: string;
  state: BuilderState;
  errorRow: number | null;
  onChange: (s: BuilderState) => void;
}) {
  const m = useMessages(M);
  const s = props.state;
  const setRow = (i: number, change: Partial<ConditionRow>) =>
    props.onChange({ ...s, rows: s.rows.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  if (s.mode === 'everyone')
    return (
      <p>
        <span class="muted">{m('filter_none')}</span>{' '}
        <button
          type="button"
          class="link"
          onClick={() => props.onChange({ mode: 'filter', combine: 'all', rows: [emptyRow()] })}
        >
          {m('filter_add')}
        </button>
      </p>
    );
  return (
    <div class="playbook-filter">
      {s.rows.length > 1 && (
        <div class="case-field">
          <label for={`${props.id}-combine`}>{m('filter_combine')}</label>
          <select
            id={`${props.id}-combine`}
            value={s.combine}
            onChange={(e) =>
              props.onChange({ ...s, combine: (e.target as HTMLSelectElement).value as 'all' | 'any' })
            }
          >
            <option value="all">{m('combine_all')}</option>
            <option value="any">{m('combine_any')}</option>
          </select>
        </div>
      )}
      {s.rows.map((row, i) => (
        <div class="playbook-cond" key={i}>
          <div class="case-field">
            <label for={`${props.id}-${i}-attribute`}>{m('filter_attribute')}</label>
            <input
              id={`${props.id}-${i}-attribute`}
              value={row.attribute}
              aria-invalid={props.errorRow === i ? true : undefined}
              onInput={(e) => setRow(i, { attribute: (e.target as HTMLInputElement).value })}
            />
          </div>
          <div class="case-field">
            <label for={`${props.id}-${i}-op`}>{m('filter_op')}</label>
            <select
              id={`${props.id}-${i}-op`}
              value={row.op}
              onChange={(e) => setRow(i, { op: (e.target as HTMLSelectElement).value as Operator })}
            >
              {OPERATORS.map((op) => (
                <option key={op} value={op}>
                  {m(`op_${op}`)}
                </option>
              ))}
            </select>
          </div>
          {valueKind(row.op) !== 'none' && (
            <div class="case-field">
              <label for={`${props.id}-${i}-value`}>{m('filter_value')}</label>
              <input
                id={`${props.id}-${i}-value`}
                value={row.value}
                aria-invalid={props.errorRow === i ? true : undefined}
                onInput={(e) => setRow(i, { value: (e.target as HTMLInputElement).value })}
              />
            </div>
          )}
          <button
            type="button"
            class="link"
            onClick={() => {
              const rows = s.rows.filter((_, j) => j !== i);
              props.onChange(rows.length ? { ...s, rows } : { ...s, mode: 'everyone', rows: [emptyRow()] });
            }}
          >
            {m('filter_remove')}
          </button>
        </div>
      ))}
      <button
        type="button"
        class="link"
        onClick={() => props.onChange({ ...s, rows: [...s.rows, emptyRow()] })}
      >
        {m('filter_add')}
      </button>
    </div>
  );
}
