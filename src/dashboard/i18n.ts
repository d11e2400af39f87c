/**
 * Every text of the dashboard in German and English. The language is the user's choice (stored
 * with the account and in this browser), else the browser's; numbers and dates follow it.
 */
import { createContext } from 'preact';
import { useContext } from 'preact/hooks';

export type Locale = 'de' | 'en';
export const LOCALES: readonly Locale[] = ['en', 'de'];

const en = {
  app_name: 'Plaudit',
  loading: 'Loading …',
  not_found: 'There is no such page.',
  error_generic: 'Something went wrong. Please try again.',
  // sign-in, set-up, invitations
  sign_in: 'Sign in',
  sign_in_title: 'Sign in to Plaudit',
  sign_out: 'Sign out',
  sign_out_everywhere: 'Sign out everywhere',
  email: 'Email address',
  password: 'Password',
  name: 'Your name',
  workspace_name: 'Name of your company or team',
  setup_title: 'Welcome to Plaudit',
  setup_lead: 'Create the owner account of this installation. You can invite colleagues afterwards.',
  setup_submit: 'Create account',
  password_hint: 'At least 10 characters.',
  join_title: 'Join {workspace}',
  join_lead: 'You were invited as {role} with {email}.',
  join_lead_existing: 'You were invited as {role}. Sign in with the password of {email} to accept.',
  join_submit: 'Accept and sign in',
  join_gone: 'This invitation link is unknown, used, revoked or expired. Ask for a new one.',
  language: 'Language',
  // navigation
  nav_overview: 'Overview',
  nav_responses: 'Responses',
  nav_segments: 'Segments',
  nav_accounts: 'Accounts',
  nav_cases: 'Cases',
  nav_themes: 'Themes',
  nav_leaderboard: 'Leaderboard',
  nav_surveys: 'Surveys',
  nav_testimonials: 'Testimonials',
  nav_integrations: 'Integrations',
  nav_settings: 'Settings',
  role_owner: 'Owner',
  role_admin: 'Admin',
  role_member: 'Member',
  role_viewer: 'Viewer',
  // filters
  filters: 'Filters',
  period: 'Period',
  period_30: 'Last 30 days',
  period_90: 'Last 90 days',
  period_365: 'Last 12 months',
  period_all: 'All time',
  period_custom: 'Custom',
  from: 'From',
  to: 'To',
  survey: 'Survey',
  all_surveys: 'All surveys',
  channel: 'Channel',
  all_channels: 'All channels',
  channel_email: 'Email',
  channel_link: 'Link',
  channel_widget: 'Website widget',
  channel_api: 'API',
  channel_import: 'Import',
  journey_stage: 'Journey stage',
  all_stages: 'All stages',
  attribute: 'Attribute filter',
  choose_attribute: 'Choose an attribute …',
  attribute_value: 'Value',
  add_filter: 'Add filter',
  attribute_filters: 'Attribute filters',
  remove_filter: 'Remove filter {filter}',
  // overview
  nps: 'Net Promoter Score',
  margin: '±{margin} points (95% confidence)',
  no_responses: 'No responses in this selection yet.',
  responses_count: '{n} responses',
  response_rate: 'Response rate {rate} % ({answered} of {delivered} invitations delivered in the period)',
  change_title: 'Change against the previous period',
  change_up_real: 'Up {d} points, likely real',
  change_down_real: 'Down {d} points, likely real',
  change_up_chance: 'Up {d} points, could be chance',
  change_down_chance: 'Down {d} points, could be chance',
  change_none: 'Unchanged',
  change_too_few: 'Too few responses to tell',
  change_before: 'Previous period: {nps} ({n} responses)',
  promoters: 'Promoters',
  passives: 'Passives',
  detractors: 'Detractors',
  distribution: 'Scores 0-10',
  trend: 'NPS trend',
  trend_band: 'shaded: 95% confidence band',
  granularity_day: 'Day',
  granularity_week: 'Week',
  granularity_month: 'Month',
  chart_empty: 'Not enough data for a trend.',
  benchmark_line: 'Benchmark {nps}',
  benchmark_source: 'Dashed line: benchmark {nps} for {industry}, from {source} {year}.',
  benchmark_link: 'Source',
  score: 'Score',
};

export type MessageKey = keyof typeof en;

