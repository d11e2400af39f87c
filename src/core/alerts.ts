/**
 * Alerts and digests: where they go (`AlertSettings`, stored in `workspace.alert_settings`), what
 * they say (German and English) and how they are shaped for each channel (a Slack incoming-webhook
 * payload, an email's subject, text and HTML). Pure: the SQL, the sending and the schedule are in
 * server/alerts/.
 *
 * Untrusted text (a respondent's comment, a contact's name, a webhook URL) is escaped for the
 * channel it goes to: in Slack `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`, so a comment
 * cannot write `<!channel>`, `<@U123>` or a `<https://evil|link>`; in email HTML the usual five
 * characters are escaped.
 */
import { escapeHtml } from './escape-html';
import { compareNps, type NpsComparison, type NpsSummary, verdictText } from './stats';
import { addDays } from './trend';
import { type FieldError, isIntegerIn, isRecord, unknownKeyErrors, type Validated } from './validation';

export type AlertLocale = 'de' | 'en';

export interface NpsDropSettings {
  enabled: boolean;
  /** The recent window: the last N full days (default 7). */
  recent_days: number;
  /** The baseline: the N full days before the recent window (default 90). */
  baseline_days: number;
}

/** Where alerts go. `null`/missing in the database means DEFAULT_ALERT_SETTINGS. */
export interface AlertSettings {
  /** A Slack incoming-webhook URL (a secret: the API shows only `maskSlackUrl`). */
  slack_webhook_url: string | null;
  /** Extra recipients of alerts without an owner's address (else the owners and admins). */
  emails: string[];
  new_detractor: boolean;
  sla_breach: boolean;
  nps_drop: NpsDropSettings;
}

/** Why Slack stopped working (a 404/410 or `invalid_token`): set by the sender, cleared by a new URL. */
export interface SlackFailure {
  at: string;
  reason: string;
}

/** What is stored: the settings and, when Slack refused the URL for good, that failure. */
export interface StoredAlertSettings extends AlertSettings {
  slack_failure: SlackFailure | null;
}

export const DEFAULT_ALERT_SETTINGS: Readonly<AlertSettings> = Object.freeze({
  slack_webhook_url: null,
  emails: [],
  new_detractor: true,
  sla_breach: true,
  nps_drop: Object.freeze({ enabled: true, recent_days: 7, baseline_days: 90 }),
}) as Readonly<AlertSettings>;

