/**
 * Integrations: webhook endpoints with their delivery log, and CRM connections (docs/API.md
 * "Webhooks" and "CRM sync", docs/INTEGRATIONS.md). Everything goes through the public API; what
 * the role cannot do (admins and owners manage, everyone reads) is not offered, and the API refuses
 * it anyway. Secrets are shown once: a webhook's signing secret right after it was made or rotated;
 * a CRM token never (the API returns only its last four characters). Everything the server sends
 * (URLs, descriptions, receivers' answers, errors) is rendered as text.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useId, useRef, useState } from 'preact/hooks';
import { api, get, patch, post } from '../api';
import { ConfirmButton } from '../components/confirm-button';
import { CopyField } from '../components/copy-field';
import { FieldError, type FieldProblem, problemOf, Status } from '../components/problem';
import { defineMessages, type Locale, useI18n, useMessages } from '../i18n';
import type { PageContext } from '../routes';
import type { Role } from '../types';

/** The events an endpoint can subscribe to (core/webhooks.ts WEBHOOK_EVENT_TYPES). */
const WEBHOOK_EVENTS = [
  'response.created',
  'response.updated',
  'case.opened',
  'case.closed',
  'contact.unsubscribed',
  'testimonial.approved',
] as const;
type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A credential the API takes for a CRM: a field of POST /crm-connections. */
interface CrmCredential {
  field: string;
  label: Record<Locale, string>;
  help: Record<Locale, string>;
  /** Typed into a password field and never shown again (the API returns only its last four characters). */
  secret: boolean;
}

/**
 * The CRMs one can connect (core/crm-mapping.ts CRM_PROVIDERS). A new one is one entry here: its
 * name, default API root (null: the base URL is required, e.g. an org's own domain) and the
 * credentials the API takes for it. A connection to a provider missing here is still listed,
 * under its id.
 */
export const CRM_PROVIDERS: readonly {
  id: string;
  name: string;
  defaultUrl: string | null;
  credentials: readonly CrmCredential[];
}[] = [
  {
    id: 'hubspot',
    name: 'HubSpot',
    defaultUrl: 'https://api.hubapi.com',
    credentials: [
      {
        field: 'token',
        label: { en: 'API token', de: 'API-Token' },
        help: {
          en: 'The access token (pat-…) of a private app: Settings → Integrations → Private Apps.',
          de: 'Das Zugriffstoken (pat-…) einer privaten App: Einstellungen → Integrationen → Private Apps.',
        },
        secret: true,
      },
    ],
  },
  {
    id: 'pipedrive',
    name: 'Pipedrive',
    defaultUrl: 'https://api.pipedrive.com',
    credentials: [
      {
        field: 'token',
        label: { en: 'API token', de: 'API-Token' },
        help: {
          en: 'The personal API token: Personal preferences → API.',
          de: 'Das persönliche API-Token: Persönliche Einstellungen → API.',
        },
        secret: true,
      },
    ],
  },
  {
    id: 'salesforce',
    name: 'Salesforce',
    defaultUrl: null,
    credentials: [
      {
        field: 'client_id',
        label: { en: 'Consumer key (client ID)', de: 'Consumer Key (Client-ID)' },
        help: {
          en: 'Of a connected app with the client credentials flow enabled (docs/INTEGRATIONS.md).',
          de: 'Einer verbundenen App mit aktiviertem Client-Credentials-Flow (docs/INTEGRATIONS.md).',
        },
        secret: false,
      },
      {
        field: 'client_secret',
        label: { en: 'Consumer secret', de: 'Consumer Secret' },
        help: {
          en: 'Sent once; only its last four characters are shown afterwards.',
          de: 'Wird einmal gesendet; danach sind nur die letzten vier Zeichen zu sehen.',
        },
        secret: true,
      },
    ],
  },
];

const canManage = (role: Role) => role === 'admin' || role === 'owner';