const de: Record<MessageKey, string> = {
  app_name: 'Plaudit',
  loading: 'Wird geladen …',
  not_found: 'Diese Seite gibt es nicht.',
  error_generic: 'Etwas ist schiefgegangen. Bitte versuchen Sie es noch einmal.',
  sign_in: 'Anmelden',
  sign_in_title: 'Bei Plaudit anmelden',
  sign_out: 'Abmelden',
  sign_out_everywhere: 'Überall abmelden',
  email: 'E-Mail-Adresse',
  password: 'Passwort',
  name: 'Ihr Name',
  workspace_name: 'Name Ihres Unternehmens oder Teams',
  setup_title: 'Willkommen bei Plaudit',
  setup_lead:
    'Legen Sie das Inhaber-Konto dieser Installation an. Kolleginnen und Kollegen laden Sie danach ein.',
  setup_submit: 'Konto anlegen',
  password_hint: 'Mindestens 10 Zeichen.',
  join_title: '{workspace} beitreten',
  join_lead: 'Sie wurden als {role} mit {email} eingeladen.',
  join_lead_existing:
    'Sie wurden als {role} eingeladen. Melden Sie sich mit dem Passwort von {email} an, um anzunehmen.',
  join_submit: 'Annehmen und anmelden',
  join_gone:
    'Dieser Einladungslink ist unbekannt, benutzt, widerrufen oder abgelaufen. Bitten Sie um einen neuen.',
  language: 'Sprache',
  nav_overview: 'Übersicht',
  nav_responses: 'Antworten',
  nav_segments: 'Segmente',
  nav_accounts: 'Kunden',
  nav_cases: 'Fälle',
  nav_themes: 'Themen',
  nav_leaderboard: 'Rangliste',
  nav_surveys: 'Umfragen',
  nav_testimonials: 'Kundenstimmen',
  nav_integrations: 'Integrationen',
  nav_settings: 'Einstellungen',
  role_owner: 'Inhaber',
  role_admin: 'Admin',
  role_member: 'Mitglied',
  role_viewer: 'Betrachter',
  filters: 'Filter',
  period: 'Zeitraum',
  period_30: 'Letzte 30 Tage',
  period_90: 'Letzte 90 Tage',
  period_365: 'Letzte 12 Monate',
  period_all: 'Gesamter Zeitraum',
  period_custom: 'Eigener',
  from: 'Von',
  to: 'Bis',
  survey: 'Umfrage',
  all_surveys: 'Alle Umfragen',
  channel: 'Kanal',
  all_channels: 'Alle Kanäle',
  channel_email: 'E-Mail',
  channel_link: 'Link',
  channel_widget: 'Website-Widget',
  channel_api: 'API',
  channel_import: 'Import',
  journey_stage: 'Phase',
  all_stages: 'Alle Phasen',
  attribute: 'Merkmalsfilter',
  choose_attribute: 'Merkmal wählen …',
  attribute_value: 'Wert',
  add_filter: 'Filter hinzufügen',
  attribute_filters: 'Merkmalsfilter',
  remove_filter: 'Filter {filter} entfernen',
  nps: 'Net Promoter Score',
  margin: '±{margin} Punkte (95 % Konfidenz)',
  no_responses: 'In dieser Auswahl gibt es noch keine Antworten.',
  responses_count: '{n} Antworten',
  response_rate: 'Antwortquote {rate} % ({answered} von {delivered} im Zeitraum zugestellten Einladungen)',
  change_title: 'Veränderung zum vorigen Zeitraum',
  change_up_real: '{d} Punkte höher, wahrscheinlich echt',
  change_down_real: '{d} Punkte niedriger, wahrscheinlich echt',
  change_up_chance: '{d} Punkte höher, kann Zufall sein',
  change_down_chance: '{d} Punkte niedriger, kann Zufall sein',
  change_none: 'Unverändert',
  change_too_few: 'Zu wenige Antworten für eine Aussage',
  change_before: 'Voriger Zeitraum: {nps} ({n} Antworten)',
  promoters: 'Promotoren',
  passives: 'Passive',
  detractors: 'Kritiker',
  distribution: 'Bewertungen 0-10',
  trend: 'NPS-Verlauf',
  trend_band: 'schattiert: 95-%-Konfidenzband',
  granularity_day: 'Tag',
  granularity_week: 'Woche',
  granularity_month: 'Monat',
  chart_empty: 'Zu wenige Daten für einen Verlauf.',
  benchmark_line: 'Vergleichswert {nps}',
  benchmark_source: 'Gestrichelt: Vergleichswert {nps} für {industry}, laut {source} {year}.',
  benchmark_link: 'Quelle',
  score: 'Bewertung',
};

export const MESSAGES: Record<Locale, Record<MessageKey, string>> = { en, de };

export type Translate = (key: MessageKey, values?: Record<string, string | number>) => string;

const fill = (text: string, values?: Record<string, string | number>) =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => String(values?.[name] ?? `{${name}}`));

export function translator(locale: Locale): Translate {
  const messages = MESSAGES[locale];
  return (key, values) => fill(messages[key], values);
}

/**
 * A page's own texts, next to the page: `const M = defineMessages({ en: {...}, de: {...} })`
 * (German must have every English key: the type says so), then `const m = useMessages(M)` and
 * `m('key', { n: 3 })`. Shared texts (navigation, filters, categories) stay in MESSAGES above.
 */
export function defineMessages<K extends string>(bundle: { en: Record<K, string>; de: Record<K, string> }) {
  return bundle;
}

export function useMessages<K extends string>(bundle: { en: Record<K, string>; de: Record<K, string> }) {
  const { locale } = useI18n();
  return (key: K, values?: Record<string, string | number>) => fill(bundle[locale][key], values);
}

const STORAGE_KEY = 'plaudit:locale';

/** The user's stored choice, else the browser's language, else English. */
export function initialLocale(): Locale {
  try {
    const stored = localStorage.getItem(STORAGE_KEY);
    if (stored === 'de' || stored === 'en') return stored;
  } catch {}
  return (navigator.language || 'en').toLowerCase().startsWith('de') ? 'de' : 'en';
}

export function storeLocale(locale: Locale): void {
  try {
    localStorage.setItem(STORAGE_KEY, locale);
  } catch {}
}

export interface I18n {
  locale: Locale;
  t: Translate;
  setLocale: (locale: Locale) => void;
  /** A number in the locale (one decimal when asked). */
  number: (value: number, decimals?: number) => string;
}

export const I18nContext = createContext<I18n>({
  locale: 'en',
  t: translator('en'),
  setLocale: () => {},
  number: (v) => String(v),
});

export const useI18n = (): I18n => useContext(I18nContext);
