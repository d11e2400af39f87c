/**
 * The responses inbox: every response under the filters of the URL, newest first, with full-text
 * search in the comments (stemmed server-side), category and score filters, cursor paging and a
 * CSV export of the same selection. New responses appear without a reload (GET /responses is
 * polled every few seconds for rows newer than the newest shown; screen readers hear how many
 * came). /responses/:id opens one response next to the list (on a phone: instead of it) with its
 * contact, the contact's account and every answer of that contact. Read-only for every role.
 *
 * Everything a respondent typed (comments, names, emails, attributes) is rendered as JSX text only.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, get, queryString } from '../api';
import { FilterBar } from '../components/filter-bar';
import { type Filters, filterQuery } from '../filters';
import { defineMessages, type MessageKey, useI18n, useMessages } from '../i18n';
import { BASE, navigate, onLinkClick, setQuery } from '../router';
import type { PageContext } from '../routes';
import type { Survey } from '../types';

const M = defineMessages({
  en: {
    search_label: 'Search comments',
    search_hint: 'All words must occur; "a phrase" in quotes, or between alternatives, -word to exclude.',
    search_submit: 'Search',
    search_clear: 'Clear search',
    category: 'Category',
    all_categories: 'All categories',
    cat_promoter: 'Promoter',
    cat_passive: 'Passive',
    cat_detractor: 'Detractor',
    all_scores: 'All scores',
    export_csv: 'Export CSV',
    export_hint: 'Downloads the responses of this selection, search included.',
    load_more: 'Load more',
    loading_more: 'Loading more …',
    shown: '{n} shown',
    shown_all: '{n} shown, that is all',
    none: 'No responses match this selection.',
    no_comment: 'No comment',
    anonymous: 'Anonymous',
    new_one: '1 new response',
    new_many: '{n} new responses',
    list_label: 'Responses, newest first',
    response: 'Response',
    back: 'Back to the list',
    date: 'Date',
    locale: 'Language',
    consent: 'Testimonial consent',
    consent_yes: 'Yes, may be quoted publicly (since {date})',
    consent_no: 'No',
    properties: 'Attributes at answer time',
    attribute: 'Attribute',
    value: 'Value',
    contact: 'Contact',
    contact_none: 'An anonymous response: no contact.',
    contact_gone: 'The contact could not be loaded.',
    name: 'Name',
    email: 'Email',
    external_id: 'External ID',
    attributes: 'Attributes',
    account: 'Account',
    account_none: 'The contact belongs to no account.',
    revenue: 'Revenue',
    open_account: 'Open the account',
    history: 'Answers of this contact',
    history_none: 'This is the only answer of this contact.',
    this_response: 'this response',
    not_found: 'There is no such response in this workspace.',
    channel_sms: 'SMS',
    'channel_in-app': 'In the app',
    channel_other: 'Other',
  },
  de: {
    search_label: 'Kommentare durchsuchen',
    search_hint:
      'Alle Wörter müssen vorkommen; "eine Wortgruppe" in Anführungszeichen, or zwischen Alternativen, -Wort zum Ausschließen.',
    search_submit: 'Suchen',
    search_clear: 'Suche zurücksetzen',
    category: 'Kategorie',
    all_categories: 'Alle Kategorien',
    cat_promoter: 'Promotor',
    cat_passive: 'Passiv',
    cat_detractor: 'Kritiker',
    all_scores: 'Alle Bewertungen',
    export_csv: 'CSV exportieren',
    export_hint: 'Lädt die Antworten dieser Auswahl herunter, mit der Suche.',
    load_more: 'Weitere laden',
    loading_more: 'Weitere werden geladen …',
    shown: '{n} angezeigt',
    shown_all: '{n} angezeigt, das sind alle',
    none: 'Keine Antworten in dieser Auswahl.',
    no_comment: 'Kein Kommentar',
    anonymous: 'Anonym',
    new_one: '1 neue Antwort',
    new_many: '{n} neue Antworten',
    list_label: 'Antworten, neueste zuerst',
    response: 'Antwort',
    back: 'Zurück zur Liste',
    date: 'Datum',
    locale: 'Sprache',
    consent: 'Zitierfreigabe',
    consent_yes: 'Ja, darf öffentlich zitiert werden (seit {date})',
    consent_no: 'Nein',
    properties: 'Attribute zum Zeitpunkt der Antwort',
    attribute: 'Attribut',
    value: 'Wert',
    contact: 'Kontakt',
    contact_none: 'Eine anonyme Antwort: kein Kontakt.',
    contact_gone: 'Der Kontakt konnte nicht geladen werden.',
    name: 'Name',
    email: 'E-Mail',
    external_id: 'Externe ID',
    attributes: 'Attribute',
    account: 'Kunde',
    account_none: 'Der Kontakt gehört zu keinem Kunden.',
    revenue: 'Umsatz',
    open_account: 'Kunden öffnen',
    history: 'Antworten dieses Kontakts',
    history_none: 'Das ist die einzige Antwort dieses Kontakts.',
    this_response: 'diese Antwort',
    not_found: 'Diese Antwort gibt es in diesem Arbeitsbereich nicht.',
    channel_sms: 'SMS',
    'channel_in-app': 'In der App',
    channel_other: 'Sonstiges',
  },
});

type Category = 'promoter' | 'passive' | 'detractor';
const CATEGORIES: readonly Category[] = ['promoter', 'passive', 'detractor'];
const SCORES = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0];
const SHARED_CHANNELS = ['email', 'link', 'widget', 'api', 'import'];
/** Rows per page; each row's contact is looked up once (cached). */
const PAGE = 25;
const POLL_MS = 5000;