const M = defineMessages({
  en: {
    title: 'Integrations',
    lead: 'Send events to your own systems with webhooks, and keep NPS answers in step with your CRM.',
    read_only: 'You can see the integrations; only admins and owners can change them.',
    never: 'never',
    refresh: 'Refresh',
    saved: 'Saved.',
    // webhooks
    wh_title: 'Webhooks',
    wh_lead:
      'Plaudit posts each event as signed JSON to the endpoints that subscribe to it, and retries failed deliveries for three days.',
    wh_none: 'No webhook endpoints yet.',
    wh_add_title: 'Add an endpoint',
    wh_url: 'Endpoint URL',
    wh_url_hint: 'An http(s) address that answers 2xx within 10 seconds.',
    wh_description: 'Description (optional)',
    wh_events: 'Events',
    wh_add: 'Add endpoint',
    wh_added: 'The endpoint was added.',
    wh_events_of: 'Events: {events}',
    wh_state_active: 'Active',
    wh_state_disabled: 'Disabled',
    wh_disabled_since: 'Disabled {date}: {reason}',
    wh_disabled_no_reason: 'Disabled {date}.',
    wh_failures: '{n} failed attempts in a row',
    wh_rest_hook: 'REST hook',
    wh_created: 'Added {date}',
    wh_enable: 'Enable',
    wh_disable: 'Disable',
    wh_enabled: 'The endpoint is enabled again. Redeliver what it missed from its log.',
    wh_disabled_done: 'The endpoint is disabled: nothing is sent to it until you enable it.',
    wh_rotate: 'Rotate secret',
    wh_rotate_confirm: 'Make a new signing secret? The current one stops working at once.',
    wh_delete: 'Delete',
    wh_delete_confirm: 'Delete {url} and its delivery log?',
    wh_deleted: 'The endpoint was deleted.',
    wh_secret_title: 'Signing secret of {url}',
    wh_secret_warning:
      'Copy it now and keep it safe: it is shown only this once. Your endpoint needs it to check that a request comes from Plaudit.',
    wh_secret_done: 'I have copied it',
    wh_verify_title: 'How to verify a delivery',
    wh_verify_1: 'Read the header Plaudit-Signature: t=<unix seconds>,v1=<hex>.',
    wh_verify_2:
      'Compute the HMAC-SHA256 of “<t>.<raw body>” keyed with the whole secret (whsec_…), over the raw bytes before parsing the JSON.',
    wh_verify_3:
      'Accept the request only if it equals v1 (compare in constant time) and t is at most 5 minutes old; drop a Plaudit-Delivery id you already processed.',
    wh_verify_docs: 'Code and details: docs/API.md, section “Webhooks”; the routes are in the',
    wh_verify_openapi: 'API reference (OpenAPI)',
    wh_log_show: 'Delivery log',
    wh_log_hide: 'Hide delivery log',
    // delivery log
    log_title: 'Delivery log of {url}',
    log_none: 'No deliveries yet.',
    log_status: 'Status',
    log_event: 'Event',
    log_attempts: 'Attempts',
    log_code: 'Response',
    log_time: 'Time',
    log_actions: 'Actions',
    log_body: 'Response body',
    log_body_empty: '(empty)',
    log_error: 'Error: {error}',
    log_next: 'Next attempt {date}',
    log_more: 'Load older deliveries',
    log_redeliver: 'Redeliver',
    log_redelivered: 'The delivery is being sent again.',
    status_pending: 'Pending',
    status_succeeded: 'Succeeded',
    status_failed: 'Failed',
    status_gave_up: 'Gave up',
    // CRM
    crm_title: 'CRM',
    crm_lead:
      'Plaudit writes each contact’s latest score, category, comment and date to the CRM, and reads its contacts and companies every hour.',
    crm_none: 'No CRM is connected.',
    crm_connect_title: 'Connect a CRM',
    crm_provider: 'CRM',
    crm_base_url_required: 'API base URL',
    crm_token_note: 'Stored to call the CRM; it is never shown again, only its last four characters.',
    crm_advanced: 'Advanced',
    crm_base_url: 'API base URL (optional)',
    crm_base_url_hint: 'Only for a proxy; default {url}.',
    crm_push: 'Write NPS answers to the CRM (push)',
    crm_pull: 'Read contacts and companies from the CRM (pull)',
    crm_connect: 'Connect',
    crm_connected: '{name} is connected; the first sync is running.',
    crm_all_connected: 'Every CRM Plaudit supports is connected.',
    crm_state_active: 'Active',
    crm_state_paused: 'Paused',
    crm_token_hint: 'Token',
    crm_client_id: 'Client ID',
    crm_url: 'API',
    crm_directions: 'Directions',
    crm_push_short: 'push',
    crm_pull_short: 'pull',
    crm_last_push: 'Last push',
    crm_last_pull: 'Last pull',
    crm_last_run: 'Last run',
    crm_counts:
      '{pushed} pushed, {not_found} not found in the CRM, {failed} refused; {contacts} contacts and {accounts} companies read',
    crm_last_error: 'Last error ({date})',
    crm_sync: 'Sync now',
    crm_sync_started: 'The sync is running; this list updates when it has finished.',
    crm_pause: 'Pause',
    crm_resume: 'Resume',
    crm_paused: 'The sync is paused.',
    crm_resumed: 'The sync runs again.',
    crm_disconnect: 'Disconnect',
    crm_disconnect_confirm:
      'Disconnect {name}? The sync stops; contacts and companies it brought stay in Plaudit.',
    crm_disconnected: '{name} was disconnected.',
  },
  de: {
    title: 'Integrationen',
    lead: 'Senden Sie Ereignisse per Webhook an Ihre eigenen Systeme und halten Sie NPS-Antworten mit Ihrem CRM abgeglichen.',
    read_only: 'Sie können die Integrationen sehen; ändern können sie nur Admins und Inhaber.',
    never: 'nie',
    refresh: 'Aktualisieren',
    saved: 'Gespeichert.',
    wh_title: 'Webhooks',
    wh_lead:
      'Plaudit sendet jedes Ereignis als signiertes JSON an die Endpunkte, die es abonniert haben, und wiederholt fehlgeschlagene Zustellungen drei Tage lang.',
    wh_none: 'Noch keine Webhook-Endpunkte.',
    wh_add_title: 'Endpunkt hinzufügen',
    wh_url: 'URL des Endpunkts',
    wh_url_hint: 'Eine http(s)-Adresse, die innerhalb von 10 Sekunden mit 2xx antwortet.',
    wh_description: 'Beschreibung (optional)',
    wh_events: 'Ereignisse',
    wh_add: 'Endpunkt hinzufügen',
    wh_added: 'Der Endpunkt wurde hinzugefügt.',
    wh_events_of: 'Ereignisse: {events}',
    wh_state_active: 'Aktiv',
    wh_state_disabled: 'Deaktiviert',
    wh_disabled_since: 'Deaktiviert am {date}: {reason}',
    wh_disabled_no_reason: 'Deaktiviert am {date}.',
    wh_failures: '{n} fehlgeschlagene Versuche in Folge',
    wh_rest_hook: 'REST-Hook',
    wh_created: 'Hinzugefügt am {date}',
    wh_enable: 'Aktivieren',
    wh_disable: 'Deaktivieren',
    wh_enabled: 'Der Endpunkt ist wieder aktiv. Stellen Sie Verpasstes aus seinem Protokoll erneut zu.',
    wh_disabled_done: 'Der Endpunkt ist deaktiviert: Bis Sie ihn aktivieren, wird ihm nichts gesendet.',
    wh_rotate: 'Secret erneuern',
    wh_rotate_confirm: 'Ein neues Signatur-Secret erzeugen? Das bisherige gilt sofort nicht mehr.',
    wh_delete: 'Löschen',
    wh_delete_confirm: '{url} und sein Zustellprotokoll löschen?',
    wh_deleted: 'Der Endpunkt wurde gelöscht.',
    wh_secret_title: 'Signatur-Secret von {url}',
    wh_secret_warning:
      'Kopieren Sie es jetzt und bewahren Sie es sicher auf: Es wird nur dieses eine Mal gezeigt. Ihr Endpunkt prüft damit, dass eine Anfrage von Plaudit kommt.',
    wh_secret_done: 'Ich habe es kopiert',
    wh_verify_title: 'So prüfen Sie eine Zustellung',
    wh_verify_1: 'Lesen Sie den Header Plaudit-Signature: t=<Unix-Sekunden>,v1=<hex>.',
    wh_verify_2:
      'Berechnen Sie den HMAC-SHA256 von „<t>.<roher Body>“ mit dem ganzen Secret (whsec_…) als Schlüssel, über die rohen Bytes, bevor Sie das JSON parsen.',
    wh_verify_3:
      'Nehmen Sie die Anfrage nur an, wenn er v1 gleicht (in konstanter Zeit vergleichen) und t höchstens 5 Minuten alt ist; verwerfen Sie eine schon verarbeitete Plaudit-Delivery-ID.',
    wh_verify_docs: 'Code und Einzelheiten: docs/API.md, Abschnitt „Webhooks“; die Routen stehen in der',
    wh_verify_openapi: 'API-Referenz (OpenAPI)',
    wh_log_show: 'Zustellprotokoll',
    wh_log_hide: 'Zustellprotokoll ausblenden',
    log_title: 'Zustellprotokoll von {url}',
    log_none: 'Noch keine Zustellungen.',
    log_status: 'Status',
    log_event: 'Ereignis',
    log_attempts: 'Versuche',
    log_code: 'Antwort',
    log_time: 'Zeit',
    log_actions: 'Aktionen',
    log_body: 'Antwort-Body',
    log_body_empty: '(leer)',
    log_error: 'Fehler: {error}',
    log_next: 'Nächster Versuch {date}',
    log_more: 'Ältere Zustellungen laden',
    log_redeliver: 'Erneut zustellen',
    log_redelivered: 'Die Zustellung wird erneut gesendet.',
    status_pending: 'Ausstehend',
    status_succeeded: 'Zugestellt',
    status_failed: 'Fehlgeschlagen',
    status_gave_up: 'Aufgegeben',
    crm_title: 'CRM',
    crm_lead:
      'Plaudit schreibt die letzte Bewertung, Kategorie, den Kommentar und das Datum jedes Kontakts ins CRM und liest stündlich dessen Kontakte und Firmen.',
    crm_none: 'Kein CRM ist verbunden.',
    crm_connect_title: 'CRM verbinden',
    crm_provider: 'CRM',
    crm_base_url_required: 'API-Basis-URL',
    crm_token_note:
      'Wird gespeichert, um das CRM aufzurufen; es wird nie wieder angezeigt, nur seine letzten vier Zeichen.',
    crm_advanced: 'Erweitert',
    crm_base_url: 'API-Basis-URL (optional)',
    crm_base_url_hint: 'Nur für einen Proxy; Standard {url}.',
    crm_push: 'NPS-Antworten ins CRM schreiben (Push)',
    crm_pull: 'Kontakte und Firmen aus dem CRM lesen (Pull)',
    crm_connect: 'Verbinden',
    crm_connected: '{name} ist verbunden; der erste Abgleich läuft.',
    crm_all_connected: 'Alle CRMs, die Plaudit unterstützt, sind verbunden.',
    crm_state_active: 'Aktiv',
    crm_state_paused: 'Pausiert',
    crm_token_hint: 'Token',
    crm_client_id: 'Client-ID',
    crm_url: 'API',
    crm_directions: 'Richtungen',
    crm_push_short: 'Push',
    crm_pull_short: 'Pull',
    crm_last_push: 'Letzter Push',
    crm_last_pull: 'Letzter Pull',
    crm_last_run: 'Letzter Lauf',
    crm_counts:
      '{pushed} geschrieben, {not_found} nicht im CRM gefunden, {failed} abgelehnt; {contacts} Kontakte und {accounts} Firmen gelesen',
    crm_last_error: 'Letzter Fehler ({date})',
    crm_sync: 'Jetzt abgleichen',
    crm_sync_started: 'Der Abgleich läuft; diese Liste wird aktualisiert, wenn er fertig ist.',
    crm_pause: 'Pausieren',
    crm_resume: 'Fortsetzen',
    crm_paused: 'Der Abgleich ist pausiert.',
    crm_resumed: 'Der Abgleich läuft wieder.',
    crm_disconnect: 'Trennen',
    crm_disconnect_confirm:
      '{name} trennen? Der Abgleich endet; Kontakte und Firmen, die er gebracht hat, bleiben in Plaudit.',
    crm_disconnected: '{name} wurde getrennt.',
  },
});

