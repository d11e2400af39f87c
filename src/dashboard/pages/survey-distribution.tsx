/**
 * The survey editor's "Distribution" section (a saved survey): how the survey is sent. Campaigns
 * (an email to an audience, now or at a time, with reminders and a fatigue override) with their
 * counts and rates; autopilots (a relational cadence: a preset or a custom rule, audience, business
 * hours) with pause / resume, delete and the next due contacts; trigger rules (a survey after an
 * event, with a delay and a property filter) with their active toggle. Only the public API; the
 * API's field errors are shown at the field they name.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, get, patch, post } from '../api';
import {
  type BuilderState,
  builderTarget,
  type ConditionRow,
  describeAudience,
  emptyRow,
  everyone,
  localToIso,
  OPERATORS,
  type Operator,
  parseMonths,
  toAudience,
  toFilter,
  valueKind,
} from '../audience-builder';
import { defineMessages, useI18n, useMessages } from '../i18n';

const M = defineMessages({
  en: {
    title: 'Distribution',
    lead: 'How this survey is sent: campaigns by email, a relational cadence (autopilot), or after events from your systems (trigger rules).',
    read_only: 'Your role can view the distribution but not change it.',
    load_error: 'Could not load: {message}',
    // shared
    col_name: 'Name',
    col_status: 'Status',
    col_audience: 'Audience',
    col_actions: 'Actions',
    scroll_region: '{table} (scrolls sideways)',
    created: 'Created.',
    none: '–',
    everyone: 'Everyone',
    and: 'and',
    or: 'or',
    n_contacts: '{n} chosen contacts',
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
    // audience builder
    audience: 'Audience',
    audience_everyone: 'Every contact',
    audience_filter: 'Contacts whose attributes match',
    combine: 'Combine the conditions',
    combine_all: 'All must hold (and)',
    combine_any: 'Any may hold (or)',
    condition_n: 'Condition {n}',
    attribute: 'Attribute',
    operator: 'Operator',
    value: 'Value',
    values_hint:
      'Values: 12 is a number, true/false a yes/no, "12" in quotes text; lists comma-separated (DE, AT); days as YYYY-MM-DD.',
    add_condition: 'Add condition',
    remove_condition: 'Remove condition {n}',
    // campaigns
    campaigns: 'Campaigns',
    no_campaigns: 'No campaigns for this survey yet.',
    new_campaign: 'New campaign',
    campaign_name: 'Campaign name',
    send_time: 'Send time',
    send_now: 'Now',
    send_at_time: 'At a date and time',
    send_at: 'Date and time (your time zone)',
    reminders: 'Reminders to those who have not answered',
    reminder_count: 'Number of reminders (0-5, 0: none)',
    reminder_after: 'Days between reminders (1-30)',
    fatigue: 'Survey fatigue',
    fatigue_override: "Override the survey's and workspace's fatigue rule",
    min_days: 'At least this many days between surveys to a contact (0-365, 0: off)',
    on_blocked: 'A send the rule stops is',
    drop: 'dropped (skipped)',
    postpone: 'postponed to the first allowed day',
    create_campaign: 'Create campaign',
    col_send_at: 'Send time',
    col_sent: 'Sent',
    col_skipped: 'Skipped',
    col_answered: 'Answered',
    col_response_rate: 'Response rate',
    col_open_rate: 'Open rate',
    c_queued: 'queued',
    c_expanding: 'expanding',
    c_done: 'done',
    c_cancelled: 'cancelled',
    // autopilots
    autopilots: 'Autopilots (relational cadence)',
    no_autopilots: 'No autopilots for this survey yet.',
    new_autopilot: 'New autopilot',
    autopilot_name: 'Autopilot name',
    cadence: 'Cadence',
    preset_after_winning: '3, 6 and 12 months after customer_since, then every year',
    preset_quarterly: 'Everyone on 1 January, April, July and October',
    preset_custom: 'Custom rule …',
    anchor: 'Counted from',
    anchor_attribute: 'A date attribute of the contact',
    anchor_first_seen: 'The day the contact was first seen',
    anchor_fixed: 'A fixed day',
    anchor_attribute_name: 'Date attribute',
    anchor_day: 'Day',
    milestones: 'Milestones in months after that (e.g. 3, 6, 12; may be empty)',
    then_every: 'Then every so many months (empty: stop after the milestones)',
    business_hours: 'Business hours (in the contact’s time zone)',
    weekdays: 'Weekdays',
    start_hour: 'From hour (0-23)',
    end_hour: 'To hour (1-24)',
    create_autopilot: 'Create autopilot',
    col_cadence: 'Cadence',
    col_last_run: 'Last run',
    never_ran: 'not yet',
    last_run: '{at}: {due} due, {queued} queued, {skipped} skipped',
    a_active: 'active',
    a_paused: 'paused',
    pause: 'Pause',
    resume: 'Resume',
    delete: 'Delete',
    confirm_delete: 'Delete the autopilot “{name}”? Its invitations stay.',
    confirm_yes: 'Yes, delete',
    cancel: 'Cancel',
    deleted: 'Deleted.',
    show_schedule: 'Next due contacts',
    hide_schedule: 'Hide due contacts',
    schedule_title: 'Next due contacts of “{name}”',
    schedule_empty: 'No contact of the audience is on this cadence.',
    schedule_more: 'The first {n} contacts of the audience, by next send time.',
    col_contact: 'Contact',
    col_time_zone: 'Time zone',
    col_next_due: 'Next due day',
    col_next_send: 'Next send time',
    col_last_due: 'Last due day',
    cadence_after: '{milestones} months after {anchor}',
    cadence_every: 'every {n} months from {anchor}',
    cadence_then_every: ', then every {n} months',
    anchor_first_seen_short: 'first seen',
    anchor_fixed_short: '{day}',
    weekday_1: 'Mon',
    weekday_2: 'Tue',
    weekday_3: 'Wed',
    weekday_4: 'Thu',
    weekday_5: 'Fri',
    weekday_6: 'Sat',
    weekday_7: 'Sun',
    // trigger rules
    rules: 'Trigger rules (after an event)',
    no_rules: 'No trigger rules for this survey yet.',
    new_rule: 'New trigger rule',
    rule_name: 'Rule name',
    event_name: 'Event name (e.g. purchase, ticket_solved)',
    delay: 'Delay after the event (minutes, 0-43200)',
    filter: 'Property filter (optional)',
    filter_none: 'Every event of this name',
    filter_some: 'Only events whose properties match',
    rule_active: 'Active',
    active_for: 'Active: {name}',
    create_rule: 'Create trigger rule',
    col_event: 'Event',
    col_delay: 'Delay',
    col_filter: 'Property filter',
    col_active: 'Active',
    minutes: '{n} min',
  },
  de: {
    title: 'Versand',
    lead: 'Wie diese Umfrage verschickt wird: Kampagnen per E-Mail, ein Beziehungsrhythmus (Autopilot) oder nach Ereignissen aus Ihren Systemen (Auslöser-Regeln).',
    read_only: 'Ihre Rolle kann den Versand ansehen, aber nicht ändern.',
    load_error: 'Konnte nicht geladen werden: {message}',
    col_name: 'Name',
    col_status: 'Status',
    col_audience: 'Zielgruppe',
    col_actions: 'Aktionen',
    scroll_region: '{table} (seitlich scrollbar)',
    created: 'Angelegt.',
    none: '–',
    everyone: 'Alle',
    and: 'und',
    or: 'oder',
    n_contacts: '{n} ausgewählte Kontakte',
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
    audience: 'Zielgruppe',
    audience_everyone: 'Alle Kontakte',
    audience_filter: 'Kontakte, deren Attribute passen',
    combine: 'Bedingungen verknüpfen',
    combine_all: 'Alle müssen gelten (und)',
    combine_any: 'Eine genügt (oder)',
    condition_n: 'Bedingung {n}',
    attribute: 'Attribut',
    operator: 'Operator',
    value: 'Wert',
    values_hint:
      'Werte: 12 ist eine Zahl, true/false ja/nein, "12" in Anführungszeichen Text; Listen mit Kommas (DE, AT); Tage als JJJJ-MM-TT.',
    add_condition: 'Bedingung hinzufügen',
    remove_condition: 'Bedingung {n} entfernen',
    campaigns: 'Kampagnen',
    no_campaigns: 'Noch keine Kampagnen für diese Umfrage.',
    new_campaign: 'Neue Kampagne',
    campaign_name: 'Name der Kampagne',
    send_time: 'Versandzeit',
    send_now: 'Sofort',
    send_at_time: 'Zu einem Zeitpunkt',
    send_at: 'Datum und Uhrzeit (Ihre Zeitzone)',
    reminders: 'Erinnerungen an alle, die nicht geantwortet haben',
    reminder_count: 'Anzahl Erinnerungen (0-5, 0: keine)',
    reminder_after: 'Tage zwischen Erinnerungen (1-30)',
    fatigue: 'Umfragemüdigkeit',
    fatigue_override: 'Die Regel der Umfrage und des Workspace überschreiben',
    min_days: 'Mindestens so viele Tage zwischen zwei Umfragen an einen Kontakt (0-365, 0: aus)',
    on_blocked: 'Ein von der Regel gestoppter Versand wird',
    drop: 'verworfen (übersprungen)',
    postpone: 'auf den ersten erlaubten Tag verschoben',
    create_campaign: 'Kampagne anlegen',
    col_send_at: 'Versandzeit',
    col_sent: 'Gesendet',
    col_skipped: 'Übersprungen',
    col_answered: 'Beantwortet',
    col_response_rate: 'Antwortquote',
    col_open_rate: 'Öffnungsquote',
    c_queued: 'wartend',
    c_expanding: 'wird erstellt',
    c_done: 'fertig',
    c_cancelled: 'abgebrochen',
    autopilots: 'Autopiloten (Beziehungsrhythmus)',
    no_autopilots: 'Noch keine Autopiloten für diese Umfrage.',
    new_autopilot: 'Neuer Autopilot',
    autopilot_name: 'Name des Autopiloten',
    cadence: 'Rhythmus',
    preset_after_winning: '3, 6 und 12 Monate nach customer_since, dann jährlich',
    preset_quarterly: 'Alle am 1. Januar, April, Juli und Oktober',
    preset_custom: 'Eigene Regel …',
    anchor: 'Gezählt ab',
    anchor_attribute: 'Einem Datumsattribut des Kontakts',
    anchor_first_seen: 'Dem Tag, an dem der Kontakt zuerst gesehen wurde',
    anchor_fixed: 'Einem festen Tag',
    anchor_attribute_name: 'Datumsattribut',
    anchor_day: 'Tag',
    milestones: 'Meilensteine in Monaten danach (z. B. 3, 6, 12; darf leer sein)',
    then_every: 'Danach alle so vielen Monate (leer: nach den Meilensteinen Schluss)',
    business_hours: 'Geschäftszeiten (in der Zeitzone des Kontakts)',
    weekdays: 'Wochentage',
    start_hour: 'Ab Stunde (0-23)',
    end_hour: 'Bis Stunde (1-24)',
    create_autopilot: 'Autopilot anlegen',
    col_cadence: 'Rhythmus',
    col_last_run: 'Letzter Lauf',
    never_ran: 'noch nicht',
    last_run: '{at}: {due} fällig, {queued} eingeplant, {skipped} übersprungen',
    a_active: 'aktiv',
    a_paused: 'pausiert',
    pause: 'Pausieren',
    resume: 'Fortsetzen',
    delete: 'Löschen',
    confirm_delete: 'Den Autopiloten „{name}“ löschen? Seine Einladungen bleiben.',
    confirm_yes: 'Ja, löschen',
    cancel: 'Abbrechen',
    deleted: 'Gelöscht.',
    show_schedule: 'Nächste fällige Kontakte',
    hide_schedule: 'Fällige Kontakte ausblenden',
    schedule_title: 'Nächste fällige Kontakte von „{name}“',
    schedule_empty: 'Kein Kontakt der Zielgruppe ist in diesem Rhythmus.',
    schedule_more: 'Die ersten {n} Kontakte der Zielgruppe, nach nächster Versandzeit.',
    col_contact: 'Kontakt',
    col_time_zone: 'Zeitzone',
    col_next_due: 'Nächster Fälligkeitstag',
    col_next_send: 'Nächste Versandzeit',
    col_last_due: 'Letzter Fälligkeitstag',
    cadence_after: '{milestones} Monate nach {anchor}',
    cadence_every: 'alle {n} Monate ab {anchor}',
    cadence_then_every: ', dann alle {n} Monate',
    anchor_first_seen_short: 'Erstkontakt',
    anchor_fixed_short: '{day}',
    weekday_1: 'Mo',
    weekday_2: 'Di',
    weekday_3: 'Mi',
    weekday_4: 'Do',
    weekday_5: 'Fr',
    weekday_6: 'Sa',
    weekday_7: 'So',
    rules: 'Auslöser-Regeln (nach einem Ereignis)',
    no_rules: 'Noch keine Auslöser-Regeln für diese Umfrage.',
    new_rule: 'Neue Auslöser-Regel',
    rule_name: 'Name der Regel',
    event_name: 'Ereignisname (z. B. purchase, ticket_solved)',
    delay: 'Verzögerung nach dem Ereignis (Minuten, 0-43200)',
    filter: 'Filter auf Eigenschaften (optional)',
    filter_none: 'Jedes Ereignis dieses Namens',
    filter_some: 'Nur Ereignisse, deren Eigenschaften passen',
    rule_active: 'Aktiv',
    active_for: 'Aktiv: {name}',
    create_rule: 'Auslöser-Regel anlegen',
    col_event: 'Ereignis',
    col_delay: 'Verzögerung',
    col_filter: 'Filter auf Eigenschaften',
    col_active: 'Aktiv',
    minutes: '{n} Min.',
  },
});

type Msg = ReturnType<typeof useMessages<keyof typeof M.en>>;

// ---------------------------------------------------------------------------------------------
// API shapes (docs/API.md: Campaigns, Autopilots, Events and trigger rules)

interface Campaign {
  id: string;
  name: string;
  audience: Record<string, unknown>;
  send_at: string;
  status: 'queued' | 'expanding' | 'done' | 'cancelled';
  counts?: { total: number; sent: number; skipped: number };
  answered?: number;
  response_rate?: number | null;
  open_rate?: number | null;
}

interface CadenceRule {
  anchor: { kind: 'attribute'; attribute: string } | { kind: 'first_seen' } | { kind: 'fixed'; day: string };
  milestones_months: number[];
  then_every_months: number | null;
}

interface Autopilot {
  id: string;
  name: string;
  cadence: CadenceRule;
  audience: Record<string, unknown>;
  status: 'active' | 'paused';
  last_run_at: string | null;
  last_run: { contacts: number; due: number; queued: number; skipped: number } | null;
}

interface ScheduleEntry {
  contact_id: string;
  email: string | null;
  time_zone: string;
  last_due_day: string | null;
  next_due_day: string | null;
  next_send_at: string | null;
}

interface TriggerRule {
  id: string;
  name: string;
  event_name: string;
  filter: Record<string, unknown> | null;
  survey_id: string;
  delay_minutes: number;
  active: boolean;
}

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

// ---------------------------------------------------------------------------------------------
// Errors at their fields

interface Problem {
  field: string | null;
  message: string;
}

/** The API's error as a problem at a field (its "field: " prefix left off: the label says it). */
function problemOf(error: unknown): Problem {
  if (!(error instanceof ApiError)) return { field: null, message: String(error) };
  const prefix = error.field ? `${error.field}: ` : '';
  const message =
    prefix && error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
  return { field: error.field, message };
}

