/**
 * Accounts (B2B): the workspace summary (revenue-weighted NPS, revenue at risk, upsell candidates,
 * falling accounts) and every account that answered with its NPS ± margin, stakeholders and their
 * roles, revenue, category and change against the previous period; sorted in the URL, paged with
 * "load more". /accounts/:id shows one account with its trend and a link to its responses.
 * All numbers come from GET /metrics/accounts and /accounts/{id}/trend under the URL's filters.
 */
import { Fragment } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, get } from '../api';
import { FilterBar } from '../components/filter-bar';
import { IntervalBar } from '../components/interval-bar';
import { TrendChart } from '../components/trend-chart';
import { type Filters, filterQuery } from '../filters';
import { defineMessages, type I18n, useI18n, useMessages } from '../i18n';
import { BASE, onLinkClick, setQuery } from '../router';
import type { PageContext } from '../routes';
import type { Summary, TrendPoint } from '../types';

const M = defineMessages({
  en: {
    title: 'Accounts',
    lead: 'Each stakeholder counts once (their latest answer in the period).',
    period: '{from} to {to}, compared with {pfrom} to {pto}.',
    rw_nps: 'Revenue-weighted NPS',
    rw_help: 'Over {n} accounts with revenue.',
    rw_without: '{n} accounts without revenue are left out.',
    split: '{p} promoter, {pa} passive, {d} detractor accounts.',
    at_risk: 'Revenue at risk',
    at_risk_help: 'Revenue of {n} detractor accounts.',
    upsell: 'Upsell candidates',
    upsell_help: 'Promoter accounts, highest revenue first:',
    falling: 'Falling accounts',
    falling_help: 'Lost {d} points or more, with at least {n} answers in both periods:',
    none: 'None.',
    sort: 'Sort by',
    sort_revenue: 'Revenue',
    sort_nps: 'NPS',
    sort_change: 'Change',
    sort_responses: 'Responses',
    order: 'Order',
    order_desc: 'Highest first',
    order_asc: 'Lowest first',
    table: 'Accounts',
    col_account: 'Account',
    col_nps: 'NPS ± margin',
    col_stakeholders: 'Stakeholders and roles',
    col_revenue: 'Revenue',
    col_category: 'Category',
    col_change: 'Change',
    col_responses: 'Responses',
    owner: 'Owner: {owner}',
    cat_promoter: 'Promoter account',
    cat_passive: 'Passive account',
    cat_detractor: 'Detractor account',
    change_new: 'No answers before',
    change_was: 'was {nps}',
    falling_flag: 'falling',
    load_more: 'Load more',
    shown: '{shown} of {total} accounts',
    empty: 'No account answered in this selection.',
    back: 'All accounts',
    not_found: 'There is no such account.',
    account_trend: 'NPS of this account',
    trend_note: 'Per month (per week for 30 days); survey and channel filters do not apply to the trend.',
    no_answers: 'No stakeholder answered in this selection.',
    responses_link: 'Show the responses of this account',
    attributes: 'Attributes',
    external_id: 'External ID',
    nps_now: 'NPS in this period',
    role_decision_maker: 'decision maker',
    role_champion: 'champion',
    role_finance: 'finance',
    role_user: 'user',
  },
  de: {
    title: 'Kunden',
    lead: 'Jeder Ansprechpartner zählt einmal (seine letzte Antwort im Zeitraum).',
    period: '{from} bis {to}, verglichen mit {pfrom} bis {pto}.',
    rw_nps: 'Umsatzgewichteter NPS',
    rw_help: 'Über {n} Kunden mit Umsatz.',
    rw_without: '{n} Kunden ohne Umsatz sind nicht eingerechnet.',
    split: '{p} Promotoren-, {pa} passive, {d} Kritiker-Kunden.',
    at_risk: 'Gefährdeter Umsatz',
    at_risk_help: 'Umsatz von {n} Kritiker-Kunden.',
    upsell: 'Upsell-Kandidaten',
    upsell_help: 'Promotoren-Kunden, höchster Umsatz zuerst:',
    falling: 'Fallende Kunden',
    falling_help: 'Mindestens {d} Punkte verloren, mit mindestens {n} Antworten in beiden Zeiträumen:',
    none: 'Keine.',
    sort: 'Sortieren nach',
    sort_revenue: 'Umsatz',
    sort_nps: 'NPS',
    sort_change: 'Veränderung',
    sort_responses: 'Antworten',
    order: 'Reihenfolge',
    order_desc: 'Höchste zuerst',
    order_asc: 'Niedrigste zuerst',
    table: 'Kunden',
    col_account: 'Kunde',
    col_nps: 'NPS ± Fehlerspanne',
    col_stakeholders: 'Ansprechpartner und Rollen',
    col_revenue: 'Umsatz',
    col_category: 'Kategorie',
    col_change: 'Veränderung',
    col_responses: 'Antworten',
    owner: 'Betreuer: {owner}',
    cat_promoter: 'Promotoren-Kunde',
    cat_passive: 'Passiver Kunde',
    cat_detractor: 'Kritiker-Kunde',
    change_new: 'Vorher keine Antworten',
    change_was: 'vorher {nps}',
    falling_flag: 'fallend',
    load_more: 'Mehr laden',
    shown: '{shown} von {total} Kunden',
    empty: 'In dieser Auswahl hat kein Kunde geantwortet.',
    back: 'Alle Kunden',
    not_found: 'Diesen Kunden gibt es nicht.',
    account_trend: 'NPS dieses Kunden',
    trend_note: 'Pro Monat (pro Woche bei 30 Tagen); Umfrage- und Kanalfilter gelten für den Verlauf nicht.',
    no_answers: 'In dieser Auswahl hat kein Ansprechpartner geantwortet.',
    responses_link: 'Antworten dieses Kunden anzeigen',
    attributes: 'Attribute',
    external_id: 'Externe ID',
    nps_now: 'NPS in diesem Zeitraum',
    role_decision_maker: 'Entscheider',
    role_champion: 'Fürsprecher',
    role_finance: 'Finanzen',
    role_user: 'Anwender',
  },
});

