/**
 * The follow-up cases (GET /cases, PATCH /cases/{id}, GET /metrics/cases): the closed-loop
 * metrics of the period with a table by owner or team, then the cases as a list (a table, cards on
 * a phone) or as a board with a column per status. Everything the view shows is in the URL
 * (`view`, `status`, `owner`, `mine`, `breached`, `days`, `group`). On the board a card moves to
 * another status with its "Move to" select (keyboard-friendly; closing opens the case, because
 * closing needs a resolution). Viewers see everything and move nothing. /cases/<id> (the case) and
 * /cases/playbook (the playbook editor) are their own files, loaded from here when first opened.
 */
import type { ComponentType } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { get, patch } from '../api';
import { problemOf } from '../components/problem';
import { defineMessages, useI18n, useMessages } from '../i18n';
import { BASE, navigate, onLinkClick, setQuery } from '../router';
import type { PageContext } from '../routes';
import {
  CASE_STATUSES,
  type Case,
  type CaseMetricsRow,
  type CaseStatus,
  CM,
  canRespond,
  customerOf,
  ScoreBadge,
  SlaBadge,
  StatusBadge,
  useDateTime,
  useDuration,
  usePercent,
} from './cases-shared';

const M = defineMessages({
  en: {
    lead: 'Every answer the playbook (or someone) opened a case for: who follows it up, by when, and how it ended.',
    view: 'View',
    view_list: 'List',
    view_board: 'Board',
    filter_status: 'Status',
    status_active: 'Not closed',
    status_all: 'All',
    filter_owner: 'Owner (email or name)',
    filter_apply: 'Apply',
    filter_mine: 'Only mine',
    filter_breached: 'Only overdue',
    filter_clear: 'Clear filters',
    list_caption: 'Cases, newest first',
    col_number: '#',
    col_title: 'Title',
    none: 'No cases match this selection.',
    load_more: 'Load more',
    shown: '{n} shown',
    shown_all: '{n} shown, that is all',
    open_case: 'Open case #{n}',
    move_to: 'Move #{n} to',
    move_choose: 'Move to …',
    moved: 'Case #{n} is now “{status}”.',
    column_count: '{n} cases',
    column_more: 'Showing the newest {n}.',
    metrics_title: 'Closing the loop',
    metrics_period: 'Cases opened in',
    days_30: 'the last 30 days',
    days_90: 'the last 90 days',
    days_365: 'the last 12 months',
    closed_loop_rate: 'Closed-loop rate',
    closed_of: '{closed} of {opened} cases closed',
    first_contact: 'Time to first contact',
    time_to_close: 'Time to close',
    median: 'median',
    recovery_rate: 'Recovery rate',
    recovery_of: '{recovered} of {base} detractors who answered again answered higher',
    recovery_none: 'No detractor with a case has answered again yet.',
    sla_rate: 'Closed within SLA',
    open_breached: 'Open and overdue',
    open_breached_hint: 'open cases past their due time',
    by: 'By',
    by_owner: 'owner',
    by_team: 'team',
    group_none: '(nobody)',
    col_opened: 'Opened',
    col_closed: 'Closed',
    col_rate: 'Closed-loop rate',
    col_sla: 'In SLA',
    col_first: 'First contact (median)',
    col_close: 'To close (median)',
    col_recovery: 'Recovery',
    col_breached: 'Overdue',
    groups_caption: 'Closed-loop metrics by {by}',
    groups_none: 'No cases in this period.',
  },
  de: {
    lead: 'Jede Antwort, für die das Playbook (oder jemand) einen Fall eröffnet hat: wer sich kümmert, bis wann, und wie er ausging.',
    view: 'Ansicht',
    view_list: 'Liste',
    view_board: 'Board',
    filter_status: 'Status',
    status_active: 'Nicht abgeschlossen',
    status_all: 'Alle',
    filter_owner: 'Zuständig (E-Mail oder Name)',
    filter_apply: 'Anwenden',
    filter_mine: 'Nur meine',
    filter_breached: 'Nur überfällige',
    filter_clear: 'Filter zurücksetzen',
    list_caption: 'Fälle, neueste zuerst',
    col_number: 'Nr.',
    col_title: 'Titel',
    none: 'Keine Fälle in dieser Auswahl.',
    load_more: 'Weitere laden',
    shown: '{n} angezeigt',
    shown_all: '{n} angezeigt, das sind alle',
    open_case: 'Fall #{n} öffnen',
    move_to: '#{n} verschieben nach',
    move_choose: 'Verschieben nach …',
    moved: 'Fall #{n} ist jetzt „{status}“.',
    column_count: '{n} Fälle',
    column_more: 'Die neuesten {n} werden gezeigt.',
    metrics_title: 'Den Kreis schließen',
    metrics_period: 'Fälle eröffnet in',
    days_30: 'den letzten 30 Tagen',
    days_90: 'den letzten 90 Tagen',
    days_365: 'den letzten 12 Monaten',
    closed_loop_rate: 'Abschlussquote',
    closed_of: '{closed} von {opened} Fällen abgeschlossen',
    first_contact: 'Zeit bis zum ersten Kontakt',
    time_to_close: 'Zeit bis zum Abschluss',
    median: 'Median',
    recovery_rate: 'Rückgewinnungsquote',
    recovery_of:
      '{recovered} von {base} Kritikern, die erneut geantwortet haben, gaben eine höhere Bewertung',
    recovery_none: 'Noch kein Kritiker mit einem Fall hat erneut geantwortet.',
    sla_rate: 'Innerhalb der Frist abgeschlossen',
    open_breached: 'Offen und überfällig',
    open_breached_hint: 'offene Fälle nach ihrer Frist',
    by: 'Nach',
    by_owner: 'Zuständigen',
    by_team: 'Team',
    group_none: '(niemand)',
    col_opened: 'Eröffnet',
    col_closed: 'Abgeschlossen',
    col_rate: 'Abschlussquote',
    col_sla: 'In der Frist',
    col_first: 'Erster Kontakt (Median)',
    col_close: 'Bis Abschluss (Median)',
    col_recovery: 'Rückgewinnung',
    col_breached: 'Überfällig',
    groups_caption: 'Kennzahlen nach {by}',
    groups_none: 'Keine Fälle in diesem Zeitraum.',
  },
});