export const MAX_ALERT_EMAILS = 20;
export const MAX_RECENT_DAYS = 90;
export const MAX_BASELINE_DAYS = 730;
const ALERT_KEYS = ['slack_webhook_url', 'emails', 'new_detractor', 'sla_breach', 'nps_drop'] as const;
const NPS_DROP_KEYS = ['enabled', 'recent_days', 'baseline_days'] as const;
const EMAIL = /^[^\s@<>,;"]+@[^\s@<>,;"]+\.[^\s@<>,;"]+$/;

/**
 * The settings as stored, with defaults for whatever is missing or malformed (a hand-edited row
 * must not stop alerts).
 */
export function alertSettingsOf(stored: unknown): StoredAlertSettings {
  const s = isRecord(stored) ? stored : {};
  const drop = isRecord(s.nps_drop) ? s.nps_drop : {};
  const d = DEFAULT_ALERT_SETTINGS;
  const bool = (v: unknown, fallback: boolean) => (typeof v === 'boolean' ? v : fallback);
  const failure = isRecord(s.slack_failure) ? s.slack_failure : null;
  return {
    slack_webhook_url: typeof s.slack_webhook_url === 'string' ? s.slack_webhook_url : null,
    emails: Array.isArray(s.emails) ? s.emails.filter((e): e is string => typeof e === 'string') : [],
    new_detractor: bool(s.new_detractor, d.new_detractor),
    sla_breach: bool(s.sla_breach, d.sla_breach),
    nps_drop: {
      enabled: bool(drop.enabled, d.nps_drop.enabled),
      recent_days: isIntegerIn(drop.recent_days, 1, MAX_RECENT_DAYS)
        ? drop.recent_days
        : d.nps_drop.recent_days,
      baseline_days: isIntegerIn(drop.baseline_days, 1, MAX_BASELINE_DAYS)
        ? drop.baseline_days
        : d.nps_drop.baseline_days,
    },
    slack_failure:
      failure && typeof failure.at === 'string' && typeof failure.reason === 'string'
        ? { at: failure.at, reason: failure.reason }
        : null,
  };
}

/** Whether `url` is an http(s) URL Plaudit may post Slack messages to. */
export function isSlackWebhookUrl(url: string): boolean {
  if (url.length > 2000 || /[\s\0]/.test(url)) return false;
  try {
    const parsed = new URL(url);
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/**
 * Checks a change of the settings from untrusted JSON and applies it to `current`: fields left
 * out keep their value (so a client can send back what it read, with the Slack URL masked, by
 * leaving the URL out); `slack_webhook_url: null` removes Slack. Every problem names its field.
 * @example validateAlertSettings({ nps_drop: { recent_days: 0 } }, DEFAULT_ALERT_SETTINGS)
 * // { ok: false, errors: [{ path: 'nps_drop.recent_days', message: 'must be a whole number of days from 1 to 90' }] }
 */
export function validateAlertSettings(input: unknown, current: AlertSettings): Validated<AlertSettings> {
  if (!isRecord(input)) return { ok: false, errors: [{ path: 'body', message: 'must be an object' }] };
  const errors: FieldError[] = [...unknownKeyErrors(input, ALERT_KEYS, '').map(stripDot)];
  const out: AlertSettings = { ...current, emails: [...current.emails], nps_drop: { ...current.nps_drop } };

  if (input.slack_webhook_url !== undefined) {
    const url = input.slack_webhook_url;
    if (url === null) out.slack_webhook_url = null;
    else if (typeof url === 'string' && isSlackWebhookUrl(url.trim())) out.slack_webhook_url = url.trim();
    else errors.push({ path: 'slack_webhook_url', message: 'must be an http(s) URL or null' });
  }
  if (input.emails !== undefined) {
    if (!Array.isArray(input.emails)) errors.push({ path: 'emails', message: 'must be a list of addresses' });
    else if (input.emails.length > MAX_ALERT_EMAILS)
      errors.push({ path: 'emails', message: `at most ${MAX_ALERT_EMAILS} addresses` });
    else {
      const emails: string[] = [];
      input.emails.forEach((raw, i) => {
        const email = typeof raw === 'string' ? raw.trim().toLowerCase() : '';
        if (!EMAIL.test(email) || email.length > 254)
          errors.push({ path: `emails.${i}`, message: 'must be an email address' });
        else if (!emails.includes(email)) emails.push(email);
      });
      out.emails = emails;
    }
  }
  for (const key of ['new_detractor', 'sla_breach'] as const) {
    const value = input[key];
    if (value === undefined) continue;
    if (typeof value === 'boolean') out[key] = value;
    else errors.push({ path: key, message: 'must be true or false' });
  }
  if (input.nps_drop !== undefined) {
    const drop = input.nps_drop;
    if (!isRecord(drop)) errors.push({ path: 'nps_drop', message: 'must be an object' });
    else {
      errors.push(...unknownKeyErrors(drop, NPS_DROP_KEYS, 'nps_drop'));
      if (drop.enabled !== undefined) {
        if (typeof drop.enabled === 'boolean') out.nps_drop.enabled = drop.enabled;
        else errors.push({ path: 'nps_drop.enabled', message: 'must be true or false' });
      }
      if (drop.recent_days !== undefined) {
        if (isIntegerIn(drop.recent_days, 1, MAX_RECENT_DAYS)) out.nps_drop.recent_days = drop.recent_days;
        else
          errors.push({
            path: 'nps_drop.recent_days',
            message: `must be a whole number of days from 1 to ${MAX_RECENT_DAYS}`,
          });
      }
      if (drop.baseline_days !== undefined) {
        if (isIntegerIn(drop.baseline_days, 1, MAX_BASELINE_DAYS))
          out.nps_drop.baseline_days = drop.baseline_days;
        else
          errors.push({
            path: 'nps_drop.baseline_days',
            message: `must be a whole number of days from 1 to ${MAX_BASELINE_DAYS}`,
          });
      }
      if (
        !errors.some((e) => e.path.startsWith('nps_drop.')) &&
        out.nps_drop.baseline_days < out.nps_drop.recent_days
      ) {
        errors.push({ path: 'nps_drop.baseline_days', message: 'must be at least recent_days' });
      }
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, value: out };
}

const stripDot = (e: FieldError): FieldError => ({ ...e, path: e.path.replace(/^\./, '') });

/**
 * The Slack URL as the API shows it: scheme, host and the last 4 characters, never the token.
 * @example maskSlackUrl('https://hooks.slack.com/services/T000/B000/abcdefgh1234') // 'https://hooks.slack.com/…1234'
 */
export function maskSlackUrl(url: string | null): string | null {
  if (url === null) return null;
  let origin = '';
  try {
    origin = new URL(url).origin;
  } catch {
    origin = '';
  }
  return `${origin}/…${url.length > 12 ? url.slice(-4) : ''}`;
}

// ---------------------------------------------------------------------------------------------
// Escaping

/** Slack's escaping of message text: `&`, `<`, `>` only (https://api.slack.com/reference/surfaces/formatting). */
export function slackEscape(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** A Slack link `<url|label>`: the URL is ours (no `|` or `>` in it), the label escaped. */
function slackLink(url: string, label: string): string {
  return `<${url.replace(/[|<>\s]/g, encodeURIComponent)}|${slackEscape(label).replaceAll('|', '¦')}>`;
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// ---------------------------------------------------------------------------------------------
// Messages

/** A Slack incoming-webhook payload: `text` is the notification's fallback, `blocks` the message. */
export interface SlackPayload {
  text: string;
  blocks: Record<string, unknown>[];
}

/** One alert, rendered for both channels. */
export interface AlertMessage {
  subject: string;
  text: string;
  html: string;
  slack: SlackPayload;
}

/** A line of an alert: a label and an untrusted value (escaped per channel), optionally a link. */
interface Line {
  label: string;
  value: string;
  href?: string;
}

/** Formats an instant in the workspace's zone and language, e.g. "26.11.2026, 09:30" / "Nov 26, 2026, 9:30 AM". */
export function formatTime(instant: Date, locale: AlertLocale, timeZone: string): string {
  try {
    return new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-US', {
      dateStyle: 'medium',
      timeStyle: 'short',
      timeZone,
    }).format(instant);
  } catch {
    return instant.toISOString();
  }
}

/** Renders headline, lines and a closing link for email (text + HTML) and Slack. */
function render(input: {
  subject: string;
  headline: string;
  lines: Line[];
  quote?: string | null;
  link?: { url: string; label: string } | null;
  footer: string;
}): AlertMessage {
  const { subject, headline, lines, quote, link, footer } = input;
  const quoteText = quote ? truncate(quote.trim(), 2000) : null;
  const text = [
    headline,
    '',
    ...lines.map((l) => `${l.label}: ${l.value}`),
    ...(quoteText ? ['', ...quoteText.split('\n').map((q) => `> ${q}`)] : []),
    ...(link ? ['', `${link.label}: ${link.url}`] : []),
    '',
    footer,
    '',
  ].join('\n');
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328">` +
    `<p style="font-size:16px"><strong>${escapeHtml(headline)}</strong></p><table>` +
    lines
      .map(
        (l) =>
          `<tr><td style="color:#57606a;padding-right:12px">${escapeHtml(l.label)}</td><td>${
            l.href ? `<a href="${escapeHtml(l.href)}">${escapeHtml(l.value)}</a>` : escapeHtml(l.value)
          }</td></tr>`,
      )
      .join('') +
    `</table>` +
    (quoteText
      ? `<blockquote style="border-left:3px solid #d0d7de;margin:12px 0;padding-left:12px;white-space:pre-wrap">${escapeHtml(quoteText)}</blockquote>`
      : '') +
    (link
      ? `<p><a href="${escapeHtml(link.url)}" style="display:inline-block;padding:8px 14px;background:#0b57d0;color:#fff;border-radius:6px;text-decoration:none">${escapeHtml(link.label)}</a></p>`
      : '') +
    `<p style="color:#57606a;font-size:12px">${escapeHtml(footer)}</p></body></html>`;
  const slackLines = lines.map(
    (l) => `*${slackEscape(l.label)}:* ${l.href ? slackLink(l.href, l.value) : slackEscape(l.value)}`,
  );
  const slackQuote = quoteText
    ? truncate(quoteText, 1500)
        .split('\n')
        .map((q) => `>${slackEscape(q)}`)
        .join('\n')
    : null;
  const blocks: Record<string, unknown>[] = [
    { type: 'section', text: { type: 'mrkdwn', text: `*${slackEscape(headline)}*` } },
    { type: 'section', text: { type: 'mrkdwn', text: truncate(slackLines.join('\n'), 2900) } },
  ];
  if (slackQuote) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackQuote } });
  if (link) {
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: slackLink(link.url, link.label) } });
  }
  return { subject, text, html, slack: { text: slackEscape(headline), blocks } };
}