type Key = keyof (typeof M)['en'];
type Category = 'promoter' | 'passive' | 'detractor' | null;

interface AccountRef {
  id: string;
  name: string;
  external_id: string | null;
  revenue: number | null;
  owner: string | null;
  nps: number | null;
  nps_rounded: number | null;
  n: number;
}

interface AccountRow extends Summary, Omit<AccountRef, keyof Summary> {
  responses: number;
  stakeholders: number;
  roles: string[];
  mean_score: number | null;
  category: Category;
  previous: { n: number; nps: number | null; nps_rounded: number | null };
  change: number | null;
  falling: boolean;
}

interface AccountMetrics {
  from: string;
  to: string;
  previous: { from: string; to: string };
  summary: {
    accounts: number;
    promoter_accounts: number;
    passive_accounts: number;
    detractor_accounts: number;
    revenue_weighted_nps: number | null;
    revenue_weighted_accounts: number;
    accounts_without_revenue: number;
    revenue_at_risk: number;
    upsell_candidates: { count: number; top: AccountRef[] };
    falling: {
      threshold: number;
      min_responses: number;
      count: number;
      top: (AccountRef & { previous_nps: number; change: number })[];
    };
  };
  data: AccountRow[];
  next_cursor: string | null;
}

const SORTS = ['revenue', 'nps', 'change', 'responses'] as const;
type Sort = (typeof SORTS)[number];
const PAGE = 25;
const TOP = 3;

/** Revenue in the UI's locale and the workspace's currency (GET /workspace, EUR until it is known). */
function useMoney() {
  const { locale } = useI18n();
  const [currency, setCurrency] = useState('EUR');
  useEffect(() => {
    get<{ currency?: string }>('/workspace')
      .then((w) => w.currency && setCurrency(w.currency))
      .catch(() => {});
  }, []);
  return useMemo(() => {
    const f = new Intl.NumberFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
      style: 'currency',
      currency,
      maximumFractionDigits: 0,
    });
    return (v: number | null) => (v === null ? '–' : f.format(v));
  }, [locale, currency]);
}

function useDay() {
  const { locale } = useI18n();
  return useMemo(() => {
    const f = new Intl.DateTimeFormat(locale === 'de' ? 'de-DE' : 'en-GB', {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      timeZone: 'UTC',
    });
    return (day: string) => f.format(new Date(`${day}T00:00:00Z`));
  }, [locale]);
}

