/**
 * The themes of the comments (GET /metrics/themes) under the filters of the URL: per category what
 * promoters praise, passives mention and detractors complain about, then every theme by count. Each
 * theme shows its comments, its share and the NPS (± margin) of the responses that mention it, and
 * links to those comments on the responses page (`q` = the theme's search, with the same filters).
 */
import { useEffect, useState } from 'preact/hooks';
import { get } from '../api';
import { FilterBar } from '../components/filter-bar';
import { type Filters, filterQuery } from '../filters';
import { defineMessages, useI18n, useMessages } from '../i18n';
import { BASE, onLinkClick } from '../router';
import type { PageContext } from '../routes';
import type { Summary } from '../types';

type Category = 'promoter' | 'passive' | 'detractor';
const CATEGORIES: readonly Category[] = ['promoter', 'passive', 'detractor'];

interface CategoryStats {
  count: number;
  pct: number;
  lift: number | null;
}

interface Theme {
  key: string;
  label: string;
  words: 1 | 2;
  count: number;
  pct: number;
  categories: Record<Category, CategoryStats>;
  summary: Summary;
  search: string;
}

interface ThemesAnswer {
  comments: number;
  sampled: boolean;
  sample_limit: number;
  comments_by_category: Record<Category, number>;
  min_count: number;
  themes: Theme[];
  by_category: Record<Category, Theme[]>;
}

const M = defineMessages({
  en: {
    title: 'Comment themes',
    lead: 'What the comments talk about, found on this server (no data leaves it). Open a theme to read its comments.',
    analysed: '{n} comments analysed; a theme needs at least {min} comments.',
    sampled:
      'More comments match than are analysed at once: only the newest {limit} were analysed. Narrow the filters to analyse all.',
    all_analysed: 'All matching comments were analysed.',
    none: 'No theme is mentioned often enough in this selection yet.',
    cat_promoter: 'Promoters praise …',
    cat_passive: 'Passives mention …',
    cat_detractor: 'Detractors complain about …',
    cat_none: 'Nothing stands out for this group.',
    cat_comments: '{n} comments of this group',
    in_category: '{n} of their comments ({pct} %)',
    overall: 'All themes by number of comments',
    col_theme: 'Theme',
    col_comments: 'Comments',
    col_share: 'Share',
    col_nps: 'NPS of these responses',
    col_split: 'Promoters / passives / detractors',
    nps_margin: 'NPS {nps} ± {margin}',
    nps_none: 'no NPS',
    open: 'Show the comments about “{theme}”',
  },
  de: {
    title: 'Themen der Kommentare',
    lead: 'Worüber die Kommentare sprechen, auf diesem Server ermittelt (keine Daten verlassen ihn). Öffnen Sie ein Thema, um seine Kommentare zu lesen.',
    analysed: '{n} Kommentare ausgewertet; ein Thema braucht mindestens {min} Kommentare.',
    sampled:
      'Es passen mehr Kommentare, als auf einmal ausgewertet werden: nur die neuesten {limit} wurden ausgewertet. Schränken Sie die Filter ein, um alle auszuwerten.',
    all_analysed: 'Alle passenden Kommentare wurden ausgewertet.',
    none: 'In dieser Auswahl wird noch kein Thema oft genug genannt.',
    cat_promoter: 'Promotoren loben …',
    cat_passive: 'Passive nennen …',
    cat_detractor: 'Kritiker bemängeln …',
    cat_none: 'Für diese Gruppe sticht nichts heraus.',
    cat_comments: '{n} Kommentare dieser Gruppe',
    in_category: '{n} ihrer Kommentare ({pct} %)',
    overall: 'Alle Themen nach Anzahl der Kommentare',
    col_theme: 'Thema',
    col_comments: 'Kommentare',
    col_share: 'Anteil',
    col_nps: 'NPS dieser Antworten',
    col_split: 'Promotoren / Passive / Kritiker',
    nps_margin: 'NPS {nps} ± {margin}',
    nps_none: 'kein NPS',
    open: 'Kommentare zu „{theme}“ anzeigen',
  },
});

/** The responses page with the theme's search and the same filters (period, survey, channel). */
export function themeLink(theme: { search: string }, filters: Filters): string {
  const params = new URLSearchParams();
  params.set('q', theme.search);
  params.set('period', filters.preset);
  if (filters.preset === 'custom') {
    if (filters.from) params.set('from', filters.from);
    if (filters.to) params.set('to', filters.to);
  }
  if (filters.survey_id) params.set('survey_id', filters.survey_id);
  if (filters.channel) params.set('channel', filters.channel);
  if (filters.journey_stage) params.set('journey_stage', filters.journey_stage);
  for (const [key, value] of Object.entries(filters.attributes)) params.set(`attr.${key}`, value);
  return `/responses?${params.toString()}`;
}