type View = 'list' | 'board';
type StatusFilter = 'active' | 'all' | CaseStatus;
const ACTIVE: CaseStatus[] = ['open', 'in_progress', 'waiting_on_customer'];
const PAGE = 50;
const BOARD_LIMIT = 50;
const PERIODS = ['30', '90', '365'] as const;
type Period = (typeof PERIODS)[number];

interface CasesQuery {
  view: View;
  status: StatusFilter;
  owner: string;
  mine: boolean;
  breached: boolean;
  days: Period;
  group: 'owner' | 'team';
}

function casesQueryOf(query: URLSearchParams): CasesQuery {
  const status = query.get('status');
  const days = query.get('days');
  return {
    view: query.get('view') === 'board' ? 'board' : 'list',
    status:
      status === 'all' || CASE_STATUSES.includes(status as CaseStatus) ? (status as StatusFilter) : 'active',
    owner: (query.get('owner') ?? '').slice(0, 200),
    mine: query.get('mine') === '1',
    breached: query.get('breached') === '1',
    days: PERIODS.includes(days as Period) ? (days as Period) : '90',
    group: query.get('group') === 'team' ? 'team' : 'owner',
  };
}

/** A UTC day `days` before `day` (YYYY-MM-DD), as the API counts them. */
const utcDaysBefore = (day: Date, days: number) =>
  new Date(day.getTime() - days * 86_400_000).toISOString().slice(0, 10);