/** Whether a problem's field is `name` or inside it (`name.…`). */
const isAt = (problem: Problem | null, name: string, exact = false) =>
  !!problem?.field && (problem.field === name || (!exact && problem.field.startsWith(`${name}.`)));

function FieldError({ id, label, problem }: { id: string; label: string; problem: Problem | null }) {
  if (!problem) return null;
  return (
    <p id={id} class="error field-error" role="alert">
      {label}: {problem.message}
    </p>
  );
}

/** An error no field of the form shows (named with the API's field, if any). */
function FormError({ problem }: { problem: Problem | null }) {
  if (!problem) return null;
  return (
    <p class="error" role="alert">
      {problem.field ? `${problem.field}: ${problem.message}` : problem.message}
    </p>
  );
}

/** Label, control and error of one field, wired with for/id, aria-invalid and aria-describedby. */
function Field(props: {
  id: string;
  label: string;
  problem: Problem | null;
  children: (a: { id: string; 'aria-invalid'?: 'true'; 'aria-describedby'?: string }) => ComponentChildren;
  class?: string;
}) {
  const { id, problem } = props;
  return (
    <div class={props.class ?? 'field'}>
      <label for={id}>{props.label}</label>
      {props.children({
        id,
        'aria-invalid': problem ? 'true' : undefined,
        'aria-describedby': problem ? `${id}-error` : undefined,
      })}
      <FieldError id={`${id}-error`} label={props.label} problem={problem} />
    </div>
  );
}