function ThemeLink({ theme, filters }: { theme: Theme; filters: Filters }) {
  const m = useMessages(M);
  const to = themeLink(theme, filters);
  return (
    <a
      class="theme-link"
      href={`${BASE}${to}`}
      title={m('open', { theme: theme.label })}
      onClick={(e) => onLinkClick(e, to)}
    >
      {theme.label}
    </a>
  );
}

function ThemeNps({ summary }: { summary: Summary }) {
  const m = useMessages(M);
  const { number } = useI18n();
  if (summary.nps === null) return <span class="muted">{m('nps_none')}</span>;
  const tone = summary.nps >= 30 ? 'promoter' : summary.nps < 0 ? 'detractor' : 'passive';
  return (
    <span class={`theme-nps ${tone}`}>
      {m('nps_margin', { nps: number(summary.nps, 0), margin: number(summary.margin_of_error ?? 0, 1) })}
    </span>
  );
}

export function ThemesPage(ctx: PageContext) {
  const { t, number } = useI18n();
  const m = useMessages(M);
  const { filters } = ctx;
  const [data, setData] = useState<ThemesAnswer | null>(null);
  const [failed, setFailed] = useState(false);
  const key = JSON.stringify(filters);
  useEffect(() => {
    let live = true;
    setFailed(false);
    get<ThemesAnswer>('/metrics/themes', filterQuery(filters))
      .then((answer) => live && setData(answer))
      .catch(() => live && setFailed(true));
    return () => {
      live = false;
    };
  }, [key]);

  return (
    <>
      <h1>{m('title')}</h1>
      <p class="muted">{m('lead')}</p>
      <FilterBar filters={filters} />
      {failed && (
        <p class="error" role="alert">
          {t('error_generic')}
        </p>
      )}
      {!data && !failed && <p aria-busy="true">{t('loading')}</p>}
      {data && (
        <>
          <p data-testid="themes-analysed">
            {m('analysed', { n: number(data.comments, 0), min: number(data.min_count, 0) })}{' '}
            {data.sampled ? (
              <strong class="themes-sampled" data-testid="themes-sampled">
                {m('sampled', { limit: number(data.sample_limit, 0) })}
              </strong>
            ) : (
              <span class="muted">{m('all_analysed')}</span>
            )}
          </p>
          {data.themes.length === 0 ? (
            <p class="card">{m('none')}</p>
          ) : (
            <>
              <div class="grid themes-grid">
                {CATEGORIES.map((category) => (
                  <section
                    key={category}
                    class={`card themes-category ${category}`}
                    aria-labelledby={`themes-${category}`}
                    data-testid={`themes-${category}`}
                  >
                    <h2 id={`themes-${category}`}>
                      <span class={`swatch ${category}`} aria-hidden="true" />
                      {m(`cat_${category}`)}
                    </h2>
                    <p class="muted small">
                      {m('cat_comments', { n: number(data.comments_by_category[category], 0) })}
                    </p>
                    {data.by_category[category].length === 0 ? (
                      <p class="muted">{m('cat_none')}</p>
                    ) : (
                      <ol class="theme-list">
                        {data.by_category[category].map((theme) => (
                          <li key={theme.key}>
                            <ThemeLink theme={theme} filters={filters} />
                            <span class="theme-meta">
                              {m('in_category', {
                                n: number(theme.categories[category].count, 0),
                                pct: number(theme.categories[category].pct, 1),
                              })}
                              {' · '}
                              <ThemeNps summary={theme.summary} />
                            </span>
                          </li>
                        ))}
                      </ol>
                    )}
                  </section>
                ))}
              </div>
              <section class="card themes-overall" aria-labelledby="themes-overall">
                <h2 id="themes-overall">{m('overall')}</h2>
                <div class="table-scroll">
                  <table class="themes-table">
                    <thead>
                      <tr>
                        <th scope="col">{m('col_theme')}</th>
                        <th scope="col" class="num">
                          {m('col_comments')}
                        </th>
                        <th scope="col" class="num">
                          {m('col_share')}
                        </th>
                        <th scope="col">{m('col_nps')}</th>
                        <th scope="col" class="themes-split-col">
                          {m('col_split')}
                        </th>
                      </tr>
                    </thead>
                    <tbody>
                      {data.themes.map((theme) => (
                        <tr key={theme.key}>
                          <th scope="row">
                            <ThemeLink theme={theme} filters={filters} />
                          </th>
                          <td class="num">{number(theme.count, 0)}</td>
                          <td class="num">{number(theme.pct, 1)} %</td>
                          <td>
                            <ThemeNps summary={theme.summary} />
                          </td>
                          <td class="themes-split-col">
                            {CATEGORIES.map((c) => number(theme.categories[c].count, 0)).join(' / ')}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              </section>
            </>
          )}
        </>
      )}
    </>
  );
}