interface Page<T> {
  data: T[];
  next_cursor: string | null;
}

type PageComponent = ComponentType<PageContext>;
const loaders: Record<'detail' | 'playbook', () => Promise<PageComponent>> = {
  detail: () => import('./case-detail').then((m) => m.CaseDetailPage),
  playbook: () => import('./playbook').then((m) => m.PlaybookPage),
};
const loaded: Partial<Record<'detail' | 'playbook', PageComponent>> = {};

/**
 * /cases, /cases/playbook and /cases/<id>. The detail and the editor load when first opened (not
 * through lazy-page.tsx: importing it from here would split it off the first load into a chunk).
 */
export function CasesPage(ctx: PageContext) {
  const { t } = useI18n();
  const which = ctx.params.id === 'playbook' ? 'playbook' : ctx.params.id ? 'detail' : null;
  const [, setReady] = useState(0);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    if (!which || loaded[which]) return;
    loaders[which]()
      .then((page) => {
        loaded[which] = page;
        setReady((n) => n + 1);
      })
      .catch(() => setFailed(true));
  }, [which]);
  if (!which) return <CaseListPage {...ctx} />;
  const Page = loaded[which];
  if (Page) return <Page key={ctx.params.id} {...ctx} />;
  return failed ? <p class="error">{t('error_generic')}</p> : <p aria-busy="true">{t('loading')}</p>;
}

function CaseListPage(ctx: PageContext) {
  const m = useMessages(M);
  const c = useMessages(CM);
  const q = casesQueryOf(ctx.location.query);
  const owner = q.mine ? ctx.session.user.email : q.owner.trim() || undefined;
  // Changes made here (a card moved) refresh the metrics too.
  const [version, setVersion] = useState(0);
  const search = ctx.location.query.toString() ? `?${ctx.location.query.toString()}` : '';
  return (
    <div class="cases">
      <div class="page-head">
        <h1>{c('title')}</h1>
        <a href={`${BASE}/cases/playbook`} onClick={(e) => onLinkClick(e, '/cases/playbook')}>
          {c('playbook')}
        </a>
      </div>
      <p class="muted cases-lead">{m('lead')}</p>
      <MetricsPanel days={q.days} group={q.group} version={version} />
      <CaseFilters q={q} />
      {!canRespond(ctx.session.role) && <p class="muted">{c('read_only')}</p>}
      {q.view === 'list' ? (
        <CaseList q={q} owner={owner} search={search} />
      ) : (
        <CaseBoard
          q={q}
          owner={owner}
          search={search}
          editable={canRespond(ctx.session.role)}
          onChanged={() => setVersion((v) => v + 1)}
        />
      )}
    </div>
  );
}