const FOOTER = {
  en: (ws: string) => `Plaudit alert for ${ws}. Change where alerts go under Settings → Alerts.`,
  de: (ws: string) => `Plaudit-Hinweis für ${ws}. Wohin Hinweise gehen: Einstellungen → Hinweise.`,
};

export interface NewDetractorFacts {
  locale: AlertLocale;
  timeZone: string;
  workspaceName: string;
  score: number;
  comment: string | null;
  contactName: string | null;
  contactEmail: string | null;
  accountName: string | null;
  surveyName: string | null;
  respondedAt: Date;
  /** The follow-up case, when the playbook opened one. */
  caseNumber: number | null;
  caseUrl: string | null;
  dueAt: Date | null;
  owner: string | null;
  /** Where to look when there is no case (the response in the dashboard). */
  responseUrl: string;
}

/** "New detractor: 3/10 from Jane Doe (Acme)". */
export function newDetractorMessage(f: NewDetractorFacts): AlertMessage {
  const de = f.locale === 'de';
  const who = f.contactName ?? f.contactEmail ?? (de ? 'einer anonymen Person' : 'an anonymous respondent');
  const from = `${who}${f.accountName ? ` (${f.accountName})` : ''}`;
  const headline = de
    ? `Neuer Kritiker: ${f.score}/10 von ${from}`
    : `New detractor: ${f.score}/10 from ${from}`;
  const lines: Line[] = [{ label: de ? 'Bewertung' : 'Score', value: `${f.score}/10` }];
  if (f.contactName) lines.push({ label: de ? 'Kontakt' : 'Contact', value: f.contactName });
  if (f.contactEmail) lines.push({ label: 'E-Mail', value: f.contactEmail });
  if (f.accountName) lines.push({ label: de ? 'Firma' : 'Account', value: f.accountName });
  if (f.surveyName) lines.push({ label: de ? 'Umfrage' : 'Survey', value: f.surveyName });
  lines.push({
    label: de ? 'Geantwortet' : 'Answered',
    value: formatTime(f.respondedAt, f.locale, f.timeZone),
  });
  if (f.owner) lines.push({ label: de ? 'Zuständig' : 'Owner', value: f.owner });
  if (f.caseNumber !== null && f.caseUrl)
    lines.push({ label: de ? 'Fall' : 'Case', value: `#${f.caseNumber}`, href: f.caseUrl });
  if (f.dueAt) lines.push({ label: de ? 'Fällig' : 'Due', value: formatTime(f.dueAt, f.locale, f.timeZone) });
  return render({
    subject: de ? `Neuer Kritiker (${f.score}/10): ${from}` : `New detractor (${f.score}/10): ${from}`,
    headline,
    lines,
    quote: f.comment ?? (de ? '(kein Kommentar)' : '(no comment)'),
    link: f.caseUrl
      ? { url: f.caseUrl, label: de ? 'Fall öffnen' : 'Open the case' }
      : { url: f.responseUrl, label: de ? 'Antwort ansehen' : 'See the response' },
    footer: (de ? FOOTER.de : FOOTER.en)(f.workspaceName),
  });
}