const EVENT_TEXTS = defineMessages({
  en: {
    'response.created': 'a new response',
    'response.updated': 'a response changed (score, comment or consent)',
    'case.opened': 'a follow-up case was opened',
    'case.closed': 'a follow-up case was closed',
    'contact.unsubscribed': 'a contact unsubscribed',
    'testimonial.approved': 'a testimonial was approved',
  },
  de: {
    'response.created': 'eine neue Antwort',
    'response.updated': 'eine Antwort wurde geändert (Bewertung, Kommentar oder Einwilligung)',
    'case.opened': 'ein Fall wurde eröffnet',
    'case.closed': 'ein Fall wurde geschlossen',
    'contact.unsubscribed': 'ein Kontakt hat sich abgemeldet',
    'testimonial.approved': 'eine Kundenstimme wurde freigegeben',
  },
});

// --- API shapes (docs/API.md "Webhooks", "CRM sync") ---------------------------------------------

interface Endpoint {
  id: string;
  url: string;
  description: string | null;
  events: string[];
  source: 'api' | 'rest_hook';
  active: boolean;
  disabled_at: string | null;
  disabled_reason: string | null;
  consecutive_failures: number;
  created_at: string;
  updated_at: string;
}

type DeliveryStatus = 'pending' | 'succeeded' | 'failed' | 'gave_up';