interface InboxResponse {
  id: string;
  survey_id: string;
  contact_id: string | null;
  account_id: string | null;
  score: number;
  category: Category;
  comment: string | null;
  locale: string | null;
  channel: string;
  attributes: Record<string, string | number | boolean>;
  testimonial_consent: boolean | null;
  testimonial_consent_at: string | null;
  day: string;
  created_at: string;
}

interface Contact {
  id: string;
  email: string | null;
  external_id: string | null;
  name: string | null;
  locale: string | null;
  account_id: string | null;
  attributes: Record<string, string | number | boolean>;
}

interface Account {
  id: string;
  external_id: string | null;
  name: string;
  revenue: number | null;
  attributes: Record<string, string | number | boolean>;
}

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

/** The inbox's own URL state (besides the shared filters). */
interface InboxQuery {
  q?: string;
  category?: Category;
  score?: string;
}

function inboxQueryOf(query: URLSearchParams): InboxQuery {
  const out: InboxQuery = {};
  const q = query.get('q')?.trim();
  if (q) out.q = q.slice(0, 500);
  const category = query.get('category');
  if (CATEGORIES.includes(category as Category)) out.category = category as Category;
  const score = query.get('score');
  if (score && /^(10|[0-9])$/.test(score)) out.score = score;
  return out;
}

/** The API query of the list and of the export: the shared filters and the inbox's own. */
function apiQuery(filters: Filters, inbox: InboxQuery): Record<string, string | undefined> {
  return { ...filterQuery(filters), ...inbox };
}

// Contacts and surveys are looked up once per page load (rows show names, not ids).
const contactCache = new Map<string, Promise<Contact | null>>();
const contactOf = (id: string): Promise<Contact | null> => {
  let found = contactCache.get(id);
  if (!found) {
    found = get<Contact>(`/contacts/${encodeURIComponent(id)}`).catch(() => null);
    contactCache.set(id, found);
  }
  return found;
};
let surveysOnce: Promise<Map<string, string>> | null = null;
const surveyNames = (): Promise<Map<string, string>> => {
  surveysOnce ??= get<{ data: Survey[] }>('/surveys')
    .then((r) => new Map(r.data.map((s) => [s.id, s.name])))
    .catch(() => {
      surveysOnce = null;
      return new Map<string, string>();
    });
  return surveysOnce;
};

