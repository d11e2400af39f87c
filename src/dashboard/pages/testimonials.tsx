/**
 * Moderating testimonials (GET /testimonials, POST /testimonials/{id}/approve|reject|withdraw,
 * PATCH /testimonials/{id}; docs/TESTIMONIALS.md): promoters who agreed to be quoted, by status
 * (pending, approved, rejected; `?status=` in the URL). A moderator approves or rejects and sets the
 * name shown; the quote is the customer's own words and cannot be edited. Below, the embed snippet
 * of the testimonial widget for each active publishable key. Viewers read only.
 */
import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, get, patch, post } from '../api';
import { defineMessages, useI18n, useMessages } from '../i18n';
import { navigate } from '../router';
import type { PageContext } from '../routes';

type Status = 'pending' | 'approved' | 'rejected';
const STATUSES: readonly Status[] = ['pending', 'approved', 'rejected'];

interface Testimonial {
  id: string;
  status: Status;
  display_name: string;
  default_display_name: string;
  quote: string;
  score: number;
  contact_name: string | null;
  responded_at: string;
  approved_at: string | null;
}

interface PublishableKey {
  id: string;
  name: string;
  key: string;
  revoked_at: string | null;
}

const M = defineMessages({
  en: {
    title: 'Testimonials',
    lead: 'Promoters who agreed to be quoted. Approved testimonials appear at once in the testimonial widget on your site. The quote is the customer’s own words and cannot be edited; you choose only the name shown. Customers can withdraw their consent at any time.',
    tab_pending: 'Pending',
    tab_approved: 'Approved',
    tab_rejected: 'Rejected',
    none_pending: 'No testimonial is waiting for a decision.',
    none_approved: 'No testimonial is approved yet.',
    none_rejected: 'No testimonial was rejected.',
    score: 'Score {score}',
    from: 'from {name}',
    shown_as: 'Name shown',
    shown_as_hint: 'Default: first name and initial of the last name ({name}).',
    approve: 'Approve',
    reject: 'Reject',
    save_name: 'Save name',
    withdraw: 'Withdraw on the customer’s behalf',
    withdraw_confirm:
      'Withdraw this customer’s consent? The testimonial disappears at once and cannot be approved again.',
    approved: 'Approved: it is shown in the widget now.',
    rejected: 'Rejected.',
    saved: 'Saved.',
    withdrawn: 'Consent withdrawn.',
    read_only: 'Your role can view testimonials but not decide on them.',
    more: 'Show more',
    embed_title: 'Show testimonials on your site',
    embed_lead:
      'Paste this where the testimonials should appear. It adds schema.org markup (reviews and the average rating of all responses) to the page.',
    embed_layout: 'Layout',
    layout_wall: 'Wall (grid)',
    layout_carousel: 'Carousel',
    embed_key: 'Publishable key',
    embed_none: 'Create a publishable key for your site in the settings (Website widget) first.',
    snippet: 'Snippet',
  },
  de: {
    title: 'Kundenstimmen',
    lead: 'Promotoren, die zitiert werden möchten. Freigegebene Kundenstimmen erscheinen sofort im Kundenstimmen-Widget auf Ihrer Website. Das Zitat sind die eigenen Worte der Kundin oder des Kunden und lässt sich nicht bearbeiten; Sie wählen nur den angezeigten Namen. Die Einwilligung kann jederzeit widerrufen werden.',
    tab_pending: 'Offen',
    tab_approved: 'Freigegeben',
    tab_rejected: 'Abgelehnt',
    none_pending: 'Keine Kundenstimme wartet auf eine Entscheidung.',
    none_approved: 'Noch keine Kundenstimme ist freigegeben.',
    none_rejected: 'Keine Kundenstimme wurde abgelehnt.',
    score: 'Bewertung {score}',
    from: 'von {name}',
    shown_as: 'Angezeigter Name',
    shown_as_hint: 'Standard: Vorname und Initiale des Nachnamens ({name}).',
    approve: 'Freigeben',
    reject: 'Ablehnen',
    save_name: 'Namen speichern',
    withdraw: 'Im Auftrag der Kundin oder des Kunden widerrufen',
    withdraw_confirm:
      'Die Einwilligung widerrufen? Die Kundenstimme verschwindet sofort und kann nicht wieder freigegeben werden.',
    approved: 'Freigegeben: Sie erscheint jetzt im Widget.',
    rejected: 'Abgelehnt.',
    saved: 'Gespeichert.',
    withdrawn: 'Einwilligung widerrufen.',
    read_only: 'Ihre Rolle kann Kundenstimmen ansehen, aber nicht über sie entscheiden.',
    more: 'Mehr anzeigen',
    embed_title: 'Kundenstimmen auf Ihrer Website zeigen',
    embed_lead:
      'Fügen Sie dies dort ein, wo die Kundenstimmen erscheinen sollen. Es ergänzt die Seite um schema.org-Auszeichnungen (Bewertungen und die Durchschnittsbewertung aller Antworten).',
    embed_layout: 'Darstellung',
    layout_wall: 'Wand (Raster)',
    layout_carousel: 'Karussell',
    embed_key: 'Öffentlicher Schlüssel',
    embed_none:
      'Legen Sie zuerst in den Einstellungen (Website-Widget) einen öffentlichen Schlüssel für Ihre Website an.',
    snippet: 'Code-Schnipsel',
  },
});