function CaseFilters({ q }: { q: CasesQuery }) {
  const m = useMessages(M);
  const c = useMessages(CM);
  const [owner, setOwner] = useState(q.owner);
  useEffect(() => setOwner(q.owner), [q.owner]);
  const filtered = q.status !== 'active' || q.owner || q.mine || q.breached;
  return (
    <div class="cases-controls">
      <fieldset class="cases-views">
        <legend class="cases-label">{m('view')}</legend>
        {(['list', 'board'] as const).map((v) => (
          <button
            key={v}
            type="button"
            class={q.view === v ? 'tab active' : 'tab'}
            aria-pressed={q.view === v}
            onClick={() => setQuery({ view: v === 'list' ? undefined : v })}
          >
            {m(`view_${v}`)}
          </button>
        ))}
      </fieldset>
      {q.view === 'list' && (
        <div class="cases-field">
          <label class="cases-label" for="cases-status">
            {m('filter_status')}
          </label>
          <select
            id="cases-status"
            value={q.status}
            onChange={(e) => {
              const v = (e.target as HTMLSelectElement).value;
              setQuery({ status: v === 'active' ? undefined : v });
            }}
          >
            <option value="active">{m('status_active')}</option>
            {CASE_STATUSES.map((s) => (
              <option key={s} value={s}>
                {c(`status_${s}`)}
              </option>
            ))}
            <option value="all">{m('status_all')}</option>
          </select>
        </div>
      )}
      <form
        class="cases-owner"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery({ owner: owner.trim() || undefined, mine: undefined });
        }}
      >
        <label class="cases-label" for="cases-owner">
          {m('filter_owner')}
        </label>
        <div class="cases-owner-row">
          <input
            id="cases-owner"
            type="search"
            maxLength={200}
            value={owner}
            disabled={q.mine}
            onInput={(e) => setOwner((e.target as HTMLInputElement).value)}
          />
          <button type="submit" class="secondary" disabled={q.mine}>
            {m('filter_apply')}
          </button>
        </div>
      </form>
      <div class="cases-checks">
        <label class="cases-check">
          <input
            type="checkbox"
            checked={q.mine}
            onChange={(e) => setQuery({ mine: (e.target as HTMLInputElement).checked ? '1' : undefined })}
          />
          {m('filter_mine')}
        </label>
        <label class="cases-check">
          <input
            type="checkbox"
            checked={q.breached}
            onChange={(e) => setQuery({ breached: (e.target as HTMLInputElement).checked ? '1' : undefined })}
          />
          {m('filter_breached')}
        </label>
        {filtered && (
          <button
            type="button"
            class="link"
            onClick={() =>
              setQuery({ status: undefined, owner: undefined, mine: undefined, breached: undefined })
            }
          >
            {m('filter_clear')}
          </button>
        )}
      </div>
    </div>
  );
}

function listQuery(q: CasesQuery, owner: string | undefined, status: CaseStatus[] | null) {
  return {
    status: status ? status.join(',') : undefined,
    owner,
    breached: q.breached ? 'true' : undefined,
  };
}

const caseHref = (id: string, search: string) => `/cases/${id}${search}`;

