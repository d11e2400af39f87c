/**
 * The alert settings (Settings → Alerts: Slack, extra addresses, which alerts, a test message) and
 * the signed-in user's own digest email (Settings → Your account). The Slack URL is a secret: the
 * API shows only its end, so the field starts empty and is sent only when something was typed.
 */
import { useEffect, useState } from 'preact/hooks';
import { api, get, post } from '../api';
import { FieldError, type FieldProblem, messageOf, problemOf } from '../components/problem';
import { defineMessages, useI18n, useMessages } from '../i18n';
import type { Role, Session } from '../types';

const M = defineMessages({
  en: {
    alerts_title: 'Alerts',
    alerts_lead:
      'Alerts go to the owner of a case when it is an email address, else to the addresses below, else to the owners and admins; and to Slack when a URL is set.',
    slack_url: 'Slack incoming-webhook URL',
    slack_current: 'Set: {url}. Type a new URL to replace it.',
    slack_none: 'No Slack URL is set.',
    slack_failed: 'Slack stopped accepting this URL ({reason}); nothing is posted until you set a new one.',
    slack_remove: 'Remove Slack',
    slack_test: 'Send a test message',
    slack_test_ok: 'Slack received the test message.',
    slack_test_failed: 'Slack did not take it: {detail}',
    emails: 'Alert addresses (one per line)',
    email_line: 'line {line} ({email})',
    new_detractor: 'A new detractor (score 0-6)',
    sla_breach: 'A follow-up case is overdue',
    nps_drop:
      'The NPS of the last 7 days dropped significantly against the 90 days before (checked daily at 8:00)',
    save: 'Save',
    saved: 'Saved.',
    read_only: 'You can read these settings; only admins and owners can change them.',
    digest_title: 'Digest email',
    digest_lead: 'NPS, its change and the open cases of this workspace, by email at 8:00 (workspace time).',
    digest_off: 'None',
    digest_daily: 'Daily',
    digest_weekly: 'Weekly, on Mondays',
  },
  de: {
    alerts_title: 'Hinweise',
    alerts_lead:
      'Hinweise gehen an die zuständige Person eines Falls, wenn sie eine E-Mail-Adresse ist, sonst an die Adressen unten, sonst an Inhaber und Admins; und an Slack, wenn eine URL eingetragen ist.',
    slack_url: 'Slack-Incoming-Webhook-URL',
    slack_current: 'Eingetragen: {url}. Eine neue URL eingeben, um sie zu ersetzen.',
    slack_none: 'Keine Slack-URL eingetragen.',
    slack_failed:
      'Slack nimmt diese URL nicht mehr an ({reason}); bis zu einer neuen URL wird nichts gesendet.',
    slack_remove: 'Slack entfernen',
    slack_test: 'Testnachricht senden',
    slack_test_ok: 'Slack hat die Testnachricht erhalten.',
    slack_test_failed: 'Slack hat sie nicht angenommen: {detail}',
    emails: 'Adressen für Hinweise (eine pro Zeile)',
    email_line: 'Zeile {line} ({email})',
    new_detractor: 'Ein neuer Kritiker (Bewertung 0-6)',
    sla_breach: 'Ein Fall ist überfällig',
    nps_drop:
      'Der NPS der letzten 7 Tage ist gegenüber den 90 Tagen davor signifikant gesunken (täglich um 8:00 geprüft)',
    save: 'Speichern',
    saved: 'Gespeichert.',
    read_only: 'Sie können diese Einstellungen lesen; ändern können sie nur Admins und Inhaber.',
    digest_title: 'Zusammenfassung per E-Mail',
    digest_lead: 'NPS, seine Veränderung und die offenen Fälle dieses Arbeitsbereichs, per E-Mail um 8:00.',
    digest_off: 'Keine',
    digest_daily: 'Täglich',
    digest_weekly: 'Wöchentlich, montags',
  },
});

interface AlertSettings {
  slack_webhook_url: string | null;
  slack_failure: { at: string; reason: string } | null;
  emails: string[];
  new_detractor: boolean;
  sla_breach: boolean;
  nps_drop: { enabled: boolean; recent_days: number; baseline_days: number };
}

