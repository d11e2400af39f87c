/**
 * The settings of the workspace and of the signed-in user, in sections kept in the URL
 * (`?section=`): workspace settings, members and invitations, API keys, publishable widget keys and
 * the user's own account. Everything goes through the public API; what the role cannot do is not
 * offered (the API refuses it anyway), and the API's field errors are shown at their fields.
 * Secrets (an API key's secret, an invitation link) are shown once, right after they were made.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api, get, patch, post } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { CopyField } from '../components/copy-field';
import { FieldError, type FieldProblem, FormError, problemOf, Status } from '../components/problem';
import { defineMessages, LOCALES, type Locale, type MessageKey, useI18n, useMessages } from '../i18n';
import { BASE, setQuery } from '../router';
import type { PageContext } from '../routes';
import { sessionChanged, sessionEnded } from '../session-events';
import type { Role, Session } from '../types';
import { AlertsSection, DigestCard } from './settings-alerts';

const SECTIONS = ['workspace', 'members', 'api-keys', 'widget', 'alerts', 'account'] as const;
type Section = (typeof SECTIONS)[number];
const ROLE_ORDER: readonly Role[] = ['viewer', 'member', 'admin', 'owner'];
const rank = (role: Role) => ROLE_ORDER.indexOf(role);
const canManage = (role: Role) => rank(role) >= rank('admin');

const M = defineMessages({
  en: {
    title: 'Settings',
    sections: 'Settings sections',
    section_workspace: 'Workspace',
    section_members: 'Members',
    section_api_keys: 'API keys',
    section_widget: 'Widget keys',
    section_alerts: 'Alerts',
    section_account: 'Your account',
    read_only: 'You can read these settings; only admins and owners can change them.',
    save: 'Save',
    saved: 'Saved.',
    nothing_changed: 'Nothing was changed.',
    cancel: 'Cancel',
    created: 'Created',
    never: 'never',
    // workspace
    ws_name: 'Name',
    ws_time_zone: 'Time zone',
    ws_time_zone_hint: 'Days, weeks and months of the reports follow it. Changing it recomputes them.',
    ws_default_locale: 'Default language of surveys and emails',
    ws_industry: 'Industry',
    ws_industry_hint: 'Named with the benchmark on the overview.',
    ws_currency: 'Currency of account revenue',
    ws_benchmark: 'Benchmark',
    ws_benchmark_hint:
      'The NPS you compare yourself with, drawn on the overview with its source. Plaudit ships no industry averages: published figures differ by source, year, method and region, so name the one you trust. Leave the NPS empty for none.',
    ws_benchmark_nps: 'Benchmark NPS (-100 to 100)',
    ws_benchmark_source: 'Source (who published it)',
    ws_benchmark_url: 'Link to the source',
    ws_benchmark_year: 'Year',
    ws_validity_months: 'Validity window (months)',
    ws_validity_months_hint: 'Responses count towards the current NPS for this many months (1-120).',
    ws_fatigue_days: 'Survey fatigue: at most one survey per contact every … days',
    ws_fatigue_days_hint: 'Across all channels; 0 turns the rule off (0-365).',
    ws_fatigue_on_blocked: 'A survey the fatigue rule stops is …',
    ws_fatigue_drop: 'dropped (skipped)',
    ws_fatigue_postpone: 'postponed to the first allowed day',
    ws_invitation_expiry_days: 'Invitations expire after (days)',
    ws_invitation_expiry_days_hint:
      'For campaigns and trigger rules, counted from when they are due (1-365).',
    ws_track_opens: 'Track email opens (a 1×1 image in survey and reminder emails)',
    ws_fatigue: 'Survey fatigue and expiry',
    ws_general: 'General',
    // members
    members_title: 'Members',
    col_name: 'Name',
    col_email: 'Email address',
    col_role: 'Role',
    col_joined: 'Joined',
    col_actions: 'Actions',
    you: '(you)',
    role_of: 'Role of {name}',
    role_changed: 'The role of {name} is now {role}.',
    remove: 'Remove',
    remove_confirm: 'Remove {name} from this workspace?',
    removed: '{name} was removed.',
    leave: 'Leave workspace',
    leave_confirm: 'Leave this workspace? You lose access at once.',
    invite_title: 'Invite someone',
    invite_email: 'Email address',
    invite_role: 'Role',
    invite_submit: 'Invite',
    invite_link_title: 'Invitation link for {email}',
    invite_link_note: 'This link is shown only now. It was also sent by email and works once, for 7 days.',
    invitations_title: 'Open invitations',
    invitations_none: 'No open invitations.',
    col_expires: 'Expires',
    revoke: 'Revoke',
    revoke_invitation_confirm: 'Revoke the invitation of {email}?',
    // api keys
    api_title: 'API keys',
    api_lead:
      'Secret keys for integrations and the command line: Authorization: Bearer plk_…. A key acts as an admin of this workspace.',
    api_admins_only: 'Only admins and owners can see and create API keys.',
    api_none: 'No API keys yet.',
    api_name: 'Name of the new key',
    api_create: 'Create API key',
    api_secret_title: 'The secret of “{name}”',
    api_secret_warning:
      'Copy it now and keep it safe: it is shown only this once. Anyone with it can read and change this workspace.',
    api_done: 'I have copied it',
    col_prefix: 'Starts with',
    col_last_used: 'Last used',
    col_status: 'Status',
    active: 'Active',
    revoked_at: 'Revoked {date}',
    api_revoke_confirm: 'Revoke “{name}”? Integrations using it stop working at once.',
    // widget keys
    widget_title: 'Publishable keys of the website widget',
    widget_lead:
      'A publishable key is not a secret: it sits in your pages and works only on the origins you allow.',
    widget_none: 'No publishable keys yet.',
    widget_name: 'Name',
    widget_origins: 'Allowed origins, one per line',
    widget_origins_hint:
      'scheme://host[:port] without a path, e.g. https://www.example.com, http://localhost:3000 or https://*.example.com for every subdomain.',
    widget_create: 'Create publishable key',
    widget_new: 'New publishable key',
    widget_key: 'Key',
    widget_snippet: 'Snippet for your pages',
    widget_snippet_hint: 'Add data-survey="<survey id>" to show a survey by itself.',
    widget_edit: 'Edit',
    widget_save: 'Save changes',
    widget_revoke_confirm: 'Revoke “{name}”? The widget stops working on its pages at once.',
    origin_line: 'line {line} ({origin})',
    // account
    account_title: 'Your account',
    account_name: 'Name',
    account_email: 'Email address',
    account_language: 'Language',
    password_title: 'Change password',
    current_password: 'Current password',
    new_password: 'New password',
    password_submit: 'Change password',
    password_changed: 'Your password was changed; your other sessions were signed out.',
    everywhere_title: 'Sessions',
    everywhere_lead: 'Signs you out on every device and browser, this one included.',
  },
  de: {
    title: 'Einstellungen',
    sections: 'Bereiche der Einstellungen',
    section_workspace: 'Arbeitsbereich',
    section_members: 'Mitglieder',
    section_api_keys: 'API-Schlüssel',
    section_widget: 'Widget-Schlüssel',
    section_alerts: 'Hinweise',
    section_account: 'Ihr Konto',
    read_only: 'Sie können diese Einstellungen lesen; ändern können sie nur Admins und Inhaber.',
    save: 'Speichern',
    saved: 'Gespeichert.',
    nothing_changed: 'Es wurde nichts geändert.',
    cancel: 'Abbrechen',
    created: 'Angelegt',
    never: 'nie',
    ws_name: 'Name',
    ws_time_zone: 'Zeitzone',
    ws_time_zone_hint:
      'Tage, Wochen und Monate der Auswertungen richten sich danach. Eine Änderung berechnet sie neu.',
    ws_default_locale: 'Standardsprache von Umfragen und E-Mails',
    ws_industry: 'Branche',
    ws_industry_hint: 'Wird mit dem Vergleichswert in der Übersicht genannt.',
    ws_currency: 'Währung der Kundenumsätze',
    ws_benchmark: 'Vergleichswert',
    ws_benchmark_hint:
      'Der NPS, mit dem Sie sich vergleichen, in der Übersicht mit seiner Quelle eingezeichnet. Plaudit liefert keine Branchenwerte mit: veröffentlichte Zahlen unterscheiden sich nach Quelle, Jahr, Methode und Region, daher nennen Sie die, der Sie vertrauen. Ohne NPS kein Vergleichswert.',
    ws_benchmark_nps: 'Vergleichs-NPS (-100 bis 100)',
    ws_benchmark_source: 'Quelle (wer ihn veröffentlicht hat)',
    ws_benchmark_url: 'Link zur Quelle',
    ws_benchmark_year: 'Jahr',
    ws_validity_months: 'Gültigkeitszeitraum (Monate)',
    ws_validity_months_hint: 'So viele Monate zählen Antworten zum aktuellen NPS (1-120).',
    ws_fatigue_days: 'Befragungsmüdigkeit: höchstens eine Umfrage je Kontakt alle … Tage',
    ws_fatigue_days_hint: 'Über alle Kanäle; 0 schaltet die Regel ab (0-365).',
    ws_fatigue_on_blocked: 'Eine von dieser Regel gestoppte Umfrage wird …',
    ws_fatigue_drop: 'verworfen (übersprungen)',
    ws_fatigue_postpone: 'auf den ersten erlaubten Tag verschoben',
    ws_invitation_expiry_days: 'Einladungen verfallen nach (Tagen)',
    ws_invitation_expiry_days_hint:
      'Für Kampagnen und Auslöseregeln, gezählt ab ihrem Fälligkeitszeitpunkt (1-365).',
    ws_track_opens: 'Öffnungen von E-Mails erfassen (ein 1×1-Bild in Umfrage- und Erinnerungs-E-Mails)',
    ws_fatigue: 'Befragungsmüdigkeit und Verfall',
    ws_general: 'Allgemein',
    members_title: 'Mitglieder',
    col_name: 'Name',
    col_email: 'E-Mail-Adresse',
    col_role: 'Rolle',
    col_joined: 'Beigetreten',
    col_actions: 'Aktionen',
    you: '(Sie)',
    role_of: 'Rolle von {name}',
    role_changed: '{name} hat jetzt die Rolle {role}.',
    remove: 'Entfernen',
    remove_confirm: '{name} aus diesem Arbeitsbereich entfernen?',
    removed: '{name} wurde entfernt.',
    leave: 'Arbeitsbereich verlassen',
    leave_confirm: 'Diesen Arbeitsbereich verlassen? Sie verlieren sofort den Zugang.',
    invite_title: 'Jemanden einladen',
    invite_email: 'E-Mail-Adresse',
    invite_role: 'Rolle',
    invite_submit: 'Einladen',
    invite_link_title: 'Einladungslink für {email}',
    invite_link_note:
      'Dieser Link wird nur jetzt angezeigt. Er wurde auch per E-Mail verschickt und gilt einmal, 7 Tage lang.',
    invitations_title: 'Offene Einladungen',
    invitations_none: 'Keine offenen Einladungen.',
    col_expires: 'Läuft ab',
    revoke: 'Widerrufen',
    revoke_invitation_confirm: 'Die Einladung von {email} widerrufen?',
    api_title: 'API-Schlüssel',
    api_lead:
      'Geheime Schlüssel für Integrationen und die Kommandozeile: Authorization: Bearer plk_…. Ein Schlüssel handelt als Admin dieses Arbeitsbereichs.',
    api_admins_only: 'Nur Admins und Inhaber können API-Schlüssel sehen und anlegen.',
    api_none: 'Noch keine API-Schlüssel.',
    api_name: 'Name des neuen Schlüssels',
    api_create: 'API-Schlüssel anlegen',
    api_secret_title: 'Das Geheimnis von „{name}“',
    api_secret_warning:
      'Kopieren Sie es jetzt und bewahren Sie es sicher auf: Es wird nur dieses eine Mal angezeigt. Wer es hat, kann diesen Arbeitsbereich lesen und ändern.',
    api_done: 'Ich habe es kopiert',
    col_prefix: 'Beginnt mit',
    col_last_used: 'Zuletzt benutzt',
    col_status: 'Status',
    active: 'Aktiv',
    revoked_at: 'Widerrufen am {date}',
    api_revoke_confirm:
      '„{name}“ widerrufen? Integrationen, die ihn nutzen, funktionieren sofort nicht mehr.',
    widget_title: 'Öffentliche Schlüssel des Website-Widgets',
    widget_lead:
      'Ein öffentlicher Schlüssel ist kein Geheimnis: Er steht in Ihren Seiten und funktioniert nur auf den erlaubten Origins.',
    widget_none: 'Noch keine öffentlichen Schlüssel.',
    widget_name: 'Name',
    widget_origins: 'Erlaubte Origins, einer pro Zeile',
    widget_origins_hint:
      'schema://host[:port] ohne Pfad, z. B. https://www.example.com, http://localhost:3000 oder https://*.example.com für alle Subdomains.',
    widget_create: 'Öffentlichen Schlüssel anlegen',
    widget_new: 'Neuer öffentlicher Schlüssel',
    widget_key: 'Schlüssel',
    widget_snippet: 'Code-Schnipsel für Ihre Seiten',
    widget_snippet_hint: 'Mit data-survey="<Umfrage-ID>" zeigt sich eine Umfrage von selbst.',
    widget_edit: 'Bearbeiten',
    widget_save: 'Änderungen speichern',
    widget_revoke_confirm:
      '„{name}“ widerrufen? Das Widget funktioniert auf seinen Seiten sofort nicht mehr.',
    origin_line: 'Zeile {line} ({origin})',
    account_title: 'Ihr Konto',
    account_name: 'Name',
    account_email: 'E-Mail-Adresse',
    account_language: 'Sprache',
    password_title: 'Passwort ändern',
    current_password: 'Aktuelles Passwort',
    new_password: 'Neues Passwort',
    password_submit: 'Passwort ändern',
    password_changed: 'Ihr Passwort wurde geändert; Ihre anderen Sitzungen wurden abgemeldet.',
    everywhere_title: 'Sitzungen',
    everywhere_lead: 'Meldet Sie auf allen Geräten und in allen Browsern ab, auch hier.',
  },
});
type Msg = (key: keyof typeof M.en, values?: Record<string, string | number>) => string;

// --- small shared pieces ------------------------------------------------------------------------

function useDate() {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
  });
  return (iso: string | null) => (iso ? format.format(new Date(iso)) : '');
}

/** After the session ended (signed out everywhere, left the workspace): back to the sign-in. */
function toSignIn() {
  sessionEnded();
}