export interface SlaBreachFacts {
  locale: AlertLocale;
  timeZone: string;
  workspaceName: string;
  caseNumber: number;
  title: string;
  owner: string | null;
  team: string | null;
  score: number | null;
  dueAt: Date;
  caseUrl: string;
  status: string;
}

/** "Case #12 is overdue". */
export function slaBreachMessage(f: SlaBreachFacts): AlertMessage {
  const de = f.locale === 'de';
  const headline = de
    ? `Fall #${f.caseNumber} ist überfällig: ${f.title}`
    : `Case #${f.caseNumber} is overdue: ${f.title}`;
  const lines: Line[] = [
    { label: de ? 'Fall' : 'Case', value: `#${f.caseNumber}`, href: f.caseUrl },
    { label: de ? 'Fällig war' : 'Was due', value: formatTime(f.dueAt, f.locale, f.timeZone) },
    { label: 'Status', value: f.status },
  ];
  if (f.score !== null) lines.push({ label: de ? 'Bewertung' : 'Score', value: `${f.score}/10` });
  lines.push({ label: de ? 'Zuständig' : 'Owner', value: f.owner ?? (de ? 'niemand' : 'nobody') });
  if (f.team) lines.push({ label: 'Team', value: f.team });
  return render({
    subject: de ? `Überfällig: Fall #${f.caseNumber}` : `Overdue: case #${f.caseNumber}`,
    headline,
    lines,
    link: { url: f.caseUrl, label: de ? 'Fall öffnen' : 'Open the case' },
    footer: (de ? FOOTER.de : FOOTER.en)(f.workspaceName),
  });
}