/** The testimonial widget's snippet (docs/TESTIMONIALS.md), for this installation. */
export function testimonialSnippet(key: string, layout: 'wall' | 'carousel', locale: string): string {
  return (
    '<div data-plaudit-testimonials></div>\n' +
    `<script async src="${window.location.origin}/testimonials.js" data-key="${key}" data-layout="${layout}" data-locale="${locale}"></script>`
  );
}

export function TestimonialsPage(ctx: PageContext) {
  const { t, locale } = useI18n();
  const date = (iso: string) => new Date(iso).toLocaleDateString(locale === 'de' ? 'de-DE' : 'en-GB');
  const m = useMessages(M);
  const raw = ctx.location.query.get('status');
  const status: Status = STATUSES.includes(raw as Status) ? (raw as Status) : 'pending';
  const canDecide = ctx.session.role !== 'viewer';
  const [items, setItems] = useState<Testimonial[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [failed, setFailed] = useState(false);
  const [reload, setReload] = useState(0);
  const [notice, setNotice] = useState<{ text: string; error: boolean } | null>(null);

  useEffect(() => {
    let live = true;
    setItems(null);
    setFailed(false);
    get<{ data: Testimonial[]; next_cursor: string | null }>('/testimonials', { status, limit: 50 })
      .then((r) => {
        if (!live) return;
        setItems(r.data);
        setCursor(r.next_cursor);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [status, reload]);

  const more = async () => {
    const r = await get<{ data: Testimonial[]; next_cursor: string | null }>('/testimonials', {
      status,
      limit: 50,
      cursor,
    });
    setItems([...(items ?? []), ...r.data]);
    setCursor(r.next_cursor);
  };

  /** Runs a decision, then shows its message and reloads the list. */
  const act = async (run: () => Promise<unknown>, done: string) => {
    try {
      await run();
      setNotice({ text: done, error: false });
      setReload((n) => n + 1);
    } catch (e) {
      setNotice({ text: e instanceof ApiError ? e.message : t('error_generic'), error: true });
    }
  };

  return (
    <section aria-labelledby="testimonials-title">
      <h1 id="testimonials-title">{m('title')}</h1>
      <p class="muted">{m('lead')}</p>
      {!canDecide && <p class="muted">{m('read_only')}</p>}
      <div class="tabs" role="tablist" aria-label={m('title')}>
        {STATUSES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={status === s}
            class={status === s ? 'tab active' : 'tab'}
            onClick={() => {
              setNotice(null);
              navigate(`/testimonials?status=${s}`);
            }}
          >
            {m(`tab_${s}`)}
          </button>
        ))}
      </div>
      {notice && (
        <p class={notice.error ? 'error' : 'ok'} role={notice.error ? 'alert' : 'status'}>
          {notice.text}
        </p>
      )}
      {failed && <p class="error">{t('error_generic')}</p>}
      {!items && !failed && <p class="muted">{t('loading')}</p>}
      {items && items.length === 0 && <p class="muted">{m(`none_${status}`)}</p>}
      {items && items.length > 0 && (
        <ul class="survey-list">
          {items.map((item) => (
            <TestimonialItem key={item.id} item={item} canDecide={canDecide} m={m} date={date} act={act} />
          ))}
        </ul>
      )}
      {cursor && (
        <button type="button" class="secondary" onClick={more}>
          {m('more')}
        </button>
      )}
      <Embed m={m} locale={locale} />
    </section>
  );
}

type Messages = (key: keyof (typeof M)['en'], values?: Record<string, string | number>) => string;

function TestimonialItem(props: {
  item: Testimonial;
  canDecide: boolean;
  m: Messages;
  date: (iso: string) => string;
  act: (run: () => Promise<unknown>, done: string) => Promise<void>;
}) {
  const { item, m, act } = props;
  const [name, setName] = useState(item.display_name);
  const path = `/testimonials/${encodeURIComponent(item.id)}`;
  const nameId = `name-${item.id}`;
  return (
    <li class="card" data-testid="testimonial">
      <blockquote class="inbox-full-comment">{item.quote}</blockquote>
      <p class="muted small">
        {m('score', { score: item.score })} · {props.date(item.responded_at)}
        {item.contact_name ? ` · ${m('from', { name: item.contact_name })}` : ''}
      </p>
      <div class="field">
        <label for={nameId}>{m('shown_as')}</label>
        <input
          id={nameId}
          value={name}
          maxLength={80}
          disabled={!props.canDecide}
          onInput={(e) => setName(e.currentTarget.value)}
        />
        <p class="muted small">{m('shown_as_hint', { name: item.default_display_name })}</p>
      </div>
      {props.canDecide && (
        <div class="actions">
          {item.status !== 'approved' && (
            <button
              type="button"
              onClick={() => act(() => post(`${path}/approve`, { display_name: name }), m('approved'))}
            >
              {m('approve')}
            </button>
          )}
          {item.status === 'approved' && name !== item.display_name && (
            <button type="button" onClick={() => act(() => patch(path, { display_name: name }), m('saved'))}>
              {m('save_name')}
            </button>
          )}
          {item.status !== 'rejected' && (
            <button
              type="button"
              class="secondary"
              onClick={() => act(() => post(`${path}/reject`), m('rejected'))}
            >
              {m('reject')}
            </button>
          )}
          <button
            type="button"
            class="secondary"
            onClick={() => {
              if (window.confirm(m('withdraw_confirm')))
                void act(() => post(`${path}/withdraw`), m('withdrawn'));
            }}
          >
            {m('withdraw')}
          </button>
        </div>
      )}
    </li>
  );
}

function Embed(props: { m: Messages; locale: string }) {
  const { m } = props;
  const [keys, setKeys] = useState<PublishableKey[] | null>(null);
  const [keyId, setKeyId] = useState('');
  const [layout, setLayout] = useState<'wall' | 'carousel'>('wall');
  useEffect(() => {
    api<{ data: PublishableKey[] }>('GET', '/publishable-keys')
      .then((r) => setKeys(r.data.filter((k) => !k.revoked_at)))
      .catch(() => setKeys([]));
  }, []);
  const key = keys?.find((k) => k.id === keyId) ?? keys?.[0];
  return (
    <section class="card" aria-labelledby="embed-title">
      <h2 id="embed-title">{m('embed_title')}</h2>
      <p class="muted">{m('embed_lead')}</p>
      {keys && keys.length === 0 && <p class="muted">{m('embed_none')}</p>}
      {key && (
        <>
          <div class="row">
            <div class="field">
              <label for="embed-key">{m('embed_key')}</label>
              <select id="embed-key" value={key.id} onChange={(e) => setKeyId(e.currentTarget.value)}>
                {keys!.map((k) => (
                  <option key={k.id} value={k.id}>
                    {k.name}
                  </option>
                ))}
              </select>
            </div>
            <div class="field">
              <label for="embed-layout">{m('embed_layout')}</label>
              <select
                id="embed-layout"
                value={layout}
                onChange={(e) => setLayout(e.currentTarget.value as 'wall' | 'carousel')}
              >
                <option value="wall">{m('layout_wall')}</option>
                <option value="carousel">{m('layout_carousel')}</option>
              </select>
            </div>
          </div>
          <label for="embed-snippet">{m('snippet')}</label>
          <textarea
            id="embed-snippet"
            readOnly
            rows={3}
            style={{ width: '100%', fontFamily: 'monospace' }}
            value={testimonialSnippet(key.key, layout, props.locale)}
          />
        </>
      )}
    </section>
  );
}