// --- the page -----------------------------------------------------------------------------------

export function SettingsPage(ctx: PageContext) {
  const m = useMessages(M);
  const raw = ctx.location.query.get('section');
  const section: Section = SECTIONS.includes(raw as Section) ? (raw as Section) : 'workspace';
  const label = (s: Section) => m(`section_${s.replace('-', '_')}` as 'section_workspace');
  return (
    <>
      <h1>{m('title')}</h1>
      <nav class="settings-tabs" aria-label={m('sections')}>
        <ul>
          {SECTIONS.map((s) => (
            <li key={s}>
              <a
                href={`${BASE}/settings?section=${s}`}
                aria-current={s === section ? 'true' : undefined}
                onClick={(e) => {
                  if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
                  e.preventDefault();
                  setQuery({ section: s });
                }}
              >
                {label(s)}
              </a>
            </li>
          ))}
        </ul>
      </nav>
      <section class="settings-section" aria-labelledby="settings-section-title">
        <h2 id="settings-section-title" class="visually-hidden">
          {label(section)}
        </h2>
        {section === 'workspace' && <WorkspaceSection session={ctx.session} />}
        {section === 'members' && <MembersSection session={ctx.session} />}
        {section === 'api-keys' && <ApiKeysSection session={ctx.session} />}
        {section === 'widget' && <WidgetKeysSection session={ctx.session} />}
        {section === 'alerts' && <AlertsSection session={ctx.session} />}
        {section === 'account' && <AccountSection session={ctx.session} />}
      </section>
    </>
  );
}