export interface NpsDropFacts {
  locale: AlertLocale;
  workspaceName: string;
  /** The 0-10 distributions of the recent window and of the baseline before it. */
  recent: readonly number[];
  baseline: readonly number[];
  recentDays: number;
  baselineDays: number;
  dashboardUrl: string;
}

/** Whether a comparison is worth an alert: a significant decrease, nothing else. */
export function isSignificantDrop(comparison: NpsComparison): boolean {
  return comparison.significant && comparison.verdict === 'decrease';
}

const npsWithMargin = (s: NpsSummary, locale: AlertLocale) =>
  s.npsRounded === null
    ? '–'
    : `${s.npsRounded} ± ${Math.round(s.marginOfError ?? 0)} (n = ${s.n.toLocaleString(locale === 'de' ? 'de-DE' : 'en-US')})`;

/**
 * "NPS dropped: down 14 points, likely real". Null unless the comparison (recent window against the
 * baseline, the dashboard's test) is a significant decrease.
 */
export function npsDropMessage(f: NpsDropFacts): AlertMessage | null {
  const comparison = compareNps(f.recent, f.baseline);
  if (!isSignificantDrop(comparison)) return null;
  const de = f.locale === 'de';
  const words = verdictText(comparison, f.locale);
  const headline = de ? `NPS gesunken: ${words}` : `NPS dropped: ${words}`;
  const lines: Line[] = [
    {
      label: de ? `Letzte ${f.recentDays} Tage` : `Last ${f.recentDays} days`,
      value: npsWithMargin(comparison.current, f.locale),
    },
    {
      label: de ? `Die ${f.baselineDays} Tage davor` : `The ${f.baselineDays} days before`,
      value: npsWithMargin(comparison.baseline, f.locale),
    },
    {
      label: 'p',
      value:
        comparison.pValue === null
          ? '–'
          : comparison.pValue < 0.001
            ? '< 0.001'
            : comparison.pValue.toFixed(3),
    },
  ];
  return render({
    subject: de ? `NPS gesunken (${words})` : `NPS dropped (${words})`,
    headline,
    lines,
    link: { url: f.dashboardUrl, label: de ? 'Dashboard öffnen' : 'Open the dashboard' },
    footer: (de ? FOOTER.de : FOOTER.en)(f.workspaceName),
  });
}