interface Delivery {
  id: string;
  endpoint_id: string;
  event_type: string;
  event_id: string;
  status: DeliveryStatus;
  attempts: number;
  last_status_code: number | null;
  last_response_body: string | null;
  last_error: string | null;
  last_attempt_at: string | null;
  next_attempt_at: string | null;
  created_at: string;
  updated_at: string;
}

interface CrmConnection {
  id: string;
  provider: string;
  base_url: string;
  token_hint: string;
  /** Providers that connect with a client id (not every API answer has it). */
  client_id_hint?: string | null;
  push: boolean;
  pull: boolean;
  active: boolean;
  last_push_at: string | null;
  last_pull_at: string | null;
  last_run: { pushed: number; not_found: number; failed: number; contacts: number; accounts: number } | null;
  last_error: string | null;
  last_error_at: string | null;
  created_at: string;
  updated_at: string;
}

// --- small pieces ---------------------------------------------------------------------------------

function useDateTime() {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
  });
  return (iso: string | null) => (iso ? format.format(new Date(iso)) : '');
}

/** A secret shown once: read-only, with a copy button; takes the focus when it appears. */
function SecretOnce(props: { url: string; secret: string; onDone: () => void }) {
  const m = useMessages(M);
  const id = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    headingRef.current?.focus();
  }, [props.secret]);
  return (
    <div class="once" data-testid="webhook-secret">
      <h3 tabIndex={-1} ref={headingRef} class="break">
        {m('wh_secret_title', { url: props.url })}
      </h3>
      <p>{m('wh_secret_warning')}</p>
      <CopyField
        id={`${id}-secret`}
        label={m('wh_secret_title', { url: props.url })}
        value={props.secret}
        autocomplete="off"
        testId="webhook-secret-value"
      />
      <VerifyHint />
      <button type="button" class="secondary" onClick={props.onDone}>
        {m('wh_secret_done')}
      </button>
    </div>
  );
}

/** The status and problem of the last action on a list, then the list: not loaded, loading, empty or its items. */
function Listing<T>(props: {
  status: string;
  problem: FieldProblem | null;
  failed: boolean;
  items: T[] | null;
  none: string;
  children: (items: T[]) => ComponentChildren;
}) {
  const { t } = useI18n();
  return (
    <>
      {props.status && <Status text={props.status} />}
      <FieldError problem={props.problem} />
      {props.failed ? (
        <p class="error" role="alert">
          {t('error_generic')}
        </p>
      ) : !props.items ? (
        <p aria-busy="true">{t('loading')}</p>
      ) : props.items.length === 0 ? (
        <p class="muted">{props.none}</p>
      ) : (
        props.children(props.items)
      )}
    </>
  );
}

function VerifyHint() {
  const m = useMessages(M);
  return (
    <details class="verify-hint">
      <summary>{m('wh_verify_title')}</summary>
      <ol>
        <li>{m('wh_verify_1')}</li>
        <li>{m('wh_verify_2')}</li>
        <li>{m('wh_verify_3')}</li>
      </ol>
      <p class="small">
        {m('wh_verify_docs')}{' '}
        <a href="/api/v1/openapi.json" target="_blank" rel="noopener">
          {m('wh_verify_openapi')}
        </a>
        .
      </p>
    </details>
  );
}

// --- the page -------------------------------------------------------------------------------------

export function IntegrationsPage(ctx: PageContext) {
  const m = useMessages(M);
  const manage = canManage(ctx.session.role);
  return (
    <div class="settings-section integrations">
      <div>
        <h1>{m('title')}</h1>
        <p class="muted">{m('lead')}</p>
        {!manage && <p class="note">{m('read_only')}</p>}
      </div>
      <WebhooksSection manage={manage} />
      <CrmSection manage={manage} />
    </div>
  );
}

// --- webhooks -------------------------------------------------------------------------------------

function WebhooksSection({ manage }: { manage: boolean }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const [endpoints, setEndpoints] = useState<Endpoint[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  /** The secret shown once: after creating (endpointId of the new one) or rotating. */
  const [secret, setSecret] = useState<{
    endpointId: string;
    url: string;
    secret: string;
    created: boolean;
  } | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const load = () =>
    get<{ data: Endpoint[] }>('/webhooks')
      .then((r) => {
        setEndpoints(r.data);
        setFailed(false);
      })
      .catch(() => setFailed(true));
  useEffect(() => {
    load();
  }, []);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setStatus('');
    setProblem(null);
    try {
      await action();
      setStatus(done);
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    }
    await load();
  };

  return (
    <section class="card settings-card" aria-labelledby="webhooks-title" data-testid="webhooks">
      <h2 id="webhooks-title" tabIndex={-1} ref={headingRef}>
        {m('wh_title')}
      </h2>
      <p class="muted">{m('wh_lead')}</p>
      {manage && (
        <WebhookForm
          onCreated={async (created) => {
            setStatus(m('wh_added'));
            setProblem(null);
            setSecret({ endpointId: created.id, url: created.url, secret: created.secret, created: true });
            await load();
          }}
        />
      )}
      {secret?.created && (
        <SecretOnce url={secret.url} secret={secret.secret} onDone={() => setSecret(null)} />
      )}
      <Listing status={status} problem={problem} failed={failed} items={endpoints} none={m('wh_none')}>
        {(endpoints) => (
          <ul class="key-list">
            {endpoints.map((endpoint) => (
              <EndpointItem
                key={endpoint.id}
                endpoint={endpoint}
                manage={manage}
                secret={secret && !secret.created && secret.endpointId === endpoint.id ? secret.secret : null}
                onSecretDone={() => setSecret(null)}
                onToggle={() =>
                  run(
                    () => patch(`/webhooks/${encodeURIComponent(endpoint.id)}`, { active: !endpoint.active }),
                    endpoint.active ? m('wh_disabled_done') : m('wh_enabled'),
                  )
                }
                onRotate={() =>
                  run(async () => {
                    const rotated = await post<Endpoint & { secret: string }>(
                      `/webhooks/${encodeURIComponent(endpoint.id)}/rotate-secret`,
                    );
                    setSecret({
                      endpointId: rotated.id,
                      url: rotated.url,
                      secret: rotated.secret,
                      created: false,
                    });
                  }, m('saved'))
                }
                onDelete={() =>
                  run(async () => {
                    await api('DELETE', `/webhooks/${encodeURIComponent(endpoint.id)}`);
                    if (secret?.endpointId === endpoint.id) setSecret(null);
                    headingRef.current?.focus();
                  }, m('wh_deleted'))
                }
              />
            ))}
          </ul>
        )}
      </Listing>
    </section>
  );
}