// --- workspace ----------------------------------------------------------------------------------

interface Workspace {
  id: string;
  name: string;
  time_zone: string;
  default_locale: string;
  industry: string | null;
  validity_months: number;
  fatigue_days: number;
  fatigue_on_blocked: 'drop' | 'postpone';
  invitation_expiry_days: number;
  track_opens: boolean;
  currency?: string;
  benchmark?: { nps: number; source: string; url?: string | null; year?: number | null } | null;
}

type WorkspaceForm = {
  name: string;
  time_zone: string;
  default_locale: string;
  industry: string;
  validity_months: string;
  fatigue_days: string;
  fatigue_on_blocked: string;
  invitation_expiry_days: string;
  track_opens: boolean;
  currency: string;
  benchmark_nps: string;
  benchmark_source: string;
  benchmark_url: string;
  benchmark_year: string;
};

const NUMBER_FIELDS = ['validity_months', 'fatigue_days', 'invitation_expiry_days'] as const;

const formOf = (w: Workspace): WorkspaceForm => ({
  name: w.name,
  time_zone: w.time_zone,
  default_locale: w.default_locale,
  industry: w.industry ?? '',
  validity_months: String(w.validity_months),
  fatigue_days: String(w.fatigue_days),
  fatigue_on_blocked: w.fatigue_on_blocked,
  invitation_expiry_days: String(w.invitation_expiry_days),
  track_opens: w.track_opens,
  currency: w.currency ?? 'EUR',
  benchmark_nps: w.benchmark ? String(w.benchmark.nps) : '',
  benchmark_source: w.benchmark?.source ?? '',
  benchmark_url: w.benchmark?.url ?? '',
  benchmark_year: w.benchmark?.year ? String(w.benchmark.year) : '',
});

/** The benchmark of the form: null when its NPS is empty; numbers that do not parse go as typed. */
function benchmarkOf(f: WorkspaceForm): Workspace['benchmark'] | Record<string, unknown> {
  if (f.benchmark_nps.trim() === '') return null;
  const number = (v: string) => (Number.isFinite(Number(v)) ? Number(v) : v);
  return {
    nps: number(f.benchmark_nps.trim()),
    source: f.benchmark_source,
    url: f.benchmark_url.trim() === '' ? null : f.benchmark_url.trim(),
    year: f.benchmark_year.trim() === '' ? null : number(f.benchmark_year.trim()),
  };
}

/** Only the changed fields (a time zone sent unchanged would recompute every rollup). */
function changesOf(w: Workspace, f: WorkspaceForm): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (f.name !== w.name) out.name = f.name;
  if (f.time_zone !== w.time_zone) out.time_zone = f.time_zone;
  if (f.default_locale !== w.default_locale) out.default_locale = f.default_locale;
  if (f.industry.trim() !== (w.industry ?? ''))
    out.industry = f.industry.trim() === '' ? null : f.industry.trim();
  for (const key of NUMBER_FIELDS) {
    if (f[key] !== String(w[key])) {
      const n = Number(f[key]);
      // Not a number: sent as typed, so the API names the field.
      out[key] = f[key].trim() !== '' && Number.isFinite(n) ? n : f[key];
    }
  }
  if (f.fatigue_on_blocked !== w.fatigue_on_blocked) out.fatigue_on_blocked = f.fatigue_on_blocked;
  if (f.track_opens !== w.track_opens) out.track_opens = f.track_opens;
  if (f.currency !== (w.currency ?? 'EUR')) out.currency = f.currency.trim().toUpperCase();
  const benchmark = benchmarkOf(f);
  const before = w.benchmark
    ? {
        nps: w.benchmark.nps,
        source: w.benchmark.source,
        url: w.benchmark.url ?? null,
        year: w.benchmark.year ?? null,
      }
    : null;
  if (JSON.stringify(benchmark) !== JSON.stringify(before)) out.benchmark = benchmark;
  return out;
}