function useSurveyNames(): Map<string, string> {
  const [names, setNames] = useState<Map<string, string>>(new Map());
  useEffect(() => {
    let live = true;
    surveyNames().then((n) => live && setNames(n));
    return () => {
      live = false;
    };
  }, []);
  return names;
}

/** The contacts of the given ids, filled in as they arrive. */
function useContacts(ids: string[]): Map<string, Contact | null> {
  const [contacts, setContacts] = useState<Map<string, Contact | null>>(new Map());
  const key = [...new Set(ids)].sort().join(',');
  useEffect(() => {
    let live = true;
    const wanted = key ? key.split(',') : [];
    for (const id of wanted) {
      contactOf(id).then((c) => {
        if (!live) return;
        setContacts((prev) => (prev.get(id) === c ? prev : new Map(prev).set(id, c)));
      });
    }
    return () => {
      live = false;
    };
  }, [key]);
  return contacts;
}

function useDateFormat() {
  const { locale } = useI18n();
  const format = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'short',
  });
  return (iso: string) => format.format(new Date(iso));
}

function useChannelName() {
  const { t } = useI18n();
  const m = useMessages(M);
  return (channel: string) => {
    if (SHARED_CHANNELS.includes(channel)) return t(`channel_${channel}` as MessageKey);
    if (channel === 'sms' || channel === 'in-app' || channel === 'other')
      return m(`channel_${channel}` as 'channel_sms');
    return channel;
  };
}

/** A link below /app that keeps the current query string (filters, search). */
const hrefOf = (path: string, search: string) => `${BASE}${path}${search}`;

export function ResponsesPage(ctx: PageContext) {
  const { t } = useI18n();
  const id = ctx.params.id;
  const inbox = inboxQueryOf(ctx.location.query);
  const search = ctx.location.query.toString() ? `?${ctx.location.query.toString()}` : '';
  return (
    <div class={id ? 'inbox has-detail' : 'inbox'}>
      <h1 class="inbox-title">{t('nav_responses')}</h1>
      <div class="inbox-head">
        <FilterBar filters={ctx.filters} />
        <InboxControls filters={ctx.filters} inbox={inbox} />
      </div>
      <div class="inbox-body">
        <ResponseList filters={ctx.filters} inbox={inbox} selected={id} search={search} />
        {id && <ResponseDetail key={id} id={id} search={search} />}
      </div>
    </div>
  );
}

function InboxControls({ filters, inbox }: { filters: Filters; inbox: InboxQuery }) {
  const { t } = useI18n();
  const m = useMessages(M);
  const [text, setText] = useState(inbox.q ?? '');
  // Back and forward (or a shared link) change the URL: the box follows.
  useEffect(() => setText(inbox.q ?? ''), [inbox.q]);
  const change = (key: string) => (e: Event) =>
    setQuery({ [key]: (e.target as HTMLSelectElement).value }, { replace: false });
  const exportHref = `/api/v1/responses/export${queryString(apiQuery(filters, inbox))}`;
  return (
    <div class="inbox-controls">
      <form
        class="inbox-search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ q: text.trim() });
        }}
      >
        <div class="field">
          <label class="inbox-label" for="inbox-q">
            {m('search_label')}
          </label>
          <div class="inbox-search-row">
            <input
              id="inbox-q"
              type="search"
              name="q"
              maxLength={500}
              value={text}
              aria-describedby="inbox-q-hint"
              onInput={(e) => setText((e.target as HTMLInputElement).value)}
            />
            <button type="submit">{m('search_submit')}</button>
            {inbox.q && (
              <button
                type="button"
                class="link"
                onClick={() => {
                  setText('');
                  setQuery({ q: undefined });
                }}
              >
                {m('search_clear')}
              </button>
            )}
          </div>
          <p id="inbox-q-hint" class="muted inbox-hint">
            {m('search_hint')}
          </p>
        </div>
      </form>
      <div class="inbox-selects">
        <div class="field">
          <label class="inbox-label" for="inbox-category">
            {m('category')}
          </label>
          <select
            id="inbox-category"
            name="category"
            value={inbox.category ?? ''}
            onChange={change('category')}
          >
            <option value="">{m('all_categories')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {m(`cat_${c}`)}
              </option>
            ))}
          </select>
        </div>
        <div class="field">
          <label class="inbox-label" for="inbox-score">
            {t('score')}
          </label>
          <select id="inbox-score" name="score" value={inbox.score ?? ''} onChange={change('score')}>
            <option value="">{m('all_scores')}</option>
            {SCORES.map((s) => (
              <option key={s} value={String(s)}>
                {s}
              </option>
            ))}
          </select>
        </div>
        <a class="button-link inbox-export" href={exportHref} download title={m('export_hint')}>
          {m('export_csv')}
        </a>
      </div>
    </div>
  );
}