function WebhookForm({ onCreated }: { onCreated: (e: Endpoint & { secret: string }) => Promise<void> }) {
  const m = useMessages(M);
  const e = useMessages(EVENT_TEXTS);
  const { t } = useI18n();
  const id = useId();
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [events, setEvents] = useState<WebhookEvent[]>(['response.created']);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { url: url.trim(), events };
      if (description.trim()) body.description = description.trim();
      const created = await post<Endpoint & { secret: string }>('/webhooks', body);
      setUrl('');
      setDescription('');
      setEvents(['response.created']);
      await onCreated(created);
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const urlError = problem?.field === 'url' ? problem : null;
  const eventsError = problem?.field?.startsWith('events') ? problem : null;
  const descriptionError = problem?.field === 'description' ? problem : null;
  const other = problem && !urlError && !eventsError && !descriptionError ? problem : null;
  return (
    <form class="settings-form" onSubmit={submit} noValidate>
      <fieldset>
        <legend>{m('wh_add_title')}</legend>
        <div class="field">
          <label for={`${id}-url`}>{m('wh_url')}</label>
          <input
            id={`${id}-url`}
            name="url"
            type="url"
            inputMode="url"
            required
            maxLength={2000}
            placeholder="https://"
            value={url}
            onInput={(ev) => setUrl(ev.currentTarget.value)}
            aria-invalid={urlError ? 'true' : undefined}
            aria-describedby={`${id}-url-hint${urlError ? ` ${id}-url-error` : ''}`}
          />
          <p id={`${id}-url-hint`} class="muted small">
            {m('wh_url_hint')}
          </p>
          <FieldError id={`${id}-url-error`} problem={urlError} />
        </div>
        <fieldset class="events" aria-describedby={eventsError ? `${id}-events-error` : undefined}>
          <legend>{m('wh_events')}</legend>
          {WEBHOOK_EVENTS.map((event) => (
            <div class="field checkbox" key={event}>
              <input
                type="checkbox"
                id={`${id}-ev-${event}`}
                name="events"
                value={event}
                checked={events.includes(event)}
                onChange={(ev) => {
                  const on = ev.currentTarget.checked;
                  setEvents((now) =>
                    on
                      ? WEBHOOK_EVENTS.filter((x) => x === event || now.includes(x))
                      : now.filter((x) => x !== event),
                  );
                }}
              />
              <label for={`${id}-ev-${event}`}>
                <code>{event}</code> <span class="muted">{e(event)}</span>
              </label>
            </div>
          ))}
          <FieldError id={`${id}-events-error`} problem={eventsError} />
        </fieldset>
        <div class="field">
          <label for={`${id}-description`}>{m('wh_description')}</label>
          <input
            id={`${id}-description`}
            name="description"
            maxLength={500}
            value={description}
            onInput={(ev) => setDescription(ev.currentTarget.value)}
            aria-invalid={descriptionError ? 'true' : undefined}
            aria-describedby={descriptionError ? `${id}-description-error` : undefined}
          />
          <FieldError id={`${id}-description-error`} problem={descriptionError} />
        </div>
        <FieldError problem={other} />
        <div class="actions">
          <button type="submit" disabled={busy}>
            {m('wh_add')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function EndpointItem(props: {
  endpoint: Endpoint;
  manage: boolean;
  secret: string | null;
  onSecretDone: () => void;
  onToggle: () => Promise<void>;
  onRotate: () => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const m = useMessages(M);
  const { number } = useI18n();
  const date = useDateTime();
  const { endpoint } = props;
  const [logOpen, setLogOpen] = useState(false);
  const [busy, setBusy] = useState(false);
  const logId = useId();
  const disabled = !endpoint.active;
  return (
    <li class="key-item endpoint" data-testid="webhook-endpoint">
      <div class="endpoint-head">
        <h3 class="break">
          <code>{endpoint.url}</code>
        </h3>
        <span class={`badge state ${disabled ? 'off' : 'on'}`}>
          {disabled ? m('wh_state_disabled') : m('wh_state_active')}
        </span>
        {endpoint.source === 'rest_hook' && <span class="badge">{m('wh_rest_hook')}</span>}
      </div>
      {endpoint.description && <p class="break">{endpoint.description}</p>}
      {disabled && (
        <p class="warning break" data-testid="webhook-disabled-reason">
          {endpoint.disabled_reason
            ? m('wh_disabled_since', { date: date(endpoint.disabled_at), reason: endpoint.disabled_reason })
            : m('wh_disabled_no_reason', { date: date(endpoint.disabled_at) })}
        </p>
      )}
      <p class="small">{m('wh_events_of', { events: endpoint.events.join(', ') })}</p>
      <p class="small muted">
        {m('wh_created', { date: date(endpoint.created_at) })}
        {endpoint.consecutive_failures > 0 &&
          ` · ${m('wh_failures', { n: number(endpoint.consecutive_failures) })}`}
      </p>
      {props.secret && <SecretOnce url={endpoint.url} secret={props.secret} onDone={props.onSecretDone} />}
      <div class="actions">
        <button
          type="button"
          class="secondary"
          aria-expanded={logOpen ? 'true' : 'false'}
          aria-controls={logId}
          onClick={() => setLogOpen(!logOpen)}
        >
          {logOpen ? m('wh_log_hide') : m('wh_log_show')}
        </button>
        {props.manage && (
          <>
            <button
              type="button"
              class="secondary"
              disabled={busy}
              onClick={async () => {
                setBusy(true);
                try {
                  await props.onToggle();
                } finally {
                  setBusy(false);
                }
              }}
            >
              {disabled ? m('wh_enable') : m('wh_disable')}
            </button>
            <ConfirmButton
              label={m('wh_rotate')}
              question={m('wh_rotate_confirm')}
              danger={false}
              onConfirm={props.onRotate}
            />
            <ConfirmButton
              label={m('wh_delete')}
              question={m('wh_delete_confirm', { url: endpoint.url })}
              onConfirm={props.onDelete}
            />
          </>
        )}
      </div>
      <div id={logId}>{logOpen && <DeliveryLog endpoint={endpoint} manage={props.manage} />}</div>
    </li>
  );
}

const STATUS_KEYS: Record<
  DeliveryStatus,
  'status_pending' | 'status_succeeded' | 'status_failed' | 'status_gave_up'
> = {
  pending: 'status_pending',
  succeeded: 'status_succeeded',
  failed: 'status_failed',
  gave_up: 'status_gave_up',
};

function DeliveryLog({ endpoint, manage }: { endpoint: Endpoint; manage: boolean }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const date = useDateTime();
  const [rows, setRows] = useState<Delivery[] | null>(null);
  const [next, setNext] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = useId();
  const pollTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const path = `/webhooks/${encodeURIComponent(endpoint.id)}/deliveries`;

  /** Reloads the first page; while a delivery is pending, again in a moment. */
  const load = async (polls = 0) => {
    clearTimeout(pollTimer.current);
    try {
      const page = await get<{ data: Delivery[]; next_cursor: string | null }>(path, { limit: 20 });
      setRows(page.data);
      setNext(page.next_cursor);
      setFailed(false);
      if (polls > 0 && page.data.some((d) => d.status === 'pending'))
        pollTimer.current = setTimeout(() => load(polls - 1), 1500);
    } catch {
      setFailed(true);
    }
  };
  useEffect(() => {
    load(20);
    return () => clearTimeout(pollTimer.current);
  }, [endpoint.id]);

  const more = async () => {
    if (!next || !rows) return;
    setBusy(true);
    try {
      const page = await get<{ data: Delivery[]; next_cursor: string | null }>(path, {
        limit: 20,
        cursor: next,
      });
      setRows([...rows, ...page.data]);
      setNext(page.next_cursor);
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const redeliver = async (delivery: Delivery) => {
    setStatus('');
    setProblem(null);
    try {
      await post(`/webhooks/deliveries/${encodeURIComponent(delivery.id)}/redeliver`);
      setStatus(m('log_redelivered'));
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    }
    await load(20);
  };

  return (
    <section class="delivery-log" aria-labelledby={titleId} data-testid="delivery-log">
      <div class="log-head">
        <h4 id={titleId} class="break">
          {m('log_title', { url: endpoint.url })}
        </h4>
        <button type="button" class="secondary" onClick={() => load(20)}>
          {m('refresh')}
        </button>
      </div>
      <Listing status={status} problem={problem} failed={failed} items={rows} none={m('log_none')}>
        {(rows) => (
          <div class="table-scroll">
            <table class="settings-table delivery-table">
              <thead>
                <tr>
                  <th scope="col">{m('log_status')}</th>
                  <th scope="col">{m('log_event')}</th>
                  <th scope="col">{m('log_attempts')}</th>
                  <th scope="col">{m('log_code')}</th>
                  <th scope="col">{m('log_time')}</th>
                  {manage && <th scope="col">{m('log_actions')}</th>}
                </tr>
              </thead>
              <tbody>
                {rows.map((d) => (
                  <tr key={d.id} data-testid="delivery-row" data-status={d.status}>
                    <td>
                      <span class={`badge delivery-status ${d.status}`}>
                        {m(STATUS_KEYS[d.status] ?? 'status_pending')}
                      </span>
                    </td>
                    <td>
                      <code>{d.event_type}</code>
                    </td>
                    <td class="num" data-testid="delivery-attempts">
                      {d.attempts}
                    </td>
                    <td class="response-cell">
                      <span data-testid="delivery-code">{d.last_status_code ?? '–'}</span>
                      {d.last_error && (
                        <p class="small error-text">{m('log_error', { error: d.last_error })}</p>
                      )}
                      {(d.last_response_body !== null || d.last_status_code !== null) && (
                        <details>
                          <summary>{m('log_body')}</summary>
                          <pre class="response-body" data-testid="delivery-body">
                            {d.last_response_body ? d.last_response_body : m('log_body_empty')}
                          </pre>
                        </details>
                      )}
                    </td>
                    <td>
                      <time dateTime={d.last_attempt_at ?? d.created_at}>
                        {date(d.last_attempt_at ?? d.created_at)}
                      </time>
                      {d.next_attempt_at && (
                        <span class="small muted block">
                          {m('log_next', { date: date(d.next_attempt_at) })}
                        </span>
                      )}
                    </td>
                    {manage && (
                      <td>
                        <button type="button" class="secondary" onClick={() => redeliver(d)}>
                          {m('log_redeliver')}
                        </button>
                      </td>
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </Listing>
      {next && (
        <button type="button" class="secondary" disabled={busy} onClick={more}>
          {m('log_more')}
        </button>
      )}
    </section>
  );
}

// --- CRM ------------------------------------------------------------------------------------------

const providerName = (id: string) => CRM_PROVIDERS.find((p) => p.id === id)?.name ?? id;

function CrmSection({ manage }: { manage: boolean }) {
  const m = useMessages(M);
  const { t } = useI18n();
  const [connections, setConnections] = useState<CrmConnection[] | null>(null);
  const [failed, setFailed] = useState(false);
  const [status, setStatus] = useState('');
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  const pollTimer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  /**
   * Reloads the list; after a sync was started, again every 2 s until every connection that was
   * asked to sync has a newer run time (or an error), at most `polls` times.
   */
  const load = async (polls = 0, since?: Map<string, string>) => {
    clearTimeout(pollTimer.current);
    try {
      const r = await get<{ data: CrmConnection[] }>('/crm-connections');
      setConnections(r.data);
      setFailed(false);
      const waiting =
        since &&
        r.data.some((c) => since.has(c.id) && c.active && lastActivity(c) <= (since.get(c.id) ?? ''));
      if (polls > 0 && waiting) pollTimer.current = setTimeout(() => load(polls - 1, since), 2000);
    } catch {
      setFailed(true);
    }
  };
  useEffect(() => {
    load();
    return () => clearTimeout(pollTimer.current);
  }, []);

  const run = async (action: () => Promise<unknown>, done: string) => {
    setStatus('');
    setProblem(null);
    try {
      await action();
      setStatus(done);
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    }
  };
  const watch = (c: CrmConnection) => load(15, new Map([[c.id, lastActivity(c)]]));

  const taken = new Set((connections ?? []).map((c) => c.provider));
  const free = CRM_PROVIDERS.filter((p) => !taken.has(p.id));
  return (
    <section class="card settings-card" aria-labelledby="crm-title" data-testid="crm">
      <h2 id="crm-title" tabIndex={-1} ref={headingRef}>
        {m('crm_title')}
      </h2>
      <p class="muted">{m('crm_lead')}</p>
      <Listing status={status} problem={problem} failed={failed} items={connections} none={m('crm_none')}>
        {(connections) => (
          <ul class="key-list">
            {connections.map((c) => (
              <ConnectionItem
                key={c.id}
                connection={c}
                manage={manage}
                onSync={() =>
                  run(async () => {
                    const before = lastActivity(c);
                    await post(`/crm-connections/${encodeURIComponent(c.id)}/sync`);
                    await load(15, new Map([[c.id, before]]));
                  }, m('crm_sync_started'))
                }
                onActive={(active) =>
                  run(
                    async () => {
                      const after = await patch<CrmConnection>(
                        `/crm-connections/${encodeURIComponent(c.id)}`,
                        {
                          active,
                        },
                      );
                      if (active) await watch(after);
                      else await load();
                    },
                    active ? m('crm_resumed') : m('crm_paused'),
                  )
                }
                onDelete={() =>
                  run(
                    async () => {
                      await api('DELETE', `/crm-connections/${encodeURIComponent(c.id)}`);
                      await load();
                      headingRef.current?.focus();
                    },
                    m('crm_disconnected', { name: providerName(c.provider) }),
                  )
                }
              />
            ))}
          </ul>
        )}
      </Listing>
      {manage &&
        connections &&
        (free.length === 0 ? (
          <p class="muted">{m('crm_all_connected')}</p>
        ) : (
          <CrmForm
            providers={free}
            onConnected={async (c) => {
              setProblem(null);
              setStatus(m('crm_connected', { name: providerName(c.provider) }));
              await watch(c);
            }}
          />
        ))}
    </section>
  );
}

/** The time of the connection's latest run outcome (push, pull or error), for "has it run since". */
const lastActivity = (c: CrmConnection) =>
  [c.last_push_at, c.last_pull_at, c.last_error_at]
    .filter((x): x is string => !!x)
    .sort()
    .at(-1) ?? '';

function CrmForm(props: {
  providers: typeof CRM_PROVIDERS;
  onConnected: (c: CrmConnection) => Promise<void>;
}) {
  const m = useMessages(M);
  const { t, locale } = useI18n();
  const id = useId();
  const [provider, setProvider] = useState(props.providers[0]?.id ?? '');
  const [credentials, setCredentials] = useState<Record<string, string>>({});
  const [baseUrl, setBaseUrl] = useState('');
  const [push, setPush] = useState(true);
  const [pull, setPull] = useState(true);
  const [problem, setProblem] = useState<FieldProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const chosen = props.providers.find((p) => p.id === provider) ?? props.providers[0];
  const fields = chosen?.credentials ?? [];
  const urlRequired = chosen?.defaultUrl === null;
  useEffect(() => {
    if (!props.providers.some((p) => p.id === provider)) setProvider(props.providers[0]?.id ?? '');
  }, [props.providers.map((p) => p.id).join()]);
  const submit = async (ev: Event) => {
    ev.preventDefault();
    setProblem(null);
    setBusy(true);
    try {
      const body: Record<string, unknown> = { provider: chosen?.id, push, pull };
      for (const f of fields) body[f.field] = (credentials[f.field] ?? '').trim();
      if (baseUrl.trim()) body.base_url = baseUrl.trim();
      const created = await post<CrmConnection>('/crm-connections', body);
      setCredentials({});
      setBaseUrl('');
      await props.onConnected(created);
    } catch (err) {
      setProblem(problemOf(err, t('error_generic')));
    } finally {
      setBusy(false);
    }
  };
  const errorAt = (field: string) => (problem?.field === field ? problem : null);
  const urlError = errorAt('base_url');
  const providerError = errorAt('provider');
  const other =
    problem && !urlError && !providerError && !fields.some((f) => f.field === problem.field) ? problem : null;
  const urlField = (
    <div class="field">
      <label for={`${id}-base-url`}>{urlRequired ? m('crm_base_url_required') : m('crm_base_url')}</label>
      <input
        id={`${id}-base-url`}
        name="base_url"
        type="url"
        inputMode="url"
        required={urlRequired}
        maxLength={500}
        placeholder={chosen?.defaultUrl ?? 'https://'}
        value={baseUrl}
        onInput={(ev) => setBaseUrl(ev.currentTarget.value)}
        aria-invalid={urlError ? 'true' : undefined}
        aria-describedby={
          `${urlRequired ? '' : `${id}-base-url-hint `}${urlError ? `${id}-base-url-error` : ''}`.trim() ||
          undefined
        }
      />
      {!urlRequired && (
        <p id={`${id}-base-url-hint`} class="muted small">
          {m('crm_base_url_hint', { url: chosen?.defaultUrl ?? '' })}
        </p>
      )}
      <FieldError id={`${id}-base-url-error`} problem={urlError} />
    </div>
  );
  return (
    <form class="settings-form" onSubmit={submit} noValidate>
      <fieldset>
        <legend>{m('crm_connect_title')}</legend>
        <div class="field">
          <label for={`${id}-provider`}>{m('crm_provider')}</label>
          <select
            id={`${id}-provider`}
            name="provider"
            value={chosen?.id}
            onChange={(ev) => {
              setProvider(ev.currentTarget.value);
              setCredentials({});
              setProblem(null);
            }}
            aria-invalid={providerError ? 'true' : undefined}
            aria-describedby={providerError ? `${id}-provider-error` : undefined}
          >
            {props.providers.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
          <FieldError id={`${id}-provider-error`} problem={providerError} />
        </div>
        {fields.map((f) => {
          const fieldId = `${id}-${f.field}`;
          const error = errorAt(f.field);
          const common = {
            id: fieldId,
            name: f.field,
            autocomplete: 'off',
            spellcheck: false,
            required: true,
            maxLength: 1000,
            value: credentials[f.field] ?? '',
            onInput: (ev: Event) => {
              const value = (ev.currentTarget as HTMLInputElement).value;
              setCredentials((now) => ({ ...now, [f.field]: value }));
            },
            'aria-invalid': error ? ('true' as const) : undefined,
            'aria-describedby': `${fieldId}-hint${error ? ` ${fieldId}-error` : ''}`,
          };
          return (
            <div class="field" key={`${chosen?.id}-${f.field}`}>
              <label for={fieldId}>{f.label[locale]}</label>
              {f.secret ? <input type="password" {...common} /> : <input type="text" {...common} />}
              <p id={`${fieldId}-hint`} class="muted small">
                {f.help[locale]}
                {f.secret ? ` ${m('crm_token_note')}` : ''}
              </p>
              <FieldError id={`${fieldId}-error`} problem={error} />
            </div>
          );
        })}
        {urlRequired && urlField}
        <details class="advanced" open={!!urlError && !urlRequired}>
          <summary>{m('crm_advanced')}</summary>
          {!urlRequired && urlField}
          <div class="field checkbox">
            <input
              type="checkbox"
              id={`${id}-push`}
              checked={push}
              onChange={(ev) => setPush(ev.currentTarget.checked)}
            />
            <label for={`${id}-push`}>{m('crm_push')}</label>
          </div>
          <div class="field checkbox">
            <input
              type="checkbox"
              id={`${id}-pull`}
              checked={pull}
              onChange={(ev) => setPull(ev.currentTarget.checked)}
            />
            <label for={`${id}-pull`}>{m('crm_pull')}</label>
          </div>
        </details>
        <FieldError problem={other} />
        <div class="actions">
          <button type="submit" disabled={busy || !chosen}>
            {m('crm_connect')}
          </button>
        </div>
      </fieldset>
    </form>
  );
}

function ConnectionItem(props: {
  connection: CrmConnection;
  manage: boolean;
  onSync: () => Promise<void>;
  onActive: (active: boolean) => Promise<void>;
  onDelete: () => Promise<void>;
}) {
  const m = useMessages(M);
  const { number } = useI18n();
  const date = useDateTime();
  const c = props.connection;
  const [busy, setBusy] = useState(false);
  const name = providerName(c.provider);
  const act = async (action: () => Promise<void>) => {
    setBusy(true);
    try {
      await action();
    } finally {
      setBusy(false);
    }
  };
  const directions = [c.push && m('crm_push_short'), c.pull && m('crm_pull_short')]
    .filter(Boolean)
    .join(', ');
  return (
    <li class="key-item" data-testid="crm-connection" data-provider={c.provider}>
      <div class="endpoint-head">
        <h3>{name}</h3>
        <span class={`badge state ${c.active ? 'on' : 'off'}`}>
          {c.active ? m('crm_state_active') : m('crm_state_paused')}
        </span>
      </div>
      <dl class="key-facts">
        <dt>{m('crm_token_hint')}</dt>
        <dd>
          <code data-testid="crm-token-hint">{c.token_hint}</code>
        </dd>
        {c.client_id_hint && (
          <>
            <dt>{m('crm_client_id')}</dt>
            <dd>
              <code>{c.client_id_hint}</code>
            </dd>
          </>
        )}
        <dt>{m('crm_url')}</dt>
        <dd class="break">
          <code>{c.base_url}</code>
        </dd>
        <dt>{m('crm_directions')}</dt>
        <dd>{directions || '–'}</dd>
        <dt>{m('crm_last_push')}</dt>
        <dd data-testid="crm-last-push">{c.last_push_at ? date(c.last_push_at) : m('never')}</dd>
        <dt>{m('crm_last_pull')}</dt>
        <dd data-testid="crm-last-pull">{c.last_pull_at ? date(c.last_pull_at) : m('never')}</dd>
        {c.last_run && (
          <>
            <dt>{m('crm_last_run')}</dt>
            <dd>
              {m('crm_counts', {
                pushed: number(c.last_run.pushed),
                not_found: number(c.last_run.not_found),
                failed: number(c.last_run.failed),
                contacts: number(c.last_run.contacts),
                accounts: number(c.last_run.accounts),
              })}
            </dd>
          </>
        )}
      </dl>
      {c.last_error && (
        <div class="warning" data-testid="crm-last-error">
          <strong>{m('crm_last_error', { date: date(c.last_error_at) })}</strong>
          <p class="break">{c.last_error}</p>
        </div>
      )}
      {props.manage && (
        <div class="actions">
          <button type="button" disabled={busy || !c.active} onClick={() => act(props.onSync)}>
            {m('crm_sync')}
          </button>
          <button
            type="button"
            class="secondary"
            disabled={busy}
            onClick={() => act(() => props.onActive(!c.active))}
          >
            {c.active ? m('crm_pause') : m('crm_resume')}
          </button>
          <ConfirmButton
            label={m('crm_disconnect')}
            question={m('crm_disconnect_confirm', { name })}
            onConfirm={props.onDelete}
          />
        </div>
      )}
    </li>
  );
}