function timeZones(current: string): string[] {
  let zones: string[] = [];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {}
  return zones.includes(current) ? zones : [current, ...zones];
}

function WorkspaceSection({ session }: { session: Session }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const manage = canManage(session.role);
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [form, setForm] = useState<WorkspaceForm | null>(null);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    get<Workspace>('/workspace')
      .then((w) => {
        setWorkspace(w);
        setForm(formOf(w));
      })
      .catch(() => setFailed(true));
  }, []);
  if (failed)
    return (
      <p class="error" role="alert">
        {t('error_generic')}
      </p>
    );
  if (!workspace || !form) return <p aria-busy="true">{t('loading')}</p>;

  const set = (key: keyof WorkspaceForm) => (e: Event) => {
    const target = e.currentTarget as HTMLInputElement;
    setForm({ ...form, [key]: target.type === 'checkbox' ? target.checked : target.value });
    setStatus('');
    if (problem?.field === key) setProblem(null);
  };
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    const changes = changesOf(workspace, form);
    if (Object.keys(changes).length === 0) {
      setStatus(m('nothing_changed'));
      return;
    }
    setBusy(true);
    try {
      const saved = await patch<Workspace>('/workspace', changes);
      // The header shows the workspace's name.
      if ('name' in changes) sessionChanged();
      setWorkspace(saved);
      setForm(formOf(saved));
      setStatus(m('saved'));
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const labels: Record<string, string> = {
    name: m('ws_name'),
    time_zone: m('ws_time_zone'),
    default_locale: m('ws_default_locale'),
    industry: m('ws_industry'),
    validity_months: m('ws_validity_months'),
    fatigue_days: m('ws_fatigue_days'),
    fatigue_on_blocked: m('ws_fatigue_on_blocked'),
    invitation_expiry_days: m('ws_invitation_expiry_days'),
    track_opens: m('ws_track_opens'),
    currency: m('ws_currency'),
    benchmark_nps: m('ws_benchmark_nps'),
    benchmark_source: m('ws_benchmark_source'),
    benchmark_url: m('ws_benchmark_url'),
    benchmark_year: m('ws_benchmark_year'),
  };
  // The API names benchmark fields `benchmark.nps`; the form's keys are `benchmark_nps`.
  const problemField = problem?.field?.replace(/^benchmark\./, 'benchmark_') ?? null;
  const known = problemField && problemField in labels;
  /** Label, control, hint and error of one field, wired with for/id and aria-describedby. */
  const field = (
    key: keyof WorkspaceForm,
    control: (a: Record<string, unknown>) => ComponentChildren,
    hint?: string,
  ) => {
    const id = `ws-${key}`;
    const error = problemField === key ? problem : null;
    const describedBy = [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ');
    return (
      <div class="field">
        <label for={id}>{labels[key]}</label>
        {control({
          id,
          name: key,
          'aria-describedby': describedBy || undefined,
          'aria-invalid': error ? 'true' : undefined,
        })}
        {hint && (
          <p id={`${id}-hint`} class="muted small">
            {hint}
          </p>
        )}
        <FieldError id={`${id}-error`} label={labels[key]!} problem={error} />
      </div>
    );
  };
  const locales = LOCALES.includes(form.default_locale as Locale)
    ? LOCALES
    : [...LOCALES, form.default_locale];
  return (
    <form class="settings-form" onSubmit={onSubmit} noValidate aria-label={m('section_workspace')}>
      {!manage && <p class="note">{m('read_only')}</p>}
      <fieldset disabled={!manage}>
        <legend>{m('ws_general')}</legend>
        {field('name', (a) => (
          <input {...a} value={form.name} onInput={set('name')} maxLength={200} required />
        ))}
        {field(
          'time_zone',
          (a) => (
            <select {...a} value={form.time_zone} onChange={set('time_zone')}>
              {timeZones(form.time_zone).map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          ),
          m('ws_time_zone_hint'),
        )}
        {field('default_locale', (a) => (
          <select {...a} value={form.default_locale} onChange={set('default_locale')}>
            {locales.map((l) => (
              <option key={l} value={l}>
                {l === 'de' ? 'Deutsch' : l === 'en' ? 'English' : l}
              </option>
            ))}
          </select>
        ))}
        {field(
          'industry',
          (a) => (
            <input {...a} value={form.industry} onInput={set('industry')} maxLength={100} />
          ),
          m('ws_industry_hint'),
        )}
        {field('currency', (a) => (
          <input
            {...a}
            value={form.currency}
            onInput={set('currency')}
            maxLength={3}
            autocomplete="off"
            list="currencies"
          />
        ))}
        <datalist id="currencies">
          {['EUR', 'CHF', 'USD', 'GBP', 'SEK', 'NOK', 'DKK', 'PLN', 'CZK'].map((c) => (
            <option key={c} value={c} />
          ))}
        </datalist>
      </fieldset>
      <fieldset disabled={!manage}>
        <legend>{m('ws_benchmark')}</legend>
        <p class="muted small">{m('ws_benchmark_hint')}</p>
        {field('benchmark_nps', (a) => (
          <input
            {...a}
            type="number"
            min={-100}
            max={100}
            value={form.benchmark_nps}
            onInput={set('benchmark_nps')}
          />
        ))}
        {field('benchmark_source', (a) => (
          <input {...a} value={form.benchmark_source} onInput={set('benchmark_source')} maxLength={200} />
        ))}
        {field('benchmark_url', (a) => (
          <input {...a} type="url" value={form.benchmark_url} onInput={set('benchmark_url')} />
        ))}
        {field('benchmark_year', (a) => (
          <input
            {...a}
            type="number"
            min={1990}
            max={2100}
            value={form.benchmark_year}
            onInput={set('benchmark_year')}
          />
        ))}
      </fieldset>
      <fieldset disabled={!manage}>
        <legend>{m('ws_fatigue')}</legend>
        {field(
          'fatigue_days',
          (a) => (
            <input
              {...a}
              type="number"
              inputMode="numeric"
              min={0}
              max={365}
              value={form.fatigue_days}
              onInput={set('fatigue_days')}
            />
          ),
          m('ws_fatigue_days_hint'),
        )}
        {field('fatigue_on_blocked', (a) => (
          <select {...a} value={form.fatigue_on_blocked} onChange={set('fatigue_on_blocked')}>
            <option value="drop">{m('ws_fatigue_drop')}</option>
            <option value="postpone">{m('ws_fatigue_postpone')}</option>
          </select>
        ))}
        {field(
          'validity_months',
          (a) => (
            <input
              {...a}
              type="number"
              inputMode="numeric"
              min={1}
              max={120}
              value={form.validity_months}
              onInput={set('validity_months')}
            />
          ),
          m('ws_validity_months_hint'),
        )}
        {field(
          'invitation_expiry_days',
          (a) => (
            <input
              {...a}
              type="number"
              inputMode="numeric"
              min={1}
              max={365}
              value={form.invitation_expiry_days}
              onInput={set('invitation_expiry_days')}
            />
          ),
          m('ws_invitation_expiry_days_hint'),
        )}
        <div class="field checkbox">
          <input
            id="ws-track_opens"
            type="checkbox"
            name="track_opens"
            checked={form.track_opens}
            onChange={set('track_opens')}
            aria-describedby={problem?.field === 'track_opens' ? 'ws-track_opens-error' : undefined}
          />
          <label for="ws-track_opens">{labels.track_opens}</label>
          <FieldError
            id="ws-track_opens-error"
            label={labels.track_opens!}
            problem={problem?.field === 'track_opens' ? problem : null}
          />
        </div>
      </fieldset>
      {problem && !known && <FormError problem={problem} />}
      {manage && (
        <div class="actions">
          <button type="submit" disabled={busy}>
            {m('save')}
          </button>
          {status && <Status text={status} />}
        </div>
      )}
    </form>
  );
}

// --- members and invitations ---------------------------------------------------------------------

interface Member {
  id: string;
  email: string;
  name: string;
  role: Role;
  joined_at: string;
}

interface Invitation {
  id: string;
  email: string;
  role: Role;
  created_at: string;
  expires_at: string;
}

function MembersSection({ session }: { session: Session }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const date = useDate();
  const manage = canManage(session.role);
  const owner = session.role === 'owner';
  const [members, setMembers] = useState<Member[] | null>(null);
  const [invitations, setInvitations] = useState<Invitation[]>([]);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [status, setStatus] = useState('');
  const [failed, setFailed] = useState(false);
  const roleName = (r: Role) => t(`role_${r}` as MessageKey);

  const load = async () => {
    try {
      const [list, open] = await Promise.all([
        get<{ data: Member[] }>('/members'),
        manage ? get<{ data: Invitation[] }>('/member-invitations') : Promise.resolve({ data: [] }),
      ]);
      setMembers(list.data);
      setInvitations(open.data);
    } catch {
      setFailed(true);
    }
  };
  useEffect(() => {
    load();
  }, []);

  const act = async (action: () => Promise<unknown>, done: string) => {
    setProblem(null);
    setStatus('');
    try {
      await action();
      setStatus(done);
      await load();
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    }
  };
  /** Whether the signed-in user may change or remove someone with this role (owners: owners only). */
  const mayHandle = (role: Role) => manage && (role !== 'owner' || owner);
  const assignable = ROLE_ORDER.filter((r) => r !== 'owner' || owner);

  if (failed)
    return (
      <p class="error" role="alert">
        {t('error_generic')}
      </p>
    );
  if (!members) return <p aria-busy="true">{t('loading')}</p>;
  return (
    <>
      <section class="card settings-card" aria-labelledby="members-title">
        <h2 id="members-title">{m('members_title')}</h2>
        <FormError problem={problem} />
        {status && <Status text={status} />}
        <div class="table-scroll">
          <table class="settings-table" data-testid="members-table">
            <thead>
              <tr>
                <th scope="col">{m('col_name')}</th>
                <th scope="col">{m('col_email')}</th>
                <th scope="col">{m('col_role')}</th>
                <th scope="col">{m('col_joined')}</th>
                <th scope="col">{m('col_actions')}</th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => {
                const self = member.id === session.user.id;
                return (
                  <tr key={member.id}>
                    <th scope="row">
                      {member.name} {self && <span class="muted">{m('you')}</span>}
                    </th>
                    <td class="break">{member.email}</td>
                    <td>
                      {mayHandle(member.role) ? (
                        <>
                          <label for={`role-${member.id}`} class="visually-hidden">
                            {m('role_of', { name: member.name })}
                          </label>
                          <select
                            id={`role-${member.id}`}
                            value={member.role}
                            onChange={(e) => {
                              const role = e.currentTarget.value as Role;
                              act(
                                () => patch(`/members/${encodeURIComponent(member.id)}`, { role }),
                                m('role_changed', { name: member.name, role: roleName(role) }),
                              );
                            }}
                          >
                            {assignable.map((r) => (
                              <option key={r} value={r}>
                                {roleName(r)}
                              </option>
                            ))}
                          </select>
                        </>
                      ) : (
                        roleName(member.role)
                      )}
                    </td>
                    <td>{date(member.joined_at)}</td>
                    <td>
                      {self ? (
                        <ConfirmButton
                          label={m('leave')}
                          question={m('leave_confirm')}
                          onConfirm={async () => {
                            setProblem(null);
                            try {
                              await api('DELETE', `/members/${encodeURIComponent(member.id)}`);
                              toSignIn();
                            } catch (err) {
                              setProblem(problemOf(err, t('error_generic')));
                            }
                          }}
                        />
                      ) : mayHandle(member.role) ? (
                        <ConfirmButton
                          label={m('remove')}
                          question={m('remove_confirm', { name: member.name })}
                          onConfirm={() =>
                            act(
                              () => api('DELETE', `/members/${encodeURIComponent(member.id)}`),
                              m('removed', { name: member.name }),
                            )
                          }
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      </section>
      {manage && (
        <InviteCard
          assignable={assignable}
          roleName={roleName}
          onInvited={load}
          invitations={invitations}
          onRevoke={(inv) =>
            act(() => api('DELETE', `/member-invitations/${encodeURIComponent(inv.id)}`), m('saved'))
          }
          date={date}
          m={m}
        />
      )}
    </>
  );
}

function InviteCard(props: {
  assignable: Role[];
  roleName: (r: Role) => string;
  onInvited: () => Promise<void>;
  invitations: Invitation[];
  onRevoke: (inv: Invitation) => Promise<void>;
  date: (iso: string | null) => string;
  m: Msg;
}) {
  const { m } = props;
  const { t } = useI18n();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('member');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<{ email: string; url: string } | null>(null);
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setCreated(null);
    setBusy(true);
    try {
      const answer = await post<Invitation & { invite_url: string }>('/member-invitations', { email, role });
      setCreated({ email: answer.email, url: answer.invite_url });
      setEmail('');
      await props.onInvited();
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const emailError = problem?.field === 'email' ? problem : null;
  const roleError = problem?.field === 'role' ? problem : null;
  return (
    <>
      <section class="card settings-card" aria-labelledby="invite-title">
        <h2 id="invite-title">{m('invite_title')}</h2>
        <form class="inline-form" onSubmit={onSubmit} noValidate>
          <div class="field grow">
            <label for="invite-email">{m('invite_email')}</label>
            <input
              id="invite-email"
              type="email"
              name="email"
              autocomplete="off"
              required
              value={email}
              onInput={(e) => setEmail(e.currentTarget.value)}
              aria-invalid={emailError ? 'true' : undefined}
              aria-describedby={emailError ? 'invite-email-error' : undefined}
            />
            <FieldError id="invite-email-error" label={m('invite_email')} problem={emailError} />
          </div>
          <div class="field">
            <label for="invite-role">{m('invite_role')}</label>
            <select
              id="invite-role"
              name="role"
              value={role}
              onChange={(e) => setRole(e.currentTarget.value as Role)}
              aria-invalid={roleError ? 'true' : undefined}
              aria-describedby={roleError ? 'invite-role-error' : undefined}
            >
              {props.assignable.map((r) => (
                <option key={r} value={r}>
                  {props.roleName(r)}
                </option>
              ))}
            </select>
            <FieldError id="invite-role-error" label={m('invite_role')} problem={roleError} />
          </div>
          <div class="field">
            <button type="submit" disabled={busy}>
              {m('invite_submit')}
            </button>
          </div>
        </form>
        {problem && !emailError && !roleError && <FormError problem={problem} />}
        {created && (
          <div class="once" data-testid="invite-link">
            <h3>{m('invite_link_title', { email: created.email })}</h3>
            <CopyField
              id="invite-url"
              label={m('invite_link_title', { email: created.email })}
              value={created.url}
            />
            <p class="muted">{m('invite_link_note')}</p>
          </div>
        )}
      </section>
      <section class="card settings-card" aria-labelledby="invitations-title">
        <h2 id="invitations-title">{m('invitations_title')}</h2>
        {props.invitations.length === 0 ? (
          <p class="muted">{m('invitations_none')}</p>
        ) : (
          <div class="table-scroll">
            <table class="settings-table" data-testid="invitations-table">
              <thead>
                <tr>
                  <th scope="col">{m('col_email')}</th>
                  <th scope="col">{m('col_role')}</th>
                  <th scope="col">{m('col_expires')}</th>
                  <th scope="col">{m('col_actions')}</th>
                </tr>
              </thead>
              <tbody>
                {props.invitations.map((inv) => (
                  <tr key={inv.id}>
                    <th scope="row" class="break">
                      {inv.email}
                    </th>
                    <td>{props.roleName(inv.role)}</td>
                    <td>{props.date(inv.expires_at)}</td>
                    <td>
                      {props.assignable.includes(inv.role) && (
                        <ConfirmButton
                          label={m('revoke')}
                          question={m('revoke_invitation_confirm', { email: inv.email })}
                          onConfirm={() => props.onRevoke(inv)}
                        />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

// --- API keys -------------------------------------------------------------------------------------

interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}

function ApiKeysSection({ session }: { session: Session }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const date = useDate();
  const manage = canManage(session.role);
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [name, setName] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const [secret, setSecret] = useState<{ name: string; secret: string } | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () =>
    get<{ data: ApiKey[] }>('/api-keys')
      .then((r) => setKeys(r.data))
      .catch(() => setFailed(true));
  useEffect(() => {
    if (manage) load();
  }, []);
  if (!manage)
    return (
      <section class="card settings-card" aria-labelledby="api-title">
        <h2 id="api-title">{m('api_title')}</h2>
        <p class="note">{m('api_admins_only')}</p>
      </section>
    );
  if (failed)
    return (
      <p class="error" role="alert">
        {t('error_generic')}
      </p>
    );
  const onSubmit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setSecret(null);
    setBusy(true);
    try {
      const created = await post<ApiKey & { secret: string }>('/api-keys', { name });
      setSecret({ name: created.name, secret: created.secret });
      setName('');
      await load();
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const nameError = problem?.field === 'name' ? problem : null;
  return (
    <section class="card settings-card" aria-labelledby="api-title">
      <h2 id="api-title">{m('api_title')}</h2>
      <p class="muted">{m('api_lead')}</p>
      <form class="inline-form" onSubmit={onSubmit} noValidate>
        <div class="field grow">
          <label for="api-key-name">{m('api_name')}</label>
          <input
            id="api-key-name"
            name="name"
            required
            maxLength={100}
            value={name}
            onInput={(e) => setName(e.currentTarget.value)}
            aria-invalid={nameError ? 'true' : undefined}
            aria-describedby={nameError ? 'api-key-name-error' : undefined}
          />
          <FieldError id="api-key-name-error" label={m('api_name')} problem={nameError} />
        </div>
        <div class="field">
          <button type="submit" disabled={busy}>
            {m('api_create')}
          </button>
        </div>
      </form>
      {problem && !nameError && <FormError problem={problem} />}
      {secret && (
        <div class="once warning" data-testid="api-secret">
          <h3>{m('api_secret_title', { name: secret.name })}</h3>
          <p role="alert">{m('api_secret_warning')}</p>
          <CopyField
            id="api-secret"
            label={m('api_secret_title', { name: secret.name })}
            value={secret.secret}
            testId="api-secret-value"
          />
          <button type="button" class="secondary" onClick={() => setSecret(null)}>
            {m('api_done')}
          </button>
        </div>
      )}
      {!keys ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : keys.length === 0 ? (
        <p class="muted">{m('api_none')}</p>
      ) : (
        <div class="table-scroll">
          <table class="settings-table" data-testid="api-keys-table">
            <thead>
              <tr>
                <th scope="col">{m('col_name')}</th>
                <th scope="col">{m('col_prefix')}</th>
                <th scope="col">{m('created')}</th>
                <th scope="col">{m('col_last_used')}</th>
                <th scope="col">{m('col_status')}</th>
                <th scope="col">{m('col_actions')}</th>
              </tr>
            </thead>
            <tbody>
              {keys.map((key) => (
                <tr key={key.id}>
                  <th scope="row">{key.name}</th>
                  <td>
                    <code>{key.prefix}…</code>
                  </td>
                  <td>{date(key.created_at)}</td>
                  <td>{key.last_used_at ? date(key.last_used_at) : m('never')}</td>
                  <td>{key.revoked_at ? m('revoked_at', { date: date(key.revoked_at) }) : m('active')}</td>
                  <td>
                    {!key.revoked_at && (
                      <ConfirmButton
                        label={m('revoke')}
                        question={m('api_revoke_confirm', { name: key.name })}
                        onConfirm={async () => {
                          setProblem(null);
                          try {
                            await api('DELETE', `/api-keys/${encodeURIComponent(key.id)}`);
                            await load();
                          } catch (err) {
                            setProblem(problemOf(err, t('error_generic')));
                          }
                        }}
                      />
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// --- publishable widget keys ----------------------------------------------------------------------

interface PublishableKey {
  id: string;
  name: string;
  key: string;
  allowed_origins: string[];
  created_at: string;
  revoked_at: string | null;
}

const originLines = (text: string) =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);

/** The widget snippet of README "Website widget", for this installation. */
export function widgetSnippet(key: string, origin = window.location.origin): string {
  return (
    '<script>window.plaudit=window.plaudit||function(){(plaudit.q=plaudit.q||[]).push(arguments)}</script>\n' +
    `<script async src="${origin}/widget.js" data-key="${key}"></script>`
  );
}

/** Name and origins of a publishable key, for creating or changing one; errors per origin. */
function KeyForm(props: {
  idPrefix: string;
  initial?: { name: string; origins: string };
  submitLabel: string;
  onSubmit: (body: { name: string; allowed_origins: string[] }) => Promise<void>;
  onCancel?: () => void;
}) {
  const m = useMessages(M);
  const { t } = useI18n();
  const [name, setName] = useState(props.initial?.name ?? '');
  const [origins, setOrigins] = useState(props.initial?.origins ?? '');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const sent = originLines(origins);
  const submit = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      await props.onSubmit({ name, allowed_origins: sent });
      if (!props.initial) {
        setName('');
        setOrigins('');
      }
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const nameId = `${props.idPrefix}-name`;
  const originsId = `${props.idPrefix}-origins`;
  const nameError = problem?.field === 'name' ? problem : null;
  const originsError = problem?.field?.startsWith('allowed_origins') ? problem : null;
  // "allowed_origins.1" names the second origin sent: say which line that is.
  const index = originsError ? /^allowed_origins\.(\d+)$/.exec(originsError.field!)?.[1] : undefined;
  const originsLabel =
    index !== undefined && sent[Number(index)] !== undefined
      ? `${m('widget_origins')}, ${m('origin_line', { line: Number(index) + 1, origin: sent[Number(index)]! })}`
      : m('widget_origins');
  return (
    <form class="settings-form key-form" onSubmit={submit} noValidate>
      <div class="field">
        <label for={nameId}>{m('widget_name')}</label>
        <input
          id={nameId}
          name="name"
          required
          maxLength={100}
          value={name}
          onInput={(e) => setName(e.currentTarget.value)}
          aria-invalid={nameError ? 'true' : undefined}
          aria-describedby={nameError ? `${nameId}-error` : undefined}
        />
        <FieldError id={`${nameId}-error`} label={m('widget_name')} problem={nameError} />
      </div>
      <div class="field">
        <label for={originsId}>{m('widget_origins')}</label>
        <textarea
          id={originsId}
          name="allowed_origins"
          rows={3}
          spellcheck={false}
          value={origins}
          onInput={(e) => setOrigins(e.currentTarget.value)}
          aria-invalid={originsError ? 'true' : undefined}
          aria-describedby={`${originsId}-hint${originsError ? ` ${originsId}-error` : ''}`}
        />
        <p id={`${originsId}-hint`} class="muted small">
          {m('widget_origins_hint')}
        </p>
        <FieldError id={`${originsId}-error`} label={originsLabel} problem={originsError} />
      </div>
      {problem && !nameError && !originsError && <FormError problem={problem} />}
      <div class="actions">
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        {props.onCancel && (
          <button type="button" class="secondary" onClick={props.onCancel}>
            {m('cancel')}
          </button>
        )}
      </div>
    </form>
  );
}

function WidgetKeysSection({ session }: { session: Session }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const date = useDate();
  const manage = canManage(session.role);
  const [keys, setKeys] = useState<PublishableKey[] | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [failed, setFailed] = useState(false);
  const load = () =>
    get<{ data: PublishableKey[] }>('/publishable-keys')
      .then((r) => setKeys(r.data))
      .catch(() => setFailed(true));
  useEffect(() => {
    load();
  }, []);
  if (failed)
    return (
      <p class="error" role="alert">
        {t('error_generic')}
      </p>
    );
  return (
    <>
      <section class="card settings-card" aria-labelledby="widget-title">
        <h2 id="widget-title">{m('widget_title')}</h2>
        <p class="muted">{m('widget_lead')}</p>
        {!manage && <p class="note">{m('read_only')}</p>}
        <FormError problem={problem} />
        {!keys ? (
          <p aria-busy="true">{t('loading')}</p>
        ) : keys.length === 0 ? (
          <p class="muted">{m('widget_none')}</p>
        ) : (
          <ul class="key-list">
            {keys.map((key) => (
              <li key={key.id} class="key-item" data-testid="publishable-key">
                <h3>
                  {key.name}{' '}
                  {key.revoked_at && (
                    <span class="badge">{m('revoked_at', { date: date(key.revoked_at) })}</span>
                  )}
                </h3>
                {editing === key.id ? (
                  <KeyForm
                    idPrefix={`pk-${key.id}`}
                    initial={{ name: key.name, origins: key.allowed_origins.join('\n') }}
                    submitLabel={m('widget_save')}
                    onCancel={() => setEditing(null)}
                    onSubmit={async (body) => {
                      await patch(`/publishable-keys/${encodeURIComponent(key.id)}`, body);
                      setEditing(null);
                      await load();
                    }}
                  />
                ) : (
                  <>
                    <dl class="key-facts">
                      <dt>{m('widget_key')}</dt>
                      <dd>
                        <code class="break">{key.key}</code>
                      </dd>
                      <dt>{m('widget_origins')}</dt>
                      <dd>
                        <ul class="origins">
                          {key.allowed_origins.map((o) => (
                            <li key={o} class="break">
                              {o}
                            </li>
                          ))}
                        </ul>
                      </dd>
                      <dt>{m('created')}</dt>
                      <dd>{date(key.created_at)}</dd>
                    </dl>
                    {!key.revoked_at && (
                      <>
                        <CopyField
                          id={`snippet-${key.id}`}
                          label={m('widget_snippet')}
                          value={widgetSnippet(key.key)}
                          multiline
                        />
                        <p class="muted small">{m('widget_snippet_hint')}</p>
                      </>
                    )}
                    {manage && !key.revoked_at && (
                      <div class="actions">
                        <button type="button" class="secondary" onClick={() => setEditing(key.id)}>
                          {m('widget_edit')}
                        </button>
                        <ConfirmButton
                          label={m('revoke')}
                          question={m('widget_revoke_confirm', { name: key.name })}
                          onConfirm={async () => {
                            setProblem(null);
                            try {
                              await api('DELETE', `/publishable-keys/${encodeURIComponent(key.id)}`);
                              await load();
                            } catch (err) {
                              setProblem(problemOf(err, t('error_generic')));
                            }
                          }}
                        />
                      </div>
                    )}
                  </>
                )}
              </li>
            ))}
          </ul>
        )}
      </section>
      {manage && (
        <section class="card settings-card" aria-labelledby="widget-new-title">
          <h2 id="widget-new-title">{m('widget_new')}</h2>
          <KeyForm
            idPrefix="pk-new"
            submitLabel={m('widget_create')}
            onSubmit={async (body) => {
              await post('/publishable-keys', body);
              await load();
            }}
          />
        </section>
      )}
    </>
  );
}

// --- the user's own account -----------------------------------------------------------------------

function AccountSection({ session }: { session: Session }) {
  const m = useMessages(M);
  const { t, locale, setLocale } = useI18n();
  const [name, setName] = useState(session.user.name);
  const [savedName, setSavedName] = useState(session.user.name);
  const [language, setLanguage] = useState<Locale>(locale);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [status, setStatus] = useState('');
  const [busy, setBusy] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [pwProblem, setPwProblem] = useState<FieldProblem | null>(null);
  const [pwStatus, setPwStatus] = useState('');
  const [everywhereProblem, setEverywhereProblem] = useState<FieldProblem | null>(null);

  const saveProfile = async (e: Event) => {
    e.preventDefault();
    setProblem(null);
    setStatus('');
    setBusy(true);
    try {
      const changed = name !== savedName || language !== locale;
      if (name !== savedName) {
        await patch('/auth/me', { name });
        setSavedName(name);
        sessionChanged();
      }
      // Stored with the account by the language switch itself.
      if (language !== locale) setLocale(language);
      setStatus(changed ? m('saved') : m('nothing_changed'));
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const changePassword = async (e: Event) => {
    e.preventDefault();
    setPwProblem(null);
    setPwStatus('');
    setBusy(true);
    try {
      await patch('/auth/me', { current_password: current, new_password: next });
      setCurrent('');
      setNext('');
      setPwStatus(m('password_changed'));
    } catch (err) {
      setPwProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const nameError = problem?.field === 'name' ? problem : null;
  const currentError = pwProblem?.field === 'current_password' ? pwProblem : null;
  const nextError = pwProblem?.field === 'new_password' ? pwProblem : null;
  return (
    <>
      <section class="card settings-card" aria-labelledby="account-title">
        <h2 id="account-title">{m('account_title')}</h2>
        <form class="settings-form" onSubmit={saveProfile} noValidate>
          <div class="field">
            <label for="account-email">{m('account_email')}</label>
            <input id="account-email" value={session.user.email} readOnly />
          </div>
          <div class="field">
            <label for="account-name">{m('account_name')}</label>
            <input
              id="account-name"
              name="name"
              autocomplete="name"
              required
              value={name}
              onInput={(e) => setName(e.currentTarget.value)}
              aria-invalid={nameError ? 'true' : undefined}
              aria-describedby={nameError ? 'account-name-error' : undefined}
            />
            <FieldError id="account-name-error" label={m('account_name')} problem={nameError} />
          </div>
          <div class="field">
            <label for="account-language">{m('account_language')}</label>
            <select
              id="account-language"
              value={language}
              onChange={(e) => setLanguage(e.currentTarget.value as Locale)}
            >
              {LOCALES.map((l) => (
                <option key={l} value={l}>
                  {l === 'de' ? 'Deutsch' : 'English'}
                </option>
              ))}
            </select>
          </div>
          {problem && !nameError && <FormError problem={problem} />}
          <div class="actions">
            <button type="submit" disabled={busy}>
              {m('save')}
            </button>
            {status && <Status text={status} />}
          </div>
        </form>
      </section>
      <DigestCard />
      <section class="card settings-card" aria-labelledby="password-title">
        <h2 id="password-title">{m('password_title')}</h2>
        <form class="settings-form" onSubmit={changePassword} noValidate>
          <input
            type="text"
            name="username"
            autocomplete="username"
            value={session.user.email}
            hidden
            readOnly
          />
          <div class="field">
            <label for="current-password">{m('current_password')}</label>
            <input
              id="current-password"
              type="password"
              name="current_password"
              autocomplete="current-password"
              required
              value={current}
              onInput={(e) => setCurrent(e.currentTarget.value)}
              aria-invalid={currentError ? 'true' : undefined}
              aria-describedby={currentError ? 'current-password-error' : undefined}
            />
            <FieldError id="current-password-error" label={m('current_password')} problem={currentError} />
          </div>
          <div class="field">
            <label for="new-password">{m('new_password')}</label>
            <input
              id="new-password"
              type="password"
              name="new_password"
              autocomplete="new-password"
              required
              minLength={10}
              value={next}
              onInput={(e) => setNext(e.currentTarget.value)}
              aria-invalid={nextError ? 'true' : undefined}
              aria-describedby={`new-password-hint${nextError ? ' new-password-error' : ''}`}
            />
            <p id="new-password-hint" class="muted small">
              {t('password_hint')}
            </p>
            <FieldError id="new-password-error" label={m('new_password')} problem={nextError} />
          </div>
          {pwProblem && !currentError && !nextError && <FormError problem={pwProblem} />}
          <div class="actions">
            <button type="submit" disabled={busy}>
              {m('password_submit')}
            </button>
            {pwStatus && <Status text={pwStatus} />}
          </div>
        </form>
      </section>
      <section class="card settings-card" aria-labelledby="everywhere-title">
        <h2 id="everywhere-title">{m('everywhere_title')}</h2>
        <p class="muted">{m('everywhere_lead')}</p>
        <FormError problem={everywhereProblem} />
        <button
          type="button"
          class="danger"
          onClick={async () => {
            setEverywhereProblem(null);
            try {
              await post('/auth/sign-out-everywhere');
              toSignIn();
            } catch (err) {
              setEverywhereProblem(problemOf(err, t('error_generic')));
            }
          }}
        >
          {t('sign_out_everywhere')}
        </button>
      </section>
    </>
  );
}