export interface EndpointDisabledFacts {
  locale: AlertLocale;
  workspaceName: string;
  url: string;
  reason: string;
  settingsUrl: string;
}

/** "A webhook endpoint was disabled". */
export function endpointDisabledMessage(f: EndpointDisabledFacts): AlertMessage {
  const de = f.locale === 'de';
  const headline = de ? 'Ein Webhook-Endpunkt wurde abgeschaltet' : 'A webhook endpoint was disabled';
  return render({
    subject: headline,
    headline,
    lines: [
      { label: 'URL', value: f.url },
      { label: de ? 'Grund' : 'Reason', value: f.reason },
    ],
    link: { url: f.settingsUrl, label: de ? 'Webhooks ansehen' : 'See the webhooks' },
    footer: (de ? FOOTER.de : FOOTER.en)(f.workspaceName),
  });
}

/** "Slack alerts stopped" (sent by email only, since Slack is the channel that broke). */
export function slackFailedMessage(f: {
  locale: AlertLocale;
  workspaceName: string;
  reason: string;
  settingsUrl: string;
}): AlertMessage {
  const de = f.locale === 'de';
  const headline = de
    ? 'Slack-Hinweise wurden eingestellt: Slack nimmt die Webhook-URL nicht mehr an'
    : 'Slack alerts stopped: Slack refuses the webhook URL';
  return render({
    subject: de ? 'Slack-Hinweise eingestellt' : 'Slack alerts stopped',
    headline,
    lines: [
      { label: de ? 'Grund' : 'Reason', value: f.reason },
      {
        label: de ? 'Was tun' : 'What to do',
        value: de
          ? 'Eine neue Incoming-Webhook-URL in den Einstellungen eintragen.'
          : 'Enter a new incoming-webhook URL in the settings.',
      },
    ],
    link: { url: f.settingsUrl, label: de ? 'Einstellungen öffnen' : 'Open the settings' },
    footer: (de ? FOOTER.de : FOOTER.en)(f.workspaceName),
  });
}

/** The message of `POST /alert-settings/test`. */
export function testMessage(f: { locale: AlertLocale; workspaceName: string }): SlackPayload {
  const text =
    f.locale === 'de'
      ? `Plaudit: Testnachricht für ${f.workspaceName}. Hinweise kommen hier an.`
      : `Plaudit: test message for ${f.workspaceName}. Alerts will arrive here.`;
  return {
    text: slackEscape(text),
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: slackEscape(text) } }],
  };
}

// ---------------------------------------------------------------------------------------------
// Digest

export type DigestPeriod = 'daily' | 'weekly';

export interface DigestCase {
  number: number;
  title: string;
  owner: string | null;
  createdAt: Date;
  dueAt: Date;
  url: string;
}