/** The filters of the URL as a query string, for links that keep them. */
function filterSearch(query: URLSearchParams, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  for (const k of ['period', 'from', 'to', 'survey_id', 'channel']) {
    const v = query.get(k);
    if (v) params.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

function Link(props: { to: string; children: preact.ComponentChildren; class?: string }) {
  return (
    <a href={`${BASE}${props.to}`} class={props.class} onClick={(e) => onLinkClick(e, props.to)}>
      {props.children}
    </a>
  );
}

export function AccountsPage(ctx: PageContext) {
  return ctx.params.id ? <AccountDetail ctx={ctx} id={ctx.params.id} /> : <AccountList ctx={ctx} />;
}

function npsText(number: I18n['number'], s: { nps: number | null; nps_rounded: number | null }) {
  return s.nps === null ? '–' : number(s.nps_rounded ?? s.nps, 0);
}

function roleLabel(m: (k: Key) => string, role: string) {
  const key = `role_${role}` as Key;
  return key in M.en ? m(key) : role.replace(/_/g, ' ');
}

function AccountList({ ctx }: { ctx: PageContext }) {
  const { t, number } = useI18n();
  const m = useMessages(M);
  const money = useMoney();
  const day = useDay();
  const q = ctx.location.query;
  const sort: Sort = (SORTS as readonly string[]).includes(q.get('sort') ?? '')
    ? (q.get('sort') as Sort)
    : 'revenue';
  const order = q.get('order') === 'asc' ? 'asc' : 'desc';
  const [data, setData] = useState<AccountMetrics | null>(null);
  const [rows, setRows] = useState<AccountRow[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [failed, setFailed] = useState(false);
  const base = { ...filterQuery(ctx.filters), sort, order, limit: PAGE };

  const key = JSON.stringify([ctx.filters, sort, order]);
  useEffect(() => {
    let live = true;
    setData(null);
    setFailed(false);
    get<AccountMetrics>('/metrics/accounts', base)
      .then((r) => {
        if (!live) return;
        setData(r);
        setRows(r.data);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [key]);

  const loadMore = () => {
    if (!data?.next_cursor) return;
    setLoadingMore(true);
    get<AccountMetrics>('/metrics/accounts', { ...base, cursor: data.next_cursor })
      .then((r) => {
        setRows((prev) => [...prev, ...r.data]);
        setData((d) => (d ? { ...d, next_cursor: r.next_cursor } : d));
      })
      .catch(() => setFailed(true))
      .finally(() => setLoadingMore(false));
  };

  const s = data?.summary;
  const sortLabel = (k: Sort) => m(`sort_${k}`);
  const ariaSort = (k: Sort) => (sort === k ? (order === 'asc' ? 'ascending' : 'descending') : undefined);

  return (
    <>
      <h1>{m('title')}</h1>
      <p class="muted">{m('lead')}</p>
      <FilterBar filters={ctx.filters} />
      {failed && <p class="error">{t('error_generic')}</p>}
      {!data && !failed && <p aria-busy="true">{t('loading')}</p>}
      {data && s && (
        <>
          <p class="muted" data-testid="accounts-period">
            {m('period', {
              from: day(data.from),
              to: day(data.to),
              pfrom: day(data.previous.from),
              pto: day(data.previous.to),
            })}
          </p>
          <div class="grid account-cards">
            <section class="card score" aria-labelledby="rw-title">
              <h2 id="rw-title">{m('rw_nps')}</h2>
              <p class="big" data-testid="rw-nps">
                {s.revenue_weighted_nps === null ? '–' : number(s.revenue_weighted_nps, 0)}
              </p>
              <p class="muted">
                {m('rw_help', { n: number(s.revenue_weighted_accounts, 0) })}
                {s.accounts_without_revenue > 0 &&
                  ` ${m('rw_without', { n: number(s.accounts_without_revenue, 0) })}`}
              </p>
              <p class="an-small">
                {m('split', {
                  p: number(s.promoter_accounts, 0),
                  pa: number(s.passive_accounts, 0),
                  d: number(s.detractor_accounts, 0),
                })}
              </p>
            </section>
            <section class="card score" aria-labelledby="risk-title">
              <h2 id="risk-title">{m('at_risk')}</h2>
              <p class="big risk" data-testid="revenue-at-risk">
                {money(s.revenue_at_risk)}
              </p>
              <p class="muted">{m('at_risk_help', { n: number(s.detractor_accounts, 0) })}</p>
            </section>
            <section class="card score" aria-labelledby="upsell-title">
              <h2 id="upsell-title">{m('upsell')}</h2>
              <p class="big" data-testid="upsell-count">
                {number(s.upsell_candidates.count, 0)}
              </p>
              {s.upsell_candidates.count === 0 ? (
                <p class="muted">{m('none')}</p>
              ) : (
                <>
                  <p class="muted an-small">{m('upsell_help')}</p>
                  <ul class="top-accounts">
                    {s.upsell_candidates.top.slice(0, TOP).map((a) => (
                      <li key={a.id}>
                        <Link to={`/accounts/${encodeURIComponent(a.id)}${filterSearch(q)}`}>{a.name}</Link>{' '}
                        <span class="muted an-nowrap">
                          {money(a.revenue)} · NPS {npsText(number, a)}
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
            <section class="card score" aria-labelledby="falling-title">
              <h2 id="falling-title">{m('falling')}</h2>
              <p class="big" data-testid="falling-count">
                {number(s.falling.count, 0)}
              </p>
              {s.falling.count === 0 ? (
                <p class="muted">{m('none')}</p>
              ) : (
                <>
                  <p class="muted an-small">
                    {m('falling_help', {
                      d: number(Math.abs(s.falling.threshold), 0),
                      n: number(s.falling.min_responses, 0),
                    })}
                  </p>
                  <ul class="top-accounts">
                    {s.falling.top.slice(0, TOP).map((a) => (
                      <li key={a.id}>
                        <Link to={`/accounts/${encodeURIComponent(a.id)}${filterSearch(q)}`}>{a.name}</Link>{' '}
                        <span class="muted an-nowrap">
                          {number(a.previous_nps, 0)} → {npsText(number, a)} ({signed(number, a.change)})
                        </span>
                      </li>
                    ))}
                  </ul>
                </>
              )}
            </section>
          </div>

          <section class="card accounts-list" aria-labelledby="accounts-table-title">
            <h2 id="accounts-table-title">{m('table')}</h2>
            <div class="analysis-controls">
              <div class="field an-field">
                <label class="an-label" for="accounts-sort">
                  {m('sort')}
                </label>
                <select
                  id="accounts-sort"
                  value={sort}
                  onChange={(e) => {
                    const v = (e.target as HTMLSelectElement).value;
                    setQuery({ sort: v === 'revenue' ? undefined : v });
                  }}
                >
                  {SORTS.map((k) => (
                    <option key={k} value={k}>
                      {sortLabel(k)}
                    </option>
                  ))}
                </select>
              </div>
              <div class="field an-field">
                <label class="an-label" for="accounts-order">
                  {m('order')}
                </label>
                <select
                  id="accounts-order"
                  value={order}
                  onChange={(e) => {
                    const v = (e.target as HTMLSelectElement).value;
                    setQuery({ order: v === 'desc' ? undefined : v });
                  }}
                >
                  <option value="desc">{m('order_desc')}</option>
                  <option value="asc">{m('order_asc')}</option>
                </select>
              </div>
            </div>
            {rows.length === 0 ? (
              <p>{m('empty')}</p>
            ) : (
              <div class="an-scroll">
                <table class="data accounts-table">
                  <thead>
                    <tr>
                      <th scope="col">{m('col_account')}</th>
                      <th scope="col" class="num" aria-sort={ariaSort('nps')}>
                        {m('col_nps')}
                      </th>
                      <th scope="col">{m('col_stakeholders')}</th>
                      <th scope="col" class="num" aria-sort={ariaSort('revenue')}>
                        {m('col_revenue')}
                      </th>
                      <th scope="col">{m('col_category')}</th>
                      <th scope="col" class="num" aria-sort={ariaSort('change')}>
                        {m('col_change')}
                      </th>
                      <th scope="col" class="num" aria-sort={ariaSort('responses')}>
                        {m('col_responses')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((a) => (
                      <tr key={a.id} data-testid="account-row">
                        <th scope="row">
                          <Link to={`/accounts/${encodeURIComponent(a.id)}${filterSearch(q)}`}>
                            <span data-testid="account-name">{a.name}</span>
                          </Link>
                          {a.owner && (
                            <span class="muted an-block an-small">{m('owner', { owner: a.owner })}</span>
                          )}
                        </th>
                        <td class="num an-nowrap" data-testid="account-nps">
                          {npsText(number, a)}
                          {a.margin_of_error !== null && (
                            <span class="muted"> ± {number(a.margin_of_error, 1)}</span>
                          )}
                        </td>
                        <td>
                          {number(a.stakeholders, 0)}
                          {a.roles.length > 0 && (
                            <span class="muted"> · {a.roles.map((r) => roleLabel(m, r)).join(', ')}</span>
                          )}
                        </td>
                        <td class="num an-nowrap" data-testid="account-revenue">
                          {money(a.revenue)}
                        </td>
                        <td class="an-nowrap">
                          {a.category && (
                            <>
                              <span class={`swatch ${a.category}`} aria-hidden="true" />
                              {m(`cat_${a.category}`)}
                            </>
                          )}
                        </td>
                        <td class="num an-nowrap" data-testid="account-change">
                          <ChangeText number={number} m={m} row={a} />
                        </td>
                        <td class="num">{number(a.responses, 0)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            <div class="load-more">
              <span class="muted" data-testid="accounts-shown">
                {m('shown', { shown: number(rows.length, 0), total: number(s.accounts, 0) })}
              </span>
              {data.next_cursor && (
                <button type="button" onClick={loadMore} disabled={loadingMore}>
                  {loadingMore ? t('loading') : m('load_more')}
                </button>
              )}
            </div>
          </section>
        </>
      )}
    </>
  );
}

const signed = (number: I18n['number'], d: number) =>
  d > 0 ? `+${number(d, 0)}` : d < 0 ? `−${number(Math.abs(d), 0)}` : number(0, 0);

function ChangeText(props: {
  number: I18n['number'];
  m: (k: Key, v?: Record<string, string | number>) => string;
  row: Pick<AccountRow, 'change' | 'previous' | 'falling'>;
}) {
  const { number, m, row } = props;
  if (row.change === null)
    return <span class="muted">{row.previous.nps === null ? m('change_new') : '–'}</span>;
  return (
    <>
      <span class={row.change < 0 ? 'an-neg' : row.change > 0 ? 'an-pos' : ''}>
        {signed(number, row.change)}
      </span>
      {row.previous.nps !== null && (
        <span class="muted an-block an-small">{m('change_was', { nps: npsText(number, row.previous) })}</span>
      )}
      {row.falling && <span class="an-badge falling">{m('falling_flag')}</span>}
    </>
  );
}

interface Account {
  id: string;
  name: string;
  external_id: string | null;
  revenue: number | null;
  attributes: Record<string, unknown>;
}

interface AccountTrend {
  interval: 'day' | 'week' | 'month';
  from: string;
  to: string;
  points: (TrendPoint & { responses: number })[];
}

function trendInterval(filters: Filters): 'week' | 'month' {
  return filters.preset === '30' ? 'week' : 'month';
}

function AccountDetail({ ctx, id }: { ctx: PageContext; id: string }) {
  const { t, number } = useI18n();
  const m = useMessages(M);
  const money = useMoney();
  const day = useDay();
  const q = ctx.location.query;
  const [account, setAccount] = useState<Account | null>(null);
  const [row, setRow] = useState<AccountRow | null | undefined>(undefined);
  const [period, setPeriod] = useState<AccountMetrics | null>(null);
  const [trend, setTrend] = useState<AccountTrend | null>(null);
  const [error, setError] = useState<'not-found' | 'failed' | null>(null);

  const key = JSON.stringify([ctx.filters, id]);
  useEffect(() => {
    let live = true;
    setError(null);
    setAccount(null);
    setRow(undefined);
    setTrend(null);
    const query = filterQuery(ctx.filters);
    get<Account>(`/accounts/${encodeURIComponent(id)}`)
      .then(async (a) => {
        if (!live) return;
        setAccount(a);
        const [metrics, points] = await Promise.all([
          get<AccountMetrics>('/metrics/accounts', { ...query, account_id: id, limit: 1 }),
          get<AccountTrend>(`/accounts/${encodeURIComponent(id)}/trend`, {
            interval: trendInterval(ctx.filters),
            from: query.from,
            to: query.to,
          }),
        ]);
        if (!live) return;
        setPeriod(metrics);
        setRow(metrics.data[0] ?? null);
        setTrend(points);
      })
      .catch((e) => {
        if (live)
          setError(e instanceof ApiError && (e.status === 404 || e.status === 400) ? 'not-found' : 'failed');
      });
    return () => {
      live = false;
    };
  }, [key]);

  const attributes = account
    ? Object.entries(account.attributes).filter(([, v]) => v !== null && typeof v !== 'object')
    : [];

  return (
    <>
      <p>
        <Link to={`/accounts${filterSearch(q, pick(q, ['sort', 'order']))}`}>← {m('back')}</Link>
      </p>
      {error === 'not-found' && <p class="card">{m('not_found')}</p>}
      {error === 'failed' && <p class="error">{t('error_generic')}</p>}
      {!account && !error && <p aria-busy="true">{t('loading')}</p>}
      {account && (
        <>
          <h1 data-testid="account-title">{account.name}</h1>
          <FilterBar filters={ctx.filters} />
          {period && (
            <p class="muted">
              {m('period', {
                from: day(period.from),
                to: day(period.to),
                pfrom: day(period.previous.from),
                pto: day(period.previous.to),
              })}
            </p>
          )}
          <div class="grid">
            <section class="card score" aria-labelledby="account-nps-title">
              <h2 id="account-nps-title">{m('nps_now')}</h2>
              {row === undefined && <p aria-busy="true">{t('loading')}</p>}
              {row === null && <p>{m('no_answers')}</p>}
              {row && (
                <>
                  <p class="big" data-testid="account-detail-nps">
                    {npsText(number, row)}
                  </p>
                  <p class="muted">{t('margin', { margin: number(row.margin_of_error ?? 0, 1) })}</p>
                  <IntervalBar nps={row.nps} margin={row.margin_of_error} />
                  <p>
                    {row.category && (
                      <>
                        <span class={`swatch ${row.category}`} aria-hidden="true" />
                        {m(`cat_${row.category}`)}
                      </>
                    )}
                  </p>
                  <p>
                    {m('col_change')}: <ChangeText number={number} m={m} row={row} />
                  </p>
                  <p>
                    {m('col_stakeholders')}: {number(row.stakeholders, 0)}
                    {row.roles.length > 0 && ` · ${row.roles.map((r) => roleLabel(m, r)).join(', ')}`}
                  </p>
                  <p class="muted">{t('responses_count', { n: number(row.responses, 0) })}</p>
                </>
              )}
            </section>
            <section class="card" aria-labelledby="account-facts-title">
              <h2 id="account-facts-title">{m('attributes')}</h2>
              <dl class="an-facts">
                <dt class="an-fact-key">{m('col_revenue')}</dt>
                <dd class="an-fact-value" data-testid="account-detail-revenue">
                  {money(account.revenue)}
                </dd>
                {account.external_id && (
                  <>
                    <dt class="an-fact-key">{m('external_id')}</dt>
                    <dd class="an-fact-value">{account.external_id}</dd>
                  </>
                )}
                {attributes.map(([k, v]) => (
                  <Fragment key={k}>
                    <dt class="an-fact-key">{k.replace(/_/g, ' ')}</dt>
                    <dd class="an-fact-value">{String(v)}</dd>
                  </Fragment>
                ))}
              </dl>
              <p>
                <Link to={`/responses${filterSearch(q, { account_id: account.id })}`} class="responses-link">
                  {m('responses_link')}
                </Link>
              </p>
            </section>
            <section class="card wide" aria-labelledby="account-trend-title">
              <h2 id="account-trend-title">{m('account_trend')}</h2>
              {trend ? (
                <>
                  <TrendChart points={trend.points} label={m('account_trend')} />
                  <p class="muted an-small">{m('trend_note')}</p>
                </>
              ) : (
                !error && <p aria-busy="true">{t('loading')}</p>
              )}
            </section>
          </div>
        </>
      )}
    </>
  );
}

function pick(q: URLSearchParams, keys: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of keys) {
    const v = q.get(k);
    if (v) out[k] = v;
  }
  return out;
}