const canManage = (role: Role) => role === 'owner' || role === 'admin';
/** The API's error at the Slack URL or an alert address ("emails.1"), else null. */
function fieldProblemOf(err: unknown): FieldProblem | null {
  const problem = problemOf(err, '');
  const field = problem.field;
  if (!field || (field !== 'slack_webhook_url' && field !== 'emails' && !field.startsWith('emails.')))
    return null;
  return problem;
}

export function AlertsSection({ session }: { session: Session }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const [settings, setSettings] = useState<AlertSettings | null>(null);
  const [url, setUrl] = useState('');
  const [emails, setEmails] = useState('');
  const [flags, setFlags] = useState({ new_detractor: true, sla_breach: true, nps_drop: true });
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  const [fieldProblem, setFieldProblem] = useState<FieldProblem | null>(null);
  const [sent, setSent] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const manage = canManage(session.role);

  const show = (s: AlertSettings) => {
    setSettings(s);
    setEmails(s.emails.join('\n'));
    setFlags({ new_detractor: s.new_detractor, sla_breach: s.sla_breach, nps_drop: s.nps_drop.enabled });
  };
  useEffect(() => {
    get<AlertSettings>('/alert-settings').then(show, (err) => setProblem(messageOf(err, t('error_generic'))));
  }, []);
  if (!settings) return problem ? <p class="error">{problem}</p> : <p aria-busy="true">{t('loading')}</p>;

  const save = async (body: Record<string, unknown>) => {
    setBusy(true);
    setStatus('');
    setProblem('');
    setFieldProblem(null);
    if (Array.isArray(body.emails)) setSent(body.emails as string[]);
    try {
      show(await api<AlertSettings>('PUT', '/alert-settings', { body }));
      setUrl('');
      setStatus(m('saved'));
    } catch (err) {
      const atField = fieldProblemOf(err);
      if (atField) setFieldProblem(atField);
      else setProblem(messageOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const body: Record<string, unknown> = {
      emails: emails
        .split('\n')
        .map((x) => x.trim())
        .filter(Boolean),
      new_detractor: flags.new_detractor,
      sla_breach: flags.sla_breach,
      nps_drop: { enabled: flags.nps_drop },
    };
    if (url.trim()) body.slack_webhook_url = url.trim();
    return save(body);
  };
  const test = async () => {
    setBusy(true);
    setStatus('');
    setProblem('');
    setFieldProblem(null);
    try {
      const r = await post<{ delivered: boolean; detail: string }>('/alert-settings/test');
      if (r.delivered) setStatus(m('slack_test_ok'));
      else setProblem(m('slack_test_failed', { detail: r.detail }));
    } catch (err) {
      setProblem(messageOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const urlError = fieldProblem?.field === 'slack_webhook_url' ? fieldProblem : null;
  const emailsError = fieldProblem?.field?.startsWith('emails') ? fieldProblem : null;
  // "emails.1" names the second address sent: say which line that is.
  const emailIndex = emailsError ? /^emails\.(\d+)$/.exec(emailsError.field ?? '')?.[1] : undefined;
  const emailsLabel =
    emailIndex !== undefined && sent[Number(emailIndex)] !== undefined
      ? `${m('emails')}, ${m('email_line', { line: Number(emailIndex) + 1, email: sent[Number(emailIndex)]! })}`
      : m('emails');
  const flag = (key: keyof typeof flags) => (
    <div class="field checkbox" key={key}>
      <input
        id={`alert-${key}`}
        type="checkbox"
        checked={flags[key]}
        disabled={!manage}
        onChange={(e) => setFlags({ ...flags, [key]: e.currentTarget.checked })}
      />
      <label for={`alert-${key}`}>{m(key)}</label>
    </div>
  );
  return (
    <section class="card settings-card" aria-labelledby="alerts-title" data-testid="alert-settings">
      <h2 id="alerts-title">{m('alerts_title')}</h2>
      <p class="muted">{m('alerts_lead')}</p>
      {!manage && <p class="muted">{m('read_only')}</p>}
      <form class="settings-form" onSubmit={submit} noValidate>
        <div class="field">
          <label for="alert-slack-url">{m('slack_url')}</label>
          <input
            id="alert-slack-url"
            type="url"
            autocomplete="off"
            spellcheck={false}
            placeholder="https://hooks.slack.com/services/…"
            value={url}
            disabled={!manage}
            onInput={(e) => setUrl(e.currentTarget.value)}
            aria-invalid={urlError ? 'true' : undefined}
            aria-describedby={`alert-slack-state${urlError ? ' alert-slack-url-error' : ''}`}
          />
          <FieldError id="alert-slack-url-error" label={m('slack_url')} problem={urlError} />
          <p id="alert-slack-state" class="muted small">
            {settings.slack_webhook_url
              ? m('slack_current', { url: settings.slack_webhook_url })
              : m('slack_none')}
          </p>
          {settings.slack_failure && (
            <p class="error" role="alert">
              {m('slack_failed', { reason: settings.slack_failure.reason })}
            </p>
          )}
        </div>
        <div class="field">
          <label for="alert-emails">{m('emails')}</label>
          <textarea
            id="alert-emails"
            rows={3}
            value={emails}
            disabled={!manage}
            onInput={(e) => setEmails(e.currentTarget.value)}
            aria-invalid={emailsError ? 'true' : undefined}
            aria-describedby={emailsError ? 'alert-emails-error' : undefined}
          />
          <FieldError id="alert-emails-error" label={emailsLabel} problem={emailsError} />
        </div>
        {flag('new_detractor')}
        {flag('sla_breach')}
        {flag('nps_drop')}
        {problem && (
          <p class="error" role="alert">
            {problem}
          </p>
        )}
        {manage && (
          <div class="actions">
            <button type="submit" disabled={busy}>
              {m('save')}
            </button>
            {settings.slack_webhook_url && (
              <>
                <button type="button" class="secondary" disabled={busy} onClick={test}>
                  {m('slack_test')}
                </button>
                <button
                  type="button"
                  class="secondary"
                  disabled={busy}
                  onClick={() => save({ slack_webhook_url: null })}
                >
                  {m('slack_remove')}
                </button>
              </>
            )}
            {status && (
              <p class="settings-status" role="status">
                {status}
              </p>
            )}
          </div>
        )}
      </form>
    </section>
  );
}

type Digest = 'off' | 'daily' | 'weekly';

/** The signed-in user's digest choice in this workspace (saved on change). */
export function DigestCard() {
  const m = useMessages(M);
  const { t } = useI18n();
  const [digest, setDigest] = useState<Digest | null>(null);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState('');
  useEffect(() => {
    get<{ digest: Digest }>('/auth/me/digest').then(
      (r) => setDigest(r.digest),
      (err) => setProblem(messageOf(err, t('error_generic'))),
    );
  }, []);
  const choose = async (value: Digest) => {
    setStatus('');
    setProblem('');
    try {
      const r = await api<{ digest: Digest }>('PUT', '/auth/me/digest', { body: { digest: value } });
      setDigest(r.digest);
      setStatus(m('saved'));
    } catch (err) {
      setProblem(messageOf(err, t('error_generic')));
    }
  };
  return (
    <section class="card settings-card" aria-labelledby="digest-title" data-testid="digest-settings">
      <h2 id="digest-title">{m('digest_title')}</h2>
      <p class="muted">{m('digest_lead')}</p>
      {digest === null ? (
        problem ? (
          <p class="error">{problem}</p>
        ) : (
          <p aria-busy="true">{t('loading')}</p>
        )
      ) : (
        <fieldset class="settings-form">
          <legend class="visually-hidden">{m('digest_title')}</legend>
          {(['off', 'daily', 'weekly'] as const).map((value) => (
            <div class="field checkbox" key={value}>
              <input
                id={`digest-${value}`}
                type="radio"
                name="digest"
                value={value}
                checked={digest === value}
                onChange={() => choose(value)}
              />
              <label for={`digest-${value}`}>{m(`digest_${value}`)}</label>
            </div>
          ))}
          {problem && (
            <p class="error" role="alert">
              {problem}
            </p>
          )}
          {status && (
            <p class="settings-status" role="status">
              {status}
            </p>
          )}
        </fieldset>
      )}
    </section>
  );
}