type ListStatus = 'loading' | 'ready' | 'failed';

function ResponseList(props: { filters: Filters; inbox: InboxQuery; selected?: string; search: string }) {
  const { t } = useI18n();
  const m = useMessages(M);
  const [rows, setRows] = useState<InboxResponse[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<ListStatus>('loading');
  const [more, setMore] = useState<'idle' | 'loading' | 'failed'>('idle');
  const [fresh, setFresh] = useState<Set<string>>(new Set());
  const [announcement, setAnnouncement] = useState('');
  const rowsRef = useRef<InboxResponse[]>([]);
  rowsRef.current = rows;
  const surveys = useSurveyNames();
  const contacts = useContacts(rows.flatMap((r) => (r.contact_id ? [r.contact_id] : [])));

  const query = apiQuery(props.filters, props.inbox);
  const key = JSON.stringify(query);

  useEffect(() => {
    let live = true;
    setStatus('loading');
    setRows([]);
    setCursor(null);
    setFresh(new Set());
    setAnnouncement('');
    setMore('idle');
    get<Page<InboxResponse>>('/responses', { ...query, limit: PAGE })
      .then((page) => {
        if (!live) return;
        setRows(page.data);
        setCursor(page.next_cursor);
        setStatus('ready');
      })
      .catch(() => live && setStatus('failed'));
    return () => {
      live = false;
    };
  }, [key]);

  // Live: rows newer than the newest shown are put on top.
  useEffect(() => {
    if (status !== 'ready') return;
    let live = true;
    let busy = false;
    const poll = async () => {
      if (busy || document.hidden) return;
      busy = true;
      try {
        const page = await get<Page<InboxResponse>>('/responses', { ...query, limit: PAGE });
        if (!live) return;
        const shown = rowsRef.current;
        const ids = new Set(shown.map((r) => r.id));
        const newest = shown[0] ? Date.parse(shown[0].created_at) : Number.NEGATIVE_INFINITY;
        const added = page.data.filter((r) => !ids.has(r.id) && Date.parse(r.created_at) >= newest);
        if (added.length === 0) return;
        setRows([...added, ...shown]);
        setFresh(new Set(added.map((r) => r.id)));
        setAnnouncement(added.length === 1 ? m('new_one') : m('new_many', { n: added.length }));
      } catch {
        // The next poll tries again.
      } finally {
        busy = false;
      }
    };
    const timer = setInterval(poll, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
    };
  }, [key, status]);

  const loadMore = () => {
    if (!cursor) return;
    setMore('loading');
    get<Page<InboxResponse>>('/responses', { ...query, limit: PAGE, cursor })
      .then((page) => {
        const ids = new Set(rowsRef.current.map((r) => r.id));
        setRows([...rowsRef.current, ...page.data.filter((r) => !ids.has(r.id))]);
        setCursor(page.next_cursor);
        setMore('idle');
      })
      .catch(() => setMore('failed'));
  };

  return (
    <section class="inbox-list" aria-labelledby="inbox-list-title">
      <h2 id="inbox-list-title" class="visually-hidden">
        {m('list_label')}
      </h2>
      <p class="inbox-live" role="status" aria-live="polite" data-testid="inbox-live">
        {announcement}
      </p>
      {status === 'failed' && <p class="error">{t('error_generic')}</p>}
      {status === 'loading' && <p aria-busy="true">{t('loading')}</p>}
      {status === 'ready' && rows.length === 0 && <p class="card">{m('none')}</p>}
      {rows.length > 0 && (
        <ol class="inbox-rows" data-testid="inbox-rows">
          {rows.map((r) => (
            <ResponseRow
              key={r.id}
              response={r}
              contact={r.contact_id ? contacts.get(r.contact_id) : null}
              survey={surveys.get(r.survey_id)}
              selected={r.id === props.selected}
              fresh={fresh.has(r.id)}
              search={props.search}
            />
          ))}
        </ol>
      )}
      {status === 'ready' && rows.length > 0 && (
        <div class="inbox-more">
          <span class="muted">
            {cursor ? m('shown', { n: rows.length }) : m('shown_all', { n: rows.length })}
          </span>
          {cursor && (
            <button type="button" onClick={loadMore} disabled={more === 'loading'}>
              {more === 'loading' ? m('loading_more') : m('load_more')}
            </button>
          )}
          {more === 'failed' && <span class="error">{t('error_generic')}</span>}
        </div>
      )}
    </section>
  );
}

function CategoryScore({ score, category, small }: { score: number; category: Category; small?: boolean }) {
  const m = useMessages(M);
  const { t } = useI18n();
  return (
    <span class={`inbox-score ${category}${small ? ' small-score' : ''}`} title={m(`cat_${category}`)}>
      <span class="visually-hidden">{t('score')} </span>
      {score}
      <span class="visually-hidden"> ({m(`cat_${category}`)})</span>
    </span>
  );
}

function ResponseRow(props: {
  response: InboxResponse;
  contact: Contact | null | undefined;
  survey: string | undefined;
  selected: boolean;
  fresh: boolean;
  search: string;
}) {
  const m = useMessages(M);
  const date = useDateFormat();
  const channel = useChannelName();
  const r = props.response;
  const path = `/responses/${r.id}`;
  const who = !r.contact_id
    ? m('anonymous')
    : props.contact
      ? [props.contact.name, props.contact.email ?? props.contact.external_id].filter(Boolean).join(' · ')
      : props.contact === null
        ? '—'
        : '…';
  return (
    <li class="inbox-row" data-id={r.id}>
      <a
        class={props.fresh ? 'inbox-row-link fresh' : 'inbox-row-link'}
        href={hrefOf(path, props.search)}
        aria-current={props.selected ? 'true' : undefined}
        onClick={(e) => onLinkClick(e, `${path}${props.search}`)}
      >
        <CategoryScore score={r.score} category={r.category} />
        <span class="inbox-row-main">
          <span class={r.comment ? 'inbox-comment' : 'inbox-comment muted'}>
            {r.comment ?? m('no_comment')}
          </span>
          <span class="inbox-meta">
            <span class="inbox-who">{who}</span>
            <span>
              <time dateTime={r.created_at}>{date(r.created_at)}</time>
            </span>
            <span>{channel(r.channel)}</span>
            {props.survey && <span>{props.survey}</span>}
          </span>
        </span>
      </a>
    </li>
  );
}

interface DetailData {
  response: InboxResponse;
  contact: Contact | null | 'failed';
  account: Account | null;
  history: InboxResponse[];
  historyMore: boolean;
}

function ResponseDetail({ id, search }: { id: string; search: string }) {
  const { t } = useI18n();
  const m = useMessages(M);
  const [data, setData] = useState<DetailData | null>(null);
  const [failed, setFailed] = useState<'not-found' | 'error' | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    (async () => {
      const response = await get<InboxResponse>(`/responses/${encodeURIComponent(id)}`);
      const [contact, history] = await Promise.all([
        response.contact_id
          ? get<Contact>(`/contacts/${response.contact_id}`).catch(() => 'failed' as const)
          : Promise.resolve(null),
        response.contact_id
          ? get<Page<InboxResponse>>('/responses', { contact_id: response.contact_id, limit: 50 })
          : Promise.resolve({ data: [response], next_cursor: null }),
      ]);
      // The account at answer time, else the contact's.
      const accountId =
        response.account_id ?? (contact && contact !== 'failed' ? contact.account_id : null) ?? null;
      const account = accountId ? await get<Account>(`/accounts/${accountId}`).catch(() => null) : null;
      if (!live) return;
      setData({ response, contact, account, history: history.data, historyMore: !!history.next_cursor });
    })().catch((error) => {
      if (live)
        setFailed(
          error instanceof ApiError && (error.status === 404 || error.status === 400) ? 'not-found' : 'error',
        );
    });
    return () => {
      live = false;
    };
  }, [id]);

  // Focus follows the opened response (keyboard and screen-reader users land on it).
  useEffect(() => {
    if (data) heading.current?.focus();
  }, [data]);

  const back = `/responses${search}`;
  return (
    <aside
      class="inbox-detail card"
      aria-labelledby="inbox-detail-title"
      data-testid="inbox-detail"
      onKeyDown={(e) => {
        // Escape closes the detail, back to the list.
        if (e.key === 'Escape' && !e.defaultPrevented) navigate(back);
      }}
    >
      <p class="inbox-back">
        <a href={hrefOf(back, '')} onClick={(e) => onLinkClick(e, back)}>
          ← {m('back')}
        </a>
      </p>
      <h2 id="inbox-detail-title" tabIndex={-1} ref={heading}>
        {m('response')}
      </h2>
      {failed === 'not-found' && <p>{m('not_found')}</p>}
      {failed === 'error' && <p class="error">{t('error_generic')}</p>}
      {!data && !failed && <p aria-busy="true">{t('loading')}</p>}
      {data && <DetailBody data={data} search={search} />}
    </aside>
  );
}