function CaseList({ q, owner, search }: { q: CasesQuery; owner: string | undefined; search: string }) {
  const { t } = useI18n();
  const m = useMessages(M);
  const c = useMessages(CM);
  const date = useDateTime();
  const [rows, setRows] = useState<Case[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [status, setStatus] = useState<'loading' | 'ready' | 'failed'>('loading');
  const [more, setMore] = useState(false);
  const statuses = q.status === 'all' ? null : q.status === 'active' ? ACTIVE : [q.status];
  const query = listQuery(q, owner, statuses);
  const key = JSON.stringify(query);
  useEffect(() => {
    let live = true;
    setStatus('loading');
    get<Page<Case>>('/cases', { ...query, limit: PAGE })
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
  const loadMore = () => {
    if (!cursor) return;
    setMore(true);
    get<Page<Case>>('/cases', { ...query, limit: PAGE, cursor })
      .then((page) => {
        setRows((prev) => [...prev, ...page.data]);
        setCursor(page.next_cursor);
      })
      .catch(() => setStatus('failed'))
      .finally(() => setMore(false));
  };
  if (status === 'failed') return <p class="error">{t('error_generic')}</p>;
  if (status === 'loading' && rows.length === 0) return <p aria-busy="true">{t('loading')}</p>;
  if (rows.length === 0) return <p class="card">{m('none')}</p>;
  return (
    <section class="cases-list" aria-busy={status === 'loading'}>
      <table class="data cases-table" data-testid="cases-table">
        <caption class="visually-hidden">{m('list_caption')}</caption>
        <thead>
          <tr>
            <th scope="col">{m('col_number')}</th>
            <th scope="col">{c('customer')}</th>
            <th scope="col">{t('score')}</th>
            <th scope="col">{m('col_title')}</th>
            <th scope="col">{c('owner')}</th>
            <th scope="col">{c('status')}</th>
            <th scope="col">{c('due')}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((k) => (
            <tr key={k.id} data-id={k.id} data-number={k.number}>
              <th scope="row" data-label={m('col_number')}>
                <div>
                  <a
                    href={`${BASE}${caseHref(k.id, search)}`}
                    aria-label={m('open_case', { n: k.number })}
                    onClick={(e) => onLinkClick(e, caseHref(k.id, search))}
                  >
                    #{k.number}
                  </a>
                </div>
              </th>
              <td data-label={c('customer')}>
                <div>
                  {customerOf(k, c('anonymous'))}
                  {k.account && <span class="muted cases-account">{k.account.name}</span>}
                </div>
              </td>
              <td data-label={t('score')}>
                <div>
                  <ScoreBadge score={k.score} category={k.category} />
                </div>
              </td>
              <td data-label={m('col_title')}>
                <div>
                  <a
                    href={`${BASE}${caseHref(k.id, search)}`}
                    onClick={(e) => onLinkClick(e, caseHref(k.id, search))}
                  >
                    {k.title}
                  </a>
                  {k.comment && <span class="muted cases-comment">{k.comment}</span>}
                </div>
              </td>
              <td data-label={c('owner')}>
                <div>
                  {k.owner ?? <span class="muted">{c('nobody')}</span>}
                  {k.team && <span class="muted cases-account">{k.team}</span>}
                </div>
              </td>
              <td data-label={c('status')}>
                <div>
                  <StatusBadge status={k.status} />
                </div>
              </td>
              <td data-label={c('due')}>
                <div>
                  <SlaBadge sla={k.sla} />
                  <span class="cases-due">
                    <time dateTime={k.due_at}>{date(k.due_at)}</time>
                  </span>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="load-more">
        <span class="muted">
          {cursor ? m('shown', { n: rows.length }) : m('shown_all', { n: rows.length })}
        </span>
        {cursor && (
          <button type="button" onClick={loadMore} disabled={more}>
            {more ? t('loading') : m('load_more')}
          </button>
        )}
      </div>
    </section>
  );
}

function CaseBoard(props: {
  q: CasesQuery;
  owner: string | undefined;
  search: string;
  editable: boolean;
  onChanged: () => void;
}) {
  const { t } = useI18n();
  const m = useMessages(M);
  const c = useMessages(CM);
  const [columns, setColumns] = useState<Record<CaseStatus, Page<Case>> | null>(null);
  const [failed, setFailed] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [reload, setReload] = useState(0);
  const query = listQuery(props.q, props.owner, null);
  const key = JSON.stringify(query);
  const focusAfter = useRef<string | null>(null);
  useEffect(() => {
    let live = true;
    Promise.all(
      CASE_STATUSES.map((s) =>
        get<Page<Case>>('/cases', { ...query, status: s, limit: s === 'closed' ? 20 : BOARD_LIMIT }),
      ),
    )
      .then((pages) => {
        if (!live) return;
        setColumns(
          Object.fromEntries(CASE_STATUSES.map((s, i) => [s, pages[i]!])) as Record<CaseStatus, Page<Case>>,
        );
        setFailed(false);
      })
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [key, reload]);
  // After a move, focus goes to the moved card's link in its new column.
  useEffect(() => {
    if (!columns || !focusAfter.current) return;
    const el = document.querySelector<HTMLElement>(`[data-card="${focusAfter.current}"] a`);
    focusAfter.current = null;
    el?.focus();
  }, [columns]);

  const move = async (k: Case, to: CaseStatus) => {
    setError(null);
    if (to === 'closed') {
      // Closing needs a resolution: the case's own page asks for it.
      navigate(`/cases/${k.id}?close=1`);
      return;
    }
    try {
      await patch(`/cases/${k.id}`, { status: to });
      focusAfter.current = k.id;
      setAnnouncement(m('moved', { n: k.number, status: c(`status_${to}`) }));
      setReload((r) => r + 1);
      props.onChanged();
    } catch (e) {
      setError(problemOf(e, t('error_generic')).message);
    }
  };

  if (failed) return <p class="error">{t('error_generic')}</p>;
  if (!columns) return <p aria-busy="true">{t('loading')}</p>;
  return (
    <section class="cases-board-wrap">
      <p class="cases-live" role="status" aria-live="polite">
        {announcement}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="cases-board" data-testid="cases-board">
        {CASE_STATUSES.map((s) => {
          const page = columns[s];
          return (
            <section key={s} class="cases-column" aria-labelledby={`col-${s}`} data-status={s}>
              <h2 id={`col-${s}`}>
                {c(`status_${s}`)} <span class="muted">({m('column_count', { n: page.data.length })})</span>
              </h2>
              {page.next_cursor && <p class="muted small">{m('column_more', { n: page.data.length })}</p>}
              <ul class="cases-cards">
                {page.data.map((k) => (
                  <li key={k.id} class="cases-card" data-card={k.id} data-number={k.number}>
                    <div class="cases-card-head">
                      <a
                        href={`${BASE}${caseHref(k.id, props.search)}`}
                        onClick={(e) => onLinkClick(e, caseHref(k.id, props.search))}
                      >
                        #{k.number} {customerOf(k, c('anonymous'))}
                      </a>
                      <ScoreBadge score={k.score} category={k.category} />
                    </div>
                    <div class="cases-card-meta">
                      <SlaBadge sla={k.sla} />
                      <span class="muted">{k.owner ?? c('nobody')}</span>
                    </div>
                    {props.editable && (
                      <div class="cases-move">
                        <label class="visually-hidden" for={`move-${k.id}`}>
                          {m('move_to', { n: k.number })}
                        </label>
                        <select
                          id={`move-${k.id}`}
                          value=""
                          onChange={(e) => {
                            const to = (e.target as HTMLSelectElement).value as CaseStatus;
                            (e.target as HTMLSelectElement).value = '';
                            if (to) void move(k, to);
                          }}
                        >
                          <option value="">{m('move_choose')}</option>
                          {CASE_STATUSES.filter((x) => x !== s).map((x) => (
                            <option key={x} value={x}>
                              {c(`status_${x}`)}
                            </option>
                          ))}
                        </select>
                      </div>
                    )}
                  </li>
                ))}
              </ul>
            </section>
          );
        })}
      </div>
    </section>
  );
}

function MetricsPanel({ days, group, version }: { days: Period; group: 'owner' | 'team'; version: number }) {
  const { t, number } = useI18n();
  const m = useMessages(M);
  const c = useMessages(CM);
  const duration = useDuration();
  const percent = usePercent();
  const [data, setData] = useState<{ overall: CaseMetricsRow; groups: CaseMetricsRow[] } | null>(null);
  const [failed, setFailed] = useState(false);
  useEffect(() => {
    let live = true;
    // UTC days, as the API counts them.
    const now = new Date();
    get<{ overall: CaseMetricsRow; groups: CaseMetricsRow[] }>('/metrics/cases', {
      from: utcDaysBefore(now, Number(days) - 1),
      to: utcDaysBefore(now, 0),
      group_by: group,
    })
      .then((r) => live && setData(r))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [days, group, version]);
  const o = data?.overall;
  return (
    <section class="cases-metrics" aria-labelledby="cases-metrics-title" data-testid="cases-metrics">
      <div class="cases-metrics-head">
        <h2 id="cases-metrics-title">{m('metrics_title')}</h2>
        <label class="cases-inline" for="cases-days">
          {m('metrics_period')}
        </label>
        <select
          id="cases-days"
          value={days}
          onChange={(e) => {
            const v = (e.target as HTMLSelectElement).value;
            setQuery({ days: v === '90' ? undefined : v }, { replace: true });
          }}
        >
          {PERIODS.map((p) => (
            <option key={p} value={p}>
              {m(`days_${p}`)}
            </option>
          ))}
        </select>
      </div>
      {failed && <p class="error">{t('error_generic')}</p>}
      {!o && !failed && <p aria-busy="true">{t('loading')}</p>}
      {o && (
        <>
          <dl class="cases-kpis">
            <div class="card" data-testid="kpi-closed-loop">
              <dt>{m('closed_loop_rate')}</dt>
              <dd class="cases-kpi">{percent(o.closed_loop_rate)}</dd>
              <dd class="muted small" data-testid="kpi-closed-of">
                {m('closed_of', { closed: number(o.closed), opened: number(o.opened) })}
              </dd>
            </div>
            <div class="card">
              <dt>{m('first_contact')}</dt>
              <dd class="cases-kpi">{duration(o.median_hours_to_first_contact)}</dd>
              <dd class="muted small">{m('median')}</dd>
            </div>
            <div class="card">
              <dt>{m('time_to_close')}</dt>
              <dd class="cases-kpi">{duration(o.median_hours_to_close)}</dd>
              <dd class="muted small">{m('median')}</dd>
            </div>
            <div class="card">
              <dt>{m('recovery_rate')}</dt>
              <dd class="cases-kpi">{percent(o.recovery_rate)}</dd>
              <dd class="muted small">
                {o.recovery_base > 0
                  ? m('recovery_of', { recovered: number(o.recovered), base: number(o.recovery_base) })
                  : m('recovery_none')}
              </dd>
            </div>
            <div class="card">
              <dt>{m('sla_rate')}</dt>
              <dd class="cases-kpi">{percent(o.closed_within_sla_rate)}</dd>
            </div>
            <div class="card">
              <dt>{m('open_breached')}</dt>
              <dd class={o.open_breached > 0 ? 'cases-kpi cases-bad' : 'cases-kpi'}>
                {number(o.open_breached)}
              </dd>
              <dd class="muted small">{m('open_breached_hint')}</dd>
            </div>
          </dl>
          <fieldset class="cases-group-head">
            <legend>{m('by')}</legend>
            {(['owner', 'team'] as const).map((g) => (
              <button
                key={g}
                type="button"
                class={group === g ? 'tab active' : 'tab'}
                aria-pressed={group === g}
                onClick={() => setQuery({ group: g === 'owner' ? undefined : g }, { replace: true })}
              >
                {c(g)}
              </button>
            ))}
          </fieldset>
          {data.groups.length === 0 ? (
            <p class="muted">{m('groups_none')}</p>
          ) : (
            <section
              class="an-scroll"
              // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard
              tabIndex={0}
              aria-label={m('groups_caption', { by: m(`by_${group}`) })}
            >
              <table class="data cases-groups">
                <caption class="visually-hidden">{m('groups_caption', { by: m(`by_${group}`) })}</caption>
                <thead>
                  <tr>
                    <th scope="col">{c(group)}</th>
                    <th scope="col" class="num">
                      {m('col_opened')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_closed')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_rate')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_sla')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_first')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_close')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_recovery')}
                    </th>
                    <th scope="col" class="num">
                      {m('col_breached')}
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {data.groups.map((g) => (
                    <tr key={g.group ?? ''}>
                      <th scope="row">{g.group ?? m('group_none')}</th>
                      <td class="num">{number(g.opened)}</td>
                      <td class="num">{number(g.closed)}</td>
                      <td class="num">{percent(g.closed_loop_rate)}</td>
                      <td class="num">{percent(g.closed_within_sla_rate)}</td>
                      <td class="num">{duration(g.median_hours_to_first_contact)}</td>
                      <td class="num">{duration(g.median_hours_to_close)}</td>
                      <td class="num">
                        {g.recovery_base > 0
                          ? `${percent(g.recovery_rate)} (${g.recovered}/${g.recovery_base})`
                          : '–'}
                      </td>
                      <td class="num">{number(g.open_breached)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
    </section>
  );
}
