/**
 * The overview: the NPS with its margin of error, the change against the previous period in plain
 * words (the API's significance test), the split, the 0-10 distribution and the trend with its
 * confidence band, all under the filters of the URL.
 */
import { useEffect, useState } from 'preact/hooks';
import { get, post } from '../api';
import { Distribution } from '../components/distribution';
import { FilterBar } from '../components/filter-bar';
import { SplitBar } from '../components/split-bar';
import { TrendChart } from '../components/trend-chart';
import { compareFilter, type Filters, filterQuery, granularityFor } from '../filters';
import { type I18n, useI18n } from '../i18n';
import type { Comparison, Summary, TrendPoint } from '../types';

interface Workspace {
  industry: string | null;
  benchmark: { nps: number; source: string; url?: string | null; year?: number | null } | null;
}

interface Rate {
  delivered: number;
  answered: number;
  response_rate: number | null;
}

interface Core {
  summary: Summary;
  trend: TrendPoint[];
}

interface Data extends Core {
  workspace: Workspace | null;
  rate: Rate | null;
  comparison: Comparison | null;
}

export function OverviewPage({ filters }: { filters: Filters }) {
  const { t, number, locale } = useI18n();
  const [core, setCore] = useState<Core | null>(null);
  const [comparison, setComparison] = useState<Comparison | null>(null);
  const [workspace, setWorkspace] = useState<Workspace | null>(null);
  const [rate, setRate] = useState<Rate | null>(null);
  const [failed, setFailed] = useState(false);
  const data: Data | null = core && { ...core, comparison, workspace, rate };
  const key = JSON.stringify(filters);
  useEffect(() => {
    let live = true;
    const query = filterQuery(filters);
    const { from, to, survey_id, channel, journey_stage } = query;
    const current = compareFilter(filters);
    // The NPS and trend first; the comparison, the benchmark and the response rate fill in as
    // they arrive, so the number is never held up by a slower request.
    setComparison(null);
    setRate(null);
    Promise.all([
      get<Summary>('/metrics/nps', query),
      get<{ points: TrendPoint[] }>('/metrics/trend', { ...query, granularity: granularityFor(filters) }),
    ])
      .then(([summary, trend]) => live && setCore({ summary, trend: trend.points }))
      .catch(() => live && setFailed(true));
    // A comparison needs a period: "all time" has no previous one.
    if (from && to) {
      post<Comparison>('/metrics/compare', { current, locale })
        .then((c) => live && setComparison(c))
        .catch(() => {});
    }
    get<Workspace>('/workspace')
      .then((w) => live && setWorkspace(w))
      .catch(() => {});
    // Invitations have no attributes: the rate is shown only without attribute or stage filters.
    if (!Object.keys(filters.attributes).length && !journey_stage) {
      get<Rate>('/metrics/response-rate', { from, to, survey_id, channel })
        .then((r) => live && setRate(r))
        .catch(() => {});
    }
    return () => {
      live = false;
    };
  }, [key, locale]);

  return (
    <>
      <h1 class="visually-hidden">{t('nav_overview')}</h1>
      <FilterBar filters={filters} />
      {failed && <p class="error">{t('error_generic')}</p>}
      {!data && !failed && <p aria-busy="true">{t('loading')}</p>}
      {data && (
        <div class="grid">
          <section class="card score" aria-labelledby="nps-title">
            <h2 id="nps-title">{t('nps')}</h2>
            {data.summary.nps === null ? (
              <p>{t('no_responses')}</p>
            ) : (
              <>
                <p class="big" data-testid="nps-value">
                  {number(data.summary.nps, 0)}
                </p>
                <p class="muted">{t('margin', { margin: number(data.summary.margin_of_error ?? 0, 1) })}</p>
                <p>{t('responses_count', { n: number(data.summary.n, 0) })}</p>
                {data.rate && data.rate.response_rate !== null && (
                  <p data-testid="response-rate">
                    {t('response_rate', {
                      rate: number(data.rate.response_rate * 100, 0),
                      answered: number(data.rate.answered, 0),
                      delivered: number(data.rate.delivered, 0),
                    })}
                  </p>
                )}
              </>
            )}
          </section>
          {data.comparison && (
            <section class="card" aria-labelledby="change-title">
              <h2 id="change-title">{t('change_title')}</h2>
              <p class={`verdict ${data.comparison.verdict}`} data-testid="verdict">
                {changeInWords(data.comparison, t, number)}
              </p>
              {data.comparison.baseline.nps !== null && (
                <p class="muted">
                  {t('change_before', {
                    nps: number(data.comparison.baseline.nps, 0),
                    n: number(data.comparison.baseline.n, 0),
                  })}
                </p>
              )}
            </section>
          )}
          {data.summary.n > 0 && (
            <section class="card" aria-labelledby="split-title">
              <h2 id="split-title">
                {t('promoters')} · {t('passives')} · {t('detractors')}
              </h2>
              <SplitBar summary={data.summary} />
            </section>
          )}
          {data.summary.n > 0 && (
            <section class="card" aria-labelledby="dist-title">
              <h2 id="dist-title">{t('distribution')}</h2>
              <Distribution counts={data.summary.distribution} />
            </section>
          )}
          <section class="card wide" aria-labelledby="trend-title">
            <h2 id="trend-title">{t('trend')}</h2>
            <TrendChart
              points={data.trend}
              label={t('trend')}
              benchmark={benchmarkOf(data.workspace, t, number)}
            />
            {data.workspace?.benchmark && (
              <p class="muted" data-testid="benchmark">
                {t('benchmark_source', {
                  nps: number(data.workspace.benchmark.nps, 0),
                  industry: data.workspace.industry ?? '',
                  source: data.workspace.benchmark.source,
                  year: data.workspace.benchmark.year ?? '',
                })}{' '}
                {data.workspace.benchmark.url && (
                  <a href={data.workspace.benchmark.url} target="_blank" rel="noopener noreferrer">
                    {t('benchmark_link')}
                  </a>
                )}
              </p>
            )}
          </section>
        </div>
      )}
    </>
  );
}

/** The change in plain words: its size, its direction and whether the z-test says it is real. */
export function changeInWords(c: Comparison, t: I18n['t'], number: I18n['number']): string {
  if (c.verdict === 'too-few-responses' || c.difference === null) return t('change_too_few');
  const d = number(Math.abs(c.difference), 0);
  if (d === number(0, 0)) return t('change_none');
  const up = c.difference > 0;
  if (c.significant) return t(up ? 'change_up_real' : 'change_down_real', { d });
  return t(up ? 'change_up_chance' : 'change_down_chance', { d });
}

function benchmarkOf(workspace: Workspace | null, t: I18n['t'], number: I18n['number']) {
  const b = workspace?.benchmark;
  return b ? { nps: b.nps, label: t('benchmark_line', { nps: number(b.nps, 0) }) } : undefined;
}