export interface DigestFacts {
  locale: AlertLocale;
  workspaceName: string;
  period: DigestPeriod;
  /** The local days the digest covers, e.g. 2026-11-23 … 2026-11-29. */
  from: string;
  to: string;
  /** The 0-10 distributions of the period and of the period before it. */
  current: readonly number[];
  previous: readonly number[];
  openCases: number;
  overdueCases: number;
  /** The oldest open cases, oldest first (at most a handful). */
  oldest: DigestCase[];
  dashboardUrl: string;
  casesUrl: string;
  now: Date;
}

/** The digest email: NPS with its margin, its change in words, the open and overdue cases. */
export function digestMessage(f: DigestFacts): { subject: string; text: string; html: string } {
  const de = f.locale === 'de';
  const comparison = compareNps(f.current, f.previous);
  const current = comparison.current;
  const nps = current.n === 0 ? (de ? 'keine Antworten' : 'no responses') : npsWithMargin(current, f.locale);
  const change = verdictText(comparison, f.locale);
  const range = f.from === f.to ? f.from : `${f.from} – ${f.to}`;
  const title =
    f.period === 'daily'
      ? de
        ? `Tägliche Zusammenfassung: ${f.workspaceName}`
        : `Daily digest: ${f.workspaceName}`
      : de
        ? `Wöchentliche Zusammenfassung: ${f.workspaceName}`
        : `Weekly digest: ${f.workspaceName}`;
  const previousLabel =
    f.period === 'daily'
      ? de
        ? 'zum Vortag'
        : 'vs the day before'
      : de
        ? 'zur Vorwoche'
        : 'vs the week before';
  const lines: Line[] = [
    { label: de ? 'Zeitraum' : 'Period', value: range },
    { label: 'NPS', value: nps },
    { label: de ? `Veränderung ${previousLabel}` : `Change ${previousLabel}`, value: change },
    { label: de ? 'Offene Fälle' : 'Open cases', value: String(f.openCases) },
    { label: de ? 'Davon überfällig' : 'Overdue', value: String(f.overdueCases) },
  ];
  const age = (c: DigestCase) => {
    const days = Math.floor((f.now.getTime() - c.createdAt.getTime()) / 86_400_000);
    return de ? (days === 1 ? '1 Tag' : `${days} Tage`) : days === 1 ? '1 day' : `${days} days`;
  };
  const caseLine = (c: DigestCase) =>
    `#${c.number} ${c.title} (${age(c)}${c.owner ? `, ${c.owner}` : ''}${
      c.dueAt.getTime() < f.now.getTime() ? (de ? ', überfällig' : ', overdue') : ''
    })`;
  const oldestTitle = de ? 'Die ältesten offenen Fälle' : 'The oldest open cases';
  const text = [
    title,
    '',
    ...lines.map((l) => `${l.label}: ${l.value}`),
    ...(f.oldest.length ? ['', `${oldestTitle}:`, ...f.oldest.map((c) => `- ${caseLine(c)}: ${c.url}`)] : []),
    '',
    `${de ? 'Dashboard' : 'Dashboard'}: ${f.dashboardUrl}`,
    '',
    de
      ? 'Sie erhalten diese E-Mail, weil Sie sie in Plaudit unter „Ihr Konto“ bestellt haben.'
      : 'You get this email because you chose it in Plaudit under "Your account".',
    '',
  ].join('\n');
  const html =
    `<!doctype html><html><body style="font-family:system-ui,sans-serif;color:#1f2328">` +
    `<p style="font-size:16px"><strong>${escapeHtml(title)}</strong></p><table>` +
    lines
      .map(
        (l) =>
          `<tr><td style="color:#57606a;padding-right:12px">${escapeHtml(l.label)}</td><td>${escapeHtml(l.value)}</td></tr>`,
      )
      .join('') +
    `</table>` +
    (f.oldest.length
      ? `<p><strong>${escapeHtml(oldestTitle)}</strong></p><ul>${f.oldest
          .map((c) => `<li><a href="${escapeHtml(c.url)}">${escapeHtml(caseLine(c))}</a></li>`)
          .join('')}</ul>`
      : '') +
    `<p><a href="${escapeHtml(f.dashboardUrl)}">${de ? 'Dashboard öffnen' : 'Open the dashboard'}</a> · ` +
    `<a href="${escapeHtml(f.casesUrl)}">${de ? 'Alle Fälle' : 'All cases'}</a></p>` +
    `<p style="color:#57606a;font-size:12px">${escapeHtml(
      de
        ? 'Sie erhalten diese E-Mail, weil Sie sie in Plaudit unter „Ihr Konto“ bestellt haben.'
        : 'You get this email because you chose it in Plaudit under "Your account".',
    )}</p></body></html>`;
  const subject = `${title} · NPS ${current.npsRounded ?? '–'} (${change})`;
  return { subject, text, html };
}