function AttributeTable({ caption, values }: { caption: string; values: Record<string, unknown> }) {
  const m = useMessages(M);
  const entries = Object.entries(values).sort(([a], [b]) => a.localeCompare(b));
  if (entries.length === 0) return null;
  return (
    <div class="inbox-table-wrap">
      <table class="inbox-attrs">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{m('attribute')}</th>
            <th scope="col">{m('value')}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map(([k, v]) => (
            <tr key={k}>
              <th scope="row" class="inbox-attr-key">
                {k}
              </th>
              <td>{String(v)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function DetailBody({ data, search }: { data: DetailData; search: string }) {
  const { t, number } = useI18n();
  const m = useMessages(M);
  const date = useDateFormat();
  const channel = useChannelName();
  const surveys = useSurveyNames();
  const r = data.response;
  const contact = data.contact;
  return (
    <>
      <div class="inbox-detail-head">
        <CategoryScore score={r.score} category={r.category} />
        <span class={`inbox-cat ${r.category}`}>{m(`cat_${r.category}`)}</span>
      </div>
      <blockquote
        class={r.comment ? 'inbox-full-comment' : 'inbox-full-comment muted'}
        data-testid="detail-comment"
      >
        {r.comment ?? m('no_comment')}
      </blockquote>
      <dl class="inbox-facts">
        <dt>{m('date')}</dt>
        <dd>
          <time dateTime={r.created_at}>{date(r.created_at)}</time>
        </dd>
        <dt>{t('channel')}</dt>
        <dd>{channel(r.channel)}</dd>
        <dt>{t('survey')}</dt>
        <dd>{surveys.get(r.survey_id) ?? r.survey_id}</dd>
        {r.locale && (
          <>
            <dt>{m('locale')}</dt>
            <dd>{r.locale}</dd>
          </>
        )}
        {r.testimonial_consent !== null && (
          <>
            <dt>{m('consent')}</dt>
            <dd>
              {r.testimonial_consent
                ? m('consent_yes', { date: r.testimonial_consent_at ? date(r.testimonial_consent_at) : '—' })
                : m('consent_no')}
            </dd>
          </>
        )}
      </dl>
      <AttributeTable caption={m('properties')} values={r.attributes} />

      <section aria-labelledby="inbox-contact-title" class="inbox-section" data-testid="detail-contact">
        <h3 id="inbox-contact-title">{m('contact')}</h3>
        {contact === null && <p class="muted">{m('contact_none')}</p>}
        {contact === 'failed' && <p class="muted">{m('contact_gone')}</p>}
        {contact && contact !== 'failed' && (
          <>
            <dl class="inbox-facts">
              {contact.name && (
                <>
                  <dt>{m('name')}</dt>
                  <dd data-testid="contact-name">{contact.name}</dd>
                </>
              )}
              {contact.email && (
                <>
                  <dt>{m('email')}</dt>
                  <dd>{contact.email}</dd>
                </>
              )}
              {contact.external_id && (
                <>
                  <dt>{m('external_id')}</dt>
                  <dd>{contact.external_id}</dd>
                </>
              )}
              {contact.locale && (
                <>
                  <dt>{m('locale')}</dt>
                  <dd>{contact.locale}</dd>
                </>
              )}
            </dl>
            <AttributeTable caption={m('attributes')} values={contact.attributes} />
          </>
        )}
      </section>

      {contact !== null && (
        <section aria-labelledby="inbox-account-title" class="inbox-section" data-testid="detail-account">
          <h3 id="inbox-account-title">{m('account')}</h3>
          {!data.account && <p class="muted">{m('account_none')}</p>}
          {data.account && (
            <>
              <dl class="inbox-facts">
                <dt>{m('name')}</dt>
                <dd data-testid="account-name">{data.account.name}</dd>
                {data.account.external_id && (
                  <>
                    <dt>{m('external_id')}</dt>
                    <dd>{data.account.external_id}</dd>
                  </>
                )}
                {data.account.revenue !== null && (
                  <>
                    <dt>{m('revenue')}</dt>
                    <dd>{number(data.account.revenue, 0)}</dd>
                  </>
                )}
              </dl>
              <AttributeTable caption={m('attributes')} values={data.account.attributes} />
              <p>
                <a
                  href={`${BASE}/accounts/${data.account.id}`}
                  onClick={(e) => onLinkClick(e, `/accounts/${data.account!.id}`)}
                >
                  {m('open_account')}
                </a>
              </p>
            </>
          )}
        </section>
      )}

      {r.contact_id && (
        <section aria-labelledby="inbox-history-title" class="inbox-section" data-testid="detail-history">
          <h3 id="inbox-history-title">{m('history')}</h3>
          {data.history.length <= 1 ? (
            <p class="muted">{m('history_none')}</p>
          ) : (
            <ol class="inbox-history">
              {data.history.map((h) => (
                <li key={h.id} class={h.id === r.id ? 'inbox-history-item current' : 'inbox-history-item'}>
                  <CategoryScore score={h.score} category={h.category} small />
                  <span class="inbox-history-main">
                    {h.id === r.id ? (
                      <span aria-current="true">
                        <time dateTime={h.created_at}>{date(h.created_at)}</time> ({m('this_response')})
                      </span>
                    ) : (
                      <a
                        href={hrefOf(`/responses/${h.id}`, search)}
                        onClick={(e) => onLinkClick(e, `/responses/${h.id}${search}`)}
                      >
                        <time dateTime={h.created_at}>{date(h.created_at)}</time>
                      </a>
                    )}
                    <span class="inbox-comment">{h.comment ?? m('no_comment')}</span>
                  </span>
                </li>
              ))}
            </ol>
          )}
        </section>
      )}
    </>
  );
}