/** A number as typed, as the API takes it (what is no number goes as written, for the API to name). */
const num = (text: string): number | string => (/^\s*-?[0-9]+\s*$/.test(text) ? Number(text) : text.trim());

function useFormat() {
  const { locale, number } = useI18n();
  const dateTime = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return {
    dateTime: (iso: string | null) => (iso ? dateTime.format(new Date(iso)) : '–'),
    rate: (rate: number | null | undefined) =>
      rate === null || rate === undefined ? '–' : `${number(rate * 100, 1)} %`,
    count: (n: number | undefined) => (n === undefined ? '–' : number(n)),
  };
}

function useAudienceText() {
  const m = useMessages(M);
  return (audience: unknown) =>
    describeAudience(audience, {
      everyone: m('everyone'),
      and: m('and'),
      or: m('or'),
      contacts: (n) => m('n_contacts', { n }),
      op: (op) => m(`op_${op}`),
    });
}

/** A wide table that scrolls sideways inside itself on a phone (reachable by keyboard). */
function ScrollTable({ label, children }: { label: string; children: ComponentChildren }) {
  const m = useMessages(M);
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
    <section class="an-scroll" aria-label={m('scroll_region', { table: label })} tabIndex={0}>
      {children}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// The section

export function SurveyDistribution({ surveyId, canEdit }: { surveyId: string; canEdit: boolean }) {
  const m = useMessages(M);
  return (
    <section class="card dist-section" aria-labelledby="dist-title">
      <h2 id="dist-title">{m('title')}</h2>
      <p class="muted">{m('lead')}</p>
      {!canEdit && <p class="muted">{m('read_only')}</p>}
      <Campaigns surveyId={surveyId} canEdit={canEdit} />
      <Autopilots surveyId={surveyId} canEdit={canEdit} />
      <TriggerRules surveyId={surveyId} canEdit={canEdit} />
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Audience builder

function AudienceEditor(props: {
  id: string;
  legend: string;
  everyoneLabel: string;
  filterLabel: string;
  /** Where its JSON goes in the request: "audience" or "filter". */
  prefix: string;
  state: BuilderState;
  onChange: (state: BuilderState) => void;
  problem: Problem | null;
}) {
  const m = useMessages(M);
  const { id, state, onChange } = props;
  const target = builderTarget(props.problem?.field, props.prefix);
  const setRow = (i: number, change: Partial<ConditionRow>) =>
    onChange({ ...state, rows: state.rows.map((r, j) => (j === i ? { ...r, ...change } : r)) });
  const rowProblem = (i: number, part: 'attribute' | 'op' | 'value') =>
    target && target.row === i && (target.part === part || (target.part === null && part === 'attribute'))
      ? props.problem
      : null;
  return (
    <fieldset class="dist-audience">
      <legend>{props.legend}</legend>
      <div class="dist-radios">
        <label class="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={state.mode === 'everyone'}
            onChange={() => onChange({ ...state, mode: 'everyone' })}
          />
          {props.everyoneLabel}
        </label>
        <label class="check">
          <input
            type="radio"
            name={`${id}-mode`}
            checked={state.mode === 'filter'}
            onChange={() => onChange({ ...state, mode: 'filter' })}
          />
          {props.filterLabel}
        </label>
      </div>
      {state.mode === 'filter' && (
        <>
          <Field id={`${id}-combine`} label={m('combine')} problem={null}>
            {(a) => (
              <select
                {...a}
                value={state.combine}
                onChange={(e) => onChange({ ...state, combine: e.currentTarget.value as 'all' | 'any' })}
              >
                <option value="all">{m('combine_all')}</option>
                <option value="any">{m('combine_any')}</option>
              </select>
            )}
          </Field>
          {state.rows.map((row, i) => {
            const n = i + 1;
            const p = `${id}-${i}`;
            return (
              <fieldset class="dist-cond" key={i}>
                <legend class="visually-hidden">{m('condition_n', { n })}</legend>
                <Field id={`${p}-attr`} label={m('attribute')} problem={rowProblem(i, 'attribute')}>
                  {(a) => (
                    <input
                      {...a}
                      value={row.attribute}
                      autocomplete="off"
                      onInput={(e) => setRow(i, { attribute: e.currentTarget.value })}
                    />
                  )}
                </Field>
                <Field id={`${p}-op`} label={m('operator')} problem={rowProblem(i, 'op')}>
                  {(a) => (
                    <select
                      {...a}
                      value={row.op}
                      onChange={(e) => setRow(i, { op: e.currentTarget.value as Operator })}
                    >
                      {OPERATORS.map((op) => (
                        <option key={op} value={op}>
                          {m(`op_${op}`)}
                        </option>
                      ))}
                    </select>
                  )}
                </Field>
                {valueKind(row.op) !== 'none' && (
                  <Field id={`${p}-value`} label={m('value')} problem={rowProblem(i, 'value')}>
                    {(a) => (
                      <input
                        {...a}
                        value={row.value}
                        autocomplete="off"
                        aria-describedby={[a['aria-describedby'], `${id}-hint`].filter(Boolean).join(' ')}
                        onInput={(e) => setRow(i, { value: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                )}
                {state.rows.length > 1 && (
                  <button
                    type="button"
                    class="secondary dist-remove"
                    onClick={() => onChange({ ...state, rows: state.rows.filter((_, j) => j !== i) })}
                  >
                    {m('remove_condition', { n })}
                  </button>
                )}
              </fieldset>
            );
          })}
          <p id={`${id}-hint`} class="muted small">
            {m('values_hint')}
          </p>
          <button
            type="button"
            class="secondary"
            onClick={() => onChange({ ...state, rows: [...state.rows, emptyRow()] })}
          >
            {m('add_condition')}
          </button>
        </>
      )}
      {target && target.row === null && (
        <FieldError id={`${id}-error`} label={props.legend} problem={props.problem} />
      )}
      {target && target.row !== null && target.row >= state.rows.length && (
        <FieldError id={`${id}-error`} label={props.legend} problem={props.problem} />
      )}
    </fieldset>
  );
}

function FatigueFields(props: {
  id: string;
  override: boolean;
  minDays: string;
  onBlocked: 'drop' | 'postpone';
  onChange: (change: { override?: boolean; minDays?: string; onBlocked?: 'drop' | 'postpone' }) => void;
  problem: Problem | null;
}) {
  const m = useMessages(M);
  const { id } = props;
  return (
    <fieldset class="dist-group">
      <legend>{m('fatigue')}</legend>
      <label class="check">
        <input
          type="checkbox"
          checked={props.override}
          onChange={(e) => props.onChange({ override: e.currentTarget.checked })}
        />
        {m('fatigue_override')}
      </label>
      {props.override && (
        <div class="row">
          <Field
            id={`${id}-min-days`}
            label={m('min_days')}
            problem={isAt(props.problem, 'fatigue.min_days_between') ? props.problem : null}
          >
            {(a) => (
              <input
                {...a}
                type="number"
                min={0}
                max={365}
                value={props.minDays}
                onInput={(e) => props.onChange({ minDays: e.currentTarget.value })}
              />
            )}
          </Field>
          <Field
            id={`${id}-on-blocked`}
            label={m('on_blocked')}
            problem={isAt(props.problem, 'fatigue.on_blocked') ? props.problem : null}
          >
            {(a) => (
              <select
                {...a}
                value={props.onBlocked}
                onChange={(e) => props.onChange({ onBlocked: e.currentTarget.value as 'drop' | 'postpone' })}
              >
                <option value="drop">{m('drop')}</option>
                <option value="postpone">{m('postpone')}</option>
              </select>
            )}
          </Field>
        </div>
      )}
      {isAt(props.problem, 'fatigue', true) && (
        <FieldError id={`${id}-fatigue-error`} label={m('fatigue')} problem={props.problem} />
      )}
    </fieldset>
  );
}

function RemindersFields(props: {
  id: string;
  count: string;
  after: string;
  onChange: (change: { count?: string; after?: string }) => void;
  problem: Problem | null;
}) {
  const m = useMessages(M);
  return (
    <fieldset class="dist-group">
      <legend>{m('reminders')}</legend>
      <div class="row">
        <Field
          id={`${props.id}-rem-count`}
          label={m('reminder_count')}
          problem={isAt(props.problem, 'reminders.count') ? props.problem : null}
        >
          {(a) => (
            <input
              {...a}
              type="number"
              min={0}
              max={5}
              value={props.count}
              onInput={(e) => props.onChange({ count: e.currentTarget.value })}
            />
          )}
        </Field>
        <Field
          id={`${props.id}-rem-after`}
          label={m('reminder_after')}
          problem={isAt(props.problem, 'reminders.after_days') ? props.problem : null}
        >
          {(a) => (
            <input
              {...a}
              type="number"
              min={1}
              max={30}
              value={props.after}
              onInput={(e) => props.onChange({ after: e.currentTarget.value })}
            />
          )}
        </Field>
      </div>
      {isAt(props.problem, 'reminders', true) && (
        <FieldError id={`${props.id}-rem-error`} label={m('reminders')} problem={props.problem} />
      )}
    </fieldset>
  );
}

// ---------------------------------------------------------------------------------------------
// Campaigns

interface CampaignForm {
  name: string;
  audience: BuilderState;
  when: 'now' | 'at';
  sendAt: string;
  reminderCount: string;
  reminderAfter: string;
  fatigueOverride: boolean;
  minDays: string;
  onBlocked: 'drop' | 'postpone';
}

const emptyCampaign = (): CampaignForm => ({
  name: '',
  audience: everyone(),
  when: 'now',
  sendAt: '',
  reminderCount: '1',
  reminderAfter: '3',
  fatigueOverride: false,
  minDays: '90',
  onBlocked: 'drop',
});

function Campaigns({ surveyId, canEdit }: { surveyId: string; canEdit: boolean }) {
  const m = useMessages(M);
  const f = useFormat();
  const audienceText = useAudienceText();
  const [campaigns, setCampaigns] = useState<Campaign[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<CampaignForm>(emptyCampaign);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  const withCounts = (c: Campaign) => get<Campaign>(`/campaigns/${c.id}`).catch(() => c);
  useEffect(() => {
    get<Page<Campaign>>('/campaigns', { survey_id: surveyId, limit: 50 })
      .then((page) => Promise.all(page.data.map(withCounts)))
      .then(setCampaigns)
      .catch((e) => setLoadError(problemOf(e).message));
  }, [surveyId]);

  const set = (change: Partial<CampaignForm>) => setForm({ ...form, ...change });
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    setBusy(true);
    try {
      const body: Record<string, unknown> = {
        survey_id: surveyId,
        name: form.name,
        audience: toAudience(form.audience),
        reminders: { count: num(form.reminderCount), after_days: num(form.reminderAfter) },
      };
      if (form.when === 'at') body['send_at'] = localToIso(form.sendAt);
      if (form.fatigueOverride)
        body['fatigue'] = { min_days_between: num(form.minDays), on_blocked: form.onBlocked };
      const created = await post<Campaign>('/campaigns', body);
      const full = await withCounts(created);
      setCampaigns([full, ...(campaigns ?? [])]);
      setForm(emptyCampaign());
      setStatus(m('created'));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const shown = ['name', 'send_at', 'audience', 'reminders', 'fatigue'] as const;
  const unplaced = problem && !shown.some((name) => isAt(problem, name)) ? problem : null;

  return (
    <section class="dist-block" aria-labelledby="dist-campaigns-title">
      <h3 id="dist-campaigns-title">{m('campaigns')}</h3>
      {loadError && (
        <p class="error" role="alert">
          {m('load_error', { message: loadError })}
        </p>
      )}
      {campaigns !== null &&
        (campaigns.length === 0 ? (
          <p class="muted">{m('no_campaigns')}</p>
        ) : (
          <ScrollTable label={m('campaigns')}>
            <table class="data dist-table" data-testid="campaigns-table">
              <caption class="visually-hidden">{m('campaigns')}</caption>
              <thead>
                <tr>
                  <th scope="col">{m('col_name')}</th>
                  <th scope="col">{m('col_status')}</th>
                  <th scope="col">{m('col_send_at')}</th>
                  <th scope="col">{m('col_audience')}</th>
                  <th scope="col" class="num">
                    {m('col_sent')}
                  </th>
                  <th scope="col" class="num">
                    {m('col_skipped')}
                  </th>
                  <th scope="col" class="num">
                    {m('col_answered')}
                  </th>
                  <th scope="col" class="num">
                    {m('col_response_rate')}
                  </th>
                  <th scope="col" class="num">
                    {m('col_open_rate')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {campaigns.map((c) => (
                  <tr key={c.id}>
                    <th scope="row">{c.name}</th>
                    <td>
                      <span class={`status ${c.status}`}>{m(`c_${c.status}`)}</span>
                    </td>
                    <td>{f.dateTime(c.send_at)}</td>
                    <td>{audienceText(c.audience)}</td>
                    <td class="num">{f.count(c.counts?.sent)}</td>
                    <td class="num">{f.count(c.counts?.skipped)}</td>
                    <td class="num">{f.count(c.answered)}</td>
                    <td class="num">{f.rate(c.response_rate)}</td>
                    <td class="num">{f.rate(c.open_rate)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        ))}
      {status && (
        <p class="ok" role="status">
          {status}
        </p>
      )}
      {canEdit && (
        <details class="dist-new">
          <summary>{m('new_campaign')}</summary>
          <form onSubmit={submit} noValidate aria-label={m('new_campaign')}>
            <Field id="dc-name" label={m('campaign_name')} problem={isAt(problem, 'name') ? problem : null}>
              {(a) => (
                <input
                  {...a}
                  required
                  value={form.name}
                  onInput={(e) => set({ name: e.currentTarget.value })}
                />
              )}
            </Field>
            <AudienceEditor
              id="dc-aud"
              legend={m('audience')}
              everyoneLabel={m('audience_everyone')}
              filterLabel={m('audience_filter')}
              prefix="audience"
              state={form.audience}
              onChange={(audience) => set({ audience })}
              problem={problem}
            />
            <fieldset class="dist-group">
              <legend>{m('send_time')}</legend>
              <div class="dist-radios">
                <label class="check">
                  <input
                    type="radio"
                    name="dc-when"
                    checked={form.when === 'now'}
                    onChange={() => set({ when: 'now' })}
                  />
                  {m('send_now')}
                </label>
                <label class="check">
                  <input
                    type="radio"
                    name="dc-when"
                    checked={form.when === 'at'}
                    onChange={() => set({ when: 'at' })}
                  />
                  {m('send_at_time')}
                </label>
              </div>
              {form.when === 'at' && (
                <Field
                  id="dc-send-at"
                  label={m('send_at')}
                  problem={isAt(problem, 'send_at') ? problem : null}
                >
                  {(a) => (
                    <input
                      {...a}
                      type="datetime-local"
                      value={form.sendAt}
                      onInput={(e) => set({ sendAt: e.currentTarget.value })}
                    />
                  )}
                </Field>
              )}
              {form.when === 'now' && isAt(problem, 'send_at') && (
                <FieldError id="dc-send-at-error" label={m('send_time')} problem={problem} />
              )}
            </fieldset>
            <RemindersFields
              id="dc"
              count={form.reminderCount}
              after={form.reminderAfter}
              onChange={(c) =>
                set({
                  reminderCount: c.count ?? form.reminderCount,
                  reminderAfter: c.after ?? form.reminderAfter,
                })
              }
              problem={problem}
            />
            <FatigueFields
              id="dc"
              override={form.fatigueOverride}
              minDays={form.minDays}
              onBlocked={form.onBlocked}
              onChange={(c) =>
                set({
                  fatigueOverride: c.override ?? form.fatigueOverride,
                  minDays: c.minDays ?? form.minDays,
                  onBlocked: c.onBlocked ?? form.onBlocked,
                })
              }
              problem={problem}
            />
            <FormError problem={unplaced} />
            <div class="actions">
              <button type="submit" disabled={busy}>
                {m('create_campaign')}
              </button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Autopilots

interface AutopilotForm {
  name: string;
  cadence: 'after_winning_customer' | 'quarterly_for_all' | 'custom';
  anchorKind: 'attribute' | 'first_seen' | 'fixed';
  anchorAttribute: string;
  anchorDay: string;
  milestones: string;
  thenEvery: string;
  audience: BuilderState;
  weekdays: number[];
  startHour: string;
  endHour: string;
}

const emptyAutopilot = (): AutopilotForm => ({
  name: '',
  cadence: 'after_winning_customer',
  anchorKind: 'attribute',
  anchorAttribute: 'customer_since',
  anchorDay: '',
  milestones: '3, 6, 12',
  thenEvery: '12',
  audience: everyone(),
  weekdays: [1, 2, 3, 4, 5],
  startHour: '9',
  endHour: '17',
});

function cadenceBody(form: AutopilotForm): unknown {
  if (form.cadence !== 'custom') return form.cadence;
  const anchor =
    form.anchorKind === 'attribute'
      ? { kind: 'attribute', attribute: form.anchorAttribute.trim() }
      : form.anchorKind === 'fixed'
        ? { kind: 'fixed', day: form.anchorDay }
        : { kind: 'first_seen' };
  return {
    anchor,
    milestones_months: parseMonths(form.milestones),
    then_every_months: form.thenEvery.trim() === '' ? null : num(form.thenEvery),
  };
}

/** The inline confirmation of a delete; its button takes the focus, Cancel gives it back. */
function ConfirmDelete(props: { name: string; onConfirm: () => void; onCancel: () => void }) {
  const m = useMessages(M);
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => ref.current?.focus(), []);
  return (
    <div class="dist-confirm">
      <p>{m('confirm_delete', { name: props.name })}</p>
      <div class="actions">
        <button type="button" class="danger" ref={ref} onClick={props.onConfirm}>
          {m('confirm_yes')}
        </button>
        <button type="button" class="secondary" onClick={props.onCancel}>
          {m('cancel')}
        </button>
      </div>
    </div>
  );
}

function cadenceText(m: Msg, cadence: CadenceRule): string {
  const anchor =
    cadence.anchor.kind === 'attribute'
      ? cadence.anchor.attribute
      : cadence.anchor.kind === 'fixed'
        ? m('anchor_fixed_short', { day: cadence.anchor.day })
        : m('anchor_first_seen_short');
  if (cadence.milestones_months.length === 0)
    return cadence.then_every_months === null
      ? anchor
      : m('cadence_every', { n: cadence.then_every_months, anchor });
  const head = m('cadence_after', { milestones: cadence.milestones_months.join(', '), anchor });
  return cadence.then_every_months === null
    ? head
    : `${head}${m('cadence_then_every', { n: cadence.then_every_months })}`;
}

function Autopilots({ surveyId, canEdit }: { surveyId: string; canEdit: boolean }) {
  const m = useMessages(M);
  const f = useFormat();
  const audienceText = useAudienceText();
  const [autopilots, setAutopilots] = useState<Autopilot[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<AutopilotForm>(emptyAutopilot);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [scheduleOf, setScheduleOf] = useState<Autopilot | null>(null);
  const [schedule, setSchedule] = useState<ScheduleEntry[] | null>(null);

  useEffect(() => {
    get<Page<Autopilot>>('/autopilots', { survey_id: surveyId, limit: 50 })
      .then((page) => setAutopilots(page.data))
      .catch((e) => setLoadError(problemOf(e).message));
  }, [surveyId]);

  useEffect(() => {
    setSchedule(null);
    if (!scheduleOf) return;
    get<Page<ScheduleEntry>>(`/autopilots/${scheduleOf.id}/schedule`, { limit: 50 })
      .then((page) =>
        setSchedule(
          [...page.data].sort((a, b) =>
            (a.next_send_at ?? '\uffff').localeCompare(b.next_send_at ?? '\uffff'),
          ),
        ),
      )
      .catch((e) => setRowError(problemOf(e).message));
  }, [scheduleOf?.id]);

  const set = (change: Partial<AutopilotForm>) => setForm({ ...form, ...change });
  const replace = (a: Autopilot) => setAutopilots((list) => (list ?? []).map((x) => (x.id === a.id ? a : x)));

  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    setBusy(true);
    try {
      const created = await post<Autopilot>('/autopilots', {
        survey_id: surveyId,
        name: form.name,
        cadence: cadenceBody(form),
        audience: toAudience(form.audience),
        business_hours: {
          weekdays: [...form.weekdays].sort((a, b) => a - b),
          start_hour: num(form.startHour),
          end_hour: num(form.endHour),
        },
      });
      setAutopilots([created, ...(autopilots ?? [])]);
      setForm(emptyAutopilot());
      setStatus(m('created'));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };

  const toggle = async (a: Autopilot) => {
    setRowError(null);
    setStatus('');
    try {
      replace(
        await patch<Autopilot>(`/autopilots/${a.id}`, {
          status: a.status === 'active' ? 'paused' : 'active',
        }),
      );
    } catch (error) {
      setRowError(problemOf(error).message);
    }
  };
  const remove = async (a: Autopilot) => {
    setRowError(null);
    try {
      await api('DELETE', `/autopilots/${a.id}`);
      setAutopilots((list) => (list ?? []).filter((x) => x.id !== a.id));
      if (scheduleOf?.id === a.id) setScheduleOf(null);
      setConfirming(null);
      setStatus(m('deleted'));
    } catch (error) {
      setRowError(problemOf(error).message);
    }
  };

  const cadenceProblem = isAt(problem, 'cadence', true) ? problem : null;
  const anchorAttrProblem = isAt(problem, 'cadence.anchor.attribute') ? problem : null;
  const anchorDayProblem = isAt(problem, 'cadence.anchor.day') ? problem : null;
  const anchorProblem =
    isAt(problem, 'cadence.anchor') && !anchorAttrProblem && !anchorDayProblem ? problem : null;
  const placed =
    problem &&
    ['name', 'cadence', 'audience', 'business_hours'].some((name) => isAt(problem, name)) &&
    !(form.cadence !== 'custom' && isAt(problem, 'cadence') && !cadenceProblem);
  const unplaced = problem && !placed ? problem : null;
  const weekdaysProblem = isAt(problem, 'business_hours.weekdays')
    ? problem
    : isAt(problem, 'business_hours', true)
      ? problem
      : null;

  return (
    <section class="dist-block" aria-labelledby="dist-autopilots-title">
      <h3 id="dist-autopilots-title">{m('autopilots')}</h3>
      {loadError && (
        <p class="error" role="alert">
          {m('load_error', { message: loadError })}
        </p>
      )}
      {autopilots !== null &&
        (autopilots.length === 0 ? (
          <p class="muted">{m('no_autopilots')}</p>
        ) : (
          <ScrollTable label={m('autopilots')}>
            <table class="data dist-table" data-testid="autopilots-table">
              <caption class="visually-hidden">{m('autopilots')}</caption>
              <thead>
                <tr>
                  <th scope="col">{m('col_name')}</th>
                  <th scope="col">{m('col_status')}</th>
                  <th scope="col">{m('col_cadence')}</th>
                  <th scope="col">{m('col_audience')}</th>
                  <th scope="col">{m('col_last_run')}</th>
                  <th scope="col">{m('col_actions')}</th>
                </tr>
              </thead>
              <tbody>
                {autopilots.map((a) => (
                  <tr key={a.id}>
                    <th scope="row">{a.name}</th>
                    <td>
                      <span class={`status ${a.status}`} data-testid="autopilot-status">
                        {m(`a_${a.status}`)}
                      </span>
                    </td>
                    <td>{cadenceText(m, a.cadence)}</td>
                    <td>{audienceText(a.audience)}</td>
                    <td>
                      {a.last_run_at && a.last_run
                        ? m('last_run', {
                            at: f.dateTime(a.last_run_at),
                            due: a.last_run.due,
                            queued: a.last_run.queued,
                            skipped: a.last_run.skipped,
                          })
                        : a.last_run_at
                          ? f.dateTime(a.last_run_at)
                          : m('never_ran')}
                    </td>
                    <td>
                      <div class="dist-row-actions">
                        <button
                          type="button"
                          class="secondary"
                          aria-expanded={scheduleOf?.id === a.id}
                          onClick={() => setScheduleOf(scheduleOf?.id === a.id ? null : a)}
                        >
                          {scheduleOf?.id === a.id ? m('hide_schedule') : m('show_schedule')}
                        </button>
                        {canEdit && (
                          <>
                            <button
                              type="button"
                              class="secondary"
                              aria-label={`${a.status === 'active' ? m('pause') : m('resume')}: ${a.name}`}
                              onClick={() => toggle(a)}
                            >
                              {a.status === 'active' ? m('pause') : m('resume')}
                            </button>
                            <button
                              type="button"
                              class="secondary"
                              aria-label={`${m('delete')}: ${a.name}`}
                              onClick={() => setConfirming(a.id)}
                            >
                              {m('delete')}
                            </button>
                          </>
                        )}
                      </div>
                      {confirming === a.id && (
                        <ConfirmDelete
                          name={a.name}
                          onConfirm={() => remove(a)}
                          onCancel={() => setConfirming(null)}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        ))}
      {rowError && (
        <p class="error" role="alert">
          {rowError}
        </p>
      )}
      {status && (
        <p class="ok" role="status">
          {status}
        </p>
      )}
      {scheduleOf && (
        <div class="dist-schedule">
          <h4>{m('schedule_title', { name: scheduleOf.name })}</h4>
          {schedule === null ? (
            <p class="muted">…</p>
          ) : schedule.length === 0 ? (
            <p class="muted">{m('schedule_empty')}</p>
          ) : (
            <>
              <p class="muted small">{m('schedule_more', { n: schedule.length })}</p>
              <ScrollTable label={m('schedule_title', { name: scheduleOf.name })}>
                <table class="data dist-table" data-testid="schedule-table">
                  <thead>
                    <tr>
                      <th scope="col">{m('col_contact')}</th>
                      <th scope="col">{m('col_next_due')}</th>
                      <th scope="col">{m('col_next_send')}</th>
                      <th scope="col">{m('col_time_zone')}</th>
                      <th scope="col">{m('col_last_due')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {schedule.map((s) => (
                      <tr key={s.contact_id}>
                        <th scope="row">{s.email ?? s.contact_id}</th>
                        <td>{s.next_due_day ?? m('none')}</td>
                        <td>{f.dateTime(s.next_send_at)}</td>
                        <td>{s.time_zone}</td>
                        <td>{s.last_due_day ?? m('none')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </ScrollTable>
            </>
          )}
        </div>
      )}
      {canEdit && (
        <details class="dist-new">
          <summary>{m('new_autopilot')}</summary>
          <form onSubmit={submit} noValidate aria-label={m('new_autopilot')}>
            <Field id="da-name" label={m('autopilot_name')} problem={isAt(problem, 'name') ? problem : null}>
              {(a) => (
                <input
                  {...a}
                  required
                  value={form.name}
                  onInput={(e) => set({ name: e.currentTarget.value })}
                />
              )}
            </Field>
            <Field
              id="da-cadence"
              label={m('cadence')}
              problem={
                cadenceProblem ?? (form.cadence !== 'custom' && isAt(problem, 'cadence') ? problem : null)
              }
            >
              {(a) => (
                <select
                  {...a}
                  value={form.cadence}
                  onChange={(e) => set({ cadence: e.currentTarget.value as AutopilotForm['cadence'] })}
                >
                  <option value="after_winning_customer">{m('preset_after_winning')}</option>
                  <option value="quarterly_for_all">{m('preset_quarterly')}</option>
                  <option value="custom">{m('preset_custom')}</option>
                </select>
              )}
            </Field>
            {form.cadence === 'custom' && (
              <fieldset class="dist-group">
                <legend>{m('cadence')}</legend>
                <div class="row">
                  <Field id="da-anchor" label={m('anchor')} problem={anchorProblem}>
                    {(a) => (
                      <select
                        {...a}
                        value={form.anchorKind}
                        onChange={(e) =>
                          set({ anchorKind: e.currentTarget.value as AutopilotForm['anchorKind'] })
                        }
                      >
                        <option value="attribute">{m('anchor_attribute')}</option>
                        <option value="first_seen">{m('anchor_first_seen')}</option>
                        <option value="fixed">{m('anchor_fixed')}</option>
                      </select>
                    )}
                  </Field>
                  {form.anchorKind === 'attribute' && (
                    <Field id="da-anchor-attr" label={m('anchor_attribute_name')} problem={anchorAttrProblem}>
                      {(a) => (
                        <input
                          {...a}
                          value={form.anchorAttribute}
                          onInput={(e) => set({ anchorAttribute: e.currentTarget.value })}
                        />
                      )}
                    </Field>
                  )}
                  {form.anchorKind === 'fixed' && (
                    <Field id="da-anchor-day" label={m('anchor_day')} problem={anchorDayProblem}>
                      {(a) => (
                        <input
                          {...a}
                          type="date"
                          value={form.anchorDay}
                          onInput={(e) => set({ anchorDay: e.currentTarget.value })}
                        />
                      )}
                    </Field>
                  )}
                </div>
                <div class="row">
                  <Field
                    id="da-milestones"
                    label={m('milestones')}
                    problem={isAt(problem, 'cadence.milestones_months') ? problem : null}
                  >
                    {(a) => (
                      <input
                        {...a}
                        value={form.milestones}
                        onInput={(e) => set({ milestones: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                  <Field
                    id="da-then-every"
                    label={m('then_every')}
                    problem={isAt(problem, 'cadence.then_every_months') ? problem : null}
                  >
                    {(a) => (
                      <input
                        {...a}
                        type="number"
                        min={1}
                        value={form.thenEvery}
                        onInput={(e) => set({ thenEvery: e.currentTarget.value })}
                      />
                    )}
                  </Field>
                </div>
              </fieldset>
            )}
            <AudienceEditor
              id="da-aud"
              legend={m('audience')}
              everyoneLabel={m('audience_everyone')}
              filterLabel={m('audience_filter')}
              prefix="audience"
              state={form.audience}
              onChange={(audience) => set({ audience })}
              problem={problem}
            />
            <fieldset class="dist-group">
              <legend>{m('business_hours')}</legend>
              <fieldset
                class="dist-weekdays"
                aria-invalid={weekdaysProblem ? 'true' : undefined}
                aria-describedby={weekdaysProblem ? 'da-weekdays-error' : undefined}
              >
                <legend>{m('weekdays')}</legend>
                {[1, 2, 3, 4, 5, 6, 7].map((d) => (
                  <label class="check" key={d}>
                    <input
                      type="checkbox"
                      checked={form.weekdays.includes(d)}
                      onChange={(e) =>
                        set({
                          weekdays: e.currentTarget.checked
                            ? [...form.weekdays, d]
                            : form.weekdays.filter((x) => x !== d),
                        })
                      }
                    />
                    {m(`weekday_${d}` as 'weekday_1')}
                  </label>
                ))}
                <FieldError id="da-weekdays-error" label={m('weekdays')} problem={weekdaysProblem} />
              </fieldset>
              <div class="row">
                <Field
                  id="da-start"
                  label={m('start_hour')}
                  problem={isAt(problem, 'business_hours.start_hour') ? problem : null}
                >
                  {(a) => (
                    <input
                      {...a}
                      type="number"
                      min={0}
                      max={23}
                      value={form.startHour}
                      onInput={(e) => set({ startHour: e.currentTarget.value })}
                    />
                  )}
                </Field>
                <Field
                  id="da-end"
                  label={m('end_hour')}
                  problem={isAt(problem, 'business_hours.end_hour') ? problem : null}
                >
                  {(a) => (
                    <input
                      {...a}
                      type="number"
                      min={1}
                      max={24}
                      value={form.endHour}
                      onInput={(e) => set({ endHour: e.currentTarget.value })}
                    />
                  )}
                </Field>
              </div>
            </fieldset>
            <FormError problem={unplaced} />
            <div class="actions">
              <button type="submit" disabled={busy}>
                {m('create_autopilot')}
              </button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------
// Trigger rules

interface RuleForm {
  name: string;
  eventName: string;
  delay: string;
  filter: BuilderState;
  active: boolean;
}

const emptyRule = (): RuleForm => ({ name: '', eventName: '', delay: '0', filter: everyone(), active: true });

/** Every rule that sends this survey (a few pages of 500 at most). */
async function rulesOf(surveyId: string): Promise<TriggerRule[]> {
  const out: TriggerRule[] = [];
  let cursor: string | null = null;
  for (let i = 0; i < 10; i++) {
    const page: Page<TriggerRule> = await get<Page<TriggerRule>>('/trigger-rules', {
      limit: 500,
      cursor,
      survey_id: surveyId,
    });
    out.push(...page.data);
    cursor = page.next_cursor;
    if (!cursor) break;
  }
  return out;
}

function TriggerRules({ surveyId, canEdit }: { surveyId: string; canEdit: boolean }) {
  const m = useMessages(M);
  const audienceText = useAudienceText();
  const [rules, setRules] = useState<TriggerRule[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [form, setForm] = useState<RuleForm>(emptyRule);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [rowError, setRowError] = useState<string | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    rulesOf(surveyId)
      .then(setRules)
      .catch((e) => setLoadError(problemOf(e).message));
  }, [surveyId]);

  const set = (change: Partial<RuleForm>) => setForm({ ...form, ...change });
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    setBusy(true);
    try {
      const filter = toFilter(form.filter);
      const created = await post<TriggerRule>('/trigger-rules', {
        survey_id: surveyId,
        name: form.name,
        event_name: form.eventName.trim(),
        delay_minutes: num(form.delay),
        active: form.active,
        ...(filter ? { filter } : {}),
      });
      setRules([created, ...(rules ?? [])]);
      setForm(emptyRule());
      setStatus(m('created'));
    } catch (error) {
      setProblem(problemOf(error));
    } finally {
      setBusy(false);
    }
  };
  const setActive = async (rule: TriggerRule, active: boolean) => {
    setRowError(null);
    try {
      const updated = await patch<TriggerRule>(`/trigger-rules/${rule.id}`, { active });
      setRules((list) => (list ?? []).map((r) => (r.id === updated.id ? updated : r)));
    } catch (error) {
      setRowError(problemOf(error).message);
    }
  };

  const placed = problem && ['name', 'event_name', 'delay_minutes', 'filter'].some((n) => isAt(problem, n));
  const unplaced = problem && !placed ? problem : null;

  return (
    <section class="dist-block" aria-labelledby="dist-rules-title">
      <h3 id="dist-rules-title">{m('rules')}</h3>
      {loadError && (
        <p class="error" role="alert">
          {m('load_error', { message: loadError })}
        </p>
      )}
      {rules !== null &&
        (rules.length === 0 ? (
          <p class="muted">{m('no_rules')}</p>
        ) : (
          <ScrollTable label={m('rules')}>
            <table class="data dist-table" data-testid="rules-table">
              <caption class="visually-hidden">{m('rules')}</caption>
              <thead>
                <tr>
                  <th scope="col">{m('col_name')}</th>
                  <th scope="col">{m('col_event')}</th>
                  <th scope="col" class="num">
                    {m('col_delay')}
                  </th>
                  <th scope="col">{m('col_filter')}</th>
                  <th scope="col">{m('col_active')}</th>
                </tr>
              </thead>
              <tbody>
                {rules.map((r) => (
                  <tr key={r.id}>
                    <th scope="row">{r.name}</th>
                    <td>
                      <code>{r.event_name}</code>
                    </td>
                    <td class="num">{m('minutes', { n: r.delay_minutes })}</td>
                    <td>{r.filter ? audienceText(r.filter) : m('filter_none')}</td>
                    <td>
                      <input
                        id={`dr-active-${r.id}`}
                        type="checkbox"
                        checked={r.active}
                        disabled={!canEdit}
                        onChange={(e) => setActive(r, e.currentTarget.checked)}
                      />
                      <label for={`dr-active-${r.id}`} class="visually-hidden">
                        {m('active_for', { name: r.name })}
                      </label>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </ScrollTable>
        ))}
      {rowError && (
        <p class="error" role="alert">
          {rowError}
        </p>
      )}
      {status && (
        <p class="ok" role="status">
          {status}
        </p>
      )}
      {canEdit && (
        <details class="dist-new">
          <summary>{m('new_rule')}</summary>
          <form onSubmit={submit} noValidate aria-label={m('new_rule')}>
            <div class="row">
              <Field id="dr-name" label={m('rule_name')} problem={isAt(problem, 'name') ? problem : null}>
                {(a) => (
                  <input
                    {...a}
                    required
                    value={form.name}
                    onInput={(e) => set({ name: e.currentTarget.value })}
                  />
                )}
              </Field>
              <Field
                id="dr-event"
                label={m('event_name')}
                problem={isAt(problem, 'event_name') ? problem : null}
              >
                {(a) => (
                  <input
                    {...a}
                    required
                    autocomplete="off"
                    value={form.eventName}
                    onInput={(e) => set({ eventName: e.currentTarget.value })}
                  />
                )}
              </Field>
              <Field
                id="dr-delay"
                label={m('delay')}
                problem={isAt(problem, 'delay_minutes') ? problem : null}
              >
                {(a) => (
                  <input
                    {...a}
                    type="number"
                    min={0}
                    max={43200}
                    value={form.delay}
                    onInput={(e) => set({ delay: e.currentTarget.value })}
                  />
                )}
              </Field>
            </div>
            <AudienceEditor
              id="dr-filter"
              legend={m('filter')}
              everyoneLabel={m('filter_none')}
              filterLabel={m('filter_some')}
              prefix="filter"
              state={form.filter}
              onChange={(filter) => set({ filter })}
              problem={problem}
            />
            <label class="check">
              <input
                type="checkbox"
                checked={form.active}
                onChange={(e) => set({ active: e.currentTarget.checked })}
              />
              {m('rule_active')}
            </label>
            <FormError problem={unplaced} />
            <div class="actions">
              <button type="submit" disabled={busy}>
                {m('create_rule')}
              </button>
            </div>
          </form>
        </details>
      )}
    </section>
  );
}