/**
 * Whether a digest is due at this local wall-clock reading: at or after 08:00, every day for
 * `daily`, on Mondays for `weekly`, and not yet sent on this local day (`lastDay`).
 */
export function digestDue(
  period: DigestPeriod,
  local: { day: string; msOfDay: number; weekday: number },
  lastDay: string | null,
): boolean {
  if (local.msOfDay < DIGEST_HOUR * 3_600_000) return false;
  if (period === 'weekly' && local.weekday !== 1) return false;
  return lastDay === null || lastDay < local.day;
}

/** The local hour from which digests (and the daily NPS-drop check) go out. */
export const DIGEST_HOUR = 8;

// ---------------------------------------------------------------------------------------------
// Slack's answers

/**
 * What Slack's answer to a post means:
 * - `delivered`: 2xx;
 * - `gone`: the URL is dead for good (404, 410, or a body naming a revoked token, a removed app or
 *   channel: `invalid_token`, `no_service`, `channel_not_found`, `channel_is_archived`, `no_team`,
 *   `team_disabled`, `no_active_hooks`, `action_prohibited`): stop posting to it and tell someone;
 * - `rejected`: this message was refused (another 4xx, e.g. `invalid_payload`): not retried, the URL kept;
 * - `retry`: 429, 5xx, no answer in time or a network error: try again later.
 */
export type SlackOutcome = 'delivered' | 'gone' | 'rejected' | 'retry';

const SLACK_GONE_BODIES =
  /\b(invalid_token|no_service|channel_not_found|channel_is_archived|no_team|team_disabled|no_active_hooks|action_prohibited)\b/;

export function slackOutcome(statusCode: number | null, body: string | null): SlackOutcome {
  if (statusCode === null) return 'retry';
  if (statusCode >= 200 && statusCode < 300) return 'delivered';
  if (statusCode === 429 || statusCode >= 500) return 'retry';
  if (statusCode === 404 || statusCode === 410 || SLACK_GONE_BODIES.test(body ?? '')) return 'gone';
  if (statusCode === 408) return 'retry';
  return 'rejected';
}

// ---------------------------------------------------------------------------------------------
// Windows

/**
 * The NPS-drop check's windows on local `today`: the last `recentDays` full days (up to
 * yesterday) against the `baselineDays` full days before them.
 * @example compareAlertWindows('2026-11-26', 7, 90)
 * // { recent: { from: '2026-11-19', to: '2026-11-25' }, baseline: { from: '2026-08-21', to: '2026-11-18' } }
 */
export function compareAlertWindows(today: string, recentDays: number, baselineDays: number) {
  return {
    recent: { from: addDays(today, -recentDays), to: addDays(today, -1) },
    baseline: { from: addDays(today, -recentDays - baselineDays), to: addDays(today, -recentDays - 1) },
  };
}

/** A digest's period on local `today`: yesterday (daily) or the last 7 days (weekly), and the one before. */
export function digestWindows(today: string, period: DigestPeriod) {
  const days = period === 'daily' ? 1 : 7;
  return {
    current: { from: addDays(today, -days), to: addDays(today, -1) },
    previous: { from: addDays(today, -2 * days), to: addDays(today, -days - 1) },
  };
}
